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
 *
 * A frame of positions alone, the stream's all but constant case, is read
 * by yajl's callbacks straight into the fixes, with no tree: json-glib
 * built and freed an object, a hash table and a node per member, 9 µs an
 * event, a quarter of a core at 25,000 positions a second
 * (docs/performance.md, "Positions read without a tree"). The frame is
 * first held to the project's own check of untrusted JSON
 * (dozor_json_check(): strict RFC 8259, nesting, no lone surrogate, no
 * NUL), which yajl alone would let through otherwise. Anything else,
 * or anything unusual in a position (a member twice, of another type, a
 * string holding a NUL), makes yajl's reading give up, and the frame is
 * read again by json-glib as before: what the board makes of a frame
 * never depends on which reader read it.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <yajl/yajl_parse.h>

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

/* A seq is a whole number from 1 to 2^53. */
static gboolean
seq_from (double  value,
          gint64 *seq)
{
  if (!isfinite (value) || value != floor (value) || value < 1 || value > (double) (G_GINT64_CONSTANT (1) << 53))
    return FALSE;
  *seq = (gint64) value;
  return TRUE;
}

static gboolean
seq_of (JsonObject *object,
        gint64     *seq)
{
  JsonNode *node = json_object_get_member (object, "seq");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 && json_node_get_value_type (node) != G_TYPE_DOUBLE))
    return FALSE;
  return seq_from (json_node_get_double (node), seq);
}

static void run_add (GPtrArray          *items,
                     Run                *run,
                     gint64              seq,
                     const DozorUnitFix *fix);

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

  run_add (items, run, seq, position ? &fix : NULL);
}

/* @seq into the run being read, a new one if it breaks the seqs; @fix,
 * if any, copied into it with its strings. */
static void
run_add (GPtrArray          *items,
         Run                *run,
         gint64              seq,
         const DozorUnitFix *fix)
{
  DozorUnitFix copy;

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
  if (fix == NULL)
    return;

  copy = *fix;
  copy.seq = seq;
  copy.id = g_string_chunk_insert (run->item->strings, fix->id);
  copy.call_sign = g_string_chunk_insert_const (run->item->strings, fix->call_sign);
  copy.status = g_string_chunk_insert_const (run->item->strings, fix->status);
  if (fix->time != NULL)
    copy.time = g_string_chunk_insert_const (run->item->strings, fix->time);
  g_array_append_val (run->item->fixes, copy);
}

/* What the fast reader is in: the frame's array, an event, its unit, the
 * unit's position, or a member it does not read. */
typedef enum
{
  IN_FRAME,
  IN_EVENT,
  IN_UNIT,
  IN_POSITION,
  IN_SKIPPED,
} Within;

/* The members the fast reader reads, one bit each: a member met twice
 * gives up (json-glib keeps the last, and this reader need not know). */
typedef enum
{
  KEY_OTHER = 0,
  KEY_SEQ = 1 << 0,
  KEY_TYPE = 1 << 1,
  KEY_UNIT = 1 << 2,
  KEY_ID = 1 << 3,
  KEY_CALL_SIGN = 1 << 4,
  KEY_STATUS = 1 << 5,
  KEY_VERSION = 1 << 6,
  KEY_POSITION = 1 << 7,
  KEY_TIME = 1 << 8,
  KEY_LAT = 1 << 9,
  KEY_LON = 1 << 10,
  KEY_HEADING = 1 << 11,
  KEY_SPEED = 1 << 12,
} Key;

/* Deeper than this, the frame is json-glib's (and its limits'). */
#define FAST_DEPTH 16

typedef struct
{
  GPtrArray *items;
  Run run;
  Within within[FAST_DEPTH];
  guint depth;
  Key key;                  /* the member whose value comes next */
  guint seen;               /* Keys of the event met so far */
  /* The event being read. */
  double seq, version, lat, lon, heading, speed;
  gboolean has_position;
  GString *type, *id, *call_sign, *status, *time;
} Fast;

