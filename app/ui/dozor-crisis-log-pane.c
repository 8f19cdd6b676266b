/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The crisis log on the desk (issue 15, item 6): a page of the side pane
 * that shows a raised episode as a timeline, newest row first, and is
 * marked in the page switcher while a degree is raised. On opening it
 * reads the journal of the last days (GET /journal, parsed by the sync
 * client in a worker), finds the episodes in it and folds the chosen
 * one in a worker; then it follows the live events. A supervisor writes
 * notes (POST /crisis/notes through the outbox); anyone exports the rows
 * as CSV. The pane installs its own actions, win.crisis-log and
 * win.crisis-log-export.
 *
 * On a replay's board it reckons from the replayed moment (the situation's
 * clock): it reads the journal up to that moment only, again on each seek,
 * and what the moment has passed as the replay plays; the episodes and
 * rows are those of then, never the present's.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dozor-crisis-log.h"
#include "dozor-crisis-log-pane.h"
#include "dozor-report-crisis-log.h"
#include "dozor-file-choice.h"
#include "dozor-json.h"
#include "dozor-labels.h"
#include "dozor-list-tab.h"
#include "dozor-window.h"

/* The episodes offered: those begun in the last week, and the one raised
 * now however long ago it began. */
#define EPISODE_DAYS 7
#define PAGE_LIMIT 5000
/* A bound on the pages read: 2 million events, far beyond a week's. */
#define MAX_PAGES 400

struct _DozorCrisisLogPane
{
  AdwBin parent_instance;

  GtkDropDown *episode_choice;
  GtkStringList *episode_names;
  GtkLabel *status_label;
  GtkWidget *note_box;
  GtkEntry *note_entry;
  GtkButton *note_button;
  GtkColumnView *rows;

  GtkApplicationWindow *window;  /* not owned: it owns this */
  DozorSyncClient *sync;
  DozorSituation *situation;
  GCancellable *cancellable;
  GSimpleAction *show_action;
  GSimpleAction *export_action;
  GSimpleAction *export_pdf_action;
  gboolean wall;
  gboolean replaying;     /* a replay's board: the journal up to its moment */
  gint64 read_from;       /* the journal's window being read, Unix µs */
  gint64 read_to;         /* a replay's: read up to here */
  gint64 read_seq;        /* the largest seq read, so a window's edge is not read twice */

  GPtrArray *events;      /* JsonNode: the journal read, then the live events */
  GPtrArray *pending;     /* JsonNode: live events while the journal is read */
  guint pages;
  gboolean loading;
  GPtrArray *episodes;    /* DozorCrisisEpisode, newest first */
  char *chosen;           /* raised_at of the episode shown, NULL for the newest */
  DozorCrisisLog *log;    /* the episode shown */
  gboolean live;          /* it is still raised: live events go into it */
  guint folds;            /* counts folds, so a late one is dropped */
  gboolean stale;         /* a snapshot replaced the events followed */
};

G_DEFINE_FINAL_TYPE (DozorCrisisLogPane, dozor_crisis_log_pane, ADW_TYPE_BIN)

enum { COLUMN_TIME, COLUMN_WHAT, COLUMN_WHO, COLUMN_DETAILS };

static void read_page (DozorCrisisLogPane *self, const char *after);
static void read_on (DozorCrisisLogPane *self);
static void episode_chosen_cb (DozorCrisisLogPane *self);
static void fold (DozorCrisisLogPane *self);

static gboolean
may_write (DozorCrisisLogPane *self)
{
  const char *role = self->sync != NULL ? dozor_sync_client_get_role (self->sync) : NULL;

  return !self->wall && (g_strcmp0 (role, "supervisor") == 0 || g_strcmp0 (role, "admin") == 0);
}

static gboolean
raised (DozorCrisisLogPane *self)
{
  return self->situation != NULL && g_strcmp0 (dozor_situation_get_readiness (self->situation), "normal") != 0 &&
         dozor_situation_get_readiness (self->situation) != NULL;
}

