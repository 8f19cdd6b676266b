/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The duty officer's registers (docs/api.md, "Registers"): incoming and
 * outgoing messages and the orientations, each a list with a search, a
 * form to add one, and the list as shown exported to CSV (the writer
 * dozorctl uses, lib/protocol/dozor-register-csv.c). dozord searches and
 * numbers; the board asks again after every change any board makes (the
 * message.* and orientation.* events), so every desk shows the same.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dozor-file-choice.h"
#include "dozor-json.h"
#include "dozor-message-action.h"
#include "dozor-message-form.h"
#include "dozor-local-time.h"
#include "dozor-orientation-cancel-form.h"
#include "dozor-orientation-form.h"
#include "dozor-register-csv.h"
#include "dozor-registers-window.h"

typedef struct
{
  const char *member;       /* "messages" or "orientations" */
  GtkSearchEntry *search;
  GtkCheckButton *active;   /* orientations only */
  GtkListBox *list;
  GtkLabel *count;
  JsonNode *shown;          /* the rows of the last answer, for the export */
  GCancellable *cancellable;
} Register;

struct _DozorRegistersWindow
{
  AdwWindow parent_instance;

  DozorSyncClient *sync;
  Register messages;
  Register orientations;
  Register *exporting;
};

G_DEFINE_FINAL_TYPE (DozorRegistersWindow, dozor_registers_window, ADW_TYPE_WINDOW)

static void refresh (DozorRegistersWindow *self,
                     Register             *reg);

static char *
local_time (const char *text)
{
  return dozor_format_local_minute (text, NULL);
}

static const char *
message_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "telegram") == 0)
    return _("Telegram");
  if (g_strcmp0 (kind, "phone") == 0)
    return _("Phone message");
  return _("Fax");
}

static void edit_action (GtkButton            *button,
                         DozorRegistersWindow *self);

static GtkWidget *
message_row (DozorRegistersWindow *self,
             JsonObject           *message)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *time = local_time (dozor_json_get_string (message, "time"));
  const char *action = dozor_json_get_string (message, "action");
  g_autofree char *title = g_strdup_printf ("№ %d/%d · %s · %s · %s",
                                            (int) dozor_json_get_int (message, "number", 0),
                                            (int) dozor_json_get_int (message, "year", 0),
                                            g_strcmp0 (dozor_json_get_string (message, "direction"), "in") == 0
                                              ? _("Incoming") : _("Outgoing"),
                                            message_kind_label (dozor_json_get_string (message, "kind")), time);
  g_autofree char *subtitle = g_strdup_printf (_("%s → %s: %s\nDone: %s"), dozor_json_get_string (message, "sender"),
                                               dozor_json_get_string (message, "addressee"),
                                               dozor_json_get_string (message, "summary"),
                                               action != NULL && *action != '\0' ? action : "—");
  /* What was done is often known later than the message (issue 18, item 3). */
  GtkWidget *edit = gtk_button_new_with_mnemonic (_("_What Was Done…"));

  gtk_widget_set_valign (edit, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (edit), "message", json_object_ref (message), (GDestroyNotify) json_object_unref);
  g_signal_connect (edit, "clicked", G_CALLBACK (edit_action), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  return row;
}

static void cancel_orientation (GtkButton            *button,
                                DozorRegistersWindow *self);

static GtkWidget *
orientation_row (DozorRegistersWindow *self,
                 JsonObject           *orientation)
{
  GtkWidget *row = adw_action_row_new ();
  gboolean vehicle = g_strcmp0 (dozor_json_get_string (orientation, "kind"), "vehicle") == 0;
  const char *plate = dozor_json_get_string (orientation, "plate");
  const char *name = dozor_json_get_string (orientation, "name");
  JsonObject *cancellation = dozor_json_get_object (orientation, "cancellation");
  g_autofree char *issued = local_time (dozor_json_get_string (orientation, "issued_at"));
  g_autofree char *title = g_strdup_printf ("%s %s · %s", vehicle ? _("Vehicle") : _("Person"),
                                            plate != NULL ? plate : name != NULL ? name : "", issued);
  g_autofree char *subtitle = NULL;

  if (cancellation != NULL)
    {
      g_autofree char *at = local_time (dozor_json_get_string (cancellation, "at"));

      subtitle = g_strdup_printf (_("%s — issued by %s\nCancelled by %s at %s: %s"),
                                  dozor_json_get_string (orientation, "description"),
                                  dozor_json_get_string (orientation, "issued_by"),
                                  dozor_json_get_string (cancellation, "by"), at,
                                  dozor_json_get_string (cancellation, "reason"));
      gtk_widget_add_css_class (row, "dim-label");
    }
  else
    {
      GtkWidget *cancel = gtk_button_new_with_label (_("Cancel…"));

      subtitle = g_strdup_printf (_("%s — issued by %s"), dozor_json_get_string (orientation, "description"),
                                  dozor_json_get_string (orientation, "issued_by"));
      gtk_widget_set_valign (cancel, GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (cancel), "orientation-id",
                              g_strdup (dozor_json_get_string (orientation, "id")), g_free);
      g_signal_connect (cancel, "clicked", G_CALLBACK (cancel_orientation), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), cancel);
    }
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  return row;
}

