/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GIS features that are not (yet) the backend's: a file being imported,
 * drawn bright so the supervisor sees where it lies before sending it to
 * every board, and local overlays that only this board shows, drawn
 * muted. Each set is turned into world coordinates once, in a worker, and
 * rasterised with the other layers (DozorRasterLayer); a file of millions
 * of positions never stalls the main thread.
 */
#include "config.h"

#include <math.h>

#include "dozor-geo.h"
#include "dozor-gis-layer.h"
#include "dozor-preview-layer.h"

#define POINT_RADIUS 3.5

typedef struct
{
  DozorGisShape shape;
  GPtrArray *parts; /* GArray of world (x, y) double pairs */
  double min_x, min_y, max_x, max_y;
} Shape;

/* One set of shapes, shared read-only by every render that shows it. */
typedef struct
{
  gatomicrefcount ref_count;
  GPtrArray *shapes;
  gboolean highlight;
} ShapeSet;

struct _DozorPreviewLayer
{
  DozorRasterLayer parent_instance;

  GHashTable *sets;       /* key → ShapeSet */
  GHashTable *loading;    /* key → GCancellable of its conversion */
};

G_DEFINE_FINAL_TYPE (DozorPreviewLayer, dozor_preview_layer, DOZOR_TYPE_RASTER_LAYER)

static void
shape_free (Shape *shape)
{
  g_ptr_array_unref (shape->parts);
  g_free (shape);
}

static ShapeSet *
shape_set_ref (ShapeSet *set)
{
  g_atomic_ref_count_inc (&set->ref_count);
  return set;
}

static void
shape_set_unref (ShapeSet *set)
{
  if (g_atomic_ref_count_dec (&set->ref_count))
    {
      g_ptr_array_unref (set->shapes);
      g_free (set);
    }
}

/* In a worker: every feature of every layer, in world coordinates. */
static ShapeSet *
shape_set_new (GPtrArray    *gis_layers,
               gboolean      highlight,
               GCancellable *cancellable)
{
  ShapeSet *set = g_new0 (ShapeSet, 1);

  g_atomic_ref_count_init (&set->ref_count);
  set->highlight = highlight;
  set->shapes = g_ptr_array_new_with_free_func ((GDestroyNotify) shape_free);

  for (guint l = 0; l < gis_layers->len && !g_cancellable_is_cancelled (cancellable); l++)
    {
      DozorGisLayer *layer = g_ptr_array_index (gis_layers, l);

      for (guint i = 0; i < dozor_gis_layer_get_n_features (layer); i++)
        {
          g_autoptr(GPtrArray) parts = dozor_gis_layer_get_parts (layer, i);
          Shape *shape = g_new0 (Shape, 1);

          shape->shape = dozor_gis_layer_get_shape (layer, i);
          shape->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
          shape->min_x = shape->min_y = G_MAXDOUBLE;
          shape->max_x = shape->max_y = -G_MAXDOUBLE;
          for (guint p = 0; p < parts->len; p++)
            {
              GArray *lon_lat = g_ptr_array_index (parts, p);
              GArray *world = g_array_sized_new (FALSE, FALSE, sizeof (double) * 2, lon_lat->len);

              for (guint v = 0; v < lon_lat->len; v++)
                {
                  const double *position = &g_array_index (lon_lat, double, v * 2);
                  double xy[2];

                  /* Web Mercator ends short of the poles. */
                  dozor_geo_lon_lat_to_world (position[0], CLAMP (position[1], -DOZOR_GEO_MAX_LATITUDE,
                                                                  DOZOR_GEO_MAX_LATITUDE), &xy[0], &xy[1]);
                  shape->min_x = MIN (shape->min_x, xy[0]);
                  shape->min_y = MIN (shape->min_y, xy[1]);
                  shape->max_x = MAX (shape->max_x, xy[0]);
                  shape->max_y = MAX (shape->max_y, xy[1]);
                  g_array_append_vals (world, xy, 1);
                }
              g_ptr_array_add (shape->parts, world);
            }
          g_ptr_array_add (set->shapes, shape);
        }
    }
  return set;
}

typedef struct
{
  GPtrArray *sets; /* ShapeSet, muted ones first */
} Scene;

