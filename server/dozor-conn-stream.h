/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The largest data a stream client may send in one message. Clients have
 * nothing to say on the stream; this leaves room for a short text. */
#define DOZOR_CONN_STREAM_MAX_CLIENT_MESSAGE 125

#define DOZOR_TYPE_CONN_STREAM (dozor_conn_stream_get_type ())
G_DECLARE_FINAL_TYPE (DozorConnStream, dozor_conn_stream, DOZOR, CONN_STREAM, GIOStream)

/* Called once, from an idle, when a WebSocket client breaks the limit. */
typedef void (*DozorConnStreamViolationFunc) (gpointer user_data);

DozorConnStream *dozor_conn_stream_new             (GIOStream       *base,
                                                    GSocket         *socket);
GSocket         *dozor_conn_stream_get_socket      (DozorConnStream *self);
guint64          dozor_conn_stream_get_written     (DozorConnStream *self);
guint64          dozor_conn_stream_get_acked       (DozorConnStream *self);
guint64          dozor_conn_stream_get_unacked     (DozorConnStream *self);
void             dozor_conn_stream_watch_websocket (DozorConnStream *self);
void             dozor_conn_stream_set_violation_func (DozorConnStream              *self,
                                                       DozorConnStreamViolationFunc  func,
                                                       gpointer                      user_data,
                                                       GDestroyNotify                destroy);
gboolean         dozor_conn_stream_get_violated    (DozorConnStream *self);

G_END_DECLS
