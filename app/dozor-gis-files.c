/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The board's side of its GIS file module (dozor-gis-files.h): GDAL and the
 * ~78 libraries only it pulls in (about 43 MB of memory and 120 ms of
 * every start, docs/performance.md) are mapped only when the board first
 * reads or writes a GIS file, not by every board at start.
 *
 * The functions below are the ones the board calls, with libdozor's names;
 * each passes the call on to the module's table. Those that read or write
 * a file load the module first, in the worker thread that calls them, and
 * turn a module that will not load into an error of their own kind, which
 * the window that asked shows. The others take a layer, which only the
 * module makes: whoever holds one has loaded it.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gmodule.h>

#include "dozor-gis-files.h"
#include "dozor-street-map.h"

G_DEFINE_QUARK (dozor-gis-files-error-quark, dozor_gis_files_error)

static GMutex load_lock;
static const DozorGisFilesTable *table;

/* `meson devenv` and the tests point DOZOR_MODULE_DIR at the build tree. */
static char *
module_path (void)
{
  const char *dir = g_getenv ("DOZOR_MODULE_DIR");

  return g_build_filename (dir != NULL && dir[0] != '\0' ? dir : DOZOR_MODULEDIR,
                           DOZOR_GIS_FILES_MODULE_NAME "." G_MODULE_SUFFIX, NULL);
}

/**
 * dozor_gis_files_load:
 * @error: return location for a #GError
 *
 * Loads the GIS file module once; blocks while GDAL's libraries are mapped,
 * so call it from a worker thread. A failure is not remembered: the next
 * call tries again (a package installed meanwhile).
 *
 * Returns: whether the module is loaded
 */
gboolean
dozor_gis_files_load (GError **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&load_lock);
  g_autofree char *path = NULL;
  gpointer symbol = NULL;
  GModule *module;
  gint64 start;

  if (table != NULL)
    return TRUE;

  path = module_path ();
  start = g_get_monotonic_time ();
  module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      g_set_error (error, DOZOR_GIS_FILES_ERROR, 0,
                   _("This board cannot read or write GIS files: its module “%s” could not be loaded (%s)."),
                   path, g_module_error ());
      return FALSE;
    }
  if (!g_module_symbol (module, DOZOR_GIS_FILES_TABLE_SYMBOL, &symbol) || symbol == NULL ||
      ((const DozorGisFilesTable *) symbol)->size != sizeof (DozorGisFilesTable))
    {
      g_set_error (error, DOZOR_GIS_FILES_ERROR, 0,
                   _("This board cannot read or write GIS files: its module “%s” belongs to another version of the board."),
                   path);
      g_module_close (module);
      return FALSE;
    }

  /* It registers GTypes (DozorGisLayer), which cannot be unregistered. */
  g_module_make_resident (module);
  g_atomic_pointer_set (&table, symbol);
  g_debug ("GIS file module loaded from %s in %.0f ms", path, (g_get_monotonic_time () - start) / 1000.0);
  return TRUE;
}

/* For the functions that take a layer: only the module makes one. */
static const DozorGisFilesTable *
loaded (void)
{
  const DozorGisFilesTable *loaded_table = g_atomic_pointer_get (&table);

  g_assert (loaded_table != NULL);
  return loaded_table;
}

/* The module's error, as one of the caller's kind, for its window. */
static gboolean
load_or_fail (GQuark    domain,
              int       code,
              GError  **error)
{
  g_autoptr(GError) local_error = NULL;

  if (dozor_gis_files_load (&local_error))
    return TRUE;
  g_set_error_literal (error, domain, code, local_error->message);
  return FALSE;
}

/* --- Reading and writing: the module is loaded here, in the worker ------- */

GPtrArray *
dozor_gis_read_file (const char                *path,
                     const DozorGisReadOptions *options,
                     DozorGisProgressFunc       progress,
                     gpointer                   progress_data,
                     GCancellable              *cancellable,
                     GError                   **error)
{
  if (!load_or_fail (DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_OPEN, error))
    return NULL;
  return table->read_file (path, options, progress, progress_data, cancellable, error);
}

