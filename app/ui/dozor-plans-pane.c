/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Special operating plans on a desk (issue 15, item 3): the list of plans;
 * the selected plan's posts, here and on the map; activating it, where the
 * server proposes which available units go to which post (by road time,
 * computed in dozord's worker: the board only waits for the answer), the
 * supervisor corrects the proposal by dropping units on posts, here or on
 * the map, and confirms; an active plan's posts with their state and
 * times and the plan's key figure; closing it.
 *
 * The pane installs its own actions on the window (win.plan-activate,
 * win.plan-confirm, win.plan-discard, win.plan-close); they are enabled
 * only where the role may change plans (supervisor, admin, never a wall),
 * so an operator sees all of it with the buttons insensitive. The
 * activation and the closing go through the sync client's outbox, each with
 * its own idempotency key; a refusal (409: a unit taken meanwhile, the
 * plan already active) is told here as well as by the window's dialog.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "dozor-json.h"
#include "dozor-plan.h"
#include "dozor-plan-editor.h"
#include "dozor-plans-pane.h"
#include "dozor-unit-drag.h"

typedef struct
{
  char *post_id;
  char *unit_id;
  gint64 eta_s;       /* the proposal's road time; -1 until dozord re-proposes */
  gboolean fixed;     /* put there by the supervisor: kept by a re-proposal */
} Assignment;

struct _DozorPlansPane
{
  AdwBin parent_instance;

  GtkListBox *plan_list;
  GtkListBox *post_list;
  GtkLabel *empty_label;
  GtkLabel *figure_label;
  GtkLabel *error_label;
  GtkLabel *proposal_label;
  GtkCheckButton *around_check;
  GtkWidget *activate_button;
  GtkWidget *confirm_button;
  GtkWidget *discard_button;
  GtkWidget *close_button;

  GtkApplicationWindow *window;   /* not owned: the window owns the pane */
  DozorSyncClient *sync;
  DozorSituation *situation;
  DozorMapView *map_view;
  DozorPlanEditor *editor;        /* renaming, posts added, moved, deleted */
  gboolean editable;

  char *selected;                 /* plan id */
  gboolean rebuilding;            /* the plan list is being refilled */
  GCancellable *cancellable;      /* the proposal asked for */

  /* A proposal being confirmed or corrected. */
  char *proposal_plan;
  char *proposal_incident;
  GPtrArray *assignments;         /* Assignment */
  GHashTable *unit_to_post;       /* for the map's lines */
  char *left_out;                 /* what the server said it left out, in words */

  char *activation_key;           /* the activation in the outbox */
  char *close_key;                /* the closing in the outbox */
  char *last_figure;
  guint tick_id;

  GSimpleAction *activate_action;
  GSimpleAction *confirm_action;
  GSimpleAction *discard_action;
  GSimpleAction *close_action;
};

G_DEFINE_FINAL_TYPE (DozorPlansPane, dozor_plans_pane, ADW_TYPE_BIN)

static void
assignment_free (Assignment *assignment)
{
  g_free (assignment->post_id);
  g_free (assignment->unit_id);
  g_free (assignment);
}

static const char *
call_sign (DozorPlansPane *self,
           const char     *unit_id)
{
  DozorUnit *unit = dozor_situation_get_unit (self->situation, unit_id);

  return unit != NULL ? unit->call_sign : unit_id;
}

static JsonObject *
selected_plan (DozorPlansPane *self)
{
  return self->selected != NULL ? dozor_situation_get_entity (self->situation, "plan", self->selected) : NULL;
}

static gboolean
has_proposal (DozorPlansPane *self)
{
  return self->assignments != NULL && g_strcmp0 (self->proposal_plan, self->selected) == 0;
}

static void
show_error (DozorPlansPane *self,
            const char     *text)
{
  gtk_label_set_label (self->error_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
}

static void
update_actions (DozorPlansPane *self)
{
  JsonObject *plan = selected_plan (self);
  gboolean active = plan != NULL && dozor_plan_is_active (plan);
  gboolean proposal = has_proposal (self);

  g_simple_action_set_enabled (self->activate_action, self->editable && plan != NULL && !active && !proposal &&
                                                        self->cancellable == NULL);
  g_simple_action_set_enabled (self->confirm_action, self->editable && proposal && self->assignments->len > 0 &&
                                                       self->activation_key == NULL && !active &&
                                                       self->cancellable == NULL);
  g_simple_action_set_enabled (self->discard_action, proposal);
  g_simple_action_set_enabled (self->close_action, self->editable && active && self->close_key == NULL);
  gtk_widget_set_visible (self->activate_button, !active && !proposal);
  gtk_widget_set_visible (GTK_WIDGET (self->around_check), !active && !proposal);
  gtk_widget_set_sensitive (GTK_WIDGET (self->around_check), self->editable);
  gtk_widget_set_visible (self->confirm_button, proposal && !active);
  gtk_widget_set_visible (self->discard_button, proposal && !active);
  gtk_widget_set_visible (self->close_button, active);
  if (self->editor != NULL)
    /* While a proposal is open, a press on a post is a unit's drop, not a move. */
    dozor_plan_editor_set_plan (self->editor, self->selected, self->editable && !proposal);
}

/* --- The proposal ------------------------------------------------------------ */

static void
clear_proposal (DozorPlansPane *self)
{
  g_clear_pointer (&self->proposal_plan, g_free);
  g_clear_pointer (&self->proposal_incident, g_free);
  g_clear_pointer (&self->assignments, g_ptr_array_unref);
  g_clear_pointer (&self->unit_to_post, g_hash_table_unref);
  g_clear_pointer (&self->left_out, g_free);
  if (self->map_view != NULL && dozor_map_view_get_post_layer (self->map_view) != NULL)
    dozor_post_layer_set_proposal (dozor_map_view_get_post_layer (self->map_view), NULL);
}

static void
proposal_changed (DozorPlansPane *self)
{
  DozorPostLayer *layer = dozor_map_view_get_post_layer (self->map_view);

  g_hash_table_remove_all (self->unit_to_post);
  for (guint i = 0; i < self->assignments->len; i++)
    {
      Assignment *assignment = self->assignments->pdata[i];

      g_hash_table_insert (self->unit_to_post, g_strdup (assignment->unit_id), g_strdup (assignment->post_id));
    }
  if (layer != NULL)
    dozor_post_layer_set_proposal (layer, self->unit_to_post);
}

static guint
count_at (DozorPlansPane *self,
          const char     *post_id)
{
  guint n = 0;

  for (guint i = 0; i < self->assignments->len; i++)
    n += g_str_equal (((Assignment *) self->assignments->pdata[i])->post_id, post_id);
  return n;
}

static void rebuild_posts (DozorPlansPane *self);
static void show_selected_on_map (DozorPlansPane *self);
static void ask_for_proposal (DozorPlansPane *self,
                              const char     *incident_id,
                              gboolean        with_fixed);

/* The supervisor put @unit_id on @post_id. A unit goes to one post: taken
 * from where the proposal had it. A post that has all it needs gives up
 * its slowest unit, which goes where the dropped one came from (a swap),
 * or out of the plan if it came from outside. */
static void
reassign (DozorPlansPane *self,
          const char     *unit_id,
          const char     *post_id)
{
  g_autoptr(GPtrArray) posts = NULL;
  g_autofree char *came_from = NULL;
  DozorPlanPost *post;
  Assignment *assignment;
  JsonObject *plan = selected_plan (self);

  if (!has_proposal (self) || plan == NULL)
    {
      show_error (self, _("Drop units on posts while a proposal is open: first “Activate…”."));
      return;
    }
  posts = dozor_plan_get_posts (plan);
  post = dozor_plan_find_post (posts, post_id);
  if (post == NULL)
    return;

  for (guint i = 0; i < self->assignments->len; i++)
    {
      assignment = self->assignments->pdata[i];
      if (g_str_equal (assignment->unit_id, unit_id))
        {
          if (g_str_equal (assignment->post_id, post_id))
            return;
          came_from = g_strdup (assignment->post_id);
          g_ptr_array_remove_index (self->assignments, i);
          break;
        }
    }

  if (count_at (self, post_id) >= (guint) post->units_needed)
    {
      Assignment *slowest = NULL;

      for (guint i = 0; i < self->assignments->len; i++)
        {
          assignment = self->assignments->pdata[i];
          if (g_str_equal (assignment->post_id, post_id) && (slowest == NULL || assignment->eta_s > slowest->eta_s))
            slowest = assignment;
        }
      if (slowest != NULL && came_from != NULL)
        {
          g_free (slowest->post_id);
          slowest->post_id = g_strdup (came_from);
          slowest->eta_s = -1;
        }
      else if (slowest != NULL)
        g_ptr_array_remove (self->assignments, slowest);
    }

  assignment = g_new0 (Assignment, 1);
  assignment->post_id = g_strdup (post_id);
  assignment->unit_id = g_strdup (unit_id);
  assignment->eta_s = -1;
  assignment->fixed = TRUE;
  g_ptr_array_add (self->assignments, assignment);
  g_debug ("Proposal corrected: %s to post %s", call_sign (self, unit_id), post->name);
  show_error (self, NULL);
  proposal_changed (self);
  rebuild_posts (self);
  /* The drop is shown at once; dozord then re-proposes the other posts
   * around the units put by hand, with their road times and the figure. */
  ask_for_proposal (self, self->proposal_incident, TRUE);
}

static const char *
left_out_reason (const char *reason)
{
  if (g_strcmp0 (reason, "busy") == 0)
    return C_("left out", "busy");
  if (g_strcmp0 (reason, "off_duty") == 0)
    return C_("left out", "off duty");
  if (g_strcmp0 (reason, "no_position") == 0)
    return C_("left out", "no position");
  return reason;
}

/* "bottleneck 10 min 55 s", the units left out and why, the posts that
 * cannot be covered. */
static void
show_proposal_summary (DozorPlansPane *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  gint64 bottleneck = -1;
  gboolean moved = FALSE;

  if (!has_proposal (self))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->proposal_label), FALSE);
      return;
    }
  for (guint i = 0; i < self->assignments->len; i++)
    {
      Assignment *assignment = self->assignments->pdata[i];

      moved |= assignment->eta_s < 0;
      bottleneck = MAX (bottleneck, assignment->eta_s);
    }
  if (self->assignments->len == 0)
    g_string_append (text, _("The posts cannot all be covered."));
  else
    {
      g_autofree char *time = dozor_format_duration (bottleneck);

      /* TRANSLATORS: the proposal's bottleneck: the time until every post is covered */
      g_string_append_printf (text, _("Every post covered in %s (by road)."), time);
      if (moved && self->cancellable != NULL)
        g_string_append_printf (text, " %s", _("Re-proposing the other posts around the units moved by hand…"));
      else if (moved)
        g_string_append_printf (text, " %s", _("Units moved by hand: their road time is not known."));
    }
  if (self->left_out != NULL && *self->left_out != '\0')
    g_string_append_printf (text, "\n%s", self->left_out);
  gtk_label_set_label (self->proposal_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->proposal_label), TRUE);
  /* The UI tests read the figure the supervisor reads. */
  g_debug ("Proposal figure: %s", text->str);
}

