/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The stream's frames, read off the main thread. At 100,000 units a board
 * hears 50,000 positions a second; parsing each event's JSON and applying
 * it one by one, each with its "changed" to every listener, took a whole
 * core of the thread that also draws (docs/performance.md). Here a worker
 * parses each frame and reads its positions into flat DozorUnitFix, every
 * fix of each run of consecutive position events in its order (the ones in
 * between are a unit's trail and a deviation's stretch on the map), and
 * the main thread gets the frame as a few items to apply: runs of fixes,
 * whole other events, heartbeats, in the frame's order, frames in the
 * order they came.
 *
 * A run ends at any other event and at a break in the seqs, so nothing is
 * reordered across an event that is not a position, and a gap is still
 * seen where it is.
 */
#include "config.h"

#include <math.h>

#include "dozor-json.h"
#include "dozor-stream-decoder.h"

struct _DozorStreamDecoder
{
  GObject parent_instance;

  gsize max_frame_bytes;
  DozorStreamFunc func;
  gpointer user_data;
  GMainContext *context;
  GThreadPool *pool;         /* one thread: frames are read in order */
  int generation;            /* atomic: bumped by reset, older frames are dropped */

  GMutex lock;
  GQueue done;               /* Decoded, oldest first */
  GSource *deliver;          /* pending delivery on context, if any */
};

G_DEFINE_FINAL_TYPE (DozorStreamDecoder, dozor_stream_decoder, G_TYPE_OBJECT)

typedef struct
{
  int generation;
  GBytes *frame;
  GPtrArray *items;
} Decoded;

static void
decoded_free (Decoded *decoded)
{
  g_clear_pointer (&decoded->frame, g_bytes_unref);
  g_clear_pointer (&decoded->items, g_ptr_array_unref);
  g_free (decoded);
}

static void
item_free (DozorStreamItem *item)
{
  g_clear_pointer (&item->fixes, g_array_unref);
  g_clear_pointer (&item->root, json_node_unref);
  g_clear_pointer (&item->strings, g_string_chunk_free);
  g_free (item->error);
  g_free (item);
}

static DozorStreamItem *
item_new (GPtrArray           *items,
          DozorStreamItemKind  kind,
          JsonNode            *root)
{
  DozorStreamItem *item = g_new0 (DozorStreamItem, 1);

  item->kind = kind;
  item->root = root != NULL ? json_node_ref (root) : NULL;
  g_ptr_array_add (items, item);
  return item;
}

/* The run of positions being read. */
typedef struct
{
  DozorStreamItem *item;
} Run;

static void
run_end (Run *run)
{
  run->item = NULL;
}

static gboolean
seq_of (JsonObject *object,
        gint64     *seq)
{
  JsonNode *node = json_object_get_member (object, "seq");
  double value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 && json_node_get_value_type (node) != G_TYPE_DOUBLE))
    return FALSE;
  value = json_node_get_double (node);
  if (!isfinite (value) || value != floor (value) || value < 1 || value > (double) (G_GINT64_CONSTANT (1) << 53))
    return FALSE;
  *seq = (gint64) value;
  return TRUE;
}

/* One event: into the run of positions if it is one, else an item of its own. */
static void
read_event (GPtrArray *items,
            JsonNode  *root,
            JsonNode  *node,
            Run       *run)
{
  JsonObject *object = json_node_get_object (node);
  const char *type = dozor_json_get_string (object, "type");
  gboolean position = g_strcmp0 (type, "unit.position") == 0;
  DozorUnitFix fix;
  JsonObject *unit;
  gint64 seq;

  /* Anything that is not a well-formed position (or a coalesced one) is
   * the situation's to judge, whole and in its place. */
  if ((!position && g_strcmp0 (type, "coalesced") != 0) || !seq_of (object, &seq) ||
      (position && ((unit = dozor_json_get_object (object, "unit")) == NULL || !dozor_unit_fix_read (unit, &fix))))
    {
      DozorStreamItem *item = item_new (items, DOZOR_STREAM_EVENT, root);

      item->event = node;
      run_end (run);
      return;
    }

  if (run->item != NULL && seq != run->item->last_seq + 1)
    run_end (run);
  if (run->item == NULL)
    {
      /* Not the parsed tree: the fixes' strings are copied, so that the
       * tree is freed here, not by the main thread (freeing a frame's
       * tree cost it as much as applying the frame). */
      run->item = item_new (items, DOZOR_STREAM_FIXES, NULL);
      run->item->fixes = g_array_new (FALSE, FALSE, sizeof (DozorUnitFix));
      run->item->strings = g_string_chunk_new (4096);
      run->item->first_seq = seq;
    }
  run->item->last_seq = seq;
  if (!position)
    return;

  fix.seq = seq;
  fix.id = g_string_chunk_insert (run->item->strings, fix.id);
  fix.call_sign = g_string_chunk_insert_const (run->item->strings, fix.call_sign);
  fix.status = g_string_chunk_insert_const (run->item->strings, fix.status);
  if (fix.time != NULL)
    fix.time = g_string_chunk_insert_const (run->item->strings, fix.time);
  g_array_append_val (run->item->fixes, fix);
}

