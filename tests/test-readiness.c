/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The degree of readiness as a client sees it (docs/api.md, "Readiness"):
 * who may set it, what is refused and how, the event every board gets and
 * the snapshot after a restart. Against the real dozord.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <string.h>

#include "server-fixture.h"
#include "test-polygon.h"

#define RAISE_BODY \
  "{\"level\":\"high\",\"reason\":\"Митинг на площади\"," \
  "\"area\":{\"type\":\"Circle\",\"center\":[76.9453,43.2389],\"radius_m\":1500}}"

static JsonObject *
readiness_of (Answer *snapshot)
{
  return json_object_get_object_member (json_node_get_object (snapshot->body), "readiness");
}

static JsonObject *
snapshot_readiness (Server     *server,
                    const char *token,
                    Answer     *snapshot)
{
  *snapshot = request (server, "GET", "/api/v1/snapshot", token, NULL, NULL, NULL);
  g_assert_cmpuint (snapshot->status, ==, 200);
  return readiness_of (snapshot);
}

static void
assert_null_member (JsonObject *object,
                    const char *name)
{
  g_assert_true (json_object_has_member (object, name));
  g_assert_true (json_node_is_null (json_object_get_member (object, name)));
}

/* Item 7: operators and walls see it, only supervisors and admins set it. */
static void
test_roles (Server        *server,
            gconstpointer  data)
{
  static const char *const refused[] = { "wall", "op", "tracker" };
  g_autofree char *sup = NULL;
  g_autofree char *admin = NULL;

  add_user (server, "admin", "admin");
  sup = login (server, "sup");
  admin = login (server, "admin");

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *token = login (server, refused[i]);
      g_auto(Answer) answer = request (server, "PUT", "/api/v1/readiness", token, NULL, NULL, RAISE_BODY);

      g_assert_cmpuint (answer.status, ==, 403);
      g_assert_cmpstr (member (&answer, "code"), ==, "forbidden");
    }

  {
    g_auto(Answer) by_sup = request (server, "PUT", "/api/v1/readiness", sup, NULL, NULL, RAISE_BODY);
    g_auto(Answer) by_admin = request (server, "PUT", "/api/v1/readiness", admin, NULL, NULL,
                                       "{\"level\":\"normal\"}");

    g_assert_cmpuint (by_sup.status, ==, 200);
    g_assert_cmpstr (member (&by_sup, "set_by"), ==, "sup");
    g_assert_cmpuint (by_admin.status, ==, 200);
    g_assert_cmpstr (member (&by_admin, "set_by"), ==, "admin");
  }

  /* Operators and walls read it. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *token = login (server, refused[i]);
      g_auto(Answer) snapshot = { 0 };
      JsonObject *readiness = snapshot_readiness (server, token, &snapshot);

      g_assert_cmpstr (json_object_get_string_member (readiness, "level"), ==, "normal");
      g_assert_cmpstr (json_object_get_string_member (readiness, "set_by"), ==, "admin");
    }
}

static char *
polygon_body (guint n_points)
{
  g_autofree char *polygon = test_polygon_json (n_points);

  return g_strdup_printf ("{\"level\":\"raised\",\"reason\":\"x\",\"area\":%s}", polygon);
}

static void
test_refused (Server        *server,
              gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *too_long = NULL;
  g_autofree char *too_many = polygon_body (501);
  g_autofree char *most = polygon_body (500);
  g_autoptr(GString) long_reason = g_string_new ("{\"level\":\"full\",\"reason\":\"");
  struct
  {
    const char *body;
    const char *field;
  } cases[] = {
    { "{\"level\":\"raised\"}", "reason: " },
    { "{\"level\":\"raised\",\"reason\":\"   \"}", "reason: " },
    { "{\"level\":\"raised\",\"reason\":null}", "reason: " },
    { "{\"level\":\"raised\",\"reason\":42}", "reason: " },
    { "{\"level\":\"raised\",\"reason\":\"\u202eтревога\"}", "reason: " },
    { "{\"level\":\"raised\",\"reason\":\"a\\u0007b\"}", "reason: " },
    { NULL, "reason: " }, /* 501 characters, below */
    { "{\"level\":\"alarm\",\"reason\":\"x\"}", "level: " },
    { "{\"reason\":\"x\"}", "level: " },
    { "{\"level\":\"normal\",\"area\":{\"type\":\"Circle\",\"center\":[76.9,43.2],\"radius_m\":100}}", "area: " },
    { "{\"level\":\"high\",\"reason\":\"x\",\"area\":[1,2]}", "area: " },
    { "{\"level\":\"high\",\"reason\":\"x\",\"area\":{\"type\":\"Square\"}}", "area.type: " },
    { "{\"level\":\"high\",\"reason\":\"x\",\"area\":{\"type\":\"Circle\",\"center\":[76.9,43.2],\"radius_m\":49.9}}",
      "area.radius_m: " },
    { "{\"level\":\"high\",\"reason\":\"x\",\"area\":{\"type\":\"Circle\",\"center\":[76.9,43.2],\"radius_m\":50001}}",
      "area.radius_m: " },
    { "{\"level\":\"high\",\"reason\":\"x\",\"area\":{\"type\":\"Circle\",\"center\":[76.9,43.2],\"radius_m\":\"1km\"}}",
      "area.radius_m: " },
    { "{\"level\":\"high\",\"reason\":\"x\",\"area\":{\"type\":\"Circle\",\"center\":[76.9,91],\"radius_m\":100}}",
      "area.center: " },
    { "{\"level\":\"high\",\"reason\":\"x\",\"area\":{\"type\":\"Circle\",\"center\":[76.9],\"radius_m\":100}}",
      "area.center: " },
    /* Not closed. */
    { "{\"level\":\"high\",\"reason\":\"x\",\"area\":{\"type\":\"Polygon\",\"coordinates\":"
      "[[[76.9,43.2],[77.0,43.2],[77.0,43.3],[76.9,43.3]]]}}", "area.coordinates: " },
    /* A bow tie: its edges cross. */
    { "{\"level\":\"high\",\"reason\":\"x\",\"area\":{\"type\":\"Polygon\",\"coordinates\":"
      "[[[76.9,43.2],[77.0,43.3],[77.0,43.2],[76.9,43.3],[76.9,43.2]]]}}", "area.coordinates: " },
    /* A hole. */
    { "{\"level\":\"high\",\"reason\":\"x\",\"area\":{\"type\":\"Polygon\",\"coordinates\":"
      "[[[76.9,43.2],[77.0,43.2],[77.0,43.3],[76.9,43.3],[76.9,43.2]],"
      "[[76.95,43.25],[76.96,43.25],[76.96,43.26],[76.95,43.25]]]}}", "area.coordinates: " },
    { "{\"level\":\"high\",\"reason\":\"x\",\"area\":{\"type\":\"MultiPolygon\",\"coordinates\":"
      "[[[[76.9,43.2],[77.0,43.2],[77.0,43.3],[76.9,43.2]]]]}}", "area.type: " },
    { too_many, "area.coordinates: " },
  };

  for (guint i = 0; i < 501; i++)
    g_string_append (long_reason, "ж");
  g_string_append (long_reason, "\"}");
  too_long = g_strdup (long_reason->str);
  cases[6].body = too_long;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Answer) answer = request (server, "PUT", "/api/v1/readiness", sup, NULL, NULL, cases[i].body);

      g_test_message ("case %u: %s", i, member (&answer, "message"));
      g_assert_cmpuint (answer.status, ==, 422);
      g_assert_cmpstr (member (&answer, "code"), ==, "invalid_field");
      g_assert_true (g_str_has_prefix (member (&answer, "message"), cases[i].field));
    }

  /* None of it changed anything, and no event was written. */
  {
    g_auto(Answer) snapshot = { 0 };
    JsonObject *readiness = snapshot_readiness (server, sup, &snapshot);

    g_assert_cmpstr (json_object_get_string_member (readiness, "level"), ==, "normal");
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (snapshot.body), "as_of_seq"), ==, 0);
  }

  /* The bounds themselves are taken: 500 points, 500 characters, 50 m. */
  {
    g_auto(Answer) polygon = request (server, "PUT", "/api/v1/readiness", sup, NULL, NULL, most);
    g_autoptr(GString) reason = g_string_new ("{\"level\":\"full\",\"reason\":\"");
    g_auto(Answer) longest = { 0 };
    g_auto(Answer) smallest = request (server, "PUT", "/api/v1/readiness", sup, NULL, NULL,
                                       "{\"level\":\"high\",\"reason\":\"x\",\"area\":{\"type\":\"Circle\","
                                       "\"center\":[76.9,43.2],\"radius_m\":50}}");

    for (guint i = 0; i < 500; i++)
      g_string_append (reason, "ж");
    g_string_append (reason, "\"}");
    longest = request (server, "PUT", "/api/v1/readiness", sup, NULL, NULL, reason->str);

    g_assert_cmpuint (polygon.status, ==, 200);
    g_assert_cmpuint (longest.status, ==, 200);
    g_assert_cmpuint (smallest.status, ==, 200);
  }
}