gboolean
dozor_gis_write_file (const char            *path,
                      GPtrArray             *layers,
                      DozorGisProgressFunc   progress,
                      gpointer               progress_data,
                      GCancellable          *cancellable,
                      GError               **error)
{
  if (!load_or_fail (DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_WRITE, error))
    return FALSE;
  return table->write_file (path, layers, progress, progress_data, cancellable, error);
}

gboolean
dozor_street_map_read_gdal (const char                *absolute_path,
                            const DozorStreetLineSink *sink,
                            gpointer                   lines,
                            GCancellable              *cancellable,
                            GError                   **error)
{
  if (!load_or_fail (sink->error_domain, DOZOR_STREET_MAP_ERROR_OPEN, error))
    return FALSE;
  return table->street_map_read_gdal (absolute_path, sink, lines, cancellable, error);
}

/* --- Export: the export window loads the module first, in its worker ----- */

DozorGisLayer *
dozor_gis_export_zones (JsonObject *snapshot)
{
  return loaded ()->export_zones (snapshot);
}

DozorGisLayer *
dozor_gis_export_routes (JsonObject *snapshot)
{
  return loaded ()->export_routes (snapshot);
}

DozorGisLayer *
dozor_gis_export_places (JsonObject *snapshot)
{
  return loaded ()->export_places (snapshot);
}

DozorGisLayer *
dozor_gis_export_incidents (JsonArray *incidents,
                            gboolean   with_callers)
{
  return loaded ()->export_incidents (incidents, with_callers);
}

/* --- A layer that was read --------------------------------------------- */

void
dozor_gis_mapping_init (DozorGisMapping *mapping,
                        DozorGisKind     kind)
{
  loaded ()->mapping_init (mapping, kind);
}

int
dozor_gis_guess_name_field (DozorGisLayer *layer)
{
  return loaded ()->guess_name_field (layer);
}

char *
dozor_gis_import_body (DozorGisLayer         *layer,
                       const DozorGisMapping *mapping,
                       gboolean               update,
                       guint                 *n_items,
                       guint                 *n_skipped,
                       GError               **error)
{
  return loaded ()->import_body (layer, mapping, update, n_items, n_skipped, error);
}

const char *
dozor_gis_layer_get_name (DozorGisLayer *self)
{
  return loaded ()->layer_get_name (self);
}

guint
dozor_gis_layer_get_n_fields (DozorGisLayer *self)
{
  return loaded ()->layer_get_n_fields (self);
}

const char *
dozor_gis_layer_get_field_name (DozorGisLayer *self,
                                guint          field)
{
  return loaded ()->layer_get_field_name (self, field);
}

int
dozor_gis_layer_find_field (DozorGisLayer *self,
                            const char    *name)
{
  return loaded ()->layer_find_field (self, name);
}

guint
dozor_gis_layer_get_n_features (DozorGisLayer *self)
{
  return loaded ()->layer_get_n_features (self);
}

DozorGisShape
dozor_gis_layer_get_shape (DozorGisLayer *self,
                           guint          feature)
{
  return loaded ()->layer_get_shape (self, feature);
}

guint
dozor_gis_layer_get_n_vertices (DozorGisLayer *self,
                                guint          feature)
{
  return loaded ()->layer_get_n_vertices (self, feature);
}

const char *
dozor_gis_layer_get_text (DozorGisLayer *self,
                          guint          feature,
                          int            field)
{
  return loaded ()->layer_get_text (self, feature, field);
}

GPtrArray *
dozor_gis_layer_get_parts (DozorGisLayer *self,
                           guint          feature)
{
  return loaded ()->layer_get_parts (self, feature);
}

gboolean
dozor_gis_layer_get_extent (DozorGisLayer *self,
                            double        *west,
                            double        *south,
                            double        *east,
                            double        *north)
{
  return loaded ()->layer_get_extent (self, west, south, east, north);
}