static void
proposal_answered_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(DozorPlansPane) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = dozor_sync_client_post_finish (DOZOR_SYNC_CLIENT (source), result, &error);
  JsonObject *object = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
  g_autoptr(GString) left_out = g_string_new (NULL);
  JsonNode *list;

  /* A newer request replaced this one (a second drop): it is the answer
   * awaited, and its cancellable is not this one's to clear. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  if (object == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("No proposal: %s"), error != NULL ? error->message : "?");

      g_debug ("Plan proposal failed: %s", text);
      show_error (self, text);
      update_actions (self);
      return;
    }

  clear_proposal (self);
  self->proposal_plan = g_strdup (dozor_json_get_string (object, "plan_id"));
  self->proposal_incident = g_strdup (dozor_json_get_string (object, "incident_id"));
  self->assignments = g_ptr_array_new_with_free_func ((GDestroyNotify) assignment_free);
  self->unit_to_post = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  list = json_object_get_member (object, "assignments");
  for (guint i = 0; list != NULL && JSON_NODE_HOLDS_ARRAY (list) && i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (list), i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      Assignment *assignment;

      if (item == NULL || dozor_json_get_string (item, "post_id") == NULL || dozor_json_get_string (item, "unit_id") == NULL)
        continue;
      assignment = g_new0 (Assignment, 1);
      assignment->post_id = g_strdup (dozor_json_get_string (item, "post_id"));
      assignment->unit_id = g_strdup (dozor_json_get_string (item, "unit_id"));
      assignment->eta_s = dozor_plan_get_seconds (item, "eta_s", -1);
      assignment->fixed = json_object_get_boolean_member_with_default (item, "fixed", FALSE);
      g_ptr_array_add (self->assignments, assignment);
    }

  list = json_object_get_member (object, "left_out");
  for (guint i = 0; list != NULL && JSON_NODE_HOLDS_ARRAY (list) && i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (list), i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (item == NULL)
        continue;
      g_string_append_printf (left_out, "%s%s (%s)", left_out->len > 0 ? ", " : "",
                              call_sign (self, json_object_get_string_member_with_default (item, "unit_id", "?")),
                              left_out_reason (dozor_json_get_string (item, "reason")));
    }
  if (left_out->len > 0)
    {
      /* TRANSLATORS: the units a proposal did not consider, each with why */
      g_autofree char *line = g_strdup_printf (_("Left out: %s"), left_out->str);

      g_string_assign (left_out, line);
    }
  list = json_object_get_member (object, "uncovered");
  for (guint i = 0; list != NULL && JSON_NODE_HOLDS_ARRAY (list) && i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (list), i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (item != NULL)
        /* TRANSLATORS: a post no unit can cover, and why (the server's words) */
        g_string_append_printf (left_out, "%s%s", left_out->len > 0 ? "\n" : "",
                                json_object_get_string_member_with_default (item, "reason", ""));
    }
  self->left_out = g_string_free (g_steal_pointer (&left_out), FALSE);

  {
    guint fixed = 0;
    GString *pairs = g_string_new (NULL);

    for (guint i = 0; i < self->assignments->len; i++)
      {
        Assignment *assignment = self->assignments->pdata[i];

        fixed += assignment->fixed;
        g_string_append_printf (pairs, "%s%s→%s", pairs->len > 0 ? " " : "", call_sign (self, assignment->unit_id),
                                assignment->post_id);
      }
    g_debug ("Plan proposal: %u assignments (%u fixed), bottleneck %" G_GINT64_FORMAT " s, %s; %s",
             self->assignments->len, fixed, dozor_plan_get_seconds (object, "bottleneck_s", -1), self->left_out,
             pairs->str);
    g_string_free (pairs, TRUE);
  }
  show_error (self, NULL);
  proposal_changed (self);
  show_selected_on_map (self);
  rebuild_posts (self);
  update_actions (self);
}

