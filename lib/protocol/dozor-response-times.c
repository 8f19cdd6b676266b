/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The time from an incident's registration to the first unit on scene, per
 * incident, as the wall's figures and the daily report state it.
 *
 * The board's situation forgets an incident when it closes, but the day's
 * figure must still count it: this keeps what it needs of every incident it
 * is shown (from the incident history for the part of the day before the
 * board started, then from the events), one entry per incident id, so an
 * incident seen in both, or updated several times, counts once.
 */
#include "config.h"

#include <math.h>

#include "dozor-json.h"
#include "dozor-response-times.h"

typedef struct
{
  gint64 created_us;
  gint64 on_scene_us; /* 0 while nobody has arrived */
} Entry;

struct _DozorResponseTimes
{
  GObject parent_instance;

  GHashTable *entries; /* incident id → Entry */
};

G_DEFINE_FINAL_TYPE (DozorResponseTimes, dozor_response_times, G_TYPE_OBJECT)

static void
dozor_response_times_finalize (GObject *object)
{
  DozorResponseTimes *self = DOZOR_RESPONSE_TIMES (object);

  g_hash_table_unref (self->entries);

  G_OBJECT_CLASS (dozor_response_times_parent_class)->finalize (object);
}

static void
dozor_response_times_class_init (DozorResponseTimesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_response_times_finalize;
}

static void
dozor_response_times_init (DozorResponseTimes *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * dozor_response_times_new:
 *
 * Returns: (transfer full): an empty record of response times
 */
DozorResponseTimes *
dozor_response_times_new (void)
{
  return g_object_new (DOZOR_TYPE_RESPONSE_TIMES, NULL);
}

/**
 * dozor_response_times_add:
 * @self: a #DozorResponseTimes
 * @incident: an incident as the backend sends it (docs/api.md)
 *
 * Takes in an incident's registration and arrival times. An incident seen
 * before is updated, not counted again. An arrival, once known, is kept:
 * `on_scene_at` is the first arrival, and an incident that closes keeps it.
 * What is not an incident with an id and a registration time is ignored.
 */
void
dozor_response_times_add (DozorResponseTimes *self,
                          JsonObject         *incident)
{
  const char *id;
  gint64 created_us, on_scene_us;
  Entry *entry;

  g_return_if_fail (DOZOR_IS_RESPONSE_TIMES (self));
  g_return_if_fail (incident != NULL);

  id = dozor_json_get_string (incident, "id");
  created_us = dozor_json_get_time (incident, "created_at");
  if (id == NULL || created_us == 0)
    return;
  on_scene_us = dozor_json_get_time (incident, "on_scene_at");
  /* A clock that put the arrival before the call would make a negative
   * response time: not an arrival this figure can use. */
  if (on_scene_us != 0 && on_scene_us < created_us)
    on_scene_us = 0;

  entry = g_hash_table_lookup (self->entries, id);
  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      g_hash_table_insert (self->entries, g_strdup (id), entry);
    }
  entry->created_us = created_us;
  if (on_scene_us != 0)
    entry->on_scene_us = on_scene_us;
}

/**
 * dozor_response_times_get_size:
 * @self: a #DozorResponseTimes
 *
 * Returns: how many incidents it knows
 */
guint
dozor_response_times_get_size (DozorResponseTimes *self)
{
  g_return_val_if_fail (DOZOR_IS_RESPONSE_TIMES (self), 0);

  return g_hash_table_size (self->entries);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/**
 * dozor_response_times_summarise:
 * @self: a #DozorResponseTimes
 * @from_us: the window's start, Unix microseconds (included)
 * @to_us: its end (excluded)
 * @summary: (out caller-allocates): the figures
 *
 * The response times of the incidents registered in the window that a unit
 * has reached. Incidents still waiting for their first unit are not in
 * them (the wall shows the oldest of those on its own). The percentile is
 * the nearest rank: the smallest time that at least 90 % of the arrivals
 * did not exceed, so it is always a time that really happened.
 */
void
dozor_response_times_summarise (DozorResponseTimes   *self,
                                gint64                from_us,
                                gint64                to_us,
                                DozorResponseSummary *summary)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  GHashTableIter iter;
  gpointer value;
  double sum = 0;

  g_return_if_fail (DOZOR_IS_RESPONSE_TIMES (self));
  g_return_if_fail (summary != NULL);

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const Entry *entry = value;
      double seconds;

      if (entry->on_scene_us == 0 || entry->created_us < from_us || entry->created_us >= to_us)
        continue;
      seconds = (double) (entry->on_scene_us - entry->created_us) / G_USEC_PER_SEC;
      g_array_append_val (times, seconds);
      sum += seconds;
    }

  summary->arrivals = times->len;
  summary->mean_s = 0;
  summary->p90_s = 0;
  if (times->len == 0)
    return;
  g_array_sort (times, compare_doubles);
  summary->mean_s = sum / times->len;
  summary->p90_s = g_array_index (times, double, (guint) ceil (0.9 * times->len) - 1);
}
