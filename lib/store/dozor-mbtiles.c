/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A read-only MBTiles reader. The file is untrusted: it may be truncated, a
 * different database, vector tiles, or rows outside the tile pyramid, and
 * every one of those must end in a message, never a crash.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <math.h>
#include <string.h>

#include "dozor-mbtiles.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

struct _DozorMbtiles
{
  GObject parent_instance;

  char *path;
  char *name;
  char *attribution;
  char *format;
  guint min_zoom;
  guint max_zoom;
  gboolean have_bounds;
  double west, south, east, north;

  GMutex lock;
  sqlite3 *db;
  sqlite3_stmt *tile_stmt;
};

G_DEFINE_FINAL_TYPE (DozorMbtiles, dozor_mbtiles, G_TYPE_OBJECT)

G_DEFINE_QUARK (dozor-mbtiles-error-quark, dozor_mbtiles_error)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
dozor_mbtiles_finalize (GObject *object)
{
  DozorMbtiles *self = (DozorMbtiles *)object;

  g_clear_pointer (&self->tile_stmt, sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->attribution, g_free);
  g_clear_pointer (&self->format, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (dozor_mbtiles_parent_class)->finalize (object);
}

static void
dozor_mbtiles_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  DozorMbtiles *self = DOZOR_MBTILES (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dozor_mbtiles_class_init (DozorMbtilesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dozor_mbtiles_finalize;
  object_class->get_property = dozor_mbtiles_get_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dozor_mbtiles_init (DozorMbtiles *self)
{
  g_mutex_init (&self->lock);
}

/* SQLite's answer, as the error a user can act on. */
static void
set_sqlite_error (DozorMbtiles  *self,
                  int            rc,
                  GError       **error)
{
  int primary = rc & 0xff;

  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB || primary == SQLITE_IOERR ||
      primary == SQLITE_FORMAT)
    g_set_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_CORRUPT,
                 _("“%s” is damaged: %s"), self->path,
                 self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
  else
    g_set_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_OPEN,
                 _("Cannot read “%s”: %s"), self->path,
                 self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
}

static gboolean
has_tiles_columns (DozorMbtiles  *self,
                   GError       **error)
{
  static const char *const required[] = { "zoom_level", "tile_column", "tile_row", "tile_data" };
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint found = 0;
  gboolean any = FALSE;
  int rc;

  /* A table or, in the deduplicated layout, a view: both answer this. */
  rc = sqlite3_prepare_v2 (self->db, "PRAGMA table_info(tiles)", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, rc, error);
      return FALSE;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *column = (const char *) sqlite3_column_text (stmt, 1);

      any = TRUE;
      for (guint i = 0; i < G_N_ELEMENTS (required); i++)
        if (g_strcmp0 (column, required[i]) == 0)
          found |= 1u << i;
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      return FALSE;
    }

  if (!any)
    {
      g_set_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_SCHEMA,
                   _("“%s” is not an MBTiles file: it has no tiles table"), self->path);
      return FALSE;
    }

  if (found != (1u << G_N_ELEMENTS (required)) - 1)
    {
      g_set_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_SCHEMA,
                   _("“%s” is not an MBTiles file: its tiles table lacks the standard columns"),
                   self->path);
      return FALSE;
    }

  return TRUE;
}

static gboolean
parse_zoom (const char *text,
            guint      *zoom)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, DOZOR_MBTILES_MAX_ZOOM, &value, NULL))
    return FALSE;

  *zoom = (guint) value;
  return TRUE;
}

static void
parse_bounds (DozorMbtiles *self,
              const char   *text)
{
  g_auto(GStrv) parts = NULL;
  double values[4];

  if (text == NULL)
    return;

  parts = g_strsplit (text, ",", -1);
  if (g_strv_length (parts) != 4)
    return;

  for (guint i = 0; i < 4; i++)
    {
      char *end = NULL;

      values[i] = g_ascii_strtod (g_strstrip (parts[i]), &end);
      if (end == parts[i] || *end != '\0' || !isfinite (values[i]))
        return;
    }

  if (values[0] < -180 || values[2] > 180 || values[1] < -90 || values[3] > 90 ||
      values[0] > values[2] || values[1] > values[3])
    return;

  self->west = values[0];
  self->south = values[1];
  self->east = values[2];
  self->north = values[3];
  self->have_bounds = TRUE;
}

/* Metadata is advisory: real files miss keys (format, zooms), so every key
 * has a fallback worked out from the tiles themselves. */
