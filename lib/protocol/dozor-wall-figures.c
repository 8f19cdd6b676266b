/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The wall's figures from the board's situation. A unit whose position is
 * stale is counted as stale and under no status: a wall that showed it as
 * "available" would promise a car the room cannot find.
 */
#include "config.h"

#include <string.h>

#include "dozor-json.h"
#include "dozor-wall-figures.h"

static gint64
unix_usec (GDateTime *time)
{
  return g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
}

static void
count_units (DozorWallFigures *figures,
             DozorSituation   *situation,
             gint64            now_us)
{
  GPtrArray *units = dozor_situation_get_units (situation);

  for (guint i = 0; i < units->len; i++)
    {
      const DozorUnit *unit = g_ptr_array_index (units, i);
      const char *status = unit->status != NULL ? unit->status : "";

      if (g_str_equal (status, "off_duty"))
        continue;
      if (!unit->has_fix || now_us - unit->fix_time > DOZOR_UNIT_STALE_SECONDS * G_USEC_PER_SEC)
        figures->stale++;
      else if (g_str_equal (status, "available"))
        figures->available++;
      else if (g_str_equal (status, "dispatched"))
        figures->dispatched++;
      else if (g_str_equal (status, "en_route"))
        figures->en_route++;
      else if (g_str_equal (status, "on_scene"))
        figures->on_scene++;
      else if (g_str_equal (status, "busy"))
        figures->busy++;
    }
}

static void
count_incidents (DozorWallFigures *figures,
                 DozorSituation   *situation,
                 gint64            now_us)
{
  g_autoptr(GList) incidents = dozor_situation_get_entities (situation, "incident");
  gint64 oldest_us = G_MAXINT64;

  for (GList *l = incidents; l != NULL; l = l->next)
    {
      JsonObject *incident = json_node_get_object (l->data);
      const char *status = dozor_json_get_string (incident, "status");
      gint64 priority;

      if (g_strcmp0 (status, "closed") == 0)
        continue;
      figures->open_incidents++;
      priority = dozor_json_get_int (incident, "priority", 3);
      if (priority >= 1 && priority <= DOZOR_INCIDENT_PRIORITIES)
        figures->open_by_priority[priority - 1]++;
      if (g_strcmp0 (status, "new") == 0)
        {
          gint64 created_us = dozor_json_get_time (incident, "created_at");

          figures->unassigned++;
          if (created_us != 0)
            oldest_us = MIN (oldest_us, created_us);
        }
    }
  if (oldest_us != G_MAXINT64)
    figures->oldest_unassigned_s = MAX (0, (now_us - oldest_us) / G_USEC_PER_SEC);
}

/**
 * dozor_wall_figures_compute:
 * @figures: (out caller-allocates): the figures
 * @situation: the board's situation
 * @times: (nullable): the day's response times, or %NULL for none
 * @now: the time it is, in the room's time zone: "today" is its local day
 *
 * Counts what the wall shows from what the board holds now.
 */
void
dozor_wall_figures_compute (DozorWallFigures   *figures,
                            DozorSituation     *situation,
                            DozorResponseTimes *times,
                            GDateTime          *now)
{
  g_autoptr(GDateTime) midnight = NULL;
  g_autoptr(GDateTime) next_midnight = NULL;
  gint64 now_us;

  g_return_if_fail (figures != NULL);
  g_return_if_fail (DOZOR_IS_SITUATION (situation));
  g_return_if_fail (now != NULL);

  memset (figures, 0, sizeof *figures);
  now_us = unix_usec (now);
  count_units (figures, situation, now_us);
  count_incidents (figures, situation, now_us);

  if (times == NULL)
    return;
  midnight = g_date_time_new (g_date_time_get_timezone (now), g_date_time_get_year (now),
                              g_date_time_get_month (now), g_date_time_get_day_of_month (now), 0, 0, 0);
  next_midnight = g_date_time_add_days (midnight, 1);
  dozor_response_times_summarise (times, unix_usec (midnight), unix_usec (next_midnight), &figures->today);
}
