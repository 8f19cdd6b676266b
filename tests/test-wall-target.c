/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What a wall's map frames by each rule (docs/wall.md, "Framing"): the
 * open incidents and only the units sent to them; the districts one after
 * another by name, each for its looks, sectors never; the crisis area
 * while there is one, else the incidents.
 */
#include "config.h"

#include <math.h>

#include "dozor-geo.h"
#include "dozor-wall-target.h"
#include "test-json.h"

#define SQUARE(w, s, e, n) \
  "{\"type\":\"Polygon\",\"coordinates\":[[[" #w "," #s "],[" #e "," #s "],[" #e "," #n "],[" #w "," #n "],[" #w "," #s "]]]}"

static DozorSituation *
situation_new (void)
{
  DozorSituation *situation = dozor_situation_new ();
  g_autoptr(JsonNode) snapshot = parse_json (
    "{\"as_of_seq\":10,\"readiness\":{\"level\":\"normal\"},"
    "\"units\":[{\"id\":\"u1\",\"call_sign\":\"Барыс-01\",\"kind\":\"car\",\"status\":\"en_route\","
    "\"position\":{\"lat\":43.30,\"lon\":77.00,\"time\":\"2026-11-22T08:00:00Z\"},\"version\":3},"
    "{\"id\":\"u2\",\"call_sign\":\"Барыс-02\",\"kind\":\"car\",\"status\":\"available\","
    "\"position\":{\"lat\":43.00,\"lon\":76.00,\"time\":\"2026-11-22T08:00:00Z\"},\"version\":1}],"
    "\"incidents\":[{\"id\":\"i1\",\"status\":\"dispatched\",\"priority\":1,\"location\":{\"lat\":43.24,\"lon\":76.94},"
    "\"version\":2},{\"id\":\"i2\",\"status\":\"new\",\"priority\":3,\"location\":{\"lat\":43.25,\"lon\":76.95},"
    "\"version\":1}],"
    "\"dispatches\":[{\"id\":\"d1\",\"unit_id\":\"u1\",\"incident_id\":\"i1\",\"status\":\"active\"}],"
    "\"zones\":[{\"id\":\"z1\",\"kind\":\"district\",\"name\":\"Бостандыкский\",\"geometry\":"
    SQUARE (76.90, 43.18, 76.96, 43.23) "},"
    "{\"id\":\"z2\",\"kind\":\"district\",\"name\":\"Алмалинский\",\"geometry\":" SQUARE (76.88, 43.24, 76.94, 43.27) "},"
    "{\"id\":\"z3\",\"kind\":\"sector\",\"name\":\"Алмалы-1\",\"parent_id\":\"z2\",\"geometry\":"
    SQUARE (76.50, 43.00, 76.51, 43.01) "}],"
    "\"routes\":[]}");
  g_autoptr(GError) error = NULL;

  g_assert_true (dozor_situation_load_snapshot (situation, snapshot, &error));
  g_assert_no_error (error);
  return situation;
}

/* The frame's west, south, east and north edges in degrees. */
static void
edges (const DozorFrame *frame,
       double            edge[4])
{
  dozor_geo_world_to_lon_lat (frame->x0, frame->y1, &edge[0], &edge[1]);
  dozor_geo_world_to_lon_lat (frame->x1, frame->y0, &edge[2], &edge[3]);
}

static void
assert_edges (const DozorFrame *frame,
              double            west,
              double            south,
              double            east,
              double            north)
{
  double edge[4];

  edges (frame, edge);
  g_assert_cmpfloat_with_epsilon (edge[0], west, 1e-9);
  g_assert_cmpfloat_with_epsilon (edge[1], south, 1e-9);
  g_assert_cmpfloat_with_epsilon (edge[2], east, 1e-9);
  g_assert_cmpfloat_with_epsilon (edge[3], north, 1e-9);
}

static void
test_incidents (void)
{
  g_autoptr(DozorSituation) situation = situation_new ();
  DozorWallCycle cycle = { NULL, 0 };
  DozorFrame frame;
  gboolean turned = TRUE;
  g_autofree char *what = dozor_wall_target_frame (situation, DOZOR_WALL_FRAMING_INCIDENTS, 1, &cycle, &frame, &turned);

  g_assert_cmpstr (what, ==, "incidents");
  g_assert_false (turned);
  /* Both incidents and the unit sent to one; not the available unit far
   * to the south-west. */
  g_assert_cmpuint (frame.n_points, ==, 3);
  assert_edges (&frame, 76.94, 43.24, 77.00, 43.30);
}