/* Asks dozord for a proposal in the background: the first one, or again
 * with the units the supervisor put on posts kept there (`fixed`). A
 * request still waiting is dropped for the newer one. */
static void
ask_for_proposal (DozorPlansPane *self,
                  const char     *incident_id,
                  gboolean        with_fixed)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint n_fixed = 0;

  json_builder_begin_object (builder);
  if (incident_id != NULL)
    {
      json_builder_set_member_name (builder, "incident_id");
      json_builder_add_string_value (builder, incident_id);
    }
  if (with_fixed)
    {
      json_builder_set_member_name (builder, "fixed");
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->assignments->len; i++)
        {
          Assignment *assignment = self->assignments->pdata[i];

          if (!assignment->fixed)
            continue;
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "post_id");
          json_builder_add_string_value (builder, assignment->post_id);
          json_builder_set_member_name (builder, "unit_id");
          json_builder_add_string_value (builder, assignment->unit_id);
          json_builder_end_object (builder);
          n_fixed++;
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  text = json_to_string (body, FALSE);
  bytes = g_bytes_new (text, strlen (text));
  path = g_strdup_printf ("plans/%s/proposal", self->selected);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_debug ("Asking for a proposal for plan %s, %u units fixed", self->selected, n_fixed);
  dozor_sync_client_post_async (self->sync, path, bytes, self->cancellable, proposal_answered_cb,
                                g_object_ref (self));
  show_proposal_summary (self);
  update_actions (self);
}

