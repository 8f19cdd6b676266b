/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The audit trail as an administrator and an attacker see it (docs/api.md,
 * "Audit trail"; issue 18, items 1 and 6): logins, writes with the entity
 * before and after, readiness and reads of the trail recorded; the chain
 * recomputed from the documented canonical text; `dozorctl audit verify`
 * naming the first record that was modified, deleted or moved in the
 * stopped server's file; retention that leaves a chain that verifies.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "dozor-store.h"
#include "dozor-db.h"
#include "server-fixture.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define WRONG_LOGIN "{\"username\":\"sup\",\"password\":\"not the password\"}"
#define RAISED "{\"level\":\"raised\",\"reason\":\"Футбол на Центральном стадионе\"}"

/* The canonical text of docs/api.md, written from the page, not from
 * dozord's code: members in this order, strings with only '"', '\' and
 * C0 controls escaped. */
static const char *const canonical_members[] = {
  "seq", "time", "username", "role", "address", "client", "action", "entity_type", "entity_id",
  "status", "before", "after", "prev_hash",
};

static char *
documented_hash (JsonObject *record)
{
  g_autoptr(GString) text = g_string_new ("{");

  for (guint m = 0; m < G_N_ELEMENTS (canonical_members); m++)
    {
      JsonNode *value = json_object_get_member (record, canonical_members[m]);

      g_assert_nonnull (value);
      g_string_append_printf (text, "%s\"%s\":", m > 0 ? "," : "", canonical_members[m]);
      if (JSON_NODE_HOLDS_NULL (value))
        g_string_append (text, "null");
      else if (json_node_get_value_type (value) == G_TYPE_INT64)
        g_string_append_printf (text, "%" G_GINT64_FORMAT, json_node_get_int (value));
      else
        {
          const char *s = json_node_get_string (value);

          g_string_append_c (text, '"');
          for (gsize i = 0; s[i] != '\0'; i++)
            {
              guchar c = (guchar) s[i];

              if (c == '"' || c == '\\')
                g_string_append_printf (text, "\\%c", c);
              else if (c < 0x20)
                g_string_append_printf (text, "\\u%04x", c);
              else
                g_string_append_c (text, (char) c);
            }
          g_string_append_c (text, '"');
        }
    }
  g_string_append_c (text, '}');
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text->str, text->len);
}

static JsonArray *
audit_page (Server     *server,
            const char *token,
            const char *query,
            Answer     *answer)
{
  g_autofree char *path = g_strconcat ("/api/v1/audit", query, NULL);

  *answer = request (server, "GET", path, token, NULL, NULL, NULL);
  g_assert_cmpuint (answer->status, ==, 200);
  return json_object_get_array_member (json_node_get_object (answer->body), "records");
}

/* The last record whose @member is @value. */
static JsonObject *
find_record (JsonArray  *records,
             const char *member,
             const char *value)
{
  for (guint i = json_array_get_length (records); i > 0; i--)
    {
      JsonObject *record = json_array_get_object_element (records, i - 1);

      if (g_strcmp0 (json_object_get_string_member_with_default (record, member, NULL), value) == 0)
        return record;
    }
  g_assert_not_reached ();
}

/* An entity the record holds as JSON text (docs/api.md: the hashed bytes). */
static JsonObject *
entity_of (JsonObject *record,
           const char *member,
           JsonNode  **root)
{
  const char *text = json_object_get_string_member (record, member);

  *root = json_from_string (text, NULL);
  g_assert_nonnull (*root);
  return json_node_get_object (*root);
}

static Answer
send_as (Server     *server,
         const char *method,
         const char *path,
         const char *token,
         const char *agent,
         const char *body)
{
  g_autoptr(SoupMessage) msg = new_request (server, method, path, token, body);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *key = g_uuid_string_random ();

  soup_message_headers_replace (soup_message_get_request_headers (msg), "User-Agent", agent);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", key);
  bytes = soup_session_send_and_read (server->session, msg, NULL, &error);
  g_assert_no_error (error);
  return finish (msg, bytes);
}

/* Logins, a dispatch, a unit's change, readiness, a refusal and reading
 * the trail, each with who, from where, what and the entity around it. */
