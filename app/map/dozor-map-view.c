/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The map: libshumate's map with zoom buttons, scale and attribution, fed by
 * the offline basemap by default or by a tile server the room configures.
 * Which one, and in which colours, follows GSettings and the light/dark
 * style live.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <shumate/shumate.h>

#include "dozor-application.h"
#include "dozor-basemap.h"
#include "dozor-map-view.h"
#include "dozor-tile-source.h"
#include "dozor-tile-url.h"
#include "dozor-unit-layer.h"

/* Must match the TileSource enum in the GSettings schema. */
enum {
  TILE_SOURCE_OFFLINE,
  TILE_SOURCE_ONLINE,
};

/* Where "home" is when the settings say nothing: Almaty, Republic Square. */
#define HOME_LAT  43.2389
#define HOME_LON  76.9453
#define HOME_ZOOM 12.0

/* The map counts as drawn once no tile has arrived for this long. */
#define SETTLE_MS 400

struct _DozorMapView
{
  GtkWidget parent_instance;

  ShumateSimpleMap *simple_map;
  DozorUnitLayer *unit_layer; /* owned by the map */

  GSettings *settings;
  DozorBasemap *basemap;
  GCancellable *cancellable;

  char *source_key;
  ShumateMapSource *map_source;
  ShumateDataSource *data_source;
  gulong received_data_id;

  guint tiles_received;
  guint settle_id;
  gulong after_paint_id;
};

G_DEFINE_FINAL_TYPE (DozorMapView, dozor_map_view, GTK_TYPE_WIDGET)

enum {
  PROBLEM,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
report_problem (DozorMapView *self,
                const char   *message)
{
  g_warning ("%s", message);
  g_signal_emit (self, signals[PROBLEM], 0, message);
}

static void
after_paint_cb (GdkFrameClock *clock,
                DozorMapView  *self)
{
  /* Tests and benchmarks wait for this line; keep its wording stable. */
  g_debug ("Map drawn: %u tiles received", self->tiles_received);
  g_clear_signal_handler (&self->after_paint_id, clock);
}

static gboolean
settled_cb (gpointer user_data)
{
  DozorMapView *self = user_data;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  self->settle_id = 0;

  if (clock != NULL && self->after_paint_id == 0)
    {
      self->after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), self);
      gtk_widget_queue_draw (GTK_WIDGET (self->simple_map));
    }

  return G_SOURCE_REMOVE;
}

static void
received_data_cb (ShumateDataSource *source,
                  int                x,
                  int                y,
                  int                zoom,
                  GBytes            *bytes,
                  DozorMapView      *self)
{
  self->tiles_received++;
  g_clear_handle_id (&self->settle_id, g_source_remove);
  self->settle_id = g_timeout_add (SETTLE_MS, settled_cb, self);
}

static void
clear_source (DozorMapView *self)
{
  if (self->data_source != NULL)
    g_clear_signal_handler (&self->received_data_id, self->data_source);
  g_clear_object (&self->data_source);
  g_clear_object (&self->map_source);
  g_clear_pointer (&self->source_key, g_free);
}

static void
use_source (DozorMapView      *self,
            const char        *key,
            ShumateMapSource  *map_source,
            ShumateDataSource *data_source)
{
  clear_source (self);

  self->source_key = g_strdup (key);
  self->map_source = g_object_ref (map_source);
  self->data_source = g_object_ref (data_source);
  self->received_data_id = g_signal_connect (data_source, "received-data",
                                             G_CALLBACK (received_data_cb), self);

  shumate_simple_map_set_map_source (self->simple_map, map_source);
}

static void
use_offline_source (DozorMapView *self,
                    gboolean      dark)
{
  const char *key = dark ? "offline-dark" : "offline-light";
  g_autoptr(DozorTileSource) tiles = NULL;
  g_autoptr(ShumateRasterRenderer) renderer = NULL;

  if (g_strcmp0 (self->source_key, key) == 0)
    return;

  tiles = dozor_tile_source_new (self->basemap, dark ? DOZOR_MAP_STYLE_DARK : DOZOR_MAP_STYLE_LIGHT);
  renderer = shumate_raster_renderer_new_full (key,
                                               _("Offline map"),
                                               dozor_basemap_get_license (self->basemap),
                                               "https://www.openstreetmap.org/copyright",
                                               0, DOZOR_BASEMAP_MAX_ZOOM,
                                               DOZOR_BASEMAP_TILE_SIZE,
                                               SHUMATE_MAP_PROJECTION_MERCATOR,
                                               SHUMATE_DATA_SOURCE (tiles));
  use_source (self, key, SHUMATE_MAP_SOURCE (renderer), SHUMATE_DATA_SOURCE (tiles));
}

