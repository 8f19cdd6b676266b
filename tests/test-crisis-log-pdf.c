/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The crisis log as a PDF (issue 15, item 6), as `dozorctl crisis-log`
 * draws it from the real dozord's journal, read back with pdftotext: the
 * reports' head on every page (centre, title, period), page numbers, the
 * signing officer at the end; the episode's rows oldest first, the same
 * as its CSV; a second episode picked by --raised-at; refusals.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "server-fixture.h"

#define CENTRE "ДЧ ДП г. Алматы"
#define OFFICER "Әбілқайыров Ғ. Ү."
#define NOTES 90

static void
set_level (Server     *server,
           const char *token,
           const char *body)
{
  g_auto(Answer) answer = request (server, "PUT", "/api/v1/readiness", token, NULL, NULL, body);

  g_assert_cmpuint (answer.status, ==, 200);
}

static void
add_note (Server     *server,
          const char *token,
          const char *text)
{
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf ("{\"text\":\"%s\"}", text);
  g_auto(Answer) answer = request (server, "POST", "/api/v1/crisis/notes", token, key, NULL, body);

  g_assert_cmpuint (answer.status, ==, 201);
}

static char *
raised_at (Server     *server,
           const char *token)
{
  g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", token, NULL, NULL, NULL);
  JsonObject *readiness = json_object_get_object_member (json_node_get_object (snapshot.body), "readiness");

  return g_strdup (json_object_get_string_member (readiness, "raised_at"));
}

/* dozorctl crisis-log with @args, in English; its exit status. */
static int
run_ctl (Server            *server,
         const char        *credentials,
         const char *const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) ctl = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  g_subprocess_launcher_setenv (launcher, "TZ", "Asia/Almaty", TRUE);
  g_ptr_array_add (argv, (gpointer) dozorctl_path);
  g_ptr_array_add (argv, (gpointer) "crisis-log");
  g_ptr_array_add (argv, (gpointer) "--backend");
  g_ptr_array_add (argv, server->url);
  g_ptr_array_add (argv, (gpointer) "--credentials");
  g_ptr_array_add (argv, (gpointer) credentials);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  ctl = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (ctl, NULL, NULL, NULL, &err, &error));
  g_assert_no_error (error);
  g_test_message ("dozorctl crisis-log: exit %d %s", g_subprocess_get_exit_status (ctl), err != NULL ? err : "");
  return g_subprocess_get_if_exited (ctl) ? g_subprocess_get_exit_status (ctl) : -1;
}

static char *
pdf_text (const char *pdf)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) tool = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                                  &error, "pdftotext", "-enc", "UTF-8", pdf, "-", NULL);
  char *out = NULL;

  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (tool, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (tool), ==, 0);
  return out;
}

/* Where @needle is in @text, or the test ends naming it. */
static gsize
position (const char *text,
          const char *needle)
{
  const char *found = strstr (text, needle);

  if (found == NULL)
    g_error ("“%s” is not in the document:\n%s", needle, text);
  return found - text;
}

