/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Editing a special operating plan on the desk (issue 15, item 3): rename
 * it, add a post where the map is right-clicked, move a post by dragging
 * it on the map, change how many units a post needs, delete a post. Each
 * edit is one PATCH /plans/{id} with If-Match the plan's version, through
 * the outbox like every command; `posts` in a PATCH is the whole list, the
 * posts kept with their ids (docs/api.md, "Plans").
 *
 * The actions live on the window (win.plan-rename, win.post-add-at,
 * win.post-delete, win.post-units) and are enabled for the plan the
 * plans pane has selected, where the role may edit plans. The posts of an
 * active plan are not offered for editing (the server would refuse with
 * 409); its name is. A refusal all the same (another desk activated it
 * meanwhile, or changed it: 412) is the window's refusal dialog.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-json.h"
#include "dozor-plan.h"
#include "dozor-plan-editor.h"

struct _DozorPlanEditor
{
  GObject parent_instance;

  GtkApplicationWindow *window;   /* not owned: the window outlives its actions' use */
  DozorSyncClient *sync;
  DozorSituation *situation;
  DozorMapView *map_view;
  char *plan_id;
  gboolean editable;

  GSimpleAction *rename_action;
  GSimpleAction *add_action;
  GSimpleAction *delete_action;
  GSimpleAction *units_action;
};

G_DEFINE_FINAL_TYPE (DozorPlanEditor, dozor_plan_editor, G_TYPE_OBJECT)

static JsonObject *
plan (DozorPlanEditor *self)
{
  return self->plan_id != NULL ? dozor_situation_get_entity (self->situation, "plan", self->plan_id) : NULL;
}

static const char *
plan_name (JsonObject *object)
{
  return json_object_get_string_member_with_default (object, "name", "");
}

/* PATCH /plans/{id}, based on the version the board has. */
static void
send_patch (DozorPlanEditor *self,
            JsonObject      *object,
            JsonNode        *body,
            const char      *summary)
{
  g_autofree char *path = g_strdup_printf ("plans/%s", self->plan_id);
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;

  key = dozor_sync_client_send (self->sync, "PATCH", path, body, dozor_json_get_int (object, "version", -1), summary,
                                &error);
  if (key == NULL)
    g_warning ("%s: %s", summary, error->message);
  else
    g_debug ("Plan edit sent: %s", summary);
}

/* The plan's posts as a PATCH takes them: each with its id, so it stays
 * the same post; @skip left out, @change_id given @units or a new place,
 * and a new post at the end if @new_name is set. */
static JsonNode *
posts_body (JsonObject *object,
            const char *skip,
            const char *change_id,
            int         units,
            double      lat,
            double      lon,
            const char *new_name)
{
  g_autoptr(GPtrArray) posts = dozor_plan_get_posts (object);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "posts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < posts->len + (new_name != NULL); i++)
    {
      DozorPlanPost *post = i < posts->len ? posts->pdata[i] : NULL;
      gboolean changed = post != NULL && g_strcmp0 (post->id, change_id) == 0;

      if (post != NULL && g_strcmp0 (post->id, skip) == 0)
        continue;
      json_builder_begin_object (builder);
      if (post != NULL)
        {
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, post->id);
        }
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, post != NULL ? post->name : new_name);
      json_builder_set_member_name (builder, "location");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "lat");
      json_builder_add_double_value (builder, post == NULL || (changed && units <= 0) ? lat : post->lat);
      json_builder_set_member_name (builder, "lon");
      json_builder_add_double_value (builder, post == NULL || (changed && units <= 0) ? lon : post->lon);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "units_needed");
      json_builder_add_int_value (builder, changed && units > 0 ? units : post != NULL ? post->units_needed : 1);
      json_builder_set_member_name (builder, "kind");
      if (post != NULL && post->kind != NULL)
        json_builder_add_string_value (builder, post->kind);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
rename_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    DozorPlanEditor  *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  JsonObject *object = plan (self);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *summary = NULL;

  if (!g_str_equal (response, "rename") || object == NULL || *name == '\0' || g_str_equal (name, plan_name (object)))
    return;
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  /* TRANSLATORS: a command in the outbox: a plan's old and new names */
  summary = g_strdup_printf (_("Rename plan “%s” to “%s”"), plan_name (object), name);
  send_patch (self, object, body, summary);
}

