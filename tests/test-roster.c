/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The duty roster against the real dozord (issue 17, item 1; docs/api.md,
 * "Duty roster"): a constructed shift whose flags are raised and cleared
 * exactly when the roster and the fixes call for it, as GET /roster, the
 * snapshot and the stream show them; the route an entry puts a unit on;
 * CSV import refused whole with the bad row's line, and export read back;
 * If-Match, overlaps and roles.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "server-fixture.h"

/* How long a unit on duty may go without a fix, for this test's dozord. */
#define NO_POSITION_S 3
/* Generous liveness bound for a flag the server checks once a second. */
#define WAIT_S 15
/* How far ahead the stray unit's fix is dated: fresh for 8 s after it is
 * sent, cleared well within WAIT_S of the wait for it. */
#define STRAY_AHEAD_S 5

static const char *const roster_args[] = { "--roster-no-position=3", NULL };

static void
roster_setup (Server        *server,
              gconstpointer  data)
{
  server->extra_args = roster_args;
  server_setup (server, data);
}

#define ROUTE_GEOMETRY "{\"type\":\"LineString\",\"coordinates\":[[76.88,43.26],[76.92,43.26]]}"

static char *
time_text (gint64 seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (seconds);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

/* A time as flags spell it: microseconds. */
static char *
exact_text (gint64 seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (seconds);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%S.%fZ");
}

static gint64
parse_time (const char *text)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (text, NULL);

  g_assert_nonnull (time);
  return g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
}

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
create_route (Server     *server,
              const char *token,
              const char *name)
{
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"geometry\":" ROUTE_GEOMETRY "}", name);
  g_auto(Answer) answer = request (server, "POST", "/api/v1/routes", token, key, NULL, body);

  g_assert_cmpuint (answer.status, ==, 201);
  return g_strdup (member (&answer, "id"));
}

static void
post_fix (Server     *server,
          const char *unit_id,
          gint64      time)
{
  g_autofree char *tracker = login (server, "tracker");
  g_autofree char *when = time_text (time);
  g_autofree char *body = g_strdup_printf ("{\"positions\":[{\"unit_id\":\"%s\",\"lat\":43.26,\"lon\":76.9,"
                                           "\"time\":\"%s\",\"speed\":5}]}", unit_id, when);
  g_auto(Answer) answer = request (server, "POST", "/api/v1/positions", tracker, NULL, NULL, body);

  g_assert_cmpuint (answer.status, ==, 202);
}

/* POST /roster for @unit_id from @from to @to; @extra more members. */
static Answer
draw (Server     *server,
      const char *token,
      const char *unit_id,
      gint64      from,
      gint64      to,
      const char *extra)
{
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *from_text = time_text (from);
  g_autofree char *to_text = time_text (to);
  g_autofree char *body = g_strdup_printf ("{\"shift_date\":\"2026-12-06\",\"from\":\"%s\",\"to\":\"%s\","
                                           "\"unit_id\":\"%s\"%s%s}", from_text, to_text, unit_id,
                                           extra != NULL ? "," : "", extra != NULL ? extra : "");

  return request (server, "POST", "/api/v1/roster", token, key, NULL, body);
}

static JsonObject *
object_of (Answer *answer)
{
  g_assert_nonnull (answer->body);
  return json_node_get_object (answer->body);
}

/* The flag of @kind for @unit_id in GET /roster; @open: only one not
 * cleared. Asserts there is at most one such. */
static JsonObject *
find_flag (JsonArray  *flags,
           const char *kind,
           const char *unit_id,
           gboolean    open)
{
  JsonObject *found = NULL;

  for (guint i = 0; i < json_array_get_length (flags); i++)
    {
      JsonObject *flag = json_array_get_object_element (flags, i);

      if (!g_str_equal (json_object_get_string_member (flag, "kind"), kind) ||
          !g_str_equal (json_object_get_string_member (flag, "unit_id"), unit_id))
        continue;
      if (open && !json_object_get_null_member (flag, "cleared_at"))
        continue;
      g_assert_null (found);
      found = flag;
    }
  return found;
}

