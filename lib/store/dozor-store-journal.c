/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The journal: every event but a unit's fix, kept for a year.
 *
 * The events table serves boards that resume and is pruned to the newest
 * events (--retain-events): at 2,000 fixes a second that is under a
 * minute. The shift's documents (handover, daily report, certificates,
 * quarterly statistics) and replay need the rest of the log for as long as
 * the rules keep the documents, and it is small: statuses, incidents,
 * dispatches, readiness and plans, thousands a day, not millions. Fixes
 * stay in the positions table (--retain-track).
 */
#include "config.h"


#include "dozor-store-private.h"

/**
 * dozor_store_create_journal:
 * @self: a #DozorStore, while it is being opened
 * @error: return location for a #GError
 *
 * Returns: whether the journal and the trigger that fills it are there
 */
gboolean
dozor_store_create_journal (DozorStore  *self,
                            GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self,
                                                      "SELECT 1 FROM sqlite_master"
                                                      " WHERE type = 'table' AND name = 'journal'",
                                                      error);
  gboolean existed;

  if (stmt == NULL)
    return FALSE;
  existed = dozor_db_step (stmt) == DOZOR_DB_ROW;

  /* A trigger, not a second insert beside each event's: every path that
   * appends an event, today's and tomorrow's, fills the journal in the
   * same transaction, and a fix never does. */
  if (!dozor_store_exec (self,
                         "CREATE TABLE IF NOT EXISTS journal ("
                         "  seq INTEGER PRIMARY KEY, time TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL);"
                         "CREATE INDEX IF NOT EXISTS journal_by_time ON journal (time);"
                         "CREATE TRIGGER IF NOT EXISTS events_into_journal AFTER INSERT ON events"
                         "  WHEN NEW.type <> 'unit.position'"
                         "  BEGIN"
                         "    INSERT INTO journal (seq, time, type, data)"
                         "      VALUES (NEW.seq, json_extract (NEW.data, '$.time'), NEW.type, NEW.data);"
                         "  END;",
                         error))
    return FALSE;

  /* A store from before the journal: what its events table still holds
   * starts the journal, once. */
  return existed ||
         dozor_store_exec (self,
                           "INSERT OR IGNORE INTO journal (seq, time, type, data)"
                           "  SELECT seq, json_extract (data, '$.time'), type, data FROM events"
                           "  WHERE type <> 'unit.position'",
                           error);
}

/**
 * dozor_store_prune_journal:
 * @self: a #DozorStore
 * @before: RFC 3339 UTC as the store writes it: events older are deleted
 * @error: return location for a #GError
 *
 * Returns: how many were deleted
 */
guint
dozor_store_prune_journal (DozorStore  *self,
                           const char  *before,
                           GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, "DELETE FROM journal WHERE time < ?1", error);

  if (stmt == NULL)
    return 0;

  dozor_db_bind_text (stmt, 1, before);
  if (dozor_db_step (stmt) != DOZOR_DB_DONE)
    {
      dozor_store_set_db_error (self, error);
      return 0;
    }

  return (guint) dozor_db_changes (dozor_store_get_db (self));
}
