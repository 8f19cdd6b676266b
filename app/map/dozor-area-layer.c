/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Districts, patrol sectors, patrol routes, points of interest and cameras
 * from the backend, under the units and incidents, rasterised into the
 * unit layer's tiles (DozorRasterLayer).
 * Districts are a firm outline at every zoom; sectors a thin one with a
 * faint fill from zoom 11, their names from zoom 13; routes a dashed teal
 * line from zoom 11; cameras and points of interest small glyphs from zoom
 * 14, named from zoom 16; so the city view stays about units and incidents.
 *
 * GeoJSON coordinates are turned into world coordinates once per change of
 * zones or routes, not per tile: a district boundary has thousands of
 * points.
 *
 * A zone flagged as a coverage gap (fewer available units than its
 * minimum) is filled and outlined in red, at every zoom, sectors too.
 *
 * Each kind can be hidden (the desk's Layers). A coverage gap stays drawn
 * whatever is hidden: it is a warning, not reference drawing. The kinds
 * shown are part of the scene and a change asks for a render, which the
 * base class's key of this steady part turns into new tiles.
 */
#include "config.h"

#include <math.h>

#include "dozor-area-layer.h"
#include "dozor-line-pick.h"
#include "dozor-geo.h"
#include "dozor-json.h"

#define DETAIL_MIN_ZOOM 11
#define NAME_MIN_ZOOM 13
#define PLACE_MIN_ZOOM 14
#define PLACE_NAME_MIN_ZOOM 16
#define PLACE_SIZE 5.0
#define PICK_SLOP 4.0
/* How far a shape's drawing reaches beyond its bounds, logical pixels. */
#define AREA_REACH 160.0

typedef enum
{
  SHAPE_DISTRICT,
  SHAPE_SECTOR,
  SHAPE_ROUTE,
  SHAPE_POI,
  SHAPE_CAMERA,
} ShapeKind;

typedef struct
{
  ShapeKind kind;
  char *id;
  char *name;
  GPtrArray *parts;  /* GArray of double pairs (world x, y): rings or a line */
  double min_x, min_y, max_x, max_y;
} Shape;

typedef struct
{
  GPtrArray *shapes; /* Shape, shared and never changed once built */
  gboolean detail;
  gboolean names;
  gboolean places;
  GHashTable *flagged; /* zone id → itself, shared and never changed; nullable */
  DozorAreaKinds shown;
} Scene;

struct _DozorAreaLayer
{
  DozorRasterLayer parent_instance;

  DozorSituation *situation;  /* the base class's */
  GPtrArray *shapes;
  GHashTable *flagged;        /* replaced, never changed, so scenes may share it */
  DozorAreaKinds shown;
};

G_DEFINE_FINAL_TYPE (DozorAreaLayer, dozor_area_layer, DOZOR_TYPE_RASTER_LAYER)

static void
shape_free (Shape *shape)
{
  g_free (shape->id);
  g_free (shape->name);
  g_ptr_array_unref (shape->parts);
  g_free (shape);
}

static void
scene_free (Scene *scene)
{
  g_ptr_array_unref (scene->shapes);
  g_clear_pointer (&scene->flagged, g_hash_table_unref);
  g_free (scene);
}

/* One ring or line: n × (lon, lat). */
static void
add_part (Shape        *shape,
          const double *positions,
          guint         n)
{
  GArray *part = g_array_sized_new (FALSE, FALSE, sizeof (double) * 2, n);

  for (guint i = 0; i < n; i++)
    {
      double lon = positions[2 * i], lat = positions[2 * i + 1], xy[2];

      if (!dozor_geo_is_valid_lat_lon (lat, lon))
        continue;
      dozor_geo_lon_lat_to_world (lon, lat, &xy[0], &xy[1]);
      shape->min_x = MIN (shape->min_x, xy[0]);
      shape->min_y = MIN (shape->min_y, xy[1]);
      shape->max_x = MAX (shape->max_x, xy[0]);
      shape->max_y = MAX (shape->max_y, xy[1]);
      g_array_append_val (part, xy);
    }

  if (part->len >= 2)
    g_ptr_array_add (shape->parts, part);
  else
    g_array_unref (part);
}

/* A LineString's one line, or every ring of a (Multi)Polygon. */
static Shape *
shape_new (JsonObject    *entity,
           DozorGeometry *geometry,
           ShapeKind      kind)
{
  Shape *shape;

  if (geometry == NULL)
    return NULL;

  shape = g_new0 (Shape, 1);
  shape->kind = kind;
  /* Kept for zones too: a coverage gap is drawn by the zone's id. */
  shape->id = g_strdup (json_object_get_string_member_with_default (entity, "id", NULL));
  shape->name = g_strdup (json_object_get_string_member_with_default (entity, "name", ""));
  shape->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  shape->min_x = shape->min_y = G_MAXDOUBLE;
  shape->max_x = shape->max_y = -G_MAXDOUBLE;
  for (guint i = 0; i < dozor_geometry_get_n_parts (geometry); i++)
    {
      guint n;
      const double *positions = dozor_geometry_get_part (geometry, i, &n);

      add_part (shape, positions, n);
    }
  if (shape->parts->len == 0)
    {
      shape_free (shape);
      return NULL;
    }
  return shape;
}

/* A place is one point, kept as a part of one position. */
static Shape *
place_new (JsonObject *entity)
{
  JsonObject *location = json_object_get_object_member (entity, "location");
  Shape *shape;
  double xy[2], lat, lon;

  if (location == NULL)
    return NULL;
  lat = json_object_get_double_member_with_default (location, "lat", NAN);
  lon = json_object_get_double_member_with_default (location, "lon", NAN);
  if (!dozor_geo_is_valid_lat_lon (lat, lon))
    return NULL;

  shape = g_new0 (Shape, 1);
  shape->kind = g_strcmp0 (json_object_get_string_member_with_default (entity, "kind", ""), "camera") == 0
                ? SHAPE_CAMERA : SHAPE_POI;
  shape->id = g_strdup (json_object_get_string_member_with_default (entity, "id", ""));
  shape->name = g_strdup (json_object_get_string_member_with_default (entity, "name", ""));
  shape->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  dozor_geo_lon_lat_to_world (lon, lat, &xy[0], &xy[1]);
  shape->min_x = shape->max_x = xy[0];
  shape->min_y = shape->max_y = xy[1];
  g_ptr_array_add (shape->parts, g_array_append_vals (g_array_new (FALSE, FALSE, sizeof (double) * 2), xy, 1));
  return shape;
}

static void
rebuild_shapes (DozorAreaLayer *self)
{
  g_autoptr(GList) places = dozor_situation_get_entities (self->situation, "place");
  g_autoptr(GList) zones = dozor_situation_get_entities (self->situation, "zone");
  g_autoptr(GList) routes = dozor_situation_get_entities (self->situation, "route");
  GPtrArray *shapes = g_ptr_array_new_with_free_func ((GDestroyNotify) shape_free);

  /* Districts first, so the sectors' thin lines lie on their fill. */
  for (int pass = 0; pass < 2; pass++)
    for (GList *l = zones; l != NULL; l = l->next)
      {
        JsonObject *zone = json_node_get_object (l->data);
        DozorGeometry *geometry = dozor_situation_get_geometry (self->situation, "zone",
                                                                dozor_json_get_string (zone, "id"));
        gboolean district = g_strcmp0 (json_object_get_string_member_with_default (zone, "kind", ""),
                                       "district") == 0;
        Shape *shape;

        if (district != (pass == 0))
          continue;
        if ((shape = shape_new (zone, geometry, district ? SHAPE_DISTRICT : SHAPE_SECTOR)) != NULL)
          g_ptr_array_add (shapes, shape);
      }

  for (GList *l = routes; l != NULL; l = l->next)
    {
      JsonObject *route = json_node_get_object (l->data);
      Shape *shape = shape_new (route,
                                dozor_situation_get_geometry (self->situation, "route",
                                                              dozor_json_get_string (route, "id")),
                                SHAPE_ROUTE);

      if (shape != NULL)
        g_ptr_array_add (shapes, shape);
    }

  /* Last, so they lie on top of the lines. */
  for (GList *l = places; l != NULL; l = l->next)
    {
      Shape *shape = place_new (json_node_get_object (l->data));

      if (shape != NULL)
        g_ptr_array_add (shapes, shape);
    }

  g_clear_pointer (&self->shapes, g_ptr_array_unref);
  self->shapes = shapes;
}

static DozorAreaKinds
shape_area_kind (const Shape *shape)
{
  switch (shape->kind)
    {
    case SHAPE_DISTRICT:
      return DOZOR_AREA_DISTRICTS;
    case SHAPE_SECTOR:
      return DOZOR_AREA_SECTORS;
    case SHAPE_ROUTE:
      return DOZOR_AREA_ROUTES;
    case SHAPE_POI:
    case SHAPE_CAMERA:
    default:
      return DOZOR_AREA_PLACES;
    }
}

static void draw_name (cairo_t    *cr,
                       const char *name,
                       double      x,
                       double      y);

static void
draw_place (cairo_t     *cr,
            const Shape *shape,
            double       x,
            double       y,
            gboolean     named)
{
  cairo_new_path (cr);
  if (shape->kind == SHAPE_CAMERA)
    {
      /* A camera: a violet body with a lens, the way signs show one. */
      cairo_rectangle (cr, x - PLACE_SIZE, y - PLACE_SIZE * 0.7, PLACE_SIZE * 2, PLACE_SIZE * 1.4);
      cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.8);
      cairo_set_line_width (cr, 2.5);
      cairo_stroke_preserve (cr);
      cairo_set_source_rgb (cr, 0.62, 0.45, 0.95);
      cairo_fill (cr);
      cairo_arc (cr, x, y, PLACE_SIZE * 0.45, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, 0.10, 0.08, 0.16);
      cairo_fill (cr);
    }
  else
    {
      /* A point of interest: a small white dot, plain next to the units. */
      cairo_arc (cr, x, y, PLACE_SIZE * 0.7, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.8);
      cairo_set_line_width (cr, 2.5);
      cairo_stroke_preserve (cr);
      cairo_set_source_rgb (cr, 0.92, 0.92, 0.88);
      cairo_fill (cr);
    }

  if (named && *shape->name != '\0')
    draw_name (cr, shape->name, x, y - PLACE_SIZE - 4);
}

