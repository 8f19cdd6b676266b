/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include "dozor-incident-form.h"
#include "test-files.h"

static void
test_lat_lon (void)
{
  static const struct { const char *text; gboolean ok; double lat, lon; } cases[] = {
    { "43.2389, 76.9453", TRUE, 43.2389, 76.9453 },
    { "43.2389,76.9453", TRUE, 43.2389, 76.9453 },
    { "  43.2389   76.9453 ", TRUE, 43.2389, 76.9453 },
    { "43,2389; 76,9453", TRUE, 43.2389, 76.9453 },
    { "43,2389 76,9453", TRUE, 43.2389, 76.9453 },
    { "-33.86, 151.2", TRUE, -33.86, 151.2 },
    { "91, 76", FALSE, 0, 0 },
    { "43, 181", FALSE, 0, 0 },
    { "43.2", FALSE, 0, 0 },
    { "43.2, 76.9, 5", FALSE, 0, 0 },
    { "nan, 76", FALSE, 0, 0 },
    { "inf, 76", FALSE, 0, 0 },
    { "пр. Абая, 10", FALSE, 0, 0 },
    { "", FALSE, 0, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double lat = 0, lon = 0;

      g_test_message ("%s", cases[i].text);
      g_assert_cmpint (dozor_parse_lat_lon (cases[i].text, &lat, &lon), ==, cases[i].ok);
      if (cases[i].ok)
        {
          g_assert_cmpfloat_with_epsilon (lat, cases[i].lat, 1e-9);
          g_assert_cmpfloat_with_epsilon (lon, cases[i].lon, 1e-9);
        }
    }
  g_assert_false (dozor_parse_lat_lon (NULL, NULL, NULL));
}

/* A locale that writes decimal commas, built from the system's sources
 * into DIR (this machine may have none compiled); FALSE if it cannot be. */
static gboolean
comma_locale (const char *dir)
{
  const char *argv[] = { "localedef", "-i", "ru_RU", "-f", "UTF-8", NULL, NULL };
  g_autofree char *target = g_build_filename (dir, "ru_RU.UTF-8", NULL);
  int status = -1;

  argv[5] = target;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                     G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    return FALSE;
  g_setenv ("LOCPATH", dir, TRUE);
  return setlocale (LC_NUMERIC, "ru_RU.UTF-8") != NULL;
}

/* Issue 20: the unit details showed "43,22243, 76,88268" in Kazakh while
 * the intake wants points; both now print through one function. */
static void
test_lat_lon_text (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dozor-locale-XXXXXX", NULL);
  g_autofree char *plain = dozor_format_lat_lon (43.222431, 76.882679, 5);
  g_autofree char *local = NULL;
  double lat, lon;

  g_assert_cmpstr (plain, ==, "43.22243, 76.88268");
  g_assert_true (dozor_parse_lat_lon (plain, &lat, &lon));
  g_assert_cmpfloat_with_epsilon (lat, 43.22243, 1e-9);
  g_assert_cmpfloat_with_epsilon (lon, 76.88268, 1e-9);

  g_assert_nonnull (dir);
  if (!comma_locale (dir))
    {
      test_remove_tree (dir);
      g_test_skip ("no locale with decimal commas can be built here (localedef, ru_RU)");
      return;
    }
  /* The locale really writes commas: otherwise this proves nothing. */
  local = g_strdup_printf ("%.1f", 1.5);
  g_assert_cmpstr (local, ==, "1,5");
  g_clear_pointer (&plain, g_free);
  plain = dozor_format_lat_lon (-33.86, 151.2, 6);
  setlocale (LC_NUMERIC, "C");
  g_unsetenv ("LOCPATH");
  test_remove_tree (dir);
  g_assert_cmpstr (plain, ==, "-33.860000, 151.200000");
}

static gboolean
has_error (GPtrArray              *errors,
           DozorIncidentFormError  code)
{
  for (guint i = 0; i < errors->len; i++)
    if (g_error_matches (errors->pdata[i], DOZOR_INCIDENT_FORM_ERROR, code))
      return TRUE;
  return FALSE;
}

/* An operator sees every mistake at once, each at its field. */
static void
test_every_problem_named (void)
{
  g_autofree char *long_address = g_strnfill (257, 'a');
  DozorIncidentForm form = {
    .type = "alien_landing",
    .priority = 7,
    .location = "Абая 10",
    .address = long_address,
    .caller_phone = "call me maybe",
  };
  g_autoptr(GPtrArray) errors = dozor_incident_form_check (&form);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_assert_cmpuint (errors->len, ==, 5);
  g_assert_true (has_error (errors, DOZOR_INCIDENT_FORM_ERROR_LOCATION));
  g_assert_true (has_error (errors, DOZOR_INCIDENT_FORM_ERROR_TYPE));
  g_assert_true (has_error (errors, DOZOR_INCIDENT_FORM_ERROR_PRIORITY));
  g_assert_true (has_error (errors, DOZOR_INCIDENT_FORM_ERROR_ADDRESS));
  g_assert_true (has_error (errors, DOZOR_INCIDENT_FORM_ERROR_CALLER_PHONE));

  body = dozor_incident_form_to_json (&form, &error);
  g_assert_null (body);
  g_assert_error (error, DOZOR_INCIDENT_FORM_ERROR, DOZOR_INCIDENT_FORM_ERROR_LOCATION);

  /* Nothing typed at all: the location and the type are what is missing. */
  {
    DozorIncidentForm empty = { .priority = 3 };
    g_autoptr(GPtrArray) missing = dozor_incident_form_check (&empty);

    g_assert_cmpuint (missing->len, ==, 2);
    g_assert_true (has_error (missing, DOZOR_INCIDENT_FORM_ERROR_LOCATION));
    g_assert_true (has_error (missing, DOZOR_INCIDENT_FORM_ERROR_TYPE));
  }
}

static void
test_body (void)
{
  DozorIncidentForm form = {
    .type = "robbery",
    .priority = 1,
    .location = "43,23891234; 76,94531299",
    .address = "  пр. Абая, 10  ",
    .caller_name = "Серік Қасымов",
    .caller_phone = "+7 (727) 250-00-00",
    .description = "",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = dozor_incident_form_to_json (&form, &error);
  JsonObject *object, *location;

  g_assert_no_error (error);
  object = json_node_get_object (body);
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "robbery");
  g_assert_cmpint (json_object_get_int_member (object, "priority"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (object, "address"), ==, "пр. Абая, 10");
  g_assert_cmpstr (json_object_get_string_member (object, "caller_name"), ==, "Серік Қасымов");
  g_assert_cmpstr (json_object_get_string_member (object, "caller_phone"), ==, "+7 (727) 250-00-00");
  /* Empty fields are left out, not sent as empty strings. */
  g_assert_false (json_object_has_member (object, "description"));
  location = json_object_get_object_member (object, "location");
  /* 7 decimals, as the server keeps them. */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (location, "lat"), 43.2389123, 1e-12);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (location, "lon"), 76.945313, 1e-12);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/incident-form/lat-lon", test_lat_lon);
  g_test_add_func ("/incident-form/lat-lon-text", test_lat_lon_text);
  g_test_add_func ("/incident-form/every-problem-named", test_every_problem_named);
  g_test_add_func ("/incident-form/body", test_body);

  return g_test_run ();
}