/**
 * dozor_stream_decode:
 * @data: a frame's text
 * @length: its length
 * @max_frame_bytes: the largest frame read
 *
 * Reads one frame of the stream (docs/api.md, "Several events per frame").
 * Thread-safe: what #DozorStreamDecoder's worker does with each frame.
 *
 * Returns: (transfer full) (element-type DozorStreamItem): its items, in order
 */
GPtrArray *
dozor_stream_decode (const char *data,
                     gsize       length,
                     gsize       max_frame_bytes)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = dozor_json_parse (data, length, max_frame_bytes, &error);

  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root) && json_array_get_length (json_node_get_array (root)) > 0)
    {
      JsonArray *events = json_node_get_array (root);
      Run run = { NULL };

      for (guint i = 0; i < json_array_get_length (events); i++)
        {
          JsonNode *event = json_array_get_element (events, i);

          if (!JSON_NODE_HOLDS_OBJECT (event))
            {
              item_new (items, DOZOR_STREAM_BAD_EVENT, NULL);
              break;
            }
          read_event (items, root, event, &run);
        }
    }
  else if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    item_new (items, DOZOR_STREAM_BAD_FRAME, NULL)->error = error != NULL ? g_strdup (error->message) : NULL;
  else
    {
      JsonObject *object = json_node_get_object (root);
      const char *type = json_object_get_string_member_with_default (object, "type", "");

      if (g_str_equal (type, "heartbeat"))
        {
          DozorStreamItem *item = item_new (items, DOZOR_STREAM_HEARTBEAT, root);

          item->first_seq = item->last_seq = json_object_get_int_member_with_default (object, "seq", 0);
          item->event = root;
        }
      else if (g_str_equal (type, "reset"))
        item_new (items, DOZOR_STREAM_RESET, root)->event = root;
      else
        {
          Run run = { NULL };

          read_event (items, root, root, &run);
        }
    }
  return items;
}

static void
dozor_stream_decoder_dispose (GObject *object)
{
  DozorStreamDecoder *self = DOZOR_STREAM_DECODER (object);

  /* Frames not begun are dropped; the one being read is waited for. */
  if (self->pool != NULL)
    {
      g_thread_pool_free (self->pool, TRUE, TRUE);
      self->pool = NULL;
    }
  g_mutex_lock (&self->lock);
  if (self->deliver != NULL)
    {
      g_source_destroy (self->deliver);
      g_clear_pointer (&self->deliver, g_source_unref);
    }
  g_queue_clear_full (&self->done, (GDestroyNotify) decoded_free);
  g_mutex_unlock (&self->lock);

  G_OBJECT_CLASS (dozor_stream_decoder_parent_class)->dispose (object);
}

static void
dozor_stream_decoder_finalize (GObject *object)
{
  DozorStreamDecoder *self = DOZOR_STREAM_DECODER (object);

  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (dozor_stream_decoder_parent_class)->finalize (object);
}

static void
dozor_stream_decoder_class_init (DozorStreamDecoderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dozor_stream_decoder_dispose;
  object_class->finalize = dozor_stream_decoder_finalize;
}

