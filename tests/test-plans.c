/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Special operating plans as clients see them (docs/api.md, "Plans"): who
 * may change them, what is refused and how, the events, activation with a
 * dispatch per unit to its post, arrival from positions, closing, the
 * snapshot after a restart, busy units and two supervisors at once.
 * Against the real dozord.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <glib/gstdio.h>

#include "server-fixture.h"

/* Two posts in central Almaty, about 1.5 km apart. */
#define POST_A_LAT 43.2389
#define POST_A_LON 76.9453
#define POST_B_LAT 43.2500
#define POST_B_LON 76.9300

#define PLAN_BODY(name) \
  "{\"name\":\"" name "\",\"description\":\"Митинг\",\"posts\":[" \
  "{\"name\":\"Площадь\",\"location\":{\"lat\":43.2389,\"lon\":76.9453},\"units_needed\":1,\"kind\":\"car\"}," \
  "{\"name\":\"Абая\",\"location\":{\"lat\":43.25,\"lon\":76.93},\"units_needed\":1,\"kind\":null}]}"

static JsonObject *
body_of (Answer *answer)
{
  g_assert_nonnull (answer->body);
  return json_node_get_object (answer->body);
}

static Answer
create_plan (Server     *server,
             const char *token,
             const char *body)
{
  g_autofree char *key = g_uuid_string_random ();

  return request (server, "POST", "/api/v1/plans", token, key, NULL, body);
}

static char *
post_id (Answer *plan,
         guint   index)
{
  JsonArray *posts = json_object_get_array_member (body_of (plan), "posts");

  return g_strdup (json_object_get_string_member (json_array_get_object_element (posts, index), "id"));
}

static Answer
activate (Server     *server,
          const char *token,
          const char *plan_id,
          const char *body)
{
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *path = g_strdup_printf ("/api/v1/plans/%s/activation", plan_id);

  return request (server, "POST", path, token, key, NULL, body);
}

static char *
assignments_body (const char *post_a,
                  const char *unit_a,
                  const char *post_b,
                  const char *unit_b,
                  const char *extra)
{
  GString *body = g_string_new ("{\"assignments\":[");

  g_string_append_printf (body, "{\"post_id\":\"%s\",\"unit_id\":\"%s\",\"eta_s\":120}", post_a, unit_a);
  if (post_b != NULL)
    g_string_append_printf (body, ",{\"post_id\":\"%s\",\"unit_id\":\"%s\"}", post_b, unit_b);
  g_string_append_printf (body, "]%s}", extra != NULL ? extra : "");
  return g_string_free (body, FALSE);
}

/* An incident with @unit dispatched to it; its id. */
static char *
dispatch_to_incident (Server     *server,
                      const char *token,
                      const char *unit)
{
  g_autofree char *incident = create_incident (server, token);
  g_autofree char *body = g_strdup_printf ("{\"unit_id\":\"%s\",\"incident_id\":\"%s\"}", unit, incident);
  g_autofree char *key = g_uuid_string_random ();
  g_auto(Answer) dispatch = request (server, "POST", "/api/v1/dispatches", token, key, NULL, body);

  g_assert_cmpuint (dispatch.status, ==, 201);
  return g_steal_pointer (&incident);
}

/* The plan of that id in a fresh snapshot, or NULL. */
static JsonObject *
snapshot_plan (Server     *server,
               const char *token,
               const char *plan_id,
               Answer     *snapshot)
{
  JsonArray *plans;

  *snapshot = request (server, "GET", "/api/v1/snapshot", token, NULL, NULL, NULL);
  g_assert_cmpuint (snapshot->status, ==, 200);
  plans = json_object_get_array_member (body_of (snapshot), "plans");
  for (guint i = 0; i < json_array_get_length (plans); i++)
    {
      JsonObject *plan = json_array_get_object_element (plans, i);

      if (g_strcmp0 (json_object_get_string_member (plan, "id"), plan_id) == 0)
        return plan;
    }
  return NULL;
}

static const char *
unit_status (Server     *server,
             const char *token,
             const char *unit_id)
{
  static char status[32];
  g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", token, NULL, NULL, NULL);
  JsonArray *units = json_object_get_array_member (body_of (&snapshot), "units");

  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonObject *unit = json_array_get_object_element (units, i);

      if (g_str_equal (json_object_get_string_member (unit, "id"), unit_id))
        {
          g_strlcpy (status, json_object_get_string_member (unit, "status"), sizeof status);
          return status;
        }
    }
  g_assert_not_reached ();
}

static const char *
post_state (JsonObject *plan,
            guint       index)
{
  JsonObject *activation = json_object_get_object_member (plan, "activation");
  JsonArray *posts = json_object_get_array_member (activation, "posts");

  return json_object_get_string_member (json_array_get_object_element (posts, index), "state");
}

/* Item 7: every new route refuses walls, operators and trackers; only
 * supervisors and admins change plans. */
