/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The zones as a coverage computation needs them, copied on the main
 * thread for a worker: the desk's crisis pane and the wall's coverage
 * both count the available units per district and sector. District
 * boundaries have thousands of points: a copy shares the situation's
 * DozorGeometry (immutable, counted with atomics) and the GeoJSON text
 * GEOS reads is written in the worker for one computation, not held.
 */
#include "config.h"

#include "dozor-zone-copies.h"

typedef struct
{
  char *id;
  char *kind;
  char *name;
  DozorGeometry *geometry;  /* nullable */
} ZoneCopy;

static void
zone_copy_free (ZoneCopy *zone)
{
  g_free (zone->id);
  g_free (zone->kind);
  g_free (zone->name);
  g_clear_pointer (&zone->geometry, dozor_geometry_unref);
  g_free (zone);
}

/**
 * dozor_zone_copies_new:
 * @situation: where the zones are; on its thread
 *
 * Returns: (transfer full): the zones, copied, for dozor_zone_copies_add_to()
 *   in any thread
 */
GPtrArray *
dozor_zone_copies_new (DozorSituation *situation)
{
  GPtrArray *copies = g_ptr_array_new_with_free_func ((GDestroyNotify) zone_copy_free);
  GList *zones = dozor_situation_get_entities (situation, "zone");

  for (GList *l = zones; l != NULL; l = l->next)
    {
      JsonObject *object = json_node_get_object (l->data);
      const char *id = json_object_get_string_member_with_default (object, "id", "");
      DozorGeometry *geometry = dozor_situation_get_geometry (situation, "zone", id);
      ZoneCopy *zone = g_new0 (ZoneCopy, 1);

      zone->id = g_strdup (id);
      zone->kind = g_strdup (json_object_get_string_member_with_default (object, "kind", ""));
      zone->name = g_strdup (json_object_get_string_member_with_default (object, "name", ""));
      zone->geometry = geometry != NULL ? dozor_geometry_ref (geometry) : NULL;
      g_ptr_array_add (copies, zone);
    }
  g_list_free (zones);
  return copies;
}

/**
 * dozor_zone_copies_add_to:
 * @zones: from dozor_zone_copies_new()
 * @minimums: `a{su}`, the `zone-minimums` setting: a zone's minimum by its
 *   id, else by its name, else the default
 * @coverage: where to add them
 *
 * A zone without a geometry is left out.
 */
void
dozor_zone_copies_add_to (GPtrArray     *zones,
                          GVariant      *minimums,
                          DozorCoverage *coverage)
{
  for (guint z = 0; z < zones->len; z++)
    {
      const ZoneCopy *zone = zones->pdata[z];
      guint32 minimum = DOZOR_COVERAGE_DEFAULT_MINIMUM;
      g_autofree char *geojson = NULL;

      if (zone->geometry == NULL)
        continue;
      geojson = dozor_geometry_to_string (zone->geometry);
      if (!g_variant_lookup (minimums, zone->id, "u", &minimum))
        g_variant_lookup (minimums, zone->name, "u", &minimum);
      dozor_coverage_add_zone (coverage, zone->id, zone->kind, zone->name, geojson, minimum, NULL);
    }
}
