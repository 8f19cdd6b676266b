/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Replay of the whole board (issue 18, item 5): win.replay asks for a
 * window of time, reads GET /replay page by page into a tape (workers
 * parse and apply; see dozor-replay-tape.c) and then shows it in a board
 * of its own: a DozorWindow that follows a DozorSituation fed only by the
 * replay, read-only as a wall is, with the replay bar over its map. The
 * live board is hidden meanwhile and its situation untouched: the sync
 * client goes on feeding it in the background. While a replay is on
 * screen the sync client makes no command at all, whatever a pane offers.
 * "Back to live" (or closing the replay) brings the live board back.
 *
 * Only supervisors and admins at a desk may replay (docs/decisions.md).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-application.h"
#include "dozor-json.h"
#include "dozor-replay-bar.h"
#include "dozor-replay-controller.h"
#include "dozor-replay-dialog.h"
#include "dozor-replay-tape.h"
#include "dozor-window.h"

/* The playhead moves four times a second. */
#define TICK_MS 250
/* The sync client takes answers of at most 2 MiB: 2,000 fixes are about
 * 660 KB, which leaves the first page room for the state (825 KB for the
 * demo city's 200 cars, its zones, routes and plans). */
#define PAGE_LIMIT 2000

struct _DozorReplayController
{
  GObject parent_instance;

  GtkApplicationWindow *window;  /* not owned: it owns this */
  DozorSyncClient *sync;
  GSimpleAction *action;
  gboolean wall;

  /* The replay being loaded or shown. */
  GCancellable *cancellable;
  DozorReplayTape *tape;
  gint64 from;
  gint64 to;
  DozorWindow *replay_window;    /* owned while shown */
  DozorSituation *situation;     /* the replay's, never the live one */
  DozorReplayBar *bar;
  gint64 clock;                  /* the moment on screen, Unix µs */
  gboolean busy;                 /* a seek or an advance is running */
  gint64 pending_seek;           /* 0: none */
  guint tick_id;
};

G_DEFINE_FINAL_TYPE (DozorReplayController, dozor_replay_controller, G_TYPE_OBJECT)

static void seek (DozorReplayController *self, gint64 time);

static void
apply_role (DozorReplayController *self)
{
  const char *role = dozor_sync_client_get_role (self->sync);

  g_simple_action_set_enabled (self->action, !self->wall && (g_strcmp0 (role, "supervisor") == 0 ||
                                                             g_strcmp0 (role, "admin") == 0));
}

static void
say (DozorReplayController *self,
     const char            *message)
{
  dozor_window_show_message (DOZOR_WINDOW (self->window), message, 0);
  g_debug ("Replay: %s", message);
}

/* Ends the replay, whatever stage it is at, and shows the live board. */
static void
stop (DozorReplayController *self)
{
  DozorWindow *replay_window = g_steal_pointer (&self->replay_window);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->tape);
  g_clear_object (&self->situation);
  self->bar = NULL;
  self->busy = FALSE;
  self->pending_seek = 0;
  dozor_sync_client_set_read_only (self->sync, FALSE);

  if (replay_window != NULL)
    {
      g_signal_handlers_disconnect_by_data (replay_window, self);
      gtk_widget_set_visible (GTK_WIDGET (self->window), TRUE);
      gtk_window_present (GTK_WINDOW (self->window));
      gtk_window_destroy (GTK_WINDOW (replay_window));
      g_object_unref (replay_window);
      g_debug ("Replay ended: back to live");
    }
}

static void
log_shown (DozorReplayController *self)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (self->clock / G_USEC_PER_SEC);
  g_autofree char *time = g_date_time_format_iso8601 (utc);

  /* What the UI test reads back; nothing a user sees. */
  g_debug ("Replay shown at %s: %u units, %u incidents, %u dispatches, %u plans, readiness %s", time,
           dozor_situation_get_units (self->situation)->len,
           dozor_situation_get_n_entities (self->situation, "incident"),
           dozor_situation_get_n_entities (self->situation, "dispatch"),
           dozor_situation_get_n_entities (self->situation, "plan"),
           dozor_situation_get_readiness (self->situation));
}

/* A seek asked while the tape was busy runs now; the latest wins. */
static gboolean
run_pending (DozorReplayController *self)
{
  gint64 time = self->pending_seek;

  if (time == 0)
    return FALSE;
  self->pending_seek = 0;
  seek (self, time);
  return TRUE;
}

static void
seek_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(DozorReplayController) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) snapshot = dozor_replay_tape_finish (DOZOR_REPLAY_TAPE (source), result, &error);
  gint64 *time = g_task_get_task_data (G_TASK (result));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->situation == NULL)
    return;
  self->busy = FALSE;
  /* Ages on the replay's board are reckoned from the moment it shows. */
  dozor_situation_set_clock (self->situation, *time);
  if (snapshot == NULL || !dozor_situation_load_snapshot (self->situation, snapshot, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The replay cannot be shown: %s"), error->message);

      say (self, message);
      return;
    }
  self->clock = *time;
  log_shown (self);
  /* The timeline stays where the user has moved it since. */
  if (!run_pending (self))
    dozor_replay_bar_set_time (self->bar, self->clock);
}

