/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozord as a client sees it: the real binary on an ephemeral loopback
 * port, a fresh database per test, requests through libsoup.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <string.h>

#include "server-fixture.h"

/* --- Auth and roles -------------------------------------------------------- */

static void
test_auth (Server        *server,
           gconstpointer  data)
{
  g_autofree char *wall = login (server, "wall");
  g_autofree char *op = login (server, "op");
  g_auto(Answer) no_token = request (server, "GET", "/api/v1/snapshot", NULL, NULL, NULL, NULL);
  g_auto(Answer) bad_token = request (server, "GET", "/api/v1/snapshot", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                                      NULL, NULL, NULL);
  g_auto(Answer) wrong_password = request (server, "POST", "/api/v1/session", NULL, NULL, NULL,
                                           "{\"username\":\"sup\",\"password\":\"guess\"}");
  g_auto(Answer) wall_reads = request (server, "GET", "/api/v1/snapshot", wall, NULL, NULL, NULL);
  static const char *writes[][2] = {
    { "POST", "/api/v1/units" }, { "PATCH", "/api/v1/units/x" }, { "POST", "/api/v1/incidents" },
    { "PATCH", "/api/v1/incidents/x" }, { "POST", "/api/v1/dispatches" },
    { "DELETE", "/api/v1/dispatches/x" }, { "POST", "/api/v1/positions" }, { "PUT", "/api/v1/readiness" },
    { "POST", "/api/v1/crisis/notes" },
    { "PUT", "/api/v1/incidents/x/checklist" },
    { "POST", "/api/v1/zones" }, { "PATCH", "/api/v1/zones/x" }, { "DELETE", "/api/v1/zones/x" },
    { "POST", "/api/v1/routes" }, { "PATCH", "/api/v1/routes/x" }, { "DELETE", "/api/v1/routes/x" },
    { "POST", "/api/v1/plans" }, { "PATCH", "/api/v1/plans/x" }, { "DELETE", "/api/v1/plans/x" },
    { "POST", "/api/v1/plans/x/proposal" }, { "POST", "/api/v1/plans/x/activation" },
    { "DELETE", "/api/v1/plans/x/activation" },
  };

  g_assert_cmpuint (no_token.status, ==, 401);
  g_assert_cmpstr (member (&no_token, "code"), ==, "unauthorized");
  g_assert_cmpuint (bad_token.status, ==, 401);
  g_assert_cmpuint (wrong_password.status, ==, 401);
  g_assert_cmpuint (wall_reads.status, ==, 200);

  /* The wall may read only: every write is refused before it is looked at. */
  for (guint i = 0; i < G_N_ELEMENTS (writes); i++)
    {
      g_auto(Answer) answer = request (server, writes[i][0], writes[i][1], wall, "k", "1", "{}");

      g_assert_cmpuint (answer.status, ==, 403);
      g_assert_cmpstr (member (&answer, "code"), ==, "forbidden");
    }

  /* An operator registers incidents but does not dispatch. */
  {
    g_autofree char *incident = create_incident (server, op);
    g_auto(Answer) dispatch = request (server, "POST", "/api/v1/dispatches", op, "k2", NULL,
                                       "{\"unit_id\":\"x\",\"incident_id\":\"y\"}");

    g_assert_nonnull (incident);
    g_assert_cmpuint (dispatch.status, ==, 403);
  }
}

/* docs/api.md: a token lives 14 hours. */
#define SESSION_SECONDS (14 * 3600)

/* A board that kept its token asks whose it is; logging out ends that
 * token alone, not the user's other boards. */
static void
test_session (Server        *server,
              gconstpointer  data)
{
  g_autofree char *desk = login (server, "sup");
  g_autofree char *other_desk = login (server, "sup");
  g_auto(Answer) whose = request (server, "GET", "/api/v1/session", desk, NULL, NULL, NULL);
  g_auto(Answer) anonymous = request (server, "GET", "/api/v1/session", NULL, NULL, NULL, NULL);
  g_auto(Answer) put = request (server, "PUT", "/api/v1/session", desk, NULL, NULL, "{}");
  g_auto(Answer) logout = request (server, "DELETE", "/api/v1/session", desk, NULL, NULL, NULL);
  g_auto(Answer) after = request (server, "GET", "/api/v1/snapshot", desk, NULL, NULL, NULL);
  g_auto(Answer) again = request (server, "DELETE", "/api/v1/session", desk, NULL, NULL, NULL);
  g_auto(Answer) other = request (server, "GET", "/api/v1/snapshot", other_desk, NULL, NULL, NULL);
  g_autoptr(GDateTime) expires = NULL;
  gint64 left;

  g_assert_cmpuint (whose.status, ==, 200);
  g_assert_cmpstr (member (&whose, "username"), ==, "sup");
  g_assert_cmpstr (member (&whose, "role"), ==, "supervisor");
  g_assert_null (member (&whose, "token"));
  expires = g_date_time_new_from_iso8601 (member (&whose, "expires_at"), NULL);
  g_assert_nonnull (expires);
  left = g_date_time_to_unix (expires) - g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpint (left, >, SESSION_SECONDS - 60);
  g_assert_cmpint (left, <=, SESSION_SECONDS);

  g_assert_cmpuint (anonymous.status, ==, 401);
  g_assert_cmpuint (put.status, ==, 405);
  g_assert_cmpuint (logout.status, ==, 200);
  g_assert_cmpstr (member (&logout, "username"), ==, "sup");
  g_assert_cmpuint (after.status, ==, 401);
  g_assert_cmpuint (again.status, ==, 401);
  g_assert_cmpuint (other.status, ==, 200);
}

/* --- Dispatch races and retries -------------------------------------------- */

typedef struct
{
  GMainLoop *loop;
  guint pending;
  guint created;
  guint conflicts;
  guint other;
} Race;

static void
race_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Race *race = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  g_auto(Answer) answer = finish (msg, bytes);

  if (answer.status == 201)
    race->created++;
  else if (answer.status == 409 && g_strcmp0 (member (&answer, "code"), "unit_busy") == 0 &&
           json_object_has_member (json_node_get_object (answer.body), "current"))
    race->conflicts++;
  else
    race->other++;

  if (--race->pending == 0)
    g_main_loop_quit (race->loop);
}

static void
test_dispatch_race (Server        *server,
                    gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *sup2 = login (server, "sup2");
  g_autofree char *unit = create_unit (server, sup, "Беркут-1");
  g_autoptr(GPtrArray) incidents = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Race race = { loop, 8, 0, 0, 0 };
  g_auto(Answer) snapshot = { 0 };
  JsonArray *dispatches;

  for (guint i = 0; i < 8; i++)
    g_ptr_array_add (incidents, create_incident (server, sup));

  /* Eight supervisors' commands in flight at once, to eight incidents. */
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"unit_id\":\"%s\",\"incident_id\":\"%s\"}",
                                               unit, (char *) incidents->pdata[i]);
      g_autofree char *key = g_uuid_string_random ();
      g_autoptr(SoupMessage) msg = new_request (server, "POST", "/api/v1/dispatches",
                                                i % 2 ? sup : sup2, body);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", key);
      soup_session_send_and_read_async (server->session, msg, G_PRIORITY_DEFAULT, NULL, race_done_cb, &race);
    }
  g_main_loop_run (loop);

  g_assert_cmpuint (race.created, ==, 1);
  g_assert_cmpuint (race.conflicts, ==, 7);
  g_assert_cmpuint (race.other, ==, 0);

  snapshot = request (server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);
  dispatches = json_object_get_array_member (json_node_get_object (snapshot.body), "dispatches");
  g_assert_cmpuint (json_array_get_length (dispatches), ==, 1);
}