static void
draw_name (cairo_t    *cr,
           const char *name,
           double      x,
           double      y)
{
  cairo_text_extents_t extents;

  cairo_text_extents (cr, name, &extents);
  cairo_move_to (cr, x - extents.width / 2, y);
  cairo_text_path (cr, name);
  cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.7);
  cairo_set_line_width (cr, 3);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgba (cr, 0.85, 0.90, 1.0, 0.85);
  cairo_fill (cr);
}

/* Fills and strokes the path made of a zone or route, as its kind is drawn
 * at that zoom; also the legend's sample of it. */
static void
paint_path (cairo_t  *cr,
            ShapeKind kind,
            gboolean  flagged,
            double    zoom)
{
  if (flagged)
    {
      /* A gap in coverage: seen at a glance, whatever the zoom. */
      cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
      cairo_set_source_rgba (cr, 0.88, 0.11, 0.14, 0.18);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, 0.88, 0.11, 0.14, 0.9);
      cairo_set_line_width (cr, 3.0);
      cairo_stroke (cr);
    }
  else switch (kind)
    {
    case SHAPE_DISTRICT:
      cairo_set_source_rgba (cr, 0.05, 0.05, 0.10, 0.55);
      cairo_set_line_width (cr, 4.5);
      cairo_stroke_preserve (cr);
      cairo_set_source_rgba (cr, 0.70, 0.78, 1.0, 0.85);
      cairo_set_line_width (cr, 2.0);
      cairo_stroke (cr);
      break;
    case SHAPE_SECTOR:
      cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
      cairo_set_source_rgba (cr, 0.55, 0.65, 1.0, 0.05);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, 0.70, 0.78, 1.0, 0.45);
      cairo_set_line_width (cr, 1.0);
      cairo_set_dash (cr, (double[]) { 6, 4 }, 2, 0);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      break;
    case SHAPE_ROUTE:
      /* Thin until the streets are wide: at city zoom thirty-odd loops
       * would otherwise hide the roads they follow. */
      cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.35);
      cairo_set_line_width (cr, zoom >= 15 ? 4.0 : 3.0);
      cairo_stroke_preserve (cr);
      cairo_set_source_rgba (cr, 0.20, 0.85, 0.85, zoom >= 15 ? 0.75 : 0.5);
      cairo_set_line_width (cr, zoom >= 15 ? 2.0 : 1.3);
      cairo_set_dash (cr, (double[]) { 10, 5 }, 2, 0);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void draw_shapes (Scene                 *scene,
                         cairo_t               *cr,
                         const DozorRasterView *view);

