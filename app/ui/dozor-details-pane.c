/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the board knows of the selected unit or incident. For a unit: its
 * status, how old its position is, speed and heading, the incident it
 * is sent to, and its route deviations and reporting gaps this shift. For an incident: what the caller said, its timeline from
 * registration on, the units sent, and the nearest available units by
 * straight-line distance, each with a button to dispatch it.
 *
 * Redrawn every two seconds so ages stay true, and when a replay's clock
 * moves, but not while the pointer is over it: a button must not move
 * away under a supervisor's click.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "dozor-checklist.h"
#include "dozor-details-pane.h"
#include "dozor-incident-form.h"
#include "dozor-json.h"
#include "dozor-labels.h"
#include "dozor-plan.h"
#include "dozor-unit-layer.h"

#define REFRESH_SECONDS 2

/* Height of the details when something is selected, in pixels: what they
 * had before, less than half of a 1080-pixel screen's sidebar. */
#define DETAILS_HEIGHT 400

struct _DozorDetailsPane
{
  GtkWidget parent_instance;

  int logged_height; /* for the log: how much of the sidebar it takes */

  GtkScrolledWindow *scroller;
  GtkBox *content;

  DozorSituation *situation;
  DozorChecklist *checklist;
  DozorComplianceController *compliance;
  char *unit_id;
  char *incident_id;
  GtkEventController *motion;
  guint refresh_id;
};

G_DEFINE_FINAL_TYPE (DozorDetailsPane, dozor_details_pane, GTK_TYPE_WIDGET)

static GtkWidget *
add_label (DozorDetailsPane *self,
           const char       *text,
           const char       *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (self->content, label);
  return label;
}

/* "Status: Available", the name dim, the value plain. */
/* Every name the details put left of a value. The names' column is as
 * wide as the longest of them in the language shown, so that the values
 * line up whichever fields a unit or an incident has: at 12 characters,
 * "Arrival corrected by" pushed its value right of the others. */
static const char *const field_names[] = {
  N_("Status"), N_("Position"), N_("Coordinates"), N_("Speed"), N_("Heading"), N_("Sent to"),
  N_("Sent by"), N_("Address"), N_("Caller"), N_("Phone"), N_("Description"), N_("Repeated calls"),
  N_("Registered"), N_("Dispatched"), N_("En route"), N_("On scene"), N_("Response time"),
  N_("Arrival corrected by"), N_("Units sent"),
};

static int
name_column_chars (void)
{
  int chars = 0;

  for (guint i = 0; i < G_N_ELEMENTS (field_names); i++)
    chars = MAX (chars, (int) g_utf8_strlen (_(field_names[i]), -1));
  return chars;
}

static void
add_field (DozorDetailsPane *self,
           const char       *name,
           const char       *value)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *key = gtk_label_new (name);
  GtkWidget *text = gtk_label_new (value);

  if (value == NULL || *value == '\0')
    return;
  gtk_label_set_xalign (GTK_LABEL (key), 0);
  gtk_label_set_width_chars (GTK_LABEL (key), name_column_chars ());
  gtk_widget_add_css_class (key, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_selectable (GTK_LABEL (text), TRUE);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (row), key);
  gtk_box_append (GTK_BOX (row), text);
  gtk_box_append (self->content, row);
}

static char *
clock_time (DozorDetailsPane *self,
            const char       *iso8601)
{
  g_autoptr(GDateTime) utc = iso8601 != NULL ? g_date_time_new_from_iso8601 (iso8601, NULL) : NULL;
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;
  g_autofree char *age = NULL;
  g_autofree char *clock = NULL;

  if (local == NULL)
    return NULL;
  /* The locale's time of day (%X), 24-hour where the locale is. */
  clock = g_date_time_format (local, "%X");
  age = dozor_format_age (dozor_situation_get_now (self->situation) - g_date_time_to_unix (utc) * G_USEC_PER_SEC);
  /* Translators: a time of day and how long ago it was, "14:02:10 (3 min ago)" */
  return g_strdup_printf (_("%s (%s ago)"), clock, age);
}

