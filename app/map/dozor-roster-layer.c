/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Forces and means on the map (issue 17, item 1): the duty roster drawn
 * into the unit layer's tiles (DozorRasterLayer), under the units. A unit
 * on duty that is off its assignment gets a thin dashed amber line to
 * where it belongs: its post, or the nearest point of its patrol route
 * (found by GEOS in the render's worker, not on the main thread). A unit
 * the server flagged (docs/api.md, "Roster flags") gets a ring: red and
 * dashed for no recent position (at its last one), orange for reporting
 * while not on the roster. The flags are the server's, so every board
 * marks the same units.
 */
#include "config.h"

#include <math.h>

#include "dozor-geo.h"
#include "dozor-line-pick.h"
#include "dozor-roster-layer.h"

/* Farther than this from its post or route, a unit is drawn off it. */
#define OFF_M 150.0
#define RING 13.0

typedef enum
{
  RING_NONE,
  RING_NO_POSITION,
  RING_NOT_ON_ROSTER,
} RingKind;

typedef struct
{
  double ux, uy;       /* the unit, world coordinates */
  double tx, ty;       /* where it belongs; for a route, found in layout */
  GArray *route;       /* (nullable) world (x, y) pairs */
  gboolean off;        /* decided in layout */
  RingKind ring;
} Link;

typedef struct
{
  GArray *links;       /* Link */
} Scene;

struct _DozorRosterLayer
{
  DozorRasterLayer parent_instance;

  DozorSituation *situation;  /* the base class's */
  guint drawn_off;
  guint drawn_rings;
};

G_DEFINE_FINAL_TYPE (DozorRosterLayer, dozor_roster_layer, DOZOR_TYPE_RASTER_LAYER)

static void
link_clear (Link *link)
{
  g_clear_pointer (&link->route, g_array_unref);
}

static void
scene_free (Scene *scene)
{
  g_array_unref (scene->links);
  g_free (scene);
}

static gboolean
holds_now (JsonObject *entry,
           GDateTime  *now)
{
  const char *from_text = json_object_get_string_member_with_default (entry, "from", NULL);
  const char *to_text = json_object_get_string_member_with_default (entry, "to", NULL);
  g_autoptr(GDateTime) from = from_text != NULL ? g_date_time_new_from_iso8601 (from_text, NULL) : NULL;
  g_autoptr(GDateTime) to = to_text != NULL ? g_date_time_new_from_iso8601 (to_text, NULL) : NULL;

  return from != NULL && to != NULL && g_date_time_compare (from, now) <= 0 && g_date_time_compare (now, to) < 0;
}

static void
add_link (Scene           *scene,
          DozorSituation  *situation,
          const char      *unit_id,
          JsonObject      *entry,
          RingKind         ring)
{
  DozorUnit *unit = unit_id != NULL ? dozor_situation_get_unit (situation, unit_id) : NULL;
  Link link = { 0, };
  JsonNode *post;

  if (unit == NULL || !unit->has_fix)
    return;
  dozor_geo_lon_lat_to_world (unit->lon, unit->lat, &link.ux, &link.uy);
  link.tx = link.ux, link.ty = link.uy;
  link.ring = ring;
  if (entry != NULL)
    {
      const char *route_id = json_object_get_string_member_with_default (entry, "route_id", NULL);
      const char *place_id = json_object_get_string_member_with_default (entry, "place_id", NULL);
      JsonObject *route = route_id != NULL ? dozor_situation_get_entity (situation, "route", route_id) : NULL;
      JsonObject *place = place_id != NULL ? dozor_situation_get_entity (situation, "place", place_id) : NULL;
      JsonNode *location = NULL;

      post = json_object_get_member (entry, "post");
      if (post != NULL && JSON_NODE_HOLDS_OBJECT (post))
        location = json_object_get_member (json_node_get_object (post), "location");
      else if (place != NULL)
        location = json_object_get_member (place, "location");
      if (route != NULL)
        link.route = dozor_line_from_geometry (dozor_situation_get_geometry (situation, "route", route_id));
      else if (location != NULL && JSON_NODE_HOLDS_OBJECT (location))
        {
          JsonObject *at = json_node_get_object (location);

          dozor_geo_lon_lat_to_world (json_object_get_double_member_with_default (at, "lon", unit->lon),
                                      json_object_get_double_member_with_default (at, "lat", unit->lat),
                                      &link.tx, &link.ty);
        }
    }
  g_array_append_val (scene->links, link);
}

static gpointer
prepare_scene (DozorRasterLayer      *layer,
               const DozorRasterView *view)
{
  DozorRosterLayer *self = DOZOR_ROSTER_LAYER (layer);
  g_autoptr(GList) entries = dozor_situation_get_entities (self->situation, "roster");
  g_autoptr(GList) flags = dozor_situation_get_entities (self->situation, "roster_flag");
  g_autoptr(GHashTable) rings = g_hash_table_new (g_str_hash, g_str_equal);
  /* Whose shift it is at the moment shown (a replay's). */
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (dozor_situation_get_now (self->situation) / G_USEC_PER_SEC);
  Scene *scene;

  if (entries == NULL && flags == NULL)
    return NULL;
  scene = g_new0 (Scene, 1);
  scene->links = g_array_new (FALSE, FALSE, sizeof (Link));
  g_array_set_clear_func (scene->links, (GDestroyNotify) link_clear);

  for (GList *l = flags; l != NULL; l = l->next)
    {
      JsonObject *flag = json_node_get_object (l->data);
      const char *kind = json_object_get_string_member_with_default (flag, "kind", "");
      const char *unit_id = json_object_get_string_member_with_default (flag, "unit_id", NULL);

      if (unit_id == NULL)
        continue;
      if (g_str_equal (kind, "no_position"))
        g_hash_table_insert (rings, (gpointer) unit_id, GINT_TO_POINTER (RING_NO_POSITION));
      else if (g_str_equal (kind, "not_on_roster"))
        {
          g_hash_table_insert (rings, (gpointer) unit_id, GINT_TO_POINTER (RING_NOT_ON_ROSTER));
          add_link (scene, self->situation, unit_id, NULL, RING_NOT_ON_ROSTER);
        }
    }
  for (GList *l = entries; l != NULL; l = l->next)
    {
      JsonObject *entry = json_node_get_object (l->data);
      const char *unit_id = json_object_get_string_member_with_default (entry, "unit_id", NULL);

      if (unit_id != NULL && holds_now (entry, now))
        add_link (scene, self->situation, unit_id, entry, GPOINTER_TO_INT (g_hash_table_lookup (rings, unit_id)));
    }
  return scene;
}

/* In the worker, once per render: where each unit on a route belongs,
 * and whether it is off its assignment. */
static void
layout_scene (gpointer               data,
              const DozorRasterView *region)
{
  Scene *scene = data;

  for (guint i = 0; i < scene->links->len; i++)
    {
      Link *link = &g_array_index (scene->links, Link, i);
      double ulat, ulon, tlat, tlon;

      if (link->route != NULL && !dozor_line_nearest_point (link->route, link->ux, link->uy, &link->tx, &link->ty))
        continue;
      dozor_geo_world_to_lon_lat (link->ux, link->uy, &ulon, &ulat);
      dozor_geo_world_to_lon_lat (link->tx, link->ty, &tlon, &tlat);
      link->off = dozor_geo_distance_m (ulat, ulon, tlat, tlon) > OFF_M;
    }
}

static void
draw_scene (gpointer               data,
            cairo_t               *cr,
            const DozorRasterView *view,
            DozorPointIndex       *index)
{
  Scene *scene = data;

  for (guint i = 0; i < scene->links->len; i++)
    {
      const Link *link = &g_array_index (scene->links, Link, i);
      double x, y, tx, ty;

      dozor_raster_view_project (view, link->ux, link->uy, &x, &y);
      dozor_raster_view_project (view, link->tx, link->ty, &tx, &ty);
      if (MAX (x, tx) < -RING * 2 || MIN (x, tx) > view->width + RING * 2 || MAX (y, ty) < -RING * 2 ||
          MIN (y, ty) > view->height + RING * 2)
        continue;

      if (link->off)
        {
          cairo_save (cr);
          cairo_move_to (cr, x, y);
          cairo_line_to (cr, tx, ty);
          cairo_set_line_width (cr, 1.5);
          cairo_set_dash (cr, (const double[2]) { 5, 4 }, 2, 0);
          cairo_set_source_rgba (cr, 0.96, 0.76, 0.07, 0.9);
          cairo_stroke (cr);
          cairo_arc (cr, tx, ty, 3, 0, 2 * G_PI);
          cairo_fill (cr);
          cairo_restore (cr);
        }
      if (link->ring != RING_NONE)
        {
          cairo_save (cr);
          cairo_new_path (cr);
          cairo_arc (cr, x, y, RING, 0, 2 * G_PI);
          cairo_set_line_width (cr, 2.5);
          if (link->ring == RING_NO_POSITION)
            {
              cairo_set_dash (cr, (const double[2]) { 4, 3 }, 2, 0);
              cairo_set_source_rgb (cr, 0.93, 0.16, 0.22);
            }
          else
            cairo_set_source_rgb (cr, 0.98, 0.47, 0.10);
          cairo_stroke (cr);
          cairo_restore (cr);
        }
    }
}

static void
scene_shown (DozorRasterLayer *layer,
             gpointer          data)
{
  DozorRosterLayer *self = DOZOR_ROSTER_LAYER (layer);
  Scene *scene = data;
  guint off = 0, rings = 0;

  for (guint i = 0; scene != NULL && i < scene->links->len; i++)
    {
      const Link *link = &g_array_index (scene->links, Link, i);

      off += link->off;
      rings += link->ring != RING_NONE;
    }
  /* Tests wait for this line; keep its wording stable. */
  if (off != self->drawn_off || rings != self->drawn_rings)
    g_debug ("Roster drawn: %u off their post or route, %u flagged", off, rings);
  self->drawn_off = off;
  self->drawn_rings = rings;
}

static void
situation_changed (DozorRasterLayer *layer,
                   guint             what)
{
  if (what & (DOZOR_SITUATION_ROSTER | DOZOR_SITUATION_UNITS | DOZOR_SITUATION_AREAS))
    dozor_raster_layer_queue_render (layer);
}

static void
dozor_roster_layer_constructed (GObject *object)
{
  DozorRosterLayer *self = DOZOR_ROSTER_LAYER (object);

  G_OBJECT_CLASS (dozor_roster_layer_parent_class)->constructed (object);
  self->situation = dozor_raster_layer_get_situation (DOZOR_RASTER_LAYER (self));
}

static void
dozor_roster_layer_class_init (DozorRosterLayerClass *klass)
{
  DozorRasterLayerClass *raster_class = DOZOR_RASTER_LAYER_CLASS (klass);

  G_OBJECT_CLASS (klass)->constructed = dozor_roster_layer_constructed;
  raster_class->prepare = prepare_scene;
  raster_class->layout = layout_scene;
  raster_class->draw = draw_scene;
  raster_class->free_scene = (GDestroyNotify) scene_free;
  raster_class->situation_changed = situation_changed;
  raster_class->shown = scene_shown;
  raster_class->render_priority = G_PRIORITY_HIGH + 13;
}

static void
dozor_roster_layer_init (DozorRosterLayer *self)
{
}

DozorRosterLayer *
dozor_roster_layer_new (ShumateViewport *viewport,
                        DozorSituation  *situation)
{
  return g_object_new (DOZOR_TYPE_ROSTER_LAYER, "viewport", viewport, "situation", situation, NULL);
}