static void
test_roles (Server        *server,
            gconstpointer  data)
{
  static const char *const refused[] = { "wall", "op", "tracker" };
  g_autofree char *sup = login (server, "sup");
  g_auto(Answer) plan = create_plan (server, sup, PLAN_BODY ("Роли"));
  g_autofree char *id = NULL;
  g_autofree char *by_id = NULL;
  g_autofree char *proposal = NULL;
  g_autofree char *activation = NULL;
  struct { const char *method; const char *path; } routes[6];

  g_assert_cmpuint (plan.status, ==, 201);
  id = g_strdup (member (&plan, "id"));
  by_id = g_strdup_printf ("/api/v1/plans/%s", id);
  proposal = g_strdup_printf ("/api/v1/plans/%s/proposal", id);
  activation = g_strdup_printf ("/api/v1/plans/%s/activation", id);
  routes[0].method = "POST", routes[0].path = "/api/v1/plans";
  routes[1].method = "PATCH", routes[1].path = by_id;
  routes[2].method = "DELETE", routes[2].path = by_id;
  routes[3].method = "POST", routes[3].path = proposal;
  routes[4].method = "POST", routes[4].path = activation;
  routes[5].method = "DELETE", routes[5].path = activation;

  for (guint r = 0; r < G_N_ELEMENTS (refused); r++)
    {
      g_autofree char *token = login (server, refused[r]);

      for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
        {
          g_autofree char *key = g_uuid_string_random ();
          g_auto(Answer) answer = request (server, routes[i].method, routes[i].path, token, key, "1", "{}");

          g_test_message ("%s %s %s", refused[r], routes[i].method, routes[i].path);
          g_assert_cmpuint (answer.status, ==, 403);
          g_assert_cmpstr (member (&answer, "code"), ==, "forbidden");
        }
    }

  /* The plan is untouched, and walls and operators read it. */
  for (guint r = 0; r < 2; r++)
    {
      g_autofree char *token = login (server, refused[r]);
      g_auto(Answer) snapshot = { 0, NULL };
      JsonObject *seen = snapshot_plan (server, token, id, &snapshot);

      g_assert_nonnull (seen);
      g_assert_cmpint (json_object_get_int_member (seen, "version"), ==, 1);
    }

  /* An admin may. */
  add_user (server, "admin", "admin");
  {
    g_autofree char *admin = login (server, "admin");
    g_auto(Answer) deleted = request (server, "DELETE", by_id, admin, NULL, NULL, NULL);

    g_assert_cmpuint (deleted.status, ==, 200);
    g_assert_cmpstr (member (&deleted, "name"), ==, "Роли");
  }
}

static void
assert_refused (Answer     *answer,
                guint       status,
                const char *field)
{
  g_assert_cmpuint (answer->status, ==, status);
  if (status == 422)
    g_assert_cmpstr (member (answer, "code"), ==, "invalid_field");
  g_test_message ("%s", member (answer, "message"));
  g_assert_true (g_str_has_prefix (member (answer, "message"), field));
}

/* Refusals name the field; ids of posts stay across edits. */
static void
test_refusals_and_edits (Server        *server,
                         gconstpointer  data)
{
  static const struct { const char *body; const char *field; } bad[] = {
    { "{\"posts\":[{\"name\":\"A\",\"location\":{\"lat\":43.2,\"lon\":76.9},\"units_needed\":1}]}", "name" },
    { "{\"name\":\"P\",\"posts\":[]}", "posts" },
    { "{\"name\":\"P\",\"posts\":{}}", "posts" },
    { "{\"name\":\"P\",\"posts\":[{\"name\":\"A\",\"location\":{\"lat\":43.2,\"lon\":76.9},\"units_needed\":21}]}",
      "posts[0].units_needed" },
    { "{\"name\":\"P\",\"posts\":[{\"name\":\"A\",\"location\":{\"lat\":43.2,\"lon\":76.9},\"units_needed\":1.5}]}",
      "posts[0].units_needed" },
    { "{\"name\":\"P\",\"posts\":[{\"name\":\"A\",\"location\":{\"lat\":43.2,\"lon\":76.9},\"units_needed\":1},"
      "{\"name\":\"B\",\"location\":{\"lat\":43.2,\"lon\":76.9},\"units_needed\":1,\"kind\":\"tank\"}]}",
      "posts[1].kind" },
    { "{\"name\":\"P\",\"posts\":[{\"name\":\"A\",\"location\":{\"lat\":93.2,\"lon\":76.9},\"units_needed\":1}]}",
      "posts[0].lat" },
    { "{\"name\":\"P\",\"posts\":[{\"name\":\"A\\u202e\",\"location\":{\"lat\":43.2,\"lon\":76.9},\"units_needed\":1}]}",
      "posts[0].name" },
    { "{\"name\":\"P\",\"posts\":[{\"id\":\"made-up\",\"name\":\"A\",\"location\":{\"lat\":43.2,\"lon\":76.9},"
      "\"units_needed\":1}]}", "posts[0].id" },
  };
  g_autofree char *sup = login (server, "sup");
  g_autofree char *wall = login (server, "wall");
  g_auto(Answer) plan = { 0, NULL };
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  Stream stream;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(Answer) answer = create_plan (server, sup, bad[i].body);

      assert_refused (&answer, 422, bad[i].field);
    }
  /* Nothing of those was stored. */
  g_assert_cmpint (snapshot_seq (server, sup), ==, 0);

  /* 301 posts are too many. */
  {
    GString *body = g_string_new ("{\"name\":\"Много\",\"posts\":[");
    g_auto(Answer) answer = { 0, NULL };

    for (guint i = 0; i < 301; i++)
      g_string_append_printf (body, "%s{\"name\":\"P%u\",\"location\":{\"lat\":43.2,\"lon\":76.9},\"units_needed\":1}",
                              i > 0 ? "," : "", i);
    g_string_append (body, "]}");
    answer = create_plan (server, sup, body->str);
    assert_refused (&answer, 422, "posts");
    g_string_free (body, TRUE);
  }

  stream_open (server, &stream, wall, 0);
  plan = create_plan (server, sup, PLAN_BODY ("Правка"));
  g_assert_cmpuint (plan.status, ==, 201);
  id = g_strdup (member (&plan, "id"));
  path = g_strdup_printf ("/api/v1/plans/%s", id);
  first = post_id (&plan, 0);
  second = post_id (&plan, 1);
  g_assert_true (json_node_is_null (json_object_get_member (body_of (&plan), "activation")));

  {
    g_auto(Answer) taken = create_plan (server, sup, PLAN_BODY ("Правка"));
    g_auto(Answer) no_version = request (server, "PATCH", path, sup, NULL, NULL, "{\"name\":\"X\"}");
    g_auto(Answer) stale = request (server, "PATCH", path, sup, NULL, "7", "{\"name\":\"X\"}");
    g_auto(Answer) missing = request (server, "PATCH", "/api/v1/plans/nope", sup, NULL, "1", "{\"name\":\"X\"}");

    g_assert_cmpuint (taken.status, ==, 409);
    g_assert_cmpuint (no_version.status, ==, 428);
    g_assert_cmpuint (stale.status, ==, 412);
    g_assert_cmpstr (member (&stale, "code"), ==, "stale_version");
    g_assert_cmpuint (missing.status, ==, 404);
  }

  /* The second post kept, the first dropped, a new one added. */
  {
    g_autofree char *body = g_strdup_printf ("{\"description\":null,\"posts\":["
                                             "{\"id\":\"%s\",\"name\":\"Абая-2\",\"location\":{\"lat\":43.251,\"lon\":76.931},"
                                             "\"units_needed\":2,\"kind\":\"foot\"},"
                                             "{\"name\":\"Новый\",\"location\":{\"lat\":43.26,\"lon\":76.94},\"units_needed\":1}]}",
                                             second);
    g_auto(Answer) edited = request (server, "PATCH", path, sup, NULL, "1", body);
    g_autofree char *kept = NULL;
    g_autofree char *added = NULL;
    JsonObject *post;

    g_assert_cmpuint (edited.status, ==, 200);
    kept = post_id (&edited, 0);
    added = post_id (&edited, 1);
    g_assert_cmpstr (kept, ==, second);
    g_assert_cmpstr (added, !=, first);
    g_assert_cmpstr (added, !=, second);
    post = json_array_get_object_element (json_object_get_array_member (body_of (&edited), "posts"), 0);
    g_assert_cmpstr (json_object_get_string_member (post, "name"), ==, "Абая-2");
    g_assert_cmpint (json_object_get_int_member (post, "units_needed"), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (post, "kind"), ==, "foot");
    g_assert_true (json_node_is_null (json_object_get_member (body_of (&edited), "description")));
    g_assert_cmpint (json_object_get_int_member (body_of (&edited), "version"), ==, 2);
  }

  {
    g_auto(Answer) deleted = request (server, "DELETE", path, sup, NULL, "2", NULL);
    g_auto(Answer) again = request (server, "DELETE", path, sup, NULL, NULL, NULL);

    g_assert_cmpuint (deleted.status, ==, 200);
    g_assert_cmpuint (again.status, ==, 404);
  }

  /* Every board heard the three changes, in order. */
  g_assert_true (stream_wait_seq (&stream, 3));
  {
    static const char *const types[] = { "plan.created", "plan.updated", "plan.deleted" };

    for (guint i = 0; i < 3; i++)
      {
        JsonObject *event = json_node_get_object (stream.events->pdata[i]);

        g_assert_cmpstr (json_object_get_string_member (event, "type"), ==, types[i]);
        g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (event, "plan"), "id"), ==, id);
      }
  }
  stream_close (&stream);
}

