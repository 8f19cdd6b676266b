/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozord against hostile input, as an attacker with a valid login would
 * send it: strings that are not text, control and bidi characters in every
 * text field of every route, lenient JSON, bad URLs, fixes from the future,
 * internal errors, and every method on every path. One dozord serves all
 * of it, and is checked to be alive and its database intact at the end.
 */
#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "server-fixture.h"

static Server server;
static volatile pid_t dozord_pid;
static char *sup;
static char *op;
static char *tracker;

/* What the fixture entities are called in templates: <unit>, <incident> … */
static GHashTable *ids;
/* The version each path's entity is at: free text that is accepted moves it. */
static GHashTable *versions;

/* Replaces <name> by its id and # by a number of its own, so that a body
 * that is accepted does not collide with the previous one. */
static char *
expand (const char *template,
        const char *value)
{
  static guint counter;
  GString *text = g_string_new (NULL);

  for (const char *p = template; *p != '\0'; p++)
    {
      if (*p == '@')
        g_string_append (text, value);
      else if (*p == '#')
        g_string_append_printf (text, "%u", ++counter);
      else if (*p == '<')
        {
          const char *end = strchr (p, '>');
          g_autofree char *name = g_strndup (p + 1, end - p - 1);
          const char *id = g_hash_table_lookup (ids, name);

          g_assert_nonnull (id);
          g_string_append (text, id);
          p = end;
        }
      else
        g_string_append_c (text, *p);
    }

  return g_string_free (text, FALSE);
}

static const char *
code_of (Answer *answer)
{
  return member (answer, "code");
}

static Answer
send (const char *method,
      const char *path,
      const char *token,
      const char *body)
{
  g_autofree char *key = g_uuid_string_random ();
  gint64 version = GPOINTER_TO_SIZE (g_hash_table_lookup (versions, path));
  g_autofree char *if_match = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (version, 1));
  Answer answer = request (&server, method, path, token, key, g_str_equal (method, "PATCH") ? if_match : NULL, body);

  if (g_str_equal (method, "PATCH") && answer.status == 200)
    g_hash_table_insert (versions, g_strdup (path),
                         GSIZE_TO_POINTER (json_object_get_int_member (json_node_get_object (answer.body), "version")));
  return answer;
}

static char *
create (const char *path,
        const char *body)
{
  g_auto(Answer) answer = send ("POST", path, sup, body);

  g_assert_cmpuint (answer.status, ==, 201);
  return g_strdup (member (&answer, "id"));
}

#define AREA "{\"type\":\"Polygon\",\"coordinates\":[[[76.90,43.24],[76.96,43.24],[76.96,43.27],[76.90,43.24]]]}"
#define LINE "{\"type\":\"LineString\",\"coordinates\":[[76.91,43.25],[76.92,43.26]]}"
/* A post of a plan, as a body holds it. */
#define PLAN_POST "{\"name\":\"S\",\"location\":{\"lat\":43.2,\"lon\":76.9},\"units_needed\":1}"

static void
make_fixture_entities (void)
{
  ids = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_insert (ids, "unit", create_unit (&server, sup, "Fixture-1"));
  g_hash_table_insert (ids, "incident", create_incident (&server, sup));
  g_hash_table_insert (ids, "zone", create ("/api/v1/zones", "{\"kind\":\"district\",\"name\":\"Fixture\",\"geometry\":" AREA "}"));
  g_hash_table_insert (ids, "route", create ("/api/v1/routes", "{\"name\":\"Fixture\",\"geometry\":" LINE "}"));
  g_hash_table_insert (ids, "plan", create ("/api/v1/plans", "{\"name\":\"Fixture\",\"posts\":[" PLAN_POST "]}"));
  g_hash_table_insert (ids, "place", create ("/api/v1/places", "{\"kind\":\"camera\",\"name\":\"Fixture\","
                                             "\"location\":{\"lat\":43.2,\"lon\":76.9},\"stream_url\":\"rtsp://10.0.0.5/c\"}"));
}

typedef enum
{
  NAME, /* one line, no bidi control at all */
  TEXT, /* lines and tabs, bidi marks */
  URL,
} Kind;

