/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the board needs of GIS files before GDAL is loaded: the formats told
 * by their extensions, the reading limits, and reading and writing in a
 * worker thread. GDAL itself is called only inside dozor_gis_read_file() and
 * dozor_gis_write_file(), which the board reaches through the module it
 * loads at its first import or export (app/dozor-gis-files.c): so the
 * module is loaded in the worker, never on the main thread.
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "dozor-gis-reader.h"
#include "dozor-gis-writer.h"

G_DEFINE_QUARK (dozor-gis-error-quark, dozor_gis_error)

static const struct
{
  const char *extension;
  DozorGisFormat format;
} extensions[] = {
  { ".geojson", DOZOR_GIS_FORMAT_GEOJSON },
  { ".json", DOZOR_GIS_FORMAT_GEOJSON },
  { ".shp", DOZOR_GIS_FORMAT_SHAPEFILE },
  { ".gpkg", DOZOR_GIS_FORMAT_GPKG },
  { ".kml", DOZOR_GIS_FORMAT_KML },
  { ".kmz", DOZOR_GIS_FORMAT_KMZ },
  { ".gpx", DOZOR_GIS_FORMAT_GPX },
  { ".csv", DOZOR_GIS_FORMAT_CSV },
};

/**
 * dozor_gis_format_from_path:
 * @path: a file name
 * @format: (out): the format its extension names
 *
 * Returns: whether the extension is one Dozor reads and writes
 */
gboolean
dozor_gis_format_from_path (const char     *path,
                            DozorGisFormat *format)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    if (g_str_has_suffix (lower, extensions[i].extension))
      {
        *format = extensions[i].format;
        return TRUE;
      }
  return FALSE;
}

/**
 * dozor_gis_format_get_name:
 * @format: a #DozorGisFormat
 *
 * Returns: the format's name as GIS people know it
 */
const char *
dozor_gis_format_get_name (DozorGisFormat format)
{
  switch (format)
    {
    case DOZOR_GIS_FORMAT_GEOJSON: return "GeoJSON";
    case DOZOR_GIS_FORMAT_SHAPEFILE: return "ESRI Shapefile";
    case DOZOR_GIS_FORMAT_GPKG: return "GeoPackage";
    case DOZOR_GIS_FORMAT_KML: return "KML";
    case DOZOR_GIS_FORMAT_KMZ: return "KMZ";
    case DOZOR_GIS_FORMAT_GPX: return "GPX";
    case DOZOR_GIS_FORMAT_CSV: return "CSV";
    default: g_return_val_if_reached (NULL);
    }
}

/**
 * dozor_gis_format_list:
 *
 * Returns: the extensions Dozor reads, for messages
 */
const char *
dozor_gis_format_list (void)
{
  return ".geojson, .json, .shp, .gpkg, .kml, .kmz, .gpx, .csv";
}

/**
 * dozor_gis_read_options_init:
 * @options: (out caller-allocates): options to fill
 *
 * A city's districts, sectors, routes and cameras fit easily; a file past
 * these limits is a mistake or an attack.
 */
void
dozor_gis_read_options_init (DozorGisReadOptions *options)
{
  options->max_file_bytes = 512 * 1024 * 1024;
  options->max_layers = 64;
  options->max_features = 250000;
  options->max_feature_vertices = 1000000;
  options->max_total_vertices = 8000000;
  options->source_crs = NULL;
}

/**
 * dozor_gis_check_local_file:
 * @path: what the user named
 * @size: (out) (optional): the file's size in bytes
 *
 * Refuses what GDAL could open but an outside file must not be: URLs,
 * GDAL's virtual file systems (/vsicurl/, /vsizip/ …), directories,
 * devices, pipes. Hand GDAL the absolute path afterwards, so that a name
 * such as "GPKG:x" is a file name and not a connection string.
 *
 * Returns: (transfer full) (nullable): %NULL for a regular local file,
 *   else why not, without the file's name
 */
char *
dozor_gis_check_local_file (const char *path,
                            gint64     *size)
{
  GStatBuf buf;

  if (g_str_has_prefix (path, "/vs") || strstr (path, "://") != NULL)
    return g_strdup (_("only local files are read"));

  if (g_stat (path, &buf) != 0)
    return g_strdup (g_strerror (errno));

  if (!S_ISREG (buf.st_mode))
    return g_strdup (_("not a regular file"));

  if (size != NULL)
    *size = buf.st_size;
  return NULL;
}

/* Progress from a worker to the caller's main context, ten times a second
 * at most, so a big file cannot flood the main loop. */
typedef struct
{
  DozorGisProgressFunc progress;
  gpointer progress_data;
  GMainContext *context;
  gint64 last_report;
} DozorGisProgressRelay;

static DozorGisProgressRelay *
dozor_gis_progress_relay_new (DozorGisProgressFunc progress,
                              gpointer             progress_data)
{
  DozorGisProgressRelay *relay = g_new0 (DozorGisProgressRelay, 1);

  relay->progress = progress;
  relay->progress_data = progress_data;
  relay->context = g_main_context_ref_thread_default ();
  return relay;
}

