/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The duty roster on a desk (issue 17, item 1): the shift's entries, each
 * with its unit, assignment, window, crew, vehicle, radio and weapons and
 * the flags dozord raised on it, in words and colour; the units reporting
 * without an entry; an entry's editor; CSV import; and a unit dragged onto
 * a patrol route on the map, which, once confirmed, puts it on that route
 * for the shift.
 *
 * The flags are the server's (docs/api.md, "Roster flags"): the pane only
 * shows what the situation holds, so every board shows the same ones. The
 * pane installs its own actions on the window: win.roster (show it),
 * win.roster-import, win.roster-edit and win.roster-delete (a supervisor's
 * or an admin's, never a wall's).
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "dozor-file-choice.h"
#include "dozor-json.h"
#include "dozor-plan.h"
#include "dozor-plan-editor.h"
#include "dozor-post-rules-form.h"
#include "dozor-roster-pane.h"

/* A shift drawn by a drop on the map: the demo's shifts are 12 hours. */
#define DROP_SHIFT_HOURS 12
/* How far ahead of the drop its entry begins. */
#define DROP_LEAD_S 5
/* How long a change waits for the rest of its burst before the pane shows it. */
#define UPDATE_DELAY_MS 200

struct _DozorRosterPane
{
  AdwBin parent_instance;

  GtkListBox *entry_list;
  GtkLabel *empty_label;
  GtkExpander *unlisted_expander;
  GtkLabel *unlisted_names;

  /* Each entry's row, by the entry's id (the rows are the list's). A row
   * is made again only when what it shows changed: with a whole shift on
   * the roster, remaking every row on every event kept the main thread
   * busy for seconds at a time. */
  GHashTable *rows;
  guint update_id;

  GtkApplicationWindow *window;   /* not owned: the board's window */
  GtkWindow *own_window;          /* not owned: it owns the pane; dies with the board's */
  DozorSyncClient *sync;
  DozorSituation *situation;
  DozorMapView *map_view;
  gboolean editable;

  GSimpleAction *show_action;
  GSimpleAction *import_action;
  GSimpleAction *edit_action;
  GSimpleAction *delete_action;
};

G_DEFINE_FINAL_TYPE (DozorRosterPane, dozor_roster_pane, ADW_TYPE_BIN)

static const char *
call_sign (DozorRosterPane *self,
           const char      *unit_id)
{
  DozorUnit *unit = unit_id != NULL ? dozor_situation_get_unit (self->situation, unit_id) : NULL;

  return unit != NULL ? unit->call_sign : _("unknown unit");
}

static const char *
entity_name (DozorRosterPane *self,
             const char      *kind,
             const char      *id)
{
  JsonObject *entity = id != NULL ? dozor_situation_get_entity (self->situation, kind, id) : NULL;

  return entity != NULL ? dozor_json_get_string (entity, "name") : NULL;
}

/* The entry's assignment in words. */
static char *
assignment (DozorRosterPane *self,
            JsonObject      *entry)
{
  const char *route = entity_name (self, "route", dozor_json_get_string (entry, "route_id"));
  const char *place = entity_name (self, "place", dozor_json_get_string (entry, "place_id"));
  JsonNode *post = json_object_get_member (entry, "post");

  if (route != NULL)
    /* TRANSLATORS: a roster entry's assignment: a patrol route's name */
    return g_strdup_printf (_("route “%s”"), route);
  if (post != NULL && JSON_NODE_HOLDS_OBJECT (post))
    /* TRANSLATORS: a roster entry's assignment: a post's name */
    return g_strdup_printf (_("post “%s”"), dozor_json_get_string (json_node_get_object (post), "name"));
  if (place != NULL)
    return g_strdup_printf (_("post “%s”"), place);
  return g_strdup (_("reserve"));
}

static char *
local_time (const char *text,
            const char *format)
{
  g_autoptr(GDateTime) time = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
  g_autoptr(GDateTime) local = time != NULL ? g_date_time_to_local (time) : NULL;

  return local != NULL ? g_date_time_format (local, format) : g_strdup ("?");
}

