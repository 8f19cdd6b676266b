/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The registers' CSV as a spreadsheet reads it: the header, quoting of
 * commas, quotes and line breaks, nested members, empty cells for null,
 * Cyrillic kept, and a cell that would run as a formula kept as text.
 */
#include "config.h"

#include <string.h>

#include "dozor-register-csv.h"

static JsonArray *
parse_array (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

static void
test_messages (void)
{
  g_autoptr(JsonArray) rows = parse_array (
    "[{\"direction\":\"in\",\"number\":12,\"year\":2026,\"kind\":\"telegram\",\"time\":\"2026-12-06T08:00:00Z\","
    "\"ref\":null,\"sender\":\"ДП г. Алматы, дежурная часть\",\"addressee\":\"Кезекші \\\"Орталық\\\"\","
    "\"summary\":\"Бірінші жол\\nвторая строка\",\"action\":\"=HYPERLINK(1)\",\"registered_by\":\"op\","
    "\"registered_at\":\"2026-12-06T08:01:00Z\"}]");
  g_autofree char *csv = dozor_register_csv (rows, dozor_register_csv_message_columns);

  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBF" "direction,number,year,kind,time,ref,sender,"));
  g_assert_nonnull (strstr (csv, "registered_at\r\nin,12,2026,telegram,2026-12-06T08:00:00Z,,"
                                 "\"ДП г. Алматы, дежурная часть\",\"Кезекші \"\"Орталық\"\"\","
                                 "\"Бірінші жол\nвторая строка\",\"'=HYPERLINK(1)\",op,2026-12-06T08:01:00Z\r\n"));
}

static void
test_orientations (void)
{
  g_autoptr(JsonArray) rows = parse_array (
    "[{\"kind\":\"vehicle\",\"name\":null,\"plate\":\"777 ABA 02\",\"description\":\"Camry\",\"issued_by\":\"ДП\","
    "\"issued_at\":\"T1\",\"registered_by\":\"op\",\"registered_at\":\"T2\",\"active\":false,"
    "\"cancellation\":{\"by\":\"sup\",\"at\":\"T3\",\"reason\":\"Найден\"}},"
    "{\"kind\":\"person\",\"name\":\"Жұмабаев Ерлан\",\"plate\":null,\"description\":\"-5 см шрам\",\"issued_by\":\"УП\","
    "\"issued_at\":\"T4\",\"registered_by\":\"op\",\"registered_at\":\"T5\",\"active\":true,\"cancellation\":null}]");
  g_autofree char *csv = dozor_register_csv (rows, dozor_register_csv_orientation_columns);
  g_auto(GStrv) lines = g_strsplit (csv, "\r\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_cmpstr (lines[1], ==, "vehicle,,777 ABA 02,Camry,ДП,T1,op,T2,false,sup,T3,Найден");
  g_assert_cmpstr (lines[2], ==, "person,Жұмабаев Ерлан,,\"'-5 см шрам\",УП,T4,op,T5,true,,,");
  g_assert_cmpstr (lines[3], ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/register-csv/messages", test_messages);
  g_test_add_func ("/register-csv/orientations", test_orientations);

  return g_test_run ();
}
