/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

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

G_END_DECLS
