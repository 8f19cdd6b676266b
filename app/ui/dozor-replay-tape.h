/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_REPLAY_TAPE (dozor_replay_tape_get_type ())
G_DECLARE_FINAL_TYPE (DozorReplayTape, dozor_replay_tape, DOZOR, REPLAY_TAPE, GObject)

DozorReplayTape *dozor_replay_tape_new             (void);
void             dozor_replay_tape_add_page_async  (DozorReplayTape     *self,
                                                    JsonNode            *page,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean         dozor_replay_tape_add_page_finish (DozorReplayTape     *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
void             dozor_replay_tape_seek_async      (DozorReplayTape     *self,
                                                    gint64               time,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
void             dozor_replay_tape_advance_async   (DozorReplayTape     *self,
                                                    gint64               time,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
JsonNode        *dozor_replay_tape_finish          (DozorReplayTape     *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

G_END_DECLS
