/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A video wall as configured (docs/wall.md): one full-screen board per
 * configured monitor, each on its own monitor, opened and closed as the
 * display's monitors are plugged in and out; every label sized by the
 * legibility rule for the monitor's pixels and the room's distance; and a
 * large banner on every monitor whenever the wall is not live. The wall
 * never asks anything: nobody stands at it to answer.
 */
#include "config.h"

#include <glib-unix.h>
#include <math.h>
#include <glib/gi18n.h>
#include <signal.h>

#include "dozor-frame-log.h"
#include "dozor-label-size.h"
#include "dozor-legibility.h"
#include "dozor-wall-banner.h"
#include "dozor-wall-coverage.h"
#include "dozor-wall-framing.h"
#include "dozor-wall-legend.h"
#include "dozor-wall-panel.h"
#include "dozor-wall-plan-banner.h"
#include "dozor-wall.h"
#include "dozor-window.h"

/* Once the server has refused the wall's login, the link stops; the wall
 * tries again this much later (the password may be reset in the meantime),
 * slowly enough not to look like guessing. */
#define REFUSED_RETRY_SECONDS (DOZOR_SYNC_MAX_RETRY_MS / 1000)

typedef struct
{
  DozorWall *wall;
  const DozorWallMonitor *config;
  GdkMonitor *monitor;          /* the one it is on, while plugged in */
  GdkRectangle geometry;        /* the monitor's when the window opened */
  DozorWindow *window;          /* while it has one */
  DozorWallBanner *banner;
  DozorWallPlanBanner *plans;  /* the active plans' key figures */
  DozorWallPanel *panel;        /* while its window shows more than the map */
  DozorWallFraming *framing;    /* while its window shows the map */
  DozorWallLegend *legend;      /* over the map, while its window shows it */
  gboolean waiting;             /* said so already */
} Screen;

struct _DozorWall
{
  GObject parent_instance;

  GtkApplication *application;  /* held while the wall runs */
  DozorWallConfig *config;
  DozorSyncClient *sync;
  DozorSituation *situation;
  DozorLocalCopy *local_copy;
  DozorWallCoverage *coverage;  /* one for all the windows */
  GListModel *monitors;
  GArray *screens;              /* Screen, one per configured monitor */
  GDateTime *not_live_since;
  guint retry_id;
  guint sigterm_id;
  guint reconcile_id;           /* a look at the monitors, once GDK has described them */
};

G_DEFINE_FINAL_TYPE (DozorWall, dozor_wall, G_TYPE_OBJECT)

static void schedule_reconcile (DozorWall *self);

static void
screen_window_destroyed (Screen    *screen,
                         GtkWidget *window)
{
  screen->window = NULL;
  screen->banner = NULL;
  screen->plans = NULL;
  screen->panel = NULL;
  screen->legend = NULL;
  g_clear_object (&screen->framing);
}

static void
close_screen (Screen *screen)
{
  if (screen->monitor != NULL)
    g_signal_handlers_disconnect_by_data (screen->monitor, screen);
  g_clear_object (&screen->monitor);
  g_clear_object (&screen->framing);
  if (screen->window != NULL)
    {
      DozorWindow *window = g_steal_pointer (&screen->window);

      g_signal_handlers_disconnect_by_func (window, screen_window_destroyed, screen);
      screen->banner = NULL;
      screen->plans = NULL;
      screen->panel = NULL;
      screen->legend = NULL;
      gtk_window_destroy (GTK_WINDOW (window));
    }
}

/* The monitor that answers to the configured connector, else the one at the
 * configured index; never one that another configured monitor has. */
static GdkMonitor *
find_monitor (DozorWall              *self,
              const DozorWallMonitor *wanted)
{
  guint n = g_list_model_get_n_items (self->monitors);
  GdkMonitor *found = NULL;

  for (guint i = 0; wanted->connector != NULL && i < n && found == NULL; i++)
    {
      g_autoptr(GdkMonitor) monitor = g_list_model_get_item (self->monitors, i);

      if (g_strcmp0 (gdk_monitor_get_connector (monitor), wanted->connector) == 0)
        found = monitor;
    }
  if (found == NULL && wanted->index >= 0 && (guint) wanted->index < n)
    {
      g_autoptr(GdkMonitor) monitor = g_list_model_get_item (self->monitors, wanted->index);

      found = monitor;
    }
  if (found == NULL)
    return NULL;

  for (guint i = 0; i < self->screens->len; i++)
    {
      const Screen *other = &g_array_index (self->screens, Screen, i);

      if (other->config != wanted && other->monitor == found)
        return NULL;
    }
  return found;
}

