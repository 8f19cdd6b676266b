/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_LEGEND (dozor_legend_get_type ())
G_DECLARE_FINAL_TYPE (DozorLegend, dozor_legend, DOZOR, LEGEND, GtkWidget)

GtkWidget *dozor_legend_new             (void);
GtkWidget *dozor_legend_attach          (GtkWidget *window,
                                         GSettings *settings);
char      *dozor_legend_describe        (DozorLegend *self);

G_END_DECLS
