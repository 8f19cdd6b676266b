/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void dozor_help_overlay_attach (GtkApplicationWindow *window);

G_END_DECLS
