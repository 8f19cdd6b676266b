/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Repeated calls against the real dozord (docs/api.md, "Repeated calls"):
 * which incidents a report matches by distance and by phone, open and
 * closed within the window, attaching a call with its event and count,
 * an outbox's replay, a restart, the counts per window (and dozorctl's
 * print of them), roles and hostile parameters.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>

#include "server-fixture.h"

/* The fixture's incident (create_incident) is at Republic Square. */
#define SQUARE_LAT 43.2389
#define SQUARE_LON 76.9453
/* Metres per degree of latitude. */
#define M_PER_DEG_LAT 111195.0

static char *
incident_at (Server     *server,
             const char *token,
             double      lat,
             double      lon,
             const char *phone)
{
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *body = NULL;
  char lat_text[G_ASCII_DTOSTR_BUF_SIZE], lon_text[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (lat_text, sizeof lat_text, lat);
  g_ascii_dtostr (lon_text, sizeof lon_text, lon);
  body = g_strdup_printf ("{\"type\":\"theft\",\"location\":{\"lat\":%s,\"lon\":%s},\"caller_phone\":\"%s\"}",
                          lat_text, lon_text, phone != NULL ? phone : "");
  {
    g_auto(Answer) answer = request (server, "POST", "/api/v1/incidents", token, key, NULL, body);

    g_assert_cmpuint (answer.status, ==, 201);
    return g_strdup (member (&answer, "id"));
  }
}

static Answer
matches (Server     *server,
         const char *token,
         const char *query)
{
  g_autofree char *path = g_strconcat ("/api/v1/incidents/matches?", query, NULL);

  return request (server, "GET", path, token, NULL, NULL, NULL);
}

static char *
point_query (double      lat,
             double      lon)
{
  char lat_text[G_ASCII_DTOSTR_BUF_SIZE], lon_text[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (lat_text, sizeof lat_text, lat);
  g_ascii_dtostr (lon_text, sizeof lon_text, lon);
  return g_strdup_printf ("lat=%s&lon=%s", lat_text, lon_text);
}

/* The match of @incident in an answer, or NULL. */
static JsonObject *
find_match (Answer     *answer,
            const char *incident)
{
  JsonArray *list;

  g_assert_cmpuint (answer->status, ==, 200);
  list = json_object_get_array_member (json_node_get_object (answer->body), "matches");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *match = json_array_get_object_element (list, i);
      JsonObject *item = json_object_get_object_member (match, "incident");

      if (g_str_equal (json_object_get_string_member (item, "id"), incident))
        return match;
    }
  return NULL;
}

/* "distance", "phone" or "distance,phone". */
static char *
reasons (JsonObject *match)
{
  JsonArray *list = json_object_get_array_member (match, "reasons");
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (list); i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "," : "", json_array_get_string_element (list, i));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
calls_path (const char *incident)
{
  return g_strdup_printf ("/api/v1/incidents/%s/calls", incident);
}

static Answer
attach (Server     *server,
        const char *token,
        const char *incident,
        const char *key,
        const char *body)
{
  g_autofree char *path = calls_path (incident);

  return request (server, "POST", path, token, key, NULL, body);
}

/* The incident as the snapshot has it (open ones only), or NULL. */
static gint64
snapshot_calls (Server     *server,
                const char *token,
                const char *incident,
                guint      *n_incidents)
{
  g_auto(Answer) answer = request (server, "GET", "/api/v1/snapshot", token, NULL, NULL, NULL);
  JsonArray *list;
  gint64 calls = -1;

  g_assert_cmpuint (answer.status, ==, 200);
  list = json_object_get_array_member (json_node_get_object (answer.body), "incidents");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *item = json_array_get_object_element (list, i);

      if (g_str_equal (json_object_get_string_member (item, "id"), incident))
        calls = json_object_get_int_member (item, "calls");
    }
  if (n_incidents != NULL)
    *n_incidents = json_array_get_length (list);
  return calls;
}