/* Crew as the CSV spells it: "name/rank/number; …". */
static char *
crew_text (JsonObject *entry)
{
  JsonNode *node_list = json_object_get_member (entry, "crew");
  JsonArray *crew = node_list != NULL && JSON_NODE_HOLDS_ARRAY (node_list) ? json_node_get_array (node_list) : NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; crew != NULL && i < json_array_get_length (crew); i++)
    {
      JsonNode *node = json_array_get_element (crew, i);
      JsonObject *member;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      member = json_node_get_object (node);
      g_string_append_printf (out, "%s%s/%s/%s", out->len > 0 ? "; " : "", dozor_json_get_string (member, "name"),
                              dozor_json_get_string (member, "rank"),
                              dozor_json_get_string (member, "personal_number"));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
weapons_text (JsonObject *entry)
{
  JsonNode *node_list = json_object_get_member (entry, "weapons");
  JsonArray *weapons = node_list != NULL && JSON_NODE_HOLDS_ARRAY (node_list) ? json_node_get_array (node_list) : NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; weapons != NULL && i < json_array_get_length (weapons); i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "; " : "", json_array_get_string_element (weapons, i));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
subtitle (JsonObject *entry)
{
  g_autofree char *from = local_time (dozor_json_get_string (entry, "from"), "%d.%m %H:%M");
  g_autofree char *to = local_time (dozor_json_get_string (entry, "to"), "%H:%M");
  g_autofree char *crew = crew_text (entry);
  g_autofree char *weapons = weapons_text (entry);
  g_autoptr(GString) out = g_string_new (NULL);
  const char *vehicle = dozor_json_get_string (entry, "vehicle");
  const char *radio = dozor_json_get_string (entry, "radio");

  g_string_append_printf (out, "%s–%s", from, to);
  if (*crew != '\0')
    g_string_append_printf (out, " · %s", crew);
  if (vehicle != NULL)
    g_string_append_printf (out, " · %s", vehicle);
  if (radio != NULL)
    g_string_append_printf (out, " · %s", radio);
  if (*weapons != '\0')
    g_string_append_printf (out, " · %s", weapons);
  return g_markup_escape_text (out->str, -1);
}

static GtkWidget *
flag_label (const char *kind)
{
  GtkWidget *label;

  if (g_str_equal (kind, "no_position"))
    {
      /* TRANSLATORS: a roster flag: on duty, but no recent position */
      label = gtk_label_new (_("No position"));
      gtk_widget_add_css_class (label, "error");
    }
  else if (g_str_equal (kind, "drawn_late"))
    {
      /* TRANSLATORS: a roster flag: the entry was made after its shift began */
      label = gtk_label_new (_("Drawn late"));
      gtk_widget_add_css_class (label, "warning");
    }
  else
    return NULL;
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  return label;
}

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip,
             const char *action,
             const char *id)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", id);
  return button;
}

/* What a row shows, as one string: a row whose entry still reads the same
 * is kept as it is. */
static char *
row_signature (const char *from,
               const char *title,
               const char *sub,
               GPtrArray  *kinds,
               gboolean    editable)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_string_append_printf (out, "%s\n%s\n%s\n%d", from != NULL ? from : "", title, sub, editable);
  for (guint k = 0; kinds != NULL && k < kinds->len; k++)
    g_string_append_printf (out, "\n%s", (const char *) kinds->pdata[k]);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static GtkWidget *
entry_row (DozorRosterPane *self,
           const char      *id,
           const char      *title,
           const char      *sub,
           GPtrArray       *kinds)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  for (guint k = 0; kinds != NULL && k < kinds->len; k++)
    {
      GtkWidget *label = flag_label (kinds->pdata[k]);

      if (label != NULL)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }
  if (self->editable)
    {
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon_button ("document-edit-symbolic", _("Edit the entry"),
                                                                    "win.roster-edit", id));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon_button ("user-trash-symbolic", _("Delete the entry"),
                                                                    "win.roster-delete", id));
    }
  return row;
}

/* The rows in the order of their entries' windows; a shift's, which all
 * begin together, by call sign, so that a unit is found where a person
 * looks for it. */
static int
by_row_from (GtkListBoxRow *a,
             GtkListBoxRow *b,
             gpointer       user_data)
{
  int order = g_strcmp0 (g_object_get_data (G_OBJECT (a), "from"), g_object_get_data (G_OBJECT (b), "from"));

  if (order == 0)
    order = g_utf8_collate (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (a)),
                            adw_preferences_row_get_title (ADW_PREFERENCES_ROW (b)));
  return order != 0 ? order : g_strcmp0 (g_object_get_data (G_OBJECT (a), "entry-id"),
                                         g_object_get_data (G_OBJECT (b), "entry-id"));
}

static int
by_name (gconstpointer a,
         gconstpointer b)
{
  return g_utf8_collate (*(const char **) a, *(const char **) b);
}

/* The units reporting without an entry: a count on one line, the names
 * under an expander of bounded height, so that a shift's worth of them
 * never pushes the entries off the window. */