static void
test_idempotent_retry (Server        *server,
                       gconstpointer  data)
{
  g_autofree char *op = login (server, "op");
  const char *body = "{\"type\":\"assault\",\"location\":{\"lat\":43.25,\"lon\":76.93}}";
  g_auto(Answer) first = request (server, "POST", "/api/v1/incidents", op, "retry-1", NULL, body);
  g_auto(Answer) again = request (server, "POST", "/api/v1/incidents", op, "retry-1", NULL, body);
  g_auto(Answer) no_key = request (server, "POST", "/api/v1/incidents", op, NULL, NULL, body);
  g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", op, NULL, NULL, NULL);
  g_autofree char *first_text = json_to_string (first.body, FALSE);
  g_autofree char *again_text = json_to_string (again.body, FALSE);

  g_assert_cmpuint (first.status, ==, 201);
  g_assert_cmpuint (again.status, ==, 201);
  g_assert_cmpstr (first_text, ==, again_text);
  g_assert_cmpuint (no_key.status, ==, 428);

  /* The retry made nothing new. */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (snapshot.body),
                                                                          "incidents")), ==, 1);
}

static void
test_stale_version (Server        *server,
                    gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *unit = create_unit (server, sup, "Сункар-7");
  g_autofree char *path = g_strconcat ("/api/v1/units/", unit, NULL);
  g_auto(Answer) first = request (server, "PATCH", path, sup, NULL, "\"1\"", "{\"status\":\"busy\"}");
  g_auto(Answer) stale = request (server, "PATCH", path, sup, NULL, "1", "{\"status\":\"available\"}");
  g_auto(Answer) missing = request (server, "PATCH", path, sup, NULL, NULL, "{\"status\":\"available\"}");
  g_auto(Answer) unknown = request (server, "PATCH", "/api/v1/units/nope", sup, NULL, "1", "{}");

  g_assert_cmpuint (first.status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (first.body), "version"), ==, 2);
  g_assert_cmpuint (stale.status, ==, 412);
  g_assert_cmpstr (member (&stale, "code"), ==, "stale_version");
  g_assert_cmpuint (missing.status, ==, 428);
  g_assert_cmpuint (unknown.status, ==, 404);
}

/* --- Hostile input ------------------------------------------------------------ */

static void
test_hostile_input (Server        *server,
                    gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  GString *deep = g_string_new (NULL);
  g_autofree char *deep_text = NULL;
  g_autofree char *huge = NULL;
  static const struct {
    const char *body;
    guint status;
    const char *code;
  } cases[] = {
    { "{\"call_sign\": ", 400, "invalid_json" },
    { "[1, 2, 3]", 400, "invalid_json" },
    { "", 400, "invalid_json" },
    { "{\"call_sign\": 12, \"kind\": \"car\"}", 422, "invalid_field" },
    { "{\"call_sign\": \"A-1\", \"kind\": \"tank\"}", 422, "invalid_field" },
    { "{\"call_sign\": \"   \", \"kind\": \"car\"}", 422, "invalid_field" },
    { "{\"kind\": \"car\"}", 422, "invalid_field" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = g_strdup_printf ("hostile-%u", i);
      g_auto(Answer) answer = request (server, "POST", "/api/v1/units", sup, key, NULL, cases[i].body);

      g_assert_cmpuint (answer.status, ==, cases[i].status);
      g_assert_cmpstr (member (&answer, "code"), ==, cases[i].code);
      g_assert_nonnull (member (&answer, "message"));
    }

  /* A batch with one position of an unknown unit is refused whole. */
  {
    g_autofree char *tracker = login (server, "tracker");
    g_auto(Answer) answer = request (server, "POST", "/api/v1/positions", tracker, NULL, NULL,
                                     "{\"positions\":[{\"unit_id\":\"ghost\",\"lat\":43.2,\"lon\":76.9,"
                                     "\"time\":\"2026-11-22T08:00:00Z\"}]}");
    g_assert_cmpuint (answer.status, ==, 422);
  }

  /* Out-of-range coordinates for an incident. */
  {
    g_auto(Answer) answer = request (server, "POST", "/api/v1/incidents", sup, "bad-lat", NULL,
                                     "{\"type\":\"theft\",\"location\":{\"lat\":91,\"lon\":76}}");
    g_assert_cmpuint (answer.status, ==, 422);
  }

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  deep_text = g_string_free (deep, FALSE);
  {
    g_auto(Answer) answer = request (server, "POST", "/api/v1/units", sup, "deep", NULL, deep_text);
    g_assert_cmpuint (answer.status, ==, 400);
    g_assert_cmpstr (member (&answer, "code"), ==, "too_deep");
  }

  /* The server answers 413 from the headers and closes: the client either
   * reads that answer or sees the connection end while still sending. */
  huge = g_malloc (2 * 1024 * 1024 + 1);
  memset (huge, ' ', 2 * 1024 * 1024);
  huge[2 * 1024 * 1024] = '\0';
  {
    g_autoptr(SoupMessage) msg = new_request (server, "POST", "/api/v1/units", sup, huge);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", "huge");
    bytes = soup_session_send_and_read (server->session, msg, NULL, &error);
    if (error == NULL)
      g_assert_cmpuint (soup_message_get_status (msg), ==, 413);
    else
      g_test_message ("huge body: %s", error->message);

    /* The server closed that connection; do not let the pool offer it again. */
    soup_session_abort (server->session);
  }

  /* Still healthy, and nothing was created. */
  {
    g_auto(Answer) health = request (server, "GET", "/api/v1/health", NULL, NULL, NULL, NULL);
    g_assert_cmpuint (health.status, ==, 200);
    g_assert_cmpint (snapshot_seq (server, sup), ==, 0);
  }
}

/* A chunked body has no Content-Length to refuse it by: the server counts
 * it as it arrives and answers 413 once it passes 1 MiB. */
static void
test_chunked_body_capped (Server        *server,
                          gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autoptr(GUri) uri = g_uri_parse (server->url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *head = NULL;
  g_autofree char *chunk = g_malloc (64 * 1024);
  g_autofree char *chunk_head = g_strdup_printf ("%x\r\n", 64 * 1024);
  GOutputStream *out;
  char answer[256] = { 0 };
  gsize got = 0;

  conn = g_socket_client_connect_to_host (client, g_uri_get_host (uri), g_uri_get_port (uri), NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  head = g_strdup_printf ("POST /api/v1/units HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer %s\r\n"
                          "Idempotency-Key: chunked\r\nContent-Type: application/json\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n", sup);
  g_assert_true (g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error));
  memset (chunk, ' ', 64 * 1024);

  /* 4 MiB offered; the server stops listening after the first one. */
  for (guint i = 0; i < 64 && error == NULL; i++)
    if (g_output_stream_write_all (out, chunk_head, strlen (chunk_head), NULL, NULL, &error))
      if (g_output_stream_write_all (out, chunk, 64 * 1024, NULL, NULL, &error))
        g_output_stream_write_all (out, "\r\n", 2, NULL, NULL, &error);
  g_test_message ("sending stopped with: %s", error != NULL ? error->message : "nothing");
  g_clear_error (&error);

  g_input_stream_read_all (g_io_stream_get_input_stream (G_IO_STREAM (conn)), answer, sizeof answer - 1,
                           &got, NULL, &error);
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 413 "));
  g_assert_nonnull (strstr (answer, "\"too_large\""));

  {
    g_auto(Answer) health = request (server, "GET", "/api/v1/health", NULL, NULL, NULL, NULL);
    g_assert_cmpuint (health.status, ==, 200);
    g_assert_cmpint (snapshot_seq (server, sup), ==, 0);
  }
}

/* --- Zones and patrol routes ------------------------------------------------ */

static JsonObject *
find_by_id (JsonNode   *snapshot,
            const char *list,
            const char *id)
{
  JsonArray *items = json_object_get_array_member (json_node_get_object (snapshot), list);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (item, "id"), id))
        return item;
    }
  return NULL;
}

