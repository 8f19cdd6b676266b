/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * "What was done" of a registered message, written later (issue 18,
 * item 3): a message is registered when it comes in, and what was done
 * about it is known hours after. The form shows the message and its text
 * so far; Save sends PATCH /messages/{id} with the version the form was
 * opened on, through the outbox like every other command of the board, so
 * that a lost answer never applies it twice. Someone else's change in
 * between is refused (412) and said so; every register then shows the
 * new text from the message.updated event.
 *
 * One object per edit: it lives from the form until dozord's answer.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-json.h"
#include "dozor-message-action.h"
#include "dozor-message-action-form.h"

struct _DozorMessageAction
{
  GObject parent_instance;

  GtkWindow *parent;  /* weak */
  DozorSyncClient *sync;
  char *id;
  gint64 version;
  char *key;          /* the command's, once sent */
  gulong answered_id;
};

G_DEFINE_FINAL_TYPE (DozorMessageAction, dozor_message_action, G_TYPE_OBJECT)

static void
tell (DozorMessageAction *self,
      const char         *message)
{
  AdwMessageDialog *dialog;

  g_debug ("What was done: %s", message);
  if (self->parent == NULL)
    return;
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (self->parent, _("Not Done"), message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
answered_cb (DozorSyncClient    *sync,
             const char         *key,
             guint               status,
             const char         *summary,
             JsonNode           *answer,
             DozorMessageAction *self)
{
  if (g_strcmp0 (key, self->key) != 0)
    return;
  g_clear_signal_handler (&self->answered_id, sync);
  if (status >= 200 && status < 300)
    g_debug ("What was done: saved for message %s", self->id);
  else
    {
      JsonObject *object = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
      const char *why = object != NULL ? dozor_json_get_string (object, "message") : NULL;
      g_autofree char *message = status == 412
        ? g_strdup (_("Someone changed this message meanwhile: open it again to see what it says now"))
        : g_strdup_printf (_("The server refused it: %s"), why != NULL ? why : summary);

      tell (self, message);
    }
  g_object_unref (self);
}

static void
response_cb (DozorMessageActionForm *form,
             const char             *response,
             DozorMessageAction     *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (!g_str_equal (response, "save"))
    {
      g_object_unref (self);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "action");
  json_builder_add_string_value (builder, dozor_message_action_form_get_text (form));
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  path = g_strdup_printf ("messages/%s", self->id);
  self->answered_id = g_signal_connect (self->sync, "command-answered", G_CALLBACK (answered_cb), self);
  self->key = dozor_sync_client_send (self->sync, "PATCH", path, body, self->version,
                                      _("What was done about a message"), &error);
  if (self->key == NULL)
    {
      g_clear_signal_handler (&self->answered_id, self->sync);
      tell (self, error->message);
      g_object_unref (self);
      return;
    }
  g_debug ("What was done: sent for message %s", self->id);
}

static void
dozor_message_action_dispose (GObject *object)
{
  DozorMessageAction *self = DOZOR_MESSAGE_ACTION (object);

  g_clear_signal_handler (&self->answered_id, self->sync);
  g_clear_weak_pointer (&self->parent);
  g_clear_object (&self->sync);

  G_OBJECT_CLASS (dozor_message_action_parent_class)->dispose (object);
}

static void
dozor_message_action_finalize (GObject *object)
{
  DozorMessageAction *self = DOZOR_MESSAGE_ACTION (object);

  g_free (self->id);
  g_free (self->key);

  G_OBJECT_CLASS (dozor_message_action_parent_class)->finalize (object);
}

static void
dozor_message_action_class_init (DozorMessageActionClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_message_action_dispose;
  G_OBJECT_CLASS (klass)->finalize = dozor_message_action_finalize;
}

static void
dozor_message_action_init (DozorMessageAction *self)
{
}

/**
 * dozor_message_action_edit:
 * @parent: the registers' window
 * @sync: the link to dozord
 * @message: the message as the register showed it (id, number, version, action)
 *
 * Opens the form for what was done about @message; Save sends it.
 */
void
dozor_message_action_edit (GtkWindow       *parent,
                           DozorSyncClient *sync,
                           JsonObject      *message)
{
  DozorMessageAction *self = g_object_new (DOZOR_TYPE_MESSAGE_ACTION, NULL);
  g_autofree char *heading = g_strdup_printf (_("What Was Done: № %d/%d"),
                                              (int) dozor_json_get_int (message, "number", 0),
                                              (int) dozor_json_get_int (message, "year", 0));
  DozorMessageActionForm *form = dozor_message_action_form_new (parent, heading,
                                                                dozor_json_get_string (message, "summary"),
                                                                dozor_json_get_string (message, "action"));

  g_set_weak_pointer (&self->parent, parent);
  self->sync = g_object_ref (sync);
  self->id = g_strdup (dozor_json_get_string (message, "id"));
  self->version = dozor_json_get_int (message, "version", -1);
  /* The form holds this object until it is answered or dropped. */
  g_signal_connect (form, "response", G_CALLBACK (response_cb), self);
  gtk_window_present (GTK_WINDOW (form));
  g_debug ("What was done: form open for message %s", self->id);
}
