/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdarg.h>

#include "dozor-application.h"
#include "dozor-certificate-controller.h"
#include "dozor-clock.h"
#include "dozor-focus-regions.h"
#include "dozor-intake-dialog.h"
#include "dozor-labels.h"
#include "dozor-legend.h"
#include "dozor-local-time.h"
#include "dozor-preferences-window.h"
#include "dozor-handover-controller.h"
#include "dozor-help-overlay.h"
#include "dozor-registers-controller.h"
#include "dozor-route-rules-controller.h"
#include "dozor-window-private.h"


G_DEFINE_FINAL_TYPE (DozorWindow, dozor_window, ADW_TYPE_APPLICATION_WINDOW)

/**
 * dozor_window_show_message:
 * @self: a #DozorWindow
 * @message: what to tell the user
 * @timeout: seconds to show it, 0 until dismissed
 */
void
dozor_window_show_message (DozorWindow *self,
                           const char  *message,
                           guint        timeout)
{
  AdwToast *toast = adw_toast_new (message);

  g_debug ("Message: %s", message);
  adw_toast_set_timeout (toast, timeout);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
map_problem_cb (DozorMapView *map_view,
                const char   *message,
                DozorWindow  *self)
{
  /* A problem with the map is not a passing event: leave it until read. */
  dozor_window_show_message (self, message, 0);
}

static void
zoom_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  dozor_map_view_zoom_by (DOZOR_WINDOW (widget)->map_view, 1.0);
}

static void
zoom_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  dozor_map_view_zoom_by (DOZOR_WINDOW (widget)->map_view, -1.0);
}

static void
home_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  dozor_map_view_go_home (DOZOR_WINDOW (widget)->map_view);
}

static void
fullscreen_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  GtkWindow *window = GTK_WINDOW (widget);

  if (gtk_window_is_fullscreen (window))
    gtk_window_unfullscreen (window);
  else
    gtk_window_fullscreen (window);
}

static void
toggle_sidebar_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  DozorWindow *self = DOZOR_WINDOW (widget);

  if (gtk_widget_get_visible (GTK_WIDGET (self->sidebar_button)))
    adw_flap_set_reveal_flap (self->flap, !adw_flap_get_reveal_flap (self->flap));
}

static void
find_incident_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  dozor_situation_list_focus_search (DOZOR_SITUATION_LIST (DOZOR_WINDOW (widget)->incident_list));
}

static void
find_unit_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  dozor_situation_list_focus_search (DOZOR_SITUATION_LIST (DOZOR_WINDOW (widget)->unit_list));
}

static void
fullscreened_cb (DozorWindow *self,
                 GParamSpec  *pspec,
                 gpointer     user_data)
{
  gboolean fullscreen = gtk_window_is_fullscreen (GTK_WINDOW (self));

  /* On a wall every pixel is map; the header bar comes back with F11. */
  gtk_widget_set_visible (GTK_WIDGET (self->header_bar), !fullscreen);
}

/* The start-up benchmarks (bench/cold-start.sh) measure from launch to the
 * first frame and from there to the units: the line says when the window
 * first reached the screen, whatever it showed. */
static void
first_frame_cb (GdkFrameClock *clock,
                DozorWindow   *self)
{
  g_debug ("First frame");
  g_clear_signal_handler (&self->first_frame_id, clock);
}

static void
realized_cb (DozorWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (clock != NULL && self->first_frame_id == 0)
    self->first_frame_id = g_signal_connect (clock, "after-paint", G_CALLBACK (first_frame_cb), self);
}

static void
unrealized_cb (DozorWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (clock != NULL)
    g_clear_signal_handler (&self->first_frame_id, clock);
}

static gboolean
dozor_window_close_request (GtkWindow *window)
{
  DozorWindow *self = DOZOR_WINDOW (window);
  int width, height;

  /* Quitting with a report half taken asks about the report first. */
  if (self->intake != NULL && !dozor_intake_dialog_close_asking (DOZOR_INTAKE_DIALOG (self->intake)))
    return TRUE;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window) && !gtk_window_is_fullscreen (window))
    {
      g_settings_set_int (self->settings, "window-width", MAX (width, 360));
      g_settings_set_int (self->settings, "window-height", MAX (height, 300));
    }
  dozor_map_view_save_state (self->map_view);

  return GTK_WINDOW_CLASS (dozor_window_parent_class)->close_request (window);
}