static void
restored_cb (DozorLocalCopy *copy,
             GParamSpec     *pspec,
             DozorWindow    *window)
{
  dozor_window_set_restored (window, dozor_local_copy_get_restored (copy));
}

/* Every label from the rule: the capital letters' height for the room's
 * distance and this monitor's pixels per millimetre. */
static void
size_labels (DozorWall *self,
             Screen    *screen)
{
  GdkRectangle geometry;
  int width_mm = screen->config->width_mm, height_mm = screen->config->height_mm;
  gboolean assumed;
  double px_per_mm, cap_height, label_size;

  gdk_monitor_get_geometry (screen->monitor, &geometry);
  if (width_mm == 0 || height_mm == 0)
    {
      width_mm = gdk_monitor_get_width_mm (screen->monitor);
      height_mm = gdk_monitor_get_height_mm (screen->monitor);
    }
  px_per_mm = dozor_legibility_px_per_mm (geometry.width, geometry.height, width_mm, height_mm, &assumed);
  if (assumed)
    g_message ("Wall monitor %s says nothing of its size: taken as %.0f dpi; give width_mm and height_mm in %s",
               screen->config->name, DOZOR_LEGIBILITY_FALLBACK_DPI, self->config->path);
  cap_height = dozor_legibility_cap_height_px (self->config->distance_m, self->config->arc_minutes, px_per_mm);
  label_size = dozor_label_size_for_cap_height (cap_height);

  dozor_window_set_label_size (screen->window, label_size);
  dozor_window_set_wall_cap_height (screen->window, cap_height);
  dozor_wall_banner_set_cap_height (screen->banner, cap_height);
  dozor_wall_plan_banner_set_cap_height (screen->plans, cap_height);
  if (screen->framing != NULL)
    dozor_wall_framing_set_cap_height (screen->framing, cap_height);
  if (screen->legend != NULL)
    dozor_wall_legend_set_cap_height (screen->legend, cap_height);
  if (screen->panel != NULL)
    dozor_wall_panel_set_cap_height (screen->panel, cap_height);
  /* Tests and the administrator read this line; keep its wording stable. */
  g_message ("Wall monitor %s: %.3f px/mm, %.0f′ at %.1f m is %.1f mm: cap height %.0f px, labels %.1f px",
             screen->config->name, px_per_mm, self->config->arc_minutes, self->config->distance_m,
             dozor_legibility_height_mm (self->config->distance_m, self->config->arc_minutes), cap_height,
             label_size);
}

static void
say_monitor_changed (Screen *screen)
{
  GdkRectangle geometry;

  gdk_monitor_get_geometry (screen->monitor, &geometry);
  g_message ("Wall monitor %s: now %dx%d+%d+%d, %d × %d mm", screen->config->name, geometry.width, geometry.height,
             geometry.x, geometry.y, gdk_monitor_get_width_mm (screen->monitor),
             gdk_monitor_get_height_mm (screen->monitor));
}

/* A monitor's millimetres corrected (its EDID read again): the labels are
 * sized for its pixels anew. */
static void
monitor_mm_changed_cb (GdkMonitor *monitor,
                       GParamSpec *pspec,
                       Screen     *screen)
{
  if (screen->window == NULL)
    return;
  say_monitor_changed (screen);
  size_labels (screen->wall, screen);
}

/* Another mode, or moved: GDK on X11 neither moves nor resizes a window it
 * has made full screen (a window manager would, and a kiosk may have
 * none), so the window is opened anew on the monitor, once GDK has
 * finished describing the change. */
static void
monitor_geometry_changed_cb (GdkMonitor *monitor,
                             GParamSpec *pspec,
                             Screen     *screen)
{
  schedule_reconcile (screen->wall);
}

static gboolean
shows_map (const DozorWallMonitor *monitor)
{
  for (guint r = 0; r < monitor->n_rows; r++)
    for (guint c = 0; c < monitor->row_length[r]; c++)
      if (monitor->cells[r][c] == DOZOR_WALL_VIEW_MAP)
        return TRUE;
  return FALSE;
}