static void
scene_free (Scene *scene)
{
  g_ptr_array_unref (scene->sets);
  g_free (scene);
}

static gpointer
prepare_scene (DozorRasterLayer      *layer,
               const DozorRasterView *view)
{
  DozorPreviewLayer *self = DOZOR_PREVIEW_LAYER (layer);
  GHashTableIter iter;
  ShapeSet *set;
  Scene *scene;

  if (g_hash_table_size (self->sets) == 0)
    return NULL;

  scene = g_new0 (Scene, 1);
  scene->sets = g_ptr_array_new_with_free_func ((GDestroyNotify) shape_set_unref);
  for (int pass = 0; pass < 2; pass++)
    {
      g_hash_table_iter_init (&iter, self->sets);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &set))
        if (set->highlight == (pass == 1))
          g_ptr_array_add (scene->sets, shape_set_ref (set));
    }
  return scene;
}

static void
draw_shape (cairo_t               *cr,
            const DozorRasterView *view,
            const Shape           *shape,
            gboolean               highlight)
{
  /* Amber for what is about to be imported, a dim orange for overlays:
   * neither is a colour the units or the backend's areas use. */
  double r = highlight ? 1.0 : 0.95, g = highlight ? 0.80 : 0.55, b = highlight ? 0.10 : 0.25;
  double alpha = highlight ? 0.95 : 0.6;

  cairo_new_path (cr);
  if (shape->shape == DOZOR_GIS_SHAPE_POINT)
    {
      for (guint p = 0; p < shape->parts->len; p++)
        {
          GArray *part = shape->parts->pdata[p];
          double x, y;

          if (part->len == 0)
            continue;
          dozor_raster_view_project (view, g_array_index (part, double, 0), g_array_index (part, double, 1), &x, &y);
          cairo_new_sub_path (cr);
          cairo_arc (cr, x, y, POINT_RADIUS, 0, 2 * G_PI);
        }
      cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.8);
      cairo_set_line_width (cr, 2);
      cairo_stroke_preserve (cr);
      cairo_set_source_rgba (cr, r, g, b, alpha);
      cairo_fill (cr);
      return;
    }

  for (guint p = 0; p < shape->parts->len; p++)
    dozor_raster_view_trace (cr, view, shape->parts->pdata[p]);
  if (shape->shape == DOZOR_GIS_SHAPE_POLYGON)
    {
      cairo_close_path (cr);
      cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
      cairo_set_source_rgba (cr, r, g, b, highlight ? 0.18 : 0.08);
      cairo_fill_preserve (cr);
    }
  cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.5);
  cairo_set_line_width (cr, 4);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgba (cr, r, g, b, alpha);
  cairo_set_line_width (cr, 2);
  cairo_stroke (cr);
}

static void
draw_scene (gpointer               data,
            cairo_t               *cr,
            const DozorRasterView *view,
            DozorPointIndex       *index)
{
  Scene *scene = data;

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint s = 0; s < scene->sets->len; s++)
    {
      ShapeSet *set = scene->sets->pdata[s];

      for (guint i = 0; i < set->shapes->len; i++)
        {
          const Shape *shape = set->shapes->pdata[i];
          double x0, y0, x1, y1;

          dozor_raster_view_project (view, shape->min_x, shape->min_y, &x0, &y0);
          dozor_raster_view_project (view, shape->max_x, shape->max_y, &x1, &y1);
          if (x1 < -POINT_RADIUS || y1 < -POINT_RADIUS || x0 > view->width + POINT_RADIUS ||
              y0 > view->height + POINT_RADIUS)
            continue;
          draw_shape (cr, view, shape, set->highlight);
        }
    }
}

typedef struct
{
  DozorPreviewLayer *self;
  char *key;
  GPtrArray *gis_layers;
  gboolean highlight;
} Conversion;

static void
conversion_free (Conversion *conversion)
{
  g_object_unref (conversion->self);
  g_free (conversion->key);
  g_ptr_array_unref (conversion->gis_layers);
  g_free (conversion);
}

