/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Importing a GIS file from the board: choose it, watch it being read (in
 * a worker, with a progress bar and a stop button, so the board keeps
 * moving with a 100 MB file), say what its features are and which fields
 * hold their names and references, see them on the map in amber, and only
 * then send them to every board, or keep them as this board's own overlay.
 * Every change of the mapping is checked in a worker against what the
 * backend will demand (dozor_gis_import_body), and the first problem is
 * shown with the feature it is in; the import button waits for a clean
 * check.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-file-choice.h"
#include "dozor-gis-import.h"
#include "dozor-gis-reader.h"
#include "dozor-import-window.h"

/* What the backend keeps per feature (docs/api.md). */
#define BACKEND_MAX_POSITIONS 50000
#define CHECK_DELAY_MS 250

struct _DozorImportWindow
{
  AdwWindow parent_instance;

  AdwActionRow *file_row;
  GtkButton *choose_button;
  GtkBox *progress_box;
  GtkProgressBar *progress_bar;
  GtkLabel *status_label;
  AdwPreferencesGroup *mapping_group;
  AdwComboRow *layer_row;
  AdwComboRow *kind_row;
  AdwComboRow *name_row;
  AdwComboRow *district_row;
  AdwEntryRow *district_entry;
  AdwComboRow *zone_row;
  AdwComboRow *unit_row;
  AdwComboRow *stream_row;
  AdwComboRow *category_row;
  GtkSwitch *update_switch;
  GtkSwitch *skip_switch;
  GtkLabel *check_label;
  GtkButton *overlay_button;
  GtkButton *import_button;

  char *path;
  GCancellable *reading;
  GPtrArray *layers;          /* DozorGisLayer, as read */
  GCancellable *checking;
  guint check_id;
  GBytes *body;               /* the checked import, or NULL */
  char *summary;
  gboolean can_import;
  char *why_not;
  gboolean sending;
  gboolean updating_rows;
  gboolean disposed;          /* closed while a worker was still at it */
};

G_DEFINE_FINAL_TYPE (DozorImportWindow, dozor_import_window, ADW_TYPE_WINDOW)

enum
{
  FEATURES_CHANGED,
  IMPORT,
  SHOW_LOCALLY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static DozorGisLayer *
selected_layer (DozorImportWindow *self)
{
  guint position = adw_combo_row_get_selected (self->layer_row);

  if (self->layers == NULL || position >= self->layers->len)
    return NULL;
  return g_ptr_array_index (self->layers, position);
}

static void
set_status (GtkLabel   *label,
            const char *text,
            gboolean    problem)
{
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL);
  gtk_label_set_text (label, text != NULL ? text : "");
  if (problem)
    gtk_widget_add_css_class (GTK_WIDGET (label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
}

static void
update_buttons (DozorImportWindow *self)
{
  gboolean read = self->layers != NULL && self->reading == NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->overlay_button), read && !self->sending);
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button),
                            read && self->body != NULL && self->can_import && !self->sending);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->import_button), self->can_import ? NULL : self->why_not);
  gtk_widget_set_sensitive (GTK_WIDGET (self->choose_button), self->reading == NULL && !self->sending);
}

/* --- Field choices ---------------------------------------------------------- */

/* Position 0 of an optional field's list is "none". */
static int
field_of (AdwComboRow *row,
          gboolean     optional)
{
  guint position = adw_combo_row_get_selected (row);

  if (position == GTK_INVALID_LIST_POSITION)
    return -1;
  return optional ? (int) position - 1 : (int) position;
}

static int
find_any_field (DozorGisLayer     *layer,
                const char *const *names)
{
  int field;

  for (guint i = 0; names[i] != NULL; i++)
    if ((field = dozor_gis_layer_find_field (layer, names[i])) >= 0)
      return field;
  return -1;
}

