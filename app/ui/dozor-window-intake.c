/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Registering citizens' reports from the board (Ctrl+N, or a right click
 * on the scene): one intake dialog at a time beside the map, whose scene a
 * click on the map sets and the map marks with cross hairs until the
 * dialog closes.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "dozor-intake-dialog.h"
#include "dozor-intake-matches.h"
#include "dozor-registers-intake.h"
#include "dozor-window-private.h"

static gboolean
submit_cb (DozorIntakeDialog *dialog,
           JsonNode          *body,
           const char        *summary,
           DozorWindow       *self)
{
  return dozor_window_send_command (self, "POST", "incidents", body, summary);
}

static void
location_changed_cb (DozorIntakeDialog *dialog,
                     DozorWindow       *self)
{
  double lat, lon;

  if (dozor_intake_dialog_get_location (dialog, &lat, &lon))
    dozor_map_view_set_draft (self->map_view, lat, lon);
  else
    dozor_map_view_set_draft (self->map_view, NAN, NAN);
}

void
dozor_window_intake_destroyed (DozorWindow *self,
                               GObject     *was_dialog)
{
  self->intake = NULL;
  if (self->map_view != NULL)
    dozor_map_view_set_draft (self->map_view, NAN, NAN);
}

static DozorIntakeDialog *
open_intake (DozorWindow *self)
{
  DozorIntakeDialog *dialog;

  if (self->situation == NULL)
    return NULL;
  if (!dozor_window_may_register (self))
    {
      dozor_window_show_message (self, _("This role may not register incidents"), 5);
      return NULL;
    }

  if (self->intake == NULL)
    {
      dialog = dozor_intake_dialog_new (GTK_WINDOW (self));
      self->intake = GTK_WINDOW (dialog);
      g_object_weak_ref (G_OBJECT (dialog), (GWeakNotify) dozor_window_intake_destroyed, self);
      g_signal_connect_object (dialog, "submit", G_CALLBACK (submit_cb), self, 0);
      g_signal_connect_object (dialog, "location-changed", G_CALLBACK (location_changed_cb), self, 0);
      dozor_intake_matches_new (self->sync, dialog);
      dozor_registers_intake_new (self->sync, dialog);
    }
  g_debug ("Intake open");
  gtk_window_present (self->intake);
  return DOZOR_INTAKE_DIALOG (self->intake);
}

static void
new_incident_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  open_intake (DOZOR_WINDOW (widget));
}

static void
new_incident_at_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  DozorIntakeDialog *dialog = open_intake (DOZOR_WINDOW (widget));
  double lat, lon;

  g_variant_get (parameter, "(dd)", &lat, &lon);
  if (dialog != NULL)
    dozor_intake_dialog_set_location (dialog, lat, lon);
}

/* With the dialog open, a click on the map is the scene. */
static void
place_clicked_cb (DozorMapView *map_view,
                  double        lat,
                  double        lon,
                  DozorWindow  *self)
{
  if (self->intake != NULL)
    dozor_intake_dialog_set_location (DOZOR_INTAKE_DIALOG (self->intake), lat, lon);
}

void
dozor_window_follow_intake (DozorWindow *self)
{
  g_signal_connect_object (self->map_view, "place-clicked", G_CALLBACK (place_clicked_cb), self, 0);
}

void
dozor_window_class_add_intake_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.new-incident", NULL, new_incident_action);
  gtk_widget_class_install_action (widget_class, "win.new-incident-at", "(dd)", new_incident_at_action);
}
