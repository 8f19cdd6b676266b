/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dozor-intake-dialog.h"
#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_INTAKE_MATCHES (dozor_intake_matches_get_type ())
G_DECLARE_FINAL_TYPE (DozorIntakeMatches, dozor_intake_matches, DOZOR, INTAKE_MATCHES, GtkBox)

DozorIntakeMatches *dozor_intake_matches_new (DozorSyncClient   *sync,
                                              DozorIntakeDialog *dialog);

G_END_DECLS
