/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Where a dispatch may send a unit besides an incident (issue 15, item 5;
 * docs/api.md, "Dispatching"): a post of an active plan, and the crisis
 * area, at the point dozord picks. Each unit is its own request with its
 * own key, so a group is answered unit by unit. Against the real dozord:
 * the points are checked against geometry worked out here, arrival from
 * positions, the end of the area's dispatches with the episode, refusals,
 * roles, and a database from before the area.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "server-fixture.h"

#define CENTRE_LAT 43.2389
#define CENTRE_LON 76.9453
#define EARTH_M 6371008.8

#define PLAN_BODY \
  "{\"name\":\"Площадь\",\"posts\":[" \
  "{\"name\":\"Север\",\"location\":{\"lat\":43.2489,\"lon\":76.9453},\"units_needed\":1,\"kind\":\"car\"}," \
  "{\"name\":\"Юг\",\"location\":{\"lat\":43.2289,\"lon\":76.9453},\"units_needed\":1,\"kind\":null}]}"

static JsonObject *
body_of (Answer *answer)
{
  g_assert_nonnull (answer->body);
  return json_node_get_object (answer->body);
}

static double
distance_m (double lat1,
            double lon1,
            double lat2,
            double lon2)
{
  double p1 = lat1 * G_PI / 180, p2 = lat2 * G_PI / 180;
  double dp = p2 - p1, dl = (lon2 - lon1) * G_PI / 180;
  double a = sin (dp / 2) * sin (dp / 2) + cos (p1) * cos (p2) * sin (dl / 2) * sin (dl / 2);

  return 2 * EARTH_M * asin (sqrt (a));
}

static Answer
post_json (Server     *server,
           const char *path,
           const char *token,
           const char *body)
{
  g_autofree char *key = g_uuid_string_random ();

  return request (server, "POST", path, token, key, NULL, body);
}

static Answer
dispatch (Server     *server,
          const char *token,
          const char *body)
{
  return post_json (server, "/api/v1/dispatches", token, body);
}

static void
put_fix (Server     *server,
         const char *unit_id,
         double      lat,
         double      lon,
         double      speed)
{
  g_autofree char *tracker = login (server, "tracker");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);
  char lat_text[G_ASCII_DTOSTR_BUF_SIZE], lon_text[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *body = NULL;
  g_auto(Answer) answer = { 0 };

  g_ascii_formatd (lat_text, sizeof lat_text, "%.7f", lat);
  g_ascii_formatd (lon_text, sizeof lon_text, "%.7f", lon);
  body = g_strdup_printf ("{\"positions\":[{\"unit_id\":\"%s\",\"lat\":%s,\"lon\":%s,\"time\":\"%s\",\"speed\":%.1f}]}",
                          unit_id, lat_text, lon_text, time, speed);
  answer = request (server, "POST", "/api/v1/positions", tracker, NULL, NULL, body);
  g_assert_cmpuint (answer.status, ==, 202);
}

static void
set_readiness (Server     *server,
               const char *token,
               const char *body)
{
  g_auto(Answer) answer = request (server, "PUT", "/api/v1/readiness", token, NULL, NULL, body);

  g_assert_cmpuint (answer.status, ==, 200);
}

/* A unit's object in a fresh snapshot. */
static JsonObject *
snapshot_unit (Server     *server,
               const char *token,
               const char *unit_id,
               Answer     *snapshot)
{
  JsonArray *units;

  *snapshot = request (server, "GET", "/api/v1/snapshot", token, NULL, NULL, NULL);
  units = json_object_get_array_member (body_of (snapshot), "units");
  for (guint i = 0; i < json_array_get_length (units); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (units, i), "id"), unit_id))
      return json_array_get_object_element (units, i);
  g_assert_not_reached ();
}

static char *
unit_status (Server     *server,
             const char *token,
             const char *unit_id)
{
  g_auto(Answer) snapshot = { 0 };

  return g_strdup (json_object_get_string_member (snapshot_unit (server, token, unit_id, &snapshot), "status"));
}

