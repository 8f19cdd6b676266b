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
#include "dozor-area-layer.h"
#include "dozor-band-layer.h"
#include "dozor-crisis-layer.h"
#include "dozor-basemap-layer.h"
#include "dozor-basemap.h"
#include "dozor-geo.h"
#include "dozor-incident-layer.h"
#include "dozor-map-description.h"
#include "dozor-map-keys.h"
#include "dozor-post-layer.h"
#include "dozor-labels.h"
#include "dozor-map-view.h"
#include "dozor-scale-bar.h"
#include "dozor-preview-layer.h"
#include "dozor-pulse-layer.h"
#include "dozor-deviation-layer.h"
#include "dozor-roster-layer.h"
#include "dozor-tile-map-source.h"
#include "dozor-tile-source.h"
#include "dozor-tile-url.h"
#include "dozor-unit-drag.h"
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
/* A wall's incident labels say minutes waited: drawn anew this often. */
#define WALL_AGE_REFRESH_SECONDS 20

/* How near a patrol route a unit must be dropped to be assigned to it. */
#define ROUTE_PICK_PX 12.0

struct _DozorMapView
{
  GtkWidget parent_instance;

  ShumateSimpleMap *simple_map;
  GtkWidget *scale_bar;
  /* Owned by the map; their order is dozor_map_view_show_situation()'s. */
  DozorBasemapLayer *basemap_layer;
  DozorAreaLayer *area_layer;
  DozorCrisisLayer *crisis_layer;
  DozorPreviewLayer *preview_layer;
  double pending_extent[4];   /* west, south, east, north, for when there is a size */
  guint extent_tick_id;
  DozorIncidentLayer *incident_layer;
  DozorPostLayer *post_layer;
  DozorRosterLayer *roster_layer;
  DozorDeviationLayer *deviation_layer;
  DozorUnitLayer *unit_layer;
  DozorPulseLayer *pulse_layer;
  DozorSituation *situation;
  DozorMapDescription *description;  /* for screen readers */
  DozorMapKeys *keys;                /* its items, one by one, from the keyboard */

  char *selected_unit;
  char *selected_incident;
  double label_size;          /* 0 for the desk's */
  gboolean wall;              /* the layers label and mark as on a wall */
  DozorWallMarks wall_marks;
  gboolean can_dispatch;
  gboolean can_register;

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
  DISPATCH_REQUESTED,
  PLACE_CLICKED,
  CRISIS_AREA_EDITED,
  UNITS_BOXED,
  UNIT_DROPPED_ON_POST,
  UNIT_DROPPED_ON_ROUTE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_SELECTED_UNIT,
  PROP_SELECTED_INCIDENT,
  PROP_CAN_DISPATCH,
  PROP_CAN_REGISTER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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

/* The offline source gives libshumate its composed images, not PNG
 * (DozorTileMapSource): its tiles are counted as they are composed. */
static void
tile_ready_cb (DozorTileSource *source,
               int              zoom,
               int              x,
               int              y,
               DozorMapView    *self)
{
  received_data_cb (SHUMATE_DATA_SOURCE (source), x, y, zoom, NULL, self);
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

/* The offline tiles go into the overlays' image; online ones cannot. */
static void
basemap_layer_follow_source (DozorMapView *self)
{
  if (self->basemap_layer != NULL)
    dozor_basemap_layer_set_tile_source (self->basemap_layer, DOZOR_IS_TILE_SOURCE (self->data_source)
                                                                ? DOZOR_TILE_SOURCE (self->data_source) : NULL);
}

/* While the overlays' tiles cover the view, libshumate's tile layer draws
 * nothing: what GTK's GL renderer uploaded for its tiles can go (a copy of
 * each in memory on llvmpipe; dozor-tile-paintable.c). */
static void
covering_cb (DozorMapView *self)
{
  if (dozor_basemap_layer_get_covering (self->basemap_layer) && DOZOR_IS_TILE_MAP_SOURCE (self->map_source))
    dozor_tile_map_source_release_textures (DOZOR_TILE_MAP_SOURCE (self->map_source));
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
  if (DOZOR_IS_TILE_SOURCE (data_source))
    self->received_data_id = g_signal_connect (data_source, "tile-ready", G_CALLBACK (tile_ready_cb), self);
  else
    self->received_data_id = g_signal_connect (data_source, "received-data",
                                               G_CALLBACK (received_data_cb), self);

  shumate_simple_map_set_map_source (self->simple_map, map_source);
  basemap_layer_follow_source (self);
}

static void
use_offline_source (DozorMapView *self,
                    gboolean      dark)
{
  const char *key = dark ? "offline-dark" : "offline-light";
  g_autoptr(DozorTileSource) tiles = NULL;
  g_autoptr(DozorTileMapSource) map_source = NULL;

  if (g_strcmp0 (self->source_key, key) == 0)
    return;

  tiles = dozor_tile_source_new (self->basemap, dark ? DOZOR_MAP_STYLE_DARK : DOZOR_MAP_STYLE_LIGHT);
  map_source = dozor_tile_map_source_new (tiles, key, _("Offline map"));
  use_source (self, key, SHUMATE_MAP_SOURCE (map_source), SHUMATE_DATA_SOURCE (tiles));
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

/* The desk's Layers (map.layer-* actions, bound to these keys): each layer
 * redraws only when what it shows changes. */
static void
apply_layers (DozorMapView *self)
{
  DozorAreaKinds kinds = 0;

  if (self->area_layer == NULL)
    return;
  if (g_settings_get_boolean (self->settings, "layer-districts"))
    kinds |= DOZOR_AREA_DISTRICTS;
  if (g_settings_get_boolean (self->settings, "layer-sectors"))
    kinds |= DOZOR_AREA_SECTORS;
  if (g_settings_get_boolean (self->settings, "layer-routes"))
    kinds |= DOZOR_AREA_ROUTES;
  if (g_settings_get_boolean (self->settings, "layer-places"))
    kinds |= DOZOR_AREA_PLACES;
  dozor_area_layer_set_shown (self->area_layer, kinds);
  dozor_unit_layer_set_trails (self->unit_layer, g_settings_get_boolean (self->settings, "layer-trails"));
  dozor_incident_layer_set_lines (self->incident_layer, g_settings_get_boolean (self->settings, "layer-dispatch-lines"));
}

static void
settings_changed_cb (GSettings    *settings,
                     const char   *key,
                     DozorMapView *self)
{
  if (g_str_has_prefix (key, "tile-"))
    update_source (self);
  else if (g_str_has_prefix (key, "layer-"))
    apply_layers (self);
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
  if (self->extent_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->extent_tick_id);
      self->extent_tick_id = 0;
    }
  if (self->after_paint_id != 0)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

      if (clock != NULL)
        g_clear_signal_handler (&self->after_paint_id, clock);
      self->after_paint_id = 0;
    }

  clear_source (self);
  g_clear_pointer (&self->scale_bar, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), DOZOR_TYPE_MAP_VIEW);

