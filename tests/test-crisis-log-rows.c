/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The crisis log's rows from events as the journal and the stream carry
 * them (docs/api.md): what a supervisor reads in the pane and in the CSV
 * file, and the episodes a past log is picked from.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "dozor-crisis-log.h"
#include "test-json.h"

/* An episode as dozord writes it: raised, a dispatch (with the unit and
 * the incident after it), the arrival, a plan, a note, lowered. */
static const char *const episode[] = {
  "{\"seq\":10,\"type\":\"readiness.changed\",\"time\":\"2026-12-06T07:00:00Z\",\"readiness\":"
  "{\"level\":\"high\",\"reason\":\"Митинг, \\\"Абая\\\"\",\"set_by\":\"sup\",\"set_at\":\"2026-12-06T07:00:00Z\","
  "\"raised_at\":\"2026-12-06T07:00:00Z\",\"area\":null}}",
  "{\"seq\":11,\"type\":\"dispatch.created\",\"time\":\"2026-12-06T07:01:00Z\",\"dispatch\":"
  "{\"id\":\"d1\",\"unit_id\":\"u1\",\"incident_id\":\"i1\",\"plan_id\":null,\"post_id\":null,"
  "\"status\":\"active\",\"created_by\":\"sup\"}}",
  "{\"seq\":12,\"type\":\"unit.updated\",\"time\":\"2026-12-06T07:01:00Z\",\"unit\":"
  "{\"id\":\"u1\",\"call_sign\":\"Беркут-12\",\"status\":\"dispatched\"}}",
  "{\"seq\":13,\"type\":\"incident.updated\",\"time\":\"2026-12-06T07:01:00Z\",\"incident\":"
  "{\"id\":\"i1\",\"type\":\"robbery\",\"address\":\"пр. Абая, 10\",\"status\":\"dispatched\"}}",
  "{\"seq\":14,\"type\":\"unit.updated\",\"time\":\"2026-12-06T07:09:00Z\",\"unit\":"
  "{\"id\":\"u1\",\"call_sign\":\"Беркут-12\",\"status\":\"on_scene\"}}",
  /* The same status again is no second arrival. */
  "{\"seq\":15,\"type\":\"unit.updated\",\"time\":\"2026-12-06T07:10:00Z\",\"unit\":"
  "{\"id\":\"u1\",\"call_sign\":\"Беркут-12\",\"status\":\"on_scene\"}}",
  "{\"seq\":16,\"type\":\"plan.activated\",\"time\":\"2026-12-06T07:20:00Z\",\"plan\":"
  "{\"id\":\"p1\",\"name\":\"Кольцо\",\"posts\":[{\"id\":\"s1\",\"name\":\"Север\"}],"
  "\"activation\":{\"activated_by\":\"sup\",\"posts\":[{\"post_id\":\"s1\",\"state\":\"en_route\"}]}}}",
  "{\"seq\":17,\"type\":\"plan.updated\",\"time\":\"2026-12-06T07:30:00Z\",\"plan\":"
  "{\"id\":\"p1\",\"name\":\"Кольцо\",\"posts\":[{\"id\":\"s1\",\"name\":\"Север\"}],"
  "\"activation\":{\"activated_by\":\"sup\",\"posts\":[{\"post_id\":\"s1\",\"state\":\"covered\"}]}}}",
  "{\"seq\":18,\"type\":\"note.added\",\"time\":\"2026-12-06T07:31:00Z\",\"note\":"
  "{\"id\":\"n1\",\"text\":\"Штаб у акимата,\\nсвязь есть\",\"by\":\"sup\",\"at\":\"2026-12-06T07:31:00Z\"}}",
  "{\"seq\":19,\"type\":\"readiness.changed\",\"time\":\"2026-12-06T08:00:00Z\",\"readiness\":"
  "{\"level\":\"normal\",\"reason\":null,\"set_by\":\"admin\",\"set_at\":\"2026-12-06T08:00:00Z\","
  "\"raised_at\":null,\"area\":null}}",
};