static void
area_point (Answer *answer,
            double *lat,
            double *lon)
{
  JsonObject *point = json_object_get_object_member (body_of (answer), "area_point");

  g_assert_nonnull (point);
  *lat = json_object_get_double_member (point, "lat");
  *lon = json_object_get_double_member (point, "lon");
}

static char *
body_to_area (const char *unit_id)
{
  return g_strdup_printf ("{\"unit_id\":\"%s\",\"area\":true}", unit_id);
}

/* A circle of 1 km: a unit 3 km east of its centre goes to the edge 1 km
 * east, one inside and one without a fix to the centre. */
static void
test_area_circle (Server        *server,
                  gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *east = create_unit (server, sup, "Восток-1");
  g_autofree char *inside = create_unit (server, sup, "Центр-1");
  g_autofree char *nowhere = create_unit (server, sup, "Без-места");
  double east_lon = CENTRE_LON + 3000 / (EARTH_M * cos (CENTRE_LAT * G_PI / 180)) * 180 / G_PI;
  double lat, lon;

  put_fix (server, east, CENTRE_LAT, east_lon, 12);
  put_fix (server, inside, CENTRE_LAT + 0.002, CENTRE_LON, 12);

  {
    g_autofree char *body = body_to_area (east);
    g_auto(Answer) none = dispatch (server, sup, body);

    g_assert_cmpuint (none.status, ==, 409);
    g_assert_cmpstr (member (&none, "code"), ==, "conflict");
  }
  set_readiness (server, sup,
                 "{\"level\":\"high\",\"reason\":\"Митинг\","
                 "\"area\":{\"type\":\"Circle\",\"center\":[76.9453,43.2389],\"radius_m\":1000}}");

  {
    g_autofree char *body = body_to_area (east);
    g_auto(Answer) sent = dispatch (server, sup, body);

    g_assert_cmpuint (sent.status, ==, 201);
    g_assert_true (json_node_is_null (json_object_get_member (body_of (&sent), "incident_id")));
    g_assert_true (json_node_is_null (json_object_get_member (body_of (&sent), "plan_id")));
    area_point (&sent, &lat, &lon);
    g_test_message ("east unit to %.7f %.7f: %.1f m from the centre, %.1f m from the unit", lat, lon,
                    distance_m (CENTRE_LAT, CENTRE_LON, lat, lon), distance_m (CENTRE_LAT, east_lon, lat, lon));
    g_assert_cmpfloat (fabs (distance_m (CENTRE_LAT, CENTRE_LON, lat, lon) - 1000), <, 1.0);
    g_assert_cmpfloat (fabs (distance_m (CENTRE_LAT, east_lon, lat, lon) - 2000), <, 2.0);
  }
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *body = body_to_area (i == 0 ? inside : nowhere);
      g_auto(Answer) sent = dispatch (server, sup, body);

      g_assert_cmpuint (sent.status, ==, 201);
      area_point (&sent, &lat, &lon);
      g_assert_cmpfloat (distance_m (CENTRE_LAT, CENTRE_LON, lat, lon), <, 0.05);
    }

  /* The unit on its way is busy for any other place. */
  {
    g_autofree char *body = body_to_area (inside);
    g_auto(Answer) again = dispatch (server, sup, body);

    g_assert_cmpuint (again.status, ==, 409);
    g_assert_cmpstr (member (&again, "code"), ==, "unit_busy");
  }
}

/* A square from 76.90 to 76.92 east and 43.23 to 43.25 north: from the
 * east a unit goes straight west to the edge, from the north-east to the
 * corner, from inside to the middle. */
