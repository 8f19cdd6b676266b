/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Events packed into frames for the stream clients that take several per
 * frame (`batch=1`, docs/api.md).
 *
 * libsoup 3.2 writes every frame with its own send() and, once a socket
 * is full, one frame per main-loop turn; at thousands of events a second
 * to a hundred clients that per-frame cost is what dozord spends its time
 * on. A frame of many events costs it once. The events are already JSON
 * text, written once by the store; a commit's frames are packed once here
 * and handed to every batching client.
 */
#include "config.h"

#include <string.h>

#include "dozor-stream-frames.h"

static void
frame_free (gpointer data)
{
  DozorStreamFrame *frame = data;

  g_free (frame->text);
  g_free (frame);
}

static void
add_frame (GPtrArray *frames,
           GString   *text,
           gint64     first_seq,
           guint      count,
           const char *alone)
{
  DozorStreamFrame *frame = g_new0 (DozorStreamFrame, 1);

  frame->first_seq = first_seq;
  frame->count = count;
  if (count == 1)
    {
      frame->text = g_strdup (alone);
      frame->length = strlen (alone);
    }
  else
    {
      g_string_append_c (text, ']');
      frame->length = text->len;
      frame->text = g_strndup (text->str, text->len);
    }
  g_ptr_array_add (frames, frame);
}

/**
 * dozor_stream_frames_pack:
 * @events: (element-type utf8): events as JSON text, consecutive seqs
 * @first_seq: the seq of the first
 *
 * Packs the events in order into frames of at most
 * %DOZOR_STREAM_FRAME_BYTES (an event larger than that alone in its own).
 *
 * Returns: (transfer full) (element-type DozorStreamFrame): the frames
 */
GPtrArray *
dozor_stream_frames_pack (GPtrArray *events,
                          gint64     first_seq)
{
  GPtrArray *frames = g_ptr_array_new_with_free_func (frame_free);
  g_autoptr(GString) text = g_string_sized_new (DOZOR_STREAM_FRAME_BYTES);
  gint64 start = first_seq;
  guint count = 0;

  for (guint i = 0; i < events->len; i++)
    {
      const char *event = events->pdata[i];
      gsize length = strlen (event);

      /* "[", the events with a comma after each but the last, "]". */
      if (count > 0 && text->len + 1 + length + 1 > DOZOR_STREAM_FRAME_BYTES)
        {
          add_frame (frames, text, start, count, events->pdata[i - 1]);
          g_string_truncate (text, 0);
          start = first_seq + i;
          count = 0;
        }
      g_string_append_c (text, count == 0 ? '[' : ',');
      g_string_append_len (text, event, length);
      count++;
    }
  if (count > 0)
    add_frame (frames, text, start, count, events->pdata[events->len - 1]);

  return frames;
}
