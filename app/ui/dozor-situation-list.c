/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A searchable, filterable, sorted list of what the situation holds (units
 * or incidents): a search entry, a drop-down of choices, a count, and a
 * list view. Subclasses say what matches, in which order, and how a row
 * looks.
 *
 * The situation changes thousands of times a second; the list re-filters
 * and re-sorts at most once a second, after an item's watched signal, and
 * keeps its selection across it. Rows on screen are refreshed once a
 * second so that ages ("position 40 s old") grow by themselves.
 *
 * Items the escalation controller names (an incident overdue, a unit too
 * long on scene) have their rows tinted, with a word, and the row pulses
 * once when its item becomes so: never again on a refresh, nor when the
 * row is recycled for another item.
 */
#include "config.h"

#include <glib/gi18n.h>

#include <adwaita.h>

#include "dozor-list-tab.h"
#include "dozor-situation-list.h"

#define REFILTER_MS 1000

typedef struct
{
  GtkSearchEntry *search_entry;
  GtkDropDown *choice;
  GtkLabel *count_label;
  GtkListView *list_view;

  GListModel *model;
  GtkCustomFilter *filter;
  GtkCustomSorter *sorter;
  GtkFilterListModel *filtered;
  GtkSelectionModel *selection;  /* single, or multiple when asked for */
  GHashTable *bound;          /* GtkListItem → itself, rows on screen */
  guint refilter_id;
  guint clock_id;
  gboolean selecting;
  gboolean multiple;
  gboolean focus_released;    /* a row had the keyboard when items went */
  GHashTable *escalated;      /* ids of items waiting or staying too long, nullable */
} DozorSituationListPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (DozorSituationList, dozor_situation_list, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  DozorSituationList *self = user_data;
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);
  g_autofree char *text = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (priv->search_entry)), -1);

  return DOZOR_SITUATION_LIST_GET_CLASS (self)->match (self, item, gtk_drop_down_get_selected (priv->choice), text);
}

static int
sort_func (gconstpointer a,
           gconstpointer b,
           gpointer      user_data)
{
  return DOZOR_SITUATION_LIST_GET_CLASS (user_data)->compare ((gpointer) a, (gpointer) b);
}

static const char *
id_at (DozorSituationList *self,
       guint               position)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (priv->selection), position);

  /* The id lives as long as the item, which the model keeps. */
  return item != NULL ? DOZOR_SITUATION_LIST_GET_CLASS (self)->get_id (item) : NULL;
}

/* Selects the item with that id in the list as it is now; none if it is
 * filtered out. An item already among several selected keeps them. */
static void
select_id (DozorSituationList *self,
           const char         *id)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (priv->selection));

  priv->selecting = TRUE;
  for (guint i = 0; id != NULL && i < n; i++)
    {
      if (g_strcmp0 (id_at (self, i), id) == 0)
        {
          if (!gtk_selection_model_is_selected (priv->selection, i))
            gtk_selection_model_select_item (priv->selection, i, TRUE);
          gtk_widget_activate_action (GTK_WIDGET (priv->list_view), "list.scroll-to-item", "u", i);
          priv->selecting = FALSE;
          return;
        }
    }
  gtk_selection_model_unselect_all (priv->selection);
  priv->selecting = FALSE;
}

/* Selects exactly the items with these ids that the list shows now. */
static void
select_ids (DozorSituationList *self,
            const char *const  *ids)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (priv->selection));
  g_autoptr(GtkBitset) wanted = gtk_bitset_new_empty ();
  g_autoptr(GtkBitset) all = gtk_bitset_new_range (0, n);

  for (guint i = 0; ids != NULL && i < n; i++)
    if (g_strv_contains (ids, id_at (self, i)))
      gtk_bitset_add (wanted, i);
  priv->selecting = TRUE;
  gtk_selection_model_set_selection (priv->selection, wanted, all);
  priv->selecting = FALSE;
}

/* The count follows the rows: the filtered model's every change, not only
 * the debounced refilter, which left "4 of 4" above a fifth new row for
 * up to REFILTER_MS. */