static gint64
incident_version (Server     *server,
                  const char *token,
                  const char *incident)
{
  g_autofree char *query = point_query (SQUARE_LAT, SQUARE_LON);
  g_auto(Answer) answer = matches (server, token, query);
  JsonObject *match = find_match (&answer, incident);

  g_assert_nonnull (match);
  return json_object_get_int_member (json_object_get_object_member (match, "incident"), "version");
}

static void
close_incident (Server     *server,
                const char *token,
                const char *incident)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/incidents/%s", incident);
  g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT, incident_version (server, token, incident));
  g_auto(Answer) answer = request (server, "PATCH", path, token, NULL, version, "{\"status\":\"closed\"}");

  g_assert_cmpuint (answer.status, ==, 200);
}

static char *
time_from_now (GTimeSpan offset)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add (now, offset);

  return g_date_time_format (then, "%Y-%m-%dT%H:%M:%SZ");
}

/* Within N metres and beyond; open, closed within M hours and after. */
static void
test_distance (Server        *server,
               gconstpointer  data)
{
  g_autofree char *op = login (server, "op");
  g_autofree char *incident = create_incident (server, op);
  g_autofree char *near = point_query (SQUARE_LAT + 120 / M_PER_DEG_LAT, SQUARE_LON);
  g_autofree char *far = point_query (SQUARE_LAT + 400 / M_PER_DEG_LAT, SQUARE_LON);

  {
    g_auto(Answer) answer = matches (server, op, near);
    JsonObject *match = find_match (&answer, incident);
    g_autofree char *why = NULL;

    g_assert_nonnull (match);
    why = reasons (match);
    g_assert_cmpstr (why, ==, "distance");
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (match, "distance_m"), 120, 1);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (match, "incident"), "calls"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (answer.body), "radius_m"), ==, 300);
  }
  {
    g_auto(Answer) answer = matches (server, op, far);

    g_assert_null (find_match (&answer, incident));
  }

  /* Closed now: a call now matches it, one three hours later (M = 2) not. */
  close_incident (server, op, incident);
  {
    g_auto(Answer) answer = matches (server, op, near);

    g_assert_nonnull (find_match (&answer, incident));
  }
  {
    g_autofree char *later = time_from_now (3 * G_TIME_SPAN_HOUR);
    g_autofree char *query = g_strdup_printf ("%s&at=%s", near, later);
    g_auto(Answer) answer = matches (server, op, query);

    g_assert_null (find_match (&answer, incident));
  }
  {
    g_autofree char *sooner = time_from_now (90 * G_TIME_SPAN_MINUTE);
    g_autofree char *query = g_strdup_printf ("%s&at=%s", near, sooner);
    g_auto(Answer) answer = matches (server, op, query);

    g_assert_nonnull (find_match (&answer, incident));
  }
}

/* Two spellings of one number match; a far point with it still does; a
 * short number matches nothing; the phone of an attached call counts. */
static void
test_phone (Server        *server,
            gconstpointer  data)
{
  g_autofree char *op = login (server, "op");
  g_autofree char *incident = incident_at (server, op, 43.30, 76.90, "+7 701 123 45 67");
  g_autofree char *other = incident_at (server, op, 43.20, 77.00, "");
  g_autofree char *key = g_uuid_string_random ();

  {
    g_auto(Answer) answer = matches (server, op, "phone=87011234567");
    JsonObject *match = find_match (&answer, incident);
    g_autofree char *why = NULL;

    g_assert_nonnull (match);
    why = reasons (match);
    g_assert_cmpstr (why, ==, "phone");
    g_assert_true (json_object_get_null_member (match, "distance_m"));
    g_assert_null (find_match (&answer, other));
  }
  {
    /* The scene far from it, the number the same: it matches, and first. */
    g_autofree char *far = point_query (SQUARE_LAT, SQUARE_LON);
    g_autofree char *query = g_strdup_printf ("%s&phone=8%%20(701)%%20123-45-67", far);
    g_auto(Answer) answer = matches (server, op, query);
    JsonArray *list = json_object_get_array_member (json_node_get_object (answer.body), "matches");

    g_assert_nonnull (find_match (&answer, incident));
    g_assert_cmpuint (json_array_get_length (list), ==, 1);
  }
  {
    g_auto(Answer) answer = matches (server, op, "phone=4567");

    g_assert_null (find_match (&answer, incident));
  }

  /* A second caller's number, once attached, matches the incident too. */
  {
    g_auto(Answer) answer = attach (server, op, other, key, "{\"caller_phone\":\"+77019998877\"}");

    g_assert_cmpuint (answer.status, ==, 201);
  }
  {
    g_auto(Answer) answer = matches (server, op, "phone=8%20701%20999%2088%2077");

    g_assert_nonnull (find_match (&answer, other));
    g_assert_null (find_match (&answer, incident));
  }
}

