/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The journal as a client reads it (docs/api.md, "The journal"): every
 * event but a fix, exactly as the stream sent it, in seq order, paged, in a
 * time window, and still there after the events table was pruned. Against
 * the real dozord.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "server-fixture.h"

/* Every event of the journal in the window @query, following `next`. */
static GPtrArray *
read_journal (Server     *server,
              const char *token,
              const char *query,
              guint      *pages)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autofree char *next = NULL;

  *pages = 0;
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *escaped = next != NULL ? g_uri_escape_string (next, NULL, FALSE) : NULL;
      g_autofree char *path = g_strdup_printf ("/api/v1/journal?%s%s%s", query,
                                               escaped != NULL ? "&after=" : "", escaped != NULL ? escaped : "");
      g_auto(Answer) page = request (server, "GET", path, token, NULL, NULL, NULL);
      JsonObject *object;
      JsonArray *array;

      g_assert_cmpuint (page.status, ==, 200);
      object = json_node_get_object (page.body);
      array = json_object_get_array_member (object, "events");
      for (guint e = 0; e < json_array_get_length (array); e++)
        g_ptr_array_add (events, json_node_copy (json_array_get_element (array, e)));
      (*pages)++;
      g_clear_pointer (&next, g_free);
      if (json_node_is_null (json_object_get_member (object, "next")))
        return events;
      next = g_strdup (json_object_get_string_member (object, "next"));
    }
  g_assert_not_reached ();
}

static const char *
type_of (JsonNode *event)
{
  return json_object_get_string_member (json_node_get_object (event), "type");
}

static gint64
seq_of (JsonNode *event)
{
  return json_object_get_int_member (json_node_get_object (event), "seq");
}

static void
post_fixes (Server     *server,
            const char *tracker,
            const char *unit_id,
            guint       first,
            guint       n)
{
  g_autoptr(GString) body = g_string_new ("{\"positions\":[");
  /* Fixes of the last hour, a tenth of a second apart: the server takes
   * none from the future. */
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) start = g_date_time_add_hours (now, -1);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GDateTime) time = g_date_time_add (start, (GTimeSpan) (first + i) * G_TIME_SPAN_MILLISECOND * 100);
      g_autofree char *text = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S.%fZ");

      g_string_append_printf (body, "%s{\"unit_id\":\"%s\",\"lat\":43.2%04u,\"lon\":76.9,\"time\":\"%s\"}",
                              i > 0 ? "," : "", unit_id, (first + i) % 10000, text);
    }
  g_string_append (body, "]}");
  {
    g_auto(Answer) posted = request (server, "POST", "/api/v1/positions", tracker, NULL, NULL, body->str);
    g_assert_cmpuint (posted.status, ==, 202);
  }
}

/* What the stream sent, fixes left out, is what the journal holds: the
 * same events, the same bytes' worth of JSON, in the same order. */
static void
test_same_as_stream (Server        *server,
                     gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *tracker = login (server, "tracker");
  g_autofree char *wall = login (server, "wall");
  g_autofree char *unit = create_unit (server, sup, "Журнал-1");
  g_autofree char *incident = create_incident (server, sup);
  g_autoptr(GPtrArray) journal = NULL;
  g_autoptr(GPtrArray) paged = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  Stream stream = { 0 };
  guint pages = 0;
  gint64 last;

  post_fixes (server, tracker, unit, 0, 3);
  {
    g_auto(Answer) raised = request (server, "PUT", "/api/v1/readiness", sup, NULL, NULL,
                                     "{\"level\":\"high\",\"reason\":\"Учения\"}");
    g_assert_cmpuint (raised.status, ==, 200);
  }
  last = snapshot_seq (server, wall);

  stream_open (server, &stream, wall, 0);
  g_assert_true (stream_wait_seq (&stream, last));
  for (guint i = 0; i < stream.events->len; i++)
    /* `coalesced` stands for a fix the stream skipped: no event of the log. */
    if (g_strcmp0 (type_of (stream.events->pdata[i]), "unit.position") != 0 &&
        g_strcmp0 (type_of (stream.events->pdata[i]), "coalesced") != 0)
      g_ptr_array_add (expected, stream.events->pdata[i]);
  g_assert_cmpuint (expected->len, ==, 3);

  journal = read_journal (server, wall, "", &pages);
  g_assert_cmpuint (pages, ==, 1);
  g_assert_cmpuint (journal->len, ==, expected->len);
  for (guint i = 0; i < journal->len; i++)
    {
      g_assert_cmpstr (type_of (journal->pdata[i]), !=, "unit.position");
      g_assert_true (json_node_equal (journal->pdata[i], expected->pdata[i]));
    }
  g_assert_cmpstr (type_of (journal->pdata[journal->len - 1]), ==, "readiness.changed");

  /* One event a page: the same events, in the same order. */
  paged = read_journal (server, wall, "limit=1", &pages);
  g_assert_cmpuint (paged->len, ==, journal->len);
  g_assert_cmpuint (pages, ==, journal->len);
  for (guint i = 0; i < paged->len; i++)
    g_assert_cmpint (seq_of (paged->pdata[i]), ==, seq_of (journal->pdata[i]));

  /* A window: from the readiness change on, there is only that change. */
  {
    JsonObject *change = json_node_get_object (journal->pdata[journal->len - 1]);
    g_autofree char *from = g_uri_escape_string (json_object_get_string_member (change, "time"), NULL, FALSE);
    g_autofree char *query = g_strdup_printf ("from=%s", from);
    g_autofree char *before = g_strdup_printf ("to=%s", "2000-01-01T00:00:00Z");
    g_autoptr(GPtrArray) window = read_journal (server, wall, query, &pages);
    g_autoptr(GPtrArray) none = read_journal (server, wall, before, &pages);

    g_assert_cmpuint (window->len, ==, 1);
    g_assert_cmpstr (type_of (window->pdata[0]), ==, "readiness.changed");
    g_assert_cmpuint (none->len, ==, 0);
  }
  stream_close (&stream);
}