static void
update_count (DozorSituationList *self)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);
  g_autofree char *count = NULL;

  if (priv->count_label == NULL)
    return;
  count = DOZOR_SITUATION_LIST_GET_CLASS (self)->count_text (g_list_model_get_n_items (G_LIST_MODEL (priv->filtered)),
                                                             g_list_model_get_n_items (priv->model));
  if (g_strcmp0 (gtk_label_get_text (priv->count_label), count) != 0)
    {
      gtk_label_set_text (priv->count_label, count);
      g_debug ("List count: %s", count);
    }
}

/* Takes the keyboard off the list's rows before a row may go (its item
 * removed, or filtered out). GTK 4.8 moves the focus away from a removed
 * row only when it next lays the window out, starting from the row it has
 * already dropped, and fails gtk_widget_is_ancestor there: a critical, an
 * abort under the tests' fatal criticals. It happened when the incident
 * selected in the queue was closed. Cleared first, there is nothing to
 * move; give_back_focus () returns the keyboard to the list afterwards. */
static void
release_row_focus (DozorSituationList *self)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (priv->list_view)))
    return;
  gtk_root_set_focus (root, NULL);
  priv->focus_released = TRUE;
}

static void
give_back_focus (DozorSituationList *self)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);

  if (!priv->focus_released)
    return;
  priv->focus_released = FALSE;
  gtk_widget_grab_focus (GTK_WIDGET (priv->list_view));
}

static gboolean
refilter_cb (gpointer user_data)
{
  DozorSituationList *self = user_data;
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);
  g_auto(GStrv) selected = dozor_situation_list_get_selected_ids (self);

  priv->refilter_id = 0;
  priv->selecting = TRUE;
  release_row_focus (self);
  gtk_filter_changed (GTK_FILTER (priv->filter), GTK_FILTER_CHANGE_DIFFERENT);
  gtk_sorter_changed (GTK_SORTER (priv->sorter), GTK_SORTER_CHANGE_DIFFERENT);
  give_back_focus (self);
  priv->selecting = FALSE;
  if (selected[0] != NULL)
    select_ids (self, (const char *const *) selected);

  update_count (self);
  return G_SOURCE_REMOVE;
}

static void
queue_refilter (DozorSituationList *self)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);

  if (priv->refilter_id == 0)
    priv->refilter_id = g_timeout_add (REFILTER_MS, refilter_cb, self);
}

/* The user changed the search or the choice: at once. */
static void
filter_changed_cb (DozorSituationList *self)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);

  if (priv->model == NULL)
    return;
  g_clear_handle_id (&priv->refilter_id, g_source_remove);
  refilter_cb (self);
}

/* Connected before the filtered model is made: runs while the rows are
 * all still there. */
static void
items_going_cb (GListModel         *model,
                guint               position,
                guint               removed,
                guint               added,
                DozorSituationList *self)
{
  if (removed > 0)
    release_row_focus (self);
}

static void
items_changed_cb (GListModel         *model,
                  guint               position,
                  guint               removed,
                  guint               added,
                  DozorSituationList *self)
{
  const char *watch = DOZOR_SITUATION_LIST_GET_CLASS (self)->watch;

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      g_signal_connect_object (item, watch, G_CALLBACK (queue_refilter), self, G_CONNECT_SWAPPED);
    }
  /* The filtered model has taken the change already (it listens first). */
  give_back_focus (self);
  update_count (self);
  queue_refilter (self);
}

static void
setup_row_cb (GtkListItemFactory *factory,
              GtkListItem        *list_item,
              DozorSituationList *self)
{
  DOZOR_SITUATION_LIST_GET_CLASS (self)->setup_row (self, list_item);
}

static void
bind_row_cb (GtkListItemFactory *factory,
             GtkListItem        *list_item,
             DozorSituationList *self)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);

  g_hash_table_add (priv->bound, list_item);
  DOZOR_SITUATION_LIST_GET_CLASS (self)->fill_row (self, list_item);
}

static void
unbind_row_cb (GtkListItemFactory *factory,
               GtkListItem        *list_item,
               DozorSituationList *self)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);

  g_hash_table_remove (priv->bound, list_item);
}

