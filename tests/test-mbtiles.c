/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "dozor-mbtiles.h"
#include "test-sqlite-files.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* Only the first bytes matter to the reader; the rest stands in for pixels. */
static const guchar png_tile[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H' };
static const guchar jpeg_tile[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0 };
static const guchar webp_tile[] = { 'R', 'I', 'F', 'F', 26, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' ' };
static const guchar gzip_tile[] = { 0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03 };
static const guchar odd_tile[] = { 'h', 'e', 'l', 'l', 'o' };

static const char standard_schema[] =
  "CREATE TABLE metadata (name TEXT, value TEXT);"
  "CREATE UNIQUE INDEX name ON metadata (name);"
  "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);"
  "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);";

/* Each test gets its own directory for the files it makes. */
typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-mbtiles-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        g_rmdir (path);
      else
        g_remove (path);
    }

  g_rmdir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

static char *
fixture_path (Fixture    *fixture,
              const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

static char *
shipped_basemap_path (void)
{
  return g_build_filename (g_getenv ("DOZOR_DATA_DIR"), "basemap", "natural-earth-z0-3.mbtiles", NULL);
}

static char *
plain_fixture_path (void)
{
  return g_test_build_filename (G_TEST_DIST, "data", "plain_1.mbtiles", NULL);
}

/* A new database at @path with @sql run in it; the caller adds the rest. */
static sqlite3 *
create_db (const char *path,
           const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                   ==, SQLITE_OK);
  if (sql != NULL)
    exec_sql (db, sql);

  return db;
}

static void
set_metadata (sqlite3    *db,
              const char *key,
              const char *value)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO metadata VALUES (?, ?)", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
}

/* @size -1 stores NULL instead of a blob. */
static void
insert_tile (sqlite3    *db,
             gint64      zoom,
             gint64      column,
             gint64      row,
             const void *data,
             gssize      size)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO tiles VALUES (?, ?, ?, ?)", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, zoom);
  sqlite3_bind_int64 (stmt, 2, column);
  sqlite3_bind_int64 (stmt, 3, row);
  if (size < 0)
    sqlite3_bind_null (stmt, 4);
  else
    sqlite3_bind_blob (stmt, 4, size > 0 ? data : "", (int) size, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
}

/* A flat MBTiles with the standard schema, @format in its metadata unless
 * %NULL, and one PNG tile at 0/0/0. */
static char *
make_mbtiles (Fixture    *fixture,
              const char *name,
              const char *format)
{
  char *path = fixture_path (fixture, name);
  g_autoptr(sqlite3) db = create_db (path, standard_schema);

  set_metadata (db, "name", name);
  if (format != NULL)
    set_metadata (db, "format", format);
  insert_tile (db, 0, 0, 0, png_tile, sizeof png_tile);

  return path;
}

/* The row as the file has it, read without DozorMbtiles: the reference the
 * row flip is checked against. */
static GBytes *
read_row_directly (const char *path,
                   gint64      zoom,
                   gint64      column,
                   gint64      tms_row)
{
  g_autoptr(sqlite3) db = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT tile_data FROM tiles WHERE zoom_level = ? "
                                           "AND tile_column = ? AND tile_row = ?", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, zoom);
  sqlite3_bind_int64 (stmt, 2, column);
  sqlite3_bind_int64 (stmt, 3, tms_row);

  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;

  return g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
}

static void
assert_open_fails (const char *path,
                   int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorMbtiles) tiles = dozor_mbtiles_open (path, &error);

  g_assert_null (tiles);
  g_assert_error (error, DOZOR_MBTILES_ERROR, code);
  g_test_message ("%s", error->message);
  /* The message names the file, so a user knows which one to replace. */
  g_assert_nonnull (strstr (error->message, path));
}

static void
assert_tile_missing (DozorMbtiles *tiles,
                     guint         zoom,
                     guint         x,
                     guint         y)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) tile = dozor_mbtiles_get_tile (tiles, zoom, x, y, &error);

  g_assert_no_error (error);
  g_assert_null (tile);
}

static void
assert_tile_error (DozorMbtiles *tiles,
                   guint         zoom,
                   guint         x,
                   guint         y,
                   int           code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) tile = dozor_mbtiles_get_tile (tiles, zoom, x, y, &error);

  g_assert_null (tile);
  g_assert_error (error, DOZOR_MBTILES_ERROR, code);
}

static void
assert_tile_equals (DozorMbtiles *tiles,
                    guint         zoom,
                    guint         x,
                    guint         y,
                    GBytes       *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) tile = dozor_mbtiles_get_tile (tiles, zoom, x, y, &error);

  g_assert_no_error (error);
  g_assert_nonnull (tile);
  g_assert_nonnull (expected);
  g_assert_true (g_bytes_equal (tile, expected));
}

