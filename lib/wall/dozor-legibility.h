/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* NUREG-0700 §1.3.1-4 (after ISO 9241-3): a character seen from the
 * nearest seat subtends at least 16 minutes of arc, preferably 20 to 22. */
#define DOZOR_LEGIBILITY_MIN_ARC_MINUTES 16.0
#define DOZOR_LEGIBILITY_PREFERRED_ARC_MINUTES 20.0
/* What a monitor is taken to be when it does not say its size. */
#define DOZOR_LEGIBILITY_FALLBACK_DPI 96.0

double dozor_legibility_height_mm    (double    distance_m,
                                      double    arc_minutes);
double dozor_legibility_px_per_mm    (int       width_px,
                                      int       height_px,
                                      int       width_mm,
                                      int       height_mm,
                                      gboolean *assumed);
double dozor_legibility_cap_height_px (double   distance_m,
                                       double   arc_minutes,
                                       double   px_per_mm);

G_END_DECLS
