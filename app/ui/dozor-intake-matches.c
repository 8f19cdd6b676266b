/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The incidents a report being taken may be about (docs/api.md, "Repeated
 * calls"), shown in the intake as the operator gives the scene and the
 * caller's phone: asked of dozord a moment after the last keystroke, so
 * that typing a number does not send a request per digit. "Attach" sends
 * the call to that incident through the outbox, as every command goes, so
 * it is not lost offline, and closes the form: no duplicate is registered.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "dozor-field.h"
#include "dozor-intake-matches.h"
#include "dozor-json.h"
#include "dozor-labels.h"

/* The pause after the last change of the scene or phone before asking. */
#define QUERY_DELAY_MS 400

struct _DozorIntakeMatches
{
  GtkBox parent_instance;

  DozorSyncClient *sync;
  DozorIntakeDialog *dialog; /* weak: the dialog holds this widget */
  GtkLabel *status_label;
  GtkListBox *list;
  GCancellable *cancellable; /* the request in flight */
  guint query_id;
};

G_DEFINE_FINAL_TYPE (DozorIntakeMatches, dozor_intake_matches, GTK_TYPE_BOX)

/* The answer comes from the network: a member of another type is absent. */
static JsonArray *
get_array (JsonObject *object,
           const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
get_object (JsonObject *object,
            const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static double
get_double (JsonObject *object,
            const char *member,
            double      fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;
  double value;

  return node != NULL && dozor_json_node_get_number (node, &value) ? value : fallback;
}

static void
show_status (DozorIntakeMatches *self,
             const char         *text)
{
  gtk_label_set_text (self->status_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL);
}

static void
clear_rows (DozorIntakeMatches *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  gtk_widget_set_visible (GTK_WIDGET (self->list), FALSE);
}

/* "120 m", "same phone" or both. */
static char *
reason_text (JsonObject *match)
{
  JsonArray *reasons = get_array (match, "reasons");
  double distance = get_double (match, "distance_m", NAN);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; reasons != NULL && i < json_array_get_length (reasons); i++)
    {
      JsonNode *reason = json_array_get_element (reasons, i);
      const char *kind = JSON_NODE_HOLDS_VALUE (reason) ? json_node_get_string (reason) : NULL;

      if (text->len > 0)
        g_string_append (text, ", ");
      if (g_strcmp0 (kind, "distance") == 0 && isfinite (distance))
        {
          g_autofree char *away = dozor_format_distance (distance);

          g_string_append (text, away);
        }
      else if (g_strcmp0 (kind, "phone") == 0)
        g_string_append (text, _("same phone"));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GtkWidget *
match_row (DozorIntakeMatches *self,
           JsonObject         *match)
{
  JsonObject *incident = get_object (match, "incident");
  const char *id = dozor_json_get_string (incident, "id");
  const char *address = dozor_json_get_string (incident, "address");
  gint64 created = dozor_json_get_time (incident, "created_at");
  g_autofree char *age = dozor_format_age (created > 0 ? g_get_real_time () - created : 0);
  g_autofree char *why = reason_text (match);
  /* The first report and every call attached since. */
  guint calls = (guint) get_double (incident, "calls", 0) + 1;
  g_autofree char *calls_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u call", "%u calls", calls), calls);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Attach"));

  /* TRANSLATORS: a matching incident in the intake: "Robbery · 120 m · 14 min ago · 2 calls" */
  title = g_strdup_printf (_("%s · %s · %s ago · %s"),
                           dozor_incident_type_label (dozor_json_get_string (incident, "type")), why, age, calls_text);
  subtitle = g_strdup_printf ("%s%s%s%s", dozor_json_get_string (incident, "number") ?: "",
                              address != NULL && *address != '\0' ? " · " : "", address != NULL ? address : "",
                              g_strcmp0 (dozor_json_get_string (incident, "status"), "closed") == 0 ? _(" · closed") : "");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Attach this call to the incident instead of registering a new one"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "matches.attach");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(ss)", id != NULL ? id : "", title);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

static void
answered_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DozorIntakeMatches) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = dozor_sync_client_post_finish (DOZOR_SYNC_CLIENT (source), result, &error);
  JsonArray *matches = NULL;
  guint n;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  clear_rows (self);
  if (answer != NULL && JSON_NODE_HOLDS_OBJECT (answer))
    matches = get_array (json_node_get_object (answer), "matches");
  if (matches == NULL)
    {
      g_debug ("Intake matches unavailable: %s", error != NULL ? error->message : "no list");
      show_status (self, _("Matches unavailable offline"));
      return;
    }

  n = json_array_get_length (matches);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *match = json_array_get_element (matches, i);

      if (JSON_NODE_HOLDS_OBJECT (match) && get_object (json_node_get_object (match), "incident") != NULL)
        gtk_list_box_append (self->list, match_row (self, json_node_get_object (match)));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->list), n > 0);
  show_status (self, n > 0 ? _("This may be a repeated call about:") : _("No open or recent incident matches"));
  g_debug ("Intake matches: %u", n);
}