static void
fill_fields (AdwComboRow   *row,
             DozorGisLayer *layer,
             gboolean       optional,
             int            selected)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  if (optional)
    gtk_string_list_append (names, _("(none)"));
  for (guint f = 0; f < dozor_gis_layer_get_n_fields (layer); f++)
    gtk_string_list_append (names, dozor_gis_layer_get_field_name (layer, f));
  adw_combo_row_set_model (row, G_LIST_MODEL (names));
  if (selected >= 0)
    adw_combo_row_set_selected (row, optional ? (guint) selected + 1 : (guint) selected);
  else if (optional)
    adw_combo_row_set_selected (row, 0);
}

static void
show_rows_for_kind (DozorImportWindow *self)
{
  DozorGisKind kind = adw_combo_row_get_selected (self->kind_row);

  gtk_widget_set_visible (GTK_WIDGET (self->district_row), kind == DOZOR_GIS_KIND_SECTOR);
  gtk_widget_set_visible (GTK_WIDGET (self->district_entry), kind == DOZOR_GIS_KIND_SECTOR);
  gtk_widget_set_visible (GTK_WIDGET (self->zone_row), kind == DOZOR_GIS_KIND_ROUTE);
  gtk_widget_set_visible (GTK_WIDGET (self->unit_row), kind == DOZOR_GIS_KIND_ROUTE);
  gtk_widget_set_visible (GTK_WIDGET (self->stream_row), kind == DOZOR_GIS_KIND_CAMERA);
  gtk_widget_set_visible (GTK_WIDGET (self->category_row), kind == DOZOR_GIS_KIND_POI);
}

/* The first feature's shape says what the layer most likely is, and the
 * usual field names where its names and references are. */
static void
layer_chosen (DozorImportWindow *self)
{
  static const char *const district_names[] = { "district", "parent", "okrug", "район", "аудан", NULL };
  static const char *const zone_names[] = { "zone", "sector", "сектор", NULL };
  static const char *const unit_names[] = { "unit", "call_sign", "callsign", "позывной", NULL };
  static const char *const stream_names[] = { "stream_url", "stream", "url", "rtsp", NULL };
  static const char *const category_names[] = { "category", "amenity", "type", "категория", NULL };
  DozorGisLayer *layer = selected_layer (self);
  g_autoptr(GPtrArray) one = NULL;
  DozorGisKind kind;

  if (layer == NULL)
    return;

  self->updating_rows = TRUE;
  switch (dozor_gis_layer_get_shape (layer, 0))
    {
    case DOZOR_GIS_SHAPE_POLYGON:
      kind = DOZOR_GIS_KIND_DISTRICT;
      break;
    case DOZOR_GIS_SHAPE_LINE:
      kind = DOZOR_GIS_KIND_ROUTE;
      break;
    case DOZOR_GIS_SHAPE_POINT:
    default:
      kind = find_any_field (layer, stream_names) >= 0 ? DOZOR_GIS_KIND_CAMERA : DOZOR_GIS_KIND_POI;
      break;
    }
  adw_combo_row_set_selected (self->kind_row, kind);
  fill_fields (self->name_row, layer, FALSE, MAX (dozor_gis_guess_name_field (layer), 0));
  fill_fields (self->district_row, layer, TRUE, find_any_field (layer, district_names));
  fill_fields (self->zone_row, layer, TRUE, find_any_field (layer, zone_names));
  fill_fields (self->unit_row, layer, TRUE, find_any_field (layer, unit_names));
  fill_fields (self->stream_row, layer, TRUE, find_any_field (layer, stream_names));
  fill_fields (self->category_row, layer, TRUE, find_any_field (layer, category_names));
  show_rows_for_kind (self);
  self->updating_rows = FALSE;

  one = g_ptr_array_new ();
  g_ptr_array_add (one, layer);
  g_signal_emit (self, signals[FEATURES_CHANGED], 0, one);
}

/* --- Checking the mapping in a worker -------------------------------------- */

typedef struct
{
  DozorGisLayer *layer;
  DozorGisMapping mapping;
  char *district;
  gboolean update;
  guint n_items;
  guint n_skipped;
} Check;

