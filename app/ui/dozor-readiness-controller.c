/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Who may change the degree of readiness, and how: win.set-readiness
 * opens the dialog, and its answer goes out as PUT /readiness through the
 * board's outbox like every other command (so a refusal is shown as the
 * window shows any refused command). Only a supervisor or an admin at a
 * desk sees the button and may use the action; the server enforces the
 * same whatever a board shows. A crisis area dragged on the map goes out
 * the same way, with the level and reason as they are.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-json.h"
#include "dozor-labels.h"
#include "dozor-readiness-controller.h"
#include "dozor-readiness-dialog.h"
#include "dozor-window.h"

struct _DozorReadinessController
{
  GObject parent_instance;

  GtkApplicationWindow *window;  /* not owned: it owns this */
  DozorSyncClient *sync;
  DozorSituation *situation;
  DozorMapView *map_view;        /* not owned: the window's */
  GSimpleAction *action;
  GtkWidget *button;
  gboolean wall;
};

G_DEFINE_FINAL_TYPE (DozorReadinessController, dozor_readiness_controller, G_TYPE_OBJECT)

static gboolean
may_set (DozorReadinessController *self)
{
  const char *role = dozor_sync_client_get_role (self->sync);

  return !self->wall && (g_strcmp0 (role, "supervisor") == 0 || g_strcmp0 (role, "admin") == 0);
}

static void
apply_role (DozorReadinessController *self)
{
  gboolean allowed = may_set (self);

  g_simple_action_set_enabled (self->action, allowed);
  gtk_widget_set_visible (self->button, allowed);
}

static void
send (DozorReadinessController *self,
      JsonNode                 *body,
      const char               *summary)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = dozor_sync_client_send (self->sync, "PUT", "readiness", body, -1, summary, &error);

  if (key == NULL)
    {
      /* Not saved, so not made: the user must know. */
      g_autofree char *message = g_strdup_printf (_("Not done: %s. %s"), summary, error->message);

      dozor_window_show_message (DOZOR_WINDOW (self->window), message, 0);
      return;
    }
  g_debug ("Command queued: %s", summary);
}

static void
submit_cb (DozorReadinessDialog     *dialog,
           JsonNode                 *body,
           DozorReadinessController *self)
{
  const char *level = json_object_get_string_member (json_node_get_object (body), "level");
  g_autofree char *summary = g_strdup_printf (_("Set %s"), dozor_readiness_label (level));

  send (self, body, summary);
}

static void
area_edited_cb (DozorMapView             *map_view,
                const char               *area,
                DozorReadinessController *self)
{
  JsonObject *readiness = dozor_situation_get_readiness_object (self->situation);
  const char *reason = dozor_json_get_string (readiness, "reason");
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();

  if (!may_set (self) || g_strcmp0 (dozor_situation_get_readiness (self->situation), "normal") == 0)
    return;
  json_object_set_string_member (object, "level", dozor_situation_get_readiness (self->situation));
  if (reason != NULL)
    json_object_set_string_member (object, "reason", reason);
  json_object_set_member (object, "area", json_from_string (area, NULL));
  json_node_take_object (body, object);
  send (self, body, _("Move the crisis area"));
}

static void
set_readiness_cb (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  DozorReadinessController *self = user_data;
  DozorReadinessDialog *dialog;
  double lat, lon;

  if (!may_set (self))
    return;

  dozor_map_view_get_center (self->map_view, &lat, &lon);
  dialog = dozor_readiness_dialog_new (dozor_situation_get_readiness_object (self->situation), lat, lon);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self->window));
  g_signal_connect_object (dialog, "submit", G_CALLBACK (submit_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  g_debug ("Readiness dialog open");
}

static void
dozor_readiness_controller_dispose (GObject *object)
{
  DozorReadinessController *self = DOZOR_READINESS_CONTROLLER (object);

  g_clear_object (&self->sync);
  g_clear_object (&self->situation);
  g_clear_object (&self->action);
  g_clear_object (&self->button);

  G_OBJECT_CLASS (dozor_readiness_controller_parent_class)->dispose (object);
}

static void
dozor_readiness_controller_class_init (DozorReadinessControllerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_readiness_controller_dispose;
}

static void
dozor_readiness_controller_init (DozorReadinessController *self)
{
}

/**
 * dozor_readiness_controller_new:
 * @window: the board's window, which gets `win.set-readiness` and owns
 *   the controller
 * @sync: the link to the backend, for the role and the command
 * @situation: the situation, for the readiness now
 * @map_view: the map, whose centre a crisis circle takes
 *
 * Returns: (transfer full): a new controller
 */
DozorReadinessController *
dozor_readiness_controller_new (GtkApplicationWindow *window,
                                DozorSyncClient      *sync,
                                DozorSituation       *situation,
                                DozorMapView         *map_view)
{
  DozorReadinessController *self = g_object_new (DOZOR_TYPE_READINESS_CONTROLLER, NULL);

  self->window = window;
  self->sync = g_object_ref (sync);
  self->situation = g_object_ref (situation);
  self->map_view = map_view;

  self->action = g_simple_action_new ("set-readiness", NULL);
  g_signal_connect_object (self->action, "activate", G_CALLBACK (set_readiness_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (self->action));

  self->button = g_object_ref_sink (gtk_button_new_from_icon_name ("dialog-warning-symbolic"));
  gtk_widget_set_tooltip_text (self->button, _("Degree of Readiness"));
  /* An icon alone has no name for a screen reader in GTK 4.8. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Degree of Readiness"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), "win.set-readiness");

  g_signal_connect_object (map_view, "crisis-area-edited", G_CALLBACK (area_edited_cb), self, 0);
  /* The role is known once logged in. */
  g_signal_connect_object (sync, "notify::state", G_CALLBACK (apply_role), self, G_CONNECT_SWAPPED);
  apply_role (self);
  return self;
}

/**
 * dozor_readiness_controller_get_button:
 * @self: a #DozorReadinessController
 *
 * Returns: (transfer none): the header button that opens the dialog,
 *   shown only to those who may use it
 */
GtkWidget *
dozor_readiness_controller_get_button (DozorReadinessController *self)
{
  return self->button;
}

/**
 * dozor_readiness_controller_set_wall:
 * @self: a #DozorReadinessController
 * @wall: whether the board is a wall, which shows and never acts
 */
void
dozor_readiness_controller_set_wall (DozorReadinessController *self,
                                     gboolean                  wall)
{
  self->wall = wall;
  apply_role (self);
}
