/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Special operating plans on the board's copy of the situation (issue 15,
 * item 3): from the snapshot and the plan.* events in seq order, each
 * post's state, units and times as the server says, the key figure in
 * words, a closed plan no longer active, and all of it kept by the local
 * copy a restarted board shows first.
 */
#include "config.h"

#include <gio/gio.h>

#include "dozor-cache.h"
#include "dozor-event-text.h"
#include "dozor-local-copy.h"
#include "dozor-plan.h"
#include "dozor-situation.h"
#include "test-json.h"

#define PLAN "{\"id\":\"p1\",\"name\":\"Выезды из города\",\"description\":null,\"version\":%d," \
  "\"posts\":[{\"id\":\"a\",\"name\":\"Кульджинский тракт\",\"location\":{\"lat\":43.2885,\"lon\":77.071}," \
  "\"units_needed\":2,\"kind\":\"car\"},{\"id\":\"b\",\"name\":\"Капчагайская трасса\"," \
  "\"location\":{\"lat\":43.35,\"lon\":76.95},\"units_needed\":1,\"kind\":null}],\"activation\":%s}"

/* Activated at 10:00:00; a unit each to a, u3 to b; what has arrived. */
#define ACTIVATION "{\"activated_at\":\"2026-12-05T10:00:00Z\",\"activated_by\":\"sup\",\"incident_id\":null," \
  "\"all_covered_at\":%s,\"cover_s\":%s,\"posts\":[" \
  "{\"post_id\":\"a\",\"state\":\"%s\",\"covered_at\":%s,\"units\":[" \
  "{\"unit_id\":\"u1\",\"dispatch_id\":\"d1\",\"eta_s\":300.0,\"arrived_at\":%s}," \
  "{\"unit_id\":\"u2\",\"dispatch_id\":\"d2\",\"eta_s\":420,\"arrived_at\":null}]}," \
  "{\"post_id\":\"b\",\"state\":\"%s\",\"covered_at\":%s,\"units\":[" \
  "{\"unit_id\":\"u3\",\"dispatch_id\":\"d3\",\"eta_s\":492.0,\"arrived_at\":%s}]}]}"

static char *
event (gint64      seq,
       const char *type,
       const char *plan)
{
  return g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",\"type\":\"%s\",\"time\":\"2026-12-05T10:00:00Z\","
                          "\"plan\":%s}", seq, type, plan);
}

static void
apply (DozorSituation *situation,
       gint64          seq,
       const char     *type,
       const char     *plan)
{
  g_autofree char *text = event (seq, type, plan);
  g_autoptr(JsonNode) node = parse_json (text);

  g_assert_cmpint (dozor_situation_apply_event (situation, node), ==, DOZOR_APPLY_APPLIED);
}

static JsonObject *
plan (DozorSituation *situation)
{
  JsonObject *object = dozor_situation_get_entity (situation, "plan", "p1");

  g_assert_nonnull (object);
  return object;
}

static DozorSituation *
situation_with_plan (void)
{
  DozorSituation *situation = dozor_situation_new ();
  g_autofree char *idle = g_strdup_printf (PLAN, 1, "null");
  g_autofree char *text = g_strdup_printf ("{\"as_of_seq\":10,\"units\":[],\"plans\":[%s]}", idle);
  g_autoptr(JsonNode) snapshot = parse_json (text);
  g_autoptr(GError) error = NULL;

  g_assert_true (dozor_situation_load_snapshot (situation, snapshot, &error));
  g_assert_no_error (error);
  return situation;
}

static char *
activated (int         version,
           const char *state_a,
           const char *a_covered,
           const char *u1_arrived,
           const char *state_b,
           const char *b_covered,
           const char *u3_arrived,
           const char *all_covered,
           const char *cover_s)
{
  g_autofree char *activation = g_strdup_printf (ACTIVATION, all_covered, cover_s, state_a, a_covered, u1_arrived,
                                                 state_b, b_covered, u3_arrived);

  return g_strdup_printf (PLAN, version, activation);
}

static void
changed_cb (DozorSituation *situation,
            guint           what,
            guint          *seen)
{
  *seen |= what;
}