static gboolean
read_metadata (DozorMbtiles  *self,
               GHashTable    *metadata,
               GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "SELECT name, value FROM metadata", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      /* No metadata table at all is survivable. */
      if ((rc & 0xff) == SQLITE_ERROR)
        return TRUE;
      set_sqlite_error (self, rc, error);
      return FALSE;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (stmt, 0);
      const char *value = (const char *) sqlite3_column_text (stmt, 1);

      if (key != NULL && value != NULL && g_utf8_validate (value, -1, NULL) &&
          strlen (value) < 64 * 1024)
        g_hash_table_replace (metadata, g_strdup (key), g_strdup (value));
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      return FALSE;
    }

  return TRUE;
}

static const char *
format_from_magic (const guchar *data,
                   gsize         size)
{
  if (size >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "png";
  if (size >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0)
    return "jpg";
  if (size >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return "webp";
  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
    return "pbf";

  return NULL;
}

/* Reads one tile: proves the tiles can be read at all (a truncated file often
 * opens fine) and gives the format when the metadata does not. */
static gboolean
probe_first_tile (DozorMbtiles  *self,
                  const char   **format,
                  GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  *format = NULL;

  rc = sqlite3_prepare_v2 (self->db, "SELECT tile_data FROM tiles LIMIT 1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    {
      *format = format_from_magic (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
      return TRUE;
    }

  if (rc == SQLITE_DONE)
    return TRUE;

  set_sqlite_error (self, rc, error);
  return FALSE;
}

static gboolean
compute_zoom_range (DozorMbtiles  *self,
                    GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles", -1,
                           &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);

  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (self, rc, error);
      return FALSE;
    }

  if (sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    {
      self->min_zoom = 0;
      self->max_zoom = 0;
      return TRUE;
    }

  self->min_zoom = (guint) CLAMP (sqlite3_column_int64 (stmt, 0), 0, DOZOR_MBTILES_MAX_ZOOM);
  self->max_zoom = (guint) CLAMP (sqlite3_column_int64 (stmt, 1), self->min_zoom,
                                  DOZOR_MBTILES_MAX_ZOOM);
  return TRUE;
}

static gboolean
load (DozorMbtiles  *self,
      GError       **error)
{
  g_autoptr(GHashTable) metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *format;
  const char *probed_format = NULL;
  guint min_zoom, max_zoom;
  int rc;

  if (!g_file_test (self->path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_OPEN,
                   _("Cannot read “%s”: no such file"), self->path);
      return FALSE;
    }

  /* Read-only and never created: a typo in a path must not leave an empty
   * database behind that opens "successfully" next time. */
  rc = sqlite3_open_v2 (self->path, &self->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, rc, error);
      return FALSE;
    }
  sqlite3_busy_timeout (self->db, 2000);
  sqlite3_extended_result_codes (self->db, TRUE);

  if (!has_tiles_columns (self, error) ||
      !read_metadata (self, metadata, error) ||
      !probe_first_tile (self, &probed_format, error))
    return FALSE;

  format = g_hash_table_lookup (metadata, "format");
  if (format == NULL || *format == '\0')
    format = probed_format != NULL ? probed_format : "png";

  if (g_ascii_strcasecmp (format, "png") == 0)
    self->format = g_strdup ("png");
  else if (g_ascii_strcasecmp (format, "jpg") == 0 || g_ascii_strcasecmp (format, "jpeg") == 0)
    self->format = g_strdup ("jpg");
  else if (g_ascii_strcasecmp (format, "webp") == 0)
    self->format = g_strdup ("webp");
  else
    {
      g_autofree char *shown = g_utf8_make_valid (format, MIN (strlen (format), 40));

      g_set_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_FORMAT,
                   _("“%s” holds tiles in the format “%s”; only raster PNG, JPEG and WebP tiles can be shown"),
                   self->path, shown);
      return FALSE;
    }

  if (parse_zoom (g_hash_table_lookup (metadata, "minzoom"), &min_zoom) &&
      parse_zoom (g_hash_table_lookup (metadata, "maxzoom"), &max_zoom) &&
      min_zoom <= max_zoom)
    {
      self->min_zoom = min_zoom;
      self->max_zoom = max_zoom;
    }
  else if (!compute_zoom_range (self, error))
    {
      return FALSE;
    }

  self->name = g_strdup (g_hash_table_lookup (metadata, "name"));
  self->attribution = g_strdup (g_hash_table_lookup (metadata, "attribution"));
  parse_bounds (self, g_hash_table_lookup (metadata, "bounds"));

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT tile_data FROM tiles "
                           "WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
                           -1, &self->tile_stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, rc, error);
      return FALSE;
    }

  return TRUE;
}

/**
 * dozor_mbtiles_open:
 * @path: an MBTiles file
 * @error: return location for a #GError
 *
 * Opens the file read-only and checks that it is a raster MBTiles whose
 * tiles can be read.
 *
 * Returns: (transfer full): the reader, or %NULL with @error set
 */
