/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The stream's frames read in a worker (DozorStreamDecoder) and applied a
 * run of fixes at a time: the board must end where applying every event
 * one by one would leave it, see gaps where they are, keep the order of
 * events that are not positions, and tell "changed" once per frame.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "dozor-situation.h"
#include "dozor-stream-decoder.h"

#define MAX_FRAME (1024 * 1024)

static char *
position (gint64      seq,
          const char *id,
          double      lat,
          int         second)
{
  return g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",\"type\":\"unit.position\",\"unit\":{\"id\":\"%s\","
                          "\"call_sign\":\"C-%s\",\"status\":\"available\",\"position\":{\"lat\":%.4f,"
                          "\"lon\":76.9,\"time\":\"2026-11-22T08:00:%02dZ\",\"speed\":5,\"heading\":90},"
                          "\"version\":1}}", seq, id, id, lat, second);
}

/* A frame: the events, as an array. */
static char *
frame (const char *first,
       ...)
{
  g_autoptr(GString) text = g_string_new ("[");
  va_list args;

  va_start (args, first);
  for (const char *event = first; event != NULL; event = va_arg (args, const char *))
    {
      if (text->len > 1)
        g_string_append_c (text, ',');
      g_string_append (text, event);
    }
  va_end (args);
  g_string_append_c (text, ']');
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GPtrArray *
decode (const char *text)
{
  return dozor_stream_decode (text, strlen (text), MAX_FRAME);
}

static DozorSituation *
situation_at (gint64 seq)
{
  DozorSituation *situation = dozor_situation_new ();
  g_autofree char *text = g_strdup_printf ("{\"as_of_seq\":%" G_GINT64_FORMAT ",\"units\":[],\"incidents\":[]}", seq);
  g_autoptr(JsonNode) snapshot = json_from_string (text, NULL);

  g_assert_true (dozor_situation_load_snapshot (situation, snapshot, NULL));
  return situation;
}

static void
count_changed (DozorSituation *situation,
               guint           what,
               guint          *count)
{
  (*count)++;
}

/* What the sync client does with a frame's items (fixes and events). */
static DozorApplyResult
apply_items (DozorSituation *situation,
             GPtrArray      *items)
{
  DozorApplyResult result = DOZOR_APPLY_APPLIED;

  dozor_situation_hold_changes (situation);
  for (guint i = 0; i < items->len && result != DOZOR_APPLY_GAP; i++)
    {
      DozorStreamItem *item = items->pdata[i];

      if (item->kind == DOZOR_STREAM_FIXES)
        result = dozor_situation_apply_fixes (situation, (DozorUnitFix *) item->fixes->data, item->fixes->len,
                                              item->first_seq, item->last_seq);
      else if (item->kind == DOZOR_STREAM_EVENT)
        result = dozor_situation_apply_event (situation, item->event);
    }
  dozor_situation_release_changes (situation);
  return result;
}

/* Five fixes of two units in one frame: one run, every fix in order (the
 * ones in between are the trail), every seq taken, one "changed". */
static void
test_run_keeps_every_fix (void)
{
  g_autofree char *a = position (11, "u1", 43.1, 1), *b = position (12, "u2", 43.2, 2);
  g_autofree char *c = position (13, "u1", 43.3, 3), *d = position (14, "u1", 43.4, 4);
  g_autofree char *e = position (15, "u2", 43.5, 5);
  g_autofree char *text = frame (a, b, c, d, e, NULL);
  g_autoptr(GPtrArray) items = decode (text);
  g_autoptr(DozorSituation) situation = situation_at (10);
  DozorStreamItem *item;
  DozorUnit *u1, *u2;
  guint changed = 0;

  g_assert_cmpuint (items->len, ==, 1);
  item = items->pdata[0];
  g_assert_cmpint (item->kind, ==, DOZOR_STREAM_FIXES);
  g_assert_cmpint (item->first_seq, ==, 11);
  g_assert_cmpint (item->last_seq, ==, 15);
  g_assert_cmpuint (item->fixes->len, ==, 5);

  g_signal_connect (situation, "changed", G_CALLBACK (count_changed), &changed);
  g_assert_cmpint (apply_items (situation, items), ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpint (dozor_situation_get_seq (situation), ==, 15);
  u1 = dozor_situation_get_unit (situation, "u1");
  u2 = dozor_situation_get_unit (situation, "u2");
  g_assert_nonnull (u1);
  g_assert_nonnull (u2);
  g_assert_cmpfloat_with_epsilon (u1->lat, 43.4, 1e-9);
  g_assert_cmpfloat_with_epsilon (u2->lat, 43.5, 1e-9);
  g_assert_cmpstr (u1->call_sign, ==, "C-u1");
  g_assert_cmpint (u1->fix_time, ==, (gint64) (1795334400 + 4) * G_USEC_PER_SEC);
  g_assert_cmpfloat (u1->heading, ==, 90);
  /* u1's trail: the fixes of seq 13 and 11, newest first, as one by one. */
  g_assert_cmpuint (u1->trail_length, ==, 2);
  g_assert_cmpfloat_with_epsilon (u1->trail[0][0], 43.3, 1e-9);
  g_assert_cmpfloat_with_epsilon (u1->trail[1][0], 43.1, 1e-9);
}

/* An event that is not a position splits the run: it is applied in its
 * place, seeing the unit where the fixes before it left it. */
static void
test_event_between (void)
{
  g_autofree char *a = position (11, "u1", 43.1, 1);
  g_autofree char *c = position (13, "u1", 43.3, 3);
  static const char busy[] =
    "{\"seq\":12,\"type\":\"unit.updated\",\"unit\":{\"id\":\"u1\",\"call_sign\":\"C-u1\",\"status\":\"busy\","
    "\"position\":{\"lat\":43.2,\"lon\":76.9,\"time\":\"2026-11-22T08:00:02Z\"},\"version\":2}}";
  g_autofree char *text = frame (a, busy, c, NULL);
  g_autoptr(GPtrArray) items = decode (text);
  g_autoptr(DozorSituation) situation = situation_at (10);
  DozorUnit *u1;

  g_assert_cmpuint (items->len, ==, 3);
  g_assert_cmpint (((DozorStreamItem *) items->pdata[0])->kind, ==, DOZOR_STREAM_FIXES);
  g_assert_cmpint (((DozorStreamItem *) items->pdata[1])->kind, ==, DOZOR_STREAM_EVENT);
  g_assert_cmpint (((DozorStreamItem *) items->pdata[2])->kind, ==, DOZOR_STREAM_FIXES);

  g_assert_cmpint (apply_items (situation, items), ==, DOZOR_APPLY_APPLIED);
  u1 = dozor_situation_get_unit (situation, "u1");
  g_assert_cmpstr (u1->status, ==, "available");
  g_assert_cmpfloat_with_epsilon (u1->lat, 43.3, 1e-9);
  /* Its trail: the fix of seq 12, then the one of 11, as one by one. */
  g_assert_cmpuint (u1->trail_length, ==, 2);
  g_assert_cmpfloat_with_epsilon (u1->trail[0][0], 43.2, 1e-9);
  g_assert_cmpfloat_with_epsilon (u1->trail[1][0], 43.1, 1e-9);
  g_assert_cmpint (dozor_situation_get_seq (situation), ==, 13);
}

/* A break in the seqs inside a frame is a gap where it is: what comes
 * before it is applied, nothing after. */
static void
test_gap_inside_frame (void)
{
  g_autofree char *a = position (11, "u1", 43.1, 1), *b = position (12, "u1", 43.2, 2);
  g_autofree char *d = position (14, "u1", 43.4, 4);
  g_autofree char *text = frame (a, b, d, NULL);
  g_autoptr(GPtrArray) items = decode (text);
  g_autoptr(DozorSituation) situation = situation_at (10);

  g_assert_cmpuint (items->len, ==, 2);
  g_assert_cmpint (apply_items (situation, items), ==, DOZOR_APPLY_GAP);
  g_assert_cmpint (dozor_situation_get_seq (situation), ==, 12);
  g_assert_cmpfloat_with_epsilon (dozor_situation_get_unit (situation, "u1")->lat, 43.2, 1e-9);
}

/* A frame read again after a resume (partly applied already): only the
 * fixes of events after the situation's seq move a unit; a frame wholly
 * applied is a duplicate. */
static void
test_overlap_and_duplicate (void)
{
  g_autofree char *a = position (11, "u1", 43.1, 1), *b = position (12, "u2", 43.2, 2);
  g_autofree char *c = position (13, "u3", 43.3, 3);
  g_autofree char *text = frame (a, b, c, NULL);
  g_autoptr(GPtrArray) items = decode (text);
  g_autoptr(DozorSituation) at_12 = situation_at (12);
  g_autoptr(DozorSituation) at_13 = situation_at (13);
  DozorStreamItem *item = items->pdata[0];

  g_assert_cmpint (apply_items (at_12, items), ==, DOZOR_APPLY_APPLIED);
  g_assert_null (dozor_situation_get_unit (at_12, "u1"));
  g_assert_null (dozor_situation_get_unit (at_12, "u2"));
  g_assert_nonnull (dozor_situation_get_unit (at_12, "u3"));
  g_assert_cmpint (dozor_situation_get_seq (at_12), ==, 13);

  g_assert_cmpint (dozor_situation_apply_fixes (at_13, (DozorUnitFix *) item->fixes->data, item->fixes->len,
                                                item->first_seq, item->last_seq), ==, DOZOR_APPLY_DUPLICATE);
  g_assert_cmpuint (dozor_situation_get_units (at_13)->len, ==, 0);
}

/* Coalesced events take their seq in the run and move nothing; a
 * position without a unit's id is the situation's to refuse, in place. */
static void
test_coalesced_and_malformed (void)
{
  g_autofree char *a = position (11, "u1", 43.1, 1);
  static const char coalesced[] = "{\"seq\":12,\"type\":\"coalesced\"}";
  static const char no_id[] =
    "{\"seq\":13,\"type\":\"unit.position\",\"unit\":{\"call_sign\":\"X\",\"status\":\"available\"}}";
  g_autofree char *text = frame (a, coalesced, no_id, NULL);
  g_autoptr(GPtrArray) items = decode (text);
  g_autoptr(DozorSituation) situation = situation_at (10);
  DozorStreamItem *run = items->pdata[0];

  g_assert_cmpuint (items->len, ==, 2);
  g_assert_cmpint (run->first_seq, ==, 11);
  g_assert_cmpint (run->last_seq, ==, 12);
  g_assert_cmpuint (run->fixes->len, ==, 1);
  g_assert_cmpint (((DozorStreamItem *) items->pdata[1])->kind, ==, DOZOR_STREAM_EVENT);
  apply_items (situation, items);
  g_assert_cmpint (dozor_situation_get_seq (situation), ==, 13);
  g_assert_cmpuint (dozor_situation_get_units (situation)->len, ==, 1);
}

/* Heartbeats, resets and what is not an event. */
static void
test_control_frames (void)
{
  g_autoptr(GPtrArray) heartbeat = decode ("{\"type\":\"heartbeat\",\"seq\":42,\"time\":\"x\"}");
  g_autoptr(GPtrArray) reset = decode ("{\"type\":\"reset\",\"seq\":7}");
  g_autoptr(GPtrArray) garbage = decode ("not json");
  g_autoptr(GPtrArray) empty = decode ("[]");
  g_autofree char *a = position (11, "u1", 43.1, 1);
  g_autofree char *text = frame (a, "3", a, NULL);
  g_autoptr(GPtrArray) bad_member = decode (text);

  g_assert_cmpint (((DozorStreamItem *) heartbeat->pdata[0])->kind, ==, DOZOR_STREAM_HEARTBEAT);
  g_assert_cmpint (((DozorStreamItem *) heartbeat->pdata[0])->first_seq, ==, 42);
  g_assert_cmpint (((DozorStreamItem *) reset->pdata[0])->kind, ==, DOZOR_STREAM_RESET);
  g_assert_cmpint (((DozorStreamItem *) garbage->pdata[0])->kind, ==, DOZOR_STREAM_BAD_FRAME);
  g_assert_nonnull (((DozorStreamItem *) garbage->pdata[0])->error);
  g_assert_cmpint (((DozorStreamItem *) empty->pdata[0])->kind, ==, DOZOR_STREAM_BAD_FRAME);
  /* Nothing after the bad member is read. */
  g_assert_cmpuint (bad_member->len, ==, 2);
  g_assert_cmpint (((DozorStreamItem *) bad_member->pdata[1])->kind, ==, DOZOR_STREAM_BAD_EVENT);
}

typedef struct
{
  GMainLoop *loop;
  GArray *seqs;              /* last seq of each frame delivered */
  gboolean main_thread;
  guint frames_wanted;
} Delivery;

static void
delivered_cb (GPtrArray *items,
              gpointer   user_data)
{
  Delivery *delivery = user_data;
  DozorStreamItem *last = items->pdata[items->len - 1];

  delivery->main_thread &= g_main_context_is_owner (g_main_context_default ());
  g_array_append_val (delivery->seqs, last->last_seq);
  if (delivery->seqs->len == delivery->frames_wanted)
    g_main_loop_quit (delivery->loop);
}

static gboolean
give_up_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  DozorStreamDecoder *decoder;
  guint first, n;
} Pusher;

static gpointer
push_thread (gpointer data)
{
  Pusher *pusher = data;

  for (guint i = pusher->first; i < pusher->first + pusher->n; i++)
    {
      g_autofree char *event = position (i, "u1", 43.0 + i / 10000.0, 1);
      g_autoptr(GBytes) bytes = g_bytes_new_take (frame (event, NULL), strlen (event) + 2);

      dozor_stream_decoder_push (pusher->decoder, bytes);
    }
  return NULL;
}

/* Frames pushed from another thread arrive on the main thread, all of
 * them, in the order pushed; after a reset none pushed before it does. */
static void
test_decoder_order_and_reset (void)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Delivery delivery = { loop, g_array_new (FALSE, FALSE, sizeof (gint64)), TRUE, 500 };
  g_autoptr(DozorStreamDecoder) decoder = dozor_stream_decoder_new (MAX_FRAME, delivered_cb, &delivery);
  Pusher pusher = { decoder, 1, 500 };
  GThread *thread = g_thread_new ("pusher", push_thread, &pusher);
  guint timeout = g_timeout_add_seconds (30, give_up_cb, loop);

  g_main_loop_run (loop);
  g_thread_join (thread);
  g_source_remove (timeout);
  g_assert_cmpuint (delivery.seqs->len, ==, 500);
  g_assert_true (delivery.main_thread);
  for (guint i = 0; i < delivery.seqs->len; i++)
    g_assert_cmpint (g_array_index (delivery.seqs, gint64, i), ==, i + 1);

  /* Pushed, then forgotten before the main loop could take them. */
  g_array_set_size (delivery.seqs, 0);
  pusher.first = 1000;
  pusher.n = 50;
  push_thread (&pusher);
  dozor_stream_decoder_reset (decoder);
  pusher.first = 2000;
  pusher.n = 1;
  push_thread (&pusher);
  delivery.frames_wanted = 1;
  timeout = g_timeout_add_seconds (30, give_up_cb, loop);
  g_main_loop_run (loop);
  g_source_remove (timeout);
  g_assert_cmpuint (delivery.seqs->len, ==, 1);
  g_assert_cmpint (g_array_index (delivery.seqs, gint64, 0), ==, 2000);
  g_array_unref (delivery.seqs);
}