static void
show_unit (DozorDetailsPane *self,
           DozorUnit        *unit)
{
  JsonObject *dispatch = dozor_situation_get_unit_dispatch (self->situation, unit->id);
  JsonObject *incident = dispatch != NULL
    ? dozor_situation_get_entity (self->situation, "incident",
                                  json_object_get_string_member_with_default (dispatch, "incident_id", ""))
    : NULL;

  add_label (self, unit->call_sign, "title-3");
  add_field (self, _("Status"), dozor_unit_status_label (unit->status));

  if (unit->has_fix)
    {
      gint64 age = dozor_situation_get_now (self->situation) - unit->fix_time;
      g_autofree char *ago = dozor_format_age (age);
      g_autofree char *position = age > DOZOR_UNIT_STALE_SECONDS * G_USEC_PER_SEC
        ? g_strdup_printf (_("%s old — not current"), ago)
        : g_strdup_printf (_("%s old"), ago);
      g_autofree char *kmh = isfinite (unit->speed) ? g_strdup_printf (_("%.0f km/h"), unit->speed * 3.6) : NULL;
      g_autofree char *speed = kmh != NULL ? dozor_unbroken (kmh) : NULL;
      g_autofree char *heading = isfinite (unit->heading) ? g_strdup_printf (_("%.0f°"), unit->heading) : NULL;
      g_autofree char *where = dozor_format_lat_lon (unit->lat, unit->lon, 5);

      add_field (self, _("Position"), position);
      add_field (self, _("Coordinates"), where);
      add_field (self, _("Speed"), speed);
      add_field (self, _("Heading"), heading);
    }
  else
    add_field (self, _("Position"), _("no fix yet"));

  if (incident != NULL)
    {
      const char *address = json_object_get_string_member_with_default (incident, "address", NULL);
      /* No trailing " · " for an incident without an address. */
      g_autofree char *to = g_strdup_printf ("%s · %s%s%s",
                                             json_object_get_string_member_with_default (incident, "number", ""),
                                             dozor_incident_type_label (json_object_get_string_member_with_default (incident, "type", NULL)),
                                             address != NULL && *address != '\0' ? " · " : "",
                                             address != NULL ? address : "");
      g_autofree char *since = clock_time (self, json_object_get_string_member_with_default (dispatch, "created_at", NULL));
      g_autofree char *by = g_strdup_printf ("%s, %s", json_object_get_string_member_with_default (dispatch, "created_by", ""),
                                             since != NULL ? since : "");

      add_field (self, _("Sent to"), to);
      add_field (self, _("Sent by"), by);
    }

  /* Its deviations and reporting gaps in this shift, the server's count. */
  if (self->compliance != NULL)
    {
      GtkWidget *compliance = dozor_compliance_controller_build_unit (self->compliance, unit->id);

      if (compliance != NULL)
        gtk_box_append (self->content, compliance);
    }
}

static void
add_nearest (DozorDetailsPane *self,
             double            lat,
             double            lon)
{
  const char *ids[DOZOR_SITUATION_NEAREST];
  double distances[DOZOR_SITUATION_NEAREST];
  guint n = dozor_situation_find_nearest (self->situation, lat, lon, dozor_situation_get_now (self->situation), ids,
                                         distances);

  add_label (self, _("Nearest available units"), "heading");
  if (n == 0)
    add_label (self, _("No available unit has a current position"), "dim-label");

  for (guint i = 0; i < n; i++)
    {
      DozorUnit *unit = dozor_situation_get_unit (self->situation, ids[i]);
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      GtkWidget *name = gtk_label_new (unit->call_sign);
      g_autofree char *km = dozor_format_distance (distances[i]);
      GtkWidget *distance = gtk_label_new (km);
      /* A verb, as the confirmation's button: in Russian the bare
       * "Dispatch" read as the noun "Направление нарядов". */
      GtkWidget *button = gtk_button_new_with_label (C_("button", "Dispatch"));

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_widget_set_hexpand (name, TRUE);
      gtk_widget_add_css_class (distance, "numeric");
      gtk_widget_add_css_class (button, "suggested-action");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.dispatch-unit");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", unit->id);
      gtk_box_append (GTK_BOX (row), name);
      gtk_box_append (GTK_BOX (row), distance);
      gtk_box_append (GTK_BOX (row), button);
      gtk_box_append (self->content, row);
    }
}