static JsonObject *
event_of (Stream     *stream,
          const char *type,
          gint64     *seq)
{
  for (guint i = 0; i < stream->events->len; i++)
    {
      JsonObject *event = json_node_get_object (stream->events->pdata[i]);

      if (g_str_equal (json_object_get_string_member (event, "type"), type))
        {
          *seq = json_object_get_int_member (event, "seq");
          return event;
        }
    }
  return NULL;
}

/* Attaching: the answer, the events with their seqs, the count in the
 * snapshot; the same key again attaches nothing; all of it after a
 * restart; no new incident. */
static void
test_attach (Server        *server,
             gconstpointer  data)
{
  g_autofree char *op = login (server, "op");
  g_autofree char *incident = create_incident (server, op);
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *first_call = NULL;
  const char *body = "{\"caller_name\":\"Айгерим\",\"caller_phone\":\"+7 701 555 12 34\","
                     "\"text\":\"Они ещё здесь\"}";
  gint64 since = snapshot_seq (server, op);
  guint n_before = 0, n_after = 0;
  Stream stream = { 0 };

  g_assert_cmpint (snapshot_calls (server, op, incident, &n_before), ==, 0);
  stream_open (server, &stream, op, since);
  {
    g_auto(Answer) answer = attach (server, op, incident, key, body);
    JsonObject *root, *call, *item;

    g_assert_cmpuint (answer.status, ==, 201);
    root = json_node_get_object (answer.body);
    call = json_object_get_object_member (root, "call");
    item = json_object_get_object_member (root, "incident");
    g_assert_cmpstr (json_object_get_string_member (call, "incident_id"), ==, incident);
    g_assert_cmpstr (json_object_get_string_member (call, "attached_by"), ==, "op");
    g_assert_cmpstr (json_object_get_string_member (call, "caller_name"), ==, "Айгерим");
    g_assert_nonnull (json_object_get_string_member (call, "received_at"));
    g_assert_cmpint (json_object_get_int_member (item, "calls"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (item, "version"), ==, 2);
    first_call = g_strdup (json_object_get_string_member (call, "id"));
  }
  g_assert_true (stream_wait_seq (&stream, since + 2));
  {
    gint64 call_seq = 0, incident_seq = 0;
    JsonObject *attached = event_of (&stream, "call.attached", &call_seq);
    JsonObject *updated = event_of (&stream, "incident.updated", &incident_seq);

    g_assert_nonnull (attached);
    g_assert_nonnull (updated);
    g_assert_cmpint (call_seq, ==, since + 1);
    g_assert_cmpint (incident_seq, ==, since + 2);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (attached, "call"), "id"), ==,
                     first_call);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (updated, "incident"), "calls"), ==, 1);
  }

  /* The outbox sends it again after a reconnect: the first answer, no change. */
  {
    g_auto(Answer) again = attach (server, op, incident, key, body);

    g_assert_cmpuint (again.status, ==, 201);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (again.body), "call"), "id"),
                     ==, first_call);
  }
  g_assert_cmpint (snapshot_seq (server, op), ==, since + 2);
  g_assert_cmpint (snapshot_calls (server, op, incident, &n_after), ==, 1);
  g_assert_cmpuint (n_after, ==, n_before);
  stream_close (&stream);

  server_stop (server, SIGTERM);
  server_start (server, NULL);
  {
    g_autofree char *again_op = login (server, "op");
    g_autofree char *second = g_uuid_string_random ();

    g_assert_cmpint (snapshot_calls (server, again_op, incident, NULL), ==, 1);
    {
      g_auto(Answer) answer = attach (server, again_op, incident, second, "{}");

      g_assert_cmpuint (answer.status, ==, 201);
    }
    g_assert_cmpint (snapshot_calls (server, again_op, incident, NULL), ==, 2);
  }
}

