/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_REPLAY_BAR (dozor_replay_bar_get_type ())
G_DECLARE_FINAL_TYPE (DozorReplayBar, dozor_replay_bar, DOZOR, REPLAY_BAR, AdwBin)

GtkWidget *dozor_replay_bar_new         (gint64          from,
                                         gint64          to);
void       dozor_replay_bar_focus_timeline (DozorReplayBar *self);
void       dozor_replay_bar_set_time    (DozorReplayBar *self,
                                         gint64          time);
gboolean   dozor_replay_bar_get_playing (DozorReplayBar *self);
void       dozor_replay_bar_set_playing (DozorReplayBar *self,
                                         gboolean        playing);
guint      dozor_replay_bar_get_speed   (DozorReplayBar *self);

G_END_DECLS