static gboolean
use_online_source (DozorMapView *self,
                   GError      **error)
{
  g_autofree char *url = g_settings_get_string (self->settings, "tile-url");
  g_autofree char *attribution = g_settings_get_string (self->settings, "tile-attribution");
  g_autofree char *key = NULL;
  g_autoptr(ShumateTileDownloader) downloader = NULL;
  g_autoptr(ShumateRasterRenderer) renderer = NULL;

  if (!dozor_tile_url_validate (url, error))
    return FALSE;

  key = g_strdup_printf ("online\n%s\n%s", url, attribution);
  if (g_strcmp0 (self->source_key, key) == 0)
    return TRUE;

  downloader = shumate_tile_downloader_new (url);
  renderer = shumate_raster_renderer_new_full ("dozor-online",
                                               _("Online map"),
                                               attribution,
                                               NULL,
                                               0, DOZOR_BASEMAP_MAX_ZOOM,
                                               DOZOR_BASEMAP_TILE_SIZE,
                                               SHUMATE_MAP_PROJECTION_MERCATOR,
                                               SHUMATE_DATA_SOURCE (downloader));
  use_source (self, key, SHUMATE_MAP_SOURCE (renderer), SHUMATE_DATA_SOURCE (downloader));
  return TRUE;
}

static void
update_source (DozorMapView *self)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  if (g_settings_get_enum (self->settings, "tile-source") == TILE_SOURCE_ONLINE)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *message = NULL;

      if (use_online_source (self, &error))
        return;

      message = g_strdup_printf (_("The online map is not used: %s. Showing the offline map."),
                                 error->message);
      report_problem (self, message);
    }

  use_offline_source (self, dark);
}

static void
settings_changed_cb (GSettings    *settings,
                     const char   *key,
                     DozorMapView *self)
{
  if (g_str_has_prefix (key, "tile-"))
    update_source (self);
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  DozorBasemap *basemap = task_data;
  g_autoptr(GError) error = NULL;

  if (dozor_basemap_load (basemap, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
load_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      DozorMapView *self = DOZOR_MAP_VIEW (object);
      g_autofree char *message =
        g_strdup_printf (_("Part of the offline map could not be loaded: %s"), error->message);

      report_problem (self, message);
    }
}

/* Loading the streets takes a moment: start it at once, in a worker, so the
 * first tiles do not wait for it on the main thread and a broken file is
 * reported even before anybody zooms into the city. */
static void
start_loading_basemap (DozorMapView *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, load_done_cb, NULL);

  g_task_set_source_tag (task, start_loading_basemap);
  g_task_set_task_data (task, g_object_ref (self->basemap), g_object_unref);
  g_task_run_in_thread (task, load_in_thread);
}

static void
dozor_map_view_dispose (GObject *object)
{
  DozorMapView *self = (DozorMapView *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->settle_id, g_source_remove);
  if (self->after_paint_id != 0)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

      if (clock != NULL)
        g_clear_signal_handler (&self->after_paint_id, clock);
      self->after_paint_id = 0;
    }

  clear_source (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), DOZOR_TYPE_MAP_VIEW);

  g_clear_object (&self->settings);
  g_clear_object (&self->basemap);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (dozor_map_view_parent_class)->dispose (object);
}

static void
dozor_map_view_class_init (DozorMapViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_map_view_dispose;

  /**
   * DozorMapView::problem:
   * @message: what went wrong, for the user
   *
   * Something about the map needs the user's attention: a broken data file,
   * an unusable tile server. The map goes on with what it has.
   */
  signals[PROBLEM] = g_signal_new ("problem",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (SHUMATE_TYPE_SIMPLE_MAP);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/map/dozor-map-view.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorMapView, simple_map);

}

