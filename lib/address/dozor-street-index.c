/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * An offline street index: what an operator types ("Абая / Достык",
 * "Abaya Dostyk") becomes a point, and a point on the map becomes "a
 * street, near a cross street".
 *
 * The index is an SQLite file built once from a named street network
 * (GeoJSON or any format lib/gis reads). It holds
 *   - street: one row per street, where a street is every way whose name
 *     has the same key (dozor-street-name.c), so "проспект Абая" and "Абай
 *     даңғылы" are one street; its most common name and the middle of its
 *     longest way;
 *   - street_fts: an FTS5 table of those keys, searched by prefix so an
 *     inflected or shortened word still matches;
 *   - way: each named line, as WKB in a local metric plane, with an R*Tree
 *     of their boxes for the nearest street to a point;
 *   - crossing: where two different streets meet, found with GEOS at build
 *     time (an STRtree of the ways, then intersections of the candidates),
 *     the junction points of one pair within CLUSTER_M merged into one, so a
 *     dual carriageway gives one crossing and not four.
 *
 * Geometry is in a local equirectangular plane around the data's centre:
 * across a city (tens of kilometres) its scale error is far below a metre
 * per hundred, and GEOS then measures in metres.
 */
#include "dozor-street-index.h"

#include <errno.h>
#include <fcntl.h>
#include <geos_c.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "dozor-geo.h"
#include "dozor-gis-layer.h"
#include "dozor-gis-reader.h"
#include "dozor-sqlite.h"
#include "dozor-street-name.h"

/* Junction points of the same two streets closer than this are one
 * crossing (both carriageways of two avenues meet in up to four points). */
#define CLUSTER_M 120.0

/* How far from a point the cross street of its nearest street may be. */
#define CROSS_STREET_MAX_M 1500.0

/* Streets one part of a query may stand for; enough for every street that
 * shares a stem with what was typed, few enough that pairing two parts
 * stays a few hundred look-ups. */
#define MAX_CANDIDATES 20

/* Words of a query without a separator tried as two streets. */
#define MAX_QUERY_WORDS 8

static const char schema[] =
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE street (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
  "  lat REAL NOT NULL, lon REAL NOT NULL, length_m REAL NOT NULL);"
  "CREATE VIRTUAL TABLE street_fts USING fts5 (keys, tokenize = 'unicode61 remove_diacritics 0');"
  "CREATE TABLE way (id INTEGER PRIMARY KEY, street INTEGER NOT NULL, name TEXT NOT NULL,"
  "  geom BLOB NOT NULL);"
  "CREATE VIRTUAL TABLE way_rtree USING rtree (id, min_x, max_x, min_y, max_y);"
  "CREATE TABLE crossing (a INTEGER NOT NULL, b INTEGER NOT NULL, lat REAL NOT NULL,"
  "  lon REAL NOT NULL);"
  "CREATE INDEX crossing_a ON crossing (a, b);"
  "CREATE INDEX crossing_b ON crossing (b);";

typedef struct
{
  double lat0;
  double lon0;
  double kx;
  double ky;
} Plane;

struct _DozorStreetIndex
{
  GObject parent_instance;

  /* One connection and one GEOS context, used by one thread at a time. */
  GMutex lock;
  sqlite3 *db;
  GEOSContextHandle_t geos;
  Plane plane;
  guint n_streets;
  guint n_crossings;
};

G_DEFINE_FINAL_TYPE (DozorStreetIndex, dozor_street_index, G_TYPE_OBJECT)

static void
plane_init (Plane  *plane,
            double  lat0,
            double  lon0)
{
  plane->lat0 = lat0;
  plane->lon0 = lon0;
  plane->ky = DOZOR_GEO_EARTH_RADIUS_M * G_PI / 180.0;
  plane->kx = plane->ky * cos (lat0 * G_PI / 180.0);
}

static void
plane_to_xy (const Plane *plane,
             double       lat,
             double       lon,
             double      *x,
             double      *y)
{
  *x = (lon - plane->lon0) * plane->kx;
  *y = (lat - plane->lat0) * plane->ky;
}

static void
plane_to_lat_lon (const Plane *plane,
                  double       x,
                  double       y,
                  double      *lat,
                  double      *lon)
{
  *lat = plane->lat0 + y / plane->ky;
  *lon = plane->lon0 + x / plane->kx;
}

static void
geos_message (const char *message,
              void       *user_data)
{
  g_debug ("GEOS: %s", message);
}

static GEOSContextHandle_t
geos_new (void)
{
  GEOSContextHandle_t geos = GEOS_init_r ();

  GEOSContext_setErrorMessageHandler_r (geos, geos_message, NULL);
  GEOSContext_setNoticeMessageHandler_r (geos, geos_message, NULL);
  return geos;
}

static void
dozor_street_index_finalize (GObject *object)
{
  DozorStreetIndex *self = DOZOR_STREET_INDEX (object);

  g_clear_pointer (&self->db, sqlite3_close);
  if (self->geos != NULL)
    GEOS_finish_r (self->geos);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (dozor_street_index_parent_class)->finalize (object);
}

static void
dozor_street_index_class_init (DozorStreetIndexClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_street_index_finalize;
}

static void
dozor_street_index_init (DozorStreetIndex *self)
{
  g_mutex_init (&self->lock);
}

/* ---- building ---------------------------------------------------------- */

typedef struct
{
  gint64 id;
  char *key;
  GHashTable *names; /* name → number of ways */
  double length_m;
  guint longest;     /* index into the ways */
  double longest_m;
} StreetBuild;

typedef struct
{
  gint64 street;
  char *name;
  GEOSGeometry *line;
} WayBuild;

typedef struct
{
  GEOSContextHandle_t geos;
  GPtrArray *streets;   /* StreetBuild, index = id - 1 */
  GHashTable *by_key;   /* key → StreetBuild */
  GArray *ways;         /* WayBuild */
  GHashTable *pairs;    /* gint64 (a << 32 | b) → GArray of x, y pairs */
  Plane plane;
} Builder;

static void
street_build_free (gpointer data)
{
  StreetBuild *street = data;

  g_free (street->key);
  g_hash_table_unref (street->names);
  g_free (street);
}

static void
builder_clear (Builder *b)
{
  for (guint i = 0; b->ways != NULL && i < b->ways->len; i++)
    {
      WayBuild *way = &g_array_index (b->ways, WayBuild, i);

      g_free (way->name);
      GEOSGeom_destroy_r (b->geos, way->line);
    }
  g_clear_pointer (&b->ways, g_array_unref);
  g_clear_pointer (&b->streets, g_ptr_array_unref);
  g_clear_pointer (&b->by_key, g_hash_table_unref);
  g_clear_pointer (&b->pairs, g_hash_table_unref);
  if (b->geos != NULL)
    GEOS_finish_r (b->geos);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Builder, builder_clear)

static void
builder_add_way (Builder    *b,
                 const char *name,
                 GArray     *part)
{
  g_autofree char *key = NULL;
  StreetBuild *street;
  GEOSCoordSequence *seq;
  GEOSGeometry *line;
  WayBuild way;
  double length = 0;

  if (part->len < 2)
    return;
  key = dozor_street_name_key (name);
  if (*key == '\0')
    return;

  seq = GEOSCoordSeq_create_r (b->geos, part->len, 2);
  for (guint i = 0; i < part->len; i++)
    {
      const double *lon_lat = (const double *) part->data + 2 * i;
      double x, y;

      plane_to_xy (&b->plane, lon_lat[1], lon_lat[0], &x, &y);
      GEOSCoordSeq_setXY_r (b->geos, seq, i, x, y);
    }
  line = GEOSGeom_createLineString_r (b->geos, seq);
  if (line == NULL)
    return;
  GEOSLength_r (b->geos, line, &length);

  street = g_hash_table_lookup (b->by_key, key);
  if (street == NULL)
    {
      street = g_new0 (StreetBuild, 1);
      street->id = b->streets->len + 1;
      street->key = g_strdup (key);
      street->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_ptr_array_add (b->streets, street);
      g_hash_table_insert (b->by_key, street->key, street);
    }
  g_hash_table_insert (street->names, g_strdup (name),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (street->names, name)) + 1));
  street->length_m += length;
  if (length > street->longest_m)
    {
      street->longest_m = length;
      street->longest = b->ways->len;
    }

  way.street = street->id;
  way.name = g_strdup (name);
  way.line = line;
  g_array_append_val (b->ways, way);
}

