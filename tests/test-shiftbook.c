/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The duty officer's books as a client sees them (docs/api.md, "Shift
 * handover", "Registers"): the draft lists exactly what was made open,
 * under control, active, raised and missed; the signature and acceptance
 * are kept with names and times and announced; the officer who signed
 * cannot accept; messages are numbered and found by Kazakh and Russian
 * words in any case; an orientation is found while active and not after
 * its cancellation. Against the real dozord.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "server-fixture.h"

#define ROUTE_GEOMETRY "{\"type\":\"LineString\",\"coordinates\":[[76.88,43.26],[76.92,43.26]]}"

static char *
time_text (gint64 seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (seconds);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%S.%fZ");
}

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static Answer
post (Server     *server,
      const char *token,
      const char *path,
      const char *body)
{
  g_autofree char *key = g_uuid_string_random ();

  return request (server, "POST", path, token, key, NULL, body);
}

static char *
create_incident_with (Server     *server,
                      const char *token,
                      int         priority)
{
  g_autofree char *body = g_strdup_printf ("{\"type\":\"theft\",\"priority\":%d,"
                                           "\"location\":{\"lat\":43.25,\"lon\":76.95}}", priority);
  g_auto(Answer) answer = post (server, token, "/api/v1/incidents", body);

  g_assert_cmpuint (answer.status, ==, 201);
  return g_strdup (member (&answer, "id"));
}

static void
patch_incident (Server     *server,
                const char *token,
                const char *id,
                const char *version,
                const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/incidents/%s", id);
  g_auto(Answer) answer = request (server, "PATCH", path, token, NULL, version, body);

  if (answer.status != 200)
    g_test_message ("%s", member (&answer, "message"));
  g_assert_cmpuint (answer.status, ==, 200);
}

/* The ids of the objects in @member of @object, each under @id_member. */
static char *
ids_of (JsonObject *object,
        const char *array_member,
        const char *id_member)
{
  JsonArray *array = json_object_get_array_member (object, array_member);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *id = JSON_NODE_HOLDS_OBJECT (item)
                         ? json_object_get_string_member (json_node_get_object (item), id_member)
                         : json_node_get_string (item);

      g_string_append_printf (out, "%s%s", i > 0 ? " " : "", id);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
assert_time (Answer     *answer,
             const char *name)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (member (answer, name), NULL);

  g_assert_nonnull (time);
}

static Answer
draft (Server     *server,
       const char *token,
       const char *query)
{
  g_autofree char *path = g_strconcat ("/api/v1/handovers/draft", query, NULL);

  return request (server, "GET", path, token, NULL, NULL, NULL);
}

/* A unit on a route with a 400-s silence in its shift: one reporting gap,
 * judged in a worker; waits for it to be counted, a generous minute. */
static void
make_gap (Server     *server,
          const char *sup,
          const char *unit)
{
  g_autofree char *tracker = login (server, "tracker");
  gint64 t0 = now_s () - 3600;
  g_autofree char *start = time_text (t0 - 5);
  g_autofree char *end = time_text (t0 + 7200);
  g_autofree char *first = time_text (t0);
  g_autofree char *second = time_text (t0 + 10);
  g_autofree char *third = time_text (t0 + 410);
  g_autofree char *route = g_strdup_printf ("{\"name\":\"Маршрут 1\",\"unit_id\":\"%s\",\"shift_start\":\"%s\","
                                            "\"shift_end\":\"%s\",\"geometry\":" ROUTE_GEOMETRY "}",
                                            unit, start, end);
  g_autofree char *fixes = g_strdup_printf ("{\"positions\":["
                                            "{\"unit_id\":\"%s\",\"lat\":43.26,\"lon\":76.89,\"time\":\"%s\",\"speed\":10},"
                                            "{\"unit_id\":\"%s\",\"lat\":43.26,\"lon\":76.891,\"time\":\"%s\",\"speed\":10},"
                                            "{\"unit_id\":\"%s\",\"lat\":43.26,\"lon\":76.90,\"time\":\"%s\",\"speed\":10}]}",
                                            unit, first, unit, second, unit, third);
  g_auto(Answer) made = post (server, sup, "/api/v1/routes", route);
  g_auto(Answer) sent = request (server, "POST", "/api/v1/positions", tracker, NULL, NULL, fixes);

  g_assert_cmpuint (made.status, ==, 201);
  g_assert_cmpuint (sent.status, ==, 202);
  for (guint turn = 0; turn < 600; turn++)
    {
      g_auto(Answer) answer = draft (server, sup, "");

      g_assert_cmpuint (answer.status, ==, 200);
      if (json_object_get_int_member (json_node_get_object (answer.body), "gaps") > 0)
        return;
      g_usleep (100 * 1000);
    }
  g_assert_not_reached ();
}

