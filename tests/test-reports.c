/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The reports against the real dozord (docs/api.md, "Reports"): a known
 * log made through the API (incidents with given arrival times in two
 * districts and outside them, a dispatch, repeated calls, a checklist
 * tick, a readiness change, a plan activated and closed), then the
 * figures of the daily report, the quarterly statistics and one
 * incident's certificate checked against the answers worked out by hand;
 * who may read them; and the PDFs and CSV that dozorctl draws of them.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "server-fixture.h"

/* Late after 60, 120, 180 and 240 s for priorities 1 to 4: arrivals that
 * the API can set (at most 5 minutes ahead of dozord's clock) are late or
 * not by the test's choice. */
static const char *const limits_args[] = { "--arrival-limits=60,120,180,240", NULL };

#define DISTRICT_A "Алмалинский"
#define DISTRICT_B "Медеуский"

typedef struct
{
  char *sup;
  char *incident[5];
  char *number[5];
  char *from;
  char *to;
} Log;

static void
log_clear (Log *log)
{
  g_free (log->sup);
  for (guint i = 0; i < G_N_ELEMENTS (log->incident); i++)
    {
      g_free (log->incident[i]);
      g_free (log->number[i]);
    }
  g_free (log->from);
  g_free (log->to);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Log, log_clear)

static JsonObject *
body_of (Answer *answer)
{
  g_assert_nonnull (answer->body);
  return json_node_get_object (answer->body);
}

static char *
stamp (GDateTime *time)
{
  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%S.%fZ");
}

static void
district (Server     *server,
          const char *token,
          const char *name,
          double      south,
          double      north)
{
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf ("{\"kind\":\"district\",\"name\":\"%s\",\"geometry\":{\"type\":\"Polygon\","
                                           "\"coordinates\":[[[76.90,%.2f],[77.00,%.2f],[77.00,%.2f],[76.90,%.2f],"
                                           "[76.90,%.2f]]]}}",
                                           name, south, south, north, north, south);
  g_auto(Answer) answer = request (server, "POST", "/api/v1/zones", token, key, NULL, body);

  g_assert_cmpuint (answer.status, ==, 201);
}

/* An incident registered now; with @response_s > 0 its arrival is set to
 * that many seconds after its registration. */
static char *
incident (Server     *server,
          const char *token,
          const char *type,
          int         priority,
          double      lat,
          double      lon,
          int         response_s,
          char      **number)
{
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf ("{\"type\":\"%s\",\"priority\":%d,\"location\":{\"lat\":%.4f,\"lon\":%.4f},"
                                           "\"address\":\"пр. Абая, %d\"}",
                                           type, priority, lat, lon, priority);
  g_auto(Answer) created = request (server, "POST", "/api/v1/incidents", token, key, NULL, body);
  char *id;

  g_assert_cmpuint (created.status, ==, 201);
  id = g_strdup (member (&created, "id"));
  *number = g_strdup (member (&created, "number"));
  if (response_s > 0)
    {
      g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 (member (&created, "created_at"), NULL);
      g_autoptr(GDateTime) arrived = g_date_time_add_seconds (at, response_s);
      g_autofree char *arrived_text = stamp (arrived);
      g_autofree char *path = g_strdup_printf ("/api/v1/incidents/%s", id);
      g_autofree char *patch = g_strdup_printf ("{\"on_scene_at\":\"%s\"}", arrived_text);
      g_auto(Answer) set = request (server, "PATCH", path, token, NULL, "1", patch);

      g_assert_cmpuint (set.status, ==, 200);
      g_assert_cmpstr (member (&set, "on_scene_at"), ==, arrived_text);
    }
  return id;
}

static void
close_incident (Server     *server,
                const char *token,
                const char *id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/incidents/%s", id);
  g_auto(Answer) current = request (server, "GET", "/api/v1/snapshot", token, NULL, NULL, NULL);
  JsonArray *open = json_object_get_array_member (body_of (&current), "incidents");
  g_autofree char *version = NULL;

  for (guint i = 0; i < json_array_get_length (open); i++)
    {
      JsonObject *item = json_array_get_object_element (open, i);

      if (g_str_equal (json_object_get_string_member (item, "id"), id))
        version = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (item, "version"));
    }
  g_assert_nonnull (version);
  {
    g_auto(Answer) closed = request (server, "PATCH", path, token, NULL, version, "{\"status\":\"closed\"}");

    g_assert_cmpuint (closed.status, ==, 200);
  }
}

