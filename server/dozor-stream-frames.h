/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A frame of a stream opened with `batch=1` holds up to this many bytes of
 * events; an event larger than that goes alone. Well under the 128 KiB a
 * libsoup client takes by default. */
#define DOZOR_STREAM_FRAME_BYTES (64 * 1024)

/* Consecutive events as one frame's text: the event itself when alone,
 * else a JSON array of them. */
typedef struct
{
  char *text;
  gsize length;
  gint64 first_seq;
  guint count;
} DozorStreamFrame;

GPtrArray *dozor_stream_frames_pack (GPtrArray *events,
                                     gint64     first_seq);

G_END_DECLS
