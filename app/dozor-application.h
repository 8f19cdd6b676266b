/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_APPLICATION (dozor_application_get_type ())
G_DECLARE_FINAL_TYPE (DozorApplication, dozor_application, DOZOR, APPLICATION, AdwApplication)

DozorApplication *dozor_application_new      (void);
char             *dozor_application_find_data (const char *relative_path);

G_END_DECLS
