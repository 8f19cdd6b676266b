/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The position history (`positions`): writing a batch of fixes, and its
 * retention, on both databases.
 *
 * On PostgreSQL the table is partitioned by day (migration 4 of
 * dozor-pg-schema.c, docs/postgresql.md "Positions at scale"): a batch is
 * one INSERT from a JSON array, its days' tables are made in the same
 * transaction when missing, and retention drops whole days (deleting
 * only from the day that straddles the cutoff). On SQLite a
 * prepared INSERT per fix costs no round trip, and retention deletes by
 * time, as before.
 */
#include "config.h"

#include "dozor-store-private.h"
#include "dozor-store-track.h"

struct _DozorTrackBatch
{
  GHashTable *days;             /* "YYYY-MM-DD" of the batch's fixes */
  GArray *fixes;                /* TrackFix */
};

typedef struct
{
  char *unit_id;
  char *time;
  double values[5];             /* lat, lon, speed, heading, accuracy */
  gboolean present[5];
} TrackFix;

static const char *const value_names[] = { "lat", "lon", "speed", "heading", "accuracy" };

static void
track_fix_clear (gpointer data)
{
  TrackFix *fix = data;

  g_free (fix->unit_id);
  g_free (fix->time);
}

DozorTrackBatch *
dozor_track_batch_new (void)
{
  DozorTrackBatch *batch = g_new0 (DozorTrackBatch, 1);

  batch->days = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  batch->fixes = g_array_new (FALSE, TRUE, sizeof (TrackFix));
  g_array_set_clear_func (batch->fixes, track_fix_clear);
  return batch;
}

void
dozor_track_batch_free (DozorTrackBatch *batch)
{
  if (batch == NULL)
    return;
  g_hash_table_unref (batch->days);
  g_array_unref (batch->fixes);
  g_free (batch);
}

/**
 * dozor_track_batch_add:
 * @batch: a #DozorTrackBatch
 * @unit_id: the unit
 * @time: the fix's time, as the store writes it (RFC 3339, UTC, "Z")
 * @lat: latitude
 * @lon: longitude
 * @speed: (nullable): m/s, or %NULL
 * @heading: (nullable): degrees, or %NULL
 * @accuracy: (nullable): metres, or %NULL
 */
void
dozor_track_batch_add (DozorTrackBatch *batch,
                       const char      *unit_id,
                       const char      *time,
                       double           lat,
                       double           lon,
                       const double    *speed,
                       const double    *heading,
                       const double    *accuracy)
{
  TrackFix fix = { g_strdup (unit_id), g_strdup (time), { lat, lon, 0, 0, 0 }, { TRUE, TRUE, FALSE, FALSE, FALSE } };
  const double *optional[] = { speed, heading, accuracy };

  for (guint k = 0; k < 3; k++)
    if (optional[k] != NULL)
      {
        fix.values[2 + k] = *optional[k];
        fix.present[2 + k] = TRUE;
      }

  /* The day is the text's first ten bytes, the partition's bound. */
  g_hash_table_add (batch->days, g_strndup (time, 10));
  g_array_append_val (batch->fixes, fix);
}

guint
dozor_track_batch_get_length (DozorTrackBatch *batch)
{
  return batch->fixes->len;
}

/**
 * dozor_track_batch_last_of_units:
 * @batch: a #DozorTrackBatch
 *
 * Returns: (transfer full): a batch of each unit's last fix in @batch
 */
