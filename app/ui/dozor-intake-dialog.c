/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Registering a citizen's report. The window stays beside the map, not in
 * front of it: a click on the map puts the scene into the form, where it
 * can also be typed. "Register" checks every field at once
 * (dozor_incident_form_check) and marks each wrong one with what is wrong;
 * only a good form becomes a command, through the window, which answers
 * whether it was saved.
 *
 * A report is what a caller said once: no single key may lose it. The
 * address has the focus when the dialog opens (typing goes there, not onto
 * a button), and Escape, Cancel or the window's close on a form holding
 * anything ask first, with "keep editing" as the answer Return and Space give.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-address-search.h"
#include "dozor-incident-form.h"
#include "dozor-intake-dialog.h"
#include "dozor-labels.h"

struct _DozorIntakeDialog
{
  AdwWindow parent_instance;

  AdwEntryRow *location_row;
  AdwEntryRow *address_row;
  DozorAddressSearch *address_search;
  /* The address the street search last put in, replaced by the next one
   * unless the operator has typed over it. */
  char *found_address;
  AdwComboRow *type_row;
  AdwComboRow *priority_row;
  AdwEntryRow *caller_name_row;
  AdwEntryRow *caller_phone_row;
  GtkTextView *description_view;
  GtkLabel *problems_label;

  /* Set once the report is saved or its loss confirmed: closing then asks no more. */
  gboolean may_close;
  GtkBox *extra_box;
};

G_DEFINE_FINAL_TYPE (DozorIntakeDialog, dozor_intake_dialog, ADW_TYPE_WINDOW)

enum
{
  SUBMIT,
  LOCATION_CHANGED,
  CALLER_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Row of priority 3, "normal". */
#define DEFAULT_PRIORITY_ROW 2

static GtkWidget *
field_widget (DozorIntakeDialog      *self,
              DozorIncidentFormError  field)
{
  switch (field)
    {
    case DOZOR_INCIDENT_FORM_ERROR_LOCATION:
      return GTK_WIDGET (self->location_row);
    case DOZOR_INCIDENT_FORM_ERROR_TYPE:
      return GTK_WIDGET (self->type_row);
    case DOZOR_INCIDENT_FORM_ERROR_PRIORITY:
      return GTK_WIDGET (self->priority_row);
    case DOZOR_INCIDENT_FORM_ERROR_ADDRESS:
      return GTK_WIDGET (self->address_row);
    case DOZOR_INCIDENT_FORM_ERROR_CALLER_NAME:
      return GTK_WIDGET (self->caller_name_row);
    case DOZOR_INCIDENT_FORM_ERROR_CALLER_PHONE:
      return GTK_WIDGET (self->caller_phone_row);
    case DOZOR_INCIDENT_FORM_ERROR_DESCRIPTION:
    default:
      return GTK_WIDGET (self->description_view);
    }
}

static void
register_cb (DozorIntakeDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->description_view);
  GtkTextIter start, end;
  g_autofree char *description = NULL;
  guint type = adw_combo_row_get_selected (self->type_row);
  DozorIncidentForm form = { 0, };
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *address = NULL;
  gboolean saved = FALSE;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  description = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  /* Row 0 of the type list is "choose"; types follow in wire order. */
  form.type = type > 0 && type <= g_strv_length ((char **) dozor_incident_types ())
                ? dozor_incident_types ()[type - 1] : NULL;
  form.priority = adw_combo_row_get_selected (self->priority_row) + 1;
  form.location = gtk_editable_get_text (GTK_EDITABLE (self->location_row));
  form.address = gtk_editable_get_text (GTK_EDITABLE (self->address_row));
  form.caller_name = gtk_editable_get_text (GTK_EDITABLE (self->caller_name_row));
  form.caller_phone = gtk_editable_get_text (GTK_EDITABLE (self->caller_phone_row));
  form.description = description;

  for (int field = DOZOR_INCIDENT_FORM_ERROR_LOCATION; field <= DOZOR_INCIDENT_FORM_ERROR_DESCRIPTION; field++)
    gtk_widget_remove_css_class (field_widget (self, field), "error");

