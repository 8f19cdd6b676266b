/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

char *dozor_guide_find (void);
void  dozor_guide_show (GtkWindow *parent);

G_END_DECLS