static void
show_unlisted (DozorRosterPane *self,
               GPtrArray       *names)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *heading = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->unlisted_expander), names->len > 0);
  if (names->len == 0)
    return;
  g_ptr_array_sort (names, by_name);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", (const char *) names->pdata[i]);
  /* TRANSLATORS: the count of units that send positions but have no roster
   * entry now; their call signs are listed under it */
  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u unit reporting, not on the roster",
                                          "%u units reporting, not on the roster", names->len),
                             names->len);
  gtk_expander_set_label (self->unlisted_expander, heading);
  if (g_strcmp0 (gtk_label_get_text (self->unlisted_names), text->str) != 0)
    gtk_label_set_text (self->unlisted_names, text->str);
}

static void
update (DozorRosterPane *self)
{
  g_autoptr(GList) entries = dozor_situation_get_entities (self->situation, "roster");
  g_autoptr(GList) flags = dozor_situation_get_entities (self->situation, "roster_flag");
  g_autoptr(GHashTable) by_entry = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                          (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) unlisted = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer id_key, row_value;
  guint n_entries = 0, n_made = 0;
  gint64 start = g_get_monotonic_time ();

  for (GList *l = flags; l != NULL; l = l->next)
    {
      JsonObject *flag = json_node_get_object (l->data);
      const char *kind = dozor_json_get_string (flag, "kind");
      const char *entry_id = dozor_json_get_string (flag, "entry_id");

      if (g_strcmp0 (kind, "not_on_roster") == 0)
        g_ptr_array_add (unlisted, (gpointer) call_sign (self, dozor_json_get_string (flag, "unit_id")));
      else if (entry_id != NULL && kind != NULL)
        {
          GPtrArray *kinds = g_hash_table_lookup (by_entry, entry_id);

          if (kinds == NULL)
            g_hash_table_insert (by_entry, (gpointer) entry_id, kinds = g_ptr_array_new ());
          g_ptr_array_add (kinds, (gpointer) kind);
        }
    }

  for (GList *l = entries; l != NULL; l = l->next)
    {
      JsonObject *entry = json_node_get_object (l->data);
      const char *id = dozor_json_get_string (entry, "id");
      const char *from = dozor_json_get_string (entry, "from");
      g_autofree char *where = NULL;
      g_autofree char *title = NULL;
      g_autofree char *sub = NULL;
      g_autofree char *signature = NULL;
      GPtrArray *kinds;
      GtkWidget *row;

      if (id == NULL)
        continue;
      n_entries++;
      g_hash_table_add (seen, (gpointer) id);
      kinds = g_hash_table_lookup (by_entry, id);
      if (kinds != NULL)
        g_ptr_array_sort (kinds, (GCompareFunc) g_strcmp0);
      where = assignment (self, entry);
      title = g_markup_printf_escaped ("%s — %s", call_sign (self, dozor_json_get_string (entry, "unit_id")), where);
      sub = subtitle (entry);
      signature = row_signature (from, title, sub, kinds, self->editable);
      row = g_hash_table_lookup (self->rows, id);
      if (row != NULL && g_strcmp0 (g_object_get_data (G_OBJECT (row), "signature"), signature) == 0)
        continue;
      if (row != NULL)
        gtk_list_box_remove (self->entry_list, row);
      row = entry_row (self, id, title, sub, kinds);
      g_object_set_data_full (G_OBJECT (row), "signature", g_steal_pointer (&signature), g_free);
      g_object_set_data_full (G_OBJECT (row), "from", g_strdup (from), g_free);
      g_object_set_data_full (G_OBJECT (row), "entry-id", g_strdup (id), g_free);
      /* The list's sort function puts it in its place. */
      gtk_list_box_insert (self->entry_list, row, -1);
      g_hash_table_replace (self->rows, g_strdup (id), row);
      n_made++;
    }

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &id_key, &row_value))
    if (!g_hash_table_contains (seen, id_key))
      {
        gtk_list_box_remove (self->entry_list, row_value);
        g_hash_table_iter_remove (&iter);
      }

  gtk_widget_set_visible (GTK_WIDGET (self->entry_list), n_entries > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), n_entries == 0);
  show_unlisted (self, unlisted);
  /* Tests wait for this line; keep its wording stable. */
  g_debug ("Roster pane: %u entries, %u flags in %.1f ms, %u rows made", n_entries, g_list_length (flags),
           (g_get_monotonic_time () - start) / 1000.0, n_made);
}

static gboolean
update_cb (gpointer user_data)
{
  DozorRosterPane *self = user_data;

  self->update_id = 0;
  update (self);
  return G_SOURCE_REMOVE;
}