static void
test_basemap_metadata (void)
{
  g_autofree char *path = shipped_basemap_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorMbtiles) tiles = dozor_mbtiles_open (path, &error);
  g_autofree char *property = NULL;
  double west, south, east, north;

  g_assert_no_error (error);
  g_assert_nonnull (tiles);
  g_assert_cmpstr (dozor_mbtiles_get_path (tiles), ==, path);
  g_object_get (tiles, "path", &property, NULL);
  g_assert_cmpstr (property, ==, path);
  g_assert_cmpstr (dozor_mbtiles_get_name (tiles), ==, "Natural Earth raster basemap z0-3");
  g_assert_cmpstr (dozor_mbtiles_get_attribution (tiles), ==, "Natural Earth");
  g_assert_cmpstr (dozor_mbtiles_get_format (tiles), ==, "png");
  g_assert_cmpuint (dozor_mbtiles_get_min_zoom (tiles), ==, 0);
  g_assert_cmpuint (dozor_mbtiles_get_max_zoom (tiles), ==, 3);

  g_assert_true (dozor_mbtiles_get_bounds (tiles, &west, &south, &east, &north));
  g_assert_cmpfloat (west, ==, -180.0);
  g_assert_cmpfloat (east, ==, 180.0);
  g_assert_cmpfloat_with_epsilon (south, -85.0511, 1e-9);
  g_assert_cmpfloat_with_epsilon (north, 85.0511, 1e-9);
}

static void
test_basemap_world_tile (void)
{
  static const guchar png_magic[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autofree char *path = shipped_basemap_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorMbtiles) tiles = dozor_mbtiles_open (path, &error);
  g_autoptr(GBytes) world = NULL;
  g_autoptr(GBytes) expected = read_row_directly (path, 0, 0, 0);

  g_assert_no_error (error);
  world = dozor_mbtiles_get_tile (tiles, 0, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (world);
  g_assert_cmpuint (g_bytes_get_size (world), >, sizeof png_magic);
  g_assert_cmpmem (g_bytes_get_data (world, NULL), sizeof png_magic, png_magic, sizeof png_magic);
  g_assert_true (g_bytes_equal (world, expected));
}

/* XYZ rows count from the north, the file's TMS rows from the south. */
static void
test_basemap_row_flip (void)
{
  g_autofree char *path = shipped_basemap_path ();
  g_autoptr(DozorMbtiles) tiles = dozor_mbtiles_open (path, NULL);
  g_autoptr(GBytes) north_east = read_row_directly (path, 1, 1, 1);
  g_autoptr(GBytes) south_east = read_row_directly (path, 1, 1, 0);

  g_assert_nonnull (tiles);

  /* The two quadrants differ, or the check below would prove nothing. */
  g_assert_false (g_bytes_equal (north_east, south_east));
  assert_tile_equals (tiles, 1, 1, 0, north_east);
  assert_tile_equals (tiles, 1, 1, 1, south_east);

  for (guint zoom = 0; zoom <= 3; zoom++)
    for (guint x = 0; x < (1u << zoom); x++)
      for (guint y = 0; y < (1u << zoom); y++)
        {
          g_autoptr(GBytes) expected = read_row_directly (path, zoom, x, (1 << zoom) - 1 - y);

          assert_tile_equals (tiles, zoom, x, y, expected);
        }
}

static void
test_basemap_almaty (void)
{
  g_autofree char *path = shipped_basemap_path ();
  g_autoptr(DozorMbtiles) tiles = dozor_mbtiles_open (path, NULL);
  g_autoptr(GBytes) expected = NULL;
  double lon = 76.9, lat = 43.2;
  double n = 8;
  guint x, y;

  /* Web Mercator, worked out here rather than taken from the library. */
  x = (guint) floor ((lon + 180.0) / 360.0 * n);
  y = (guint) floor ((1.0 - asinh (tan (lat * G_PI / 180.0)) / G_PI) / 2.0 * n);
  g_assert_cmpuint (x, ==, 5);
  g_assert_cmpuint (y, ==, 2);

  expected = read_row_directly (path, 3, x, 7 - y);
  assert_tile_equals (tiles, 3, x, y, expected);
}

static void
test_basemap_missing_zoom (void)
{
  g_autofree char *path = shipped_basemap_path ();
  g_autoptr(DozorMbtiles) tiles = dozor_mbtiles_open (path, NULL);

  g_assert_nonnull (tiles);

  /* Zoom 4 was not shipped: missing, which is not an error. */
  assert_tile_missing (tiles, 4, 11, 5);
  assert_tile_missing (tiles, 4, 0, 0);
  assert_tile_missing (tiles, DOZOR_MBTILES_MAX_ZOOM,
                       (1u << DOZOR_MBTILES_MAX_ZOOM) - 1, (1u << DOZOR_MBTILES_MAX_ZOOM) - 1);
}

static void
test_deduplicated_fixture (void)
{
  g_autofree char *path = plain_fixture_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorMbtiles) tiles = dozor_mbtiles_open (path, &error);
  g_autoptr(GBytes) expected = read_row_directly (path, 2, 1, 2);
  double west, south, east, north;
  guint count = 0;

  /* "tiles" is a view, and the metadata has neither format nor zoom levels. */
  g_assert_no_error (error);
  g_assert_nonnull (tiles);
  g_assert_cmpstr (dozor_mbtiles_get_name (tiles), ==, "plain_1");
  g_assert_null (dozor_mbtiles_get_attribution (tiles));
  g_assert_cmpstr (dozor_mbtiles_get_format (tiles), ==, "png");
  g_assert_cmpuint (dozor_mbtiles_get_min_zoom (tiles), ==, 0);
  g_assert_cmpuint (dozor_mbtiles_get_max_zoom (tiles), ==, 4);

  g_assert_true (dozor_mbtiles_get_bounds (tiles, &west, &south, &east, &north));
  g_assert_cmpfloat_with_epsilon (west, -179.9999999749438, 1e-9);
  g_assert_cmpfloat_with_epsilon (south, -69.99999999526695, 1e-9);
  g_assert_cmpfloat_with_epsilon (east, 179.9999999749438, 1e-9);
  g_assert_cmpfloat_with_epsilon (north, 84.99999999782301, 1e-9);
  g_assert_true (dozor_mbtiles_get_bounds (tiles, NULL, NULL, NULL, NULL));

  assert_tile_equals (tiles, 2, 1, 1, expected);

  /* Every tile the README counts is reachable through the view. */
  for (guint zoom = 0; zoom <= 4; zoom++)
    for (guint x = 0; x < (1u << zoom); x++)
      for (guint y = 0; y < (1u << zoom); y++)
        {
          g_autoptr(GBytes) tile = dozor_mbtiles_get_tile (tiles, zoom, x, y, &error);

          g_assert_no_error (error);
          count += tile != NULL;
        }
  g_assert_cmpuint (count, ==, 285);
}

