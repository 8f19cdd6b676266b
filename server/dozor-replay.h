/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dozor-store.h"

G_BEGIN_DECLS

/* How often the state is archived for replays, by default: an hour. */
#define DOZOR_REPLAY_DEFAULT_INTERVAL 3600

#define DOZOR_TYPE_REPLAY (dozor_replay_get_type ())
G_DECLARE_FINAL_TYPE (DozorReplay, dozor_replay, DOZOR, REPLAY, GObject)

DozorReplay *dozor_replay_new          (DozorStore        *store);
void         dozor_replay_set_schedule (DozorReplay       *self,
                                        guint              interval_s,
                                        guint              keep_days);

G_END_DECLS