static void
test_records (Server        *server,
              gconstpointer  data)
{
  g_autofree char *sup = NULL;
  g_autofree char *wall = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *unit = NULL;
  g_autofree char *incident = NULL;
  g_autofree char *dispatch_body = NULL;
  g_autofree char *unit_path = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_auto(Answer) failed = { 0 };
  g_auto(Answer) dispatch = { 0 };
  g_auto(Answer) patch = { 0 };
  g_auto(Answer) stale = { 0 };
  g_auto(Answer) raise = { 0 };
  g_auto(Answer) refused = { 0 };
  g_auto(Answer) logout = { 0 };
  g_auto(Answer) fixed = { 0 };
  g_autofree char *op = NULL;
  g_autofree char *tracker = NULL;
  g_autofree char *fix = NULL;
  g_autoptr(GDateTime) clock = g_date_time_new_now_utc ();
  g_autofree char *now = g_date_time_format_iso8601 (clock);
  g_auto(Answer) page = { 0 };
  g_auto(Answer) again = { 0 };
  JsonArray *records;
  JsonObject *record;
  const char *prev = GENESIS;

  add_user (server, "admin", "admin");
  failed = request (server, "POST", "/api/v1/session", NULL, NULL, NULL, WRONG_LOGIN);
  g_assert_cmpuint (failed.status, ==, 401);
  sup = login (server, "sup");
  wall = login (server, "wall");
  admin = login (server, "admin");
  op = login (server, "op");
  tracker = login (server, "tracker");
  unit = create_unit (server, sup, "Беркут-7");
  incident = create_incident (server, sup);

  dispatch_body = g_strdup_printf ("{\"unit_id\":\"%s\",\"incident_id\":\"%s\"}", unit, incident);
  dispatch = send_as (server, "POST", "/api/v1/dispatches", sup, "dozor-board/1.4 (test)", dispatch_body);
  g_assert_cmpuint (dispatch.status, ==, 201);
  unit_path = g_strconcat ("/api/v1/units/", unit, NULL);
  patch = request (server, "PATCH", unit_path, sup, NULL, "2", "{\"crew\":[\"Ахметов\"]}");
  g_assert_cmpuint (patch.status, ==, 200);
  stale = request (server, "PATCH", unit_path, sup, NULL, "1", "{\"crew\":[]}");
  g_assert_cmpuint (stale.status, ==, 412);
  raise = request (server, "PUT", "/api/v1/readiness", sup, NULL, NULL, RAISED);
  g_assert_cmpuint (raise.status, ==, 200);
  refused = request (server, "GET", "/api/v1/audit", wall, NULL, NULL, NULL);
  g_assert_cmpuint (refused.status, ==, 403);
  logout = request (server, "DELETE", "/api/v1/session", op, NULL, NULL, NULL);
  g_assert_cmpuint (logout.status, ==, 200);
  fix = g_strdup_printf ("{\"positions\":[{\"unit_id\":\"%s\",\"lat\":43.25,\"lon\":76.95,\"time\":\"%s\"}]}",
                         unit, now);
  fixed = request (server, "POST", "/api/v1/positions", tracker, NULL, NULL, fix);
  g_assert_cmpuint (fixed.status, ==, 202);

  records = audit_page (server, admin, "", &page);

  /* Gapless from 1, each chained to the one before by the documented hash. */
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      g_autofree char *hash = NULL;

      record = json_array_get_object_element (records, i);
      g_assert_cmpint (json_object_get_int_member (record, "seq"), ==, i + 1);
      g_assert_cmpstr (json_object_get_string_member (record, "prev_hash"), ==, prev);
      hash = documented_hash (record);
      g_assert_cmpstr (hash, ==, json_object_get_string_member (record, "hash"));
      prev = json_object_get_string_member (record, "hash");
    }

  record = find_record (records, "action", "login.failed");
  g_assert_cmpstr (json_object_get_string_member (record, "username"), ==, "sup");
  g_assert_true (json_object_get_null_member (record, "role"));
  g_assert_cmpint (json_object_get_int_member (record, "status"), ==, 401);
  g_assert_cmpstr (json_object_get_string_member (record, "address"), ==, "127.0.0.1");

  /* A user made on the file by dozorctl, by the system account that ran it. */
  record = find_record (records, "action", "dozorctl user add");
  g_assert_cmpstr (json_object_get_string_member (record, "entity_id"), ==, "admin");
  g_assert_cmpstr (json_object_get_string_member (record, "username"), ==, g_get_user_name ());
  g_assert_cmpint (json_object_get_int_member (record, "status"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (entity_of (record, "after", &after), "role"), ==, "admin");
  g_clear_pointer (&after, json_node_unref);

  record = find_record (records, "action", "login.ok");
  g_assert_cmpstr (json_object_get_string_member (record, "username"), ==, "tracker");
  g_assert_cmpstr (json_object_get_string_member (record, "role"), ==, "tracker");
  g_assert_cmpint (json_object_get_int_member (record, "status"), ==, 200);

  /* A create: nothing before, the dispatch after, and who sent it with what. */
  record = find_record (records, "action", "POST /api/v1/dispatches");
  g_assert_cmpstr (json_object_get_string_member (record, "username"), ==, "sup");
  g_assert_cmpstr (json_object_get_string_member (record, "role"), ==, "supervisor");
  g_assert_cmpstr (json_object_get_string_member (record, "client"), ==, "dozor-board/1.4 (test)");
  g_assert_cmpstr (json_object_get_string_member (record, "entity_type"), ==, "dispatch");
  g_assert_cmpstr (json_object_get_string_member (record, "entity_id"), ==, member (&dispatch, "id"));
  g_assert_cmpint (json_object_get_int_member (record, "status"), ==, 201);
  g_assert_true (json_object_get_null_member (record, "before"));
  g_assert_cmpstr (json_object_get_string_member (entity_of (record, "after", &after), "unit_id"), ==, unit);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (after), "status"), ==, "active");
  g_clear_pointer (&after, json_node_unref);

  /* A change: the unit as it was and as it became. */
  record = NULL;
  for (guint i = 0; i < json_array_get_length (records); i++)
    if (g_str_has_prefix (json_object_get_string_member (json_array_get_object_element (records, i), "action"),
                          "PATCH /api/v1/units/") &&
        json_object_get_int_member (json_array_get_object_element (records, i), "status") == 200)
      record = json_array_get_object_element (records, i);
  g_assert_cmpstr (json_object_get_string_member (record, "entity_id"), ==, unit);
  g_assert_cmpint (json_object_get_int_member (entity_of (record, "before", &before), "version"), ==, 2);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (json_node_get_object (before), "crew")), ==, 0);
  g_assert_cmpint (json_object_get_int_member (entity_of (record, "after", &after), "version"), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (json_node_get_object (after), "crew"), 0),
                   ==, "Ахметов");
  g_clear_pointer (&before, json_node_unref);
  g_clear_pointer (&after, json_node_unref);

  /* A refused change is on record too, with nothing after it. */
  record = NULL;
  for (guint i = 0; i < json_array_get_length (records); i++)
    if (json_object_get_int_member (json_array_get_object_element (records, i), "status") == 412)
      record = json_array_get_object_element (records, i);
  g_assert_cmpint (json_object_get_int_member (record, "status"), ==, 412);
  g_assert_cmpstr (json_object_get_string_member (record, "entity_id"), ==, unit);
  g_assert_cmpint (json_object_get_int_member (entity_of (record, "before", &before), "version"), ==, 3);
  g_assert_true (json_object_get_null_member (record, "after"));
  g_clear_pointer (&before, json_node_unref);

  record = find_record (records, "action", "PUT /api/v1/readiness");
  g_assert_cmpstr (json_object_get_string_member (record, "entity_type"), ==, "readiness");
  g_assert_cmpstr (json_object_get_string_member (entity_of (record, "before", &before), "level"), ==, "normal");
  g_assert_cmpstr (json_object_get_string_member (entity_of (record, "after", &after), "level"), ==, "raised");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (after), "reason"), ==,
                   "Футбол на Центральном стадионе");

  record = find_record (records, "action", "DELETE /api/v1/session");
  g_assert_cmpstr (json_object_get_string_member (record, "username"), ==, "op");
  g_assert_cmpint (json_object_get_int_member (record, "status"), ==, 200);

  /* Trackers' fixes are track history, not audit records (docs/decisions.md). */
  for (guint i = 0; i < json_array_get_length (records); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records, i), "action"), !=,
                     "POST /api/v1/positions");

  /* The wall's refused look is on record; the admin's own read is, once answered. */
  record = find_record (records, "action", "GET /api/v1/audit");
  g_assert_cmpstr (json_object_get_string_member (record, "username"), ==, "wall");
  g_assert_cmpint (json_object_get_int_member (record, "status"), ==, 403);

  records = audit_page (server, admin, "?limit=1000", &again);
  record = json_array_get_object_element (records, json_array_get_length (records) - 1);
  g_assert_cmpstr (json_object_get_string_member (record, "action"), ==, "GET /api/v1/audit");
  g_assert_cmpstr (json_object_get_string_member (record, "username"), ==, "admin");
  g_assert_cmpint (json_object_get_int_member (record, "status"), ==, 200);
}