static void
test_area_polygon (Server        *server,
                   gconstpointer  data)
{
  static const struct { double lat, lon, want_lat, want_lon; } cases[] = {
    { 43.2400, 76.9500, 43.2400, 76.9200 },
    { 43.2600, 76.9300, 43.2500, 76.9200 },
    { 43.2350, 76.9050, 43.2400, 76.9100 },
  };
  g_autofree char *sup = login (server, "sup");

  set_readiness (server, sup,
                 "{\"level\":\"raised\",\"reason\":\"Паводок\",\"area\":{\"type\":\"Polygon\",\"coordinates\":"
                 "[[[76.90,43.23],[76.92,43.23],[76.92,43.25],[76.90,43.25],[76.90,43.23]]]}}");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *call_sign = g_strdup_printf ("Квадрат-%u", i);
      g_autofree char *unit = create_unit (server, sup, call_sign);
      g_autofree char *body = body_to_area (unit);
      g_auto(Answer) sent = { 0 };
      double lat, lon;

      put_fix (server, unit, cases[i].lat, cases[i].lon, 10);
      sent = dispatch (server, sup, body);
      g_assert_cmpuint (sent.status, ==, 201);
      area_point (&sent, &lat, &lon);
      g_test_message ("from %.4f %.4f to %.7f %.7f", cases[i].lat, cases[i].lon, lat, lon);
      g_assert_cmpfloat (distance_m (cases[i].want_lat, cases[i].want_lon, lat, lon), <, 1.0);
    }
}

/* Arrival at the area's point from positions; lowering the level ends the
 * area's dispatches and frees the units, with the events. */
static void
test_area_arrival_and_end (Server        *server,
                           gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *unit = create_unit (server, sup, "Кордон-1");
  g_autofree char *other = create_unit (server, sup, "Кордон-2");
  g_autofree char *status = NULL;
  g_autofree char *dispatch_id = NULL;
  Stream stream = { 0 };
  gint64 seq;
  double lat, lon;
  gboolean ended = FALSE, freed = FALSE;

  put_fix (server, unit, CENTRE_LAT + 0.03, CENTRE_LON, 12);
  set_readiness (server, sup,
                 "{\"level\":\"full\",\"reason\":\"Беспорядки\","
                 "\"area\":{\"type\":\"Circle\",\"center\":[76.9453,43.2389],\"radius_m\":500}}");
  {
    g_autofree char *body = body_to_area (unit);
    g_auto(Answer) sent = dispatch (server, sup, body);

    g_assert_cmpuint (sent.status, ==, 201);
    area_point (&sent, &lat, &lon);
    dispatch_id = g_strdup (member (&sent, "id"));
  }
  {
    g_autofree char *body = body_to_area (other);
    g_auto(Answer) sent = dispatch (server, sup, body);

    g_assert_cmpuint (sent.status, ==, 201);
  }

  /* Fast past the point is not an arrival; 300 m off and slow is not either. */
  put_fix (server, unit, lat, lon, 12);
  status = unit_status (server, sup, unit);
  g_assert_cmpstr (status, ==, "dispatched");
  put_fix (server, unit, lat + 0.0027, lon, 0.5);
  g_free (status), status = unit_status (server, sup, unit);
  g_assert_cmpstr (status, ==, "dispatched");
  put_fix (server, unit, lat + 0.0003, lon, 0.5);
  g_free (status), status = unit_status (server, sup, unit);
  g_assert_cmpstr (status, ==, "on_scene");

  seq = snapshot_seq (server, sup);
  stream_open (server, &stream, sup, seq);
  set_readiness (server, sup, "{\"level\":\"normal\",\"reason\":\"Отбой\"}");
  g_assert_true (stream_wait_seq (&stream, seq + 5));
  for (guint i = 0; i < stream.events->len; i++)
    {
      JsonObject *event = json_node_get_object (stream.events->pdata[i]);
      const char *type = json_object_get_string_member (event, "type");

      if (g_str_equal (type, "dispatch.ended"))
        {
          JsonObject *ended_dispatch = json_object_get_object_member (event, "dispatch");

          if (g_str_equal (json_object_get_string_member (ended_dispatch, "id"), dispatch_id))
            {
              g_assert_cmpstr (json_object_get_string_member (ended_dispatch, "status"), ==, "completed");
              ended = TRUE;
            }
        }
      if (g_str_equal (type, "unit.updated") &&
          g_str_equal (json_object_get_string_member (json_object_get_object_member (event, "unit"), "id"), unit))
        freed = g_str_equal (json_object_get_string_member (json_object_get_object_member (event, "unit"), "status"),
                             "available");
    }
  stream_close (&stream);
  g_assert_true (ended);
  g_assert_true (freed);
  g_free (status), status = unit_status (server, sup, other);
  g_assert_cmpstr (status, ==, "available");
  {
    g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body_of (&snapshot), "dispatches")), ==, 0);
  }
}

