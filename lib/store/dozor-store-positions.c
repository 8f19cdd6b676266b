/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A batch of fixes on PostgreSQL in a few statements.
 *
 * Fix by fix, a batch cost two round trips a fix (the unit's UPDATE …
 * RETURNING, then its event), three with the check that the unit exists:
 * 30 batches of 1,000 fixes took 40 s here at a load average of 20, and
 * a stream client that reads nothing meanwhile is closed after 15 s
 * (docs/postgresql.md, "Fixes in a few statements"). On SQLite a
 * statement costs no round trip, and the store goes fix by fix as before.
 *
 * The batch's units and their last fix times are read once. A fix is
 * news when it is not older than its unit's last (the same test as the
 * UPDATE's `fix_time <= ?`, on texts of one format: RFC 3339 in UTC with
 * microseconds, as the store writes every fix_time). Fixes that are news
 * wait here; a fix that may mean an arrival, which changes the unit and
 * writes events of its own between two positions, goes fix by fix, after
 * what waits has been written (dozor_position_run_flush()). Writing is
 * three statements: the units' JSON as of each fix, the events, the
 * units' last positions.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dozor-json.h"
#include "dozor-store-positions.h"
#include "dozor-store-private.h"
#include "dozor-store-track.h"

struct _DozorPositionRun
{
  GHashTable *fix_times;        /* unit id → its last fix time, NULL for none */
  DozorTrackBatch *waiting;     /* news not written yet, in order */
};

void
dozor_position_run_free (DozorPositionRun *run)
{
  if (run == NULL)
    return;
  g_hash_table_unref (run->fix_times);
  dozor_track_batch_free (run->waiting);
  g_free (run);
}

/**
 * dozor_position_run_load:
 * @store: a #DozorStore, inside the batch's write transaction
 * @positions: the batch as it came
 * @error: return location for a #GError
 *
 * Reads, in one statement, which of the units the batch names exist and
 * their last fix times.
 *
 * Returns: (transfer full) (nullable): the run, or %NULL on an error
 */
DozorPositionRun *
dozor_position_run_load (DozorStore  *store,
                         JsonArray   *positions,
                         GError     **error)
{
  g_autoptr(DozorPositionRun) run = g_new0 (DozorPositionRun, 1);
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) ids = NULL;
  g_autoptr(GHashTable) named = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *text = NULL;
  int rc;

  run->fix_times = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  run->waiting = dozor_track_batch_new ();

  /* Each unit once; what is not a string is refused later, in order. */
  json_builder_begin_array (builder);
  for (guint i = 0; i < json_array_get_length (positions); i++)
    {
      JsonNode *node = json_array_get_element (positions, i);
      const char *unit_id = JSON_NODE_HOLDS_OBJECT (node) ?
                            dozor_json_get_string (json_node_get_object (node), "unit_id") : NULL;

      if (unit_id != NULL && g_hash_table_add (named, (gpointer) unit_id))
        json_builder_add_string_value (builder, unit_id);
    }
  json_builder_end_array (builder);
  ids = json_builder_get_root (builder);
  json_generator_set_root (generator, ids);
  text = json_generator_to_data (generator, NULL);

  stmt = dozor_store_prepare (store,
                              "SELECT id, fix_time FROM units"
                              " WHERE id IN (SELECT json_array_elements_text(CAST(?1 AS json)))",
                              error);
  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, text);
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    g_hash_table_insert (run->fix_times, g_strdup (dozor_db_column_text (stmt, 0)),
                         dozor_db_column_is_null (stmt, 1) ? NULL : g_strdup (dozor_db_column_text (stmt, 1)));
  if (rc != DOZOR_DB_DONE)
    {
      dozor_store_set_db_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&run);
}

gboolean
dozor_position_run_knows (DozorPositionRun *run,
                          const char       *unit_id)
{
  return g_hash_table_contains (run->fix_times, unit_id);
}

/**
 * dozor_position_run_take:
 * @run: a #DozorPositionRun
 * @unit_id: a unit the run knows
 * @time: the fix's time as the store writes it
 * @lat: latitude
 * @lon: longitude
 * @speed: (nullable): m/s
 * @heading: (nullable): degrees
 * @accuracy: (nullable): metres
 *
 * Returns: whether the fix is news (its unit's newest so far): it then
 *   waits to be written; an older fix is history only, as fix by fix
 */
