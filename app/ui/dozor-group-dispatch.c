/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Several units sent at once: those selected in the unit list (Ctrl+click
 * there, or a Shift+drag box on the map) go, with win.dispatch-selected,
 * to the selected incident, to a post of an active plan or to the crisis
 * area (docs/api.md, "Dispatching"), after one confirmation that names
 * them all, lets the supervisor pick where they go, and names the zones
 * they would leave short. Each unit is its own command in the
 * outbox with its own idempotency key, so each is answered on its own: one
 * refused does not stop the others, and the answers are shown unit by
 * unit once all are in ("Барыс-12: sent; Барыс-14: busy (409)").
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-group-dispatch.h"
#include "dozor-json.h"
#include "dozor-plan.h"
#include "dozor-window.h"

/* Where a group may go: an incident, a post of an active plan, the area. */
typedef struct
{
  char *incident_id;
  char *plan_id;
  char *post_id;
  char *words;        /* "20261206-0003", "Площадь: Север", "the crisis area" */
} Target;

struct _DozorGroupDispatch
{
  GObject parent_instance;

  GtkApplicationWindow *window;  /* not owned: it owns this */
  DozorSyncClient *sync;
  DozorSituation *situation;
  DozorSituationList *unit_list; /* not owned: the window's */
  DozorMapView *map_view;        /* not owned: the window's */
  DozorCrisisPane *crisis_pane;  /* not owned: the window's */
  GSimpleAction *action;

  GHashTable *pending;           /* key → call sign, not yet answered */
  GPtrArray *results;            /* "call sign: outcome", this group's */
};

G_DEFINE_FINAL_TYPE (DozorGroupDispatch, dozor_group_dispatch, G_TYPE_OBJECT)

static void
target_free (Target *target)
{
  g_free (target->incident_id);
  g_free (target->plan_id);
  g_free (target->post_id);
  g_free (target->words);
  g_free (target);
}

static void
add_target (GPtrArray  *targets,
            const char *incident_id,
            const char *plan_id,
            const char *post_id,
            char       *words)
{
  Target *target = g_new0 (Target, 1);

  target->incident_id = g_strdup (incident_id);
  target->plan_id = g_strdup (plan_id);
  target->post_id = g_strdup (post_id);
  target->words = words;
  g_ptr_array_add (targets, target);
}

/* The places this group may go now: the selected incident first, then
 * the crisis area if one is set, then every post of every active plan. */
static GPtrArray *
list_targets (DozorGroupDispatch *self)
{
  GPtrArray *targets = g_ptr_array_new_with_free_func ((GDestroyNotify) target_free);
  const char *incident_id = dozor_map_view_get_selected_incident (self->map_view);
  g_autoptr(GList) plans = g_list_sort (dozor_situation_get_entities (self->situation, "plan"),
                                        dozor_plan_compare_names);

  if (incident_id != NULL)
    add_target (targets, incident_id, NULL, NULL,
                g_strdup (dozor_situation_get_incident_number (self->situation, incident_id)));
  if (dozor_situation_get_crisis_area (self->situation) != NULL)
    add_target (targets, NULL, NULL, NULL, g_strdup (_("the crisis area")));
  for (GList *l = plans; l != NULL; l = l->next)
    {
      JsonObject *plan = json_node_get_object (l->data);
      g_autoptr(GPtrArray) posts = NULL;
      const char *plan_id = dozor_json_get_string (plan, "id");
      const char *plan_name = dozor_json_get_string (plan, "name");

      if (!dozor_plan_is_active (plan) || plan_id == NULL)
        continue;
      posts = dozor_plan_get_posts (plan);

      for (guint p = 0; p < posts->len; p++)
        {
          DozorPlanPost *post = posts->pdata[p];

          /* TRANSLATORS: where a group goes: a plan's name, then one of its posts */
          add_target (targets, NULL, plan_id, post->id, g_strdup_printf (_("%s: %s"), plan_name, post->name));
        }
    }
  return targets;
}

static void
report_if_done (DozorGroupDispatch *self)
{
  g_autofree char *text = NULL;

  if (g_hash_table_size (self->pending) > 0 || self->results->len == 0)
    return;

  g_ptr_array_add (self->results, NULL);
  text = g_strjoinv ("; ", (char **) self->results->pdata);
  g_ptr_array_set_size (self->results, 0);
  g_debug ("Group dispatch result: %s", text);
  /* Long enough to read a list of units, not a dialog per unit. */
  dozor_window_show_message (DOZOR_WINDOW (self->window), text, 15);
}

static void
add_result (DozorGroupDispatch *self,
            const char         *call_sign,
            const char         *outcome)
{
  /* Translators: one unit's outcome in a group dispatch, "Барыс-12: sent" */
  g_ptr_array_add (self->results, g_strdup_printf (_("%s: %s"), call_sign, outcome));
}