static void
test_districts (void)
{
  g_autoptr(DozorSituation) situation = situation_new ();
  g_autoptr(DozorSituation) empty = dozor_situation_new ();
  DozorWallCycle cycle = { NULL, 0 };
  /* By name, each for two looks, then round again; the sector never. */
  static const struct {
    const char *what;
    gboolean turned;
    double w, s, e, n;
  } looks[] = {
    { "district Алмалинский", TRUE, 76.88, 43.24, 76.94, 43.27 },
    { "district Алмалинский", FALSE, 76.88, 43.24, 76.94, 43.27 },
    { "district Бостандыкский", TRUE, 76.90, 43.18, 76.96, 43.23 },
    { "district Бостандыкский", FALSE, 76.90, 43.18, 76.96, 43.23 },
    { "district Алмалинский", TRUE, 76.88, 43.24, 76.94, 43.27 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (looks); i++)
    {
      DozorFrame frame;
      gboolean turned;
      g_autofree char *what = dozor_wall_target_frame (situation, DOZOR_WALL_FRAMING_DISTRICTS, 2, &cycle, &frame,
                                                       &turned);

      g_assert_cmpstr (what, ==, looks[i].what);
      g_assert_cmpint (turned, ==, looks[i].turned);
      /* The ring's five positions, the first repeated at its end. */
      g_assert_cmpuint (frame.n_points, ==, 5);
      assert_edges (&frame, looks[i].w, looks[i].s, looks[i].e, looks[i].n);
    }
  dozor_wall_cycle_clear (&cycle);
  g_assert_null (cycle.district);

  {
    DozorFrame frame;
    gboolean turned;
    g_autofree char *what = dozor_wall_target_frame (empty, DOZOR_WALL_FRAMING_DISTRICTS, 2, &cycle, &frame, &turned);

    g_assert_cmpstr (what, ==, "districts (none)");
    g_assert_cmpuint (frame.n_points, ==, 0);
  }
}

static void
test_crisis (void)
{
  g_autoptr(DozorSituation) situation = situation_new ();
  g_autoptr(JsonNode) raised = parse_json (
    "{\"seq\":11,\"type\":\"readiness.changed\",\"readiness\":{\"level\":\"high\",\"reason\":\"Митинг\","
    "\"set_by\":\"sup\",\"set_at\":\"2026-11-22T08:15:30Z\",\"raised_at\":\"2026-11-22T08:00:00Z\","
    "\"area\":{\"type\":\"Circle\",\"center\":[76.9453,43.2389],\"radius_m\":1000}}}");
  DozorWallCycle cycle = { NULL, 0 };
  DozorFrame frame;
  gboolean turned;
  double edge[4];
  g_autofree char *before = dozor_wall_target_frame (situation, DOZOR_WALL_FRAMING_CRISIS, 1, &cycle, &frame, &turned);
  g_autofree char *during = NULL;

  /* No degree raised: the incidents. */
  g_assert_cmpstr (before, ==, "incidents (no crisis area)");
  g_assert_cmpuint (frame.n_points, ==, 3);

  g_assert_cmpint (dozor_situation_apply_event (situation, raised), ==, DOZOR_APPLY_APPLIED);
  during = dozor_wall_target_frame (situation, DOZOR_WALL_FRAMING_CRISIS, 1, &cycle, &frame, &turned);
  g_assert_cmpstr (during, ==, "crisis area");
  g_assert_cmpuint (frame.n_points, ==, 1);
  /* The circle's box: 1 km each way of the centre, not the incidents. */
  edges (&frame, edge);
  g_assert_cmpfloat_with_epsilon ((edge[3] - edge[1]) / 2 * G_PI / 180 * DOZOR_GEO_EARTH_RADIUS_M, 1000, 1);
  g_assert_cmpfloat_with_epsilon ((edge[2] - edge[0]) / 2 * G_PI / 180 * DOZOR_GEO_EARTH_RADIUS_M *
                                    cos (43.2389 * G_PI / 180), 1000, 1);
  g_assert_cmpfloat_with_epsilon ((edge[0] + edge[2]) / 2, 76.9453, 1e-9);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/wall-target/incidents", test_incidents);
  g_test_add_func ("/wall-target/districts", test_districts);
  g_test_add_func ("/wall-target/crisis", test_crisis);

  return g_test_run ();
}
