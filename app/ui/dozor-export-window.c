/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the board shows, out to a GIS file: zones, routes, places and open
 * incidents as the backend sent them, taken at the moment "Export" is
 * pressed and written in a worker with a progress bar and a stop button.
 * A stopped or failed export leaves no file (dozor_gis_write_file).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-export-window.h"
#include "dozor-file-choice.h"
#include "dozor-gis-export.h"
#include "dozor-gis-files.h"
#include "dozor-gis-writer.h"

struct _DozorExportWindow
{
  AdwWindow parent_instance;

  GtkButton *export_button;
  GtkCheckButton *zones_check;
  GtkCheckButton *routes_check;
  GtkCheckButton *places_check;
  GtkCheckButton *incidents_check;
  GtkBox *progress_box;
  GtkProgressBar *progress_bar;
  GtkLabel *status_label;

  DozorSituation *situation;
  GCancellable *writing;
  gboolean disposed;          /* closed while the worker was still writing */
};

G_DEFINE_FINAL_TYPE (DozorExportWindow, dozor_export_window, ADW_TYPE_WINDOW)

static void
set_status (DozorExportWindow *self,
            const char        *text,
            gboolean           problem)
{
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL);
  gtk_label_set_text (self->status_label, text != NULL ? text : "");
  if (problem)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  DozorExportWindow *self = user_data;

  gtk_progress_bar_set_fraction (self->progress_bar, MAX (fraction, 0));
}

typedef struct
{
  DozorExportWindow *self;
  char *path;
  guint n_features;
} Writing;

static void
show_result (DozorExportWindow *self,
             Writing           *writing,
             const GError      *error)
{
  g_autofree char *text = NULL;

  if (error == NULL)
    {
      g_autofree char *name = g_path_get_basename (writing->path);

      /* Translators: after an export: how many features, to which file */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %u feature to “%s”.",
                                           "Exported %u features to “%s”.", writing->n_features),
                              writing->n_features, name);
      g_debug ("Export done: %u features to %s", writing->n_features, writing->path);
      set_status (self, text, FALSE);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_status (self, _("Stopped: no file was written."), FALSE);
    }
  else
    {
      g_debug ("Export refused: %s", error->message);
      set_status (self, error->message, TRUE);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->progress_box), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), TRUE);
}

/* The end of an export, written or not: the window, if still open, says
 * how it went. */
static void
finish (Writing      *writing,
        const GError *error)
{
  DozorExportWindow *self = writing->self;

  g_clear_object (&self->writing);
  /* Closed meanwhile: the file is written or not, and nobody looks. */
  if (!self->disposed)
    show_result (self, writing, error);

  g_object_unref (self);
  g_free (writing->path);
  g_free (writing);
}

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  dozor_gis_write_file_finish (result, &error);
  finish (user_data, error);
}

static void
add_layer (GPtrArray     *layers,
           DozorGisLayer *layer)
{
  if (dozor_gis_layer_get_n_features (layer) > 0)
    g_ptr_array_add (layers, layer);
  else
    g_object_unref (layer);
}

/* What to take from the snapshot, read from the check buttons on the main
 * thread; the snapshot shares nothing with the situation. */
typedef struct
{
  JsonNode *snapshot;
  gboolean zones, routes, places, incidents;
} Taking;

static void
taking_free (Taking *taking)
{
  json_node_unref (taking->snapshot);
  g_free (taking);
}

/* In a worker: a city's zones are thousands of positions each, and every
 * one is parsed into a geometry here. */
static void
take_layers_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Taking *taking = task_data;
  JsonObject *object = json_node_get_object (taking->snapshot);
  GPtrArray *layers;
  GError *error = NULL;

  /* The layers are the GIS file module's: loaded here, off the main thread. */
  if (!dozor_gis_files_load (&error))
    {
      g_task_return_error (task, error);
      return;
    }

  layers = g_ptr_array_new_with_free_func (g_object_unref);
  if (taking->zones)
    add_layer (layers, dozor_gis_export_zones (object));
  if (taking->routes)
    add_layer (layers, dozor_gis_export_routes (object));
  if (taking->places)
    add_layer (layers, dozor_gis_export_places (object));
  if (taking->incidents && json_object_has_member (object, "incidents"))
    add_layer (layers, dozor_gis_export_incidents (json_object_get_array_member (object, "incidents"), FALSE));
  g_task_return_pointer (task, layers, (GDestroyNotify) g_ptr_array_unref);
}