/* A post of an active plan: the unit joins the post's units; refusals
 * name what is wrong; the reinforcement's arrival is detected. */
static void
test_post (Server        *server,
           gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *first = create_unit (server, sup, "Пост-1");
  g_autofree char *second = create_unit (server, sup, "Пост-2");
  g_autofree char *extra = create_unit (server, sup, "Пост-3");
  g_autofree char *plan_id = NULL;
  g_autofree char *north = NULL;
  g_autofree char *south = NULL;
  g_autofree char *status = NULL;

  {
    g_auto(Answer) plan = post_json (server, "/api/v1/plans", sup, PLAN_BODY);
    JsonArray *posts;

    g_assert_cmpuint (plan.status, ==, 201);
    plan_id = g_strdup (member (&plan, "id"));
    posts = json_object_get_array_member (body_of (&plan), "posts");
    north = g_strdup (json_object_get_string_member (json_array_get_object_element (posts, 0), "id"));
    south = g_strdup (json_object_get_string_member (json_array_get_object_element (posts, 1), "id"));
  }

  /* Not active yet: 409. */
  {
    g_autofree char *body = g_strdup_printf ("{\"unit_id\":\"%s\",\"plan_id\":\"%s\",\"post_id\":\"%s\"}",
                                             extra, plan_id, north);
    g_auto(Answer) refused = dispatch (server, sup, body);

    g_assert_cmpuint (refused.status, ==, 409);
    g_assert_cmpstr (member (&refused, "code"), ==, "conflict");
  }
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/plans/%s/activation", plan_id);
    g_autofree char *body = g_strdup_printf ("{\"assignments\":[{\"post_id\":\"%s\",\"unit_id\":\"%s\"},"
                                             "{\"post_id\":\"%s\",\"unit_id\":\"%s\"}]}",
                                             north, first, south, second);
    g_auto(Answer) active = post_json (server, path, sup, body);

    g_assert_cmpuint (active.status, ==, 201);
  }

  /* Refusals: another plan's post, a post of a kind the unit is not, a
   * busy unit, two places, half a post. */
  {
    g_autofree char *foot = NULL;
    g_autofree char *key = g_uuid_string_random ();
    g_auto(Answer) created = request (server, "POST", "/api/v1/units", sup, key, NULL,
                                      "{\"call_sign\":\"Пеший-1\",\"kind\":\"foot\"}");
    struct { char *body; guint status; const char *code; const char *words; } cases[5];

    g_assert_cmpuint (created.status, ==, 201);
    foot = g_strdup (member (&created, "id"));
    cases[0] = (typeof (cases[0])) { g_strdup_printf ("{\"unit_id\":\"%s\",\"plan_id\":\"%s\",\"post_id\":\"nope\"}",
                                                      extra, plan_id), 422, "invalid_field", "post_id" };
    cases[1] = (typeof (cases[0])) { g_strdup_printf ("{\"unit_id\":\"%s\",\"plan_id\":\"%s\",\"post_id\":\"%s\"}",
                                                      foot, plan_id, north), 422, "invalid_field", "kind car" };
    cases[2] = (typeof (cases[0])) { g_strdup_printf ("{\"unit_id\":\"%s\",\"plan_id\":\"%s\",\"post_id\":\"%s\"}",
                                                      first, plan_id, south), 409, "unit_busy", NULL };
    cases[3] = (typeof (cases[0])) { g_strdup_printf ("{\"unit_id\":\"%s\",\"plan_id\":\"%s\",\"post_id\":\"%s\","
                                                      "\"area\":true}", extra, plan_id, north),
                                     422, "invalid_field", "one place" };
    cases[4] = (typeof (cases[0])) { g_strdup_printf ("{\"unit_id\":\"%s\",\"plan_id\":\"%s\"}", extra, plan_id),
                                     422, "invalid_field", "one place" };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_auto(Answer) refused = dispatch (server, sup, cases[i].body);

        g_test_message ("%s → %u %s", cases[i].body, refused.status, member (&refused, "message"));
        g_assert_cmpuint (refused.status, ==, cases[i].status);
        g_assert_cmpstr (member (&refused, "code"), ==, cases[i].code);
        if (cases[i].words != NULL)
          g_assert_nonnull (strstr (member (&refused, "message"), cases[i].words));
        g_free (cases[i].body);
      }
  }

  /* The reinforcement joins the north post, which needs one and gets two. */
  {
    g_autofree char *body = g_strdup_printf ("{\"unit_id\":\"%s\",\"plan_id\":\"%s\",\"post_id\":\"%s\"}",
                                             extra, plan_id, north);
    g_auto(Answer) sent = dispatch (server, sup, body);
    g_auto(Answer) snapshot = { 0 };
    JsonArray *plans, *posts, *units;
    JsonObject *plan = NULL;

    g_assert_cmpuint (sent.status, ==, 201);
    g_assert_cmpstr (member (&sent, "plan_id"), ==, plan_id);
    g_assert_cmpstr (member (&sent, "post_id"), ==, north);
    g_assert_true (json_node_is_null (json_object_get_member (body_of (&sent), "area_point")));
    snapshot = request (server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);
    plans = json_object_get_array_member (body_of (&snapshot), "plans");
    for (guint i = 0; i < json_array_get_length (plans); i++)
      if (g_str_equal (json_object_get_string_member (json_array_get_object_element (plans, i), "id"), plan_id))
        plan = json_array_get_object_element (plans, i);
    g_assert_nonnull (plan);
    posts = json_object_get_array_member (json_object_get_object_member (plan, "activation"), "posts");
    units = json_object_get_array_member (json_array_get_object_element (posts, 0), "units");
    g_assert_cmpuint (json_array_get_length (units), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (units, 1), "unit_id"), ==, extra);
    g_assert_true (json_node_is_null (json_object_get_member (json_array_get_object_element (units, 1), "eta_s")));
  }

  /* It arrives: on scene, and the post is covered by it. */
  put_fix (server, extra, 43.2489, 76.9453, 0.3);
  status = unit_status (server, sup, extra);
  g_assert_cmpstr (status, ==, "on_scene");

  /* Closing the plan frees it with the others. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/plans/%s/activation", plan_id);
    g_auto(Answer) closed = request (server, "DELETE", path, sup, NULL, NULL, NULL);

    g_assert_cmpuint (closed.status, ==, 200);
    g_free (status), status = unit_status (server, sup, extra);
    g_assert_cmpstr (status, ==, "available");
  }
}

/* Several units at once are several requests, each with its own key: one
 * refused leaves the others sent, and a repeated key answers the first
 * answer again without a second dispatch. Operators, walls and trackers
 * may not send any. */
