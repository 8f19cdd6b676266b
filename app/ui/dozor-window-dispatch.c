/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Dispatching from the board: a unit dropped on an incident (or the
 * keyboard's select-select-shortcut) becomes, after a confirmation that
 * names both, a command in the outbox. Until the backend has answered it
 * the map draws it as pending; a refusal (another supervisor was faster, the
 * incident closed meanwhile) is shown in a dialog that must be read, never
 * dropped. The board never moves a unit itself: the backend's event does.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-labels.h"
#include "dozor-unit-layer.h"
#include "dozor-window-private.h"

static const char *
incident_number (DozorWindow *self,
                 const char  *incident_id)
{
  return dozor_situation_get_incident_number (self->situation, incident_id);
}

gboolean
dozor_window_send_command (DozorWindow *self,
              const char  *method,
              const char  *path,
              JsonNode    *body,
              const char  *summary)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = dozor_sync_client_send (self->sync, method, path, body, -1, summary, &error);

  if (key == NULL)
    {
      /* Not saved, so not made: the user must know. */
      g_autofree char *message = g_strdup_printf (_("Not done: %s. %s"), summary, error->message);

      dozor_window_show_message (self, message, 0);
      return FALSE;
    }
  g_debug ("Command queued: %s", summary);
  return TRUE;
}

typedef struct
{
  char *unit_id;
  char *incident_id;
} Request;

static void
request_free (Request *request)
{
  g_free (request->unit_id);
  g_free (request->incident_id);
  g_free (request);
}

static void
send_dispatch (DozorWindow *self,
               const char  *unit_id,
               const char  *incident_id)
{
  DozorUnit *unit = dozor_situation_get_unit (self->situation, unit_id);
  JsonObject *current = dozor_situation_get_unit_dispatch (self->situation, unit_id);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *summary = NULL;

  if (unit == NULL)
    return;

  /* Reassigning: take the unit off its incident first. The outbox keeps
   * the order, so the new dispatch never overtakes the cancellation. */
  if (current != NULL)
    {
      g_autofree char *path = g_strconcat ("dispatches/",
                                           json_object_get_string_member_with_default (current, "id", ""), NULL);
      g_autofree char *cancel = g_strdup_printf (_("Take %s off %s"), unit->call_sign,
                                                 incident_number (self, json_object_get_string_member_with_default (current, "incident_id", "")));

      if (!dozor_window_send_command (self, "DELETE", path, NULL, cancel))
        return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "unit_id");
  json_builder_add_string_value (builder, unit_id);
  json_builder_set_member_name (builder, "incident_id");
  json_builder_add_string_value (builder, incident_id);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  summary = g_strdup_printf (_("Dispatch %s to %s"), unit->call_sign, incident_number (self, incident_id));
  dozor_window_send_command (self, "POST", "dispatches", body, summary);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     DozorWindow      *self)
{
  Request *request = g_object_get_data (G_OBJECT (dialog), "request");

  if (g_str_equal (response, "dispatch"))
    send_dispatch (self, request->unit_id, request->incident_id);
  else
    g_debug ("Dispatch not confirmed");
}

/**
 * dozor_window_request_dispatch:
 * @self: a #DozorWindow
 * @unit_id: the unit to send
 * @incident_id: where
 *
 * Asks (unless the settings say not to and the unit's position is fresh),
 * then sends.
 */