static Key
key_named (Within               within,
           const unsigned char *name,
           size_t               length)
{
  static const struct
  {
    Within within;
    const char *name;
    Key key;
  } keys[] = {
    { IN_EVENT, "seq", KEY_SEQ },
    { IN_EVENT, "type", KEY_TYPE },
    { IN_EVENT, "unit", KEY_UNIT },
    { IN_UNIT, "id", KEY_ID },
    { IN_UNIT, "call_sign", KEY_CALL_SIGN },
    { IN_UNIT, "status", KEY_STATUS },
    { IN_UNIT, "version", KEY_VERSION },
    { IN_UNIT, "position", KEY_POSITION },
    { IN_POSITION, "time", KEY_TIME },
    { IN_POSITION, "lat", KEY_LAT },
    { IN_POSITION, "lon", KEY_LON },
    { IN_POSITION, "heading", KEY_HEADING },
    { IN_POSITION, "speed", KEY_SPEED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (keys[i].within == within && strlen (keys[i].name) == length && memcmp (keys[i].name, name, length) == 0)
      return keys[i].key;
  return KEY_OTHER;
}

static Within
fast_within (Fast *fast)
{
  return fast->within[fast->depth - 1];
}

/* A value starts: where it may, and whether the reader goes on. */
static gboolean
fast_value (Fast *fast)
{
  if (fast->depth == 0)
    return FALSE;
  if (fast_within (fast) == IN_FRAME)
    return FALSE; /* an element of the frame that is not an object */
  return TRUE;
}

static gboolean
fast_push (Fast   *fast,
           Within  within)
{
  if (fast->depth >= FAST_DEPTH)
    return FALSE;
  fast->within[fast->depth++] = within;
  fast->key = KEY_OTHER;
  return TRUE;
}

static int
fast_null (void *data)
{
  Fast *fast = data;

  if (!fast_value (fast))
    return 0;
  /* A number missing, as json-glib's reading takes it; a string or an
   * object missing is not worth the fast reader's while. */
  switch (fast->key)
    {
    case KEY_VERSION: fast->version = NAN; break;
    case KEY_LAT: fast->lat = NAN; break;
    case KEY_LON: fast->lon = NAN; break;
    case KEY_HEADING: fast->heading = NAN; break;
    case KEY_SPEED: fast->speed = NAN; break;
    case KEY_OTHER: break;
    default: return 0;
    }
  fast->key = KEY_OTHER;
  return 1;
}

static int
fast_boolean (void *data,
              int   value)
{
  Fast *fast = data;

  return fast_value (fast) && fast->key == KEY_OTHER;
}

static int
fast_number (void       *data,
             const char *text,
             size_t      length)
{
  Fast *fast = data;
  char copy[64];
  char *end;
  double value;

  if (!fast_value (fast) || length >= sizeof copy)
    return 0;
  if (fast->key == KEY_OTHER)
    return 1;
  memcpy (copy, text, length);
  copy[length] = '\0';
  value = g_ascii_strtod (copy, &end);
  if (end != copy + length)
    return 0;
  switch (fast->key)
    {
    case KEY_SEQ: fast->seq = value; break;
    case KEY_VERSION: fast->version = value; break;
    case KEY_LAT: fast->lat = value; break;
    case KEY_LON: fast->lon = value; break;
    case KEY_HEADING: fast->heading = value; break;
    case KEY_SPEED: fast->speed = value; break;
    default: return 0;
    }
  fast->key = KEY_OTHER;
  return 1;
}

static int
fast_string (void                *data,
             const unsigned char *text,
             size_t               length)
{
  Fast *fast = data;
  GString *into;

  if (!fast_value (fast))
    return 0;
  switch (fast->key)
    {
    case KEY_OTHER: return 1;
    case KEY_TYPE: into = fast->type; break;
    case KEY_ID: into = fast->id; break;
    case KEY_CALL_SIGN: into = fast->call_sign; break;
    case KEY_STATUS: into = fast->status; break;
    case KEY_TIME: into = fast->time; break;
    default: return 0;
    }
  /* The fixes' strings are C strings: one holding a NUL is json-glib's. */
  if (memchr (text, '\0', length) != NULL)
    return 0;
  g_string_truncate (into, 0);
  g_string_append_len (into, (const char *) text, (gssize) length);
  fast->key = KEY_OTHER;
  return 1;
}

static int
fast_map_key (void                *data,
              const unsigned char *name,
              size_t               length)
{
  Fast *fast = data;
  Within within = fast_within (fast);

  fast->key = within == IN_SKIPPED ? KEY_OTHER : key_named (within, name, length);
  if (fast->key != KEY_OTHER)
    {
      if (fast->seen & fast->key)
        return 0;
      fast->seen |= fast->key;
    }
  return 1;
}

static int
fast_start_map (void *data)
{
  Fast *fast = data;

  if (fast->depth == 0)
    return 0; /* one event alone: json-glib's */
  switch (fast_within (fast) == IN_FRAME ? KEY_OTHER : fast->key)
    {
    case KEY_OTHER:
      if (fast_within (fast) != IN_FRAME)
        return fast_push (fast, IN_SKIPPED);
      fast->seen = 0;
      fast->seq = fast->version = fast->lat = fast->lon = fast->heading = fast->speed = NAN;
      fast->has_position = FALSE;
      g_string_truncate (fast->type, 0);
      return fast_push (fast, IN_EVENT);
    case KEY_UNIT:
      return fast_push (fast, IN_UNIT);
    case KEY_POSITION:
      fast->has_position = TRUE;
      return fast_push (fast, IN_POSITION);
    default:
      return 0;
    }
}

static int
fast_start_array (void *data)
{
  Fast *fast = data;

  if (fast->depth == 0)
    return fast_push (fast, IN_FRAME);
  if (!fast_value (fast) || fast->key != KEY_OTHER)
    return 0;
  return fast_push (fast, IN_SKIPPED);
}

/* An event read whole: a position or a coalesced one into the run, or
 * the frame is json-glib's. */
static gboolean
fast_event_end (Fast *fast)
{
  DozorUnitFix fix = { 0, };
  gint64 seq;

  if (!seq_from (fast->seq, &seq))
    return FALSE;
  if (g_str_equal (fast->type->str, "coalesced"))
    {
      run_add (fast->items, &fast->run, seq, NULL);
      return TRUE;
    }
  if (!g_str_equal (fast->type->str, "unit.position") ||
      (fast->seen & (KEY_TYPE | KEY_UNIT | KEY_ID | KEY_CALL_SIGN | KEY_STATUS)) !=
        (KEY_TYPE | KEY_UNIT | KEY_ID | KEY_CALL_SIGN | KEY_STATUS))
    return FALSE;
  fix.id = fast->id->str;
  fix.call_sign = fast->call_sign->str;
  fix.status = fast->status->str;
  dozor_unit_fix_set_values (&fix, fast->version, fast->has_position,
                             fast->seen & KEY_TIME ? fast->time->str : NULL, fast->lat, fast->lon, fast->heading,
                             fast->speed);
  run_add (fast->items, &fast->run, seq, &fix);
  return TRUE;
}

static int
fast_end_map (void *data)
{
  Fast *fast = data;
  Within within = fast_within (fast);

  fast->depth--;
  fast->key = KEY_OTHER;
  return within != IN_EVENT || fast_event_end (fast);
}

static int
fast_end_array (void *data)
{
  Fast *fast = data;

  fast->depth--;
  fast->key = KEY_OTHER;
  return 1;
}

static const yajl_callbacks fast_callbacks = {
  .yajl_null = fast_null,
  .yajl_boolean = fast_boolean,
  .yajl_number = fast_number,
  .yajl_string = fast_string,
  .yajl_start_map = fast_start_map,
  .yajl_map_key = fast_map_key,
  .yajl_end_map = fast_end_map,
  .yajl_start_array = fast_start_array,
  .yajl_end_array = fast_end_array,
};

/* A frame of positions (and coalesced ones) read without a tree; NULL if
 * it holds anything else, for json-glib to read. */
static GPtrArray *
decode_positions (const char *data,
                  gsize       length)
{
  Fast fast = { 0, };
  yajl_handle parser;
  gboolean read;

  fast.items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  fast.type = g_string_sized_new (32);
  fast.id = g_string_sized_new (64);
  fast.call_sign = g_string_sized_new (32);
  fast.status = g_string_sized_new (32);
  fast.time = g_string_sized_new (40);
  parser = yajl_alloc (&fast_callbacks, NULL, &fast);
  /* An empty frame, or one of many values, is json-glib's to judge. */
  read = yajl_parse (parser, (const unsigned char *) data, length) == yajl_status_ok &&
         yajl_complete_parse (parser) == yajl_status_ok && fast.items->len > 0;
  yajl_free (parser);
  g_string_free (fast.type, TRUE);
  g_string_free (fast.id, TRUE);
  g_string_free (fast.call_sign, TRUE);
  g_string_free (fast.status, TRUE);
  g_string_free (fast.time, TRUE);
  if (!read)
    g_clear_pointer (&fast.items, g_ptr_array_unref);
  return fast.items;
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
  /* What the project's own check refuses, json-glib's reading reports. */
  GPtrArray *items = dozor_json_check (data, length, max_frame_bytes, NULL) ? decode_positions (data, length) : NULL;

  return items != NULL ? items : dozor_stream_decode_tree (data, length, max_frame_bytes);
}

/**
 * dozor_stream_decode_tree:
 * @data: a frame's text
 * @length: its length
 * @max_frame_bytes: the largest frame read
 *
 * dozor_stream_decode() with json-glib's reader alone, for every frame:
 * what the fast reader's results are held to (tests/test-stream-decoder.c).
 *
 * Returns: (transfer full) (element-type DozorStreamItem): its items, in order
 */
GPtrArray *
dozor_stream_decode_tree (const char *data,
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
