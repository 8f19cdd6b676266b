/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How the demo city is policed: its real districts (OpenStreetMap
 * boundaries), each cut into patrol sectors of about 12 km², and in every
 * sector with roads a patrol route, a loop along real streets through a few
 * junctions spread over the sector. Districts in Almaty are policed by their
 * own departments (УП/ОП of the district), sectors by the patrol cars of
 * that department, so a sector belongs to exactly one district.
 *
 * Sectors are cells of a grid over the district, clipped to its boundary:
 * simple, deterministic, and close to how a duty map is first drawn before
 * local knowledge moves the lines. The same file, graph and seed give the
 * same plan, so a restarted scenario finds its zones and routes unchanged.
 */
#include "config.h"

#include <cpl_conv.h>
#include <gdal.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <ogr_api.h>
#include <string.h>

#include "dozor-geo.h"
#include "dozor-patrol-plan.h"

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (OGRGeometryH, OGR_G_DestroyGeometry, NULL)

/* Target sector area, and the range of sectors per district. */
#define SECTOR_KM2 12.0
#define MIN_SECTORS 2
#define MAX_SECTORS 8
/* Slivers left by clipping a grid cell to a ragged boundary. */
#define MIN_SECTOR_KM2 0.2
#define MAX_DISTRICTS 64
#define WAYPOINTS 4
/* A loop shorter than this is a turn around the block, not a patrol. */
#define MIN_ROUTE_M 2000.0
/* Longer means the sector's roads join only far outside it. */
#define MAX_ROUTE_M 40000.0
#define WAYPOINT_SAMPLES 200

#define KM_PER_DEGREE (DOZOR_GEO_EARTH_RADIUS_M * G_PI / 180.0 / 1000.0)

struct _DozorPatrolPlan
{
  GObject parent_instance;

  GPtrArray *districts; /* DozorPlanDistrict */
  GPtrArray *sectors;   /* DozorPlanSector */
};

G_DEFINE_FINAL_TYPE (DozorPatrolPlan, dozor_patrol_plan, G_TYPE_OBJECT)

static void
district_free (DozorPlanDistrict *district)
{
  g_free (district->name);
  g_free (district->geometry);
  g_free (district);
}

static void
sector_free (DozorPlanSector *sector)
{
  g_free (sector->name);
  g_free (sector->geometry);
  g_free (sector->route);
  g_clear_pointer (&sector->waypoints, g_array_unref);
  g_free (sector);
}

static void
dozor_patrol_plan_finalize (GObject *object)
{
  DozorPatrolPlan *self = (DozorPatrolPlan *)object;

  g_clear_pointer (&self->districts, g_ptr_array_unref);
  g_clear_pointer (&self->sectors, g_ptr_array_unref);

  G_OBJECT_CLASS (dozor_patrol_plan_parent_class)->finalize (object);
}

static void
dozor_patrol_plan_class_init (DozorPatrolPlanClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_patrol_plan_finalize;
}

static void
dozor_patrol_plan_init (DozorPatrolPlan *self)
{
  self->districts = g_ptr_array_new_with_free_func ((GDestroyNotify) district_free);
  self->sectors = g_ptr_array_new_with_free_func ((GDestroyNotify) sector_free);
}

/* Square kilometres of a lon/lat geometry near its own latitude. */
static double
area_km2 (OGRGeometryH geometry)
{
  OGREnvelope envelope;
  double mid_lat;

  OGR_G_GetEnvelope (geometry, &envelope);
  mid_lat = (envelope.MinY + envelope.MaxY) / 2;
  return OGR_G_Area (geometry) * KM_PER_DEGREE * KM_PER_DEGREE * cos (mid_lat * G_PI / 180);
}

static char *
geometry_json (OGRGeometryH geometry)
{
  char *json = OGR_G_ExportToJson (geometry);
  char *copy = g_strdup (json);

  CPLFree (json);
  return copy;
}

/* "Алмалы ауданы, Алматы, Қазақстан" → "Алмалы": the name the city uses. */
static char *
district_name (OGRFeatureH feature,
               guint       index)
{
  OGRFeatureDefnH definition = OGR_F_GetDefnRef (feature);
  int osm_name = OGR_FD_GetFieldIndex (definition, "osm_name");
  int name = OGR_FD_GetFieldIndex (definition, "name");
  g_autofree char *text = NULL;
  const char *comma;

  if (osm_name >= 0 && OGR_F_IsFieldSetAndNotNull (feature, osm_name))
    text = g_strdup (OGR_F_GetFieldAsString (feature, osm_name));
  else if (name >= 0 && OGR_F_IsFieldSetAndNotNull (feature, name))
    text = g_strdup (OGR_F_GetFieldAsString (feature, name));

  if (text == NULL || !g_utf8_validate (text, -1, NULL) || *text == '\0')
    return g_strdup_printf ("%u", index + 1);

  comma = strchr (text, ',');
  if (comma != NULL)
    text[comma - text] = '\0';

  {
    g_autofree char *folded = g_utf8_casefold (text, -1);
    g_autofree char *suffix = g_utf8_casefold (" ауданы", -1);

    if (g_str_has_suffix (folded, suffix) && strlen (text) > strlen (" ауданы"))
      text[strlen (text) - strlen (" ауданы")] = '\0';
  }

  return g_utf8_substring (text, 0, MIN (g_utf8_strlen (text, -1), 100));
}

