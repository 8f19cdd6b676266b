/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Checklists of the SOP catalogue against the real dozord (docs/api.md,
 * "Checklist step"): who may tick, what is refused, the event, the
 * snapshot and the incident's record, and the ticks after a restart.
 * The fixture's incident is a robbery: its procedure is
 * "robbery-in-progress" in data/sop/catalogue.json.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>

#include "server-fixture.h"

#define TICK(step, done) \
  "{\"procedure_id\":\"robbery-in-progress\",\"step_id\":\"" step "\",\"done\":" done "}"

static char *
checklist_path (const char *incident)
{
  return g_strdup_printf ("/api/v1/incidents/%s/checklist", incident);
}

/* The snapshot's checklist steps of one incident. */
static guint
snapshot_steps (Server     *server,
                const char *token,
                const char *incident,
                const char *step_id,
                gboolean   *done,
                const char **by)
{
  g_auto(Answer) answer = request (server, "GET", "/api/v1/snapshot", token, NULL, NULL, NULL);
  JsonArray *list;
  guint n = 0;
  static char by_copy[64];

  g_assert_cmpuint (answer.status, ==, 200);
  list = json_object_get_array_member (json_node_get_object (answer.body), "checklists");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *step = json_array_get_object_element (list, i);

      if (g_strcmp0 (json_object_get_string_member (step, "incident_id"), incident) != 0)
        continue;
      n++;
      if (step_id != NULL && g_str_equal (json_object_get_string_member (step, "step_id"), step_id))
        {
          *done = json_object_get_boolean_member (step, "done");
          g_strlcpy (by_copy, json_object_get_string_member (step, "by"), sizeof by_copy);
          *by = by_copy;
        }
    }
  return n;
}

static void
test_roles (Server        *server,
            gconstpointer  data)
{
  static const char *const refused[] = { "wall", "tracker" };
  static const char *const allowed[] = { "op", "sup" };
  g_autofree char *sup = login (server, "sup");
  g_autofree char *incident = create_incident (server, sup);
  g_autofree char *path = checklist_path (incident);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *token = login (server, refused[i]);
      g_auto(Answer) answer = request (server, "PUT", path, token, NULL, NULL, TICK ("ask", "true"));

      g_assert_cmpuint (answer.status, ==, 403);
      g_assert_cmpstr (member (&answer, "code"), ==, "forbidden");
    }
  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    {
      g_autofree char *token = login (server, allowed[i]);
      g_auto(Answer) answer = request (server, "PUT", path, token, NULL, NULL,
                                       i == 0 ? TICK ("ask", "true") : TICK ("ask", "false"));

      g_assert_cmpuint (answer.status, ==, 200);
      g_assert_cmpstr (member (&answer, "by"), ==, allowed[i]);
    }
  {
    g_autofree char *wall = login (server, "wall");
    gboolean done = TRUE;
    const char *by = NULL;

    /* A wall reads them: the last change was sup's untick. */
    g_assert_cmpuint (snapshot_steps (server, wall, incident, "ask", &done, &by), ==, 1);
    g_assert_false (done);
    g_assert_cmpstr (by, ==, "sup");
  }
}

static void
test_refused (Server        *server,
              gconstpointer  data)
{
  static const struct
  {
    const char *body;
    guint status;
    const char *words;
  } cases[] = {
    { "{\"procedure_id\":\"no-such-thing\",\"step_id\":\"ask\",\"done\":true}", 422, "procedure_id:" },
    { "{\"procedure_id\":\"missing-child\",\"step_id\":\"broadcast\",\"done\":true}", 422, "procedure_id: not a procedure for" },
    { TICK ("no-such-step", "true"), 422, "step_id:" },
    { TICK ("ask", "1"), 422, "done:" },
    { TICK ("ask", "\"yes\""), 422, "done:" },
    { "{\"step_id\":\"ask\",\"done\":true}", 422, "procedure_id:" },
    { "[]", 400, NULL },
  };
  g_autofree char *op = login (server, "op");
  g_autofree char *sup = login (server, "sup");
  g_autofree char *incident = create_incident (server, sup);
  g_autofree char *path = checklist_path (incident);
  gint64 seq = snapshot_seq (server, op);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Answer) answer = request (server, "PUT", path, op, NULL, NULL, cases[i].body);

      g_test_message ("%s → %u %s", cases[i].body, answer.status, member (&answer, "message"));
      g_assert_cmpuint (answer.status, ==, cases[i].status);
      if (cases[i].words != NULL)
        g_assert_true (g_str_has_prefix (member (&answer, "message"), cases[i].words));
    }
  {
    g_auto(Answer) answer = request (server, "PUT", "/api/v1/incidents/no-such-incident/checklist", op, NULL, NULL,
                                     TICK ("ask", "true"));

    g_assert_cmpuint (answer.status, ==, 404);
  }
  /* Nothing refused left a trace. */
  g_assert_cmpint (snapshot_seq (server, op), ==, seq);

  /* A closed incident's record is final. */
  {
    g_autofree char *incident_path = g_strdup_printf ("/api/v1/incidents/%s", incident);
    g_auto(Answer) closed = request (server, "PATCH", incident_path, sup, NULL, "1", "{\"status\":\"closed\"}");
    g_auto(Answer) answer = request (server, "PUT", path, op, NULL, NULL, TICK ("ask", "true"));

    g_assert_cmpuint (closed.status, ==, 200);
    g_assert_cmpuint (answer.status, ==, 409);
    g_assert_cmpstr (member (&answer, "code"), ==, "conflict");
  }
}