/* An active plan of one post, covered by @unit, and one not active. */
static char *
make_plans (Server     *server,
            const char *sup,
            const char *unit)
{
  g_auto(Answer) active = post (server, sup, "/api/v1/plans",
                                "{\"name\":\"Кольцо\",\"posts\":[{\"name\":\"Пост 1\","
                                "\"location\":{\"lat\":43.25,\"lon\":76.94},\"units_needed\":1,\"kind\":null}]}");
  g_auto(Answer) idle = post (server, sup, "/api/v1/plans",
                              "{\"name\":\"Выезды\",\"posts\":[{\"name\":\"Пост 2\","
                              "\"location\":{\"lat\":43.26,\"lon\":76.94},\"units_needed\":1,\"kind\":null}]}");
  JsonObject *plan = json_node_get_object (active.body);
  JsonObject *first_post = json_array_get_object_element (json_object_get_array_member (plan, "posts"), 0);
  g_autofree char *path = g_strdup_printf ("/api/v1/plans/%s/activation", member (&active, "id"));
  g_autofree char *body = g_strdup_printf ("{\"assignments\":[{\"post_id\":\"%s\",\"unit_id\":\"%s\"}]}",
                                           json_object_get_string_member (first_post, "id"), unit);
  g_auto(Answer) activated = post (server, sup, path, body);

  g_assert_cmpuint (active.status, ==, 201);
  g_assert_cmpuint (idle.status, ==, 201);
  g_assert_cmpuint (activated.status, ==, 201);
  return g_strdup (member (&active, "id"));
}