static void
check_free (Check *check)
{
  g_object_unref (check->layer);
  g_free (check->district);
  g_free (check);
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Check *check = task_data;
  GError *error = NULL;
  char *body = dozor_gis_import_body (check->layer, &check->mapping, check->update, &check->n_items,
                                      &check->n_skipped, &error);

  if (body == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_bytes_new_take (body, strlen (body)), (GDestroyNotify) g_bytes_unref);
}

/* "8 districts", in the user's language and its plural forms. */
static char *
count_of_kind (DozorGisKind kind,
               guint        n)
{
  switch (kind)
    {
    case DOZOR_GIS_KIND_DISTRICT:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u district", "%u districts", n), n);
    case DOZOR_GIS_KIND_SECTOR:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u patrol sector", "%u patrol sectors", n), n);
    case DOZOR_GIS_KIND_ROUTE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u patrol route", "%u patrol routes", n), n);
    case DOZOR_GIS_KIND_POI:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u point of interest", "%u points of interest", n), n);
    case DOZOR_GIS_KIND_CAMERA:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u camera", "%u cameras", n), n);
    default:
      g_return_val_if_reached (NULL);
    }
}

static void
checked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  DozorImportWindow *self = user_data;
  Check *check = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->disposed)
    return;
  g_clear_object (&self->checking);

  g_clear_pointer (&self->body, g_bytes_unref);
  g_clear_pointer (&self->summary, g_free);
  if (body == NULL)
    {
      g_debug ("Import check: %s", error->message);
      set_status (self->check_label, error->message, TRUE);
      update_buttons (self);
      return;
    }

  self->body = g_steal_pointer (&body);
  self->summary = count_of_kind (check->mapping.kind, check->n_items);
  if (check->n_skipped > 0)
    /* Translators: the summary of an import, then how many features are left out */
    text = g_strdup_printf (_("Ready to import %s; %u without a name are left out."), self->summary,
                            check->n_skipped);
  else
    text = g_strdup_printf (_("Ready to import %s."), self->summary);
  g_debug ("Import check: %s", text);
  set_status (self->check_label, text, FALSE);
  update_buttons (self);
}

static gboolean
check_now (gpointer data)
{
  DozorImportWindow *self = data;
  DozorGisLayer *layer = selected_layer (self);
  g_autoptr(GTask) task = NULL;
  Check *check;
  const char *district = gtk_editable_get_text (GTK_EDITABLE (self->district_entry));

  self->check_id = 0;
  if (layer == NULL)
    return G_SOURCE_REMOVE;

  g_cancellable_cancel (self->checking);
  g_clear_object (&self->checking);
  self->checking = g_cancellable_new ();

  check = g_new0 (Check, 1);
  check->layer = g_object_ref (layer);
  dozor_gis_mapping_init (&check->mapping, adw_combo_row_get_selected (self->kind_row));
  check->mapping.name_field = field_of (self->name_row, FALSE);
  check->mapping.district_field = field_of (self->district_row, TRUE);
  check->mapping.zone_field = field_of (self->zone_row, TRUE);
  check->mapping.unit_field = field_of (self->unit_row, TRUE);
  check->mapping.stream_field = field_of (self->stream_row, TRUE);
  check->mapping.category_field = field_of (self->category_row, TRUE);
  check->mapping.skip_unnamed = gtk_switch_get_active (self->skip_switch);
  /* A typed district stands for all of them. */
  if (*district != '\0')
    {
      check->district = g_strstrip (g_strdup (district));
      check->mapping.district = check->district;
      check->mapping.district_field = -1;
    }
  check->update = gtk_switch_get_active (self->update_switch);

  set_status (self->check_label, _("Checking…"), FALSE);
  task = g_task_new (NULL, self->checking, checked_cb, self);
  g_task_set_task_data (task, check, (GDestroyNotify) check_free);
  g_task_run_in_thread (task, check_thread);
  return G_SOURCE_REMOVE;
}