/* The lines of a plain GeoJSON feature (LineString, MultiLineString) as
 * parts of (longitude, latitude) pairs, as dozor_gis_layer_get_parts()
 * gives them; %NULL for anything else. */
static GPtrArray *
json_line_parts (JsonObject *feature)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  JsonNode *node = json_object_get_member (feature, "geometry");
  JsonObject *geometry;
  JsonArray *coordinates;
  const char *type;
  gboolean multi;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  geometry = json_node_get_object (node);
  type = json_object_get_string_member_with_default (geometry, "type", "");
  multi = strcmp (type, "MultiLineString") == 0;
  node = json_object_get_member (geometry, "coordinates");
  if ((!multi && strcmp (type, "LineString") != 0) || node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  coordinates = json_node_get_array (node);

  for (guint p = 0; p < (multi ? json_array_get_length (coordinates) : 1); p++)
    {
      JsonNode *line_node = multi ? json_array_get_element (coordinates, p) : node;
      JsonArray *line;
      GArray *part;

      if (!JSON_NODE_HOLDS_ARRAY (line_node))
        return NULL;
      line = json_node_get_array (line_node);
      part = g_array_sized_new (FALSE, FALSE, 2 * sizeof (double), json_array_get_length (line));
      g_ptr_array_add (parts, part);
      for (guint i = 0; i < json_array_get_length (line); i++)
        {
          JsonNode *position = json_array_get_element (line, i);
          double lon_lat[2];

          if (!JSON_NODE_HOLDS_ARRAY (position) || json_array_get_length (json_node_get_array (position)) < 2)
            return NULL;
          lon_lat[0] = json_array_get_double_element (json_node_get_array (position), 0);
          lon_lat[1] = json_array_get_double_element (json_node_get_array (position), 1);
          if (!dozor_geo_is_valid_lat_lon (lon_lat[1], lon_lat[0]))
            return NULL;
          g_array_append_vals (part, lon_lat, 1);
        }
    }
  return g_steal_pointer (&parts);
}

/* The city's own streets.geojson without GDAL: a board builds its index
 * at its first intake, which must not load the GIS file module
 * (docs/decisions.md, "The GIS file module"). FALSE, with nothing added,
 * for a file that is not a plain GeoJSON FeatureCollection of lines in
 * lon/lat: GDAL reads that. */
static gboolean
builder_read_geojson (Builder    *b,
                      const char *source)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) features = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *lower = g_ascii_strdown (source, -1);
  double west = G_MAXDOUBLE, south = G_MAXDOUBLE, east = -G_MAXDOUBLE, north = -G_MAXDOUBLE;
  JsonObject *root;
  JsonArray *items;

  if (!g_str_has_suffix (lower, ".geojson") && !g_str_has_suffix (lower, ".json"))
    return FALSE;
  if (!json_parser_load_from_mapped_file (parser, source, NULL) || json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  root = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (json_object_get_string_member_with_default (root, "type", ""), "FeatureCollection") != 0 ||
      json_object_has_member (root, "crs") || !json_object_has_member (root, "features") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "features")))
    return FALSE;
  items = json_object_get_array_member (root, "features");

  /* Every line first, for the extent the plane is centred on. */
  for (guint f = 0; f < json_array_get_length (items); f++)
    {
      JsonNode *node = json_array_get_element (items, f);
      JsonObject *properties;
      JsonNode *name;
      GPtrArray *parts;

      if (!JSON_NODE_HOLDS_OBJECT (node) || (parts = json_line_parts (json_node_get_object (node))) == NULL)
        return FALSE;
      for (guint p = 0; p < parts->len; p++)
        {
          GArray *part = g_ptr_array_index (parts, p);

          for (guint i = 0; i < part->len; i++)
            {
              const double *lon_lat = (const double *) part->data + 2 * i;

              west = MIN (west, lon_lat[0]);
              east = MAX (east, lon_lat[0]);
              south = MIN (south, lon_lat[1]);
              north = MAX (north, lon_lat[1]);
            }
        }
      properties = json_object_has_member (json_node_get_object (node), "properties") &&
                   JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (node), "properties"))
                     ? json_object_get_object_member (json_node_get_object (node), "properties") : NULL;
      name = properties != NULL ? json_object_get_member (properties, "name") : NULL;
      g_ptr_array_add (features, parts);
      g_ptr_array_add (names, name != NULL && json_node_get_value_type (name) == G_TYPE_STRING
                                ? g_utf8_substring (json_node_get_string (name), 0,
                                                    MIN (g_utf8_strlen (json_node_get_string (name), -1),
                                                         DOZOR_STREET_NAME_MAX_CHARS))
                                : NULL);
    }
  if (west > east)
    return FALSE;
  plane_init (&b->plane, (south + north) / 2, (west + east) / 2);

  for (guint f = 0; f < features->len; f++)
    {
      GPtrArray *parts = g_ptr_array_index (features, f);
      char *name = g_ptr_array_index (names, f);

      if (name == NULL || *g_strstrip (name) == '\0')
        continue;
      for (guint p = 0; p < parts->len; p++)
        builder_add_way (b, name, g_ptr_array_index (parts, p));
    }
  return TRUE;
}

