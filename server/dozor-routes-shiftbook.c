/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The routes of the duty officer's books (docs/api.md, "Shift handover",
 * "Registers"): the handover's draft, signature and acceptance, the
 * register of messages and the orientations. The caller (dozor-server.c)
 * has checked the token and, with dozor_routes_shiftbook_roles(), the role.
 */
#include "config.h"

#include "dozor-server-private.h"
#include "dozor-store-shiftbook.h"

/* The handover is between duty officers; the registers are kept by the
 * whole desk. The wall shows neither. */
static const char *officers = "supervisor admin";
static const char *desk = "operator supervisor admin";

static JsonNode *
sign_handover (DozorServer *self, const DozorCaller *caller, JsonObject *body, const char *id,
               gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_sign_handover (dozor_server_get_store (self), body, caller->user, error);
}

static JsonNode *
accept_handover (DozorServer *self, const DozorCaller *caller, JsonObject *body, const char *id,
                 gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_accept_handover (dozor_server_get_store (self), id, version, caller->user, error);
}

static JsonNode *
create_message (DozorServer *self, const DozorCaller *caller, JsonObject *body, const char *id,
                gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_create_message (dozor_server_get_store (self), body, caller->user, error);
}

static JsonNode *
update_message (DozorServer *self, const DozorCaller *caller, JsonObject *body, const char *id,
                gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_update_message (dozor_server_get_store (self), id, version, body, error);
}

static JsonNode *
create_orientation (DozorServer *self, const DozorCaller *caller, JsonObject *body, const char *id,
                    gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_create_orientation (dozor_server_get_store (self), body, caller->user, error);
}

static JsonNode *
cancel_orientation (DozorServer *self, const DozorCaller *caller, JsonObject *body, const char *id,
                    gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_cancel_orientation (dozor_server_get_store (self), id, version, body, caller->user, error);
}

static const DozorCommand sign_handover_command = { sign_handover, 201, TRUE, FALSE, TRUE };
static const DozorCommand accept_handover_command = { accept_handover, 200, TRUE, FALSE, FALSE };
static const DozorCommand create_message_command = { create_message, 201, TRUE, FALSE, TRUE };
static const DozorCommand update_message_command = { update_message, 200, FALSE, TRUE, TRUE };
static const DozorCommand create_orientation_command = { create_orientation, 201, TRUE, FALSE, TRUE };
static const DozorCommand cancel_orientation_command = { cancel_orientation, 200, FALSE, FALSE, TRUE };

typedef char *(*ReadFunc) (DozorStore *store, GHashTable *query, GError **error);

typedef struct
{
  const char *segments[3]; /* "*" is an id */
  const char *method;
  const char **roles;
  const DozorCommand *command; /* or read: */
  ReadFunc read;
} Route;

static const Route routes[] = {
  { { "handovers", "draft" }, "GET", &officers, NULL, dozor_store_handover_draft },
  { { "handovers" }, "GET", &desk, NULL, dozor_store_list_handovers },
  { { "handovers" }, "POST", &officers, &sign_handover_command, NULL },
  { { "handovers", "*", "acceptance" }, "POST", &officers, &accept_handover_command, NULL },
  { { "messages" }, "GET", &desk, NULL, dozor_store_list_messages },
  { { "messages" }, "POST", &desk, &create_message_command, NULL },
  { { "messages", "*" }, "PATCH", &desk, &update_message_command, NULL },
  { { "orientations", "matches" }, "GET", &desk, NULL, dozor_store_match_orientations },
  { { "orientations" }, "GET", &desk, NULL, dozor_store_list_orientations },
  { { "orientations" }, "POST", &desk, &create_orientation_command, NULL },
  { { "orientations", "*", "cancellation" }, "POST", &desk, &cancel_orientation_command, NULL },
};

static const Route *
find_route (const char *const *parts,
            const char        *method)
{
  for (guint r = 0; r < G_N_ELEMENTS (routes); r++)
    {
      const Route *route = &routes[r];
      guint i;

      if (!g_str_equal (route->method, method))
        continue;
      for (i = 0; i < G_N_ELEMENTS (route->segments) && route->segments[i] != NULL; i++)
        if (parts[i] == NULL || (!g_str_equal (route->segments[i], "*") && !g_str_equal (route->segments[i], parts[i])))
          break;
      if ((i == G_N_ELEMENTS (route->segments) || route->segments[i] == NULL) && parts[i] == NULL)
        return route;
    }
  return NULL;
}

/**
 * dozor_routes_shiftbook_roles:
 * @parts: the path's segments after /api/v1/
 * @method: the request's method
 *
 * Returns: (nullable): the roles that may, space-separated, or %NULL when
 *   the request is not a route of the handover or the registers
 */
const char *
dozor_routes_shiftbook_roles (const char *const *parts,
                              const char        *method)
{
  const Route *route = find_route (parts, method);

  return route != NULL ? *route->roles : NULL;
}

/**
 * dozor_routes_shiftbook_handle:
 * @self: the server
 * @msg: a request dozor_routes_shiftbook_roles() named roles for
 * @caller: who asks, of those roles
 * @parts: the path's segments after /api/v1/
 * @method: the request's method
 * @query: (nullable): the request's query
 *
 * Answers the request. The reads are of a register's window, thousands
 * of rows at most, so they run here, on the store's thread.
 */
void
dozor_routes_shiftbook_handle (DozorServer       *self,
                               SoupServerMessage *msg,
                               const DozorCaller *caller,
                               const char *const *parts,
                               const char        *method,
                               GHashTable        *query)
{
  const Route *route = find_route (parts, method);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  g_return_if_fail (route != NULL);
  if (route->command != NULL)
    {
      dozor_server_run_command (self, msg, caller, route->command, parts[1]);
      return;
    }
  json = route->read (dozor_server_get_store (self), query, &error);
  if (json == NULL)
    dozor_server_reply_failure (msg, error);
  else
    dozor_server_reply_text (msg, 200, json);
}