static void
update_controls (DozorCrisisLogPane *self)
{
  gboolean writable = may_write (self) && raised (self) && self->live;
  guint rows = self->log != NULL ? g_list_model_get_n_items (dozor_crisis_log_get_entries (self->log)) : 0;
  GtkWidget *stack = gtk_widget_get_parent (GTK_WIDGET (self));

  /* Other roles do not see what they may not use (the server refuses
   * them all the same). */
  if (gtk_widget_get_visible (self->note_box) != may_write (self))
    g_debug ("Crisis log notes: %s", may_write (self) ? "shown" : "hidden");
  gtk_widget_set_visible (self->note_box, may_write (self));
  gtk_widget_set_sensitive (self->note_box, writable);
  if (self->export_action != NULL)
    g_simple_action_set_enabled (self->export_action, rows > 0);
  if (self->export_pdf_action != NULL)
    g_simple_action_set_enabled (self->export_pdf_action, rows > 0);
  /* The switcher marks the page while a degree is raised. */
  if (GTK_IS_STACK (stack))
    gtk_stack_page_set_needs_attention (gtk_stack_get_page (GTK_STACK (stack), GTK_WIDGET (self)), raised (self));
}

static void
set_status (DozorCrisisLogPane *self,
            const char         *text)
{
  gtk_label_set_label (self->status_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL && *text != '\0');
}

/* --- Rows ----------------------------------------------------------------- */

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  int column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "column"));
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  if (column == COLUMN_DETAILS || column == COLUMN_WHAT)
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
    }
  if (column == COLUMN_TIME)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  int column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "column"));
  DozorCrisisLogEntry *entry = gtk_list_item_get_item (item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));

  switch (column)
    {
    case COLUMN_TIME:
      {
        g_autoptr(GTimeZone) zone = g_time_zone_new_local ();
        g_autofree char *time = dozor_crisis_log_format_time (dozor_crisis_log_entry_get_time (entry), zone);

        gtk_label_set_label (label, time);
      }
      break;
    case COLUMN_WHAT:
      gtk_label_set_label (label, dozor_crisis_log_entry_get_what (entry));
      break;
    case COLUMN_WHO:
      gtk_label_set_label (label, dozor_crisis_log_entry_get_who (entry));
      break;
    default:
      gtk_label_set_label (label, dozor_crisis_log_entry_get_details (entry));
      break;
    }
}

static void
add_column (DozorCrisisLogPane *self,
            int                 column,
            const char         *title,
            gboolean            expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;

  g_object_set_data (G_OBJECT (factory), "column", GINT_TO_POINTER (column));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), NULL);
  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_append_column (self->rows, view_column);
}

static void
show_log (DozorCrisisLogPane *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;
  guint n = g_list_model_get_n_items (dozor_crisis_log_get_entries (self->log));

  selection = gtk_no_selection_new (g_object_ref (dozor_crisis_log_get_entries (self->log)));
  gtk_column_view_set_model (self->rows, GTK_SELECTION_MODEL (selection));
  g_message ("Crisis log: %u rows", n);
}

/* --- Episodes ------------------------------------------------------------- */

static char *
episode_name (DozorCrisisEpisode *episode)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_local ();
  g_autoptr(GDateTime) from = g_date_time_new_from_iso8601 (episode->raised_at, NULL);
  g_autoptr(GDateTime) to = episode->lowered_at != NULL ? g_date_time_new_from_iso8601 (episode->lowered_at, NULL)
                                                        : NULL;
  g_autoptr(GDateTime) local_from = from != NULL ? g_date_time_to_timezone (from, zone) : NULL;
  g_autoptr(GDateTime) local_to = to != NULL ? g_date_time_to_timezone (to, zone) : NULL;
  g_autofree char *start = local_from != NULL ? g_date_time_format (local_from, "%d.%m %H:%M") : g_strdup ("?");
  g_autofree char *end = local_to != NULL ? g_date_time_format (local_to, "%d.%m %H:%M") : NULL;

  if (end == NULL)
    /* TRANSLATORS: an episode still raised: since when, its highest level */
    return g_strdup_printf (_("Since %s, %s"), start, dozor_readiness_label (episode->top_level));
  /* TRANSLATORS: a past episode: from, to, its highest level */
  return g_strdup_printf (_("%s – %s, %s"), start, end, dozor_readiness_label (episode->top_level));
}

static void
fill_episodes (DozorCrisisLogPane *self,
               guint               shown)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < self->episodes->len; i++)
    g_ptr_array_add (names, episode_name (self->episodes->pdata[i]));
  g_ptr_array_add (names, NULL);
  /* What the fold chose is no choice of the user's: it would fold again. */
  g_signal_handlers_block_by_func (self->episode_choice, episode_chosen_cb, self);
  gtk_string_list_splice (self->episode_names, 0, g_list_model_get_n_items (G_LIST_MODEL (self->episode_names)),
                          (const char *const *) names->pdata);
  gtk_drop_down_set_selected (self->episode_choice, shown);
  g_signal_handlers_unblock_by_func (self->episode_choice, episode_chosen_cb, self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->episode_choice), self->episodes->len > 1);
}