/* A tick is an event; ticking again is not; the record and the snapshot
 * keep it over a restart; closing takes it out of the snapshot and leaves
 * it in the incident's record. */
static void
test_event_record_restart (Server        *server,
                           gconstpointer  data)
{
  g_autofree char *op = login (server, "op");
  g_autofree char *sup = login (server, "sup");
  g_autofree char *incident = create_incident (server, sup);
  g_autofree char *path = checklist_path (incident);
  Stream stream = { 0 };
  gint64 seq = snapshot_seq (server, op);
  gboolean done = FALSE;
  const char *by = NULL;

  stream_open (server, &stream, op, seq);
  {
    g_auto(Answer) tick = request (server, "PUT", path, op, NULL, NULL, TICK ("send", "true"));
    g_auto(Answer) again = request (server, "PUT", path, op, NULL, NULL, TICK ("send", "true"));
    g_auto(Answer) other = request (server, "PUT", path, sup, NULL, NULL, TICK ("ask", "true"));
    JsonObject *event, *check;

    g_assert_cmpuint (tick.status, ==, 200);
    g_assert_true (json_object_get_boolean_member (json_node_get_object (tick.body), "done"));
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (tick.body), "version"), ==, 1);
    g_assert_cmpuint (again.status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (again.body), "version"), ==, 1);
    g_assert_cmpuint (other.status, ==, 200);

    /* Two changes, two events: the repeat made none. */
    g_assert_true (stream_wait_seq (&stream, seq + 2));
    g_assert_cmpuint (stream.events->len, ==, 2);
    event = json_node_get_object (g_ptr_array_index (stream.events, 0));
    g_assert_cmpstr (json_object_get_string_member (event, "type"), ==, "check.updated");
    check = json_object_get_object_member (event, "check");
    g_assert_cmpstr (json_object_get_string_member (check, "incident_id"), ==, incident);
    g_assert_cmpstr (json_object_get_string_member (check, "step_id"), ==, "send");
    g_assert_cmpstr (json_object_get_string_member (check, "by"), ==, "op");
    g_assert_true (json_object_has_member (check, "at"));
    g_assert_cmpint (snapshot_seq (server, op), ==, seq + 2);
  }
  stream_close (&stream);

  server_stop (server, SIGTERM);
  server_start (server, NULL);
  {
    g_autofree char *again = login (server, "wall");

    g_assert_cmpuint (snapshot_steps (server, again, incident, "send", &done, &by), ==, 2);
    g_assert_true (done);
    g_assert_cmpstr (by, ==, "op");
  }

  /* Closed: out of the snapshot, in the record. */
  {
    g_autofree char *token = login (server, "sup");
    g_autofree char *incident_path = g_strdup_printf ("/api/v1/incidents/%s", incident);
    g_auto(Answer) closed = request (server, "PATCH", incident_path, token, NULL, "1", "{\"status\":\"closed\"}");
    g_auto(Answer) history = request (server, "GET", "/api/v1/incidents", token, NULL, NULL, NULL);
    JsonArray *incidents, *steps = NULL;

    g_assert_cmpuint (closed.status, ==, 200);
    g_assert_cmpuint (snapshot_steps (server, token, incident, NULL, NULL, NULL), ==, 0);
    g_assert_cmpuint (history.status, ==, 200);
    incidents = json_object_get_array_member (json_node_get_object (history.body), "incidents");
    for (guint i = 0; i < json_array_get_length (incidents); i++)
      {
        JsonObject *item = json_array_get_object_element (incidents, i);

        if (g_str_equal (json_object_get_string_member (item, "id"), incident))
          steps = json_object_get_array_member (item, "checklist");
      }
    g_assert_nonnull (steps);
    g_assert_cmpuint (json_array_get_length (steps), ==, 2);
    /* In the order first ticked. */
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (steps, 0), "step_id"), ==, "send");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (steps, 1), "step_id"), ==, "ask");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (steps, 1), "by"), ==, "sup");
  }
}

/* A broken catalogue named on the command line stops dozord with the
 * place of the mistake. */
static void
test_broken_catalogue (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dozord-sop-XXXXXX", NULL);
  g_autofree char *sop = NULL;
  g_autofree char *db = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_assert_nonnull (dir);
  sop = g_build_filename (dir, "catalogue.json", NULL);
  db = g_build_filename (dir, "dozord.sqlite", NULL);

  g_assert_true (g_file_set_contents (sop, "{\"format\":\"dozor-sop\",\"version\":1,\"procedures\":[{\"id\":\"a\","
                                           "\"incident_types\":[\"theft\"],\"title\":{\"en\":\"A\",\"ru\":\"А\"},"
                                           "\"steps\":[]}]}", -1, NULL));
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              g_getenv ("DOZORD"), "--db", db, "--listen", "127.0.0.1:0", "--sop", sop, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error));
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_successful (process));
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "procedures[0].title.kk: missing"));
  g_unlink (sop);
  g_unlink (db);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  server_fixture_init ();

#define ADD(path, func) g_test_add (path, Server, NULL, server_setup, func, server_teardown)
  ADD ("/checklist/roles", test_roles);
  ADD ("/checklist/refused", test_refused);
  ADD ("/checklist/event-record-restart", test_event_record_restart);
#undef ADD
  g_test_add_func ("/checklist/broken-catalogue", test_broken_catalogue);

  return g_test_run ();
}
