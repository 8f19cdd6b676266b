/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GIS files on the board: one import window at a time beside the map,
 * whose features the map shows in amber while it is open; what it imports
 * goes to the backend in one POST /imports and reaches every board as
 * events. A file kept "on this board only" is a local overlay: its path is
 * remembered (GSettings overlay-files), read again in a worker at every
 * start, drawn muted, and never sent anywhere.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-export-window.h"
#include "dozor-gis-reader.h"
#include "dozor-import-window.h"
#include "dozor-window-private.h"

#define PREVIEW_KEY "import-preview"

static gboolean
may_import (DozorWindow *self,
            const char **why_not)
{
  if (!dozor_window_may_dispatch (self))
    {
      *why_not = _("Only a supervisor or an admin may import layers for every board");
      return FALSE;
    }
  if (self->sync == NULL || dozor_sync_client_get_state (self->sync) != DOZOR_SYNC_LIVE)
    {
      *why_not = _("The board is not live: an import needs the server");
      return FALSE;
    }
  *why_not = NULL;
  return TRUE;
}

static void
update_can_import (DozorWindow *self)
{
  const char *why_not;
  gboolean can = may_import (self, &why_not);

  if (self->import_window != NULL)
    dozor_import_window_set_can_import (DOZOR_IMPORT_WINDOW (self->import_window), can, why_not);
}

static void
features_changed_cb (DozorImportWindow *dialog,
                     GPtrArray         *layers,
                     DozorWindow       *self)
{
  double west = G_MAXDOUBLE, south = G_MAXDOUBLE, east = -G_MAXDOUBLE, north = -G_MAXDOUBLE;

  if (layers == NULL)
    {
      dozor_map_view_hide_features (self->map_view, PREVIEW_KEY);
      return;
    }

  dozor_map_view_show_features (self->map_view, PREVIEW_KEY, layers, TRUE);
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
  if (west <= east)
    dozor_map_view_show_extent (self->map_view, west, south, east, north);
}

typedef struct
{
  DozorWindow *self;
  DozorImportWindow *dialog;
  char *summary;
} Sending;

static void
sending_free (Sending *sending)
{
  g_object_unref (sending->self);
  g_clear_object (&sending->dialog);
  g_free (sending->summary);
  g_free (sending);
}

static void
imported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Sending *sending = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = dozor_sync_client_post_finish (DOZOR_SYNC_CLIENT (source), result, &error);

  if (answer != NULL)
    {
      /* Translators: after an import; e.g. "8 districts" */
      g_autofree char *message = g_strdup_printf (_("Imported %s for every board"), sending->summary);

      g_debug ("Import done: %s", sending->summary);
      dozor_window_show_message (sending->self, message, 5);
    }
  else
    {
      g_debug ("Import refused: %s", error->message);
    }
  dozor_import_window_import_done (sending->dialog, error);
  sending_free (sending);
}

static void
import_cb (DozorImportWindow *dialog,
           GBytes            *body,
           const char        *summary,
           DozorWindow       *self)
{
  Sending *sending = g_new0 (Sending, 1);

  sending->self = g_object_ref (self);
  sending->dialog = g_object_ref (dialog);
  sending->summary = g_strdup (summary);
  dozor_sync_client_post_async (self->sync, "imports", body, NULL, imported_cb, sending);
}

/* --- Local overlays ----------------------------------------------------------- */

typedef struct
{
  DozorWindow *self;
  char *path;
} Overlay;

static void
overlay_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Overlay *overlay = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) layers = dozor_gis_read_file_finish (result, &error);

  if (layers == NULL)
    {
      /* Translators: a local overlay file that could not be read at start */
      g_autofree char *message = g_strdup_printf (_("A local overlay is not shown: %s"), error->message);

      dozor_window_show_message (overlay->self, message, 0);
    }
  else if (overlay->self->map_view != NULL)
    {
      dozor_map_view_show_features (overlay->self->map_view, overlay->path, layers, FALSE);
    }
  g_object_unref (overlay->self);
  g_free (overlay->path);
  g_free (overlay);
}

/* Read again at every start: the file is the overlay, as its owner keeps it. */
static void
read_overlay (DozorWindow *self,
              const char  *path)
{
  Overlay *overlay = g_new0 (Overlay, 1);

  overlay->self = g_object_ref (self);
  overlay->path = g_strdup (path);
  dozor_gis_read_file_async (path, NULL, NULL, NULL, NULL, overlay_read_cb, overlay);
}

