/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "dozor-geometry.h"

G_BEGIN_DECLS

int dozor_line_pick_nearest (GPtrArray *lines,
                             double     x,
                             double     y,
                             double     reach);
gboolean dozor_line_nearest_point (GArray  *line,
                                   double   x,
                                   double   y,
                                   double  *nx,
                                   double  *ny);

GArray  *dozor_line_from_geometry (DozorGeometry *geometry);

G_END_DECLS