static void
activate_cb (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  DozorPlansPane *self = user_data;
  const char *incident_id = gtk_check_button_get_active (self->around_check)
                              ? dozor_map_view_get_selected_incident (self->map_view) : NULL;

  if (self->selected == NULL || !self->editable || self->cancellable != NULL)
    return;
  ask_for_proposal (self, incident_id, FALSE);
}

static void
confirm_cb (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  DozorPlansPane *self = user_data;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *summary = NULL;
  JsonObject *plan = selected_plan (self);

  if (!has_proposal (self) || plan == NULL || self->assignments->len == 0)
    return;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "assignments");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->assignments->len; i++)
    {
      Assignment *assignment = self->assignments->pdata[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "post_id");
      json_builder_add_string_value (builder, assignment->post_id);
      json_builder_set_member_name (builder, "unit_id");
      json_builder_add_string_value (builder, assignment->unit_id);
      if (assignment->eta_s >= 0)
        {
          json_builder_set_member_name (builder, "eta_s");
          json_builder_add_int_value (builder, assignment->eta_s);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (self->proposal_incident != NULL)
    {
      json_builder_set_member_name (builder, "incident_id");
      json_builder_add_string_value (builder, self->proposal_incident);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  path = g_strdup_printf ("plans/%s/activation", self->selected);
  /* TRANSLATORS: a command in the outbox: activate the named plan */
  summary = g_strdup_printf (_("Activate plan “%s”"), json_object_get_string_member_with_default (plan, "name", ""));
  g_free (self->activation_key);
  self->activation_key = dozor_sync_client_send (self->sync, "POST", path, body, -1, summary, &error);
  if (self->activation_key == NULL)
    show_error (self, error->message);
  else
    g_debug ("Plan activation sent: %u units", self->assignments->len);
  update_actions (self);
}

static void
discard_cb (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  DozorPlansPane *self = user_data;

  clear_proposal (self);
  show_selected_on_map (self);
  show_proposal_summary (self);
  rebuild_posts (self);
  update_actions (self);
}

static void
close_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   DozorPlansPane   *self)
{
  const char *plan_id = g_object_get_data (G_OBJECT (dialog), "plan-id");
  JsonObject *plan = dozor_situation_get_entity (self->situation, "plan", plan_id);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *summary = NULL;

  if (!g_str_equal (response, "close") || plan == NULL)
    return;

  path = g_strdup_printf ("plans/%s/activation", plan_id);
  /* TRANSLATORS: a command in the outbox: close the named plan */
  summary = g_strdup_printf (_("Close plan “%s”"), json_object_get_string_member_with_default (plan, "name", ""));
  g_free (self->close_key);
  self->close_key = dozor_sync_client_send (self->sync, "DELETE", path, NULL, -1, summary, &error);
  if (self->close_key == NULL)
    show_error (self, error->message);
  else
    g_debug ("Plan closing sent");
  update_actions (self);
}

static void
close_cb (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  DozorPlansPane *self = user_data;
  JsonObject *plan = selected_plan (self);
  g_autoptr(GPtrArray) posts = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  guint n_units = 0;

  if (plan == NULL || !dozor_plan_is_active (plan))
    return;
  posts = dozor_plan_get_posts (plan);
  for (guint i = 0; i < posts->len; i++)
    n_units += ((DozorPlanPost *) posts->pdata[i])->unit_ids->len;

  heading = g_strdup_printf (_("Close plan “%s”?"), json_object_get_string_member_with_default (plan, "name", ""));
  /* TRANSLATORS: what closing a plan does; %u is how many units it has */
  body = g_strdup_printf (_("Its dispatches end and its %u units become available."), n_units);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self->window), heading, body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "close", _("C_lose Plan"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "close", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "plan-id", g_strdup (self->selected), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (close_response_cb), self, 0);
  g_debug ("Asking to confirm: %s", heading);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Why the server said no, for the pane: its message, or for a unit taken
 * meanwhile, which unit. */
static char *
refusal (DozorPlansPane *self,
         guint           status,
         JsonNode       *answer)
{
  JsonObject *object = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
  const char *code = object != NULL ? dozor_json_get_string (object, "code") : NULL;
  const char *message = object != NULL ? dozor_json_get_string (object, "message") : NULL;
  JsonNode *current = object != NULL ? json_object_get_member (object, "current") : NULL;

  if (g_strcmp0 (code, "unit_busy") == 0 && current != NULL && JSON_NODE_HOLDS_OBJECT (current))
    /* TRANSLATORS: an activation refused: a unit was sent elsewhere meanwhile */
    return g_strdup_printf (_("Not activated: %s is already on another dispatch. Move another unit to its post, or discard."),
                            call_sign (self, json_object_get_string_member_with_default (json_node_get_object (current),
                                                                                         "unit_id", "?")));
  if (status == 409)
    return g_strdup_printf (_("Refused (%u): %s"), status, message != NULL ? message : _("the plan changed meanwhile"));
  return g_strdup_printf (_("Refused (%u): %s"), status, message != NULL ? message : "?");
}

static void
command_answered_cb (DozorSyncClient *sync,
                     const char      *key,
                     guint            status,
                     const char      *summary,
                     JsonNode        *answer,
                     DozorPlansPane  *self)
{
  gboolean activation = g_strcmp0 (key, self->activation_key) == 0;
  gboolean closing = g_strcmp0 (key, self->close_key) == 0;
  g_autofree char *text = NULL;

  if (!activation && !closing)
    return;
  if (activation)
    g_clear_pointer (&self->activation_key, g_free);
  else
    g_clear_pointer (&self->close_key, g_free);

  if (status >= 200 && status < 300)
    {
      g_debug ("Plan %s: %u", activation ? "activated" : "closed", status);
      if (activation)
        clear_proposal (self);
      show_selected_on_map (self);
      show_error (self, NULL);
      show_proposal_summary (self);
      rebuild_posts (self);
      update_actions (self);
      return;
    }
  text = refusal (self, status, answer);
  g_debug ("Plan %s refused (%u): %s", activation ? "activation" : "closing", status, text);
  show_error (self, text);
  update_actions (self);
}

/* --- The posts ----------------------------------------------------------------- */

static gboolean
post_drop_cb (GtkDropTarget  *target,
              const GValue   *value,
              double          x,
              double          y,
              DozorPlansPane *self)
{
  const DozorUnitDrag *drag = g_value_get_boxed (value);
  const char *post_id = g_object_get_data (G_OBJECT (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target))),
                                           "post-id");

  if (drag == NULL || post_id == NULL || !self->editable)
    return FALSE;
  reassign (self, dozor_unit_drag_get_unit_id (drag), post_id);
  return TRUE;
}