  problems = dozor_incident_form_check (&form);
  for (guint i = 0; i < problems->len; i++)
    {
      GError *problem = problems->pdata[i];

      gtk_widget_add_css_class (field_widget (self, problem->code), "error");
      g_string_append_printf (text, "%s%s", i > 0 ? "\n" : "", problem->message);
    }
  gtk_label_set_text (self->problems_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->problems_label), problems->len > 0);
  if (problems->len > 0)
    {
      g_debug ("Intake refused: %s", text->str);
      return;
    }

  body = dozor_incident_form_to_json (&form, NULL);
  address = g_strstrip (g_strdup (form.address));
  summary = g_strdup_printf (_("Register %s at %s"), dozor_incident_type_label (form.type),
                             *address != '\0' ? address : form.location);

  g_signal_emit (self, signals[SUBMIT], 0, body, summary, &saved);
  if (saved)
    {
      self->may_close = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
}

static gboolean
entry_filled (AdwEntryRow *row)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  return *text != '\0';
}

/* The fields holding something the operator gave, in words for the log
 * ("address, type"); empty when the form is as it opened. */
static char *
filled_fields (DozorIntakeDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->description_view);
  GtkTextIter start, end;
  g_autofree char *description = NULL;
  g_autoptr(GStrvBuilder) fields = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  description = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));

  if (entry_filled (self->location_row))
    g_strv_builder_add (fields, "location");
  if (entry_filled (self->address_row))
    g_strv_builder_add (fields, "address");
  if (adw_combo_row_get_selected (self->type_row) != 0)
    g_strv_builder_add (fields, "type");
  if (adw_combo_row_get_selected (self->priority_row) != DEFAULT_PRIORITY_ROW)
    g_strv_builder_add (fields, "priority");
  if (entry_filled (self->caller_name_row))
    g_strv_builder_add (fields, "caller name");
  if (entry_filled (self->caller_phone_row))
    g_strv_builder_add (fields, "caller phone");
  if (*description != '\0')
    g_strv_builder_add (fields, "description");

  names = g_strv_builder_end (fields);
  return g_strjoinv (", ", names);
}

