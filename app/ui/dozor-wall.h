/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dozor-local-copy.h"
#include "dozor-sync-client.h"
#include "dozor-wall-config.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_WALL (dozor_wall_get_type ())
G_DECLARE_FINAL_TYPE (DozorWall, dozor_wall, DOZOR, WALL, GObject)

DozorWall *dozor_wall_new (GtkApplication  *application,
                           DozorWallConfig *config,
                           DozorSyncClient *sync,
                           DozorSituation  *situation,
                           DozorLocalCopy  *local_copy);

G_END_DECLS