/* A post's line under its name: in a proposal, who would go and how long
 * they take; in an active plan, its state, units and times. */
static char *
post_subtitle (DozorPlansPane *self,
               DozorPlanPost  *post,
               gint64          now)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (has_proposal (self))
    {
      for (guint i = 0; i < self->assignments->len; i++)
        {
          Assignment *assignment = self->assignments->pdata[i];
          g_autofree char *eta = assignment->eta_s >= 0 ? dozor_format_duration (assignment->eta_s) : g_strdup ("—");

          if (g_str_equal (assignment->post_id, post->id))
            g_string_append_printf (text, "%s%s (%s)", text->len > 0 ? ", " : "→ ",
                                    call_sign (self, assignment->unit_id), eta);
        }
      if (text->len == 0)
        g_string_append (text, _("no unit proposed"));
      return g_string_free (g_steal_pointer (&text), FALSE);
    }

  if (post->state == DOZOR_POST_IDLE)
    /* TRANSLATORS: a post of a plan not active: the units it needs */
    return g_strdup_printf (_("needs %d"), post->units_needed);

  g_string_append (text, dozor_post_state_label (post->state));
  g_string_append_printf (text, " %u/%d", post->arrived, post->units_needed);
  if (post->state == DOZOR_POST_COVERED && post->covered_at != 0)
    {
      g_autofree char *at = dozor_format_clock (post->covered_at, TRUE);

      /* TRANSLATORS: when a post became covered */
      g_string_append_printf (text, " · %s", at);
    }
  else if (post->eta_at != 0)
    {
      g_autofree char *at = dozor_format_clock (post->eta_at, TRUE);

      /* TRANSLATORS: when the next unit is expected at a post */
      g_string_append_printf (text, " · %s %s", _("ETA"), at);
      if (post->eta_at < now)
        g_string_append_printf (text, " (%s)", _("overdue"));
    }
  for (guint i = 0; i < post->unit_ids->len; i++)
    g_string_append_printf (text, "%s%s", i == 0 ? " · " : ", ", call_sign (self, post->unit_ids->pdata[i]));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GtkWidget *