static void
test_zones_and_routes (Server        *server,
                       gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *wall = login (server, "wall");
  g_autofree char *unit = create_unit (server, sup, "Беркут-7");
  g_autofree char *district = NULL;
  g_autofree char *sector = NULL;
  g_autofree char *route = NULL;
  g_autofree char *sector_body = NULL;
  g_autofree char *route_body = NULL;
  g_autofree char *raw_snapshot = NULL;
  static const char district_body[] =
    "{\"kind\":\"district\",\"name\":\"Almaly\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
    "[[[76.90,43.24],[76.96,43.24],[76.96,43.27],[76.90,43.27],[76.90,43.24]]]}}";
  static const struct {
    const char *path;
    const char *body;
  } refused[] = {
    /* A ring that does not close. */
    { "/api/v1/zones", "{\"kind\":\"district\",\"name\":\"A\",\"geometry\":{\"type\":\"Polygon\","
                       "\"coordinates\":[[[76.9,43.2],[77,43.2],[77,43.3],[76.9,43.3]]]}}" },
    /* A line is no area, and an area no route. */
    { "/api/v1/zones", "{\"kind\":\"district\",\"name\":\"B\",\"geometry\":{\"type\":\"LineString\","
                       "\"coordinates\":[[76.9,43.2],[77,43.2]]}}" },
    { "/api/v1/routes", "{\"name\":\"R\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
                        "[[[76.9,43.2],[77,43.2],[77,43.3],[76.9,43.2]]]}}" },
    /* Latitude out of range, a single point, a string for a number. */
    { "/api/v1/routes", "{\"name\":\"R\",\"geometry\":{\"type\":\"LineString\","
                        "\"coordinates\":[[76.9,93.2],[77,43.2]]}}" },
    { "/api/v1/routes", "{\"name\":\"R\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[76.9,43.2]]}}" },
    { "/api/v1/routes", "{\"name\":\"R\",\"geometry\":{\"type\":\"LineString\","
                        "\"coordinates\":[[\"76.9\",43.2],[77,43.2]]}}" },
    /* A sector without its district; a route for a unit that does not exist. */
    { "/api/v1/zones", "{\"kind\":\"sector\",\"name\":\"S\",\"geometry\":{\"type\":\"Polygon\","
                       "\"coordinates\":[[[76.9,43.2],[77,43.2],[77,43.3],[76.9,43.2]]]}}" },
    { "/api/v1/routes", "{\"name\":\"R\",\"unit_id\":\"ghost\",\"geometry\":{\"type\":\"LineString\","
                        "\"coordinates\":[[76.9,43.2],[77,43.2]]}}" },
    /* A shift that ends before it starts. */
    { "/api/v1/routes", "{\"name\":\"R\",\"shift_start\":\"2026-11-22T20:00:00+05:00\","
                        "\"shift_end\":\"2026-11-22T08:00:00+05:00\",\"geometry\":{\"type\":\"LineString\","
                        "\"coordinates\":[[76.9,43.2],[77,43.2]]}}" },
  };

  {
    g_auto(Answer) created = request (server, "POST", "/api/v1/zones", sup, "district", NULL, district_body);
    g_auto(Answer) twice = request (server, "POST", "/api/v1/zones", sup, "district-again", NULL, district_body);

    g_assert_cmpuint (created.status, ==, 201);
    district = g_strdup (member (&created, "id"));
    g_assert_cmpuint (twice.status, ==, 409);
  }

  sector_body = g_strdup_printf ("{\"kind\":\"sector\",\"name\":\"Almaly-1\",\"parent_id\":\"%s\","
                                 "\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":"
                                 "[[[[76.90,43.24],[76.93,43.24],[76.93,43.27],[76.90,43.24]]]]}}", district);
  {
    g_auto(Answer) created = request (server, "POST", "/api/v1/zones", sup, "sector", NULL, sector_body);

    g_assert_cmpuint (created.status, ==, 201);
    sector = g_strdup (member (&created, "id"));
  }

  route_body = g_strdup_printf ("{\"name\":\"Almaly-1 day\",\"zone_id\":\"%s\",\"unit_id\":\"%s\","
                                "\"shift_start\":\"2026-11-22T08:00:00+05:00\",\"shift_end\":\"2026-11-22T20:00:00+05:00\","
                                "\"geometry\":{\"type\":\"LineString\",\"coordinates\":"
                                "[[76.9123456789,43.25],[76.92,43.255],[76.925,43.26]]}}", sector, unit);
  {
    g_auto(Answer) created = request (server, "POST", "/api/v1/routes", sup, "route", NULL, route_body);

    g_assert_cmpuint (created.status, ==, 201);
    route = g_strdup (member (&created, "id"));
    g_assert_cmpstr (member (&created, "shift_start"), ==, "2026-11-22T03:00:00Z");
  }

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *key = g_strdup_printf ("refused-%u", i);
      g_auto(Answer) answer = request (server, "POST", refused[i].path, sup, key, NULL, refused[i].body);

      g_test_message ("%s %s → %u %s", refused[i].path, refused[i].body, answer.status,
                      answer.body != NULL ? member (&answer, "message") : "");
      g_assert_cmpuint (answer.status, ==, 422);
      g_assert_cmpstr (member (&answer, "code"), ==, "invalid_field");
    }

  /* The wall sees both, coordinates kept to 7 decimals. */
  {
    g_autoptr(SoupMessage) msg = new_request (server, "GET", "/api/v1/snapshot", wall, NULL);
    g_autoptr(GBytes) bytes = soup_session_send_and_read (server->session, msg, NULL, NULL);
    g_auto(Answer) snapshot = finish (msg, bytes);
    JsonObject *zone, *patrol;

    raw_snapshot = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    g_assert_nonnull (strstr (raw_snapshot, "[76.9123457,43.2500000]"));
    zone = find_by_id (snapshot.body, "zones", sector);
    g_assert_nonnull (zone);
    g_assert_cmpstr (json_object_get_string_member (zone, "parent_id"), ==, district);
    patrol = find_by_id (snapshot.body, "routes", route);
    g_assert_nonnull (patrol);
    g_assert_cmpstr (json_object_get_string_member (patrol, "unit_id"), ==, unit);
  }

  /* Taking the unit off the route, on the version seen; an old version loses. */
  {
    g_autofree char *path = g_strconcat ("/api/v1/routes/", route, NULL);
    g_auto(Answer) unassigned = request (server, "PATCH", path, sup, NULL, "1", "{\"unit_id\":null}");
    g_auto(Answer) stale = request (server, "PATCH", path, sup, NULL, "1", "{\"name\":\"late\"}");

    g_assert_cmpuint (unassigned.status, ==, 200);
    g_assert_true (json_object_get_null_member (json_node_get_object (unassigned.body), "unit_id"));
    g_assert_cmpstr (member (&unassigned, "name"), ==, "Almaly-1 day");
    g_assert_cmpuint (stale.status, ==, 412);
  }

  /* A district with a sector in it stays; emptied, it goes. */
  {
    g_autofree char *district_path = g_strconcat ("/api/v1/zones/", district, NULL);
    g_autofree char *sector_path = g_strconcat ("/api/v1/zones/", sector, NULL);
    g_autofree char *route_path = g_strconcat ("/api/v1/routes/", route, NULL);
    g_auto(Answer) in_use = request (server, "DELETE", district_path, sup, NULL, NULL, NULL);
    g_auto(Answer) sector_in_use = request (server, "DELETE", sector_path, sup, NULL, NULL, NULL);
    g_auto(Answer) route_gone = request (server, "DELETE", route_path, sup, NULL, NULL, NULL);
    g_auto(Answer) sector_gone = request (server, "DELETE", sector_path, sup, NULL, NULL, NULL);
    g_auto(Answer) district_stale = request (server, "DELETE", district_path, sup, NULL, "7", NULL);
    g_auto(Answer) district_gone = request (server, "DELETE", district_path, sup, NULL, "1", NULL);
    g_auto(Answer) again = request (server, "DELETE", district_path, sup, NULL, NULL, NULL);

    g_assert_cmpuint (in_use.status, ==, 409);
    g_assert_cmpuint (sector_in_use.status, ==, 409);
    g_assert_cmpuint (route_gone.status, ==, 200);
    g_assert_cmpuint (sector_gone.status, ==, 200);
    g_assert_cmpuint (district_stale.status, ==, 412);
    g_assert_cmpuint (district_gone.status, ==, 200);
    g_assert_cmpuint (again.status, ==, 404);
  }

  {
    g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", wall, NULL, NULL, NULL);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (snapshot.body),
                                                                           "zones")), ==, 0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (snapshot.body),
                                                                           "routes")), ==, 0);
  }
}

