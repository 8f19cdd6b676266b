/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_EXPORT_WINDOW (dozor_export_window_get_type ())
G_DECLARE_FINAL_TYPE (DozorExportWindow, dozor_export_window, DOZOR, EXPORT_WINDOW, AdwWindow)

DozorExportWindow *dozor_export_window_new     (GtkWindow         *parent,
                                                DozorSituation    *situation);
void               dozor_export_window_save_to (DozorExportWindow *self,
                                                const char        *path);

G_END_DECLS