static void
situation_changed_cb (DozorSituation  *situation,
                      guint            what,
                      DozorRosterPane *self)
{
  /* A burst of events (every fix of a unit off its route counts as a
   * roster change) is one update, a moment later. Not an idle source: with
   * hundreds of units moving the main loop is rarely idle, and an idle
   * update waited 15 s. */
  if ((what & (DOZOR_SITUATION_ROSTER | DOZOR_SITUATION_AREAS)) && self->update_id == 0 && self->rows != NULL)
    self->update_id = g_timeout_add (UPDATE_DELAY_MS, update_cb, self);
}

static void
send (DozorRosterPane *self,
      const char      *method,
      const char      *path,
      JsonNode        *body,
      gint64           version,
      const char      *summary)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = dozor_sync_client_send (self->sync, method, path, body, version, summary, &error);

  if (key == NULL)
    g_warning ("Roster change not sent: %s", error->message);
  else
    g_debug ("Command queued: %s", summary);
}

/* A change of one entry, sent with the version it was based on. */
static void
send_entry_change (DozorRosterPane *self,
                   const char      *method,
                   JsonObject      *entry,
                   JsonNode        *body,
                   const char      *summary)
{
  g_autofree char *path = g_strdup_printf ("roster/%s", dozor_json_get_string (entry, "id"));

  send (self, method, path, body, json_object_get_int_member (entry, "version"), summary);
}

/* Asks with @dialog: Cancel, or @response (the default) that runs
 * @callback on the pane. */
static void
present_dialog (DozorRosterPane  *self,
                AdwMessageDialog *dialog,
                const char       *response,
                const char       *label,
                GCallback         callback)
{
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), response, label, NULL);
  adw_message_dialog_set_response_appearance (dialog, response, ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, response);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", callback, self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- A unit dropped on a route ---------------------------------------------- */

/* The entry of @unit_id whose window holds now, if any. */
static JsonObject *
current_entry (DozorRosterPane *self,
               const char      *unit_id)
{
  g_autoptr(GList) entries = dozor_situation_get_entities (self->situation, "roster");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  for (GList *l = entries; l != NULL; l = l->next)
    {
      JsonObject *entry = json_node_get_object (l->data);
      g_autoptr(GDateTime) from = g_date_time_new_from_iso8601 (dozor_json_get_string (entry, "from"), NULL);
      g_autoptr(GDateTime) to = g_date_time_new_from_iso8601 (dozor_json_get_string (entry, "to"), NULL);

      if (g_strcmp0 (dozor_json_get_string (entry, "unit_id"), unit_id) == 0 && from != NULL && to != NULL &&
          g_date_time_compare (from, now) <= 0 && g_date_time_compare (now, to) < 0)
        return entry;
    }
  return NULL;
}

/* A confirmed drop: the unit's entry for this shift gets the dialog's
 * assignment (a route or a post), or a new entry is drawn with it. */
static void
drop_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  DozorRosterPane  *self)
{
  const char *unit_id = g_object_get_data (G_OBJECT (dialog), "unit-id");
  const char *summary = g_object_get_data (G_OBJECT (dialog), "summary");
  JsonObject *assignment = g_object_get_data (G_OBJECT (dialog), "assignment");
  JsonObject *entry;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;

  if (!g_str_equal (response, "assign"))
    return;
  {
    JsonObjectIter iter;
    const char *name;
    JsonNode *value;

    json_object_iter_init (&iter, assignment);
    while (json_object_iter_next (&iter, &name, &value))
      json_object_set_member (body, name, json_node_copy (value));
  }
  entry = current_entry (self, unit_id);
  if (entry != NULL)
    {
      node = json_node_init_object (json_node_alloc (), body);
      send_entry_change (self, "PATCH", entry, node, summary);
      return;
    }

  {
    /* A few seconds ahead, so that the entry reaches the server before
     * its window begins: drawn in time, not late (docs/decisions.md). */
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (g_date_time_to_unix (now) + DROP_LEAD_S);
    g_autoptr(GDateTime) end = g_date_time_add_hours (start, DROP_SHIFT_HOURS);
    g_autoptr(GDateTime) local = g_date_time_to_local (start);
    g_autofree char *from = g_date_time_format (start, "%Y-%m-%dT%H:%M:%SZ");
    g_autofree char *to = g_date_time_format (end, "%Y-%m-%dT%H:%M:%SZ");
    g_autofree char *date = g_date_time_format (local, "%Y-%m-%d");

    json_object_set_string_member (body, "shift_date", date);
    json_object_set_string_member (body, "from", from);
    json_object_set_string_member (body, "to", to);
    json_object_set_string_member (body, "unit_id", unit_id);
  }
  node = json_node_init_object (json_node_alloc (), body);
  send (self, "POST", "roster", node, -1, summary);
}

