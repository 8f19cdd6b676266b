/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_SCALE_BAR (dozor_scale_bar_get_type ())

G_DECLARE_FINAL_TYPE (DozorScaleBar, dozor_scale_bar, DOZOR, SCALE_BAR, GtkWidget)

GtkWidget *dozor_scale_bar_new (ShumateViewport *viewport);

G_END_DECLS