/* A steady part (DozorRasterLayer): drawn once per tile and kept, since
 * the areas change with the zones, not with every fix. */
static void
draw_scene (gpointer               data,
            cairo_t               *cr,
            const DozorRasterView *view,
            DozorPointIndex       *index)
{
  Scene *scene = data;

  draw_shapes (scene, cr, view);

  for (guint s = 0; scene->places && index != NULL && s < scene->shapes->len; s++)
    {
      const Shape *shape = scene->shapes->pdata[s];
      double x, y;

      if ((shape->kind != SHAPE_POI && shape->kind != SHAPE_CAMERA) || !(scene->shown & DOZOR_AREA_PLACES))
        continue;
      dozor_raster_view_project (view, shape->min_x, shape->min_y, &x, &y);
      if (x >= -PLACE_SIZE && y >= -PLACE_SIZE && x <= view->width + PLACE_SIZE && y <= view->height + PLACE_SIZE)
        dozor_point_index_add (index, x, y, PLACE_SIZE + 1, s);
    }
}

static void
draw_shapes (Scene                 *scene,
             cairo_t               *cr,
             const DozorRasterView *view)
{
  double world = 256.0 * exp2 (view->zoom);

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 12);

  for (guint s = 0; s < scene->shapes->len; s++)
    {
      const Shape *shape = scene->shapes->pdata[s];
      double x0, y0, x1, y1;

      gboolean flagged = (shape->kind == SHAPE_DISTRICT || shape->kind == SHAPE_SECTOR) &&
                         scene->flagged != NULL && shape->id != NULL &&
                         g_hash_table_contains (scene->flagged, shape->id);

      if (shape->kind != SHAPE_DISTRICT && !scene->detail && !flagged)
        continue;
      if (!(scene->shown & shape_area_kind (shape)) && !flagged)
        continue;
      if ((shape->kind == SHAPE_POI || shape->kind == SHAPE_CAMERA) && !scene->places)
        continue;

      /* Only what crosses the tile, with its strokes and names: a place's
       * name runs to the right of its point, a sector's around its middle. */
      dozor_raster_view_project (view, shape->min_x, shape->min_y, &x0, &y0);
      dozor_raster_view_project (view, shape->max_x, shape->max_y, &x1, &y1);
      if (x1 < -AREA_REACH || y1 < -AREA_REACH || x0 > view->width + AREA_REACH || y0 > view->height + AREA_REACH)
        continue;

      if (shape->kind == SHAPE_POI || shape->kind == SHAPE_CAMERA)
        {
          draw_place (cr, shape, x0, y0, view->zoom >= PLACE_NAME_MIN_ZOOM);
          continue;
        }

      cairo_new_path (cr);
      for (guint p = 0; p < shape->parts->len; p++)
        dozor_raster_view_trace (cr, view, shape->parts->pdata[p]);

      paint_path (cr, shape->kind, flagged, view->zoom);

      if (scene->names && shape->kind == SHAPE_SECTOR && *shape->name != '\0')
        draw_name (cr, shape->name, (shape->min_x + shape->max_x) / 2 * world - view->origin_x,
                   (shape->min_y + shape->max_y) / 2 * world - view->origin_y);
    }
}