typedef struct
{
  DozorRegistersWindow *self;
  Register *reg;
} Read;

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autofree Read *read = user_data;
  g_autoptr(DozorRegistersWindow) self = read->self;
  Register *reg = read->reg;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = dozor_sync_client_post_finish (DOZOR_SYNC_CLIENT (source), result, &error);
  JsonArray *rows;
  GtkWidget *child;
  g_autofree char *count = NULL;
  guint n;

  if (answer == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (reg->count, error->message);
      return;
    }
  rows = dozor_json_get_array (json_node_get_object (answer), reg->member);
  n = rows != NULL ? json_array_get_length (rows) : 0;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (reg->list))) != NULL)
    gtk_list_box_remove (reg->list, child);
  /* Newest first on screen; the export keeps the register's order. */
  for (guint i = n; i-- > 0;)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      gtk_list_box_append (reg->list, reg == &self->messages ? message_row (self, row) : orientation_row (self, row));
    }
  g_clear_pointer (&reg->shown, json_node_unref);
  reg->shown = json_node_ref (json_object_get_member (json_node_get_object (answer), reg->member));
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u entry", "%u entries", n), n);
  gtk_label_set_text (reg->count, count);
  g_debug ("Register %s shown: %u", reg->member, n);
}

static void
refresh (DozorRegistersWindow *self,
         Register             *reg)
{
  g_autoptr(GString) path = g_string_new (reg->member);
  const char *words = gtk_editable_get_text (GTK_EDITABLE (reg->search));
  Read *read = g_new0 (Read, 1);

  g_string_append (path, "?limit=10000");
  if (words != NULL && *words != '\0')
    {
      g_autofree char *escaped = g_uri_escape_string (words, NULL, FALSE);

      g_string_append_printf (path, "&q=%s", escaped);
    }
  if (reg->active != NULL && gtk_check_button_get_active (reg->active))
    g_string_append (path, "&active=1");
  g_cancellable_cancel (reg->cancellable);
  g_clear_object (&reg->cancellable);
  reg->cancellable = g_cancellable_new ();
  read->self = g_object_ref (self);
  read->reg = reg;
  dozor_sync_client_get_async (self->sync, path->str, reg->cancellable, read_cb, read);
}

static void
refused (DozorRegistersWindow *self,
         const char           *message)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Not Done"), message));

  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
  g_debug ("Register command refused: %s", message);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(DozorRegistersWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = dozor_sync_client_post_finish (DOZOR_SYNC_CLIENT (source), result, &error);

  if (answer == NULL)
    {
      refused (self, error->message);
      return;
    }
  g_debug ("Register command done");
  refresh (self, &self->messages);
  refresh (self, &self->orientations);
}

static void
post (DozorRegistersWindow *self,
      const char           *path,
      JsonNode             *root)
{
  g_autofree char *json = json_to_string (root, FALSE);
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));

  dozor_sync_client_post_async (self->sync, path, body, NULL, sent_cb, g_object_ref (self));
}

/* The forms are templates (dozor-message-form.ui and its kin): they
 * collect, and the window sends what they hold on "add". */

static void
message_response_cb (DozorMessageForm     *form,
                     const char           *response,
                     DozorRegistersWindow *self)
{
  g_autoptr(JsonNode) body = NULL;

  if (!g_str_equal (response, "add"))
    return;
  body = dozor_message_form_get_body (form);
  post (self, "messages", body);
}