/* Activation sends each unit to its post; fixes at the posts cover them;
 * closing frees the units; the record survives a restart. */
static void
test_cycle (Server        *server,
            gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *wall = login (server, "wall");
  g_autofree char *tracker = login (server, "tracker");
  g_autofree char *car = create_unit (server, sup, "План-1");
  g_autofree char *car2 = create_unit (server, sup, "План-2");
  g_auto(Answer) plan = create_plan (server, sup, PLAN_BODY ("Цикл"));
  g_autofree char *id = g_strdup (member (&plan, "id"));
  g_autofree char *a = post_id (&plan, 0);
  g_autofree char *b = post_id (&plan, 1);
  g_autofree char *body = assignments_body (a, car, b, car2, NULL);
  g_autofree char *path = g_strdup_printf ("/api/v1/plans/%s", id);
  g_autofree char *close_path = g_strdup_printf ("/api/v1/plans/%s/activation", id);
  g_auto(Answer) active = { 0, NULL };
  JsonObject *activation, *seen;
  gint64 seq = snapshot_seq (server, sup);
  Stream stream;

  send_fix (server, tracker, car, POST_A_LAT + 0.02, POST_A_LON, 10);
  send_fix (server, tracker, car2, POST_B_LAT - 0.02, POST_B_LON, 10);
  seq = snapshot_seq (server, sup);
  stream_open (server, &stream, wall, seq);

  /* Refusals name the assignment and field. */
  {
    g_autofree char *wrong_post = assignments_body ("no-post", car, NULL, NULL, NULL);
    g_autofree char *no_unit = assignments_body (a, "no-unit", NULL, NULL, NULL);
    g_autofree char *twice = assignments_body (a, car, b, car, NULL);
    g_auto(Answer) r1 = activate (server, sup, id, wrong_post);
    g_auto(Answer) r2 = activate (server, sup, id, no_unit);
    g_auto(Answer) r3 = activate (server, sup, id, twice);
    g_auto(Answer) r4 = activate (server, sup, id, "{\"assignments\":[]}");
    g_auto(Answer) r5 = activate (server, sup, "no-plan", body);

    assert_refused (&r1, 422, "assignments[0].post_id");
    assert_refused (&r2, 422, "assignments[0].unit_id");
    assert_refused (&r3, 422, "assignments[1].unit_id");
    assert_refused (&r4, 422, "assignments");
    g_assert_cmpuint (r5.status, ==, 404);
  }

  active = activate (server, sup, id, body);
  g_assert_cmpuint (active.status, ==, 201);
  activation = json_object_get_object_member (body_of (&active), "activation");
  g_assert_cmpstr (json_object_get_string_member (activation, "activated_by"), ==, "sup");
  g_assert_true (json_node_is_null (json_object_get_member (activation, "all_covered_at")));
  g_assert_cmpstr (post_state (body_of (&active), 0), ==, "en_route");
  g_assert_cmpstr (post_state (body_of (&active), 1), ==, "en_route");
  g_assert_cmpstr (unit_status (server, sup, car), ==, "dispatched");

  /* An active plan is neither deleted nor given other posts, nor activated again. */
  {
    g_auto(Answer) deleted = request (server, "DELETE", path, sup, NULL, NULL, NULL);
    g_auto(Answer) reposted = request (server, "PATCH", path, sup, NULL, "2",
                                       "{\"posts\":[{\"name\":\"A\",\"location\":{\"lat\":43.2,\"lon\":76.9},\"units_needed\":1}]}");
    g_auto(Answer) again = activate (server, sup, id, body);

    g_assert_cmpuint (deleted.status, ==, 409);
    g_assert_cmpuint (reposted.status, ==, 409);
    g_assert_cmpuint (again.status, ==, 409);
  }

  /* The dispatches name the plan and post, not an incident. */
  {
    g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", wall, NULL, NULL, NULL);
    JsonArray *dispatches = json_object_get_array_member (body_of (&snapshot), "dispatches");

    g_assert_cmpuint (json_array_get_length (dispatches), ==, 2);
    for (guint i = 0; i < 2; i++)
      {
        JsonObject *dispatch = json_array_get_object_element (dispatches, i);

        g_assert_true (json_node_is_null (json_object_get_member (dispatch, "incident_id")));
        g_assert_cmpstr (json_object_get_string_member (dispatch, "plan_id"), ==, id);
      }
  }

  /* Passing the post at speed is not arriving; stopping within 100 m is. */
  send_fix (server, tracker, car, POST_A_LAT + 0.0003, POST_A_LON, 12);
  {
    g_auto(Answer) snapshot = { 0, NULL };

    seen = snapshot_plan (server, wall, id, &snapshot);
    g_assert_cmpstr (post_state (seen, 0), ==, "en_route");
  }
  send_fix (server, tracker, car, POST_A_LAT + 0.0005, POST_A_LON, 0.5);
  {
    g_auto(Answer) snapshot = { 0, NULL };

    seen = snapshot_plan (server, wall, id, &snapshot);
    g_assert_cmpstr (post_state (seen, 0), ==, "covered");
    g_assert_cmpstr (post_state (seen, 1), ==, "en_route");
    g_assert_true (json_node_is_null (json_object_get_member (json_object_get_object_member (seen, "activation"),
                                                               "all_covered_at")));
  }
  g_assert_cmpstr (unit_status (server, sup, car), ==, "on_scene");
  /* 300 m away and stopped is not there. */
  send_fix (server, tracker, car2, POST_B_LAT + 0.003, POST_B_LON, 0);
  send_fix (server, tracker, car2, POST_B_LAT, POST_B_LON + 0.0002, 0);
  {
    g_auto(Answer) snapshot = { 0, NULL };
    JsonObject *done;

    seen = snapshot_plan (server, wall, id, &snapshot);
    done = json_object_get_object_member (seen, "activation");
    g_assert_cmpstr (post_state (seen, 1), ==, "covered");
    g_assert_nonnull (json_object_get_string_member (done, "all_covered_at"));
    g_assert_cmpfloat (json_object_get_double_member (done, "cover_s"), >=, 0);
    g_assert_cmpfloat (json_object_get_double_member (done, "cover_s"), <, 60);
  }

  /* The record survives a restart. */
  stream_close (&stream);
  server_stop (server, SIGTERM);
  server_start (server, NULL);
  g_free (sup), sup = login (server, "sup");
  g_free (wall), wall = login (server, "wall");
  {
    g_auto(Answer) snapshot = { 0, NULL };

    seen = snapshot_plan (server, wall, id, &snapshot);
    g_assert_nonnull (seen);
    g_assert_cmpstr (post_state (seen, 0), ==, "covered");
    g_assert_cmpstr (post_state (seen, 1), ==, "covered");
    g_assert_nonnull (json_object_get_string_member (json_object_get_object_member (seen, "activation"),
                                                     "all_covered_at"));
  }

  stream_open (server, &stream, wall, seq);
  {
    g_auto(Answer) closed = request (server, "DELETE", close_path, sup, NULL, NULL, NULL);
    g_auto(Answer) twice = request (server, "DELETE", close_path, sup, NULL, NULL, NULL);
    g_auto(Answer) snapshot = { 0, NULL };

    g_assert_cmpuint (closed.status, ==, 200);
    g_assert_nonnull (json_object_get_string_member (json_object_get_object_member (body_of (&closed), "activation"),
                                                     "all_covered_at"));
    g_assert_cmpuint (twice.status, ==, 409);
    seen = snapshot_plan (server, wall, id, &snapshot);
    g_assert_true (json_node_is_null (json_object_get_member (seen, "activation")));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body_of (&snapshot), "dispatches")), ==, 0);
  }
  g_assert_cmpstr (unit_status (server, sup, car), ==, "available");
  g_assert_cmpstr (unit_status (server, sup, car2), ==, "available");

  /* The stream told it all: activation, arrivals, the last post, the close. */
  g_assert_true (stream_wait_seq (&stream, snapshot_seq (server, sup)));
  {
    g_autoptr(GPtrArray) plan_events = g_ptr_array_new ();

    for (guint i = 0; i < stream.events->len; i++)
      {
        const char *type = json_object_get_string_member (json_node_get_object (stream.events->pdata[i]), "type");

        if (g_str_has_prefix (type, "plan."))
          g_ptr_array_add (plan_events, (gpointer) type);
      }
    g_assert_cmpuint (plan_events->len, ==, 4);
    g_assert_cmpstr (plan_events->pdata[0], ==, "plan.activated");
    g_assert_cmpstr (plan_events->pdata[1], ==, "plan.updated");
    g_assert_cmpstr (plan_events->pdata[2], ==, "plan.updated");
    g_assert_cmpstr (plan_events->pdata[3], ==, "plan.closed");
  }
  assert_gapless (&stream, seq);
  stream_close (&stream);
}

