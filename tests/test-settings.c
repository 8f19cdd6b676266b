/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The board's settings as a user relies on them: what it starts with on a new
 * machine, and that what was set survives a restart (a real file backend, not
 * the memory one).
 */
#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gio.h>
#include <gio/gsettingsbackend.h>
#include <string.h>

static GSettings *
settings_in_file (const char *path)
{
  g_autoptr(GSettingsBackend) backend = g_keyfile_settings_backend_new (path, "/", NULL);

  return g_settings_new_with_backend (APP_ID, backend);
}

static void
test_defaults_are_offline (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *url = g_settings_get_string (settings, "tile-url");
  double lat, lon;

  /* A fresh board never reaches for the internet on its own. */
  g_assert_cmpint (g_settings_get_enum (settings, "tile-source"), ==, 0);
  g_assert_cmpstr (url, ==, "");

  /* It opens on Almaty at a zoom where the city fills the screen. */
  g_settings_get (settings, "map-center", "(dd)", &lat, &lon);
  g_assert_cmpfloat_with_epsilon (lat, 43.24, 0.05);
  g_assert_cmpfloat_with_epsilon (lon, 76.92, 0.05);
  g_assert_cmpfloat (g_settings_get_double (settings, "map-zoom"), >=, 10);
  g_assert_cmpfloat (g_settings_get_double (settings, "map-zoom"), <=, 14);

  g_assert_cmpint (g_settings_get_enum (settings, "color-scheme"), ==, 0);
}

static void
test_round_trip (void)
{
  g_autofree char *path = g_build_filename (g_get_user_config_dir (), "dozor-settings.ini", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GSettings) written = settings_in_file (path);
  g_autoptr(GSettings) read = NULL;
  double lat, lon;

  g_settings_set_int (written, "window-width", 1600);
  g_settings_set_int (written, "window-height", 900);
  g_settings_set_boolean (written, "window-maximized", TRUE);
  g_settings_set (written, "map-center", "(dd)", 43.3512, 76.9061);
  g_settings_set_double (written, "map-zoom", 15.5);
  g_settings_set_string (written, "tile-url", "https://gis.example.kz/{z}/{x}/{y}.png");
  g_settings_set_string (written, "tile-attribution", "© Акимат");
  g_assert_true (g_settings_set_string (written, "tile-source", "online"));
  g_assert_true (g_settings_set_string (written, "color-scheme", "light"));
  g_settings_sync ();
  g_clear_object (&written);

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "map-zoom"));

  read = settings_in_file (path);
  g_assert_cmpint (g_settings_get_int (read, "window-width"), ==, 1600);
  g_assert_cmpint (g_settings_get_int (read, "window-height"), ==, 900);
  g_assert_true (g_settings_get_boolean (read, "window-maximized"));
  g_settings_get (read, "map-center", "(dd)", &lat, &lon);
  g_assert_cmpfloat (lat, ==, 43.3512);
  g_assert_cmpfloat (lon, ==, 76.9061);
  g_assert_cmpfloat (g_settings_get_double (read, "map-zoom"), ==, 15.5);
  url = g_settings_get_string (read, "tile-url");
  g_assert_cmpstr (url, ==, "https://gis.example.kz/{z}/{x}/{y}.png");
  g_assert_cmpint (g_settings_get_enum (read, "tile-source"), ==, 1);
  g_assert_cmpint (g_settings_get_enum (read, "color-scheme"), ==, 3);
}

static void
test_ranges (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettingsSchemaKey) zoom = NULL;
  g_autoptr(GSettingsSchemaKey) width = NULL;
  g_autoptr(GSettingsSchemaKey) source = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  zoom = g_settings_schema_get_key (schema, "map-zoom");
  width = g_settings_schema_get_key (schema, "window-width");
  source = g_settings_schema_get_key (schema, "tile-source");

  g_assert_true (g_settings_schema_key_range_check (zoom, g_variant_new_double (19)));
  g_assert_false (g_settings_schema_key_range_check (zoom, g_variant_new_double (25)));
  g_assert_false (g_settings_schema_key_range_check (zoom, g_variant_new_double (-1)));
  g_assert_false (g_settings_schema_key_range_check (width, g_variant_new_int32 (10)));

  /* Only the two known tile sources exist. */
  g_assert_true (g_settings_schema_key_range_check (source, g_variant_new_string ("online")));
  g_assert_false (g_settings_schema_key_range_check (source, g_variant_new_string ("internet")));
}

/* The crisis pane's rings are 1, 3 and 5 km unless set; it lists 1–20
 * nearest units; no zone has a minimum of its own until one is set. */
static void
test_crisis (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaKey) nearest = NULL;
  g_autoptr(GVariant) rings = g_settings_get_value (settings, "crisis-rings");
  g_autoptr(GVariant) minimums = g_settings_get_value (settings, "zone-minimums");
  const double *radii;
  gsize n;

  radii = g_variant_get_fixed_array (rings, &n, sizeof (double));
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpfloat (radii[0], ==, 1000);
  g_assert_cmpfloat (radii[1], ==, 3000);
  g_assert_cmpfloat (radii[2], ==, 5000);
  g_assert_cmpuint (g_variant_n_children (minimums), ==, 0);
  g_assert_cmpuint (g_settings_get_uint (settings, "crisis-nearest"), ==, 5);

  g_object_get (settings, "settings-schema", &schema, NULL);
  nearest = g_settings_schema_get_key (schema, "crisis-nearest");
  g_assert_false (g_settings_schema_key_range_check (nearest, g_variant_new_uint32 (0)));
  g_assert_false (g_settings_schema_key_range_check (nearest, g_variant_new_uint32 (21)));
}

/* Incidents wait 10, 20, 40 and 90 minutes unassigned before they are
 * overdue, a unit an hour on scene; 10 s is the least for a unit, as for
 * an incident. */
static void
test_escalation (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaKey) on_scene = NULL;
  g_autoptr(GVariant) limits = g_settings_get_value (settings, "incident-wait-limits");
  const gint32 *seconds;
  gsize n;

  seconds = g_variant_get_fixed_array (limits, &n, sizeof (gint32));
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpint (seconds[0], ==, 600);
  g_assert_cmpint (seconds[1], ==, 1200);
  g_assert_cmpint (seconds[2], ==, 2400);
  g_assert_cmpint (seconds[3], ==, 5400);
  g_assert_cmpint (g_settings_get_int (settings, "on-scene-long"), ==, 3600);

  g_object_get (settings, "settings-schema", &schema, NULL);
  on_scene = g_settings_schema_get_key (schema, "on-scene-long");
  g_assert_false (g_settings_schema_key_range_check (on_scene, g_variant_new_int32 (9)));
  g_assert_true (g_settings_schema_key_range_check (on_scene, g_variant_new_int32 (10)));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/settings/defaults-are-offline", test_defaults_are_offline);
  g_test_add_func ("/settings/round-trip", test_round_trip);
  g_test_add_func ("/settings/ranges", test_ranges);
  g_test_add_func ("/settings/crisis", test_crisis);
  g_test_add_func ("/settings/escalation", test_escalation);

  return g_test_run ();
}