/* GET /roster's flags, as the server holds them now. */
static JsonNode *
roster_flags (Server     *server,
              const char *token)
{
  g_auto(Answer) answer = request (server, "GET", "/api/v1/roster", token, NULL, NULL, NULL);

  g_assert_cmpuint (answer.status, ==, 200);
  return json_node_copy (json_object_get_member (object_of (&answer), "flags"));
}

/* Waits (bounded) until the flag is there (open) or cleared (!open);
 * returns it as it is then. */
static JsonObject *
wait_flag (Server     *server,
           const char *token,
           const char *kind,
           const char *unit_id,
           gboolean    open,
           JsonNode  **holder)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;

  for (guint turn = 0; turn < 200 && g_get_monotonic_time () < deadline; turn++)
    {
      JsonObject *flag;

      g_clear_pointer (holder, json_node_unref);
      *holder = roster_flags (server, token);
      flag = find_flag (json_node_get_array (*holder), kind, unit_id, FALSE);
      if (flag != NULL && (json_object_get_null_member (flag, "cleared_at") == open))
        return flag;
      g_usleep (G_USEC_PER_SEC / 10);
    }
  return NULL;
}

static void
test_flags (Server        *server,
            gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *wall = login (server, "wall");
  g_autofree char *reporting = create_unit (server, sup, "Беркут-1");
  g_autofree char *silent = create_unit (server, sup, "Беркут-2");
  g_autofree char *stray = create_unit (server, sup, "Беркут-3");
  g_autofree char *route = create_route (server, sup, "Алмалы-1");
  g_autoptr(JsonNode) holder = NULL;
  g_autofree char *silent_entry = NULL;
  g_autofree char *extra = g_strdup_printf ("\"route_id\":\"%s\",\"crew\":[{\"name\":\"Ахметов\",\"rank\":"
                                            "\"сержант\",\"personal_number\":\"А-1\"}],\"vehicle\":\"123 ABC 02\","
                                            "\"radio\":\"Р-17\",\"weapons\":[\"ПМ 1234\"]", route);
  gint64 start = now_s () - 20;
  gint64 fix_time, stray_fix_time;
  JsonObject *flag;
  Stream stream = { 0 };

  stream_open (server, &stream, wall, snapshot_seq (server, sup));
  /* The unit that reports has a fresh fix when its shift is drawn. */
  fix_time = now_s ();
  post_fix (server, reporting, fix_time);

  /* A shift that began 20 s ago, drawn now: late. */
  {
    g_auto(Answer) entry = draw (server, sup, reporting, start, start + 3600, extra);
    JsonObject *object = object_of (&entry);

    g_assert_cmpuint (entry.status, ==, 201);
    g_assert_true (json_object_get_boolean_member (object, "drawn_late"));
    g_assert_cmpstr (json_object_get_string_member (object, "created_by"), ==, "sup");
    g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (object, "weapons"), 0), ==,
                     "ПМ 1234");
  }
  {
    g_auto(Answer) entry = draw (server, sup, silent, start, start + 3600, NULL);

    g_assert_cmpuint (entry.status, ==, 201);
    silent_entry = g_strdup (member (&entry, "id"));
  }
  /* Drawn ahead of its shift: on time. */
  {
    g_auto(Answer) entry = draw (server, sup, silent, start + 7200, start + 9000, NULL);

    g_assert_cmpuint (entry.status, ==, 201);
    g_assert_false (json_object_get_boolean_member (object_of (&entry), "drawn_late"));
  }

  /* The route now judges the roster's unit in the roster's window. */
  {
    g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", wall, NULL, NULL, NULL);
    JsonArray *routes = json_object_get_array_member (object_of (&snapshot), "routes");
    JsonObject *first = json_array_get_object_element (routes, 0);
    g_autofree char *from = time_text (start);

    g_assert_cmpstr (json_object_get_string_member (first, "unit_id"), ==, reporting);
    g_assert_cmpstr (json_object_get_string_member (first, "shift_start"), ==, from);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object_of (&snapshot), "roster")), ==, 3);
  }

  /* The stray unit reports while on no roster. Its fix is dated a little
   * ahead, by the test's clock, as the silent one's below: a fix dated
   * at fix_time, seconds back by now on a loaded machine (a login, three
   * entries), could be older than the 3 s that make a unit reporting
   * before the server's next check, and no flag would ever be raised. */
  stray_fix_time = now_s () + STRAY_AHEAD_S;
  post_fix (server, stray, stray_fix_time);

  /* The silent unit: no fix since its shift began, so flagged at the
   * shift's start plus 3 s, which is past. */
  flag = wait_flag (server, wall, "no_position", silent, TRUE, &holder);
  g_assert_nonnull (flag);
  {
    g_autofree char *since = exact_text (start + NO_POSITION_S);

    g_assert_cmpstr (json_object_get_string_member (flag, "since"), ==, since);
    g_assert_cmpstr (json_object_get_string_member (flag, "entry_id"), ==, silent_entry);
  }
  flag = wait_flag (server, wall, "not_on_roster", stray, TRUE, &holder);
  g_assert_nonnull (flag);
  g_assert_true (json_object_get_null_member (flag, "entry_id"));
  flag = wait_flag (server, wall, "drawn_late", reporting, TRUE, &holder);
  g_assert_nonnull (flag);
  g_assert_nonnull (wait_flag (server, wall, "drawn_late", silent, TRUE, &holder));
  /* The unit that reports is not silent yet: its fix is fresh. The wait
   * above took less than the 3 s unless the machine stalled; then the
   * flag's since must say so. */
  flag = find_flag (json_node_get_array (holder), "no_position", reporting, FALSE);
  if (flag != NULL)
    g_assert_cmpint (parse_time (json_object_get_string_member (flag, "since")), ==,
                     (fix_time + NO_POSITION_S) * G_USEC_PER_SEC);

  /* The reporting unit falls silent: flagged 3 s after its last fix. */
  flag = wait_flag (server, wall, "no_position", reporting, TRUE, &holder);
  g_assert_nonnull (flag);
  g_assert_cmpint (parse_time (json_object_get_string_member (flag, "since")), ==,
                   (fix_time + NO_POSITION_S) * G_USEC_PER_SEC);

  /* The stray unit stops reporting: its flag clears, not before 3 s. */
  flag = wait_flag (server, wall, "not_on_roster", stray, FALSE, &holder);
  g_assert_nonnull (flag);
  g_assert_cmpint (parse_time (json_object_get_string_member (flag, "cleared_at")), >=,
                   (stray_fix_time + NO_POSITION_S) * G_USEC_PER_SEC);

  /* A fix clears the silent unit's flag. Dated a minute ahead (the
   * server takes 5), so that it stays fresh whatever the machine's pace
   * and the flag is not raised again before the entry is deleted. */
  post_fix (server, silent, now_s () + 60);
  flag = wait_flag (server, wall, "no_position", silent, FALSE, &holder);
  g_assert_nonnull (flag);

  /* What is open, every board sees alike in the snapshot. */
  {
    g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", wall, NULL, NULL, NULL);
    JsonArray *open = json_object_get_array_member (object_of (&snapshot), "roster_flags");

    g_assert_nonnull (find_flag (open, "no_position", reporting, TRUE));
    g_assert_nonnull (find_flag (open, "drawn_late", silent, TRUE));
    g_assert_null (find_flag (open, "no_position", silent, TRUE));
    g_assert_null (find_flag (open, "not_on_roster", stray, TRUE));
  }

  /* Deleting the entry clears its late flag and frees the route. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/roster/%s", silent_entry);
    g_auto(Answer) deleted = request (server, "DELETE", path, sup, NULL, NULL, NULL);

    g_assert_cmpuint (deleted.status, ==, 200);
  }
  g_assert_nonnull (wait_flag (server, wall, "drawn_late", silent, FALSE, &holder));
  /* Its unit still reports (the fix a minute ahead): now off the roster. */
  g_assert_nonnull (wait_flag (server, wall, "not_on_roster", silent, TRUE, &holder));

  /* And the stream carried each raise and clear as an event. */
  {
    guint raised = 0, cleared = 0;
    gint64 seq = snapshot_seq (server, sup);

    g_assert_true (stream_wait_seq (&stream, seq));
    for (guint i = 0; i < stream.events->len; i++)
      {
        JsonObject *event = json_node_get_object (stream.events->pdata[i]);
        const char *type = json_object_get_string_member (event, "type");

        raised += g_str_equal (type, "roster.flag.raised");
        cleared += g_str_equal (type, "roster.flag.cleared");
      }
    /* no_position ×2, not_on_roster ×2, drawn_late ×2; cleared: three. */
    g_assert_cmpuint (raised, ==, 6);
    g_assert_cmpuint (cleared, ==, 3);
  }
  stream_close (&stream);
}