/* --- Folding in a worker --------------------------------------------------- */

typedef struct
{
  GPtrArray *events;     /* JsonNode, the pane's as the fold began */
  guint n_events;
  GPtrArray *kept;       /* JsonNode: those of an episode */
  char *chosen;
  GPtrArray *episodes;
  DozorCrisisLog *log;
  guint shown;
  gboolean live;
} Fold;

static void
fold_free (Fold *data)
{
  g_ptr_array_unref (data->events);
  g_free (data->chosen);
  g_clear_pointer (&data->kept, g_ptr_array_unref);
  g_clear_pointer (&data->episodes, g_ptr_array_unref);
  g_clear_object (&data->log);
  g_free (data);
}

static void
fold_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Fold *data = task_data;
  GPtrArray *events = data->events;
  g_autoptr(GPtrArray) found = NULL;
  DozorCrisisEpisode *episode = NULL;

  found = dozor_crisis_episodes_find (events);

  /* Newest first, as the dropdown offers them. */
  data->episodes = g_ptr_array_new_with_free_func ((GDestroyNotify) dozor_crisis_episode_free);
  for (guint i = found->len; i > 0; i--)
    g_ptr_array_add (data->episodes, g_ptr_array_steal_index (found, i - 1));
  for (guint i = 0; i < data->episodes->len; i++)
    if (data->chosen != NULL && g_str_equal (((DozorCrisisEpisode *) data->episodes->pdata[i])->raised_at, data->chosen))
      data->shown = i;
  episode = data->episodes->len > 0 ? data->episodes->pdata[data->shown] : NULL;

  if (episode != NULL)
    {
      data->log = dozor_crisis_log_new_for_episode (events, episode);
      data->live = episode->last_seq < 0;
    }
  else
    data->log = dozor_crisis_log_new ();

  /* A week of the journal is mostly days at normal: only the episodes'
   * events are kept for the next fold. */
  data->kept = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  for (guint i = 0; i < events->len; i++)
    {
      gint64 seq = json_object_get_int_member_with_default (json_node_get_object (events->pdata[i]), "seq", -1);

      for (guint e = 0; e < data->episodes->len; e++)
        {
          DozorCrisisEpisode *within = data->episodes->pdata[e];

          if (seq >= within->first_seq && (within->last_seq < 0 || seq <= within->last_seq))
            {
              g_ptr_array_add (data->kept, json_node_ref (events->pdata[i]));
              break;
            }
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
folded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  DozorCrisisLogPane *self = DOZOR_CRISIS_LOG_PANE (source);
  Fold *data = g_task_get_task_data (G_TASK (result));
  guint fold_id = GPOINTER_TO_UINT (user_data);

  if (!g_task_propagate_boolean (G_TASK (result), NULL) || fold_id != self->folds)
    return;

  g_clear_pointer (&self->episodes, g_ptr_array_unref);
  self->episodes = g_steal_pointer (&data->episodes);

  g_set_object (&self->log, data->log);
  self->live = data->live;

  /* Live events that came while the fold ran follow it; the log skips
   * what it has. */
  for (guint i = data->n_events; self->live && i < self->events->len; i++)
    dozor_crisis_log_add_event (self->log, json_node_get_object (self->events->pdata[i]));
  /* The events of no episode are dropped; those that came meanwhile stay. */
  for (guint i = data->n_events; i < self->events->len; i++)
    g_ptr_array_add (data->kept, json_node_ref (self->events->pdata[i]));
  g_ptr_array_unref (self->events);
  self->events = g_steal_pointer (&data->kept);

  fill_episodes (self, data->shown);
  g_message ("Crisis log episodes: %u", self->episodes->len);
  if (self->episodes->len == 0)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("No degree of readiness was raised in the last %d day.",
                                                         "No degree of readiness was raised in the last %d days.",
                                                         EPISODE_DAYS),
                                               EPISODE_DAYS);
      set_status (self, text);
    }
  else if (!self->live)
    set_status (self, _("A past episode: the log as it was when the level was lowered."));
  else
    set_status (self, NULL);
  show_log (self);
  update_controls (self);
}