static gint64
stat_member (Answer     *answer,
             const char *name)
{
  g_assert_cmpuint (answer->status, ==, 200);
  return json_object_get_int_member (json_node_get_object (answer->body), name);
}

/* Calls count in the window of their received_at, per incident. */
static void
test_window (Server        *server,
             gconstpointer  data)
{
  g_autofree char *op = login (server, "op");
  g_autofree char *wall = login (server, "wall");
  g_autofree char *first = create_incident (server, op);
  g_autofree char *second = incident_at (server, op, 43.25, 76.92, NULL);
  g_autofree char *three_hours_ago = time_from_now (-3 * G_TIME_SPAN_HOUR);
  g_autofree char *one_hour_ago = time_from_now (-1 * G_TIME_SPAN_HOUR);
  g_autofree char *ten_minutes_ago = time_from_now (-10 * G_TIME_SPAN_MINUTE);
  g_autofree char *shift_start = time_from_now (-2 * G_TIME_SPAN_HOUR);
  g_autofree char *shift_end = time_from_now (10 * G_TIME_SPAN_MINUTE);
  struct
  {
    const char *incident;
    const char *received_at;
  } calls[] = {
    { first, three_hours_ago }, /* before the shift */
    { first, one_hour_ago },
    { first, ten_minutes_ago },
    { second, ten_minutes_ago },
  };

  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_autofree char *key = g_uuid_string_random ();
      g_autofree char *body = g_strdup_printf ("{\"received_at\":\"%s\"}", calls[i].received_at);
      g_auto(Answer) answer = attach (server, op, calls[i].incident, key, body);

      g_assert_cmpuint (answer.status, ==, 201);
    }

  {
    g_autofree char *path = g_strdup_printf ("/api/v1/stats/repeated-calls?from=%s&to=%s", shift_start, shift_end);
    g_auto(Answer) answer = request (server, "GET", path, wall, NULL, NULL, NULL);
    JsonArray *by_incident;
    JsonObject *top;

    g_assert_cmpint (stat_member (&answer, "calls"), ==, 3);
    g_assert_cmpint (stat_member (&answer, "incidents"), ==, 2);
    by_incident = json_object_get_array_member (json_node_get_object (answer.body), "by_incident");
    g_assert_cmpuint (json_array_get_length (by_incident), ==, 2);
    top = json_array_get_object_element (by_incident, 0);
    g_assert_cmpstr (json_object_get_string_member (top, "incident_id"), ==, first);
    g_assert_cmpint (json_object_get_int_member (top, "calls"), ==, 2);
  }
  {
    /* A quiet shift: none. */
    g_autofree char *path = g_strdup_printf ("/api/v1/stats/repeated-calls?from=%s&to=%s", shift_end,
                                             shift_end);
    g_auto(Answer) answer = request (server, "GET", path, op, NULL, NULL, NULL);

    g_assert_cmpint (stat_member (&answer, "calls"), ==, 0);
    g_assert_cmpint (stat_member (&answer, "incidents"), ==, 0);
  }
  {
    g_auto(Answer) answer = request (server, "GET", "/api/v1/stats/repeated-calls", op, NULL, NULL, NULL);

    g_assert_cmpint (stat_member (&answer, "calls"), ==, 4);
  }

  /* dozorctl prints the same figures for the shift. */
  {
    g_autofree char *credentials = g_build_filename (server->dir, "credentials", NULL);
    g_autoptr(GSubprocess) ctl = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *line = g_strdup_printf ("from %s to %s: 3 calls to 2 incidents", shift_start, shift_end);

    g_assert_true (g_file_set_contents_full (credentials, "wall\ncorrect horse battery\n", -1,
                                             G_FILE_SET_CONTENTS_NONE, 0600, &error));
    ctl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, dozorctl_path,
                            "repeated-calls", "--backend", server->url, "--credentials", credentials,
                            "--from", shift_start, "--to", shift_end, NULL);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_communicate_utf8 (ctl, NULL, NULL, &out, &err, &error));
    g_assert_no_error (error);
    g_assert_true (g_subprocess_get_if_exited (ctl));
    g_assert_cmpint (g_subprocess_get_exit_status (ctl), ==, 0);
    g_assert_nonnull (strstr (out, line));
    g_assert_nonnull (strstr (out, "theft"));
  }
}

