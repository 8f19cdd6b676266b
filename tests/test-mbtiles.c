/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "dozor-geo.h"
#include "dozor-mbtiles.h"

static const guchar png_magic[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0 };

static char *
shipped_basemap_path (void)
{
  return g_build_filename (g_getenv ("DOZOR_DATA_DIR"), "basemap", "natural-earth-z0-3.mbtiles", NULL);
}

static char *
temp_path (const char *name)
{
  return g_build_filename (g_get_tmp_dir (), name, NULL);
}

static void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static void
insert_tile (sqlite3      *db,
             gint64        zoom,
             gint64        column,
             gint64        row,
             const guchar *data,
             gsize         size)
{
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO tiles VALUES (?, ?, ?, ?)", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, zoom);
  sqlite3_bind_int64 (stmt, 2, column);
  sqlite3_bind_int64 (stmt, 3, row);
  sqlite3_bind_blob (stmt, 4, data, (int) size, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
}

/* An MBTiles made by hand: standard schema, given metadata, one PNG-looking
 * tile at 0/0/0 unless told otherwise. */
static char *
make_mbtiles (const char *name,
              const char *format,
              gboolean    with_tile)
{
  char *path = temp_path (name);
  sqlite3 *db = NULL;

  g_remove (path);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  exec_sql (db, "CREATE TABLE metadata (name TEXT, value TEXT);"
                "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);"
                "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);"
                "INSERT INTO metadata VALUES ('name', 'hand made');");
  if (format != NULL)
    {
      g_autofree char *sql = g_strdup_printf ("INSERT INTO metadata VALUES ('format', '%s')", format);

      exec_sql (db, sql);
    }
  if (with_tile)
    insert_tile (db, 0, 0, 0, png_magic, sizeof png_magic);
  sqlite3_close (db);

  return path;
}

static void
assert_open_fails (const char *path,
                   int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorMbtiles) tiles = dozor_mbtiles_open (path, &error);

  g_assert_null (tiles);
  g_assert_error (error, DOZOR_MBTILES_ERROR, code);
  /* The message names the file, so a user knows which one to replace. */
  g_assert_nonnull (strstr (error->message, path));
}

static void
test_shipped_basemap (void)
{
  g_autofree char *path = shipped_basemap_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorMbtiles) tiles = dozor_mbtiles_open (path, &error);
  g_autoptr(GBytes) world = NULL;
  g_autoptr(GBytes) missing = NULL;
  double west, south, east, north;

  g_assert_no_error (error);
  g_assert_nonnull (tiles);
  g_assert_cmpstr (dozor_mbtiles_get_format (tiles), ==, "png");
  g_assert_cmpuint (dozor_mbtiles_get_min_zoom (tiles), ==, 0);
  g_assert_cmpuint (dozor_mbtiles_get_max_zoom (tiles), ==, 3);
  g_assert_cmpstr (dozor_mbtiles_get_attribution (tiles), ==, "Natural Earth");
  g_assert_true (dozor_mbtiles_get_bounds (tiles, &west, &south, &east, &north));
  g_assert_cmpfloat (west, ==, -180.0);
  g_assert_cmpfloat_with_epsilon (north, 85.0511, 1e-9);

  world = dozor_mbtiles_get_tile (tiles, 0, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (world);
  g_assert_cmpmem (g_bytes_get_data (world, NULL), 8, png_magic, 8);

  /* Zoom 4 was not shipped: missing, which is not an error. */
  missing = dozor_mbtiles_get_tile (tiles, 4, 11, 5, &error);
  g_assert_no_error (error);
  g_assert_null (missing);
}

/* XYZ rows count from the north, the file's TMS rows from the south. */
static void
test_row_flip (void)
{
  g_autofree char *path = shipped_basemap_path ();
  g_autoptr(DozorMbtiles) tiles = dozor_mbtiles_open (path, NULL);
  g_autoptr(GBytes) north_east = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  const void *expected;
  double wx, wy;
  guint x, y;
  g_autoptr(GBytes) almaty = NULL;

  g_assert_nonnull (tiles);
  north_east = dozor_mbtiles_get_tile (tiles, 1, 1, 0, NULL);
  g_assert_nonnull (north_east);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT tile_data FROM tiles WHERE zoom_level = 1 "
                                           "AND tile_column = 1 AND tile_row = 1", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  expected = sqlite3_column_blob (stmt, 0);
  g_assert_cmpmem (g_bytes_get_data (north_east, NULL), g_bytes_get_size (north_east),
                   expected, sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  /* Almaty's zoom 3 tile is there. */
  dozor_geo_lon_lat_to_world (76.9453, 43.2389, &wx, &wy);
  x = (guint) floor (wx * 8);
  y = (guint) floor (wy * 8);
  almaty = dozor_mbtiles_get_tile (tiles, 3, x, y, NULL);
  g_assert_nonnull (almaty);
}

static void
test_deduplicated_fixture (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "plain_1.mbtiles", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorMbtiles) tiles = dozor_mbtiles_open (path, &error);
  g_autoptr(GBytes) tile = NULL;
  double west, south, east, north;

  /* "tiles" is a view and the metadata has no format nor zoom levels. */
  g_assert_no_error (error);
  g_assert_nonnull (tiles);
  g_assert_cmpstr (dozor_mbtiles_get_name (tiles), ==, "plain_1");
  g_assert_cmpstr (dozor_mbtiles_get_format (tiles), ==, "png");
  g_assert_cmpuint (dozor_mbtiles_get_min_zoom (tiles), ==, 0);
  g_assert_cmpuint (dozor_mbtiles_get_max_zoom (tiles), ==, 4);
  g_assert_true (dozor_mbtiles_get_bounds (tiles, &west, &south, &east, &north));
  g_assert_cmpfloat_with_epsilon (south, -70.0, 1e-6);

  tile = dozor_mbtiles_get_tile (tiles, 2, 1, 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tile);
}