  g_clear_object (&self->description);
  g_clear_object (&self->keys);
  g_clear_object (&self->settings);
  g_clear_object (&self->basemap);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->situation);
  g_clear_pointer (&self->selected_unit, g_free);
  g_clear_pointer (&self->selected_incident, g_free);

  G_OBJECT_CLASS (dozor_map_view_parent_class)->dispose (object);
}

static void
dozor_map_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DozorMapView *self = DOZOR_MAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_SELECTED_UNIT:
      g_value_set_string (value, self->selected_unit);
      break;
    case PROP_SELECTED_INCIDENT:
      g_value_set_string (value, self->selected_incident);
      break;
    case PROP_CAN_DISPATCH:
      g_value_set_boolean (value, self->can_dispatch);
      break;
    case PROP_CAN_REGISTER:
      g_value_set_boolean (value, self->can_register);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dozor_map_view_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DozorMapView *self = DOZOR_MAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_SELECTED_UNIT:
      dozor_map_view_select_unit (self, g_value_get_string (value));
      break;
    case PROP_SELECTED_INCIDENT:
      dozor_map_view_select_incident (self, g_value_get_string (value));
      break;
    case PROP_CAN_DISPATCH:
      self->can_dispatch = g_value_get_boolean (value);
      /* Who dispatches also sets the readiness (supervisors, admins). */
      if (self->crisis_layer != NULL)
        dozor_crisis_layer_set_editable (self->crisis_layer, self->can_dispatch);
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_CAN_REGISTER:
      self->can_register = g_value_get_boolean (value);
      g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* GTK's own focus step moves only among a widget's children, so with the
 * zoom buttons inside it Tab went past the map itself and its keys were
 * reachable only by a click. The map takes the focus itself on the way in,
 * forward before its buttons, backward after them. */
static gboolean
dozor_map_view_focus (GtkWidget        *widget,
                      GtkDirectionType  direction)
{
  gboolean backward = direction == GTK_DIR_TAB_BACKWARD;

  if (!gtk_widget_get_focusable (widget))
    return GTK_WIDGET_CLASS (dozor_map_view_parent_class)->focus (widget, direction);
  if (gtk_widget_is_focus (widget))
    return backward ? FALSE : GTK_WIDGET_CLASS (dozor_map_view_parent_class)->focus (widget, direction);
  if (gtk_widget_get_focus_child (widget) == NULL && !backward)
    return gtk_widget_grab_focus (widget);
  if (GTK_WIDGET_CLASS (dozor_map_view_parent_class)->focus (widget, direction))
    return TRUE;
  return backward ? gtk_widget_grab_focus (widget) : FALSE;
}