static void
test_missing_file (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *missing = fixture_path (fixture, "does-not-exist.mbtiles");
  g_autofree char *in_missing_dir = g_build_filename (fixture->dir, "nowhere", "x.mbtiles", NULL);

  assert_open_fails (missing, DOZOR_MBTILES_ERROR_OPEN);
  assert_open_fails (in_missing_dir, DOZOR_MBTILES_ERROR_OPEN);

  /* Opening must not create what was not there. */
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (in_missing_dir, G_FILE_TEST_EXISTS));
}

static void
test_not_a_database (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autofree char *empty = fixture_path (fixture, "empty.mbtiles");
  g_autofree char *text = fixture_path (fixture, "text.mbtiles");
  g_autofree char *short_text = fixture_path (fixture, "short.mbtiles");
  g_autofree char *directory = fixture_path (fixture, "directory.mbtiles");
  GStatBuf st;

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_true (g_file_set_contents (text, "{\"tiles\": \"not here\", \"padding\": "
                                            "\"more than one header's worth of text\"}\n",
                                      -1, NULL));
  g_assert_true (g_file_set_contents (short_text, "SQLite", -1, NULL));
  g_assert_cmpint (g_mkdir (directory, 0700), ==, 0);

  /* SQLite would take an empty file for an empty database. */
  assert_open_fails (empty, DOZOR_MBTILES_ERROR_OPEN);
  assert_open_fails (text, DOZOR_MBTILES_ERROR_OPEN);
  assert_open_fails (short_text, DOZOR_MBTILES_ERROR_OPEN);
  assert_open_fails (directory, DOZOR_MBTILES_ERROR_OPEN);

  /* Read-only means read-only: nothing was written to the empty file. */
  g_assert_cmpint (g_stat (empty, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 0);
}

/* File names SQLite would take apart if they reached it as they are. */
static void
test_odd_file_names (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autofree char *source = plain_fixture_path ();
  g_autofree char *contents = NULL;
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *odd = fixture_path (fixture, "a?mode=rwc&b#c%20 d.mbtiles");
  g_autofree char *prefixed = fixture_path (fixture, "file:x.mbtiles");
  gsize length;

  g_assert_true (g_file_get_contents (source, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (odd, contents, length, NULL));
  g_assert_true (g_file_set_contents (prefixed, contents, length, NULL));

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(DozorMbtiles) tiles = dozor_mbtiles_open (odd, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (dozor_mbtiles_get_name (tiles), ==, "plain_1");
  }

  /* A relative name that looks like a URI. */
  g_assert_cmpint (g_chdir (fixture->dir), ==, 0);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(DozorMbtiles) tiles = dozor_mbtiles_open ("file:x.mbtiles", &error);
    g_autoptr(GError) missing_error = NULL;
    g_autoptr(DozorMbtiles) missing = dozor_mbtiles_open ("file:y.mbtiles", &missing_error);

    g_assert_no_error (error);
    g_assert_cmpstr (dozor_mbtiles_get_name (tiles), ==, "plain_1");
    g_assert_error (missing_error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_OPEN);
    g_assert_false (g_file_test ("file:y.mbtiles", G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test ("y.mbtiles", G_FILE_TEST_EXISTS));
  }
  g_assert_cmpint (g_chdir (cwd), ==, 0);
}

/* A damaged file either fails to open or fails tile by tile: with an error
 * of ours every time, never a crash. Returns how many tiles failed. */
static guint
read_damaged (const char *path,
              gboolean   *opened)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorMbtiles) tiles = dozor_mbtiles_open (path, &error);
  guint failures = 0;

  *opened = tiles != NULL;
  if (tiles == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == DOZOR_MBTILES_ERROR);
      g_assert_true (error->code == DOZOR_MBTILES_ERROR_OPEN ||
                     error->code == DOZOR_MBTILES_ERROR_CORRUPT ||
                     error->code == DOZOR_MBTILES_ERROR_SCHEMA);
      g_assert_nonnull (strstr (error->message, path));
      g_test_message ("open: %s", error->message);
      return 0;
    }

  for (guint zoom = 0; zoom <= 3; zoom++)
    for (guint x = 0; x < (1u << zoom); x++)
      for (guint y = 0; y < (1u << zoom); y++)
        {
          g_autoptr(GError) tile_error = NULL;
          g_autoptr(GBytes) tile = dozor_mbtiles_get_tile (tiles, zoom, x, y, &tile_error);

          if (tile_error != NULL)
            {
              g_assert_null (tile);
              g_assert_error (tile_error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_CORRUPT);
              g_assert_nonnull (strstr (tile_error->message, path));
              failures++;
            }
        }

  g_test_message ("opened, %u of 85 tiles unreadable", failures);
  return failures;
}