/* Pages by record number, a window by time, and what is refused. */
static void
test_pages (Server        *server,
            gconstpointer  data)
{
  g_autofree char *admin = NULL;
  g_autofree char *next_query = NULL;
  g_auto(Answer) first = { 0 };
  g_auto(Answer) second = { 0 };
  g_auto(Answer) future = { 0 };
  g_auto(Answer) bad = { 0 };
  JsonArray *records;
  gint64 next;

  add_user (server, "admin", "admin");
  for (guint i = 0; i < 3; i++)
    g_free (login (server, "sup"));
  admin = login (server, "admin");

  records = audit_page (server, admin, "?limit=2", &first);
  g_assert_cmpuint (json_array_get_length (records), ==, 2);
  next = json_object_get_int_member (json_node_get_object (first.body), "next");
  g_assert_cmpint (next, ==, 2);
  next_query = g_strdup_printf ("?limit=2&after=%" G_GINT64_FORMAT, next);
  records = audit_page (server, admin, next_query, &second);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (records, 0), "seq"), ==, 3);

  records = audit_page (server, admin, "?from=2100-01-01T00:00:00Z", &future);
  g_assert_cmpuint (json_array_get_length (records), ==, 0);
  g_assert_true (json_object_get_null_member (json_node_get_object (future.body), "next"));

  bad = request (server, "GET", "/api/v1/audit?limit=0", admin, NULL, NULL, NULL);
  g_assert_cmpuint (bad.status, ==, 422);
  g_assert_cmpstr (member (&bad, "code"), ==, "invalid_field");
}

