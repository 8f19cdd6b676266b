/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GET /replay against the real dozord (docs/api.md, "Replay"; issue 18,
 * items 5 and 6): a constructed sequence (units move, an incident is
 * registered, dispatched and closed, readiness raised, a plan activated and
 * closed) with GET /snapshot taken at several moments; the replay at each
 * moment T reproduces what the snapshot at T returned, both as its first
 * state and as the events of one longer replay applied in order, a few a
 * page. Also who may replay and what is refused.
 *
 * Compared: units' call sign, status, version and position (place, time,
 * speed, heading); incidents, dispatches, readiness, plans, checklists,
 * zones, routes and places whole. Not compared, as different by nature:
 * `as_of_seq` (the journal holds no positions, whose seqs the snapshot
 * counts), a unit's kind, crew and fix accuracy (the replayed state keeps
 * what the board's model keeps) and deviations (not replayed).
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "dozor-json.h"
#include "dozor-situation.h"
#include "server-fixture.h"

#define MOMENTS 7

static const char *const every_second[] = { "--replay-every", "1", NULL };

static JsonObject *
body_of (Answer *answer)
{
  g_assert_nonnull (answer->body);
  return json_node_get_object (answer->body);
}

static char *
now_text (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
}

/* Equal JSON, numbers by value (the replay writes them back through
 * json-glib, the snapshot through SQLite's printf), members in any order. */
static gboolean
nodes_equal (JsonNode *a,
             JsonNode *b)
{
  double x, y;

  if (dozor_json_node_get_number (a, &x) && dozor_json_node_get_number (b, &y))
    return fabs (x - y) < 1e-9;
  if (JSON_NODE_TYPE (a) != JSON_NODE_TYPE (b))
    return FALSE;
  if (JSON_NODE_HOLDS_OBJECT (a))
    {
      JsonObject *oa = json_node_get_object (a), *ob = json_node_get_object (b);
      g_autoptr(GList) names = json_object_get_members (oa);

      if (json_object_get_size (oa) != json_object_get_size (ob))
        return FALSE;
      for (GList *l = names; l != NULL; l = l->next)
        if (!json_object_has_member (ob, l->data) ||
            !nodes_equal (json_object_get_member (oa, l->data), json_object_get_member (ob, l->data)))
          return FALSE;
      return TRUE;
    }
  if (JSON_NODE_HOLDS_ARRAY (a))
    {
      JsonArray *aa = json_node_get_array (a), *ab = json_node_get_array (b);

      if (json_array_get_length (aa) != json_array_get_length (ab))
        return FALSE;
      for (guint i = 0; i < json_array_get_length (aa); i++)
        if (!nodes_equal (json_array_get_element (aa, i), json_array_get_element (ab, i)))
          return FALSE;
      return TRUE;
    }
  return json_node_equal (a, b);
}

static JsonObject *
find_by_id (JsonArray  *list,
            const char *id)
{
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *item = json_array_get_object_element (list, i);

      if (g_strcmp0 (json_object_get_string_member (item, "id"), id) == 0)
        return item;
    }
  return NULL;
}

static void
assert_same_list (JsonObject *snapshot,
                  JsonObject *state,
                  const char *name,
                  guint       moment)
{
  JsonArray *expected = json_object_get_array_member (snapshot, name);
  JsonArray *replayed = json_object_get_array_member (state, name);

  g_test_message ("moment %u: %u %s", moment, json_array_get_length (expected), name);
  g_assert_cmpuint (json_array_get_length (replayed), ==, json_array_get_length (expected));
  for (guint i = 0; i < json_array_get_length (expected); i++)
    {
      JsonNode *item = json_array_get_element (expected, i);
      JsonObject *other = find_by_id (replayed, json_object_get_string_member (json_node_get_object (item), "id"));
      g_autoptr(JsonNode) other_node = NULL;

      g_assert_nonnull (other);
      other_node = json_node_init_object (json_node_alloc (), other);
      if (!nodes_equal (item, other_node))
        {
          g_autofree char *want = json_to_string (item, FALSE);
          g_autofree char *got = json_to_string (other_node, FALSE);

          g_test_message ("%s differ: snapshot %s, replay %s", name, want, got);
          g_assert_not_reached ();
        }
    }
}