static void
test_truncated (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *source = shipped_basemap_path ();
  g_autofree char *contents = NULL;
  gsize length;
  gsize cuts[] = { 16, 100, 4096, 64 * 1024, 0 /* half */, 0 /* all but the last page */ };

  g_assert_true (g_file_get_contents (source, &contents, &length, NULL));
  cuts[4] = length / 2;
  cuts[5] = length - 4096;

  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autofree char *name = g_strdup_printf ("truncated-%" G_GSIZE_FORMAT ".mbtiles", cuts[i]);
      g_autofree char *path = fixture_path (fixture, name);
      gboolean opened;
      guint failures;

      g_test_message ("cut at %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes", cuts[i], length);
      g_assert_true (g_file_set_contents (path, contents, cuts[i], NULL));
      failures = read_damaged (path, &opened);

      /* Something is missing, and it shows, at open or in some tiles. */
      g_assert_true (!opened || failures > 0);
    }

  /* Files from older SQLite versions give no page count SQLite trusts; it
   * then counts pages from the file size, opens a truncated file without
   * complaint, and the loss shows only in tiles that were in the lost part.
   * Making the "version valid for" field disagree with the change counter
   * turns the shipped file into one of those. */
  {
    g_autofree char *path = fixture_path (fixture, "truncated-old-header.mbtiles");
    gboolean opened;
    guint failures;

    contents[95] = (char) (contents[27] ^ 0xff);
    g_assert_true (g_file_set_contents (path, contents, length / 2, NULL));
    failures = read_damaged (path, &opened);
    g_assert_true (opened);
    g_assert_cmpuint (failures, >, 1);
  }
}

static void
test_overwritten (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autofree char *source = shipped_basemap_path ();
  g_autofree char *contents = NULL;
  gsize length;
  struct {
    gsize start;
    gsize span;
  } damage[] = {
    { 100, 4096 - 100 },  /* the first page's b-tree: the schema */
    { 4096, 256 * 1024 }, /* the first pages after it */
    { 0, 256 * 1024 },    /* the middle */
    { 0, 0 },             /* the last quarter: zoom 3, written last */
  };

  g_assert_true (g_file_get_contents (source, &contents, &length, NULL));
  damage[2].start = length / 2;
  damage[3].start = length - length / 4;
  damage[3].span = length / 4;

  for (guint i = 0; i < G_N_ELEMENTS (damage); i++)
    {
      g_autofree char *name = g_strdup_printf ("overwritten-%u.mbtiles", i);
      g_autofree char *path = fixture_path (fixture, name);
      g_autofree char *copy = g_memdup2 (contents, length);
      gboolean opened;
      guint failures;

      /* Garbage, not zeros: page numbers in it point past the end. */
      for (gsize j = 0; j < damage[i].span; j++)
        copy[damage[i].start + j] = (char) (0xa5 ^ (j * 31));
      g_assert_true (g_file_set_contents (path, copy, length, NULL));
      failures = read_damaged (path, &opened);

      /* The file's page count is intact, so it opens (the schema and the
       * first tile are untouched) and the damage shows tile by tile. */
      if (i == 3)
        {
          g_assert_true (opened);
          g_assert_cmpuint (failures, >, 0);
        }
    }
}

