/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean dozor_tile_url_validate (const char  *url_template,
                                  GError     **error);

G_END_DECLS
