/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Route deviations in progress on the map (issue 17, item 2: "the board
 * highlights the unit and the stretch it took"): for each deviation the
 * server announced (docs/api.md, "Route compliance"), the route or post it
 * is judged against, drawn wide and pale in the deviation's violet; the
 * stretch the unit drove since it left, a cased violet line from the
 * first fix away to its latest fix (the situation grows the stretch with
 * the unit's fixes); and a violet ring around the unit. Drawn into the
 * unit layer's tiles, under the units, like the roster's marks.
 */
#include "config.h"

#include <math.h>

#include "dozor-deviation-layer.h"
#include "dozor-geo.h"
#include "dozor-json.h"
#include "dozor-line-pick.h"

#define RING 16.0
/* A post has no line: a circle this many pixels round it stands for it. */
#define POST_MARK 10.0

typedef struct
{
  GArray *stretch;     /* world (x, y) pairs, oldest first, the unit's last */
  GArray *route;       /* (nullable) world (x, y) pairs */
  gboolean has_post;
  double post_x, post_y;
  double ux, uy;       /* the unit, world coordinates */
} Mark;

typedef struct
{
  GArray *marks;       /* Mark */
} Scene;

struct _DozorDeviationLayer
{
  DozorRasterLayer parent_instance;

  guint drawn;
  guint drawn_fixes;
};

G_DEFINE_FINAL_TYPE (DozorDeviationLayer, dozor_deviation_layer, DOZOR_TYPE_RASTER_LAYER)

static const double deviation_rgb[3] = { DOZOR_DEVIATION_RGB };

static void
mark_clear (Mark *mark)
{
  g_clear_pointer (&mark->stretch, g_array_unref);
  g_clear_pointer (&mark->route, g_array_unref);
}

static void
scene_free (Scene *scene)
{
  g_array_unref (scene->marks);
  g_free (scene);
}

static void
append_world (GArray *line,
              double  lat,
              double  lon)
{
  double xy[2];

  dozor_geo_lon_lat_to_world (lon, lat, &xy[0], &xy[1]);
  g_array_append_val (line, xy);
}

/* The post of the roster entry a deviation names. */
static gboolean
entry_post (DozorSituation *situation,
            const char     *entry_id,
            double         *lat,
            double         *lon)
{
  JsonObject *entry = entry_id != NULL ? dozor_situation_get_entity (situation, "roster", entry_id) : NULL;
  JsonNode *post = entry != NULL ? json_object_get_member (entry, "post") : NULL;
  JsonObject *location;

  if (post == NULL || !JSON_NODE_HOLDS_OBJECT (post) ||
      (location = dozor_json_get_object (json_node_get_object (post), "location")) == NULL)
    return FALSE;
  *lat = json_object_get_double_member_with_default (location, "lat", NAN);
  *lon = json_object_get_double_member_with_default (location, "lon", NAN);
  return isfinite (*lat) && isfinite (*lon);
}

static gpointer
prepare_scene (DozorRasterLayer      *layer,
               const DozorRasterView *view)
{
  DozorSituation *situation = dozor_raster_layer_get_situation (layer);
  g_autoptr(GList) deviations = dozor_situation_get_entities (situation, "deviation");
  Scene *scene;

  if (deviations == NULL)
    return NULL;
  scene = g_new0 (Scene, 1);
  scene->marks = g_array_new (FALSE, TRUE, sizeof (Mark));
  g_array_set_clear_func (scene->marks, (GDestroyNotify) mark_clear);

  for (GList *l = deviations; l != NULL; l = l->next)
    {
      JsonObject *deviation = json_node_get_object (l->data);
      JsonArray *stretch = dozor_json_get_array (deviation, "stretch");
      const char *route_id = dozor_json_get_string (deviation, "route_id");
      DozorUnit *unit = dozor_situation_get_unit (situation,
                                                  dozor_json_get_string (deviation, "unit_id") ?: "");
      Mark mark = { 0, };
      double lat, lon;

      if (unit == NULL || stretch == NULL)
        continue;
      mark.stretch = g_array_new (FALSE, FALSE, sizeof (double) * 2);
      for (guint i = 0; i < json_array_get_length (stretch); i++)
        {
          JsonNode *node = json_array_get_element (stretch, i);
          JsonObject *fix;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          fix = json_node_get_object (node);
          lat = json_object_get_double_member_with_default (fix, "lat", NAN);
          lon = json_object_get_double_member_with_default (fix, "lon", NAN);
          if (isfinite (lat) && isfinite (lon))
            append_world (mark.stretch, lat, lon);
        }
      if (unit->has_fix)
        append_world (mark.stretch, unit->lat, unit->lon);
      if (mark.stretch->len == 0)
        {
          mark_clear (&mark);
          continue;
        }
      {
        const double *last = &g_array_index (mark.stretch, double, (mark.stretch->len - 1) * 2);

        mark.ux = last[0];
        mark.uy = last[1];
      }
      if (route_id != NULL)
        mark.route = dozor_line_from_geometry (dozor_situation_get_geometry (situation, "route", route_id));
      else if (entry_post (situation, dozor_json_get_string (deviation, "roster_id"), &lat, &lon))
        {
          mark.has_post = TRUE;
          dozor_geo_lon_lat_to_world (lon, lat, &mark.post_x, &mark.post_y);
        }
      g_array_append_val (scene->marks, mark);
    }
  return scene;
}

/* The route it should have kept to, traced: wide and pale. */
static void
stroke_route (cairo_t *cr)
{
  cairo_set_source_rgba (cr, deviation_rgb[0], deviation_rgb[1], deviation_rgb[2], 0.35);
  cairo_set_line_width (cr, 9);
  cairo_stroke (cr);
}

/* The way it took, traced, and the unit at (x, y), ringed. */
static void
stroke_stretch_and_ring (cairo_t *cr,
                         double   x,
                         double   y,
                         double   ring)
{
  dozor_raster_stroke_cased (cr, deviation_rgb, 7, 4);
  cairo_new_path (cr);
  cairo_arc (cr, x, y, ring, 0, 2 * G_PI);
  dozor_raster_stroke_cased (cr, deviation_rgb, 5, 3);
}

static void
draw_scene (gpointer               data,
            cairo_t               *cr,
            const DozorRasterView *view,
            DozorPointIndex       *index)
{
  Scene *scene = data;

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint i = 0; i < scene->marks->len; i++)
    {
      const Mark *mark = &g_array_index (scene->marks, Mark, i);
      double x, y;

      /* What it should have kept to, wide and pale under the stretch. */
      cairo_new_path (cr);
      if (mark->route != NULL)
        {
          dozor_raster_view_trace (cr, view, mark->route);
          stroke_route (cr);
        }
      else if (mark->has_post)
        {
          dozor_raster_view_project (view, mark->post_x, mark->post_y, &x, &y);
          cairo_arc (cr, x, y, POST_MARK, 0, 2 * G_PI);
          cairo_set_source_rgba (cr, deviation_rgb[0], deviation_rgb[1], deviation_rgb[2], 0.35);
          cairo_fill_preserve (cr);
          dozor_raster_stroke_cased (cr, deviation_rgb, 4.5, 2);
        }

      /* The way it took. */
      cairo_new_path (cr);
      dozor_raster_view_trace (cr, view, mark->stretch);
      if (mark->stretch->len == 1)
        {
          dozor_raster_view_project (view, mark->ux, mark->uy, &x, &y);
          cairo_line_to (cr, x, y);
        }
      dozor_raster_view_project (view, mark->ux, mark->uy, &x, &y);
      stroke_stretch_and_ring (cr, x, y, RING);
    }
}

/**
 * dozor_deviation_layer_draw_sample:
 * @cr: where to draw
 * @width: the sample's width
 * @height: the sample's height
 *
 * Draws the legend's sample of a deviation as the map draws one: the
 * route along the bottom, the way the unit took away from it, and the
 * unit ringed (with a ring that fits the sample).
 */
void
dozor_deviation_layer_draw_sample (cairo_t *cr,
                                   int      width,
                                   int      height)
{
  double ux = width - 7.0, uy = 7.0;

  cairo_save (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_new_path (cr);
  cairo_move_to (cr, 2, height - 4);
  cairo_line_to (cr, width - 2, height - 4);
  stroke_route (cr);
  cairo_new_path (cr);
  cairo_move_to (cr, 4, height - 4);
  cairo_curve_to (cr, width / 2.0, height - 4, width / 2.0, uy, ux, uy);
  stroke_stretch_and_ring (cr, ux, uy, 4);
  cairo_restore (cr);
}

static void
scene_shown (DozorRasterLayer *layer,
             gpointer          data)
{
  DozorDeviationLayer *self = DOZOR_DEVIATION_LAYER (layer);
  Scene *scene = data;
  guint drawn = scene != NULL ? scene->marks->len : 0, fixes = 0;

  for (guint i = 0; i < drawn; i++)
    fixes += g_array_index (scene->marks, Mark, i).stretch->len;
  /* Tests wait for this line; keep its wording stable. */
  if (drawn != self->drawn || fixes != self->drawn_fixes)
    g_debug ("Deviations drawn: %u, %u fixes of their stretches", drawn, fixes);
  self->drawn = drawn;
  self->drawn_fixes = fixes;
}

static void
situation_changed (DozorRasterLayer *layer,
                   guint             what)
{
  if (what & (DOZOR_SITUATION_ROSTER | DOZOR_SITUATION_AREAS))
    dozor_raster_layer_queue_render (layer);
}

static void
dozor_deviation_layer_class_init (DozorDeviationLayerClass *klass)
{
  DozorRasterLayerClass *raster_class = DOZOR_RASTER_LAYER_CLASS (klass);

  raster_class->prepare = prepare_scene;
  raster_class->draw = draw_scene;
  raster_class->free_scene = (GDestroyNotify) scene_free;
  raster_class->situation_changed = situation_changed;
  raster_class->shown = scene_shown;
  raster_class->render_priority = G_PRIORITY_HIGH + 13;
}

static void
dozor_deviation_layer_init (DozorDeviationLayer *self)
{
}

DozorDeviationLayer *
dozor_deviation_layer_new (ShumateViewport *viewport,
                           DozorSituation  *situation)
{
  return g_object_new (DOZOR_TYPE_DEVIATION_LAYER, "viewport", viewport, "situation", situation, NULL);
}