/* A unit on a dispatch is not taken without the supervisor's word. */
static void
test_busy (Server        *server,
           gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *car = create_unit (server, sup, "Занят-1");
  g_autofree char *incident = dispatch_to_incident (server, sup, car);
  g_auto(Answer) plan = create_plan (server, sup, PLAN_BODY ("Занятость"));
  g_autofree char *id = g_strdup (member (&plan, "id"));
  g_autofree char *a = post_id (&plan, 0);
  g_autofree char *plain = assignments_body (a, car, NULL, NULL, NULL);
  g_autofree char *extra = g_strdup_printf (",\"allow_busy\":[\"%s\"]", car);
  g_autofree char *allowed = assignments_body (a, car, NULL, NULL, extra);
  gint64 seq;

  seq = snapshot_seq (server, sup);
  {
    g_auto(Answer) busy = activate (server, sup, id, plain);
    JsonObject *current;

    g_assert_cmpuint (busy.status, ==, 409);
    g_assert_cmpstr (member (&busy, "code"), ==, "unit_busy");
    current = json_object_get_object_member (body_of (&busy), "current");
    g_assert_cmpstr (json_object_get_string_member (current, "incident_id"), ==, incident);
    /* All or nothing: no event, no change. */
    g_assert_cmpint (snapshot_seq (server, sup), ==, seq);
  }
  {
    g_auto(Answer) taken = activate (server, sup, id, allowed);
    g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);
    JsonArray *dispatches = json_object_get_array_member (body_of (&snapshot), "dispatches");
    JsonObject *only;

    g_assert_cmpuint (taken.status, ==, 201);
    g_assert_cmpuint (json_array_get_length (dispatches), ==, 1);
    only = json_array_get_object_element (dispatches, 0);
    g_assert_cmpstr (json_object_get_string_member (only, "plan_id"), ==, id);
    g_assert_cmpstr (json_object_get_string_member (only, "unit_id"), ==, car);
  }
}

