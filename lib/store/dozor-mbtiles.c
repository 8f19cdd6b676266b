/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A read-only MBTiles reader. The file is untrusted: it may be empty, text,
 * truncated, another application's database, vector tiles, or hold rows
 * outside the tile pyramid, and every one of those must end in a message the
 * board can show, never in a crash.
 *
 * Translatable messages here are matched by po/kk.po and po/ru.po, which a
 * test keeps complete: a new message needs its translations in the same
 * change.
 */
#include "config.h"

#include "dozor-mbtiles.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "dozor-sqlite.h"

/* Long enough to ride out another process's write to the same file, short
 * enough that a locked file does not freeze the tile workers for good. */
#define BUSY_TIMEOUT_MS 3000

/**
 * DozorMbtiles:
 *
 * A raster tileset in an [MBTiles](https://github.com/mapbox/mbtiles-spec)
 * file, opened read-only.
 *
 * Tiles are asked for in XYZ numbering, the one libshumate and web maps use;
 * the file's TMS rows are turned around here. One object is meant to be
 * shared by all the tile workers: [method@Dozor.Mbtiles.get_tile] may be
 * called from several threads at once, and everything else is fixed once
 * [func@Dozor.Mbtiles.open] returns.
 */
struct _DozorMbtiles
{
  GObject parent_instance;

  char *path;
  /* The path for messages: file names need not be UTF-8. */
  char *display_name;

  char *name;
  char *attribution;
  char *format;
  guint min_zoom;
  guint max_zoom;
  gboolean have_bounds;
  double west;
  double south;
  double east;
  double north;

  /* One connection for every thread: the mutex keeps the shared prepared
   * statement in a single thread's hands from bind to reset. */
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

  /* sqlite3_close() refuses to close while a statement is alive. */
  g_clear_pointer (&self->tile_stmt, sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->display_name, g_free);
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

  /**
   * DozorMbtiles:path:
   *
   * The file the tiles are read from, as given to [func@Dozor.Mbtiles.open].
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dozor_mbtiles_init (DozorMbtiles *self)
{
  g_mutex_init (&self->lock);
}

static gboolean
is_corruption (int rc)
{
  int primary = rc & 0xff;

  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB || primary == SQLITE_IOERR;
}

/* SQLite's answer as an error the board can show: damage is named as such,
 * anything else (locked, out of memory) is a file that cannot be read now.
 * @detail is SQLite's own words for @rc. */
static void
set_sqlite_error_full (DozorMbtiles  *self,
                       int            rc,
                       const char    *detail,
                       GError       **error)
{
  if (is_corruption (rc))
    g_set_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_CORRUPT,
                 _("“%s” is damaged: %s"), self->display_name, detail);
  else
    g_set_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_OPEN,
                 _("Cannot read “%s”: %s"), self->display_name, detail);
}

static void
set_sqlite_error (DozorMbtiles  *self,
                  int            rc,
                  GError       **error)
{
  set_sqlite_error_full (self, rc,
                         self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc),
                         error);
}

/* Checked before SQLite sees the file: SQLite takes an empty file for an
 * empty database, and opening a FIFO would block the caller for good. */
static gboolean
check_is_database_file (DozorMbtiles  *self,
                        GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  if (dozor_sqlite_check_file (self->path, FALSE, &local_error))
    return TRUE;

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_set_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_OPEN,
                 _("Cannot read “%s”: no such file"), self->display_name);
  else
    g_set_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_OPEN,
                 _("Cannot read “%s”: %s"), self->display_name, local_error->message);
  return FALSE;
}

static gboolean
open_database (DozorMbtiles  *self,
               GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  int rc;

  if (!dozor_sqlite_open (self->path, DOZOR_SQLITE_OPEN_READ_ONLY, BUSY_TIMEOUT_MS, &self->db,
                          &local_error))
    {
      set_sqlite_error_full (self, local_error->code, local_error->message, error);
      return FALSE;
    }

  /* SQLite's advice for files from elsewhere, beside defensive mode:
   * damaged pages are caught before they are walked rather than after. */
  rc = sqlite3_exec (self->db, "PRAGMA cell_size_check = ON", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, rc, error);
      return FALSE;
    }

  return TRUE;
}

/* A table in the flat layout, a view over map and images in the
 * deduplicated one: PRAGMA table_info answers for both. */
