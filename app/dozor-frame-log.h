/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void dozor_frame_log_watch (GtkWidget  *window,
                            const char *name);

G_END_DECLS