/* Frames of positions are read by yajl without a tree, the rest by
 * json-glib; whichever reads a frame, the board gets the same items. Each
 * frame here is decoded both ways and the items compared field by
 * field: ordinary positions, missing and null numbers, members the board
 * does not read (nested too), members twice, of other types, strings
 * holding a NUL, broken and hostile text. */
static void
assert_same_items (const char *text,
                   gsize       length)
{
  g_autoptr(GPtrArray) fast = dozor_stream_decode (text, length, MAX_FRAME);
  g_autoptr(GPtrArray) tree = dozor_stream_decode_tree (text, length, MAX_FRAME);
  g_autofree char *shown = g_strndup (text, MIN (length, 300));
  g_autofree char *escaped = g_strescape (shown, NULL);

  g_test_message ("frame: %s", escaped);
  g_assert_cmpuint (fast->len, ==, tree->len);
  for (guint i = 0; i < fast->len; i++)
    {
      const DozorStreamItem *a = fast->pdata[i], *b = tree->pdata[i];

      g_assert_cmpint (a->kind, ==, b->kind);
      g_assert_cmpint (a->first_seq, ==, b->first_seq);
      g_assert_cmpint (a->last_seq, ==, b->last_seq);
      g_assert_cmpint (a->error != NULL, ==, b->error != NULL);
      g_assert_cmpint (a->event != NULL, ==, b->event != NULL);
      if (a->event != NULL)
        g_assert_true (json_node_equal (a->event, b->event));
      g_assert_cmpint (a->fixes != NULL, ==, b->fixes != NULL);
      for (guint f = 0; a->fixes != NULL && f < MAX (a->fixes->len, b->fixes->len); f++)
        {
          const DozorUnitFix *x = &g_array_index (a->fixes, DozorUnitFix, f);
          const DozorUnitFix *y = &g_array_index (b->fixes, DozorUnitFix, f);

          g_assert_cmpuint (a->fixes->len, ==, b->fixes->len);
          g_assert_cmpstr (x->id, ==, y->id);
          g_assert_cmpstr (x->call_sign, ==, y->call_sign);
          g_assert_cmpstr (x->status, ==, y->status);
          g_assert_cmpstr (x->time, ==, y->time);
          g_assert_cmpint (x->has_fix, ==, y->has_fix);
          g_assert_cmpint (x->seq, ==, y->seq);
          g_assert_cmpint (x->version, ==, y->version);
          g_assert_cmpint (x->fix_time, ==, y->fix_time);
          g_assert_true (x->lat == y->lat || (isnan (x->lat) && isnan (y->lat)));
          g_assert_true (x->lon == y->lon || (isnan (x->lon) && isnan (y->lon)));
          g_assert_true (x->heading == y->heading || (isnan (x->heading) && isnan (y->heading)));
          g_assert_true (x->speed == y->speed || (isnan (x->speed) && isnan (y->speed)));
        }
    }
}

