/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void dozor_list_tab_leaves (GtkWidget *list);

G_END_DECLS