static void
dozor_gis_progress_relay_free (DozorGisProgressRelay *relay)
{
  g_main_context_unref (relay->context);
  g_free (relay);
}

typedef struct
{
  DozorGisProgressFunc progress;
  gpointer progress_data;
  double fraction;
} Report;

static gboolean
report_cb (gpointer data)
{
  Report *report = data;

  report->progress (report->fraction, report->progress_data);
  return G_SOURCE_REMOVE;
}

/**
 * dozor_gis_progress_relay_forward: (skip)
 * @fraction: as a #DozorGisProgressFunc has it
 * @user_data: a #DozorGisProgressRelay
 *
 * A #DozorGisProgressFunc for the worker thread.
 */
static void
dozor_gis_progress_relay_forward (double   fraction,
                                  gpointer user_data)
{
  DozorGisProgressRelay *relay = user_data;
  gint64 now = g_get_monotonic_time ();
  Report *report;

  if (relay->progress == NULL || (now - relay->last_report < G_USEC_PER_SEC / 10 && fraction < 1.0))
    return;
  relay->last_report = now;

  report = g_new (Report, 1);
  report->progress = relay->progress;
  report->progress_data = relay->progress_data;
  report->fraction = fraction;
  g_main_context_invoke_full (relay->context, G_PRIORITY_DEFAULT, report_cb, report, g_free);
}

typedef struct
{
  char *path;
  DozorGisReadOptions options;
  char *source_crs;
  DozorGisProgressRelay *relay;
} ReadTask;

static void
read_task_free (ReadTask *task)
{
  g_free (task->path);
  g_free (task->source_crs);
  dozor_gis_progress_relay_free (task->relay);
  g_free (task);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ReadTask *read = task_data;
  GError *error = NULL;
  GPtrArray *layers = dozor_gis_read_file (read->path, &read->options, dozor_gis_progress_relay_forward,
                                           read->relay, cancellable, &error);

  if (layers == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, layers, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * dozor_gis_read_file_async:
 * @path: the file
 * @options: (nullable): limits, copied
 * @progress: (nullable): told how far reading is, in the calling thread's
 *   main context, at most ten times a second; it must outlive the read
 * @progress_data: for @progress
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the file is read or refused
 * @user_data: for @callback
 *
 * dozor_gis_read_file() in a worker thread.
 */
void
dozor_gis_read_file_async (const char                *path,
                           const DozorGisReadOptions *options,
                           DozorGisProgressFunc       progress,
                           gpointer                   progress_data,
                           GCancellable              *cancellable,
                           GAsyncReadyCallback        callback,
                           gpointer                   user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ReadTask *read = g_new0 (ReadTask, 1);

  read->path = g_strdup (path);
  if (options != NULL)
    read->options = *options;
  else
    dozor_gis_read_options_init (&read->options);
  read->source_crs = g_strdup (read->options.source_crs);
  read->options.source_crs = read->source_crs;
  read->relay = dozor_gis_progress_relay_new (progress, progress_data);

  g_task_set_source_tag (task, dozor_gis_read_file_async);
  g_task_set_task_data (task, read, (GDestroyNotify) read_task_free);
  g_task_run_in_thread (task, read_thread);
}

/**
 * dozor_gis_read_file_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type DozorGisLayer): the layers, or
 *   %NULL with @error set
 */
GPtrArray *
dozor_gis_read_file_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  char *path;
  GPtrArray *layers;
  DozorGisProgressRelay *relay;
} WriteTask;

static void
write_task_free (WriteTask *task)
{
  g_free (task->path);
  g_ptr_array_unref (task->layers);
  dozor_gis_progress_relay_free (task->relay);
  g_free (task);
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WriteTask *write = task_data;
  GError *error = NULL;

  if (dozor_gis_write_file (write->path, write->layers, dozor_gis_progress_relay_forward, write->relay,
                            cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * dozor_gis_write_file_async:
 * @path: the file to write
 * @layers: (element-type DozorGisLayer): what to write; not changed until done
 * @progress: (nullable): told how far writing is, in the calling thread's
 *   main context, at most ten times a second; it must outlive the write
 * @progress_data: for @progress
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the file is written or refused
 * @user_data: for @callback
 *
 * dozor_gis_write_file() in a worker thread.
 */
void
dozor_gis_write_file_async (const char            *path,
                            GPtrArray             *layers,
                            DozorGisProgressFunc   progress,
                            gpointer               progress_data,
                            GCancellable          *cancellable,
                            GAsyncReadyCallback    callback,
                            gpointer               user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  WriteTask *write = g_new0 (WriteTask, 1);

  write->path = g_strdup (path);
  write->layers = g_ptr_array_ref (layers);
  write->relay = dozor_gis_progress_relay_new (progress, progress_data);
  g_task_set_source_tag (task, dozor_gis_write_file_async);
  g_task_set_task_data (task, write, (GDestroyNotify) write_task_free);
  g_task_run_in_thread (task, write_thread);
}

gboolean
dozor_gis_write_file_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