static DozorCrisisLog *
fold_episode (GPtrArray **events_out)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  DozorCrisisLog *log = dozor_crisis_log_new ();

  for (guint i = 0; i < G_N_ELEMENTS (episode); i++)
    g_ptr_array_add (events, parse_json (episode[i]));
  /* As the board reads the journal: the names of all first. */
  for (guint i = 0; i < events->len; i++)
    dozor_crisis_log_learn (log, json_node_get_object (events->pdata[i]));
  for (guint i = 0; i < events->len; i++)
    dozor_crisis_log_add_event (log, json_node_get_object (events->pdata[i]));
  if (events_out != NULL)
    *events_out = g_steal_pointer (&events);
  return log;
}

static void
test_rows (void)
{
  g_autoptr(DozorCrisisLog) log = fold_episode (NULL);
  GListModel *entries = dozor_crisis_log_get_entries (log);
  static const struct {
    DozorCrisisLogKind kind;
    const char *who;
    const char *details;
  } expected[] = {
    /* Newest first. */
    { DOZOR_CRISIS_LOG_LEVEL_LOWERED, "admin", "Normal readiness" },
    { DOZOR_CRISIS_LOG_NOTE, "sup", "Штаб у акимата,\nсвязь есть" },
    { DOZOR_CRISIS_LOG_POST_COVERED, "", "Кольцо: Север" },
    { DOZOR_CRISIS_LOG_PLAN_ACTIVATED, "sup", "Кольцо" },
    { DOZOR_CRISIS_LOG_ARRIVED, "", "Беркут-12 — Robbery, пр. Абая, 10" },
    { DOZOR_CRISIS_LOG_DISPATCHED, "sup", "Беркут-12 — Robbery, пр. Абая, 10" },
    { DOZOR_CRISIS_LOG_LEVEL_RAISED, "sup", "High readiness — Митинг, \"Абая\"" },
  };

  g_assert_cmpuint (g_list_model_get_n_items (entries), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(DozorCrisisLogEntry) entry = g_list_model_get_item (entries, i);

      g_test_message ("row %u: %s", i, dozor_crisis_log_entry_get_details (entry));
      g_assert_cmpint (dozor_crisis_log_entry_get_kind (entry), ==, expected[i].kind);
      g_assert_cmpstr (dozor_crisis_log_entry_get_who (entry), ==, expected[i].who);
      g_assert_cmpstr (dozor_crisis_log_entry_get_details (entry), ==, expected[i].details);
    }
  g_assert_cmpint (dozor_crisis_log_get_seq (log), ==, 19);
}

