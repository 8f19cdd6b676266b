/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A patrol route's compliance rules edited on the board (issue 17; docs/api.md,
 * "Patrol route"): the distance from the route that is away, the absence
 * allowed before a deviation, the reporting gap, and the time after a
 * dispatch (and for the drive to the route at a shift's start) when the
 * unit is not judged. A post's rules are edited in its roster entry; a
 * route's hold for every shift on it, so they have a dialog of their own,
 * with the same form.
 *
 * win.route-rules (Ctrl+Alt+U, the main menu's "Route Rules…"), for
 * supervisors: the routes by name, the first shown, the others chosen
 * from a list that can be searched. Saving sends PATCH /routes/{id} with the version shown,
 * through the outbox, so a route another supervisor changed meanwhile is
 * refused (412) rather than overwritten.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "dozor-json.h"
#include "dozor-post-rules-form.h"
#include "dozor-route-rules-controller.h"

struct _DozorRouteRulesController
{
  GObject parent_instance;

  GtkApplicationWindow *window;  /* not owned: it owns this */
  DozorSyncClient *sync;
  DozorSituation *situation;
  GSimpleAction *action;
  gboolean wall;
};

G_DEFINE_FINAL_TYPE (DozorRouteRulesController, dozor_route_rules_controller, G_TYPE_OBJECT)

/* What the open dialog shows: the routes (id, version and rules as they
 * were when it opened) in the order of its list. */
typedef struct
{
  DozorRouteRulesController *controller;
  GPtrArray *routes;           /* JsonObject, copies */
  GtkDropDown *choice;
  DozorPostRulesForm *form;
} Dialog;

static void
dialog_free (gpointer  data,
             GClosure *closure)
{
  Dialog *dialog = data;

  g_object_unref (dialog->controller);
  g_ptr_array_unref (dialog->routes);
  g_free (dialog);
}

static int
by_name (gconstpointer a,
         gconstpointer b)
{
  JsonObject *x = *(JsonObject **) a, *y = *(JsonObject **) b;

  return g_utf8_collate (dozor_json_get_string (x, "name"), dozor_json_get_string (y, "name"));
}

static JsonObject *
chosen (Dialog *dialog)
{
  guint i = gtk_drop_down_get_selected (dialog->choice);

  return i < dialog->routes->len ? dialog->routes->pdata[i] : NULL;
}

static void
choice_cb (Dialog *dialog)
{
  JsonObject *route = chosen (dialog);
  JsonObject *rules;

  if (route == NULL)
    return;
  rules = dozor_json_get_object (route, "compliance");
  dozor_post_rules_form_set_rules (dialog->form, rules);
  g_debug ("Route rules shown: “%s”, %g m, %" G_GINT64_FORMAT " s away, gap %" G_GINT64_FORMAT " s, "
           "%" G_GINT64_FORMAT " s after a dispatch", dozor_json_get_string (route, "name"),
           rules != NULL ? json_object_get_double_member_with_default (rules, "threshold_m", 0) : 0,
           rules != NULL ? json_object_get_int_member_with_default (rules, "dwell_s", 0) : 0,
           rules != NULL ? json_object_get_int_member_with_default (rules, "gap_s", 0) : 0,
           rules != NULL ? json_object_get_int_member_with_default (rules, "exempt_after_s", 0) : 0);
}

static void
response_cb (AdwMessageDialog *message,
             const char       *response,
             Dialog           *dialog)
{
  DozorRouteRulesController *self = dialog->controller;
  JsonObject *route = chosen (dialog);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *key = NULL;

  if (!g_str_equal (response, "save") || route == NULL || self->sync == NULL)
    return;
  body = json_object_new ();
  json_object_set_object_member (body, "compliance", dozor_post_rules_form_get_rules (dialog->form));
  node = json_node_init_object (json_node_alloc (), body);
  path = g_strdup_printf ("routes/%s", dozor_json_get_string (route, "id"));
  /* TRANSLATORS: the outbox's words for a patrol route's rules changed; %s is its name */
  summary = g_strdup_printf (_("Route rules of “%s”"), dozor_json_get_string (route, "name"));
  key = dozor_sync_client_send (self->sync, "PATCH", path, node, json_object_get_int_member (route, "version"),
                                summary, &error);
  if (key == NULL)
    g_warning ("Route rules not sent: %s", error->message);
  else
    g_debug ("Command queued: %s", summary);
}

static void
open_cb (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  DozorRouteRulesController *self = user_data;
  g_autoptr(GList) routes = dozor_situation_get_entities (self->situation, "route");
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  Dialog *dialog = g_new0 (Dialog, 1);
  AdwMessageDialog *message;
  GtkWidget *box, *label;

  dialog->controller = g_object_ref (self);
  dialog->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (GList *l = routes; l != NULL; l = l->next)
    g_ptr_array_add (dialog->routes, json_object_ref (json_node_get_object (l->data)));
  g_ptr_array_sort (dialog->routes, by_name);
  for (guint i = 0; i < dialog->routes->len; i++)
    gtk_string_list_append (names, dozor_json_get_string (dialog->routes->pdata[i], "name"));

  message = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self->window), _("Route Rules"),
                                                        dialog->routes->len == 0
                                                          ? _("There are no patrol routes yet.")
                                                          : _("How a unit on the route is judged during its "
                                                              "shift. The rules hold for every shift on the "
                                                              "route.")));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  label = gtk_label_new_with_mnemonic (_("Patrol _route"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  dialog->choice = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)), NULL));
  gtk_drop_down_set_enable_search (dialog->choice, TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (dialog->choice));
  dialog->form = dozor_post_rules_form_new_for_route (NULL);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (dialog->choice));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (dialog->form));
  gtk_widget_set_sensitive (box, dialog->routes->len > 0);
  adw_message_dialog_set_extra_child (message, box);

  g_signal_connect_swapped (dialog->choice, "notify::selected", G_CALLBACK (choice_cb), dialog);
  choice_cb (dialog);

  adw_message_dialog_add_responses (message, "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (message, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (message, "save", dialog->routes->len > 0);
  adw_message_dialog_set_default_response (message, "save");
  adw_message_dialog_set_close_response (message, "cancel");
  g_signal_connect_data (message, "response", G_CALLBACK (response_cb), dialog, dialog_free, 0);
  gtk_window_present (GTK_WINDOW (message));
  g_debug ("Route rules dialog: %u routes", dialog->routes->len);
}

