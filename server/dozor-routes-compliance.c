/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The route-compliance figures of a shift (docs/api.md, "Deviations per
 * shift"): every unit's deviations and reporting gaps in a window, for the
 * board's per-shift summary. The caller (dozor-server.c) has checked the
 * token and, with dozor_routes_compliance_roles(), the role.
 */
#include "config.h"

#include "dozor-server-private.h"

static const char *readers = "wall operator supervisor admin";

static gboolean
is_stats (const char *const *parts)
{
  return g_strv_length ((char **) parts) == 2 && g_str_equal (parts[0], "stats") &&
         g_str_equal (parts[1], "deviations");
}

/**
 * dozor_routes_compliance_roles:
 * @parts: the path's segments after /api/v1/
 * @method: the request's method
 *
 * Returns: (nullable): the roles that may, space-separated, or %NULL when
 *   the request is not a compliance route
 */
const char *
dozor_routes_compliance_roles (const char *const *parts,
                               const char        *method)
{
  return is_stats (parts) && g_str_equal (method, "GET") ? readers : NULL;
}

/**
 * dozor_routes_compliance_handle:
 * @self: the server
 * @msg: a request dozor_routes_compliance_roles() named roles for
 * @query: (nullable): the request's query
 *
 * Answers the request. One grouped read over indexed rows of a window (a
 * shift holds hundreds of records, not millions), so it runs here, on the
 * store's thread.
 */
void
dozor_routes_compliance_handle (DozorServer       *self,
                                SoupServerMessage *msg,
                                GHashTable        *query)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = dozor_store_deviation_stats (dozor_server_get_store (self), query, &error);

  if (json == NULL)
    dozor_server_reply_failure (msg, error);
  else
    dozor_server_reply_text (msg, 200, json);
}
