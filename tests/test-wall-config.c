/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The wall's keyfile as its administrator writes it: a good one read
 * whole, and every kind of bad line refused with the file and that line
 * named. Also the legibility rule the wall sizes its text by.
 */
#include "config.h"

#include <gio/gio.h>
#include <math.h>

#include "dozor-legibility.h"
#include "dozor-wall-config.h"

#define GOOD_WALL \
  "# Control room, Almaty\n" \
  "[wall]\n" \
  "backend = http://127.0.0.1:8470\n" \
  "credentials = wall.credentials\n" \
  "distance_m = 8\n" \
  "center = 43.2385, 76.9460\n" \
  "zoom = 13\n" \
  "\n" \
  "[monitor left]\n" \
  "connector = HDMI-1\n" \
  "index = 0\n" \
  "shows = map\n" \
  "width_mm = 1210\n" \
  "height_mm = 680\n" \
  "\n" \
  "[monitor right]\n" \
  "index = 1\n" \
  "shows = grid\n" \
  "grid = map,figures;ticker\n"

static DozorWallConfig *
parse (const char *text,
       GError    **error)
{
  return dozor_wall_config_parse (text, strlen (text), "/etc/dozor/wall.conf", error);
}

static void
test_good (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorWallConfig) config = parse (GOOD_WALL, &error);
  const DozorWallMonitor *left, *right;

  g_assert_no_error (error);
  g_assert_nonnull (config);
  g_assert_cmpstr (config->backend, ==, "http://127.0.0.1:8470");
  /* Next to the config file, as written relative to it. */
  g_assert_cmpstr (config->credentials, ==, "/etc/dozor/wall.credentials");
  g_assert_cmpfloat_with_epsilon (config->distance_m, 8.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (config->arc_minutes, DOZOR_LEGIBILITY_PREFERRED_ARC_MINUTES, 1e-9);
  g_assert_true (config->have_center);
  g_assert_cmpfloat_with_epsilon (config->center_lat, 43.2385, 1e-9);
  g_assert_cmpfloat_with_epsilon (config->center_lon, 76.9460, 1e-9);
  g_assert_true (config->have_zoom);
  g_assert_cmpfloat_with_epsilon (config->zoom, 13, 1e-9);
  g_assert_cmpuint (config->monitors->len, ==, 2);

  left = config->monitors->pdata[0];
  g_assert_cmpstr (left->name, ==, "left");
  g_assert_cmpstr (left->connector, ==, "HDMI-1");
  g_assert_cmpint (left->index, ==, 0);
  g_assert_cmpuint (left->n_rows, ==, 1);
  g_assert_cmpuint (left->row_length[0], ==, 1);
  g_assert_cmpint (left->cells[0][0], ==, DOZOR_WALL_VIEW_MAP);
  g_assert_cmpint (left->width_mm, ==, 1210);
  g_assert_cmpint (left->height_mm, ==, 680);
  g_assert_cmpint (left->line, ==, 9);

  right = config->monitors->pdata[1];
  g_assert_cmpstr (right->name, ==, "right");
  g_assert_null (right->connector);
  g_assert_cmpint (right->index, ==, 1);
  g_assert_cmpuint (right->n_rows, ==, 2);
  g_assert_cmpuint (right->row_length[0], ==, 2);
  g_assert_cmpuint (right->row_length[1], ==, 1);
  g_assert_cmpint (right->cells[0][0], ==, DOZOR_WALL_VIEW_MAP);
  g_assert_cmpint (right->cells[0][1], ==, DOZOR_WALL_VIEW_FIGURES);
  g_assert_cmpint (right->cells[1][0], ==, DOZOR_WALL_VIEW_TICKER);
  g_assert_cmpint (right->width_mm, ==, 0);
  g_assert_cmpint (right->height_mm, ==, 0);

  /* Without framing keys the map stays put, and the defaults of docs/wall.md
   * hold. */
  g_assert_cmpint (config->framing, ==, DOZOR_WALL_FRAMING_FIXED);
  g_assert_cmpint (config->framing_interval_s, ==, 20);
  g_assert_cmpfloat (config->framing_margin_px, ==, 0);
  g_assert_cmpfloat (config->min_zoom, ==, 10);
  g_assert_cmpfloat (config->max_zoom, ==, 17);
  g_assert_cmpint (config->district_seconds, ==, 30);
  g_assert_cmpint (config->marks.on_scene_long_s, ==, 60 * 60);
  g_assert_cmpint (config->marks.wait_limit_s[0], ==, 10 * 60);
  g_assert_cmpint (config->marks.wait_limit_s[3], ==, 90 * 60);
}