/* A centre that draws no roster gets no flags: a unit reporting is not
 * "not on the roster" when there is none. */
static void
test_no_roster (Server        *server,
                gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *unit = create_unit (server, sup, "Беркут-5");
  g_autoptr(JsonNode) flags = NULL;

  post_fix (server, unit, now_s () + 60);
  /* The check runs every second: one and a half see at least one. */
  g_usleep (G_USEC_PER_SEC * 3 / 2);
  flags = roster_flags (server, sup);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (flags)), ==, 0);

  /* An entry of another unit now: the reporting one is flagged. */
  {
    g_autofree char *other = create_unit (server, sup, "Беркут-6");
    g_auto(Answer) entry = draw (server, sup, other, now_s () - 1, now_s () + 3600, NULL);

    g_assert_cmpuint (entry.status, ==, 201);
    g_assert_nonnull (wait_flag (server, sup, "not_on_roster", unit, TRUE, &flags));
  }
}

static void
test_route_link (Server        *server,
                 gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *unit = create_unit (server, sup, "Сокол-1");
  g_autofree char *route = create_route (server, sup, "Медеу-1");
  g_autofree char *other = create_route (server, sup, "Медеу-2");
  g_autofree char *extra = g_strdup_printf ("\"route_id\":\"%s\"", route);
  g_autofree char *entry_id = NULL;
  gint64 start = now_s () + 3600;
  g_auto(Answer) entry = draw (server, sup, unit, start, start + 3600, extra);

  g_assert_cmpuint (entry.status, ==, 201);
  entry_id = g_strdup (member (&entry, "id"));

  /* Moved to another route by a PATCH: the first is cleared, the second set. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/roster/%s", entry_id);
    g_autofree char *body = g_strdup_printf ("{\"route_id\":\"%s\"}", other);
    g_auto(Answer) moved = request (server, "PATCH", path, sup, NULL, "1", body);
    g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);
    JsonArray *routes = json_object_get_array_member (object_of (&snapshot), "routes");

    g_assert_cmpuint (moved.status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (object_of (&moved), "version"), ==, 2);
    for (guint i = 0; i < json_array_get_length (routes); i++)
      {
        JsonObject *item = json_array_get_object_element (routes, i);

        if (g_str_equal (json_object_get_string_member (item, "id"), route))
          g_assert_true (json_object_get_null_member (item, "unit_id"));
        else
          g_assert_cmpstr (json_object_get_string_member (item, "unit_id"), ==, unit);
      }
  }
}

/* Deleting a route that roster entries name takes it off them, each as a
 * roster.updated event with a new version, in the delete's own commit:
 * a board applying the stream shows the entries without the route, and an
 * editor holding the old version is refused (412), not silently applied. */
static void
test_route_deleted (Server        *server,
                    gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *unit = create_unit (server, sup, "Сокол-3");
  g_autofree char *route = create_route (server, sup, "Медеу-3");
  g_autofree char *extra = g_strdup_printf ("\"route_id\":\"%s\"", route);
  g_autofree char *entry_id = NULL;
  g_autofree char *other_id = NULL;
  g_autofree char *path = NULL;
  gint64 start = now_s () + 3600;
  g_auto(Answer) entry = draw (server, sup, unit, start, start + 3600, extra);
  g_auto(Answer) other = draw (server, sup, unit, start + 3600, start + 7200, extra);
  Stream stream = { 0 };
  gint64 seq;
  guint updated = 0, deleted_at = 0;

  g_assert_cmpuint (entry.status, ==, 201);
  g_assert_cmpuint (other.status, ==, 201);
  entry_id = g_strdup (member (&entry, "id"));
  other_id = g_strdup (member (&other, "id"));

  seq = snapshot_seq (server, sup);
  stream_open (server, &stream, sup, seq);
  path = g_strdup_printf ("/api/v1/routes/%s", route);
  {
    g_auto(Answer) deleted = request (server, "DELETE", path, sup, NULL, NULL, NULL);

    g_assert_cmpuint (deleted.status, ==, 200);
  }
  g_assert_true (stream_wait_seq (&stream, snapshot_seq (server, sup)));
  for (guint i = 0; i < stream.events->len; i++)
    {
      JsonObject *event = json_node_get_object (stream.events->pdata[i]);
      JsonObject *roster;

      if (g_str_equal (json_object_get_string_member (event, "type"), "route.deleted"))
        deleted_at = i + 1;
      if (!g_str_equal (json_object_get_string_member (event, "type"), "roster.updated"))
        continue;
      /* Before the route's own event, in the same commit. */
      g_assert_cmpuint (deleted_at, ==, 0);
      roster = json_object_get_object_member (event, "roster");
      g_assert_true (json_object_get_null_member (roster, "route_id"));
      g_assert_cmpint (json_object_get_int_member (roster, "version"), ==, 2);
      g_assert_true (g_str_equal (json_object_get_string_member (roster, "id"), entry_id) ||
                     g_str_equal (json_object_get_string_member (roster, "id"), other_id));
      updated++;
    }
  g_assert_cmpuint (updated, ==, 2);
  g_assert_cmpuint (deleted_at, >, 0);
  stream_close (&stream);

  /* An editor that saw version 1 is told the entry changed. */
  {
    g_autofree char *entry_path = g_strdup_printf ("/api/v1/roster/%s", entry_id);
    g_auto(Answer) stale = request (server, "PATCH", entry_path, sup, NULL, "1", "{\"radio\":\"Р-9\"}");

    g_assert_cmpuint (stale.status, ==, 412);
  }
}

static guint count_entries (Server     *server,
                            const char *token);

static void
test_if_match (Server        *server,
               gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *sup2 = login (server, "sup2");
  g_autofree char *op = login (server, "op");
  g_autofree char *wall = login (server, "wall");
  g_autofree char *unit = create_unit (server, sup, "Барс-1");
  g_autofree char *route = create_route (server, sup, "Барс");
  g_autofree char *two = g_strdup_printf ("\"post\":{\"name\":\"Пост\",\"location\":{\"lat\":43.2,\"lon\":76.9}},"
                                          "\"route_id\":\"%s\"", route);
  g_autofree char *path = NULL;
  gint64 start = now_s () + 3600;
  g_auto(Answer) entry = draw (server, sup, unit, start, start + 3600, "\"radio\":\"Р-1\"");

  g_assert_cmpuint (entry.status, ==, 201);
  path = g_strdup_printf ("/api/v1/roster/%s", member (&entry, "id"));

  /* Two supervisors edit version 1: the second is told it is stale. */
  {
    g_auto(Answer) first = request (server, "PATCH", path, sup, NULL, "1", "{\"radio\":\"Р-2\"}");
    g_auto(Answer) second = request (server, "PATCH", path, sup2, NULL, "1", "{\"radio\":\"Р-3\"}");
    g_auto(Answer) bare = request (server, "PATCH", path, sup2, NULL, NULL, "{\"radio\":\"Р-3\"}");
    g_auto(Answer) list = request (server, "GET", "/api/v1/roster", wall, NULL, NULL, NULL);
    JsonObject *kept = json_array_get_object_element (json_object_get_array_member (object_of (&list), "entries"), 0);

    g_assert_cmpuint (first.status, ==, 200);
    g_assert_cmpuint (second.status, ==, 412);
    g_assert_cmpstr (member (&second, "code"), ==, "stale_version");
    g_assert_cmpuint (bare.status, ==, 428);
    g_assert_cmpstr (json_object_get_string_member (kept, "radio"), ==, "Р-2");
  }

  /* A second entry of the unit in an overlapping window is refused. */
  {
    g_auto(Answer) overlap = draw (server, sup, unit, start + 1800, start + 5400, NULL);

    g_assert_cmpuint (overlap.status, ==, 409);
  }
  /* Too long a window, a window backwards, two assignments. */
  {
    g_auto(Answer) long_one = draw (server, sup, unit, start + 7200, start + 7200 + 25 * 3600, NULL);
    g_auto(Answer) backwards = draw (server, sup, unit, start + 9000, start + 7200, NULL);
    g_auto(Answer) both = draw (server, sup, unit, start + 7200, start + 9000, two);
    g_auto(Answer) unknown = draw (server, sup, unit, start + 7200, start + 9000, "\"route_id\":\"no-such\"");

    g_assert_cmpuint (long_one.status, ==, 422);
    g_assert_true (g_str_has_prefix (member (&long_one, "message"), "to: "));
    g_assert_cmpuint (backwards.status, ==, 422);
    g_assert_cmpuint (both.status, ==, 422);
    g_assert_true (g_str_has_prefix (member (&both, "message"), "route_id: "));
    g_assert_cmpuint (unknown.status, ==, 422);
    g_assert_true (g_str_has_prefix (member (&unknown, "message"), "route_id: "));
    g_assert_cmpuint (count_entries (server, wall), ==, 1);
  }
  /* An operator reads but may not draw. */
  {
    g_auto(Answer) refused = draw (server, op, unit, start + 7200, start + 9000, NULL);
    g_auto(Answer) read = request (server, "GET", "/api/v1/roster", op, NULL, NULL, NULL);

    g_assert_cmpuint (refused.status, ==, 403);
    g_assert_cmpuint (read.status, ==, 200);
  }
}

static Answer
import (Server     *server,
        const char *token,
        const char *key,
        const char *csv)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "csv");
  json_builder_add_string_value (builder, csv);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);
  return request (server, "POST", "/api/v1/roster/import", token, key, NULL, body);
}