static void
open_screen (DozorWall  *self,
             Screen     *screen,
             GdkMonitor *monitor)
{
  GdkRectangle geometry;

  screen->monitor = g_object_ref (monitor);
  screen->window = dozor_window_new (DOZOR_APPLICATION (self->application));
  g_signal_connect_swapped (screen->window, "destroy", G_CALLBACK (screen_window_destroyed), screen);
  if (self->config->have_center || self->config->have_zoom)
    dozor_window_show_place (screen->window,
                             self->config->have_center ? self->config->center_lat : NAN,
                             self->config->have_center ? self->config->center_lon : NAN,
                             self->config->have_zoom ? self->config->zoom : NAN);
  dozor_window_set_wall (screen->window, TRUE);
  dozor_frame_log_watch (GTK_WIDGET (screen->window), screen->config->name);
  dozor_map_view_set_wall_marks (dozor_window_get_map_view (screen->window), &self->config->marks);
  dozor_window_follow (screen->window, self->sync, self->situation);
  if (self->local_copy != NULL)
    {
      g_signal_connect_object (self->local_copy, "notify::restored", G_CALLBACK (restored_cb), screen->window, 0);
      if (dozor_local_copy_get_restored (self->local_copy) != 0)
        dozor_window_set_restored (screen->window, dozor_local_copy_get_restored (self->local_copy));
    }

  /* Figures, incidents, ticker: the views in the configured grid, the map
   * among them or not at all. */
  if (dozor_wall_panel_is_needed (screen->config))
    {
      g_autoptr(GtkWidget) map = dozor_window_take_map (screen->window);

      screen->panel = dozor_wall_panel_new (screen->config, map, self->sync, self->situation,
                                            &self->config->marks);
      dozor_window_set_wall_content (screen->window, GTK_WIDGET (screen->panel));
    }
  if (shows_map (screen->config))
    screen->framing = dozor_wall_framing_new (screen->config->name, self->config, self->situation,
                                              dozor_window_get_map_view (screen->window));
  if (screen->framing != NULL)
    dozor_wall_coverage_show_on (self->coverage, dozor_window_get_map_view (screen->window));
  screen->banner = dozor_wall_banner_new (self->sync, self->not_live_since);
  dozor_window_add_overlay (screen->window, GTK_WIDGET (screen->banner));
  screen->plans = dozor_wall_plan_banner_new (self->situation);
  dozor_window_add_overlay (screen->window, GTK_WIDGET (screen->plans));
  /* The legend of the diamonds' colours: a strip above the map. */
  if (shows_map (screen->config))
    {
      screen->legend = dozor_wall_legend_new (screen->config->name);
      if (screen->panel != NULL)
        dozor_wall_panel_add_above_map (screen->panel, GTK_WIDGET (screen->legend));
      else
        {
          g_autoptr(GtkWidget) map = dozor_window_take_map (screen->window);
          GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

          gtk_widget_set_vexpand (map, TRUE);
          gtk_box_append (GTK_BOX (column), GTK_WIDGET (screen->legend));
          gtk_box_append (GTK_BOX (column), map);
          dozor_window_set_wall_content (screen->window, column);
        }
    }
  size_labels (self, screen);

  for (guint r = 0; r < screen->config->n_rows; r++)
    for (guint c = 0; c < screen->config->row_length[r]; c++)
      g_message ("Wall monitor %s: row %u shows the %s", screen->config->name, r + 1,
                 dozor_wall_view_name (screen->config->cells[r][c]));

  /* Full screen on the monitor, and the monitor's size from the start for
   * an X server without a window manager, which grants no full screen. A
   * size request, not only the default size: GTK 4.8 caps a new window's
   * default size at the monitor it starts on, the one at 0,0 before it is
   * placed, so a window for a wider monitor beside it would keep the first
   * one's width (tests/ui/board-wall-two-heads.sh). */
  gdk_monitor_get_geometry (monitor, &geometry);
  screen->geometry = geometry;
  gtk_widget_set_size_request (GTK_WIDGET (screen->window), geometry.width, geometry.height);
  gtk_window_set_default_size (GTK_WINDOW (screen->window), geometry.width, geometry.height);
  gtk_window_fullscreen_on_monitor (GTK_WINDOW (screen->window), monitor);
  gtk_window_present (GTK_WINDOW (screen->window));
  g_signal_connect (monitor, "notify::geometry", G_CALLBACK (monitor_geometry_changed_cb), screen);
  g_signal_connect (monitor, "notify::width-mm", G_CALLBACK (monitor_mm_changed_cb), screen);
  /* Tests and the administrator read this line; keep its wording stable. */
  g_message ("Wall monitor %s: window on %s (%dx%d+%d+%d)", screen->config->name,
             gdk_monitor_get_connector (monitor) != NULL ? gdk_monitor_get_connector (monitor) : "?",
             geometry.width, geometry.height, geometry.x, geometry.y);
}

