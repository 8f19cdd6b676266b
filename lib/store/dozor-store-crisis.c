/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Notes of the crisis log (docs/api.md, "Crisis log note"): what a
 * supervisor writes while a degree of readiness is raised. A note is its
 * event alone, note.added, written in the caller's transaction: the
 * journal is the crisis log's record and keeps it with the level changes,
 * plans and dispatches of the same episode, so no table of its own would
 * add anything a board reads.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "dozor-store.h"
#include "dozor-store-private.h"

#define MAX_NOTE 2000

/**
 * dozor_store_add_note:
 * @self: a #DozorStore, in a transaction
 * @input: `text` as `POST /crisis/notes` takes it
 * @by: who writes it
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the note, with the episode it
 *   belongs to
 */
JsonNode *
dozor_store_add_note (DozorStore  *self,
                      JsonObject  *input,
                      const char  *by,
                      GError     **error)
{
  g_autoptr(DozorDbStmt) note = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *now = dozor_store_now ();
  g_autofree char *stripped = NULL;
  g_autofree char *json = NULL;
  const char *text = NULL;

  if (!dozor_store_get_text (input, "text", DOZOR_FIELD_TEXT, TRUE, MAX_NOTE, &text, error))
    return NULL;
  /* A note of blanks says nothing, and the log would show an empty row. */
  stripped = g_strstrip (g_strdup (text));
  if (*stripped == '\0')
    {
      dozor_store_set_invalid (error, "text", _("must not be empty"));
      return NULL;
    }

  note = dozor_store_prepare (self,
                              "SELECT json_extract(value, '$.level') = 'normal',"
                              " json_object('id', ?1, 'text', ?2, 'by', ?3, 'at', ?4,"
                              " 'level', json_extract(value, '$.level'), 'raised_at', json_extract(value, '$.raised_at'))"
                              " FROM state WHERE key = 'readiness'",
                              error);
  if (note == NULL)
    return NULL;
  dozor_db_bind_text (note, 1, id);
  dozor_db_bind_text (note, 2, text);
  dozor_db_bind_text (note, 3, by);
  dozor_db_bind_text (note, 4, now);
  if (dozor_db_step (note) != DOZOR_DB_ROW)
    {
      dozor_store_set_db_error (self, error);
      return NULL;
    }
  /* At normal there is no episode the note could belong to: refused
   * rather than kept apart, so that every note is read in some log. */
  if (dozor_db_column_int64 (note, 0) != 0)
    {
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT,
                           _("No degree of readiness is raised: a note belongs to a raised episode"));
      return NULL;
    }
  json = g_strdup (dozor_db_column_text (note, 1));

  if (!dozor_store_append_event (self, "note.added", "note", json, error))
    return NULL;

  return dozor_store_parse_json (json, error);
}