static gboolean
check_tiles_columns (DozorMbtiles  *self,
                     GError       **error)
{
  static const char *const required[] = { "zoom_level", "tile_column", "tile_row", "tile_data" };
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint found = 0;
  gboolean any = FALSE;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA table_info (tiles)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *column = (const char *) sqlite3_column_text (stmt, 1);

          any = TRUE;
          for (guint i = 0; i < G_N_ELEMENTS (required); i++)
            if (column != NULL && g_ascii_strcasecmp (column, required[i]) == 0)
              found |= 1u << i;
        }
    }

  if (rc != SQLITE_DONE && is_corruption (rc))
    {
      set_sqlite_error (self, rc, error);
      return FALSE;
    }

  /* Otherwise an error here is a view that cannot be compiled, one over a
   * table that is not there: as good as no tiles table at all. */
  if (rc != SQLITE_DONE || !any)
    {
      if (rc != SQLITE_DONE)
        g_debug ("%s: tiles: %s", self->display_name, sqlite3_errmsg (self->db));
      g_set_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_SCHEMA,
                   _("“%s” is not an MBTiles file: it has no tiles table"), self->display_name);
      return FALSE;
    }

  if (found != (1u << G_N_ELEMENTS (required)) - 1)
    {
      g_set_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_SCHEMA,
                   _("“%s” is not an MBTiles file: its tiles table lacks the standard columns"),
                   self->display_name);
      return FALSE;
    }

  return TRUE;
}

/* Only the keys used here are read: vector tilesets keep megabytes of JSON
 * in the same table. */
static gboolean
read_metadata (DozorMbtiles  *self,
               GHashTable    *metadata,
               GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT name, value FROM metadata "
                           "WHERE name IN ('name', 'format', 'minzoom', 'maxzoom', 'bounds', "
                           "'attribution')",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      /* No metadata table, or one of another shape: everything in it has a
       * fallback, so the tiles can still be shown. */
      if (!is_corruption (rc))
        {
          g_debug ("%s: no usable metadata: %s", self->display_name, sqlite3_errmsg (self->db));
          return TRUE;
        }

      set_sqlite_error (self, rc, error);
      return FALSE;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (stmt, 0);
      const char *value = (const char *) sqlite3_column_text (stmt, 1);

      if (key != NULL && value != NULL)
        g_hash_table_replace (metadata, g_strdup (key), g_utf8_make_valid (value, -1));
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

  return NULL;
}

/* What the first bytes are, for a message: vector tiles are gzipped, and
 * anything else is shown as hex, which reads the same in every language. */
static char *
describe_magic (const guchar *data,
                gsize         size)
{
  GString *hex;

  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
    return g_strdup ("pbf");

  hex = g_string_new ("0x");
  for (gsize i = 0; i < MIN (size, 4); i++)
    g_string_append_printf (hex, "%02x", data[i]);

  return g_string_free (hex, FALSE);
}

/* Reads one whole tile. A truncated file often opens and lists its tables
 * fine and fails only here, and when the metadata has no format the tile's
 * first bytes tell it. */
static gboolean
probe_first_tile (DozorMbtiles  *self,
                  char         **format,
                  GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  *format = NULL;

  /* length() of a blob is read from the record header; the CASE keeps an
   * oversized blob from being loaded into memory at all. */
  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT CASE WHEN length (tile_data) <= ?1 THEN tile_data END "
                           "FROM tiles LIMIT 1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int (stmt, 1, DOZOR_MBTILES_MAX_TILE_BYTES);
      rc = sqlite3_step (stmt);
    }

  if (rc == SQLITE_ROW)
    {
      const guchar *data = sqlite3_column_blob (stmt, 0);
      int size = sqlite3_column_bytes (stmt, 0);

      if (data == NULL && size > 0)
        {
          set_sqlite_error (self, sqlite3_errcode (self->db), error);
          return FALSE;
        }

      if (size > 0)
        {
          const char *known = format_from_magic (data, (gsize) size);

          *format = known != NULL ? g_strdup (known) : describe_magic (data, (gsize) size);
        }

      return TRUE;
    }

  if (rc == SQLITE_DONE)
    return TRUE;

  set_sqlite_error (self, rc, error);
  return FALSE;
}

