/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A city's street network, read once through GDAL/OGR and kept in memory as
 * Web Mercator "world" coordinates, with a uniform grid to find the streets
 * that cross a tile. Immutable after loading, so any number of worker
 * threads may draw tiles from it at once.
 */
#include "config.h"

#include <gdal.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>

#include "dozor-geo.h"
#include "dozor-street-map.h"

/* The grid has at most GRID_SIDE × GRID_SIDE cells over the extent. */
#define GRID_SIDE 256

typedef enum
{
  ROAD_MINOR,
  ROAD_TERTIARY,
  ROAD_SECONDARY,
  ROAD_PRIMARY,
  ROAD_TRUNK,
  ROAD_MOTORWAY,
  N_ROAD_CLASSES
} RoadClass;

typedef struct
{
  guint first;       /* index of the first vertex */
  guint n_vertices;
  RoadClass road_class;
  double x0, y0, x1, y1; /* bounding box in world coordinates */
} Way;

typedef struct
{
  double x, y;
} Vertex;

struct _DozorStreetMap
{
  GObject parent_instance;

  GArray *vertices; /* Vertex */
  GArray *ways;     /* Way */

  /* World-coordinate extent and grid over it. */
  double x0, y0, x1, y1;
  guint grid_cols, grid_rows;
  double cell_w, cell_h;
  guint *cell_start; /* grid_cols * grid_rows + 1 offsets into cell_ways */
  guint *cell_ways;
};

G_DEFINE_FINAL_TYPE (DozorStreetMap, dozor_street_map, G_TYPE_OBJECT)

G_DEFINE_QUARK (dozor-street-map-error-quark, dozor_street_map_error)

typedef struct
{
  double r, g, b;
} Rgb;

typedef struct
{
  Rgb fill[N_ROAD_CLASSES];
  Rgb casing[N_ROAD_CLASSES];
} Palette;

#define RGB(hex) { ((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, ((hex) & 0xff) / 255.0 }

static const Palette light_palette = {
  .fill = { RGB (0xffffff), RGB (0xffffff), RGB (0xf7fabf), RGB (0xfcd6a4), RGB (0xf9b29c), RGB (0xe892a2) },
  .casing = { RGB (0xb8b4ab), RGB (0xa9a59c), RGB (0xa3a77a), RGB (0xb3935e), RGB (0xc07a66), RGB (0xb05a6c) },
};

static const Palette dark_palette = {
  .fill = { RGB (0x4d525a), RGB (0x585d66), RGB (0x6e737b), RGB (0x8a8170), RGB (0x9a8459), RGB (0xa8874a) },
  .casing = { RGB (0x17191c), RGB (0x17191c), RGB (0x141618), RGB (0x121315), RGB (0x121315), RGB (0x101112) },
};

/* Zoom from which each class is drawn: major roads first, then the rest, the
 * way a printed city map thins out as it shrinks. */
static const guint class_min_zoom[N_ROAD_CLASSES] = { 12, 12, 11, 9, 9, 9 };

/* Fill width in pixels at zoom 16; halves with every zoom level out, with a
 * floor so that a road never vanishes into a hairline. */
static const double class_width_z16[N_ROAD_CLASSES] = { 5.0, 6.0, 8.0, 10.0, 11.0, 12.0 };

static void
dozor_street_map_finalize (GObject *object)
{
  DozorStreetMap *self = (DozorStreetMap *)object;

  g_clear_pointer (&self->vertices, g_array_unref);
  g_clear_pointer (&self->ways, g_array_unref);
  g_clear_pointer (&self->cell_start, g_free);
  g_clear_pointer (&self->cell_ways, g_free);

  G_OBJECT_CLASS (dozor_street_map_parent_class)->finalize (object);
}

static void
dozor_street_map_class_init (DozorStreetMapClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_street_map_finalize;
}

static void
dozor_street_map_init (DozorStreetMap *self)
{
  self->vertices = g_array_new (FALSE, FALSE, sizeof (Vertex));
  self->ways = g_array_new (FALSE, FALSE, sizeof (Way));
}