/* Every text field of every route: where it goes and what it is. */
static const struct {
  const char *method;
  const char *path;
  const char *token; /* "sup", "op" or "tracker" */
  const char *body;  /* @ is the value, # a fresh number */
  const char *named; /* the refusal names it: "named: …" */
  Kind kind;
} fields[] = {
  { "POST", "/api/v1/units", "sup", "{\"call_sign\":\"C#@\",\"kind\":\"car\"}", "call_sign", NAME },
  { "POST", "/api/v1/units", "sup", "{\"call_sign\":\"C#\",\"kind\":\"car\",\"crew\":[\"@\"]}", "crew[0]", NAME },
  { "PATCH", "/api/v1/units/<unit>", "sup", "{\"call_sign\":\"C#@\"}", "call_sign", NAME },
  { "PATCH", "/api/v1/units/<unit>", "sup", "{\"crew\":[\"Ким\",\"@\"]}", "crew[1]", NAME },
  { "POST", "/api/v1/incidents", "op", "{\"type\":\"theft\",\"location\":{\"lat\":43.2,\"lon\":76.9},\"address\":\"A@\"}", "address", TEXT },
  { "POST", "/api/v1/incidents", "op", "{\"type\":\"theft\",\"location\":{\"lat\":43.2,\"lon\":76.9},\"caller_name\":\"A@\"}", "caller_name", TEXT },
  { "POST", "/api/v1/incidents", "op", "{\"type\":\"theft\",\"location\":{\"lat\":43.2,\"lon\":76.9},\"caller_phone\":\"7@\"}", "caller_phone", TEXT },
  { "POST", "/api/v1/incidents", "op", "{\"type\":\"theft\",\"location\":{\"lat\":43.2,\"lon\":76.9},\"description\":\"A@\"}", "description", TEXT },
  { "PATCH", "/api/v1/incidents/<incident>", "op", "{\"address\":\"A@\"}", "address", TEXT },
  { "PATCH", "/api/v1/incidents/<incident>", "op", "{\"description\":\"A@\"}", "description", TEXT },
  { "POST", "/api/v1/dispatches", "sup", "{\"unit_id\":\"<unit>@\",\"incident_id\":\"<incident>\"}", "unit_id", NAME },
  { "POST", "/api/v1/dispatches", "sup", "{\"unit_id\":\"<unit>\",\"incident_id\":\"<incident>@\"}", "incident_id", NAME },
  { "POST", "/api/v1/positions", "tracker", "{\"positions\":[{\"unit_id\":\"<unit>@\",\"lat\":43.2,\"lon\":76.9,\"time\":\"2026-01-01T00:00:00Z\"}]}", "unit_id", NAME },
  { "POST", "/api/v1/positions", "tracker", "{\"positions\":[{\"unit_id\":\"<unit>\",\"lat\":43.2,\"lon\":76.9,\"time\":\"2026-01-01T00:00:00Z@\"}]}", "time", NAME },
  { "PUT", "/api/v1/readiness", "sup", "{\"level\":\"normal@\"}", "level", NAME },
  { "PUT", "/api/v1/readiness", "sup", "{\"level\":\"raised\",\"reason\":\"R@\"}", "reason", TEXT },
  { "POST", "/api/v1/plans", "sup", "{\"name\":\"P#@\",\"posts\":[" PLAN_POST "]}", "name", NAME },
  { "POST", "/api/v1/plans", "sup", "{\"name\":\"P#\",\"description\":\"D@\",\"posts\":[" PLAN_POST "]}", "description", TEXT },
  { "POST", "/api/v1/plans", "sup", "{\"name\":\"P#\",\"posts\":[{\"name\":\"S@\",\"location\":{\"lat\":43.2,\"lon\":76.9},\"units_needed\":1}]}", "posts[0].name", NAME },
  { "PATCH", "/api/v1/plans/<plan>", "sup", "{\"name\":\"P#@\"}", "name", NAME },
  { "POST", "/api/v1/plans/<plan>/activation", "sup", "{\"assignments\":[{\"post_id\":\"X@\",\"unit_id\":\"<unit>\"}]}", "assignments[0].post_id", NAME },
  { "POST", "/api/v1/plans/<plan>/proposal", "sup", "{\"incident_id\":\"<incident>@\"}", "incident_id", NAME },
  { "POST", "/api/v1/incidents/<incident>/calls", "op", "{\"caller_name\":\"A@\"}", "caller_name", TEXT },
  { "POST", "/api/v1/incidents/<incident>/calls", "op", "{\"caller_phone\":\"7@\"}", "caller_phone", TEXT },
  { "POST", "/api/v1/incidents/<incident>/calls", "op", "{\"text\":\"A@\"}", "text", TEXT },
  { "POST", "/api/v1/incidents/<incident>/calls", "op", "{\"received_at\":\"2026-01-01T00:00:00Z@\"}", "received_at", NAME },
  { "PUT", "/api/v1/incidents/<incident>/checklist", "op", "{\"procedure_id\":\"robbery-in-progress@\",\"step_id\":\"ask\",\"done\":true}", "procedure_id", NAME },
  { "PUT", "/api/v1/incidents/<incident>/checklist", "op", "{\"procedure_id\":\"robbery-in-progress\",\"step_id\":\"ask@\",\"done\":true}", "step_id", NAME },
  { "POST", "/api/v1/zones", "sup", "{\"kind\":\"district\",\"name\":\"Z#@\",\"geometry\":" AREA "}", "name", NAME },
  { "PATCH", "/api/v1/zones/<zone>", "sup", "{\"name\":\"Z#@\"}", "name", NAME },
  { "POST", "/api/v1/zones", "sup", "{\"kind\":\"sector\",\"name\":\"Z#\",\"parent_id\":\"<zone>@\",\"geometry\":" AREA "}", "parent_id", NAME },
  { "POST", "/api/v1/routes", "sup", "{\"name\":\"R#@\",\"geometry\":" LINE "}", "name", NAME },
  { "POST", "/api/v1/routes", "sup", "{\"name\":\"R#\",\"shift_start\":\"2026-01-01T00:00:00Z@\",\"shift_end\":\"2026-01-01T12:00:00Z\",\"geometry\":" LINE "}", "shift_start", NAME },
  { "PATCH", "/api/v1/routes/<route>", "sup", "{\"name\":\"R#@\"}", "name", NAME },
  { "POST", "/api/v1/routes", "sup", "{\"name\":\"R#\",\"zone_id\":\"<zone>@\",\"geometry\":" LINE "}", "zone_id", NAME },
  { "POST", "/api/v1/routes", "sup", "{\"name\":\"R#\",\"unit_id\":\"<unit>@\",\"geometry\":" LINE "}", "unit_id", NAME },
  { "PATCH", "/api/v1/routes/<route>", "sup", "{\"shift_start\":\"2026-01-01T00:00:00Z@\",\"shift_end\":\"2026-01-01T12:00:00Z\"}", "shift_start", NAME },
  { "POST", "/api/v1/places", "sup", "{\"kind\":\"poi\",\"name\":\"P#@\",\"location\":{\"lat\":43.2,\"lon\":76.9}}", "name", NAME },
  { "POST", "/api/v1/places", "sup", "{\"kind\":\"poi\",\"name\":\"P#\",\"category\":\"school@\",\"location\":{\"lat\":43.2,\"lon\":76.9}}", "category", NAME },
  { "POST", "/api/v1/places", "sup", "{\"kind\":\"camera\",\"name\":\"P#\",\"stream_url\":\"rtsp://10.0.0.5/c#@\",\"location\":{\"lat\":43.2,\"lon\":76.9}}", "stream_url", URL },
  { "PATCH", "/api/v1/places/<place>", "sup", "{\"name\":\"P#@\"}", "name", NAME },
  { "PATCH", "/api/v1/places/<place>", "sup", "{\"category\":\"school@\"}", "category", NAME },
  { "PATCH", "/api/v1/places/<place>", "sup", "{\"stream_url\":\"rtsp://10.0.0.5/c#@\"}", "stream_url", URL },
  { "POST", "/api/v1/imports", "sup", "{\"places\":[{\"kind\":\"poi\",\"name\":\"I#@\",\"location\":{\"lat\":43.2,\"lon\":76.9}}]}", "name", NAME },
  { "POST", "/api/v1/imports", "sup", "{\"places\":[{\"kind\":\"poi\",\"name\":\"I#\",\"category\":\"c@\",\"location\":{\"lat\":43.2,\"lon\":76.9}}]}", "category", NAME },
  { "POST", "/api/v1/imports", "sup", "{\"zones\":[{\"kind\":\"district\",\"name\":\"IZ#@\",\"geometry\":" AREA "}]}", "name", NAME },
  { "POST", "/api/v1/imports", "sup", "{\"routes\":[{\"name\":\"IR#@\",\"geometry\":" LINE "}]}", "name", NAME },
  { "POST", "/api/v1/imports", "sup", "{\"routes\":[{\"name\":\"IR#\",\"unit_call_sign\":\"Fixture-1@\",\"geometry\":" LINE "}]}", "unit_call_sign", NAME },
  { "POST", "/api/v1/imports", "sup", "{\"routes\":[{\"name\":\"IR#\",\"zone_name\":\"Fixture@\",\"geometry\":" LINE "}]}", "zone_name", NAME },
  { "POST", "/api/v1/imports", "sup", "{\"zones\":[{\"kind\":\"sector\",\"name\":\"IZ#\",\"parent_name\":\"Fixture@\",\"geometry\":" AREA "}]}", "parent_name", NAME },
  { "POST", "/api/v1/imports", "sup", "{\"places\":[{\"kind\":\"camera\",\"name\":\"I#\",\"stream_url\":\"rtsp://10.0.0.5/i#@\",\"location\":{\"lat\":43.2,\"lon\":76.9}}]}", "stream_url", URL },
};