static void
assert_same_readiness (JsonObject *a,
                       JsonObject *b)
{
  static const char *const members[] = { "level", "reason", "set_by", "set_at", "raised_at", "area" };

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      g_assert_true (json_object_has_member (a, members[i]));
      g_assert_true (json_node_equal (json_object_get_member (a, members[i]), json_object_get_member (b, members[i])));
    }
}

/* Raised with an area, changed, lowered: each an event with every field,
 * as the answer has it; the snapshot keeps it over a restart. */
static void
test_event_and_restart (Server        *server,
                        gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *wall = login (server, "wall");
  g_auto(Answer) before = { 0 };
  g_auto(Answer) raise = { 0 };
  g_auto(Answer) full = { 0 };
  g_auto(Answer) polygon = { 0 };
  JsonObject *readiness = snapshot_readiness (server, wall, &before);
  JsonObject *event;
  JsonObject *area;
  Stream stream;

  /* Nobody has set it yet. */
  g_assert_cmpstr (json_object_get_string_member (readiness, "level"), ==, "normal");
  assert_null_member (readiness, "reason");
  assert_null_member (readiness, "set_by");
  assert_null_member (readiness, "raised_at");
  assert_null_member (readiness, "area");

  stream_open (server, &stream, wall, 0);
  raise = request (server, "PUT", "/api/v1/readiness", sup, NULL, NULL, RAISE_BODY);
  g_assert_cmpuint (raise.status, ==, 200);
  g_assert_true (stream_wait_seq (&stream, 1));
  event = json_node_get_object (stream.events->pdata[0]);
  g_assert_cmpstr (json_object_get_string_member (event, "type"), ==, "readiness.changed");
  readiness = json_object_get_object_member (event, "readiness");
  assert_same_readiness (readiness, json_node_get_object (raise.body));
  g_assert_cmpstr (json_object_get_string_member (readiness, "level"), ==, "high");
  g_assert_cmpstr (json_object_get_string_member (readiness, "reason"), ==, "Митинг на площади");
  g_assert_cmpstr (json_object_get_string_member (readiness, "set_by"), ==, "sup");
  g_assert_cmpstr (json_object_get_string_member (readiness, "raised_at"), ==,
                   json_object_get_string_member (readiness, "set_at"));
  area = json_object_get_object_member (readiness, "area");
  g_assert_cmpstr (json_object_get_string_member (area, "type"), ==, "Circle");
  g_assert_cmpfloat (json_object_get_double_member (area, "radius_m"), ==, 1500);
  g_assert_cmpfloat (json_array_get_double_element (json_object_get_array_member (area, "center"), 1), ==, 43.2389);

  /* Up to full, without an area: the area and the episode's start stay. */
  full = request (server, "PUT", "/api/v1/readiness", sup, NULL, NULL,
                  "{\"level\":\"full\",\"reason\":\"Беспорядки\"}");
  g_assert_cmpuint (full.status, ==, 200);
  g_assert_true (stream_wait_seq (&stream, 2));
  readiness = json_object_get_object_member (json_node_get_object (stream.events->pdata[1]), "readiness");
  assert_same_readiness (readiness, json_node_get_object (full.body));
  g_assert_cmpstr (json_object_get_string_member (readiness, "level"), ==, "full");
  g_assert_cmpstr (json_object_get_string_member (readiness, "raised_at"), ==, member (&raise, "raised_at"));
  g_assert_cmpstr (json_object_get_string_member (readiness, "set_at"), >, member (&raise, "set_at"));
  g_assert_true (json_node_equal (json_object_get_member (readiness, "area"),
                                  json_object_get_member (json_node_get_object (raise.body), "area")));

  /* A polygon replaces the circle, written with 7 decimals. */
  polygon = request (server, "PUT", "/api/v1/readiness", sup, NULL, NULL,
                     "{\"level\":\"full\",\"reason\":\"Беспорядки\",\"area\":{\"type\":\"Polygon\",\"coordinates\":"
                     "[[[76.9,43.2],[77.0,43.2],[77.0,43.3],[76.9,43.3],[76.9,43.2]]],\"bbox\":[0,0,0,0]}}");
  g_assert_cmpuint (polygon.status, ==, 200);
  {
    JsonObject *kept = json_object_get_object_member (json_node_get_object (polygon.body), "area");
    JsonArray *ring = json_array_get_array_element (json_object_get_array_member (kept, "coordinates"), 0);

    /* Only what the contract names is kept (no bbox). */
    g_assert_cmpuint (json_object_get_size (kept), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (kept, "type"), ==, "Polygon");
    g_assert_cmpuint (json_array_get_length (ring), ==, 5);
    g_assert_cmpfloat (json_array_get_double_element (json_array_get_array_element (ring, 2), 0), ==, 77.0);
    g_assert_cmpfloat (json_array_get_double_element (json_array_get_array_element (ring, 2), 1), ==, 43.3);
  }
  stream_close (&stream);

  /* The snapshot holds it after a restart. */
  server_stop (server, SIGTERM);
  server_start (server, NULL);
  {
    g_autofree char *again = login (server, "wall");
    g_auto(Answer) after = { 0 };

    readiness = snapshot_readiness (server, again, &after);
    assert_same_readiness (readiness, json_node_get_object (polygon.body));
  }

  /* Lowering returns to normal: no area, no episode. */
  {
    g_autofree char *again = login (server, "sup");
    g_auto(Answer) lower = request (server, "PUT", "/api/v1/readiness", again, NULL, NULL, "{\"level\":\"normal\"}");
    g_auto(Answer) after = { 0 };

    g_assert_cmpuint (lower.status, ==, 200);
    readiness = snapshot_readiness (server, again, &after);
    assert_same_readiness (readiness, json_node_get_object (lower.body));
    g_assert_cmpstr (json_object_get_string_member (readiness, "level"), ==, "normal");
    assert_null_member (readiness, "area");
    assert_null_member (readiness, "raised_at");
    assert_null_member (readiness, "reason");
    g_assert_cmpstr (json_object_get_string_member (readiness, "set_by"), ==, "sup");
  }

  /* area: null clears an area while the level stays raised. */
  {
    g_autofree char *again = login (server, "sup");
    g_auto(Answer) up = request (server, "PUT", "/api/v1/readiness", again, NULL, NULL, RAISE_BODY);
    g_auto(Answer) cleared = request (server, "PUT", "/api/v1/readiness", again, NULL, NULL,
                                      "{\"level\":\"high\",\"reason\":\"Митинг\",\"area\":null}");

    g_assert_cmpuint (up.status, ==, 200);
    g_assert_cmpuint (cleared.status, ==, 200);
    g_assert_false (json_node_is_null (json_object_get_member (json_node_get_object (up.body), "area")));
    assert_null_member (json_node_get_object (cleared.body), "area");
    g_assert_cmpstr (member (&cleared, "raised_at"), ==, member (&up, "raised_at"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  server_fixture_init ();

#define ADD(path, func) g_test_add (path, Server, NULL, server_setup, func, server_teardown)
  ADD ("/readiness/roles", test_roles);
  ADD ("/readiness/refused", test_refused);
  ADD ("/readiness/event-and-restart", test_event_and_restart);
#undef ADD

  return g_test_run ();
}