/* The events table is pruned for resuming boards; the journal is not. */
static void
test_outlives_pruning (Server        *server,
                       gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *tracker = login (server, "tracker");
  g_autofree char *unit = create_unit (server, sup, "Журнал-2");
  g_autofree char *wall = NULL;
  g_autoptr(GPtrArray) journal = NULL;
  Stream stream = { 0 };
  guint pages = 0;

  /* More fixes than the least the server keeps (1,000 events). */
  for (guint batch = 0; batch < 12; batch++)
    post_fixes (server, tracker, unit, batch * 100, 100);

  /* dozord prunes when it starts. */
  server_stop (server, SIGTERM);
  server_start (server, "1000");
  wall = login (server, "wall");

  stream_open (server, &stream, wall, 1);
  for (guint i = 0; i < 100 && !stream.reset && !stream.closed; i++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (stream.reset);
  stream_close (&stream);

  journal = read_journal (server, wall, "", &pages);
  g_assert_cmpuint (journal->len, >=, 1);
  g_assert_cmpstr (type_of (journal->pdata[0]), ==, "unit.created");
  g_assert_cmpint (seq_of (journal->pdata[0]), ==, 1);
}

static void
test_refused (Server        *server,
              gconstpointer  data)
{
  static const char *const bad[] = {
    "from=yesterday", "to=2026-13-01T00:00:00Z", "after=abc", "after=2026-12-06T08:00:00Z~x", "limit=0",
    "limit=5001",
  };
  g_autofree char *wall = login (server, "wall");
  g_autofree char *tracker = login (server, "tracker");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/journal?%s", bad[i]);
      g_auto(Answer) answer = request (server, "GET", path, wall, NULL, NULL, NULL);

      g_test_message ("%s", bad[i]);
      g_assert_cmpuint (answer.status, ==, 422);
      g_assert_nonnull (member (&answer, "message"));
    }

  {
    g_auto(Answer) answer = request (server, "GET", "/api/v1/journal", tracker, NULL, NULL, NULL);
    g_assert_cmpuint (answer.status, ==, 403);
  }
  {
    g_auto(Answer) answer = request (server, "GET", "/api/v1/journal", NULL, NULL, NULL, NULL);
    g_assert_cmpuint (answer.status, ==, 401);
  }
}

/* A retention out of range is refused before anything starts. */
static void
test_retention_option (void)
{
  const char *argv[] = { g_getenv ("DOZORD"), "--db", "unused.db", "--retain-journal-days", "-1", NULL };
  g_autofree char *err = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                               &status, NULL));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_nonnull (strstr (err, "--retain-journal-days"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  server_fixture_init ();

#define ADD(path, func) g_test_add (path, Server, NULL, server_setup, func, server_teardown)
  ADD ("/journal/same-as-stream", test_same_as_stream);
  ADD ("/journal/outlives-pruning", test_outlives_pruning);
  ADD ("/journal/refused", test_refused);
#undef ADD
  g_test_add_func ("/journal/retention-option", test_retention_option);

  return g_test_run ();
}
