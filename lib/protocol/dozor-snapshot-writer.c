/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The local copy's snapshot, taken on the main thread as a cheap copy and
 * written as text in a worker, piece by piece.
 *
 * dozor_situation_to_snapshot() makes a JSON tree of the whole situation;
 * for the board's local copy, every few seconds, that tree was built on
 * the main thread (zones' and routes' geometry included: some 6.5 MB of
 * small nodes for the 200-car scenario) only to be turned into text in a
 * worker and dropped. Those many short-lived blocks raised the main heap's
 * high-water mark, and GSlice kept them for the next tree. Here the main
 * thread keeps only what may change under the worker: the units flat
 * (their strings in one chunk), the entities' small JSON without geometry
 * (copied, since json-glib counts references without atomics) and a
 * reference to each zone's or route's DozorGeometry, which never changes
 * once made and counts its references atomically. The worker then writes
 * the text: units and geometry by hand, each entity with a generator over
 * its own small tree, so that no tree of the whole situation ever exists.
 */
#include "config.h"

#include "dozor-snapshot-writer.h"

#include "dozor-json.h"

typedef struct
{
  JsonNode *entity;          /* owned, shares nothing */
  DozorGeometry *geometry;   /* owned reference, or NULL */
} Entity;

typedef struct
{
  const char *name;          /* static */
  guint first;               /* in entities */
  guint n;
} List;

struct _DozorSnapshotWriter
{
  gint64 seq;
  JsonNode *readiness;
  GArray *units;             /* DozorUnitFix, its strings in strings */
  GStringChunk *strings;
  GArray *entities;          /* Entity */
  GArray *lists;             /* List */
  gsize geometry_points;     /* to size the text once */
};

static void
entity_clear (Entity *entity)
{
  g_clear_pointer (&entity->entity, json_node_unref);
  g_clear_pointer (&entity->geometry, dozor_geometry_unref);
}

/**
 * dozor_snapshot_writer_new:
 * @seq: the snapshot's `as_of_seq`
 * @readiness: (transfer full): the readiness, a node that shares nothing
 * @n_units: how many units will be added
 *
 * Returns: (transfer full): an empty writer; fill it on the thread that
 *   owns the situation, then write it anywhere
 */
DozorSnapshotWriter *
dozor_snapshot_writer_new (gint64    seq,
                           JsonNode *readiness,
                           guint     n_units)
{
  DozorSnapshotWriter *self;

  g_return_val_if_fail (readiness != NULL, NULL);

  self = g_new0 (DozorSnapshotWriter, 1);
  self->seq = seq;
  self->readiness = readiness;
  self->units = g_array_sized_new (FALSE, FALSE, sizeof (DozorUnitFix), n_units);
  /* Ids, call signs and statuses are short: one block for a few hundred. */
  self->strings = g_string_chunk_new (MAX (n_units, 16) * 32);
  self->entities = g_array_new (FALSE, FALSE, sizeof (Entity));
  g_array_set_clear_func (self->entities, (GDestroyNotify) entity_clear);
  self->lists = g_array_new (FALSE, FALSE, sizeof (List));
  return self;
}

/**
 * dozor_snapshot_writer_add_unit:
 * @self: a #DozorSnapshotWriter
 * @unit: a unit; what the snapshot keeps of it is copied
 */
void
dozor_snapshot_writer_add_unit (DozorSnapshotWriter *self,
                                const DozorUnit     *unit)
{
  DozorUnitFix copy = {
    /* Statuses repeat: a few strings for thousands of units. */
    .id = g_string_chunk_insert (self->strings, unit->id),
    .call_sign = unit->call_sign != NULL ? g_string_chunk_insert (self->strings, unit->call_sign) : NULL,
    .status = unit->status != NULL ? g_string_chunk_insert_const (self->strings, unit->status) : NULL,
    .has_fix = unit->has_fix,
    .lat = unit->lat,
    .lon = unit->lon,
    .heading = unit->heading,
    .speed = unit->speed,
    .fix_time = unit->fix_time,
    .version = unit->version,
  };

  g_array_append_val (self->units, copy);
}

/**
 * dozor_snapshot_writer_begin_list:
 * @self: a #DozorSnapshotWriter
 * @name: (type utf8): the snapshot's member, a static string
 *
 * Starts a list of entities; the lists are written in the order begun.
 */
void
dozor_snapshot_writer_begin_list (DozorSnapshotWriter *self,
                                  const char          *name)
{
  List list = { name, self->entities->len, 0 };

  g_array_append_val (self->lists, list);
}

/**
 * dozor_snapshot_writer_add_entity:
 * @self: a #DozorSnapshotWriter
 * @entity: (transfer full): the entity's JSON object, sharing nothing
 *   with any other node, and without `geometry`
 * @geometry: (nullable): its geometry, written as its last member; a
 *   reference is taken
 *
 * Adds an entity to the list begun last.
 */
void
dozor_snapshot_writer_add_entity (DozorSnapshotWriter *self,
                                  JsonNode            *entity,
                                  DozorGeometry       *geometry)
{
  Entity copy = { entity, geometry != NULL ? dozor_geometry_ref (geometry) : NULL };

  g_return_if_fail (self->lists->len > 0);
  g_return_if_fail (JSON_NODE_HOLDS_OBJECT (entity));

  g_array_append_val (self->entities, copy);
  g_array_index (self->lists, List, self->lists->len - 1).n++;
  if (geometry != NULL)
    self->geometry_points += dozor_geometry_get_n_points (geometry);
}