static void
mapping_changed (DozorImportWindow *self)
{
  if (self->updating_rows || self->layers == NULL)
    return;
  show_rows_for_kind (self);
  g_clear_pointer (&self->body, g_bytes_unref);
  update_buttons (self);
  g_clear_handle_id (&self->check_id, g_source_remove);
  self->check_id = g_timeout_add (CHECK_DELAY_MS, check_now, self);
}

static void
layer_changed_cb (DozorImportWindow *self)
{
  if (self->updating_rows)
    return;
  layer_chosen (self);
  mapping_changed (self);
}

/* --- Reading ----------------------------------------------------------------- */

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  DozorImportWindow *self = user_data;

  if (fraction >= 0)
    gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  else
    gtk_progress_bar_pulse (self->progress_bar);
}

static char *
describe_layers (GPtrArray *layers)
{
  guint64 features = 0, positions = 0;
  g_autofree char *n_features = NULL;
  g_autofree char *n_positions = NULL;

  for (guint l = 0; l < layers->len; l++)
    {
      DozorGisLayer *layer = g_ptr_array_index (layers, l);

      features += dozor_gis_layer_get_n_features (layer);
      for (guint i = 0; i < dozor_gis_layer_get_n_features (layer); i++)
        positions += dozor_gis_layer_get_n_vertices (layer, i);
    }
  n_features = g_strdup_printf ("%" G_GUINT64_FORMAT, features);
  n_positions = g_strdup_printf ("%" G_GUINT64_FORMAT, positions);
  /* Translators: what a GIS file holds: layers, features, positions (vertices) */
  return g_strdup_printf (_("%u layers, %s features, %s positions"), layers->len, n_features, n_positions);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(DozorImportWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) layers = dozor_gis_read_file_finish (result, &error);
  g_autoptr(GtkStringList) names = NULL;
  g_autofree char *description = NULL;

  g_clear_object (&self->reading);
  if (self->disposed)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_box), FALSE);

  if (layers == NULL)
    {
      g_debug ("Import file refused: %s", error->message);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (self->status_label, _("Stopped: nothing was read."), FALSE);
      else
        set_status (self->status_label, error->message, TRUE);
      update_buttons (self);
      return;
    }

  self->layers = g_steal_pointer (&layers);
  description = describe_layers (self->layers);
  set_status (self->status_label, description, FALSE);
  g_debug ("Import file read: %s", description);

  names = gtk_string_list_new (NULL);
  for (guint l = 0; l < self->layers->len; l++)
    gtk_string_list_append (names, dozor_gis_layer_get_name (g_ptr_array_index (self->layers, l)));
  self->updating_rows = TRUE;
  adw_combo_row_set_model (self->layer_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->layer_row, 0);
  self->updating_rows = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->layer_row), self->layers->len > 1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mapping_group), TRUE);

  layer_chosen (self);
  mapping_changed (self);
}

/**
 * dozor_import_window_open_file:
 * @self: a #DozorImportWindow
 * @path: a GIS file
 *
 * Reads @path in a worker, replacing what was read before.
 */
void
dozor_import_window_open_file (DozorImportWindow *self,
                               const char        *path)
{
  DozorGisReadOptions options;
  g_autofree char *name = g_path_get_basename (path);

  g_return_if_fail (DOZOR_IS_IMPORT_WINDOW (self));

  g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  g_clear_pointer (&self->layers, g_ptr_array_unref);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_free (self->path);
  self->path = g_strdup (path);
  g_signal_emit (self, signals[FEATURES_CHANGED], 0, NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->file_row), name);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mapping_group), FALSE);
  set_status (self->status_label, NULL, FALSE);
  set_status (self->check_label, NULL, FALSE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_box), TRUE);

  dozor_gis_read_options_init (&options);
  options.max_feature_vertices = BACKEND_MAX_POSITIONS;
  self->reading = g_cancellable_new ();
  dozor_gis_read_file_async (path, &options, progress_cb, self, self->reading, read_cb, g_object_ref (self));
  update_buttons (self);
}

static void
chosen_cb (GtkWindow  *window,
           const char *path)
{
  dozor_import_window_open_file (DOZOR_IMPORT_WINDOW (window), path);
}

