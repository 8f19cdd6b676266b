/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-gis-layer.h"

G_BEGIN_DECLS

/**
 * DozorGisKind:
 * @DOZOR_GIS_KIND_DISTRICT: districts (areas)
 * @DOZOR_GIS_KIND_SECTOR: patrol sectors, each in a district (areas)
 * @DOZOR_GIS_KIND_ROUTE: patrol routes (lines)
 * @DOZOR_GIS_KIND_POI: points of interest (points)
 * @DOZOR_GIS_KIND_CAMERA: cameras, with an optional stream URL (points)
 * @DOZOR_GIS_KIND_POST: posts of special operating plans, each naming its
 *   plan (points)
 *
 * What the features of an imported layer become in Dozor.
 */
typedef enum
{
  DOZOR_GIS_KIND_DISTRICT,
  DOZOR_GIS_KIND_SECTOR,
  DOZOR_GIS_KIND_ROUTE,
  DOZOR_GIS_KIND_POI,
  DOZOR_GIS_KIND_CAMERA,
  DOZOR_GIS_KIND_POST,
} DozorGisKind;

#define DOZOR_GIS_N_KINDS 6

/* The largest body POST /imports takes (docs/api.md); dozord's
 * DOZOR_SERVER_MAX_IMPORT_BODY. */
#define DOZOR_GIS_MAX_IMPORT_BYTES (32 * 1024 * 1024)

/**
 * DozorGisMapping:
 * @kind: what the features become
 * @name_field: the field with each feature's name
 * @district_field: sectors: the field with each one's district, or -1
 * @district: sectors: the district of all of them, when @district_field is -1
 * @zone_field: routes: the field with each one's zone, or -1
 * @unit_field: routes: the field with its unit's call sign, or -1
 * @stream_field: cameras: the field with the stream URL, or -1
 * @category_field: points of interest: the field with the category, or -1
 * @plan_field: posts: the field with each one's plan, or -1
 * @plan: posts: the plan of all of them, when @plan_field is -1
 * @need_field: posts: the field with the units each needs, or -1 (one)
 * @unit_kind_field: posts: the field with the kind of unit each needs
 *   (`car`, `foot`, `moto`; empty for any), or -1
 * @only_field: the field that selects features, or -1 for all of them
 * @only_value: the value @only_field must have
 * @skip_unnamed: leave out features without a name instead of refusing them
 *
 * Which attributes of a GIS layer say what Dozor needs to know. Field
 * numbers are those of the #DozorGisLayer it is used with.
 */
typedef struct
{
  DozorGisKind kind;
  int name_field;
  int district_field;
  const char *district;
  int zone_field;
  int unit_field;
  int stream_field;
  int category_field;
  int plan_field;
  const char *plan;
  int need_field;
  int unit_kind_field;
  int only_field;
  const char *only_value;
  gboolean skip_unnamed;
} DozorGisMapping;

gboolean       dozor_gis_kind_from_string    (const char            *text,
                                              DozorGisKind          *kind);
const char    *dozor_gis_kind_to_string      (DozorGisKind           kind);
DozorGisShape  dozor_gis_kind_get_shape      (DozorGisKind           kind);
const char    *dozor_gis_shape_get_label     (DozorGisShape          shape);

void           dozor_gis_mapping_init        (DozorGisMapping       *mapping,
                                              DozorGisKind           kind);
int            dozor_gis_guess_name_field    (DozorGisLayer         *layer);
gboolean       dozor_gis_mapping_selects     (const DozorGisMapping *mapping,
                                              DozorGisLayer         *layer,
                                              guint                  feature);
char          *dozor_gis_import_body         (DozorGisLayer         *layer,
                                              const DozorGisMapping *mapping,
                                              gboolean               update,
                                              guint                 *n_items,
                                              guint                 *n_skipped,
                                              GError               **error);

G_END_DECLS
