/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *dozor_format_header_clock (GDateTime  *time);
char *dozor_format_local_clock (GDateTime  *time,
                                gboolean    seconds);
char *dozor_format_local_minute (const char *iso8601,
                                 const char *fallback);

G_END_DECLS