static void
choose_cb (DozorImportWindow *self)
{
  static const char *const patterns[] = { "*.geojson", "*.json", "*.shp", "*.gpkg", "*.kml", "*.kmz", "*.gpx", "*.csv" };
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("GIS files"));
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    gtk_file_filter_add_pattern (filter, patterns[i]);
  dozor_choose_file (GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN, _("Choose a GIS File"), _("_Open"), NULL, filter,
                     chosen_cb);
}

static void
stop_cb (DozorImportWindow *self)
{
  g_cancellable_cancel (self->reading);
}

/* --- Sending ------------------------------------------------------------------ */

static void
import_cb (DozorImportWindow *self)
{
  if (self->body == NULL || self->sending)
    return;
  self->sending = TRUE;
  set_status (self->check_label, _("Sending to the server…"), FALSE);
  update_buttons (self);
  g_signal_emit (self, signals[IMPORT], 0, self->body, self->summary);
}

/**
 * dozor_import_window_import_done:
 * @self: a #DozorImportWindow
 * @error: (nullable): why the server refused, or %NULL when it took it all
 *
 * A refusal stays in the window, with nothing changed; success closes it.
 */
void
dozor_import_window_import_done (DozorImportWindow *self,
                                 const GError      *error)
{
  g_autofree char *text = NULL;

  g_return_if_fail (DOZOR_IS_IMPORT_WINDOW (self));

  self->sending = FALSE;
  if (error == NULL)
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  /* Translators: the server's refusal of a whole import follows */
  text = g_strdup_printf (_("Nothing was imported: %s"), error->message);
  set_status (self->check_label, text, TRUE);
  update_buttons (self);
}

static void
overlay_cb (DozorImportWindow *self)
{
  if (self->layers == NULL || self->path == NULL)
    return;
  g_signal_emit (self, signals[SHOW_LOCALLY], 0, self->path, self->layers);
  gtk_window_close (GTK_WINDOW (self));
}

/**
 * dozor_import_window_set_can_import:
 * @self: a #DozorImportWindow
 * @can_import: whether this board may send imports
 * @why_not: (nullable): what to tell the user when it may not
 */
void
dozor_import_window_set_can_import (DozorImportWindow *self,
                                    gboolean           can_import,
                                    const char        *why_not)
{
  g_return_if_fail (DOZOR_IS_IMPORT_WINDOW (self));

  self->can_import = can_import;
  g_free (self->why_not);
  self->why_not = g_strdup (why_not);
  update_buttons (self);
}

static void
dozor_import_window_dispose (GObject *object)
{
  DozorImportWindow *self = DOZOR_IMPORT_WINDOW (object);

  self->disposed = TRUE;
  g_cancellable_cancel (self->reading);
  g_cancellable_cancel (self->checking);
  g_clear_object (&self->reading);
  g_clear_object (&self->checking);
  g_clear_handle_id (&self->check_id, g_source_remove);
  g_clear_pointer (&self->layers, g_ptr_array_unref);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_clear_pointer (&self->summary, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->why_not, g_free);

  G_OBJECT_CLASS (dozor_import_window_parent_class)->dispose (object);
}