static void
assert_same_unit_member (JsonObject *unit,
                         JsonObject *other,
                         const char *name)
{
  g_assert_true (nodes_equal (json_object_get_member (unit, name), json_object_get_member (other, name)));
}

/* The state of a replay is what the snapshot at the same moment said. */
static void
assert_same_state (JsonObject *snapshot,
                   JsonObject *state,
                   guint       moment)
{
  JsonArray *units = json_object_get_array_member (snapshot, "units");
  JsonArray *replayed = json_object_get_array_member (state, "units");
  static const char *const lists[] = { "incidents", "dispatches", "plans", "checklists", "zones", "routes",
                                       "places" };

  g_assert_true (nodes_equal (json_object_get_member (snapshot, "readiness"),
                              json_object_get_member (state, "readiness")));

  g_assert_cmpuint (json_array_get_length (replayed), ==, json_array_get_length (units));
  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonObject *unit = json_array_get_object_element (units, i);
      JsonObject *other = find_by_id (replayed, json_object_get_string_member (unit, "id"));
      JsonNode *position = json_object_get_member (unit, "position");

      g_assert_nonnull (other);
      assert_same_unit_member (unit, other, "call_sign");
      assert_same_unit_member (unit, other, "status");
      assert_same_unit_member (unit, other, "version");
      if (JSON_NODE_HOLDS_NULL (position))
        g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (other, "position")));
      else
        {
          JsonObject *fix = json_node_get_object (position);
          JsonObject *replayed_fix = json_object_get_object_member (other, "position");

          g_assert_nonnull (replayed_fix);
          for (guint m = 0; m < 5; m++)
            {
              const char *name = (const char *[]) { "lat", "lon", "time", "speed", "heading" }[m];

              assert_same_unit_member (fix, replayed_fix, name);
            }
        }
    }

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    assert_same_list (snapshot, state, lists[l], moment);
}

typedef struct
{
  JsonNode *snapshots[MOMENTS];
  char *times[MOMENTS];
  guint n;
} Moments;

static void
moments_clear (Moments *moments)
{
  for (guint i = 0; i < moments->n; i++)
    {
      json_node_unref (moments->snapshots[i]);
      g_free (moments->times[i]);
    }
}

/* GET /snapshot now, and the moment it answered. */
static void
take_snapshot (Server     *server,
               const char *token,
               Moments    *moments)
{
  g_auto(Answer) answer = request (server, "GET", "/api/v1/snapshot", token, NULL, NULL, NULL);

  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_cmpuint (moments->n, <, MOMENTS);
  moments->snapshots[moments->n] = json_node_ref (answer.body);
  moments->times[moments->n] = now_text ();
  moments->n++;
}

static gint64
version_in (JsonNode   *snapshot,
            const char *list,
            const char *id)
{
  JsonObject *item = find_by_id (json_object_get_array_member (json_node_get_object (snapshot), list), id);

  g_assert_nonnull (item);
  return json_object_get_int_member (item, "version");
}

/* The sequence; @pause between the moments lets dozord archive states
 * among them when it archives every second. */