static void
send_all (DozorGroupDispatch *self,
          GStrv               unit_ids,
          const Target       *target)
{
  for (guint i = 0; unit_ids[i] != NULL; i++)
    {
      DozorUnit *unit = dozor_situation_get_unit (self->situation, unit_ids[i]);
      g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
      JsonObject *object = json_object_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *summary = NULL;
      g_autofree char *key = NULL;

      if (unit == NULL)
        continue;
      json_object_set_string_member (object, "unit_id", unit_ids[i]);
      if (target->incident_id != NULL)
        json_object_set_string_member (object, "incident_id", target->incident_id);
      else if (target->plan_id != NULL)
        {
          json_object_set_string_member (object, "plan_id", target->plan_id);
          json_object_set_string_member (object, "post_id", target->post_id);
        }
      else
        json_object_set_boolean_member (object, "area", TRUE);
      json_node_take_object (body, object);
      summary = g_strdup_printf (_("Dispatch %s to %s"), unit->call_sign, target->words);
      key = dozor_sync_client_send (self->sync, "POST", "dispatches", body, -1, summary, &error);
      if (key == NULL)
        {
          /* Not saved, so not made: that unit's line says why. */
          g_autofree char *outcome = g_strdup_printf (_("not sent: %s"), error->message);

          add_result (self, unit->call_sign, outcome);
          continue;
        }
      g_debug ("Command queued: %s", summary);
      g_hash_table_insert (self->pending, g_steal_pointer (&key), g_strdup (unit->call_sign));
    }
  report_if_done (self);
}

static void
answered_cb (DozorSyncClient    *sync,
             const char         *key,
             guint               status,
             const char         *summary,
             JsonNode           *answer,
             DozorGroupDispatch *self)
{
  g_autofree char *call_sign = NULL;
  g_autofree char *outcome = NULL;
  JsonObject *object = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
  const char *code = object != NULL ? json_object_get_string_member_with_default (object, "code", "") : "";

  if (!g_hash_table_steal_extended (self->pending, key, NULL, (gpointer *) &call_sign))
    return;
  if (status >= 200 && status < 300)
    outcome = g_strdup (_("sent"));
  else if (g_str_equal (code, "unit_busy"))
    /* Translators: a unit already dispatched elsewhere, with the HTTP status */
    outcome = g_strdup_printf (_("busy (%u)"), status);
  else
    /* Translators: refused by the server, with the HTTP status */
    outcome = g_strdup_printf (_("refused (%u)"), status);
  add_result (self, call_sign, outcome);
  report_if_done (self);
}

static const Target *
chosen_target (AdwMessageDialog *dialog)
{
  GPtrArray *targets = g_object_get_data (G_OBJECT (dialog), "targets");
  GtkDropDown *choice = g_object_get_data (G_OBJECT (dialog), "choice");
  guint i = gtk_drop_down_get_selected (choice);

  return i < targets->len ? targets->pdata[i] : NULL;
}

/* "Барыс-3, Барыс-4 to the crisis area.", with the zones they leave short. */
static void
describe_group (AdwMessageDialog *dialog)
{
  const Target *target = chosen_target (dialog);
  const char *names = g_object_get_data (G_OBJECT (dialog), "names");
  const char *warnings = g_object_get_data (G_OBJECT (dialog), "warnings");
  /* Translators: the group confirmation: the call signs, where they go, warnings if any */
  g_autofree char *body = g_strdup_printf (_("%s to %s.%s"), names, target != NULL ? target->words : "?", warnings);

  adw_message_dialog_set_body (dialog, body);
  g_debug ("Group dispatch target: %s", target != NULL ? target->words : "none");
}

static void
target_chosen_cb (GtkDropDown      *choice,
                  GParamSpec       *pspec,
                  AdwMessageDialog *dialog)
{
  describe_group (dialog);
}

static void
confirm_response_cb (AdwMessageDialog   *dialog,
                     const char         *response,
                     DozorGroupDispatch *self)
{
  GStrv unit_ids = g_object_get_data (G_OBJECT (dialog), "units");
  const Target *target = chosen_target (dialog);

  if (g_str_equal (response, "dispatch") && target != NULL)
    send_all (self, unit_ids, target);
  else
    g_debug ("Group dispatch not confirmed");
}