static void
test_not_a_database (void)
{
  g_autofree char *empty = temp_path ("empty.mbtiles");
  g_autofree char *text = temp_path ("text.mbtiles");
  g_autofree char *missing = temp_path ("does-not-exist.mbtiles");

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_true (g_file_set_contents (text, "{\"tiles\": \"not here\"}\n", -1, NULL));

  /* An empty file is an empty SQLite database to SQLite: no tiles table. */
  assert_open_fails (empty, DOZOR_MBTILES_ERROR_SCHEMA);
  assert_open_fails (text, DOZOR_MBTILES_ERROR_CORRUPT);
  assert_open_fails (missing, DOZOR_MBTILES_ERROR_OPEN);

  /* Opening must not create what was not there. */
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

static void
test_truncated (void)
{
  g_autofree char *source = shipped_basemap_path ();
  g_autofree char *contents = NULL;
  gsize length;
  static const gsize cuts[] = { 100, 4096, 65536, 0 /* half */ };

  g_assert_true (g_file_get_contents (source, &contents, &length, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autofree char *path = temp_path ("truncated.mbtiles");
      g_autoptr(GError) error = NULL;
      g_autoptr(DozorMbtiles) tiles = NULL;
      gsize cut = cuts[i] != 0 ? cuts[i] : length / 2;
      guint failures = 0;

      g_assert_true (g_file_set_contents (path, contents, cut, NULL));
      tiles = dozor_mbtiles_open (path, &error);

      if (tiles == NULL)
        {
          g_assert_nonnull (error);
          g_assert_true (error->domain == DOZOR_MBTILES_ERROR);
          g_test_message ("cut at %" G_GSIZE_FORMAT ": %s", cut, error->message);
          continue;
        }

      /* It opened: then reading every tile must end in data or an error. */
      for (guint zoom = 0; zoom <= 3; zoom++)
        for (guint x = 0; x < (1u << zoom); x++)
          for (guint y = 0; y < (1u << zoom); y++)
            {
              g_autoptr(GError) tile_error = NULL;
              g_autoptr(GBytes) tile = dozor_mbtiles_get_tile (tiles, zoom, x, y, &tile_error);

              if (tile_error != NULL)
                {
                  g_assert_true (tile_error->domain == DOZOR_MBTILES_ERROR);
                  failures++;
                }
            }

      g_test_message ("cut at %" G_GSIZE_FORMAT ": opened, %u of 85 tiles unreadable", cut, failures);
      g_assert_cmpuint (failures, >, 0);
    }
}

static void
test_wrong_schema (void)
{
  g_autofree char *no_tiles = temp_path ("no-tiles.mbtiles");
  g_autofree char *no_data = temp_path ("no-data-column.mbtiles");
  sqlite3 *db = NULL;

  g_remove (no_tiles);
  g_assert_cmpint (sqlite3_open (no_tiles, &db), ==, SQLITE_OK);
  exec_sql (db, "CREATE TABLE metadata (name TEXT, value TEXT);"
                "INSERT INTO metadata VALUES ('format', 'png');");
  sqlite3_close (db);
  assert_open_fails (no_tiles, DOZOR_MBTILES_ERROR_SCHEMA);

  g_remove (no_data);
  g_assert_cmpint (sqlite3_open (no_data, &db), ==, SQLITE_OK);
  exec_sql (db, "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, image BLOB);");
  sqlite3_close (db);
  assert_open_fails (no_data, DOZOR_MBTILES_ERROR_SCHEMA);
}

static void
test_wrong_format (void)
{
  g_autofree char *vector = make_mbtiles ("vector.mbtiles", "pbf", TRUE);
  g_autofree char *odd = make_mbtiles ("jpeg2000.mbtiles", "jpeg2000", TRUE);
  g_autofree char *jpeg = make_mbtiles ("jpeg.mbtiles", "JPEG", TRUE);
  g_autoptr(DozorMbtiles) tiles = NULL;

  assert_open_fails (vector, DOZOR_MBTILES_ERROR_FORMAT);
  assert_open_fails (odd, DOZOR_MBTILES_ERROR_FORMAT);

  tiles = dozor_mbtiles_open (jpeg, NULL);
  g_assert_nonnull (tiles);
  g_assert_cmpstr (dozor_mbtiles_get_format (tiles), ==, "jpg");
}

static void
test_rows_out_of_range (void)
{
  g_autofree char *path = make_mbtiles ("out-of-range.mbtiles", "png", TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorMbtiles) tiles = NULL;
  g_autoptr(GBytes) tile = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  /* Rows no tile pyramid has: beyond 2^z, negative, and a zoom of 40. */
  insert_tile (db, 1, 5, 7, png_magic, sizeof png_magic);
  insert_tile (db, 2, -1, -3, png_magic, sizeof png_magic);
  insert_tile (db, 40, 0, 0, png_magic, sizeof png_magic);
  insert_tile (db, 1, 1, 1, png_magic, sizeof png_magic);
  exec_sql (db, "INSERT INTO metadata VALUES ('minzoom', 'abc'), ('maxzoom', '1');");
  sqlite3_close (db);

  tiles = dozor_mbtiles_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tiles);

  /* minzoom is garbage: the range comes from the tiles, clamped. */
  g_assert_cmpuint (dozor_mbtiles_get_min_zoom (tiles), ==, 0);
  g_assert_cmpuint (dozor_mbtiles_get_max_zoom (tiles), ==, DOZOR_MBTILES_MAX_ZOOM);

  /* The valid tiles are still served (1/1/1 in TMS is XYZ 1/1/0). */
  tile = dozor_mbtiles_get_tile (tiles, 1, 1, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tile);

  g_assert_null (dozor_mbtiles_get_tile (tiles, 1, 5, 0, &error));
  g_assert_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  g_assert_null (dozor_mbtiles_get_tile (tiles, 2, 0, 4, &error));
  g_assert_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  g_assert_null (dozor_mbtiles_get_tile (tiles, 31, 0, 0, &error));
  g_assert_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_OUT_OF_RANGE);
}