static void
fold (DozorCrisisLogPane *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, folded_cb, GUINT_TO_POINTER (++self->folds));
  Fold *data = g_new0 (Fold, 1);

  /* The worker's own list: live events are added to the pane's meanwhile. */
  data->events = g_ptr_array_copy (self->events, (GCopyFunc) (void (*) (void)) json_node_ref, NULL);
  g_ptr_array_set_free_func (data->events, (GDestroyNotify) json_node_unref);
  data->n_events = self->events->len;
  data->chosen = g_strdup (self->chosen);
  g_task_set_task_data (task, data, (GDestroyNotify) fold_free);
  g_task_set_source_tag (task, fold);
  g_task_run_in_thread (task, fold_in_thread);
}

/* --- Reading the journal ---------------------------------------------------- */

static void
page_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(DozorCrisisLogPane) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = dozor_sync_client_post_finish (DOZOR_SYNC_CLIENT (source), result, &error);
  JsonObject *object = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
  JsonNode *events = object != NULL ? json_object_get_member (object, "events") : NULL;
  const char *next;
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (events == NULL || !JSON_NODE_HOLDS_ARRAY (events))
    {
      g_autofree char *text = g_strdup_printf (_("The crisis log could not be read: %s"),
                                               error != NULL ? error->message : _("the server's answer is not a journal"));

      self->loading = FALSE;
      set_status (self, text);
      g_message ("Crisis log not read: %s", error != NULL ? error->message : "no events");
      return;
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (events)); i++)
    {
      JsonNode *event = json_array_get_element (json_node_get_array (events), i);
      gint64 seq;

      if (!JSON_NODE_HOLDS_OBJECT (event))
        continue;
      seq = json_object_get_int_member_with_default (json_node_get_object (event), "seq", 0);
      if (seq != 0 && seq <= self->read_seq)
        continue;
      self->read_seq = MAX (self->read_seq, seq);
      g_ptr_array_add (page, json_node_ref (event));
    }
  g_ptr_array_extend_and_steal (self->events, g_steal_pointer (&page));
  self->pages++;

  next = dozor_json_get_string (object, "next");
  if (next != NULL && self->pages < MAX_PAGES)
    {
      read_page (self, next);
      return;
    }
  /* The live events buffered meanwhile are newer than the journal's
   * first pages; the fold skips those it then holds twice. */
  self->loading = FALSE;
  g_ptr_array_extend_and_steal (self->events, g_steal_pointer (&self->pending));
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  fold (self);
  /* A replay that played on meanwhile reads on. */
  if (self->replaying)
    read_on (self);
}

/* RFC 3339 to the microsecond: a replay's moment is rarely a whole second. */
static char *
format_utc (gint64 time)
{
  g_autoptr(GDateTime) second = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);
  g_autoptr(GDateTime) exact = g_date_time_add (second, time % G_USEC_PER_SEC);

  return g_date_time_format_iso8601 (exact);
}

static void
read_page (DozorCrisisLogPane *self,
           const char         *after)
{
  g_autofree char *from = format_utc (self->read_from);
  g_autofree char *to = self->replaying ? format_utc (self->read_to) : NULL;
  g_autofree char *escaped_from = g_uri_escape_string (from, NULL, FALSE);
  g_autofree char *escaped_to = to != NULL ? g_uri_escape_string (to, NULL, FALSE) : NULL;
  g_autofree char *escaped_after = after != NULL ? g_uri_escape_string (after, NULL, FALSE) : NULL;
  g_autofree char *path = NULL;

  /* A replay's log ends at its moment: what came later has not happened there. */
  path = g_strdup_printf ("journal?from=%s%s%s&limit=%d%s%s", escaped_from, escaped_to != NULL ? "&to=" : "",
                          escaped_to != NULL ? escaped_to : "", PAGE_LIMIT, escaped_after != NULL ? "&after=" : "",
                          escaped_after != NULL ? escaped_after : "");
  dozor_sync_client_get_async (self->sync, path, self->cancellable, page_read_cb, g_object_ref (self));
}

static void
start_reading (DozorCrisisLogPane *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->pages = 0;
  self->loading = TRUE;
  self->folds++;
  read_page (self, NULL);
}

/* Reads the journal again: at login, and when a new episode begins; on a
 * replay's board, at each seek. */