static void
test_wrong_schema (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *no_tiles = fixture_path (fixture, "no-tiles.mbtiles");
  g_autofree char *no_data = fixture_path (fixture, "no-data-column.mbtiles");
  g_autofree char *broken_view = fixture_path (fixture, "broken-view.mbtiles");
  g_autoptr(sqlite3) db = NULL;

  db = create_db (no_tiles, "CREATE TABLE metadata (name TEXT, value TEXT);"
                            "INSERT INTO metadata VALUES ('format', 'png');");
  g_clear_pointer (&db, sqlite3_close);
  assert_open_fails (no_tiles, DOZOR_MBTILES_ERROR_SCHEMA);

  db = create_db (no_data, "CREATE TABLE metadata (name TEXT, value TEXT);"
                           "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, "
                           "                    tile_row INTEGER, image BLOB);"
                           "INSERT INTO tiles VALUES (0, 0, 0, x'89504e47');");
  g_clear_pointer (&db, sqlite3_close);
  assert_open_fails (no_data, DOZOR_MBTILES_ERROR_SCHEMA);

  /* The deduplicated layout with its images table gone. */
  db = create_db (broken_view, "CREATE TABLE map (zoom_level INTEGER, tile_column INTEGER, "
                               "                  tile_row INTEGER, tile_id TEXT);"
                               "CREATE TABLE images (tile_data BLOB, tile_id TEXT);"
                               "CREATE VIEW tiles AS SELECT map.zoom_level AS zoom_level, "
                               "  map.tile_column AS tile_column, map.tile_row AS tile_row, "
                               "  images.tile_data AS tile_data "
                               "  FROM map JOIN images ON images.tile_id = map.tile_id;"
                               "DROP TABLE images;");
  g_clear_pointer (&db, sqlite3_close);
  assert_open_fails (broken_view, DOZOR_MBTILES_ERROR_SCHEMA);
}

static void
test_declared_format (Fixture       *fixture,
                      gconstpointer  user_data)
{
  static const struct {
    const char *declared;
    const char *format;  /* NULL: refused */
  } cases[] = {
    { "png", "png" },
    { "PNG", "png" },
    { "jpg", "jpg" },
    { "jpeg", "jpg" },
    { "JPEG", "jpg" },
    { " webp ", "webp" },
    { "pbf", NULL },
    { "jpeg2000", NULL },
    { "image/png", NULL },
    { "\xff\xfe garbage", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("format-%u.mbtiles", i);
      g_autofree char *path = make_mbtiles (fixture, name, cases[i].declared);
      g_autoptr(GError) error = NULL;
      g_autoptr(DozorMbtiles) tiles = dozor_mbtiles_open (path, &error);

      if (cases[i].format != NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (dozor_mbtiles_get_format (tiles), ==, cases[i].format);
        }
      else
        {
          g_assert_null (tiles);
          g_assert_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_FORMAT);
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
          g_assert_nonnull (strstr (error->message, path));
          g_test_message ("%s", error->message);
        }
    }

  /* The message says which format it was. */
  {
    g_autofree char *path = make_mbtiles (fixture, "named.mbtiles", "jpeg2000");
    g_autoptr(GError) error = NULL;
    g_autoptr(DozorMbtiles) tiles = dozor_mbtiles_open (path, &error);

    g_assert_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_FORMAT);
    g_assert_nonnull (strstr (error->message, "jpeg2000"));
  }
}

/* No format in the metadata: the first tile's bytes tell it. */
static void
test_inferred_format (Fixture       *fixture,
                      gconstpointer  user_data)
{
  static const struct {
    const guchar *data;
    gssize size;
    const char *format;  /* NULL: refused */
  } cases[] = {
    { png_tile, sizeof png_tile, "png" },
    { jpeg_tile, sizeof jpeg_tile, "jpg" },
    { webp_tile, sizeof webp_tile, "webp" },
    { gzip_tile, sizeof gzip_tile, NULL },
    { odd_tile, sizeof odd_tile, NULL },
    /* Nothing to look at: MBTiles 1.0 meant PNG. */
    { NULL, -1, "png" },
    { NULL, 0, "png" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("inferred-%u.mbtiles", i);
      g_autofree char *path = fixture_path (fixture, name);
      g_autoptr(sqlite3) db = create_db (path, standard_schema);
      g_autoptr(GError) error = NULL;
      g_autoptr(DozorMbtiles) tiles = NULL;

      insert_tile (db, 0, 0, 0, cases[i].data, cases[i].size);
      g_clear_pointer (&db, sqlite3_close);
      tiles = dozor_mbtiles_open (path, &error);

      if (cases[i].format != NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (dozor_mbtiles_get_format (tiles), ==, cases[i].format);
        }
      else
        {
          g_assert_null (tiles);
          g_assert_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_FORMAT);
          g_test_message ("%s", error->message);
        }
    }
}