static void
new_message_cb (DozorRegistersWindow *self)
{
  DozorMessageForm *form = dozor_message_form_new (GTK_WINDOW (self));

  g_signal_connect_object (form, "response", G_CALLBACK (message_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (form));
  g_debug ("New message form open");
}

static void
orientation_response_cb (DozorOrientationForm *form,
                         const char           *response,
                         DozorRegistersWindow *self)
{
  g_autoptr(JsonNode) body = NULL;

  if (!g_str_equal (response, "add"))
    return;
  body = dozor_orientation_form_get_body (form);
  post (self, "orientations", body);
}

static void
new_orientation_cb (DozorRegistersWindow *self)
{
  DozorOrientationForm *form = dozor_orientation_form_new (GTK_WINDOW (self));

  g_signal_connect_object (form, "response", G_CALLBACK (orientation_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (form));
  g_debug ("New orientation form open");
}

static void
cancel_response_cb (DozorOrientationCancelForm *form,
                    const char                 *response,
                    DozorRegistersWindow       *self)
{
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  if (!g_str_equal (response, "add"))
    return;
  path = g_strdup_printf ("orientations/%s/cancellation", dozor_orientation_cancel_form_get_id (form));
  body = dozor_orientation_cancel_form_get_body (form);
  post (self, path, body);
}

static void
cancel_orientation (GtkButton            *button,
                    DozorRegistersWindow *self)
{
  DozorOrientationCancelForm *form =
    dozor_orientation_cancel_form_new (GTK_WINDOW (self), g_object_get_data (G_OBJECT (button), "orientation-id"));

  g_signal_connect_object (form, "response", G_CALLBACK (cancel_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (form));
  g_debug ("Cancel orientation form open");
}

static void
edit_action (GtkButton            *button,
             DozorRegistersWindow *self)
{
  dozor_message_action_edit (GTK_WINDOW (self), self->sync, g_object_get_data (G_OBJECT (button), "message"));
}

static void
export_chosen (GtkWindow  *parent,
               const char *path)
{
  DozorRegistersWindow *self = DOZOR_REGISTERS_WINDOW (parent);
  Register *reg = self->exporting;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;

  if (path == NULL || reg == NULL || reg->shown == NULL || !JSON_NODE_HOLDS_ARRAY (reg->shown))
    return;
  csv = dozor_register_csv (json_node_get_array (reg->shown),
                            reg == &self->messages ? dozor_register_csv_message_columns
                                                   : dozor_register_csv_orientation_columns);
  /* A few hundred kilobytes at most: written at once. */
  if (!g_file_set_contents (path, csv, -1, &error))
    refused (self, error->message);
  else
    g_debug ("Register %s exported to %s", reg->member, path);
}

static void
export (DozorRegistersWindow *self,
        Register             *reg)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = g_strdup_printf ("%s.csv", reg->member);

  gtk_file_filter_set_name (filter, _("CSV (spreadsheets)"));
  gtk_file_filter_add_suffix (filter, "csv");
  self->exporting = reg;
  dozor_choose_file (GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE, _("Export the List as CSV"), _("_Export"),
                     name, filter, export_chosen);
}

static void
export_messages_cb (DozorRegistersWindow *self)
{
  export (self, &self->messages);
}

static void
export_orientations_cb (DozorRegistersWindow *self)
{
  export (self, &self->orientations);
}

static void
search_messages_cb (DozorRegistersWindow *self)
{
  refresh (self, &self->messages);
}

static void
search_orientations_cb (DozorRegistersWindow *self)
{
  refresh (self, &self->orientations);
}

/* Another desk, or this one, changed a register. */
static void
applying_cb (DozorSituation       *situation,
             JsonObject           *event,
             DozorRegistersWindow *self)
{
  const char *type = dozor_json_get_string (event, "type");

  if (g_str_has_prefix (type != NULL ? type : "", "message."))
    refresh (self, &self->messages);
  else if (g_str_has_prefix (type != NULL ? type : "", "orientation."))
    refresh (self, &self->orientations);
}

static void
register_clear (Register *reg)
{
  g_cancellable_cancel (reg->cancellable);
  g_clear_object (&reg->cancellable);
  g_clear_pointer (&reg->shown, json_node_unref);
}

static void
dozor_registers_window_dispose (GObject *object)
{
  DozorRegistersWindow *self = DOZOR_REGISTERS_WINDOW (object);

  register_clear (&self->messages);
  register_clear (&self->orientations);
  g_clear_object (&self->sync);
  gtk_widget_dispose_template (GTK_WIDGET (self), DOZOR_TYPE_REGISTERS_WINDOW);

  G_OBJECT_CLASS (dozor_registers_window_parent_class)->dispose (object);
}

#define BIND_REGISTER(widget_class, name, reg, member) \
  gtk_widget_class_bind_template_child_full (widget_class, name, FALSE, \
                                             G_STRUCT_OFFSET (DozorRegistersWindow, reg.member))

static void
dozor_registers_window_class_init (DozorRegistersWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = dozor_registers_window_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dozor-registers-window.ui");
  BIND_REGISTER (widget_class, "messages_search", messages, search);
  BIND_REGISTER (widget_class, "messages_count", messages, count);
  BIND_REGISTER (widget_class, "messages_list", messages, list);
  BIND_REGISTER (widget_class, "orientations_search", orientations, search);
  BIND_REGISTER (widget_class, "orientations_active", orientations, active);
  BIND_REGISTER (widget_class, "orientations_count", orientations, count);
  BIND_REGISTER (widget_class, "orientations_list", orientations, list);
  gtk_widget_class_bind_template_callback (widget_class, new_message_cb);
  gtk_widget_class_bind_template_callback (widget_class, new_orientation_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_messages_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_orientations_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_messages_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_orientations_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dozor_registers_window_init (DozorRegistersWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->messages.member = "messages";
  self->orientations.member = "orientations";
}

/**
 * dozor_registers_window_new:
 * @sync: the link to the backend
 * @situation: the situation, whose events say when a register changed
 *
 * Returns: (transfer full): a new window, reading both registers
 */
DozorRegistersWindow *
dozor_registers_window_new (DozorSyncClient *sync,
                            DozorSituation  *situation)
{
  DozorRegistersWindow *self = g_object_new (DOZOR_TYPE_REGISTERS_WINDOW, NULL);

  self->sync = g_object_ref (sync);
  g_signal_connect_object (situation, "applying", G_CALLBACK (applying_cb), self, 0);
  refresh (self, &self->messages);
  refresh (self, &self->orientations);
  /* A register is opened to find something in it. */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->messages.search));
  return self;
}
