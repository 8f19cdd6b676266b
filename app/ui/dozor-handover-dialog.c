/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The shift handover at a duty officer's desk (docs/api.md, "Shift
 * handover"): a handover another officer signed and nobody accepted yet,
 * to read and accept; and this shift's handover, pre-filled from dozord's
 * draft, to edit and sign off. Both confirmations show who and when, as
 * the server recorded them. Reads and commands go out once, now (the user
 * waits for them), not through the outbox; the answers are parsed in
 * worker threads by the sync client.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dozor-handover-dialog.h"
#include "dozor-json.h"
#include "dozor-local-time.h"
#include "dozor-labels.h"

struct _DozorHandoverDialog
{
  AdwWindow parent_instance;

  DozorSyncClient *sync;
  GCancellable *cancellable;

  GtkWidget *pending_box;
  GtkLabel *pending_label;
  GtkTextView *pending_text;
  GtkWidget *accept_button;
  GtkLabel *accepted_label;

  GtkLabel *window_label;
  GtkTextView *text_view;
  GtkWidget *sign_button;
  GtkLabel *signed_label;

  GtkWidget *sending;    /* the button whose command is on its way */
  char *pending_id;
  char *from;
  char *to;
};

G_DEFINE_FINAL_TYPE (DozorHandoverDialog, dozor_handover_dialog, ADW_TYPE_WINDOW)

/* A server time as the room reads it: local day and minute. */
static char *
local_time (const char *text)
{
  return dozor_format_local_minute (text, text);
}

static void
append_incidents (GString    *out,
                  JsonObject *draft,
                  const char *member)
{
  JsonArray *incidents = dozor_json_get_array (draft, member);

  for (guint i = 0; incidents != NULL && i < json_array_get_length (incidents); i++)
    {
      JsonObject *incident = json_array_get_object_element (incidents, i);
      const char *address = dozor_json_get_string (incident, "address");

      g_string_append_printf (out, "  • %s, %s, %s%s%s\n", dozor_json_get_string (incident, "number"),
                              dozor_incident_type_label (dozor_json_get_string (incident, "type")),
                              dozor_incident_status_label (dozor_json_get_string (incident, "status")),
                              address != NULL && *address != '\0' ? " — " : "", address != NULL ? address : "");
    }
}

static guint
length_of (JsonObject *object,
           const char *member)
{
  JsonArray *array = dozor_json_get_array (object, member);

  return array != NULL ? json_array_get_length (array) : 0;
}

/* The handover's text as the officer starts from: what dozord found, in
 * the order the issue lists it, then room for the officer's own words. */
static char *
draft_text (JsonObject *draft)
{
  GString *out = g_string_new (NULL);
  g_autofree char *from = local_time (dozor_json_get_string (draft, "from"));
  g_autofree char *to = local_time (dozor_json_get_string (draft, "to"));
  JsonObject *readiness = dozor_json_get_object (draft, "readiness");
  const char *reason = readiness != NULL ? dozor_json_get_string (readiness, "reason") : NULL;
  JsonArray *plans = dozor_json_get_array (draft, "plans");
  JsonArray *by_unit = dozor_json_get_array (draft, "by_unit");

  g_string_append_printf (out, _("Shift from %s to %s.\n\n"), from, to);
  g_string_append_printf (out, _("Open incidents: %u\n"), length_of (draft, "open"));
  append_incidents (out, draft, "open");
  g_string_append_printf (out, _("Incidents under control (a unit on the scene): %u\n"),
                          length_of (draft, "under_control"));
  append_incidents (out, draft, "under_control");
  g_string_append_printf (out, _("Overdue (waiting unassigned too long): %u\n"), length_of (draft, "overdue"));
  g_string_append_printf (out, _("Special plans in force: %u\n"), plans != NULL ? json_array_get_length (plans) : 0);
  for (guint i = 0; plans != NULL && i < json_array_get_length (plans); i++)
    {
      JsonObject *plan = json_array_get_object_element (plans, i);
      g_autofree char *since = local_time (dozor_json_get_string (plan, "activated_at"));

      g_string_append_printf (out, _("  • %s, since %s (%s)\n"), dozor_json_get_string (plan, "name"), since,
                              dozor_json_get_string (plan, "activated_by"));
    }
  g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE, "Degree of readiness: %s%s%s; changed %u time in the shift\n",
                                            "Degree of readiness: %s%s%s; changed %u times in the shift\n",
                                            length_of (draft, "readiness_changes")),
                          dozor_readiness_label (readiness != NULL ? dozor_json_get_string (readiness, "level") : NULL),
                          reason != NULL ? " — " : "", reason != NULL ? reason : "",
                          length_of (draft, "readiness_changes"));
  g_string_append_printf (out, _("Route deviations: %u, reporting gaps: %u\n"),
                          (guint) json_object_get_int_member_with_default (draft, "deviations", 0),
                          (guint) json_object_get_int_member_with_default (draft, "gaps", 0));
  for (guint i = 0; by_unit != NULL && i < json_array_get_length (by_unit); i++)
    {
      JsonObject *unit = json_array_get_object_element (by_unit, i);

      g_string_append_printf (out, _("  • %s: deviations %u, reporting gaps %u\n"),
                              dozor_json_get_string (unit, "call_sign"),
                              (guint) json_object_get_int_member_with_default (unit, "deviations", 0),
                              (guint) json_object_get_int_member_with_default (unit, "gaps", 0));
    }
  g_string_append_printf (out, _("Registered in the shift: %u, closed: %u\n\n"),
                          (guint) json_object_get_int_member_with_default (draft, "registered", 0),
                          (guint) json_object_get_int_member_with_default (draft, "closed", 0));
  g_string_append (out, _("Shortcomings and remarks: "));
  return g_string_free (out, FALSE);
}

