/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void dozor_wall_text_size (GtkLabel *label,
                           double    cap_height,
                           double    scale,
                           gboolean  bold);

G_END_DECLS
