/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_INTAKE_DIALOG (dozor_intake_dialog_get_type ())
G_DECLARE_FINAL_TYPE (DozorIntakeDialog, dozor_intake_dialog, DOZOR, INTAKE_DIALOG, AdwWindow)

DozorIntakeDialog *dozor_intake_dialog_new          (GtkWindow         *parent);
void               dozor_intake_dialog_set_location (DozorIntakeDialog *self,
                                                     double             lat,
                                                     double             lon);
gboolean           dozor_intake_dialog_get_location (DozorIntakeDialog *self,
                                                     double            *lat,
                                                     double            *lon);
gboolean           dozor_intake_dialog_close_asking (DozorIntakeDialog *self);

/* For what sits beside the form (the matches of repeated calls). */
void               dozor_intake_dialog_add_extra    (DozorIntakeDialog *self,
                                                     GtkWidget         *widget);
const char        *dozor_intake_dialog_get_caller_phone (DozorIntakeDialog *self);
GtkTextBuffer     *dozor_intake_dialog_get_description (DozorIntakeDialog *self);
JsonNode          *dozor_intake_dialog_get_call     (DozorIntakeDialog *self);
void               dozor_intake_dialog_close_saved  (DozorIntakeDialog *self);

G_END_DECLS
