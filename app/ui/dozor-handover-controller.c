/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The shift handover on a duty officer's board: win.shift-handover
 * (Ctrl+Shift+H) opens the dialog to sign off or accept, for supervisors
 * and admins at a desk; and once this officer has accepted a handover,
 * a banner shows the incoming shift what is still open of what the
 * previous one handed over, until dismissed. The handover's incidents are
 * looked up in the board's own situation, so the banner follows closings
 * live without asking the server again.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-handover-controller.h"
#include "dozor-handover-dialog.h"
#include "dozor-json.h"
#include "dozor-labels.h"

/* A banner names this many incidents, then counts the rest. */
#define MAX_NAMED 8

struct _DozorHandoverController
{
  GObject parent_instance;

  GtkApplicationWindow *window;  /* not owned: it owns this */
  DozorSyncClient *sync;
  DozorSituation *situation;
  GCancellable *cancellable;
  GSimpleAction *action;
  gboolean wall;
  gboolean looked_up;            /* the last handover, once per login */

  GtkWidget *banner;             /* a GtkRevealer */
  GtkLabel *banner_label;
  GStrv handed_over;             /* incident ids of the accepted handover shown */
  char *handed_by;
  char *accepted_at;
};

G_DEFINE_FINAL_TYPE (DozorHandoverController, dozor_handover_controller, G_TYPE_OBJECT)

static gboolean
may_hand_over (DozorHandoverController *self)
{
  const char *role = dozor_sync_client_get_role (self->sync);

  return !self->wall && (g_strcmp0 (role, "supervisor") == 0 || g_strcmp0 (role, "admin") == 0);
}

/* The banner's words from the situation as it is now. */
static void
update_banner (DozorHandoverController *self)
{
  g_autoptr(GString) open = g_string_new (NULL);
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *at = NULL;
  g_autofree char *text = NULL;
  guint n_open = 0;

  if (self->handed_over == NULL || !gtk_revealer_get_reveal_child (GTK_REVEALER (self->banner)))
    return;
  for (guint i = 0; self->handed_over[i] != NULL; i++)
    {
      JsonObject *incident = dozor_situation_get_entity (self->situation, "incident", self->handed_over[i]);

      if (incident == NULL || g_strcmp0 (dozor_json_get_string (incident, "status"), "closed") == 0)
        continue;
      if (n_open++ < MAX_NAMED)
        g_string_append_printf (open, "%s%s %s", n_open > 1 ? ", " : "", dozor_json_get_string (incident, "number"),
                                dozor_incident_type_label (dozor_json_get_string (incident, "type")));
    }
  if (n_open > MAX_NAMED)
    g_string_append_printf (open, _(" and %u more"), n_open - MAX_NAMED);

  time = g_date_time_new_from_iso8601 (self->accepted_at, NULL);
  local = time != NULL ? g_date_time_to_local (time) : NULL;
  at = local != NULL ? g_date_time_format (local, "%H:%M") : g_strdup ("");
  if (n_open == 0)
    text = g_strdup_printf (_("Shift accepted from %s at %s: nothing handed over is still open."), self->handed_by,
                            at);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Shift accepted from %s at %s: %u incident handed over is still open: %s",
                                         "Shift accepted from %s at %s: %u incidents handed over are still open: %s",
                                         n_open),
                            self->handed_by, at, n_open, open->str);
  gtk_label_set_text (self->banner_label, text);
  g_debug ("Handover banner shown: %u still open", n_open);
}

static void
show_banner (DozorHandoverController *self,
             JsonObject              *handover)
{
  JsonNode *ids = json_object_get_member (handover, "incident_ids");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; ids != NULL && JSON_NODE_HOLDS_ARRAY (ids) && i < json_array_get_length (json_node_get_array (ids)); i++)
    g_strv_builder_add (builder, json_array_get_string_element (json_node_get_array (ids), i));
  g_strfreev (self->handed_over);
  self->handed_over = g_strv_builder_end (builder);
  g_free (self->handed_by);
  self->handed_by = g_strdup (dozor_json_get_string (handover, "signed_by"));
  g_free (self->accepted_at);
  self->accepted_at = g_strdup (dozor_json_get_string (handover, "accepted_at"));
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->banner), TRUE);
  update_banner (self);
}

/* Another board of this officer, or this one, accepted a handover. */
static void
applying_cb (DozorSituation          *situation,
             JsonObject              *event,
             DozorHandoverController *self)
{
  const char *type = dozor_json_get_string (event, "type");
  JsonNode *node = json_object_get_member (event, "handover");
  JsonObject *handover = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

  if (handover == NULL || type == NULL || !g_str_has_prefix (type, "handover."))
    return;
  g_debug ("Handover event: %s, signed by %s, accepted by %s", type, dozor_json_get_string (handover, "signed_by"),
           dozor_json_get_string (handover, "accepted_by"));
  if (g_str_equal (type, "handover.accepted") && may_hand_over (self) &&
      g_strcmp0 (dozor_json_get_string (handover, "accepted_by"), dozor_sync_client_get_username (self->sync)) == 0)
    show_banner (self, handover);
}

