/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_IMPORT_WINDOW (dozor_import_window_get_type ())
G_DECLARE_FINAL_TYPE (DozorImportWindow, dozor_import_window, DOZOR, IMPORT_WINDOW, AdwWindow)

DozorImportWindow *dozor_import_window_new             (GtkWindow         *parent);
void               dozor_import_window_open_file       (DozorImportWindow *self,
                                                        const char        *path);
void               dozor_import_window_set_can_import  (DozorImportWindow *self,
                                                        gboolean           can_import,
                                                        const char        *why_not);
void               dozor_import_window_import_done     (DozorImportWindow *self,
                                                        const GError      *error);

G_END_DECLS
