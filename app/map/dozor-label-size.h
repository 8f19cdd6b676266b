/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <pango/pango.h>

G_BEGIN_DECLS

double dozor_label_size_for_cap_height       (double        cap_height);
double dozor_label_pango_size_for_cap_height (PangoContext *context,
                                              PangoWeight   weight,
                                              double        cap_height);

G_END_DECLS
