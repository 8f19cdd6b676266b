/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dozor-situation.h"
#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_WALL_FIGURES_VIEW (dozor_wall_figures_view_get_type ())
G_DECLARE_FINAL_TYPE (DozorWallFiguresView, dozor_wall_figures_view, DOZOR, WALL_FIGURES_VIEW, GtkWidget)

DozorWallFiguresView *dozor_wall_figures_view_new            (DozorSyncClient      *sync,
                                                              DozorSituation       *situation);
void                  dozor_wall_figures_view_set_cap_height (DozorWallFiguresView *self,
                                                              double                cap_height);

G_END_DECLS
