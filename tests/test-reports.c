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

#include <cairo.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "dozor-db.h"
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

/* A roster entry of @unit_id from @from_s to @to_s seconds from now. */
static void
draw_shift (Server     *server,
            const char *token,
            const char *unit_id,
            int         from_s,
            int         to_s)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) from = g_date_time_add_seconds (now, from_s);
  g_autoptr(GDateTime) to = g_date_time_add_seconds (now, to_s);
  g_autofree char *from_text = stamp (from), *to_text = stamp (to);
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf ("{\"shift_date\":\"2026-12-06\",\"from\":\"%s\",\"to\":\"%s\","
                                           "\"unit_id\":\"%s\"}", from_text, to_text, unit_id);
  g_auto(Answer) drawn = request (server, "POST", "/api/v1/roster", token, key, NULL, body);

  g_assert_cmpuint (drawn.status, ==, 201);
}

/*
 * The log, and what it must give:
 *   0  theft    P3  A        arrives after 100 s, dispatched (Беркут-1), 1 call, closed
 *   1  theft    P3  A        170 s: not late (180)
 *   2  robbery  P1  B        90 s: late (60), 2 calls, a checklist step ticked and taken back
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
    g_auto(Answer) unticked = request (server, "PUT", path, log->sup, NULL, NULL,
                                       "{\"procedure_id\":\"robbery-in-progress\",\"step_id\":\"ask\",\"done\":false}");

    g_assert_cmpuint (ticked.status, ==, 200);
    g_assert_cmpuint (unticked.status, ==, 200);
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

  /* The duty roster: Беркут-1's shift drawn 30 s after it began (late),
   * Беркут-2's two minutes ahead (in time), and Беркут-1's of tomorrow. */
  draw_shift (server, log->sup, unit, -30, 8 * 3600);
  draw_shift (server, log->sup, spare, 120, 8 * 3600);
  draw_shift (server, log->sup, unit, 24 * 3600, 32 * 3600);

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
  /* Two shifts began in the window, one drawn after it began; tomorrow's
   * is not counted. */
  g_assert_cmpint (json_object_get_int_member (roster, "entries"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (roster, "drawn_late"), ==, 1);

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
    g_assert_cmpuint (json_array_get_length (timeline), ==, 6);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (timeline, 0), "what"), ==, "registered");
    g_assert_true (timeline_has (timeline, "on_scene", "op", NULL));
    g_assert_true (timeline_has (timeline, "call", "op", "+7 701 000 00 02"));
    g_assert_true (timeline_has (timeline, "call", "op", "+7 701 000 00 03"));
    /* The step as it was ticked and taken back, not only as it stands. */
    g_assert_true (timeline_has (timeline, "check", "op", "robbery-in-progress/ask done"));
    g_assert_true (timeline_has (timeline, "check", "sup", "robbery-in-progress/ask undone"));
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

/* The centre and officer the documents carry: every Kazakh letter that
 * Russian lacks, so that a font without them shows. */
#define CENTRE "Алматы қаласы ПД жедел басқару орталығы (әғқңөұүһі)"
#define OFFICER "Әбілқайыров Ғ. Ү."

/* Runs `dozorctl report` in @language; a failure ends the test. */
static void
run_report (Server     *server,
            const char *credentials,
            const char *language,
            const char *const *args,
            const char *output)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) ctl = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", language, TRUE);
  /* Times in the documents as Almaty reads them. */
  g_subprocess_launcher_setenv (launcher, "TZ", "Asia/Almaty", TRUE);
  g_ptr_array_add (argv, (gpointer) dozorctl_path);
  g_ptr_array_add (argv, (gpointer) "report");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, (gpointer) "--backend");
  g_ptr_array_add (argv, server->url);
  g_ptr_array_add (argv, (gpointer) "--credentials");
  g_ptr_array_add (argv, (gpointer) credentials);
  g_ptr_array_add (argv, (gpointer) "--centre");
  g_ptr_array_add (argv, (gpointer) CENTRE);
  g_ptr_array_add (argv, (gpointer) "--officer");
  g_ptr_array_add (argv, (gpointer) OFFICER);
  g_ptr_array_add (argv, (gpointer) "-o");
  g_ptr_array_add (argv, (gpointer) output);
  g_ptr_array_add (argv, NULL);
  ctl = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (ctl, NULL, NULL, NULL, &err, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (ctl) || g_subprocess_get_exit_status (ctl) != 0)
    g_error ("dozorctl report failed: %s", err);
}