/* As JSON text, escaped the way a hostile client would send them. */
static const struct {
  const char *json;
  const char *what;
} refused_everywhere[] = {
  { "\\ud800", "lone high surrogate" },
  { "\\udfff", "lone low surrogate" },
  /* With text after it: what crashed dozord (json-glib hands it on). */
  { "\\udfffabc", "lone low surrogate, then text" },
  { "a\\ud800b", "lone high surrogate, then text" },
  { "A\\u0000B", "NUL" },
  { "\\u001b[31m", "ESC" },
  { "\\u0007", "BEL" },
  { "\\u007f", "DEL" },
  { "\\u0085", "C1 NEL" },
  { "\\u202e", "RLO" },
  { "\\u202a", "LRE" },
  { "\\u2067", "RLI" },
  { "\\u2069", "PDI" },
};

/* Refused in names and URLs, kept in free text. */
static const char *const lines_and_marks[] = { "\\n", "\\r\\n", "\\t", "\\u200f", "\\u200e", "\\u061c" };

static const char *
token_for (const char *who)
{
  return g_str_equal (who, "sup") ? sup : g_str_equal (who, "op") ? op : tracker;
}

static void
assert_refused_naming (Answer     *answer,
                       const char *named,
                       const char *body)
{
  g_autofree char *prefix = g_strconcat (named, ": ", NULL);
  const char *message;

  if (answer->status != 422)
    g_test_message ("%s answered %u", body, answer->status);
  g_assert_cmpuint (answer->status, ==, 422);
  g_assert_cmpstr (code_of (answer), ==, "invalid_field");
  message = member (answer, "message");
  /* crew[0], positions[0].time or places[0] "…": name: it names the field. */
  if (strstr (message, prefix) == NULL)
    g_test_message ("%s: %s", body, message);
  g_assert_nonnull (strstr (message, prefix));
}

