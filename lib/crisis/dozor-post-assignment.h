/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dozor-road-graph.h"

G_BEGIN_DECLS

#define DOZOR_POST_ASSIGNMENT_ERROR (dozor_post_assignment_error_quark ())

/**
 * DozorPostAssignmentError:
 * @DOZOR_POST_ASSIGNMENT_ERROR_SHORT: a post cannot get the units it needs
 * @DOZOR_POST_ASSIGNMENT_ERROR_TOO_LARGE: the posts need more units in all
 *   than %DOZOR_POST_ASSIGNMENT_MAX_NEED
 */
typedef enum
{
  DOZOR_POST_ASSIGNMENT_ERROR_SHORT,
  DOZOR_POST_ASSIGNMENT_ERROR_TOO_LARGE,
} DozorPostAssignmentError;

/* What all posts of one plan may need together: a city's whole shift is a
 * few thousand units, and the matching's depth grows with this number. */
#define DOZOR_POST_ASSIGNMENT_MAX_NEED 20000

/* The least total's step visits about (total need) × (edges within the
 * bottleneck) arcs; beyond this many (some seconds) it is left out. */
#define DOZOR_POST_ASSIGNMENT_TOTAL_WORK 4e9

/* A unit is at its post when this close to it and this slow. */
#define DOZOR_POST_ARRIVAL_RADIUS_M 100.0
#define DOZOR_POST_ARRIVAL_SPEED_M_S 2.0

#define DOZOR_TYPE_POST_ASSIGNMENT (dozor_post_assignment_get_type ())
G_DECLARE_FINAL_TYPE (DozorPostAssignment, dozor_post_assignment, DOZOR, POST_ASSIGNMENT, GObject)

GQuark               dozor_post_assignment_error_quark     (void);

DozorPostAssignment *dozor_post_assignment_new             (void);
guint                dozor_post_assignment_add_post        (DozorPostAssignment *self,
                                                            const char          *name,
                                                            double               lat,
                                                            double               lon,
                                                            guint                need,
                                                            const char          *kind);
guint                dozor_post_assignment_add_unit        (DozorPostAssignment *self,
                                                            const char          *id,
                                                            const char          *kind,
                                                            double               lat,
                                                            double               lon,
                                                            gboolean             eligible);
guint                dozor_post_assignment_get_n_posts     (DozorPostAssignment *self);
guint                dozor_post_assignment_get_n_units     (DozorPostAssignment *self);
void                 dozor_post_assignment_set_time        (DozorPostAssignment *self,
                                                            guint                post,
                                                            guint                unit,
                                                            double               seconds);
double               dozor_post_assignment_get_time        (DozorPostAssignment *self,
                                                            guint                post,
                                                            guint                unit);
gboolean             dozor_post_assignment_time_by_road    (DozorPostAssignment *self,
                                                            DozorRoadGraph      *graph,
                                                            GCancellable        *cancellable,
                                                            GError             **error);
void                 dozor_post_assignment_set_total_work_limit (DozorPostAssignment *self,
                                                                 double               arcs);
void                 dozor_post_assignment_fix_unit        (DozorPostAssignment *self,
                                                            guint                unit,
                                                            guint                post);
gboolean             dozor_post_assignment_solve           (DozorPostAssignment *self,
                                                            GCancellable        *cancellable,
                                                            GError             **error);
guint                dozor_post_assignment_get_unit_post   (DozorPostAssignment *self,
                                                            guint                unit);
double               dozor_post_assignment_get_bottleneck_s (DozorPostAssignment *self);
double               dozor_post_assignment_get_total_s     (DozorPostAssignment *self);
gboolean             dozor_post_assignment_get_total_is_minimal (DozorPostAssignment *self);

gboolean             dozor_post_is_reached                 (double               post_lat,
                                                            double               post_lon,
                                                            double               unit_lat,
                                                            double               unit_lon,
                                                            double               speed_m_s,
                                                            double               radius_m,
                                                            double               max_speed_m_s);

G_END_DECLS
