/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The routes of the crisis log (docs/api.md, "Crisis log note"): a
 * supervisor's note to the raised episode. The log itself is the journal
 * (GET /journal), read like any history. The caller (dozor-server.c) has
 * checked the token and, with dozor_routes_crisis_roles(), the role.
 */
#include "config.h"

#include "dozor-server-private.h"

/* Issue 15, item 7: only supervisors and admins change the crisis. */
static const char *writers = "supervisor admin";

static JsonNode *
add_note (DozorServer *self, const DozorCaller *caller, JsonObject *body, const char *id,
          gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_add_note (dozor_server_get_store (self), body, caller->user, error);
}

static const DozorCommand add_note_command = { add_note, 201, TRUE, FALSE, TRUE };

static gboolean
is_notes (const char *const *parts)
{
  return g_strv_length ((char **) parts) == 2 && g_str_equal (parts[0], "crisis") &&
         g_str_equal (parts[1], "notes");
}

/**
 * dozor_routes_crisis_roles:
 * @parts: the path's segments after /api/v1/
 * @method: the request's method
 *
 * Returns: (nullable): the roles that may, space-separated, or %NULL when
 *   the request is not a crisis route
 */
const char *
dozor_routes_crisis_roles (const char *const *parts,
                           const char        *method)
{
  if (is_notes (parts) && g_str_equal (method, "POST"))
    return writers;
  return NULL;
}

/**
 * dozor_routes_crisis_handle:
 * @self: the server
 * @msg: a request dozor_routes_crisis_roles() named roles for
 * @caller: who asks, of those roles
 * @parts: the path's segments after /api/v1/
 *
 * Answers the request.
 */
void
dozor_routes_crisis_handle (DozorServer       *self,
                            SoupServerMessage *msg,
                            const DozorCaller *caller,
                            const char *const *parts)
{
  dozor_server_run_command (self, msg, caller, &add_note_command, NULL);
}