static RoadClass
road_class_from_highway (const char *highway)
{
  static const struct {
    const char *prefix;
    RoadClass road_class;
  } classes[] = {
    { "motorway", ROAD_MOTORWAY },
    { "trunk", ROAD_TRUNK },
    { "primary", ROAD_PRIMARY },
    { "secondary", ROAD_SECONDARY },
    { "tertiary", ROAD_TERTIARY },
  };

  if (highway == NULL)
    return ROAD_MINOR;

  /* "primary_link" draws as its road: it is part of the same junction. */
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    if (g_str_has_prefix (highway, classes[i].prefix))
      return classes[i].road_class;

  return ROAD_MINOR;
}

typedef struct
{
  DozorStreetMap *self;
  OGRCoordinateTransformationH transform;
  RoadClass road_class;
  guint skipped_points;
} Loader;

static gboolean
add_line (Loader       *loader,
          OGRGeometryH  line,
          GError      **error)
{
  DozorStreetMap *self = loader->self;
  int n = OGR_G_GetPointCount (line);
  Way way = { .first = self->vertices->len, .road_class = loader->road_class,
              .x0 = G_MAXDOUBLE, .y0 = G_MAXDOUBLE, .x1 = -G_MAXDOUBLE, .y1 = -G_MAXDOUBLE };

  if (self->vertices->len + (guint) MAX (n, 0) > DOZOR_STREET_MAP_MAX_VERTICES)
    {
      g_set_error (error, DOZOR_STREET_MAP_ERROR, DOZOR_STREET_MAP_ERROR_TOO_LARGE,
                   _("more than %d points"), DOZOR_STREET_MAP_MAX_VERTICES);
      return FALSE;
    }

  for (int i = 0; i < n; i++)
    {
      double lon = OGR_G_GetX (line, i);
      double lat = OGR_G_GetY (line, i);
      Vertex v;

      if (loader->transform != NULL && !OCTTransform (loader->transform, 1, &lon, &lat, NULL))
        {
          loader->skipped_points++;
          continue;
        }

      if (!dozor_geo_is_valid_lat_lon (lat, lon))
        {
          loader->skipped_points++;
          continue;
        }

      dozor_geo_lon_lat_to_world (lon, lat, &v.x, &v.y);

      /* Consecutive duplicates add nothing but work. */
      if (way.n_vertices > 0)
        {
          const Vertex *last = &g_array_index (self->vertices, Vertex, self->vertices->len - 1);

          if (last->x == v.x && last->y == v.y)
            continue;
        }

      g_array_append_val (self->vertices, v);
      way.n_vertices++;
      way.x0 = MIN (way.x0, v.x);
      way.y0 = MIN (way.y0, v.y);
      way.x1 = MAX (way.x1, v.x);
      way.y1 = MAX (way.y1, v.y);
    }

  /* A way needs two distinct points to be drawn at all. */
  if (way.n_vertices < 2)
    {
      g_array_set_size (self->vertices, way.first);
      return TRUE;
    }

  if (self->ways->len >= DOZOR_STREET_MAP_MAX_WAYS)
    {
      g_set_error (error, DOZOR_STREET_MAP_ERROR, DOZOR_STREET_MAP_ERROR_TOO_LARGE,
                   _("more than %d streets"), DOZOR_STREET_MAP_MAX_WAYS);
      return FALSE;
    }

  g_array_append_val (self->ways, way);
  return TRUE;
}

static gboolean
add_geometry (Loader       *loader,
              OGRGeometryH  geometry,
              GError      **error)
{
  OGRwkbGeometryType type;

  if (geometry == NULL)
    return TRUE;

  type = wkbFlatten (OGR_G_GetGeometryType (geometry));
  if (type == wkbLineString)
    return add_line (loader, geometry, error);

  if (type == wkbMultiLineString || type == wkbGeometryCollection)
    {
      int n = OGR_G_GetGeometryCount (geometry);

      for (int i = 0; i < n; i++)
        if (!add_geometry (loader, OGR_G_GetGeometryRef (geometry, i), error))
          return FALSE;
    }

  /* Points and polygons are not streets; they are left out. */
  return TRUE;
}