/* Supervisors and admins change routes (docs/api.md, roles); a wall only
 * shows. */
static void
update_enabled (DozorRouteRulesController *self)
{
  const char *role = dozor_sync_client_get_role (self->sync);

  g_simple_action_set_enabled (self->action, !self->wall && (g_strcmp0 (role, "supervisor") == 0 ||
                                                             g_strcmp0 (role, "admin") == 0));
}

static void
dozor_route_rules_controller_dispose (GObject *object)
{
  DozorRouteRulesController *self = DOZOR_ROUTE_RULES_CONTROLLER (object);

  g_clear_object (&self->action);
  g_clear_object (&self->sync);
  g_clear_object (&self->situation);
  self->window = NULL;

  G_OBJECT_CLASS (dozor_route_rules_controller_parent_class)->dispose (object);
}

static void
dozor_route_rules_controller_class_init (DozorRouteRulesControllerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_route_rules_controller_dispose;
}

static void
dozor_route_rules_controller_init (DozorRouteRulesController *self)
{
}

/**
 * dozor_route_rules_controller_new:
 * @window: the board's window, which gets the action `win.route-rules`
 * @sync: the link to the backend, for the role and the commands
 * @situation: where the routes are
 * @wall: whether the board is a wall, which changes nothing
 *
 * Returns: (transfer full): the controller; the window should keep it
 */
DozorRouteRulesController *
dozor_route_rules_controller_new (GtkApplicationWindow *window,
                                  DozorSyncClient      *sync,
                                  DozorSituation       *situation,
                                  gboolean              wall)
{
  DozorRouteRulesController *self = g_object_new (DOZOR_TYPE_ROUTE_RULES_CONTROLLER, NULL);

  self->window = window;
  self->sync = g_object_ref (sync);
  self->situation = g_object_ref (situation);
  self->wall = wall;
  self->action = g_simple_action_new ("route-rules", NULL);
  g_signal_connect_object (self->action, "activate", G_CALLBACK (open_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (self->action));
  g_signal_connect_object (sync, "notify::state", G_CALLBACK (update_enabled), self, G_CONNECT_SWAPPED);
  update_enabled (self);
  return self;
}