/* The text of a PDF as pdftotext finds it, or of its first page. */
static char *
pdf_text (const char *pdf,
          gboolean    first_page_only)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) tool = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                                  &error, "pdftotext", "-enc", "UTF-8",
                                                  "-l", first_page_only ? "1" : "1000", pdf, "-", NULL);
  char *out = NULL;

  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (tool, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (tool), ==, 0);
  return out;
}

static void
assert_holds (const char *text,
              const char *expected)
{
  if (strstr (text, expected) == NULL)
    g_error ("“%s” is not in the document:\n%s", expected, text);
}

/* Page 1 rendered at 50 dpi by pdftoppm: the share of its pixels that are
 * not white. */
static double
inked_share (const char *pdf,
             const char *dir)
{
  g_autofree char *prefix = g_build_filename (dir, "page", NULL);
  g_autofree char *png = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) tool = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, "pdftoppm", "-r", "50",
                                                  "-png", "-f", "1", "-l", "1", "-singlefile", pdf, prefix, NULL);
  cairo_surface_t *image;
  guint inked = 0, width, height;

  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (tool, NULL, &error));
  g_assert_no_error (error);
  png = g_strconcat (prefix, ".png", NULL);
  image = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  width = cairo_image_surface_get_width (image);
  height = cairo_image_surface_get_height (image);
  /* A4 at 50 dpi (pdftoppm rounds up). */
  g_assert_cmpuint (width, >=, 413);
  g_assert_cmpuint (width, <=, 414);
  g_assert_cmpuint (height, >=, 584);
  g_assert_cmpuint (height, <=, 585);
  for (guint y = 0; y < height; y++)
    {
      const guint32 *row = (const guint32 *) (cairo_image_surface_get_data (image) + y * cairo_image_surface_get_stride (image));

      for (guint x = 0; x < width; x++)
        inked += (row[x] & 0xffffff) != 0xffffff;
    }
  cairo_surface_destroy (image);
  g_unlink (png);
  return (double) inked / (width * height);
}

/* dozorctl draws each report of the known log as a PDF that opens, whose
 * text holds the figures, the centre and the officer, in English, Russian
 * and Kazakh, and whose first page is not blank; and writes its CSV. */