static void
play_sequence (Server  *server,
               guint    pause_ms,
               Moments *moments)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *tracker = login (server, "tracker");
  g_autofree char *a = create_unit (server, sup, "Беркут-1");
  g_autofree char *b = create_unit (server, sup, "Беркут-2");
  g_autofree char *incident = NULL;
  g_autofree char *plan_id = NULL;
  g_autofree char *post_id = NULL;

  send_fix (server, tracker, a, 43.2300, 76.9000, 10);
  send_fix (server, tracker, b, 43.2600, 76.9600, 8);
  take_snapshot (server, sup, moments);
  g_usleep (pause_ms * 1000);

  /* A moves; an incident is registered. */
  send_fix (server, tracker, a, 43.2310, 76.9050, 12);
  incident = create_incident (server, sup);
  take_snapshot (server, sup, moments);
  g_usleep (pause_ms * 1000);

  /* A is sent to it and drives there. */
  {
    g_autofree char *body = g_strdup_printf ("{\"unit_id\":\"%s\",\"incident_id\":\"%s\"}", a, incident);
    g_autofree char *key = g_uuid_string_random ();
    g_auto(Answer) sent = request (server, "POST", "/api/v1/dispatches", sup, key, NULL, body);

    g_assert_cmpuint (sent.status, ==, 201);
  }
  send_fix (server, tracker, a, 43.2350, 76.9300, 14);
  take_snapshot (server, sup, moments);
  g_usleep (pause_ms * 1000);

  /* Readiness raised over an area. */
  {
    g_auto(Answer) raised = request (server, "PUT", "/api/v1/readiness", sup, NULL, NULL,
                                     "{\"level\":\"high\",\"reason\":\"Митинг на площади\","
                                     "\"area\":{\"type\":\"Circle\",\"center\":[76.9453,43.2389],"
                                     "\"radius_m\":1500}}");

    g_assert_cmpuint (raised.status, ==, 200);
  }
  take_snapshot (server, sup, moments);
  g_usleep (pause_ms * 1000);

  /* A plan of one post, activated with B. */
  {
    g_autofree char *key = g_uuid_string_random ();
    g_auto(Answer) plan = request (server, "POST", "/api/v1/plans", sup, key, NULL,
                                   "{\"name\":\"Площадь\",\"description\":\"Митинг\",\"posts\":["
                                   "{\"name\":\"Вход\",\"location\":{\"lat\":43.2389,\"lon\":76.9453},"
                                   "\"units_needed\":1,\"kind\":null}]}");
    g_autofree char *activation_key = g_uuid_string_random ();
    g_autofree char *path = NULL;
    g_autofree char *body = NULL;
    g_auto(Answer) activated = { 0 };

    g_assert_cmpuint (plan.status, ==, 201);
    plan_id = g_strdup (json_object_get_string_member (body_of (&plan), "id"));
    post_id = g_strdup (json_object_get_string_member (
      json_array_get_object_element (json_object_get_array_member (body_of (&plan), "posts"), 0), "id"));
    path = g_strdup_printf ("/api/v1/plans/%s/activation", plan_id);
    body = g_strdup_printf ("{\"assignments\":[{\"post_id\":\"%s\",\"unit_id\":\"%s\"}]}", post_id, b);
    activated = request (server, "POST", path, sup, activation_key, NULL, body);
    g_assert_cmpuint (activated.status, ==, 201);
  }
  send_fix (server, tracker, b, 43.2450, 76.9500, 9);
  take_snapshot (server, sup, moments);
  g_usleep (pause_ms * 1000);

  /* The incident is closed, which frees A; B arrives at its post. */
  {
    g_autofree char *path = g_strconcat ("/api/v1/incidents/", incident, NULL);
    g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                version_in (moments->snapshots[moments->n - 1], "incidents",
                                                            incident));
    g_auto(Answer) closed = request (server, "PATCH", path, sup, NULL, version, "{\"status\":\"closed\"}");

    g_assert_cmpuint (closed.status, ==, 200);
  }
  send_fix (server, tracker, b, 43.2389, 76.9453, 0.5);
  take_snapshot (server, sup, moments);
  g_usleep (pause_ms * 1000);

  /* The plan is closed. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/plans/%s/activation", plan_id);
    g_auto(Answer) closed = request (server, "DELETE", path, sup, NULL, NULL, NULL);

    g_assert_cmpuint (closed.status, ==, 200);
  }
  send_fix (server, tracker, a, 43.2200, 76.8800, 3);
  take_snapshot (server, sup, moments);
}

static Answer
get_replay (Server     *server,
            const char *token,
            const char *from,
            const char *to,
            const char *extra)
{
  g_autofree char *from_escaped = g_uri_escape_string (from, NULL, FALSE);
  g_autofree char *to_escaped = g_uri_escape_string (to, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/api/v1/replay?from=%s&to=%s%s", from_escaped, to_escaped,
                                           extra != NULL ? extra : "");

  return request (server, "GET", path, token, NULL, NULL, NULL);
}

/* The first state of a replay from each moment is the snapshot then. */
static void
assert_states (Server  *server,
               Moments *moments)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *end = now_text ();

  for (guint i = 0; i < moments->n; i++)
    {
      g_auto(Answer) replay = get_replay (server, sup, moments->times[i], end, NULL);
      JsonObject *state;

      g_assert_cmpuint (replay.status, ==, 200);
      state = json_object_get_object_member (body_of (&replay), "state");
      g_assert_nonnull (state);
      assert_same_state (json_node_get_object (moments->snapshots[i]), state, i);
    }
}