typedef struct
{
  GMainLoop *loop;
  guint pending;
  guint status[2];
  char *code[2];
} Race;

static void
race_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Race *race = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  guint i = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (msg), "race-index"));
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  g_auto(Answer) answer = finish (msg, bytes);

  race->status[i] = answer.status;
  race->code[i] = answer.body != NULL ? g_strdup (member (&answer, "code")) : NULL;
  if (--race->pending == 0)
    g_main_loop_quit (race->loop);
}

/* Two supervisors activate two plans that share a unit at the same time:
 * exactly one gets it. */
static void
test_concurrent (Server        *server,
                 gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *sup2 = login (server, "sup2");
  g_autofree char *shared = create_unit (server, sup, "Общий");
  g_autofree char *own1 = create_unit (server, sup, "Свой-1");
  g_autofree char *own2 = create_unit (server, sup, "Свой-2");
  g_auto(Answer) plan1 = create_plan (server, sup, PLAN_BODY ("Первый"));
  g_auto(Answer) plan2 = create_plan (server, sup, PLAN_BODY ("Второй"));
  Race race = { g_main_loop_new (NULL, FALSE), 2, { 0, 0 }, { NULL, NULL } };
  SoupMessage *msgs[2] = { NULL, NULL };

  for (guint i = 0; i < 2; i++)
    {
      Answer *plan = i == 0 ? &plan1 : &plan2;
      g_autofree char *a = post_id (plan, 0);
      g_autofree char *b = post_id (plan, 1);
      g_autofree char *body = assignments_body (a, shared, b, i == 0 ? own1 : own2, NULL);
      g_autofree char *path = g_strdup_printf ("/api/v1/plans/%s/activation", member (plan, "id"));
      g_autofree char *key = g_uuid_string_random ();

      msgs[i] = new_request (server, "POST", path, i == 0 ? sup : sup2, body);
      soup_message_headers_replace (soup_message_get_request_headers (msgs[i]), "Idempotency-Key", key);
      g_object_set_data (G_OBJECT (msgs[i]), "race-index", GUINT_TO_POINTER (i));
    }
  for (guint i = 0; i < 2; i++)
    soup_session_send_and_read_async (server->session, msgs[i], G_PRIORITY_DEFAULT, NULL, race_done_cb, &race);
  g_main_loop_run (race.loop);

  g_test_message ("statuses %u %u", race.status[0], race.status[1]);
  g_assert_true ((race.status[0] == 201) != (race.status[1] == 201));
  g_assert_cmpstr (race.code[race.status[0] == 201 ? 1 : 0], ==, "unit_busy");
  {
    g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);
    JsonArray *dispatches = json_object_get_array_member (body_of (&snapshot), "dispatches");
    guint holding = 0;

    /* The loser sent nobody, not even its own unit. */
    g_assert_cmpuint (json_array_get_length (dispatches), ==, 2);
    for (guint i = 0; i < json_array_get_length (dispatches); i++)
      holding += g_str_equal (json_object_get_string_member (json_array_get_object_element (dispatches, i), "unit_id"),
                              shared);
    g_assert_cmpuint (holding, ==, 1);
  }
  g_free (race.code[0]);
  g_free (race.code[1]);
  g_object_unref (msgs[0]);
  g_object_unref (msgs[1]);
  g_main_loop_unref (race.loop);
}

/* The proposal by road time on the Almaty network: each post gets its
 * nearest suitable unit, the busy and the unplaced are named. */