static void
set_text (GtkTextView *view,
          const char  *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
}

static char *
get_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
show_signed (DozorHandoverDialog *self,
             JsonObject          *handover)
{
  g_autofree char *at = local_time (dozor_json_get_string (handover, "signed_at"));
  g_autofree char *line = g_strdup_printf (_("Signed off by %s at %s"), dozor_json_get_string (handover, "signed_by"),
                                           at);

  gtk_label_set_text (self->signed_label, line);
  gtk_widget_set_visible (GTK_WIDGET (self->signed_label), TRUE);
}

static void
show_accepted (DozorHandoverDialog *self,
               JsonObject          *handover)
{
  g_autofree char *signed_at = local_time (dozor_json_get_string (handover, "signed_at"));
  g_autofree char *accepted_at = local_time (dozor_json_get_string (handover, "accepted_at"));
  g_autofree char *line = g_strdup_printf (_("Signed off by %s at %s, accepted by %s at %s"),
                                           dozor_json_get_string (handover, "signed_by"), signed_at,
                                           dozor_json_get_string (handover, "accepted_by"), accepted_at);

  gtk_label_set_text (self->accepted_label, line);
  gtk_widget_set_visible (GTK_WIDGET (self->accepted_label), TRUE);
  gtk_widget_set_sensitive (self->accept_button, FALSE);
}

static void
draft_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(DozorHandoverDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = dozor_sync_client_post_finish (DOZOR_SYNC_CLIENT (source), result, &error);
  JsonObject *draft;
  g_autofree char *text = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *window = NULL;

  if (answer == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (self->window_label, error->message);
      return;
    }
  draft = json_node_get_object (answer);
  g_free (self->from);
  g_free (self->to);
  self->from = g_strdup (dozor_json_get_string (draft, "from"));
  self->to = g_strdup (dozor_json_get_string (draft, "to"));
  from = local_time (self->from);
  to = local_time (self->to);
  window = g_strdup_printf (_("This shift, %s to %s"), from, to);
  gtk_label_set_text (self->window_label, window);
  text = draft_text (draft);
  set_text (self->text_view, text);
  gtk_widget_set_sensitive (self->sign_button, TRUE);
  g_debug ("Handover draft shown: %u open, %u under control, %u plans", length_of (draft, "open"),
           length_of (draft, "under_control"), length_of (draft, "plans"));
}

/* The last handover signed: to accept when another officer signed it. */
static void
last_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(DozorHandoverDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = dozor_sync_client_post_finish (DOZOR_SYNC_CLIENT (source), result, &error);
  JsonArray *handovers;
  JsonObject *last;
  g_autofree char *at = NULL;
  g_autofree char *line = NULL;

  if (answer == NULL)
    return;
  handovers = dozor_json_get_array (json_node_get_object (answer), "handovers");
  if (handovers == NULL || json_array_get_length (handovers) == 0)
    return;
  last = json_array_get_object_element (handovers, 0);
  if (dozor_json_get_string (last, "accepted_by") != NULL)
    return;
  if (g_strcmp0 (dozor_json_get_string (last, "signed_by"), dozor_sync_client_get_username (self->sync)) == 0)
    {
      /* The one who signed waits for the other: it is shown, not offered. */
      show_signed (self, last);
      g_debug ("Handover pending: signed by this user, for another to accept");
      return;
    }

  g_free (self->pending_id);
  self->pending_id = g_strdup (dozor_json_get_string (last, "id"));
  at = local_time (dozor_json_get_string (last, "signed_at"));
  line = g_strdup_printf (_("Handed over by %s at %s, waiting for you to accept it"),
                          dozor_json_get_string (last, "signed_by"), at);
  gtk_label_set_text (self->pending_label, line);
  set_text (self->pending_text, dozor_json_get_string (last, "text"));
  gtk_widget_set_visible (self->pending_box, TRUE);
  gtk_widget_grab_focus (self->accept_button);
  g_debug ("Handover to accept: signed by %s", dozor_json_get_string (last, "signed_by"));
}