static void
test_oversized_tile (void)
{
  g_autofree char *path = make_mbtiles ("oversized.mbtiles", "png", FALSE);
  gsize size = DOZOR_MBTILES_MAX_TILE_BYTES + 1;
  g_autofree guchar *huge = g_malloc0 (size);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorMbtiles) tiles = NULL;
  sqlite3 *db = NULL;

  memcpy (huge, png_magic, sizeof png_magic);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  insert_tile (db, 0, 0, 0, png_magic, sizeof png_magic);
  insert_tile (db, 1, 0, 0, huge, size);
  insert_tile (db, 1, 1, 0, (const guchar *) "", 0);
  sqlite3_close (db);

  tiles = dozor_mbtiles_open (path, &error);
  g_assert_no_error (error);

  /* TMS row 0 at zoom 1 is XYZ row 1. */
  g_assert_null (dozor_mbtiles_get_tile (tiles, 1, 0, 1, &error));
  g_assert_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* An empty blob is no tile, not an empty image. */
  g_assert_null (dozor_mbtiles_get_tile (tiles, 1, 1, 1, &error));
  g_assert_no_error (error);
}

typedef struct
{
  DozorMbtiles *tiles;
  GPtrArray *expected;
} Reader;

static gpointer
read_all (gpointer user_data)
{
  Reader *reader = user_data;

  for (guint round = 0; round < 3; round++)
    for (guint i = 0, zoom = 0; zoom <= 3; zoom++)
      for (guint x = 0; x < (1u << zoom); x++)
        for (guint y = 0; y < (1u << zoom); y++, i++)
          {
            g_autoptr(GError) error = NULL;
            g_autoptr(GBytes) tile = dozor_mbtiles_get_tile (reader->tiles, zoom, x, y, &error);

            g_assert_no_error (error);
            g_assert_true (g_bytes_equal (tile, g_ptr_array_index (reader->expected, i)));
          }

  return NULL;
}

static void
test_threads (void)
{
  g_autofree char *path = shipped_basemap_path ();
  g_autoptr(DozorMbtiles) tiles = dozor_mbtiles_open (path, NULL);
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  Reader reader = { tiles, expected };
  GThread *threads[4];

  for (guint zoom = 0; zoom <= 3; zoom++)
    for (guint x = 0; x < (1u << zoom); x++)
      for (guint y = 0; y < (1u << zoom); y++)
        g_ptr_array_add (expected, dozor_mbtiles_get_tile (tiles, zoom, x, y, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("reader", read_all, &reader);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/mbtiles/shipped-basemap", test_shipped_basemap);
  g_test_add_func ("/mbtiles/row-flip", test_row_flip);
  g_test_add_func ("/mbtiles/deduplicated-fixture", test_deduplicated_fixture);
  g_test_add_func ("/mbtiles/not-a-database", test_not_a_database);
  g_test_add_func ("/mbtiles/truncated", test_truncated);
  g_test_add_func ("/mbtiles/wrong-schema", test_wrong_schema);
  g_test_add_func ("/mbtiles/wrong-format", test_wrong_format);
  g_test_add_func ("/mbtiles/rows-out-of-range", test_rows_out_of_range);
  g_test_add_func ("/mbtiles/oversized-tile", test_oversized_tile);
  g_test_add_func ("/mbtiles/threads", test_threads);

  return g_test_run ();
}
