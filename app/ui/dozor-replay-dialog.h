/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The longest window the server replays (docs/api.md, "Replay"). */
#define DOZOR_REPLAY_MAX_HOURS 24

#define DOZOR_TYPE_REPLAY_DIALOG (dozor_replay_dialog_get_type ())
G_DECLARE_FINAL_TYPE (DozorReplayDialog, dozor_replay_dialog, DOZOR, REPLAY_DIALOG, AdwWindow)

DozorReplayDialog *dozor_replay_dialog_new (GtkWindow *parent,
                                            gint64     now);

G_END_DECLS