edit_button (const char *icon,
             const char *tooltip,
             const char *action,
             GVariant   *target)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  return button;
}

/* Fewer, more, delete: the editor's actions, for a plan not active. */
static void
add_edit_buttons (AdwActionRow  *row,
                  DozorPlanPost *post)
{
  adw_action_row_add_suffix (row, edit_button ("list-remove-symbolic", _("Needs one unit fewer"), "win.post-units",
                                               g_variant_new ("(si)", post->id, post->units_needed - 1)));
  adw_action_row_add_suffix (row, edit_button ("list-add-symbolic", _("Needs one unit more"), "win.post-units",
                                               g_variant_new ("(si)", post->id, post->units_needed + 1)));
  adw_action_row_add_suffix (row, edit_button ("user-trash-symbolic", _("Delete this post"), "win.post-delete",
                                               g_variant_new_string (post->id)));
}

static void
rebuild_posts (DozorPlansPane *self)
{
  JsonObject *plan = selected_plan (self);
  g_autoptr(GPtrArray) posts = plan != NULL ? dozor_plan_get_posts (plan) : NULL;
  gint64 now = dozor_situation_get_now (self->situation);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->post_list))) != NULL)
    gtk_list_box_remove (self->post_list, child);

  for (guint i = 0; posts != NULL && i < posts->len; i++)
    {
      DozorPlanPost *post = posts->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *state = gtk_label_new (has_proposal (self) ? NULL : dozor_post_state_label (post->state));
      g_autofree char *subtitle = post_subtitle (self, post, now);
      GtkDropTarget *target = gtk_drop_target_new (DOZOR_TYPE_UNIT_DRAG, GDK_ACTION_COPY);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), post->name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_add_css_class (state, post->state == DOZOR_POST_COVERED ? "success"
                                       : post->state == DOZOR_POST_EN_ROUTE ? "warning"
                                       : post->state == DOZOR_POST_UNCOVERED ? "error" : "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), state);
      if (self->editable && post->state == DOZOR_POST_IDLE && !has_proposal (self))
        add_edit_buttons (ADW_ACTION_ROW (row), post);
      g_object_set_data_full (G_OBJECT (row), "post-id", g_strdup (post->id), g_free);
      /* A unit dragged from the map or the unit list corrects the proposal. */
      g_signal_connect_object (target, "drop", G_CALLBACK (post_drop_cb), self, 0);
      gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (target));
      gtk_list_box_append (self->post_list, row);
    }
  show_proposal_summary (self);
}

/* The key figure, counted on each second while posts are still open. */
static void
update_figure (DozorPlansPane *self)
{
  JsonObject *plan = selected_plan (self);
  g_autofree char *figure = plan != NULL ? dozor_plan_describe_cover (plan, dozor_situation_get_now (self->situation))
                                           : NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->figure_label), figure != NULL);
  gtk_label_set_label (self->figure_label, figure != NULL ? figure : "");
}

static gboolean
tick_cb (gpointer user_data)
{
  DozorPlansPane *self = user_data;

  update_figure (self);
  return G_SOURCE_CONTINUE;
}

static void
log_figure (DozorPlansPane *self)
{
  JsonObject *plan = selected_plan (self);
  g_autofree char *figure = NULL;
  guint covered, n_posts;

  if (plan == NULL || !dozor_plan_is_active (plan))
    return;
  covered = dozor_plan_count_covered (plan, &n_posts);
  figure = covered == n_posts ? dozor_plan_describe_cover (plan, dozor_situation_get_now (self->situation))
                              : g_strdup_printf ("%u of %u covered", covered, n_posts);
  /* Tests wait for this line; keep its wording stable. */
  if (g_strcmp0 (figure, self->last_figure) != 0)
    g_debug ("Plan figure: %s", figure);
  g_free (self->last_figure);
  self->last_figure = g_steal_pointer (&figure);
}

/* --- The plans -------------------------------------------------------------------- */

static void
frame_plan (DozorPlansPane *self)
{
  JsonObject *plan = selected_plan (self);
  g_autoptr(GPtrArray) posts = plan != NULL ? dozor_plan_get_posts (plan) : NULL;
  double west = G_MAXDOUBLE, south = G_MAXDOUBLE, east = -G_MAXDOUBLE, north = -G_MAXDOUBLE;

  if (posts == NULL || posts->len == 0)
    return;
  for (guint i = 0; i < posts->len; i++)
    {
      DozorPlanPost *post = posts->pdata[i];

      west = MIN (west, post->lon);
      east = MAX (east, post->lon);
      south = MIN (south, post->lat);
      north = MAX (north, post->lat);
    }
  /* A lone post, or posts in a row, still get some map around them. */
  dozor_map_view_show_extent (self->map_view, west - 0.005, south - 0.004, east + 0.005, north + 0.004);
}