static void
dozor_map_view_class_init (DozorMapViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_map_view_dispose;
  object_class->get_property = dozor_map_view_get_property;
  object_class->set_property = dozor_map_view_set_property;
  widget_class->focus = dozor_map_view_focus;

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

  /**
   * DozorMapView::dispatch-requested:
   * @unit_id: the unit dropped
   * @incident_id: the incident it was dropped on
   *
   * A supervisor dragged a unit onto an incident. Nothing is sent yet: the
   * window confirms and sends the command.
   */
  signals[DISPATCH_REQUESTED] = g_signal_new ("dispatch-requested",
                                              G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST,
                                              0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * DozorMapView::place-clicked:
   * @lat: where, on empty map
   * @lon: where
   *
   * A click on the map where no unit or incident is: a scene, if an
   * incident is being registered.
   */
  signals[PLACE_CLICKED] = g_signal_new ("place-clicked",
                                         G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  /**
   * DozorMapView::crisis-area-edited:
   * @area: the crisis area as a supervisor dragged it, JSON text
   *
   * Nothing is sent yet: the readiness controller sends the command.
   */
  signals[CRISIS_AREA_EDITED] = g_signal_new ("crisis-area-edited",
                                              G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST,
                                              0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * DozorMapView::units-boxed:
   * @unit_ids: (array zero-terminated=1): the units in a box drawn with
   *   Shift+drag, maybe none
   */
  signals[UNITS_BOXED] = g_signal_new ("units-boxed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRV);

  /**
   * DozorMapView::unit-dropped-on-post:
   * @unit_id: the unit dropped
   * @plan_id: the plan of the post
   * @post_id: the post it was dropped on
   *
   * A supervisor dragged a unit onto a post of a plan, to correct the
   * proposal being confirmed. Nothing is sent.
   */
  signals[UNIT_DROPPED_ON_POST] = g_signal_new ("unit-dropped-on-post", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                                G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * DozorMapView::unit-dropped-on-route:
   * @unit_id: the unit dropped
   * @route_id: the patrol route it was dropped on
   *
   * A supervisor dragged a unit onto a patrol route (where no incident or
   * post is): the duty roster's assignment. Nothing is sent yet.
   */
  signals[UNIT_DROPPED_ON_ROUTE] = g_signal_new ("unit-dropped-on-route", G_TYPE_FROM_CLASS (klass),
                                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                                 G_TYPE_STRING, G_TYPE_STRING);

  properties[PROP_SELECTED_UNIT] =
    g_param_spec_string ("selected-unit", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_INCIDENT] =
    g_param_spec_string ("selected-incident", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Whether units may be dragged onto incidents (a supervisor's board). */
  properties[PROP_CAN_DISPATCH] =
    g_param_spec_boolean ("can-dispatch", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Whether a right click offers to register an incident (an operator's). */
  properties[PROP_CAN_REGISTER] =
    g_param_spec_boolean ("can-register", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

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

  self->can_dispatch = self->can_register = TRUE;
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  self->basemap = dozor_basemap_new (world_path, streets_path);

  /* Kazakhstan measures in kilometres; a second bar in miles is only noise. */
  shumate_scale_set_unit (shumate_simple_map_get_scale (self->simple_map), SHUMATE_UNIT_METRIC);

  viewport = shumate_simple_map_get_viewport (self->simple_map);
  shumate_viewport_set_min_zoom_level (viewport, 1);
  shumate_viewport_set_max_zoom_level (viewport, DOZOR_BASEMAP_MAX_ZOOM);

  /* libshumate 1.0.3's scale says "km" in every language: ours in its place. */
  gtk_widget_set_visible (GTK_WIDGET (shumate_simple_map_get_scale (self->simple_map)), FALSE);
  self->scale_bar = dozor_scale_bar_new (viewport);
  gtk_widget_set_parent (self->scale_bar, GTK_WIDGET (self));

  g_settings_get (self->settings, "map-center", "(dd)", &lat, &lon);
  dozor_map_view_go_to (self, lat, lon, g_settings_get_double (self->settings, "map-zoom"), FALSE);

  start_loading_basemap (self);
  update_source (self);

  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self, 0);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_source), self, G_CONNECT_SWAPPED);
}

/**
 * dozor_map_view_get_center:
 * @self: a #DozorMapView
 * @lat: (out): the latitude at the middle of the view
 * @lon: (out): the longitude there
 */
void
dozor_map_view_get_center (DozorMapView *self,
                           double       *lat,
                           double       *lon)
{
  ShumateViewport *viewport;

  g_return_if_fail (DOZOR_IS_MAP_VIEW (self));

  viewport = shumate_simple_map_get_viewport (self->simple_map);
  *lat = shumate_location_get_latitude (SHUMATE_LOCATION (viewport));
  *lon = shumate_location_get_longitude (SHUMATE_LOCATION (viewport));
}

/**
 * dozor_map_view_get_view:
 * @self: a #DozorMapView
 * @view: (out caller-allocates): where it looks, at what zoom, and its size
 *   in pixels (0 before it is laid out)
 *
 * What the map shows now, for framing to decide whether to move it.
 */
void
dozor_map_view_get_view (DozorMapView *self,
                         DozorView    *view)
{
  g_return_if_fail (DOZOR_IS_MAP_VIEW (self));

  dozor_map_view_get_center (self, &view->lat, &view->lon);
  view->zoom = shumate_viewport_get_zoom_level (shumate_simple_map_get_viewport (self->simple_map));
  view->width = gtk_widget_get_width (GTK_WIDGET (self));
  view->height = gtk_widget_get_height (GTK_WIDGET (self));
}

/**
 * dozor_map_view_get_bounds:
 * @self: a #DozorMapView
 * @south: (out): the southern edge of what the map shows, in degrees
 * @west: (out): its western edge
 * @north: (out): its northern edge
 * @east: (out): its eastern edge
 *
 * The box around what the map shows now (around its four corners, should
 * the map be turned).
 */
void
dozor_map_view_get_bounds (DozorMapView *self,
                           double       *south,
                           double       *west,
                           double       *north,
                           double       *east)
{
  ShumateViewport *viewport;
  double width, height;

  g_return_if_fail (DOZOR_IS_MAP_VIEW (self));
  g_return_if_fail (self->unit_layer != NULL);

  viewport = shumate_simple_map_get_viewport (self->simple_map);
  width = gtk_widget_get_width (GTK_WIDGET (self->unit_layer));
  height = gtk_widget_get_height (GTK_WIDGET (self->unit_layer));
  *south = *west = G_MAXDOUBLE;
  *north = *east = -G_MAXDOUBLE;
  for (guint corner = 0; corner < 4; corner++)
    {
      double lat, lon;

      shumate_viewport_widget_coords_to_location (viewport, GTK_WIDGET (self->unit_layer),
                                                  corner & 1 ? width : 0, corner & 2 ? height : 0, &lat, &lon);
      *south = MIN (*south, lat);
      *north = MAX (*north, lat);
      *west = MIN (*west, lon);
      *east = MAX (*east, lon);
    }
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
 * dozor_map_view_fly_to:
 * @self: a #DozorMapView
 * @lat: latitude in degrees
 * @lon: longitude in degrees
 * @zoom: zoom level
 * @duration_ms: how long the flight takes
 *
 * Flies there in a set time: libshumate's own choice, from the distance,
 * may outlast a wall's framing interval, and the next look would find the
 * map still on its way.
 */
void
dozor_map_view_fly_to (DozorMapView *self,
                       double        lat,
                       double        lon,
                       double        zoom,
                       guint         duration_ms)
{
  g_return_if_fail (DOZOR_IS_MAP_VIEW (self));

  shumate_map_go_to_full_with_duration (shumate_simple_map_get_map (self->simple_map), lat, lon, zoom, duration_ms);
}

static gboolean
show_pending_extent (GtkWidget     *widget,
                     GdkFrameClock *clock,
                     gpointer       user_data)
{
  DozorMapView *self = DOZOR_MAP_VIEW (widget);

  if (gtk_widget_get_width (widget) <= 0)
    return G_SOURCE_CONTINUE;
  self->extent_tick_id = 0;
  dozor_map_view_show_extent (self, self->pending_extent[0], self->pending_extent[1], self->pending_extent[2],
                              self->pending_extent[3]);
  return G_SOURCE_REMOVE;
}

/**
 * dozor_map_view_show_extent:
 * @self: a #DozorMapView
 * @west: the smallest longitude
 * @south: the smallest latitude
 * @east: the largest longitude
 * @north: the largest latitude
 *
 * Flies to the zoom at which the whole box is in view, with a margin.
 */
void
dozor_map_view_show_extent (DozorMapView *self,
                            double        west,
                            double        south,
                            double        east,
                            double        north)
{
  double wx0, wy0, wx1, wy1, span, zoom;
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  g_return_if_fail (DOZOR_IS_MAP_VIEW (self));

  /* Not laid out yet (a file opened from the command line): once it is. */
  if (width <= 0 || height <= 0)
    {
      self->pending_extent[0] = west;
      self->pending_extent[1] = south;
      self->pending_extent[2] = east;
      self->pending_extent[3] = north;
      if (self->extent_tick_id == 0)
        self->extent_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), show_pending_extent, NULL, NULL);
      return;
    }

  dozor_geo_lon_lat_to_world (west, CLAMP (north, -DOZOR_GEO_MAX_LATITUDE, DOZOR_GEO_MAX_LATITUDE), &wx0, &wy0);
  dozor_geo_lon_lat_to_world (east, CLAMP (south, -DOZOR_GEO_MAX_LATITUDE, DOZOR_GEO_MAX_LATITUDE), &wx1, &wy1);
  /* World coordinates run 0…1 over 256 pixels at zoom 0. */
  span = MAX ((wx1 - wx0) * 256 / width, (wy1 - wy0) * 256 / height) * 1.2;
  zoom = span > 0 ? CLAMP (floor (-log2 (span)), 2, 17) : 15;
  g_debug ("Showing %g…%g, %g…%g at zoom %g", west, east, south, north, zoom);
  dozor_map_view_go_to (self, (south + north) / 2, (west + east) / 2, zoom, TRUE);
}

/**
 * dozor_map_view_show_features:
 * @self: a #DozorMapView
 * @key: names the set, to replace or hide it later
 * @gis_layers: (element-type DozorGisLayer): features not from the backend
 * @highlight: bright (an import being prepared) or muted (a local overlay)
 */
void
dozor_map_view_show_features (DozorMapView *self,
                              const char   *key,
                              GPtrArray    *gis_layers,
                              gboolean      highlight)
{
  g_return_if_fail (DOZOR_IS_MAP_VIEW (self));
  g_return_if_fail (self->preview_layer != NULL);

  dozor_preview_layer_show (self->preview_layer, key, gis_layers, highlight);
}

void
dozor_map_view_hide_features (DozorMapView *self,
                              const char   *key)
{
  g_return_if_fail (DOZOR_IS_MAP_VIEW (self));

  if (self->preview_layer != NULL)
    dozor_preview_layer_hide (self->preview_layer, key);
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

static char *
unit_tooltip (DozorMapView *self,
              const char   *unit_id)
{
  DozorUnit *unit = dozor_situation_get_unit (self->situation, unit_id);
  g_autofree char *age = NULL;

  if (unit == NULL)
    return NULL;
  age = dozor_format_age (dozor_situation_get_now (self->situation) - unit->fix_time);
  if (dozor_situation_get_now (self->situation) - unit->fix_time > DOZOR_UNIT_STALE_SECONDS * G_USEC_PER_SEC)
    /* Translators: a unit's tooltip: call sign, status, how old its position is */
    return g_strdup_printf (_("%s\n%s · position %s old, not current"), unit->call_sign,
                            dozor_unit_status_label (unit->status), age);
  return g_strdup_printf (_("%s\n%s · position %s old"), unit->call_sign,
                          dozor_unit_status_label (unit->status), age);
}

static char *
incident_tooltip (DozorMapView *self,
                  const char   *incident_id)
{
  JsonObject *incident = dozor_situation_get_entity (self->situation, "incident", incident_id);
  const char *created;
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *age = NULL;

  if (incident == NULL)
    return NULL;
  created = json_object_get_string_member_with_default (incident, "created_at", NULL);
  time = created != NULL ? g_date_time_new_from_iso8601 (created, NULL) : NULL;
  age = time != NULL ? dozor_format_age (dozor_situation_get_now (self->situation) -
                                         g_date_time_to_unix (time) * G_USEC_PER_SEC)
                     : g_strdup ("?");
  /* Translators: an incident's tooltip: number, type, priority, address, status, age */
  return g_strdup_printf (_("%s · %s · %s\n%s\n%s, registered %s ago"),
                          json_object_get_string_member_with_default (incident, "number", ""),
                          dozor_incident_type_label (json_object_get_string_member_with_default (incident, "type", NULL)),
                          dozor_priority_label (json_object_get_int_member_with_default (incident, "priority", 0)),
                          json_object_get_string_member_with_default (incident, "address", ""),
                          dozor_incident_status_label (json_object_get_string_member_with_default (incident, "status", NULL)),
                          age);
}

/* A camera's stream address is in its tooltip: the room opens it in the
 * video system, which Dozor does not replace. */
static char *
place_tooltip (DozorMapView *self,
               const char   *place_id)
{
  JsonObject *place = dozor_situation_get_entity (self->situation, "place", place_id);
  const char *name, *detail;
  gboolean camera;

  if (place == NULL)
    return NULL;
  name = json_object_get_string_member_with_default (place, "name", "");
  camera = g_strcmp0 (json_object_get_string_member_with_default (place, "kind", ""), "camera") == 0;
  detail = json_object_get_string_member_with_default (place, camera ? "stream_url" : "category", NULL);
  if (camera)
    /* Translators: a camera's tooltip: its name, then its stream URL or nothing */
    return g_strdup_printf (_("Camera: %s\n%s"), name, detail != NULL ? detail : _("no stream address"));
  if (detail != NULL)
    /* Translators: a point of interest's tooltip: its name and category */
    return g_strdup_printf (_("%s\n%s"), name, detail);
  return g_strdup (name);
}

static gboolean
query_tooltip_cb (GtkWidget    *layer,
                  int           x,
                  int           y,
                  gboolean      keyboard,
                  GtkTooltip   *tooltip,
                  DozorMapView *self)
{
  g_autofree char *unit_id = NULL;
  g_autofree char *incident_id = NULL;
  g_autofree char *place_id = NULL;
  g_autofree char *text = NULL;

  /* Labels sized for a distance are a wall's: a tooltip there would be
   * desk-sized text wherever the pointer was left resting. */
  if (self->label_size > 0)
    return FALSE;

  unit_id = dozor_unit_layer_pick (self->unit_layer, x, y);
  incident_id = unit_id == NULL ? dozor_incident_layer_pick (self->incident_layer, x, y) : NULL;
  place_id = unit_id == NULL && incident_id == NULL ? dozor_area_layer_pick_place (self->area_layer, x, y) : NULL;
  text = unit_id != NULL ? unit_tooltip (self, unit_id)
         : incident_id != NULL ? incident_tooltip (self, incident_id)
         : place_id != NULL ? place_tooltip (self, place_id) : NULL;

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* A press on a unit or an incident is ours: claim it, or the map's own
 * drag gesture pans the map instead of dragging the unit (PLATFORM-NOTES).
 * A press on empty map is left to the map. */
static void
pressed_cb (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            DozorMapView    *self)
{
  g_autofree char *unit_id = dozor_unit_layer_pick (self->unit_layer, x, y);
  g_autofree char *incident_id = unit_id == NULL ? dozor_incident_layer_pick (self->incident_layer, x, y) : NULL;

  if (unit_id != NULL || incident_id != NULL)
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
released_cb (GtkGestureClick *gesture,
             int              n_press,
             double           x,
             double           y,
             DozorMapView    *self)
{
  g_autofree char *unit_id = dozor_unit_layer_pick (self->unit_layer, x, y);
  g_autofree char *incident_id = unit_id == NULL ? dozor_incident_layer_pick (self->incident_layer, x, y) : NULL;

  if (unit_id != NULL)
    dozor_map_view_select_unit (self, unit_id);
  else if (incident_id != NULL)
    dozor_map_view_select_incident (self, incident_id);
  else
    {
      ShumateViewport *viewport = shumate_simple_map_get_viewport (self->simple_map);
      double lat, lon;

      /* A click on empty map lets go of both, and may be a scene. */
      dozor_map_view_select_unit (self, NULL);
      dozor_map_view_select_incident (self, NULL);
      shumate_viewport_widget_coords_to_location (viewport, GTK_WIDGET (self->unit_layer), x, y, &lat, &lon);
      g_signal_emit (self, signals[PLACE_CLICKED], 0, lat, lon);
    }
}

static gboolean
unparent_idle_cb (gpointer widget)
{
  gtk_widget_unparent (widget);
  g_object_unref (widget);
  return G_SOURCE_REMOVE;
}

static void
popover_closed_cb (GtkPopover *popover)
{
  g_idle_add (unparent_idle_cb, g_object_ref (popover));
}

/* A right click anywhere offers to register an incident there. */
static void
context_pressed_cb (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    DozorMapView    *self)
{
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->simple_map);
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenuItem) item = NULL;
  GtkWidget *popover;
  double lat, lon;
  graphene_point_t point;

  if (!self->can_register)
    return;
  shumate_viewport_widget_coords_to_location (viewport, GTK_WIDGET (self->unit_layer), x, y, &lat, &lon);
  item = g_menu_item_new (_("Register an Incident Here"), NULL);
  g_menu_item_set_action_and_target_value (item, "win.new-incident-at", g_variant_new ("(dd)", lat, lon));
  g_menu_append_item (menu, item);
  /* Enabled where a supervisor edits a plan that is not active. */
  g_clear_object (&item);
  item = g_menu_item_new (_("Add a Post Here"), NULL);
  g_menu_item_set_action_and_target_value (item, "win.post-add-at", g_variant_new ("(dd)", lat, lon));
  g_menu_append_item (menu, item);

  if (!gtk_widget_compute_point (GTK_WIDGET (self->unit_layer), GTK_WIDGET (self), &GRAPHENE_POINT_INIT (x, y), &point))
    return;
  popover = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_widget_set_parent (popover, GTK_WIDGET (self));
  gtk_popover_set_pointing_to (GTK_POPOVER (popover), &(GdkRectangle) { (int) point.x, (int) point.y, 1, 1 });
  gtk_popover_set_has_arrow (GTK_POPOVER (popover), FALSE);
  gtk_widget_set_halign (popover, GTK_ALIGN_START);
  /* Unparented once closed, so each right click makes a fresh one; not
   * at once, as the chosen item's action is looked up from the popover. */
  g_signal_connect (popover, "closed", G_CALLBACK (popover_closed_cb), NULL);
  gtk_popover_popup (GTK_POPOVER (popover));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source,
                 double         x,
                 double         y,
                 DozorMapView  *self)
{
  g_autofree char *unit_id = !self->can_dispatch ? NULL : dozor_unit_layer_pick (self->unit_layer, x, y);
  DozorUnit *unit = unit_id != NULL ? dozor_situation_get_unit (self->situation, unit_id) : NULL;
  g_autoptr(GdkPaintable) icon = NULL;

  if (unit == NULL)
    return NULL;

  icon = dozor_unit_drag_make_icon (unit->call_sign, unit->status,
                                    dozor_situation_get_now (self->situation) - unit->fix_time >
                                      DOZOR_UNIT_STALE_SECONDS * G_USEC_PER_SEC);
  gtk_drag_source_set_icon (source, icon, -8, gdk_paintable_get_intrinsic_height (icon) / 2);
  g_debug ("Dragging unit %s", unit->call_sign);
  return dozor_unit_drag_new_content (unit_id);
}

/* The dragged unit becomes the selected one once the drag is over:
 * changing the selection while the drag starts (the lists follow it)
 * loses the drop under X11. */
static void
drag_end_cb (GtkDragSource *source,
             GdkDrag       *drag,
             gboolean       delete_data,
             DozorMapView  *self)
{
  GdkContentProvider *content = gdk_drag_get_content (drag);
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, DOZOR_TYPE_UNIT_DRAG);
  if (gdk_content_provider_get_value (content, &value, NULL) && g_value_get_boxed (&value) != NULL)
    dozor_map_view_select_unit (self, dozor_unit_drag_get_unit_id (g_value_get_boxed (&value)));
}

/* The patrol route drawn within a finger's reach of a point of the map. */
static char *
pick_route (DozorMapView *self,
            double        x,
            double        y)
{
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->simple_map);
  double lat, lon, lat2, lon2, wx, wy, wx2, wy2;

  shumate_viewport_widget_coords_to_location (viewport, GTK_WIDGET (self->unit_layer), x, y, &lat, &lon);
  shumate_viewport_widget_coords_to_location (viewport, GTK_WIDGET (self->unit_layer), x + ROUTE_PICK_PX, y,
                                              &lat2, &lon2);
  dozor_geo_lon_lat_to_world (lon, lat, &wx, &wy);
  dozor_geo_lon_lat_to_world (lon2, lat2, &wx2, &wy2);
  return dozor_area_layer_pick_route (self->area_layer, wx, wy, fabs (wx2 - wx));
}

static GdkDragAction
drop_motion_cb (GtkDropTarget *target,
                double         x,
                double         y,
                DozorMapView  *self)
{
  g_autofree char *post_id = dozor_post_layer_pick (self->post_layer, x, y, NULL);
  g_autofree char *incident_id = post_id == NULL ? dozor_incident_layer_pick (self->incident_layer, x, y) : NULL;
  g_autofree char *route_id = post_id == NULL && incident_id == NULL ? pick_route (self, x, y) : NULL;

  dozor_post_layer_set_target (self->post_layer, post_id);
  dozor_incident_layer_set_target (self->incident_layer, incident_id);
  return incident_id != NULL || post_id != NULL || route_id != NULL ? GDK_ACTION_COPY : 0;
}

static void
drop_leave_cb (GtkDropTarget *target,
               DozorMapView  *self)
{
  dozor_incident_layer_set_target (self->incident_layer, NULL);
  dozor_post_layer_set_target (self->post_layer, NULL);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         DozorMapView  *self)
{
  const DozorUnitDrag *drag = g_value_get_boxed (value);
  g_autofree char *plan_id = NULL;
  g_autofree char *post_id = dozor_post_layer_pick (self->post_layer, x, y, &plan_id);
  g_autofree char *incident_id = NULL;

  dozor_post_layer_set_target (self->post_layer, NULL);
  /* A post is over the incidents: a drop there corrects a plan's proposal. */
  if (drag != NULL && post_id != NULL && self->can_dispatch)
    {
      g_debug ("Unit dropped on post %s", post_id);
      g_signal_emit (self, signals[UNIT_DROPPED_ON_POST], 0, dozor_unit_drag_get_unit_id (drag), plan_id, post_id);
      return TRUE;
    }
  incident_id = dozor_incident_layer_pick (self->incident_layer, x, y);
  dozor_incident_layer_set_target (self->incident_layer, NULL);
  /* Beside the incidents, a patrol route: the roster's assignment. */
  if (drag != NULL && incident_id == NULL && self->can_dispatch)
    {
      g_autofree char *route_id = pick_route (self, x, y);

      if (route_id != NULL)
        {
          g_debug ("Unit dropped on route %s", route_id);
          g_signal_emit (self, signals[UNIT_DROPPED_ON_ROUTE], 0, dozor_unit_drag_get_unit_id (drag), route_id);
          return TRUE;
        }
    }
  if (drag == NULL || incident_id == NULL || !self->can_dispatch)
    return FALSE;

  g_debug ("Unit dropped on incident %s", incident_id);
  dozor_map_view_select_incident (self, incident_id);
  g_signal_emit (self, signals[DISPATCH_REQUESTED], 0, dozor_unit_drag_get_unit_id (drag), incident_id);
  return TRUE;
}

/* The top layer takes the pointer for all three: clicks, drags and drops
 * are hit-tested against what each layer drew. */
static void
crisis_area_edited_cb (DozorCrisisLayer *layer,
                       const char       *area,
                       DozorMapView     *self)
{
  g_signal_emit (self, signals[CRISIS_AREA_EDITED], 0, area);
}

static void
units_boxed_cb (DozorBandLayer *band,
                GStrv           unit_ids,
                DozorMapView   *self)
{
  g_signal_emit (self, signals[UNITS_BOXED], 0, unit_ids);
}

static void
add_pointer_controllers (DozorMapView *self)
{
  GtkWidget *layer = GTK_WIDGET (self->unit_layer);
  GtkGesture *click = gtk_gesture_click_new ();
  GtkDragSource *source = gtk_drag_source_new ();
  GtkDropTarget *target = gtk_drop_target_new (DOZOR_TYPE_UNIT_DRAG, GDK_ACTION_COPY);

  gtk_widget_set_can_target (layer, TRUE);
  gtk_widget_set_has_tooltip (layer, TRUE);
  g_signal_connect_object (layer, "query-tooltip", G_CALLBACK (query_tooltip_cb), self, 0);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (pressed_cb), self, 0);
  g_signal_connect_object (click, "released", G_CALLBACK (released_cb), self, 0);
  gtk_widget_add_controller (layer, GTK_EVENT_CONTROLLER (click));

  {
    GtkGesture *context = gtk_gesture_click_new ();

    gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (context), GDK_BUTTON_SECONDARY);
    g_signal_connect_object (context, "pressed", G_CALLBACK (context_pressed_cb), self, 0);
    gtk_widget_add_controller (layer, GTK_EVENT_CONTROLLER (context));
  }

  gtk_drag_source_set_actions (source, GDK_ACTION_COPY);
  g_signal_connect_object (source, "prepare", G_CALLBACK (drag_prepare_cb), self, 0);
  g_signal_connect_object (source, "drag-end", G_CALLBACK (drag_end_cb), self, 0);
  gtk_widget_add_controller (layer, GTK_EVENT_CONTROLLER (source));
  /* One claim for both: a press on a unit is a click or a drag, never a pan. */
  gtk_gesture_group (click, GTK_GESTURE (source));

  g_signal_connect_object (target, "motion", G_CALLBACK (drop_motion_cb), self, 0);
  g_signal_connect_object (target, "enter", G_CALLBACK (drop_motion_cb), self, 0);
  g_signal_connect_object (target, "leave", G_CALLBACK (drop_leave_cb), self, 0);
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, 0);
  gtk_widget_add_controller (layer, GTK_EVENT_CONTROLLER (target));
}

/* The layers once they exist: a wall's incidents are drawn anew now and
 * then, since how long they have waited grows without any event. */
static void
apply_wall_marks (DozorMapView *self)
{
  const DozorWallMarks *marks = self->wall ? &self->wall_marks : NULL;

  if (self->unit_layer == NULL || self->incident_layer == NULL)
    return;
  dozor_raster_layer_set_wall_marks (DOZOR_RASTER_LAYER (self->unit_layer), marks);
  dozor_raster_layer_set_wall_marks (DOZOR_RASTER_LAYER (self->incident_layer), marks);
  dozor_raster_layer_set_refresh_seconds (DOZOR_RASTER_LAYER (self->incident_layer),
                                          marks != NULL ? WALL_AGE_REFRESH_SECONDS : 0);
}

/**
 * dozor_map_view_show_situation:
 * @self: a #DozorMapView
 * @situation: the zones, routes, incidents and units to draw
 */
void
dozor_map_view_show_situation (DozorMapView   *self,
                               DozorSituation *situation)
{
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->simple_map);
  DozorBandLayer *band;

  g_return_if_fail (self->unit_layer == NULL);

  self->situation = g_object_ref (situation);
  self->basemap_layer = dozor_basemap_layer_new (viewport, situation);
  g_signal_connect_object (self->basemap_layer, "notify::covering", G_CALLBACK (covering_cb), self,
                           G_CONNECT_SWAPPED);
  self->area_layer = dozor_area_layer_new (viewport, situation);
  self->crisis_layer = dozor_crisis_layer_new (viewport, situation);
  self->preview_layer = dozor_preview_layer_new (viewport, situation);
  self->incident_layer = dozor_incident_layer_new (viewport, situation);
  self->post_layer = dozor_post_layer_new (viewport, situation);
  self->roster_layer = dozor_roster_layer_new (viewport, situation);
  self->deviation_layer = dozor_deviation_layer_new (viewport, situation);
  self->unit_layer = dozor_unit_layer_new (viewport, situation);
  dozor_raster_layer_set_label_size (DOZOR_RASTER_LAYER (self->unit_layer), self->label_size);
  dozor_raster_layer_set_label_size (DOZOR_RASTER_LAYER (self->incident_layer), self->label_size);
  dozor_raster_layer_set_label_size (DOZOR_RASTER_LAYER (self->post_layer), self->label_size);
  apply_wall_marks (self);
  /* The unit layer's image holds the basemap, areas, units and incidents,
   * bottom to top (an incident stays readable under the unit on its scene),
   * and is opaque where the basemap is: it goes first, so
   * that the other layers' own small overlays (selection, pending lines,
   * drop targets) and the preview are drawn over it. */
  shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (self->unit_layer));
  shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (self->basemap_layer));
  shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (self->area_layer));
  shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (self->crisis_layer));
  shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (self->roster_layer));
  shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (self->deviation_layer));
  shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (self->incident_layer));
  shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (self->post_layer));
  shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (self->preview_layer));
  /* One image for all but the preview: each full-window texture is a
   * full-window blend per frame when the GPU is a CPU (bench/bench-units).
   * The preview has its own, shown only while it holds something, so that
   * a file of millions of positions being drawn never holds up the units. */
  dozor_raster_layer_draw_into (DOZOR_RASTER_LAYER (self->unit_layer), DOZOR_RASTER_LAYER (self->basemap_layer));
  dozor_raster_layer_draw_into (DOZOR_RASTER_LAYER (self->unit_layer), DOZOR_RASTER_LAYER (self->area_layer));
  dozor_raster_layer_draw_into (DOZOR_RASTER_LAYER (self->unit_layer), DOZOR_RASTER_LAYER (self->crisis_layer));
  /* Forces and means: lines to the units' posts and routes, flag rings. */
  dozor_raster_layer_draw_into (DOZOR_RASTER_LAYER (self->unit_layer), DOZOR_RASTER_LAYER (self->roster_layer));
  /* Route deviations in progress: the route, the stretch taken, a ring. */
  dozor_raster_layer_draw_into (DOZOR_RASTER_LAYER (self->unit_layer), DOZOR_RASTER_LAYER (self->deviation_layer));
  dozor_raster_layer_draw_over (DOZOR_RASTER_LAYER (self->unit_layer), DOZOR_RASTER_LAYER (self->incident_layer));
  dozor_raster_layer_draw_into (DOZOR_RASTER_LAYER (self->unit_layer), DOZOR_RASTER_LAYER (self->post_layer));
  basemap_layer_follow_source (self);
  apply_layers (self);
  add_pointer_controllers (self);
  dozor_crisis_layer_attach_editing (self->crisis_layer, GTK_WIDGET (self->unit_layer));
  dozor_post_layer_attach_editing (self->post_layer, GTK_WIDGET (self->unit_layer));
  dozor_crisis_layer_set_editable (self->crisis_layer, self->can_dispatch);
  g_signal_connect_object (self->crisis_layer, "area-edited", G_CALLBACK (crisis_area_edited_cb), self, 0);
  band = dozor_band_layer_new (viewport, situation, GTK_WIDGET (self->unit_layer));
  g_signal_connect_object (band, "units-boxed", G_CALLBACK (units_boxed_cb), self, 0);
  self->description = dozor_map_description_new (self, situation);
  self->keys = dozor_map_keys_new (self, situation);
  shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (band));
  self->pulse_layer = dozor_pulse_layer_new (viewport);
  shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (self->pulse_layer));
}