/* dozorctl audit verify on @db: its exit status and what it printed. */
static int
verify_noted (const char  *db,
              const char  *noted,
              char       **out)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) ctl = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "", TRUE);
  ctl = g_subprocess_launcher_spawn (launcher, &error, dozorctl_path, "--db", db, "audit", "verify",
                                     noted != NULL ? "--noted" : NULL, noted, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (ctl, NULL, NULL, out, NULL, &error));
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (ctl);
}

static int
verify (const char  *db,
        char       **out)
{
  return verify_noted (db, NULL, out);
}

/* A copy of the stopped server's file, to tamper with. */
static sqlite3 *
copy_of (Server     *server,
         const char *name,
         char      **path)
{
  sqlite3 *db = NULL;
  char *sql;

  *path = g_build_filename (server->dir, name, NULL);
  g_assert_cmpint (sqlite3_open (server->db, &db), ==, SQLITE_OK);
  sql = sqlite3_mprintf ("VACUUM INTO %Q", *path);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_free (sql);
  sqlite3_close (db);
  g_assert_cmpint (sqlite3_open (*path, &db), ==, SQLITE_OK);
  return db;
}

static void
exec_ok (sqlite3    *db,
         const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static void
assert_broken (const char *path,
               const char *expected)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (verify (path, &out), ==, 1);
  if (strstr (out, expected) == NULL)
    g_error ("dozorctl audit verify said “%s”, not “%s”", out, expected);
}

/* dozorctl audit export of the whole window, as JSON and as CSV: every
 * record, chained as documented. */
static void
assert_export (Server *server,
               guint   n_records)
{
  g_autofree char *json_path = g_build_filename (server->dir, "audit.json", NULL);
  g_autofree char *csv_path = g_build_filename (server->dir, "audit.csv", NULL);
  g_autofree char *csv = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  const char *prev = GENESIS;
  JsonArray *records;

  for (guint f = 0; f < 2; f++)
    {
      g_autoptr(GSubprocess) ctl =
        g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, dozorctl_path, "--db", server->db, "audit",
                          "export", "--from", "2000-01-01T00:00:00Z", "--format", f == 0 ? "json" : "csv", "-o",
                          f == 0 ? json_path : csv_path, NULL);

      g_assert_no_error (error);
      g_assert_true (g_subprocess_wait_check (ctl, NULL, &error));
      g_assert_no_error (error);
    }

  g_assert_true (json_parser_load_from_file (parser, json_path, &error));
  g_assert_no_error (error);
  records = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "records");
  /* The export holds the records read before the server stopped, and the
   * record of that read. */
  g_assert_cmpuint (json_array_get_length (records), ==, n_records + 1);
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *record = json_array_get_object_element (records, i);
      g_autofree char *hash = documented_hash (record);

      g_assert_cmpstr (json_object_get_string_member (record, "prev_hash"), ==, prev);
      g_assert_cmpstr (hash, ==, json_object_get_string_member (record, "hash"));
      prev = json_object_get_string_member (record, "hash");
    }

  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, &error));
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpstr (lines[0], ==, "seq,time,username,role,address,client,action,entity_type,entity_id,status,"
                                 "before,after,prev_hash,hash");
  g_assert_true (g_str_has_prefix (lines[1], "1,"));
  g_assert_true (g_str_has_suffix (lines[1], json_object_get_string_member (json_array_get_object_element (records, 0),
                                                                            "hash")));
}

