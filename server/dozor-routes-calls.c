/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The routes of repeated calls (docs/api.md, "Repeated calls"): the
 * incidents a new report may be about, a call attached to one of them,
 * and the counts per window. The caller (dozor-server.c) has checked the
 * token and, with dozor_routes_calls_roles(), the role.
 */
#include "config.h"

#include "dozor-server-private.h"

static const char *intake = "operator supervisor admin";
static const char *readers = "wall operator supervisor admin";

static JsonNode *
attach_call (DozorServer *self, const DozorCaller *caller, JsonObject *body, const char *id,
             gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_attach_call (dozor_server_get_store (self), id, body, caller->user, error);
}

static const DozorCommand attach_call_command = { attach_call, 201, TRUE, FALSE, TRUE };

static gboolean
is_matches (const char *const *parts)
{
  return g_strv_length ((char **) parts) == 2 && g_str_equal (parts[0], "incidents") &&
         g_str_equal (parts[1], "matches");
}

static gboolean
is_attach (const char *const *parts)
{
  return g_strv_length ((char **) parts) == 3 && g_str_equal (parts[0], "incidents") &&
         g_str_equal (parts[2], "calls");
}

static gboolean
is_stats (const char *const *parts)
{
  return g_strv_length ((char **) parts) == 2 && g_str_equal (parts[0], "stats") &&
         g_str_equal (parts[1], "repeated-calls");
}

/**
 * dozor_routes_calls_roles:
 * @parts: the path's segments after /api/v1/
 * @method: the request's method
 *
 * Returns: (nullable): the roles that may, space-separated, or %NULL when
 *   the request is not a repeated-calls route
 */
const char *
dozor_routes_calls_roles (const char *const *parts,
                          const char        *method)
{
  if (is_matches (parts) && g_str_equal (method, "GET"))
    return intake;
  if (is_attach (parts) && g_str_equal (method, "POST"))
    return intake;
  if (is_stats (parts) && g_str_equal (method, "GET"))
    return readers;
  return NULL;
}

/**
 * dozor_routes_calls_handle:
 * @self: the server
 * @msg: a request dozor_routes_calls_roles() named roles for
 * @caller: who asks, of those roles
 * @parts: the path's segments after /api/v1/
 * @query: (nullable): the request's query
 *
 * Answers the request. The reads are of a few hundred rows at most, so
 * they run here, on the store's thread.
 */
void
dozor_routes_calls_handle (DozorServer       *self,
                           SoupServerMessage *msg,
                           const DozorCaller *caller,
                           const char *const *parts,
                           GHashTable        *query)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  if (is_attach (parts))
    {
      dozor_server_run_command (self, msg, caller, &attach_call_command, parts[1]);
      return;
    }

  if (is_matches (parts))
    json = dozor_store_find_matches (dozor_server_get_store (self), query, &error);
  else
    json = dozor_store_repeated_calls (dozor_server_get_store (self), query, &error);
  if (json == NULL)
    dozor_server_reply_failure (msg, error);
  else
    dozor_server_reply_text (msg, 200, json);
}