/* --- Track history ----------------------------------------------------------- */

static char *
hours_ago (int hours)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_hours (now, -hours);

  return g_date_time_format (then, "%Y-%m-%dT%H:%M:%SZ");
}

static guint
track_length (Server     *server,
              const char *token,
              const char *unit,
              const char *query)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/units/%s/track%s", unit, query);
  g_auto(Answer) answer = request (server, "GET", path, token, NULL, NULL, NULL);
  JsonArray *positions;

  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_cmpstr (member (&answer, "unit_id"), ==, unit);
  positions = json_object_get_array_member (json_node_get_object (answer.body), "positions");

  /* Oldest first, for drawing a trail and for replay. */
  for (guint i = 1; i < json_array_get_length (positions); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (positions, i - 1), "time"), <,
                     json_object_get_string_member (json_array_get_object_element (positions, i), "time"));
  return json_array_get_length (positions);
}

/* Fixes are kept as a unit's track for trails and replay, and dropped after
 * the retention period (24 hours by default). */
static void
test_track_history (Server        *server,
                    gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *tracker = login (server, "tracker");
  g_autofree char *wall = login (server, "wall");
  g_autofree char *unit = create_unit (server, sup, "Барыс-3");
  g_autofree char *old = hours_ago (30);
  g_autofree char *recent = hours_ago (2);
  g_autofree char *latest = hours_ago (1);
  g_autofree char *since = hours_ago (3);
  g_autofree char *body = g_strdup_printf ("{\"positions\":["
                                           "{\"unit_id\":\"%s\",\"lat\":43.20,\"lon\":76.90,\"time\":\"%s\"},"
                                           "{\"unit_id\":\"%s\",\"lat\":43.21,\"lon\":76.91,\"time\":\"%s\"},"
                                           "{\"unit_id\":\"%s\",\"lat\":43.22,\"lon\":76.92,\"time\":\"%s\"}]}",
                                           unit, latest, unit, old, unit, recent);
  g_autofree char *query = g_strdup_printf ("?from=%s", since);

  {
    g_auto(Answer) posted = request (server, "POST", "/api/v1/positions", tracker, NULL, NULL, body);
    g_assert_cmpuint (posted.status, ==, 202);
  }

  g_assert_cmpuint (track_length (server, wall, unit, ""), ==, 3);
  g_assert_cmpuint (track_length (server, wall, unit, query), ==, 2);

  {
    g_auto(Answer) ghost = request (server, "GET", "/api/v1/units/ghost/track", wall, NULL, NULL, NULL);
    g_auto(Answer) bad_time = request (server, "GET", "/api/v1/units/x/track?from=yesterday", wall, NULL, NULL, NULL);
    g_auto(Answer) no_token = request (server, "GET", "/api/v1/units/ghost/track", NULL, NULL, NULL, NULL);

    g_assert_cmpuint (ghost.status, ==, 404);
    g_assert_cmpuint (bad_time.status, ==, 422);
    g_assert_cmpuint (no_token.status, ==, 401);
  }

  /* The server prunes on start and every minute: the 30-hour-old fix goes. */
  server_stop (server, SIGTERM);
  server_start (server, NULL);
  g_assert_cmpuint (track_length (server, wall, unit, ""), ==, 2);
}

/* --- The stream ------------------------------------------------------------- */