static gboolean
query_cb (gpointer user_data)
{
  DozorIntakeMatches *self = user_data;
  g_autoptr(GString) path = g_string_new ("incidents/matches?");
  const char *phone = self->dialog != NULL ? dozor_intake_dialog_get_caller_phone (self->dialog) : NULL;
  g_autofree char *key = dozor_field_phone_key (phone);
  double lat, lon;
  gboolean has_point = self->dialog != NULL && dozor_intake_dialog_get_location (self->dialog, &lat, &lon);

  self->query_id = 0;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  /* Nothing to match yet: a short phone would match nothing either. */
  if (!has_point && key == NULL)
    {
      clear_rows (self);
      show_status (self, NULL);
      return G_SOURCE_REMOVE;
    }
  if (has_point)
    {
      char lat_text[G_ASCII_DTOSTR_BUF_SIZE], lon_text[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (path, "lat=%s&lon=%s&", g_ascii_formatd (lat_text, sizeof lat_text, "%.7f", lat),
                              g_ascii_formatd (lon_text, sizeof lon_text, "%.7f", lon));
    }
  if (key != NULL)
    g_string_append_printf (path, "phone=%s", key);

  self->cancellable = g_cancellable_new ();
  dozor_sync_client_get_async (self->sync, path->str, self->cancellable, answered_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
report_changed_cb (DozorIntakeMatches *self)
{
  g_clear_handle_id (&self->query_id, g_source_remove);
  self->query_id = g_timeout_add (QUERY_DELAY_MS, query_cb, self);
}

static void
attach_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DozorIntakeMatches *self = DOZOR_INTAKE_MATCHES (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *key = NULL;
  const char *id, *title;

  if (self->dialog == NULL)
    return;
  g_variant_get (parameter, "(&s&s)", &id, &title);
  body = dozor_intake_dialog_get_call (self->dialog);
  path = g_strdup_printf ("incidents/%s/calls", id);
  summary = g_strdup_printf (_("Attach the call to %s"), title);
  key = dozor_sync_client_send (self->sync, "POST", path, body, -1, summary, &error);
  if (key == NULL)
    {
      /* Not saved, so not sent: the operator must know, and may register instead. */
      g_autofree char *message = g_strdup_printf (_("Not done: %s. %s"), summary, error->message);

      show_status (self, message);
      return;
    }
  g_debug ("Command queued: %s", summary);
  dozor_intake_dialog_close_saved (self->dialog);
}

static void
dozor_intake_matches_dispose (GObject *object)
{
  DozorIntakeMatches *self = DOZOR_INTAKE_MATCHES (object);

  g_clear_handle_id (&self->query_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->sync);
  g_clear_weak_pointer (&self->dialog);

  G_OBJECT_CLASS (dozor_intake_matches_parent_class)->dispose (object);
}

static void
dozor_intake_matches_class_init (DozorIntakeMatchesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_intake_matches_dispose;
  gtk_widget_class_install_action (widget_class, "matches.attach", "(ss)", attach_action);
}

static void
dozor_intake_matches_init (DozorIntakeMatches *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);

  self->status_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->status_label, 0);
  gtk_label_set_wrap (self->status_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "heading");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), FALSE);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->status_label));

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_widget_set_visible (GTK_WIDGET (self->list), FALSE);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->list));
}

/**
 * dozor_intake_matches_new:
 * @sync: the board's link, which asks and sends
 * @dialog: the intake; the list places itself there and follows its scene
 *   and the caller's phone
 *
 * Returns: (transfer none): the list, owned by @dialog
 */
DozorIntakeMatches *
dozor_intake_matches_new (DozorSyncClient   *sync,
                          DozorIntakeDialog *dialog)
{
  DozorIntakeMatches *self = g_object_new (DOZOR_TYPE_INTAKE_MATCHES, NULL);

  self->sync = g_object_ref (sync);
  g_set_weak_pointer (&self->dialog, dialog);
  dozor_intake_dialog_add_extra (dialog, GTK_WIDGET (self));
  g_signal_connect_object (dialog, "location-changed", G_CALLBACK (report_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "caller-changed", G_CALLBACK (report_changed_cb), self, G_CONNECT_SWAPPED);
  return self;
}
