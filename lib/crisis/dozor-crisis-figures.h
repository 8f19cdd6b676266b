/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dozor-crisis-area.h"
#include "dozor-road-graph.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_CRISIS_FIGURES_ERROR (dozor_crisis_figures_error_quark ())

/**
 * DozorCrisisFiguresError:
 * @DOZOR_CRISIS_FIGURES_ERROR_AREA: the area is not a polygon or circle
 *   that can be measured
 */
typedef enum
{
  DOZOR_CRISIS_FIGURES_ERROR_AREA,
} DozorCrisisFiguresError;

/* At most this many rings around an area. */
#define DOZOR_CRISIS_FIGURES_MAX_RINGS 8

/* Where a unit is: inside the area, in ring 1…n, beyond, or unknown. */
#define DOZOR_CRISIS_INSIDE 0
#define DOZOR_CRISIS_BEYOND G_MAXUINT
#define DOZOR_CRISIS_NO_FIX (G_MAXUINT - 1)

#define DOZOR_TYPE_CRISIS_FIGURES (dozor_crisis_figures_get_type ())
G_DECLARE_FINAL_TYPE (DozorCrisisFigures, dozor_crisis_figures, DOZOR, CRISIS_FIGURES, GObject)

GQuark              dozor_crisis_figures_error_quark   (void);

DozorCrisisFigures *dozor_crisis_figures_new_circle    (double               lat,
                                                        double               lon,
                                                        double               radius_m,
                                                        GError             **error);
DozorCrisisFigures *dozor_crisis_figures_new_polygon   (const char          *geojson,
                                                        GError             **error);
DozorCrisisFigures *dozor_crisis_figures_new_for_area   (DozorCrisisArea     *area,
                                                        GError             **error);
gboolean            dozor_crisis_figures_set_rings     (DozorCrisisFigures  *self,
                                                        const double        *radii_m,
                                                        guint                n_rings);
guint               dozor_crisis_figures_get_n_rings   (DozorCrisisFigures  *self);
double              dozor_crisis_figures_get_ring_m    (DozorCrisisFigures  *self,
                                                        guint                ring);
void                dozor_crisis_figures_set_scene     (DozorCrisisFigures  *self,
                                                        double               lat,
                                                        double               lon);
void                dozor_crisis_figures_get_scene     (DozorCrisisFigures  *self,
                                                        double              *lat,
                                                        double              *lon);
guint               dozor_crisis_figures_add_unit      (DozorCrisisFigures  *self,
                                                        const char          *id,
                                                        const char          *status,
                                                        gboolean             has_fix,
                                                        double               lat,
                                                        double               lon,
                                                        gboolean             heading_there);
guint               dozor_crisis_figures_add_situation (DozorCrisisFigures  *self,
                                                        DozorSituation      *situation,
                                                        const char          *incident_id,
                                                        gint64               now);
void                dozor_crisis_figures_count         (DozorCrisisFigures  *self);
guint               dozor_crisis_figures_get_unit_band (DozorCrisisFigures  *self,
                                                        guint                unit);
guint               dozor_crisis_figures_get_count     (DozorCrisisFigures  *self,
                                                        guint                band,
                                                        const char          *status);
gboolean            dozor_crisis_figures_time_by_road  (DozorCrisisFigures  *self,
                                                        DozorRoadGraph      *graph,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
double              dozor_crisis_figures_get_unit_time (DozorCrisisFigures  *self,
                                                        guint                unit);
GArray             *dozor_crisis_figures_get_nearest   (DozorCrisisFigures  *self,
                                                        guint                n);
GArray             *dozor_crisis_figures_get_heading   (DozorCrisisFigures  *self);
const char         *dozor_crisis_figures_get_unit_id   (DozorCrisisFigures  *self,
                                                        guint                unit);

G_END_DECLS