static OGRCoordinateTransformationH
transform_to_wgs84 (OGRLayerH layer)
{
  OGRSpatialReferenceH source = OGR_L_GetSpatialRef (layer);
  OGRSpatialReferenceH wgs84;
  OGRSpatialReferenceH source_copy;
  OGRCoordinateTransformationH transform;

  if (source == NULL)
    return NULL;

  wgs84 = OSRNewSpatialReference (NULL);
  OSRSetWellKnownGeogCS (wgs84, "WGS84");
  OSRSetAxisMappingStrategy (wgs84, OAMS_TRADITIONAL_GIS_ORDER);

  if (OSRIsSame (source, wgs84))
    {
      OSRDestroySpatialReference (wgs84);
      return NULL;
    }

  source_copy = OSRClone (source);
  OSRSetAxisMappingStrategy (source_copy, OAMS_TRADITIONAL_GIS_ORDER);
  transform = OCTNewCoordinateTransformation (source_copy, wgs84);
  OSRDestroySpatialReference (source_copy);
  OSRDestroySpatialReference (wgs84);

  return transform;
}

static gboolean
read_layers (DozorStreetMap  *self,
             GDALDatasetH     dataset,
             GCancellable    *cancellable,
             GError         **error)
{
  int n_layers = GDALDatasetGetLayerCount (dataset);

  for (int l = 0; l < n_layers; l++)
    {
      OGRLayerH layer = GDALDatasetGetLayer (dataset, l);
      OGRFeatureDefnH definition = OGR_L_GetLayerDefn (layer);
      int highway_field = OGR_FD_GetFieldIndex (definition, "highway");
      Loader loader = { .self = self, .transform = transform_to_wgs84 (layer) };
      OGRFeatureH feature;
      guint count = 0;
      gboolean ok = TRUE;

      OGR_L_ResetReading (layer);
      while (ok && (feature = OGR_L_GetNextFeature (layer)) != NULL)
        {
          loader.road_class = road_class_from_highway (
            highway_field >= 0 && OGR_F_IsFieldSetAndNotNull (feature, highway_field)
              ? OGR_F_GetFieldAsString (feature, highway_field) : NULL);

          ok = add_geometry (&loader, OGR_F_GetGeometryRef (feature), error);
          OGR_F_Destroy (feature);

          if (ok && ++count % 1000 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
            ok = FALSE;
        }

      if (loader.transform != NULL)
        OCTDestroyCoordinateTransformation (loader.transform);
      if (loader.skipped_points > 0)
        g_debug ("Street map: %u points outside the world or not convertible were left out",
                 loader.skipped_points);
      if (!ok)
        return FALSE;
    }

  return g_cancellable_set_error_if_cancelled (cancellable, error) == FALSE;
}

static guint
cell_col (DozorStreetMap *self,
          double          x)
{
  return (guint) CLAMP ((x - self->x0) / self->cell_w, 0, self->grid_cols - 1);
}

static guint
cell_row (DozorStreetMap *self,
          double          y)
{
  return (guint) CLAMP ((y - self->y0) / self->cell_h, 0, self->grid_rows - 1);
}

/* Counting sort of way ids into grid cells by bounding box: two passes,
 * one array, no per-cell allocations. */
static void
build_grid (DozorStreetMap *self)
{
  guint n_cells;
  guint *fill;

  self->x0 = self->y0 = G_MAXDOUBLE;
  self->x1 = self->y1 = -G_MAXDOUBLE;
  for (guint i = 0; i < self->ways->len; i++)
    {
      const Way *way = &g_array_index (self->ways, Way, i);

      self->x0 = MIN (self->x0, way->x0);
      self->y0 = MIN (self->y0, way->y0);
      self->x1 = MAX (self->x1, way->x1);
      self->y1 = MAX (self->y1, way->y1);
    }

  self->grid_cols = GRID_SIDE;
  self->grid_rows = GRID_SIDE;
  self->cell_w = MAX (self->x1 - self->x0, 1e-12) / self->grid_cols;
  self->cell_h = MAX (self->y1 - self->y0, 1e-12) / self->grid_rows;
  n_cells = self->grid_cols * self->grid_rows;

  self->cell_start = g_new0 (guint, n_cells + 1);
  for (guint pass = 0; pass < 2; pass++)
    {
      if (pass == 1)
        {
          for (guint c = 0, total = 0; c <= n_cells; c++)
            {
              guint count = self->cell_start[c];

              self->cell_start[c] = total;
              total += count;
            }
          self->cell_ways = g_new (guint, self->cell_start[n_cells]);
        }

      fill = pass == 1 ? g_memdup2 (self->cell_start, sizeof (guint) * (n_cells + 1)) : NULL;

      for (guint i = 0; i < self->ways->len; i++)
        {
          const Way *way = &g_array_index (self->ways, Way, i);

          for (guint row = cell_row (self, way->y0); row <= cell_row (self, way->y1); row++)
            for (guint col = cell_col (self, way->x0); col <= cell_col (self, way->x1); col++)
              {
                guint cell = row * self->grid_cols + col;

                if (pass == 0)
                  self->cell_start[cell]++;
                else
                  self->cell_ways[fill[cell]++] = i;
              }
        }

      g_free (fill);
    }
}

static gpointer
register_drivers (gpointer data)
{
  GDALAllRegister ();
  return NULL;
}

/**
 * dozor_street_map_new_from_file:
 * @path: a GeoJSON, GeoPackage or Shapefile with the streets as lines
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads every line of every layer, reprojected to WGS 84 when the file says
 * it is in another CRS, with the OSM `highway` attribute as the road class
 * when there is one. Blocks: call it in a worker thread.
 *
 * Returns: (transfer full): the street map, or %NULL with @error set
 */
DozorStreetMap *
dozor_street_map_new_from_file (const char    *path,
                                GCancellable  *cancellable,
                                GError       **error)
{
  static GOnce drivers_once = G_ONCE_INIT;
  static const char *const allowed_drivers[] = { "GeoJSON", "GPKG", "ESRI Shapefile", NULL };
  g_autoptr(DozorStreetMap) self = NULL;
  g_autoptr(GError) local_error = NULL;
  GDALDatasetH dataset;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  /* GDAL's virtual file systems would read from URLs or archives; a street
   * map is a plain local file. */
  if (g_str_has_prefix (path, "/vsi") || strstr (path, "://") != NULL)
    {
      g_set_error (error, DOZOR_STREET_MAP_ERROR, DOZOR_STREET_MAP_ERROR_OPEN,
                   _("Cannot read street map “%s”: only local files are read"), path);
      return NULL;
    }

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, DOZOR_STREET_MAP_ERROR, DOZOR_STREET_MAP_ERROR_OPEN,
                   _("Cannot read street map “%s”: no such file"), path);
      return NULL;
    }

  g_once (&drivers_once, register_drivers, NULL);

  CPLPushErrorHandler (CPLQuietErrorHandler);
  CPLErrorReset ();
  CPLSetThreadLocalConfigOption ("GDAL_DISABLE_READDIR_ON_OPEN", "EMPTY_DIR");
  dataset = GDALOpenEx (path, GDAL_OF_VECTOR | GDAL_OF_READONLY, allowed_drivers, NULL, NULL);

  if (dataset == NULL)
    {
      const char *reason = CPLGetLastErrorMsg ();

      g_set_error (error, DOZOR_STREET_MAP_ERROR, DOZOR_STREET_MAP_ERROR_OPEN,
                   _("Cannot read street map “%s”: %s"), path,
                   reason != NULL && *reason != '\0' ? reason : _("not a vector file GDAL can read"));
      CPLSetThreadLocalConfigOption ("GDAL_DISABLE_READDIR_ON_OPEN", NULL);
      CPLPopErrorHandler ();
      return NULL;
    }

  self = g_object_new (DOZOR_TYPE_STREET_MAP, NULL);
  if (!read_layers (self, dataset, cancellable, &local_error))
    {
      GDALClose (dataset);
      CPLSetThreadLocalConfigOption ("GDAL_DISABLE_READDIR_ON_OPEN", NULL);
      CPLPopErrorHandler ();

      if (local_error->domain == DOZOR_STREET_MAP_ERROR)
        g_set_error (error, local_error->domain, local_error->code,
                     _("Cannot read street map “%s”: %s"), path, local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  GDALClose (dataset);
  CPLSetThreadLocalConfigOption ("GDAL_DISABLE_READDIR_ON_OPEN", NULL);
  CPLPopErrorHandler ();

  if (self->ways->len == 0)
    {
      g_set_error (error, DOZOR_STREET_MAP_ERROR, DOZOR_STREET_MAP_ERROR_CONTENT,
                   _("Street map “%s” contains no streets"), path);
      return NULL;
    }

  build_grid (self);

  return g_steal_pointer (&self);
}

guint
dozor_street_map_get_n_ways (DozorStreetMap *self)
{
  g_return_val_if_fail (DOZOR_IS_STREET_MAP (self), 0);

  return self->ways->len;
}

guint
dozor_street_map_get_n_vertices (DozorStreetMap *self)
{
  g_return_val_if_fail (DOZOR_IS_STREET_MAP (self), 0);

  return self->vertices->len;
}

/**
 * dozor_street_map_get_way:
 * @self: a #DozorStreetMap
 * @index: which way, below dozor_street_map_get_n_ways()
 * @n_points: (out): how many points it has (at least 2)
 *
 * Returns: (array) (transfer none): the way's points as x, y pairs in world
 *   coordinates (see dozor-geo.h); consecutive points are distinct
 */
const double *
dozor_street_map_get_way (DozorStreetMap *self,
                          guint           index,
                          guint          *n_points)
{
  const Way *way;

  g_return_val_if_fail (DOZOR_IS_STREET_MAP (self), NULL);
  g_return_val_if_fail (index < self->ways->len, NULL);

  way = &g_array_index (self->ways, Way, index);
  *n_points = way->n_vertices;
  return &g_array_index (self->vertices, Vertex, way->first).x;
}

/**
 * dozor_street_map_get_extent:
 * @self: a #DozorStreetMap
 * @west: (out): western longitude
 * @south: (out): southern latitude
 * @east: (out): eastern longitude
 * @north: (out): northern latitude
 *
 * Returns: %TRUE if the map has streets
 */
gboolean
dozor_street_map_get_extent (DozorStreetMap *self,
                             double         *west,
                             double         *south,
                             double         *east,
                             double         *north)
{
  g_return_val_if_fail (DOZOR_IS_STREET_MAP (self), FALSE);

  if (self->ways->len == 0)
    return FALSE;

  dozor_geo_world_to_lon_lat (self->x0, self->y1, west, south);
  dozor_geo_world_to_lon_lat (self->x1, self->y0, east, north);
  return TRUE;
}

static double
line_width (RoadClass road_class,
            guint     zoom)
{
  return MAX (class_width_z16[road_class] * pow (2.0, ((double) zoom - 16.0) * 0.75), 1.0);
}

static void
trace_way (DozorStreetMap *self,
           cairo_t        *cr,
           const Way      *way,
           double          ox,
           double          oy,
           double          scale)
{
  const Vertex *v = &g_array_index (self->vertices, Vertex, way->first);

  cairo_move_to (cr, (v[0].x - ox) * scale, (v[0].y - oy) * scale);
  for (guint i = 1; i < way->n_vertices; i++)
    cairo_line_to (cr, (v[i].x - ox) * scale, (v[i].y - oy) * scale);
}

/**
 * dozor_street_map_draw_tile:
 * @self: a #DozorStreetMap
 * @cr: a cairo context whose origin is the tile's top-left corner
 * @zoom: zoom level
 * @x: tile column
 * @y: tile row
 * @tile_size: the tile's size in pixels
 * @style: the palette
 *
 * Draws the streets that cross the tile, casings under fills and minor roads
 * under major ones. Paints no background. Safe from several threads at once.
 *
 * Returns: how many streets were drawn
 */
guint
dozor_street_map_draw_tile (DozorStreetMap *self,
                            cairo_t        *cr,
                            guint           zoom,
                            guint           x,
                            guint           y,
                            guint           tile_size,
                            DozorMapStyle   style)
{
  const Palette *palette = style == DOZOR_MAP_STYLE_DARK ? &dark_palette : &light_palette;
  GArray *by_class[N_ROAD_CLASSES];
  g_autoptr(GHashTable) seen = NULL;
  double tx0, ty0, tx1, ty1, scale, margin;
  guint drawn = 0;

  g_return_val_if_fail (DOZOR_IS_STREET_MAP (self), 0);

  if (zoom < DOZOR_STREET_MAP_MIN_ZOOM || self->ways->len == 0)
    return 0;

  dozor_geo_tile_bounds_world (zoom, x, y, &tx0, &ty0, &tx1, &ty1);
  scale = tile_size / (tx1 - tx0);
  /* Lines are wider than their centre line: take in streets just outside. */
  margin = (line_width (ROAD_MOTORWAY, zoom) + 4.0) / scale;
  tx0 -= margin;
  ty0 -= margin;
  tx1 += margin;
  ty1 += margin;

  if (tx1 < self->x0 || tx0 > self->x1 || ty1 < self->y0 || ty0 > self->y1)
    return 0;

  seen = g_hash_table_new (NULL, NULL);
  for (guint c = 0; c < N_ROAD_CLASSES; c++)
    by_class[c] = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint row = cell_row (self, ty0); row <= cell_row (self, ty1); row++)
    for (guint col = cell_col (self, tx0); col <= cell_col (self, tx1); col++)
      {
        guint cell = row * self->grid_cols + col;

        for (guint k = self->cell_start[cell]; k < self->cell_start[cell + 1]; k++)
          {
            guint id = self->cell_ways[k];
            const Way *way = &g_array_index (self->ways, Way, id);

            if (zoom < class_min_zoom[way->road_class] ||
                way->x1 < tx0 || way->x0 > tx1 || way->y1 < ty0 || way->y0 > ty1 ||
                !g_hash_table_add (seen, GUINT_TO_POINTER (id + 1)))
              continue;

            g_array_append_val (by_class[way->road_class], id);
          }
      }

  dozor_geo_tile_bounds_world (zoom, x, y, &tx0, &ty0, &tx1, &ty1);

  cairo_save (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  /* All casings first, so that crossing streets join instead of cutting
   * each other; then fills from minor to major. */
  for (int pass = 0; pass < 2; pass++)
    for (guint c = 0; c < N_ROAD_CLASSES; c++)
      {
        const Rgb *colour = pass == 0 ? &palette->casing[c] : &palette->fill[c];
        double width = line_width (c, zoom);

        if (by_class[c]->len == 0)
          continue;

        for (guint i = 0; i < by_class[c]->len; i++)
          trace_way (self, cr, &g_array_index (self->ways, Way, g_array_index (by_class[c], guint, i)),
                     tx0, ty0, scale);

        cairo_set_source_rgb (cr, colour->r, colour->g, colour->b);
        cairo_set_line_width (cr, pass == 0 ? width + MAX (1.5, width * 0.35) : width);
        cairo_stroke (cr);

        if (pass == 1)
          drawn += by_class[c]->len;
      }

  cairo_restore (cr);

  for (guint c = 0; c < N_ROAD_CLASSES; c++)
    g_array_unref (by_class[c]);

  return drawn;
}