static gboolean
clock_cb (gpointer user_data)
{
  DozorSituationList *self = user_data;
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);
  GHashTableIter iter;
  gpointer list_item;

  g_hash_table_iter_init (&iter, priv->bound);
  while (g_hash_table_iter_next (&iter, &list_item, NULL))
    DOZOR_SITUATION_LIST_GET_CLASS (self)->fill_row (self, list_item);
  return G_SOURCE_CONTINUE;
}

static void
selection_changed_cb (DozorSituationList *self)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);

  if (!priv->selecting)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

static void
dozor_situation_list_dispose (GObject *object)
{
  DozorSituationList *self = (DozorSituationList *)object;
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);

  g_clear_handle_id (&priv->refilter_id, g_source_remove);
  g_clear_handle_id (&priv->clock_id, g_source_remove);
  if (priv->list_view != NULL)
    gtk_list_view_set_model (priv->list_view, NULL);
  g_clear_object (&priv->selection);
  g_clear_object (&priv->model);
  g_clear_pointer (&priv->bound, g_hash_table_unref);
  g_clear_pointer (&priv->escalated, g_hash_table_unref);
  /* Not gtk_widget_dispose_template: GTK 4.8 finds no template for this
   * abstract class when the instance is a subclass's (a Gtk-CRITICAL on
   * quit, and the template's children left behind); unparenting them is
   * what it would do. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  priv->search_entry = NULL;
  priv->choice = NULL;
  priv->count_label = NULL;
  priv->list_view = NULL;

  G_OBJECT_CLASS (dozor_situation_list_parent_class)->dispose (object);
}

static void
dozor_situation_list_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  DozorSituationList *self = DOZOR_SITUATION_LIST (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_string (value, dozor_situation_list_get_selected (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dozor_situation_list_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  DozorSituationList *self = DOZOR_SITUATION_LIST (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      dozor_situation_list_set_selected (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dozor_situation_list_class_init (DozorSituationListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_situation_list_dispose;
  object_class->get_property = dozor_situation_list_get_property;
  object_class->set_property = dozor_situation_list_set_property;

  /* The id of the item selected in the list. */
  properties[PROP_SELECTED] = g_param_spec_string ("selected", NULL, NULL, NULL,
                                                   G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                   G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dozor-situation-list.ui");
  gtk_widget_class_bind_template_child_private (widget_class, DozorSituationList, search_entry);
  gtk_widget_class_bind_template_child_private (widget_class, DozorSituationList, choice);
  gtk_widget_class_bind_template_child_private (widget_class, DozorSituationList, count_label);
  gtk_widget_class_bind_template_child_private (widget_class, DozorSituationList, list_view);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
}

static void
dozor_situation_list_init (DozorSituationList *self)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  priv->bound = g_hash_table_new (NULL, NULL);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (priv->list_view, factory);
  dozor_list_tab_leaves (GTK_WIDGET (priv->list_view));
  g_object_unref (factory);
  priv->clock_id = g_timeout_add_seconds (1, clock_cb, self);
}

/**
 * dozor_situation_list_set_escalated:
 * @self: a #DozorSituationList
 * @ids: (nullable): the ids of the items escalated now, as keys
 *
 * Rows show it at their next refresh, within a second.
 */
void
dozor_situation_list_set_escalated (DozorSituationList *self,
                                    GHashTable         *ids)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);

  g_clear_pointer (&priv->escalated, g_hash_table_unref);
  if (ids != NULL)
    priv->escalated = g_hash_table_ref (ids);
}

/**
 * dozor_situation_list_show_escalation:
 * @self: a #DozorSituationList
 * @row: a row's widget, tinted while its item is escalated
 * @word: the row's word for it, shown only then: colour alone is lost in
 *   high contrast
 * @id: the item the row shows now
 *
 * For a subclass's fill_row().
 */