static gpointer
prepare_scene (DozorRasterLayer      *layer,
               const DozorRasterView *view)
{
  DozorAreaLayer *self = DOZOR_AREA_LAYER (layer);
  Scene *scene;

  if (self->shapes == NULL)
    rebuild_shapes (self);
  if (self->shapes->len == 0)
    return NULL;

  scene = g_new0 (Scene, 1);
  scene->shapes = g_ptr_array_ref (self->shapes);
  scene->detail = view->zoom >= DETAIL_MIN_ZOOM;
  scene->names = view->zoom >= NAME_MIN_ZOOM;
  scene->places = view->zoom >= PLACE_MIN_ZOOM;
  scene->flagged = self->flagged != NULL ? g_hash_table_ref (self->flagged) : NULL;
  scene->shown = self->shown;
  return scene;
}

static void
situation_changed (DozorRasterLayer *layer,
                   guint             what)
{
  DozorAreaLayer *self = DOZOR_AREA_LAYER (layer);

  if (!(what & DOZOR_SITUATION_AREAS))
    return;
  /* Built anew at the next image; the worker keeps its own reference. */
  g_clear_pointer (&self->shapes, g_ptr_array_unref);
  dozor_raster_layer_queue_render (DOZOR_RASTER_LAYER (self));
}