/* Asks to confirm a drop: @heading, @body when the unit has no entry yet
 * (@moved when it has one), then sends @assignment with @summary. */
static void
confirm_drop (DozorRosterPane *self,
              const char      *unit_id,
              const char      *heading,
              const char      *body,
              const char      *moved,
              JsonObject      *assignment,
              const char      *summary)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self->window), heading,
                                                       current_entry (self, unit_id) != NULL ? moved : body));
  g_object_set_data_full (G_OBJECT (dialog), "unit-id", g_strdup (unit_id), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "summary", g_strdup (summary), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "assignment", json_object_ref (assignment),
                          (GDestroyNotify) json_object_unref);
  g_debug ("Asking to confirm: %s", heading);
  present_dialog (self, dialog, "assign", _("_Assign"), G_CALLBACK (drop_response_cb));
}

static void
unit_dropped_cb (DozorMapView    *map_view,
                 const char      *unit_id,
                 const char      *route_id,
                 DozorRosterPane *self)
{
  const char *route = entity_name (self, "route", route_id);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *summary = NULL;
  g_autoptr(JsonObject) assignment = json_object_new ();

  if (!self->editable || route == NULL)
    return;
  /* TRANSLATORS: confirming a unit dragged onto a patrol route */
  heading = g_strdup_printf (_("Put %s on route “%s”?"), call_sign (self, unit_id), route);
  body = g_strdup_printf (_("The duty roster gets an entry for the next %d hours: the unit patrols this route."),
                          DROP_SHIFT_HOURS);
  /* TRANSLATORS: the outbox's words for a roster assignment */
  summary = g_strdup_printf (_("Roster: %s on route “%s”"), call_sign (self, unit_id), route);
  json_object_set_string_member (assignment, "route_id", route_id);
  confirm_drop (self, unit_id, heading, body, _("The unit's roster entry for this shift moves to this route."),
                assignment, summary);
}

/* A unit dropped on a plan's post while no proposal is being corrected
 * (then the drop is the plans pane's): the roster puts it at that post,
 * its name and place copied into the entry (docs/decisions.md). */
static void
unit_dropped_on_post_cb (DozorMapView    *map_view,
                         const char      *unit_id,
                         const char      *plan_id,
                         const char      *post_id,
                         DozorRosterPane *self)
{
  JsonObject *plan = plan_id != NULL ? dozor_situation_get_entity (self->situation, "plan", plan_id) : NULL;
  g_autoptr(GPtrArray) posts = plan != NULL ? dozor_plan_get_posts (plan) : NULL;
  DozorPlanPost *post = posts != NULL ? dozor_plan_find_post (posts, post_id) : NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *summary = NULL;
  g_autoptr(JsonObject) assignment = json_object_new ();
  JsonObject *at = json_object_new ();
  JsonObject *location = json_object_new ();

  json_object_set_object_member (assignment, "post", at);
  json_object_set_object_member (at, "location", location);
  if (!self->editable || post == NULL ||
      dozor_post_layer_has_proposal (dozor_map_view_get_post_layer (map_view)))
    return;
  json_object_set_string_member (at, "name", post->name);
  json_object_set_double_member (location, "lat", post->lat);
  json_object_set_double_member (location, "lon", post->lon);
  /* TRANSLATORS: confirming a unit dragged onto a post: the duty roster's, not a dispatch */
  heading = g_strdup_printf (_("Put %s on post “%s” on the duty roster?"), call_sign (self, unit_id), post->name);
  body = g_strdup_printf (_("The duty roster gets an entry for the next %d hours: the unit stands at this post. "
                            "It is not a dispatch: to send units to a plan's posts, activate the plan."),
                          DROP_SHIFT_HOURS);
  /* TRANSLATORS: the outbox's words for a roster assignment to a post */
  summary = g_strdup_printf (_("Roster: %s on post “%s”"), call_sign (self, unit_id), post->name);
  confirm_drop (self, unit_id, heading, body, _("The unit's roster entry for this shift moves to this post."),
                assignment, summary);
}

/* --- Editing, deleting ---------------------------------------------------- */

static GtkEntry *
add_field (GtkGrid    *grid,
           int         row,
           const char *label_text,
           const char *value)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (label_text);
  GtkWidget *entry = gtk_entry_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), value != NULL ? value : "");
  gtk_widget_set_hexpand (entry, TRUE);
  gtk_grid_attach (grid, label, 0, row, 1, 1);
  gtk_grid_attach (grid, entry, 1, row, 1, 1);
  return GTK_ENTRY (entry);
}