static void
test_stream_resume (Server        *server,
                    gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *wall = login (server, "wall");
  g_autofree char *unit = create_unit (server, sup, "Кобра-3");
  g_autofree char *incident = create_incident (server, sup);
  Stream stream;
  gint64 seen;

  stream_open (server, &stream, wall, 0);
  g_assert_true (stream.heartbeat);
  g_assert_cmpuint (stream.events->len, ==, 2);
  assert_gapless (&stream, 0);
  seen = event_seq (&stream, stream.events->len - 1);
  stream_close (&stream);

  /* Missed while away: a dispatch (three events) and a readiness change. */
  {
    g_autofree char *body = g_strdup_printf ("{\"unit_id\":\"%s\",\"incident_id\":\"%s\"}", unit, incident);
    g_auto(Answer) dispatch = request (server, "POST", "/api/v1/dispatches", sup, "d1", NULL, body);
    g_auto(Answer) readiness = request (server, "PUT", "/api/v1/readiness", sup, NULL, NULL,
                                         "{\"level\":\"raised\",\"reason\":\"Учения\"}");

    g_assert_cmpuint (dispatch.status, ==, 201);
    g_assert_cmpuint (readiness.status, ==, 200);
  }

  stream_open (server, &stream, wall, seen);
  g_assert_cmpuint (stream.events->len, ==, 4);
  assert_gapless (&stream, seen);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (stream.events->pdata[0]), "type"), ==,
                   "dispatch.created");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (stream.events->pdata[3]), "type"), ==,
                   "readiness.changed");
  stream_close (&stream);

  /* A seq from the future (another database): reset. */
  stream_open (server, &stream, wall, 999999);
  g_assert_true (stream.reset);
  stream_close (&stream);
}

static void
test_stream_needs_token (Server        *server,
                         gconstpointer  data)
{
  Stream stream;

  stream_open (server, &stream, "nonsense", 0);
  g_assert_true (stream.closed);
  g_assert_false (stream.heartbeat);
  g_assert_cmpint (soup_websocket_connection_get_close_code (stream.conn), ==, 4401);
  stream_close (&stream);
}

static void
test_reset_when_too_old (Server        *server,
                         gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *tracker = login (server, "tracker");
  g_autofree char *unit = create_unit (server, sup, "Сокол-9");
  g_autofree char *wall = NULL;
  GString *batch = g_string_new ("{\"positions\":[");
  g_autofree char *text = NULL;
  Stream stream;

  /* 1,500 fixes, one second apart: 1,500 events. */
  for (guint i = 0; i < 1500; i++)
    g_string_append_printf (batch, "%s{\"unit_id\":\"%s\",\"lat\":43.2%04u,\"lon\":76.9,"
                            "\"time\":\"2026-11-22T08:%02u:%02uZ\",\"speed\":12.5,\"heading\":90}",
                            i ? "," : "", unit, i, i / 60 % 60, i % 60);
  g_string_append (batch, "]}");
  text = g_string_free (batch, FALSE);
  {
    g_auto(Answer) answer = request (server, "POST", "/api/v1/positions", tracker, NULL, NULL, text);
    g_assert_cmpuint (answer.status, ==, 202);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (answer.body), "accepted"), ==, 1500);
  }

  /* Restarted keeping only the last 1,000 events: seq 0 is too old now. */
  server_stop (server, SIGTERM);
  server_start (server, "1000");
  wall = login (server, "wall");

  stream_open (server, &stream, wall, 0);
  g_assert_true (stream.reset);
  stream_close (&stream);

  stream_open (server, &stream, wall, 1000);
  g_assert_false (stream.reset);
  g_assert_cmpuint (stream.events->len, ==, 501);
  assert_gapless (&stream, 1000);
  stream_close (&stream);
}

static void
test_killed_and_restarted (Server        *server,
                           gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *wall = NULL;
  g_autofree char *second_unit = NULL;
  gint64 before;
  Stream stream;

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *call_sign = g_strdup_printf ("Патруль-%u", i);
      g_autofree char *unit = create_unit (server, sup, call_sign);

      g_assert_nonnull (unit);
    }
  before = snapshot_seq (server, sup);
  g_assert_cmpint (before, ==, 20);

  /* No warning, no shutdown: every answered command must survive. */
  server_stop (server, SIGKILL);
  server_start (server, NULL);

  g_free (sup);
  sup = login (server, "sup");
  wall = login (server, "wall");
  g_assert_cmpint (snapshot_seq (server, sup), ==, before);

  second_unit = create_unit (server, sup, "После-рестарта");
  g_assert_cmpint (snapshot_seq (server, sup), ==, before + 1);

  stream_open (server, &stream, wall, 0);
  g_assert_cmpuint (stream.events->len, ==, before + 1);
  assert_gapless (&stream, 0);
  stream_close (&stream);
}

/* The demo scenario: its cars exist, and drive, for every board. */
static void
test_almaty_scenario (Server        *server,
                      gconstpointer  data)
{
  g_autofree char *wall = NULL;
  g_autoptr(GHashTable) moved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) last_fix = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                             (GDestroyNotify) g_date_time_unref);
  g_autoptr(GHashTable) stamps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint reported = 0, gaps = 0;
  g_auto(Answer) snapshot = { 0 };
  JsonArray *units;
  Stream stream;
  gint64 seq;

  server_stop (server, SIGTERM);
  server_start_full (server, NULL, "25");
  wall = login (server, "wall");

  snapshot = request (server, "GET", "/api/v1/snapshot", wall, NULL, NULL, NULL);
  units = json_object_get_array_member (json_node_get_object (snapshot.body), "units");
  g_assert_cmpuint (json_array_get_length (units), ==, 25);
  seq = json_object_get_int_member (json_node_get_object (snapshot.body), "as_of_seq");

  /* The eight districts, their sectors, and a patrol route with a car for
   * each sector with roads, as long as there are cars. */
  {
    JsonArray *zones = json_object_get_array_member (json_node_get_object (snapshot.body), "zones");
    JsonArray *routes = json_object_get_array_member (json_node_get_object (snapshot.body), "routes");
    g_autoptr(GHashTable) unit_ids = g_hash_table_new (g_str_hash, g_str_equal);
    guint districts = 0, sectors = 0, assigned = 0;

    for (guint i = 0; i < json_array_get_length (units); i++)
      g_hash_table_add (unit_ids, (gpointer) json_object_get_string_member (json_array_get_object_element (units, i), "id"));
    for (guint i = 0; i < json_array_get_length (zones); i++)
      {
        const char *kind = json_object_get_string_member (json_array_get_object_element (zones, i), "kind");

        districts += g_str_equal (kind, "district");
        sectors += g_str_equal (kind, "sector");
      }
    for (guint i = 0; i < json_array_get_length (routes); i++)
      {
        JsonObject *route = json_array_get_object_element (routes, i);

        g_assert_nonnull (json_object_get_string_member (route, "zone_id"));
        g_assert_nonnull (json_object_get_string_member (route, "shift_end"));
        if (!json_object_get_null_member (route, "unit_id"))
          {
            g_assert_true (g_hash_table_contains (unit_ids, json_object_get_string_member (route, "unit_id")));
            assigned++;
          }
      }
    g_test_message ("%u districts, %u sectors, %u routes", districts, sectors, json_array_get_length (routes));
    g_assert_cmpuint (districts, ==, 8);
    g_assert_cmpuint (sectors, >=, 16);
    g_assert_cmpuint (json_array_get_length (routes), >=, 25);
    g_assert_cmpuint (assigned, ==, 25);
  }

  /* Within two report periods every car has reported from Almaty; like
   * real trackers, each at its own moment of the period and every ~5 s. */
  stream_open (server, &stream, wall, seq);
  for (guint round = 0; round < 10 && (g_hash_table_size (moved) < 25 || gaps < 25); round++)
    {
      for (guint i = 0; i < stream.events->len; i++)
        {
          JsonObject *event = json_node_get_object (stream.events->pdata[i]);
          JsonObject *unit, *position;

          if (g_str_equal (json_object_get_string_member (event, "type"), "incident.created"))
            reported++;
          if (!g_str_equal (json_object_get_string_member (event, "type"), "unit.position"))
            continue;
          unit = json_object_get_object_member (event, "unit");
          position = json_object_get_object_member (unit, "position");
          g_assert_cmpfloat (json_object_get_double_member (position, "lat"), >, 43.1);
          g_assert_cmpfloat (json_object_get_double_member (position, "lat"), <, 43.6);
          g_hash_table_add (moved, g_strdup (json_object_get_string_member (unit, "id")));
          {
            const char *id = json_object_get_string_member (unit, "id");
            const char *time = json_object_get_string_member (position, "time");
            g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 (time, NULL);
            GDateTime *before = g_hash_table_lookup (last_fix, id);

            g_assert_nonnull (now);
            g_hash_table_add (stamps, g_strdup (time));
            if (before != NULL)
              {
                double gap = g_date_time_difference (now, before) / (double) G_USEC_PER_SEC;

                /* Generous: a busy test machine may hold a tick back. */
                g_assert_cmpfloat (gap, >, 4.0);
                g_assert_cmpfloat (gap, <, 6.5);
                gaps++;
              }
            g_hash_table_insert (last_fix, g_strdup (id), g_date_time_ref (now));
          }
        }
      g_ptr_array_set_size (stream.events, 0);
      if (g_hash_table_size (moved) < 25 || gaps < 25)
        g_main_loop_run (stream.loop);
    }
  stream_close (&stream);

  g_assert_cmpuint (g_hash_table_size (moved), ==, 25);
  g_assert_cmpuint (gaps, >=, 25);
  /* Not one batch stamped at once: the 25 cars' fixes of a period carry
   * moments spread over it (ticks of 100 ms hold about one car each). */
  g_test_message ("%u distinct fix times", g_hash_table_size (stamps));
  g_assert_cmpuint (g_hash_table_size (stamps), >=, 2 * 25);

  /* And citizens' reports came in as incidents, at one a second. */
  g_test_message ("%u incidents reported", reported);
  g_assert_cmpuint (reported, >, 0);
}