static void
load (DozorCrisisLogPane *self)
{
  JsonObject *readiness = dozor_situation_get_readiness_object (self->situation);
  const char *raised_at = dozor_json_get_string (readiness, "raised_at");
  g_autoptr(GDateTime) since = raised_at != NULL ? g_date_time_new_from_iso8601 (raised_at, NULL) : NULL;
  gint64 now = dozor_situation_get_now (self->situation);

  if (self->sync == NULL || dozor_sync_client_get_state (self->sync) != DOZOR_SYNC_LIVE)
    return;
  g_ptr_array_set_size (self->events, 0);
  g_ptr_array_set_size (self->pending, 0);
  /* The episode raised now is read whole, however long ago it began. */
  self->read_from = now - (gint64) EPISODE_DAYS * G_TIME_SPAN_DAY;
  if (since != NULL)
    self->read_from = MIN (self->read_from, g_date_time_to_unix (since) * G_USEC_PER_SEC);
  self->read_to = now;
  self->read_seq = 0;
  set_status (self, _("Reading the crisis log…"));
  start_reading (self);
}

/* A replay playing on: the journal from where the last read ended to the
 * moment shown, folded with what was read before. */
static void
read_on (DozorCrisisLogPane *self)
{
  gint64 now = dozor_situation_get_now (self->situation);

  if (self->loading || self->read_to == 0 || now <= self->read_to ||
      dozor_sync_client_get_state (self->sync) != DOZOR_SYNC_LIVE)
    return;
  /* Both ends are inclusive: the edge's events are read again, and
   * dropped by their seq. */
  self->read_from = self->read_to;
  self->read_to = now;
  start_reading (self);
}

static void
state_changed_cb (DozorCrisisLogPane *self)
{
  /* Once per login, or after a new snapshot: otherwise the live events
   * keep it. A replay's is read as its moment is set. */
  if (!self->replaying && dozor_sync_client_get_state (self->sync) == DOZOR_SYNC_LIVE && (self->log == NULL || self->stale) &&
      !self->loading)
    {
      self->stale = FALSE;
      load (self);
    }
  update_controls (self);
}

/* The names a live dispatch needs come after it in the stream; the
 * situation has them before it. */
static void
learn_from_situation (DozorCrisisLogPane *self,
                      JsonObject         *event)
{
  JsonObject *dispatch = dozor_json_get_object (event, "dispatch");
  const char *unit_id = dispatch != NULL ? dozor_json_get_string (dispatch, "unit_id") : NULL;
  const char *incident_id = dispatch != NULL ? dozor_json_get_string (dispatch, "incident_id") : NULL;
  DozorUnit *unit = unit_id != NULL ? dozor_situation_get_unit (self->situation, unit_id) : NULL;
  JsonObject *incident = incident_id != NULL ? dozor_situation_get_entity (self->situation, "incident", incident_id)
                                             : NULL;
  g_autoptr(JsonObject) known = json_object_new ();

  if (unit != NULL && unit->call_sign != NULL)
    {
      JsonObject *unit_object = json_object_new ();

      json_object_set_string_member (unit_object, "id", unit_id);
      json_object_set_string_member (unit_object, "call_sign", unit->call_sign);
      json_object_set_object_member (known, "unit", unit_object);
    }
  if (incident != NULL)
    json_object_set_object_member (known, "incident", json_object_ref (incident));
  dozor_crisis_log_learn (self->log, known);
}

static void
applying_cb (DozorCrisisLogPane *self,
             JsonObject         *event)
{
  JsonNode *node;
  const char *type = dozor_json_get_string (event, "type");

  /* Before the journal was read (or when it could not be) there is
   * nothing to follow: the next read has these events. */
  if (self->sync == NULL || type == NULL || (self->log == NULL && !self->loading))
    return;
  node = json_node_init_object (json_node_alloc (), event);
  if (self->loading)
    {
      g_ptr_array_add (self->pending, node);
      return;
    }
  g_ptr_array_add (self->events, node);

  /* A level change may begin or end an episode: the list of episodes and
   * the log are made again, in the worker, from what was read. */
  if (g_str_equal (type, "readiness.changed"))
    {
      fold (self);
      return;
    }
  if (!self->live)
    return;
  if (g_str_equal (type, "dispatch.created"))
    learn_from_situation (self, event);
  if (dozor_crisis_log_add_event (self->log, event) > 0)
    g_message ("Crisis log: %u rows", g_list_model_get_n_items (dozor_crisis_log_get_entries (self->log)));
  update_controls (self);
}

static void
situation_changed_cb (DozorCrisisLogPane *self,
                      guint               what)
{
  /* A replay's snapshot is a seek: the log is read again up to its
   * moment. Its events move the moment on: the log reads on to it. */
  if (self->replaying)
    {
      if (what == DOZOR_SITUATION_ALL)
        load (self);
      else
        read_on (self);
    }
  /* A snapshot (all of it changed) stands for events this board never
   * saw: what happened meanwhile is read again from the journal. */
  else if (what == DOZOR_SITUATION_ALL && self->log != NULL)
    self->stale = TRUE;
  if (what & DOZOR_SITUATION_READINESS)
    update_controls (self);
}