/* Item 6: a modified, a deleted and a reordered record are each named;
 * a modification whose hash was made anew too; the untouched chain holds. */
static void
test_tamper (Server        *server,
             gconstpointer  data)
{
  g_autofree char *sup = NULL;
  g_autofree char *out = NULL;
  g_autofree char *modified = NULL;
  g_autofree char *deleted = NULL;
  g_autofree char *reordered = NULL;
  g_autofree char *rehashed = NULL;
  g_autofree char *guarded = NULL;
  g_autofree char *truncated = NULL;
  g_autofree char *noted = NULL;
  JsonObject *head;
  g_autofree char *admin = NULL;
  g_auto(Answer) page = { 0 };
  g_autoptr(JsonNode) third = NULL;
  g_autofree char *new_hash = NULL;
  char *sql;
  JsonArray *records;
  sqlite3 *db;

  add_user (server, "admin", "admin");
  sup = login (server, "sup");
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *call_sign = g_strdup_printf ("Сункар-%u", i);

      g_free (create_unit (server, sup, call_sign));
    }
  admin = login (server, "admin");
  records = audit_page (server, admin, "", &page);
  g_assert_cmpuint (json_array_get_length (records), >=, 6);
  third = json_node_copy (json_array_get_element (records, 2));
  server_stop (server, SIGTERM);

  g_assert_cmpint (verify (server->db, &out), ==, 0);
  g_assert_nonnull (strstr (out, "intact"));
  assert_export (server, json_array_get_length (records));

  /* The guards stop a plain UPDATE or DELETE; an owner of the file drops them. */
  db = copy_of (server, "guarded.sqlite", &guarded);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE audit SET username = 'sup2' WHERE seq = 3", NULL, NULL, NULL), !=,
                   SQLITE_OK);
  g_assert_nonnull (strstr (sqlite3_errmsg (db), "never changed"));
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM audit WHERE seq = 4", NULL, NULL, NULL), !=, SQLITE_OK);
  sqlite3_close (db);
  g_assert_cmpint (verify (guarded, &out), ==, 0);

  db = copy_of (server, "modified.sqlite", &modified);
  exec_ok (db, "DROP TRIGGER audit_never_changed; UPDATE audit SET username = 'sup2' WHERE seq = 3");
  sqlite3_close (db);
  assert_broken (modified, "record 3: modified");

  db = copy_of (server, "deleted.sqlite", &deleted);
  exec_ok (db, "DROP TRIGGER audit_deleted_only_to_anchor; DELETE FROM audit WHERE seq = 4");
  sqlite3_close (db);
  assert_broken (deleted, "record 4: missing");

  db = copy_of (server, "reordered.sqlite", &reordered);
  exec_ok (db, "DROP TRIGGER audit_never_changed;"
               " UPDATE audit SET seq = -1 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 5;"
               " UPDATE audit SET seq = 5 WHERE seq = -1");
  sqlite3_close (db);
  assert_broken (reordered, "record 3: out of order");

  /* Record 3 changed and given a hash that fits it: record 4 no longer
   * follows it, and verify names record 3. */
  json_object_set_string_member (json_node_get_object (third), "username", "sup2");
  new_hash = documented_hash (json_node_get_object (third));
  db = copy_of (server, "rehashed.sqlite", &rehashed);
  sql = sqlite3_mprintf ("DROP TRIGGER audit_never_changed;"
                         " UPDATE audit SET username = 'sup2', hash = %Q WHERE seq = 3", new_hash);
  exec_ok (db, sql);
  sqlite3_free (sql);
  sqlite3_close (db);
  assert_broken (rehashed, "record 3: modified");

  /* The newest records cut off: the chain that is left holds, and only a
   * record noted before, its number and hash, shows what is gone. */
  head = json_array_get_object_element (records, json_array_get_length (records) - 1);
  noted = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", json_object_get_int_member (head, "seq"),
                           json_object_get_string_member (head, "hash"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (verify_noted (server->db, noted, &out), ==, 0);
  g_assert_nonnull (strstr (out, "still has the hash noted"));
  db = copy_of (server, "truncated.sqlite", &truncated);
  sql = sqlite3_mprintf ("DROP TRIGGER audit_deleted_only_to_anchor; DELETE FROM audit WHERE seq >= %lld",
                         (long long) json_object_get_int_member (head, "seq") - 1);
  exec_ok (db, sql);
  sqlite3_free (sql);
  sqlite3_close (db);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (verify (truncated, &out), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (verify_noted (truncated, noted, &out), ==, 1);
  g_assert_nonnull (strstr (out, "records were cut from its end"));
}

/* Retention deletes the oldest records and anchors the chain at the last
 * of them: what is left, and what is added after, verifies. */
static void
test_retention (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dozor-audit-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "store.sqlite", NULL);
  g_autofree char *out = NULL;
  g_autofree char *cutoff = NULL;
  g_autoptr(DozorStore) store = NULL;
  g_autoptr(GError) error = NULL;
  DozorAuditEntry entry = { "sup", "supervisor", "127.0.0.1", NULL, "PUT /api/v1/readiness",
                            "readiness", NULL, 200, "{\"level\":\"normal\"}", "{\"level\":\"raised\"}" };
  sqlite3 *db;

  store = dozor_store_open (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 6; i++)
    {
      g_assert_true (dozor_store_begin (store, &error));
      g_assert_true (dozor_store_audit_append (store, &entry, &error));
      g_ptr_array_unref (dozor_store_commit (store, &error));
      g_assert_no_error (error);
      /* Times a microsecond apart at least, so that the cut falls between. */
      g_usleep (2000);
    }

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT time FROM audit WHERE seq = 5", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    cutoff = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
  }

  g_assert_cmpuint (dozor_store_prune_audit (store, cutoff, &error), ==, 4);
  g_assert_no_error (error);
  g_assert_cmpint (verify (path, &out), ==, 0);
  g_assert_nonnull (strstr (out, "2 records verified"));
  g_clear_pointer (&out, g_free);

  /* Appended after the cut, still one chain. */
  g_assert_true (dozor_store_begin (store, &error));
  g_assert_true (dozor_store_audit_append (store, &entry, &error));
  g_ptr_array_unref (dozor_store_commit (store, &error));
  g_assert_cmpint (verify (path, &out), ==, 0);
  g_assert_nonnull (strstr (out, "3 records verified"));

  /* Only retention deletes, and only up to the anchor it moved. */
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM audit WHERE seq = 5", NULL, NULL, NULL), !=, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE audit_anchor SET seq = 3", NULL, NULL, NULL), !=, SQLITE_OK);
  sqlite3_close (db);

  /* Deleting the anchored chain's first record anyway is seen. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  exec_ok (db, "DROP TRIGGER audit_deleted_only_to_anchor; DELETE FROM audit WHERE seq = 5");
  sqlite3_close (db);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (verify (path, &out), ==, 1);
  g_assert_nonnull (strstr (out, "record 5: missing"));

  g_clear_object (&store);
  for (guint i = 0; i < 3; i++)
    {
      static const char *const suffixes[] = { "", "-wal", "-shm" };
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_remove (file);
    }
  g_rmdir (dir);
}

/* Less than a year of audit is refused at start. */
static void
test_retention_minimum (void)
{
  g_autoptr(GSubprocess) dozord = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("dozor-audit-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "store.sqlite", NULL);

  dozord = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                             dozord_path, "--db", path, "--listen", "127.0.0.1:0", "--retain-audit-days", "365",
                             NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (dozord, NULL, &error));
  g_assert_cmpint (g_subprocess_get_exit_status (dozord), ==, 2);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
}