/**
 * dozor_map_view_select_unit:
 * @self: a #DozorMapView
 * @unit_id: (nullable): the unit to select
 */
void
dozor_map_view_select_unit (DozorMapView *self,
                            const char   *unit_id)
{
  if (g_strcmp0 (self->selected_unit, unit_id) == 0)
    return;
  g_free (self->selected_unit);
  self->selected_unit = g_strdup (unit_id);
  if (self->unit_layer != NULL)
    dozor_unit_layer_set_selected (self->unit_layer, unit_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_UNIT]);
}

/**
 * dozor_map_view_select_incident:
 * @self: a #DozorMapView
 * @incident_id: (nullable): the incident to select
 */
void
dozor_map_view_select_incident (DozorMapView *self,
                                const char   *incident_id)
{
  if (g_strcmp0 (self->selected_incident, incident_id) == 0)
    return;
  g_free (self->selected_incident);
  self->selected_incident = g_strdup (incident_id);
  if (self->incident_layer != NULL)
    dozor_incident_layer_set_selected (self->incident_layer, incident_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_INCIDENT]);
}

const char *
dozor_map_view_get_selected_unit (DozorMapView *self)
{
  return self->selected_unit;
}

const char *
dozor_map_view_get_selected_incident (DozorMapView *self)
{
  return self->selected_incident;
}