/* The polygons of a clipped piece; clipping can add stray lines and points. */
static OGRGeometryH
polygons_of (OGRGeometryH piece)
{
  OGRwkbGeometryType type = wkbFlatten (OGR_G_GetGeometryType (piece));
  OGRGeometryH result;

  if (type == wkbPolygon || type == wkbMultiPolygon)
    return OGR_G_Clone (piece);
  if (type != wkbGeometryCollection)
    return NULL;

  result = OGR_G_CreateGeometry (wkbMultiPolygon);
  for (int i = 0; i < OGR_G_GetGeometryCount (piece); i++)
    {
      OGRGeometryH part = OGR_G_GetGeometryRef (piece, i);

      if (wkbFlatten (OGR_G_GetGeometryType (part)) == wkbPolygon)
        OGR_G_AddGeometry (result, part);
    }
  if (OGR_G_GetGeometryCount (result) == 0)
    {
      OGR_G_DestroyGeometry (result);
      return NULL;
    }
  return result;
}

static gboolean
contains (OGRGeometryH area,
          double       lat,
          double       lon)
{
  g_auto(OGRGeometryH) point = OGR_G_CreateGeometry (wkbPoint);

  OGR_G_SetPoint_2D (point, 0, lon, lat);
  return OGR_G_Contains (area, point);
}

/* Junctions of the connected network inside the sector, spread out: the
 * first at random, each next the farthest from those already taken. */
static GArray *
pick_waypoints (DozorRoadGraph *graph,
                OGRGeometryH    sector,
                GRand          *rand)
{
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (guint));
  GArray *waypoints = g_array_new (FALSE, FALSE, sizeof (guint));
  OGREnvelope envelope;
  double centre_lat = 0, centre_lon = 0;
  double *angles;

  OGR_G_GetEnvelope (sector, &envelope);
  for (guint i = 0; i < WAYPOINT_SAMPLES; i++)
    {
      double lon = g_rand_double_range (rand, envelope.MinX, envelope.MaxX);
      double lat = g_rand_double_range (rand, envelope.MinY, envelope.MaxY);
      guint node;
      gboolean known = FALSE;

      if (!contains (sector, lat, lon))
        continue;
      node = dozor_road_graph_nearest_node (graph, lat, lon);
      dozor_road_graph_get_node (graph, node, &lat, &lon);
      for (guint c = 0; c < candidates->len && !known; c++)
        known = g_array_index (candidates, guint, c) == node;
      if (!known && contains (sector, lat, lon))
        g_array_append_val (candidates, node);
    }

  if (candidates->len < 3)
    {
      g_array_unref (waypoints);
      return NULL;
    }

  g_array_append_val (waypoints, g_array_index (candidates, guint, 0));
  while (waypoints->len < MIN (WAYPOINTS, candidates->len))
    {
      double best_distance = -1;
      guint best = 0;

      for (guint c = 0; c < candidates->len; c++)
        {
          double lat, lon, nearest = G_MAXDOUBLE;

          dozor_road_graph_get_node (graph, g_array_index (candidates, guint, c), &lat, &lon);
          for (guint w = 0; w < waypoints->len; w++)
            {
              double wlat, wlon;

              dozor_road_graph_get_node (graph, g_array_index (waypoints, guint, w), &wlat, &wlon);
              nearest = MIN (nearest, dozor_geo_distance_m (lat, lon, wlat, wlon));
            }
          if (nearest > best_distance)
            {
              best_distance = nearest;
              best = c;
            }
        }
      g_array_append_val (waypoints, g_array_index (candidates, guint, best));
    }

  /* Visit them around their centre, so the loop does not cross itself. */
  angles = g_new (double, waypoints->len);
  for (guint w = 0; w < waypoints->len; w++)
    {
      double lat, lon;

      dozor_road_graph_get_node (graph, g_array_index (waypoints, guint, w), &lat, &lon);
      centre_lat += lat / waypoints->len;
      centre_lon += lon / waypoints->len;
    }
  for (guint w = 0; w < waypoints->len; w++)
    {
      double lat, lon;

      dozor_road_graph_get_node (graph, g_array_index (waypoints, guint, w), &lat, &lon);
      angles[w] = atan2 (lat - centre_lat, lon - centre_lon);
    }
  for (guint i = 1; i < waypoints->len; i++)
    for (guint j = i; j > 0 && angles[j - 1] > angles[j]; j--)
      {
        double angle = angles[j];
        guint node = g_array_index (waypoints, guint, j);

        angles[j] = angles[j - 1];
        angles[j - 1] = angle;
        g_array_index (waypoints, guint, j) = g_array_index (waypoints, guint, j - 1);
        g_array_index (waypoints, guint, j - 1) = node;
      }
  g_free (angles);

  return waypoints;
}