static void
test_bad_text_in_every_field (void)
{
  guint refusals = 0;

  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    {
      g_autofree char *path = expand (fields[f].path, "");

      for (guint v = 0; v < G_N_ELEMENTS (refused_everywhere); v++)
        {
          g_autofree char *body = expand (fields[f].body, refused_everywhere[v].json);
          g_auto(Answer) answer = send (fields[f].method, path, token_for (fields[f].token), body);

          assert_refused_naming (&answer, fields[f].named, body);
          refusals++;
        }

      for (guint v = 0; v < G_N_ELEMENTS (lines_and_marks); v++)
        {
          g_autofree char *body = expand (fields[f].body, lines_and_marks[v]);
          g_auto(Answer) answer = send (fields[f].method, path, token_for (fields[f].token), body);

          if (fields[f].kind == TEXT)
            {
              /* Free text keeps them: the same field with its value stored. */
              if (answer.status != 200 && answer.status != 201)
                g_test_message ("%s answered %u", body, answer.status);
              g_assert_true (answer.status == 200 || answer.status == 201);
            }
          else
            {
              assert_refused_naming (&answer, fields[f].named, body);
              refusals++;
            }
        }

      /* Still alive after every field. */
      {
        g_auto(Answer) health = request (&server, "GET", "/api/v1/health", NULL, NULL, NULL, NULL);

        g_assert_cmpuint (health.status, ==, 200);
      }
    }

  g_test_message ("%u refusals, each 422 naming its field", refusals);
}

/* Members of the wrong type: refused, never a critical (which the tests
 * make fatal for dozord too) or a crash. */