gint64
dozor_snapshot_writer_get_seq (DozorSnapshotWriter *self)
{
  return self->seq;
}

/**
 * dozor_snapshot_format_time:
 * @time: Unix microseconds
 * @text: where the text goes
 *
 * RFC 3339 in UTC with all six digits, which the snapshot's reader parses
 * back to the same microsecond. Written by hand: g_date_time_format()
 * costs more than the rest of a unit.
 *
 * Returns: %FALSE if @time is out of GDateTime's range
 */
gboolean
dozor_snapshot_format_time (gint64 time,
                            char   text[32])
{
  gint64 seconds = time / G_USEC_PER_SEC;
  gint64 usec = time % G_USEC_PER_SEC;
  g_autoptr(GDateTime) date = NULL;
  int year, month, day;

  if (usec < 0)
    {
      usec += G_USEC_PER_SEC;
      seconds--;
    }

  date = g_date_time_new_from_unix_utc (seconds);
  if (date == NULL)
    return FALSE;

  g_date_time_get_ymd (date, &year, &month, &day);
  g_snprintf (text, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", year, month, day,
              g_date_time_get_hour (date), g_date_time_get_minute (date),
              g_date_time_get_second (date), (int) usec);
  return TRUE;
}

/* The members and order of dozor_situation_to_snapshot()'s units. */
static void
write_unit (GString            *out,
            const DozorUnitFix *unit)
{
  char time[32];

  g_string_append (out, "{\"id\":");
  dozor_json_append_string (out, unit->id);
  g_string_append (out, ",\"call_sign\":");
  dozor_json_append_string (out, unit->call_sign);
  g_string_append (out, ",\"status\":");
  dozor_json_append_string (out, unit->status);
  g_string_append (out, ",\"position\":");
  if (unit->has_fix && dozor_snapshot_format_time (unit->fix_time, time))
    {
      g_string_append (out, "{\"lat\":");
      dozor_json_append_double (out, unit->lat);
      g_string_append (out, ",\"lon\":");
      dozor_json_append_double (out, unit->lon);
      g_string_append (out, ",\"time\":");
      dozor_json_append_string (out, time);
      /* JSON has no NaN: a speed or heading not reported is null. */
      g_string_append (out, ",\"speed\":");
      dozor_json_append_double (out, unit->speed);
      g_string_append (out, ",\"heading\":");
      dozor_json_append_double (out, unit->heading);
      g_string_append_c (out, '}');
    }
  else
    g_string_append (out, "null");
  g_string_append_printf (out, ",\"version\":%" G_GINT64_FORMAT "}", unit->version);
}

/* The entity's own small tree through a generator, then its geometry
 * spliced in before the closing brace. */
static void
write_entity (GString       *out,
              JsonGenerator *generator,
              const Entity  *entity)
{
  gsize start = out->len;

  json_generator_set_root (generator, entity->entity);
  json_generator_to_gstring (generator, out);
  if (entity->geometry == NULL)
    return;

  g_assert (out->len >= start + 2 && out->str[out->len - 1] == '}');
  g_string_truncate (out, out->len - 1);
  if (out->len > start + 1)
    g_string_append_c (out, ',');
  g_string_append (out, "\"geometry\":");
  dozor_geometry_append_string (entity->geometry, out);
  g_string_append_c (out, '}');
}

/**
 * dozor_snapshot_writer_to_text:
 * @self: a #DozorSnapshotWriter
 * @length: (out) (optional): the text's length in bytes
 *
 * Writes the snapshot as the text of GET /snapshot (docs/api.md), what
 * dozor_situation_load_snapshot() reads back: `as_of_seq`, `readiness`,
 * `units`, then the lists in the order begun. Any thread may call it,
 * once the writer is no longer filled.
 *
 * Returns: (transfer full): the snapshot's text
 */
char *
dozor_snapshot_writer_to_text (DozorSnapshotWriter *self,
                               gsize               *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  /* About 220 bytes a unit, 40 a position, 1 KiB an entity: one
   * allocation in the common case instead of a doubling series. */
  GString *out = g_string_sized_new (4096 + self->units->len * 256 +
                                     self->geometry_points * 44 + self->entities->len * 1024);

  g_string_append_printf (out, "{\"as_of_seq\":%" G_GINT64_FORMAT ",\"readiness\":", self->seq);
  json_generator_set_root (generator, self->readiness);
  json_generator_to_gstring (generator, out);

  g_string_append (out, ",\"units\":[");
  for (guint i = 0; i < self->units->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      write_unit (out, &g_array_index (self->units, DozorUnitFix, i));
    }
  g_string_append_c (out, ']');

  for (guint l = 0; l < self->lists->len; l++)
    {
      const List *list = &g_array_index (self->lists, List, l);

      g_string_append_c (out, ',');
      dozor_json_append_string (out, list->name);
      g_string_append (out, ":[");
      for (guint i = 0; i < list->n; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          write_entity (out, generator, &g_array_index (self->entities, Entity, list->first + i));
        }
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, '}');

  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}

/**
 * dozor_snapshot_writer_free:
 * @self: (transfer full): a #DozorSnapshotWriter
 *
 * Any thread may free it: it shares nothing but geometry, whose
 * references are atomic.
 */
void
dozor_snapshot_writer_free (DozorSnapshotWriter *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->readiness, json_node_unref);
  g_array_unref (self->units);
  g_string_chunk_free (self->strings);
  g_array_unref (self->entities);
  g_array_unref (self->lists);
  g_free (self);
}
