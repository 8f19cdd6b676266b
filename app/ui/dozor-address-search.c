/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Finding the scene by its address, offline: a search entry over the
 * street index (lib/address), with the answers in a popover below it —
 * crossings ("Абая / Достык") first, then streets. Choosing one emits
 * "chosen" with its point and an address text; the intake puts both into
 * its form. dozor_address_search_describe() does the reverse for a point
 * clicked on the map and emits "described" with "street, near cross street".
 *
 * The index is opened (built on first use, then cached) and searched in
 * worker threads; a newer query cancels the one before it, and a point
 * described cancels the description before.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-address-search.h"
#include "dozor-application.h"
#include "dozor-street-index.h"
#include "dozor-street-name.h"

#define STREETS_FILE "almaty/streets/streets.geojson"

/* How far a clicked point may lie from a named street to be described by it. */
#define DESCRIBE_MAX_M 250.0

#define MAX_SHOWN 12

struct _DozorAddressSearch
{
  GtkWidget parent_instance;

  GtkSearchEntry *entry;
  GtkPopover *popover;
  GtkListBox *results;

  DozorStreetIndex *index;
  GCancellable *opening;
  GCancellable *searching;
  GCancellable *describing;
  GListModel *found;
  /* What the answers shown were found for, and whether Return came while
   * the answers for the present text were still on their way. */
  char *found_for;
  char *searching_for;
  gboolean choose_when_found;
  /* A point asked for before the index was open. */
  gboolean describe_pending;
  double pending_lat;
  double pending_lon;
};

G_DEFINE_FINAL_TYPE (DozorAddressSearch, dozor_address_search, GTK_TYPE_WIDGET)

enum
{
  CHOSEN,
  DESCRIBED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One index for the process: every intake form and the header's search
 * share it while one of them lives, so a new form neither opens the file
 * again nor hashes the street network to check the cache. The index is
 * safe from any thread (one search at a time). */
static GWeakRef shared_index;

static void start_search (DozorAddressSearch *self);
static void start_describe (DozorAddressSearch *self, double lat, double lon);

/* The address as the form keeps it: short type words, "пр. Абая / пр. Достык". */
static char *
address_text (DozorStreetMatch *match)
{
  g_autofree char *name = dozor_street_name_abbreviate (dozor_street_match_get_name (match));
  const char *cross = dozor_street_match_get_cross_name (match);
  g_autofree char *cross_short = cross != NULL ? dozor_street_name_abbreviate (cross) : NULL;

  if (cross_short == NULL)
    return g_steal_pointer (&name);
  if (dozor_street_match_get_kind (match) == DOZOR_STREET_MATCH_CROSSING)
    return g_strdup_printf ("%s / %s", name, cross_short);
  /* Translators: a street and the nearest street crossing it, as in
   * "пр. Абая, near ул. Достык". */
  return g_strdup_printf (_("%s, near %s"), name, cross_short);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  DozorStreetMatch *match = item;
  g_autofree char *label = dozor_street_match_dup_label (match);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (label);
  GtkWidget *kind = gtk_label_new (dozor_street_match_get_kind (match) == DOZOR_STREET_MATCH_CROSSING
                                   ? _("Crossing") : _("Street"));

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (kind), 0);
  gtk_widget_add_css_class (kind, "dim-label");
  gtk_widget_add_css_class (kind, "caption");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), kind);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  return box;
}

static void
choose (DozorAddressSearch *self,
        guint               position)
{
  g_autoptr(DozorStreetMatch) match = NULL;
  g_autofree char *text = NULL;

  if (self->found == NULL || position >= g_list_model_get_n_items (self->found))
    return;
  match = g_list_model_get_item (self->found, position);
  text = address_text (match);
  /* A description still on its way would overwrite what was chosen. */
  g_cancellable_cancel (self->describing);
  gtk_popover_popdown (self->popover);
  g_debug ("Address chosen: %s at %.6f, %.6f", text, dozor_street_match_get_lat (match),
           dozor_street_match_get_lon (match));
  g_signal_emit (self, signals[CHOSEN], 0, dozor_street_match_get_lat (match),
                 dozor_street_match_get_lon (match), text);
}

static void
row_activated_cb (DozorAddressSearch *self,
                  GtkListBoxRow      *row)
{
  choose (self, (guint) gtk_list_box_row_get_index (row));
}

/* Return takes the first answer for what is typed now, even if it is
 * still being looked for (or the search delay has not yet started it). */
