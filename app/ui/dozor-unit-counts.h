/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_UNIT_COUNTS (dozor_unit_counts_get_type ())
G_DECLARE_FINAL_TYPE (DozorUnitCounts, dozor_unit_counts, DOZOR, UNIT_COUNTS, GtkWidget)

GtkWidget *dozor_unit_counts_new (DozorSituation *situation);

G_END_DECLS