static void
test_roles (Server        *server,
            gconstpointer  data)
{
  static const char *const refused[] = { "wall", "tracker" };
  static const char *const allowed[] = { "op", "sup" };
  g_autofree char *sup = login (server, "sup");
  g_autofree char *incident = create_incident (server, sup);
  g_autofree char *near = point_query (SQUARE_LAT, SQUARE_LON);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *token = login (server, refused[i]);
      g_autofree char *key = g_uuid_string_random ();
      g_auto(Answer) attached = attach (server, token, incident, key, "{}");
      g_auto(Answer) matched = matches (server, token, near);

      g_assert_cmpuint (attached.status, ==, 403);
      g_assert_cmpstr (member (&attached, "code"), ==, "forbidden");
      g_assert_cmpuint (matched.status, ==, 403);
    }
  {
    g_autofree char *tracker = login (server, "tracker");
    g_auto(Answer) answer = request (server, "GET", "/api/v1/stats/repeated-calls", tracker, NULL, NULL, NULL);

    g_assert_cmpuint (answer.status, ==, 403);
  }
  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    {
      g_autofree char *token = login (server, allowed[i]);
      g_autofree char *key = g_uuid_string_random ();
      g_auto(Answer) attached = attach (server, token, incident, key, "{}");

      g_assert_cmpuint (attached.status, ==, 201);
    }
  g_assert_cmpint (snapshot_calls (server, sup, incident, NULL), ==, 2);
  {
    g_autofree char *path = calls_path (incident);
    g_auto(Answer) answer = request (server, "POST", path, sup, NULL, NULL, "{}");

    g_assert_cmpuint (answer.status, ==, 428);
  }
}

/* Hostile and malformed parameters: clear refusals, nothing stored, the
 * server still answers. */