static guint
count_entries (Server     *server,
               const char *token)
{
  g_auto(Answer) list = request (server, "GET", "/api/v1/roster", token, NULL, NULL, NULL);

  g_assert_cmpuint (list.status, ==, 200);
  return json_array_get_length (json_object_get_array_member (object_of (&list), "entries"));
}

static char *
export (Server     *server,
        const char *token)
{
  g_autoptr(SoupMessage) msg = new_request (server, "GET", "/api/v1/roster/export", token, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read (server->session, msg, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (soup_message_get_response_headers (msg),
                                                                          NULL), "text/csv"));
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
test_csv (Server        *server,
          gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *unit1 = create_unit (server, sup, "Беркут-11");
  g_autofree char *unit2 = create_unit (server, sup, "Беркут-12");
  g_autofree char *route = create_route (server, sup, "Алмалы, 2");
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *exported = NULL;
  g_autofree char *again = NULL;
  static const char header[] = "shift_date,from,to,call_sign,crew,vehicle,radio,weapons,route,post,post_lat,post_lon\n";
  g_autofree char *good = g_strconcat (header,
                                       "2026-12-07,2026-12-07T03:00:00Z,2026-12-07T15:00:00Z,Беркут-11,"
                                       "\"Ахметов Е./сержант/А-1; Ким//\",Camry,Р-17,ПМ 1;ПМ 2,\"Алмалы, 2\",,,\n"
                                       "\n"
                                       "2026-12-07,2026-12-07T03:00:00+06:00,2026-12-07T09:00:00Z,Беркут-12,,,,,,"
                                       "\"Пост \"\"Север\"\"\",43.3,76.95\n", NULL);
  /* Line 4 names a unit that does not exist; line 3 was good. */
  g_autofree char *bad = g_strconcat (header,
                                      "2026-12-07,2026-12-07T03:00:00Z,2026-12-07T15:00:00Z,Беркут-11,,,,,,,,\n"
                                      "2026-12-07,2026-12-07T03:00:00Z,2026-12-07T15:00:00Z,Беркут-12,,,,,,,,\n"
                                      "2026-12-07,2026-12-07T03:00:00Z,2026-12-07T15:00:00Z,Беркут-99,,,,,,,,\n",
                                      NULL);

  {
    g_auto(Answer) refused = import (server, sup, key, bad);

    g_assert_cmpuint (refused.status, ==, 422);
    g_assert_cmpstr (member (&refused, "code"), ==, "invalid_field");
    g_assert_true (g_str_has_prefix (member (&refused, "message"), "line 4: call_sign: "));
    g_assert_cmpuint (count_entries (server, sup), ==, 0);
  }
  /* The same key answers the same refusal, and still stores nothing. */
  {
    g_auto(Answer) repeated = import (server, sup, key, good);

    g_assert_cmpuint (repeated.status, ==, 422);
    g_assert_cmpuint (count_entries (server, sup), ==, 0);
  }
  {
    g_autofree char *bad_column = g_strconcat ("shift_date,from,to,call_sign,callsign\n", NULL);
    g_autofree char *other_key = g_uuid_string_random ();
    g_auto(Answer) refused = import (server, sup, other_key, bad_column);

    g_assert_cmpuint (refused.status, ==, 422);
    g_assert_true (g_str_has_prefix (member (&refused, "message"), "line 1: "));
  }
  {
    g_autofree char *other_key = g_uuid_string_random ();
    g_auto(Answer) made = import (server, sup, other_key, good);
    JsonArray *entries;
    JsonObject *first, *second, *crew;

    g_assert_cmpuint (made.status, ==, 201);
    entries = json_object_get_array_member (object_of (&made), "entries");
    g_assert_cmpuint (json_array_get_length (entries), ==, 2);
    first = json_array_get_object_element (entries, 0);
    second = json_array_get_object_element (entries, 1);
    g_assert_cmpstr (json_object_get_string_member (first, "unit_id"), ==, unit1);
    g_assert_cmpstr (json_object_get_string_member (first, "route_id"), ==, route);
    crew = json_array_get_object_element (json_object_get_array_member (first, "crew"), 0);
    g_assert_cmpstr (json_object_get_string_member (crew, "name"), ==, "Ахметов Е.");
    g_assert_cmpstr (json_object_get_string_member (crew, "rank"), ==, "сержант");
    g_assert_cmpstr (json_object_get_string_member (crew, "personal_number"), ==, "А-1");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (first, "crew")), ==, 2);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (first, "weapons")), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (second, "unit_id"), ==, unit2);
    /* +06:00 kept in UTC. */
    g_assert_cmpstr (json_object_get_string_member (second, "from"), ==, "2026-12-06T21:00:00Z");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (second, "post"), "name"), ==,
                     "Пост \"Север\"");
  }

  /* Export, delete everything, import the export: the same roster. */
  exported = export (server, sup);
  {
    g_auto(Answer) list = request (server, "GET", "/api/v1/roster", sup, NULL, NULL, NULL);
    JsonArray *entries = json_object_get_array_member (object_of (&list), "entries");

    for (guint i = 0; i < json_array_get_length (entries); i++)
      {
        g_autofree char *path = g_strdup_printf ("/api/v1/roster/%s", json_object_get_string_member (
                                                   json_array_get_object_element (entries, i), "id"));
        g_auto(Answer) deleted = request (server, "DELETE", path, sup, NULL, NULL, NULL);

        g_assert_cmpuint (deleted.status, ==, 200);
      }
  }
  g_assert_cmpuint (count_entries (server, sup), ==, 0);
  {
    g_autofree char *other_key = g_uuid_string_random ();
    g_auto(Answer) made = import (server, sup, other_key, exported);

    g_assert_cmpuint (made.status, ==, 201);
  }
  again = export (server, sup);
  g_assert_cmpstr (again, ==, exported);
  g_assert_nonnull (strstr (exported, "\"Алмалы, 2\""));
}