static void
dozor_area_layer_constructed (GObject *object)
{
  DozorAreaLayer *self = DOZOR_AREA_LAYER (object);

  G_OBJECT_CLASS (dozor_area_layer_parent_class)->constructed (object);

  self->situation = dozor_raster_layer_get_situation (DOZOR_RASTER_LAYER (self));
}

static void
dozor_area_layer_dispose (GObject *object)
{
  DozorAreaLayer *self = DOZOR_AREA_LAYER (object);

  g_clear_pointer (&self->shapes, g_ptr_array_unref);
  g_clear_pointer (&self->flagged, g_hash_table_unref);

  G_OBJECT_CLASS (dozor_area_layer_parent_class)->dispose (object);
}

static void
dozor_area_layer_class_init (DozorAreaLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DozorRasterLayerClass *raster_class = DOZOR_RASTER_LAYER_CLASS (klass);

  object_class->constructed = dozor_area_layer_constructed;
  object_class->dispose = dozor_area_layer_dispose;
  raster_class->prepare = prepare_scene;
  raster_class->draw = draw_scene;
  raster_class->free_scene = (GDestroyNotify) scene_free;
  raster_class->situation_changed = situation_changed;
  raster_class->steady = TRUE;
  raster_class->render_priority = G_PRIORITY_HIGH + 20;
}

static void
dozor_area_layer_init (DozorAreaLayer *self)
{
  self->shown = DOZOR_AREA_ALL;
}

/**
 * dozor_area_layer_pick_place:
 * @self: a #DozorAreaLayer
 * @x: a point in the layer
 * @y: a point in the layer
 *
 * Returns: (transfer full) (nullable): the id of the camera or point of
 *   interest drawn there
 */
char *
dozor_area_layer_pick_place (DozorAreaLayer *self,
                             double          x,
                             double          y)
{
  Scene *scene;
  guint item;

  if (!dozor_raster_layer_pick (DOZOR_RASTER_LAYER (self), x, y, PICK_SLOP, (gpointer *) &scene, &item) ||
      item >= scene->shapes->len)
    return NULL;
  return g_strdup (((Shape *) scene->shapes->pdata[item])->id);
}

/**
 * dozor_area_layer_pick_route:
 * @self: a #DozorAreaLayer
 * @wx: a point in world coordinates
 * @wy: a point in world coordinates
 * @reach: how far from it a route may lie, in world coordinates
 *
 * Returns: (transfer full) (nullable): the id of the patrol route drawn
 *   nearest the point, if routes are shown and one lies within @reach
 */
char *
dozor_area_layer_pick_route (DozorAreaLayer *self,
                             double          wx,
                             double          wy,
                             double          reach)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  int found;

  if (self->shapes == NULL || !(self->shown & DOZOR_AREA_ROUTES))
    return NULL;
  for (guint i = 0; i < self->shapes->len; i++)
    {
      Shape *shape = self->shapes->pdata[i];

      if (shape->kind != SHAPE_ROUTE || shape->parts->len == 0 || wx < shape->min_x - reach ||
          wx > shape->max_x + reach || wy < shape->min_y - reach || wy > shape->max_y + reach)
        continue;
      g_ptr_array_add (lines, shape->parts->pdata[0]);
      g_ptr_array_add (ids, shape->id);
    }
  found = dozor_line_pick_nearest (lines, wx, wy, reach);
  return found >= 0 ? g_strdup (ids->pdata[found]) : NULL;
}

DozorAreaLayer *
dozor_area_layer_new (ShumateViewport *viewport,
                      DozorSituation  *situation)
{
  return g_object_new (DOZOR_TYPE_AREA_LAYER, "viewport", viewport, "situation", situation, NULL);
}