gboolean
dozor_position_run_take (DozorPositionRun *run,
                         const char       *unit_id,
                         const char       *time,
                         double            lat,
                         double            lon,
                         const double     *speed,
                         const double     *heading,
                         const double     *accuracy)
{
  const char *last = g_hash_table_lookup (run->fix_times, unit_id);

  if (last != NULL && strcmp (last, time) > 0)
    return FALSE;
  dozor_track_batch_add (run->waiting, unit_id, time, lat, lon, speed, heading, accuracy);
  dozor_position_run_note (run, unit_id, time);
  return TRUE;
}

/* A fix of @unit_id written fix by fix: the next are judged against it. */
void
dozor_position_run_note (DozorPositionRun *run,
                         const char       *unit_id,
                         const char       *time)
{
  g_hash_table_insert (run->fix_times, g_strdup (unit_id), g_strdup (time));
}

#define FIX_COLUMNS \
  "(unit_id text, time text, lat float8, lon float8, speed float8, heading float8, accuracy float8)"

/**
 * dozor_position_run_flush:
 * @run: a #DozorPositionRun
 * @store: the #DozorStore it was loaded from, in the same transaction
 * @error: return location for a #GError
 *
 * Writes what waits: a `unit.position` event for each fix, its unit as
 * it is with that fix, and each unit's last position.
 *
 * Returns: %TRUE on success
 */
gboolean
dozor_position_run_flush (DozorPositionRun *run,
                          DozorStore       *store,
                          GError          **error)
{
  g_autoptr(DozorTrackBatch) last = NULL;
  g_autoptr(GPtrArray) units = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(DozorDbStmt) select = NULL;
  g_autoptr(DozorDbStmt) update = NULL;
  g_autofree char *all_json = NULL;
  g_autofree char *last_json = NULL;
  guint n = dozor_track_batch_get_length (run->waiting);
  int rc;

  if (n == 0)
    return TRUE;
  all_json = dozor_track_batch_json (run->waiting, TRUE);
  last = dozor_track_batch_last_of_units (run->waiting);
  last_json = dozor_track_batch_json (last, FALSE);

  /* Each unit as the fix-by-fix UPDATE … RETURNING gave it: its own
   * columns with the fix's position. */
  select = dozor_store_prepare (store,
                                "SELECT " UNIT_JSON " FROM (SELECT u.id, u.call_sign, u.kind, u.crew, u.status,"
                                " u.version, f.n, f.lat, f.lon, f.time AS fix_time, f.speed, f.heading, f.accuracy"
                                " FROM json_to_recordset(CAST(?1 AS json)) AS f (n int8, unit_id text, time text,"
                                " lat float8, lon float8, speed float8, heading float8, accuracy float8)"
                                " JOIN units u ON u.id = f.unit_id) AS units ORDER BY n",
                                error);
  update = dozor_store_prepare (store,
                                "UPDATE units SET lat = f.lat, lon = f.lon, fix_time = f.time, speed = f.speed,"
                                " heading = f.heading, accuracy = f.accuracy"
                                " FROM json_to_recordset(CAST(?1 AS json)) AS f " FIX_COLUMNS
                                " WHERE units.id = f.unit_id",
                                error);
  if (select == NULL || update == NULL)
    return FALSE;

  dozor_db_bind_text (select, 1, all_json);
  while ((rc = dozor_db_step (select)) == DOZOR_DB_ROW)
    g_ptr_array_add (units, g_strdup (dozor_db_column_text (select, 0)));
  if (rc != DOZOR_DB_DONE)
    return dozor_store_set_db_error (store, error);
  /* Every unit was there when the run was loaded, in this transaction. */
  if (units->len != n)
    {
      g_warning ("%u of %u positions found their unit", units->len, n);
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_IO, _("The change was not stored"));
      return FALSE;
    }

  if (!dozor_store_append_events (store, "unit.position", "unit", units, error))
    return FALSE;

  dozor_db_bind_text (update, 1, last_json);
  if (dozor_db_step (update) != DOZOR_DB_DONE)
    return dozor_store_set_db_error (store, error);

  dozor_track_batch_free (run->waiting);
  run->waiting = dozor_track_batch_new ();
  return TRUE;
}
