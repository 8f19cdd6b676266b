/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The main thread's CPU time for the stream's position events, the way
 * main's DozorSyncClient took them (each frame parsed, each event applied
 * with its own "changed") against DozorStreamDecoder's (frames parsed in
 * its worker, a run of fixes applied at once, one "changed" a frame).
 * Thread CPU time, not wall time: on a shared machine what others run
 * lengthens the wall time, not the CPU a thread spends.
 *
 *   bench-events [UNITS] [ROUNDS]
 *
 * Each round is one fix of every unit (UNITS events), written as dozord
 * writes them (arrays of at most 64 KiB), with LISTENERS "changed"
 * handlers as the desk's map has (its four raster layers). Prints figures;
 * never fails on time.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dozor-json.h"
#include "dozor-situation.h"
#include "dozor-stream-decoder.h"

#define FRAME_BYTES (64 * 1024)
#define LISTENERS 4

static double
thread_cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * 1000.0 + now.tv_nsec / 1e6;
}

static void
changed_cb (DozorSituation *situation,
            guint           what,
            guint          *count)
{
  (*count)++;
}

/* One round of fixes as the stream's frames, seqs from *seq + 1. */
static GPtrArray *
frames_new (guint   units,
            guint   round,
            gint64 *seq)
{
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GString) frame = g_string_new (NULL);
  g_autoptr(GString) event = g_string_new (NULL);
  char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint i = 0; i < units; i++)
    {
      g_ascii_formatd (lat, sizeof lat, "%.7f", 43.15 + 0.18 * ((i * 7919 + round * 13) % units) / units);
      g_ascii_formatd (lon, sizeof lon, "%.7f", 76.80 + 0.25 * ((i * 104729 + round * 17) % units) / units);
      g_string_printf (event, "{\"seq\":%" G_GINT64_FORMAT ",\"type\":\"unit.position\",\"unit\":{\"id\":\"u%06u\","
                       "\"call_sign\":\"A-%05u\",\"status\":\"available\",\"position\":{\"lat\":%s,\"lon\":%s,"
                       "\"time\":\"2026-12-06T16:%02u:%02u.000000Z\",\"speed\":8.5,\"heading\":90.0},\"version\":%u}}",
                       ++*seq, i, i, lat, lon, round / 60 % 60, round % 60, round + 1);
      if (frame->len > 0 && frame->len + event->len + 2 > FRAME_BYTES)
        {
          g_string_append_c (frame, ']');
          g_ptr_array_add (frames, g_bytes_new (frame->str, frame->len));
          g_string_truncate (frame, 0);
        }
      g_string_append_c (frame, frame->len == 0 ? '[' : ',');
      g_string_append_len (frame, event->str, event->len);
    }
  g_string_append_c (frame, ']');
  g_ptr_array_add (frames, g_bytes_new (frame->str, frame->len));
  return frames;
}

static DozorSituation *
situation_new (guint *changed)
{
  DozorSituation *situation = dozor_situation_new ();
  g_autoptr(JsonNode) snapshot = json_from_string ("{\"as_of_seq\":0,\"units\":[]}", NULL);

  if (!dozor_situation_load_snapshot (situation, snapshot, NULL))
    g_error ("bench-events: the snapshot was refused");
  for (guint l = 0; l < LISTENERS; l++)
    g_signal_connect (situation, "changed", G_CALLBACK (changed_cb), changed);
  return situation;
}

/* main's way: parse a frame, apply each event. */
static double
run_before (GPtrArray *rounds,
            guint     *changed)
{
  g_autoptr(DozorSituation) situation = situation_new (changed);
  double start = thread_cpu_ms ();

  for (guint r = 0; r < rounds->len; r++)
    {
      GPtrArray *frames = rounds->pdata[r];

      for (guint f = 0; f < frames->len; f++)
        {
          gsize length;
          const char *text = g_bytes_get_data (frames->pdata[f], &length);
          g_autoptr(JsonNode) node = dozor_json_parse (text, length, 2 * FRAME_BYTES, NULL);
          JsonArray *events = json_node_get_array (node);

          for (guint i = 0; i < json_array_get_length (events); i++)
            if (dozor_situation_apply_event (situation, json_array_get_element (events, i)) != DOZOR_APPLY_APPLIED)
              g_error ("bench-events: an event was not applied");
        }
    }
  return thread_cpu_ms () - start;
}

