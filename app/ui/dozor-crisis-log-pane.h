/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dozor-situation.h"
#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_CRISIS_LOG_PANE (dozor_crisis_log_pane_get_type ())
G_DECLARE_FINAL_TYPE (DozorCrisisLogPane, dozor_crisis_log_pane, DOZOR, CRISIS_LOG_PANE, AdwBin)

void dozor_crisis_log_pane_follow   (DozorCrisisLogPane   *self,
                                     GtkApplicationWindow *window,
                                     DozorSyncClient      *sync,
                                     DozorSituation       *situation);
void dozor_crisis_log_pane_set_wall (DozorCrisisLogPane   *self,
                                     gboolean              wall);
void dozor_crisis_log_pane_set_replaying (DozorCrisisLogPane *self);

G_END_DECLS