static void
test_group_keys_and_roles (Server        *server,
                           gconstpointer  data)
{
  static const char *const refused[] = { "wall", "op", "tracker" };
  g_autofree char *sup = login (server, "sup");
  g_autofree char *units[3] = { NULL };
  g_autofree char *incident = create_incident (server, sup);
  guint sent = 0, busy = 0;

  set_readiness (server, sup,
                 "{\"level\":\"high\",\"reason\":\"Митинг\","
                 "\"area\":{\"type\":\"Circle\",\"center\":[76.9453,43.2389],\"radius_m\":800}}");
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *call_sign = g_strdup_printf ("Группа-%u", i);

      units[i] = create_unit (server, sup, call_sign);
    }
  {
    g_autofree char *body = g_strdup_printf ("{\"unit_id\":\"%s\",\"incident_id\":\"%s\"}", units[1], incident);
    g_auto(Answer) taken = dispatch (server, sup, body);

    g_assert_cmpuint (taken.status, ==, 201);
  }
  for (guint r = 0; r < G_N_ELEMENTS (refused); r++)
    {
      g_autofree char *token = login (server, refused[r]);
      g_autofree char *body = body_to_area (units[0]);
      g_auto(Answer) answer = dispatch (server, token, body);

      g_assert_cmpuint (answer.status, ==, 403);
    }

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *key = g_strdup_printf ("group-%u", i);
      g_autofree char *body = body_to_area (units[i]);
      g_auto(Answer) first = request (server, "POST", "/api/v1/dispatches", sup, key, NULL, body);
      g_auto(Answer) again = request (server, "POST", "/api/v1/dispatches", sup, key, NULL, body);

      g_assert_cmpuint (again.status, ==, first.status);
      if (first.status == 201)
        {
          g_assert_cmpstr (member (&again, "id"), ==, member (&first, "id"));
          sent++;
        }
      else
        {
          g_assert_cmpuint (first.status, ==, 409);
          g_assert_cmpstr (member (&first, "code"), ==, "unit_busy");
          busy++;
        }
    }
  g_assert_cmpuint (sent, ==, 2);
  g_assert_cmpuint (busy, ==, 1);
  {
    g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body_of (&snapshot), "dispatches")), ==, 3);
  }
}