DozorTrackBatch *
dozor_track_batch_last_of_units (DozorTrackBatch *batch)
{
  g_autoptr(GHashTable) last_of = g_hash_table_new (g_str_hash, g_str_equal);
  DozorTrackBatch *last = dozor_track_batch_new ();

  for (guint i = 0; i < batch->fixes->len; i++)
    g_hash_table_insert (last_of, g_array_index (batch->fixes, TrackFix, i).unit_id, GUINT_TO_POINTER (i));
  for (guint i = 0; i < batch->fixes->len; i++)
    {
      TrackFix *fix = &g_array_index (batch->fixes, TrackFix, i);

      if (GPOINTER_TO_UINT (g_hash_table_lookup (last_of, fix->unit_id)) == i)
        dozor_track_batch_add (last, fix->unit_id, fix->time, fix->values[0], fix->values[1],
                               fix->present[2] ? &fix->values[2] : NULL, fix->present[3] ? &fix->values[3] : NULL,
                               fix->present[4] ? &fix->values[4] : NULL);
    }
  return last;
}

/**
 * dozor_track_batch_json:
 * @batch: a #DozorTrackBatch
 * @numbered: whether each fix carries `n`, its place in the batch
 *
 * Returns: (transfer full): the batch as one JSON array, for one
 *   parameter: members named as the columns, an absent value as no
 *   member (NULL)
 */
char *
dozor_track_batch_json (DozorTrackBatch *batch,
                        gboolean         numbered)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) rows = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < batch->fixes->len; i++)
    {
      TrackFix *fix = &g_array_index (batch->fixes, TrackFix, i);

      json_builder_begin_object (builder);
      if (numbered)
        {
          json_builder_set_member_name (builder, "n");
          json_builder_add_int_value (builder, i);
        }
      json_builder_set_member_name (builder, "unit_id");
      json_builder_add_string_value (builder, fix->unit_id);
      json_builder_set_member_name (builder, "time");
      json_builder_add_string_value (builder, fix->time);
      for (guint k = 0; k < G_N_ELEMENTS (value_names); k++)
        if (fix->present[k])
          {
            json_builder_set_member_name (builder, value_names[k]);
            json_builder_add_double_value (builder, fix->values[k]);
          }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  rows = json_builder_get_root (builder);
  json_generator_set_root (generator, rows);
  return json_generator_to_data (generator, NULL);
}

static gboolean
make_day (DozorStore  *self,
          const char  *day,
          GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, "SELECT dozor_track_day(CAST(?1 AS date))", error);

  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, day);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    return dozor_store_set_db_error (self, error);
  return TRUE;
}

static gboolean
insert_pg (DozorStore       *self,
           DozorTrackBatch  *batch,
           GError          **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autofree char *text = NULL;
  GHashTableIter iter;
  gpointer day;

  /* A late or early fix is never lost for want of its day's table: the
   * table is made here, in the batch's transaction (docs/decisions.md). */
  g_hash_table_iter_init (&iter, batch->days);
  while (g_hash_table_iter_next (&iter, &day, NULL))
    if (!make_day (self, day, error))
      return FALSE;

  text = dozor_track_batch_json (batch, FALSE);
  stmt = dozor_store_prepare (self,
                              "INSERT INTO positions (unit_id, time, lat, lon, speed, heading, accuracy)"
                              " SELECT unit_id, time, lat, lon, speed, heading, accuracy"
                              " FROM json_to_recordset(CAST(?1 AS json))"
                              " AS f (unit_id text, time text, lat float8, lon float8,"
                              "       speed float8, heading float8, accuracy float8)",
                              error);
  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, text);
  if (dozor_db_step (stmt) != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error);
  return TRUE;
}

static gboolean
insert_sqlite (DozorStore       *self,
               DozorTrackBatch  *batch,
               GError          **error)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, "INSERT INTO positions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                                     error);

  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < batch->fixes->len; i++)
    {
      TrackFix *fix = &g_array_index (batch->fixes, TrackFix, i);

      dozor_db_bind_text (stmt, 1, fix->unit_id);
      dozor_db_bind_text (stmt, 2, fix->time);
      for (guint k = 0; k < G_N_ELEMENTS (value_names); k++)
        if (fix->present[k])
          dozor_db_bind_double (stmt, 3 + k, fix->values[k]);
        else
          dozor_db_bind_null (stmt, 3 + k);
      if (dozor_db_step (stmt) != DOZOR_DB_DONE)
        return dozor_store_set_db_error (self, error);
      dozor_db_reset (stmt);
    }
  return TRUE;
}