static void
attach_call (Server     *server,
             const char *token,
             const char *incident_id,
             const char *phone)
{
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *path = g_strdup_printf ("/api/v1/incidents/%s/calls", incident_id);
  g_autofree char *body = g_strdup_printf ("{\"caller_phone\":\"%s\",\"text\":\"Ещё звонок\"}", phone);
  g_auto(Answer) answer = request (server, "POST", path, token, key, NULL, body);

  g_assert_cmpuint (answer.status, ==, 201);
}

/*
 * The log, and what it must give:
 *   0  theft    P3  A        arrives after 100 s, dispatched (Беркут-1), 1 call, closed
 *   1  theft    P3  A        170 s: not late (180)
 *   2  robbery  P1  B        90 s: late (60), 2 calls, a checklist tick
 *   3  assault  P2  A        250 s: late (120)
 *   4  theft    P4  outside  no arrival, closed
 * Response times 90, 100, 170, 250: mean 152.5, p50 100, p90 and p95 250.
 */
static void
build_log (Server *server,
           Log    *log)
{
  g_autoptr(GDateTime) start = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) from = g_date_time_add_minutes (start, -1);
  g_autoptr(GDateTime) end = NULL;
  g_autoptr(GDateTime) to = NULL;
  g_autofree char *op = login (server, "op");
  g_autofree char *unit = NULL, *spare = NULL;

  log->sup = login (server, "sup");
  log->from = stamp (from);
  district (server, log->sup, DISTRICT_A, 43.20, 43.26);
  district (server, log->sup, DISTRICT_B, 43.26, 43.30);
  unit = create_unit (server, log->sup, "Беркут-1");
  spare = create_unit (server, log->sup, "Беркут-2");

  log->incident[0] = incident (server, op, "theft", 3, 43.2389, 76.9453, 100, &log->number[0]);
  log->incident[1] = incident (server, op, "theft", 3, 43.2500, 76.9300, 170, &log->number[1]);
  log->incident[2] = incident (server, op, "robbery", 1, 43.2800, 76.9500, 90, &log->number[2]);
  log->incident[3] = incident (server, op, "assault", 2, 43.2100, 76.9900, 250, &log->number[3]);
  log->incident[4] = incident (server, op, "theft", 4, 43.1000, 76.9500, 0, &log->number[4]);

  {
    g_autofree char *key = g_uuid_string_random ();
    g_autofree char *body = g_strdup_printf ("{\"unit_id\":\"%s\",\"incident_id\":\"%s\"}", unit, log->incident[0]);
    g_auto(Answer) sent = request (server, "POST", "/api/v1/dispatches", log->sup, key, NULL, body);

    g_assert_cmpuint (sent.status, ==, 201);
  }
  attach_call (server, op, log->incident[0], "+7 701 000 00 01");
  attach_call (server, op, log->incident[2], "+7 701 000 00 02");
  attach_call (server, op, log->incident[2], "+7 701 000 00 03");
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/incidents/%s/checklist", log->incident[2]);
    g_auto(Answer) ticked = request (server, "PUT", path, op, NULL, NULL,
                                     "{\"procedure_id\":\"robbery-in-progress\",\"step_id\":\"ask\",\"done\":true}");

    g_assert_cmpuint (ticked.status, ==, 200);
  }
  {
    g_auto(Answer) raised = request (server, "PUT", "/api/v1/readiness", log->sup, NULL, NULL,
                                     "{\"level\":\"high\",\"reason\":\"Учения\"}");

    g_assert_cmpuint (raised.status, ==, 200);
  }
  {
    g_autofree char *key = g_uuid_string_random ();
    g_auto(Answer) plan = request (server, "POST", "/api/v1/plans", log->sup, key, NULL,
                                   "{\"name\":\"Выезды\",\"posts\":[{\"name\":\"Площадь\","
                                   "\"location\":{\"lat\":43.2389,\"lon\":76.9453},\"units_needed\":1}]}");
    JsonArray *posts;
    g_autofree char *path = NULL, *body = NULL, *key2 = g_uuid_string_random ();

    g_assert_cmpuint (plan.status, ==, 201);
    posts = json_object_get_array_member (body_of (&plan), "posts");
    path = g_strdup_printf ("/api/v1/plans/%s/activation", member (&plan, "id"));
    body = g_strdup_printf ("{\"assignments\":[{\"post_id\":\"%s\",\"unit_id\":\"%s\"}]}",
                            json_object_get_string_member (json_array_get_object_element (posts, 0), "id"), spare);
    {
      g_auto(Answer) activated = request (server, "POST", path, log->sup, key2, NULL, body);

      g_assert_cmpuint (activated.status, ==, 201);
    }
    {
      g_auto(Answer) closed = request (server, "DELETE", path, log->sup, NULL, NULL, NULL);

      g_assert_cmpuint (closed.status, ==, 200);
    }
  }
  close_incident (server, log->sup, log->incident[0]);
  close_incident (server, log->sup, log->incident[4]);

  end = g_date_time_new_now_utc ();
  to = g_date_time_add_minutes (end, 10);
  log->to = stamp (to);
}

