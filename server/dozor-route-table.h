/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *dozor_route_table_allowed (const char *const *parts);
gboolean    dozor_route_table_allows  (const char        *allowed,
                                       const char        *method);

G_END_DECLS