/* Item 2: the draft lists what the store holds, no more, no less. */
static void
test_draft (Server        *server,
            gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *op = login (server, "op");
  g_autofree char *wall = login (server, "wall");
  g_autofree char *urgent = create_incident_with (server, op, 1);
  g_autofree char *minor = create_incident_with (server, op, 4);
  g_autofree char *held = create_incident_with (server, op, 2);
  g_autofree char *done = create_incident_with (server, op, 3);
  g_autofree char *posted = create_unit (server, sup, "Беркут-1");
  g_autofree char *patrol = create_unit (server, sup, "Беркут-2");
  g_autofree char *plan = NULL;
  /* Not before the incident's registration, within this second. */
  g_autofree char *now = time_text (now_s () + 2);
  g_autofree char *later = time_text (now_s () + 15 * 60);
  g_autofree char *query = NULL;
  g_autofree char *open = NULL;
  g_autofree char *expected_open = NULL;
  g_autofree char *on_scene = g_strdup_printf ("{\"on_scene_at\":\"%s\"}", now);

  patch_incident (server, op, held, "1", on_scene);
  patch_incident (server, op, done, "1", "{\"status\":\"closed\"}");
  plan = make_plans (server, sup, posted);
  {
    g_auto(Answer) raised = request (server, "PUT", "/api/v1/readiness", sup, NULL, NULL,
                                     "{\"level\":\"high\",\"reason\":\"Митинг на площади\"}");

    g_assert_cmpuint (raised.status, ==, 200);
  }
  make_gap (server, sup, patrol);

  /* Only the duty officers write a handover. */
  {
    g_auto(Answer) by_op = draft (server, op, "");
    g_auto(Answer) by_wall = draft (server, wall, "");

    g_assert_cmpuint (by_op.status, ==, 403);
    g_assert_cmpuint (by_wall.status, ==, 403);
  }

  /* At the end of a window 15 minutes from now, the priority-1 incident
   * has waited unassigned past its 10 minutes; the priority-4 one not. */
  query = g_uri_escape_string (later, NULL, TRUE);
  {
    g_autofree char *window = g_strdup_printf ("?to=%s", query);
    g_auto(Answer) answer = draft (server, sup, window);
    JsonObject *root = json_node_get_object (answer.body);
    JsonObject *readiness = json_object_get_object_member (root, "readiness");
    JsonArray *changes = json_object_get_array_member (root, "readiness_changes");
    JsonArray *by_unit = json_object_get_array_member (root, "by_unit");
    g_autofree char *under_control = ids_of (root, "under_control", "id");
    g_autofree char *overdue = ids_of (root, "overdue", "id");
    g_autofree char *plans = ids_of (root, "plans", "id");

    g_assert_cmpuint (answer.status, ==, 200);
    open = ids_of (root, "open", "id");
    expected_open = g_strdup_printf ("%s %s", urgent, minor);
    g_assert_cmpstr (open, ==, expected_open);
    g_assert_cmpstr (under_control, ==, held);
    g_assert_cmpstr (overdue, ==, urgent);
    g_assert_cmpstr (plans, ==, plan);
    g_assert_cmpstr (json_object_get_string_member (readiness, "level"), ==, "high");
    g_assert_cmpuint (json_array_get_length (changes), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (changes, 0), "reason"), ==,
                     "Митинг на площади");
    g_assert_cmpint (json_object_get_int_member (root, "registered"), ==, 4);
    g_assert_cmpint (json_object_get_int_member (root, "closed"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (root, "gaps"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (root, "deviations"), ==, 0);
    g_assert_cmpuint (json_array_get_length (by_unit), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (by_unit, 0), "call_sign"), ==,
                     "Беркут-2");
    g_assert_true (json_object_get_null_member (root, "previous"));
  }

  /* A window that ends before anything happened counts nothing in it. */
  {
    g_autofree char *early = time_text (now_s () - 2 * 86400);
    g_autofree char *earlier = time_text (now_s () - 3 * 86400);
    g_autofree char *window = g_strdup_printf ("?from=%s&to=%s", earlier, early);
    g_auto(Answer) answer = draft (server, sup, window);
    JsonObject *root = json_node_get_object (answer.body);

    g_assert_cmpuint (answer.status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (root, "registered"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (root, "gaps"), ==, 0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "readiness_changes")), ==, 0);
  }

  {
    g_auto(Answer) backwards = draft (server, sup, "?from=2026-12-06T10:00:00Z&to=2026-12-06T09:00:00Z");
    g_auto(Answer) malformed = draft (server, sup, "?from=yesterday");

    g_assert_cmpuint (backwards.status, ==, 422);
    g_assert_true (g_str_has_prefix (member (&backwards, "message"), "from: "));
    g_assert_cmpuint (malformed.status, ==, 422);
  }
}