/* Where the button is once laid out, for the UI test, which has no other
 * way to find a widget that the pane rebuilds every two seconds. */
static gboolean
log_certificate_button_cb (gpointer user_data)
{
  g_autoptr(GtkWidget) button = user_data;
  graphene_point_t centre, at;

  centre = GRAPHENE_POINT_INIT (gtk_widget_get_width (button) / 2.0f, gtk_widget_get_height (button) / 2.0f);
  if (gtk_widget_get_mapped (button) &&
      gtk_widget_compute_point (button, GTK_WIDGET (gtk_widget_get_root (button)), &centre, &at))
    g_debug ("Details: Certificate… at %.0f,%.0f", at.x, at.y);
  return G_SOURCE_REMOVE;
}

static void
certificate_button_mapped_cb (GtkWidget *button)
{
  g_timeout_add (300, log_certificate_button_cb, g_object_ref (button));
}

/* "Certificate…" (issue 18, item 4): the PDF of this incident's working
 * off; win.incident-certificate (dozor-certificate-controller.c) saves it. */
static void
add_certificate_button (DozorDetailsPane *self,
                        const char       *incident_id)
{
  GtkWidget *button = gtk_button_new_with_label (_("Certificate…"));

  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (button, _("Save the certificate of working off this incident as a PDF"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.incident-certificate");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", incident_id);
  g_signal_connect (button, "map", G_CALLBACK (certificate_button_mapped_cb), NULL);
  gtk_box_append (self->content, button);
}

static const char *
or_none (const char *text)
{
  return text != NULL ? text : "none";
}

/* Issue 17, item 3: the response time the timings give (docs/api.md:
 * `on_scene_at − created_at`), and who corrected the server's arrival. */
static void
add_response (DozorDetailsPane *self,
              JsonObject       *incident)
{
  g_autoptr(GDateTime) created = NULL;
  g_autoptr(GDateTime) on_scene = NULL;
  JsonObject *arrival = dozor_json_get_object (incident, "arrival");
  const char *by = arrival != NULL ? dozor_json_get_string (arrival, "corrected_by") : NULL;

  if (dozor_json_get_string (incident, "created_at") != NULL && dozor_json_get_string (incident, "on_scene_at") != NULL)
    {
      created = g_date_time_new_from_iso8601 (dozor_json_get_string (incident, "created_at"), NULL);
      on_scene = g_date_time_new_from_iso8601 (dozor_json_get_string (incident, "on_scene_at"), NULL);
    }
  if (created != NULL && on_scene != NULL)
    {
      g_autofree char *response = dozor_format_duration (g_date_time_difference (on_scene, created) / G_USEC_PER_SEC);

      add_field (self, _("Response time"), response);
    }
  if (by != NULL)
    {
      g_autofree char *when = clock_time (self, dozor_json_get_string (arrival, "corrected_at"));
      /* TRANSLATORS: who corrected the time a unit arrived, and when: "op, 14:02:10 (3 min ago)" */
      g_autofree char *text = g_strdup_printf (_("%s, %s"), by, when != NULL ? when : "");

      add_field (self, _("Arrival corrected by"), text);
    }
  g_debug ("Incident timings: %s, en route %s, on scene %s, response %" G_GINT64_FORMAT " s, "
           "arrival corrected by %s", dozor_json_get_string (incident, "number"),
           or_none (dozor_json_get_string (incident, "en_route_at")),
           or_none (dozor_json_get_string (incident, "on_scene_at")),
           created != NULL && on_scene != NULL ? g_date_time_difference (on_scene, created) / G_USEC_PER_SEC : -1,
           by != NULL ? by : "nobody");
}

static void
show_incident (DozorDetailsPane *self,
               JsonObject       *incident)
{
  g_autoptr(GList) dispatches = dozor_situation_get_entities (self->situation, "dispatch");
  const char *id = json_object_get_string_member_with_default (incident, "id", "");
  double lat, lon;
  g_autofree char *title = g_strdup_printf ("%s · %s", json_object_get_string_member_with_default (incident, "number", ""),
                                            dozor_incident_type_label (json_object_get_string_member_with_default (incident, "type", NULL)));
  static const struct { const char *member; const char *label; } timeline[] = {
    { "created_at", N_("Registered") },
    { "dispatched_at", N_("Dispatched") },
    { "en_route_at", N_("En route") },
    { "on_scene_at", N_("On scene") },
  };
  g_autoptr(GString) sent = g_string_new (NULL);

  add_label (self, title, "title-3");
  add_label (self, dozor_priority_label (json_object_get_int_member_with_default (incident, "priority", 0)), NULL);
  add_field (self, _("Status"), dozor_incident_status_label (json_object_get_string_member_with_default (incident, "status", NULL)));
  add_field (self, _("Address"), json_object_get_string_member_with_default (incident, "address", ""));
  add_field (self, _("Caller"), json_object_get_string_member_with_default (incident, "caller_name", ""));
  add_field (self, _("Phone"), json_object_get_string_member_with_default (incident, "caller_phone", ""));
  add_field (self, _("Description"), json_object_get_string_member_with_default (incident, "description", ""));
  {
    /* Repeated calls (issue 17, item 4): only when there were any. */
    gint64 calls = dozor_json_get_int (incident, "calls", 0);
    g_autofree char *repeated = g_strdup_printf ("%" G_GINT64_FORMAT, calls);

    if (calls > 0)
      add_field (self, _("Repeated calls"), repeated);
  }

  for (guint i = 0; i < G_N_ELEMENTS (timeline); i++)
    {
      g_autofree char *when = clock_time (self, json_object_get_string_member_with_default (incident, timeline[i].member, NULL));

      add_field (self, _(timeline[i].label), when);
    }
  add_response (self, incident);

  for (GList *l = dispatches; l != NULL; l = l->next)
    {
      JsonObject *dispatch = json_node_get_object (l->data);
      DozorUnit *unit;

      if (g_strcmp0 (json_object_get_string_member_with_default (dispatch, "incident_id", NULL), id) != 0 ||
          (unit = dozor_situation_get_unit (self->situation,
                                            json_object_get_string_member_with_default (dispatch, "unit_id", ""))) == NULL)
        continue;
      if (sent->len > 0)
        g_string_append (sent, ", ");
      g_string_append_printf (sent, "%s (%s)", unit->call_sign, dozor_unit_status_label (unit->status));
    }
  add_field (self, _("Units sent"), sent->str);
  add_certificate_button (self, id);

  /* What the officers and the operator must do for this kind of incident. */
  if (self->checklist != NULL)
    {
      GtkWidget *checklist = dozor_checklist_build (self->checklist, incident);

      if (checklist != NULL)
        {
          add_label (self, _("Checklist"), "title-4");
          gtk_box_append (self->content, checklist);
        }
    }

  if (dozor_incident_get_location (incident, &lat, &lon))
    add_nearest (self, lat, lon);
}

/* The button among @widget and its descendants that does @action for
 * @target, or NULL. */
static GtkWidget *
find_actionable (GtkWidget  *widget,
                 const char *action,
                 GVariant   *target)
{
  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0 &&
      (target == NULL) == (gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget)) == NULL) &&
      (target == NULL || g_variant_equal (target, gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget)))))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_actionable (child, action, target);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The details' widgets that take the focus, in their Tab order. */