static void
convert_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Conversion *conversion = task_data;

  g_task_return_pointer (task, shape_set_new (conversion->gis_layers, conversion->highlight, cancellable),
                         (GDestroyNotify) shape_set_unref);
}

static void
converted_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Conversion *conversion = g_task_get_task_data (G_TASK (result));
  DozorPreviewLayer *self = conversion->self;
  ShapeSet *set = g_task_propagate_pointer (G_TASK (result), NULL);

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))) || self->sets == NULL)
    {
      g_clear_pointer (&set, shape_set_unref);
      return;
    }
  g_hash_table_remove (self->loading, conversion->key);
  g_hash_table_replace (self->sets, g_strdup (conversion->key), set);
  dozor_raster_layer_queue_render (DOZOR_RASTER_LAYER (self));
}

/**
 * dozor_preview_layer_show:
 * @self: a #DozorPreviewLayer
 * @key: names the set, to replace or hide it later
 * @gis_layers: (element-type DozorGisLayer): features to show; not changed
 *   while shown
 * @highlight: drawn bright (an import under way) or muted (an overlay)
 *
 * Shows the features once they are converted, in a worker, replacing the
 * set of that name.
 */
void
dozor_preview_layer_show (DozorPreviewLayer *self,
                          const char        *key,
                          GPtrArray         *gis_layers,
                          gboolean           highlight)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GTask) task = NULL;
  Conversion *conversion;

  g_return_if_fail (DOZOR_IS_PREVIEW_LAYER (self));

  dozor_preview_layer_hide (self, key);
  conversion = g_new0 (Conversion, 1);
  conversion->self = g_object_ref (self);
  conversion->key = g_strdup (key);
  conversion->gis_layers = g_ptr_array_ref (gis_layers);
  conversion->highlight = highlight;

  task = g_task_new (NULL, cancellable, converted_cb, NULL);
  g_task_set_task_data (task, conversion, (GDestroyNotify) conversion_free);
  g_hash_table_replace (self->loading, g_strdup (key), g_object_ref (cancellable));
  g_task_run_in_thread (task, convert_thread);
}

/**
 * dozor_preview_layer_hide:
 * @self: a #DozorPreviewLayer
 * @key: the set's name
 */
void
dozor_preview_layer_hide (DozorPreviewLayer *self,
                          const char        *key)
{
  GCancellable *loading;

  g_return_if_fail (DOZOR_IS_PREVIEW_LAYER (self));

  loading = g_hash_table_lookup (self->loading, key);
  if (loading != NULL)
    {
      g_cancellable_cancel (loading);
      g_hash_table_remove (self->loading, key);
    }
  if (g_hash_table_remove (self->sets, key))
    dozor_raster_layer_queue_render (DOZOR_RASTER_LAYER (self));
}

static void
dozor_preview_layer_dispose (GObject *object)
{
  DozorPreviewLayer *self = DOZOR_PREVIEW_LAYER (object);
  GHashTableIter iter;
  GCancellable *cancellable;

  if (self->loading != NULL)
    {
      g_hash_table_iter_init (&iter, self->loading);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &cancellable))
        g_cancellable_cancel (cancellable);
    }
  g_clear_pointer (&self->loading, g_hash_table_unref);
  g_clear_pointer (&self->sets, g_hash_table_unref);

  G_OBJECT_CLASS (dozor_preview_layer_parent_class)->dispose (object);
}

static void
dozor_preview_layer_class_init (DozorPreviewLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DozorRasterLayerClass *raster_class = DOZOR_RASTER_LAYER_CLASS (klass);

  object_class->dispose = dozor_preview_layer_dispose;
  raster_class->prepare = prepare_scene;
  raster_class->draw = draw_scene;
  raster_class->free_scene = (GDestroyNotify) scene_free;
  raster_class->render_priority = G_PRIORITY_HIGH + 20;
}

static void
dozor_preview_layer_init (DozorPreviewLayer *self)
{
  self->sets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) shape_set_unref);
  self->loading = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

DozorPreviewLayer *
dozor_preview_layer_new (ShumateViewport *viewport,
                         DozorSituation  *situation)
{
  return g_object_new (DOZOR_TYPE_PREVIEW_LAYER, "viewport", viewport, "situation", situation, NULL);
}