static gboolean
builder_read (Builder       *b,
              const char    *source,
              GCancellable  *cancellable,
              GError       **error)
{
  DozorGisReadOptions options;
  g_autoptr(GPtrArray) layers = NULL;
  double west = G_MAXDOUBLE, south = G_MAXDOUBLE, east = -G_MAXDOUBLE, north = -G_MAXDOUBLE;

  if (builder_read_geojson (b, source))
    goto done;

  dozor_gis_read_options_init (&options);
  layers = dozor_gis_read_file (source, &options, NULL, NULL, cancellable, error);
  if (layers == NULL)
    return FALSE;

  for (guint l = 0; l < layers->len; l++)
    {
      double w, s, e, n;

      if (dozor_gis_layer_get_extent (g_ptr_array_index (layers, l), &w, &s, &e, &n))
        {
          west = MIN (west, w);
          south = MIN (south, s);
          east = MAX (east, e);
          north = MAX (north, n);
        }
    }
  if (west > east)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s holds no streets", source);
      return FALSE;
    }
  plane_init (&b->plane, (south + north) / 2, (west + east) / 2);

  for (guint l = 0; l < layers->len; l++)
    {
      DozorGisLayer *layer = g_ptr_array_index (layers, l);
      int field = dozor_gis_layer_find_field (layer, "name");

      if (field < 0)
        continue;
      for (guint f = 0; f < dozor_gis_layer_get_n_features (layer); f++)
        {
          const char *text = dozor_gis_layer_get_text (layer, f, field);
          g_autofree char *name = NULL;
          g_autoptr(GPtrArray) parts = NULL;

          if (text == NULL || dozor_gis_layer_get_shape (layer, f) != DOZOR_GIS_SHAPE_LINE)
            continue;
          name = g_utf8_substring (text, 0, MIN (g_utf8_strlen (text, -1), DOZOR_STREET_NAME_MAX_CHARS));
          g_strstrip (name);
          if (*name == '\0')
            continue;
          parts = dozor_gis_layer_get_parts (layer, f);
          for (guint p = 0; p < parts->len; p++)
            builder_add_way (b, name, g_ptr_array_index (parts, p));
        }
    }
done:
  if (b->ways->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s holds no named lines", source);
      return FALSE;
    }
  return TRUE;
}

static void
collect_candidate (void *item,
                   void *user_data)
{
  g_array_append_val ((GArray *) user_data, item);
}

static void
builder_add_point (Builder *b,
                   gint64   a,
                   gint64   c,
                   double   x,
                   double   y)
{
  gint64 key = MIN (a, c) << 32 | MAX (a, c);
  GArray *points = g_hash_table_lookup (b->pairs, &key);
  double xy[2] = { x, y };

  if (points == NULL)
    {
      points = g_array_new (FALSE, FALSE, sizeof (double) * 2);
      g_hash_table_insert (b->pairs, g_memdup2 (&key, sizeof key), points);
    }
  g_array_append_vals (points, xy, 1);
}

/* Every point where two ways of different streets meet or overlap. */
static gboolean
builder_find_crossings (Builder       *b,
                        GCancellable  *cancellable,
                        GError       **error)
{
  GEOSSTRtree *tree = GEOSSTRtree_create_r (b->geos, 10);
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (gpointer));

  for (guint i = 0; i < b->ways->len; i++)
    GEOSSTRtree_insert_r (b->geos, tree, g_array_index (b->ways, WayBuild, i).line, GUINT_TO_POINTER (i + 1));

  for (guint i = 0; i < b->ways->len; i++)
    {
      WayBuild *way = &g_array_index (b->ways, WayBuild, i);
      const GEOSPreparedGeometry *prepared;

      if (i % 256 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          GEOSSTRtree_destroy_r (b->geos, tree);
          return FALSE;
        }

      g_array_set_size (candidates, 0);
      GEOSSTRtree_query_r (b->geos, tree, way->line, collect_candidate, candidates);
      prepared = GEOSPrepare_r (b->geos, way->line);
      for (guint k = 0; k < candidates->len; k++)
        {
          guint j = GPOINTER_TO_UINT (g_array_index (candidates, gpointer, k)) - 1;
          WayBuild *other = &g_array_index (b->ways, WayBuild, j);
          GEOSGeometry *meet;

          if (j <= i || other->street == way->street ||
              GEOSPreparedIntersects_r (b->geos, prepared, other->line) != 1)
            continue;
          meet = GEOSIntersection_r (b->geos, way->line, other->line);
          if (meet == NULL)
            continue;
          for (int g = 0; g < GEOSGetNumGeometries_r (b->geos, meet); g++)
            {
              const GEOSGeometry *part = GEOSGetGeometryN_r (b->geos, meet, g);
              double x, y;

              if (GEOSisEmpty_r (b->geos, part) != 0)
                continue;
              if (GEOSGeomTypeId_r (b->geos, part) == GEOS_POINT)
                {
                  if (GEOSGeomGetX_r (b->geos, part, &x) == 1 && GEOSGeomGetY_r (b->geos, part, &y) == 1)
                    builder_add_point (b, way->street, other->street, x, y);
                }
              else
                {
                  /* Two streets sharing a stretch meet along it; its middle
                   * stands for the crossing. */
                  GEOSGeometry *centre = GEOSGetCentroid_r (b->geos, part);

                  if (centre != NULL && GEOSGeomGetX_r (b->geos, centre, &x) == 1 &&
                      GEOSGeomGetY_r (b->geos, centre, &y) == 1)
                    builder_add_point (b, way->street, other->street, x, y);
                  if (centre != NULL)
                    GEOSGeom_destroy_r (b->geos, centre);
                }
            }
          GEOSGeom_destroy_r (b->geos, meet);
        }
      GEOSPreparedGeom_destroy_r (b->geos, prepared);
    }
  GEOSSTRtree_destroy_r (b->geos, tree);
  return TRUE;
}

static gboolean
step (sqlite3       *db,
      sqlite3_stmt  *stmt,
      GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    {
      dozor_sqlite_set_error (error, db, rc);
      return FALSE;
    }
  return TRUE;
}

static gboolean
prepare (sqlite3       *db,
         const char    *sql,
         sqlite3_stmt **stmt,
         GError       **error)
{
  int rc = sqlite3_prepare_v2 (db, sql, -1, stmt, NULL);

  if (rc != SQLITE_OK)
    {
      dozor_sqlite_set_error (error, db, rc);
      return FALSE;
    }
  return TRUE;
}