static void
rename_cb (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  DozorPlanEditor *self = user_data;
  JsonObject *object = plan (self);
  AdwMessageDialog *dialog;
  GtkWidget *entry;

  if (object == NULL)
    return;
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self->window), _("Rename Plan"), NULL));
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), plan_name (object));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_entry_set_max_length (GTK_ENTRY (entry), 128);
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "rename", _("_Rename"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "rename", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "rename");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (rename_response_cb), self, 0);
  g_debug ("Renaming plan %s", plan_name (object));
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static void
add_at_cb (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  DozorPlanEditor *self = user_data;
  JsonObject *object = plan (self);
  g_autoptr(GPtrArray) posts = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *name = NULL;
  g_autofree char *summary = NULL;
  double lat, lon;

  if (object == NULL)
    return;
  g_variant_get (parameter, "(dd)", &lat, &lon);
  posts = dozor_plan_get_posts (object);
  /* TRANSLATORS: the name of a post added on the map, numbered; renamed in GIS later */
  name = g_strdup_printf (_("Post %u"), posts->len + 1);
  body = posts_body (object, NULL, NULL, 0, lat, lon, name);
  /* TRANSLATORS: a command in the outbox: a post added to a plan */
  summary = g_strdup_printf (_("Add post “%s” to plan “%s”"), name, plan_name (object));
  send_patch (self, object, body, summary);
}

static void
delete_cb (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  DozorPlanEditor *self = user_data;
  JsonObject *object = plan (self);
  const char *post_id = g_variant_get_string (parameter, NULL);
  g_autoptr(GPtrArray) posts = object != NULL ? dozor_plan_get_posts (object) : NULL;
  DozorPlanPost *post = posts != NULL ? dozor_plan_find_post (posts, post_id) : NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *summary = NULL;

  if (post == NULL)
    return;
  body = posts_body (object, post_id, NULL, 0, 0, 0, NULL);
  /* TRANSLATORS: a command in the outbox: a post deleted from a plan */
  summary = g_strdup_printf (_("Delete post “%s” of plan “%s”"), post->name, plan_name (object));
  send_patch (self, object, body, summary);
}

static void
units_cb (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  DozorPlanEditor *self = user_data;
  JsonObject *object = plan (self);
  const char *post_id = NULL;
  int units = 0;
  g_autoptr(GPtrArray) posts = object != NULL ? dozor_plan_get_posts (object) : NULL;
  DozorPlanPost *post;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *summary = NULL;

  g_variant_get (parameter, "(&si)", &post_id, &units);
  post = posts != NULL ? dozor_plan_find_post (posts, post_id) : NULL;
  /* 1–20 a post (docs/api.md): the buttons stop there. */
  if (post == NULL || units < 1 || units > 20 || units == post->units_needed)
    return;
  body = posts_body (object, NULL, post_id, units, 0, 0, NULL);
  /* TRANSLATORS: a command in the outbox: how many units a post needs */
  summary = g_strdup_printf (_("Post “%s” needs %d"), post->name, units);
  send_patch (self, object, body, summary);
}

static void
post_moved_cb (DozorPostLayer  *layer,
               const char      *plan_id,
               const char      *post_id,
               double           lat,
               double           lon,
               DozorPlanEditor *self)
{
  JsonObject *object = plan (self);
  g_autoptr(GPtrArray) posts = object != NULL ? dozor_plan_get_posts (object) : NULL;
  DozorPlanPost *post = posts != NULL ? dozor_plan_find_post (posts, post_id) : NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *summary = NULL;

  if (post == NULL || g_strcmp0 (plan_id, self->plan_id) != 0 || !self->editable)
    return;
  body = posts_body (object, NULL, post_id, 0, lat, lon, NULL);
  /* TRANSLATORS: a command in the outbox: a post moved on the map */
  summary = g_strdup_printf (_("Move post “%s”"), post->name);
  send_patch (self, object, body, summary);
}

static void
apply (DozorPlanEditor *self)
{
  JsonObject *object = plan (self);
  gboolean posts = self->editable && object != NULL && !dozor_plan_is_active (object);
  DozorPostLayer *layer;

  g_simple_action_set_enabled (self->rename_action, self->editable && object != NULL);
  /* Tests wait for this line; keep its wording stable. */
  g_debug ("Plan editor: plan %s v%" G_GINT64_FORMAT ", rename %s, posts %s",
           self->plan_id != NULL ? self->plan_id : "none", object != NULL ? dozor_json_get_int (object, "version", 0) : 0,
           self->editable && object != NULL ? "enabled" : "disabled", posts ? "enabled" : "disabled");
  g_simple_action_set_enabled (self->add_action, posts);
  g_simple_action_set_enabled (self->delete_action, posts);
  g_simple_action_set_enabled (self->units_action, posts);
  layer = dozor_map_view_get_post_layer (self->map_view);
  if (layer != NULL)
    dozor_post_layer_set_editable (layer, posts ? self->plan_id : NULL);
}