/* The scenario takes up to 100,000 cars (docs/api.md); one more is a usage
 * error that says the limit, before anything starts. */
static void
test_scenario_units_limit (Server        *server,
                           gconstpointer  data)
{
  static const char *const counts[] = { "100001", "0" };

  for (guint c = 0; c < G_N_ELEMENTS (counts); c++)
    {
      const char *argv[] = { dozord_path, "--db", server->db, "--listen", "127.0.0.1:0",
                             "--scenario=almaty", "--units", counts[c], NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                          G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_no_error (error);
      g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error));
      g_assert_no_error (error);
      g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
      g_assert_cmpstr (out, ==, "");
      /* In whatever language the test runs in. */
      g_assert_nonnull (strstr (err, "--units"));
      g_assert_nonnull (strstr (err, "100000"));
    }
}

/* A supervisor sends a scenario car to a scene where it stands: the crew
 * acknowledges, arrives and says so, as a real one would. */
static void
test_scenario_answers_dispatch (Server        *server,
                                gconstpointer  data)
{
  g_autofree char *sup = NULL;
  g_autofree char *body = NULL;
  g_autofree char *incident = NULL;
  g_auto(Answer) snapshot = { 0 };
  JsonObject *unit, *position;
  const char *unit_id;
  gboolean en_route = FALSE, on_scene = FALSE;
  Stream stream;

  server_stop (server, SIGTERM);
  server_start_full (server, NULL, "5");
  sup = login (server, "sup");

  /* Wait for the first fixes. */
  stream_open (server, &stream, sup, 0);
  while (snapshot.body == NULL)
    {
      g_auto(Answer) attempt = request (server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);
      unit = json_array_get_object_element (json_object_get_array_member (json_node_get_object (attempt.body), "units"), 0);
      if (json_object_get_member (unit, "position") != NULL && !json_object_get_null_member (unit, "position"))
        {
          snapshot.body = g_steal_pointer (&attempt.body);
          break;
        }
      g_main_loop_run (stream.loop);
    }

  unit = json_array_get_object_element (json_object_get_array_member (json_node_get_object (snapshot.body), "units"), 0);
  unit_id = json_object_get_string_member (unit, "id");
  position = json_object_get_object_member (unit, "position");
  body = g_strdup_printf ("{\"type\":\"theft\",\"location\":{\"lat\":%.7f,\"lon\":%.7f}}",
                          json_object_get_double_member (position, "lat"),
                          json_object_get_double_member (position, "lon"));
  {
    g_auto(Answer) created = request (server, "POST", "/api/v1/incidents", sup, "scene", NULL, body);
    g_autofree char *dispatch_body = NULL;

    g_assert_cmpuint (created.status, ==, 201);
    incident = g_strdup (member (&created, "id"));
    dispatch_body = g_strdup_printf ("{\"unit_id\":\"%s\",\"incident_id\":\"%s\"}", unit_id, incident);
    {
      g_auto(Answer) dispatched = request (server, "POST", "/api/v1/dispatches", sup, "send", NULL, dispatch_body);
      g_assert_cmpuint (dispatched.status, ==, 201);
    }
  }

  /* Up to a minute of reports for the car to get there. */
  for (guint round = 0; round < 12 && !on_scene; round++)
    {
      g_ptr_array_set_size (stream.events, 0);
      g_main_loop_run (stream.loop);
      for (guint i = 0; i < stream.events->len; i++)
        {
          JsonObject *event = json_node_get_object (stream.events->pdata[i]);
          JsonObject *changed;

          if (!g_str_equal (json_object_get_string_member (event, "type"), "unit.updated"))
            continue;
          changed = json_object_get_object_member (event, "unit");
          if (!g_str_equal (json_object_get_string_member (changed, "id"), unit_id))
            continue;
          en_route |= g_str_equal (json_object_get_string_member (changed, "status"), "en_route");
          on_scene |= g_str_equal (json_object_get_string_member (changed, "status"), "on_scene");
        }
    }
  stream_close (&stream);

  g_assert_true (en_route);
  g_assert_true (on_scene);
}

/* --- GIS import: many zones and routes, all or nothing ----------------- */

static const char *
square (double lon,
        double lat,
        double side)
{
  static char text[512];

  g_snprintf (text, sizeof text,
              "{\"type\":\"Polygon\",\"coordinates\":[[[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f]]]}",
              lon, lat, lon + side, lat, lon + side, lat + side, lon, lat + side, lon, lat);
  return text;
}

static JsonObject *
zone_named (JsonNode   *snapshot,
            const char *list,
            const char *name)
{
  JsonArray *items = json_object_get_array_member (json_node_get_object (snapshot), list);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (item, "name"), name))
        return item;
    }
  return NULL;
}