/* One replay over the whole sequence, three events a page, applied in
 * order by the board's model: at each moment it holds what the snapshot
 * then held. */
static void
assert_events (Server  *server,
               Moments *moments)
{
  g_autofree char *sup = login (server, "sup");
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  g_autofree char *next = NULL;
  guint moment = 1, pages = 0, positions = 0;

  do
    {
      g_autofree char *extra = NULL;
      g_auto(Answer) page = { 0 };
      JsonArray *events;

      if (next != NULL)
        {
          g_autofree char *escaped = g_uri_escape_string (next, NULL, FALSE);

          extra = g_strdup_printf ("&limit=3&after=%s", escaped);
        }
      page = get_replay (server, sup, moments->times[0], moments->times[moments->n - 1],
                         extra != NULL ? extra : "&limit=3");
      g_assert_cmpuint (page.status, ==, 200);
      g_assert_cmpuint (++pages, <, 200);
      if (next == NULL)
        {
          g_autoptr(GError) error = NULL;

          g_assert_true (dozor_situation_load_snapshot (situation, json_object_get_member (body_of (&page), "state"),
                                                        &error));
        }
      else
        g_assert_false (json_object_has_member (body_of (&page), "state"));

      events = json_object_get_array_member (body_of (&page), "events");
      g_assert_cmpuint (json_array_get_length (events), <=, 3);
      for (guint i = 0; i < json_array_get_length (events); i++)
        {
          JsonNode *event = json_array_get_element (events, i);
          const char *time = json_object_get_string_member (json_node_get_object (event), "time");

          /* Past a moment: the model holds what the snapshot then held. */
          while (moment < moments->n && strcmp (time, moments->times[moment]) > 0)
            {
              g_autoptr(JsonNode) state = dozor_situation_to_snapshot (situation);

              assert_same_state (json_node_get_object (moments->snapshots[moment]), json_node_get_object (state),
                                 moment);
              moment++;
            }
          if (g_str_equal (json_object_get_string_member (json_node_get_object (event), "type"), "unit.position"))
            positions++;
          dozor_situation_apply_replayed (situation, event);
        }

      g_free (next);
      next = g_strdup (json_object_get_string_member_with_default (body_of (&page), "next", NULL));
    }
  while (next != NULL);

  /* The last moment is the window's end. */
  while (moment < moments->n)
    {
      g_autoptr(JsonNode) state = dozor_situation_to_snapshot (situation);

      assert_same_state (json_node_get_object (moments->snapshots[moment]), json_node_get_object (state), moment);
      moment++;
    }
  g_test_message ("%u pages, %u fixes replayed", pages, positions);
  /* The five fixes sent after the first moment, each one event. */
  g_assert_cmpuint (positions, ==, 5);
}

