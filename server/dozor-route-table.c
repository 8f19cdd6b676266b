/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Which methods each path of docs/api.md takes, in one table: a path that
 * is not here is 404, a method its path does not take is 405 with this
 * list as the Allow header, before anything else is looked at.
 */
#include "config.h"

#include <string.h>

#include "dozor-route-table.h"

/* A path as its segments after /api/v1/; "*" is one non-empty id. */
typedef struct
{
  const char *segments[4];
  const char *allowed;
} Route;

static const Route routes[] = {
  { { "session" }, "POST, GET, DELETE" },
  { { "health" }, "GET" },
  { { "snapshot" }, "GET" },
  { { "units" }, "POST" },
  { { "units", "*" }, "PATCH" },
  { { "units", "*", "track" }, "GET" },
  { { "units", "*", "deviations" }, "GET" },
  { { "incidents" }, "GET, POST" },
  /* Before the id: no incident is called "matches". */
  { { "incidents", "matches" }, "GET" },
  { { "incidents", "*" }, "PATCH" },
  { { "incidents", "*", "calls" }, "POST" },
  { { "incidents", "*", "checklist" }, "PUT" },
  { { "dispatches" }, "POST" },
  { { "dispatches", "*" }, "DELETE" },
  { { "positions" }, "POST" },
  { { "readiness" }, "PUT" },
  { { "crisis", "notes" }, "POST" },
  { { "zones" }, "POST" },
  { { "zones", "*" }, "PATCH, DELETE" },
  { { "routes" }, "POST" },
  { { "routes", "*" }, "PATCH, DELETE" },
  { { "places" }, "POST" },
  { { "places", "*" }, "PATCH, DELETE" },
  { { "imports" }, "POST" },
  { { "plans" }, "POST" },
  { { "plans", "*" }, "PATCH, DELETE" },
  { { "plans", "*", "proposal" }, "POST" },
  { { "plans", "*", "activation" }, "POST, DELETE" },
  { { "stats", "repeated-calls" }, "GET" },
  { { "stats", "deviations" }, "GET" },
  { { "roster" }, "GET, POST" },
  /* Before the id: no entry is called "export" or "import". */
  { { "roster", "export" }, "GET" },
  { { "roster", "import" }, "POST" },
  { { "roster", "*" }, "PATCH, DELETE" },
  /* Before the id: no handover is called "draft", no orientation "matches". */
  { { "handovers", "draft" }, "GET" },
  { { "handovers" }, "GET, POST" },
  { { "handovers", "*", "acceptance" }, "POST" },
  { { "messages" }, "GET, POST" },
  { { "messages", "*" }, "PATCH" },
  { { "orientations", "matches" }, "GET" },
  { { "orientations" }, "GET, POST" },
  { { "orientations", "*", "cancellation" }, "POST" },
  { { "journal" }, "GET" },
  { { "audit" }, "GET" },
  { { "reports", "daily" }, "GET" },
  { { "reports", "quarterly" }, "GET" },
  { { "reports", "incidents", "*", "certificate" }, "GET" },
  { { "replay" }, "GET" },
};

static gboolean
route_matches (const Route       *route,
               const char *const *parts)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (route->segments) && route->segments[i] != NULL; i++)
    {
      if (parts[i] == NULL || parts[i][0] == '\0')
        return FALSE;
      if (!g_str_equal (route->segments[i], "*") && !g_str_equal (route->segments[i], parts[i]))
        return FALSE;
    }

  return parts[i] == NULL;
}

/**
 * dozor_route_table_allowed:
 * @parts: the path's segments after `/api/v1/`
 *
 * Returns: (nullable): the methods the path takes, as an Allow header
 *   lists them, or %NULL when there is no such path
 */
const char *
dozor_route_table_allowed (const char *const *parts)
{
  for (guint r = 0; r < G_N_ELEMENTS (routes); r++)
    if (route_matches (&routes[r], parts))
      return routes[r].allowed;

  return NULL;
}

/**
 * dozor_route_table_allows:
 * @allowed: what dozor_route_table_allowed() answered
 * @method: a request's method, as sent (methods are case-sensitive)
 *
 * Returns: whether @method is one of @allowed
 */
gboolean
dozor_route_table_allows (const char *allowed,
                          const char *method)
{
  g_auto(GStrv) methods = g_strsplit (allowed, ", ", -1);

  return g_strv_contains ((const char *const *) methods, method);
}