void
dozor_situation_list_show_escalation (DozorSituationList *self,
                                      GtkWidget          *row,
                                      GtkWidget          *word,
                                      const char         *id)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);
  gboolean escalated = priv->escalated != NULL && g_hash_table_contains (priv->escalated, id);
  gboolean same = g_strcmp0 (g_object_get_data (G_OBJECT (row), "escalation-id"), id) == 0;
  gboolean was = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "escalation-was"));

  gtk_widget_set_visible (word, escalated);
  if (escalated)
    gtk_widget_add_css_class (row, "escalated");
  else
    gtk_widget_remove_css_class (row, "escalated");
  if (escalated && same && !was)
    {
      gtk_widget_add_css_class (row, "escalated-pulse");
      /* Tests wait for this line; keep its wording stable. */
      g_debug ("List row pulses: %s", id);
    }
  else if (!same || !escalated)
    gtk_widget_remove_css_class (row, "escalated-pulse");
  if (!same)
    g_object_set_data_full (G_OBJECT (row), "escalation-id", g_strdup (id), g_free);
  g_object_set_data (G_OBJECT (row), "escalation-was", GINT_TO_POINTER (escalated));
}

/**
 * dozor_situation_list_set_choices:
 * @self: a #DozorSituationList
 * @search_hint: what the search entry looks in
 * @choice_hint: the drop-down's tooltip
 * @choices: the drop-down's entries; the subclass's match() gets the index
 */
void
dozor_situation_list_set_choices (DozorSituationList *self,
                                  const char         *search_hint,
                                  const char         *choice_hint,
                                  const char *const  *choices)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);
  g_autoptr(GtkStringList) list = gtk_string_list_new (choices);

  g_object_set (priv->search_entry, "placeholder-text", search_hint, NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (priv->choice), choice_hint);
  gtk_drop_down_set_model (priv->choice, G_LIST_MODEL (list));
}

/**
 * dozor_situation_list_set_model:
 * @self: a #DozorSituationList
 * @model: the items to list, from the situation
 */
void
dozor_situation_list_set_model (DozorSituationList *self,
                                GListModel         *model)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);
  GtkSortListModel *sorted;

  g_return_if_fail (priv->model == NULL);

  priv->model = g_object_ref (model);
  g_signal_connect_object (model, "items-changed", G_CALLBACK (items_going_cb), self, 0);
  priv->filter = gtk_custom_filter_new (filter_func, self, NULL);
  priv->sorter = gtk_custom_sorter_new (sort_func, self, NULL);
  priv->filtered = gtk_filter_list_model_new (g_object_ref (model), GTK_FILTER (priv->filter));
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (priv->filtered), GTK_SORTER (priv->sorter));
  if (priv->multiple)
    priv->selection = GTK_SELECTION_MODEL (gtk_multi_selection_new (G_LIST_MODEL (sorted)));
  else
    {
      GtkSingleSelection *single = gtk_single_selection_new (G_LIST_MODEL (sorted));

      gtk_single_selection_set_autoselect (single, FALSE);
      gtk_single_selection_set_can_unselect (single, TRUE);
      gtk_single_selection_set_selected (single, GTK_INVALID_LIST_POSITION);
      priv->selection = GTK_SELECTION_MODEL (single);
    }
  g_signal_connect_object (priv->selection, "selection-changed", G_CALLBACK (selection_changed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_list_view_set_model (priv->list_view, priv->selection);

  g_signal_connect_object (priv->filtered, "items-changed", G_CALLBACK (update_count), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (model, "items-changed", G_CALLBACK (items_changed_cb), self, 0);
  items_changed_cb (model, 0, 0, g_list_model_get_n_items (model), self);
  update_count (self);
}

/**
 * dozor_situation_list_get_selected:
 * @self: a #DozorSituationList
 *
 * Returns: (nullable): the id of the selected item
 */
const char *
dozor_situation_list_get_selected (DozorSituationList *self)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);
  g_autoptr(GtkBitset) selected = priv->selection != NULL ? gtk_selection_model_get_selection (priv->selection) : NULL;

  /* Of several, the first in the list's order. */
  return selected != NULL && !gtk_bitset_is_empty (selected) ? id_at (self, gtk_bitset_get_minimum (selected)) : NULL;
}