static void
test_proposal (Server        *server,
               gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *tracker = login (server, "tracker");
  g_autofree char *near_a = create_unit (server, sup, "Близко-А");
  g_autofree char *near_b = create_unit (server, sup, "Близко-Б");
  g_autofree char *far = create_unit (server, sup, "Далеко");
  g_autofree char *nowhere = create_unit (server, sup, "Без места");
  g_autofree char *busy = create_unit (server, sup, "Занят");
  g_autofree char *incident = dispatch_to_incident (server, sup, busy);
  g_auto(Answer) plan = create_plan (server, sup, PLAN_BODY ("Предложение"));
  g_autofree char *path = g_strdup_printf ("/api/v1/plans/%s/proposal", member (&plan, "id"));
  g_autofree char *a = post_id (&plan, 0);
  g_autofree char *b = post_id (&plan, 1);
  gint64 seq;

  send_fix (server, tracker, near_a, POST_A_LAT - 0.003, POST_A_LON, 0);
  send_fix (server, tracker, near_b, POST_B_LAT + 0.003, POST_B_LON, 0);
  send_fix (server, tracker, far, 43.20, 76.85, 0);
  send_fix (server, tracker, busy, POST_A_LAT, POST_A_LON, 0);
  seq = snapshot_seq (server, sup);

  {
    g_auto(Answer) proposal = request (server, "POST", path, sup, NULL, NULL, "{}");
    JsonArray *assignments, *left_out;
    guint found = 0;

    g_assert_cmpuint (proposal.status, ==, 200);
    assignments = json_object_get_array_member (body_of (&proposal), "assignments");
    g_assert_cmpuint (json_array_get_length (assignments), ==, 2);
    for (guint i = 0; i < 2; i++)
      {
        JsonObject *assignment = json_array_get_object_element (assignments, i);
        const char *post = json_object_get_string_member (assignment, "post_id");
        const char *unit = json_object_get_string_member (assignment, "unit_id");

        g_assert_cmpfloat (json_object_get_double_member (assignment, "eta_s"), >, 0);
        found += (g_str_equal (post, a) && g_str_equal (unit, near_a)) || (g_str_equal (post, b) && g_str_equal (unit, near_b));
      }
    g_assert_cmpuint (found, ==, 2);
    g_assert_cmpfloat (json_object_get_double_member (body_of (&proposal), "bottleneck_s"), >, 0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body_of (&proposal), "uncovered")), ==, 0);
    left_out = json_object_get_array_member (body_of (&proposal), "left_out");
    for (guint i = 0; i < json_array_get_length (left_out); i++)
      {
        JsonObject *unit = json_array_get_object_element (left_out, i);
        const char *unit_id = json_object_get_string_member (unit, "unit_id");

        if (g_str_equal (unit_id, busy))
          g_assert_cmpstr (json_object_get_string_member (unit, "reason"), ==, "busy");
        else if (g_str_equal (unit_id, nowhere))
          g_assert_cmpstr (json_object_get_string_member (unit, "reason"), ==, "no_position");
        else
          g_assert_not_reached ();
      }
    g_assert_cmpuint (json_array_get_length (left_out), ==, 2);
  }

  /* Allowed to take the busy unit, which stands on post A, it takes it. */
  {
    g_autofree char *body = g_strdup_printf ("{\"allow_busy\":[\"%s\"]}", busy);
    g_auto(Answer) proposal = request (server, "POST", path, sup, NULL, NULL, body);
    JsonArray *assignments = json_object_get_array_member (body_of (&proposal), "assignments");
    gboolean took = FALSE;

    g_assert_cmpuint (proposal.status, ==, 200);
    for (guint i = 0; i < json_array_get_length (assignments); i++)
      took |= g_str_equal (json_object_get_string_member (json_array_get_object_element (assignments, i), "unit_id"),
                           busy);
    g_assert_true (took);
  }

  /* A post for more units than can come: uncovered, with the reason. */
  {
    g_auto(Answer) big = create_plan (server, sup,
                                      "{\"name\":\"Большой\",\"posts\":[{\"name\":\"Мост\","
                                      "\"location\":{\"lat\":43.24,\"lon\":76.94},\"units_needed\":9}]}");
    g_autofree char *big_path = g_strdup_printf ("/api/v1/plans/%s/proposal", member (&big, "id"));
    g_autofree char *big_post = post_id (&big, 0);
    g_auto(Answer) proposal = request (server, "POST", big_path, sup, NULL, NULL, "{}");
    JsonArray *uncovered = json_object_get_array_member (body_of (&proposal), "uncovered");

    g_assert_cmpuint (proposal.status, ==, 200);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body_of (&proposal), "assignments")), ==, 0);
    g_assert_true (json_node_is_null (json_object_get_member (body_of (&proposal), "bottleneck_s")));
    g_assert_cmpuint (json_array_get_length (uncovered), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (uncovered, 0), "post_id"), ==,
                     big_post);
  }

  /* A proposal changes nothing (the second plan's creation is the only event). */
  g_assert_cmpint (snapshot_seq (server, sup), ==, seq + 1);

  {
    g_auto(Answer) bad = request (server, "POST", path, sup, NULL, NULL, "{\"incident_id\":\"none\"}");
    g_auto(Answer) missing = request (server, "POST", "/api/v1/plans/none/proposal", sup, NULL, NULL, "{}");

    assert_refused (&bad, 422, "incident_id");
    g_assert_cmpuint (missing.status, ==, 404);
  }

  /* Without a road network there is no proposal, and dozord says so. */
  server_stop (server, SIGTERM);
  {
    g_autofree char *no_roads = g_build_filename (server->dir, "no-roads.geojson", NULL);
    const char *const args[] = { "--roads", no_roads, NULL };
    g_auto(Answer) proposal = { 0, NULL };

    server_start_args (server, args);
    g_free (sup), sup = login (server, "sup");
    proposal = request (server, "POST", path, sup, NULL, NULL, "{}");
    g_assert_cmpuint (proposal.status, ==, 503);
    g_assert_cmpstr (member (&proposal, "code"), ==, "unavailable");
  }
}

/* A proposal's eta_s of @unit at @post, from its assignments. */
static double
eta_of (Answer     *proposal,
        const char *post,
        const char *unit,
        gboolean   *fixed)
{
  JsonArray *assignments = json_object_get_array_member (body_of (proposal), "assignments");

  for (guint i = 0; i < json_array_get_length (assignments); i++)
    {
      JsonObject *assignment = json_array_get_object_element (assignments, i);

      if (g_str_equal (json_object_get_string_member (assignment, "post_id"), post) &&
          g_str_equal (json_object_get_string_member (assignment, "unit_id"), unit))
        {
          if (fixed != NULL)
            *fixed = json_object_get_boolean_member (assignment, "fixed");
          return json_object_get_double_member (assignment, "eta_s");
        }
    }
  return NAN;
}

static char *
fixed_body (const char *post,
            const char *unit)
{
  return g_strdup_printf ("{\"fixed\":[{\"post_id\":\"%s\",\"unit_id\":\"%s\"}]}", post, unit);
}

/* Item 3's correction: a unit the supervisor put on a post stays there,
 * the other post is re-proposed with the fastest unit left, and the
 * bottleneck and total count the fixed unit's road time. The road times
 * are read back by pinning each unit to each post in turn. */