typedef struct
{
  DozorSituation *situation;
  double apply_ms;
  guint frames_left;
  GMainLoop *loop;
} After;

static void
decoded_cb (GPtrArray *items,
            gpointer   user_data)
{
  After *after = user_data;
  double start = thread_cpu_ms ();

  dozor_situation_hold_changes (after->situation);
  for (guint i = 0; i < items->len; i++)
    {
      DozorStreamItem *item = items->pdata[i];

      if (item->kind != DOZOR_STREAM_FIXES ||
          dozor_situation_apply_fixes (after->situation, (DozorUnitFix *) item->fixes->data, item->fixes->len,
                                       item->first_seq, item->last_seq) != DOZOR_APPLY_APPLIED)
        g_error ("bench-events: a run was not applied");
    }
  dozor_situation_release_changes (after->situation);
  /* The items are freed after this returns, on this thread: counted too. */
  g_ptr_array_set_size (items, 0);
  after->apply_ms += thread_cpu_ms () - start;
  if (--after->frames_left == 0)
    g_main_loop_quit (after->loop);
}

/* The decoder's way; the main thread's whole time, its main loop included. */
static double
run_after (GPtrArray *rounds,
           guint     *changed)
{
  g_autoptr(DozorSituation) situation = situation_new (changed);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  After after = { situation, 0, 0, loop };
  g_autoptr(DozorStreamDecoder) decoder = dozor_stream_decoder_new (2 * FRAME_BYTES, decoded_cb, &after);
  double start;

  for (guint r = 0; r < rounds->len; r++)
    after.frames_left += ((GPtrArray *) rounds->pdata[r])->len;
  start = thread_cpu_ms ();
  for (guint r = 0; r < rounds->len; r++)
    {
      GPtrArray *frames = rounds->pdata[r];

      for (guint f = 0; f < frames->len; f++)
        dozor_stream_decoder_push (decoder, frames->pdata[f]);
    }
  g_main_loop_run (loop);
  return thread_cpu_ms () - start;
}

int
main (int   argc,
      char *argv[])
{
  guint units = argc > 1 ? (guint) strtoul (argv[1], NULL, 10) : 50000;
  guint n_rounds = argc > 2 ? (guint) strtoul (argv[2], NULL, 10) : 4;
  g_autoptr(GPtrArray) rounds = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  gint64 seq = 0;
  guint changed_before = 0, changed_after = 0;
  double before_ms, after_ms;
  guint frames = 0;

  for (guint r = 0; r < n_rounds; r++)
    {
      g_ptr_array_add (rounds, frames_new (units, r, &seq));
      frames += ((GPtrArray *) rounds->pdata[r])->len;
    }

  before_ms = run_before (rounds, &changed_before);
  after_ms = run_after (rounds, &changed_after);
  printf ("%u units, %u rounds: %" G_GINT64_FORMAT " position events in %u frames, %u \"changed\" handlers\n",
          units, n_rounds, seq, frames, LISTENERS);
  printf ("main thread CPU, per event and in all:\n");
  printf ("  before (parse and apply each event on the main thread): %.2f µs, %.0f ms; handlers ran %u times\n",
          before_ms * 1000 / seq, before_ms, changed_before);
  printf ("  after (DozorStreamDecoder, a run of fixes a frame):     %.2f µs, %.0f ms; handlers ran %u times\n",
          after_ms * 1000 / seq, after_ms, changed_after);
  printf ("at 50,000 events/s (100,000 units every 2 s): before %.0f %%, after %.0f %% of a core\n",
          before_ms / seq * 50000 / 10, after_ms / seq * 50000 / 10);
  return 0;
}