static gboolean
builder_write_ways (Builder  *b,
                    sqlite3  *db,
                    GError  **error)
{
  g_autoptr(sqlite3_stmt) insert_way = NULL;
  g_autoptr(sqlite3_stmt) insert_box = NULL;
  GEOSWKBWriter *writer;
  gboolean ok = TRUE;

  if (!prepare (db, "INSERT INTO way (id, street, name, geom) VALUES (?, ?, ?, ?)", &insert_way, error) ||
      !prepare (db, "INSERT INTO way_rtree VALUES (?, ?, ?, ?, ?)", &insert_box, error))
    return FALSE;

  writer = GEOSWKBWriter_create_r (b->geos);
  for (guint i = 0; ok && i < b->ways->len; i++)
    {
      WayBuild *way = &g_array_index (b->ways, WayBuild, i);
      double min_x = 0, max_x = 0, min_y = 0, max_y = 0;
      size_t size = 0;
      unsigned char *wkb = GEOSWKBWriter_write_r (b->geos, writer, way->line, &size);

      sqlite3_bind_int64 (insert_way, 1, i + 1);
      sqlite3_bind_int64 (insert_way, 2, way->street);
      sqlite3_bind_text (insert_way, 3, way->name, -1, SQLITE_STATIC);
      sqlite3_bind_blob (insert_way, 4, wkb, (int) size, SQLITE_STATIC);
      ok = step (db, insert_way, error);
      GEOSFree_r (b->geos, wkb);

      GEOSGeom_getXMin_r (b->geos, way->line, &min_x);
      GEOSGeom_getXMax_r (b->geos, way->line, &max_x);
      GEOSGeom_getYMin_r (b->geos, way->line, &min_y);
      GEOSGeom_getYMax_r (b->geos, way->line, &max_y);
      sqlite3_bind_int64 (insert_box, 1, i + 1);
      sqlite3_bind_double (insert_box, 2, min_x);
      sqlite3_bind_double (insert_box, 3, max_x);
      sqlite3_bind_double (insert_box, 4, min_y);
      sqlite3_bind_double (insert_box, 5, max_y);
      ok = ok && step (db, insert_box, error);
    }
  GEOSWKBWriter_destroy_r (b->geos, writer);
  return ok;
}

static const char *
most_common_name (StreetBuild *street)
{
  GHashTableIter iter;
  gpointer name, count;
  const char *best = NULL;
  guint best_count = 0;

  /* Ties go to the smaller string, so that a rebuild names streets alike. */
  g_hash_table_iter_init (&iter, street->names);
  while (g_hash_table_iter_next (&iter, &name, &count))
    if (GPOINTER_TO_UINT (count) > best_count ||
        (GPOINTER_TO_UINT (count) == best_count && strcmp (name, best) < 0))
      {
        best = name;
        best_count = GPOINTER_TO_UINT (count);
      }
  return best;
}

static gboolean
builder_write_streets (Builder  *b,
                       sqlite3  *db,
                       GError  **error)
{
  g_autoptr(sqlite3_stmt) insert_street = NULL;
  g_autoptr(sqlite3_stmt) insert_fts = NULL;

  if (!prepare (db, "INSERT INTO street (id, key, name, lat, lon, length_m) VALUES (?, ?, ?, ?, ?, ?)",
                &insert_street, error) ||
      !prepare (db, "INSERT INTO street_fts (rowid, keys) VALUES (?, ?)", &insert_fts, error))
    return FALSE;

  for (guint i = 0; i < b->streets->len; i++)
    {
      StreetBuild *street = g_ptr_array_index (b->streets, i);
      WayBuild *longest = &g_array_index (b->ways, WayBuild, street->longest);
      GEOSGeometry *middle = GEOSInterpolateNormalized_r (b->geos, longest->line, 0.5);
      double x = 0, y = 0, lat, lon;

      if (middle != NULL)
        {
          GEOSGeomGetX_r (b->geos, middle, &x);
          GEOSGeomGetY_r (b->geos, middle, &y);
          GEOSGeom_destroy_r (b->geos, middle);
        }
      plane_to_lat_lon (&b->plane, x, y, &lat, &lon);

      sqlite3_bind_int64 (insert_street, 1, street->id);
      sqlite3_bind_text (insert_street, 2, street->key, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert_street, 3, most_common_name (street), -1, SQLITE_STATIC);
      sqlite3_bind_double (insert_street, 4, lat);
      sqlite3_bind_double (insert_street, 5, lon);
      sqlite3_bind_double (insert_street, 6, street->length_m);
      sqlite3_bind_int64 (insert_fts, 1, street->id);
      sqlite3_bind_text (insert_fts, 2, street->key, -1, SQLITE_STATIC);
      if (!step (db, insert_street, error) || !step (db, insert_fts, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
builder_write_crossings (Builder  *b,
                         sqlite3  *db,
                         guint    *n_crossings,
                         GError  **error)
{
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(GArray) clusters = g_array_new (FALSE, FALSE, sizeof (double) * 5);
  GHashTableIter iter;
  gpointer key, value;

  if (!prepare (db, "INSERT INTO crossing (a, b, lat, lon) VALUES (?, ?, ?, ?)", &insert, error))
    return FALSE;

  *n_crossings = 0;
  g_hash_table_iter_init (&iter, b->pairs);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 pair = *(gint64 *) key;
      GArray *points = value;

      /* Greedy clusters, each a first point, a sum of x, y and a count. */
      g_array_set_size (clusters, 0);
      for (guint p = 0; p < points->len; p++)
        {
          const double *xy = (const double *) points->data + 2 * p;
          gboolean joined = FALSE;

          for (guint c = 0; c < clusters->len && !joined; c++)
            {
              double *cluster = (double *) clusters->data + 5 * c;

              if (hypot (xy[0] - cluster[0], xy[1] - cluster[1]) <= CLUSTER_M)
                {
                  cluster[2] += xy[0];
                  cluster[3] += xy[1];
                  cluster[4] += 1;
                  joined = TRUE;
                }
            }
          if (!joined)
            {
              double cluster[5] = { xy[0], xy[1], xy[0], xy[1], 1 };

              g_array_append_vals (clusters, cluster, 1);
            }
        }

      for (guint c = 0; c < clusters->len; c++)
        {
          const double *cluster = (const double *) clusters->data + 5 * c;
          double lat, lon;

          plane_to_lat_lon (&b->plane, cluster[2] / cluster[4], cluster[3] / cluster[4], &lat, &lon);
          sqlite3_bind_int64 (insert, 1, pair >> 32);
          sqlite3_bind_int64 (insert, 2, pair & G_MAXUINT32);
          sqlite3_bind_double (insert, 3, lat);
          sqlite3_bind_double (insert, 4, lon);
          if (!step (db, insert, error))
            return FALSE;
          (*n_crossings)++;
        }
    }
  return TRUE;
}

static gboolean
write_meta (sqlite3     *db,
            const char  *key,
            const char  *value,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) insert = NULL;

  if (!prepare (db, "INSERT INTO meta (key, value) VALUES (?, ?)", &insert, error))
    return FALSE;
  sqlite3_bind_text (insert, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 2, value, -1, SQLITE_STATIC);
  return step (db, insert, error);
}

static gboolean
write_meta_double (sqlite3     *db,
                   const char  *key,
                   double       value,
                   GError     **error)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  return write_meta (db, key, g_ascii_dtostr (text, sizeof text, value), error);
}

static char *
source_checksum (const char  *source,
                 GError     **error)
{
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (source, FALSE, error);

  if (mapped == NULL)
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) g_mapped_file_get_contents (mapped),
                                      g_mapped_file_get_length (mapped));
}