/* A database from before the area, whose dispatches go to incidents or
 * posts, is upgraded at start: its dispatches kept, the area then works. */
static void
test_older_database (Server        *server,
                     gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *car = create_unit (server, sup, "Прежний");
  g_autofree char *incident = create_incident (server, sup);
  sqlite3 *db = NULL;

  {
    g_autofree char *body = g_strdup_printf ("{\"unit_id\":\"%s\",\"incident_id\":\"%s\"}", car, incident);
    g_auto(Answer) sent = dispatch (server, sup, body);

    g_assert_cmpuint (sent.status, ==, 201);
  }
  server_stop (server, SIGTERM);
  g_assert_cmpint (sqlite3_open (server->db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "BEGIN;"
                                 "CREATE TABLE old ("
                                 "  id TEXT PRIMARY KEY, unit_id TEXT NOT NULL REFERENCES units (id),"
                                 "  incident_id TEXT REFERENCES incidents (id),"
                                 "  status TEXT NOT NULL CHECK (status IN ('active', 'cancelled', 'completed')),"
                                 "  created_by TEXT NOT NULL, created_at TEXT NOT NULL, ended_by TEXT, ended_at TEXT,"
                                 "  plan_id TEXT, post_id TEXT,"
                                 "  CHECK ((incident_id IS NULL) <> (plan_id IS NULL)));"
                                 "INSERT INTO old SELECT id, unit_id, incident_id, status, created_by, created_at,"
                                 " ended_by, ended_at, plan_id, post_id FROM dispatches;"
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
    g_assert_true (json_node_is_null (json_object_get_member (kept, "area_point")));
  }
  set_readiness (server, sup,
                 "{\"level\":\"high\",\"reason\":\"Митинг\","
                 "\"area\":{\"type\":\"Circle\",\"center\":[76.9453,43.2389],\"radius_m\":800}}");
  {
    g_autofree char *body = body_to_area (car);
    g_auto(Answer) busy = dispatch (server, sup, body);

    /* The one-per-unit rule survived the upgrade. */
    g_assert_cmpuint (busy.status, ==, 409);
    g_assert_cmpstr (member (&busy, "code"), ==, "unit_busy");
  }
  {
    g_autofree char *other = create_unit (server, sup, "Новый");
    g_autofree char *body = body_to_area (other);
    g_auto(Answer) sent = dispatch (server, sup, body);

    g_assert_cmpuint (sent.status, ==, 201);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  server_fixture_init ();

#define ADD(path, func) g_test_add (path, Server, NULL, server_setup, func, server_teardown)
  ADD ("/dispatch-places/area-circle", test_area_circle);
  ADD ("/dispatch-places/area-polygon", test_area_polygon);
  ADD ("/dispatch-places/area-arrival-and-end", test_area_arrival_and_end);
  ADD ("/dispatch-places/post", test_post);
  ADD ("/dispatch-places/group-keys-and-roles", test_group_keys_and_roles);
  ADD ("/dispatch-places/older-database", test_older_database);
#undef ADD

  return g_test_run ();
}