static void
test_fast_reader_agrees (void)
{
  static const char *const unit_bodies[] = {
    /* as dozord writes them */
    "\"id\":\"u1\",\"call_sign\":\"A-1\",\"status\":\"available\",\"position\":{\"lat\":43.25,\"lon\":76.9,"
    "\"time\":\"2026-11-22T08:00:01.250Z\",\"speed\":5.5,\"heading\":90},\"version\":3",
    /* heading and speed unknown, version missing */
    "\"id\":\"u2\",\"call_sign\":\"A-2\",\"status\":\"en_route\",\"position\":{\"lat\":43.2,\"lon\":76.8,"
    "\"time\":\"2026-11-22T08:00:02+05:00\",\"speed\":null,\"heading\":null}",
    /* members the board does not read, nested */
    "\"id\":\"u3\",\"extra\":{\"id\":\"no\",\"list\":[1,[2,{\"a\":null}],true,\"s\"]},\"call_sign\":\"A-3\","
    "\"status\":\"on_scene\",\"position\":{\"lat\":-89.9,\"lon\":179.9,\"accuracy\":12,\"time\":\"2026-11-22T08:00:03Z\"}",
    /* no position; a position that is not whole or not valid */
    "\"id\":\"u4\",\"call_sign\":\"A-4\",\"status\":\"off_duty\"",
    "\"id\":\"u5\",\"call_sign\":\"A-5\",\"status\":\"available\",\"position\":{\"lat\":43.2,\"time\":\"2026-11-22T08:00:03Z\"}",
    "\"id\":\"u6\",\"call_sign\":\"A-6\",\"status\":\"available\",\"position\":{\"lat\":95,\"lon\":76,\"time\":\"2026-11-22T08:00:03Z\"}",
    "\"id\":\"u7\",\"call_sign\":\"A-7\",\"status\":\"available\",\"position\":{\"lat\":43,\"lon\":76,\"time\":\"yesterday\"}",
    "\"id\":\"u8\",\"call_sign\":\"A-8\",\"status\":\"available\",\"position\":{\"lat\":1e999,\"lon\":76,\"time\":\"2026-11-22T08:00:03Z\"}",
    "\"id\":\"u9\",\"call_sign\":\"A-9\",\"status\":\"available\",\"position\":null",
    "\"id\":\"u10\",\"call_sign\":\"A-10\",\"status\":\"available\",\"version\":-4,\"position\":{\"lat\":43,\"lon\":76,\"time\":null}",
    /* members twice, of other types: json-glib's to read */
    "\"id\":\"u11\",\"id\":\"u12\",\"call_sign\":\"A-11\",\"status\":\"available\"",
    "\"id\":\"u13\",\"call_sign\":\"A-13\",\"status\":\"available\",\"position\":{\"lat\":\"43\",\"lon\":76,\"time\":\"2026-11-22T08:00:03Z\"}",
    "\"id\":\"u14\",\"call_sign\":7,\"status\":\"available\"",
    "\"id\":\"u15\",\"call_sign\":\"A-15\",\"status\":\"available\",\"version\":true",
    "\"id\":\"u16\\u0000x\",\"call_sign\":\"A-16\",\"status\":\"available\"",
    "\"call_sign\":\"A-17\",\"status\":\"available\"",
    "\"id\":\"u18\",\"call_sign\":\"A-18\",\"status\":\"available\",\"position\":[43,76]",
    /* escapes: a surrogate pair, lone surrogates (refused whole), text */
    "\"id\":\"u19\",\"call_sign\":\"\\ud83d\\ude93 \\u041f-19\",\"status\":\"avail\\u0061ble\\n\"",
    "\"id\":\"u20\\ud800\",\"call_sign\":\"A-20\",\"status\":\"available\"",
    "\"id\":\"u21\",\"note\":\"\\udc00\",\"call_sign\":\"A-21\",\"status\":\"available\"",
    "\"id\":\"u22\",\"call_sign\":\"\xd0\x9f-22\",\"status\":\"available\"",
  };
  static const char *const frames[] = {
    "[{\"seq\":30,\"type\":\"coalesced\"},{\"seq\":31,\"type\":\"coalesced\",\"units\":12}]",
    "[{\"seq\":30,\"type\":\"unit.status\",\"unit\":{\"id\":\"u1\",\"call_sign\":\"A\",\"status\":\"available\"}}]",
    "[{\"seq\":0,\"type\":\"coalesced\"}]",
    "[{\"seq\":2.5,\"type\":\"coalesced\"}]",
    "[{\"seq\":\"3\",\"type\":\"coalesced\"}]",
    "[{\"seq\":3,\"seq\":4,\"type\":\"coalesced\"}]",
    "[{\"type\":\"coalesced\"}]",
    "[{\"seq\":3,\"type\":\"coalesced\"},7]",
    "[{\"seq\":3,\"type\":\"coalesced\"}] []",
    "[{\"seq\":3,\"type\":\"coalesced\"}",
    "[{\"seq\":3,\"type\":\"coalesced\"},]",
    "[]",
    "{\"seq\":3,\"type\":\"coalesced\"}",
    "{\"type\":\"heartbeat\",\"seq\":12}",
    "[{\"seq\":3,\"type\":\"co\xff\"}]",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "[{\"seq\":3,\"type\":\"coalesced\",\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]",
    "",
    "null",
  };

  /* Each unit alone, then all of them in one frame, seqs in a row but for
   * a gap, between coalesced events. */
  {
    g_autoptr(GString) all = g_string_new ("[");

    for (guint i = 0; i < G_N_ELEMENTS (unit_bodies); i++)
      {
        g_autofree char *event = g_strdup_printf ("{\"seq\":%u,\"type\":\"unit.position\",\"unit\":{%s}}",
                                                  10 + i + (i > 5), unit_bodies[i]);
        g_autofree char *alone = g_strdup_printf ("[%s]", event);

        assert_same_items (alone, strlen (alone));
        g_string_append_printf (all, "%s%s", all->len > 1 ? "," : "", event);
      }
    g_string_append (all, ",{\"seq\":40,\"type\":\"coalesced\"}]");
    assert_same_items (all->str, all->len);
  }
  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    assert_same_items (frames[i], strlen (frames[i]));
  /* Every prefix of an ordinary frame: cut anywhere, read alike. */
  {
    g_autofree char *a = position (11, "u1", 43.1, 1), *b = position (12, "u2", 43.2, 2);
    g_autofree char *text = frame (a, b, NULL);

    for (gsize cut = 0; cut <= strlen (text); cut++)
      assert_same_items (text, cut);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/stream-decoder/run-keeps-every-fix", test_run_keeps_every_fix);
  g_test_add_func ("/stream-decoder/event-between", test_event_between);
  g_test_add_func ("/stream-decoder/gap-inside-frame", test_gap_inside_frame);
  g_test_add_func ("/stream-decoder/overlap-and-duplicate", test_overlap_and_duplicate);
  g_test_add_func ("/stream-decoder/coalesced-and-malformed", test_coalesced_and_malformed);
  g_test_add_func ("/stream-decoder/control-frames", test_control_frames);
  g_test_add_func ("/stream-decoder/decoder-order-and-reset", test_decoder_order_and_reset);
  g_test_add_func ("/stream-decoder/fast-reader-agrees", test_fast_reader_agrees);
  return g_test_run ();
}