static void
seek (DozorReplayController *self,
      gint64                 time)
{
  time = CLAMP (time, self->from, self->to);
  if (self->busy)
    {
      self->pending_seek = time;
      return;
    }
  self->busy = TRUE;
  dozor_replay_tape_seek_async (self->tape, time, self->cancellable, seek_done_cb, g_object_ref (self));
}

static void
advance_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(DozorReplayController) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) events = dozor_replay_tape_finish (DOZOR_REPLAY_TAPE (source), result, &error);
  gint64 *time = g_task_get_task_data (G_TASK (result));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->situation == NULL)
    return;
  self->busy = FALSE;
  /* A seek meanwhile makes these events stale: the seek shows its moment. */
  if (run_pending (self))
    return;
  if (events == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The replay cannot be shown: %s"), error->message);

      say (self, message);
      dozor_replay_bar_set_playing (self->bar, FALSE);
      return;
    }

  dozor_situation_set_clock (self->situation, *time);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (events)); i++)
    dozor_situation_apply_replayed (self->situation, json_array_get_element (json_node_get_array (events), i));
  self->clock = *time;
  dozor_replay_bar_set_time (self->bar, self->clock);
  if (self->clock >= self->to)
    {
      dozor_replay_bar_set_playing (self->bar, FALSE);
      log_shown (self);
    }
}

static gboolean
tick_cb (gpointer user_data)
{
  DozorReplayController *self = user_data;
  gint64 next;

  if (self->busy || !dozor_replay_bar_get_playing (self->bar))
    return G_SOURCE_CONTINUE;
  if (self->clock >= self->to)
    {
      dozor_replay_bar_set_playing (self->bar, FALSE);
      return G_SOURCE_CONTINUE;
    }

  next = MIN (self->clock + (gint64) TICK_MS * 1000 * dozor_replay_bar_get_speed (self->bar), self->to);
  self->busy = TRUE;
  dozor_replay_tape_advance_async (self->tape, next, self->cancellable, advance_done_cb, g_object_ref (self));
  return G_SOURCE_CONTINUE;
}

static void
bar_seek_cb (DozorReplayController *self,
             gint64                 time)
{
  seek (self, time);
}

static gboolean
replay_close_request_cb (DozorReplayController *self)
{
  stop (self);
  return TRUE;
}

static void
back_to_live_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  stop (user_data);
}

/* The tape is whole: the replay gets a board of its own. */
static void
show (DozorReplayController *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self->window));
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) back = g_simple_action_new ("back-to-live", NULL);
  GtkWidget *bar = dozor_replay_bar_new (self->from, self->to);
  int width, height;

  self->situation = dozor_situation_new ();
  /* Its board counts from the start until the first seek has shown it. */
  dozor_situation_set_clock (self->situation, self->from);
  self->replay_window = g_object_ref_sink (dozor_window_new (DOZOR_APPLICATION (app)));
  /* Read-only as a wall is: nobody acts on a replay. */
  dozor_window_set_wall (self->replay_window, TRUE);
  dozor_window_set_replaying (self->replay_window);
  dozor_window_follow (self->replay_window, self->sync, self->situation);
  gtk_window_set_title (GTK_WINDOW (self->replay_window), _("Replay — Dozor"));
  /* A desk's replay shows its queue, which a wall hides. */
  gtk_widget_activate_action (GTK_WIDGET (self->replay_window), "win.toggle-sidebar", NULL);

  self->bar = DOZOR_REPLAY_BAR (bar);
  g_signal_connect_object (bar, "seek", G_CALLBACK (bar_seek_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (back, "activate", G_CALLBACK (back_to_live_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (back));
  gtk_widget_insert_action_group (GTK_WIDGET (self->replay_window), "replay", G_ACTION_GROUP (group));
  dozor_window_add_overlay (self->replay_window, bar);
  g_signal_connect_swapped (self->replay_window, "close-request", G_CALLBACK (replay_close_request_cb), self);

  gtk_window_get_default_size (GTK_WINDOW (self->window), &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (self->replay_window), width, height);
  if (gtk_window_is_maximized (GTK_WINDOW (self->window)))
    gtk_window_maximize (GTK_WINDOW (self->replay_window));
  dozor_sync_client_set_read_only (self->sync, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->window), FALSE);
  gtk_window_present (GTK_WINDOW (self->replay_window));
  dozor_replay_bar_focus_timeline (self->bar);

  self->tick_id = g_timeout_add (TICK_MS, tick_cb, self);
  seek (self, self->from);
}

static void fetch (DozorReplayController *self, const char *after);

typedef struct
{
  DozorReplayController *self;
  char *next;
} Fetched;

static void
page_stored_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Fetched *fetched = user_data;
  g_autoptr(DozorReplayController) self = fetched->self;
  g_autofree char *next = fetched->next;
  g_autoptr(GError) error = NULL;

  g_free (fetched);
  if (!dozor_replay_tape_add_page_finish (DOZOR_REPLAY_TAPE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("The replay cannot be shown: %s"), error->message);

          say (self, message);
          stop (self);
        }
      return;
    }
  if (next != NULL)
    fetch (self, next);
  else
    show (self);
}

