/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_REPLAY_CONTROLLER (dozor_replay_controller_get_type ())
G_DECLARE_FINAL_TYPE (DozorReplayController, dozor_replay_controller, DOZOR, REPLAY_CONTROLLER, GObject)

DozorReplayController *dozor_replay_controller_new      (GtkApplicationWindow  *window,
                                                         DozorSyncClient       *sync);
void                   dozor_replay_controller_set_wall (DozorReplayController *self,
                                                         gboolean               wall);

G_END_DECLS