static void
test_wrong_types (void)
{
  static const struct {
    const char *method;
    const char *path;
    const char *body;
  } bodies[] = {
    { "POST", "/api/v1/units", "{\"call_sign\":{},\"kind\":\"car\"}" },
    { "POST", "/api/v1/units", "{\"call_sign\":\"T#\",\"kind\":[\"car\"]}" },
    { "POST", "/api/v1/units", "{\"call_sign\":\"T#\",\"kind\":\"car\",\"crew\":[{}]}" },
    { "POST", "/api/v1/units", "{\"call_sign\":\"T#\",\"kind\":\"car\",\"crew\":\"Ким\"}" },
    { "PATCH", "/api/v1/units/<unit>", "{\"status\":7}" },
    { "POST", "/api/v1/incidents", "{\"type\":\"theft\",\"location\":{\"lat\":\"43\",\"lon\":76.9}}" },
    { "POST", "/api/v1/incidents", "{\"type\":\"theft\",\"location\":[43,76.9]}" },
    { "POST", "/api/v1/incidents", "{\"type\":\"theft\",\"location\":{\"lat\":43,\"lon\":76.9},\"address\":5}" },
    { "POST", "/api/v1/incidents", "{\"type\":\"theft\",\"location\":{\"lat\":43,\"lon\":76.9},\"priority\":\"1\"}" },
    { "POST", "/api/v1/dispatches", "{\"unit_id\":{},\"incident_id\":\"<incident>\"}" },
    { "POST", "/api/v1/dispatches", "{\"unit_id\":\"<unit>\",\"incident_id\":[1]}" },
    { "POST", "/api/v1/positions", "{\"positions\":{}}" },
    { "POST", "/api/v1/positions", "{\"positions\":[1]}" },
    { "POST", "/api/v1/positions", "{\"positions\":[{\"unit_id\":[],\"lat\":43,\"lon\":76,\"time\":\"2026-01-01T00:00:00Z\"}]}" },
    { "POST", "/api/v1/positions", "{\"positions\":[{\"unit_id\":\"<unit>\",\"lat\":43,\"lon\":76,\"time\":1}]}" },
    { "PUT", "/api/v1/readiness", "{\"level\":{}}" },
    { "PUT", "/api/v1/incidents/<incident>/checklist", "{\"procedure_id\":[],\"step_id\":\"ask\",\"done\":true}" },
    { "PUT", "/api/v1/incidents/<incident>/checklist", "{\"procedure_id\":\"robbery-in-progress\",\"step_id\":\"ask\",\"done\":null}" },
    { "PUT", "/api/v1/readiness", "{\"level\":\"raised\",\"reason\":[\"x\"]}" },
    { "PUT", "/api/v1/readiness", "{\"level\":\"raised\",\"reason\":\"x\",\"area\":\"x\"}" },
    { "PUT", "/api/v1/readiness", "{\"level\":\"raised\",\"reason\":\"x\",\"area\":{\"type\":\"Circle\",\"center\":{},\"radius_m\":100}}" },
    { "POST", "/api/v1/zones", "{\"kind\":\"district\",\"name\":\"T#\",\"geometry\":\"x\"}" },
    { "PATCH", "/api/v1/zones/<zone>", "{\"name\":{}}" },
    { "POST", "/api/v1/routes", "{\"name\":\"T#\",\"unit_id\":5,\"geometry\":" LINE "}" },
    { "POST", "/api/v1/places", "{\"kind\":\"camera\",\"name\":\"T#\",\"location\":\"x\"}" },
    { "POST", "/api/v1/places", "{\"kind\":\"camera\",\"name\":\"T#\",\"location\":{\"lat\":43,\"lon\":76},\"stream_url\":{}}" },
    { "POST", "/api/v1/imports", "{\"on_existing\":[],\"places\":[{\"kind\":\"poi\",\"name\":\"T#\",\"location\":{\"lat\":43,\"lon\":76}}]}" },
    { "POST", "/api/v1/imports", "{\"on_existing\":\"update\",\"places\":[{\"kind\":{},\"name\":[],\"location\":{\"lat\":43,\"lon\":76}}]}" },
    { "POST", "/api/v1/imports", "{\"zones\":[{\"kind\":\"sector\",\"parent_name\":{},\"name\":\"T#\",\"geometry\":" AREA "}]}" },
    { "POST", "/api/v1/imports", "{\"routes\":[{\"name\":\"T#\",\"zone_name\":7,\"geometry\":" LINE "}]}" },
    { "POST", "/api/v1/imports", "{\"routes\":[{\"name\":\"T#\",\"unit_call_sign\":[],\"geometry\":" LINE "}]}" },
    { "POST", "/api/v1/imports", "{\"zones\":{},\"places\":7}" },
    { "POST", "/api/v1/plans", "{\"name\":[],\"posts\":[" PLAN_POST "]}" },
    { "POST", "/api/v1/plans", "{\"name\":\"T#\",\"posts\":[{\"name\":\"S\",\"location\":[43,76],\"units_needed\":1}]}" },
    { "POST", "/api/v1/plans", "{\"name\":\"T#\",\"posts\":[{\"name\":\"S\",\"location\":{\"lat\":43,\"lon\":76},\"units_needed\":\"1\"}]}" },
    { "POST", "/api/v1/plans", "{\"name\":\"T#\",\"posts\":[7]}" },
    { "PATCH", "/api/v1/plans/<plan>", "{\"posts\":\"x\"}" },
    { "POST", "/api/v1/plans/<plan>/proposal", "{\"allow_busy\":[1]}" },
    { "POST", "/api/v1/plans/<plan>/activation", "{\"assignments\":{}}" },
    { "POST", "/api/v1/plans/<plan>/activation", "{\"assignments\":[{\"post_id\":7,\"unit_id\":\"<unit>\"}]}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *path = expand (bodies[i].path, "");
      g_autofree char *body = expand (bodies[i].body, "");
      g_auto(Answer) answer = send (bodies[i].method, path,
                                    g_str_equal (bodies[i].path, "/api/v1/positions") ? tracker : sup, body);

      if (answer.status != 422)
        g_test_message ("%s %s answered %u", bodies[i].method, body, answer.status);
      g_assert_cmpuint (answer.status, ==, 422);
      g_assert_cmpstr (code_of (&answer), ==, "invalid_field");
    }

  /* A login of the wrong types is a wrong login, and dozord stays up. */
  {
    g_auto(Answer) answer = request (&server, "POST", "/api/v1/session", NULL, NULL, NULL,
                                     "{\"username\":{},\"password\":[1]}");
    g_auto(Answer) health = request (&server, "GET", "/api/v1/health", NULL, NULL, NULL, NULL);

    g_assert_cmpuint (answer.status, ==, 401);
    g_assert_cmpstr (code_of (&answer), ==, "unauthorized");
    g_assert_cmpuint (health.status, ==, 200);
  }
}

/* Nothing refused above was stored: the fixture entities are unchanged and
 * no unit, zone, route or place but theirs exists. */
static void
test_nothing_stored (void)
{
  g_auto(Answer) answer = request (&server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);
  JsonObject *snapshot;
  static const char *const lists[] = { "units", "zones", "routes", "places" };

  g_assert_cmpuint (answer.status, ==, 200);
  snapshot = json_node_get_object (answer.body);
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      JsonArray *list = json_object_get_array_member (snapshot, lists[i]);
      JsonObject *only;

      g_assert_cmpuint (json_array_get_length (list), ==, 1);
      only = json_array_get_object_element (list, 0);
      g_assert_cmpint (json_object_get_int_member (only, "version"), ==, 1);
    }
}