#define WALL_HEAD "[wall]\nbackend=http://h\ncredentials=c\ndistance_m=8\n"
#define ONE_MONITOR "[monitor a]\nindex=0\nshows=map\n"

static void
test_framing (void)
{
  static const char text[] = WALL_HEAD "framing = crisis\nframing_interval_s = 15\nframing_margin_px = 80\n"
    "min_zoom = 11.5\nmax_zoom = 16\ndistrict_seconds = 45\nlate_after_min = 5, 15, 30, 60\n"
    "on_scene_long_min = 25\n" ONE_MONITOR;
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorWallConfig) config = parse (text, &error);
  const char *names[] = { "fixed", "incidents", "districts", "crisis" };

  g_assert_no_error (error);
  g_assert_cmpint (config->framing, ==, DOZOR_WALL_FRAMING_CRISIS);
  g_assert_cmpint (config->framing_interval_s, ==, 15);
  g_assert_cmpfloat (config->framing_margin_px, ==, 80);
  g_assert_cmpfloat (config->min_zoom, ==, 11.5);
  g_assert_cmpfloat (config->max_zoom, ==, 16);
  g_assert_cmpint (config->district_seconds, ==, 45);
  g_assert_cmpint (config->marks.wait_limit_s[0], ==, 5 * 60);
  g_assert_cmpint (config->marks.wait_limit_s[1], ==, 15 * 60);
  g_assert_cmpint (config->marks.wait_limit_s[2], ==, 30 * 60);
  g_assert_cmpint (config->marks.wait_limit_s[3], ==, 60 * 60);
  g_assert_cmpint (config->marks.on_scene_long_s, ==, 25 * 60);

  /* The rule the board and the map share: past the minute, not at it. */
  g_assert_false (dozor_escalation_waited_too_long (&config->marks, 1, (gint64) 5 * 60 * G_USEC_PER_SEC));
  g_assert_true (dozor_escalation_waited_too_long (&config->marks, 1, (gint64) 5 * 60 * G_USEC_PER_SEC + 1));
  g_assert_false (dozor_escalation_waited_too_long (&config->marks, 4, (gint64) 59 * 60 * G_USEC_PER_SEC));
  g_assert_true (dozor_escalation_waited_too_long (&config->marks, 4, (gint64) 61 * 60 * G_USEC_PER_SEC));
  g_assert_false (dozor_escalation_waited_too_long (&config->marks, 0, G_MAXINT64 / 2));
  g_assert_false (dozor_escalation_waited_too_long (&config->marks, 5, G_MAXINT64 / 2));
  g_assert_false (dozor_escalation_is_long_on_scene (&config->marks, (gint64) 25 * 60 * G_USEC_PER_SEC));
  g_assert_true (dozor_escalation_is_long_on_scene (&config->marks, (gint64) 25 * 60 * G_USEC_PER_SEC + 1));

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *one = g_strdup_printf (WALL_HEAD "framing=%s\n" ONE_MONITOR, names[i]);
      g_autoptr(DozorWallConfig) each = parse (one, &error);

      g_assert_no_error (error);
      g_assert_cmpint (each->framing, ==, (int) i);
    }
}

