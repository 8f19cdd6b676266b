/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_FOCUS_REGIONS (dozor_focus_regions_get_type ())
G_DECLARE_FINAL_TYPE (DozorFocusRegions, dozor_focus_regions, DOZOR, FOCUS_REGIONS, GObject)

DozorFocusRegions *dozor_focus_regions_new (GtkApplicationWindow *window,
                                            GtkWidget            *first,
                                            ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