static gboolean
write_index (Builder       *b,
             const char    *path,
             const char    *checksum,
             GCancellable  *cancellable,
             GError       **error)
{
  sqlite3 *db = NULL;
  guint n_crossings = 0;
  g_autofree char *version = g_strdup_printf ("PRAGMA user_version = %d;", DOZOR_STREET_INDEX_VERSION);
  gboolean ok;

  if (!dozor_sqlite_open (path, DOZOR_SQLITE_OPEN_READ_WRITE, 0, &db, error))
    return FALSE;
  /* A temporary file renamed into place when done: nothing to journal. */
  ok = dozor_sqlite_exec (db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN;", error) &&
       dozor_sqlite_exec (db, schema, error) &&
       builder_write_ways (b, db, error) &&
       builder_write_streets (b, db, error) &&
       !g_cancellable_set_error_if_cancelled (cancellable, error) &&
       builder_write_crossings (b, db, &n_crossings, error) &&
       write_meta (db, "source_sha256", checksum, error) &&
       write_meta_double (db, "lat0", b->plane.lat0, error) &&
       write_meta_double (db, "lon0", b->plane.lon0, error) &&
       dozor_sqlite_exec (db, version, error) &&
       dozor_sqlite_exec (db, "COMMIT;", error);
  sqlite3_close (db);
  return ok;
}

/**
 * dozor_street_index_build:
 * @source: a file of named street lines (GeoJSON, shapefile… anything
 *   lib/gis reads) whose features carry a `name`
 * @target: where the index file goes; replaced when the new one is done
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Builds the index: seconds for a city, so call it from a worker thread.
 *
 * Returns: (transfer full): the index, open, or %NULL with @error set
 */
DozorStreetIndex *
dozor_street_index_build (const char    *source,
                          const char    *target,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_auto(Builder) b = { 0 };
  g_autofree char *checksum = NULL;
  g_autofree char *temporary = NULL;
  int fd;

  g_return_val_if_fail (source != NULL && target != NULL, NULL);

  checksum = source_checksum (source, error);
  if (checksum == NULL)
    return NULL;

  b.geos = geos_new ();
  b.streets = g_ptr_array_new_with_free_func (street_build_free);
  b.by_key = g_hash_table_new (g_str_hash, g_str_equal);
  b.ways = g_array_new (FALSE, FALSE, sizeof (WayBuild));
  b.pairs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) g_array_unref);
  if (!builder_read (&b, source, cancellable, error) ||
      !builder_find_crossings (&b, cancellable, error))
    return NULL;

  temporary = g_strconcat (target, ".XXXXXX", NULL);
  fd = g_mkstemp_full (temporary, O_RDWR, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", temporary, g_strerror (saved));
      return NULL;
    }
  close (fd);
  if (!write_index (&b, temporary, checksum, cancellable, error))
    {
      g_unlink (temporary);
      return NULL;
    }
  if (g_rename (temporary, target) != 0)
    {
      int saved = errno;

      g_unlink (temporary);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", target, g_strerror (saved));
      return NULL;
    }
  return dozor_street_index_open (target, error);
}

/* ---- opening ----------------------------------------------------------- */

static gboolean
query_double (sqlite3     *db,
              const char  *sql,
              double      *value,
              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!prepare (db, sql, &stmt, error))
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Not a street index: %s gave nothing", sql);
      else
        dozor_sqlite_set_error (error, db, rc);
      return FALSE;
    }
  *value = sqlite3_column_double (stmt, 0);
  return TRUE;
}

static char *
read_source_checksum (DozorStreetIndex *self)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, "SELECT value FROM meta WHERE key = 'source_sha256'", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

/**
 * dozor_street_index_open:
 * @path: an index file made by dozor_street_index_build()
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the index, or %NULL with @error set, in the
 *   %G_IO_ERROR domain with %G_IO_ERROR_INVALID_DATA for a file of another
 *   version or another program
 */
DozorStreetIndex *
dozor_street_index_open (const char  *path,
                         GError     **error)
{
  g_autoptr(DozorStreetIndex) self = g_object_new (DOZOR_TYPE_STREET_INDEX, NULL);
  double version = 0, lat0 = 0, lon0 = 0, n_streets = 0, n_crossings = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (!dozor_sqlite_open (path, DOZOR_SQLITE_OPEN_READ_ONLY, 0, &self->db, error) ||
      !query_double (self->db, "PRAGMA user_version", &version, error))
    return NULL;
  if ((int) version != DOZOR_STREET_INDEX_VERSION)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s is not a street index of version %d", path, DOZOR_STREET_INDEX_VERSION);
      return NULL;
    }
  if (!query_double (self->db, "SELECT CAST(value AS REAL) FROM meta WHERE key = 'lat0'", &lat0, error) ||
      !query_double (self->db, "SELECT CAST(value AS REAL) FROM meta WHERE key = 'lon0'", &lon0, error) ||
      !query_double (self->db, "SELECT count(*) FROM street", &n_streets, error) ||
      !query_double (self->db, "SELECT count(*) FROM crossing", &n_crossings, error))
    return NULL;
  plane_init (&self->plane, lat0, lon0);
  self->n_streets = (guint) n_streets;
  self->n_crossings = (guint) n_crossings;
  self->geos = geos_new ();
  return g_steal_pointer (&self);
}

/* Index files of other sources or versions in the cache are of no more use. */
static void
remove_stale (const char *cache_dir,
              const char *keep)
{
  g_autoptr(GDir) dir = g_dir_open (cache_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "streets-") && g_str_has_suffix (name, ".sqlite") && strcmp (name, keep) != 0)
      {
        g_autofree char *path = g_build_filename (cache_dir, name, NULL);

        g_unlink (path);
      }
}

/**
 * dozor_street_index_open_cached:
 * @source: the street file
 * @cache_dir: a directory for index files, made if missing
 * @built: (out) (optional): whether the index had to be built
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The index of @source from @cache_dir, built there first if there is none
 * for @source's present contents (its SHA-256 names the file) and this
 * version's layout. Call it from a worker thread.
 *
 * Returns: (transfer full): the index, or %NULL with @error set
 */
DozorStreetIndex *
dozor_street_index_open_cached (const char    *source,
                                const char    *cache_dir,
                                gboolean      *built,
                                GCancellable  *cancellable,
                                GError       **error)
{
  g_autofree char *checksum = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autoptr(DozorStreetIndex) self = NULL;

  g_return_val_if_fail (source != NULL && cache_dir != NULL, NULL);

  if (built != NULL)
    *built = FALSE;
  checksum = source_checksum (source, error);
  if (checksum == NULL)
    return NULL;
  name = g_strdup_printf ("streets-%.16s-v%d.sqlite", checksum, DOZOR_STREET_INDEX_VERSION);
  path = g_build_filename (cache_dir, name, NULL);

  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      self = dozor_street_index_open (path, NULL);
      if (self != NULL)
        {
          g_autofree char *stored = read_source_checksum (self);

          if (g_strcmp0 (stored, checksum) == 0)
            return g_steal_pointer (&self);
          g_clear_object (&self);
        }
    }

  if (g_mkdir_with_parents (cache_dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", cache_dir, g_strerror (saved));
      return NULL;
    }
  self = dozor_street_index_build (source, path, cancellable, error);
  if (self == NULL)
    return NULL;
  remove_stale (cache_dir, name);
  if (built != NULL)
    *built = TRUE;
  return g_steal_pointer (&self);
}