static void
add_focusable (GtkWidget *widget,
               GPtrArray *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_visible (child))
        continue;
      if (gtk_widget_get_focusable (child))
        g_ptr_array_add (found, child);
      add_focusable (child, found);
    }
}

static GPtrArray *
focusable_widgets (DozorDetailsPane *self)
{
  GPtrArray *found = g_ptr_array_new ();

  add_focusable (GTK_WIDGET (self->content), found);
  return found;
}

/* Takes the window's focus out of the details before they are removed.
 *
 * A widget that holds the focus when it is unparented makes GTK 4.8 move
 * the focus itself at a later frame, from the removed widget. After
 * "Certificate…" its button has the focus while the file chooser is open,
 * and the pane is rebuilt under it every two seconds: by the second
 * certificate the focus GTK moves from is no longer a widget, and laying
 * the window out fails gtk_widget_is_ancestor (a critical; an abort under
 * G_DEBUG=fatal-criticals). Clearing the focus first leaves GTK nothing to
 * move. @action and @target get what the focused button did, to give the
 * focus to its successor; NULL when it was no button. @place gets the
 * focused widget's place among the details' focusable ones (a selectable
 * label), or -1: with the focus left cleared, the next Tab started again
 * at the window's first button, and Tab through the details never reached
 * the map behind them.
 */
