/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The crisis log as a client and an intruder see it (docs/api.md, "Crisis
 * log note"): who may write a note, what is refused, and that a note is
 * in the stream and in the journal of its episode, in order with the
 * level changes, the plan's activation and the dispatches. Against the
 * real dozord.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "server-fixture.h"

#define NOTES "/api/v1/crisis/notes"

static Answer
add_note (Server     *server,
          const char *token,
          const char *key,
          const char *body)
{
  g_autofree char *own_key = key == NULL ? g_uuid_string_random () : NULL;

  return request (server, "POST", NOTES, token, key != NULL ? key : own_key, NULL, body);
}

static void
set_level (Server     *server,
           const char *token,
           const char *body)
{
  g_auto(Answer) answer = request (server, "PUT", "/api/v1/readiness", token, NULL, NULL, body);

  g_assert_cmpuint (answer.status, ==, 200);
}

/* Every event of the journal from @from (RFC 3339) on, five a page. */
static GPtrArray *
read_journal (Server     *server,
              const char *token,
              const char *from)
{
  g_autofree char *escaped = g_uri_escape_string (from, NULL, FALSE);
  g_autofree char *query = g_strdup_printf ("from=%s&limit=5", escaped);
  guint pages = 0;

  return journal_read (server, token, query, &pages);
}

static const char *
type_of (JsonNode *event)
{
  return json_object_get_string_member (json_node_get_object (event), "type");
}

/* The types of the crisis log's rows among @events, in their order,
 * joined by spaces; notes as "note:TEXT". */
static char *
log_types (GPtrArray *events)
{
  static const char *const shown[] = { "readiness.changed", "dispatch.created", "plan.activated",
                                       "plan.closed", "note.added", NULL };
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < events->len; i++)
    {
      const char *type = type_of (events->pdata[i]);

      if (!g_strv_contains (shown, type))
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      if (g_str_equal (type, "note.added"))
        g_string_append_printf (out, "note:%s",
                                json_object_get_string_member (
                                  json_object_get_object_member (json_node_get_object (events->pdata[i]), "note"),
                                  "text"));
      else
        g_string_append (out, type);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Item 7: operators, walls and trackers may not write; supervisors and
 * admins may. */
static void
test_roles (Server        *server,
            gconstpointer  data)
{
  static const char *const refused[] = { "wall", "op", "tracker" };
  g_autofree char *sup = login (server, "sup");
  g_autofree char *admin = NULL;

  add_user (server, "admin", "admin");
  admin = login (server, "admin");
  set_level (server, sup, "{\"level\":\"raised\",\"reason\":\"Учения\"}");

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *token = login (server, refused[i]);
      g_auto(Answer) answer = add_note (server, token, NULL, "{\"text\":\"Не моё\"}");

      g_test_message ("%s", refused[i]);
      g_assert_cmpuint (answer.status, ==, 403);
      g_assert_cmpstr (member (&answer, "code"), ==, "forbidden");
    }
  {
    g_auto(Answer) anonymous = add_note (server, NULL, NULL, "{\"text\":\"Кто я\"}");
    g_auto(Answer) by_sup = add_note (server, sup, NULL, "{\"text\":\"Штаб развёрнут\"}");
    g_auto(Answer) by_admin = add_note (server, admin, NULL, "{\"text\":\"Связь проверена\"}");
    g_autofree char *wall = login (server, "wall");
    g_autoptr(GPtrArray) journal = read_journal (server, wall, "2000-01-01T00:00:00Z");
    g_autofree char *types = log_types (journal);

    g_assert_cmpuint (anonymous.status, ==, 401);
    g_assert_cmpuint (by_sup.status, ==, 201);
    g_assert_cmpstr (member (&by_sup, "by"), ==, "sup");
    g_assert_cmpstr (member (&by_sup, "text"), ==, "Штаб развёрнут");
    g_assert_cmpstr (member (&by_sup, "level"), ==, "raised");
    g_assert_cmpuint (by_admin.status, ==, 201);
    g_assert_cmpstr (member (&by_admin, "by"), ==, "admin");
    /* The refused ones left nothing behind. */
    g_assert_cmpstr (types, ==, "readiness.changed note:Штаб развёрнут note:Связь проверена");
  }
}

/* At normal there is no episode: the note is refused and says why. */
static void
test_normal_refused (Server        *server,
                     gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_auto(Answer) before = add_note (server, sup, NULL, "{\"text\":\"Рано\"}");
  g_autoptr(GPtrArray) journal = NULL;
  g_autofree char *types = NULL;

  g_assert_cmpuint (before.status, ==, 409);
  g_assert_cmpstr (member (&before, "code"), ==, "conflict");
  g_assert_cmpstr (member (&before, "message"), ==,
                   "No degree of readiness is raised: a note belongs to a raised episode");

  /* Nor after the episode has ended. */
  set_level (server, sup, "{\"level\":\"high\",\"reason\":\"Паводок\"}");
  set_level (server, sup, "{\"level\":\"normal\"}");
  {
    g_auto(Answer) after = add_note (server, sup, NULL, "{\"text\":\"Поздно\"}");
    g_assert_cmpuint (after.status, ==, 409);
  }
  journal = read_journal (server, sup, "2000-01-01T00:00:00Z");
  types = log_types (journal);
  g_assert_cmpstr (types, ==, "readiness.changed readiness.changed");
}

/* The project's text rules, and the body's shape. */
static void
test_bad_text (Server        *server,
               gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *too_long = NULL;
  g_autofree char *longest = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  const struct {
    const char *body;
    guint status;
    const char *starts;
  } bad[] = {
    { "{}", 422, "text" },
    { "{\"text\":null}", 422, "text" },
    { "{\"text\":12}", 422, "text" },
    { "{\"text\":\"\"}", 422, "text" },
    { "{\"text\":\"  \\n\\t \"}", 422, "text" },
    /* A right-to-left override would show the note reversed. */
    { "{\"text\":\"abc\\u202edef\"}", 422, "text" },
    { "{\"text\":\"bell\\u0007\"}", 422, "text" },
    { "{\"text\":\"\\ud800\"}", 422, "text" },
    { "{\"text\":\"x\"", 400, NULL },
    { "[\"text\"]", 400, NULL },
  };

  set_level (server, sup, "{\"level\":\"full\",\"reason\":\"Землетрясение\"}");

  for (guint i = 0; i < 2001; i++)
    g_string_append (text, "я");
  too_long = g_strdup_printf ("{\"text\":\"%s\"}", text->str);
  g_string_truncate (text, 2000 * strlen ("я"));
  longest = g_strdup_printf ("{\"text\":\"%s\"}", text->str);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(Answer) answer = add_note (server, sup, NULL, bad[i].body);

      g_test_message ("%s", bad[i].body);
      g_assert_cmpuint (answer.status, ==, bad[i].status);
      if (bad[i].starts != NULL)
        {
          g_assert_cmpstr (member (&answer, "code"), ==, "invalid_field");
          g_assert_true (g_str_has_prefix (member (&answer, "message"), bad[i].starts));
        }
    }
  {
    g_auto(Answer) over = add_note (server, sup, NULL, too_long);
    g_auto(Answer) at_limit = add_note (server, sup, NULL, longest);
    g_auto(Answer) no_key = request (server, "POST", NOTES, sup, NULL, NULL, "{\"text\":\"Без ключа\"}");
    /* Line breaks and tabs are free text's own. */
    g_auto(Answer) lines = add_note (server, sup, NULL, "{\"text\":\"Первое;\\n\\tвторое\"}");

    g_assert_cmpuint (over.status, ==, 422);
    g_assert_true (g_str_has_prefix (member (&over, "message"), "text"));
    g_assert_cmpuint (at_limit.status, ==, 201);
    g_assert_cmpuint (no_key.status, ==, 428);
    g_assert_cmpuint (lines.status, ==, 201);
    g_assert_cmpstr (member (&lines, "text"), ==, "Первое;\n\tвторое");
  }
}

