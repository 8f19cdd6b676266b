/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dozor-situation.h"
#include "dozor-wall-config.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_WALL_INCIDENTS_VIEW (dozor_wall_incidents_view_get_type ())
G_DECLARE_FINAL_TYPE (DozorWallIncidentsView, dozor_wall_incidents_view, DOZOR, WALL_INCIDENTS_VIEW, GtkWidget)

DozorWallIncidentsView *dozor_wall_incidents_view_new            (DozorSituation         *situation,
                                                                  const DozorWallMarks   *marks);
void                    dozor_wall_incidents_view_set_cap_height (DozorWallIncidentsView *self,
                                                                  double                  cap_height);

G_END_DECLS
