/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * DozorStreetMatchKind:
 * @DOZOR_STREET_MATCH_STREET: one street; its point is on the street
 * @DOZOR_STREET_MATCH_CROSSING: where two streets meet
 *
 * What a [class@Dozor.StreetMatch] stands for.
 */
typedef enum
{
  DOZOR_STREET_MATCH_STREET,
  DOZOR_STREET_MATCH_CROSSING,
} DozorStreetMatchKind;

#define DOZOR_TYPE_STREET_MATCH (dozor_street_match_get_type ())
G_DECLARE_FINAL_TYPE (DozorStreetMatch, dozor_street_match, DOZOR, STREET_MATCH, GObject)

DozorStreetMatch     *dozor_street_match_new            (DozorStreetMatchKind  kind,
                                                         const char           *name,
                                                         const char           *cross_name,
                                                         double                lat,
                                                         double                lon);
DozorStreetMatchKind  dozor_street_match_get_kind       (DozorStreetMatch     *self);
const char           *dozor_street_match_get_name       (DozorStreetMatch     *self);
const char           *dozor_street_match_get_cross_name (DozorStreetMatch     *self);
double                dozor_street_match_get_lat        (DozorStreetMatch     *self);
double                dozor_street_match_get_lon        (DozorStreetMatch     *self);
char                 *dozor_street_match_dup_label      (DozorStreetMatch     *self);

G_END_DECLS