void
dozor_window_request_dispatch (DozorWindow *self,
                               const char  *unit_id,
                               const char  *incident_id)
{
  DozorUnit *unit = dozor_situation_get_unit (self->situation, unit_id);
  JsonObject *incident = dozor_situation_get_entity (self->situation, "incident", incident_id);
  JsonObject *current;
  AdwMessageDialog *dialog;
  Request *request;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *warning = NULL;
  g_autofree char *shortage = NULL;
  gboolean stale;

  if (!dozor_window_may_dispatch (self))
    {
      dozor_window_show_message (self, _("Only a supervisor may dispatch units"), 5);
      return;
    }
  if (unit == NULL || incident == NULL)
    {
      dozor_window_show_message (self, _("That unit or incident is no longer on the board"), 5);
      return;
    }

  current = dozor_situation_get_unit_dispatch (self->situation, unit_id);
  if (current != NULL &&
      g_strcmp0 (json_object_get_string_member_with_default (current, "incident_id", NULL), incident_id) == 0)
    {
      g_autofree char *message = g_strdup_printf (_("%s is already dispatched to %s"), unit->call_sign,
                                                  incident_number (self, incident_id));

      dozor_window_show_message (self, message, 5);
      return;
    }

  stale = !unit->has_fix || dozor_situation_get_now (self->situation) - unit->fix_time > DOZOR_UNIT_STALE_SECONDS * G_USEC_PER_SEC;
  /* A dispatch that leaves a zone uncovered is always asked, like a stale one. */
  shortage = dozor_crisis_pane_describe_shortage (self->crisis_pane, unit_id);
  if (!stale && shortage == NULL && !g_settings_get_boolean (self->settings, "confirm-dispatch"))
    {
      send_dispatch (self, unit_id, incident_id);
      return;
    }

  if (current != NULL)
    heading = g_strdup_printf (_("Reassign %s?"), unit->call_sign);
  else
    heading = g_strdup_printf (_("Dispatch %s?"), unit->call_sign);

  if (stale)
    warning = g_strdup (_("\n\nIts position is not current: it may not be where the map shows it."));

  body = dozor_dispatch_question_text (json_object_get_string_member_with_default (incident, "number", ""),
                                       json_object_get_string_member_with_default (incident, "type", NULL),
                                       json_object_get_string_member_with_default (incident, "address", NULL),
                                       json_object_get_int_member_with_default (incident, "priority", 0),
                                       warning);
  if (current != NULL)
    {
      g_autofree char *from = g_strdup_printf (_("It will be taken off %s first.\n"),
                                               incident_number (self, json_object_get_string_member_with_default (current, "incident_id", "")));
      g_autofree char *joined = g_strconcat (from, body, NULL);

      g_free (body);
      body = g_steal_pointer (&joined);
    }

  if (shortage != NULL)
    {
      g_autofree char *joined = g_strconcat (body, "\n\n", shortage, NULL);

      g_free (body);
      body = g_steal_pointer (&joined);
      g_debug ("Confirmation warns: %s", shortage);
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  /* The road distance and arrival, and a much closer unit if there is one. */
  dozor_dispatch_advice_show (self->advice, dialog, body, unit_id, incident_id);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "dispatch",
                                    current != NULL ? _("_Reassign") : _("_Dispatch"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "dispatch", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "dispatch");
  adw_message_dialog_set_close_response (dialog, "cancel");

  request = g_new0 (Request, 1);
  request->unit_id = g_strdup (unit_id);
  request->incident_id = g_strdup (incident_id);
  g_object_set_data_full (G_OBJECT (dialog), "request", request, (GDestroyNotify) request_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  g_debug ("Asking to confirm: %s", heading);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
dispatch_requested_cb (DozorMapView *map_view,
                       const char   *unit_id,
                       const char   *incident_id,
                       DozorWindow  *self)
{
  dozor_window_request_dispatch (self, unit_id, incident_id);
}

/* A unit dropped on a row of the incident queue. */
void
list_dispatch_requested_cb (DozorIncidentList *list,
                            const char        *unit_id,
                            const char        *incident_id,
                            DozorWindow       *self)
{
  dozor_window_request_dispatch (self, unit_id, incident_id);
}

/* "Dispatch" next to a suggested unit: to the selected incident. */
static void
dispatch_unit_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  DozorWindow *self = DOZOR_WINDOW (widget);
  const char *incident_id = dozor_map_view_get_selected_incident (self->map_view);

  if (self->situation == NULL || incident_id == NULL)
    return;
  dozor_window_request_dispatch (self, g_variant_get_string (parameter, NULL), incident_id);
}

static void
dispatch_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  DozorWindow *self = DOZOR_WINDOW (widget);
  const char *unit_id = dozor_map_view_get_selected_unit (self->map_view);
  const char *incident_id = dozor_map_view_get_selected_incident (self->map_view);

  if (self->situation == NULL)
    return;
  if (unit_id == NULL || incident_id == NULL)
    {
      dozor_window_show_message (self, _("Select a unit and an incident first"), 5);
      return;
    }
  dozor_window_request_dispatch (self, unit_id, incident_id);
}

static void
cancel_dispatch_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  DozorWindow *self = DOZOR_WINDOW (widget);
  const char *unit_id = dozor_map_view_get_selected_unit (self->map_view);
  DozorUnit *unit = unit_id != NULL && self->situation != NULL ? dozor_situation_get_unit (self->situation, unit_id) : NULL;
  JsonObject *current = unit != NULL ? dozor_situation_get_unit_dispatch (self->situation, unit_id) : NULL;
  g_autofree char *path = NULL;
  g_autofree char *summary = NULL;

  if (!dozor_window_may_dispatch (self))
    {
      dozor_window_show_message (self, _("Only a supervisor may dispatch units"), 5);
      return;
    }
  if (current == NULL)
    {
      dozor_window_show_message (self, _("Select a dispatched unit first"), 5);
      return;
    }

  path = g_strconcat ("dispatches/", json_object_get_string_member_with_default (current, "id", ""), NULL);
  summary = g_strdup_printf (_("Take %s off %s"), unit->call_sign,
                             incident_number (self, json_object_get_string_member_with_default (current, "incident_id", "")));
  dozor_window_send_command (self, "DELETE", path, NULL, summary);
}