static void
show_locally_cb (DozorImportWindow *dialog,
                 const char        *path,
                 GPtrArray         *layers,
                 DozorWindow       *self)
{
  g_auto(GStrv) paths = g_settings_get_strv (self->settings, "overlay-files");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *message = NULL;

  g_strv_builder_addv (builder, (const char **) paths);
  if (!g_strv_contains ((const char *const *) paths, path))
    g_strv_builder_add (builder, path);
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "overlay-files", (const char *const *) updated);

  dozor_map_view_show_features (self->map_view, path, layers, FALSE);
  /* Translators: a file's name; it is drawn on this board only */
  message = g_strdup_printf (_("“%s” is shown on this board only"), name);
  dozor_window_show_message (self, message, 5);
}

static void
remove_overlays_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  DozorWindow *self = DOZOR_WINDOW (widget);
  g_auto(GStrv) paths = g_settings_get_strv (self->settings, "overlay-files");

  for (guint i = 0; paths[i] != NULL; i++)
    dozor_map_view_hide_features (self->map_view, paths[i]);
  g_settings_set_strv (self->settings, "overlay-files", NULL);
  dozor_window_show_message (self, _("Local overlays removed"), 3);
}

/* --- The window ----------------------------------------------------------------- */

static void
import_window_destroyed (DozorWindow *self,
                         GObject     *was_window)
{
  self->import_window = NULL;
  if (self->map_view != NULL)
    dozor_map_view_hide_features (self->map_view, PREVIEW_KEY);
}

/**
 * dozor_window_open_import:
 * @self: a #DozorWindow
 * @path: (nullable): a file to read at once
 *
 * Opens the import window, or brings it forward.
 */
void
dozor_window_open_import (DozorWindow *self,
                          const char  *path)
{
  if (self->situation == NULL || self->wall)
    return;

  if (self->import_window == NULL)
    {
      DozorImportWindow *dialog = dozor_import_window_new (GTK_WINDOW (self));

      self->import_window = GTK_WINDOW (dialog);
      g_object_weak_ref (G_OBJECT (dialog), (GWeakNotify) import_window_destroyed, self);
      g_signal_connect_object (dialog, "features-changed", G_CALLBACK (features_changed_cb), self, 0);
      g_signal_connect_object (dialog, "import", G_CALLBACK (import_cb), self, 0);
      g_signal_connect_object (dialog, "show-locally", G_CALLBACK (show_locally_cb), self, 0);
      update_can_import (self);
    }
  if (path != NULL)
    dozor_import_window_open_file (DOZOR_IMPORT_WINDOW (self->import_window), path);
  g_debug ("Import open");
  gtk_window_present (self->import_window);
}

static void
import_layer_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  dozor_window_open_import (DOZOR_WINDOW (widget), NULL);
}

static void
link_changed_cb (DozorWindow *self)
{
  update_can_import (self);
}

/**
 * dozor_window_follow_imports:
 * @self: a #DozorWindow, following a situation
 *
 * Shows the local overlays and keeps the import window's "Import for
 * Everyone" in step with the link and the role.
 */
void
dozor_window_follow_imports (DozorWindow *self)
{
  g_auto(GStrv) paths = g_settings_get_strv (self->settings, "overlay-files");

  for (guint i = 0; paths[i] != NULL; i++)
    read_overlay (self, paths[i]);
  if (self->sync != NULL)
    g_signal_connect_object (self->sync, "notify::state", G_CALLBACK (link_changed_cb), self, G_CONNECT_SWAPPED);
}

/* --- Export ----------------------------------------------------------------- */

/**
 * dozor_window_open_export:
 * @self: a #DozorWindow
 * @path: (nullable): write there at once, without asking
 *
 * Opens a window that writes what the board shows to a GIS file.
 */
void
dozor_window_open_export (DozorWindow *self,
                          const char  *path)
{
  DozorExportWindow *dialog;

  if (self->situation == NULL)
    return;
  dialog = dozor_export_window_new (GTK_WINDOW (self), self->situation);
  gtk_window_present (GTK_WINDOW (dialog));
  if (path != NULL)
    dozor_export_window_save_to (dialog, path);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  dozor_window_open_export (DOZOR_WINDOW (widget), NULL);
}

void
dozor_window_class_add_import_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.export-situation", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.import-layer", NULL, import_layer_action);
  gtk_widget_class_install_action (widget_class, "win.remove-overlays", NULL, remove_overlays_action);
}

void
dozor_window_import_destroy (DozorWindow *self)
{
  if (self->import_window != NULL)
    {
      g_object_weak_unref (G_OBJECT (self->import_window), (GWeakNotify) import_window_destroyed, self);
      gtk_window_destroy (g_steal_pointer (&self->import_window));
    }
}