/* A plan not active is drawn while this pane is on screen, or while its
 * proposal is being corrected (units may come from the unit list's page):
 * a wall, whose sidebar is hidden, shows active plans only. */
static void
show_selected_on_map (DozorPlansPane *self)
{
  DozorPostLayer *layer = self->map_view != NULL ? dozor_map_view_get_post_layer (self->map_view) : NULL;
  gboolean shown = gtk_widget_get_mapped (GTK_WIDGET (self)) || has_proposal (self);

  if (layer != NULL)
    dozor_post_layer_set_plan (layer, shown ? self->selected : NULL);
}

static void
select_plan (DozorPlansPane *self,
             const char     *plan_id)
{
  DozorPostLayer *layer = dozor_map_view_get_post_layer (self->map_view);

  if (g_strcmp0 (self->selected, plan_id) != 0)
    {
      g_free (self->selected);
      self->selected = g_strdup (plan_id);
      g_clear_pointer (&self->last_figure, g_free);
      show_error (self, NULL);
    }
  show_selected_on_map (self);
  if (has_proposal (self))
    proposal_changed (self);
  else if (layer != NULL)
    dozor_post_layer_set_proposal (layer, NULL);
  rebuild_posts (self);
  update_figure (self);
  log_figure (self);
  update_actions (self);
}

static void
row_selected_cb (GtkListBox     *list,
                 GtkListBoxRow  *row,
                 DozorPlansPane *self)
{
  const char *plan_id = row != NULL ? g_object_get_data (G_OBJECT (row), "plan-id") : NULL;

  if (self->rebuilding || plan_id == NULL)
    return;
  select_plan (self, plan_id);
  frame_plan (self);
}

static void
rebuild_plans (DozorPlansPane *self)
{
  g_autoptr(GList) plans = g_list_sort (dozor_situation_get_entities (self->situation, "plan"), dozor_plan_compare_names);
  const char *keep = NULL;
  GtkListBoxRow *selected_row = NULL;
  GtkWidget *child;

  self->rebuilding = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->plan_list))) != NULL)
    gtk_list_box_remove (self->plan_list, child);

  /* Kept while it exists; else the first active plan, else the first. */
  for (GList *l = plans; l != NULL; l = l->next)
    {
      JsonObject *plan = json_node_get_object (l->data);
      const char *id = dozor_json_get_string (plan, "id");

      if (g_strcmp0 (id, self->selected) == 0)
        keep = id;
    }
  for (GList *l = plans; keep == NULL && l != NULL; l = l->next)
    if (dozor_plan_is_active (json_node_get_object (l->data)))
      keep = dozor_json_get_string (json_node_get_object (l->data), "id");
  if (keep == NULL && plans != NULL)
    keep = dozor_json_get_string (json_node_get_object (plans->data), "id");

  for (GList *l = plans; l != NULL; l = l->next)
    {
      JsonObject *plan = json_node_get_object (l->data);
      const char *id = dozor_json_get_string (plan, "id");
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *subtitle = NULL;
      guint covered, n_posts;

      if (id == NULL)
        continue;
      covered = dozor_plan_count_covered (plan, &n_posts);
      if (dozor_plan_is_active (plan))
        /* TRANSLATORS: an active plan in the list: covered posts of all */
        subtitle = g_strdup_printf (_("active · posts covered: %u of %u"), covered, n_posts);
      else
        /* TRANSLATORS: a plan not active in the list: how many posts it has */
        subtitle = g_strdup_printf (_("posts: %u"), n_posts);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), json_object_get_string_member_with_default (plan, "name", id));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      g_object_set_data_full (G_OBJECT (row), "plan-id", g_strdup (id), g_free);
      gtk_list_box_append (self->plan_list, row);
      if (g_strcmp0 (id, keep) == 0)
        selected_row = GTK_LIST_BOX_ROW (row);
    }
  gtk_list_box_select_row (self->plan_list, selected_row);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), plans == NULL);
  self->rebuilding = FALSE;

  {
    g_autofree char *plan_id = g_strdup (keep);

    select_plan (self, plan_id);
  }
}

static void
situation_changed_cb (DozorSituation *situation,
                      guint           what,
                      DozorPlansPane *self)
{
  if (what & DOZOR_SITUATION_PLANS)
    rebuild_plans (self);
}

/* --- The object -------------------------------------------------------------------- */

static void
dozor_plans_pane_dispose (GObject *object)
{
  DozorPlansPane *self = DOZOR_PLANS_PANE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  clear_proposal (self);
  g_clear_object (&self->sync);
  g_clear_object (&self->situation);
  g_clear_object (&self->map_view);
  g_clear_object (&self->editor);
  g_clear_object (&self->activate_action);
  g_clear_object (&self->confirm_action);
  g_clear_object (&self->discard_action);
  g_clear_object (&self->close_action);
  g_clear_pointer (&self->selected, g_free);
  g_clear_pointer (&self->activation_key, g_free);
  g_clear_pointer (&self->close_key, g_free);
  g_clear_pointer (&self->last_figure, g_free);

  G_OBJECT_CLASS (dozor_plans_pane_parent_class)->dispose (object);
}