static guint
occurrences (const char *text,
             const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
test_pdf (Server        *server,
          gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *credentials = g_build_filename (server->dir, "sup.credentials", NULL);
  g_autofree char *pdf = g_build_filename (server->dir, "log.pdf", NULL);
  g_autofree char *csv_path = g_build_filename (server->dir, "log.csv", NULL);
  g_autofree char *second_pdf = g_build_filename (server->dir, "second.pdf", NULL);
  g_autofree char *first_raised = NULL;
  g_autofree char *text = NULL;
  g_autofree char *csv = NULL;
  g_auto(GStrv) pages = NULL;
  guint n_pages = 0;

  g_assert_true (g_file_set_contents_full (credentials, "sup\ncorrect horse battery\n", -1, G_FILE_SET_CONTENTS_NONE,
                                           0600, NULL));

  /* The first episode: raised, a unit sent, many notes, lowered. */
  set_level (server, sup, "{\"level\":\"high\",\"reason\":\"Митинг у акимата\"}");
  first_raised = raised_at (server, sup);
  {
    g_autofree char *unit = create_unit (server, sup, "Барыс-7");
    g_autofree char *incident = create_incident (server, sup);
    g_autofree char *body = g_strdup_printf ("{\"unit_id\":\"%s\",\"incident_id\":\"%s\"}", unit, incident);
    g_autofree char *key = g_uuid_string_random ();
    g_auto(Answer) sent = request (server, "POST", "/api/v1/dispatches", sup, key, NULL, body);

    g_assert_cmpuint (sent.status, ==, 201);
  }
  for (guint i = 1; i <= NOTES; i++)
    {
      g_autofree char *note = g_strdup_printf ("Запись %03u: наряды на местах, обстановка спокойная", i);

      add_note (server, sup, note);
    }
  set_level (server, sup, "{\"level\":\"normal\",\"reason\":\"Отбой\"}");
  /* A second episode, later: the default is the latest. */
  set_level (server, sup, "{\"level\":\"raised\",\"reason\":\"Паводок на Весновке\"}");
  add_note (server, sup, "Вторая тревога");

  {
    const char *args[] = { "--raised-at", first_raised, "-o", pdf, "--centre", CENTRE, "--officer", OFFICER, NULL };

    g_assert_cmpint (run_ctl (server, credentials, args), ==, 0);
  }
  text = pdf_text (pdf);
  pages = g_strsplit (text, "\f", -1);
  for (guint p = 0; pages[p] != NULL; p++)
    {
      g_autofree char *number = g_strdup_printf ("Page %u", p + 1);

      if (g_strstrip (pages[p])[0] == '\0')
        continue;
      n_pages++;
      /* Every page has the reports' head and its number. */
      position (pages[p], CENTRE);
      position (pages[p], "Crisis log");
      position (pages[p], number);
    }
  g_test_message ("%u pages", n_pages);
  g_assert_cmpuint (n_pages, >=, 2);
  g_assert_cmpuint (occurrences (text, CENTRE), ==, n_pages);

  /* The rows, oldest first: raised, dispatched, the notes in order, lowered. */
  {
    gsize raised = position (text, "Level raised");
    gsize reason = position (text, "Митинг у акимата");
    gsize sent = position (text, "Барыс-7");
    gsize first = position (text, "Запись 001");
    gsize last = position (text, "Запись 090");
    gsize lowered = position (text, "Level lowered");

    g_assert_cmpuint (raised, <, sent);
    g_assert_cmpuint (reason, <, sent);
    g_assert_cmpuint (sent, <, first);
    g_assert_cmpuint (first, <, last);
    g_assert_cmpuint (last, <, lowered);
    for (guint i = 1; i < NOTES; i++)
      {
        g_autofree char *a = g_strdup_printf ("Запись %03u", i);
        g_autofree char *b = g_strdup_printf ("Запись %03u", i + 1);

        g_assert_cmpuint (position (text, a), <, position (text, b));
      }
  }
  g_assert_null (strstr (text, "Вторая тревога"));
  g_assert_null (strstr (text, "Паводок"));
  /* The signature block closes the last page. */
  g_assert_cmpuint (position (text, "Signing officer: " OFFICER), >, position (text, "Level lowered"));
  position (text, "(signature)");
  g_assert_cmpuint (occurrences (text, "Signing officer"), ==, 1);

  /* The CSV of the same episode has the same rows: one per line after the header. */
  {
    const char *args[] = { "--raised-at", first_raised, "--format", "csv", "-o", csv_path, NULL };
    g_auto(GStrv) lines = NULL;
    guint rows = 0;

    g_assert_cmpint (run_ctl (server, credentials, args), ==, 0);
    g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
    lines = g_strsplit (csv, "\r\n", -1);
    for (guint i = 1; lines[i] != NULL; i++)
      rows += lines[i][0] != '\0';
    /* raised, dispatched, the notes, lowered */
    g_assert_cmpuint (rows, ==, NOTES + 3);
    g_assert_cmpuint (occurrences (text, "Note"), >=, NOTES);
    position (text, "93 entries, oldest first.");
  }

  /* Without --raised-at: the latest episode, still raised. */
  {
    const char *args[] = { "-o", second_pdf, "--centre", CENTRE, "--officer", OFFICER, NULL };
    g_autofree char *second = NULL;

    g_assert_cmpint (run_ctl (server, credentials, args), ==, 0);
    second = pdf_text (second_pdf);
    position (second, "Паводок на Весновке");
    position (second, "Вторая тревога");
    g_assert_null (strstr (second, "Запись 001"));
  }

  /* Refusals: no officer for a PDF, a bad time, an episode that is not. */
  {
    const char *no_officer[] = { "-o", pdf, "--centre", CENTRE, NULL };
    const char *bad_time[] = { "--raised-at", "yesterday", "-o", pdf, "--centre", CENTRE, "--officer", OFFICER, NULL };
    const char *none[] = { "--raised-at", "2020-01-01T00:00:00Z", "-o", pdf, "--centre", CENTRE, "--officer", OFFICER,
                           NULL };

    g_assert_cmpint (run_ctl (server, credentials, no_officer), ==, 2);
    g_assert_cmpint (run_ctl (server, credentials, bad_time), ==, 2);
    g_assert_cmpint (run_ctl (server, credentials, none), ==, 1);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  server_fixture_init ();

  g_test_add ("/crisis-log-pdf/dozorctl", Server, NULL, server_setup, test_pdf, server_teardown);
  return g_test_run ();
}