static void
activate_cb (DozorAddressSearch *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));

  if (g_strcmp0 (text, self->found_for) == 0)
    {
      choose (self, 0);
      return;
    }
  if (g_strcmp0 (text, self->searching_for) != 0)
    start_search (self);
  self->choose_when_found = self->searching != NULL;
}

static void
show_results (DozorAddressSearch *self,
              GListModel         *found)
{
  g_autoptr(GtkSliceListModel) shown = NULL;

  g_set_object (&self->found, found);
  g_free (self->found_for);
  self->found_for = g_steal_pointer (&self->searching_for);
  g_clear_object (&self->searching);
  shown = gtk_slice_list_model_new (g_object_ref (found), 0, MAX_SHOWN);
  gtk_list_box_bind_model (self->results, G_LIST_MODEL (shown), create_row, NULL, NULL);
  g_debug ("Address results: %u for “%s”", g_list_model_get_n_items (found), self->found_for);
  if (self->choose_when_found)
    {
      self->choose_when_found = FALSE;
      choose (self, 0);
      return;
    }
  if (g_list_model_get_n_items (found) > 0)
    {
      gtk_widget_set_size_request (GTK_WIDGET (self->popover), gtk_widget_get_width (GTK_WIDGET (self)), -1);
      gtk_popover_popup (self->popover);
    }
  else
    gtk_popover_popdown (self->popover);
}

static void
search_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DozorAddressSearch) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) found = dozor_street_index_search_finish (DOZOR_STREET_INDEX (source), result, &error);

  if (found == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Address search failed: %s", error->message);
      return;
    }
  show_results (self, found);
}

static void
start_search (DozorAddressSearch *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));

  /* Return may have started this very search before the entry's delay ran
   * out: it goes on, and Return's choice with it. */
  if (self->searching != NULL && g_strcmp0 (text, self->searching_for) == 0)
    return;
  g_cancellable_cancel (self->searching);
  g_clear_object (&self->searching);
  g_clear_pointer (&self->searching_for, g_free);
  self->choose_when_found = FALSE;
  if (self->index == NULL)
    return;
  if (*text == '\0')
    {
      gtk_popover_popdown (self->popover);
      return;
    }
  self->searching = g_cancellable_new ();
  self->searching_for = g_strdup (text);
  dozor_street_index_search_async (self->index, text, DOZOR_STREET_INDEX_MAX_RESULTS, self->searching,
                                   search_done, g_object_ref (self));
}

static void
search_changed_cb (DozorAddressSearch *self)
{
  /* The entry's delay may run out after Return has already searched for
   * this text and chosen: the answers are known, and the list stays shut. */
  if (self->searching == NULL &&
      g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->entry)), self->found_for) == 0)
    return;
  start_search (self);
}

static void
describe_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(DozorAddressSearch) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorStreetMatch) match = dozor_street_index_nearest_finish (DOZOR_STREET_INDEX (source), result, &error);
  g_autofree char *text = NULL;

  if (match == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Address of a point failed: %s", error->message);
      return;
    }
  text = address_text (match);
  g_debug ("Address described: %s", text);
  g_signal_emit (self, signals[DESCRIBED], 0, text);
}

static void
start_describe (DozorAddressSearch *self,
                double              lat,
                double              lon)
{
  g_cancellable_cancel (self->describing);
  g_clear_object (&self->describing);
  if (self->index == NULL)
    {
      self->describe_pending = TRUE;
      self->pending_lat = lat;
      self->pending_lon = lon;
      return;
    }
  self->describing = g_cancellable_new ();
  dozor_street_index_nearest_async (self->index, lat, lon, DESCRIBE_MAX_M, self->describing, describe_done,
                                    g_object_ref (self));
}

static void
open_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DozorAddressSearch) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorStreetIndex) index = dozor_street_index_open_cached_finish (result, &error);

  if (index == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("Street index not available: %s", error->message);
          gtk_widget_set_sensitive (GTK_WIDGET (self->entry), FALSE);
        }
      return;
    }
  g_debug ("Street index open: %u streets, %u crossings", dozor_street_index_get_n_streets (index),
           dozor_street_index_get_n_crossings (index));
  g_weak_ref_set (&shared_index, index);
  self->index = g_steal_pointer (&index);
  /* What was typed or clicked while it opened. */
  start_search (self);
  if (self->describe_pending)
    {
      self->describe_pending = FALSE;
      start_describe (self, self->pending_lat, self->pending_lon);
    }
}

