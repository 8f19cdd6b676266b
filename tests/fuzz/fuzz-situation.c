/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target over the board's decoder of what the server sends: an
 * input is lines, the first a snapshot (GET /snapshot), each further one
 * a stream message. They take the sync client's path: dozor_json_parse()
 * with its limits, heartbeats and resets left to the client, everything
 * else into dozor_situation_apply_event(). Then the board reads the
 * situation as its views do (units, entities, the list models' items and
 * every property, the nearest units), and saves and restores it as the
 * local copy does (to_snapshot, load_snapshot).
 *
 * What must hold: no crash, hang, leak or critical; a snapshot is loaded
 * or refused with an error; the seq moves only by an applied event, by
 * one; a situation restored from its own local copy is the same again.
 */
#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "dozor-json.h"
#include "dozor-situation.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The sync client's limits (dozor-sync-client.c). */
#define MAX_SNAPSHOT_BYTES (64 * 1024 * 1024)
#define MAX_EVENT_BYTES (2 * 1024 * 1024)

static const char *const kinds[] = { "incident", "dispatch", "zone", "route", "place" };

static void
read_properties (GObject *object)
{
  guint n = 0;
  g_autofree GParamSpec **specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (object), &n);

  for (guint p = 0; p < n; p++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      if (!(specs[p]->flags & G_PARAM_READABLE))
        continue;
      g_value_init (&value, specs[p]->value_type);
      g_object_get_property (object, specs[p]->name, &value);
      if (G_VALUE_HOLDS_STRING (&value) && g_value_get_string (&value) != NULL)
        g_assert_true (g_utf8_validate (g_value_get_string (&value), -1, NULL));
    }
}

static void
read_model (GListModel *model)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      g_assert_nonnull (item);
      read_properties (item);
    }
  g_assert_null (g_list_model_get_item (model, n));
}

/* What the map, the lists and the dispatch suggestions read. */
static void
read_situation (DozorSituation *situation)
{
  GPtrArray *units = dozor_situation_get_units (situation);
  const char *nearest[DOZOR_SITUATION_NEAREST];
  double distances[DOZOR_SITUATION_NEAREST];
  guint found;

  for (guint i = 0; i < units->len; i++)
    {
      DozorUnit *unit = units->pdata[i];

      g_assert_nonnull (unit->id);
      g_assert_true (dozor_situation_get_unit (situation, unit->id) == unit);
      g_assert_cmpuint (unit->trail_length, <=, DOZOR_UNIT_TRAIL_LENGTH);
      dozor_situation_get_unit_dispatch (situation, unit->id);
    }

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(GList) entities = dozor_situation_get_entities (situation, kinds[k]);

      g_assert_cmpuint (g_list_length (entities), ==, dozor_situation_get_n_entities (situation, kinds[k]));
      for (GList *l = entities; l != NULL; l = l->next)
        {
          double lat, lon;

          g_assert_true (JSON_NODE_HOLDS_OBJECT (l->data));
          if (g_str_equal (kinds[k], "incident") &&
              dozor_incident_get_location (json_node_get_object (l->data), &lat, &lon))
            g_assert_true (isfinite (lat) && isfinite (lon));
        }
    }

  read_model (dozor_situation_get_unit_model (situation));
  read_model (dozor_situation_get_incident_model (situation));

  found = dozor_situation_find_nearest (situation, 43.25, 76.95, g_get_real_time (), nearest, distances);
  g_assert_cmpuint (found, <=, DOZOR_SITUATION_NEAREST);
  for (guint i = 0; i < found; i++)
    g_assert_true (distances[i] >= 0 && (i == 0 || distances[i] >= distances[i - 1]));
}

/* The local copy: what the board saves is what it restores at the next
 * start. Compared as trees: json-glib 1.6 writes some doubles as text it
 * cannot read back (1e21 as "1e+21.0"), which no server value reaches. */
static void
save_and_restore (DozorSituation *situation)
{
  g_autoptr(JsonNode) saved = dozor_situation_to_snapshot (situation);
  g_autoptr(DozorSituation) restored = dozor_situation_new ();
  g_autoptr(JsonNode) saved_again = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (dozor_situation_load_snapshot (restored, saved, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dozor_situation_get_seq (restored), ==, dozor_situation_get_seq (situation));
  g_assert_cmpstr (dozor_situation_get_readiness (restored), ==, dozor_situation_get_readiness (situation));

  saved_again = dozor_situation_to_snapshot (restored);
  g_assert_true (json_node_equal (saved_again, saved));
}

static void
take_message (DozorSituation *situation,
              const char     *line,
              gsize           length)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  const char *type;
  gint64 before = dozor_situation_get_seq (situation);
  DozorApplyResult result;

  node = dozor_json_parse (line, length, MAX_EVENT_BYTES, &error);
  g_assert_true ((node == NULL) != (error == NULL));
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;

  /* The sync client answers these itself; they never reach the board. */
  type = dozor_json_get_string (json_node_get_object (node), "type");
  if (g_strcmp0 (type, "heartbeat") == 0 || g_strcmp0 (type, "reset") == 0)
    return;

  result = dozor_situation_apply_event (situation, node);
  switch (result)
    {
    case DOZOR_APPLY_APPLIED:
      g_assert_cmpint (dozor_situation_get_seq (situation), ==, before + 1);
      break;
    case DOZOR_APPLY_INVALID:
      /* An unknown kind of event still takes its seq. */
      g_assert_cmpint (dozor_situation_get_seq (situation) - before, <=, 1);
      g_assert_cmpint (dozor_situation_get_seq (situation), >=, before);
      break;
    case DOZOR_APPLY_DUPLICATE:
    case DOZOR_APPLY_GAP:
      g_assert_cmpint (dozor_situation_get_seq (situation), ==, before);
      break;
    default:
      g_assert_not_reached ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialized;
  g_autoptr(DozorSituation) situation = NULL;
  const char *text = (const char *) data;
  const char *end = text + size;
  gboolean first = TRUE;

  if (!initialized)
    {
      g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
      initialized = TRUE;
    }

  situation = dozor_situation_new ();
  while (text < end)
    {
      const char *newline = memchr (text, '\n', end - text);
      gsize length = (newline != NULL ? newline : end) - text;

      if (first)
        {
          g_autoptr(JsonNode) snapshot = NULL;
          g_autoptr(GError) error = NULL;

          snapshot = dozor_json_parse (text, length, MAX_SNAPSHOT_BYTES, &error);
          if (snapshot != NULL)
            g_assert_true (dozor_situation_load_snapshot (situation, snapshot, &error) == (error == NULL));
          first = FALSE;
        }
      else
        {
          take_message (situation, text, length);
        }
      if (newline == NULL)
        break;
      text = newline + 1;
    }

  read_situation (situation);
  save_and_restore (situation);
  return 0;
}