/**
 * dozor_area_layer_set_flagged:
 * @self: a #DozorAreaLayer
 * @zone_ids: (element-type utf8): the zones to draw as coverage gaps
 *
 * Redraws only when the set differs from the one drawn.
 */
void
dozor_area_layer_set_flagged (DozorAreaLayer *self,
                              GPtrArray      *zone_ids)
{
  g_autoptr(GHashTable) flagged = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint before = self->flagged != NULL ? g_hash_table_size (self->flagged) : 0;
  gboolean same;

  for (guint i = 0; i < zone_ids->len; i++)
    g_hash_table_add (flagged, g_strdup (zone_ids->pdata[i]));

  same = g_hash_table_size (flagged) == before;
  for (guint i = 0; same && i < zone_ids->len; i++)
    same = g_hash_table_contains (self->flagged, zone_ids->pdata[i]);
  if (same)
    return;

  g_clear_pointer (&self->flagged, g_hash_table_unref);
  self->flagged = g_steal_pointer (&flagged);
  g_debug ("Zones flagged on the map: %u", g_hash_table_size (self->flagged));
  dozor_raster_layer_queue_render (DOZOR_RASTER_LAYER (self));
}

/**
 * dozor_area_layer_set_shown:
 * @self: a #DozorAreaLayer
 * @kinds: what to draw; coverage gaps are drawn whatever it says
 */
void
dozor_area_layer_set_shown (DozorAreaLayer *self,
                            DozorAreaKinds  kinds)
{
  g_return_if_fail (DOZOR_IS_AREA_LAYER (self));

  if (self->shown == kinds)
    return;
  self->shown = kinds;
  /* Tests wait for this line; keep its wording stable. */
  g_debug ("Area layers shown: districts %s, sectors %s, routes %s, places %s",
           kinds & DOZOR_AREA_DISTRICTS ? "on" : "off", kinds & DOZOR_AREA_SECTORS ? "on" : "off",
           kinds & DOZOR_AREA_ROUTES ? "on" : "off", kinds & DOZOR_AREA_PLACES ? "on" : "off");
  dozor_raster_layer_queue_render (DOZOR_RASTER_LAYER (self));
}

/**
 * dozor_area_layer_draw_sample:
 * @cr: where to draw
 * @sample: what to draw
 * @width: the sample's box, from the origin
 * @height: the sample's box, from the origin
 *
 * A zone, route or place drawn as the map draws it, for the legend.
 */
void
dozor_area_layer_draw_sample (cairo_t        *cr,
                              DozorAreaSample sample,
                              double          width,
                              double          height)
{
  static const ShapeKind kinds[] = {
    [DOZOR_AREA_SAMPLE_DISTRICT] = SHAPE_DISTRICT,
    [DOZOR_AREA_SAMPLE_SECTOR] = SHAPE_SECTOR,
    [DOZOR_AREA_SAMPLE_ROUTE] = SHAPE_ROUTE,
    [DOZOR_AREA_SAMPLE_CAMERA] = SHAPE_CAMERA,
    [DOZOR_AREA_SAMPLE_PLACE] = SHAPE_POI,
    [DOZOR_AREA_SAMPLE_GAP] = SHAPE_SECTOR,
  };
  ShapeKind kind = kinds[sample];

  cairo_save (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_new_path (cr);
  if (kind == SHAPE_CAMERA || kind == SHAPE_POI)
    {
      Shape place = { .kind = kind, .name = (char *) "" };

      draw_place (cr, &place, width / 2, height / 2, FALSE);
    }
  else if (kind == SHAPE_ROUTE)
    {
      cairo_move_to (cr, 2, height - 4);
      cairo_line_to (cr, width / 3, 4);
      cairo_line_to (cr, width * 2 / 3, height - 4);
      cairo_line_to (cr, width - 2, 4);
      paint_path (cr, kind, FALSE, 15);
    }
  else
    {
      cairo_rectangle (cr, 3, 3, width - 6, height - 6);
      paint_path (cr, kind, sample == DOZOR_AREA_SAMPLE_GAP, 15);
    }
  cairo_restore (cr);
}