static void
setup (Server        *server,
       gconstpointer  data)
{
  server->extra_args = limits_args;
  server_setup (server, data);
}

static Answer
report (Server     *server,
        const char *token,
        const char *kind,
        const char *from,
        const char *to)
{
  g_autofree char *from_q = g_uri_escape_string (from, NULL, TRUE);
  g_autofree char *to_q = g_uri_escape_string (to, NULL, TRUE);
  g_autofree char *path = g_strdup_printf ("/api/v1/reports/%s?from=%s&to=%s", kind, from_q, to_q);

  return request (server, "GET", path, token, NULL, NULL, NULL);
}

static double
number_at (JsonObject *object,
           const char *name)
{
  return json_node_get_double (json_object_get_member (object, name));
}

static void
assert_ints (JsonArray   *array,
             const guint *expected,
             guint        n)
{
  g_assert_cmpuint (json_array_get_length (array), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (json_array_get_int_element (array, i), ==, expected[i]);
}

static void
check_figures (JsonObject *figures,
               Log        *log)
{
  JsonObject *response = json_object_get_object_member (figures, "response");
  JsonObject *histogram = json_object_get_object_member (response, "histogram");
  JsonArray *by_type = json_object_get_array_member (figures, "by_type");
  JsonArray *by_district = json_object_get_array_member (figures, "by_district");
  JsonArray *notable = json_object_get_array_member (figures, "notable");
  JsonArray *readiness = json_object_get_array_member (figures, "readiness");
  JsonArray *plans = json_object_get_array_member (figures, "plans");
  JsonObject *calls = json_object_get_object_member (figures, "repeated_calls");
  JsonObject *roster = json_object_get_object_member (figures, "roster");
  static const guint by_priority[] = { 1, 1, 2, 1 };
  static const guint limits[] = { 60, 120, 180, 240 };
  static const char *const notable_reasons[] = {
    "repeated_calls", "priority late repeated_calls", "late", "not_reached",
  };
  static const guint notable_index[] = { 0, 2, 3, 4 };
  guint hours = 0;

  g_assert_cmpint (json_object_get_int_member (figures, "incidents"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (figures, "closed"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (figures, "open"), ==, 3);

  g_assert_cmpuint (json_array_get_length (by_type), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (by_type, 0), "type"), ==, "theft");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (by_type, 0), "count"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (by_type, 1), "type"), ==, "assault");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (by_type, 2), "type"), ==, "robbery");
  assert_ints (json_object_get_array_member (figures, "by_priority"), by_priority, 4);
  for (guint i = 0; i < 24; i++)
    hours += json_array_get_int_element (json_object_get_array_member (figures, "by_hour"), i);
  g_assert_cmpuint (hours, ==, 5);

  g_assert_cmpuint (json_array_get_length (by_district), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (by_district, 0), "name"), ==, DISTRICT_A);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (by_district, 0), "count"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (by_district, 1), "name"), ==, DISTRICT_B);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (by_district, 1), "count"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (figures, "outside_districts"), ==, 1);

  g_assert_cmpint (json_object_get_int_member (response, "count"), ==, 4);
  g_assert_cmpfloat (number_at (response, "mean_s"), ==, 152.5);
  g_assert_cmpfloat (number_at (response, "p50_s"), ==, 100.0);
  g_assert_cmpfloat (number_at (response, "p90_s"), ==, 250.0);
  g_assert_cmpfloat (number_at (response, "p95_s"), ==, 250.0);
  g_assert_cmpfloat (number_at (response, "max_s"), ==, 250.0);
  g_assert_cmpint (json_object_get_int_member (histogram, "bin_s"), ==, 60);
  {
    guint expected[30] = { 0, 2, 1, 0, 1, };

    assert_ints (json_object_get_array_member (histogram, "counts"), expected, 30);
  }
  g_assert_cmpint (json_object_get_int_member (histogram, "over"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (figures, "dispatch"), "count"), ==, 1);

  g_assert_cmpint (json_object_get_int_member (figures, "late_arrivals"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (figures, "not_reached"), ==, 1);
  assert_ints (json_object_get_array_member (figures, "limits_s"), limits, 4);
  g_assert_cmpint (json_object_get_int_member (calls, "calls"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (calls, "incidents"), ==, 2);
  g_assert_false (json_object_get_boolean_member (roster, "available"));
  g_assert_true (json_node_is_null (json_object_get_member (roster, "drawn_late")));

  g_assert_cmpuint (json_array_get_length (notable), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      JsonObject *item = json_array_get_object_element (notable, i);
      JsonArray *reasons = json_object_get_array_member (item, "reasons");
      g_autoptr(GString) joined = g_string_new (NULL);

      for (guint r = 0; r < json_array_get_length (reasons); r++)
        g_string_append_printf (joined, "%s%s", r > 0 ? " " : "", json_array_get_string_element (reasons, r));
      g_assert_cmpstr (json_object_get_string_member (item, "id"), ==, log->incident[notable_index[i]]);
      g_assert_cmpstr (joined->str, ==, notable_reasons[i]);
    }

  g_assert_cmpuint (json_array_get_length (readiness), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (readiness, 0), "level"), ==, "high");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (readiness, 0), "reason"), ==, "Учения");
  g_assert_cmpuint (json_array_get_length (plans), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (plans, 0), "event"), ==, "activated");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (plans, 0), "name"), ==, "Выезды");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (plans, 0), "by"), ==, "sup");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (plans, 1), "event"), ==, "closed");

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (figures, "districts")), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (figures, "points")), ==, 5);
}