static void
dozor_map_view_init (DozorMapView *self)
{
  ShumateViewport *viewport;
  g_autofree char *world_path = dozor_application_find_data ("basemap/natural-earth-z0-3.mbtiles");
  g_autofree char *streets_path = dozor_application_find_data ("almaty/roads.geojson");
  double lat, lon;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  self->basemap = dozor_basemap_new (world_path, streets_path);

  /* Kazakhstan measures in kilometres; a second bar in miles is only noise. */
  shumate_scale_set_unit (shumate_simple_map_get_scale (self->simple_map), SHUMATE_UNIT_METRIC);

  viewport = shumate_simple_map_get_viewport (self->simple_map);
  shumate_viewport_set_min_zoom_level (viewport, 1);
  shumate_viewport_set_max_zoom_level (viewport, DOZOR_BASEMAP_MAX_ZOOM);

  g_settings_get (self->settings, "map-center", "(dd)", &lat, &lon);
  dozor_map_view_go_to (self, lat, lon, g_settings_get_double (self->settings, "map-zoom"), FALSE);

  start_loading_basemap (self);
  update_source (self);

  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self, 0);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_source), self, G_CONNECT_SWAPPED);
}

/**
 * dozor_map_view_go_to:
 * @self: a #DozorMapView
 * @lat: latitude in degrees, or NAN to keep the current one
 * @lon: longitude in degrees, or NAN to keep the current one
 * @zoom: zoom level, or NAN to keep the current one
 * @animate: whether to fly there
 */
void
dozor_map_view_go_to (DozorMapView *self,
                      double        lat,
                      double        lon,
                      double        zoom,
                      gboolean      animate)
{
  ShumateViewport *viewport;

  g_return_if_fail (DOZOR_IS_MAP_VIEW (self));

  viewport = shumate_simple_map_get_viewport (self->simple_map);
  if (isnan (lat) || isnan (lon))
    {
      lat = shumate_location_get_latitude (SHUMATE_LOCATION (viewport));
      lon = shumate_location_get_longitude (SHUMATE_LOCATION (viewport));
    }
  if (isnan (zoom))
    zoom = shumate_viewport_get_zoom_level (viewport);

  if (animate)
    {
      shumate_map_go_to_full (shumate_simple_map_get_map (self->simple_map), lat, lon, zoom);
    }
  else
    {
      shumate_viewport_set_zoom_level (viewport, zoom);
      shumate_location_set_location (SHUMATE_LOCATION (viewport), lat, lon);
    }
}

/**
 * dozor_map_view_zoom_by:
 * @self: a #DozorMapView
 * @delta: zoom levels to add, negative to zoom out
 *
 * Zooms around the centre to a whole zoom level, where tiles are sharpest.
 */
void
dozor_map_view_zoom_by (DozorMapView *self,
                        double        delta)
{
  ShumateViewport *viewport;
  double zoom;

  g_return_if_fail (DOZOR_IS_MAP_VIEW (self));

  viewport = shumate_simple_map_get_viewport (self->simple_map);
  zoom = CLAMP (round (shumate_viewport_get_zoom_level (viewport)) + delta,
                shumate_viewport_get_min_zoom_level (viewport),
                shumate_viewport_get_max_zoom_level (viewport));
  dozor_map_view_go_to (self, NAN, NAN, zoom, TRUE);
}

/**
 * dozor_map_view_go_home:
 * @self: a #DozorMapView
 *
 * Flies back to the city the board watches.
 */
void
dozor_map_view_go_home (DozorMapView *self)
{
  dozor_map_view_go_to (self, HOME_LAT, HOME_LON, HOME_ZOOM, TRUE);
}

/**
 * dozor_map_view_save_state:
 * @self: a #DozorMapView
 *
 * Remembers where the map looks, so the board opens there next time.
 */
void
dozor_map_view_save_state (DozorMapView *self)
{
  ShumateViewport *viewport;

  g_return_if_fail (DOZOR_IS_MAP_VIEW (self));

  viewport = shumate_simple_map_get_viewport (self->simple_map);
  g_settings_set (self->settings, "map-center", "(dd)",
                  shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
                  shumate_location_get_longitude (SHUMATE_LOCATION (viewport)));
  g_settings_set_double (self->settings, "map-zoom", shumate_viewport_get_zoom_level (viewport));
}

/**
 * dozor_map_view_show_situation:
 * @self: a #DozorMapView
 * @situation: the units (and later incidents, routes and zones) to draw
 */
void
dozor_map_view_show_situation (DozorMapView   *self,
                               DozorSituation *situation)
{
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->simple_map);

  g_return_if_fail (self->unit_layer == NULL);

  self->unit_layer = dozor_unit_layer_new (viewport, situation);
  shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (self->unit_layer));
}
