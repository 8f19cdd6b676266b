/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_WALL_TICKER (dozor_wall_ticker_get_type ())
G_DECLARE_FINAL_TYPE (DozorWallTicker, dozor_wall_ticker, DOZOR, WALL_TICKER, GtkWidget)

DozorWallTicker *dozor_wall_ticker_new            (DozorSituation  *situation);
void             dozor_wall_ticker_set_cap_height (DozorWallTicker *self,
                                                   double           cap_height);

G_END_DECLS