static void
test_proposal_fixed (Server        *server,
                     gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *tracker = login (server, "tracker");
  g_autofree char *units[3] = { NULL };
  g_auto(Answer) plan = create_plan (server, sup, PLAN_BODY ("Поправка"));
  g_autofree char *path = g_strdup_printf ("/api/v1/plans/%s/proposal", member (&plan, "id"));
  g_autofree char *a = post_id (&plan, 0);
  g_autofree char *b = post_id (&plan, 1);
  const char *first_at_a = NULL;
  double time_at[2][3];
  guint best = G_MAXUINT;

  for (guint u = 0; u < 3; u++)
    {
      g_autofree char *call_sign = g_strdup_printf ("Поправка-%u", u);

      units[u] = create_unit (server, sup, call_sign);
    }
  send_fix (server, tracker, units[0], POST_A_LAT - 0.002, POST_A_LON, 0);
  send_fix (server, tracker, units[1], POST_B_LAT + 0.002, POST_B_LON, 0);
  send_fix (server, tracker, units[2], POST_A_LAT + 0.008, POST_A_LON - 0.006, 0);

  /* Every road time, as dozord reckons it: each unit pinned to each post. */
  for (guint p = 0; p < 2; p++)
    for (guint u = 0; u < 3; u++)
      {
        g_autofree char *body = fixed_body (p == 0 ? a : b, units[u]);
        g_auto(Answer) pinned = request (server, "POST", path, sup, NULL, NULL, body);
        gboolean fixed = FALSE;

        g_assert_cmpuint (pinned.status, ==, 200);
        time_at[p][u] = eta_of (&pinned, p == 0 ? a : b, units[u], &fixed);
        g_assert_true (fixed);
        g_assert_false (isnan (time_at[p][u]));
        g_test_message ("unit %u to post %c: %.0f s", u, 'A' + p, time_at[p][u]);
      }

  {
    g_auto(Answer) free_proposal = request (server, "POST", path, sup, NULL, NULL, "{}");

    g_assert_cmpuint (free_proposal.status, ==, 200);
    g_assert_false (isnan (eta_of (&free_proposal, a, units[0], NULL)));
    first_at_a = units[0];
  }

  /* The unit nearest A is dropped on B: A gets the faster of the two left
   * (the one that was at B, or the spare), whichever the roads say. */
  {
    g_autofree char *body = fixed_body (b, first_at_a);
    g_auto(Answer) corrected = request (server, "POST", path, sup, NULL, NULL, body);
    JsonArray *assignments;
    gboolean fixed = TRUE;
    double bottleneck, total;

    g_assert_cmpuint (corrected.status, ==, 200);
    assignments = json_object_get_array_member (body_of (&corrected), "assignments");
    g_assert_cmpuint (json_array_get_length (assignments), ==, 2);
    g_assert_cmpfloat (eta_of (&corrected, b, units[0], &fixed), ==, time_at[1][0]);
    g_assert_true (fixed);
    best = time_at[0][1] <= time_at[0][2] ? 1 : 2;
    g_assert_cmpfloat (eta_of (&corrected, a, units[best], &fixed), ==, time_at[0][best]);
    g_assert_false (fixed);
    bottleneck = MAX (time_at[1][0], time_at[0][best]);
    total = time_at[1][0] + time_at[0][best];
    g_test_message ("corrected: A by unit %u, bottleneck %.0f s", best, bottleneck);
    g_assert_cmpfloat (fabs (json_object_get_double_member (body_of (&corrected), "bottleneck_s") - bottleneck), <=, 1);
    g_assert_cmpfloat (fabs (json_object_get_double_member (body_of (&corrected), "total_s") - total), <=, 2);
  }

  /* Refusals name the pin. */
  {
    g_autofree char *not_a_post = fixed_body ("none", units[0]);
    g_autofree char *twice = g_strdup_printf ("{\"fixed\":[{\"post_id\":\"%s\",\"unit_id\":\"%s\"},"
                                              "{\"post_id\":\"%s\",\"unit_id\":\"%s\"}]}", a, units[0], b, units[0]);
    g_auto(Answer) bad_post = request (server, "POST", path, sup, NULL, NULL, not_a_post);
    g_auto(Answer) bad_twice = request (server, "POST", path, sup, NULL, NULL, twice);
    g_auto(Answer) bad_type = request (server, "POST", path, sup, NULL, NULL, "{\"fixed\":{}}");

    assert_refused (&bad_post, 422, "fixed[0].post_id");
    assert_refused (&bad_twice, 422, "fixed[1].unit_id");
    assert_refused (&bad_type, 422, "fixed");
  }
}

/* Plans come in through the GIS import as posts naming their plan: by
 * POST /imports, and from a GeoJSON layer by dozorctl. */
