/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A city's street network, read once and kept in memory as
 * Web Mercator "world" coordinates (see dozor-geo.c), with a uniform grid to
 * find the streets near a tile. Nothing changes after loading, so any number
 * of worker threads may draw tiles from one map at once.
 *
 * The file may come from anywhere (a USB stick, a mail attachment), so the
 * loader treats it as hostile: local files only, a short list of drivers, no
 * network access from inside GDAL, limits on size, and coordinates that make
 * no sense are dropped rather than trusted.
 *
 * Plain GeoJSON in lon/lat (the city's roads.geojson) is read here with
 * json-glib, so that a board draws its streets without GDAL; anything else
 * (a GeoPackage, a Shapefile, another CRS, JSON only GDAL's parser takes)
 * goes to dozor_street_map_read_gdal() (dozor-street-map-gdal.c), which the
 * board reaches through its GIS file module (docs/decisions.md, "GDAL only
 * for files").
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "dozor-gis-reader.h"
#include "dozor-geo.h"
#include "dozor-street-map.h"
#include "dozor-street-map-private.h"


/* Cells no smaller than a zoom-16 tile: finer cells would only repeat the
 * same way ids, since tiles below zoom 16 cover several cells anyway. */
#define GRID_MIN_CELL (1.0 / 65536.0)
#define GRID_MAX_SIDE 256

/* A multi-line nested in a collection is still a street; deeper nesting is
 * not something a street file has, and recursion on it has no end. */
#define MAX_COLLECTION_DEPTH DOZOR_STREET_MAP_MAX_COLLECTION_DEPTH

/* Tile widths are given up to this zoom; beyond it streets keep growing. */
#define WIDTH_MAX_ZOOM 18
#define MAX_ZOOM 30

typedef struct
{
  double x, y;
} Vertex;

typedef struct
{
  guint first;          /* index of the first vertex */
  guint n_vertices;     /* at least 2, consecutive ones distinct */
  DozorRoadClass road_class;
  double x0, y0, x1, y1; /* bounding box in world coordinates */
} Way;

struct _DozorStreetMap
{
  GObject parent_instance;

  GArray *vertices; /* Vertex */
  GArray *ways;     /* Way */

  /* World-coordinate extent, and the grid over it: cell c lists the ways
   * whose bounding box touches it, cell_ways[cell_start[c] … cell_start[c+1]). */
  double x0, y0, x1, y1;
  guint grid_cols, grid_rows;
  double cell_w, cell_h;
  guint *cell_start;
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
  Rgb fill[DOZOR_N_ROAD_CLASSES];
  Rgb casing[DOZOR_N_ROAD_CLASSES];
} Palette;

#define RGB(hex) { ((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, ((hex) & 0xff) / 255.0 }

/* The colours people know from OpenStreetMap's own map, so the board reads
 * like any street map; casings are darker, muted tints of each fill. */
static const Palette light_palette = {
  .fill = { RGB (0xffffff), RGB (0xffffff), RGB (0xf7fabf), RGB (0xfcd6a4), RGB (0xf9b29c), RGB (0xe892a2) },
  .casing = { RGB (0xb8b4ab), RGB (0xa9a59c), RGB (0xa3a77a), RGB (0xb3935e), RGB (0xc07a66), RGB (0xb05a6c) },
};

/* A control room is dark for hours: streets in greys that step up with the
 * road class, the main roads in a dim amber, nothing that glows. */
static const Palette dark_palette = {
  .fill = { RGB (0x4a4e55), RGB (0x575b63), RGB (0x6b6f76), RGB (0x857d6c), RGB (0x94805a), RGB (0xa2834c) },
  .casing = { RGB (0x17191c), RGB (0x17191c), RGB (0x141618), RGB (0x121315), RGB (0x121315), RGB (0x101112) },
};

/* Fill width in pixels (256-pixel tiles) by zoom, from DOZOR_STREET_MAP_MIN_ZOOM
 * to WIDTH_MAX_ZOOM; 0 means the class is not drawn yet. Main roads first,
 * the rest as the city grows on screen, the way a printed map thins out. */
static const double class_width[DOZOR_N_ROAD_CLASSES][WIDTH_MAX_ZOOM - DOZOR_STREET_MAP_MIN_ZOOM + 1] = {
  /*                 9    10   11   12   13   14   15   16   17    18 */
  [DOZOR_ROAD_MINOR]     = { 0,   0,   0,   0.6, 1.2, 2.2, 3.4, 5.0, 6.5,  8.0 },
  [DOZOR_ROAD_TERTIARY]  = { 0,   0,   0,   1.2, 2.0, 3.2, 4.6, 6.4, 8.5,  10.5 },
  [DOZOR_ROAD_SECONDARY] = { 0,   0,   1.4, 2.2, 3.2, 4.4, 5.8, 7.8, 10.0, 12.0 },
  [DOZOR_ROAD_PRIMARY]   = { 1.1, 1.6, 2.2, 3.0, 4.0, 5.2, 6.6, 8.5, 11.0, 13.0 },
  [DOZOR_ROAD_TRUNK]     = { 1.3, 1.9, 2.5, 3.2, 4.2, 5.4, 6.8, 8.8, 11.2, 13.5 },
  [DOZOR_ROAD_MOTORWAY]  = { 1.4, 2.0, 2.6, 3.4, 4.4, 5.6, 7.0, 9.0, 11.5, 14.0 },
};

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

static DozorRoadClass
road_class_from_highway (const char *highway)
{
  static const struct {
    const char *name;
    DozorRoadClass road_class;
  } classes[] = {
    { "motorway", DOZOR_ROAD_MOTORWAY },
    { "trunk", DOZOR_ROAD_TRUNK },
    { "primary", DOZOR_ROAD_PRIMARY },
    { "secondary", DOZOR_ROAD_SECONDARY },
    { "tertiary", DOZOR_ROAD_TERTIARY },
  };
  gsize length;

  if (highway == NULL)
    return DOZOR_ROAD_MINOR;

  /* A "primary_link" draws as its road: it is part of the same junction. */
  length = strlen (highway);
  if (g_str_has_suffix (highway, "_link"))
    length -= strlen ("_link");

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    if (strlen (classes[i].name) == length && strncmp (highway, classes[i].name, length) == 0)
      return classes[i].road_class;

  return DOZOR_ROAD_MINOR;
}

typedef struct
{
  DozorStreetMap *self;
  DozorRoadClass road_class;

  /* What was left out, for the log: none of it stops the map loading. */
  guint skipped_points;
  guint skipped_lines;
  guint skipped_geometries;
} Loader;

static void
loader_set_highway (gpointer    data,
                    const char *highway)
{
  Loader *loader = data;

  loader->road_class = road_class_from_highway (highway);
}

static void
loader_skip_geometry (gpointer data)
{
  Loader *loader = data;

  loader->skipped_geometries++;
}

/* @converted: (nullable): FALSE where a point could not be reprojected */
static gboolean
loader_add_line (gpointer      data,
                 const double *lons,
                 const double *lats,
                 const int    *converted,
                 int           n,
                 GError      **error)
{
  Loader *loader = data;
  DozorStreetMap *self = loader->self;
  Way way = { .first = self->vertices->len, .road_class = loader->road_class,
              .x0 = G_MAXDOUBLE, .y0 = G_MAXDOUBLE, .x1 = -G_MAXDOUBLE, .y1 = -G_MAXDOUBLE };

  if (n < 2)
    {
      loader->skipped_lines++;
      return TRUE;
    }

  /* Checked before anything is allocated for the line. */
  if ((guint) n > DOZOR_STREET_MAP_MAX_VERTICES - self->vertices->len)
    {
      g_set_error (error, DOZOR_STREET_MAP_ERROR, DOZOR_STREET_MAP_ERROR_TOO_LARGE,
                   _("more than %d points"), DOZOR_STREET_MAP_MAX_VERTICES);
      return FALSE;
    }

  for (int i = 0; i < n; i++)
    {
      double lon = lons[i];
      double lat = lats[i];
      Vertex v;

      /* Web Mercator has no room for the poles; nor has a street. */
      if ((converted != NULL && !converted[i]) ||
          !dozor_geo_is_valid_lat_lon (lat, lon) ||
          fabs (lat) > DOZOR_GEO_MAX_LATITUDE)
        {
          loader->skipped_points++;
          continue;
        }

      dozor_geo_lon_lat_to_world (lon, lat, &v.x, &v.y);

      /* Consecutive duplicates add nothing but work, and the road graph
       * relies on every segment having a length. */
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
      loader->skipped_lines++;
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

/* --- Plain GeoJSON, without GDAL ------------------------------------------ */

typedef enum
{
  JSON_READ,      /* the file is read, or refused with an error */
  JSON_NOT_MINE,  /* something only GDAL reads: hand it the whole file */
} JsonOutcome;

/* The positions of one LineString: two numbers or more each. */
static JsonOutcome
json_add_line (Loader     *loader,
               JsonArray  *positions,
               GArray     *lons,
               GArray     *lats,
               GError    **error)
{
  guint n = json_array_get_length (positions);

  g_array_set_size (lons, 0);
  g_array_set_size (lats, 0);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (positions, i);
      JsonArray *position;
      JsonNode *x, *y;
      double lon, lat;

      if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (position = json_node_get_array (node)) < 2)
        return JSON_NOT_MINE;
      x = json_array_get_element (position, 0);
      y = json_array_get_element (position, 1);
      if (json_node_get_value_type (x) != G_TYPE_DOUBLE && json_node_get_value_type (x) != G_TYPE_INT64)
        return JSON_NOT_MINE;
      if (json_node_get_value_type (y) != G_TYPE_DOUBLE && json_node_get_value_type (y) != G_TYPE_INT64)
        return JSON_NOT_MINE;
      lon = json_node_get_double (x);
      lat = json_node_get_double (y);
      g_array_append_val (lons, lon);
      g_array_append_val (lats, lat);
    }

  /* A line over the limits sets @error, and the file is refused. */
  loader_add_line (loader, (double *) lons->data, (double *) lats->data, NULL, (int) n, error);
  return JSON_READ;
}

static JsonOutcome
json_add_geometry (Loader      *loader,
                   JsonNode    *node,
                   guint        depth,
                   GArray      *lons,
                   GArray      *lats,
                   GError     **error)
{
  JsonObject *geometry;
  const char *type;
  JsonNode *member;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return JSON_READ;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return JSON_NOT_MINE;
  geometry = json_node_get_object (node);
  type = json_object_get_string_member_with_default (geometry, "type", "");

  if (strcmp (type, "LineString") == 0 || strcmp (type, "MultiLineString") == 0)
    {
      member = json_object_get_member (geometry, "coordinates");
      if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
        return JSON_NOT_MINE;
      if (type[0] == 'L')
        return json_add_line (loader, json_node_get_array (member), lons, lats, error);

      if (depth >= MAX_COLLECTION_DEPTH)
        {
          loader->skipped_geometries++;
          return JSON_READ;
        }
      for (guint i = 0; i < json_array_get_length (json_node_get_array (member)); i++)
        {
          JsonNode *line = json_array_get_element (json_node_get_array (member), i);
          JsonOutcome outcome;

          if (!JSON_NODE_HOLDS_ARRAY (line))
            return JSON_NOT_MINE;
          outcome = json_add_line (loader, json_node_get_array (line), lons, lats, error);
          if (outcome != JSON_READ || (error != NULL && *error != NULL))
            return outcome;
        }
      return JSON_READ;
    }

  if (strcmp (type, "GeometryCollection") == 0)
    {
      member = json_object_get_member (geometry, "geometries");
      if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
        return JSON_NOT_MINE;
      if (depth >= MAX_COLLECTION_DEPTH)
        {
          loader->skipped_geometries++;
          return JSON_READ;
        }
      for (guint i = 0; i < json_array_get_length (json_node_get_array (member)); i++)
        {
          JsonOutcome outcome = json_add_geometry (loader, json_array_get_element (json_node_get_array (member), i),
                                                   depth + 1, lons, lats, error);

          if (outcome != JSON_READ || (error != NULL && *error != NULL))
            return outcome;
        }
      return JSON_READ;
    }

  /* Points and areas are not streets. */
  if (strcmp (type, "Point") == 0 || strcmp (type, "MultiPoint") == 0 ||
      strcmp (type, "Polygon") == 0 || strcmp (type, "MultiPolygon") == 0)
    {
      loader->skipped_geometries++;
      return JSON_READ;
    }
  return JSON_NOT_MINE;
}

/* Reads a FeatureCollection without a "crs" member (GeoJSON's lon/lat, RFC
 * 7946); whatever else the file is, GDAL is asked instead. */
static JsonOutcome
read_geojson (Loader        *loader,
              const char    *path,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GArray) lons = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) lats = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *lower = g_ascii_strdown (path, -1);
  GError *local_error = NULL;
  JsonObject *root;
  JsonNode *features;

  if (!g_str_has_suffix (lower, ".geojson") && !g_str_has_suffix (lower, ".json"))
    return JSON_NOT_MINE;
  if (!json_parser_load_from_mapped_file (parser, path, NULL) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return JSON_NOT_MINE;

  root = json_node_get_object (json_parser_get_root (parser));
  features = json_object_get_member (root, "features");
  if (g_strcmp0 (json_object_get_string_member_with_default (root, "type", ""), "FeatureCollection") != 0 ||
      json_object_has_member (root, "crs") ||
      features == NULL || !JSON_NODE_HOLDS_ARRAY (features))
    return JSON_NOT_MINE;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (features)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (features), i);
      JsonObject *feature, *properties = NULL;
      JsonNode *highway = NULL;
      JsonOutcome outcome;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return JSON_NOT_MINE;
      feature = json_node_get_object (node);
      if (json_object_has_member (feature, "properties") &&
          JSON_NODE_HOLDS_OBJECT (json_object_get_member (feature, "properties")))
        properties = json_object_get_object_member (feature, "properties");
      if (properties != NULL)
        highway = json_object_get_member (properties, "highway");
      loader_set_highway (loader, highway != NULL && json_node_get_value_type (highway) == G_TYPE_STRING
                                    ? json_node_get_string (highway) : NULL);

      outcome = json_add_geometry (loader, json_object_get_member (feature, "geometry"), 0, lons, lats,
                                   &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return JSON_READ;
        }
      if (outcome != JSON_READ)
        return outcome;

      if ((i + 1) % 1000 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return JSON_READ;
    }
  return JSON_READ;
}

static const DozorStreetLineSink loader_sink = {
  .set_highway = loader_set_highway,
  .add_line = loader_add_line,
  .skip_geometry = loader_skip_geometry,
};

/* The file's lines into @self: plain GeoJSON here, the rest through GDAL. */
static gboolean
read_lines (DozorStreetMap  *self,
            const char      *path,
            GCancellable    *cancellable,
            GError         **error)
{
  DozorStreetLineSink sink = loader_sink;
  Loader loader = { .self = self };
  GError *local_error = NULL;
  gboolean ok;

  if (read_geojson (&loader, path, cancellable, &local_error) == JSON_READ)
    ok = local_error == NULL;
  else
    {
      g_debug ("Street map: %s is not plain GeoJSON in lon/lat, read through GDAL", path);
      g_array_set_size (self->vertices, 0);
      g_array_set_size (self->ways, 0);
      loader = (Loader) { .self = self };
      sink.error_domain = DOZOR_STREET_MAP_ERROR;
      ok = dozor_street_map_read_gdal (path, &sink, &loader, cancellable, &local_error);
    }

  if (loader.skipped_points + loader.skipped_lines + loader.skipped_geometries > 0)
    g_debug ("Street map: left out %u points off the map or not convertible, "
             "%u lines without two distinct points, %u geometries that are not lines",
             loader.skipped_points, loader.skipped_lines, loader.skipped_geometries);

  if (!ok)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

static guint
cell_col (DozorStreetMap *self,
          double          x)
{
  return (guint) CLAMP ((x - self->x0) / self->cell_w, 0.0, self->grid_cols - 1.0);
}

static guint
cell_row (DozorStreetMap *self,
          double          y)
{
  return (guint) CLAMP ((y - self->y0) / self->cell_h, 0.0, self->grid_rows - 1.0);
}

static void
set_grid_size (DozorStreetMap *self,
               guint           cols,
               guint           rows)
{
  self->grid_cols = cols;
  self->grid_rows = rows;
  self->cell_w = MAX (self->x1 - self->x0, 1e-12) / cols;
  self->cell_h = MAX (self->y1 - self->y0, 1e-12) / rows;
}

static guint64
grid_entries (DozorStreetMap *self,
              guint64         budget)
{
  guint64 total = 0;

  for (guint i = 0; i < self->ways->len && total <= budget; i++)
    {
      const Way *way = &g_array_index (self->ways, Way, i);

      total += (guint64) (cell_col (self, way->x1) - cell_col (self, way->x0) + 1) *
               (cell_row (self, way->y1) - cell_row (self, way->y0) + 1);
    }

  return total;
}

/* Ways go into every cell their bounding box touches. Long diagonal ways
 * touch many, and a hostile file could hold nothing else: the grid gets
 * coarser until the index fits a budget proportional to the ways. */
static void
build_grid (DozorStreetMap *self)
{
  guint64 budget = 8 * (guint64) self->ways->len + 65536;
  guint n_cells;
  g_autofree guint *fill = NULL;

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

  set_grid_size (self,
                 CLAMP ((guint) ceil ((self->x1 - self->x0) / GRID_MIN_CELL), 1, GRID_MAX_SIDE),
                 CLAMP ((guint) ceil ((self->y1 - self->y0) / GRID_MIN_CELL), 1, GRID_MAX_SIDE));
  while (self->grid_cols * self->grid_rows > 1 && grid_entries (self, budget) > budget)
    set_grid_size (self, (self->grid_cols + 1) / 2, (self->grid_rows + 1) / 2);

  /* Counting sort of way ids into cells: one array, no per-cell lists. */
  n_cells = self->grid_cols * self->grid_rows;
  self->cell_start = g_new0 (guint, n_cells + 1);
  for (guint i = 0; i < self->ways->len; i++)
    {
      const Way *way = &g_array_index (self->ways, Way, i);

      for (guint row = cell_row (self, way->y0); row <= cell_row (self, way->y1); row++)
        for (guint col = cell_col (self, way->x0); col <= cell_col (self, way->x1); col++)
          self->cell_start[row * self->grid_cols + col + 1]++;
    }

  for (guint c = 0; c < n_cells; c++)
    self->cell_start[c + 1] += self->cell_start[c];

  self->cell_ways = g_new (guint, self->cell_start[n_cells]);
  fill = g_memdup2 (self->cell_start, sizeof (guint) * n_cells);
  for (guint i = 0; i < self->ways->len; i++)
    {
      const Way *way = &g_array_index (self->ways, Way, i);

      for (guint row = cell_row (self, way->y0); row <= cell_row (self, way->y1); row++)
        for (guint col = cell_col (self, way->x0); col <= cell_col (self, way->x1); col++)
          self->cell_ways[fill[row * self->grid_cols + col]++] = i;
    }

  g_debug ("Street map: %u ways in a %u × %u grid, %u entries",
           self->ways->len, self->grid_cols, self->grid_rows, self->cell_start[n_cells]);
}

static DozorStreetMap *
load (const char    *path,
      GCancellable  *cancellable,
      GError       **error)
{
  g_autoptr(DozorStreetMap) self = g_object_new (DOZOR_TYPE_STREET_MAP, NULL);

  if (!read_lines (self, path, cancellable, error))
    return NULL;

  if (self->ways->len == 0)
    {
      g_set_error_literal (error, DOZOR_STREET_MAP_ERROR, DOZOR_STREET_MAP_ERROR_CONTENT,
                           _("it contains no streets"));
      return NULL;
    }

  build_grid (self);

  return g_steal_pointer (&self);
}

/**
 * dozor_street_map_new_from_file:
 * @path: a GeoJSON, GeoPackage or Shapefile with the streets as lines
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads every line of every layer, reprojected to WGS 84 when the file says
 * it is in another CRS, with the OSM `highway` attribute as the road class
 * when there is one. Points off the map and lines without two distinct
 * points are left out. Blocks: call it in a worker thread.
 *
 * Returns: (transfer full): the street map, or %NULL with @error set
 */
DozorStreetMap *
dozor_street_map_new_from_file (const char    *path,
                                GCancellable  *cancellable,
                                GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *problem = NULL;
  g_autofree char *absolute = NULL;
  DozorStreetMap *self;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  problem = dozor_gis_check_local_file (path, NULL);
  if (problem != NULL)
    {
      g_set_error (error, DOZOR_STREET_MAP_ERROR, DOZOR_STREET_MAP_ERROR_OPEN,
                   _("Cannot read street map “%s”: %s"), path, problem);
      return NULL;
    }

  /* The absolute path: GDAL must take "GPKG:x" as a file's name. */
  absolute = g_canonicalize_filename (path, NULL);
  self = load (absolute, cancellable, &local_error);

  if (self == NULL)
    {
      if (local_error->domain == DOZOR_STREET_MAP_ERROR)
        g_set_error (error, DOZOR_STREET_MAP_ERROR, local_error->code,
                     _("Cannot read street map “%s”: %s"), path, local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
    }

  return self;
}

/**
 * dozor_street_map_get_n_ways:
 * @self: a #DozorStreetMap
 *
 * Returns: how many ways (lines with at least two distinct points) the map has
 */
guint
dozor_street_map_get_n_ways (DozorStreetMap *self)
{
  g_return_val_if_fail (DOZOR_IS_STREET_MAP (self), 0);

  return self->ways->len;
}

/**
 * dozor_street_map_get_n_vertices:
 * @self: a #DozorStreetMap
 *
 * Returns: how many points all ways have together
 */
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
  g_return_val_if_fail (n_points != NULL, NULL);

  way = &g_array_index (self->ways, Way, index);
  *n_points = way->n_vertices;
  return &g_array_index (self->vertices, Vertex, way->first).x;
}

/**
 * dozor_street_map_get_way_class:
 * @self: a #DozorStreetMap
 * @index: which way, below dozor_street_map_get_n_ways()
 *
 * Returns: the way's road class
 */
DozorRoadClass
dozor_street_map_get_way_class (DozorStreetMap *self,
                                guint           index)
{
  g_return_val_if_fail (DOZOR_IS_STREET_MAP (self), DOZOR_ROAD_MINOR);
  g_return_val_if_fail (index < self->ways->len, DOZOR_ROAD_MINOR);

  return g_array_index (self->ways, Way, index).road_class;
}

/**
 * dozor_street_map_get_extent:
 * @self: a #DozorStreetMap
 * @west: (out): western longitude
 * @south: (out): southern latitude
 * @east: (out): eastern longitude
 * @north: (out): northern latitude
 *
 * The bounding box of all streets, in degrees.
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
fill_width (DozorRoadClass road_class,
            guint     zoom)
{
  double width = class_width[road_class][MIN (zoom, WIDTH_MAX_ZOOM) - DOZOR_STREET_MAP_MIN_ZOOM];

  if (zoom > WIDTH_MAX_ZOOM)
    width *= pow (1.5, MIN (zoom, WIDTH_MAX_ZOOM + 3) - WIDTH_MAX_ZOOM);

  return width;
}

/* The dark edge on either side of the fill: a hairline on thin roads, so
 * that they stay lines and not outlines, up to 2 px on wide ones. */
static double
casing_width (double fill)
{
  return fill + 2.0 * CLAMP (fill * 0.15, 0.5, 2.0);
}

/* Liang–Barsky: the part t0…t1 of the segment (x, y) + t (dx, dy) inside the
 * square lo…hi, if any. */
static gboolean
clip_segment (double  x,
              double  y,
              double  dx,
              double  dy,
              double  lo,
              double  hi,
              double *t0,
              double *t1)
{
  const double p[4] = { -dx, dx, -dy, dy };
  const double q[4] = { x - lo, hi - x, y - lo, hi - y };

  *t0 = 0.0;
  *t1 = 1.0;
  for (guint k = 0; k < 4; k++)
    {
      double r;

      if (p[k] == 0.0)
        {
          if (q[k] < 0.0)
            return FALSE;
          continue;
        }

      r = q[k] / p[k];
      if (p[k] < 0.0)
        {
          if (r > *t1)
            return FALSE;
          *t0 = MAX (*t0, r);
        }
      else
        {
          if (r < *t0)
            return FALSE;
          *t1 = MIN (*t1, r);
        }
    }

  return TRUE;
}

typedef struct
{
  double ox, oy;  /* the tile's top-left corner, world coordinates */
  double scale;   /* pixels per world unit */
  double lo, hi;  /* the square, in pixels, that segments are cut to */
} View;

/* Adds the parts of the way near the tile to the current path. Cutting
 * segments at a square well outside the tile keeps cairo's 24.8 fixed-point
 * coordinates from overflowing at high zoom and skips off-tile work; the cut
 * ends, and their round caps, are never on screen. */
static gboolean
trace_way (DozorStreetMap *self,
           cairo_t        *cr,
           const Way      *way,
           const View     *view)
{
  const Vertex *v = &g_array_index (self->vertices, Vertex, way->first);
  double px = (v[0].x - view->ox) * view->scale;
  double py = (v[0].y - view->oy) * view->scale;
  gboolean pen_down = FALSE;
  gboolean traced = FALSE;

  for (guint i = 1; i < way->n_vertices; i++)
    {
      double qx = (v[i].x - view->ox) * view->scale;
      double qy = (v[i].y - view->oy) * view->scale;
      double t0, t1;

      if (clip_segment (px, py, qx - px, qy - py, view->lo, view->hi, &t0, &t1))
        {
          if (!pen_down || t0 > 0.0)
            cairo_move_to (cr, px + t0 * (qx - px), py + t0 * (qy - py));
          cairo_line_to (cr, px + t1 * (qx - px), py + t1 * (qy - py));
          pen_down = t1 >= 1.0;
          traced = TRUE;
        }
      else
        {
          pen_down = FALSE;
        }

      px = qx;
      py = qy;
    }

  return traced;
}

/* The ways whose bounding box meets the rectangle, each once, in id order
 * for the same picture every time. The "seen" bits belong to this call
 * alone, which is what lets threads share the map. */
static GArray *
find_ways (DozorStreetMap *self,
           guint           zoom,
           double          x0,
           double          y0,
           double          x1,
           double          y1)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (guint));
  guint col0 = cell_col (self, x0), col1 = cell_col (self, x1);
  guint row0 = cell_row (self, y0), row1 = cell_row (self, y1);
  g_autofree guint8 *seen = NULL;

  /* A tile over the whole city: reading every way once beats visiting
   * every cell and its repeats. */
  if ((guint64) (col1 - col0 + 1) * (row1 - row0 + 1) >= self->ways->len)
    {
      for (guint id = 0; id < self->ways->len; id++)
        {
          const Way *way = &g_array_index (self->ways, Way, id);

          if (fill_width (way->road_class, zoom) > 0.0 &&
              way->x1 >= x0 && way->x0 <= x1 && way->y1 >= y0 && way->y0 <= y1)
            g_array_append_val (found, id);
        }

      return found;
    }

  seen = g_new0 (guint8, self->ways->len / 8 + 1);
  for (guint row = row0; row <= row1; row++)
    for (guint col = col0; col <= col1; col++)
      {
        guint cell = row * self->grid_cols + col;

        for (guint k = self->cell_start[cell]; k < self->cell_start[cell + 1]; k++)
          {
            guint id = self->cell_ways[k];
            const Way *way = &g_array_index (self->ways, Way, id);

            if (seen[id / 8] & (1u << (id % 8)))
              continue;
            seen[id / 8] |= 1u << (id % 8);

            if (fill_width (way->road_class, zoom) > 0.0 &&
                way->x1 >= x0 && way->x0 <= x1 && way->y1 >= y0 && way->y0 <= y1)
              g_array_append_val (found, id);
          }
      }

  return found;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  guint ia = *(const guint *) a;
  guint ib = *(const guint *) b;

  return ia < ib ? -1 : ia > ib;
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
 * Draws the streets that cross the tile: the main roads from
 * %DOZOR_STREET_MAP_MIN_ZOOM, secondary roads from zoom 11, the rest from
 * zoom 12, wider as the zoom grows. Casings go under fills and minor roads
 * under major ones. Paints no background. Safe from several threads at once,
 * each with its own @cr.
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
  cairo_path_t *paths[DOZOR_N_ROAD_CLASSES] = { NULL, };
  g_autoptr(GArray) found = NULL;
  double tx0, ty0, tx1, ty1, margin;
  double pixel_scale;
  View view;
  guint drawn = 0;

  g_return_val_if_fail (DOZOR_IS_STREET_MAP (self), 0);
  g_return_val_if_fail (cr != NULL, 0);

  if (zoom < DOZOR_STREET_MAP_MIN_ZOOM || zoom > MAX_ZOOM || tile_size == 0 ||
      x >= 1u << zoom || y >= 1u << zoom)
    return 0;

  /* Widths are for 256-pixel tiles; a bigger tile shows the same map finer. */
  pixel_scale = tile_size / 256.0;

  dozor_geo_tile_bounds_world (zoom, x, y, &tx0, &ty0, &tx1, &ty1);
  view.ox = tx0;
  view.oy = ty0;
  view.scale = tile_size / (tx1 - tx0);
  view.lo = -(double) tile_size;
  view.hi = 2.0 * tile_size;

  /* Lines are wider than their centre line: take in streets just outside. */
  margin = (casing_width (fill_width (DOZOR_ROAD_MOTORWAY, zoom)) * pixel_scale / 2.0 + 1.0) / view.scale;
  found = find_ways (self, zoom, tx0 - margin, ty0 - margin, tx1 + margin, ty1 + margin);
  if (found->len == 0)
    return 0;
  g_array_sort (found, compare_ids);

  cairo_save (cr);
  cairo_new_path (cr);
  for (guint c = 0; c < DOZOR_N_ROAD_CLASSES; c++)
    {
      for (guint i = 0; i < found->len; i++)
        {
          const Way *way = &g_array_index (self->ways, Way, g_array_index (found, guint, i));

          if (way->road_class == c && trace_way (self, cr, way, &view))
            drawn++;
        }

      paths[c] = cairo_copy_path (cr);
      cairo_new_path (cr);
    }

  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  /* All casings first, so that crossing streets join instead of cutting
   * each other; then fills from minor to major, main roads on top. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint c = 0; c < DOZOR_N_ROAD_CLASSES; c++)
      {
        const Rgb *colour = pass == 0 ? &palette->casing[c] : &palette->fill[c];
        double width = fill_width (c, zoom);

        if (paths[c]->num_data == 0)
          continue;

        cairo_append_path (cr, paths[c]);
        cairo_set_source_rgb (cr, colour->r, colour->g, colour->b);
        cairo_set_line_width (cr, (pass == 0 ? casing_width (width) : width) * pixel_scale);
        cairo_stroke (cr);
      }

  cairo_restore (cr);

  for (guint c = 0; c < DOZOR_N_ROAD_CLASSES; c++)
    cairo_path_destroy (paths[c]);

  return drawn;
}