/**
 * dozor_situation_list_get_selected_ids:
 * @self: a #DozorSituationList
 *
 * Returns: (transfer full): the ids of every selected item, in the list's
 *   order; empty if none
 */
GStrv
dozor_situation_list_get_selected_ids (DozorSituationList *self)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GtkBitset) selected = priv->selection != NULL ? gtk_selection_model_get_selection (priv->selection) : NULL;
  GtkBitsetIter iter;
  guint position;

  if (selected != NULL && gtk_bitset_iter_init_first (&iter, selected, &position))
    do
      g_strv_builder_add (builder, id_at (self, position));
    while (gtk_bitset_iter_next (&iter, &position));
  return g_strv_builder_end (builder);
}

/**
 * dozor_situation_list_select_ids:
 * @self: a #DozorSituationList
 * @ids: the items to select, those the list does not show now ignored
 */
void
dozor_situation_list_select_ids (DozorSituationList *self,
                                 const char *const  *ids)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);

  /* Not announced as "selected": a group picked on the map is where the
   * user is looking, and the map must not fly to one of its units. */
  if (priv->selection != NULL)
    select_ids (self, ids);
}

/**
 * dozor_situation_list_set_multiple:
 * @self: a #DozorSituationList
 *
 * Lets Ctrl+click and Shift+click select several items. Call it before
 * dozor_situation_list_set_model().
 */
void
dozor_situation_list_set_multiple (DozorSituationList *self)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);

  g_return_if_fail (priv->selection == NULL);

  priv->multiple = TRUE;
}

/**
 * dozor_situation_list_set_selected:
 * @self: a #DozorSituationList
 * @id: (nullable): the item to select and scroll to
 */
void
dozor_situation_list_set_selected (DozorSituationList *self,
                                   const char         *id)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);

  if (priv->selection == NULL || g_strcmp0 (id, dozor_situation_list_get_selected (self)) == 0)
    return;
  select_id (self, id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

/**
 * dozor_situation_list_add_header:
 * @self: a #DozorSituationList
 * @widget: what to show under the count line, above the list
 */
void
dozor_situation_list_add_header (DozorSituationList *self,
                                 GtkWidget          *widget)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);

  gtk_widget_insert_after (widget, GTK_WIDGET (self), GTK_WIDGET (priv->count_label));
}

/**
 * dozor_situation_list_set_row_label:
 * @list_item: a row, once filled
 * @label: what a screen reader says of it, as one sentence
 *
 * GTK 4.8 names a list's row by its accessible label only (it does not
 * read the labels inside it), and a #GtkListItem cannot be given one
 * before GTK 4.12: the label goes on the row widget that holds the
 * item's child, and on the child for readers that go inside.
 */
void
dozor_situation_list_set_row_label (GtkListItem *list_item,
                                    const char  *label)
{
  GtkWidget *child = gtk_list_item_get_child (list_item);
  GtkWidget *row = child != NULL ? gtk_widget_get_parent (child) : NULL;

  if (child == NULL || g_strcmp0 (g_object_get_data (G_OBJECT (child), "dozor-row-label"), label) == 0)
    return;
  g_object_set_data_full (G_OBJECT (child), "dozor-row-label", g_strdup (label), g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  if (row != NULL && !GTK_IS_LIST_VIEW (row))
    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/**
 * dozor_situation_list_focus_search:
 * @self: a #DozorSituationList
 *
 * Brings the list into view, in its stack page and side pane if it is in
 * one, and puts the keyboard in its search entry with what was typed
 * before selected, to be typed over.
 */
void
dozor_situation_list_focus_search (DozorSituationList *self)
{
  DozorSituationListPrivate *priv = dozor_situation_list_get_instance_private (self);
  GtkWidget *stack = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_STACK);
  GtkWidget *flap = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_FLAP);

  if (flap != NULL)
    adw_flap_set_reveal_flap (ADW_FLAP (flap), TRUE);
  if (stack != NULL)
    gtk_stack_set_visible_child (GTK_STACK (stack), GTK_WIDGET (self));
  gtk_widget_grab_focus (GTK_WIDGET (priv->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (priv->search_entry), 0, -1);
}