/* The snapshot's plan is there, not active; its posts read flat. */
static void
test_snapshot (void)
{
  g_autoptr(DozorSituation) situation = situation_with_plan ();
  g_autoptr(GPtrArray) posts = dozor_plan_get_posts (plan (situation));
  DozorPlanPost *a;

  g_assert_cmpuint (dozor_situation_get_n_entities (situation, "plan"), ==, 1);
  g_assert_false (dozor_plan_is_active (plan (situation)));
  g_assert_null (dozor_plan_describe_cover (plan (situation), 0));
  g_assert_cmpuint (posts->len, ==, 2);
  a = posts->pdata[0];
  g_assert_cmpstr (a->id, ==, "a");
  g_assert_cmpstr (a->name, ==, "Кульджинский тракт");
  g_assert_cmpfloat_with_epsilon (a->lat, 43.2885, 1e-9);
  g_assert_cmpfloat_with_epsilon (a->lon, 77.071, 1e-9);
  g_assert_cmpint (a->units_needed, ==, 2);
  g_assert_cmpstr (a->kind, ==, "car");
  g_assert_cmpint (a->state, ==, DOZOR_POST_IDLE);
  g_assert_null (((DozorPlanPost *) posts->pdata[1])->kind);
}

/* Activated, one unit arrived, the last post covered, closed: each event
 * in its seq changes the plan's posts as the server says, and the key
 * figure follows; the closed plan is no longer active. */
static void
test_events_in_order (void)
{
  g_autoptr(DozorSituation) situation = situation_with_plan ();
  g_autofree char *active = activated (2, "en_route", "null", "null", "en_route", "null", "null", "null", "null");
  g_autofree char *one = activated (3, "en_route", "null", "\"2026-12-05T10:04:10Z\"", "en_route", "null", "null",
                                    "null", "null");
  g_autofree char *all = activated (5, "covered", "\"2026-12-05T10:07:00Z\"", "\"2026-12-05T10:04:10Z\"",
                                    "covered", "\"2026-12-05T10:08:12Z\"", "\"2026-12-05T10:08:12Z\"",
                                    "\"2026-12-05T10:08:12Z\"", "492.0");
  g_autofree char *deleted = g_strdup_printf (PLAN, 7, "null");
  g_autoptr(GPtrArray) posts = NULL;
  g_autofree char *figure = NULL;
  gint64 ten = G_GINT64_CONSTANT (1796464800) * G_USEC_PER_SEC;   /* 2026-12-05T10:00:00Z */
  DozorPlanPost *a, *b;
  guint seen = 0, n_posts = 0;

  g_signal_connect (situation, "changed", G_CALLBACK (changed_cb), &seen);
  apply (situation, 11, "plan.activated", active);
  g_assert_true (seen & DOZOR_SITUATION_PLANS);
  g_assert_true (dozor_plan_is_active (plan (situation)));
  posts = dozor_plan_get_posts (plan (situation));
  a = posts->pdata[0];
  b = posts->pdata[1];
  g_assert_cmpint (a->state, ==, DOZOR_POST_EN_ROUTE);
  g_assert_cmpuint (a->unit_ids->len, ==, 2);
  g_assert_cmpstr (a->unit_ids->pdata[0], ==, "u1");
  g_assert_cmpstr (a->unit_ids->pdata[1], ==, "u2");
  g_assert_cmpuint (a->arrived, ==, 0);
  /* The first of its units expected, by the proposal's road time. */
  g_assert_cmpint (a->eta_at, ==, ten + 300 * G_USEC_PER_SEC);
  g_assert_cmpint (b->eta_at, ==, ten + 492 * G_USEC_PER_SEC);
  g_assert_cmpstr (dozor_post_state_label (a->state), ==, "en route");
  figure = dozor_plan_describe_cover (plan (situation), ten + 363 * G_USEC_PER_SEC);
  g_assert_cmpstr (figure, ==, "not yet: 0 of 2 posts covered, 6\u00a0min\u00a03\u00a0s since activation");
  g_clear_pointer (&figure, g_free);
  g_clear_pointer (&posts, g_ptr_array_unref);

  /* A position event between them is a unit's, and leaves the plan be. */
  {
    g_autoptr(JsonNode) position = parse_json ("{\"seq\":12,\"type\":\"unit.position\",\"unit\":{\"id\":\"u1\","
                                          "\"call_sign\":\"Барыс-1\",\"status\":\"dispatched\",\"version\":2,"
                                          "\"position\":{\"lat\":43.2885,\"lon\":77.071,"
                                          "\"time\":\"2026-12-05T10:04:10Z\",\"speed\":0.5}}}");

    g_assert_cmpint (dozor_situation_apply_event (situation, position), ==, DOZOR_APPLY_APPLIED);
  }
  apply (situation, 13, "plan.updated", one);
  posts = dozor_plan_get_posts (plan (situation));
  a = posts->pdata[0];
  g_assert_cmpint (a->state, ==, DOZOR_POST_EN_ROUTE);
  g_assert_cmpuint (a->arrived, ==, 1);
  g_assert_cmpint (a->arrived_at, ==, ten + 250 * G_USEC_PER_SEC);
  /* u1 is there; u2 is the one still expected. */
  g_assert_cmpint (a->eta_at, ==, ten + 420 * G_USEC_PER_SEC);
  g_clear_pointer (&posts, g_ptr_array_unref);

  /* An event out of order is refused and changes nothing. */
  {
    g_autofree char *late = event (15, "plan.updated", all);
    g_autoptr(JsonNode) node = parse_json (late);

    g_assert_cmpint (dozor_situation_apply_event (situation, node), ==, DOZOR_APPLY_GAP);
    g_assert_cmpuint (dozor_plan_count_covered (plan (situation), NULL), ==, 0);
  }

  apply (situation, 14, "plan.updated", all);
  g_assert_cmpuint (dozor_plan_count_covered (plan (situation), &n_posts), ==, 2);
  g_assert_cmpuint (n_posts, ==, 2);
  posts = dozor_plan_get_posts (plan (situation));
  b = posts->pdata[1];
  g_assert_cmpint (b->state, ==, DOZOR_POST_COVERED);
  g_assert_cmpint (b->covered_at, ==, ten + 492 * G_USEC_PER_SEC);
  g_assert_cmpint (b->eta_at, ==, 0);
  g_clear_pointer (&posts, g_ptr_array_unref);
  figure = dozor_plan_describe_cover (plan (situation), ten + G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC);
  g_assert_cmpstr (figure, ==, "all posts covered in 8\u00a0min\u00a012\u00a0s");

  /* plan.closed carries the activation as it was; the board's plan is
   * not active any more, and its posts show no state. */
  seen = 0;
  apply (situation, 15, "plan.closed", all);
  g_assert_true (seen & DOZOR_SITUATION_PLANS);
  g_assert_false (dozor_plan_is_active (plan (situation)));
  g_assert_null (dozor_plan_describe_cover (plan (situation), ten));
  posts = dozor_plan_get_posts (plan (situation));
  g_assert_cmpint (((DozorPlanPost *) posts->pdata[0])->state, ==, DOZOR_POST_IDLE);
  g_assert_cmpuint (((DozorPlanPost *) posts->pdata[0])->unit_ids->len, ==, 0);

  apply (situation, 16, "plan.deleted", deleted);
  g_assert_null (dozor_situation_get_entity (situation, "plan", "p1"));
  g_assert_cmpuint (dozor_situation_get_n_entities (situation, "plan"), ==, 0);
}