static void
test_no_metadata_table (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *path = fixture_path (fixture, "bare.mbtiles");
  g_autoptr(sqlite3) db = create_db (path, "CREATE TABLE tiles (zoom_level INTEGER, "
                                           "tile_column INTEGER, tile_row INTEGER, "
                                           "tile_data BLOB);");
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorMbtiles) tiles = NULL;

  insert_tile (db, 2, 1, 1, jpeg_tile, sizeof jpeg_tile);
  insert_tile (db, 5, 3, 30, jpeg_tile, sizeof jpeg_tile);
  g_clear_pointer (&db, sqlite3_close);

  tiles = dozor_mbtiles_open (path, &error);
  g_assert_no_error (error);
  g_assert_null (dozor_mbtiles_get_name (tiles));
  g_assert_null (dozor_mbtiles_get_attribution (tiles));
  g_assert_cmpstr (dozor_mbtiles_get_format (tiles), ==, "jpg");
  g_assert_cmpuint (dozor_mbtiles_get_min_zoom (tiles), ==, 2);
  g_assert_cmpuint (dozor_mbtiles_get_max_zoom (tiles), ==, 5);
  g_assert_false (dozor_mbtiles_get_bounds (tiles, NULL, NULL, NULL, NULL));
}

static void
test_empty_tileset (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *path = fixture_path (fixture, "empty-tileset.mbtiles");
  g_autoptr(sqlite3) db = create_db (path, standard_schema);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorMbtiles) tiles = NULL;

  set_metadata (db, "name", "nothing yet");
  set_metadata (db, "format", "webp");
  g_clear_pointer (&db, sqlite3_close);

  tiles = dozor_mbtiles_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dozor_mbtiles_get_format (tiles), ==, "webp");
  g_assert_cmpuint (dozor_mbtiles_get_min_zoom (tiles), ==, 0);
  g_assert_cmpuint (dozor_mbtiles_get_max_zoom (tiles), ==, 0);
  assert_tile_missing (tiles, 0, 0, 0);
  assert_tile_missing (tiles, 3, 5, 2);
}

static void
test_rows_out_of_range (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *path = fixture_path (fixture, "out-of-range.mbtiles");
  g_autoptr(sqlite3) db = create_db (path, standard_schema);
  g_autoptr(GBytes) expected = g_bytes_new_static (jpeg_tile, sizeof jpeg_tile);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorMbtiles) tiles = NULL;

  set_metadata (db, "format", "png");
  set_metadata (db, "minzoom", "abc");
  /* Rows no tile pyramid has: beyond 2^z, negative, zooms of 40 and -1. */
  insert_tile (db, 1, 5, 7, png_tile, sizeof png_tile);
  insert_tile (db, 2, -1, -3, png_tile, sizeof png_tile);
  insert_tile (db, 2, 0, -1, png_tile, sizeof png_tile);
  insert_tile (db, 40, 0, 0, png_tile, sizeof png_tile);
  insert_tile (db, -1, 0, 0, png_tile, sizeof png_tile);
  insert_tile (db, 3, G_MAXINT64, G_MININT64, png_tile, sizeof png_tile);
  /* And the tiles that are fine. */
  insert_tile (db, 1, 1, 1, jpeg_tile, sizeof jpeg_tile);
  insert_tile (db, 2, 3, 0, jpeg_tile, sizeof jpeg_tile);
  g_clear_pointer (&db, sqlite3_close);

  tiles = dozor_mbtiles_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tiles);

  /* minzoom is garbage and maxzoom missing: both come from the real zoom
   * levels, the rows at zoom 40 and -1 left out. */
  g_assert_cmpuint (dozor_mbtiles_get_min_zoom (tiles), ==, 1);
  g_assert_cmpuint (dozor_mbtiles_get_max_zoom (tiles), ==, 3);

  /* The valid tiles are still served: TMS 1/1/1 is XYZ 1/1/0, TMS 2/3/0 is
   * XYZ 2/3/3. */
  assert_tile_equals (tiles, 1, 1, 0, expected);
  assert_tile_equals (tiles, 2, 3, 3, expected);
  assert_tile_missing (tiles, 2, 0, 0);

  assert_tile_error (tiles, 1, 5, 0, DOZOR_MBTILES_ERROR_OUT_OF_RANGE);
  assert_tile_error (tiles, 1, 0, 2, DOZOR_MBTILES_ERROR_OUT_OF_RANGE);
  assert_tile_error (tiles, 2, 4, 0, DOZOR_MBTILES_ERROR_OUT_OF_RANGE);
  assert_tile_error (tiles, 2, 0, 4, DOZOR_MBTILES_ERROR_OUT_OF_RANGE);
  assert_tile_error (tiles, 0, 1, 0, DOZOR_MBTILES_ERROR_OUT_OF_RANGE);
  assert_tile_error (tiles, 3, G_MAXUINT, G_MAXUINT, DOZOR_MBTILES_ERROR_OUT_OF_RANGE);
  assert_tile_error (tiles, DOZOR_MBTILES_MAX_ZOOM, 1u << DOZOR_MBTILES_MAX_ZOOM, 0,
                     DOZOR_MBTILES_ERROR_OUT_OF_RANGE);
  assert_tile_error (tiles, 31, 0, 0, DOZOR_MBTILES_ERROR_OUT_OF_RANGE);
  assert_tile_error (tiles, 40, 0, 0, DOZOR_MBTILES_ERROR_OUT_OF_RANGE);
  assert_tile_error (tiles, G_MAXUINT, 0, 0, DOZOR_MBTILES_ERROR_OUT_OF_RANGE);
}