/* The daily report and the quarterly statistics of the known log give
 * the figures worked out by hand; a window before it gives none. */
static void
test_figures (Server        *server,
              gconstpointer  data)
{
  g_auto(Log) log = { 0, };

  build_log (server, &log);
  {
    g_auto(Answer) daily = report (server, log.sup, "daily", log.from, log.to);

    g_assert_cmpuint (daily.status, ==, 200);
    g_assert_cmpstr (member (&daily, "kind"), ==, "daily");
    check_figures (body_of (&daily), &log);
  }
  {
    g_auto(Answer) quarterly = report (server, log.sup, "quarterly", "2026-01-01T00:00:00Z", log.to);

    g_assert_cmpuint (quarterly.status, ==, 200);
    g_assert_cmpstr (member (&quarterly, "kind"), ==, "quarterly");
    check_figures (body_of (&quarterly), &log);
  }
  {
    g_auto(Answer) before = report (server, log.sup, "daily", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z");
    JsonObject *response;

    g_assert_cmpuint (before.status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (body_of (&before), "incidents"), ==, 0);
    response = json_object_get_object_member (body_of (&before), "response");
    g_assert_true (json_node_is_null (json_object_get_member (response, "p90_s")));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body_of (&before), "readiness")), ==, 0);
  }
}

static gboolean
timeline_has (JsonArray  *timeline,
              const char *what,
              const char *by,
              const char *detail)
{
  for (guint i = 0; i < json_array_get_length (timeline); i++)
    {
      JsonObject *step = json_array_get_object_element (timeline, i);

      if (g_str_equal (json_object_get_string_member (step, "what"), what) &&
          g_strcmp0 (json_object_get_string_member (step, "by"), by) == 0 &&
          g_strcmp0 (json_object_get_string_member (step, "detail"), detail) == 0)
        return TRUE;
    }
  return FALSE;
}

/* One incident's certificate: its record, district, response, checklist,
 * calls and timeline; another's dispatch; no such incident is 404. */