static void
test_refused (Server        *server,
              gconstpointer  data)
{
  static const struct
  {
    const char *query;
    const char *words;
  } bad_queries[] = {
    { "lat=91&lon=76.9", "lat:" },
    { "lat=-90.5&lon=76.9", "lat:" },
    { "lat=43.2&lon=181", "lon:" },
    { "lat=abc&lon=76.9", "lat:" },
    { "lat=nan&lon=76.9", "lat:" },
    { "lat=1e999&lon=76.9", "lat:" },
    { "lat=0x2B&lon=76.9", "lat:" },
    { "lat=&lon=76.9", "lat:" },
    { "lat=43.2", "lon:" },
    { "lon=76.9", "lat:" },
    { "", "lat:" },
    { "phone=%01%02", "phone:" },
    { "phone=123456789012345678901234567890123", "phone:" },
    { "lat=43.2&lon=76.9&at=yesterday", "at:" },
  };
  g_autofree char *op = login (server, "op");
  g_autofree char *incident = create_incident (server, op);
  g_autofree char *huge = g_strnfill (4000, '7');
  g_autofree char *long_phone = g_strnfill (40, '7');

  for (guint i = 0; i < G_N_ELEMENTS (bad_queries); i++)
    {
      g_auto(Answer) answer = matches (server, op, bad_queries[i].query);

      g_test_message ("%s", bad_queries[i].query);
      g_assert_cmpuint (answer.status, ==, 422);
      g_assert_cmpstr (member (&answer, "code"), ==, "invalid_field");
      g_assert_true (g_str_has_prefix (member (&answer, "message"), bad_queries[i].words));
    }
  {
    /* A phone of 4,000 digits: named as too long, not cut to its last 10. */
    g_autofree char *query = g_strconcat ("phone=", huge, NULL);
    g_auto(Answer) answer = matches (server, op, query);

    g_assert_cmpuint (answer.status, ==, 422);
    g_assert_true (g_str_has_prefix (member (&answer, "message"), "phone:"));
  }
  {
    /* A call at the start of the calendar: the window reaches before it. */
    g_autofree char *query = g_strdup_printf ("lat=%g&lon=%g&at=0001-01-01T00:00:00Z", SQUARE_LAT, SQUARE_LON);
    g_auto(Answer) answer = matches (server, op, query);

    g_assert_nonnull (find_match (&answer, incident));
  }
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/stats/repeated-calls?from=%s", "noon");
    g_auto(Answer) answer = request (server, "GET", path, op, NULL, NULL, NULL);

    g_assert_cmpuint (answer.status, ==, 422);
    g_assert_true (g_str_has_prefix (member (&answer, "message"), "from:"));
  }

  {
    g_autofree char *ahead = time_from_now (G_TIME_SPAN_HOUR);
    g_autofree char *ahead_body = g_strdup_printf ("{\"received_at\":\"%s\"}", ahead);
    g_autofree char *phone_body = g_strdup_printf ("{\"caller_phone\":\"%s\"}", long_phone);
    const struct
    {
      const char *incident;
      const char *body;
      guint status;
      const char *words;
    } bad_attach[] = {
      { "00000000-0000-4000-8000-000000000000", "{}", 404, NULL },
      { incident, phone_body, 422, "caller_phone:" },
      { incident, ahead_body, 422, "received_at:" },
      { incident, "{\"received_at\":\"soon\"}", 422, "received_at:" },
      { incident, "{\"text\":7}", 422, "text:" },
      { incident, "{\"caller_name\":\"\\u202eevil\"}", 422, "caller_name:" },
      { incident, "[]", 400, NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad_attach); i++)
      {
        g_autofree char *key = g_uuid_string_random ();
        g_auto(Answer) answer = attach (server, op, bad_attach[i].incident, key, bad_attach[i].body);

        g_test_message ("%s", bad_attach[i].body);
        g_assert_cmpuint (answer.status, ==, bad_attach[i].status);
        if (bad_attach[i].words != NULL)
          g_assert_true (g_str_has_prefix (member (&answer, "message"), bad_attach[i].words));
      }
  }
  {
    g_auto(Answer) answer = request (server, "PATCH", "/api/v1/incidents/matches", op, NULL, "1", "{}");

    g_assert_cmpuint (answer.status, ==, 405);
  }
  g_assert_cmpint (snapshot_calls (server, op, incident, NULL), ==, 0);
}

/* With --repeat-window 0 a closed incident takes no call (409), and
 * --repeat-radius is the radius. */
static void
test_settings (Server        *server,
               gconstpointer  data)
{
  static const char *const args[] = { "--repeat-window", "0", "--repeat-radius", "100", NULL };
  g_autofree char *op = NULL;
  g_autofree char *incident = NULL;
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *near = point_query (SQUARE_LAT + 120 / M_PER_DEG_LAT, SQUARE_LON);

  server_stop (server, SIGTERM);
  server_start_args (server, args);
  op = login (server, "op");
  incident = create_incident (server, op);
  {
    g_auto(Answer) answer = matches (server, op, near);

    g_assert_null (find_match (&answer, incident));
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (answer.body), "radius_m"), ==, 100);
  }
  close_incident (server, op, incident);
  {
    g_auto(Answer) answer = attach (server, op, incident, key, "{}");

    g_assert_cmpuint (answer.status, ==, 409);
    g_assert_cmpstr (member (&answer, "code"), ==, "conflict");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  server_fixture_init ();

#define ADD(path, func) g_test_add (path, Server, NULL, server_setup, func, server_teardown)
  ADD ("/repeats/distance", test_distance);
  ADD ("/repeats/phone", test_phone);
  ADD ("/repeats/attach-event-replay-restart", test_attach);
  ADD ("/repeats/window", test_window);
  ADD ("/repeats/roles", test_roles);
  ADD ("/repeats/refused", test_refused);
  ADD ("/repeats/settings", test_settings);
#undef ADD

  return g_test_run ();
}