static gboolean
pick_format (DozorMbtiles  *self,
             const char    *declared,
             const char    *probed,
             GError       **error)
{
  g_autofree char *format = NULL;

  if (declared != NULL)
    format = g_strstrip (g_ascii_strdown (declared, -1));

  /* The metadata is authoritative when it is there; MBTiles 1.0 had no
   * format key at all and meant PNG, which also covers a tileset with no
   * tiles to look at. */
  if (format == NULL || *format == '\0')
    {
      g_free (format);
      format = g_strdup (probed != NULL ? probed : "png");
    }

  if (strcmp (format, "png") == 0 || strcmp (format, "webp") == 0)
    {
      self->format = g_steal_pointer (&format);
      return TRUE;
    }

  if (strcmp (format, "jpg") == 0 || strcmp (format, "jpeg") == 0)
    {
      self->format = g_strdup ("jpg");
      return TRUE;
    }

  /* The format is the file's text: keep a garbage value from flooding the
   * message. */
  if (g_utf8_strlen (format, -1) > 32)
    {
      g_autofree char *shortened = g_utf8_substring (format, 0, 32);

      g_free (format);
      format = g_strconcat (shortened, "…", NULL);
    }

  g_set_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_FORMAT,
               _("“%s” holds tiles in the format “%s”; only raster PNG, JPEG and WebP tiles can be shown"),
               self->display_name, format);
  return FALSE;
}

static gboolean
parse_zoom (const char *text,
            guint      *zoom)
{
  g_autofree char *stripped = NULL;
  guint64 value;

  if (text == NULL)
    return FALSE;

  stripped = g_strstrip (g_strdup (text));
  if (!g_ascii_string_to_unsigned (stripped, 10, 0, DOZOR_MBTILES_MAX_ZOOM, &value, NULL))
    return FALSE;

  *zoom = (guint) value;
  return TRUE;
}

/* The zoom range from the tiles themselves, when the metadata does not give
 * it. One MIN or MAX per query, each limited to real zoom levels: that way
 * SQLite seeks in the (zoom_level, …) index instead of scanning every tile,
 * and a stray row at zoom 40 does not widen the range. A tileset without
 * tiles gets 0..0. */
static gboolean
compute_zoom_range (DozorMbtiles  *self,
                    guint         *min_zoom,
                    guint         *max_zoom,
                    GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT "
                           "(SELECT MIN (zoom_level) FROM tiles WHERE zoom_level BETWEEN 0 AND ?1), "
                           "(SELECT MAX (zoom_level) FROM tiles WHERE zoom_level BETWEEN 0 AND ?1)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int (stmt, 1, DOZOR_MBTILES_MAX_ZOOM);
      rc = sqlite3_step (stmt);
    }

  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (self, rc, error);
      return FALSE;
    }

  *min_zoom = 0;
  *max_zoom = 0;
  if (sqlite3_column_type (stmt, 0) == SQLITE_INTEGER &&
      sqlite3_column_type (stmt, 1) == SQLITE_INTEGER)
    {
      *min_zoom = (guint) CLAMP (sqlite3_column_int64 (stmt, 0), 0, DOZOR_MBTILES_MAX_ZOOM);
      *max_zoom = (guint) CLAMP (sqlite3_column_int64 (stmt, 1), *min_zoom, DOZOR_MBTILES_MAX_ZOOM);
    }

  return TRUE;
}

static gboolean
pick_zoom_range (DozorMbtiles  *self,
                 GHashTable    *metadata,
                 GError       **error)
{
  gboolean have_min = parse_zoom (g_hash_table_lookup (metadata, "minzoom"), &self->min_zoom);
  gboolean have_max = parse_zoom (g_hash_table_lookup (metadata, "maxzoom"), &self->max_zoom);
  guint computed_min, computed_max;

  if (have_min && have_max && self->min_zoom <= self->max_zoom)
    return TRUE;

  if (!compute_zoom_range (self, &computed_min, &computed_max, error))
    return FALSE;

  if (!have_min)
    self->min_zoom = computed_min;
  if (!have_max)
    self->max_zoom = computed_max;

  /* The one key that is there contradicts the tiles, or both keys each
   * other: the tiles are the better witness. */
  if (self->min_zoom > self->max_zoom)
    {
      self->min_zoom = computed_min;
      self->max_zoom = computed_max;
    }

  return TRUE;
}

/* "west,south,east,north" in degrees. Bounds across the antimeridian
 * (west > east) are refused too: the callers take west < east for granted,
 * and a tileset without bounds is drawn wherever it has tiles. */
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
      const char *start = g_strstrip (parts[i]);
      char *end = NULL;

      values[i] = g_ascii_strtod (start, &end);
      if (end == start || *end != '\0' || !isfinite (values[i]))
        return;
    }

  if (values[0] < -180 || values[2] > 180 || values[1] < -90 || values[3] > 90 ||
      values[0] >= values[2] || values[1] >= values[3])
    return;

  self->west = values[0];
  self->south = values[1];
  self->east = values[2];
  self->north = values[3];
  self->have_bounds = TRUE;
}