/* On the main context: every frame read since the last time, in order. */
static gboolean
deliver_cb (gpointer user_data)
{
  DozorStreamDecoder *self = user_data;
  GQueue done = G_QUEUE_INIT;
  Decoded *decoded;

  g_mutex_lock (&self->lock);
  done = self->done;
  g_queue_init (&self->done);
  g_clear_pointer (&self->deliver, g_source_unref);
  g_mutex_unlock (&self->lock);

  g_object_ref (self);
  while ((decoded = g_queue_pop_head (&done)) != NULL)
    {
      /* A reset while delivering (the client dropped the link on a gap)
       * drops the rest. */
      if (decoded->generation == g_atomic_int_get (&self->generation))
        self->func (decoded->items, self->user_data);
      decoded_free (decoded);
    }
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

/* In the worker. */
static void
decode_job (gpointer data,
            gpointer user_data)
{
  DozorStreamDecoder *self = user_data;
  Decoded *decoded = data;
  gsize length;
  const char *text = g_bytes_get_data (decoded->frame, &length);

  if (decoded->generation == g_atomic_int_get (&self->generation))
    decoded->items = dozor_stream_decode (text, length, self->max_frame_bytes);
  g_clear_pointer (&decoded->frame, g_bytes_unref);
  if (decoded->items == NULL)
    {
      decoded_free (decoded);
      return;
    }

  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->done, decoded);
  if (self->deliver == NULL)
    {
      self->deliver = g_idle_source_new ();
      /* As the socket's own messages were. */
      g_source_set_priority (self->deliver, G_PRIORITY_DEFAULT);
      g_source_set_callback (self->deliver, deliver_cb, self, NULL);
      g_source_set_static_name (self->deliver, "[dozor] stream frames");
      g_source_attach (self->deliver, self->context);
    }
  g_mutex_unlock (&self->lock);
}

static void
dozor_stream_decoder_init (DozorStreamDecoder *self)
{
  g_mutex_init (&self->lock);
  g_queue_init (&self->done);
}

/**
 * dozor_stream_decoder_new:
 * @max_frame_bytes: the largest frame read
 * @func: (scope notified): called with each frame's items
 * @user_data: for @func, which must outlive the decoder
 *
 * A decoder delivering on the thread-default main context of the caller.
 *
 * Returns: (transfer full): a new #DozorStreamDecoder
 */
DozorStreamDecoder *
dozor_stream_decoder_new (gsize           max_frame_bytes,
                          DozorStreamFunc func,
                          gpointer        user_data)
{
  DozorStreamDecoder *self = g_object_new (DOZOR_TYPE_STREAM_DECODER, NULL);

  self->max_frame_bytes = max_frame_bytes;
  self->func = func;
  self->user_data = user_data;
  self->context = g_main_context_ref_thread_default ();
  self->pool = g_thread_pool_new (decode_job, self, 1, FALSE, NULL);
  return self;
}

/**
 * dozor_stream_decoder_push:
 * @self: a #DozorStreamDecoder
 * @frame: a frame of the stream, as it came
 *
 * Reads @frame in the worker; its items are delivered after those of
 * every frame pushed before it. May be called from any thread.
 */
void
dozor_stream_decoder_push (DozorStreamDecoder *self,
                           GBytes             *frame)
{
  Decoded *decoded = g_new0 (Decoded, 1);

  g_return_if_fail (DOZOR_IS_STREAM_DECODER (self));

  decoded->generation = g_atomic_int_get (&self->generation);
  decoded->frame = g_bytes_ref (frame);
  g_thread_pool_push (self->pool, decoded, NULL);
}

/**
 * dozor_stream_decoder_reset:
 * @self: a #DozorStreamDecoder
 *
 * Forgets every frame pushed so far: none of them is delivered any more,
 * not even from within the callback delivering an earlier one. For a link
 * dropped, whose next frames come from a resume.
 */
void
dozor_stream_decoder_reset (DozorStreamDecoder *self)
{
  g_return_if_fail (DOZOR_IS_STREAM_DECODER (self));

  g_atomic_int_inc (&self->generation);
  g_mutex_lock (&self->lock);
  g_queue_clear_full (&self->done, (GDestroyNotify) decoded_free);
  g_queue_init (&self->done);
  g_mutex_unlock (&self->lock);
}