static void
test_imports (Server        *server,
              gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *op = login (server, "op");
  g_autofree char *unit = create_unit (server, sup, "Беркут-9");
  g_autofree char *batch = NULL;
  g_autofree char *broken = NULL;
  g_autofree char *update = NULL;
  g_autofree char *district_square = g_strdup (square (76.90, 43.24, 0.06));
  g_autofree char *sector_square = g_strdup (square (76.91, 43.25, 0.01));
  gint64 seq_before;

  /* The sector comes first in the file and names its district. */
  batch = g_strdup_printf ("{\"zones\":["
                           "{\"kind\":\"sector\",\"name\":\"Алмалы-1\",\"parent_name\":\"Алмалинский\",\"geometry\":%s},"
                           "{\"kind\":\"district\",\"name\":\"Алмалинский\",\"geometry\":%s}],"
                           "\"routes\":[{\"name\":\"Маршрут 1\",\"zone_name\":\"Алмалы-1\",\"unit_call_sign\":\"Беркут-9\","
                           "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[76.91,43.25],[76.92,43.26]]}}]}",
                           sector_square, district_square);
  {
    g_auto(Answer) refused = request (server, "POST", "/api/v1/imports", op, "op-import", NULL, batch);
    g_auto(Answer) created = request (server, "POST", "/api/v1/imports", sup, "import-1", NULL, batch);
    g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);
    JsonObject *answer;
    JsonObject *district, *sector, *route;

    g_assert_cmpuint (refused.status, ==, 403);
    g_assert_cmpuint (created.status, ==, 201);
    answer = json_node_get_object (created.body);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (answer, "zones")), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                       json_object_get_array_member (answer, "routes"), 0), "action"), ==, "created");

    district = zone_named (snapshot.body, "zones", "Алмалинский");
    sector = zone_named (snapshot.body, "zones", "Алмалы-1");
    route = zone_named (snapshot.body, "routes", "Маршрут 1");
    g_assert_nonnull (district);
    g_assert_nonnull (sector);
    g_assert_nonnull (route);
    g_assert_cmpstr (json_object_get_string_member (sector, "parent_id"), ==,
                     json_object_get_string_member (district, "id"));
    g_assert_cmpstr (json_object_get_string_member (route, "zone_id"), ==, json_object_get_string_member (sector, "id"));
    g_assert_cmpstr (json_object_get_string_member (route, "unit_id"), ==, unit);
  }

  /* One bad item among good ones: nothing at all changes. */
  seq_before = snapshot_seq (server, sup);
  broken = g_strdup_printf ("{\"zones\":["
                            "{\"kind\":\"district\",\"name\":\"Медеуский\",\"geometry\":%s},"
                            "{\"kind\":\"sector\",\"name\":\"Медеу-1\",\"parent_name\":\"Медеуский\",\"geometry\":%s},"
                            "{\"kind\":\"sector\",\"name\":\"Медеу-2\",\"parent_name\":\"Нет такого\",\"geometry\":%s}]}",
                            district_square, sector_square, sector_square);
  {
    g_auto(Answer) answer = request (server, "POST", "/api/v1/imports", sup, "import-2", NULL, broken);
    g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);
    const char *message = member (&answer, "message");

    g_assert_cmpuint (answer.status, ==, 422);
    g_assert_nonnull (strstr (message, "zones[2]"));
    g_assert_nonnull (strstr (message, "Нет такого"));
    g_assert_null (zone_named (snapshot.body, "zones", "Медеуский"));
    g_assert_cmpint (snapshot_seq (server, sup), ==, seq_before);
  }

  /* The same district again: refused, unless asked to update it. */
  update = g_strdup_printf ("{\"zones\":[{\"kind\":\"district\",\"name\":\"Алмалинский\",\"geometry\":%s}]%s}",
                            square (76.90, 43.24, 0.07), "");
  {
    g_auto(Answer) twice = request (server, "POST", "/api/v1/imports", sup, "import-3", NULL, update);

    g_assert_cmpuint (twice.status, ==, 409);
  }
  update[strlen (update) - 1] = '\0';
  {
    g_autofree char *body = g_strconcat (update, ",\"on_existing\":\"update\"}", NULL);
    g_auto(Answer) updated = request (server, "POST", "/api/v1/imports", sup, "import-4", NULL, body);
    JsonObject *item;

    g_assert_cmpuint (updated.status, ==, 201);
    item = json_array_get_object_element (json_object_get_array_member (json_node_get_object (updated.body), "zones"), 0);
    g_assert_cmpstr (json_object_get_string_member (item, "action"), ==, "updated");
    g_assert_cmpint (json_object_get_int_member (item, "version"), ==, 2);
  }
}

/* A district at full detail is larger than the 1 MiB other commands take. */
static void
test_import_takes_large_bodies (Server        *server,
                                gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autoptr(GString) ring = g_string_new (NULL);
  g_autofree char *zone = NULL;
  g_autofree char *batch = NULL;
  const guint n = 45000;

  for (guint i = 0; i < n; i++)
    {
      double angle = 2 * G_PI * i / n;

      g_string_append_printf (ring, "[%.7f,%.7f],", 76.95 + 0.05 * cos (angle), 43.25 + 0.03 * sin (angle));
    }
  g_string_append_printf (ring, "[%.7f,%.7f]", 76.95 + 0.05, 43.25);

  zone = g_strdup_printf ("{\"kind\":\"district\",\"name\":\"Большой\",\"geometry\":{\"type\":\"Polygon\","
                          "\"coordinates\":[[%s]]}}", ring->str);
  batch = g_strdup_printf ("{\"zones\":[%s]}", zone);
  /* Other commands stop at 1 MiB (DOZOR_SERVER_MAX_BODY). */
  g_assert_cmpuint (strlen (batch), >, 1024 * 1024);
  {
    g_auto(Answer) one = request (server, "POST", "/api/v1/zones", sup, "big-zone", NULL, zone);
    g_auto(Answer) imported = request (server, "POST", "/api/v1/imports", sup, "big-import", NULL, batch);

    g_assert_cmpuint (one.status, ==, 413);
    g_assert_cmpuint (imported.status, ==, 201);
  }
}

/* Closed incidents too, with every unit that was sent, for reports. */
static void
test_incident_history (Server        *server,
                       gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *wall = login (server, "wall");
  g_autofree char *unit = create_unit (server, sup, "Беркут-4");
  g_autofree char *incident = create_incident (server, sup);
  g_autofree char *dispatch_body = g_strdup_printf ("{\"unit_id\":\"%s\",\"incident_id\":\"%s\"}", unit, incident);
  g_autofree char *incident_path = g_strconcat ("/api/v1/incidents/", incident, NULL);
  g_auto(Answer) sent = request (server, "POST", "/api/v1/dispatches", sup, "send-4", NULL, dispatch_body);
  g_auto(Answer) closed = request (server, "PATCH", incident_path, sup, NULL, "2", "{\"status\":\"closed\"}");
  g_auto(Answer) history = request (server, "GET", "/api/v1/incidents?from=2000-01-01T00:00:00Z", wall, NULL, NULL, NULL);
  g_auto(Answer) future = request (server, "GET", "/api/v1/incidents?from=2999-01-01T00:00:00Z", wall, NULL, NULL, NULL);
  g_auto(Answer) bad = request (server, "GET", "/api/v1/incidents?to=yesterday", wall, NULL, NULL, NULL);
  JsonArray *incidents;
  JsonObject *first;
  JsonArray *dispatches;

  g_assert_cmpuint (sent.status, ==, 201);
  g_assert_cmpuint (closed.status, ==, 200);
  g_assert_cmpuint (history.status, ==, 200);
  incidents = json_object_get_array_member (json_node_get_object (history.body), "incidents");
  g_assert_cmpuint (json_array_get_length (incidents), ==, 1);
  first = json_array_get_object_element (incidents, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "status"), ==, "closed");
  g_assert_nonnull (json_object_get_string_member (first, "closed_at"));
  dispatches = json_object_get_array_member (first, "dispatches");
  g_assert_cmpuint (json_array_get_length (dispatches), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (dispatches, 0), "call_sign"), ==,
                   "Беркут-4");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (dispatches, 0), "status"), ==,
                   "completed");

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (future.body),
                                                                          "incidents")), ==, 0);
  g_assert_cmpuint (bad.status, ==, 422);
}