static gboolean
load (DozorMbtiles  *self,
      GError       **error)
{
  g_autoptr(GHashTable) metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *probed_format = NULL;
  int rc;

  if (!check_is_database_file (self, error) ||
      !open_database (self, error) ||
      !check_tiles_columns (self, error) ||
      !read_metadata (self, metadata, error) ||
      !probe_first_tile (self, &probed_format, error) ||
      !pick_format (self, g_hash_table_lookup (metadata, "format"), probed_format, error) ||
      !pick_zoom_range (self, metadata, error))
    return FALSE;

  self->name = g_strdup (g_hash_table_lookup (metadata, "name"));
  self->attribution = g_strdup (g_hash_table_lookup (metadata, "attribution"));
  parse_bounds (self, g_hash_table_lookup (metadata, "bounds"));

  /* As in the probe, the blob is only loaded when it is small enough; its
   * length still comes back, for the message. */
  rc = sqlite3_prepare_v3 (self->db,
                           "SELECT length (tile_data), "
                           "CASE WHEN length (tile_data) <= ?4 THEN tile_data END "
                           "FROM tiles "
                           "WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3 "
                           "LIMIT 1",
                           -1, SQLITE_PREPARE_PERSISTENT, &self->tile_stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, rc, error);
      return FALSE;
    }

  return TRUE;
}

/**
 * dozor_mbtiles_open:
 * @path: (type filename): the MBTiles file
 * @error: return location for a #GError
 *
 * Opens @path read-only and checks that it is a raster MBTiles whose tiles
 * can be read. Nothing is ever created or written: a missing file is an
 * error, not a new empty database.
 *
 * The `tiles` table may also be a view, as in the deduplicated layout. Keys
 * missing from the `metadata` table are worked out: the format from the
 * first tile's bytes, the zoom range from the tiles.
 *
 * The error is in the %DOZOR_MBTILES_ERROR domain: %DOZOR_MBTILES_ERROR_OPEN
 * for a file that is missing, unreadable or not a database at all,
 * %DOZOR_MBTILES_ERROR_SCHEMA for a database without usable tiles,
 * %DOZOR_MBTILES_ERROR_FORMAT for tiles other than PNG, JPEG or WebP, and
 * %DOZOR_MBTILES_ERROR_CORRUPT for a damaged file. The message names the
 * file.
 *
 * Returns: (transfer full) (nullable): the tileset, or %NULL with @error set
 */