/* Live events that the journal held already are not folded twice. */
static void
test_overlap (void)
{
  g_autoptr(DozorCrisisLog) log = fold_episode (NULL);
  g_autoptr(JsonNode) again = parse_json (episode[8]);
  g_autoptr(JsonNode) next = parse_json ("{\"seq\":20,\"type\":\"note.added\",\"time\":\"2026-12-06T08:01:00Z\","
                                    "\"note\":{\"text\":\"После\",\"by\":\"sup\"}}");

  g_assert_cmpuint (dozor_crisis_log_add_event (log, json_node_get_object (again)), ==, 0);
  g_assert_cmpuint (dozor_crisis_log_add_event (log, json_node_get_object (next)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (dozor_crisis_log_get_entries (log)), ==, 8);
}

/* RFC 4180: CR LF, quotes doubled, fields with commas, quotes or line
 * breaks quoted; oldest first under a header. */
static void
test_csv (void)
{
  g_autoptr(DozorCrisisLog) log = fold_episode (NULL);
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("+05:00");
  g_autofree char *csv = dozor_crisis_log_to_csv (dozor_crisis_log_get_entries (log), zone);
  g_auto(GStrv) lines = g_strsplit (csv, "\r\n", -1);

  g_assert_true (g_utf8_validate (csv, -1, NULL));
  g_assert_cmpstr (lines[0], ==, "Time,What,Who,Details");
  g_assert_cmpstr (lines[1], ==, "2026-12-06 12:00:00,Level raised,sup,\"High readiness — Митинг, \"\"Абая\"\"\"");
  g_assert_cmpstr (lines[2], ==, "2026-12-06 12:01:00,Unit dispatched,sup,\"Беркут-12 — Robbery, пр. Абая, 10\"");
  /* The note's line break stays inside its quoted field. */
  g_assert_cmpstr (lines[6], ==, "2026-12-06 12:31:00,Note,sup,\"Штаб у акимата,\nсвязь есть\"");
  g_assert_cmpstr (lines[7], ==, "2026-12-06 13:00:00,Level lowered,admin,Normal readiness");
  g_assert_cmpstr (lines[8], ==, "");
  g_assert_null (lines[9]);
}

static void
test_episodes (void)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(DozorCrisisLog) log = fold_episode (&events);
  g_autoptr(GPtrArray) episodes = NULL;
  DozorCrisisEpisode *first, *second;

  /* A second one, still raised; and before both, the end of one whose
   * start lies before what was read. */
  g_ptr_array_insert (events, 0, parse_json ("{\"seq\":5,\"type\":\"readiness.changed\",\"time\":\"2026-12-05T07:00:00Z\","
                                        "\"readiness\":{\"level\":\"raised\",\"set_at\":\"2026-12-05T07:00:00Z\","
                                        "\"raised_at\":\"2026-12-01T07:00:00Z\"}}"));
  g_ptr_array_insert (events, 1, parse_json ("{\"seq\":6,\"type\":\"readiness.changed\",\"time\":\"2026-12-05T09:00:00Z\","
                                        "\"readiness\":{\"level\":\"normal\",\"set_at\":\"2026-12-05T09:00:00Z\","
                                        "\"raised_at\":null}}"));
  g_ptr_array_add (events, parse_json ("{\"seq\":30,\"type\":\"readiness.changed\",\"time\":\"2026-12-06T09:00:00Z\","
                                  "\"readiness\":{\"level\":\"raised\",\"set_at\":\"2026-12-06T09:00:00Z\","
                                  "\"raised_at\":\"2026-12-06T09:00:00Z\"}}"));
  g_ptr_array_add (events, parse_json ("{\"seq\":31,\"type\":\"readiness.changed\",\"time\":\"2026-12-06T09:05:00Z\","
                                  "\"readiness\":{\"level\":\"full\",\"set_at\":\"2026-12-06T09:05:00Z\","
                                  "\"raised_at\":\"2026-12-06T09:00:00Z\"}}"));
  episodes = dozor_crisis_episodes_find (events);

  g_assert_cmpuint (episodes->len, ==, 2);
  first = episodes->pdata[0];
  second = episodes->pdata[1];
  g_assert_cmpstr (first->raised_at, ==, "2026-12-06T07:00:00Z");
  g_assert_cmpstr (first->lowered_at, ==, "2026-12-06T08:00:00Z");
  g_assert_cmpstr (first->top_level, ==, "high");
  g_assert_cmpint (first->first_seq, ==, 10);
  g_assert_cmpint (first->last_seq, ==, 19);
  g_assert_cmpstr (second->raised_at, ==, "2026-12-06T09:00:00Z");
  g_assert_null (second->lowered_at);
  g_assert_cmpstr (second->top_level, ==, "full");
  g_assert_cmpint (second->last_seq, ==, -1);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/crisis-log/rows", test_rows);
  g_test_add_func ("/crisis-log/overlap", test_overlap);
  g_test_add_func ("/crisis-log/csv", test_csv);
  g_test_add_func ("/crisis-log/episodes", test_episodes);

  return g_test_run ();
}
