/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_WALL_LEGEND (dozor_wall_legend_get_type ())
G_DECLARE_FINAL_TYPE (DozorWallLegend, dozor_wall_legend, DOZOR, WALL_LEGEND, GtkWidget)

DozorWallLegend *dozor_wall_legend_new            (const char      *monitor);
void             dozor_wall_legend_set_cap_height (DozorWallLegend *self,
                                                   double           cap_height);

G_END_DECLS
