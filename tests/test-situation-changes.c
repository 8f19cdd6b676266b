/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The log of changed units that the map's unit layer reads to copy only
 * the units that changed since its last render: every change is in it, in
 * order, by the unit's place in the list; a reader that fell behind a
 * trimmed log or a reset is told to read every unit; and a unit's list
 * item, found by that place, follows its fixes.
 */
#include "config.h"

#include <math.h>

#include "dozor-situation.h"
#include "dozor-unit-item.h"

#define EIGHT_O_CLOCK (G_GINT64_CONSTANT (1795334400) * G_USEC_PER_SEC) /* 2026-11-22T08:00:00Z */

/* A fix of unit "u@n" at 08:00 plus @second, one event of seq @seq. */
static DozorApplyResult
report (DozorSituation *situation,
        gint64          seq,
        guint           n,
        const char     *status,
        guint           second)
{
  g_autofree char *id = g_strdup_printf ("u%u", n);
  g_autofree char *call_sign = g_strdup_printf ("Барыс-%02u", n);
  DozorUnitFix fix = {
    .id = id,
    .call_sign = call_sign,
    .status = status,
    .has_fix = TRUE,
    .lat = 43.2 + n * 0.001 + second * 0.0001,
    .lon = 76.9,
    .heading = NAN,
    .speed = NAN,
    .fix_time = EIGHT_O_CLOCK + second * G_USEC_PER_SEC,
    .time = "2026-11-22T08:00:00Z",
    .version = seq,
    .seq = seq,
  };

  return dozor_situation_apply_fixes (situation, &fix, 1, seq, seq);
}

static DozorUnit *
unit_at (DozorSituation *situation,
         guint           index)
{
  GPtrArray *units = dozor_situation_get_units (situation);

  g_assert_cmpuint (index, <, units->len);
  return units->pdata[index];
}