DozorMbtiles *
dozor_mbtiles_open (const char  *path,
                    GError     **error)
{
  g_autoptr(DozorMbtiles) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (DOZOR_TYPE_MBTILES, NULL);
  self->path = g_strdup (path);
  self->display_name = g_filename_display_name (path);

  if (!load (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * dozor_mbtiles_get_path:
 * @self: a #DozorMbtiles
 *
 * Returns: (type filename): the path the tileset was opened from
 */
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
 * The attribution as the file gives it. The MBTiles specification allows
 * HTML here, so escape or sanitise it before showing it as markup.
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
 * The tiles' image format: from the metadata, or from the first tile's
 * bytes when the metadata has none, or "png" for a tileset with neither.
 * "jpeg" in the file is given as "jpg".
 *
 * Returns: "png", "jpg" or "webp"
 */
const char *
dozor_mbtiles_get_format (DozorMbtiles *self)
{
  g_return_val_if_fail (DOZOR_IS_MBTILES (self), NULL);

  return self->format;
}

/**
 * dozor_mbtiles_get_min_zoom:
 * @self: a #DozorMbtiles
 *
 * The lowest zoom level: from the metadata when it is valid there, else the
 * lowest zoom level that has tiles (0 for a tileset without tiles).
 *
 * Returns: the minimum zoom level, at most %DOZOR_MBTILES_MAX_ZOOM
 */
guint
dozor_mbtiles_get_min_zoom (DozorMbtiles *self)
{
  g_return_val_if_fail (DOZOR_IS_MBTILES (self), 0);

  return self->min_zoom;
}

/**
 * dozor_mbtiles_get_max_zoom:
 * @self: a #DozorMbtiles
 *
 * The highest zoom level: from the metadata when it is valid there, else
 * the highest zoom level that has tiles (0 for a tileset without tiles).
 *
 * Returns: the maximum zoom level, at most %DOZOR_MBTILES_MAX_ZOOM and never
 *   below the minimum
 */
guint
dozor_mbtiles_get_max_zoom (DozorMbtiles *self)
{
  g_return_val_if_fail (DOZOR_IS_MBTILES (self), 0);

  return self->max_zoom;
}

/**
 * dozor_mbtiles_get_bounds:
 * @self: a #DozorMbtiles
 * @west: (out) (optional): western longitude, in degrees
 * @south: (out) (optional): southern latitude, in degrees
 * @east: (out) (optional): eastern longitude, in degrees
 * @north: (out) (optional): northern latitude, in degrees
 *
 * The area the tileset covers, from the `bounds` metadata. Missing or
 * malformed bounds, values outside the globe and bounds that cross the
 * antimeridian all count as no bounds; the out arguments are then left
 * untouched.
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

  if (west != NULL)
    *west = self->west;
  if (south != NULL)
    *south = self->south;
  if (east != NULL)
    *east = self->east;
  if (north != NULL)
    *north = self->north;

  return TRUE;
}

/**
 * dozor_mbtiles_get_tile:
 * @self: a #DozorMbtiles
 * @zoom: the zoom level
 * @x: the column, counted from the west
 * @y: the row, counted from the north (XYZ, as libshumate counts; the file
 *   counts its TMS rows from the south)
 * @error: return location for a #GError
 *
 * Reads one tile's encoded image. Safe to call from several threads at once.
 *
 * A tile the file does not have, or has as an empty blob, is not an error:
 * %NULL comes back with @error untouched and the caller draws nothing.
 * Errors are %DOZOR_MBTILES_ERROR_OUT_OF_RANGE for a @zoom above
 * %DOZOR_MBTILES_MAX_ZOOM or an @x or @y of 2^@zoom or more,
 * %DOZOR_MBTILES_ERROR_TOO_LARGE for a blob over
 * %DOZOR_MBTILES_MAX_TILE_BYTES, %DOZOR_MBTILES_ERROR_CORRUPT for a damaged
 * file and %DOZOR_MBTILES_ERROR_OPEN when SQLite cannot read it now.
 *
 * Returns: (transfer full) (nullable): the tile's bytes, or %NULL
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
  sqlite3_int64 tms_row;
  int rc;

  g_return_val_if_fail (DOZOR_IS_MBTILES (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (zoom > DOZOR_MBTILES_MAX_ZOOM || x >= (1u << zoom) || y >= (1u << zoom))
    {
      g_set_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_OUT_OF_RANGE,
                   _("Tile %u/%u/%u is outside the tile pyramid"), zoom, x, y);
      return NULL;
    }

  tms_row = ((sqlite3_int64) 1 << zoom) - 1 - y;

  locker = g_mutex_locker_new (&self->lock);

  sqlite3_bind_int (self->tile_stmt, 1, (int) zoom);
  sqlite3_bind_int64 (self->tile_stmt, 2, x);
  sqlite3_bind_int64 (self->tile_stmt, 3, tms_row);
  sqlite3_bind_int (self->tile_stmt, 4, DOZOR_MBTILES_MAX_TILE_BYTES);

  rc = sqlite3_step (self->tile_stmt);
  if (rc == SQLITE_ROW)
    {
      sqlite3_int64 length = sqlite3_column_int64 (self->tile_stmt, 0);
      const void *data = sqlite3_column_blob (self->tile_stmt, 1);
      /* length() counts characters if the file stored text: the byte count
       * of what was loaded is checked as well. */
      int size = sqlite3_column_bytes (self->tile_stmt, 1);

      if (length > DOZOR_MBTILES_MAX_TILE_BYTES || size > DOZOR_MBTILES_MAX_TILE_BYTES)
        g_set_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_TOO_LARGE,
                     _("Tile %u/%u/%u in “%s” is %d bytes, more than a map tile can be"),
                     zoom, x, y, self->display_name, (int) MIN (MAX (length, size), G_MAXINT));
      else if (data == NULL && size > 0)
        set_sqlite_error (self, sqlite3_errcode (self->db), error);
      else if (size > 0)
        bytes = g_bytes_new (data, (gsize) size);
    }
  else if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
    }

  sqlite3_reset (self->tile_stmt);

  return bytes;
}
