/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One clock for the demo (issue 17, control2): with the Almaty scenario sped
 * up, an incident's registration, dispatch, en route and arrival, the fixes'
 * times and the daily report's response time are all on dozord's clock, so
 * that a response time is a duration that really passed. Before, the
 * scenario dated its fixes on its own clock, running SPEED times faster, and
 * a response time read up to an hour.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "server-fixture.h"

/* An hour of the city a minute: a fix dated on the scenario's own clock is
 * a minute ahead after one real second. */
#define SPEED "60"
/* Clocks of the test and dozord are one machine's; this allows for the
 * rounding of RFC 3339 text and a busy machine's scheduling, not for
 * another clock. */
#define SKEW_US (G_USEC_PER_SEC / 2)
/* Generous liveness bounds for a loaded machine. */
#define FIRST_FIX_SECONDS 30
#define ARRIVAL_SECONDS 60

static const char *const clock_args[] = {
  "--scenario=almaty", "--seed=3", "--units=5", "--speed=" SPEED, "--incidents-per-hour=0.001", NULL
};

static void
clock_setup (Server        *server,
             gconstpointer  data)
{
  server->extra_args = clock_args;
  server_setup (server, data);
}

static gint64
time_of (JsonObject *object,
         const char *name)
{
  const char *text = json_object_get_string_member_with_default (object, name, NULL);
  g_autoptr(GDateTime) time = NULL;

  g_assert_nonnull (text);
  time = g_date_time_new_from_iso8601 (text, NULL);
  g_assert_nonnull (time);
  return g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
}

/* The first unit of the snapshot that has a fix, or NULL. */
static JsonObject *
unit_with_fix (Answer *snapshot)
{
  JsonArray *units = json_object_get_array_member (json_node_get_object (snapshot->body), "units");

  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonObject *unit = json_array_get_object_element (units, i);
      JsonNode *position = json_object_get_member (unit, "position");

      if (position != NULL && JSON_NODE_HOLDS_OBJECT (position))
        return unit;
    }
  return NULL;
}

static void
test_one_clock (Server        *server,
                gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *unit_id = NULL;
  g_autofree char *incident_id = NULL;
  g_autofree char *body = NULL;
  g_autofree char *dispatch_body = NULL;
  g_autofree char *report_path = NULL;
  g_autoptr(JsonNode) incident = NULL;
  gint64 deadline, registering, observed, created, dispatched, en_route, on_scene;
  double lat = 0, lon = 0;

  /* The scenario's first fixes. */
  deadline = g_get_monotonic_time () + FIRST_FIX_SECONDS * G_USEC_PER_SEC;
  while (unit_id == NULL && g_get_monotonic_time () < deadline)
    {
      g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);
      JsonObject *unit;

      g_assert_cmpuint (snapshot.status, ==, 200);
      unit = unit_with_fix (&snapshot);
      if (unit == NULL)
        {
          g_usleep (G_USEC_PER_SEC / 5);
          continue;
        }
      unit_id = g_strdup (json_object_get_string_member (unit, "id"));
      lat = json_object_get_double_member (json_object_get_object_member (unit, "position"), "lat");
      lon = json_object_get_double_member (json_object_get_object_member (unit, "position"), "lon");
    }
  g_assert_nonnull (unit_id);

  /* A report where the car was, and the car sent there at once. */
  registering = g_get_real_time ();
  body = g_strdup_printf ("{\"type\":\"theft\",\"location\":{\"lat\":%.7f,\"lon\":%.7f}}", lat, lon);
  {
    g_auto(Answer) created_answer = request (server, "POST", "/api/v1/incidents", sup, "clock-scene", NULL, body);

    g_assert_cmpuint (created_answer.status, ==, 201);
    incident_id = g_strdup (member (&created_answer, "id"));
  }
  dispatch_body = g_strdup_printf ("{\"unit_id\":\"%s\",\"incident_id\":\"%s\"}", unit_id, incident_id);
  {
    g_auto(Answer) sent = request (server, "POST", "/api/v1/dispatches", sup, "clock-send", NULL, dispatch_body);

    g_assert_cmpuint (sent.status, ==, 201);
  }

  /* dozord finds the car on scene from its fixes. */
  deadline = g_get_monotonic_time () + ARRIVAL_SECONDS * G_USEC_PER_SEC;
  while (incident == NULL && g_get_monotonic_time () < deadline)
    {
      g_auto(Answer) read = request (server, "GET", "/api/v1/incidents?limit=2000", sup, NULL, NULL, NULL);
      JsonArray *incidents;

      g_assert_cmpuint (read.status, ==, 200);
      incidents = json_object_get_array_member (json_node_get_object (read.body), "incidents");
      for (guint i = 0; i < json_array_get_length (incidents); i++)
        {
          JsonObject *object = json_array_get_object_element (incidents, i);

          if (g_str_equal (json_object_get_string_member (object, "id"), incident_id) &&
              json_object_get_string_member_with_default (object, "on_scene_at", NULL) != NULL)
            incident = json_node_copy (json_array_get_element (incidents, i));
        }
      if (incident == NULL)
        g_usleep (G_USEC_PER_SEC / 5);
    }
  observed = g_get_real_time ();
  g_assert_nonnull (incident);

  /* Every time of the incident within what really passed, in order. */
  created = time_of (json_node_get_object (incident), "created_at");
  dispatched = time_of (json_node_get_object (incident), "dispatched_at");
  en_route = time_of (json_node_get_object (incident), "en_route_at");
  on_scene = time_of (json_node_get_object (incident), "on_scene_at");
  g_test_message ("response %.3f s, within %.3f s that passed", (on_scene - created) / 1e6,
                  (observed - registering) / 1e6);
  g_assert_cmpint (created, >=, registering - SKEW_US);
  g_assert_cmpint (dispatched, >=, created);
  g_assert_cmpint (en_route, >=, dispatched);
  g_assert_cmpint (on_scene, >=, en_route);
  g_assert_cmpint (on_scene, <=, observed + SKEW_US);

  /* No fix of any car dated ahead of the clock. */
  {
    g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);
    JsonArray *units = json_object_get_array_member (json_node_get_object (snapshot.body), "units");
    gint64 now = g_get_real_time ();

    for (guint i = 0; i < json_array_get_length (units); i++)
      {
        JsonNode *position = json_object_get_member (json_array_get_object_element (units, i), "position");

        if (position != NULL && JSON_NODE_HOLDS_OBJECT (position))
          g_assert_cmpint (time_of (json_node_get_object (position), "time"), <=, now + SKEW_US);
      }
  }

  /* The daily report's figures: the same response time, not an hour. */
  {
    g_autoptr(GDateTime) from = g_date_time_new_from_unix_utc (registering / G_USEC_PER_SEC - 3600);
    g_autoptr(GDateTime) to = g_date_time_new_from_unix_utc (observed / G_USEC_PER_SEC + 3600);
    g_autofree char *from_text = g_date_time_format_iso8601 (from);
    g_autofree char *to_text = g_date_time_format_iso8601 (to);
    g_autofree char *from_query = g_uri_escape_string (from_text, NULL, FALSE);
    g_autofree char *to_query = g_uri_escape_string (to_text, NULL, FALSE);
    g_auto(Answer) report = { 0 };
    JsonObject *response;

    report_path = g_strdup_printf ("/api/v1/reports/daily?from=%s&to=%s", from_query, to_query);
    report = request (server, "GET", report_path, sup, NULL, NULL, NULL);
    g_assert_cmpuint (report.status, ==, 200);
    response = json_object_get_object_member (json_node_get_object (report.body), "response");
    g_assert_cmpint (json_object_get_int_member (response, "count"), ==, 1);
    g_assert_cmpfloat (json_object_get_double_member (response, "max_s"), >=, 0);
    g_assert_cmpfloat (json_object_get_double_member (response, "max_s"), <=,
                       (observed - registering + SKEW_US) / 1e6);
  }
}