/* A successful login's session and its record are one commit: when the
 * record cannot be written, no session is opened and the client is told
 * (docs/api.md, "Audit trail"). A failed login is still recorded. */
static gint64
count_sessions (DozorDb *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorDbStmt) stmt = dozor_db_prepare (db, "SELECT count(*) FROM sessions", &error);

  g_assert_no_error (error);
  g_assert_cmpint (dozor_db_step (stmt), ==, DOZOR_DB_ROW);
  return dozor_db_column_int64 (stmt, 0);
}

static void
test_login_one_commit (Server        *server,
                       gconstpointer  data)
{
  g_autofree char *admin = NULL;
  g_auto(Answer) refused = { 0 };
  g_auto(Answer) page = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorDb) db = NULL;
  gboolean postgres;
  gint64 sessions_before, sessions_after;
  JsonArray *records;
  JsonObject *record;

  add_user (server, "admin", "admin");
  admin = login (server, "admin");
  /* The disk's refusal, as each store's trigger raises it. */
  db = dozor_db_open (server->db, DOZOR_DB_OPEN_READ_WRITE, &error);
  g_assert_no_error (error);
  postgres = dozor_db_get_kind (db) == DOZOR_DB_POSTGRES;
  dozor_db_exec (db,
                 postgres ? "CREATE FUNCTION refuse_login_ok() RETURNS trigger LANGUAGE plpgsql AS $$"
                            " BEGIN RAISE EXCEPTION 'the disk refuses'; END $$;"
                            " CREATE TRIGGER refuse_login_ok BEFORE INSERT ON audit FOR EACH ROW"
                            " WHEN (NEW.action = 'login.ok') EXECUTE FUNCTION refuse_login_ok()"
                          : "CREATE TRIGGER refuse_login_ok BEFORE INSERT ON audit WHEN NEW.action = 'login.ok'"
                            " BEGIN SELECT RAISE(ABORT, 'the disk refuses'); END",
                 &error);
  g_assert_no_error (error);
  sessions_before = count_sessions (db);

  refused = request (server, "POST", "/api/v1/session", NULL, NULL, NULL,
                     "{\"username\":\"sup\",\"password\":\"correct horse battery\"}");
  g_assert_cmpuint (refused.status, ==, 503);
  g_assert_false (refused.body != NULL && JSON_NODE_HOLDS_OBJECT (refused.body) &&
                  json_object_has_member (json_node_get_object (refused.body), "token"));
  sessions_after = count_sessions (db);
  g_assert_cmpint (sessions_after, ==, sessions_before);

  dozor_db_exec (db,
                 postgres ? "DROP TRIGGER refuse_login_ok ON audit; DROP FUNCTION refuse_login_ok()"
                          : "DROP TRIGGER refuse_login_ok",
                 &error);
  g_assert_no_error (error);
  g_clear_pointer (&db, dozor_db_close);
  g_free (login (server, "sup"));

  records = audit_page (server, admin, "?limit=1000", &page);
  record = find_record (records, "action", "login.failed");
  g_assert_cmpstr (json_object_get_string_member (record, "username"), ==, "sup");
  g_assert_cmpint (json_object_get_int_member (record, "status"), ==, 503);
  record = find_record (records, "action", "login.ok");
  g_assert_cmpstr (json_object_get_string_member (record, "username"), ==, "sup");
  g_assert_cmpstr (json_object_get_string_member (record, "role"), ==, "supervisor");
  g_assert_cmpstr (json_object_get_string_member (record, "address"), ==, "127.0.0.1");
  g_assert_cmpint (json_object_get_int_member (record, "status"), ==, 200);
}