static void
page_fetched_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(DozorReplayController) self = user_data;
  g_autoptr(GError) error = NULL;
  JsonNode *page = dozor_sync_client_post_finish (DOZOR_SYNC_CLIENT (source), result, &error);
  Fetched *fetched;

  if (page == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("The replay cannot be shown: %s"), error->message);

          say (self, message);
          stop (self);
        }
      return;
    }

  /* The cursor is read before the page goes to the tape's worker, which
   * owns it from then on. */
  fetched = g_new0 (Fetched, 1);
  fetched->self = g_object_ref (self);
  if (JSON_NODE_HOLDS_OBJECT (page))
    fetched->next = g_strdup (dozor_json_get_string (json_node_get_object (page), "next"));
  dozor_replay_tape_add_page_async (self->tape, page, self->cancellable, page_stored_cb, fetched);
}

static char *
format_utc (gint64 time)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

static void
fetch (DozorReplayController *self,
       const char            *after)
{
  g_autofree char *from = format_utc (self->from), *to = format_utc (self->to);
  g_autofree char *escaped = after != NULL ? g_uri_escape_string (after, NULL, FALSE) : NULL;
  g_autofree char *path = g_strdup_printf ("replay?from=%s&to=%s&limit=%d%s%s", from, to, PAGE_LIMIT,
                                           escaped != NULL ? "&after=" : "", escaped != NULL ? escaped : "");

  dozor_sync_client_get_async (self->sync, path, self->cancellable, page_fetched_cb, g_object_ref (self));
}

static void
chosen_cb (DozorReplayController *self,
           gint64                 from,
           gint64                 to)
{
  stop (self);
  self->from = from;
  self->to = to;
  self->cancellable = g_cancellable_new ();
  self->tape = dozor_replay_tape_new ();
  g_debug ("Replay loading");
  fetch (self, NULL);
}

static void
replay_cb (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  DozorReplayController *self = user_data;
  DozorReplayDialog *dialog = dozor_replay_dialog_new (GTK_WINDOW (self->window), g_get_real_time ());

  g_signal_connect_object (dialog, "chosen", G_CALLBACK (chosen_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  g_debug ("Replay dialog open");
}

static void
dozor_replay_controller_dispose (GObject *object)
{
  DozorReplayController *self = (DozorReplayController *)object;

  if (self->sync != NULL)
    stop (self);
  g_clear_object (&self->action);
  g_clear_object (&self->sync);

  G_OBJECT_CLASS (dozor_replay_controller_parent_class)->dispose (object);
}

static void
dozor_replay_controller_class_init (DozorReplayControllerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_replay_controller_dispose;
}

static void
dozor_replay_controller_init (DozorReplayController *self)
{
}

/**
 * dozor_replay_controller_new:
 * @window: the board, which owns the controller
 * @sync: its link to the backend
 *
 * Installs win.replay (Ctrl+Shift+P) on @window.
 *
 * Returns: (transfer full): the controller
 */
DozorReplayController *
dozor_replay_controller_new (GtkApplicationWindow *window,
                             DozorSyncClient      *sync)
{
  DozorReplayController *self = g_object_new (DOZOR_TYPE_REPLAY_CONTROLLER, NULL);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (window));
  static const char *const accels[] = { "<Control><Shift>p", NULL };

  self->window = window;
  self->sync = g_object_ref (sync);
  self->action = g_simple_action_new ("replay", NULL);
  g_signal_connect_object (self->action, "activate", G_CALLBACK (replay_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (self->action));
  if (app != NULL)
    gtk_application_set_accels_for_action (app, "win.replay", accels);

  /* The role is known once logged in. */
  g_signal_connect_object (sync, "notify::state", G_CALLBACK (apply_role), self, G_CONNECT_SWAPPED);
  apply_role (self);
  return self;
}

/**
 * dozor_replay_controller_set_wall:
 * @self: a #DozorReplayController
 * @wall: whether the board is a wall (or a replay itself): no replay there
 */
void
dozor_replay_controller_set_wall (DozorReplayController *self,
                                  gboolean               wall)
{
  self->wall = wall;
  apply_role (self);
}