static void
episode_chosen_cb (DozorCrisisLogPane *self)
{
  guint shown = gtk_drop_down_get_selected (self->episode_choice);
  DozorCrisisEpisode *episode;

  if (self->episodes == NULL || shown >= self->episodes->len || self->loading)
    return;
  episode = self->episodes->pdata[shown];
  /* The newest stays chosen as newer ones begin. */
  g_free (self->chosen);
  self->chosen = shown == 0 ? NULL : g_strdup (episode->raised_at);
  fold (self);
}

/* --- Notes ------------------------------------------------------------------ */

static void
add_note_cb (DozorCrisisLogPane *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->note_entry))));
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  JsonObject *object = json_object_new ();
  const char *summary = _("Add a note to the crisis log");

  if (*text == '\0' || !may_write (self))
    return;
  json_object_set_string_member (object, "text", text);
  json_node_take_object (body, object);
  key = dozor_sync_client_send (self->sync, "POST", "crisis/notes", body, -1, summary, &error);
  if (key == NULL)
    {
      /* Not saved, so not made: the user must know, and keeps the text. */
      g_autofree char *message = g_strdup_printf (_("Not done: %s. %s"), summary, error->message);

      dozor_window_show_message (DOZOR_WINDOW (self->window), message, 0);
      return;
    }
  g_debug ("Command queued: %s", summary);
  gtk_editable_set_text (GTK_EDITABLE (self->note_entry), "");
}

/* --- Actions ---------------------------------------------------------------- */

static void
show_cb (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  DozorCrisisLogPane *self = user_data;
  GtkWidget *stack = gtk_widget_get_parent (GTK_WIDGET (self));

  if (GTK_IS_STACK (stack))
    gtk_stack_set_visible_child (GTK_STACK (stack), GTK_WIDGET (self));
  if (gtk_widget_get_visible (self->note_box) && gtk_widget_get_sensitive (self->note_box))
    gtk_widget_grab_focus (GTK_WIDGET (self->note_entry));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->episode_choice));
  g_debug ("Crisis log shown");
}

typedef struct
{
  GListStore *entries;  /* a copy: the log grows meanwhile */
  GFile *file;
  gboolean pdf;
  char *centre;         /* the PDF's head and signature, as the reports' */
  char *officer;
} Export;

static void
export_free (Export *data)
{
  g_object_unref (data->entries);
  g_object_unref (data->file);
  g_free (data->centre);
  g_free (data->officer);
  g_free (data);
}

/* Tens of thousands of rows take a tenth of a second to write out: not on
 * the thread that draws. */