/* The loop through the waypoints by the shortest ways, as GeoJSON. */
static char *
route_geometry (DozorRoadGraph *graph,
                GArray         *waypoints,
                double         *length_m)
{
  g_autoptr(GString) out = g_string_new ("{\"type\":\"LineString\",\"coordinates\":[");
  guint last = G_MAXUINT;
  guint n_points = 0;

  *length_m = 0;
  for (guint w = 0; w < waypoints->len; w++)
    {
      double leg_m = 0;
      g_autoptr(GArray) path = dozor_road_graph_shortest_path (graph, g_array_index (waypoints, guint, w),
                                                               g_array_index (waypoints, guint,
                                                                              (w + 1) % waypoints->len),
                                                               &leg_m);

      if (path == NULL)
        return NULL;
      *length_m += leg_m;

      for (guint p = 0; p < path->len; p++)
        {
          guint node = g_array_index (path, guint, p);
          char lon_text[G_ASCII_DTOSTR_BUF_SIZE], lat_text[G_ASCII_DTOSTR_BUF_SIZE];
          double lat, lon;

          if (node == last)
            continue;
          dozor_road_graph_get_node (graph, node, &lat, &lon);
          g_string_append_printf (out, "%s[%s,%s]", n_points > 0 ? "," : "",
                                  g_ascii_formatd (lon_text, sizeof lon_text, "%.7f", lon),
                                  g_ascii_formatd (lat_text, sizeof lat_text, "%.7f", lat));
          last = node;
          n_points++;
        }
    }

  if (n_points < 2)
    return NULL;

  g_string_append (out, "]}");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
cut_sectors (DozorPatrolPlan *self,
             guint            district_index,
             OGRGeometryH     district,
             DozorRoadGraph  *graph,
             GRand           *rand)
{
  const DozorPlanDistrict *owner = self->districts->pdata[district_index];
  OGREnvelope envelope;
  double mid_lat, width_km, height_km;
  guint n, cols, rows, number = 0;

  OGR_G_GetEnvelope (district, &envelope);
  mid_lat = (envelope.MinY + envelope.MaxY) / 2;
  width_km = (envelope.MaxX - envelope.MinX) * KM_PER_DEGREE * cos (mid_lat * G_PI / 180);
  height_km = (envelope.MaxY - envelope.MinY) * KM_PER_DEGREE;
  n = (guint) CLAMP (round (area_km2 (district) / SECTOR_KM2), MIN_SECTORS, MAX_SECTORS);
  cols = (guint) CLAMP (round (sqrt (n * width_km / MAX (height_km, 0.001))), 1, n);
  rows = (n + cols - 1) / cols;

  /* North-west first, as a map is read. */
  for (guint row = 0; row < rows; row++)
    for (guint col = 0; col < cols; col++)
      {
        double x0 = envelope.MinX + (envelope.MaxX - envelope.MinX) * col / cols;
        double x1 = envelope.MinX + (envelope.MaxX - envelope.MinX) * (col + 1) / cols;
        double y1 = envelope.MaxY - (envelope.MaxY - envelope.MinY) * row / rows;
        double y0 = envelope.MaxY - (envelope.MaxY - envelope.MinY) * (row + 1) / rows;
        g_auto(OGRGeometryH) cell = OGR_G_CreateGeometry (wkbPolygon);
        g_auto(OGRGeometryH) ring = OGR_G_CreateGeometry (wkbLinearRing);
        g_auto(OGRGeometryH) piece = NULL;
        g_auto(OGRGeometryH) area = NULL;
        DozorPlanSector *sector;

        OGR_G_AddPoint_2D (ring, x0, y0);
        OGR_G_AddPoint_2D (ring, x1, y0);
        OGR_G_AddPoint_2D (ring, x1, y1);
        OGR_G_AddPoint_2D (ring, x0, y1);
        OGR_G_AddPoint_2D (ring, x0, y0);
        OGR_G_AddGeometry (cell, ring);

        piece = OGR_G_Intersection (district, cell);
        area = piece != NULL ? polygons_of (piece) : NULL;
        if (area == NULL || area_km2 (area) < MIN_SECTOR_KM2)
          continue;

        sector = g_new0 (DozorPlanSector, 1);
        sector->district = district_index;
        sector->name = g_strdup_printf ("%s-%u", owner->name, ++number);
        sector->geometry = geometry_json (area);
        sector->waypoints = pick_waypoints (graph, area, rand);
        if (sector->waypoints != NULL)
          sector->route = route_geometry (graph, sector->waypoints, &sector->route_length_m);
        if (sector->route != NULL && (sector->route_length_m < MIN_ROUTE_M || sector->route_length_m > MAX_ROUTE_M))
          g_clear_pointer (&sector->route, g_free);
        if (sector->route == NULL)
          g_clear_pointer (&sector->waypoints, g_array_unref);
        g_ptr_array_add (self->sectors, sector);
      }
}

/**
 * dozor_patrol_plan_new:
 * @districts_path: a local GeoJSON file of district polygons (lon/lat)
 * @graph: the city's roads
 * @seed: the same seed gives the same sectors' routes
 * @error: return location for a #GError
 *
 * Blocks for about a second for Almaty (GEOS clipping, shortest paths).
 *
 * Returns: (transfer full): the plan, or %NULL with @error set
 */
DozorPatrolPlan *
dozor_patrol_plan_new (const char      *districts_path,
                       DozorRoadGraph  *graph,
                       guint32          seed,
                       GError         **error)
{
  static const char *const drivers[] = { "GeoJSON", NULL };
  g_autoptr(DozorPatrolPlan) self = g_object_new (DOZOR_TYPE_PATROL_PLAN, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed ^ 0x9e3779b9u);
  GDALDatasetH dataset;
  OGRLayerH layer;
  OGRFeatureH feature;

  if (g_str_has_prefix (districts_path, "/vs") || strstr (districts_path, "://") != NULL ||
      !g_file_test (districts_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("Cannot read districts “%s”: not a local file"), districts_path);
      return NULL;
    }

  GDALAllRegister ();
  /* What GDAL has to say about a broken file goes into our error, not stderr. */
  CPLPushErrorHandler (CPLQuietErrorHandler);
  dataset = GDALOpenEx (districts_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, NULL, NULL);
  CPLPopErrorHandler ();
  layer = dataset != NULL && GDALDatasetGetLayerCount (dataset) > 0 ? GDALDatasetGetLayer (dataset, 0) : NULL;
  if (layer == NULL)
    {
      if (dataset != NULL)
        GDALClose (dataset);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Cannot read districts “%s”: not a GeoJSON file with polygons"), districts_path);
      return NULL;
    }

  OGR_L_ResetReading (layer);
  while ((feature = OGR_L_GetNextFeature (layer)) != NULL && self->districts->len < MAX_DISTRICTS)
    {
      OGRGeometryH source = OGR_F_GetGeometryRef (feature);
      OGRwkbGeometryType type = source != NULL ? wkbFlatten (OGR_G_GetGeometryType (source)) : wkbUnknown;
      g_auto(OGRGeometryH) boundary = NULL;
      DozorPlanDistrict *district;

      if (type == wkbPolygon || type == wkbMultiPolygon)
        boundary = OGR_G_IsValid (source) ? OGR_G_Clone (source) : OGR_G_MakeValid (source);
      if (boundary != NULL && area_km2 (boundary) > MIN_SECTOR_KM2)
        {
          district = g_new0 (DozorPlanDistrict, 1);
          district->name = district_name (feature, self->districts->len);
          district->geometry = geometry_json (boundary);
          g_ptr_array_add (self->districts, district);
          cut_sectors (self, self->districts->len - 1, boundary, graph, rand);
        }
      OGR_F_Destroy (feature);
    }
  if (feature != NULL)
    OGR_F_Destroy (feature);
  GDALClose (dataset);

  if (self->districts->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Cannot read districts “%s”: it holds no polygons"), districts_path);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * dozor_patrol_plan_get_districts:
 * @self: a #DozorPatrolPlan
 *
 * Returns: (transfer none) (element-type DozorPlanDistrict): the districts,
 *   in the file's order
 */
GPtrArray *
dozor_patrol_plan_get_districts (DozorPatrolPlan *self)
{
  return self->districts;
}

/**
 * dozor_patrol_plan_get_sectors:
 * @self: a #DozorPatrolPlan
 *
 * Returns: (transfer none) (element-type DozorPlanSector): every district's
 *   sectors, district by district
 */
GPtrArray *
dozor_patrol_plan_get_sectors (DozorPatrolPlan *self)
{
  return self->sectors;
}