static gboolean
close_later_cb (gpointer data)
{
  gtk_window_close (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

static void
discard_response_cb (DozorIntakeDialog *self,
                     const char        *response)
{
  if (g_strcmp0 (response, "discard") != 0)
    {
      g_debug ("Intake kept");
      return;
    }

  g_debug ("Intake discarded");
  self->may_close = TRUE;
  /* Not from inside the question's own signal: closing this window takes
   * its transient question with it, which still runs after "response". */
  g_idle_add_full (G_PRIORITY_DEFAULT, close_later_cb, g_object_ref (self), g_object_unref);
}

static void
ask_discard (DozorIntakeDialog *self)
{
  AdwMessageDialog *question;

  question = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Discard this report?"),
                                                         _("What was entered in the form will be lost.")));
  adw_message_dialog_add_responses (question,
                                    "keep", _("_Keep Editing"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (question, "discard", ADW_RESPONSE_DESTRUCTIVE);
  /* Return, Escape and a stray Space all keep the report. */
  adw_message_dialog_set_default_response (question, "keep");
  adw_message_dialog_set_close_response (question, "keep");
  g_signal_connect_object (question, "response", G_CALLBACK (discard_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (question));
}

static gboolean
dozor_intake_dialog_close_request (GtkWindow *window)
{
  DozorIntakeDialog *self = DOZOR_INTAKE_DIALOG (window);
  g_autofree char *filled = NULL;

  if (!self->may_close)
    {
      filled = filled_fields (self);
      if (*filled != '\0')
        {
          g_debug ("Intake discard asked: %s filled", filled);
          ask_discard (self);
          return TRUE;
        }
    }

  return GTK_WINDOW_CLASS (dozor_intake_dialog_parent_class)->close_request (window);
}

static void
location_changed_cb (DozorIntakeDialog *self)
{
  g_signal_emit (self, signals[LOCATION_CHANGED], 0);
}

static void show_location (DozorIntakeDialog *self, double lat, double lon);

/* A street or crossing found by name: its point is the scene. */
static void
address_chosen_cb (DozorIntakeDialog *self,
                   double             lat,
                   double             lon,
                   const char        *address)
{
  show_location (self, lat, lon);
  g_free (self->found_address);
  self->found_address = g_strdup (address);
  gtk_editable_set_text (GTK_EDITABLE (self->address_row), address);
}

/* The street at a point clicked on the map: it fills an empty address or
 * replaces one found before, never what the operator typed. */
static void
address_described_cb (DozorIntakeDialog *self,
                      const char        *address)
{
  const char *now = gtk_editable_get_text (GTK_EDITABLE (self->address_row));

  if (*now != '\0' && g_strcmp0 (now, self->found_address) != 0)
    {
      g_debug ("Intake address kept: %s", now);
      return;
    }
  g_debug ("Intake address filled: %s", address);
  g_free (self->found_address);
  self->found_address = g_strdup (address);
  gtk_editable_set_text (GTK_EDITABLE (self->address_row), address);
}

static void
caller_changed_cb (DozorIntakeDialog *self)
{
  g_signal_emit (self, signals[CALLER_CHANGED], 0);
}

static void
dozor_intake_dialog_dispose (GObject *object)
{
  g_clear_pointer (&DOZOR_INTAKE_DIALOG (object)->found_address, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), DOZOR_TYPE_INTAKE_DIALOG);

  G_OBJECT_CLASS (dozor_intake_dialog_parent_class)->dispose (object);
}

static void
dozor_intake_dialog_class_init (DozorIntakeDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = dozor_intake_dialog_dispose;
  window_class->close_request = dozor_intake_dialog_close_request;

  /**
   * DozorIntakeDialog::submit:
   * @body: the checked `POST /incidents` body
   * @summary: what is registered, in words
   *
   * Returns: %TRUE if the command was saved; the dialog then closes
   */
  signals[SUBMIT] = g_signal_new ("submit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  g_signal_accumulator_true_handled, NULL, NULL,
                                  G_TYPE_BOOLEAN, 2, JSON_TYPE_NODE, G_TYPE_STRING);

  /**
   * DozorIntakeDialog::location-changed:
   *
   * The scene was typed or picked anew.
   */
  signals[LOCATION_CHANGED] = g_signal_new ("location-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                            NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * DozorIntakeDialog::caller-changed:
   *
   * The caller's phone was typed anew.
   */
  signals[CALLER_CHANGED] = g_signal_new ("caller-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (DOZOR_TYPE_ADDRESS_SEARCH);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dozor-intake-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorIntakeDialog, location_row);
  gtk_widget_class_bind_template_child (widget_class, DozorIntakeDialog, address_row);
  gtk_widget_class_bind_template_child (widget_class, DozorIntakeDialog, address_search);
  gtk_widget_class_bind_template_callback (widget_class, address_chosen_cb);
  gtk_widget_class_bind_template_callback (widget_class, address_described_cb);
  gtk_widget_class_bind_template_child (widget_class, DozorIntakeDialog, type_row);
  gtk_widget_class_bind_template_child (widget_class, DozorIntakeDialog, priority_row);
  gtk_widget_class_bind_template_child (widget_class, DozorIntakeDialog, caller_name_row);
  gtk_widget_class_bind_template_child (widget_class, DozorIntakeDialog, caller_phone_row);
  gtk_widget_class_bind_template_child (widget_class, DozorIntakeDialog, description_view);
  gtk_widget_class_bind_template_child (widget_class, DozorIntakeDialog, problems_label);
  gtk_widget_class_bind_template_child (widget_class, DozorIntakeDialog, extra_box);
  gtk_widget_class_bind_template_callback (widget_class, register_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dozor_intake_dialog_init (DozorIntakeDialog *self)
{
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) priorities = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_string_list_append (types, _("Choose…"));
  for (const char *const *type = dozor_incident_types (); *type != NULL; type++)
    gtk_string_list_append (types, dozor_incident_type_label (*type));
  adw_combo_row_set_model (self->type_row, G_LIST_MODEL (types));

  for (int priority = 1; priority <= 4; priority++)
    gtk_string_list_append (priorities, dozor_priority_label (priority));
  adw_combo_row_set_model (self->priority_row, G_LIST_MODEL (priorities));
  /* Most reports are "normal" until the operator hears otherwise. */
  adw_combo_row_set_selected (self->priority_row, DEFAULT_PRIORITY_ROW);

  /* A caller says where first. Without this the window would focus its
   * first focusable widget, Cancel in the header bar: typing went nowhere
   * and the next Space closed the form. */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->address_row));

  g_signal_connect_object (self->location_row, "changed", G_CALLBACK (location_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->caller_phone_row, "changed", G_CALLBACK (caller_changed_cb), self, G_CONNECT_SWAPPED);
}

/**
 * dozor_intake_dialog_new:
 * @parent: the board's window
 *
 * Returns: (transfer full): the dialog, not yet shown
 */
DozorIntakeDialog *
dozor_intake_dialog_new (GtkWindow *parent)
{
  return g_object_new (DOZOR_TYPE_INTAKE_DIALOG, "transient-for", parent, NULL);
}

static void
show_location (DozorIntakeDialog *self,
               double             lat,
               double             lon)
{
  g_autofree char *text = dozor_format_lat_lon (lat, lon, 6);

  gtk_editable_set_text (GTK_EDITABLE (self->location_row), text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->location_row), "error");
}

/**
 * dozor_intake_dialog_set_location:
 * @self: a #DozorIntakeDialog
 * @lat: the scene
 * @lon: the scene
 *
 * The scene picked on the map; the address becomes the nearest street and
 * its cross street, once the street index has found them.
 */
void
dozor_intake_dialog_set_location (DozorIntakeDialog *self,
                                  double             lat,
                                  double             lon)
{
  show_location (self, lat, lon);
  dozor_address_search_describe (self->address_search, lat, lon);
}

/**
 * dozor_intake_dialog_get_location:
 * @self: a #DozorIntakeDialog
 * @lat: (out): the scene as typed or picked
 * @lon: (out): the scene as typed or picked
 *
 * Returns: whether the location field holds a valid place
 */
gboolean
dozor_intake_dialog_get_location (DozorIntakeDialog *self,
                                  double            *lat,
                                  double            *lon)
{
  return dozor_parse_lat_lon (gtk_editable_get_text (GTK_EDITABLE (self->location_row)), lat, lon);
}

/**
 * dozor_intake_dialog_close_asking:
 * @self: a #DozorIntakeDialog
 *
 * Closes the dialog as Escape would: at once when the form is empty or
 * saved, otherwise only after "Discard this report?" is answered so.
 *
 * Returns: %TRUE if the dialog is closed now, %FALSE if it asks first
 */
gboolean
dozor_intake_dialog_close_asking (DozorIntakeDialog *self)
{
  g_autofree char *filled = filled_fields (self);

  if (self->may_close || *filled == '\0')
    {
      self->may_close = TRUE;
      gtk_window_close (GTK_WINDOW (self));
      return TRUE;
    }
  gtk_window_present (GTK_WINDOW (self));
  gtk_window_close (GTK_WINDOW (self));
  return FALSE;
}

/**
 * dozor_intake_dialog_add_extra:
 * @self: a #DozorIntakeDialog
 * @widget: shown above the form's fields
 */
void
dozor_intake_dialog_add_extra (DozorIntakeDialog *self,
                               GtkWidget         *widget)
{
  gtk_box_append (self->extra_box, widget);
}

/**
 * dozor_intake_dialog_get_description:
 * @self: a #DozorIntakeDialog
 *
 * Returns: (transfer none): the description as typed, for what follows
 *   it (orientations that match a plate or a name in it)
 */
GtkTextBuffer *
dozor_intake_dialog_get_description (DozorIntakeDialog *self)
{
  return gtk_text_view_get_buffer (self->description_view);
}

/**
 * dozor_intake_dialog_get_caller_phone:
 * @self: a #DozorIntakeDialog
 *
 * Returns: (transfer none): the caller's phone as typed
 */
const char *
dozor_intake_dialog_get_caller_phone (DozorIntakeDialog *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->caller_phone_row));
}

/**
 * dozor_intake_dialog_get_call:
 * @self: a #DozorIntakeDialog
 *
 * Returns: (transfer full): the caller and what they said, as the body of
 *   `POST /incidents/{id}/calls`, received now
 */
JsonNode *
dozor_intake_dialog_get_call (DozorIntakeDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->description_view);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *received_at = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "caller_name");
  json_builder_add_string_value (builder, gtk_editable_get_text (GTK_EDITABLE (self->caller_name_row)));
  json_builder_set_member_name (builder, "caller_phone");
  json_builder_add_string_value (builder, gtk_editable_get_text (GTK_EDITABLE (self->caller_phone_row)));
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  /* When the operator took it: an outbox that sends later keeps the shift. */
  json_builder_set_member_name (builder, "received_at");
  json_builder_add_string_value (builder, received_at);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * dozor_intake_dialog_close_saved:
 * @self: the intake form
 *
 * Closes the form whose content went somewhere else (a call attached to an
 * incident through the outbox): nothing is lost, so no question is asked.
 */
void
dozor_intake_dialog_close_saved (DozorIntakeDialog *self)
{
  g_return_if_fail (DOZOR_IS_INTAKE_DIALOG (self));

  self->may_close = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}
