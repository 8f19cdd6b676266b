/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The degree of readiness: one row of the state table holding the whole
 * readiness object as the wire contract has it (docs/api.md,
 * "Readiness"), so that the snapshot, the answer and the event are the
 * same text. Setting it appends readiness.changed in the caller's
 * transaction; the events are the record of who raised and lowered it.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "dozor-crisis-area.h"
#include "dozor-json.h"
#include "dozor-store.h"
#include "dozor-store-private.h"

#define MAX_REASON 500

static const char *const levels[] = { "normal", "raised", "high", "full", NULL };

/**
 * dozor_store_upgrade_readiness:
 * @self: a #DozorStore being opened
 * @error: return location for a #GError
 *
 * A new file and files from before the readiness object hold the bare
 * level in the row: it becomes the object, with nobody having set it.
 *
 * Returns: whether the row holds the object now
 */
gboolean
dozor_store_upgrade_readiness (DozorStore  *self,
                               GError     **error)
{
  return dozor_store_exec (self,
                           "UPDATE state SET value = json_object('level', value, 'reason', NULL,"
                           " 'set_by', NULL, 'set_at', NULL, 'raised_at', NULL, 'area', NULL)"
                           " WHERE key = 'readiness' AND NOT json_valid(value)",
                           error);
}

/* The area the command asks for: @area_json is NULL for none. */
static gboolean
get_area (JsonObject  *input,
          gboolean     normal,
          const char  *current_area,
          char       **area_json,
          GError     **error)
{
  JsonNode *node = json_object_get_member (input, "area");
  g_autoptr(GError) local_error = NULL;
  g_autoptr(DozorCrisisArea) area = NULL;

  *area_json = NULL;
  if (node == NULL)
    {
      /* Absent keeps the area; lowering to normal clears it. */
      if (!normal)
        *area_json = g_strdup (current_area);
      return TRUE;
    }
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (normal)
    return dozor_store_set_invalid (error, "area", _("must be null when the level is normal"));

  area = dozor_crisis_area_new_from_json (node, &local_error);
  if (area == NULL)
    {
      /* The message names the member already (area.radius_m: …). */
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID, local_error->message);
      return FALSE;
    }
  *area_json = g_strdup (dozor_crisis_area_to_json (area));
  return TRUE;
}

/**
 * dozor_store_set_readiness:
 * @self: a #DozorStore, in a transaction
 * @input: `level`, `reason` and `area` as `PUT /readiness` takes them
 * @by: who sets it
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the readiness as it is now
 */
JsonNode *
dozor_store_set_readiness (DozorStore  *self,
                           JsonObject  *input,
                           const char  *by,
                           GError     **error)
{
  g_autoptr(DozorDbStmt) current = NULL;
  g_autoptr(DozorDbStmt) update = NULL;
  g_autofree char *now = dozor_store_now ();
  g_autofree char *area = NULL;
  g_autofree char *raised_at = NULL;
  g_autofree char *json = NULL;
  const char *level = dozor_json_get_string (input, "level");
  const char *reason = NULL;
  gboolean normal;

  if (level == NULL || !g_strv_contains (levels, level))
    {
      dozor_store_set_invalid (error, "level", _("must be normal, raised, high or full"));
      return NULL;
    }
  normal = g_str_equal (level, "normal");

  /* A level above normal tells every board why. */
  if (!dozor_store_get_text (input, "reason", DOZOR_FIELD_TEXT, !normal, MAX_REASON, &reason, error))
    return NULL;
  if (reason != NULL && *reason == '\0')
    reason = NULL;

  current = dozor_store_prepare (self,
                                 "SELECT json_extract(value, '$.level'), json_extract(value, '$.raised_at'), json_extract(value, '$.area')"
                                 " FROM state WHERE key = 'readiness'",
                                 error);
  if (current == NULL)
    return NULL;
  if (dozor_db_step (current) != DOZOR_DB_ROW)
    {
      dozor_store_set_db_error (self, error);
      return NULL;
    }

  if (!get_area (input, normal, dozor_db_column_text (current, 2), &area, error))
    return NULL;

  /* The episode began when the level first left normal; moving between
   * raised, high and full keeps its start. */
  if (!normal)
    {
      const char *was = dozor_db_column_text (current, 0);
      const char *since = dozor_db_column_text (current, 1);

      raised_at = g_strdup (g_strcmp0 (was, "normal") != 0 && since != NULL ? since : now);
    }

  update = dozor_store_prepare (self,
                                /* Typed where the value may be NULL: PostgreSQL cannot
                                 * tell a NULL's type inside json_object(). */
                                "UPDATE state SET value = json_object('level', ?1, 'reason', CAST(?2 AS TEXT),"
                                " 'set_by', ?3, 'set_at', ?4, 'raised_at', CAST(?5 AS TEXT), 'area', json(CAST(?6 AS TEXT)))"
                                " WHERE key = 'readiness' RETURNING value",
                                error);
  if (update == NULL)
    return NULL;
  dozor_db_bind_text (update, 1, level);
  dozor_db_bind_text (update, 2, reason);
  dozor_db_bind_text (update, 3, by);
  dozor_db_bind_text (update, 4, now);
  dozor_db_bind_text (update, 5, raised_at);
  dozor_db_bind_text (update, 6, area);
  if (dozor_db_step (update) != DOZOR_DB_ROW)
    {
      dozor_store_set_db_error (self, error);
      return NULL;
    }
  json = g_strdup (dozor_db_column_text (update, 0));

  if (!dozor_store_append_event (self, "readiness.changed", "readiness", json, error))
    return NULL;
  /* The area is gone: the units sent to it are free again. */
  if (normal && !dozor_store_end_area_dispatches (self, by, error))
    return NULL;

  return dozor_store_parse_json (json, error);
}