/**
 * dozor_map_view_set_pending:
 * @self: a #DozorMapView
 * @unit_to_incident: (nullable): dispatches sent and not yet confirmed
 */
void
dozor_map_view_set_pending (DozorMapView *self,
                            GHashTable   *unit_to_incident)
{
  if (self->incident_layer != NULL)
    dozor_incident_layer_set_pending (self->incident_layer, unit_to_incident);
}

/**
 * dozor_map_view_set_draft:
 * @self: a #DozorMapView
 * @lat: the scene of a report being registered, or NAN for none
 * @lon: its longitude
 */
void
dozor_map_view_set_draft (DozorMapView *self,
                          double        lat,
                          double        lon)
{
  if (self->incident_layer != NULL)
    dozor_incident_layer_set_draft (self->incident_layer, lat, lon);
}

/**
 * dozor_map_view_set_wall_marks:
 * @self: a #DozorMapView
 * @marks: (nullable): the wall's rule for late incidents and units long on
 *   scene, or %NULL for a desk
 *
 * On a wall, call signs and incident labels are always on, incidents say
 * how long they have waited, and what waits or stays too long is marked.
 */
void
dozor_map_view_set_wall_marks (DozorMapView         *self,
                               const DozorWallMarks *marks)
{
  g_return_if_fail (DOZOR_IS_MAP_VIEW (self));

  self->wall = marks != NULL;
  if (marks != NULL)
    self->wall_marks = *marks;
  apply_wall_marks (self);
}