static void
dozor_import_window_class_init (DozorImportWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_import_window_dispose;

  /**
   * DozorImportWindow::features-changed:
   * @layers: (nullable) (element-type DozorGisLayer): what would be imported
   *
   * The features to draw on the map as the import's preview; %NULL for none.
   */
  signals[FEATURES_CHANGED] = g_signal_new ("features-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                            NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);

  /**
   * DozorImportWindow::import:
   * @body: the checked `POST /imports` body
   * @summary: what it holds, in words ("8 districts")
   *
   * Answer with dozor_import_window_import_done().
   */
  signals[IMPORT] = g_signal_new ("import", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_BYTES, G_TYPE_STRING);

  /**
   * DozorImportWindow::show-locally:
   * @path: the file
   * @layers: (element-type DozorGisLayer): what it holds
   *
   * The file is to be this board's own overlay; nothing is sent.
   */
  signals[SHOW_LOCALLY] = g_signal_new ("show-locally", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_PTR_ARRAY);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dozor-import-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorImportWindow, file_row);
  gtk_widget_class_bind_template_child (widget_class, DozorImportWindow, choose_button);
  gtk_widget_class_bind_template_child (widget_class, DozorImportWindow, progress_box);
  gtk_widget_class_bind_template_child (widget_class, DozorImportWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DozorImportWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, DozorImportWindow, mapping_group);
  gtk_widget_class_bind_template_child (widget_class, DozorImportWindow, layer_row);
  gtk_widget_class_bind_template_child (widget_class, DozorImportWindow, kind_row);
  gtk_widget_class_bind_template_child (widget_class, DozorImportWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, DozorImportWindow, district_row);
  gtk_widget_class_bind_template_child (widget_class, DozorImportWindow, district_entry);
  gtk_widget_class_bind_template_child (widget_class, DozorImportWindow, zone_row);
  gtk_widget_class_bind_template_child (widget_class, DozorImportWindow, unit_row);
  gtk_widget_class_bind_template_child (widget_class, DozorImportWindow, stream_row);
  gtk_widget_class_bind_template_child (widget_class, DozorImportWindow, category_row);
  gtk_widget_class_bind_template_child (widget_class, DozorImportWindow, update_switch);
  gtk_widget_class_bind_template_child (widget_class, DozorImportWindow, skip_switch);
  gtk_widget_class_bind_template_child (widget_class, DozorImportWindow, check_label);
  gtk_widget_class_bind_template_child (widget_class, DozorImportWindow, overlay_button);
  gtk_widget_class_bind_template_child (widget_class, DozorImportWindow, import_button);
  gtk_widget_class_bind_template_callback (widget_class, choose_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_cb);
  gtk_widget_class_bind_template_callback (widget_class, import_cb);
  gtk_widget_class_bind_template_callback (widget_class, overlay_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dozor_import_window_init (DozorImportWindow *self)
{
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  /* In DozorGisKind's order. */
  gtk_string_list_append (kinds, _("Districts"));
  gtk_string_list_append (kinds, _("Patrol sectors"));
  gtk_string_list_append (kinds, _("Patrol routes"));
  gtk_string_list_append (kinds, _("Points of interest"));
  gtk_string_list_append (kinds, _("Cameras"));
  adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (kinds));

  g_signal_connect_swapped (self->layer_row, "notify::selected", G_CALLBACK (layer_changed_cb), self);
  g_signal_connect_swapped (self->kind_row, "notify::selected", G_CALLBACK (mapping_changed), self);
  g_signal_connect_swapped (self->name_row, "notify::selected", G_CALLBACK (mapping_changed), self);
  g_signal_connect_swapped (self->district_row, "notify::selected", G_CALLBACK (mapping_changed), self);
  g_signal_connect_swapped (self->district_entry, "changed", G_CALLBACK (mapping_changed), self);
  g_signal_connect_swapped (self->zone_row, "notify::selected", G_CALLBACK (mapping_changed), self);
  g_signal_connect_swapped (self->unit_row, "notify::selected", G_CALLBACK (mapping_changed), self);
  g_signal_connect_swapped (self->stream_row, "notify::selected", G_CALLBACK (mapping_changed), self);
  g_signal_connect_swapped (self->category_row, "notify::selected", G_CALLBACK (mapping_changed), self);
  g_signal_connect_swapped (self->update_switch, "notify::active", G_CALLBACK (mapping_changed), self);
  g_signal_connect_swapped (self->skip_switch, "notify::active", G_CALLBACK (mapping_changed), self);
  show_rows_for_kind (self);
  update_buttons (self);
}

/**
 * dozor_import_window_new:
 * @parent: the board's window
 *
 * Returns: (transfer full): an import window beside @parent
 */
DozorImportWindow *
dozor_import_window_new (GtkWindow *parent)
{
  return g_object_new (DOZOR_TYPE_IMPORT_WINDOW, "transient-for", parent, "modal", FALSE, NULL);
}