static void
dozor_window_dispose (GObject *object)
{
  DozorWindow *self = (DozorWindow *)object;

  g_clear_handle_id (&self->link_timer_id, g_source_remove);
  if (self->intake != NULL)
    {
      g_object_weak_unref (G_OBJECT (self->intake), (GWeakNotify) dozor_window_intake_destroyed, self);
      gtk_window_destroy (g_steal_pointer (&self->intake));
    }
  dozor_window_import_destroy (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), DOZOR_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->readiness);
  g_clear_object (&self->reports);
  g_clear_object (&self->escalation);
  g_clear_object (&self->replay);
  g_clear_object (&self->roads);
  g_clear_object (&self->advice);
  g_clear_object (&self->group_dispatch);
  g_clear_object (&self->sync);
  g_clear_object (&self->situation);
  g_clear_pointer (&self->link_text, g_free);

  G_OBJECT_CLASS (dozor_window_parent_class)->dispose (object);
}

static void
dozor_window_class_init (DozorWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = dozor_window_dispose;
  window_class->close_request = dozor_window_close_request;

  g_type_ensure (DOZOR_TYPE_MAP_VIEW);
  g_type_ensure (DOZOR_TYPE_INCIDENT_LIST);
  g_type_ensure (DOZOR_TYPE_UNIT_LIST);
  g_type_ensure (DOZOR_TYPE_DETAILS_PANE);
  g_type_ensure (DOZOR_TYPE_CRISIS_PANE);
  g_type_ensure (DOZOR_TYPE_PLANS_PANE);
  g_type_ensure (DOZOR_TYPE_CRISIS_LOG_PANE);
  g_type_ensure (DOZOR_TYPE_READINESS_BANNER);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dozor-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, DozorWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DozorWindow, map_overlay);
  gtk_widget_class_bind_template_child (widget_class, DozorWindow, map_view);
  gtk_widget_class_bind_template_child (widget_class, DozorWindow, link_label);
  gtk_widget_class_bind_template_child (widget_class, DozorWindow, outbox_label);
  gtk_widget_class_bind_template_child (widget_class, DozorWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, DozorWindow, new_incident_button);
  gtk_widget_class_bind_template_child (widget_class, DozorWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, DozorWindow, incident_list);
  gtk_widget_class_bind_template_child (widget_class, DozorWindow, unit_list);
  gtk_widget_class_bind_template_child (widget_class, DozorWindow, details_pane);
  gtk_widget_class_bind_template_child (widget_class, DozorWindow, crisis_pane);
  gtk_widget_class_bind_template_child (widget_class, DozorWindow, plans_pane);
  gtk_widget_class_bind_template_child (widget_class, DozorWindow, crisis_log_pane);
  gtk_widget_class_bind_template_child (widget_class, DozorWindow, readiness_banner);
  gtk_widget_class_bind_template_callback (widget_class, list_dispatch_requested_cb);
  gtk_widget_class_bind_template_callback (widget_class, map_problem_cb);

  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "win.home", NULL, home_action);
  gtk_widget_class_install_action (widget_class, "win.fullscreen", NULL, fullscreen_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-sidebar", NULL, toggle_sidebar_action);
  gtk_widget_class_install_action (widget_class, "win.find-incident", NULL, find_incident_action);
  gtk_widget_class_install_action (widget_class, "win.find-unit", NULL, find_unit_action);
  dozor_window_class_add_dispatch_actions (widget_class);
  dozor_window_class_add_intake_actions (widget_class);
  dozor_window_class_add_import_actions (widget_class);
}