/* dozorctl with sup's credentials; its exit status, stdout and stderr. */
static int
run_dozorctl (Server      *server,
              const char  *command,
              const char  *argument,
              char       **out,
              char       **err)
{
  g_autofree char *credentials = g_build_filename (server->dir, "credentials", NULL);
  g_autoptr(GSubprocess) ctl = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents_full (credentials, "sup\ncorrect horse battery\n", -1,
                                           G_FILE_SET_CONTENTS_NONE, 0600, &error));
  ctl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, dozorctl_path,
                          "roster", command, "--backend", server->url, "--credentials", credentials, argument, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (ctl, NULL, NULL, out, err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (ctl));
  return g_subprocess_get_exit_status (ctl);
}

/* dozorctl roster import refuses a file with a bad row, naming the line,
 * and stores nothing; export prints what import reads back. */
static void
test_dozorctl (Server        *server,
               gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *unit = create_unit (server, sup, "Тулпар-1");
  g_autofree char *path = g_strdup_printf ("/api/v1/roster?from=2026-12-07T00:00:00Z");
  g_autofree char *file = g_build_filename (server->dir, "roster.csv", NULL);
  g_autofree char *out = NULL, *err = NULL, *printed = NULL, *exported = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (file, "shift_date,from,to,call_sign,radio\r\n"
                                            "2026-12-07,2026-12-07T03:00:00Z,2026-12-07T15:00:00Z,Тулпар-1,Р-5\r\n"
                                            "2026-12-07,2026-12-07T03:00:00Z,yesterday,Тулпар-1,Р-5\r\n",
                                      -1, &error));
  g_assert_cmpint (run_dozorctl (server, "import", file, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "line 3: to: "));
  g_assert_cmpuint (count_entries (server, sup), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_true (g_file_set_contents (file, "shift_date,from,to,call_sign,radio\n"
                                            "2026-12-07,2026-12-07T03:00:00Z,2026-12-07T15:00:00Z,Тулпар-1,Р-5\n",
                                      -1, &error));
  g_assert_cmpint (run_dozorctl (server, "import", file, &out, &err), ==, 0);
  g_assert_cmpuint (count_entries (server, sup), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_dozorctl (server, "export", "--from=2026-12-07T00:00:00Z", &printed, &err), ==, 0);
  exported = export (server, sup);
  g_assert_cmpstr (printed, ==, exported);
  g_assert_nonnull (strstr (printed, "Тулпар-1"));
  g_assert_nonnull (strstr (printed, "Р-5"));
  {
    g_auto(Answer) list = request (server, "GET", path, sup, NULL, NULL, NULL);
    JsonObject *entry = json_array_get_object_element (json_object_get_array_member (object_of (&list), "entries"), 0);

    g_assert_cmpstr (json_object_get_string_member (entry, "unit_id"), ==, unit);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  server_fixture_init ();

  g_test_add ("/roster/flags", Server, NULL, roster_setup, test_flags, server_teardown);
  g_test_add ("/roster/no-roster", Server, NULL, roster_setup, test_no_roster, server_teardown);
  g_test_add ("/roster/route-link", Server, NULL, roster_setup, test_route_link, server_teardown);
  g_test_add ("/roster/route-deleted", Server, NULL, roster_setup, test_route_deleted, server_teardown);
  g_test_add ("/roster/if-match-overlap-roles", Server, NULL, roster_setup, test_if_match, server_teardown);
  g_test_add ("/roster/csv", Server, NULL, roster_setup, test_csv, server_teardown);
  g_test_add ("/roster/dozorctl", Server, NULL, roster_setup, test_dozorctl, server_teardown);

  return g_test_run ();
}