static void
release_focus (DozorDetailsPane *self,
               char            **action,
               GVariant        **target,
               int              *place)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *actionable;
  g_autoptr(GPtrArray) focusable = NULL;
  guint index;

  *action = NULL;
  *target = NULL;
  *place = -1;
  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->content)))
    return;
  focusable = focusable_widgets (self);
  if (g_ptr_array_find (focusable, focus, &index))
    *place = (int) index;
  actionable = GTK_IS_ACTIONABLE (focus) ? focus : gtk_widget_get_ancestor (focus, GTK_TYPE_ACTIONABLE);
  if (actionable != NULL && gtk_widget_is_ancestor (actionable, GTK_WIDGET (self->content)))
    {
      GVariant *value = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (actionable));

      *action = g_strdup (gtk_actionable_get_action_name (GTK_ACTIONABLE (actionable)));
      *target = value != NULL ? g_variant_ref (value) : NULL;
    }
  gtk_root_set_focus (root, NULL);
}

static void
rebuild (DozorDetailsPane *self)
{
  GtkWidget *child;
  DozorUnit *unit;
  JsonObject *incident;
  g_autofree char *focus_action = NULL;
  g_autoptr(GVariant) focus_target = NULL;
  int focus_place;

  release_focus (self, &focus_action, &focus_target, &focus_place);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->content))) != NULL)
    gtk_box_remove (self->content, child);

  if (self->situation == NULL)
    return;

  incident = self->incident_id != NULL ? dozor_situation_get_entity (self->situation, "incident", self->incident_id) : NULL;
  unit = self->unit_id != NULL ? dozor_situation_get_unit (self->situation, self->unit_id) : NULL;
  if (unit != NULL)
    show_unit (self, unit);
  if (unit != NULL && incident != NULL)
    gtk_box_append (self->content, gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  if (incident != NULL)
    show_incident (self, incident);
  if (unit == NULL && incident == NULL)
    add_label (self, _("Select a unit or an incident on the map or in the lists"), "dim-label");

  /* The sidebar's paned gives the details what they ask at least: room
   * when there are some, a line when there are none (it gave them half
   * the sidebar for the hint alone). */
  gtk_scrolled_window_set_min_content_height (self->scroller, unit == NULL && incident == NULL ? -1 : DETAILS_HEIGHT);

  /* A keyboard user keeps their place: the same button, rebuilt, or the
   * widget in the same place (a label whose age changed). */
  if (focus_action != NULL)
    {
      GtkWidget *again = find_actionable (GTK_WIDGET (self->content), focus_action, focus_target);

      if (again != NULL)
        gtk_widget_grab_focus (again);
    }
  else if (focus_place >= 0)
    {
      g_autoptr(GPtrArray) focusable = focusable_widgets (self);

      if (focusable->len > 0)
        gtk_widget_grab_focus (focusable->pdata[MIN ((guint) focus_place, focusable->len - 1)]);
    }
}