static void
dozor_window_init (DozorWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  adw_header_bar_pack_end (self->header_bar, dozor_legend_attach (GTK_WIDGET (self), self->settings));
  self->clock = DOZOR_CLOCK (dozor_clock_new ());
  adw_header_bar_pack_end (self->header_bar, GTK_WIDGET (self->clock));

  dozor_help_overlay_attach (GTK_APPLICATION_WINDOW (self));
  g_signal_connect (self, "notify::fullscreened", G_CALLBACK (fullscreened_cb), NULL);
  g_signal_connect (self, "realize", G_CALLBACK (realized_cb), NULL);
  g_signal_connect (self, "unrealize", G_CALLBACK (unrealized_cb), NULL);
}

DozorWindow *
dozor_window_new (DozorApplication *application)
{
  return g_object_new (DOZOR_TYPE_WINDOW, "application", application, NULL);
}

/**
 * dozor_window_show_place:
 * @self: a #DozorWindow
 * @lat: latitude, or NAN to keep the current one
 * @lon: longitude, or NAN to keep the current one
 * @zoom: zoom level, or NAN to keep the current one
 *
 * Moves the map there at once, as asked on the command line.
 */
void
dozor_window_show_place (DozorWindow *self,
                         double       lat,
                         double       lon,
                         double       zoom)
{
  g_return_if_fail (DOZOR_IS_WINDOW (self));

  dozor_map_view_go_to (self->map_view, lat, lon, zoom, FALSE);
}

void
dozor_window_show_preferences (DozorWindow *self)
{
  DozorPreferencesWindow *preferences;

  g_return_if_fail (DOZOR_IS_WINDOW (self));

  preferences = dozor_preferences_window_new ();
  gtk_window_set_transient_for (GTK_WINDOW (preferences), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (preferences));
}

/* Always on screen: whether what the board shows is live, and if not,
 * for how long it has not been. */
static void
update_link_label (DozorWindow *self)
{
  GtkWidget *label = GTK_WIDGET (self->link_label);
  gint64 heard = dozor_sync_client_get_last_heard (self->sync);
  g_autofree char *age = heard > 0 ? dozor_format_age (g_get_monotonic_time () - heard) : NULL;
  g_autofree char *text = NULL;
  const char *css;

  /* Nor is a replay, which only borrows the link (dozor-replay-controller.c):
   * it says which moment it shows, never the link's state. */
  if (self->replaying)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (dozor_situation_get_now (self->situation) /
                                                                G_USEC_PER_SEC);
      g_autoptr(GDateTime) local = g_date_time_to_local (utc);
      g_autofree char *moment = dozor_format_header_clock (local);

      /* TRANSLATORS: %s is the replayed moment, as the header's clock shows it */
      text = g_strdup_printf (_("Not live: replay of %s"), moment);
      css = "not-live";
    }
  /* A copy from the disk is never live, however the link is doing. */
  else if (self->restored != 0 && dozor_sync_client_get_state (self->sync) != DOZOR_SYNC_LIVE)
    {
      g_autofree char *saved = dozor_format_age (g_get_real_time () - self->restored);

      text = g_strdup_printf (_("Not live: the situation as saved %s ago"), saved);
      css = "not-live";
    }
  else switch (dozor_sync_client_get_state (self->sync))
    {
    case DOZOR_SYNC_LIVE:
      text = g_strdup (_("● Live"));
      css = "live";
      break;
    case DOZOR_SYNC_CONNECTING:
      text = g_strdup (_("Connecting…"));
      css = "connecting";
      break;
    case DOZOR_SYNC_RECONNECTING:
      text = age != NULL ? g_strdup_printf (_("Not live: reconnecting, last news %s ago"), age)
                         : g_strdup (_("Not live: reconnecting…"));
      css = "not-live";
      break;
    case DOZOR_SYNC_OFFLINE:
    default:
      text = age != NULL ? g_strdup_printf (_("Not live: offline, last news %s ago"), age)
                         : g_strdup (_("Not live: offline"));
      css = "not-live";
      break;
    }

  gtk_label_set_text (self->link_label, text);
  if (g_strcmp0 (text, self->link_text) != 0)
    {
      g_debug ("Link label: %s", text);
      g_free (self->link_text);
      self->link_text = g_steal_pointer (&text);
    }
  gtk_widget_set_tooltip_text (label, dozor_sync_client_get_last_error (self->sync));
  gtk_widget_remove_css_class (label, "live");
  gtk_widget_remove_css_class (label, "connecting");
  gtk_widget_remove_css_class (label, "not-live");
  gtk_widget_add_css_class (label, css);
}