static void
test_lenient_json (void)
{
  static const char *const bodies[] = {
    "{'call_sign':'L1','kind':'car'}",
    "{\"call_sign\":\"L2\",\"kind\":\"car\" /* comment */}",
    "// comment\n{\"call_sign\":\"L3\",\"kind\":\"car\"}",
    "{\"call_sign\":\"L4\",\"kind\":\"car\",}",
    "{call_sign:\"L5\",\"kind\":\"car\"}",
    "\xef\xbb\xbf{\"call_sign\":\"L6\",\"kind\":\"car\"}",
  };
  static const char *const positions[] = { "0x2B", "043.2", ".5", "+43.2", "43.", "NaN", "Infinity", "4e" };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_auto(Answer) answer = send ("POST", "/api/v1/units", sup, bodies[i]);

      g_assert_cmpuint (answer.status, ==, 400);
      g_assert_cmpstr (code_of (&answer), ==, "invalid_json");
    }

  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    {
      g_autofree char *template = g_strdup_printf ("{\"positions\":[{\"unit_id\":\"<unit>\",\"lat\":%s,\"lon\":76.9,"
                                                   "\"time\":\"2026-01-01T00:00:00Z\"}]}", positions[i]);
      g_autofree char *body = expand (template, "");
      g_auto(Answer) answer = send ("POST", "/api/v1/positions", tracker, body);

      g_assert_cmpuint (answer.status, ==, 400);
      g_assert_cmpstr (code_of (&answer), ==, "invalid_json");
    }
}

static void
test_stream_urls (void)
{
  static const char *const refused[] = {
    "rtsp://10.0.0.5/cam\\r\\nX: y",
    "rtsp://10.0.0.5/cam\\nX: y",
    "rtsp://10.0.0.5/ca m",
    "ftp://10.0.0.5/cam",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "rtsp:///cam",
    "cam1",
    "rtsp://admin:12345@10.0.0.5/cam",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"kind\":\"camera\",\"name\":\"U\",\"location\":{\"lat\":43.2,"
                                               "\"lon\":76.9},\"stream_url\":\"%s\"}", refused[i]);
      g_auto(Answer) answer = send ("POST", "/api/v1/places", sup, body);

      assert_refused_naming (&answer, "stream_url", body);
    }
}

static JsonObject *
unit_in_snapshot (Answer     *answer,
                  const char *unit_id)
{
  JsonArray *units = json_object_get_array_member (json_node_get_object (answer->body), "units");

  for (guint i = 0; i < json_array_get_length (units); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (units, i), "id"), unit_id))
      return json_array_get_object_element (units, i);
  g_assert_not_reached ();
}

static char *
fix_body (const char *unit_id,
          double      lat,
          const char *time)
{
  return g_strdup_printf ("{\"positions\":[{\"unit_id\":\"%s\",\"lat\":%.4f,\"lon\":76.9,\"time\":\"%s\"}]}",
                          unit_id, lat, time);
}

