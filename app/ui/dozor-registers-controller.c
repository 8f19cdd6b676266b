/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * win.registers (Ctrl+Shift+M) opens the registers of messages and
 * orientations, one window per board, for the desk's roles (operator,
 * supervisor, admin); a wall has none.
 */
#include "config.h"

#include "dozor-registers-controller.h"
#include "dozor-registers-window.h"

struct _DozorRegistersController
{
  GObject parent_instance;

  GtkApplicationWindow *window;  /* not owned: it owns this */
  DozorSyncClient *sync;
  DozorSituation *situation;
  GSimpleAction *action;
  GtkWindow *registers;          /* weak: the open window, if any */
  gboolean wall;
};

G_DEFINE_FINAL_TYPE (DozorRegistersController, dozor_registers_controller, G_TYPE_OBJECT)

static void
apply_role (DozorRegistersController *self)
{
  const char *role = dozor_sync_client_get_role (self->sync);

  g_simple_action_set_enabled (self->action, !self->wall && (g_strcmp0 (role, "operator") == 0 ||
                                                             g_strcmp0 (role, "supervisor") == 0 ||
                                                             g_strcmp0 (role, "admin") == 0));
}

static void
registers_cb (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  DozorRegistersController *self = user_data;

  if (self->registers == NULL)
    {
      GtkWindow *window = GTK_WINDOW (dozor_registers_window_new (self->sync, self->situation));

      gtk_window_set_transient_for (window, GTK_WINDOW (self->window));
      g_set_weak_pointer (&self->registers, window);
    }
  gtk_window_present (self->registers);
  g_debug ("Registers open");
}

static void
dozor_registers_controller_dispose (GObject *object)
{
  DozorRegistersController *self = DOZOR_REGISTERS_CONTROLLER (object);

  g_clear_weak_pointer (&self->registers);
  g_clear_object (&self->sync);
  g_clear_object (&self->situation);
  g_clear_object (&self->action);

  G_OBJECT_CLASS (dozor_registers_controller_parent_class)->dispose (object);
}

static void
dozor_registers_controller_class_init (DozorRegistersControllerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_registers_controller_dispose;
}

static void
dozor_registers_controller_init (DozorRegistersController *self)
{
}

/**
 * dozor_registers_controller_new:
 * @window: the board's window, which gets `win.registers` and owns the
 *   controller
 * @sync: the link to the backend
 * @situation: the situation, whose events say when a register changed
 * @wall: whether the board is a wall (which has no registers)
 *
 * Returns: (transfer full): a new controller
 */
DozorRegistersController *
dozor_registers_controller_new (GtkApplicationWindow *window,
                                DozorSyncClient      *sync,
                                DozorSituation       *situation,
                                gboolean              wall)
{
  DozorRegistersController *self = g_object_new (DOZOR_TYPE_REGISTERS_CONTROLLER, NULL);

  self->window = window;
  self->sync = g_object_ref (sync);
  self->situation = g_object_ref (situation);
  self->wall = wall;
  self->action = g_simple_action_new ("registers", NULL);
  g_signal_connect_object (self->action, "activate", G_CALLBACK (registers_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (self->action));
  g_signal_connect_object (sync, "notify::state", G_CALLBACK (apply_role), self, G_CONNECT_SWAPPED);
  apply_role (self);
  return self;
}