static void
test_moments (Server        *server,
              gconstpointer  data)
{
  Moments moments = { 0 };

  play_sequence (server, GPOINTER_TO_UINT (data), &moments);
  assert_states (server, &moments);
  assert_events (server, &moments);
  moments_clear (&moments);
}

static void
setup_every_second (Server        *server,
                    gconstpointer  data)
{
  server->extra_args = every_second;
  server_setup (server, NULL);
}

static void
setup_default (Server        *server,
               gconstpointer  data)
{
  server_setup (server, NULL);
}

/* Who may replay, and what is refused, as a client sees it. */
static void
test_refusals (Server        *server,
               gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *wall = login (server, "wall");
  g_autofree char *op = login (server, "op");
  g_autofree char *tracker = login (server, "tracker");
  g_autofree char *now = now_text ();
  g_autoptr(GDateTime) utc = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (utc, 60);
  g_autoptr(GDateTime) day_later = g_date_time_add_hours (utc, 25);
  g_autoptr(GDateTime) earlier = g_date_time_add_hours (utc, -1);
  g_autofree char *later_text = g_date_time_format_iso8601 (later);
  g_autofree char *day_text = g_date_time_format_iso8601 (day_later);
  g_autofree char *earlier_text = g_date_time_format_iso8601 (earlier);
  const char *readers[] = { wall, op, tracker };
  struct
  {
    const char *from, *to, *extra, *field;
  } bad[] = {
    { "yesterday", later_text, NULL, "from" },
    { now, "2026-13-01T00:00:00Z", NULL, "to" },
    { later_text, now, NULL, "to" },
    { now, now, NULL, "to" },
    { now, day_text, NULL, "to" },
    { earlier_text, later_text, NULL, "from" },
    { now, later_text, "&limit=0", "limit" },
    { now, later_text, "&limit=20001", "limit" },
    { now, later_text, "&after=nonsense", "after" },
    { now, later_text, "&after=2026-01-01T00:00:00Z~x1", "after" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    {
      g_auto(Answer) refused = get_replay (server, readers[i], now, later_text, NULL);

      g_assert_cmpuint (refused.status, ==, 403);
      g_assert_cmpstr (member (&refused, "code"), ==, "forbidden");
    }
  {
    g_auto(Answer) anonymous = get_replay (server, NULL, now, later_text, NULL);
    g_auto(Answer) posted = request (server, "POST", "/api/v1/replay", sup, NULL, NULL, "{}");
    g_auto(Answer) allowed = get_replay (server, sup, now, later_text, NULL);

    g_assert_cmpuint (anonymous.status, ==, 401);
    g_assert_cmpuint (posted.status, ==, 405);
    g_assert_cmpuint (allowed.status, ==, 200);
    g_assert_true (json_object_has_member (body_of (&allowed), "state"));
    g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (body_of (&allowed), "next")));
  }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(Answer) refused = get_replay (server, sup, bad[i].from, bad[i].to, bad[i].extra);

      g_test_message ("case %u: %s", i, member (&refused, "message"));
      g_assert_cmpuint (refused.status, ==, 422);
      g_assert_cmpstr (member (&refused, "code"), ==, "invalid_field");
      g_assert_true (g_str_has_prefix (member (&refused, "message"), bad[i].field));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  server_fixture_init ();

  g_test_add ("/replay/moments/start-archive", Server, GUINT_TO_POINTER (50), setup_default, test_moments,
              server_teardown);
  g_test_add ("/replay/moments/archives-between", Server, GUINT_TO_POINTER (1100), setup_every_second,
              test_moments, server_teardown);
  g_test_add ("/replay/refusals", Server, NULL, setup_default, test_refusals, server_teardown);

  return g_test_run ();
}