static void
refused (DozorHandoverDialog *self,
         const GError        *error)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Not Done"),
                                                                         error->message));

  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
  g_debug ("Handover refused: %s", error->message);
}

/* The answer to Sign Off or Accept, whichever @self->sending is. */
static void
answered_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DozorHandoverDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = dozor_sync_client_post_finish (DOZOR_SYNC_CLIENT (source), result, &error);
  gboolean signing = self->sending == self->sign_button;
  JsonObject *handover;

  if (answer == NULL)
    {
      gtk_widget_set_sensitive (self->sending, TRUE);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        refused (self, error);
      return;
    }
  handover = json_node_get_object (answer);
  if (signing)
    show_signed (self, handover);
  else
    show_accepted (self, handover);
  g_debug ("Handover %s by %s", signing ? "signed" : "accepted",
           dozor_json_get_string (handover, signing ? "signed_by" : "accepted_by"));
}

static void
sign_clicked_cb (DozorHandoverDialog *self)
{
  g_autofree char *text = get_text (self->text_view);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GBytes) body = NULL;

  if (self->from == NULL || self->to == NULL)
    return;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, self->from);
  json_builder_set_member_name (builder, "to");
  json_builder_add_string_value (builder, self->to);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  body = g_bytes_new (json, strlen (json));
  gtk_widget_set_sensitive (self->sign_button, FALSE);
  self->sending = self->sign_button;
  dozor_sync_client_post_async (self->sync, "handovers", body, self->cancellable, answered_cb, g_object_ref (self));
}

static void
accept_clicked_cb (DozorHandoverDialog *self)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);

  if (self->pending_id == NULL)
    return;
  path = g_strdup_printf ("handovers/%s/acceptance", self->pending_id);
  gtk_widget_set_sensitive (self->accept_button, FALSE);
  self->sending = self->accept_button;
  dozor_sync_client_post_async (self->sync, path, body, self->cancellable, answered_cb, g_object_ref (self));
}

static void
dozor_handover_dialog_dispose (GObject *object)
{
  DozorHandoverDialog *self = DOZOR_HANDOVER_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->sync);
  gtk_widget_dispose_template (GTK_WIDGET (self), DOZOR_TYPE_HANDOVER_DIALOG);

  G_OBJECT_CLASS (dozor_handover_dialog_parent_class)->dispose (object);
}

static void
dozor_handover_dialog_finalize (GObject *object)
{
  DozorHandoverDialog *self = DOZOR_HANDOVER_DIALOG (object);

  g_free (self->pending_id);
  g_free (self->from);
  g_free (self->to);

  G_OBJECT_CLASS (dozor_handover_dialog_parent_class)->finalize (object);
}

static void
dozor_handover_dialog_class_init (DozorHandoverDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_handover_dialog_dispose;
  object_class->finalize = dozor_handover_dialog_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dozor-handover-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorHandoverDialog, pending_box);
  gtk_widget_class_bind_template_child (widget_class, DozorHandoverDialog, pending_label);
  gtk_widget_class_bind_template_child (widget_class, DozorHandoverDialog, pending_text);
  gtk_widget_class_bind_template_child (widget_class, DozorHandoverDialog, accept_button);
  gtk_widget_class_bind_template_child (widget_class, DozorHandoverDialog, accepted_label);
  gtk_widget_class_bind_template_child (widget_class, DozorHandoverDialog, window_label);
  gtk_widget_class_bind_template_child (widget_class, DozorHandoverDialog, text_view);
  gtk_widget_class_bind_template_child (widget_class, DozorHandoverDialog, sign_button);
  gtk_widget_class_bind_template_child (widget_class, DozorHandoverDialog, signed_label);
  gtk_widget_class_bind_template_callback (widget_class, accept_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, sign_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dozor_handover_dialog_init (DozorHandoverDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/**
 * dozor_handover_dialog_new:
 * @sync: the link to the backend, logged in as a duty officer
 *
 * Returns: (transfer full): a new dialog, reading the draft and the last
 *   handover
 */
DozorHandoverDialog *
dozor_handover_dialog_new (DozorSyncClient *sync)
{
  DozorHandoverDialog *self = g_object_new (DOZOR_TYPE_HANDOVER_DIALOG, NULL);

  self->sync = g_object_ref (sync);
  dozor_sync_client_get_async (sync, "handovers/draft", self->cancellable, draft_read_cb, g_object_ref (self));
  dozor_sync_client_get_async (sync, "handovers?limit=1", self->cancellable, last_read_cb, g_object_ref (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
  return self;
}