/**
 * dozor_map_view_set_label_size:
 * @self: a #DozorMapView
 * @size: the font size in pixels of call signs and incident labels, or 0
 *   for the desk's
 *
 * A wall sizes its labels for the farthest seat (docs/wall.md).
 */
void
dozor_map_view_set_label_size (DozorMapView *self,
                               double        size)
{
  g_return_if_fail (DOZOR_IS_MAP_VIEW (self));

  self->label_size = size;
  if (self->unit_layer != NULL)
    dozor_raster_layer_set_label_size (DOZOR_RASTER_LAYER (self->unit_layer), size);
  if (self->incident_layer != NULL)
    dozor_raster_layer_set_label_size (DOZOR_RASTER_LAYER (self->incident_layer), size);
  if (self->post_layer != NULL)
    dozor_raster_layer_set_label_size (DOZOR_RASTER_LAYER (self->post_layer), size);
}

/**
 * dozor_map_view_get_post_layer:
 * @self: a #DozorMapView
 *
 * For the plans pane, which chooses the plan shown and draws its proposal.
 *
 * Returns: (transfer none) (nullable): the posts of plans, once the map
 *   shows a situation
 */
DozorPostLayer *
dozor_map_view_get_post_layer (DozorMapView *self)
{
  g_return_val_if_fail (DOZOR_IS_MAP_VIEW (self), NULL);

  return self->post_layer;
}