static void
last_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(DozorHandoverController) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = dozor_sync_client_post_finish (DOZOR_SYNC_CLIENT (source), result, &error);
  JsonNode *list;
  JsonObject *last;

  if (answer == NULL)
    return;
  list = json_object_get_member (json_node_get_object (answer), "handovers");
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list) || json_array_get_length (json_node_get_array (list)) == 0)
    return;
  last = json_array_get_object_element (json_node_get_array (list), 0);
  /* A board started again by the officer who took the shift over. */
  if (g_strcmp0 (dozor_json_get_string (last, "accepted_by"), dozor_sync_client_get_username (self->sync)) == 0)
    show_banner (self, last);
}

static void
apply_role (DozorHandoverController *self)
{
  gboolean allowed = may_hand_over (self);

  g_simple_action_set_enabled (self->action, allowed);
  if (allowed && !self->looked_up && dozor_sync_client_get_state (self->sync) == DOZOR_SYNC_LIVE)
    {
      self->looked_up = TRUE;
      dozor_sync_client_get_async (self->sync, "handovers?limit=1", self->cancellable, last_read_cb,
                                   g_object_ref (self));
    }
}

static void
shift_handover_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  DozorHandoverController *self = user_data;
  DozorHandoverDialog *dialog;

  if (!may_hand_over (self))
    return;
  dialog = dozor_handover_dialog_new (self->sync);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self->window));
  gtk_window_present (GTK_WINDOW (dialog));
  g_debug ("Handover dialog open");
}

static void
dismiss_cb (DozorHandoverController *self)
{
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->banner), FALSE);
  g_debug ("Handover banner dismissed");
}

static void
dozor_handover_controller_dispose (GObject *object)
{
  DozorHandoverController *self = DOZOR_HANDOVER_CONTROLLER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->sync);
  g_clear_object (&self->situation);
  g_clear_object (&self->action);
  g_clear_object (&self->banner);

  G_OBJECT_CLASS (dozor_handover_controller_parent_class)->dispose (object);
}

static void
dozor_handover_controller_finalize (GObject *object)
{
  DozorHandoverController *self = DOZOR_HANDOVER_CONTROLLER (object);

  g_strfreev (self->handed_over);
  g_free (self->handed_by);
  g_free (self->accepted_at);

  G_OBJECT_CLASS (dozor_handover_controller_parent_class)->finalize (object);
}

static void
dozor_handover_controller_class_init (DozorHandoverControllerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_handover_controller_dispose;
  G_OBJECT_CLASS (klass)->finalize = dozor_handover_controller_finalize;
}

static void
dozor_handover_controller_init (DozorHandoverController *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *dismiss = gtk_button_new_with_mnemonic (_("_Dismiss"));

  self->cancellable = g_cancellable_new ();
  self->banner = g_object_ref_sink (gtk_revealer_new ());
  self->banner_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->banner_label, TRUE);
  gtk_label_set_xalign (self->banner_label, 0);
  gtk_widget_set_hexpand (GTK_WIDGET (self->banner_label), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->banner_label));
  gtk_widget_set_valign (dismiss, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (dismiss, "clicked", G_CALLBACK (dismiss_cb), self);
  gtk_box_append (GTK_BOX (box), dismiss);
  gtk_widget_add_css_class (box, "handover-banner");
  gtk_widget_add_css_class (box, "toolbar");
  gtk_revealer_set_child (GTK_REVEALER (self->banner), box);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->banner), FALSE);
}

/**
 * dozor_handover_controller_new:
 * @window: the board's window, which gets `win.shift-handover` and owns
 *   the controller
 * @sync: the link to the backend, for the role, the user and the commands
 * @situation: the situation, for the handover's incidents and its events
 * @wall: whether the board is a wall (which neither hands over nor accepts)
 *
 * Returns: (transfer full): a new controller
 */
DozorHandoverController *
dozor_handover_controller_new (GtkApplicationWindow *window,
                               DozorSyncClient      *sync,
                               DozorSituation       *situation,
                               gboolean              wall)
{
  DozorHandoverController *self = g_object_new (DOZOR_TYPE_HANDOVER_CONTROLLER, NULL);

  self->window = window;
  self->sync = g_object_ref (sync);
  self->situation = g_object_ref (situation);
  self->wall = wall;

  self->action = g_simple_action_new ("shift-handover", NULL);
  g_signal_connect_object (self->action, "activate", G_CALLBACK (shift_handover_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (self->action));

  g_signal_connect_object (situation, "applying", G_CALLBACK (applying_cb), self, 0);
  g_signal_connect_object (situation, "changed", G_CALLBACK (update_banner), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "notify::state", G_CALLBACK (apply_role), self, G_CONNECT_SWAPPED);
  apply_role (self);
  return self;
}

/**
 * dozor_handover_controller_get_banner:
 * @self: a #DozorHandoverController
 *
 * Returns: (transfer none): the banner of what is still open from the
 *   previous shift, hidden until a handover is accepted here
 */
GtkWidget *
dozor_handover_controller_get_banner (DozorHandoverController *self)
{
  return self->banner;
}