static void
dozor_plans_pane_class_init (DozorPlansPaneClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = dozor_plans_pane_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dozor-plans-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorPlansPane, plan_list);
  gtk_widget_class_bind_template_child (widget_class, DozorPlansPane, post_list);
  gtk_widget_class_bind_template_child (widget_class, DozorPlansPane, empty_label);
  gtk_widget_class_bind_template_child (widget_class, DozorPlansPane, figure_label);
  gtk_widget_class_bind_template_child (widget_class, DozorPlansPane, error_label);
  gtk_widget_class_bind_template_child (widget_class, DozorPlansPane, proposal_label);
  gtk_widget_class_bind_template_child (widget_class, DozorPlansPane, around_check);
  gtk_widget_class_bind_template_child (widget_class, DozorPlansPane, activate_button);
  gtk_widget_class_bind_template_child (widget_class, DozorPlansPane, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, DozorPlansPane, discard_button);
  gtk_widget_class_bind_template_child (widget_class, DozorPlansPane, close_button);
}

static void
dozor_plans_pane_init (DozorPlansPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->plan_list, "row-selected", G_CALLBACK (row_selected_cb), self, 0);
  g_signal_connect (self, "map", G_CALLBACK (show_selected_on_map), NULL);
  g_signal_connect (self, "unmap", G_CALLBACK (show_selected_on_map), NULL);
}

static void
unit_dropped_cb (DozorMapView   *map_view,
                 const char     *unit_id,
                 const char     *plan_id,
                 const char     *post_id,
                 DozorPlansPane *self)
{
  /* Without a proposal open, a drop on a post is the duty roster's. */
  if (!has_proposal (self))
    return;
  if (g_strcmp0 (plan_id, self->selected) != 0)
    {
      show_error (self, _("That post is of another plan than the one selected."));
      return;
    }
  reassign (self, unit_id, post_id);
}

/* Plans are changed by units' positions too (a post covered): the figure's
 * "since activation" counts on without any event. */
static void
dozor_plans_pane_start_ticking (DozorPlansPane *self)
{
  self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
}

/**
 * dozor_plans_pane_follow:
 * @self: a #DozorPlansPane
 * @window: the window whose actions these become
 * @sync: the link to the backend, for proposals and commands
 * @situation: where the plans are
 * @map_view: the map, whose post layer shows the selected plan
 */
void
dozor_plans_pane_follow (DozorPlansPane       *self,
                         GtkApplicationWindow *window,
                         DozorSyncClient      *sync,
                         DozorSituation       *situation,
                         DozorMapView         *map_view)
{
  g_return_if_fail (DOZOR_IS_PLANS_PANE (self));
  g_return_if_fail (self->sync == NULL);

  self->window = window;
  self->sync = g_object_ref (sync);
  self->situation = g_object_ref (situation);
  self->map_view = g_object_ref (map_view);
  self->activate_action = dozor_plans_add_window_action (window, "plan-activate", NULL, G_CALLBACK (activate_cb), self);
  self->confirm_action = dozor_plans_add_window_action (window, "plan-confirm", NULL, G_CALLBACK (confirm_cb), self);
  self->discard_action = dozor_plans_add_window_action (window, "plan-discard", NULL, G_CALLBACK (discard_cb), self);
  self->close_action = dozor_plans_add_window_action (window, "plan-close", NULL, G_CALLBACK (close_cb), self);
  self->editor = dozor_plan_editor_new (window, sync, situation, map_view);
  g_signal_connect_object (situation, "changed", G_CALLBACK (situation_changed_cb), self, 0);
  g_signal_connect_object (sync, "command-answered", G_CALLBACK (command_answered_cb), self, 0);
  g_signal_connect_object (map_view, "unit-dropped-on-post", G_CALLBACK (unit_dropped_cb), self, 0);
  dozor_plans_pane_start_ticking (self);
  rebuild_plans (self);
}

/**
 * dozor_plans_pane_set_editable:
 * @self: a #DozorPlansPane
 * @editable: whether this board's user may activate and close plans
 */
void
dozor_plans_pane_set_editable (DozorPlansPane *self,
                               gboolean        editable)
{
  g_return_if_fail (DOZOR_IS_PLANS_PANE (self));

  self->editable = editable;
  if (self->activate_action != NULL)
    {
      /* The rows' edit buttons come and go with the role. */
      rebuild_posts (self);
      update_actions (self);
    }
}

/**
 * dozor_plans_pane_get_selected:
 * @self: a #DozorPlansPane
 *
 * Returns: (nullable): the selected plan's id
 */
const char *
dozor_plans_pane_get_selected (DozorPlansPane *self)
{
  g_return_val_if_fail (DOZOR_IS_PLANS_PANE (self), NULL);

  return self->selected;
}