static gboolean
link_timer_cb (gpointer user_data)
{
  update_link_label (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
role_is (DozorWindow *self,
         const char  *first,
         ...)
{
  const char *role = self->sync != NULL ? dozor_sync_client_get_role (self->sync) : NULL;
  va_list args;
  gboolean found = FALSE;

  va_start (args, first);
  for (const char *name = first; name != NULL && !found; name = va_arg (args, const char *))
    found = g_strcmp0 (role, name) == 0;
  va_end (args);
  return found;
}

/* The server enforces roles; the board only hides what a role cannot do,
 * and a wall board does nothing but show. */
gboolean
dozor_window_may_dispatch (DozorWindow *self)
{
  return !self->wall && role_is (self, "supervisor", "admin", NULL);
}

gboolean
dozor_window_may_register (DozorWindow *self)
{
  return !self->wall && role_is (self, "operator", "supervisor", "admin", NULL);
}

static void
apply_role (DozorWindow *self)
{
  gboolean dispatch = dozor_window_may_dispatch (self), regist = dozor_window_may_register (self);

  g_object_set (self->map_view, "can-dispatch", dispatch, "can-register", regist, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->new_incident_button), regist);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.dispatch", dispatch);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.dispatch-unit", dispatch);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-dispatch", dispatch);
  dozor_group_dispatch_set_enabled (self->group_dispatch, dispatch);
  /* Plans are a supervisor's, as dispatches are (docs/api.md, roles). */
  dozor_plans_pane_set_editable (self->plans_pane, dispatch);
  if (self->roster_pane != NULL)
    dozor_roster_pane_set_editable (self->roster_pane, dispatch);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-incident", regist);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-incident-at", regist);
  /* A local overlay is for any desk; the wall shows only what the room shares. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import-layer", !self->wall);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.remove-overlays", !self->wall);
}

/* One selection, wherever it is made: the map, the unit list and the
 * incident queue show the same unit and incident, and picking one in a
 * list brings the map to it. */
static void
map_selection_cb (DozorWindow *self)
{
  const char *unit_id = dozor_map_view_get_selected_unit (self->map_view);
  const char *incident_id = dozor_map_view_get_selected_incident (self->map_view);

  dozor_situation_list_set_selected (DOZOR_SITUATION_LIST (self->unit_list), unit_id);
  dozor_situation_list_set_selected (DOZOR_SITUATION_LIST (self->incident_list), incident_id);
  dozor_details_pane_show (self->details_pane, unit_id, incident_id);
}

static void
unit_list_selection_cb (DozorWindow *self)
{
  const char *unit_id = dozor_situation_list_get_selected (DOZOR_SITUATION_LIST (self->unit_list));
  DozorUnit *unit = unit_id != NULL ? dozor_situation_get_unit (self->situation, unit_id) : NULL;

  /* Already the map's: the selection came from the map, which stays put. */
  if (unit_id == NULL || g_strcmp0 (unit_id, dozor_map_view_get_selected_unit (self->map_view)) == 0)
    return;
  dozor_map_view_select_unit (self->map_view, unit_id);
  if (unit != NULL && unit->has_fix)
    dozor_map_view_go_to (self->map_view, unit->lat, unit->lon, NAN, TRUE);
}

static void
incident_list_selection_cb (DozorWindow *self)
{
  const char *incident_id = dozor_situation_list_get_selected (DOZOR_SITUATION_LIST (self->incident_list));
  JsonObject *incident = incident_id != NULL ? dozor_situation_get_entity (self->situation, "incident", incident_id) : NULL;
  double lat, lon;

  if (incident_id == NULL || g_strcmp0 (incident_id, dozor_map_view_get_selected_incident (self->map_view)) == 0)
    return;
  dozor_map_view_select_incident (self->map_view, incident_id);
  if (incident != NULL && dozor_incident_get_location (incident, &lat, &lon))
    dozor_map_view_go_to (self->map_view, lat, lon, NAN, TRUE);
}