static void
export_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Export *data = task_data;
  g_autoptr(GTimeZone) zone = g_time_zone_new_local ();
  g_autofree char *csv = NULL;
  g_autofree char *path = g_file_get_path (data->file);
  g_autoptr(GError) error = NULL;

  /* Drawing a PDF of many pages (Pango, cairo) is no work for the thread
   * that draws the board either. */
  if (data->pdf)
    {
      if (dozor_report_crisis_log_pdf (G_LIST_MODEL (data->entries), zone, data->centre, data->officer, path, &error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  csv = dozor_crisis_log_to_csv (G_LIST_MODEL (data->entries), zone);
  if (!g_file_replace_contents (data->file, csv, strlen (csv), NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
exported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  DozorCrisisLogPane *self = DOZOR_CRISIS_LOG_PANE (source);
  Export *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_file_get_path (data->file);
  g_autofree char *message = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("The crisis log was not exported: %s"), error->message);
      g_message ("Crisis log not exported: %s", error->message);
    }
  else
    {
      message = g_strdup_printf (_("Crisis log exported to %s"), path);
      g_message ("Crisis log exported: %s", path);
    }
  if (self->window != NULL)
    dozor_window_show_message (DOZOR_WINDOW (self->window), message, 5);
}

static void
export_to (GtkWindow  *parent,
           const char *path,
           gboolean    pdf)
{
  DozorCrisisLogPane *self = g_object_get_data (G_OBJECT (parent), "dozor-crisis-log-pane");
  g_autoptr(GTask) task = NULL;
  GListModel *entries;
  Export *data;

  if (self == NULL || self->log == NULL)
    return;
  entries = dozor_crisis_log_get_entries (self->log);
  data = g_new0 (Export, 1);
  data->entries = g_list_store_new (DOZOR_TYPE_CRISIS_LOG_ENTRY);
  /* The rows are never changed once made: the copy shares them. */
  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(GObject) entry = g_list_model_get_item (entries, i);

      g_list_store_append (data->entries, entry);
    }
  data->file = g_file_new_for_path (path);
  data->pdf = pdf;
  if (pdf)
    {
      /* The reports' centre and officer, as the Reports dialog keeps them;
       * unset, the signed-in user signs. */
      g_autoptr(GSettings) settings = g_settings_new (APP_ID);
      g_autofree char *centre = g_strstrip (g_settings_get_string (settings, "centre-name"));
      g_autofree char *officer = g_strstrip (g_settings_get_string (settings, "signing-officer"));

      data->centre = *centre != '\0' ? g_steal_pointer (&centre) : g_strdup (_("Dozor duty station"));
      data->officer = *officer != '\0' ? g_steal_pointer (&officer)
                                        : g_strdup (dozor_sync_client_get_username (self->sync));
    }
  /* Not the reads' cancellable: a new read does not stop a file being written. */
  task = g_task_new (self, NULL, exported_cb, NULL);
  g_task_set_source_tag (task, export_to);
  g_task_set_task_data (task, data, (GDestroyNotify) export_free);
  g_task_run_in_thread (task, export_in_thread);
}

static void
export_chosen (GtkWindow  *parent,
               const char *path)
{
  export_to (parent, path, FALSE);
}

static void
export_pdf_chosen (GtkWindow  *parent,
                   const char *path)
{
  export_to (parent, path, TRUE);
}

/* Asks where to write the log as CSV or PDF; the file name offered has
 * the date. */
static void
ask_export (DozorCrisisLogPane *self,
            gboolean            pdf)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (dozor_situation_get_now (self->situation) / G_USEC_PER_SEC);
  g_autoptr(GDateTime) now = g_date_time_to_local (utc);
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d-%H%M");
  /* TRANSLATORS: the file name offered for the export; %s is the date */
  g_autofree char *name = pdf ? g_strdup_printf (_("crisis-log-%s.pdf"), date)
                              : g_strdup_printf (_("crisis-log-%s.csv"), date);

  if (self->log == NULL)
    return;
  gtk_file_filter_set_name (filter, pdf ? _("PDF documents") : _("CSV files"));
  gtk_file_filter_add_suffix (filter, pdf ? "pdf" : "csv");
  gtk_file_filter_add_mime_type (filter, pdf ? "application/pdf" : "text/csv");
  dozor_choose_file (GTK_WINDOW (self->window), GTK_FILE_CHOOSER_ACTION_SAVE,
                     pdf ? _("Export Crisis Log as PDF") : _("Export Crisis Log"), _("_Export"), name, filter,
                     pdf ? export_pdf_chosen : export_chosen);
  /* board-crisis-log.sh waits for this line. */
  g_debug (pdf ? "Crisis log PDF export asked" : "Crisis log export asked");
}

static void
export_pdf_cb (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  ask_export (user_data, TRUE);
}

static void
export_cb (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  ask_export (user_data, FALSE);
}

/* --- Object ----------------------------------------------------------------- */

static void
dozor_crisis_log_pane_dispose (GObject *object)
{
  DozorCrisisLogPane *self = DOZOR_CRISIS_LOG_PANE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->sync);
  g_clear_object (&self->situation);
  g_clear_object (&self->show_action);
  g_clear_object (&self->export_action);
  g_clear_object (&self->export_pdf_action);
  g_clear_object (&self->log);
  self->window = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), DOZOR_TYPE_CRISIS_LOG_PANE);

  G_OBJECT_CLASS (dozor_crisis_log_pane_parent_class)->dispose (object);
}

static void
dozor_crisis_log_pane_finalize (GObject *object)
{
  DozorCrisisLogPane *self = DOZOR_CRISIS_LOG_PANE (object);

  g_clear_pointer (&self->events, g_ptr_array_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->episodes, g_ptr_array_unref);
  g_free (self->chosen);

  G_OBJECT_CLASS (dozor_crisis_log_pane_parent_class)->finalize (object);
}