static const char *
field_text (AdwMessageDialog *dialog,
            const char       *name)
{
  return gtk_editable_get_text (GTK_EDITABLE (g_object_get_data (G_OBJECT (dialog), name)));
}

static void
set_text_or_null (JsonObject *body,
                  const char *member,
                  const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (*stripped == '\0')
    json_object_set_null_member (body, member);
  else
    json_object_set_string_member (body, member, stripped);
}

/* "a; b" as an array of the parts; crew parts "name/rank/number". */
static JsonArray *
split_field (const char *text,
             gboolean    crew)
{
  g_auto(GStrv) parts = g_strsplit (text, ";", -1);
  JsonArray *array = json_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (parts[i][0] == '\0')
        continue;
      if (!crew)
        json_array_add_string_element (array, parts[i]);
      else
        {
          g_auto(GStrv) bits = g_strsplit (parts[i], "/", 3);
          JsonObject *member = json_object_new ();

          json_object_set_string_member (member, "name", g_strstrip (bits[0]));
          json_object_set_string_member (member, "rank", bits[1] != NULL ? g_strstrip (bits[1]) : "");
          json_object_set_string_member (member, "personal_number",
                                         bits[1] != NULL && bits[2] != NULL ? g_strstrip (bits[2]) : "");
          json_array_add_object_element (array, member);
        }
    }
  return array;
}

/* A local "dd.mm.yyyy hh:mm" (as shown) or RFC 3339 time, as RFC 3339. */
static char *
parse_local (const char *text)
{
  int day, month, year, hour, minute;
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GDateTime) utc = NULL;

  if (sscanf (text, "%d.%d.%d %d:%d", &day, &month, &year, &hour, &minute) == 5)
    time = g_date_time_new_local (year, month, day, hour, minute, 0);
  else
    time = g_date_time_new_from_iso8601 (text, NULL);
  if (time == NULL)
    return g_strdup (text); /* the server names the field */
  utc = g_date_time_to_utc (time);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

static void
edit_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  DozorRosterPane  *self)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "entry-id");
  JsonObject *entry = dozor_situation_get_entity (self->situation, "roster", id);
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *summary = NULL;

  if (!g_str_equal (response, "save") || entry == NULL)
    return;
  from = parse_local (field_text (dialog, "from"));
  to = parse_local (field_text (dialog, "to"));
  json_object_set_array_member (body, "crew", split_field (field_text (dialog, "crew"), TRUE));
  set_text_or_null (body, "vehicle", field_text (dialog, "vehicle"));
  set_text_or_null (body, "radio", field_text (dialog, "radio"));
  json_object_set_array_member (body, "weapons", split_field (field_text (dialog, "weapons"), FALSE));
  json_object_set_string_member (body, "from", from);
  json_object_set_string_member (body, "to", to);
  if (g_object_get_data (G_OBJECT (dialog), "post-rules") != NULL)
    json_object_set_object_member (body, "compliance",
                                   dozor_post_rules_form_get_rules (g_object_get_data (G_OBJECT (dialog), "post-rules")));
  node = json_node_init_object (json_node_alloc (), body);
  /* TRANSLATORS: the outbox's words for a roster entry edited */
  summary = g_strdup_printf (_("Roster: %s edited"), call_sign (self, dozor_json_get_string (entry, "unit_id")));
  send_entry_change (self, "PATCH", entry, node, summary);
}

/* The entry an edit or delete action names, if this user may change it. */
static JsonObject *
action_entry (DozorRosterPane *self,
              GVariant        *parameter)
{
  if (!self->editable)
    return NULL;
  return dozor_situation_get_entity (self->situation, "roster", g_variant_get_string (parameter, NULL));
}

