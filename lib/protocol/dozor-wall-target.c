/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What a wall's map must show by its framing rule (docs/wall.md,
 * "Framing"), as a DozorFrame: the open incidents and the units sent to
 * them, the district the cycle is at, or the crisis area. The app's
 * DozorWallFraming decides when and whether to move the map to it.
 */
#include "config.h"

#include "dozor-json.h"
#include "dozor-wall-target.h"

/* Every open incident, and the units on its dispatches where they are. */
static void
frame_incidents (DozorSituation *situation,
                 DozorFrame     *frame)
{
  g_autoptr(GList) incidents = dozor_situation_get_entities (situation, "incident");
  g_autoptr(GList) dispatches = dozor_situation_get_entities (situation, "dispatch");

  for (GList *l = incidents; l != NULL; l = l->next)
    {
      double lat, lon;

      if (dozor_incident_get_location (json_node_get_object (l->data), &lat, &lon))
        dozor_frame_add_point (frame, lat, lon);
    }
  for (GList *l = dispatches; l != NULL; l = l->next)
    {
      DozorUnit *unit = dozor_situation_get_unit (situation,
                                                  dozor_json_get_string (json_node_get_object (l->data), "unit_id"));

      if (unit != NULL && unit->has_fix)
        dozor_frame_add_point (frame, unit->lat, unit->lon);
    }
}

/* Every position of a district's outline (Polygon, MultiPolygon). */
static void
add_geometry (DozorFrame    *frame,
              DozorGeometry *geometry)
{
  if (geometry == NULL)
    return;
  for (guint p = 0; p < dozor_geometry_get_n_parts (geometry); p++)
    {
      guint n;
      const double *positions = dozor_geometry_get_part (geometry, p, &n);

      for (guint i = 0; i < n; i++)
        dozor_frame_add_point (frame, positions[2 * i + 1], positions[2 * i]);
    }
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (dozor_json_get_string (json_node_get_object ((JsonNode *) a), "name"),
                    dozor_json_get_string (json_node_get_object ((JsonNode *) b), "name"));
}

/* The district after the one shown when its time is up, by name, so that
 * every monitor and every restart goes round in the same order. Returns
 * whether it turned to another district. */
static gboolean
frame_district (DozorSituation *situation,
                guint           looks_per_district,
                DozorWallCycle *cycle,
                DozorFrame     *frame)
{
  g_autoptr(GList) zones = dozor_situation_get_entities (situation, "zone");
  g_autoptr(GList) districts = NULL;
  JsonObject *shown = NULL;
  gboolean turn;

  for (GList *l = zones; l != NULL; l = l->next)
    if (g_strcmp0 (dozor_json_get_string (json_node_get_object (l->data), "kind"), "district") == 0)
      districts = g_list_prepend (districts, l->data);
  if (districts == NULL)
    {
      g_clear_pointer (&cycle->district, g_free);
      return FALSE;
    }
  districts = g_list_sort (districts, compare_names);

  turn = cycle->district == NULL || ++cycle->looks >= looks_per_district;
  for (GList *l = districts; l != NULL && shown == NULL; l = l->next)
    {
      JsonObject *zone = json_node_get_object (l->data);
      int order = g_strcmp0 (dozor_json_get_string (zone, "name"), cycle->district);

      /* The next by name, or the same while its time lasts (a renamed or
       * deleted district: the next one after its old name). */
      if (cycle->district != NULL && (turn ? order > 0 : order >= 0))
        shown = zone;
    }
  if (shown == NULL)
    shown = json_node_get_object (districts->data);

  turn = g_strcmp0 (dozor_json_get_string (shown, "name"), cycle->district) != 0;
  if (turn)
    {
      g_free (cycle->district);
      cycle->district = g_strdup (dozor_json_get_string (shown, "name"));
      cycle->looks = 0;
    }
  add_geometry (frame, dozor_situation_get_geometry (situation, "zone", dozor_json_get_string (shown, "id")));
  return turn;
}

/* The crisis area's outline, or its circle; FALSE without one. */
static gboolean
frame_crisis (DozorSituation *situation,
              DozorFrame     *frame)
{
  DozorCrisisArea *area = dozor_situation_get_crisis_area (situation);
  const double *outline;
  guint n_points;

  if (area == NULL)
    return FALSE;
  if (dozor_crisis_area_is_circle (area))
    {
      double lon, lat, radius_m;

      dozor_crisis_area_get_circle (area, &lon, &lat, &radius_m);
      dozor_frame_add_circle (frame, lat, lon, radius_m);
      return TRUE;
    }
  outline = dozor_crisis_area_get_outline (area, &n_points);
  for (guint i = 0; i < n_points; i++)
    dozor_frame_add_point (frame, outline[2 * i + 1], outline[2 * i]);
  return frame->n_points > 0;
}

/**
 * dozor_wall_cycle_clear:
 * @cycle: a district cycle
 *
 * Frees what it holds; it starts again at the first district.
 */
void
dozor_wall_cycle_clear (DozorWallCycle *cycle)
{
  g_clear_pointer (&cycle->district, g_free);
  cycle->looks = 0;
}

/**
 * dozor_wall_target_frame:
 * @situation: what the wall shows
 * @rule: the framing rule (not %DOZOR_WALL_FRAMING_FIXED)
 * @looks_per_district: for the district cycle, how many looks each
 *   district is shown for
 * @cycle: (inout): where the district cycle is; this look counts in it
 * @frame: (out caller-allocates): what must be shown, empty if nothing
 * @turned: (out): whether the cycle turned to another district
 *
 * Returns: (transfer full): what was framed, for the log: "incidents",
 *   "district NAME", "districts (none)", "crisis area" or "incidents (no
 *   crisis area)"
 */
char *
dozor_wall_target_frame (DozorSituation       *situation,
                         DozorWallFramingRule  rule,
                         guint                 looks_per_district,
                         DozorWallCycle       *cycle,
                         DozorFrame           *frame,
                         gboolean             *turned)
{
  dozor_frame_init (frame);
  *turned = FALSE;
  switch (rule)
    {
    case DOZOR_WALL_FRAMING_DISTRICTS:
      *turned = frame_district (situation, MAX (looks_per_district, 1), cycle, frame);
      return cycle->district != NULL ? g_strdup_printf ("district %s", cycle->district) : g_strdup ("districts (none)");
    case DOZOR_WALL_FRAMING_CRISIS:
      if (frame_crisis (situation, frame))
        return g_strdup ("crisis area");
      frame_incidents (situation, frame);
      return g_strdup ("incidents (no crisis area)");
    case DOZOR_WALL_FRAMING_INCIDENTS:
    case DOZOR_WALL_FRAMING_FIXED:
    default:
      frame_incidents (situation, frame);
      return g_strdup ("incidents");
    }
}