static gboolean
refresh_cb (gpointer user_data)
{
  DozorDetailsPane *self = user_data;

  if (!gtk_event_controller_motion_contains_pointer (GTK_EVENT_CONTROLLER_MOTION (self->motion)))
    rebuild (self);
  return G_SOURCE_CONTINUE;
}

static void
clock_cb (DozorDetailsPane *self)
{
  refresh_cb (self);
}

/* A new height is drawn: the layout manager allocates, so this is where
 * the pane sees it. */
static void
dozor_details_pane_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  DozorDetailsPane *self = DOZOR_DETAILS_PANE (widget);
  int height = gtk_widget_get_height (widget);

  GTK_WIDGET_CLASS (dozor_details_pane_parent_class)->snapshot (widget, snapshot);
  if (height != self->logged_height)
    {
      self->logged_height = height;
      g_debug ("Details pane: %d px high", height);
    }
}

static void
dozor_details_pane_dispose (GObject *object)
{
  DozorDetailsPane *self = (DozorDetailsPane *)object;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->situation != NULL)
    g_signal_handlers_disconnect_by_data (self->situation, self);
  g_clear_object (&self->situation);
  g_clear_object (&self->checklist);
  g_clear_object (&self->compliance);
  gtk_widget_dispose_template (GTK_WIDGET (self), DOZOR_TYPE_DETAILS_PANE);

  G_OBJECT_CLASS (dozor_details_pane_parent_class)->dispose (object);
}

static void
dozor_details_pane_finalize (GObject *object)
{
  DozorDetailsPane *self = (DozorDetailsPane *)object;

  g_free (self->unit_id);
  g_free (self->incident_id);

  G_OBJECT_CLASS (dozor_details_pane_parent_class)->finalize (object);
}

static void
dozor_details_pane_class_init (DozorDetailsPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_details_pane_dispose;
  object_class->finalize = dozor_details_pane_finalize;
  widget_class->snapshot = dozor_details_pane_snapshot;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dozor-details-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorDetailsPane, scroller);
  gtk_widget_class_bind_template_child (widget_class, DozorDetailsPane, content);
}

static void
dozor_details_pane_init (DozorDetailsPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->motion = gtk_event_controller_motion_new ();
  gtk_widget_add_controller (GTK_WIDGET (self), self->motion);
  self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, refresh_cb, self);
  rebuild (self);
}

void
dozor_details_pane_set_situation (DozorDetailsPane *self,
                                  DozorSituation   *situation)
{
  if (self->situation != NULL)
    g_signal_handlers_disconnect_by_data (self->situation, self);
  g_set_object (&self->situation, situation);
  /* A replay's moment moves between events: its ages follow at once. */
  if (situation != NULL)
    g_signal_connect_swapped (situation, "notify::clock", G_CALLBACK (clock_cb), self);
  rebuild (self);
}

/**
 * dozor_details_pane_set_checklist:
 * @self: a #DozorDetailsPane
 * @checklist: the SOP checklists an incident's details show
 */
void
dozor_details_pane_set_checklist (DozorDetailsPane *self,
                                  DozorChecklist   *checklist)
{
  g_set_object (&self->checklist, checklist);
  rebuild (self);
}

/**
 * dozor_details_pane_set_compliance:
 * @self: a #DozorDetailsPane
 * @compliance: what a unit's details show of its route compliance
 */
void
dozor_details_pane_set_compliance (DozorDetailsPane          *self,
                                   DozorComplianceController *compliance)
{
  g_set_object (&self->compliance, compliance);
  rebuild (self);
}

/**
 * dozor_details_pane_show:
 * @self: a #DozorDetailsPane
 * @unit_id: (nullable): the selected unit
 * @incident_id: (nullable): the selected incident
 */
void
dozor_details_pane_show (DozorDetailsPane *self,
                         const char       *unit_id,
                         const char       *incident_id)
{
  g_free (self->unit_id);
  self->unit_id = g_strdup (unit_id);
  g_free (self->incident_id);
  self->incident_id = g_strdup (incident_id);
  rebuild (self);
}