/* Why the server said no, in the words of the control room: for a unit
 * taken meanwhile, who sent it where. */
static char *
refusal_text (DozorWindow *self,
              guint        status,
              JsonNode    *answer)
{
  JsonObject *object = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
  const char *code = object != NULL ? json_object_get_string_member_with_default (object, "code", "") : "";
  const char *message = object != NULL ? json_object_get_string_member_with_default (object, "message", NULL) : NULL;
  JsonNode *current = object != NULL ? json_object_get_member (object, "current") : NULL;

  if (g_str_equal (code, "unit_busy") && current != NULL && JSON_NODE_HOLDS_OBJECT (current))
    {
      JsonObject *dispatch = json_node_get_object (current);
      DozorUnit *unit = dozor_situation_get_unit (self->situation,
                                                  json_object_get_string_member_with_default (dispatch, "unit_id", ""));

      return g_strdup_printf (_("%s was already dispatched by %s to %s."),
                              unit != NULL ? unit->call_sign : _("The unit"),
                              json_object_get_string_member_with_default (dispatch, "created_by", "?"),
                              incident_number (self, json_object_get_string_member_with_default (dispatch, "incident_id", "")));
    }
  if (message != NULL)
    return g_strdup (message);
  return g_strdup_printf (_("The server answered %u."), status);
}

static void
command_answered_cb (DozorSyncClient *sync,
                     const char      *key,
                     guint            status,
                     const char      *summary,
                     JsonNode        *answer,
                     DozorWindow     *self)
{
  AdwMessageDialog *dialog;
  g_autofree char *heading = NULL;
  g_autofree char *text = NULL;

  if (status >= 200 && status < 300)
    {
      JsonObject *object = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;

      /* A registered incident: its number, for the caller on the line. */
      if (object != NULL && json_object_has_member (object, "number") && json_object_has_member (object, "location"))
        {
          g_autofree char *message = g_strdup_printf (_("Registered as %s"),
                                                      json_object_get_string_member_with_default (object, "number", ""));

          dozor_window_show_message (self, message, 10);
          dozor_map_view_select_incident (self->map_view, json_object_get_string_member_with_default (object, "id", NULL));
        }
      return;
    }

  heading = g_strdup_printf (_("Not done: %s"), summary);
  text = refusal_text (self, status, answer);
  g_debug ("Command refused (%u): %s: %s", status, summary, text);

  /* A refusal must be read: a dialog, not a passing toast. */
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, text));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Dispatches asked for and not yet answered, as the map draws them: from
 * the outbox itself, so they show after a restart too. */
static void
outbox_changed_cb (DozorSyncClient *sync,
                   DozorWindow     *self)
{
  DozorOutbox *outbox = dozor_sync_client_get_outbox (sync);
  g_autoptr(GPtrArray) entries = outbox != NULL ? dozor_outbox_list (outbox, NULL) : NULL;
  g_autoptr(GHashTable) pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      DozorOutboxEntry *entry = entries->pdata[i];
      g_autoptr(JsonNode) body = NULL;

      if (!g_str_equal (entry->method, "POST") || !g_str_equal (entry->path, "dispatches") || entry->body == NULL)
        continue;
      body = json_from_string (entry->body, NULL);
      if (body != NULL && JSON_NODE_HOLDS_OBJECT (body))
        {
          JsonObject *object = json_node_get_object (body);
          const char *unit_id = json_object_get_string_member_with_default (object, "unit_id", NULL);
          const char *incident_id = json_object_get_string_member_with_default (object, "incident_id", NULL);

          if (unit_id != NULL && incident_id != NULL)
            g_hash_table_replace (pending, g_strdup (unit_id), g_strdup (incident_id));
        }
    }

  dozor_map_view_set_pending (self->map_view, pending);

  if (entries != NULL && entries->len > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u command waiting", "%u commands waiting",
                                                            entries->len), entries->len);

      gtk_label_set_text (self->outbox_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->outbox_label), entries != NULL && entries->len > 0);
}

void
dozor_window_follow_dispatches (DozorWindow *self)
{
  g_signal_connect_object (self->map_view, "dispatch-requested", G_CALLBACK (dispatch_requested_cb), self, 0);
  g_signal_connect_object (self->sync, "command-answered", G_CALLBACK (command_answered_cb), self, 0);
  g_signal_connect_object (self->sync, "outbox-changed", G_CALLBACK (outbox_changed_cb), self, 0);
  outbox_changed_cb (self->sync, self);
}

void
dozor_window_class_add_dispatch_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.dispatch", NULL, dispatch_action);
  gtk_widget_class_install_action (widget_class, "win.dispatch-unit", "s", dispatch_unit_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-dispatch", NULL, cancel_dispatch_action);
}