/**
 * dozor_map_view_set_flagged_zones:
 * @self: a #DozorMapView
 * @zone_ids: (element-type utf8): the zones short of available units,
 *   drawn as coverage gaps
 */
void
dozor_map_view_set_flagged_zones (DozorMapView *self,
                                  GPtrArray    *zone_ids)
{
  g_return_if_fail (DOZOR_IS_MAP_VIEW (self));

  if (self->area_layer != NULL)
    dozor_area_layer_set_flagged (self->area_layer, zone_ids);
}

/**
 * dozor_map_view_set_escalated:
 * @self: a #DozorMapView
 * @overdue: the ids of incidents waiting unassigned too long, as keys
 * @long_on_scene: the ids of units on scene too long, as keys
 * @incidents: (array zero-terminated=1): incidents that have just become
 *   overdue, whose symbols pulse once
 * @units: (array zero-terminated=1): units that have just stayed too
 *   long, whose symbols pulse once
 *
 * A desk's escalation; a wall marks by its own rule.
 */
void
dozor_map_view_set_escalated (DozorMapView      *self,
                              GHashTable        *overdue,
                              GHashTable        *long_on_scene,
                              const char *const *incidents,
                              const char *const *units)
{
  g_return_if_fail (DOZOR_IS_MAP_VIEW (self));

  if (self->incident_layer == NULL)
    return;
  dozor_incident_layer_set_overdue (self->incident_layer, overdue);
  dozor_unit_layer_set_long_on_scene (self->unit_layer, long_on_scene);
  for (guint i = 0; incidents != NULL && incidents[i] != NULL; i++)
    {
      JsonObject *incident = dozor_situation_get_entity (self->situation, "incident", incidents[i]);
      double lat, lon;

      if (incident != NULL && dozor_incident_get_location (incident, &lat, &lon))
        {
          dozor_pulse_layer_pulse (self->pulse_layer, lat, lon);
          /* Tests wait for this line; keep its wording stable. */
          g_debug ("Map symbol pulses: %s", incidents[i]);
        }
    }
  for (guint i = 0; units != NULL && units[i] != NULL; i++)
    {
      DozorUnit *unit = dozor_situation_get_unit (self->situation, units[i]);

      if (unit != NULL && unit->has_fix)
        {
          dozor_pulse_layer_pulse (self->pulse_layer, unit->lat, unit->lon);
          g_debug ("Map symbol pulses: %s", units[i]);
        }
    }
}