typedef struct
{
  char *source;
  char *cache_dir;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->source);
  g_free (data->cache_dir);
  g_free (data);
}

static void
open_cached_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  OpenData *data = task_data;
  GError *error = NULL;
  DozorStreetIndex *index = dozor_street_index_open_cached (data->source, data->cache_dir, NULL, cancellable, &error);

  if (index == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, index, g_object_unref);
}

/**
 * dozor_street_index_open_cached_async:
 * @source: the street file
 * @cache_dir: a directory for index files
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the calling thread's main context when done
 * @user_data: for @callback
 *
 * dozor_street_index_open_cached() in a worker thread.
 */
void
dozor_street_index_open_cached_async (const char          *source,
                                      const char          *cache_dir,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  OpenData *data = g_new0 (OpenData, 1);

  data->source = g_strdup (source);
  data->cache_dir = g_strdup (cache_dir);
  g_task_set_source_tag (task, dozor_street_index_open_cached_async);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  g_task_run_in_thread (task, open_cached_thread);
}

/**
 * dozor_street_index_open_cached_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the index, or %NULL with @error set
 */
DozorStreetIndex *
dozor_street_index_open_cached_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
dozor_street_index_get_n_streets (DozorStreetIndex *self)
{
  g_return_val_if_fail (DOZOR_IS_STREET_INDEX (self), 0);
  return self->n_streets;
}

guint
dozor_street_index_get_n_crossings (DozorStreetIndex *self)
{
  g_return_val_if_fail (DOZOR_IS_STREET_INDEX (self), 0);
  return self->n_crossings;
}

/* ---- searching --------------------------------------------------------- */

typedef struct
{
  gint64 id;
  char *name;
  double lat;
  double lon;
} Candidate;

static void
candidate_clear (gpointer data)
{
  g_free (((Candidate *) data)->name);
}

/* The FTS5 query for @keys: each a quoted string searched as a prefix, all
 * of them required. Keys hold only letters and digits, and quoting makes
 * even FTS5's own words (AND, NEAR) plain text. */
static char *
fts_query (const char *const *keys,
           guint               n_keys)
{
  GString *query = g_string_new (NULL);

  for (guint i = 0; i < n_keys; i++)
    {
      g_autoptr(GString) quoted = g_string_new (keys[i]);

      g_string_replace (quoted, "\"", "\"\"", 0);
      if (i > 0)
        g_string_append (query, " AND ");
      g_string_append_printf (query, "\"%s\"*", quoted->str);
    }
  return g_string_free (query, FALSE);
}

static GArray *
find_streets (DozorStreetIndex   *self,
              const char *const  *keys,
              guint               n_keys,
              GError            **error)
{
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (Candidate));
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *query = NULL;
  g_autofree char *exact = NULL;
  g_auto(GStrv) copy = NULL;
  int rc;

  g_array_set_clear_func (found, candidate_clear);
  if (n_keys == 0)
    return g_steal_pointer (&found);

  copy = g_new0 (char *, n_keys + 1);
  for (guint i = 0; i < n_keys; i++)
    copy[i] = g_strdup (keys[i]);
  exact = g_strjoinv (" ", copy);
  query = fts_query (keys, n_keys);

  /* The street whose key is what was typed first, then the shortest keys
   * (closest to what was typed), then the longest streets. */
  if (!prepare (self->db,
                "SELECT s.id, s.name, s.lat, s.lon FROM street_fts JOIN street s ON s.id = street_fts.rowid"
                " WHERE street_fts MATCH ?1 ORDER BY s.key = ?2 DESC, length (s.key), s.length_m DESC LIMIT ?3",
                &stmt, error))
    return NULL;
  sqlite3_bind_text (stmt, 1, query, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, exact, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, MAX_CANDIDATES);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Candidate candidate = {
        sqlite3_column_int64 (stmt, 0),
        g_strdup ((const char *) sqlite3_column_text (stmt, 1)),
        sqlite3_column_double (stmt, 2),
        sqlite3_column_double (stmt, 3),
      };

      g_array_append_val (found, candidate);
    }
  if (rc != SQLITE_DONE)
    {
      dozor_sqlite_set_error (error, self->db, rc);
      return NULL;
    }
  return g_steal_pointer (&found);
}

typedef struct
{
  guint score;
  gint64 a;
  gint64 b;
  DozorStreetMatch *match;
} Found;

static int
found_compare (gconstpointer a,
               gconstpointer b)
{
  const Found *fa = a, *fb = b;

  return (fa->score > fb->score) - (fa->score < fb->score);
}

static gboolean
add_crossings (DozorStreetIndex   *self,
               const char *const  *keys_a,
               guint               n_a,
               const char *const  *keys_b,
               guint               n_b,
               GArray             *results,
               GError            **error)
{
  g_autoptr(GArray) streets_a = find_streets (self, keys_a, n_a, error);
  g_autoptr(GArray) streets_b = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (streets_a == NULL)
    return FALSE;
  streets_b = find_streets (self, keys_b, n_b, error);
  if (streets_b == NULL ||
      !prepare (self->db, "SELECT lat, lon FROM crossing WHERE a = ?1 AND b = ?2", &stmt, error))
    return FALSE;

  for (guint i = 0; i < streets_a->len; i++)
    for (guint j = 0; j < streets_b->len; j++)
      {
        Candidate *ca = &g_array_index (streets_a, Candidate, i);
        Candidate *cb = &g_array_index (streets_b, Candidate, j);
        gint64 a = MIN (ca->id, cb->id), b = MAX (ca->id, cb->id);
        gboolean seen = FALSE;
        int rc;

        if (a == b)
          continue;
        for (guint k = 0; k < results->len && !seen; k++)
          {
            Found *f = &g_array_index (results, Found, k);

            seen = f->a == a && f->b == b;
          }
        if (seen)
          continue;

        sqlite3_bind_int64 (stmt, 1, a);
        sqlite3_bind_int64 (stmt, 2, b);
        while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
          {
            Found f = {
              i + j, a, b,
              dozor_street_match_new (DOZOR_STREET_MATCH_CROSSING, ca->name, cb->name,
                                      sqlite3_column_double (stmt, 0), sqlite3_column_double (stmt, 1)),
            };

            g_array_append_val (results, f);
          }
        sqlite3_reset (stmt);
        if (rc != SQLITE_DONE)
          {
            dozor_sqlite_set_error (error, self->db, rc);
            return FALSE;
          }
      }
  return TRUE;
}

static gboolean
is_separator (gunichar c)
{
  return c == '/' || c == '\\' || c == '&' || c == '+' || c == ',' || c == ';' || c == '|' ||
         c == 0xd7 /* × */ || c == 0x2014 /* — */;
}