static void
edit_cb (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  DozorRosterPane *self = user_data;
  const char *id = g_variant_get_string (parameter, NULL);
  JsonObject *entry = action_entry (self, parameter);
  g_autofree char *heading = NULL;
  g_autofree char *crew = NULL;
  g_autofree char *weapons = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  AdwMessageDialog *dialog;
  GtkGrid *grid;

  if (entry == NULL)
    return;
  crew = crew_text (entry);
  weapons = weapons_text (entry);
  from = local_time (dozor_json_get_string (entry, "from"), "%d.%m.%Y %H:%M");
  to = local_time (dozor_json_get_string (entry, "to"), "%d.%m.%Y %H:%M");
  /* TRANSLATORS: the roster entry editor's heading; %s is a call sign */
  heading = g_strdup_printf (_("Roster entry of %s"), call_sign (self, dozor_json_get_string (entry, "unit_id")));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self->window), heading,
                                                       _("Crew as name/rank/personal number, separated by “;”.")));
  grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_row_spacing (grid, 6);
  gtk_grid_set_column_spacing (grid, 12);
  g_object_set_data (G_OBJECT (dialog), "crew", add_field (grid, 0, _("Cr_ew"), crew));
  g_object_set_data (G_OBJECT (dialog), "vehicle", add_field (grid, 1, _("_Vehicle"), dozor_json_get_string (entry, "vehicle")));
  g_object_set_data (G_OBJECT (dialog), "radio", add_field (grid, 2, _("_Radio"), dozor_json_get_string (entry, "radio")));
  g_object_set_data (G_OBJECT (dialog), "weapons", add_field (grid, 3, _("_Weapons"), weapons));
  /* A context of their own: "_From" and "_To" are a sender and an
   * addressee in the registers, a time here. */
  g_object_set_data (G_OBJECT (dialog), "from", add_field (grid, 4, C_("roster entry", "_From"), from));
  g_object_set_data (G_OBJECT (dialog), "to", add_field (grid, 5, C_("roster entry", "_To"), to));
  /* An entry on a post or a place: the rules it is judged by. */
  if (dozor_json_get_object (entry, "compliance") != NULL)
    {
      DozorPostRulesForm *rules = dozor_post_rules_form_new (dozor_json_get_object (entry, "compliance"));

      gtk_grid_attach (grid, GTK_WIDGET (rules), 0, 6, 2, 1);
      g_object_set_data (G_OBJECT (dialog), "post-rules", rules);
    }
  adw_message_dialog_set_extra_child (dialog, GTK_WIDGET (grid));
  g_object_set_data_full (G_OBJECT (dialog), "entry-id", g_strdup (id), g_free);
  present_dialog (self, dialog, "save", _("_Save"), G_CALLBACK (edit_response_cb));
}

static void
delete_cb (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  DozorRosterPane *self = user_data;
  JsonObject *entry = action_entry (self, parameter);
  g_autofree char *summary = NULL;

  if (entry == NULL)
    return;
  /* TRANSLATORS: the outbox's words for a roster entry deleted */
  summary = g_strdup_printf (_("Roster: %s taken off"), call_sign (self, dozor_json_get_string (entry, "unit_id")));
  send_entry_change (self, "DELETE", entry, NULL, summary);
}

/* --- Import ------------------------------------------------------------------ */

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DozorRosterPane) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = g_file_get_basename (G_FILE (source));
  g_autofree char *summary = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  gsize length;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      g_warning ("Roster file not read: %s", error->message);
      return;
    }
  if (self->sync == NULL || !g_utf8_validate (contents, length, NULL))
    {
      g_warning ("Roster file %s is not UTF-8 text", name);
      return;
    }
  json_object_set_string_member (body, "csv", contents);
  node = json_node_init_object (json_node_alloc (), body);
  /* TRANSLATORS: the outbox's words for a roster file sent */
  summary = g_strdup_printf (_("Roster: import of %s"), name);
  send (self, "POST", "roster/import", node, -1, summary);
}

static void
file_chosen (GtkWindow  *parent,
             const char *path)
{
  DozorRosterPane *self = g_object_get_data (G_OBJECT (parent), "dozor-roster-pane");
  g_autoptr(GFile) file = g_file_new_for_path (path);

  if (self != NULL)
    g_file_load_contents_async (file, NULL, loaded_cb, g_object_ref (self));
}

static void
import_cb (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  DozorRosterPane *self = user_data;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (!self->editable)
    return;
  gtk_file_filter_set_name (filter, _("Roster CSV files"));
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_filter_add_mime_type (filter, "text/csv");
  dozor_choose_file (GTK_WINDOW (self->window), GTK_FILE_CHOOSER_ACTION_OPEN, _("Import the Duty Roster"),
                     _("_Import"), NULL, filter, file_chosen);
}

static void
show_cb (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  DozorRosterPane *self = user_data;

  gtk_window_present (self->own_window);
  g_debug ("Roster pane shown");
}

static void
update_actions (DozorRosterPane *self)
{
  g_simple_action_set_enabled (self->import_action, self->editable);
  g_simple_action_set_enabled (self->edit_action, self->editable);
  g_simple_action_set_enabled (self->delete_action, self->editable);
}