/* Each configured monitor gets a window while it is plugged in, on it. */
static void
reconcile (DozorWall *self)
{
  for (guint i = 0; i < self->screens->len; i++)
    {
      Screen *screen = &g_array_index (self->screens, Screen, i);
      GdkMonitor *monitor = find_monitor (self, screen->config);

      if (monitor != NULL && monitor == screen->monitor && screen->window != NULL)
        {
          GdkRectangle geometry;

          gdk_monitor_get_geometry (monitor, &geometry);
          if (gdk_rectangle_equal (&geometry, &screen->geometry))
            continue;
          say_monitor_changed (screen);
        }
      if (monitor == NULL && screen->monitor == NULL && screen->waiting)
        continue;
      if (screen->monitor != NULL && monitor != screen->monitor)
        g_message ("Wall monitor %s: unplugged, its window closed", screen->config->name);
      close_screen (screen);
      screen->waiting = monitor == NULL;
      if (monitor != NULL)
        open_screen (self, screen, monitor);
      else
        g_message ("Wall monitor %s (connector %s, index %d) is not plugged in: waiting for it",
                   screen->config->name, screen->config->connector != NULL ? screen->config->connector : "-",
                   screen->config->index);
    }
}

static gboolean
reconcile_cb (gpointer user_data)
{
  DozorWall *self = user_data;

  self->reconcile_id = 0;
  reconcile (self);
  return G_SOURCE_REMOVE;
}

/* GDK 4.8 on X11 adds a monitor plugged in to the list before it gives it
 * its connector and geometry (both still unset when items-changed runs), so
 * matching it then would miss a monitor configured by connector: the wall
 * looks once the main loop is idle, when GDK has finished with the change. */
static void
schedule_reconcile (DozorWall *self)
{
  if (self->reconcile_id == 0)
    self->reconcile_id = g_idle_add (reconcile_cb, self);
}

static void
monitors_changed_cb (DozorWall  *self,
                     guint       position,
                     guint       removed,
                     guint       added,
                     GListModel *monitors)
{
  g_message ("Wall: %u monitors now", g_list_model_get_n_items (monitors));
  schedule_reconcile (self);
}

static gboolean
retry_cb (gpointer user_data)
{
  DozorWall *self = user_data;

  self->retry_id = 0;
  g_message ("Wall: trying the backend again");
  dozor_sync_client_start (self->sync);
  return G_SOURCE_REMOVE;
}

/* Since when, for the banners; and a link that gave up is started again:
 * a wall reconnects forever. */
static void
link_state_cb (DozorWall       *self,
               GParamSpec      *pspec,
               DozorSyncClient *sync)
{
  DozorSyncState state = dozor_sync_client_get_state (sync);

  if (state == DOZOR_SYNC_LIVE)
    {
      g_clear_pointer (&self->not_live_since, g_date_time_unref);
      g_clear_handle_id (&self->retry_id, g_source_remove);
    }
  else if (self->not_live_since == NULL)
    self->not_live_since = g_date_time_new_now_local ();

  for (guint i = 0; i < self->screens->len; i++)
    {
      Screen *screen = &g_array_index (self->screens, Screen, i);

      if (screen->banner != NULL)
        dozor_wall_banner_set_since (screen->banner, self->not_live_since);
    }

  if (state == DOZOR_SYNC_OFFLINE && self->retry_id == 0)
    {
      g_message ("Wall: the link stopped (%s); trying again in %d s",
                 dozor_sync_client_get_last_error (sync) != NULL ? dozor_sync_client_get_last_error (sync) : "-",
                 REFUSED_RETRY_SECONDS);
      self->retry_id = g_timeout_add_seconds (REFUSED_RETRY_SECONDS, retry_cb, self);
    }
}