/* Runs dozorctl as @user on the server; its standard output. */
static char *
run_dozorctl (Server            *server,
              const char        *user,
              const char *const *args)
{
  g_autofree char *credentials = g_build_filename (server->dir, "credentials", NULL);
  g_autofree char *contents = g_strdup_printf ("%s\ncorrect horse battery\n", user);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) ctl = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_true (g_file_set_contents_full (credentials, contents, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error));
  g_ptr_array_add (argv, (gpointer) dozorctl_path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, (gpointer) "--backend");
  g_ptr_array_add (argv, server->url);
  g_ptr_array_add (argv, (gpointer) "--credentials");
  g_ptr_array_add (argv, credentials);
  g_ptr_array_add (argv, NULL);
  ctl = g_subprocess_newv ((const char *const *) argv->pdata,
                           G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (ctl, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  if (*err != '\0')
    g_test_message ("dozorctl: %s", err);
  g_assert_true (g_subprocess_get_if_exited (ctl));
  g_assert_cmpint (g_subprocess_get_exit_status (ctl), ==, 0);
  return g_steal_pointer (&out);
}

/* Item 2: signed by the outgoing officer, accepted by another, both with
 * names and times, both in the stream; the signer cannot accept. */
static void
test_sign_accept (Server        *server,
                  gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *sup2 = login (server, "sup2");
  g_autofree char *op = login (server, "op");
  g_autofree char *wall = login (server, "wall");
  g_autofree char *kept = create_incident_with (server, op, 2);
  g_autofree char *closed = create_incident_with (server, op, 3);
  g_autofree char *from = time_text (now_s () - 12 * 3600);
  /* After the close below, within this second. */
  g_autofree char *to = time_text (now_s () + 2);
  g_autofree char *body = NULL;
  g_autofree char *id = NULL;
  g_autofree char *acceptance = NULL;
  Stream stream;
  gint64 seq;

  patch_incident (server, op, closed, "1", "{\"status\":\"closed\"}");
  seq = snapshot_seq (server, wall);
  stream_open (server, &stream, wall, seq);

  body = g_strdup_printf ("{\"from\":\"%s\",\"to\":\"%s\",\"text\":\"Смену сдал. Кезекшілікті тапсырдым.\"}",
                          from, to);
  {
    g_auto(Answer) by_op = post (server, op, "/api/v1/handovers", body);
    g_auto(Answer) no_key = request (server, "POST", "/api/v1/handovers", sup, NULL, NULL, body);
    g_auto(Answer) empty = post (server, sup, "/api/v1/handovers", "{\"from\":\"2026-12-06T00:00:00Z\","
                                 "\"to\":\"2026-12-06T01:00:00Z\",\"text\":\"  \"}");
    g_auto(Answer) unknown = post (server, sup, "/api/v1/handovers", "{\"from\":\"2026-12-06T00:00:00Z\","
                                   "\"to\":\"2026-12-06T01:00:00Z\",\"text\":\"x\",\"incident_ids\":[\"nope\"]}");

    g_assert_cmpuint (by_op.status, ==, 403);
    g_assert_cmpuint (no_key.status, ==, 428);
    g_assert_cmpuint (empty.status, ==, 422);
    g_assert_true (g_str_has_prefix (member (&empty, "message"), "text: "));
    g_assert_cmpuint (unknown.status, ==, 422);
    g_assert_true (g_str_has_prefix (member (&unknown, "message"), "incident_ids[0]: "));
  }

  {
    g_auto(Answer) signed_off = post (server, sup, "/api/v1/handovers", body);
    JsonObject *handover = json_node_get_object (signed_off.body);
    g_autofree char *handed = ids_of (handover, "incident_ids", "id");

    g_assert_cmpuint (signed_off.status, ==, 201);
    g_assert_cmpstr (member (&signed_off, "signed_by"), ==, "sup");
    assert_time (&signed_off, "signed_at");
    g_assert_true (json_object_get_null_member (handover, "accepted_by"));
    g_assert_true (json_object_get_null_member (handover, "accepted_at"));
    g_assert_cmpstr (member (&signed_off, "text"), ==, "Смену сдал. Кезекшілікті тапсырдым.");
    /* Without a list, the incidents open at the signature are handed over. */
    g_assert_cmpstr (handed, ==, kept);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (handover, "summary"), "closed"), ==,
                     1);
    id = g_strdup (member (&signed_off, "id"));
  }
  acceptance = g_strdup_printf ("/api/v1/handovers/%s/acceptance", id);

  /* The one who signed may not accept, and is told why. */
  {
    g_auto(Answer) own = post (server, sup, acceptance, NULL);
    g_auto(Answer) by_op = post (server, op, acceptance, NULL);
    g_auto(Answer) missing = post (server, sup2, "/api/v1/handovers/nope/acceptance", NULL);
    g_auto(Answer) stale = request (server, "POST", acceptance, sup2, "stale-key", "7", NULL);

    g_assert_cmpuint (own.status, ==, 409);
    g_assert_cmpstr (member (&own, "code"), ==, "conflict");
    g_assert_nonnull (strstr (member (&own, "message"), "incoming officer"));
    g_assert_cmpuint (by_op.status, ==, 403);
    g_assert_cmpuint (missing.status, ==, 404);
    g_assert_cmpuint (stale.status, ==, 412);
  }

  {
    g_auto(Answer) accepted = request (server, "POST", acceptance, sup2, "accept-1", "1", NULL);
    g_auto(Answer) again = request (server, "POST", acceptance, sup2, "accept-1", "1", NULL);
    g_auto(Answer) twice = post (server, sup2, acceptance, NULL);

    g_assert_cmpuint (accepted.status, ==, 200);
    g_assert_cmpstr (member (&accepted, "signed_by"), ==, "sup");
    g_assert_cmpstr (member (&accepted, "accepted_by"), ==, "sup2");
    assert_time (&accepted, "accepted_at");
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (accepted.body), "version"), ==, 2);
    /* The same key answers the first answer. */
    g_assert_cmpuint (again.status, ==, 200);
    g_assert_cmpstr (member (&again, "accepted_at"), ==, member (&accepted, "accepted_at"));
    g_assert_cmpuint (twice.status, ==, 409);
  }

  /* Every board learns of both, in order. */
  g_assert_true (stream_wait_seq (&stream, seq + 2));
  {
    g_autoptr(GPtrArray) types = g_ptr_array_new ();

    for (guint i = 0; i < stream.events->len; i++)
      {
        JsonObject *event = json_node_get_object (stream.events->pdata[i]);
        const char *type = json_object_get_string_member (event, "type");

        if (g_str_has_prefix (type, "handover."))
          {
            g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (event, "handover"), "id"),
                             ==, id);
            g_ptr_array_add (types, (gpointer) type);
          }
      }
    g_assert_cmpuint (types->len, ==, 2);
    g_assert_cmpstr (types->pdata[0], ==, "handover.signed");
    g_assert_cmpstr (types->pdata[1], ==, "handover.accepted");
  }
  stream_close (&stream);

  /* The desk reads them back, the wall does not; the next draft starts
   * where this one ended and names it. */
  {
    g_auto(Answer) list = request (server, "GET", "/api/v1/handovers", op, NULL, NULL, NULL);
    g_auto(Answer) by_wall = request (server, "GET", "/api/v1/handovers", wall, NULL, NULL, NULL);
    g_autofree char *after = time_text (now_s () + 60);
    g_autofree char *window = g_strdup_printf ("?to=%s", after);
    g_auto(Answer) next = draft (server, sup2, window);
    JsonArray *handovers = json_object_get_array_member (json_node_get_object (list.body), "handovers");
    JsonObject *previous = json_object_get_object_member (json_node_get_object (next.body), "previous");
    g_autoptr(GDateTime) ended = g_date_time_new_from_iso8601 (to, NULL);
    g_autoptr(GDateTime) next_from = g_date_time_new_from_iso8601 (member (&next, "from"), NULL);

    g_assert_cmpuint (list.status, ==, 200);
    g_assert_cmpuint (json_array_get_length (handovers), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (handovers, 0), "accepted_by"),
                     ==, "sup2");
    g_assert_cmpuint (by_wall.status, ==, 403);
    g_assert_cmpint (g_date_time_compare (ended, next_from), ==, 0);
    g_assert_cmpstr (json_object_get_string_member (previous, "id"), ==, id);
  }

  /* The book of handovers as text, with both names. */
  {
    static const char *const args[] = { "handovers", "export", NULL };
    g_autofree char *text = run_dozorctl (server, "sup2", args);

    g_assert_nonnull (strstr (text, "Signed by sup at "));
    g_assert_nonnull (strstr (text, "Accepted by sup2 at "));
    g_assert_nonnull (strstr (text, "Incidents handed over: 1\n"));
    g_assert_nonnull (strstr (text, "Смену сдал. Кезекшілікті тапсырдым."));
  }
}

