/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_CLOCK (dozor_clock_get_type ())
G_DECLARE_FINAL_TYPE (DozorClock, dozor_clock, DOZOR, CLOCK, GtkWidget)

GtkWidget *dozor_clock_new    (void);
void       dozor_clock_follow (DozorClock     *self,
                               DozorSituation *situation,
                               gboolean        replay);

G_END_DECLS
