/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "dozor-conn-stream.h"
#include "dozor-store.h"
#include "dozor-stream-frames.h"
#include "dozor-stream-pages.h"

G_BEGIN_DECLS

/* What dozord lets wait in its own queue for one stream client. Below the
 * soft bound events are handed over as they happen; above it the client
 * is behind and is fed from the store as its socket drains, with positions
 * coalesced. */
#define DOZOR_STREAM_SOFT_BOUND (256 * 1024)

/* A client whose socket takes less than DOZOR_STREAM_STALL_BYTES in this
 * long while something waits for it (in dozord's queue or the kernel's
 * send queue) is closed with
 * DOZOR_STREAM_CLOSE_TOO_SLOW: by then it has missed three heartbeats and
 * counts the link as dead anyway. */
#define DOZOR_STREAM_STALL_SECONDS 15
#define DOZOR_STREAM_STALL_BYTES (16 * 1024)

#define DOZOR_STREAM_CLOSE_TOO_SLOW 4429
#define DOZOR_STREAM_CLOSE_UNAUTHORIZED 4401
/* The store cannot be reached (PostgreSQL down or failing over): resume
 * with since=, here later or on another instance. As 4401 and 4429 echo
 * HTTP's 401 and 429, 4503 echoes 503: the registry's 1013 ("try again
 * later") is refused as a protocol error by libsoup 3.2's client. */
#define DOZOR_STREAM_CLOSE_UNAVAILABLE 4503

#define DOZOR_TYPE_STREAM_CLIENT (dozor_stream_client_get_type ())
G_DECLARE_FINAL_TYPE (DozorStreamClient, dozor_stream_client, DOZOR, STREAM_CLIENT, GObject)

char                    *dozor_stream_message         (const char *type,
                                                       gint64      seq);

DozorStreamClient       *dozor_stream_client_new      (SoupWebsocketConnection *conn,
                                                       DozorConnStream         *stream,
                                                       const char              *token,
                                                       gint64                   since,
                                                       gboolean                 batch);
SoupWebsocketConnection *dozor_stream_client_get_conn (DozorStreamClient *self);
gboolean                 dozor_stream_client_get_batch (DozorStreamClient *self);
gboolean                 dozor_stream_client_is_behind (DozorStreamClient *self);
gboolean                 dozor_stream_client_is_open  (DozorStreamClient *self);
gint64                   dozor_stream_client_get_seq  (DozorStreamClient *self);
void                     dozor_stream_client_offer    (DozorStreamClient *self,
                                                       const char        *event,
                                                       gint64             seq);
void                     dozor_stream_client_offer_frame (DozorStreamClient      *self,
                                                          const DozorStreamFrame *frame);
void                     dozor_stream_client_heartbeat (DozorStreamClient *self,
                                                        gint64             seq);
void                     dozor_stream_client_catch_up (DozorStreamClient *self,
                                                       DozorStreamPages  *pages,
                                                       gint64             head);
void                     dozor_stream_client_check    (DozorStreamClient *self,
                                                       DozorStore        *store);
void                     dozor_stream_client_close    (DozorStreamClient *self,
                                                       gushort            code,
                                                       const char        *reason);

G_END_DECLS