/* Each bad line, and the line that must be named. */
static const struct {
  const char *what;
  const char *text;
  int line;
  const char *says;
} bad[] = {
  { "garbage", "[wall]\nbackend=http://h\nthis is not a key\n", 3, "not a [group]" },
  { "unclosed group", "[wall\n", 1, "not a [group]" },
  { "key before group", "# hi\nbackend=http://h\n[wall]\n", 2, "before the first" },
  { "key with a space", "[wall]\nback end=http://h\n", 2, "not a [group]" },
  { "group twice", "[wall]\ndistance_m=8\n[monitor a]\nindex=0\n[wall]\n", 5, "already on line 1" },
  { "key twice", "[wall]\ndistance_m=8\nbackend=http://h\ndistance_m=9\n", 4, "already on line 2" },
  { "invalid UTF-8", "[wall]\nbackend=http://h\ncredentials=\xff\xfe\n", 3, "UTF-8" },
  { "unknown group",
    "[wall]\nbackend=http://h\ncredentials=c\ndistance_m=8\n[monitors left]\nindex=0\nshows=map\n", 5, "unknown group" },
  { "unknown key", "[wall]\nbackend=http://h\ncredentials=c\ndistance_m=8\ndistance=8\n", 5, "unknown key distance" },
  { "no wall", "[monitor a]\nindex=0\nshows=map\n", 3, "[wall]" },
  { "no backend", "\n[wall]\ncredentials=c\ndistance_m=8\n", 2, "backend" },
  { "ftp backend", "[wall]\nbackend=ftp://h\ncredentials=c\ndistance_m=8\n", 2, "http://" },
  { "empty credentials", "[wall]\nbackend=http://h\ncredentials=\ndistance_m=8\n", 3, "credentials is empty" },
  { "distance not a number", "[wall]\nbackend=http://h\ncredentials=c\ndistance_m=8m\n", 4, "distance_m" },
  { "distance too far", "[wall]\nbackend=http://h\ncredentials=c\ndistance_m=500\n", 4, "distance_m" },
  { "arc below the rule", "[wall]\nbackend=http://h\ncredentials=c\narc_minutes=12\ndistance_m=8\n", 4, "arc_minutes" },
  { "bad center", "[wall]\nbackend=http://h\ncredentials=c\ndistance_m=8\ncenter=91,0\n", 5, "center" },
  { "bad escape", "[wall]\nbackend=http://h\ncredentials=c\\q\ndistance_m=8\n", 3, "" },
  { "no monitor", "[wall]\nbackend=http://h\ncredentials=c\ndistance_m=8\n", 4, "[monitor NAME]" },
  { "monitor without a place",
    "[wall]\nbackend=http://h\ncredentials=c\ndistance_m=8\n[monitor a]\nshows=map\n", 5, "connector= or index=" },
  { "monitor without shows", "[wall]\nbackend=http://h\ncredentials=c\ndistance_m=8\n[monitor a]\nindex=0\n", 5, "shows" },
  { "unknown view",
    "[wall]\nbackend=http://h\ncredentials=c\ndistance_m=8\n[monitor a]\nindex=0\nshows=radar\n", 7, "radar" },
  { "grid without grid=",
    "[wall]\nbackend=http://h\ncredentials=c\ndistance_m=8\n[monitor a]\nindex=0\nshows=grid\n", 7, "grid=" },
  { "bad grid",
    "[wall]\nbackend=http://h\ncredentials=c\ndistance_m=8\n[monitor a]\nindex=0\nshows=grid\ngrid=map,,ticker\n", 8,
    "map,,ticker" },
  { "grid too wide",
    "[wall]\nbackend=http://h\ncredentials=c\ndistance_m=8\n[monitor a]\nindex=0\nshows=grid\n"
    "grid=map,map,map,map,map\n", 8, "grid" },
  { "grid for one view",
    "[wall]\nbackend=http://h\ncredentials=c\ndistance_m=8\n[monitor a]\nindex=0\nshows=map\ngrid=map\n", 8, "grid=" },
  { "negative index",
    "[wall]\nbackend=http://h\ncredentials=c\ndistance_m=8\n[monitor a]\nindex=-1\nshows=map\n", 6, "index" },
  { "width without height",
    "[wall]\nbackend=http://h\ncredentials=c\ndistance_m=8\n[monitor a]\nindex=0\nshows=map\nwidth_mm=600\n", 8,
    "width_mm and height_mm" },
  { "zero height",
    "[wall]\nbackend=http://h\ncredentials=c\ndistance_m=8\n[monitor a]\nindex=0\nshows=map\nwidth_mm=600\n"
    "height_mm=0\n", 9, "height_mm" },
  { "same connector twice",
    "[wall]\nbackend=http://h\ncredentials=c\ndistance_m=8\n[monitor a]\nconnector=DP-1\nshows=map\n"
    "[monitor b]\nconnector=DP-1\nshows=map\n", 9, "line 5" },
  { "same index twice",
    "[wall]\nbackend=http://h\ncredentials=c\ndistance_m=8\n[monitor a]\nindex=1\nshows=map\n"
    "[monitor b]\nshows=map\nindex=1\n", 10, "line 5" },
  { "unknown framing", WALL_HEAD "framing=auto\n" ONE_MONITOR, 5, "“auto”" },
  { "framing interval zero", WALL_HEAD "framing_interval_s=0\n" ONE_MONITOR, 5, "framing_interval_s" },
  { "framing interval not whole", WALL_HEAD "framing_interval_s=2.5\n" ONE_MONITOR, 5, "framing_interval_s" },
  { "negative margin", WALL_HEAD "framing_margin_px=-4\n" ONE_MONITOR, 5, "framing_margin_px" },
  { "min zoom past the map", WALL_HEAD "min_zoom=20\n" ONE_MONITOR, 5, "min_zoom" },
  { "max zoom not a number", WALL_HEAD "max_zoom=close\n" ONE_MONITOR, 5, "max_zoom" },
  { "min above max", WALL_HEAD "min_zoom=12\nmax_zoom=11\n" ONE_MONITOR, 6, "above max_zoom" },
  { "min above the default max", WALL_HEAD "min_zoom=18\n" ONE_MONITOR, 5, "above max_zoom" },
  { "district cycle zero", WALL_HEAD "district_seconds=0\n" ONE_MONITOR, 5, "district_seconds" },
  { "district cycle under the interval", WALL_HEAD "district_seconds=10\n" ONE_MONITOR, 5, "shorter than" },
  { "interval over the default cycle", WALL_HEAD "framing_interval_s=40\n" ONE_MONITOR, 5, "shorter than" },
  { "three late minutes", WALL_HEAD "late_after_min=10,20,40\n" ONE_MONITOR, 5, "late_after_min" },
  { "late minutes not whole", WALL_HEAD "late_after_min=10,20,40,9x\n" ONE_MONITOR, 5, "late_after_min" },
  { "late minutes going down", WALL_HEAD "late_after_min=10,20,4,90\n" ONE_MONITOR, 5, "10,20,4,90" },
  { "late minute zero", WALL_HEAD "late_after_min=0,20,40,90\n" ONE_MONITOR, 5, "late_after_min" },
  { "on scene zero", WALL_HEAD "on_scene_long_min=0\n" ONE_MONITOR, 5, "on_scene_long_min" },
  { "on scene too long", WALL_HEAD "on_scene_long_min=2000\n" ONE_MONITOR, 5, "on_scene_long_min" },
  { "empty framing", WALL_HEAD "framing=\n" ONE_MONITOR, 5, "framing is empty" },
};

