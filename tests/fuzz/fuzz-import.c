/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target over GIS import: dozor_gis_read_file() on whatever
 * bytes the fuzzer makes, in every format. The first byte chooses the
 * format; a shapefile's three files travel in one input, each behind its
 * length. Whatever the input, the reader must return layers or an error,
 * never crash, hang or leak.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <string.h>

#include "dozor-gis-reader.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char *const extensions[] = { "geojson", "shp", "gpkg", "kml", "kmz", "gpx", "csv" };

static char *directory;

static gboolean
write_part (const char    *extension,
            const uint8_t *data,
            size_t         size,
            char         **path)
{
  *path = g_strdup_printf ("%s/input.%s", directory, extension);
  return g_file_set_contents (*path, (const char *) data, size, NULL);
}

/* [4-byte little-endian length][bytes], the last part taking the rest. */
static const uint8_t *
take_part (const uint8_t **data,
           size_t         *size,
           size_t         *part_size)
{
  const uint8_t *part;
  size_t length;

  if (*size < 4)
    {
      *part_size = 0;
      return *data;
    }
  length = (*data)[0] | (*data)[1] << 8 | (*data)[2] << 16 | (size_t) (*data)[3] << 24;
  *data += 4;
  *size -= 4;
  length = MIN (length, *size);
  part = *data;
  *part_size = length;
  *data += length;
  *size -= length;
  return part;
}

static void
read_and_drop (const char *path)
{
  DozorGisReadOptions options;
  g_autoptr(GPtrArray) layers = NULL;
  g_autoptr(GError) error = NULL;

  /* Small limits: the fuzzer is after the checks, not after memory. */
  dozor_gis_read_options_init (&options);
  options.max_file_bytes = 4 << 20;
  options.max_features = 2000;
  options.max_feature_vertices = 20000;
  options.max_total_vertices = 100000;

  layers = dozor_gis_read_file (path, &options, NULL, NULL, NULL, &error);
  g_assert ((layers == NULL) != (error == NULL));
  if (error != NULL)
    {
      g_assert (error->message != NULL && *error->message != '\0');
      return;
    }

  for (guint l = 0; l < layers->len; l++)
    {
      DozorGisLayer *layer = g_ptr_array_index (layers, l);

      for (guint i = 0; i < dozor_gis_layer_get_n_features (layer); i++)
        g_free (dozor_gis_layer_get_geometry_json (layer, i));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *extension;
  g_autofree char *path = NULL;

  if (directory == NULL)
    {
      directory = g_dir_make_tmp ("dozor-fuzz-XXXXXX", NULL);
      g_assert (directory != NULL);
      /* GDAL and GLib speak only when asked. */
      g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
    }

  if (size < 1)
    return 0;
  extension = extensions[data[0] % G_N_ELEMENTS (extensions)];
  data++;
  size--;

  if (g_str_equal (extension, "shp"))
    {
      g_autofree char *shx = NULL, *dbf = NULL;
      size_t shp_size, shx_size;
      const uint8_t *shp_data = take_part (&data, &size, &shp_size);
      const uint8_t *shx_data = take_part (&data, &size, &shx_size);

      if (!write_part ("shx", shx_data, shx_size, &shx) || !write_part ("dbf", data, size, &dbf) ||
          !write_part ("shp", shp_data, shp_size, &path))
        return 0;
      read_and_drop (path);
      g_unlink (shx);
      g_unlink (dbf);
    }
  else if (write_part (extension, data, size, &path))
    {
      read_and_drop (path);
    }

  g_unlink (path);
  return 0;
}
