/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dozor-intake-dialog.h"
#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_REGISTERS_INTAKE (dozor_registers_intake_get_type ())
G_DECLARE_FINAL_TYPE (DozorRegistersIntake, dozor_registers_intake, DOZOR, REGISTERS_INTAKE, GtkBox)

DozorRegistersIntake *dozor_registers_intake_new (DozorSyncClient   *sync,
                                                  DozorIntakeDialog *dialog);

G_END_DECLS