static void
test_changes_in_order (void)
{
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  guint64 start = dozor_situation_get_unit_serial (situation), middle;
  const guint *indices;
  guint n;

  /* u0, u1, u2 join, then u1 moves and u0 turns en route. */
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (report (situation, i + 1, i, "available", 0), ==, DOZOR_APPLY_APPLIED);
  middle = dozor_situation_get_unit_serial (situation);
  g_assert_cmpint (report (situation, 4, 1, "available", 5), ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpint (report (situation, 5, 0, "en_route", 6), ==, DOZOR_APPLY_APPLIED);

  g_assert_true (dozor_situation_get_changed_units (situation, start, &indices, &n));
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpuint (indices[0], ==, 0);
  g_assert_cmpuint (indices[1], ==, 1);
  g_assert_cmpuint (indices[2], ==, 2);
  g_assert_cmpuint (indices[3], ==, 1);
  g_assert_cmpuint (indices[4], ==, 0);
  /* Each index is the unit's place in the list. */
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (unit_at (situation, i)->index, ==, i);
  g_assert_cmpstr (unit_at (situation, 0)->status, ==, "en_route");

  /* From the middle: only what came after. */
  g_assert_true (dozor_situation_get_changed_units (situation, middle, &indices, &n));
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (indices[0], ==, 1);
  g_assert_cmpuint (indices[1], ==, 0);

  /* Up to date: nothing, and still the log's. */
  g_assert_true (dozor_situation_get_changed_units (situation, dozor_situation_get_unit_serial (situation), &indices,
                                                    &n));
  g_assert_cmpuint (n, ==, 0);
  /* A serial from the future is no reader's. */
  g_assert_false (dozor_situation_get_changed_units (situation, dozor_situation_get_unit_serial (situation) + 1,
                                                     &indices, &n));
}

/* A reader far behind reads every unit; one close behind the trimmed log
 * still gets exactly what changed. */
static void
test_trimmed_log (void)
{
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  guint64 start = dozor_situation_get_unit_serial (situation), recent = 0;
  const guint *indices;
  guint n;
  gint64 seq = 1;

  /* Ten units reporting 2,000 times: far past the log's 4,096 entries. */
  for (guint round = 0; round < 2000; round++)
    {
      if (round == 1990)
        recent = dozor_situation_get_unit_serial (situation);
      for (guint i = 0; i < 10; i++, seq++)
        g_assert_cmpint (report (situation, seq, i, "available", round), ==, DOZOR_APPLY_APPLIED);
    }
  g_assert_false (dozor_situation_get_changed_units (situation, start, &indices, &n));
  g_assert_cmpuint (n, ==, 0);
  g_assert_true (dozor_situation_get_changed_units (situation, recent, &indices, &n));
  g_assert_cmpuint (n, ==, 100);
  for (guint k = 0; k < n; k++)
    g_assert_cmpuint (indices[k], ==, k % 10);
}

/* After a new snapshot the indices logged name units that are gone. */
static void
test_reset (void)
{
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  g_autoptr(JsonNode) snapshot = json_from_string (
    "{\"as_of_seq\":10,\"readiness\":{\"level\":\"normal\"},"
    "\"units\":[{\"id\":\"u7\",\"call_sign\":\"Барыс-07\",\"kind\":\"car\",\"status\":\"busy\","
    "\"position\":{\"lat\":43.2,\"lon\":76.9,\"time\":\"2026-11-22T08:00:00Z\"},\"version\":3}],"
    "\"incidents\":[],\"dispatches\":[],\"zones\":[],\"routes\":[]}", NULL);
  g_autoptr(GError) error = NULL;
  guint64 before;
  const guint *indices;
  guint n;

  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (report (situation, i + 1, i, "available", 0), ==, DOZOR_APPLY_APPLIED);
  before = dozor_situation_get_unit_serial (situation);
  g_assert_true (dozor_situation_load_snapshot (situation, snapshot, &error));
  g_assert_no_error (error);
  g_assert_false (dozor_situation_get_changed_units (situation, before, &indices, &n));
  g_assert_cmpuint (dozor_situation_get_units (situation)->len, ==, 1);
  g_assert_cmpuint (unit_at (situation, 0)->index, ==, 0);
  g_assert_cmpstr (unit_at (situation, 0)->id, ==, "u7");
}

/* The units' list (the desk's list of units) follows the fixes: its item
 * is found by the unit's place, not by its id. */
static void
test_list_items (void)
{
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  GListModel *model = dozor_situation_get_unit_model (situation);
  double lat, lon;
  gint64 fix_time;

  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (report (situation, i + 1, i, "available", 0), ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpint (report (situation, 4, 2, "on_scene", 30), ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(DozorUnitItem) item = g_list_model_get_item (model, i);
      const char *id = dozor_unit_item_get_id (item);
      DozorUnit *unit = dozor_situation_get_unit (situation, id);

      g_assert_nonnull (unit);
      g_assert_cmpstr (dozor_unit_item_get_status (item), ==, unit->status);
      g_assert_cmpstr (dozor_unit_item_get_call_sign (item), ==, unit->call_sign);
      g_assert_true (dozor_unit_item_get_position (item, &lat, &lon, &fix_time));
      g_assert_cmpfloat (lat, ==, unit->lat);
      g_assert_cmpint (fix_time, ==, unit->fix_time);
      if (g_str_equal (id, "u2"))
        {
          g_assert_cmpstr (dozor_unit_item_get_status (item), ==, "on_scene");
          g_assert_cmpint (fix_time, ==, EIGHT_O_CLOCK + 30 * G_USEC_PER_SEC);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/situation-changes/in-order", test_changes_in_order);
  g_test_add_func ("/situation-changes/trimmed", test_trimmed_log);
  g_test_add_func ("/situation-changes/reset", test_reset);
  g_test_add_func ("/situation-changes/list-items", test_list_items);
  return g_test_run ();
}
