/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * win.reports: the menu's "Reports…" opens the Reports dialog. Only a
 * supervisor or an admin may have the figures over a period (dozord
 * refuses the others: docs/api.md, "Reports"), so only they see the action
 * enabled; the wall never.
 */
#include "config.h"

#include "dozor-reports-controller.h"
#include "dozor-reports-dialog.h"

struct _DozorReportsController
{
  GObject parent_instance;

  GtkApplicationWindow *window;  /* not owned: it owns this */
  DozorSyncClient *sync;
  GSimpleAction *action;
};

G_DEFINE_FINAL_TYPE (DozorReportsController, dozor_reports_controller, G_TYPE_OBJECT)

static void
apply_role (DozorReportsController *self)
{
  const char *role = dozor_sync_client_get_role (self->sync);

  g_simple_action_set_enabled (self->action, g_strcmp0 (role, "supervisor") == 0 || g_strcmp0 (role, "admin") == 0);
}

static void
reports_cb (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  DozorReportsController *self = user_data;
  DozorReportsDialog *dialog = dozor_reports_dialog_new (GTK_WINDOW (self->window), self->sync);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
dozor_reports_controller_dispose (GObject *object)
{
  DozorReportsController *self = (DozorReportsController *)object;

  g_clear_object (&self->sync);
  g_clear_object (&self->action);

  G_OBJECT_CLASS (dozor_reports_controller_parent_class)->dispose (object);
}

static void
dozor_reports_controller_class_init (DozorReportsControllerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_reports_controller_dispose;
}

static void
dozor_reports_controller_init (DozorReportsController *self)
{
}

/**
 * dozor_reports_controller_new:
 * @window: the board's window, which gets the action `win.reports`
 * @sync: the board's link to dozord
 *
 * Returns: (transfer full): the controller; the window keeps it
 */
DozorReportsController *
dozor_reports_controller_new (GtkApplicationWindow *window,
                              DozorSyncClient      *sync)
{
  DozorReportsController *self = g_object_new (DOZOR_TYPE_REPORTS_CONTROLLER, NULL);

  self->window = window;
  self->sync = g_object_ref (sync);
  self->action = g_simple_action_new ("reports", NULL);
  g_signal_connect_object (self->action, "activate", G_CALLBACK (reports_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (self->action));
  /* The role is known once logged in. */
  g_signal_connect_object (sync, "notify::state", G_CALLBACK (apply_role), self, G_CONNECT_SWAPPED);
  apply_role (self);
  return self;
}