static void
test_fix_from_the_future (void)
{
  g_autofree char *unit = create_unit (&server, sup, "Future-1");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) hour_ahead = g_date_time_add_hours (now, 1);
  g_autofree char *now_text = g_date_time_format_iso8601 (now);
  g_autofree char *hour_text = g_date_time_format_iso8601 (hour_ahead);
  g_autofree char *far = fix_body (unit, 43.1, "9999-12-31T23:59:59Z");
  g_autofree char *hour = fix_body (unit, 43.11, hour_text);
  g_autofree char *mixed = g_strdup_printf ("{\"positions\":[{\"unit_id\":\"%s\",\"lat\":43.12,\"lon\":76.9,\"time\":\"%s\"},"
                                            "{\"unit_id\":\"%s\",\"lat\":43.13,\"lon\":76.9,\"time\":\"9999-12-31T23:59:59Z\"}]}",
                                            unit, now_text, unit);
  g_autofree char *real = fix_body (unit, 43.2389, now_text);
  const char *refused[] = { far, hour, mixed };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_auto(Answer) answer = send ("POST", "/api/v1/positions", tracker, refused[i]);

      assert_refused_naming (&answer, "time", refused[i]);
    }

  /* The whole mixed batch was refused: the unit has no fix yet. */
  {
    g_auto(Answer) snapshot = request (&server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);

    g_assert_true (json_object_get_null_member (unit_in_snapshot (&snapshot, unit), "position"));
  }

  /* Not pinned: a real fix now moves the unit. */
  {
    g_auto(Answer) answer = send ("POST", "/api/v1/positions", tracker, real);
    g_auto(Answer) snapshot = request (&server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);
    JsonObject *position;

    g_assert_cmpuint (answer.status, ==, 202);
    position = json_object_get_object_member (unit_in_snapshot (&snapshot, unit), "position");
    g_assert_nonnull (position);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (position, "lat"), 43.2389, 1e-6);
  }
}

static void
assert_no_internal_text (Answer *answer)
{
  g_autofree char *text = json_to_string (answer->body, FALSE);
  g_autofree char *lower = g_ascii_strdown (text, -1);
  static const char *const internal[] = { "unique", "constraint", "sqlite", "units.", "sql", ".c:", "/" };

  for (guint i = 0; i < G_N_ELEMENTS (internal); i++)
    {
      if (strstr (lower, internal[i]) != NULL)
        g_test_message ("%s", text);
      g_assert_null (strstr (lower, internal[i]));
    }
}

static void
test_no_internal_text (void)
{
  g_autofree char *other = create_unit (&server, sup, "Other-1");
  g_autofree char *path = g_strconcat ("/api/v1/units/", other, NULL);
  Answer answers[] = {
    send ("POST", "/api/v1/units", sup, "{\"call_sign\":\"Fixture-1\",\"kind\":\"car\"}"),
    send ("PATCH", path, sup, "{\"call_sign\":\"Fixture-1\"}"),
    send ("POST", "/api/v1/zones", sup, "{\"kind\":\"district\",\"name\":\"Fixture\",\"geometry\":" AREA "}"),
  };

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_assert_cmpuint (answers[i].status, ==, 409);
      g_assert_cmpstr (code_of (&answers[i]), ==, "conflict");
      assert_no_internal_text (&answers[i]);
    }
  g_assert_cmpstr (member (&answers[0], "message"), ==, "A unit with the call sign “Fixture-1” exists already");
  g_assert_cmpstr (member (&answers[1], "message"), ==, "A unit with the call sign “Fixture-1” exists already");

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    answer_clear (&answers[i]);
}