/* Points of interest and cameras: validated, on every board through the
 * snapshot and the stream, and importable with the rest. */
static void
test_places (Server        *server,
             gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *op = login (server, "op");
  g_autofree char *camera = NULL;
  g_autofree char *camera_path = NULL;
  static const char *const refused[] = {
    "{\"kind\":\"camera\",\"name\":\"К-1\",\"location\":{\"lat\":43.2,\"lon\":76.9},\"stream_url\":\"rtsp://admin:12345@10.0.0.5/cam\"}",
    "{\"kind\":\"camera\",\"name\":\"К-1\",\"location\":{\"lat\":43.2,\"lon\":76.9},\"stream_url\":\"javascript:alert(1)\"}",
    "{\"kind\":\"poi\",\"name\":\"Аптека\",\"location\":{\"lat\":43.2,\"lon\":76.9},\"stream_url\":\"rtsp://10.0.0.5/cam\"}",
    "{\"kind\":\"statue\",\"name\":\"Х\",\"location\":{\"lat\":43.2,\"lon\":76.9}}",
    "{\"kind\":\"poi\",\"name\":\"Х\",\"location\":{\"lat\":93.2,\"lon\":76.9}}",
    "{\"kind\":\"poi\",\"name\":\"\",\"location\":{\"lat\":43.2,\"lon\":76.9}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *key = g_strdup_printf ("refused-place-%u", i);
      g_auto(Answer) answer = request (server, "POST", "/api/v1/places", sup, key, NULL, refused[i]);

      g_assert_cmpuint (answer.status, ==, 422);
    }

  {
    g_auto(Answer) forbidden = request (server, "POST", "/api/v1/places", op, "op-place", NULL,
                                        "{\"kind\":\"poi\",\"name\":\"Школа\",\"location\":{\"lat\":43.2,\"lon\":76.9}}");
    g_auto(Answer) created = request (server, "POST", "/api/v1/places", sup, "camera-1", NULL,
                                      "{\"kind\":\"camera\",\"name\":\"Камера, пл. Республики\","
                                      "\"location\":{\"lat\":43.2389,\"lon\":76.9453},\"stream_url\":\"rtsp://10.0.0.5/cam1\"}");

    g_assert_cmpuint (forbidden.status, ==, 403);
    g_assert_cmpuint (created.status, ==, 201);
    camera = g_strdup (member (&created, "id"));
  }

  camera_path = g_strconcat ("/api/v1/places/", camera, NULL);
  {
    g_auto(Answer) moved = request (server, "PATCH", camera_path, sup, NULL, "1",
                                    "{\"location\":{\"lat\":43.24,\"lon\":76.95},\"stream_url\":null}");
    g_auto(Answer) stale = request (server, "PATCH", camera_path, sup, NULL, "1", "{\"name\":\"К\"}");
    g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);
    JsonObject *place = zone_named (snapshot.body, "places", "Камера, пл. Республики");

    g_assert_cmpuint (moved.status, ==, 200);
    g_assert_cmpuint (stale.status, ==, 412);
    g_assert_nonnull (place);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (place, "location"),
                                                                   "lat"), 43.24, 1e-9);
    g_assert_true (json_object_get_null_member (place, "stream_url"));
  }

  /* Two pharmacies of one name are two places; an update by that name is
   * then refused rather than guessed. */
  {
    static const char batch[] =
      "{\"places\":[{\"kind\":\"poi\",\"name\":\"Аптека\",\"category\":\"pharmacy\",\"location\":{\"lat\":43.21,\"lon\":76.91}},"
      "{\"kind\":\"poi\",\"name\":\"Аптека\",\"category\":\"pharmacy\",\"location\":{\"lat\":43.22,\"lon\":76.92}}]}";
    static const char update[] =
      "{\"on_existing\":\"update\",\"places\":[{\"kind\":\"poi\",\"name\":\"Аптека\",\"location\":{\"lat\":43.23,\"lon\":76.93}}]}";
    g_auto(Answer) imported = request (server, "POST", "/api/v1/imports", sup, "places-1", NULL, batch);
    g_auto(Answer) unclear = request (server, "POST", "/api/v1/imports", sup, "places-2", NULL, update);
    g_auto(Answer) removed = request (server, "DELETE", camera_path, sup, NULL, NULL, NULL);
    g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);

    g_assert_cmpuint (imported.status, ==, 201);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (imported.body),
                                                                            "places")), ==, 2);
    g_assert_cmpuint (unclear.status, ==, 422);
    g_assert_nonnull (strstr (member (&unclear, "message"), "Аптека"));
    g_assert_cmpuint (removed.status, ==, 200);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (snapshot.body),
                                                                            "places")), ==, 2);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  server_fixture_init ();

#define ADD(path, func) g_test_add (path, Server, NULL, server_setup, func, server_teardown)
  ADD ("/server/auth", test_auth);
  ADD ("/server/session", test_session);
  ADD ("/server/dispatch-race", test_dispatch_race);
  ADD ("/server/idempotent-retry", test_idempotent_retry);
  ADD ("/server/stale-version", test_stale_version);
  ADD ("/server/hostile-input", test_hostile_input);
  ADD ("/server/chunked-body-capped", test_chunked_body_capped);
  ADD ("/server/zones-and-routes", test_zones_and_routes);
  ADD ("/server/track-history", test_track_history);
  ADD ("/server/imports", test_imports);
  ADD ("/server/import-takes-large-bodies", test_import_takes_large_bodies);
  ADD ("/server/incident-history", test_incident_history);
  ADD ("/server/places", test_places);
  ADD ("/server/stream-resume", test_stream_resume);
  ADD ("/server/stream-needs-token", test_stream_needs_token);
  ADD ("/server/reset-when-too-old", test_reset_when_too_old);
  ADD ("/server/killed-and-restarted", test_killed_and_restarted);
  ADD ("/server/almaty-scenario", test_almaty_scenario);
  ADD ("/server/scenario-answers-dispatch", test_scenario_answers_dispatch);
  ADD ("/server/scenario-units-limit", test_scenario_units_limit);
#undef ADD

  return g_test_run ();
}