static void
follow_selection (DozorWindow *self)
{
  g_signal_connect_object (self->map_view, "notify::selected-unit", G_CALLBACK (map_selection_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->map_view, "notify::selected-incident", G_CALLBACK (map_selection_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->unit_list, "notify::selected", G_CALLBACK (unit_list_selection_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->incident_list, "notify::selected", G_CALLBACK (incident_list_selection_cb), self,
                           G_CONNECT_SWAPPED);
}

/* Coverage gaps, as the crisis pane last counted them, on the map too. */
static void
coverage_changed_cb (DozorWindow *self)
{
  g_autoptr(GPtrArray) flagged = dozor_crisis_pane_get_flagged_zones (self->crisis_pane);

  dozor_map_view_set_flagged_zones (self->map_view, flagged);
}

/**
 * dozor_window_set_restored:
 * @self: a #DozorWindow
 * @saved_at: when the situation on screen was saved to the disk (Unix µs),
 *   or 0 when it is the network's
 */
void
dozor_window_set_restored (DozorWindow *self,
                           gint64       saved_at)
{
  self->restored = saved_at;
  if (self->sync != NULL)
    update_link_label (self);
}

/**
 * dozor_window_set_replaying:
 * @self: a #DozorWindow
 *
 * Marks the board as a replay's: its link label says so, not the link's state.
 */
void
dozor_window_set_replaying (DozorWindow *self)
{
  self->replaying = TRUE;
  if (self->sync != NULL)
    update_link_label (self);
}

/**
 * dozor_window_set_wall:
 * @self: a #DozorWindow
 * @wall: whether this is a wall board: it shows, and nobody acts on it
 */
void
dozor_window_set_wall (DozorWindow *self,
                       gboolean     wall)
{
  self->wall = wall;
  if (self->readiness != NULL)
    dozor_readiness_controller_set_wall (self->readiness, wall);
  if (self->escalation != NULL)
    dozor_escalation_controller_set_wall (self->escalation, wall);
  if (self->replay != NULL)
    dozor_replay_controller_set_wall (self->replay, wall);
  if (self->sync != NULL)
    apply_role (self);
}

/**
 * dozor_window_follow:
 * @self: a #DozorWindow
 * @sync: the link to the backend
 * @situation: what it keeps up to date
 *
 * Shows the situation on the map and the state of the link in the header.
 */
void
dozor_window_follow (DozorWindow     *self,
                     DozorSyncClient *sync,
                     DozorSituation  *situation)
{
  g_return_if_fail (self->sync == NULL);

  self->sync = g_object_ref (sync);
  self->situation = g_object_ref (situation);
  dozor_map_view_show_situation (self->map_view, situation);
  dozor_clock_follow (self->clock, situation, self->replaying);
  dozor_incident_list_set_situation (self->incident_list, situation);
  dozor_unit_list_set_situation (self->unit_list, situation);
  dozor_details_pane_set_situation (self->details_pane, situation);
  {
    g_autoptr(DozorChecklist) checklist = dozor_checklist_new (sync, situation);

    dozor_details_pane_set_checklist (self->details_pane, checklist);
  }
  /* A patrol route's rules, for supervisors (Ctrl+Alt+U). */
  g_object_set_data_full (G_OBJECT (self), "dozor-route-rules",
                          dozor_route_rules_controller_new (GTK_APPLICATION_WINDOW (self), sync, situation,
                                                            self->wall),
                          g_object_unref);
  /* Route deviations: counted in a unit's details, summed per shift (Ctrl+Alt+V). */
  {
    g_autoptr(DozorComplianceController) compliance =
      dozor_compliance_controller_new (GTK_APPLICATION_WINDOW (self), sync, situation);

    dozor_details_pane_set_compliance (self->details_pane, compliance);
  }
  /* One road graph for the board: the crisis pane and the dispatch
   * confirmation rank units by it. */
  {
    g_autofree char *streets = dozor_application_find_data ("almaty/roads.geojson");

    self->roads = dozor_road_service_new (streets);
  }
  self->advice = dozor_dispatch_advice_new (situation, self->roads);
  /* A wall's gaps are computed once for all its windows (DozorWallCoverage),
   * not by a pane nobody opens in each of them. */
  if (!self->wall)
    {
      dozor_crisis_pane_set_situation (self->crisis_pane, situation, self->roads);
      g_signal_connect_object (self->crisis_pane, "coverage-changed", G_CALLBACK (coverage_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  /* Desk and wall alike show the readiness; changing it is the controller's. */
  dozor_readiness_banner_set_situation (self->readiness_banner, situation);
  self->readiness = dozor_readiness_controller_new (GTK_APPLICATION_WINDOW (self), sync, situation, self->map_view);
  dozor_readiness_controller_set_wall (self->readiness, self->wall);
  adw_header_bar_pack_start (self->header_bar, dozor_readiness_controller_get_button (self->readiness));
  self->reports = dozor_reports_controller_new (GTK_APPLICATION_WINDOW (self), sync);
  /* A replay's board offers certificates (a debriefing's), a wall none. */
  g_object_set_data_full (G_OBJECT (self), "dozor-certificate",
                          dozor_certificate_controller_new (GTK_APPLICATION_WINDOW (self), sync, situation,
                                                            self->map_view, self->wall && !self->replaying),
                          g_object_unref);
  /* The shift handover: its dialog, and under the readiness what is still open from the last shift. */
  {
    DozorHandoverController *handover = dozor_handover_controller_new (GTK_APPLICATION_WINDOW (self), sync,
                                                                       situation, self->wall);

    gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->readiness_banner))),
                                dozor_handover_controller_get_banner (handover), GTK_WIDGET (self->readiness_banner));
    g_object_set_data_full (G_OBJECT (self), "dozor-handover", handover, g_object_unref);
    g_object_set_data_full (G_OBJECT (self), "dozor-registers",
                            dozor_registers_controller_new (GTK_APPLICATION_WINDOW (self), sync, situation, self->wall),
                            g_object_unref);
  }
  /* Incidents waiting unassigned too long: in the queue, on the map, here. */
  self->escalation = dozor_escalation_controller_new (situation, self->settings, self->map_view, self->incident_list,
                                                      self->unit_list);
  dozor_escalation_controller_set_wall (self->escalation, self->wall);
  adw_header_bar_pack_start (self->header_bar, dozor_escalation_controller_get_button (self->escalation));
  self->group_dispatch = dozor_group_dispatch_new (GTK_APPLICATION_WINDOW (self), sync, situation,
                                                   DOZOR_SITUATION_LIST (self->unit_list), self->map_view,
                                                   self->crisis_pane);
  self->replay = dozor_replay_controller_new (GTK_APPLICATION_WINDOW (self), sync);
  dozor_replay_controller_set_wall (self->replay, self->wall);
  dozor_plans_pane_follow (self->plans_pane, GTK_APPLICATION_WINDOW (self), sync, situation, self->map_view);
  dozor_crisis_log_pane_set_wall (self->crisis_log_pane, self->wall);
  if (self->replaying)
    dozor_crisis_log_pane_set_replaying (self->crisis_log_pane);
  dozor_crisis_log_pane_follow (self->crisis_log_pane, GTK_APPLICATION_WINDOW (self), sync, situation);
  /* Its own window (Ctrl+Alt+R), which owns it: not a fifth tab that
   * would widen the sidebar. */
  self->roster_pane = dozor_roster_pane_new ();
  dozor_roster_pane_follow (self->roster_pane, GTK_APPLICATION_WINDOW (self), sync, situation, self->map_view);
  /* F6 and Shift+F6: the sidebar, the map and the header bar in turn. */
  g_object_set_data_full (G_OBJECT (self), "dozor-focus-regions",
                          dozor_focus_regions_new (GTK_APPLICATION_WINDOW (self), adw_flap_get_flap (self->flap),
                                                   GTK_WIDGET (self->map_view), GTK_WIDGET (self->header_bar), NULL),
                          g_object_unref);
  follow_selection (self);
  dozor_window_follow_dispatches (self);
  dozor_window_follow_intake (self);
  dozor_window_follow_imports (self);
  gtk_widget_set_visible (GTK_WIDGET (self->sidebar_button), TRUE);
  /* The wall is all map; a desk opens with the queue beside it. */
  adw_flap_set_reveal_flap (self->flap, !self->wall);
  g_signal_connect_object (sync, "notify::state", G_CALLBACK (update_link_label), self, G_CONNECT_SWAPPED);
  /* The role is known once logged in. */
  g_signal_connect_object (sync, "notify::state", G_CALLBACK (apply_role), self, G_CONNECT_SWAPPED);
  apply_role (self);
  self->link_timer_id = g_timeout_add_seconds (1, link_timer_cb, self);
  gtk_widget_set_visible (GTK_WIDGET (self->link_label), TRUE);
  update_link_label (self);
}

/**
 * dozor_window_add_overlay:
 * @self: a #DozorWindow
 * @widget: what to show over the map, placed by its own alignment
 *
 * For what others assemble around the board, such as a wall's banner.
 */
void
dozor_window_add_overlay (DozorWindow *self,
                          GtkWidget   *widget)
{
  g_return_if_fail (DOZOR_IS_WINDOW (self));

  gtk_overlay_add_overlay (self->map_overlay, widget);
}

/**
 * dozor_window_take_map:
 * @self: a #DozorWindow
 *
 * Takes the map out of its place, for a wall monitor that shows it in a
 * grid of views (dozor_window_set_wall_content() puts the grid there).
 * The map keeps following the window's situation and selection.
 *
 * Returns: (transfer full): the map
 */
GtkWidget *
dozor_window_take_map (DozorWindow *self)
{
  GtkWidget *map;

  g_return_val_if_fail (DOZOR_IS_WINDOW (self), NULL);

  map = g_object_ref (GTK_WIDGET (self->map_view));
  gtk_overlay_set_child (self->map_overlay, NULL);
  return map;
}

/**
 * dozor_window_get_map_view:
 * @self: a #DozorWindow
 *
 * For a wall that moves the map by itself.
 *
 * Returns: (transfer none): the board's map, in its place or taken
 */
DozorMapView *
dozor_window_get_map_view (DozorWindow *self)
{
  g_return_val_if_fail (DOZOR_IS_WINDOW (self), NULL);

  return self->map_view;
}

/**
 * dozor_window_set_wall_content:
 * @self: a #DozorWindow
 * @content: what shows where the map was, holding the map
 *   dozor_window_take_map() gave
 *
 * The overlays (the wall's banners) stay over it.
 */
void
dozor_window_set_wall_content (DozorWindow *self,
                               GtkWidget   *content)
{
  g_return_if_fail (DOZOR_IS_WINDOW (self));

  gtk_overlay_set_child (self->map_overlay, content);
}

/**
 * dozor_window_set_label_size:
 * @self: a #DozorWindow
 * @size: the map labels' font size in pixels, or 0 for the desk's
 */
void
dozor_window_set_label_size (DozorWindow *self,
                             double       size)
{
  g_return_if_fail (DOZOR_IS_WINDOW (self));

  dozor_map_view_set_label_size (self->map_view, size);
}

/**
 * dozor_window_set_wall_cap_height:
 * @self: a #DozorWindow
 * @cap_height: the wall's legibility rule in pixels, for the readiness
 *   banner it shows over the map like the wall's own banners
 */
void
dozor_window_set_wall_cap_height (DozorWindow *self,
                                  double       cap_height)
{
  g_return_if_fail (DOZOR_IS_WINDOW (self));

  dozor_readiness_banner_set_cap_height (self->readiness_banner, cap_height);
}