/* systemd stops the wall with SIGTERM: close as a person would, so that the
 * situation is saved for the next start. */
static gboolean
sigterm_cb (gpointer user_data)
{
  DozorWall *self = user_data;

  self->sigterm_id = 0;
  g_application_quit (G_APPLICATION (self->application));
  return G_SOURCE_REMOVE;
}

static void
dozor_wall_dispose (GObject *object)
{
  DozorWall *self = DOZOR_WALL (object);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  g_clear_handle_id (&self->reconcile_id, g_source_remove);
  if (self->monitors != NULL)
    g_signal_handlers_disconnect_by_func (self->monitors, monitors_changed_cb, self);
  for (guint i = 0; self->screens != NULL && i < self->screens->len; i++)
    close_screen (&g_array_index (self->screens, Screen, i));
  g_clear_pointer (&self->screens, g_array_unref);
  g_clear_object (&self->monitors);
  if (self->application != NULL)
    g_application_release (G_APPLICATION (self->application));
  g_clear_object (&self->application);
  g_clear_object (&self->sync);
  g_clear_object (&self->situation);
  g_clear_object (&self->local_copy);
  g_clear_object (&self->coverage);
  g_clear_pointer (&self->not_live_since, g_date_time_unref);

  G_OBJECT_CLASS (dozor_wall_parent_class)->dispose (object);
}

static void
dozor_wall_finalize (GObject *object)
{
  DozorWall *self = DOZOR_WALL (object);

  g_clear_pointer (&self->config, dozor_wall_config_free);

  G_OBJECT_CLASS (dozor_wall_parent_class)->finalize (object);
}

static void
dozor_wall_class_init (DozorWallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dozor_wall_dispose;
  object_class->finalize = dozor_wall_finalize;
}

static void
dozor_wall_init (DozorWall *self)
{
}

/**
 * dozor_wall_new:
 * @application: the board, held until it quits: with every monitor
 *   unplugged the wall waits for one rather than exits
 * @config: (transfer full): the wall's configuration
 * @sync: the link, started by the caller
 * @situation: what it keeps up to date
 * @local_copy: (nullable): the situation saved at the last run
 *
 * Opens a window on each configured monitor that is plugged in.
 *
 * Returns: (transfer full): the wall
 */
DozorWall *
dozor_wall_new (GtkApplication  *application,
                DozorWallConfig *config,
                DozorSyncClient *sync,
                DozorSituation  *situation,
                DozorLocalCopy  *local_copy)
{
  DozorWall *self = g_object_new (DOZOR_TYPE_WALL, NULL);

  self->application = g_object_ref (application);
  g_application_hold (G_APPLICATION (application));
  self->config = config;
  self->sync = g_object_ref (sync);
  self->situation = g_object_ref (situation);
  self->local_copy = local_copy != NULL ? g_object_ref (local_copy) : NULL;
  self->coverage = dozor_wall_coverage_new (situation);
  self->screens = g_array_new (FALSE, TRUE, sizeof (Screen));
  for (guint i = 0; i < config->monitors->len; i++)
    {
      Screen screen = { .wall = self, .config = config->monitors->pdata[i] };

      g_array_append_val (self->screens, screen);
    }
  self->sigterm_id = g_unix_signal_add (SIGTERM, sigterm_cb, self);

  g_signal_connect_object (sync, "notify::state", G_CALLBACK (link_state_cb), self, G_CONNECT_SWAPPED);
  if (dozor_sync_client_get_state (sync) != DOZOR_SYNC_LIVE)
    self->not_live_since = g_date_time_new_now_local ();

  self->monitors = g_object_ref (gdk_display_get_monitors (gdk_display_get_default ()));
  g_signal_connect_swapped (self->monitors, "items-changed", G_CALLBACK (monitors_changed_cb), self);
  g_message ("Wall: %u monitors configured in %s, %u plugged in", config->monitors->len, config->path,
             g_list_model_get_n_items (self->monitors));
  reconcile (self);
  return self;
}