static void
dozor_plan_editor_dispose (GObject *object)
{
  DozorPlanEditor *self = DOZOR_PLAN_EDITOR (object);

  g_clear_object (&self->sync);
  g_clear_object (&self->situation);
  g_clear_object (&self->map_view);
  g_clear_object (&self->rename_action);
  g_clear_object (&self->add_action);
  g_clear_object (&self->delete_action);
  g_clear_object (&self->units_action);
  g_clear_pointer (&self->plan_id, g_free);

  G_OBJECT_CLASS (dozor_plan_editor_parent_class)->dispose (object);
}

static void
dozor_plan_editor_class_init (DozorPlanEditorClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_plan_editor_dispose;
}

static void
dozor_plan_editor_init (DozorPlanEditor *self)
{
}

/**
 * dozor_plans_add_window_action:
 * @window: the window the action goes on
 * @name: its name, for "win.@name"
 * @type: (nullable): its parameter's type
 * @callback: its "activate" handler
 * @owner: the object @callback gets, which the action follows
 *
 * For the plans pane and the editor: their actions, disabled until they
 * enable them.
 *
 * Returns: (transfer full): the action
 */
GSimpleAction *
dozor_plans_add_window_action (GtkApplicationWindow *window,
                               const char           *name,
                               const GVariantType   *type,
                               GCallback             callback,
                               gpointer              owner)
{
  GSimpleAction *action = g_simple_action_new (name, type);

  g_simple_action_set_enabled (action, FALSE);
  g_signal_connect_object (action, "activate", callback, owner, 0);
  g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (action));
  return action;
}

/**
 * dozor_plan_editor_new:
 * @window: the window whose actions these become
 * @sync: the link to the backend, for the commands
 * @situation: where the plans are
 * @map_view: the map, whose posts may be dragged
 *
 * Returns: (transfer full): a new editor, its actions disabled until
 *   dozor_plan_editor_set_plan()
 */
DozorPlanEditor *
dozor_plan_editor_new (GtkApplicationWindow *window,
                       DozorSyncClient      *sync,
                       DozorSituation       *situation,
                       DozorMapView         *map_view)
{
  DozorPlanEditor *self = g_object_new (DOZOR_TYPE_PLAN_EDITOR, NULL);
  DozorPostLayer *layer = dozor_map_view_get_post_layer (map_view);

  self->window = window;
  self->sync = g_object_ref (sync);
  self->situation = g_object_ref (situation);
  self->map_view = g_object_ref (map_view);
  self->rename_action = dozor_plans_add_window_action (window, "plan-rename", NULL, G_CALLBACK (rename_cb), self);
  self->add_action = dozor_plans_add_window_action (window, "post-add-at", G_VARIANT_TYPE ("(dd)"),
                                                    G_CALLBACK (add_at_cb), self);
  self->delete_action = dozor_plans_add_window_action (window, "post-delete", G_VARIANT_TYPE_STRING,
                                                       G_CALLBACK (delete_cb), self);
  self->units_action = dozor_plans_add_window_action (window, "post-units", G_VARIANT_TYPE ("(si)"),
                                                      G_CALLBACK (units_cb), self);
  if (layer != NULL)
    g_signal_connect_object (layer, "post-moved", G_CALLBACK (post_moved_cb), self, 0);
  return self;
}

/**
 * dozor_plan_editor_set_plan:
 * @self: a #DozorPlanEditor
 * @plan_id: (nullable): the plan to edit
 * @editable: whether this board's user may edit plans
 *
 * Also after the plan changed: its posts are editable only while it is not
 * active.
 */
void
dozor_plan_editor_set_plan (DozorPlanEditor *self,
                            const char      *plan_id,
                            gboolean         editable)
{
  g_return_if_fail (DOZOR_IS_PLAN_EDITOR (self));

  if (g_strcmp0 (self->plan_id, plan_id) != 0)
    {
      g_free (self->plan_id);
      self->plan_id = g_strdup (plan_id);
    }
  self->editable = editable;
  apply (self);
}