static void
dozor_crisis_log_pane_class_init (DozorCrisisLogPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_crisis_log_pane_dispose;
  object_class->finalize = dozor_crisis_log_pane_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dozor-crisis-log-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorCrisisLogPane, episode_choice);
  gtk_widget_class_bind_template_child (widget_class, DozorCrisisLogPane, episode_names);
  gtk_widget_class_bind_template_child (widget_class, DozorCrisisLogPane, status_label);
  gtk_widget_class_bind_template_child (widget_class, DozorCrisisLogPane, note_box);
  gtk_widget_class_bind_template_child (widget_class, DozorCrisisLogPane, note_entry);
  gtk_widget_class_bind_template_child (widget_class, DozorCrisisLogPane, note_button);
  gtk_widget_class_bind_template_child (widget_class, DozorCrisisLogPane, rows);
}

static void
dozor_crisis_log_pane_init (DozorCrisisLogPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  dozor_list_tab_leaves (GTK_WIDGET (self->rows));

  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  self->cancellable = g_cancellable_new ();
  add_column (self, COLUMN_TIME, C_("crisis log column", "Time"), FALSE);
  add_column (self, COLUMN_WHAT, C_("crisis log column", "What"), FALSE);
  add_column (self, COLUMN_WHO, C_("crisis log column", "Who"), FALSE);
  add_column (self, COLUMN_DETAILS, C_("crisis log column", "Details"), TRUE);
  set_status (self, NULL);
  g_signal_connect_swapped (self->note_button, "clicked", G_CALLBACK (add_note_cb), self);
  g_signal_connect_swapped (self->note_entry, "activate", G_CALLBACK (add_note_cb), self);
  g_signal_connect_swapped (self->episode_choice, "notify::selected", G_CALLBACK (episode_chosen_cb), self);
}

/**
 * dozor_crisis_log_pane_follow:
 * @self: a #DozorCrisisLogPane, a page of the window's side pane
 * @window: the window whose actions `win.crisis-log` and
 *   `win.crisis-log-export` become
 * @sync: the link to the backend, for the journal, the role and the notes
 * @situation: the live events and the readiness
 */
void
dozor_crisis_log_pane_follow (DozorCrisisLogPane   *self,
                              GtkApplicationWindow *window,
                              DozorSyncClient      *sync,
                              DozorSituation       *situation)
{
  g_return_if_fail (DOZOR_IS_CRISIS_LOG_PANE (self));
  g_return_if_fail (self->sync == NULL);

  self->window = window;
  self->sync = g_object_ref (sync);
  self->situation = g_object_ref (situation);
  g_object_set_data (G_OBJECT (window), "dozor-crisis-log-pane", self);

  self->show_action = g_simple_action_new ("crisis-log", NULL);
  g_signal_connect_object (self->show_action, "activate", G_CALLBACK (show_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (self->show_action));
  self->export_action = g_simple_action_new ("crisis-log-export", NULL);
  g_signal_connect_object (self->export_action, "activate", G_CALLBACK (export_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (self->export_action));
  self->export_pdf_action = g_simple_action_new ("crisis-log-export-pdf", NULL);
  g_simple_action_set_enabled (self->export_pdf_action, FALSE);
  g_signal_connect_object (self->export_pdf_action, "activate", G_CALLBACK (export_pdf_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (self->export_pdf_action));

  g_signal_connect_object (situation, "applying", G_CALLBACK (applying_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (situation, "changed", G_CALLBACK (situation_changed_cb), self, G_CONNECT_SWAPPED);
  /* The role and the journal come once logged in. */
  g_signal_connect_object (sync, "notify::state", G_CALLBACK (state_changed_cb), self, G_CONNECT_SWAPPED);
  state_changed_cb (self);
}

/**
 * dozor_crisis_log_pane_set_wall:
 * @self: a #DozorCrisisLogPane
 * @wall: whether this board is the room's wall, where nobody writes
 */
void
dozor_crisis_log_pane_set_wall (DozorCrisisLogPane *self,
                                gboolean            wall)
{
  g_return_if_fail (DOZOR_IS_CRISIS_LOG_PANE (self));

  self->wall = wall;
  update_controls (self);
}

/**
 * dozor_crisis_log_pane_set_replaying:
 * @self: a #DozorCrisisLogPane, before it follows
 *
 * Makes this the log of a replay's board: it shows the journal up to the
 * moment the replay shows (its situation's clock), read again at each seek.
 */
void
dozor_crisis_log_pane_set_replaying (DozorCrisisLogPane *self)
{
  g_return_if_fail (DOZOR_IS_CRISIS_LOG_PANE (self));
  g_return_if_fail (self->sync == NULL);

  self->replaying = TRUE;
}
