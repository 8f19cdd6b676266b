/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The JSON boundary of dozord and the board: strict RFC 8259 only, every
 * string text, nesting bounded.
 */
#include "config.h"

#include <string.h>

#include "dozor-json.h"

static JsonNode *
parse (const char  *text,
       GError     **error)
{
  return dozor_json_parse (text, strlen (text), 1024 * 1024, error);
}

/* The examples of RFC 8259 (sections 13 and 14) and the corners of its
 * grammar are taken, with the values json-glib makes of them. */
static void
test_valid (void)
{
  static const char *const texts[] = {
    "{\"Image\":{\"Width\":800,\"Height\":600,\"Title\":\"View from 15th Floor\","
    "\"Thumbnail\":{\"Url\":\"http://www.example.com/image/481989943\",\"Height\":125,\"Width\":100},"
    "\"Animated\":false,\"IDs\":[116,943,234,38793]}}",
    "[{\"precision\":\"zip\",\"Latitude\":37.7668,\"Longitude\":-122.3959,\"Address\":\"\","
    "\"City\":\"SAN FRANCISCO\",\"State\":\"CA\",\"Zip\":\"94107\",\"Country\":\"US\"}]",
    "\"Hello world!\"",
    "42",
    "true",
    "null",
    " \t\r\n{ \"a\" : [ 1 , -0 , 0.5 , -12.25e+3 , 1E-2 , 10 ] } \n",
    "{}",
    "[]",
    "{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u0416\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = parse (texts[i], &error);

      g_test_message ("%s", texts[i]);
      g_assert_no_error (error);
      g_assert_nonnull (node);
    }

  {
    g_autoptr(JsonNode) node = parse ("{\"a\":[1,-0,0.5,-12.25e+3,1E-2],\"b\":\"\\u00e9\\u0416\"}", NULL);
    JsonObject *object = json_node_get_object (node);
    JsonArray *array = json_object_get_array_member (object, "a");

    g_assert_cmpfloat (json_array_get_double_element (array, 2), ==, 0.5);
    g_assert_cmpfloat (json_array_get_double_element (array, 3), ==, -12250.0);
    g_assert_cmpstr (json_object_get_string_member (object, "b"), ==, "é\xd0\x96");
  }
}

/* What json-glib 1.6 takes and RFC 8259 does not. */
static void
test_lenient_refused (void)
{
  static const char *const texts[] = {
    "{'a':1}",
    "{\"a\":'x'}",
    "{\"a\":1 /* note */}",
    "{\"a\":1} // note",
    "# note\n{\"a\":1}",
    "{\"a\":0x2B}",
    "{\"a\":043.2}",
    "{\"a\":.5}",
    "{\"a\":5.}",
    "{\"a\":+1}",
    "{\"a\":1e}",
    "{\"a\":-}",
    "{\"a\":NaN}",
    "{\"a\":Infinity}",
    "{a:1}",
    "{\"a\":1,}",
    "[1,2,]",
    "[1 2]",
    "{\"a\" 1}",
    "{\"a\":1}{}",
    "{\"a\":True}",
    "{\"a\":nul}",
    "{\"a\":\"x\"",
    "{\"a\":[1,2}",
    "\xef\xbb\xbf{\"a\":1}",
    "{\"a\":1}\x0b",
    "{\"a\":1,\"b\":\"\\x41\"}",
    "{\"a\":\"\\u12\"}",
    "",
    "   ",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = dozor_json_parse (texts[i], strlen (texts[i]), 1024, &error);
      g_autofree char *shown = g_strescape (texts[i], NULL);

      g_test_message ("%s", shown);
      g_assert_null (node);
      g_assert_nonnull (error);
      g_assert_true (error->domain == DOZOR_JSON_ERROR);
      g_assert_true (error->code == DOZOR_JSON_ERROR_INVALID || error->code == DOZOR_JSON_ERROR_INVALID_FIELD);
    }

  /* A grammar error is not a field's fault. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = parse ("{\"a\":043.2}", &error);

    g_assert_error (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID);
  }
}

static void
test_surrogates (void)
{
  g_autoptr(GError) error = NULL;
  /* U+1F6A8, a police car light, as a pair. */
  g_autoptr(JsonNode) node = parse ("{\"call_sign\":\"\\ud83d\\udea8 1\"}", &error);
  static const char *const lone[] = {
    "{\"call_sign\":\"\\ud800\"}",
    "{\"call_sign\":\"\\udfff\"}",
    "{\"call_sign\":\"a\\ud83dz\"}",
    "{\"call_sign\":\"\\ud83d\\u0041\"}",
    "{\"call_sign\":\"\\udea8\\ud83d\"}",
    "{\"call_sign\":\"\\ud83d\\n\"}",
    "{\"call_sign\":\"\\uD800\"}",
  };

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "call_sign"), ==,
                   "\xf0\x9f\x9a\xa8 1");

  for (guint i = 0; i < G_N_ELEMENTS (lone); i++)
    {
      g_autoptr(GError) lone_error = NULL;
      g_autoptr(JsonNode) refused = parse (lone[i], &lone_error);

      g_test_message ("%s", lone[i]);
      g_assert_null (refused);
      g_assert_error (lone_error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID_FIELD);
      g_assert_true (g_str_has_prefix (lone_error->message, "call_sign: "));
    }
}