/* What was typed, split at the first separator: "Абая / Достык". */
static void
split_query (const char  *query,
             char       **first,
             char       **second)
{
  g_autofree char *valid = g_utf8_make_valid (query, -1);
  glong length = g_utf8_strlen (valid, -1);
  g_autofree char *cut = g_utf8_substring (valid, 0, MIN (length, DOZOR_STREET_NAME_MAX_CHARS));

  for (const char *p = cut; *p != '\0'; p = g_utf8_next_char (p))
    if (is_separator (g_utf8_get_char (p)))
      {
        *first = g_strndup (cut, p - cut);
        *second = g_strdup (g_utf8_next_char (p));
        return;
      }
  *first = g_steal_pointer (&cut);
  *second = NULL;
}

/* Where a word that joins two streets stands between them, or 0: "и",
 * "and", "x" and "х", folded. */
static guint
connector_at (char  **keys,
              guint   n_keys)
{
  static const char *const connectors[] = { "и", "анд", "кс", "х" };

  for (guint i = 1; i + 1 < n_keys; i++)
    for (guint c = 0; c < G_N_ELEMENTS (connectors); c++)
      if (strcmp (keys[i], connectors[c]) == 0)
        return i;
  return 0;
}

static glong
letters (char  **keys,
         guint   from,
         guint   to)
{
  glong n = 0;

  for (guint i = from; i < to; i++)
    n += g_utf8_strlen (keys[i], -1);
  return n;
}

static GListModel *
search_locked (DozorStreetIndex  *self,
               const char        *query,
               guint              limit,
               GError           **error)
{
  GListStore *store = g_list_store_new (DOZOR_TYPE_STREET_MATCH);
  g_autoptr(GListModel) model = G_LIST_MODEL (store);
  g_autoptr(GArray) results = g_array_new (FALSE, FALSE, sizeof (Found));
  g_autoptr(GArray) streets = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_auto(GStrv) keys_a = NULL;
  g_auto(GStrv) keys_b = NULL;
  guint n_a, n_b;
  gboolean ok = TRUE;

  split_query (query, &first, &second);
  keys_a = dozor_street_name_keys (first);
  keys_b = dozor_street_name_keys (second);
  n_a = MIN (g_strv_length (keys_a), MAX_QUERY_WORDS);
  n_b = MIN (g_strv_length (keys_b), MAX_QUERY_WORDS);

  if (n_a > 0 && n_b > 0)
    ok = add_crossings (self, (const char *const *) keys_a, n_a, (const char *const *) keys_b, n_b, results, error);
  else if (second == NULL && connector_at (keys_a, n_a) > 0)
    {
      /* "Абая и Достык", "Abaya x Dostyk": the word between splits. */
      guint s = connector_at (keys_a, n_a);

      ok = add_crossings (self, (const char *const *) keys_a, s, (const char *const *) keys_a + s + 1,
                          n_a - s - 1, results, error);
    }
  else if (second == NULL)
    /* No separator: "Abaya Dostyk" is tried as every split into two, but
     * not "Толе" and "би": a part of one or two letters matches too many
     * streets to mean one. */
    for (guint s = 1; ok && s < n_a; s++)
      if (letters (keys_a, 0, s) >= 3 && letters (keys_a, s, n_a) >= 3)
        ok = add_crossings (self, (const char *const *) keys_a, s, (const char *const *) keys_a + s, n_a - s,
                            results, error);

  if (ok && n_b == 0)
    {
      /* A street alone gives the street. */
      streets = find_streets (self, (const char *const *) keys_a, n_a, error);
      ok = streets != NULL;
    }

  if (ok)
    {
      g_array_sort (results, found_compare);
      for (guint i = 0; i < results->len && g_list_model_get_n_items (model) < limit; i++)
        g_list_store_append (store, g_array_index (results, Found, i).match);
      for (guint i = 0; streets != NULL && i < streets->len && g_list_model_get_n_items (model) < limit; i++)
        {
          Candidate *c = &g_array_index (streets, Candidate, i);
          g_autoptr(DozorStreetMatch) match = dozor_street_match_new (DOZOR_STREET_MATCH_STREET, c->name, NULL,
                                                                      c->lat, c->lon);

          g_list_store_append (store, match);
        }
    }
  for (guint i = 0; i < results->len; i++)
    g_object_unref (g_array_index (results, Found, i).match);
  return ok ? g_steal_pointer (&model) : NULL;
}

/**
 * dozor_street_index_search:
 * @self: a #DozorStreetIndex
 * @query: what the operator typed: one street ("пр. Абая", "Abaya") or two
 *   ("Абая / Достык", "Abaya Dostyk")
 * @limit: the most answers wanted, at most %DOZOR_STREET_INDEX_MAX_RESULTS
 * @error: return location for a #GError
 *
 * Crossings of the streets typed, best first, then the streets that match
 * the whole of @query. Any text is safe: it is only ever searched for.
 * Safe from any thread; one search runs at a time.
 *
 * Returns: (transfer full): a list of #DozorStreetMatch, possibly empty,
 *   or %NULL with @error set if the index file cannot be read
 */
GListModel *
dozor_street_index_search (DozorStreetIndex  *self,
                           const char        *query,
                           guint              limit,
                           GError           **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (DOZOR_IS_STREET_INDEX (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  return search_locked (self, query, MIN (limit, DOZOR_STREET_INDEX_MAX_RESULTS), error);
}

typedef struct
{
  char *query;
  guint limit;
  double lat;
  double lon;
  double max_distance_m;
} SearchData;

static void
search_data_free (SearchData *data)
{
  g_free (data->query);
  g_free (data);
}

/* A look-up in a worker; it gives up at once when cancelled, since a newer
 * one has replaced it. */
static void
run_in_thread (DozorStreetIndex    *self,
               SearchData          *data,
               gpointer             source_tag,
               GTaskThreadFunc      func,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) search_data_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, func);
}

static void
search_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SearchData *data = task_data;
  GError *error = NULL;
  GListModel *model;

  /* A newer query may already have replaced this one. */
  if (g_task_return_error_if_cancelled (task))
    return;
  model = dozor_street_index_search (source_object, data->query, data->limit, &error);
  if (model == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, model, g_object_unref);
}

/**
 * dozor_street_index_search_async:
 * @self: a #DozorStreetIndex
 * @query: what the operator typed
 * @limit: the most answers wanted
 * @cancellable: (nullable): a #GCancellable; cancel it when a newer query
 *   replaces this one
 * @callback: called on the calling thread's main context when done
 * @user_data: for @callback
 *
 * dozor_street_index_search() in a worker thread.
 */
void
dozor_street_index_search_async (DozorStreetIndex    *self,
                                 const char          *query,
                                 guint                limit,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  SearchData *data;

  g_return_if_fail (DOZOR_IS_STREET_INDEX (self));

  data = g_new0 (SearchData, 1);
  data->query = g_strdup (query);
  data->limit = limit;
  run_in_thread (self, data, dozor_street_index_search_async, search_thread, cancellable, callback, user_data);
}

