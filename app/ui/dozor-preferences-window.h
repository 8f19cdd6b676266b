/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_PREFERENCES_WINDOW (dozor_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (DozorPreferencesWindow, dozor_preferences_window, DOZOR, PREFERENCES_WINDOW, AdwPreferencesWindow)

DozorPreferencesWindow *dozor_preferences_window_new (void);

G_END_DECLS