static void
dozor_roster_pane_dispose (GObject *object)
{
  DozorRosterPane *self = DOZOR_ROSTER_PANE (object);

  g_clear_handle_id (&self->update_id, g_source_remove);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_object (&self->sync);
  g_clear_object (&self->situation);
  g_clear_object (&self->map_view);
  g_clear_object (&self->show_action);
  g_clear_object (&self->import_action);
  g_clear_object (&self->edit_action);
  g_clear_object (&self->delete_action);

  G_OBJECT_CLASS (dozor_roster_pane_parent_class)->dispose (object);
}

static void
dozor_roster_pane_class_init (DozorRosterPaneClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = dozor_roster_pane_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/kz/dozor/Board/ui/dozor-roster-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorRosterPane, entry_list);
  gtk_widget_class_bind_template_child (widget_class, DozorRosterPane, empty_label);
  gtk_widget_class_bind_template_child (widget_class, DozorRosterPane, unlisted_expander);
  gtk_widget_class_bind_template_child (widget_class, DozorRosterPane, unlisted_names);
}

static void
dozor_roster_pane_init (DozorRosterPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_list_box_set_sort_func (self->entry_list, by_row_from, NULL, NULL);
}

/**
 * dozor_roster_pane_new:
 *
 * Returns: (transfer none): a pane; dozor_roster_pane_follow() puts it in
 *   a window of its own, which owns it
 */
DozorRosterPane *
dozor_roster_pane_new (void)
{
  return g_object_new (DOZOR_TYPE_ROSTER_PANE, NULL);
}

/**
 * dozor_roster_pane_follow:
 * @self: a #DozorRosterPane
 * @window: the window whose actions these become
 * @sync: the link to the backend, for the commands
 * @situation: where the roster and its flags are
 * @map_view: the map, where units are dropped on routes
 */
void
dozor_roster_pane_follow (DozorRosterPane      *self,
                          GtkApplicationWindow *window,
                          DozorSyncClient      *sync,
                          DozorSituation       *situation,
                          DozorMapView         *map_view)
{
  g_return_if_fail (DOZOR_IS_ROSTER_PANE (self));
  g_return_if_fail (self->sync == NULL);

  self->window = window;
  self->own_window = GTK_WINDOW (adw_window_new ());
  gtk_window_set_title (self->own_window, _("Duty Roster"));
  gtk_window_set_transient_for (self->own_window, GTK_WINDOW (window));
  gtk_window_set_destroy_with_parent (self->own_window, TRUE);
  gtk_window_set_hide_on_close (self->own_window, TRUE);
  gtk_window_set_default_size (self->own_window, 560, 640);
  /* The rows' and the import's buttons name the board's win. actions: a
   * window of its own resolves them only through this. */
  gtk_widget_insert_action_group (GTK_WIDGET (self->own_window), "win", G_ACTION_GROUP (window));
  {
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

    gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
    gtk_box_append (GTK_BOX (box), GTK_WIDGET (self));
    adw_window_set_content (ADW_WINDOW (self->own_window), box);
  }
  self->sync = g_object_ref (sync);
  self->situation = g_object_ref (situation);
  self->map_view = g_object_ref (map_view);
  g_object_set_data (G_OBJECT (window), "dozor-roster-pane", self);
  self->show_action = dozor_plans_add_window_action (window, "roster", NULL, G_CALLBACK (show_cb), self);
  g_simple_action_set_enabled (self->show_action, TRUE);
  self->import_action = dozor_plans_add_window_action (window, "roster-import", NULL, G_CALLBACK (import_cb), self);
  self->edit_action = dozor_plans_add_window_action (window, "roster-edit", G_VARIANT_TYPE_STRING,
                                                     G_CALLBACK (edit_cb), self);
  self->delete_action = dozor_plans_add_window_action (window, "roster-delete", G_VARIANT_TYPE_STRING,
                                                       G_CALLBACK (delete_cb), self);
  g_signal_connect_object (situation, "changed", G_CALLBACK (situation_changed_cb), self, 0);
  g_signal_connect_object (map_view, "unit-dropped-on-route", G_CALLBACK (unit_dropped_cb), self, 0);
  g_signal_connect_object (map_view, "unit-dropped-on-post", G_CALLBACK (unit_dropped_on_post_cb), self, 0);
  update_actions (self);
  update (self);
}

/**
 * dozor_roster_pane_set_editable:
 * @self: a #DozorRosterPane
 * @editable: whether this board's user may change the roster
 */
void
dozor_roster_pane_set_editable (DozorRosterPane *self,
                                gboolean         editable)
{
  g_return_if_fail (DOZOR_IS_ROSTER_PANE (self));

  self->editable = editable;
  if (self->import_action != NULL)
    {
      update_actions (self);
      update (self);
    }
}