/* The shift's records are entities like any other: a message's "what was
 * done" written later and an orientation cancelled carry what they were
 * and what they became. */
static void
test_record_changes (Server        *server,
                     gconstpointer  data)
{
  g_autofree char *admin = NULL;
  g_autofree char *op = login (server, "op");
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *key2 = g_uuid_string_random ();
  g_autofree char *message_path = NULL;
  g_autofree char *cancel_path = NULL;
  g_autofree char *action = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_auto(Answer) message = { 0 };
  g_auto(Answer) updated = { 0 };
  g_auto(Answer) orientation = { 0 };
  g_auto(Answer) cancelled = { 0 };
  g_auto(Answer) page = { 0 };
  JsonArray *records;
  JsonObject *record;

  add_user (server, "admin", "admin");
  admin = login (server, "admin");
  message = request (server, "POST", "/api/v1/messages", op, key, NULL,
                     "{\"direction\":\"in\",\"kind\":\"telegram\",\"sender\":\"ДП г. Алматы\","
                     "\"addressee\":\"Дежурная часть\",\"summary\":\"Усилить охрану у театра\"}");
  g_assert_cmpuint (message.status, ==, 201);
  message_path = g_strdup_printf ("/api/v1/messages/%s", member (&message, "id"));
  updated = request (server, "PATCH", message_path, op, NULL, "1", "{\"action\":\"Наряды оповещены\"}");
  g_assert_cmpuint (updated.status, ==, 200);
  orientation = request (server, "POST", "/api/v1/orientations", op, key2, NULL,
                         "{\"kind\":\"vehicle\",\"plate\":\"777 ABA 02\",\"description\":\"Toyota Camry\","
                         "\"issued_by\":\"ДП г. Алматы\"}");
  g_assert_cmpuint (orientation.status, ==, 201);
  cancel_path = g_strdup_printf ("/api/v1/orientations/%s/cancellation", member (&orientation, "id"));
  cancelled = request (server, "POST", cancel_path, op, NULL, "1", "{\"reason\":\"Автомобиль найден\"}");
  g_assert_cmpuint (cancelled.status, ==, 200);

  records = audit_page (server, admin, "?limit=1000", &page);
  record = find_record (records, "action", "POST /api/v1/messages");
  g_assert_cmpstr (json_object_get_string_member (record, "entity_type"), ==, "message");
  g_assert_cmpstr (json_object_get_string_member (record, "entity_id"), ==, member (&message, "id"));
  g_assert_true (json_object_get_null_member (record, "before"));
  g_assert_cmpstr (json_object_get_string_member (entity_of (record, "after", &after), "summary"), ==,
                   "Усилить охрану у театра");
  g_clear_pointer (&after, json_node_unref);

  action = g_strconcat ("PATCH ", message_path, NULL);
  record = find_record (records, "action", action);
  g_assert_cmpstr (json_object_get_string_member (record, "username"), ==, "op");
  g_assert_cmpint (json_object_get_int_member (entity_of (record, "before", &before), "version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (before), "action"), ==, "");
  g_assert_cmpint (json_object_get_int_member (entity_of (record, "after", &after), "version"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (after), "action"), ==, "Наряды оповещены");
  g_clear_pointer (&before, json_node_unref);
  g_clear_pointer (&after, json_node_unref);

  g_free (action);
  action = g_strconcat ("POST ", cancel_path, NULL);
  record = find_record (records, "action", action);
  g_assert_cmpstr (json_object_get_string_member (record, "entity_type"), ==, "orientation");
  g_assert_true (json_object_get_boolean_member (entity_of (record, "before", &before), "active"));
  g_assert_false (json_object_get_boolean_member (entity_of (record, "after", &after), "active"));
}

/* Who took a stretch of the log (the journal, a replay) or the duty
 * roster as CSV is on record, as for reports. */
static void
test_document_reads (Server        *server,
                     gconstpointer  data)
{
  g_autofree char *admin = NULL;
  g_autofree char *sup = login (server, "sup");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) earlier = g_date_time_add_seconds (now, -1);
  g_autofree char *from = g_date_time_format_iso8601 (earlier);
  g_autofree char *to = g_date_time_format_iso8601 (now);
  g_autofree char *replay = NULL;
  g_auto(Answer) journal = { 0 };
  g_auto(Answer) roster = { 0 };
  g_auto(Answer) replayed = { 0 };
  g_auto(Answer) page = { 0 };
  JsonArray *records;
  JsonObject *record;

  add_user (server, "admin", "admin");
  admin = login (server, "admin");
  journal = request (server, "GET", "/api/v1/journal?limit=10", sup, NULL, NULL, NULL);
  g_assert_cmpuint (journal.status, ==, 200);
  roster = request (server, "GET", "/api/v1/roster/export", sup, NULL, NULL, NULL);
  g_assert_cmpuint (roster.status, ==, 200);
  replay = g_strdup_printf ("/api/v1/replay?from=%s&to=%s", from, to);
  replayed = request (server, "GET", replay, sup, NULL, NULL, NULL);
  g_assert_cmpuint (replayed.status, !=, 0);

  records = audit_page (server, admin, "?limit=1000", &page);
  record = find_record (records, "action", "GET /api/v1/journal");
  g_assert_cmpstr (json_object_get_string_member (record, "username"), ==, "sup");
  g_assert_cmpint (json_object_get_int_member (record, "status"), ==, 200);
  record = find_record (records, "action", "GET /api/v1/roster/export");
  g_assert_cmpstr (json_object_get_string_member (record, "username"), ==, "sup");
  g_assert_cmpint (json_object_get_int_member (record, "status"), ==, 200);
  record = find_record (records, "action", "GET /api/v1/replay");
  g_assert_cmpstr (json_object_get_string_member (record, "username"), ==, "sup");
  g_assert_cmpint (json_object_get_int_member (record, "status"), ==, replayed.status);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  server_fixture_init ();

#define ADD(path, func) g_test_add (path, Server, NULL, server_setup, func, server_teardown)
  ADD ("/audit/records", test_records);
  ADD ("/audit/pages", test_pages);
  ADD ("/audit/tamper", test_tamper);
  ADD ("/audit/login-one-commit", test_login_one_commit);
  ADD ("/audit/record-changes", test_record_changes);
  ADD ("/audit/document-reads", test_document_reads);
#undef ADD
  g_test_add_func ("/audit/retention", test_retention);
  g_test_add_func ("/audit/retention-minimum", test_retention_minimum);

  return g_test_run ();
}