/* A tracker is held to the same clock: its fix is refused beyond the
 * small skew of docs/api.md (5 minutes), and the unit keeps its place. */
static gboolean
post_fix_ahead (Server     *server,
                const char *token,
                const char *unit_id,
                int         seconds_ahead)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) ahead = g_date_time_add_seconds (now, seconds_ahead);
  g_autofree char *time = g_date_time_format_iso8601 (ahead);
  g_autofree char *body = g_strdup_printf ("{\"positions\":[{\"unit_id\":\"%s\",\"lat\":43.25,\"lon\":76.95,"
                                           "\"time\":\"%s\",\"speed\":0}]}", unit_id, time);
  g_auto(Answer) answer = request (server, "POST", "/api/v1/positions", token, NULL, NULL, body);

  g_assert_true (answer.status == 202 || answer.status == 422);
  return answer.status == 202;
}

static void
test_tracker_ahead (Server        *server,
                    gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *tracker = login (server, "tracker");
  g_autofree char *unit_id = create_unit (server, sup, "Сокол-7");

  g_assert_false (post_fix_ahead (server, tracker, unit_id, 6 * 60));
  g_assert_false (post_fix_ahead (server, tracker, unit_id, 3600));
  {
    g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);
    JsonArray *units = json_object_get_array_member (json_node_get_object (snapshot.body), "units");
    guint found = 0;

    g_assert_cmpuint (snapshot.status, ==, 200);
    for (guint i = 0; i < json_array_get_length (units); i++)
      {
        JsonObject *unit = json_array_get_object_element (units, i);
        JsonNode *position = json_object_get_member (unit, "position");

        if (!g_str_equal (json_object_get_string_member (unit, "id"), unit_id))
          continue;
        found++;
        g_assert_true (position == NULL || JSON_NODE_HOLDS_NULL (position));
      }
    g_assert_cmpuint (found, ==, 1);
  }
  g_assert_true (post_fix_ahead (server, tracker, unit_id, 4 * 60));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  server_fixture_init ();

  g_test_add ("/scenario-clock/one-clock", Server, NULL, clock_setup, test_one_clock, server_teardown);
  g_test_add ("/scenario-clock/tracker-ahead", Server, NULL, server_setup, test_tracker_ahead, server_teardown);
  return g_test_run ();
}