/**
 * dozor_street_index_search_finish:
 * @self: a #DozorStreetIndex
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a list of #DozorStreetMatch, or %NULL with
 *   @error set, %G_IO_ERROR_CANCELLED if a newer query replaced it
 */
GListModel *
dozor_street_index_search_finish (DozorStreetIndex  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- from a point ------------------------------------------------------ */

static char *
street_name (DozorStreetIndex *self,
             gint64            id)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, "SELECT name FROM street WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

/* The street, other than @street, that crosses it nearest to x, y. */
static char *
nearest_cross_street (DozorStreetIndex  *self,
                      gint64             street,
                      double             x,
                      double             y,
                      GError           **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 best = 0;
  double best_m = CROSS_STREET_MAX_M;
  int rc;

  if (!prepare (self->db,
                "SELECT b, lat, lon FROM crossing WHERE a = ?1"
                " UNION ALL SELECT a, lat, lon FROM crossing WHERE b = ?1",
                &stmt, error))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, street);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      double cx, cy;

      plane_to_xy (&self->plane, sqlite3_column_double (stmt, 1), sqlite3_column_double (stmt, 2), &cx, &cy);
      if (hypot (cx - x, cy - y) < best_m)
        {
          best_m = hypot (cx - x, cy - y);
          best = sqlite3_column_int64 (stmt, 0);
        }
    }
  if (rc != SQLITE_DONE)
    {
      dozor_sqlite_set_error (error, self->db, rc);
      return NULL;
    }
  return best != 0 ? street_name (self, best) : g_strdup ("");
}

static DozorStreetMatch *
nearest_locked (DozorStreetIndex  *self,
                double             lat,
                double             lon,
                double             max_distance_m,
                GError           **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GEOSWKBReader *reader;
  GEOSGeometry *point, *best_line = NULL;
  g_autofree char *best_name = NULL;
  g_autofree char *cross = NULL;
  gint64 best_street = 0;
  double x, y, best_m = max_distance_m, near_x, near_y, near_lat, near_lon;
  int rc;

  plane_to_xy (&self->plane, lat, lon, &x, &y);
  if (!prepare (self->db,
                "SELECT w.street, w.name, w.geom FROM way_rtree r JOIN way w ON w.id = r.id"
                " WHERE r.min_x <= ?1 + ?3 AND r.max_x >= ?1 - ?3 AND r.min_y <= ?2 + ?3 AND r.max_y >= ?2 - ?3",
                &stmt, error))
    return NULL;
  sqlite3_bind_double (stmt, 1, x);
  sqlite3_bind_double (stmt, 2, y);
  sqlite3_bind_double (stmt, 3, max_distance_m);

  reader = GEOSWKBReader_create_r (self->geos);
  point = GEOSGeom_createPointFromXY_r (self->geos, x, y);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GEOSGeometry *line = GEOSWKBReader_read_r (self->geos, reader, sqlite3_column_blob (stmt, 2),
                                                 sqlite3_column_bytes (stmt, 2));
      double d;

      if (line == NULL)
        continue;
      if (GEOSDistance_r (self->geos, point, line, &d) == 1 && d <= best_m)
        {
          best_m = d;
          best_street = sqlite3_column_int64 (stmt, 0);
          g_free (best_name);
          best_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          if (best_line != NULL)
            GEOSGeom_destroy_r (self->geos, best_line);
          best_line = line;
        }
      else
        GEOSGeom_destroy_r (self->geos, line);
    }
  GEOSWKBReader_destroy_r (self->geos, reader);

  near_x = x;
  near_y = y;
  if (best_line != NULL)
    {
      GEOSCoordSequence *nearest = GEOSNearestPoints_r (self->geos, best_line, point);

      if (nearest != NULL)
        {
          GEOSCoordSeq_getXY_r (self->geos, nearest, 0, &near_x, &near_y);
          GEOSCoordSeq_destroy_r (self->geos, nearest);
        }
      GEOSGeom_destroy_r (self->geos, best_line);
    }
  GEOSGeom_destroy_r (self->geos, point);

  if (rc != SQLITE_DONE)
    {
      dozor_sqlite_set_error (error, self->db, rc);
      return NULL;
    }
  if (best_name == NULL)
    return NULL;

  cross = nearest_cross_street (self, best_street, x, y, error);
  if (cross == NULL)
    return NULL;
  plane_to_lat_lon (&self->plane, near_x, near_y, &near_lat, &near_lon);
  return dozor_street_match_new (DOZOR_STREET_MATCH_STREET, best_name, *cross != '\0' ? cross : NULL,
                                 near_lat, near_lon);
}

/**
 * dozor_street_index_nearest:
 * @self: a #DozorStreetIndex
 * @lat: a point's latitude
 * @lon: a point's longitude
 * @max_distance_m: how far from the point a street may be
 * @error: return location for a #GError
 *
 * The named street nearest to a point, by the name of its nearest way,
 * with the nearest street crossing it (within 1.5 km) as its cross name and
 * the nearest point on it as its point. Safe from any thread.
 *
 * Returns: (transfer full) (nullable): the street, or %NULL: with @error
 *   set if the index cannot be read, without if no street is that near
 */
DozorStreetMatch *
dozor_street_index_nearest (DozorStreetIndex  *self,
                            double             lat,
                            double             lon,
                            double             max_distance_m,
                            GError           **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (DOZOR_IS_STREET_INDEX (self), NULL);

  if (!dozor_geo_is_valid_lat_lon (lat, lon) || !(max_distance_m > 0))
    return NULL;
  locker = g_mutex_locker_new (&self->lock);
  return nearest_locked (self, lat, lon, MIN (max_distance_m, 10000.0), error);
}

static void
nearest_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SearchData *data = task_data;
  GError *error = NULL;
  DozorStreetMatch *match;

  if (g_task_return_error_if_cancelled (task))
    return;
  match = dozor_street_index_nearest (source_object, data->lat, data->lon, data->max_distance_m, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, match, g_object_unref);
}

/**
 * dozor_street_index_nearest_async:
 * @self: a #DozorStreetIndex
 * @lat: a point's latitude
 * @lon: a point's longitude
 * @max_distance_m: how far from the point a street may be
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the calling thread's main context when done
 * @user_data: for @callback
 *
 * dozor_street_index_nearest() in a worker thread.
 */
void
dozor_street_index_nearest_async (DozorStreetIndex    *self,
                                  double               lat,
                                  double               lon,
                                  double               max_distance_m,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  SearchData *data;

  g_return_if_fail (DOZOR_IS_STREET_INDEX (self));

  data = g_new0 (SearchData, 1);
  data->lat = lat;
  data->lon = lon;
  data->max_distance_m = max_distance_m;
  run_in_thread (self, data, dozor_street_index_nearest_async, nearest_thread, cancellable, callback, user_data);
}

/**
 * dozor_street_index_nearest_finish:
 * @self: a #DozorStreetIndex
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the street, or %NULL: with @error
 *   set on failure or cancellation, without if no street is near
 */
DozorStreetMatch *
dozor_street_index_nearest_finish (DozorStreetIndex  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