/* The board writes its situation to the disk and a restarted board shows
 * that copy first: the active plan is in it, states and times and all. */
static void
test_local_copy (void)
{
  g_autoptr(DozorSituation) situation = situation_with_plan ();
  g_autoptr(DozorSituation) restarted = dozor_situation_new ();
  g_autofree char *one = activated (3, "en_route", "null", "\"2026-12-05T10:04:10Z\"", "uncovered", "null", "null",
                                    "null", "null");
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "situation.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorCache) cache = NULL;
  g_autoptr(JsonNode) saved = NULL;
  g_autoptr(DozorLocalCopy) copy = NULL;
  g_autoptr(GPtrArray) posts = NULL;
  gint64 deadline;

  apply (situation, 11, "plan.activated", one);
  saved = dozor_situation_to_snapshot (situation);
  g_assert_true (g_mkdir_with_parents (g_get_user_data_dir (), 0700) == 0);
  cache = dozor_cache_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (dozor_cache_save (cache, saved, &error));
  g_assert_no_error (error);

  copy = dozor_local_copy_new (cache, restarted, NULL);
  dozor_local_copy_restore (copy);
  /* Bounded: 30 s for a worker that reads a few kilobytes. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (dozor_local_copy_get_restored (copy) == 0 && g_get_monotonic_time () < deadline)
    {
      dozor_local_copy_show_if_read (copy);
      if (dozor_local_copy_get_restored (copy) == 0)
        g_usleep (5000);
    }
  g_assert_cmpint (dozor_local_copy_get_restored (copy), >, 0);
  g_assert_cmpint (dozor_situation_get_seq (restarted), ==, 11);

  g_assert_true (dozor_plan_is_active (plan (restarted)));
  posts = dozor_plan_get_posts (plan (restarted));
  g_assert_cmpuint (posts->len, ==, 2);
  g_assert_cmpint (((DozorPlanPost *) posts->pdata[0])->state, ==, DOZOR_POST_EN_ROUTE);
  g_assert_cmpuint (((DozorPlanPost *) posts->pdata[0])->arrived, ==, 1);
  g_assert_cmpint (((DozorPlanPost *) posts->pdata[1])->state, ==, DOZOR_POST_UNCOVERED);
  g_assert_cmpstr (((DozorPlanPost *) posts->pdata[1])->unit_ids->pdata[0], ==, "u3");

  /* Drain the worker's own callback before the copy goes. */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (G_OBJECT (copy)->ref_count > 1 && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static char *
ticker (DozorSituation *situation,
        gint64          seq,
        const char     *type,
        const char     *plan_text)
{
  g_autofree char *text = event (seq, type, plan_text);
  g_autoptr(JsonNode) node = parse_json (text);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  return dozor_event_describe (situation, json_node_get_object (node), utc);
}

/* The ticker and the crisis log: activated, every post covered once with
 * the key figure, closed; a post covered on the way there is not news. */
static void
test_ticker (void)
{
  g_autoptr(DozorSituation) situation = situation_with_plan ();
  g_autofree char *active = activated (2, "en_route", "null", "null", "en_route", "null", "null", "null", "null");
  g_autofree char *one = activated (3, "covered", "\"2026-12-05T10:05:00Z\"", "\"2026-12-05T10:04:10Z\"",
                                    "en_route", "null", "null", "null", "null");
  g_autofree char *all = activated (4, "covered", "\"2026-12-05T10:05:00Z\"", "\"2026-12-05T10:04:10Z\"",
                                    "covered", "\"2026-12-05T10:08:12Z\"", "\"2026-12-05T10:08:12Z\"",
                                    "\"2026-12-05T10:08:12Z\"", "492.0");
  g_autofree char *said = NULL;

  said = ticker (situation, 11, "plan.activated", active);
  g_assert_cmpstr (said, ==, "10:00 Plan “Выезды из города” activated");
  apply (situation, 11, "plan.activated", active);
  g_clear_pointer (&said, g_free);
  said = ticker (situation, 12, "plan.updated", one);
  g_assert_null (said);
  apply (situation, 12, "plan.updated", one);
  said = ticker (situation, 13, "plan.updated", all);
  g_assert_cmpstr (said, ==, "10:00 Plan “Выезды из города”: all posts covered in 8\u00a0min\u00a012\u00a0s");
  apply (situation, 13, "plan.updated", all);
  g_clear_pointer (&said, g_free);
  /* Once: a later change of the covered plan (its name) says nothing. */
  said = ticker (situation, 14, "plan.updated", all);
  g_assert_null (said);
  said = ticker (situation, 14, "plan.closed", all);
  g_assert_cmpstr (said, ==, "10:00 Plan “Выезды из города” closed");
}

/* The key figure to the second below an hour, in one piece (no-break
 * spaces: it must not wrap between a number and its unit). */
static void
test_durations (void)
{
  static const struct {
    gint64 seconds;
    const char *text;
  } cases[] = {
    { 0, "0\u00a0s" }, { 59, "59\u00a0s" }, { 60, "1\u00a0min\u00a00\u00a0s" },
    { 492, "8\u00a0min\u00a012\u00a0s" }, { 3599, "59\u00a0min\u00a059\u00a0s" },
    { 3600, "1\u00a0h\u00a000\u00a0min" }, { 5 * 3600 + 7 * 60 + 59, "5\u00a0h\u00a007\u00a0min" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = dozor_format_duration (cases[i].seconds);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/situation-plans/snapshot", test_snapshot);
  g_test_add_func ("/situation-plans/events-in-order", test_events_in_order);
  g_test_add_func ("/situation-plans/local-copy", test_local_copy);
  g_test_add_func ("/situation-plans/ticker", test_ticker);
  g_test_add_func ("/situation-plans/durations", test_durations);

  return g_test_run ();
}