static void
test_import (Server        *server,
             gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *file = g_build_filename (server->dir, "posts.geojson", NULL);
  g_autofree char *credentials = g_build_filename (server->dir, "credentials", NULL);
  g_autoptr(GSubprocess) ctl = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = g_uuid_string_random ();
  g_auto(Answer) bad = { 0, NULL };

  /* One bad post refuses the whole import and names it. */
  bad = request (server, "POST", "/api/v1/imports", sup, key, NULL,
                 "{\"posts\":[{\"plan\":\"Импорт\",\"name\":\"A\",\"location\":{\"lat\":43.2,\"lon\":76.9}},"
                 "{\"plan\":\"Импорт\",\"name\":\"B\",\"location\":{\"lat\":43.2,\"lon\":76.9},\"units_needed\":0}]}");
  assert_refused (&bad, 422, "posts[0] “Импорт”: posts[1].units_needed");
  g_assert_cmpint (snapshot_seq (server, sup), ==, 0);

  g_assert_true (g_file_set_contents (file,
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"name\":\"Север\",\"plan\":\"Выезды\",\"units_needed\":2,\"kind\":\"car\"},"
    " \"geometry\":{\"type\":\"Point\",\"coordinates\":[76.95,43.30]}},"
    "{\"type\":\"Feature\",\"properties\":{\"name\":\"Центр\",\"plan\":\"Кольцо\",\"units_needed\":1,\"kind\":null},"
    " \"geometry\":{\"type\":\"Point\",\"coordinates\":[76.94,43.24]}},"
    "{\"type\":\"Feature\",\"properties\":{\"name\":\"Юг\",\"plan\":\"Выезды\",\"units_needed\":1,\"kind\":\"moto\"},"
    " \"geometry\":{\"type\":\"Point\",\"coordinates\":[76.93,43.15]}}]}", -1, NULL));
  g_assert_true (g_file_set_contents (credentials, "sup\ncorrect horse battery\n", -1, NULL));
  g_assert_cmpint (g_chmod (credentials, 0600), ==, 0);

  for (guint round = 0; round < 2; round++)
    {
      g_auto(Answer) snapshot = { 0, NULL };
      JsonArray *plans;
      JsonObject *exits;

      ctl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, dozorctl_path, "import", file,
                              "--kind", "post", "--backend", server->url, "--credentials", credentials,
                              round == 1 ? "--update" : NULL, NULL);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_wait_check (ctl, NULL, &error));
      g_assert_no_error (error);
      g_clear_object (&ctl);

      snapshot = request (server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);
      plans = json_object_get_array_member (body_of (&snapshot), "plans");
      /* By name: Выезды, Кольцо; an update replaces the posts, it adds no plan. */
      g_assert_cmpuint (json_array_get_length (plans), ==, 2);
      exits = json_array_get_object_element (plans, 0);
      g_assert_cmpstr (json_object_get_string_member (exits, "name"), ==, "Выезды");
      g_assert_cmpint (json_object_get_int_member (exits, "version"), ==, round + 1);
      {
        JsonArray *posts = json_object_get_array_member (exits, "posts");
        JsonObject *north = json_array_get_object_element (posts, 0);
        JsonObject *south = json_array_get_object_element (posts, 1);

        g_assert_cmpuint (json_array_get_length (posts), ==, 2);
        g_assert_cmpstr (json_object_get_string_member (north, "name"), ==, "Север");
        g_assert_cmpint (json_object_get_int_member (north, "units_needed"), ==, 2);
        g_assert_cmpstr (json_object_get_string_member (north, "kind"), ==, "car");
        g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (north, "location"),
                                                                        "lat"), 43.30, 1e-7);
        g_assert_cmpstr (json_object_get_string_member (south, "kind"), ==, "moto");
      }
    }

  /* Without --update a plan of the same name is refused, and nothing changes. */
  ctl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                          dozorctl_path, "import", file, "--kind", "post", "--backend", server->url,
                          "--credentials", credentials, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (ctl, NULL, &error));
  g_assert_false (g_subprocess_get_successful (ctl));
}

/* A database from before plans, whose dispatches all name an incident, is
 * upgraded at start: its dispatches kept, the one-per-unit rule too. */
static void
test_older_database (Server        *server,
                     gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *car = create_unit (server, sup, "Старый");
  g_autofree char *incident = dispatch_to_incident (server, sup, car);
  sqlite3 *db = NULL;

  server_stop (server, SIGTERM);
  g_assert_cmpint (sqlite3_open (server->db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "BEGIN;"
                                 "CREATE TABLE old ("
                                 "  id TEXT PRIMARY KEY, unit_id TEXT NOT NULL REFERENCES units (id),"
                                 "  incident_id TEXT NOT NULL REFERENCES incidents (id),"
                                 "  status TEXT NOT NULL CHECK (status IN ('active', 'cancelled', 'completed')),"
                                 "  created_by TEXT NOT NULL, created_at TEXT NOT NULL, ended_by TEXT, ended_at TEXT);"
                                 "INSERT INTO old SELECT id, unit_id, incident_id, status, created_by, created_at,"
                                 " ended_by, ended_at FROM dispatches;"
                                 "DROP TABLE plan_assignments; DROP TABLE plans;"
                                 "DROP TABLE dispatches; ALTER TABLE old RENAME TO dispatches;"
                                 "CREATE UNIQUE INDEX one_active_dispatch_per_unit ON dispatches (unit_id)"
                                 " WHERE status = 'active';"
                                 "COMMIT;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  server_start (server, NULL);
  g_free (sup), sup = login (server, "sup");
  {
    g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);
    JsonArray *dispatches = json_object_get_array_member (body_of (&snapshot), "dispatches");
    JsonObject *kept;

    g_assert_cmpuint (json_array_get_length (dispatches), ==, 1);
    kept = json_array_get_object_element (dispatches, 0);
    g_assert_cmpstr (json_object_get_string_member (kept, "incident_id"), ==, incident);
    g_assert_true (json_node_is_null (json_object_get_member (kept, "plan_id")));
  }
  {
    g_auto(Answer) plan = create_plan (server, sup, PLAN_BODY ("После обновления"));
    g_autofree char *a = post_id (&plan, 0);
    g_autofree char *body = assignments_body (a, car, NULL, NULL, NULL);
    g_auto(Answer) busy = activate (server, sup, member (&plan, "id"), body);

    g_assert_cmpuint (plan.status, ==, 201);
    g_assert_cmpuint (busy.status, ==, 409);
    g_assert_cmpstr (member (&busy, "code"), ==, "unit_busy");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  server_fixture_init ();

#define ADD(path, func) g_test_add (path, Server, NULL, server_setup, func, server_teardown)
  ADD ("/plans/roles", test_roles);
  ADD ("/plans/refusals-and-edits", test_refusals_and_edits);
  ADD ("/plans/cycle", test_cycle);
  ADD ("/plans/busy", test_busy);
  ADD ("/plans/concurrent", test_concurrent);
  ADD ("/plans/proposal", test_proposal);
  ADD ("/plans/proposal-fixed", test_proposal_fixed);
  ADD ("/plans/import", test_import);
  ADD ("/plans/older-database", test_older_database);
#undef ADD

  return g_test_run ();
}
