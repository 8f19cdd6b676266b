/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_READINESS_DIALOG (dozor_readiness_dialog_get_type ())
G_DECLARE_FINAL_TYPE (DozorReadinessDialog, dozor_readiness_dialog, DOZOR, READINESS_DIALOG, AdwWindow)

DozorReadinessDialog *dozor_readiness_dialog_new (JsonObject *current,
                                                  double      center_lat,
                                                  double      center_lon);

G_END_DECLS
