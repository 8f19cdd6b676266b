/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_WALL_BANNER (dozor_wall_banner_get_type ())
G_DECLARE_FINAL_TYPE (DozorWallBanner, dozor_wall_banner, DOZOR, WALL_BANNER, GtkWidget)

DozorWallBanner *dozor_wall_banner_new            (DozorSyncClient *sync,
                                                   GDateTime       *not_live_since);
void             dozor_wall_banner_set_cap_height (DozorWallBanner *self,
                                                   double           cap_height);
void             dozor_wall_banner_set_since      (DozorWallBanner *self,
                                                   GDateTime       *not_live_since);

G_END_DECLS