DozorMbtiles *
dozor_mbtiles_open (const char  *path,
                    GError     **error)
{
  g_autoptr(DozorMbtiles) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (DOZOR_TYPE_MBTILES, NULL);
  self->path = g_strdup (path);

  if (!load (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
dozor_mbtiles_get_path (DozorMbtiles *self)
{
  g_return_val_if_fail (DOZOR_IS_MBTILES (self), NULL);

  return self->path;
}

/**
 * dozor_mbtiles_get_name:
 * @self: a #DozorMbtiles
 *
 * Returns: (nullable): the tileset's name from its metadata
 */
const char *
dozor_mbtiles_get_name (DozorMbtiles *self)
{
  g_return_val_if_fail (DOZOR_IS_MBTILES (self), NULL);

  return self->name;
}

/**
 * dozor_mbtiles_get_attribution:
 * @self: a #DozorMbtiles
 *
 * Returns: (nullable): the attribution from the metadata
 */
const char *
dozor_mbtiles_get_attribution (DozorMbtiles *self)
{
  g_return_val_if_fail (DOZOR_IS_MBTILES (self), NULL);

  return self->attribution;
}

/**
 * dozor_mbtiles_get_format:
 * @self: a #DozorMbtiles
 *
 * Returns: "png", "jpg" or "webp"
 */
const char *
dozor_mbtiles_get_format (DozorMbtiles *self)
{
  g_return_val_if_fail (DOZOR_IS_MBTILES (self), NULL);

  return self->format;
}

guint
dozor_mbtiles_get_min_zoom (DozorMbtiles *self)
{
  g_return_val_if_fail (DOZOR_IS_MBTILES (self), 0);

  return self->min_zoom;
}

guint
dozor_mbtiles_get_max_zoom (DozorMbtiles *self)
{
  g_return_val_if_fail (DOZOR_IS_MBTILES (self), 0);

  return self->max_zoom;
}

/**
 * dozor_mbtiles_get_bounds:
 * @self: a #DozorMbtiles
 * @west: (out): western longitude
 * @south: (out): southern latitude
 * @east: (out): eastern longitude
 * @north: (out): northern latitude
 *
 * Returns: %TRUE if the metadata has valid bounds
 */
gboolean
dozor_mbtiles_get_bounds (DozorMbtiles *self,
                          double       *west,
                          double       *south,
                          double       *east,
                          double       *north)
{
  g_return_val_if_fail (DOZOR_IS_MBTILES (self), FALSE);

  if (!self->have_bounds)
    return FALSE;

  *west = self->west;
  *south = self->south;
  *east = self->east;
  *north = self->north;
  return TRUE;
}

/**
 * dozor_mbtiles_get_tile:
 * @self: a #DozorMbtiles
 * @zoom: zoom level
 * @x: column from the west
 * @y: row from the north (XYZ, as libshumate counts; the file's TMS rows
 *   count from the south)
 * @error: return location for a #GError
 *
 * Safe to call from several threads at once.
 *
 * Returns: (transfer full) (nullable): the tile's bytes; %NULL without an
 *   error when the file has no such tile
 */
GBytes *
dozor_mbtiles_get_tile (DozorMbtiles  *self,
                        guint          zoom,
                        guint          x,
                        guint          y,
                        GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  GBytes *bytes = NULL;
  guint64 n;
  int rc;

  g_return_val_if_fail (DOZOR_IS_MBTILES (self), NULL);

  if (zoom > DOZOR_MBTILES_MAX_ZOOM || x >= (1u << zoom) || y >= (1u << zoom))
    {
      g_set_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_OUT_OF_RANGE,
                   _("Tile %u/%u/%u is outside the tile pyramid"), zoom, x, y);
      return NULL;
    }

  n = (guint64) 1 << zoom;
  locker = g_mutex_locker_new (&self->lock);

  sqlite3_bind_int (self->tile_stmt, 1, (int) zoom);
  sqlite3_bind_int64 (self->tile_stmt, 2, x);
  sqlite3_bind_int64 (self->tile_stmt, 3, (sqlite3_int64) (n - 1 - y));

  rc = sqlite3_step (self->tile_stmt);
  if (rc == SQLITE_ROW)
    {
      int size = sqlite3_column_bytes (self->tile_stmt, 0);

      if (size > DOZOR_MBTILES_MAX_TILE_BYTES)
        g_set_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_TOO_LARGE,
                     _("Tile %u/%u/%u in “%s” is %d bytes, more than a map tile can be"),
                     zoom, x, y, self->path, size);
      else if (size > 0)
        bytes = g_bytes_new (sqlite3_column_blob (self->tile_stmt, 0), size);
    }
  else if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
    }

  sqlite3_reset (self->tile_stmt);
  sqlite3_clear_bindings (self->tile_stmt);

  return bytes;
}