/**
 * dozor_store_insert_track:
 * @self: a #DozorStore, inside a write transaction
 * @batch: the fixes, all checked
 * @error: return location for a #GError
 *
 * Writes the batch to the position history: on PostgreSQL one statement
 * for the whole batch, after making any day's table it needs.
 *
 * Returns: %TRUE on success
 */
gboolean
dozor_store_insert_track (DozorStore       *self,
                          DozorTrackBatch  *batch,
                          GError          **error)
{
  if (batch->fixes->len == 0)
    return TRUE;
  if (dozor_db_get_kind (dozor_store_get_db (self)) == DOZOR_DB_POSTGRES)
    return insert_pg (self, batch, error);
  return insert_sqlite (self, batch, error);
}

/**
 * dozor_store_prepare_track:
 * @self: a #DozorStore, outside a transaction
 * @now: the present
 * @error: return location for a #GError
 *
 * On PostgreSQL, makes the position history's tables for @now's day and
 * the next (UTC) if missing, so that the first batch of a day does not
 * pay for the DDL. Nothing to do on SQLite.
 *
 * Returns: %TRUE on success
 */
gboolean
dozor_store_prepare_track (DozorStore  *self,
                           GDateTime   *now,
                           GError     **error)
{
  DozorDb *db = dozor_store_get_db (self);
  g_autoptr(GDateTime) today = NULL;
  gint64 seq;

  if (dozor_db_get_kind (db) != DOZOR_DB_POSTGRES)
    return TRUE;

  today = g_date_time_to_utc (now);
  /* The counter's row lock, as every write: two instances do not make one
   * day's table at once. */
  if (!dozor_db_begin_write (db, &seq, error))
    return FALSE;
  for (int ahead = 0; ahead < 2; ahead++)
    {
      g_autoptr(GDateTime) day = g_date_time_add_days (today, ahead);
      g_autofree char *text = g_date_time_format (day, "%Y-%m-%d");

      if (!make_day (self, text, error))
        {
          dozor_db_rollback (db);
          return FALSE;
        }
    }
  return dozor_db_commit (db, -1, error);
}

/**
 * dozor_store_prune_track:
 * @self: a #DozorStore, outside a transaction
 * @before: an RFC 3339 UTC time: fixes older than it go
 * @error: return location for a #GError
 *
 * Deletes every fix older than @before. On PostgreSQL each day's table
 * that holds only such fixes is dropped whole, and only the day that
 * straddles @before is deleted from (docs/decisions.md).
 *
 * Returns: how many fixes were deleted (SQLite), or how many days'
 *   tables were dropped (PostgreSQL)
 */
guint
dozor_store_prune_track (DozorStore  *self,
                         const char  *before,
                         GError     **error)
{
  DozorDb *db = dozor_store_get_db (self);
  gboolean pg = dozor_db_get_kind (db) == DOZOR_DB_POSTGRES;
  g_autoptr(DozorDbStmt) stmt = NULL;
  guint n;
  gint64 seq;

  if (pg && !dozor_db_begin_write (db, &seq, error))
    return 0;
  stmt = dozor_store_prepare (self, pg ? "SELECT dozor_track_drop_before(?1)" : "DELETE FROM positions WHERE time < ?1",
                              error);
  if (stmt == NULL)
    goto failed;

  dozor_db_bind_text (stmt, 1, before);
  if (dozor_db_step (stmt) != (pg ? DOZOR_DB_ROW : DOZOR_DB_DONE))
    {
      dozor_store_set_db_error (self, error);
      goto failed;
    }
  if (!pg)
    return (guint) dozor_db_changes (db);

  n = (guint) dozor_db_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, dozor_db_stmt_free);
  if (!dozor_db_commit (db, -1, error))
    return 0;
  return n;

failed:
  if (pg)
    dozor_db_rollback (db);
  return 0;
}