static void
test_zoom_metadata (Fixture       *fixture,
                    gconstpointer  user_data)
{
  /* The tiles are at zoom 1 and 2. */
  static const struct {
    const char *minzoom;  /* NULL: not in the metadata */
    const char *maxzoom;
    guint min_zoom;
    guint max_zoom;
  } cases[] = {
    { "0", "5", 0, 5 },      /* the metadata wins when it is valid */
    { " 3 ", "4", 3, 4 },
    { NULL, NULL, 1, 2 },
    { "abc", "5", 1, 5 },
    { "1", "99", 1, 2 },
    { "-1", "2", 1, 2 },
    { "2.5", "", 1, 2 },
    { "4", "3", 1, 2 },      /* contradicting each other */
    { "3", NULL, 1, 2 },     /* contradicting the tiles */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("zoom-%u.mbtiles", i);
      g_autofree char *path = fixture_path (fixture, name);
      g_autoptr(sqlite3) db = create_db (path, standard_schema);
      g_autoptr(GError) error = NULL;
      g_autoptr(DozorMbtiles) tiles = NULL;

      if (cases[i].minzoom != NULL)
        set_metadata (db, "minzoom", cases[i].minzoom);
      if (cases[i].maxzoom != NULL)
        set_metadata (db, "maxzoom", cases[i].maxzoom);
      insert_tile (db, 1, 0, 0, png_tile, sizeof png_tile);
      insert_tile (db, 2, 0, 0, png_tile, sizeof png_tile);
      g_clear_pointer (&db, sqlite3_close);

      tiles = dozor_mbtiles_open (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (dozor_mbtiles_get_min_zoom (tiles), ==, cases[i].min_zoom);
      g_assert_cmpuint (dozor_mbtiles_get_max_zoom (tiles), ==, cases[i].max_zoom);
    }
}

static void
test_bounds_metadata (Fixture       *fixture,
                      gconstpointer  user_data)
{
  static const struct {
    const char *bounds;  /* NULL: not in the metadata */
    gboolean valid;
  } cases[] = {
    { "-10,-20,30,40", TRUE },
    { " -10 , -20 , 30 , 40 ", TRUE },
    { "76.7,43.0,77.2,43.45", TRUE },
    { NULL, FALSE },
    { "", FALSE },
    { "1,2,3", FALSE },
    { "1,2,3,4,5", FALSE },
    { "a,b,c,d", FALSE },
    { "1,2,3,4x", FALSE },
    { "76,7;43,0;77,2;43,45", FALSE },
    { "-190,0,10,10", FALSE },
    { "0,-95,10,10", FALSE },
    { "10,0,5,10", FALSE },
    { "0,0,0,0", FALSE },
    { "nan,0,10,10", FALSE },
    { "0,0,1e999,10", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("bounds-%u.mbtiles", i);
      g_autofree char *path = fixture_path (fixture, name);
      g_autoptr(sqlite3) db = create_db (path, standard_schema);
      g_autoptr(GError) error = NULL;
      g_autoptr(DozorMbtiles) tiles = NULL;
      double west = 1000, south = 1000, east = 1000, north = 1000;

      if (cases[i].bounds != NULL)
        set_metadata (db, "bounds", cases[i].bounds);
      g_clear_pointer (&db, sqlite3_close);

      tiles = dozor_mbtiles_open (path, &error);
      g_assert_no_error (error);
      g_test_message ("bounds “%s”", cases[i].bounds);
      g_assert_cmpint (dozor_mbtiles_get_bounds (tiles, &west, &south, &east, &north),
                       ==, cases[i].valid);
      if (cases[i].valid)
        {
          g_assert_cmpfloat (west, <, east);
          g_assert_cmpfloat (south, <, north);
        }
      else
        {
          g_assert_cmpfloat (west, ==, 1000);
        }
    }
}

static void
test_tile_sizes (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autofree char *path = fixture_path (fixture, "sizes.mbtiles");
  g_autoptr(sqlite3) db = create_db (path, standard_schema);
  gsize limit = DOZOR_MBTILES_MAX_TILE_BYTES;
  g_autofree guchar *huge = g_malloc0 (limit + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorMbtiles) tiles = NULL;
  g_autoptr(GBytes) largest = NULL;

  memcpy (huge, png_tile, sizeof png_tile);
  set_metadata (db, "format", "png");
  /* The oversized tile comes first: opening must not choke on it either. */
  insert_tile (db, 0, 0, 0, huge, limit + 1);
  insert_tile (db, 1, 0, 0, huge, limit);
  insert_tile (db, 1, 1, 0, "", 0);
  insert_tile (db, 1, 0, 1, NULL, -1);
  g_clear_pointer (&db, sqlite3_close);

  tiles = dozor_mbtiles_open (path, &error);
  g_assert_no_error (error);

  assert_tile_error (tiles, 0, 0, 0, DOZOR_MBTILES_ERROR_TOO_LARGE);

  /* Exactly at the limit is still a tile (TMS row 0 at zoom 1 is XYZ 1). */
  largest = dozor_mbtiles_get_tile (tiles, 1, 0, 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (largest);
  g_assert_cmpuint (g_bytes_get_size (largest), ==, limit);
  g_assert_cmpmem (g_bytes_get_data (largest, NULL), limit, huge, limit);

  /* An empty or NULL blob is no tile, not an empty image. */
  assert_tile_missing (tiles, 1, 1, 1);
  assert_tile_missing (tiles, 1, 0, 0);
}

typedef struct
{
  DozorMbtiles *tiles;
  GPtrArray *expected;  /* GBytes, in the order tile_keys lists them */
  GArray *tile_keys;    /* guint[3] per tile: zoom, x, y */
  guint offset;
  gint *go;
  gint failures;
} Reader;

#define READS_PER_THREAD 200

static gpointer
read_many (gpointer user_data)
{
  Reader *reader = user_data;

  /* Start together, so the reads really overlap. */
  while (!g_atomic_int_get (reader->go))
    g_thread_yield ();

  for (guint i = 0; i < READS_PER_THREAD; i++)
    {
      guint k = (reader->offset + i * 7) % reader->expected->len;
      const guint *key = &g_array_index (reader->tile_keys, guint, 3 * k);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) tile = dozor_mbtiles_get_tile (reader->tiles, key[0], key[1], key[2], &error);

      if (error != NULL || tile == NULL ||
          !g_bytes_equal (tile, g_ptr_array_index (reader->expected, k)))
        reader->failures++;
    }

  return NULL;
}

static void
test_threads (void)
{
  g_autofree char *path = shipped_basemap_path ();
  g_autoptr(DozorMbtiles) tiles = dozor_mbtiles_open (path, NULL);
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GArray) tile_keys = g_array_new (FALSE, FALSE, sizeof (guint));
  Reader readers[4];
  GThread *threads[G_N_ELEMENTS (readers)];
  gint go = FALSE;

  g_assert_nonnull (tiles);

  for (guint zoom = 0; zoom <= 3; zoom++)
    for (guint x = 0; x < (1u << zoom); x++)
      for (guint y = 0; y < (1u << zoom); y++)
        {
          guint key[3] = { zoom, x, y };
          GBytes *tile = dozor_mbtiles_get_tile (tiles, zoom, x, y, NULL);

          g_assert_nonnull (tile);
          g_ptr_array_add (expected, tile);
          g_array_append_vals (tile_keys, key, 3);
        }

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      readers[i] = (Reader) { tiles, expected, tile_keys, i * 13, &go, 0 };
      threads[i] = g_thread_new ("tile-reader", read_many, &readers[i]);
    }

  g_atomic_int_set (&go, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpint (readers[i].failures, ==, 0);
    }
}