/* A bad string is refused with the path of the member that holds it. */
static void
test_field_named (void)
{
  static const struct {
    const char *text;
    const char *path;
  } cases[] = {
    { "{\"call_sign\":\"A\\u0000B\"}", "call_sign: " },
    { "{\"crew\":[\"Ким\",\"\\udfff\"]}", "crew[1]: " },
    { "{\"places\":[{},{\"name\":\"x\"},{\"kind\":\"poi\",\"name\":\"a\tb\"}]}", "places[2].name: " },
    { "{\"a\":{\"b\":[[1],[2,\"\\u0000\"]]}}", "a.b[1][1]: " },
    { "{\"address\":\"\xed\xa0\x80\"}", "address: " },
    { "{\"address\":\"\xc3\"}", "address: " },
    { "{\"address\":\"\xc0\xaf\"}", "address: " },
    { "{\"a\":1,\"b\":{\"c\\u0000\":1}}", "b: " },
    { "{\"note\":\"x\\qy\"}", "note: " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = parse (cases[i].text, &error);

      g_autofree char *shown = g_strescape (cases[i].text, NULL);

      g_test_message ("%s", shown);
      g_assert_null (node);
      g_assert_error (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID_FIELD);
      g_assert_true (g_str_has_prefix (error->message, cases[i].path));
    }

  /* A raw NUL byte in the text, which a C string would have hidden. */
  {
    static const char text[] = "{\"call_sign\":\"A\0B\"}";
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = dozor_json_parse (text, sizeof text - 1, 1024, &error);

    g_assert_null (node);
    g_assert_error (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID_FIELD);
  }

  /* Not inside a member: bad JSON, nothing to name. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = parse ("\"\\ud800\"", &error);

    g_assert_error (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID);
  }
}

static void
test_depth (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GString) deeper = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) refused = NULL;

  for (guint i = 0; i < DOZOR_JSON_MAX_DEPTH; i++)
    g_string_append (deep, i % 2 == 0 ? "[" : "{\"a\":");
  g_string_append (deep, "1");
  for (guint i = DOZOR_JSON_MAX_DEPTH; i > 0; i--)
    g_string_append (deep, (i - 1) % 2 == 0 ? "]" : "}");

  node = parse (deep->str, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);

  deeper = g_string_new ("[");
  g_string_append (deeper, deep->str);
  g_string_append (deeper, "]");
  refused = parse (deeper->str, &error);
  g_assert_null (refused);
  g_assert_error (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_TOO_DEEP);
  g_clear_error (&error);

  /* Brackets inside strings are text, not nesting. */
  {
    g_autoptr(GString) text = g_string_new ("{\"a\":\"");

    for (guint i = 0; i < 1000; i++)
      g_string_append (text, "[{");
    g_string_append (text, "\"}");
    g_clear_pointer (&node, json_node_unref);
    node = parse (text->str, &error);
    g_assert_no_error (error);
  }

  /* A hostile depth is refused without recursing into it. */
  {
    g_autofree char *bomb = g_strnfill (500000, '[');

    g_clear_pointer (&refused, json_node_unref);
    refused = parse (bomb, &error);
    g_assert_null (refused);
    g_assert_error (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_TOO_DEEP);
  }
}

/* A time member as the wire writes it, to the microsecond; anything else
 * is no time at all. */
static void
test_time (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  g_assert_true (json_parser_load_from_data (parser,
    "{\"at\":\"2026-11-22T08:00:00.250000Z\",\"null\":null,\"number\":5,\"bad\":\"yesterday\"}", -1, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (dozor_json_get_time (object, "at"), ==, (gint64) 1795334400 * G_USEC_PER_SEC + 250000);
  g_assert_cmpint (dozor_json_get_time (object, "null"), ==, 0);
  g_assert_cmpint (dozor_json_get_time (object, "number"), ==, 0);
  g_assert_cmpint (dozor_json_get_time (object, "bad"), ==, 0);
  g_assert_cmpint (dozor_json_get_time (object, "missing"), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/json/valid", test_valid);
  g_test_add_func ("/json/lenient-refused", test_lenient_refused);
  g_test_add_func ("/json/surrogates", test_surrogates);
  g_test_add_func ("/json/field-named", test_field_named);
  g_test_add_func ("/json/depth", test_depth);
  g_test_add_func ("/json/time", test_time);

  return g_test_run ();
}
