/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Orientations at intake (docs/api.md, "Registers", "At intake"): while
 * the operator types the description, the active orientations whose
 * plate or surname it holds are shown above the form, so a wanted
 * vehicle or person reported by a citizen is recognised at once. dozord
 * does the matching; it is asked a moment after the last keystroke.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-json.h"
#include "dozor-registers-intake.h"

#define QUERY_DELAY_MS 400

struct _DozorRegistersIntake
{
  GtkBox parent_instance;

  DozorSyncClient *sync;
  GtkTextBuffer *description; /* the dialog's */
  GtkListBox *list;
  GCancellable *cancellable;  /* the request in flight */
  guint query_id;
};

G_DEFINE_FINAL_TYPE (DozorRegistersIntake, dozor_registers_intake, GTK_TYPE_BOX)

static void
clear_rows (DozorRegistersIntake *self)
{
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, row);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

static void
add_row (DozorRegistersIntake *self,
         JsonObject           *orientation)
{
  const char *kind = dozor_json_get_string (orientation, "kind");
  const char *plate = dozor_json_get_string (orientation, "plate");
  const char *name = dozor_json_get_string (orientation, "name");
  g_autofree char *title = g_strdup_printf (g_strcmp0 (kind, "vehicle") == 0 ? _("Wanted vehicle %s") : _("Wanted person %s"),
                                            plate != NULL ? plate : name != NULL ? name : "");
  g_autofree char *subtitle = g_strdup_printf (_("%s — issued by %s"), dozor_json_get_string (orientation, "description"),
                                               dozor_json_get_string (orientation, "issued_by"));
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("dialog-warning-symbolic"));
  gtk_widget_add_css_class (row, "warning");
  gtk_list_box_append (self->list, row);
}

static void
answered_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DozorRegistersIntake) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = dozor_sync_client_post_finish (DOZOR_SYNC_CLIENT (source), result, &error);
  JsonArray *matches;
  guint n;

  if (answer == NULL)
    return;
  clear_rows (self);
  matches = dozor_json_get_array (json_node_get_object (answer), "matches");
  n = matches != NULL ? json_array_get_length (matches) : 0;
  for (guint i = 0; i < n; i++)
    {
      JsonObject *orientation = dozor_json_get_object (json_array_get_object_element (matches, i), "orientation");

      if (orientation != NULL)
        add_row (self, orientation);
    }
  gtk_widget_set_visible (GTK_WIDGET (self), n > 0);
  g_debug ("Orientations at intake: %u", n);
}

static gboolean
query_cb (gpointer user_data)
{
  DozorRegistersIntake *self = user_data;
  GtkTextIter start, end;
  g_autofree char *text = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  self->query_id = 0;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_text_buffer_get_bounds (self->description, &start, &end);
  text = g_strstrip (gtk_text_buffer_get_text (self->description, &start, &end, FALSE));
  /* A plate has at least 4 letters and digits; less matches nothing. */
  if (g_utf8_strlen (text, -1) < 3)
    {
      clear_rows (self);
      return G_SOURCE_REMOVE;
    }
  escaped = g_uri_escape_string (text, NULL, FALSE);
  path = g_strconcat ("orientations/matches?text=", escaped, NULL);
  self->cancellable = g_cancellable_new ();
  dozor_sync_client_get_async (self->sync, path, self->cancellable, answered_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
description_changed_cb (DozorRegistersIntake *self)
{
  g_clear_handle_id (&self->query_id, g_source_remove);
  self->query_id = g_timeout_add (QUERY_DELAY_MS, query_cb, self);
}

static void
dozor_registers_intake_dispose (GObject *object)
{
  DozorRegistersIntake *self = DOZOR_REGISTERS_INTAKE (object);

  g_clear_handle_id (&self->query_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->sync);
  g_clear_object (&self->description);

  G_OBJECT_CLASS (dozor_registers_intake_parent_class)->dispose (object);
}

static void
dozor_registers_intake_class_init (DozorRegistersIntakeClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_registers_intake_dispose;
}

static void
dozor_registers_intake_init (DozorRegistersIntake *self)
{
  GtkWidget *heading = gtk_label_new (_("Active orientations that match the description"));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (self), heading);
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->list));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

/**
 * dozor_registers_intake_new:
 * @sync: the board's link, which asks dozord
 * @dialog: the intake; the list places itself there and follows its
 *   description
 *
 * Returns: (transfer none): the list, owned by @dialog
 */
DozorRegistersIntake *
dozor_registers_intake_new (DozorSyncClient   *sync,
                            DozorIntakeDialog *dialog)
{
  DozorRegistersIntake *self = g_object_new (DOZOR_TYPE_REGISTERS_INTAKE, NULL);

  self->sync = g_object_ref (sync);
  self->description = g_object_ref (dozor_intake_dialog_get_description (dialog));
  dozor_intake_dialog_add_extra (dialog, GTK_WIDGET (self));
  g_signal_connect_object (self->description, "changed", G_CALLBACK (description_changed_cb), self,
                           G_CONNECT_SWAPPED);
  return self;
}