static void
dispatch_selected_cb (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  DozorGroupDispatch *self = user_data;
  g_auto(GStrv) unit_ids = dozor_situation_list_get_selected_ids (self->unit_list);
  g_autoptr(GPtrArray) targets = list_targets (self);
  g_autoptr(GtkStringList) words = gtk_string_list_new (NULL);
  guint n = g_strv_length (unit_ids);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(GString) warnings = g_string_new (NULL);
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *box, *label, *choice;

  if (targets->len == 0 || n == 0)
    {
      dozor_window_show_message (DOZOR_WINDOW (self->window),
                                 _("Select units, and an incident, an active plan or a crisis area first"), 5);
      return;
    }

  for (guint i = 0; i < n; i++)
    {
      DozorUnit *unit = dozor_situation_get_unit (self->situation, unit_ids[i]);
      g_autofree char *shortage = dozor_crisis_pane_describe_shortage (self->crisis_pane, unit_ids[i]);

      if (unit != NULL)
        g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "", unit->call_sign);
      if (shortage != NULL)
        g_string_append_printf (warnings, "\n%s", shortage);
    }
  for (guint i = 0; i < targets->len; i++)
    gtk_string_list_append (words, ((Target *) targets->pdata[i])->words);

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Dispatch %u unit?", "Dispatch %u units?", n), n);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self->window), heading, NULL));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "dispatch", _("_Dispatch All"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "dispatch", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "dispatch");
  adw_message_dialog_set_close_response (dialog, "cancel");

  /* Where they go: the incident selected on the map if there is one,
   * otherwise the area, otherwise the first post; any other from here. */
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  /* TRANSLATORS: where a group of units is sent: an incident, a post, the crisis area */
  label = gtk_label_new_with_mnemonic (C_("group dispatch", "_To"));
  choice = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&words)), NULL);
  gtk_drop_down_set_enable_search (GTK_DROP_DOWN (choice), TRUE);
  gtk_widget_set_hexpand (choice, TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), choice);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), choice);
  adw_message_dialog_set_extra_child (dialog, box);

  g_object_set_data_full (G_OBJECT (dialog), "units", g_steal_pointer (&unit_ids), (GDestroyNotify) g_strfreev);
  g_object_set_data_full (G_OBJECT (dialog), "targets", g_steal_pointer (&targets), (GDestroyNotify) g_ptr_array_unref);
  g_object_set_data (G_OBJECT (dialog), "choice", choice);
  g_object_set_data_full (G_OBJECT (dialog), "names", g_string_free (g_steal_pointer (&names), FALSE), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "warnings", g_string_free (g_steal_pointer (&warnings), FALSE), g_free);
  describe_group (dialog);
  g_signal_connect_object (choice, "notify::selected", G_CALLBACK (target_chosen_cb), dialog, 0);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  g_debug ("Asking to confirm: %s %s", heading, adw_message_dialog_get_body (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
  /* The drop-down would take the first focus, and Return would open it:
   * Return confirms, as in every confirmation; Alt+T reaches the list. */
  gtk_window_set_focus (GTK_WINDOW (dialog), NULL);
}

/* A box drawn on the map selects its units in the list, where the group
 * is kept and can be changed with Ctrl+click. */
static void
units_boxed_cb (DozorMapView       *map_view,
                GStrv               unit_ids,
                DozorGroupDispatch *self)
{
  g_autofree char *joined = g_strjoinv (", ", unit_ids);

  dozor_situation_list_select_ids (self->unit_list, (const char *const *) unit_ids);
  g_debug ("Units boxed on the map: %u (%s)", g_strv_length (unit_ids), joined);
}

static void
dozor_group_dispatch_dispose (GObject *object)
{
  DozorGroupDispatch *self = DOZOR_GROUP_DISPATCH (object);

  g_clear_object (&self->sync);
  g_clear_object (&self->situation);
  g_clear_object (&self->action);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->results, g_ptr_array_unref);

  G_OBJECT_CLASS (dozor_group_dispatch_parent_class)->dispose (object);
}

static void
dozor_group_dispatch_class_init (DozorGroupDispatchClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_group_dispatch_dispose;
}

static void
dozor_group_dispatch_init (DozorGroupDispatch *self)
{
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->results = g_ptr_array_new_with_free_func (g_free);
}

/**
 * dozor_group_dispatch_new:
 * @window: the board's window, which gets `win.dispatch-selected` and owns
 *   the controller
 * @sync: the link to the backend, for the commands and their answers
 * @situation: the situation, for the units and incidents
 * @unit_list: the list whose selected units are sent
 * @map_view: the map, whose selected incident they go to
 * @crisis_pane: the coverage, for what the confirmation warns of
 *
 * Returns: (transfer full): a new controller, its action disabled until
 *   dozor_group_dispatch_set_enabled()
 */
DozorGroupDispatch *
dozor_group_dispatch_new (GtkApplicationWindow *window,
                          DozorSyncClient      *sync,
                          DozorSituation       *situation,
                          DozorSituationList   *unit_list,
                          DozorMapView         *map_view,
                          DozorCrisisPane      *crisis_pane)
{
  DozorGroupDispatch *self = g_object_new (DOZOR_TYPE_GROUP_DISPATCH, NULL);

  self->window = window;
  self->sync = g_object_ref (sync);
  self->situation = g_object_ref (situation);
  self->unit_list = unit_list;
  self->map_view = map_view;
  self->crisis_pane = crisis_pane;

  self->action = g_simple_action_new ("dispatch-selected", NULL);
  g_simple_action_set_enabled (self->action, FALSE);
  g_signal_connect_object (self->action, "activate", G_CALLBACK (dispatch_selected_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (self->action));

  g_signal_connect_object (sync, "command-answered", G_CALLBACK (answered_cb), self, 0);
  g_signal_connect_object (map_view, "units-boxed", G_CALLBACK (units_boxed_cb), self, 0);
  return self;
}

/**
 * dozor_group_dispatch_set_enabled:
 * @self: a #DozorGroupDispatch
 * @enabled: whether this board may dispatch (a supervisor's desk)
 */
void
dozor_group_dispatch_set_enabled (DozorGroupDispatch *self,
                                  gboolean            enabled)
{
  g_simple_action_set_enabled (self->action, enabled);
}