static void
test_bad (gconstpointer data)
{
  guint i = GPOINTER_TO_UINT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorWallConfig) config = parse (bad[i].text, &error);
  g_autofree char *prefix = g_strdup_printf ("/etc/dozor/wall.conf:%d: ", bad[i].line);

  g_test_message ("%s: %s", bad[i].what, error != NULL ? error->message : "(accepted)");
  g_assert_null (config);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  g_assert_nonnull (strstr (error->message, bad[i].says));
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorWallConfig) config = dozor_wall_config_load ("/nonexistent/wall.conf", &error);

  g_assert_null (config);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/wall.conf"));
}

/* h = 2·D·tan(8′): 37 mm at 8 m for 16′ (NUREG-0700 §1.3.1-4). */
static void
test_rule (void)
{
  gboolean assumed = TRUE;
  double px_per_mm;

  g_assert_cmpfloat_with_epsilon (dozor_legibility_height_mm (8, 16), 37.2, 0.5);
  g_assert_cmpfloat_with_epsilon (dozor_legibility_height_mm (1, 16), 4.65, 0.01);
  g_assert_cmpfloat_with_epsilon (dozor_legibility_height_mm (8, 20), 46.5, 0.5);

  /* A 55″ 1920×1080 panel: 1210 × 680 mm. */
  px_per_mm = dozor_legibility_px_per_mm (1920, 1080, 1210, 680, &assumed);
  g_assert_false (assumed);
  g_assert_cmpfloat_with_epsilon (px_per_mm, (1920 / 1210.0 + 1080 / 680.0) / 2, 1e-9);
  /* 37.2 mm × 1.588 px/mm, rounded up. */
  g_assert_cmpfloat (dozor_legibility_cap_height_px (8, 16, px_per_mm), ==, 60);

  /* A monitor that says 0 mm: 96 dpi, and the caller is told. */
  px_per_mm = dozor_legibility_px_per_mm (1920, 1080, 0, 0, &assumed);
  g_assert_true (assumed);
  g_assert_cmpfloat_with_epsilon (px_per_mm, 96 / 25.4, 1e-9);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/wall-config/good", test_good);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = g_strdup_printf ("/wall-config/bad/%u", i);

      g_test_add_data_func (path, GUINT_TO_POINTER (i), test_bad);
    }
  g_test_add_func ("/wall-config/framing", test_framing);
  g_test_add_func ("/wall-config/missing-file", test_missing_file);
  g_test_add_func ("/legibility/rule", test_rule);

  return g_test_run ();
}