static void
taken_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Writing *writing = user_data;
  DozorExportWindow *self = writing->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) layers = g_task_propagate_pointer (G_TASK (result), &error);

  if (layers == NULL || g_cancellable_set_error_if_cancelled (self->writing, &error) || layers->len == 0)
    {
      if (error == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             _("There is nothing to export: the board shows none of what is chosen."));
      finish (writing, error);
      return;
    }

  for (guint l = 0; l < layers->len; l++)
    writing->n_features += dozor_gis_layer_get_n_features (g_ptr_array_index (layers, l));
  dozor_gis_write_file_async (writing->path, layers, progress_cb, self, self->writing, written_cb, writing);
}

/**
 * dozor_export_window_save_to:
 * @self: a #DozorExportWindow
 * @path: the file, its format told by its extension
 *
 * Takes what the board shows now, and turns it into layers and writes them
 * in workers.
 */
void
dozor_export_window_save_to (DozorExportWindow *self,
                             const char        *path)
{
  g_autoptr(GTask) task = NULL;
  Taking *taking;
  Writing *writing;

  g_return_if_fail (DOZOR_IS_EXPORT_WINDOW (self));
  if (self->writing != NULL)
    return;

  taking = g_new0 (Taking, 1);
  taking->snapshot = dozor_situation_to_snapshot (self->situation);
  taking->zones = gtk_check_button_get_active (self->zones_check);
  taking->routes = gtk_check_button_get_active (self->routes_check);
  taking->places = gtk_check_button_get_active (self->places_check);
  taking->incidents = gtk_check_button_get_active (self->incidents_check);

  writing = g_new0 (Writing, 1);
  writing->self = g_object_ref (self);
  writing->path = g_strdup (path);

  self->writing = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_box), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), FALSE);
  set_status (self, NULL, FALSE);

  task = g_task_new (NULL, NULL, taken_cb, writing);
  g_task_set_task_data (task, taking, (GDestroyNotify) taking_free);
  g_task_run_in_thread (task, take_layers_thread);
}

static void
chosen_cb (GtkWindow  *window,
           const char *path)
{
  dozor_export_window_save_to (DOZOR_EXPORT_WINDOW (window), path);
}

static void
export_cb (DozorExportWindow *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *name = g_date_time_format (now, "situation-%Y%m%d-%H%M.gpkg");

  dozor_choose_file (GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE, _("Export to a GIS File"), _("_Export"), name,
                     NULL, chosen_cb);
}

static void
stop_cb (DozorExportWindow *self)
{
  g_cancellable_cancel (self->writing);
}

static void
dozor_export_window_dispose (GObject *object)
{
  DozorExportWindow *self = DOZOR_EXPORT_WINDOW (object);

  self->disposed = TRUE;
  g_cancellable_cancel (self->writing);
  g_clear_object (&self->writing);
  g_clear_object (&self->situation);

  G_OBJECT_CLASS (dozor_export_window_parent_class)->dispose (object);
}

static void
dozor_export_window_class_init (DozorExportWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_export_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dozor-export-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorExportWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, DozorExportWindow, zones_check);
  gtk_widget_class_bind_template_child (widget_class, DozorExportWindow, routes_check);
  gtk_widget_class_bind_template_child (widget_class, DozorExportWindow, places_check);
  gtk_widget_class_bind_template_child (widget_class, DozorExportWindow, incidents_check);
  gtk_widget_class_bind_template_child (widget_class, DozorExportWindow, progress_box);
  gtk_widget_class_bind_template_child (widget_class, DozorExportWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DozorExportWindow, status_label);
  gtk_widget_class_bind_template_callback (widget_class, export_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dozor_export_window_init (DozorExportWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

DozorExportWindow *
dozor_export_window_new (GtkWindow      *parent,
                         DozorSituation *situation)
{
  DozorExportWindow *self = g_object_new (DOZOR_TYPE_EXPORT_WINDOW, "transient-for", parent, NULL);

  self->situation = g_object_ref (situation);
  return self;
}
