/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "dozor-situation.h"

G_BEGIN_DECLS

/**
 * DozorStreamItemKind:
 * @DOZOR_STREAM_FIXES: a run of consecutive `unit.position` and
 *   `coalesced` events, as their fixes in order
 * @DOZOR_STREAM_EVENT: any other event, whole
 * @DOZOR_STREAM_HEARTBEAT: a heartbeat, its seq in @first_seq
 * @DOZOR_STREAM_RESET: the server no longer has the client's seq
 * @DOZOR_STREAM_BAD_FRAME: a frame that is neither an event nor an array
 *   of events
 * @DOZOR_STREAM_BAD_EVENT: an array member that is not an event; nothing
 *   after it in the frame is read
 */
typedef enum
{
  DOZOR_STREAM_FIXES,
  DOZOR_STREAM_EVENT,
  DOZOR_STREAM_HEARTBEAT,
  DOZOR_STREAM_RESET,
  DOZOR_STREAM_BAD_FRAME,
  DOZOR_STREAM_BAD_EVENT,
} DozorStreamItemKind;

/**
 * DozorStreamItem:
 * @kind: what it is
 * @first_seq: %DOZOR_STREAM_FIXES: the run's first seq; an event's or a
 *   heartbeat's seq
 * @last_seq: %DOZOR_STREAM_FIXES: the run's last seq; else as @first_seq
 * @event: (nullable): %DOZOR_STREAM_EVENT: the event
 * @fixes: (nullable): %DOZOR_STREAM_FIXES: #DozorUnitFix, one per
 *   position event, in order; their strings belong to the item
 * @error: (nullable): %DOZOR_STREAM_BAD_FRAME: the parser's reason, if any
 *
 * One thing a stream frame holds, in the frame's order.
 */
typedef struct
{
  DozorStreamItemKind kind;
  gint64 first_seq;
  gint64 last_seq;
  JsonNode *event;
  GArray *fixes;
  char *error;
  /*< private >*/
  JsonNode *root;
  GStringChunk *strings;
} DozorStreamItem;

/**
 * DozorStreamFunc:
 * @items: (element-type DozorStreamItem): one frame's items, in order
 * @user_data: as given
 *
 * Called on the decoder's main context, frame after frame in the order
 * they were pushed.
 */
typedef void (*DozorStreamFunc) (GPtrArray *items,
                                 gpointer   user_data);

#define DOZOR_TYPE_STREAM_DECODER (dozor_stream_decoder_get_type ())
G_DECLARE_FINAL_TYPE (DozorStreamDecoder, dozor_stream_decoder, DOZOR, STREAM_DECODER, GObject)

DozorStreamDecoder *dozor_stream_decoder_new   (gsize               max_frame_bytes,
                                                DozorStreamFunc     func,
                                                gpointer            user_data);
void                dozor_stream_decoder_push  (DozorStreamDecoder *self,
                                                GBytes             *frame);
void                dozor_stream_decoder_reset (DozorStreamDecoder *self);
GPtrArray          *dozor_stream_decode        (const char         *data,
                                                gsize               length,
                                                gsize               max_frame_bytes);
GPtrArray          *dozor_stream_decode_tree   (const char         *data,
                                                gsize               length,
                                                gsize               max_frame_bytes);

G_END_DECLS
