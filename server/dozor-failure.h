/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

guint       dozor_failure_status  (const GError  *error,
                                   const char   **code);
const char *dozor_failure_message (const GError  *error,
                                   guint          status);

G_END_DECLS