/* An episode end to end: the note is in the stream and in the journal
 * read from the episode's raised_at, between the level changes, the
 * dispatch and the plan's activation, as they happened. */
static void
test_in_order (Server        *server,
               gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *wall = login (server, "wall");
  g_autofree char *unit = create_unit (server, sup, "Журнал-1");
  g_autofree char *second = create_unit (server, sup, "Журнал-2");
  g_autofree char *incident = create_incident (server, sup);
  g_autofree char *raised_at = NULL;
  g_autofree char *note_id = NULL;
  g_autofree char *plan_id = NULL;
  g_autofree char *post_id = NULL;
  g_autoptr(GPtrArray) journal = NULL;
  g_autoptr(GPtrArray) streamed = g_ptr_array_new ();
  g_autofree char *journal_types = NULL;
  g_autofree char *stream_types = NULL;
  Stream stream = { 0 };
  gint64 last;

  stream_open (server, &stream, wall, snapshot_seq (server, wall));
  {
    g_auto(Answer) raised = request (server, "PUT", "/api/v1/readiness", sup, NULL, NULL,
                                     "{\"level\":\"raised\",\"reason\":\"Митинг\"}");
    g_assert_cmpuint (raised.status, ==, 200);
    raised_at = g_strdup (member (&raised, "raised_at"));
  }
  {
    g_autofree char *body = g_strdup_printf ("{\"unit_id\":\"%s\",\"incident_id\":\"%s\"}", unit, incident);
    g_autofree char *key = g_uuid_string_random ();
    g_auto(Answer) dispatch = request (server, "POST", "/api/v1/dispatches", sup, key, NULL, body);
    g_assert_cmpuint (dispatch.status, ==, 201);
  }
  {
    g_auto(Answer) note = add_note (server, sup, "note-1", "{\"text\":\"Беркут на месте\"}");
    /* The same key again is the same note, not a second one. */
    g_auto(Answer) again = add_note (server, sup, "note-1", "{\"text\":\"Беркут на месте\"}");

    g_assert_cmpuint (note.status, ==, 201);
    g_assert_cmpstr (member (&note, "raised_at"), ==, raised_at);
    note_id = g_strdup (member (&note, "id"));
    g_assert_cmpuint (again.status, ==, 201);
    g_assert_cmpstr (member (&again, "id"), ==, note_id);
  }
  {
    g_autofree char *key = g_uuid_string_random ();
    g_auto(Answer) plan = request (server, "POST", "/api/v1/plans", sup, key, NULL,
                                   "{\"name\":\"Площадь\",\"posts\":[{\"name\":\"Вход\","
                                   "\"location\":{\"lat\":43.2389,\"lon\":76.9453},\"units_needed\":1}]}");
    JsonArray *posts;

    g_assert_cmpuint (plan.status, ==, 201);
    plan_id = g_strdup (member (&plan, "id"));
    posts = json_object_get_array_member (json_node_get_object (plan.body), "posts");
    post_id = g_strdup (json_object_get_string_member (json_array_get_object_element (posts, 0), "id"));
  }
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/plans/%s/activation", plan_id);
    g_autofree char *body = g_strdup_printf ("{\"assignments\":[{\"post_id\":\"%s\",\"unit_id\":\"%s\"}]}",
                                             post_id, second);
    g_autofree char *key = g_uuid_string_random ();
    g_auto(Answer) activated = request (server, "POST", path, sup, key, NULL, body);
    g_assert_cmpuint (activated.status, ==, 201);
  }
  set_level (server, sup, "{\"level\":\"full\",\"reason\":\"Толпа растёт\"}");
  {
    g_auto(Answer) note = add_note (server, sup, NULL, "{\"text\":\"Просим подкрепление\"}");

    g_assert_cmpuint (note.status, ==, 201);
    g_assert_cmpstr (member (&note, "level"), ==, "full");
    /* Moving between raised levels keeps the episode. */
    g_assert_cmpstr (member (&note, "raised_at"), ==, raised_at);
  }
  set_level (server, sup, "{\"level\":\"normal\",\"reason\":\"Разошлись\"}");

  last = snapshot_seq (server, wall);
  g_assert_true (stream_wait_seq (&stream, last));
  for (guint i = 0; i < stream.events->len; i++)
    g_ptr_array_add (streamed, stream.events->pdata[i]);
  stream_types = log_types (streamed);

  journal = read_journal (server, wall, raised_at);
  journal_types = log_types (journal);

  g_assert_cmpstr (journal_types, ==,
                   "readiness.changed dispatch.created note:Беркут на месте dispatch.created plan.activated "
                   "readiness.changed note:Просим подкрепление readiness.changed");
  g_assert_cmpstr (stream_types, ==, journal_types);

  /* The note in the journal is the note as answered, who and when. */
  for (guint i = 0; i < journal->len; i++)
    if (g_str_equal (type_of (journal->pdata[i]), "note.added"))
      {
        JsonObject *note = json_object_get_object_member (json_node_get_object (journal->pdata[i]), "note");
        g_autoptr(GDateTime) at = NULL;

        g_assert_cmpstr (json_object_get_string_member (note, "id"), ==, note_id);
        g_assert_cmpstr (json_object_get_string_member (note, "by"), ==, "sup");
        g_assert_cmpstr (json_object_get_string_member (note, "level"), ==, "raised");
        at = g_date_time_new_from_iso8601 (json_object_get_string_member (note, "at"), NULL);
        g_assert_nonnull (at);
        break;
      }
  stream_close (&stream);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  server_fixture_init ();

#define ADD(path, func) g_test_add (path, Server, NULL, server_setup, func, server_teardown)
  ADD ("/crisis-log/roles", test_roles);
  ADD ("/crisis-log/normal-refused", test_normal_refused);
  ADD ("/crisis-log/bad-text", test_bad_text);
  ADD ("/crisis-log/in-order", test_in_order);
#undef ADD

  return g_test_run ();
}