static void
add_fixture_test (const char *path,
                  void (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/mbtiles/basemap/metadata", test_basemap_metadata);
  g_test_add_func ("/mbtiles/basemap/world-tile", test_basemap_world_tile);
  g_test_add_func ("/mbtiles/basemap/row-flip", test_basemap_row_flip);
  g_test_add_func ("/mbtiles/basemap/almaty", test_basemap_almaty);
  g_test_add_func ("/mbtiles/basemap/missing-zoom", test_basemap_missing_zoom);
  g_test_add_func ("/mbtiles/deduplicated-fixture", test_deduplicated_fixture);
  add_fixture_test ("/mbtiles/open/missing-file", test_missing_file);
  add_fixture_test ("/mbtiles/open/not-a-database", test_not_a_database);
  add_fixture_test ("/mbtiles/open/odd-file-names", test_odd_file_names);
  add_fixture_test ("/mbtiles/damaged/truncated", test_truncated);
  add_fixture_test ("/mbtiles/damaged/overwritten", test_overwritten);
  add_fixture_test ("/mbtiles/schema/wrong", test_wrong_schema);
  add_fixture_test ("/mbtiles/schema/no-metadata-table", test_no_metadata_table);
  add_fixture_test ("/mbtiles/schema/empty-tileset", test_empty_tileset);
  add_fixture_test ("/mbtiles/format/declared", test_declared_format);
  add_fixture_test ("/mbtiles/format/inferred", test_inferred_format);
  add_fixture_test ("/mbtiles/metadata/zoom", test_zoom_metadata);
  add_fixture_test ("/mbtiles/metadata/bounds", test_bounds_metadata);
  add_fixture_test ("/mbtiles/tiles/out-of-range", test_rows_out_of_range);
  add_fixture_test ("/mbtiles/tiles/sizes", test_tile_sizes);
  g_test_add_func ("/mbtiles/threads", test_threads);

  return g_test_run ();
}