static void
test_certificate (Server        *server,
                  gconstpointer  data)
{
  g_auto(Log) log = { 0, };
  g_autofree char *path = NULL, *first_path = NULL;
  JsonArray *timeline;

  build_log (server, &log);
  path = g_strdup_printf ("/api/v1/reports/incidents/%s/certificate", log.incident[2]);
  {
    g_auto(Answer) answer = request (server, "GET", path, log.sup, NULL, NULL, NULL);
    JsonObject *figures = body_of (&answer);

    g_assert_cmpuint (answer.status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (figures, "incident"), "number"), ==,
                     log.number[2]);
    g_assert_cmpstr (json_object_get_string_member (figures, "district"), ==, DISTRICT_B);
    g_assert_cmpfloat (number_at (figures, "response_s"), ==, 90.0);
    g_assert_true (json_object_get_boolean_member (figures, "late"));
    g_assert_cmpfloat (number_at (figures, "limit_s"), ==, 60.0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (figures, "calls")), ==, 2);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (figures, "checklist")), ==, 1);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (figures, "dispatches")), ==, 0);
    timeline = json_object_get_array_member (figures, "timeline");
    g_assert_cmpuint (json_array_get_length (timeline), ==, 5);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (timeline, 0), "what"), ==, "registered");
    g_assert_true (timeline_has (timeline, "on_scene", "op", NULL));
    g_assert_true (timeline_has (timeline, "call", "op", "+7 701 000 00 02"));
    g_assert_true (timeline_has (timeline, "call", "op", "+7 701 000 00 03"));
    g_assert_true (timeline_has (timeline, "check", "op", "robbery-in-progress/ask done"));
  }

  first_path = g_strdup_printf ("/api/v1/reports/incidents/%s/certificate", log.incident[0]);
  {
    g_autofree char *op = login (server, "op");
    g_auto(Answer) answer = request (server, "GET", first_path, op, NULL, NULL, NULL);

    g_assert_cmpuint (answer.status, ==, 200);
    g_assert_false (json_object_get_boolean_member (body_of (&answer), "late"));
    timeline = json_object_get_array_member (body_of (&answer), "timeline");
    g_assert_true (timeline_has (timeline, "dispatched", "sup", "Беркут-1"));
    g_assert_true (timeline_has (timeline, "dispatch_ended", "system", "Беркут-1 completed"));
    g_assert_true (timeline_has (timeline, "closed", NULL, NULL));
  }
  {
    g_auto(Answer) missing = request (server, "GET", "/api/v1/reports/incidents/nope/certificate", log.sup, NULL, NULL,
                                      NULL);

    g_assert_cmpuint (missing.status, ==, 404);
  }
}

/* Supervisors and admins read the figures; operators only certificates;
 * the wall neither; a bad or too long window is refused naming it. */
static void
test_roles_and_windows (Server        *server,
                        gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *op = login (server, "op");
  g_autofree char *wall = login (server, "wall");
  g_autofree char *incident_id = create_incident (server, op);
  g_autofree char *certificate = g_strdup_printf ("/api/v1/reports/incidents/%s/certificate", incident_id);
  const char *from = "2026-12-01T08:00:00Z", *to = "2026-12-01T20:00:00Z";

  {
    g_auto(Answer) by_op = report (server, op, "daily", from, to);
    g_auto(Answer) by_wall = report (server, wall, "quarterly", from, to);
    g_auto(Answer) cert_by_op = request (server, "GET", certificate, op, NULL, NULL, NULL);
    g_auto(Answer) cert_by_wall = request (server, "GET", certificate, wall, NULL, NULL, NULL);
    g_auto(Answer) anonymous = request (server, "GET", certificate, NULL, NULL, NULL, NULL);
    g_auto(Answer) posted = request (server, "POST", "/api/v1/reports/daily", sup, NULL, NULL, "{}");

    g_assert_cmpuint (by_op.status, ==, 403);
    g_assert_cmpuint (by_wall.status, ==, 403);
    g_assert_cmpuint (cert_by_op.status, ==, 200);
    g_assert_cmpuint (cert_by_wall.status, ==, 403);
    g_assert_cmpuint (anonymous.status, ==, 401);
    g_assert_cmpuint (posted.status, ==, 405);
  }
  {
    g_auto(Answer) too_long = report (server, sup, "daily", "2026-12-01T00:00:00Z", "2026-12-03T00:00:01Z");
    g_auto(Answer) backwards = report (server, sup, "quarterly", to, from);
    g_auto(Answer) malformed = report (server, sup, "daily", "yesterday", to);
    g_auto(Answer) missing = request (server, "GET", "/api/v1/reports/daily", sup, NULL, NULL, NULL);

    g_assert_cmpuint (too_long.status, ==, 422);
    g_assert_true (g_str_has_prefix (member (&too_long, "message"), "to:"));
    g_assert_cmpuint (backwards.status, ==, 422);
    g_assert_cmpuint (malformed.status, ==, 422);
    g_assert_true (g_str_has_prefix (member (&malformed, "message"), "from:"));
    g_assert_cmpuint (missing.status, ==, 422);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  server_fixture_init ();

#define ADD(path, func) g_test_add (path, Server, NULL, setup, func, server_teardown)
  ADD ("/reports/figures", test_figures);
  ADD ("/reports/certificate", test_certificate);
  ADD ("/reports/roles-and-windows", test_roles_and_windows);
#undef ADD

  return g_test_run ();
}
