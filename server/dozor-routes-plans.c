/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The routes of special operating plans (docs/api.md, "Plans"): editing,
 * the proposal computed in a worker, activation and closing. The caller
 * (dozor-server.c) has checked the token and that the role may change
 * plans.
 */
#include "config.h"

#include "dozor-server-private.h"

static JsonNode *
create_plan (DozorServer *self, const DozorCaller *caller, JsonObject *body, const char *id,
             gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_create_plan (dozor_server_get_store (self), body, error);
}

static JsonNode *
update_plan (DozorServer *self, const DozorCaller *caller, JsonObject *body, const char *id,
             gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_update_plan (dozor_server_get_store (self), id, version, body, error);
}

static JsonNode *
delete_plan (DozorServer *self, const DozorCaller *caller, JsonObject *body, const char *id,
             gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_delete_plan (dozor_server_get_store (self), id, version, error);
}

static JsonNode *
activate_plan (DozorServer *self, const DozorCaller *caller, JsonObject *body, const char *id,
               gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_activate_plan (dozor_server_get_store (self), id, body, caller->user, current, error);
}

static JsonNode *
close_plan (DozorServer *self, const DozorCaller *caller, JsonObject *body, const char *id,
            gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_close_plan (dozor_server_get_store (self), id, caller->user, error);
}

static const DozorCommand create_plan_command = { create_plan, 201, TRUE, FALSE, TRUE };
static const DozorCommand update_plan_command = { update_plan, 200, FALSE, TRUE, TRUE };
static const DozorCommand delete_plan_command = { delete_plan, 200, FALSE, FALSE, FALSE };
static const DozorCommand activate_plan_command = { activate_plan, 201, TRUE, FALSE, TRUE };
static const DozorCommand close_plan_command = { close_plan, 200, FALSE, FALSE, FALSE };

static void
proposal_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SoupServerMessage *msg = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = dozor_plan_proposals_run_finish (DOZOR_PLAN_PROPOSALS (source), result, &error);

  if (json != NULL)
    dozor_server_reply_text (msg, 200, json);
  else
    dozor_server_reply_async_error (msg, error, 0);
  dozor_server_reply_now (msg);
}

/* The units and posts are read here, on the store's thread; the road
 * times and the assignment are worked out in a worker. */
static void
propose (DozorServer       *self,
         SoupServerMessage *msg,
         const char        *plan_id)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) candidates = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *body = dozor_server_body_object (msg, &root, &error);

  if (body != NULL)
    candidates = dozor_store_plan_candidates (dozor_server_get_store (self), plan_id, body, &error);
  if (candidates == NULL)
    {
      dozor_server_reply_failure (msg, error);
      return;
    }
  dozor_server_reply_later (msg);
  dozor_plan_proposals_run_async (dozor_server_get_proposals (self), candidates, proposal_done_cb, msg);
}

/**
 * dozor_routes_plans_handle:
 * @self: the server
 * @msg: a request under /api/v1/plans
 * @caller: who asks, a supervisor or an admin
 * @parts: the path's segments after /api/v1/
 * @method: the request's method
 *
 * Returns: %TRUE if the request was one of the plan routes, and answered
 */
gboolean
dozor_routes_plans_handle (DozorServer       *self,
                           SoupServerMessage *msg,
                           const DozorCaller *caller,
                           const char *const *parts,
                           const char        *method)
{
  guint n_parts = g_strv_length ((char **) parts);
  const char *id = n_parts >= 2 ? parts[1] : NULL;
  const DozorCommand *command = NULL;

  if (n_parts == 1 && g_str_equal (method, "POST"))
    command = &create_plan_command;
  else if (n_parts == 2 && g_str_equal (method, "PATCH"))
    command = &update_plan_command;
  else if (n_parts == 2 && g_str_equal (method, "DELETE"))
    command = &delete_plan_command;
  else if (n_parts == 3 && g_str_equal (parts[2], "activation") && g_str_equal (method, "POST"))
    command = &activate_plan_command;
  else if (n_parts == 3 && g_str_equal (parts[2], "activation") && g_str_equal (method, "DELETE"))
    command = &close_plan_command;
  else if (n_parts == 3 && g_str_equal (parts[2], "proposal") && g_str_equal (method, "POST"))
    {
      propose (self, msg, id);
      return TRUE;
    }

  if (command == NULL)
    return FALSE;
  dozor_server_run_command (self, msg, caller, command, id);
  return TRUE;
}