static void
dozor_address_search_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  DozorAddressSearch *self = DOZOR_ADDRESS_SEARCH (widget);

  gtk_widget_measure (GTK_WIDGET (self->entry), orientation, for_size, minimum, natural, minimum_baseline,
                      natural_baseline);
}

static void
dozor_address_search_size_allocate (GtkWidget *widget,
                                    int        width,
                                    int        height,
                                    int        baseline)
{
  DozorAddressSearch *self = DOZOR_ADDRESS_SEARCH (widget);

  gtk_widget_allocate (GTK_WIDGET (self->entry), width, height, baseline, NULL);
  gtk_popover_present (self->popover);
}

static gboolean
dozor_address_search_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (DOZOR_ADDRESS_SEARCH (widget)->entry));
}

/* The row's mnemonic (Alt+S in the intake) puts the cursor in the entry. */
static gboolean
dozor_address_search_mnemonic_activate (GtkWidget *widget,
                                        gboolean   group_cycling)
{
  return gtk_widget_grab_focus (GTK_WIDGET (DOZOR_ADDRESS_SEARCH (widget)->entry));
}

static void
dozor_address_search_dispose (GObject *object)
{
  DozorAddressSearch *self = DOZOR_ADDRESS_SEARCH (object);
  GtkWidget *child;

  g_cancellable_cancel (self->opening);
  g_cancellable_cancel (self->searching);
  g_cancellable_cancel (self->describing);
  g_clear_object (&self->opening);
  g_clear_object (&self->searching);
  g_clear_object (&self->describing);
  g_clear_object (&self->found);
  g_clear_object (&self->index);
  g_clear_pointer (&self->found_for, g_free);
  g_clear_pointer (&self->searching_for, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), DOZOR_TYPE_ADDRESS_SEARCH);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (dozor_address_search_parent_class)->dispose (object);
}

static void
dozor_address_search_class_init (DozorAddressSearchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_address_search_dispose;
  widget_class->measure = dozor_address_search_measure;
  widget_class->size_allocate = dozor_address_search_size_allocate;
  widget_class->grab_focus = dozor_address_search_grab_focus;
  widget_class->mnemonic_activate = dozor_address_search_mnemonic_activate;

  /**
   * DozorAddressSearch::chosen:
   * @self: the search
   * @lat: the point chosen
   * @lon: the point chosen
   * @address: the address text for the form
   *
   * The operator chose a street or a crossing.
   */
  signals[CHOSEN] = g_signal_new ("chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 3, G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_STRING);
  /**
   * DozorAddressSearch::described:
   * @self: the search
   * @address: "street, near cross street" for the point last described
   */
  signals[DESCRIBED] = g_signal_new ("described", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                     NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dozor-address-search.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorAddressSearch, entry);
  gtk_widget_class_bind_template_child (widget_class, DozorAddressSearch, popover);
  gtk_widget_class_bind_template_child (widget_class, DozorAddressSearch, results);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
}

static void
dozor_address_search_init (DozorAddressSearch *self)
{
  g_autofree char *source = dozor_application_find_data (STREETS_FILE);
  g_autofree char *cache = g_build_filename (g_get_user_cache_dir (), "dozor", NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_search_entry_set_key_capture_widget (self->entry, NULL);
  gtk_popover_set_default_widget (self->popover, NULL);
  /* Typing goes on in the entry while the answers show. */
  gtk_popover_set_autohide (self->popover, FALSE);

  self->opening = g_cancellable_new ();
  self->index = g_weak_ref_get (&shared_index);
  if (self->index != NULL)
    return;
  /* Built the first time, opened from the cache after: in a worker. */
  dozor_street_index_open_cached_async (source, cache, self->opening, open_done, g_object_ref (self));
}

/**
 * dozor_address_search_new:
 *
 * Returns: (transfer floating): a new address search
 */
GtkWidget *
dozor_address_search_new (void)
{
  return g_object_new (DOZOR_TYPE_ADDRESS_SEARCH, NULL);
}

/**
 * dozor_address_search_describe:
 * @self: a #DozorAddressSearch
 * @lat: a point, such as one clicked on the map
 * @lon: a point
 *
 * Finds the named street nearest to the point and its nearest cross street
 * in a worker, then emits #DozorAddressSearch::described; nothing if no
 * named street is within 250 m.
 */
void
dozor_address_search_describe (DozorAddressSearch *self,
                               double              lat,
                               double              lon)
{
  g_return_if_fail (DOZOR_IS_ADDRESS_SEARCH (self));

  start_describe (self, lat, lon);
}
