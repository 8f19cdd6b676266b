/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The routes of the duty roster (docs/api.md, "Duty roster"): entries
 * drawn, changed and deleted by supervisors, read by every board, and
 * imported and exported as CSV. The caller (dozor-server.c) has checked
 * the token and, with dozor_routes_roster_roles(), the role.
 */
#include "config.h"

#include <string.h>

#include "dozor-roster.h"
#include "dozor-server-private.h"

static const char *editors = "supervisor admin";
static const char *readers = "wall operator supervisor admin";

static JsonNode *
create_entry (DozorServer *self, const DozorCaller *caller, JsonObject *body, const char *id,
              gint64 version, JsonNode **current, GError **error)
{
  dozor_roster_check_soon (dozor_server_get_roster (self));
  return dozor_store_create_roster_entry (dozor_server_get_store (self), body, caller->user, error);
}

static JsonNode *
update_entry (DozorServer *self, const DozorCaller *caller, JsonObject *body, const char *id,
              gint64 version, JsonNode **current, GError **error)
{
  dozor_roster_check_soon (dozor_server_get_roster (self));
  return dozor_store_update_roster_entry (dozor_server_get_store (self), id, version, body, error);
}

static JsonNode *
delete_entry (DozorServer *self, const DozorCaller *caller, JsonObject *body, const char *id,
              gint64 version, JsonNode **current, GError **error)
{
  dozor_roster_check_soon (dozor_server_get_roster (self));
  return dozor_store_delete_roster_entry (dozor_server_get_store (self), id, version, error);
}

static JsonNode *
import_entries (DozorServer *self, const DozorCaller *caller, JsonObject *body, const char *id,
                gint64 version, JsonNode **current, GError **error)
{
  dozor_roster_check_soon (dozor_server_get_roster (self));
  return dozor_store_import_roster (dozor_server_get_store (self), body, caller->user, error);
}

static const DozorCommand create_command = { create_entry, 201, TRUE, FALSE, TRUE };
static const DozorCommand update_command = { update_entry, 200, FALSE, TRUE, TRUE };
static const DozorCommand delete_command = { delete_entry, 200, FALSE, FALSE, FALSE };
static const DozorCommand import_command = { import_entries, 201, TRUE, FALSE, TRUE };

static gboolean
is (const char *const *parts,
    guint              n_parts,
    const char        *second)
{
  if (g_strv_length ((char **) parts) != n_parts || !g_str_equal (parts[0], "roster"))
    return FALSE;
  return second == NULL || g_str_equal (parts[1], second);
}

/**
 * dozor_routes_roster_roles:
 * @parts: the path's segments after /api/v1/
 * @method: the request's method
 *
 * Returns: (nullable): the roles that may, space-separated, or %NULL when
 *   the request is not a roster route
 */
const char *
dozor_routes_roster_roles (const char *const *parts,
                           const char        *method)
{
  if (is (parts, 1, NULL))
    return g_str_equal (method, "GET") ? readers : g_str_equal (method, "POST") ? editors : NULL;
  if (is (parts, 2, "export"))
    return g_str_equal (method, "GET") ? readers : NULL;
  if (is (parts, 2, "import"))
    return g_str_equal (method, "POST") ? editors : NULL;
  if (is (parts, 2, NULL) && (g_str_equal (method, "PATCH") || g_str_equal (method, "DELETE")))
    return editors;
  return NULL;
}

/**
 * dozor_routes_roster_handle:
 * @self: the server
 * @msg: a request dozor_routes_roster_roles() named roles for
 * @caller: who asks, of those roles
 * @parts: the path's segments after /api/v1/
 * @method: the request's method
 * @query: (nullable): the request's query
 *
 * Answers the request. Reads are of a few thousand rows at most, so they
 * run here, on the store's thread.
 */
void
dozor_routes_roster_handle (DozorServer       *self,
                            SoupServerMessage *msg,
                            const DozorCaller *caller,
                            const char *const *parts,
                            const char        *method,
                            GHashTable        *query)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (is (parts, 1, NULL) && g_str_equal (method, "POST"))
    dozor_server_run_command (self, msg, caller, &create_command, NULL);
  else if (is (parts, 2, "import"))
    dozor_server_run_command (self, msg, caller, &import_command, NULL);
  else if (is (parts, 2, "export"))
    {
      text = dozor_store_export_roster (dozor_server_get_store (self), query, &error);
      if (text == NULL)
        {
          dozor_server_reply_failure (msg, error);
          return;
        }
      soup_server_message_set_status (msg, 200, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control", "no-store");
      soup_server_message_set_response (msg, "text/csv; charset=utf-8", SOUP_MEMORY_COPY, text, strlen (text));
    }
  else if (is (parts, 1, NULL))
    {
      text = dozor_store_list_roster (dozor_server_get_store (self), query, &error);
      if (text == NULL)
        dozor_server_reply_failure (msg, error);
      else
        dozor_server_reply_text (msg, 200, text);
    }
  else if (g_str_equal (method, "PATCH"))
    dozor_server_run_command (self, msg, caller, &update_command, parts[1]);
  else
    dozor_server_run_command (self, msg, caller, &delete_command, parts[1]);
}