/* GET @prefix followed by @words, escaped. */
static Answer
get (Server     *server,
     const char *token,
     const char *prefix,
     const char *words)
{
  g_autofree char *escaped = g_uri_escape_string (words, NULL, TRUE);
  g_autofree char *path = g_strconcat (prefix, escaped, NULL);

  return request (server, "GET", path, token, NULL, NULL, NULL);
}

static char *
numbers_of (Answer     *answer,
            const char *array_member)
{
  JsonArray *array = json_object_get_array_member (json_node_get_object (answer->body), array_member);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *item = json_array_get_object_element (array, i);

      g_string_append_printf (out, "%s%s%" G_GINT64_FORMAT, i > 0 ? " " : "",
                              json_object_get_string_member (item, "direction"),
                              json_object_get_int_member (item, "number"));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Item 3: numbered per direction, found by Kazakh and Russian words in
 * any case, what was done written later. */
static void
test_messages (Server        *server,
               gconstpointer  data)
{
  g_autofree char *op = login (server, "op");
  g_autofree char *wall = login (server, "wall");
  g_autofree char *id = NULL;
  static const char *const bodies[] = {
    "{\"direction\":\"in\",\"kind\":\"telegram\",\"ref\":\"14/3-118\",\"sender\":\"ДП г. Алматы\","
    "\"addressee\":\"Дежурная часть\",\"summary\":\"Усилить охрану у театра имени Әуезова\"}",
    "{\"direction\":\"in\",\"kind\":\"phone\",\"sender\":\"Прокуратура\",\"addressee\":\"Дежурная часть\","
    "\"summary\":\"ПРОИСШЕСТВИЕ на Сайране\"}",
    "{\"direction\":\"out\",\"kind\":\"fax\",\"sender\":\"Дежурная часть\",\"addressee\":\"ДП г. Алматы\","
    "\"summary\":\"Донесение о происшествии\",\"action\":\"Отправлено\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_auto(Answer) made = post (server, op, "/api/v1/messages", bodies[i]);

      g_assert_cmpuint (made.status, ==, 201);
      g_assert_cmpstr (member (&made, "registered_by"), ==, "op");
      if (i == 0)
        id = g_strdup (member (&made, "id"));
    }

  {
    g_auto(Answer) all = request (server, "GET", "/api/v1/messages", op, NULL, NULL, NULL);
    g_autofree char *numbers = numbers_of (&all, "messages");

    g_assert_cmpuint (all.status, ==, 200);
    /* Each direction counts on its own. */
    g_assert_cmpstr (numbers, ==, "in1 in2 out1");
  }

  /* Any case, either alphabet's letters. */
  {
    g_auto(Answer) kazakh = get (server, op, "/api/v1/messages?q=", "ӘУЕЗОВА");
    g_auto(Answer) russian = get (server, op, "/api/v1/messages?q=", "происшеств");
    g_auto(Answer) both_words = get (server, op, "/api/v1/messages?q=", "происшеств сайран");
    g_auto(Answer) ref = get (server, op, "/api/v1/messages?q=", "14/3-118");
    g_auto(Answer) none = get (server, op, "/api/v1/messages?q=", "Медеу");
    g_auto(Answer) outgoing = get (server, op, "/api/v1/messages?direction=", "out");
    g_autofree char *kazakh_numbers = numbers_of (&kazakh, "messages");
    g_autofree char *russian_numbers = numbers_of (&russian, "messages");
    g_autofree char *both_numbers = numbers_of (&both_words, "messages");
    g_autofree char *ref_numbers = numbers_of (&ref, "messages");
    g_autofree char *none_numbers = numbers_of (&none, "messages");
    g_autofree char *out_numbers = numbers_of (&outgoing, "messages");

    g_assert_cmpstr (kazakh_numbers, ==, "in1");
    g_assert_cmpstr (russian_numbers, ==, "in2 out1");
    g_assert_cmpstr (both_numbers, ==, "in2");
    g_assert_cmpstr (ref_numbers, ==, "in1");
    g_assert_cmpstr (none_numbers, ==, "");
    g_assert_cmpstr (out_numbers, ==, "out1");
  }

  /* What was done, written later, with the version seen. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/messages/%s", id);
    g_auto(Answer) updated = request (server, "PATCH", path, op, NULL, "1", "{\"action\":\"Наряды оповещены\"}");
    g_auto(Answer) stale = request (server, "PATCH", path, op, NULL, "1", "{\"action\":\"x\"}");
    g_auto(Answer) found = get (server, op, "/api/v1/messages?q=", "оповещены");
    g_autofree char *found_numbers = numbers_of (&found, "messages");

    g_assert_cmpuint (updated.status, ==, 200);
    g_assert_cmpstr (member (&updated, "action"), ==, "Наряды оповещены");
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (updated.body), "number"), ==, 1);
    g_assert_cmpuint (stale.status, ==, 412);
    g_assert_cmpstr (found_numbers, ==, "in1");
  }

  {
    g_auto(Answer) by_wall = request (server, "GET", "/api/v1/messages", wall, NULL, NULL, NULL);
    g_auto(Answer) bad_kind = post (server, op, "/api/v1/messages", "{\"direction\":\"in\",\"kind\":\"pigeon\","
                                    "\"sender\":\"a\",\"addressee\":\"b\",\"summary\":\"c\"}");
    g_auto(Answer) no_summary = post (server, op, "/api/v1/messages", "{\"direction\":\"in\",\"kind\":\"fax\","
                                      "\"sender\":\"a\",\"addressee\":\"b\"}");
    g_auto(Answer) bad_direction = request (server, "GET", "/api/v1/messages?direction=up", op, NULL, NULL, NULL);

    g_assert_cmpuint (by_wall.status, ==, 403);
    g_assert_cmpuint (bad_kind.status, ==, 422);
    g_assert_true (g_str_has_prefix (member (&bad_kind, "message"), "kind: "));
    g_assert_cmpuint (no_summary.status, ==, 422);
    g_assert_true (g_str_has_prefix (member (&no_summary, "message"), "summary: "));
    g_assert_cmpuint (bad_direction.status, ==, 422);
  }

  /* The register as CSV, in order, found by a word. */
  {
    static const char *const all_args[] = { "messages", "export", NULL };
    static const char *const found_args[] = { "messages", "export", "--search", "ОПОВЕЩЕНЫ", NULL };
    g_autofree char *all = run_dozorctl (server, "op", all_args);
    g_autofree char *found = run_dozorctl (server, "op", found_args);
    g_auto(GStrv) lines = g_strsplit (all, "\r\n", -1);
    g_auto(GStrv) found_lines = g_strsplit (found, "\r\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 5);
    g_assert_true (g_str_has_prefix (lines[1], "in,1,"));
    g_assert_nonnull (strstr (lines[1], ",14/3-118,ДП г. Алматы,Дежурная часть,Усилить охрану у театра имени Әуезова,"
                                        "Наряды оповещены,op,"));
    g_assert_true (g_str_has_prefix (lines[2], "in,2,"));
    g_assert_true (g_str_has_prefix (lines[3], "out,1,"));
    g_assert_cmpuint (g_strv_length (found_lines), ==, 3);
    g_assert_true (g_str_has_prefix (found_lines[1], "in,1,"));
  }
}

static guint
count_of (Answer     *answer,
          const char *array_member)
{
  return json_array_get_length (json_object_get_array_member (json_node_get_object (answer->body), array_member));
}

/* Item 3: an orientation is found, by a search and from what an operator
 * types, while active, and no longer after its cancellation. */
static void
test_orientations (Server        *server,
                   gconstpointer  data)
{
  g_autofree char *op = login (server, "op");
  g_autofree char *sup = login (server, "sup");
  g_autofree char *vehicle = NULL;
  g_autofree char *cancel = NULL;
  /* The operator types the plate with Cyrillic letters and no spaces. */
  const char *typed = "Белая камри 777АВА02 стоит у рынка";

  {
    g_auto(Answer) made = post (server, op, "/api/v1/orientations",
                                "{\"kind\":\"vehicle\",\"plate\":\"777 ABA 02\",\"description\":\"Toyota Camry, белая\","
                                "\"issued_by\":\"ДП г. Алматы\"}");
    g_auto(Answer) person = post (server, op, "/api/v1/orientations",
                                  "{\"kind\":\"person\",\"name\":\"Жұмабаев Ерлан\",\"description\":\"Без вести пропавший\","
                                  "\"issued_by\":\"УП Медеуского района\"}");
    g_auto(Answer) plate_of_person = post (server, op, "/api/v1/orientations",
                                           "{\"kind\":\"person\",\"plate\":\"1\",\"description\":\"x\",\"issued_by\":\"y\"}");

    g_assert_cmpuint (made.status, ==, 201);
    g_assert_true (json_object_get_boolean_member (json_node_get_object (made.body), "active"));
    g_assert_cmpuint (person.status, ==, 201);
    g_assert_cmpuint (plate_of_person.status, ==, 422);
    g_assert_true (g_str_has_prefix (member (&plate_of_person, "message"), "plate: "));
    vehicle = g_strdup (member (&made, "id"));
  }

  {
    g_auto(Answer) by_plate = get (server, op, "/api/v1/orientations/matches?text=", typed);
    g_auto(Answer) by_name = get (server, op, "/api/v1/orientations/matches?text=", "Звонит ЖҰМАБАЕВ, сосед");
    g_auto(Answer) unrelated = get (server, op, "/api/v1/orientations/matches?text=", "Кража у 777 магазина");
    g_auto(Answer) searched = get (server, op, "/api/v1/orientations?active=1&q=", "БЕЛАЯ camry");
    JsonObject *match;

    g_assert_cmpuint (by_plate.status, ==, 200);
    g_assert_cmpuint (count_of (&by_plate, "matches"), ==, 1);
    match = json_array_get_object_element (json_object_get_array_member (json_node_get_object (by_plate.body),
                                                                         "matches"), 0);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (match, "orientation"), "id"), ==,
                     vehicle);
    g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (match, "reasons"), 0), ==, "plate");
    g_assert_cmpuint (count_of (&by_name, "matches"), ==, 1);
    g_assert_cmpuint (count_of (&unrelated, "matches"), ==, 0);
    g_assert_cmpuint (count_of (&searched, "orientations"), ==, 1);
  }

  cancel = g_strdup_printf ("/api/v1/orientations/%s/cancellation", vehicle);
  {
    g_auto(Answer) no_reason = request (server, "POST", cancel, sup, NULL, NULL, "{}");
    g_auto(Answer) cancelled = request (server, "POST", cancel, sup, NULL, "1", "{\"reason\":\"Автомобиль найден\"}");
    g_auto(Answer) twice = request (server, "POST", cancel, sup, NULL, NULL, "{\"reason\":\"again\"}");
    JsonObject *cancellation = json_object_get_object_member (json_node_get_object (cancelled.body), "cancellation");

    g_assert_cmpuint (no_reason.status, ==, 422);
    g_assert_cmpuint (cancelled.status, ==, 200);
    g_assert_false (json_object_get_boolean_member (json_node_get_object (cancelled.body), "active"));
    g_assert_cmpstr (json_object_get_string_member (cancellation, "by"), ==, "sup");
    g_assert_cmpstr (json_object_get_string_member (cancellation, "reason"), ==, "Автомобиль найден");
    g_assert_cmpuint (twice.status, ==, 409);
  }

  {
    g_auto(Answer) by_plate = get (server, op, "/api/v1/orientations/matches?text=", typed);
    g_auto(Answer) active = get (server, op, "/api/v1/orientations?active=1&q=", "белая");
    g_auto(Answer) all = get (server, op, "/api/v1/orientations?q=", "белая");
    g_auto(Answer) bad = request (server, "GET", "/api/v1/orientations?active=yes", op, NULL, NULL, NULL);

    g_assert_cmpuint (count_of (&by_plate, "matches"), ==, 0);
    g_assert_cmpuint (count_of (&active, "orientations"), ==, 0);
    /* The register keeps it, cancelled. */
    g_assert_cmpuint (count_of (&all, "orientations"), ==, 1);
    g_assert_cmpuint (bad.status, ==, 422);
  }

  /* The export shows it cancelled, by whom and why. */
  {
    static const char *const args[] = { "orientations", "export", NULL };
    static const char *const active_args[] = { "orientations", "export", "--active", NULL };
    g_autofree char *csv = run_dozorctl (server, "op", args);
    g_autofree char *active_csv = run_dozorctl (server, "op", active_args);

    g_assert_nonnull (strstr (csv, "\r\nvehicle,,777 ABA 02,\"Toyota Camry, белая\",ДП г. Алматы,"));
    g_assert_nonnull (strstr (csv, ",false,sup,"));
    g_assert_nonnull (strstr (csv, ",Автомобиль найден\r\n"));
    g_assert_null (strstr (active_csv, "777 ABA 02"));
    g_assert_nonnull (strstr (active_csv, "Жұмабаев Ерлан"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  server_fixture_init ();

  g_test_add ("/shiftbook/draft", Server, NULL, server_setup, test_draft, server_teardown);
  g_test_add ("/shiftbook/sign-accept", Server, NULL, server_setup, test_sign_accept, server_teardown);
  g_test_add ("/shiftbook/messages", Server, NULL, server_setup, test_messages, server_teardown);
  g_test_add ("/shiftbook/orientations", Server, NULL, server_setup, test_orientations, server_teardown);

  return g_test_run ();
}
