/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Spatial questions that PostgreSQL answers with PostGIS when it is
 * installed (dozor-store-spatial.c); elsewhere their callers use GEOS.
 */
#pragma once

#include "dozor-db.h"

G_BEGIN_DECLS

gboolean dozor_store_spatial_enable      (DozorDb      *db,
                                          GError      **error);
gboolean dozor_store_spatial_district_of (DozorDb      *db,
                                          double        lat,
                                          double        lon,
                                          char        **name,
                                          GError      **error);

G_END_DECLS