/* Every path × every method: what a path does not take is 405 with Allow. */
static void
test_method_matrix (void)
{
  static const char *const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "BREW" };
  static const struct {
    const char *path;
    const char *allowed;
  } paths[] = {
    { "/api/v1/session", "POST, GET, DELETE" },
    { "/api/v1/health", "GET" },
    { "/api/v1/snapshot", "GET" },
    { "/api/v1/units", "POST" },
    { "/api/v1/units/<unit>", "PATCH" },
    { "/api/v1/units/<unit>/track", "GET" },
    { "/api/v1/incidents", "GET, POST" },
    { "/api/v1/incidents/<incident>", "PATCH" },
    { "/api/v1/incidents/<incident>/checklist", "PUT" },
    { "/api/v1/dispatches", "POST" },
    { "/api/v1/dispatches/x", "DELETE" },
    { "/api/v1/positions", "POST" },
    { "/api/v1/readiness", "PUT" },
    { "/api/v1/crisis/notes", "POST" },
    { "/api/v1/crisis", NULL },
    { "/api/v1/zones", "POST" },
    { "/api/v1/zones/<zone>", "PATCH, DELETE" },
    { "/api/v1/routes", "POST" },
    { "/api/v1/routes/<route>", "PATCH, DELETE" },
    { "/api/v1/places", "POST" },
    { "/api/v1/places/<place>", "PATCH, DELETE" },
    { "/api/v1/imports", "POST" },
    { "/api/v1/plans", "POST" },
    { "/api/v1/plans/<plan>", "PATCH, DELETE" },
    { "/api/v1/plans/<plan>/proposal", "POST" },
    { "/api/v1/plans/<plan>/activation", "POST, DELETE" },
    { "/api/v1/plans/<plan>/nothing", NULL },
    /* No such paths: 404 whatever the method. */
    { "/api/v1/nothing", NULL },
    { "/api/v1/health/x", NULL },
    { "/api/v1/units/<unit>/nothing", NULL },
    { "/api/v1/incidents/<incident>/nothing", NULL },
    { "/api/v1/snapshot/x", NULL },
    { "/api/v1/", NULL },
    { "/api/v2/health", NULL },
  };
  guint n_405 = 0;

  for (guint p = 0; p < G_N_ELEMENTS (paths); p++)
    for (guint m = 0; m < G_N_ELEMENTS (methods); m++)
      {
        g_autofree char *path = expand (paths[p].path, "");
        g_auto(GStrv) allowed = paths[p].allowed != NULL ? g_strsplit (paths[p].allowed, ", ", -1) : NULL;
        /* A caller with no token: the method is checked before who asks. */
        g_autoptr(SoupMessage) msg = new_request (&server, methods[m], path, NULL, NULL);
        g_autoptr(GBytes) bytes = soup_session_send_and_read (server.session, msg, NULL, NULL);
        g_auto(Answer) answer = finish (msg, bytes);
        const char *allow = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Allow");

        g_test_message ("%s %s: %u", methods[m], path, answer.status);
        if (allowed == NULL)
          {
            g_assert_cmpuint (answer.status, ==, 404);
            continue;
          }
        if (g_strv_contains ((const char *const *) allowed, methods[m]))
          {
            g_assert_cmpuint (answer.status, !=, 405);
            g_assert_cmpuint (answer.status, !=, 404);
            continue;
          }
        g_assert_cmpuint (answer.status, ==, 405);
        g_assert_cmpstr (code_of (&answer), ==, "method_not_allowed");
        g_assert_cmpstr (allow, ==, paths[p].allowed);
        n_405++;
      }

  g_test_message ("%u method and path pairs answered 405", n_405);
}

/* After all of it: dozord answers a normal request promptly, and its
 * database is intact. */
static void
test_alive_and_intact (void)
{
  gint64 start = g_get_monotonic_time ();
  g_auto(Answer) answer = request (&server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);
  gint64 elapsed = g_get_monotonic_time () - start;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpuint (answer.status, ==, 200);
  g_test_message ("a snapshot answered in %.1f ms", elapsed / 1000.0);
  g_assert_cmpint (elapsed, <, G_USEC_PER_SEC);

  server_stop (&server, SIGTERM);
  dozord_pid = 0;
  if (server_fixture_on_postgres ())
    {
      assert_postgres_sound (&server);
      return;
    }
  g_assert_cmpint (sqlite3_open_v2 (server.db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* A failed assertion aborts: dozord must not outlive the test. */
static void
abort_cb (int signal_number)
{
  if (dozord_pid > 0)
    kill (dozord_pid, SIGKILL);
  signal (signal_number, SIG_DFL);
  raise (signal_number);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  server_fixture_init ();

  server_setup (&server, NULL);
  dozord_pid = (pid_t) g_ascii_strtoll (g_subprocess_get_identifier (server.process), NULL, 10);
  signal (SIGABRT, abort_cb);
  sup = login (&server, "sup");
  op = login (&server, "op");
  tracker = login (&server, "tracker");
  make_fixture_entities ();

  /* In this order: the checks of what was stored run before anything
   * is created on purpose, and the last one stops dozord. */
  g_test_add_func ("/server-input/bad-text-in-every-field", test_bad_text_in_every_field);
  g_test_add_func ("/server-input/wrong-types", test_wrong_types);
  g_test_add_func ("/server-input/nothing-stored", test_nothing_stored);
  g_test_add_func ("/server-input/lenient-json", test_lenient_json);
  g_test_add_func ("/server-input/stream-urls", test_stream_urls);
  g_test_add_func ("/server-input/fix-from-the-future", test_fix_from_the_future);
  g_test_add_func ("/server-input/no-internal-text", test_no_internal_text);
  g_test_add_func ("/server-input/method-matrix", test_method_matrix);
  g_test_add_func ("/server-input/alive-and-intact", test_alive_and_intact);

  status = g_test_run ();

  server_teardown (&server, NULL);
  g_clear_pointer (&ids, g_hash_table_unref);
  g_clear_pointer (&versions, g_hash_table_unref);
  g_free (sup);
  g_free (op);
  g_free (tracker);
  return status;
}