static void
test_documents (Server        *server,
                gconstpointer  data)
{
  g_auto(Log) log = { 0, };
  g_autofree char *credentials = g_build_filename (server->dir, "sup.credentials", NULL);
  g_autofree char *daily = g_build_filename (server->dir, "daily.pdf", NULL);
  g_autofree char *quarterly = g_build_filename (server->dir, "quarterly.pdf", NULL);
  g_autofree char *certificate = g_build_filename (server->dir, "certificate.pdf", NULL);
  g_autofree char *csv_path = g_build_filename (server->dir, "certificate.csv", NULL);
  g_autofree char *daily_csv_path = g_build_filename (server->dir, "daily.csv", NULL);
  g_autoptr(GError) error = NULL;

  build_log (server, &log);
  g_assert_true (g_file_set_contents_full (credentials, "sup\ncorrect horse battery\n", -1, G_FILE_SET_CONTENTS_NONE,
                                           0600, &error));
  {
    const char *const args[] = { "daily", "--from", log.from, "--to", log.to, NULL };
    g_autofree char *text = NULL, *first = NULL;

    run_report (server, credentials, "en", args, daily);
    text = pdf_text (daily, FALSE);
    first = pdf_text (daily, TRUE);
    assert_holds (first, "Daily operational report");
    assert_holds (first, CENTRE);
    assert_holds (first, "Incidents registered");
    assert_holds (first, "1 min 40 s");  /* P50 */
    assert_holds (first, "4 min 10 s");  /* P90 */
    assert_holds (first, "3 calls about 2 incidents");
    assert_holds (first, "1 of 2 entries");
    assert_holds (text, "Response-time distribution");
    assert_holds (text, "Incidents by hour of the day");
    assert_holds (text, DISTRICT_A);
    assert_holds (text, log.number[2]);
    assert_holds (text, "Учения");
    assert_holds (text, "Выезды");
    assert_holds (text, "Signing officer: " OFFICER);
    g_assert_cmpfloat (inked_share (daily, server->dir), >, 0.02);
  }
  {
    const char *const args[] = { "daily", "--from", log.from, "--to", log.to, NULL };
    g_autofree char *text = NULL;

    run_report (server, credentials, "ru", args, daily);
    text = pdf_text (daily, FALSE);
    assert_holds (text, "Суточная оперативная сводка");
    assert_holds (text, "1 мин 40 с");
    assert_holds (text, CENTRE);
    /* Russian plurals by ngettext: "3 звонка", not "3 звонков". */
    assert_holds (text, "3 звонка по 2 происшествиям");
    assert_holds (text, "1 из 2 записей");
    run_report (server, credentials, "kk", args, daily);
    g_free (text);
    text = pdf_text (daily, FALSE);
    assert_holds (text, "Тәуліктік жедел жиынтық");
    assert_holds (text, "1 мин 40 с");
    assert_holds (text, OFFICER);
    assert_holds (text, "2 оқиға бойынша 3 қоңырау");
  }
  {
    const char *const args[] = { "quarterly", "--from", "2026-01-01T00:00:00Z", "--to", log.to, NULL };
    g_autofree char *first = NULL;

    run_report (server, credentials, "en", args, quarterly);
    first = pdf_text (quarterly, TRUE);
    assert_holds (first, "Quarterly statistics (appendix 5)");
    assert_holds (first, "Late arrivals");
    assert_holds (first, "Response time, P95");
    g_assert_cmpfloat (inked_share (quarterly, server->dir), >, 0.02);
  }
  {
    const char *const args[] = { "certificate", "--incident", log.incident[0], NULL };
    const char *const csv_args[] = { "certificate", "--incident", log.incident[0], "--format", "csv", NULL };
    g_autofree char *first = NULL, *csv = NULL;

    run_report (server, credentials, "en", args, certificate);
    first = pdf_text (certificate, TRUE);
    assert_holds (first, "Certificate of working off an event");
    assert_holds (first, log.number[0]);
    assert_holds (first, "Беркут-1");
    assert_holds (first, "+7 701 000 00 01");
    assert_holds (first, "1 min 40 s");
    g_assert_cmpfloat (inked_share (certificate, server->dir), >, 0.02);

    run_report (server, credentials, "en", csv_args, csv_path);
    g_assert_true (g_file_get_contents (csv_path, &csv, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (g_utf8_validate (csv, -1, NULL));
    /* RFC 4180: CRLF, a field with a comma quoted. */
    assert_holds (csv, "The incident's record,Address,\"пр. Абая, 3\"\r\n");
    assert_holds (csv, "The incident's record,Response time,1 min 40 s\r\n");
  }
  {
    const char *const args[] = { "daily", "--from", log.from, "--to", log.to, "--format", "csv", NULL };
    g_autofree char *csv = NULL;
    g_autofree char *district_line = g_strdup_printf ("Incidents by district,%s,3\r\n", DISTRICT_A);

    run_report (server, credentials, "en", args, daily_csv_path);
    g_assert_true (g_file_get_contents (daily_csv_path, &csv, NULL, &error));
    g_assert_no_error (error);
    assert_holds (csv, "Summary figures,Incidents registered,5\r\n");
    assert_holds (csv, "Summary figures,Late arrivals,2\r\n");
    assert_holds (csv, district_line);
  }
}

/* Issue 18, item 4: each of the three reports, as PDF and as CSV, in
 * each of the board's languages. A PDF's first page has its title in the
 * language asked for and is not blank; a CSV starts with its first
 * section, named in that language. */
static void
test_every_document (Server        *server,
                     gconstpointer  data)
{
  static const struct
  {
    const char *language;
    const char *title[3];   /* daily, quarterly, certificate */
    const char *section[3]; /* the CSV's first */
  } languages[] = {
    { "en", { "Daily operational report", "Quarterly statistics (appendix 5)", "Certificate of working off an event" },
      { "Summary figures", "Summary figures", "The incident's record" } },
    { "ru", { "Суточная оперативная сводка", "Квартальная статистика (приложение 5)", "Справка об отработке события" },
      { "Сводные показатели", "Сводные показатели", "Сведения о происшествии" } },
    { "kk", { "Тәуліктік жедел жиынтық", "Тоқсандық статистика (5-қосымша)", "Оқиғаны пысықтау туралы анықтама" },
      { "Жиынтық көрсеткіштер", "Жиынтық көрсеткіштер", "Оқиға туралы жазба" } },
  };
  g_auto(Log) log = { 0, };
  g_autofree char *credentials = g_build_filename (server->dir, "sup.credentials", NULL);
  g_autoptr(GError) error = NULL;

  build_log (server, &log);
  g_assert_true (g_file_set_contents_full (credentials, "sup\ncorrect horse battery\n", -1, G_FILE_SET_CONTENTS_NONE,
                                           0600, &error));
  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    for (guint kind = 0; kind < 3; kind++)
      for (guint csv = 0; csv < 2; csv++)
        {
          const char *format = csv ? "csv" : "pdf";
          const char *const daily[] = { "daily", "--from", log.from, "--to", log.to, "--format", format, NULL };
          const char *const quarterly[] = { "quarterly", "--from", "2026-01-01T00:00:00Z", "--to", log.to,
                                            "--format", format, NULL };
          const char *const certificate[] = { "certificate", "--incident", log.incident[0], "--format", format, NULL };
          const char *const *args[] = { daily, quarterly, certificate };
          g_autofree char *name = g_strdup_printf ("%s-%s.%s", args[kind][0], languages[l].language, format);
          g_autofree char *path = g_build_filename (server->dir, name, NULL);
          g_autofree char *text = NULL;

          g_test_message ("%s", name);
          run_report (server, credentials, languages[l].language, args[kind], path);
          if (csv)
            {
              g_assert_true (g_file_get_contents (path, &text, NULL, &error));
              g_assert_no_error (error);
              g_assert_true (g_utf8_validate (text, -1, NULL));
              if (!g_str_has_prefix (text, languages[l].section[kind]))
                g_error ("%s does not start with “%s”:\n%s", name, languages[l].section[kind], text);
            }
          else
            {
              text = pdf_text (path, TRUE);
              assert_holds (text, languages[l].title[kind]);
              g_assert_cmpfloat (inked_share (path, server->dir), >, 0.02);
            }
        }
}

/* Incidents written straight into the store (not through dozord): a
 * quarter's worth, to make the report heavy. */
#define HEAVY_INCIDENTS 100000
/* Incidents an INSERT writes: 5 parameters each, within SQLite's 32,766
 * and PostgreSQL's 65,535. HEAVY_INCIDENTS is a multiple of it. */
#define HEAVY_ROWS 1000
G_STATIC_ASSERT (HEAVY_INCIDENTS % HEAVY_ROWS == 0);

static void
wrote_body_cb (SoupMessage *msg,
               gpointer     user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
report_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GBytes **bytes = user_data;
  g_autoptr(GError) error = NULL;

  *bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

/* While dozord computes a quarter of 100,000 incidents, it still answers
 * at once: the figures are read in a worker, not on the loop that serves
 * requests and the stream. */
static void
test_heavy_report_live (Server        *server,
                        gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorDb) db = NULL;
  g_autoptr(DozorDbStmt) insert = NULL;
  g_autoptr(GDateTime) quarter = g_date_time_new_utc (2026, 7, 1, 0, 0, 0);
  gboolean written = FALSE;
  gint64 seq, start, asked, health_us, writing;

  /* Straight into the store, SQLite's file or PostgreSQL's database,
   * through the store's own connection: one transaction, HEAVY_ROWS
   * incidents a statement. One statement each took 287 s on PostgreSQL
   * here, a round trip each. */
  writing = g_get_monotonic_time ();
  db = dozor_db_open (server->db, DOZOR_DB_OPEN_READ_WRITE, &error);
  g_assert_no_error (error);
  g_assert_true (dozor_db_begin_write (db, &seq, &error));
  {
    g_autoptr(GString) sql = g_string_new ("INSERT INTO incidents (id, number, type, priority, status, lat, lon,"
                                           " created_at, dispatched_at, on_scene_at, closed_at, calls, version)"
                                           " VALUES ");

    for (int r = 0; r < HEAVY_ROWS; r++)
      g_string_append_printf (sql, "%s(?%d, ?%d, 'theft', ?%d, 'closed', ?%d, 76.9, ?%d, NULL, ?%d, NULL, 0, 1)",
                              r > 0 ? ", " : "", 5 * r + 1, 5 * r + 1, 5 * r + 2, 5 * r + 3, 5 * r + 4, 5 * r + 5);
    insert = dozor_db_prepare (db, sql->str, &error);
    g_assert_no_error (error);
  }
  for (int i = 0; i < HEAVY_INCIDENTS; i++)
    {
      g_autofree char *id = g_strdup_printf ("heavy-%06d", i);
      g_autoptr(GDateTime) created = g_date_time_add_seconds (quarter, i * 75);
      g_autoptr(GDateTime) on_scene = g_date_time_add_seconds (created, 300);
      g_autofree char *created_at = g_date_time_format (created, "%Y-%m-%dT%H:%M:%S.000Z");
      g_autofree char *on_scene_at = g_date_time_format (on_scene, "%Y-%m-%dT%H:%M:%S.000Z");
      int at = 5 * (i % HEAVY_ROWS);

      dozor_db_bind_text (insert, at + 1, id);
      dozor_db_bind_int64 (insert, at + 2, 1 + i % 4);
      dozor_db_bind_double (insert, at + 3, 43.2 + (i % 100) / 1000.0);
      dozor_db_bind_text (insert, at + 4, created_at);
      dozor_db_bind_text (insert, at + 5, on_scene_at);
      if (i % HEAVY_ROWS == HEAVY_ROWS - 1)
        {
          g_assert_cmpint (dozor_db_step (insert), ==, DOZOR_DB_DONE);
          dozor_db_reset (insert);
        }
    }
  g_clear_pointer (&insert, dozor_db_stmt_free);
  g_assert_true (dozor_db_commit (db, -1, &error));
  g_clear_pointer (&db, dozor_db_close);
  g_test_message ("%d incidents written in %.1f s", HEAVY_INCIDENTS, (g_get_monotonic_time () - writing) / 1e6);

  msg = new_request (server, "GET", "/api/v1/reports/quarterly?from=2026-07-01T00:00:00Z&to=2026-10-01T00:00:00Z",
                     sup, NULL);
  g_signal_connect (msg, "wrote-body", G_CALLBACK (wrote_body_cb), &written);
  start = g_get_monotonic_time ();
  soup_session_send_and_read_async (server->session, msg, G_PRIORITY_DEFAULT, NULL, report_read_cb, &bytes);
  while (!written && bytes == NULL && g_get_monotonic_time () - start < 10 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (written);

  asked = g_get_monotonic_time ();
  {
    g_auto(Answer) health = request (server, "GET", "/api/v1/health", NULL, NULL, NULL, NULL);

    health_us = g_get_monotonic_time () - asked;
    g_assert_cmpuint (health.status, ==, 200);
    g_assert_cmpint (health_us, <, G_USEC_PER_SEC);
  }

  while (bytes == NULL && g_get_monotonic_time () - start < 90 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (bytes);
  {
    g_auto(Answer) figures = finish (msg, bytes);

    g_assert_cmpuint (figures.status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (figures.body), "incidents"), ==,
                     HEAVY_INCIDENTS);
    g_test_message ("the quarter of %d incidents took %.1f s; /health answered in %.3f s meanwhile",
                    HEAVY_INCIDENTS, (g_get_monotonic_time () - start) / 1e6, health_us / 1e6);
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
  ADD ("/reports/documents", test_documents);
  ADD ("/reports/every-document", test_every_document);
  ADD ("/reports/heavy-report-live", test_heavy_report_live);
#undef ADD

  return g_test_run ();
}
