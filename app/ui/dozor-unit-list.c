/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Every unit of the shift, in a list a supervisor can search by call sign
 * and narrow by status: available first, then the busy ones, by call sign.
 * A row shows the status colour as the map draws it, the status in words
 * and how old the position is, greyed once it is no longer current. Rows
 * can be dragged onto an incident, in the queue or on the map.
 *
 * The list re-sorts when a status changes; positions, which arrive
 * thousands a second, never re-sort it.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dozor-labels.h"
#include "dozor-unit-counts.h"
#include "dozor-unit-drag.h"
#include "dozor-unit-item.h"
#include "dozor-unit-layer.h"
#include "dozor-unit-list.h"

/* Entries of the status drop-down (see dozor_unit_list_init). */
enum
{
  SHOW_ALL,
  SHOW_AVAILABLE,
  SHOW_MOVING,
  SHOW_ON_SCENE,
  SHOW_BUSY,
  SHOW_OFF_DUTY,
  SHOW_STALE,
};

struct _DozorUnitList
{
  DozorSituationList parent_instance;

  DozorSituation *situation;  /* for "now": a replay's is its moment */
};

G_DEFINE_FINAL_TYPE (DozorUnitList, dozor_unit_list, DOZOR_TYPE_SITUATION_LIST)

/* The moment the list shows, for a widget in it (a row's parts). */
static gint64
list_now (GtkWidget *widget)
{
  GtkWidget *list = gtk_widget_get_ancestor (widget, DOZOR_TYPE_UNIT_LIST);

  return list != NULL && DOZOR_UNIT_LIST (list)->situation != NULL
    ? dozor_situation_get_now (DOZOR_UNIT_LIST (list)->situation) : g_get_real_time ();
}

static gboolean
is_stale (DozorUnitItem *item,
          gint64         now)
{
  gint64 fix_time;

  return !dozor_unit_item_get_position (item, NULL, NULL, &fix_time) ||
         now - fix_time > DOZOR_UNIT_STALE_SECONDS * G_USEC_PER_SEC;
}

static gboolean
match (DozorSituationList *list,
       gpointer            item,
       guint               choice,
       const char         *text)
{
  DozorUnitItem *unit = item;
  const char *status = dozor_unit_item_get_status (unit);
  gboolean shown;

  switch (choice)
    {
    case SHOW_AVAILABLE:
      shown = g_strcmp0 (status, "available") == 0;
      break;
    case SHOW_MOVING:
      shown = g_strcmp0 (status, "dispatched") == 0 || g_strcmp0 (status, "en_route") == 0;
      break;
    case SHOW_ON_SCENE:
      shown = g_strcmp0 (status, "on_scene") == 0;
      break;
    case SHOW_BUSY:
      shown = g_strcmp0 (status, "busy") == 0;
      break;
    case SHOW_OFF_DUTY:
      shown = g_strcmp0 (status, "off_duty") == 0;
      break;
    case SHOW_STALE:
      shown = is_stale (unit, list_now (GTK_WIDGET (list)));
      break;
    case SHOW_ALL:
    default:
      shown = TRUE;
    }

  if (shown && *text != '\0')
    {
      g_autofree char *call_sign = g_utf8_casefold (dozor_unit_item_get_call_sign (unit), -1);

      shown = strstr (call_sign, text) != NULL;
    }
  return shown;
}

static int
status_rank (const char *status)
{
  static const char *const order[] = { "available", "dispatched", "en_route", "on_scene", "busy", "off_duty" };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (g_strcmp0 (status, order[i]) == 0)
      return i;
  return G_N_ELEMENTS (order);
}

static int
compare (gpointer a,
         gpointer b)
{
  DozorUnitItem *x = a, *y = b;
  int by_status = status_rank (dozor_unit_item_get_status (x)) - status_rank (dozor_unit_item_get_status (y));

  if (by_status != 0)
    return by_status;
  return strcmp (dozor_unit_item_get_call_sign_key (x), dozor_unit_item_get_call_sign_key (y));
}

static char *
count_text (guint shown,
            guint all)
{
  return g_strdup_printf (_("%'u of %'u units"), shown, all);
}

/* --- Rows ------------------------------------------------------------------ */

typedef struct
{
  GtkWidget *box;
  GtkWidget *symbol;
  GtkLabel *call_sign;
  GtkLabel *status;
  GtkLabel *long_on_scene;
  GtkLabel *age;
} Row;

static void
draw_symbol (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  GtkListItem *list_item = user_data;
  DozorUnitItem *item = gtk_list_item_get_item (list_item);

  if (item != NULL)
    dozor_unit_layer_draw_symbol (cr, dozor_unit_item_get_status (item), is_stale (item, list_now (GTK_WIDGET (area))),
                                  width / 2.0, height / 2.0);
}

static void
fill_row (DozorSituationList *list,
          GtkListItem        *list_item)
{
  Row *row = g_object_get_data (G_OBJECT (list_item), "row");
  DozorUnitItem *item = gtk_list_item_get_item (list_item);
  g_autofree char *age = NULL;
  g_autofree char *sentence = NULL;
  gint64 fix_time, now;
  gboolean stale;

  if (item == NULL)
    return;

  now = list_now (GTK_WIDGET (list));
  stale = is_stale (item, now);
  age = dozor_unit_item_get_position (item, NULL, NULL, &fix_time)
          ? dozor_format_age (now - fix_time) : g_strdup (_("no fix"));
  sentence = dozor_unit_sentence (dozor_unit_item_get_call_sign (item), dozor_unit_item_get_status (item),
                                  dozor_unit_item_get_position (item, NULL, NULL, &fix_time)
                                    ? now - fix_time : -1);
  dozor_situation_list_set_row_label (list_item, sentence);
  gtk_label_set_text (row->call_sign, dozor_unit_item_get_call_sign (item));
  gtk_label_set_text (row->status, dozor_unit_status_label (dozor_unit_item_get_status (item)));
  gtk_label_set_text (row->age, age);
  /* An old position must look old here too, not only on the map. */
  if (stale)
    gtk_widget_add_css_class (GTK_WIDGET (row->age), "stale");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row->age), "stale");
  /* On scene longer than allowed: tinted, with the words. */
  dozor_situation_list_show_escalation (list, row->box, GTK_WIDGET (row->long_on_scene),
                                        dozor_unit_item_get_id (item));
  gtk_widget_queue_draw (row->symbol);
}

static GdkContentProvider *
row_drag_prepare_cb (GtkDragSource *source,
                     double         x,
                     double         y,
                     GtkListItem   *list_item)
{
  DozorUnitItem *item = gtk_list_item_get_item (list_item);
  g_autoptr(GdkPaintable) icon = NULL;

  if (item == NULL)
    return NULL;
  icon = dozor_unit_drag_make_icon (dozor_unit_item_get_call_sign (item), dozor_unit_item_get_status (item),
                                    is_stale (item, list_now (gtk_event_controller_get_widget (
                                                                GTK_EVENT_CONTROLLER (source)))));
  gtk_drag_source_set_icon (source, icon, -8, gdk_paintable_get_intrinsic_height (icon) / 2);
  return dozor_unit_drag_new_content (dozor_unit_item_get_id (item));
}

static void
setup_row (DozorSituationList *list,
           GtkListItem        *list_item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkDragSource *source = gtk_drag_source_new ();
  Row *row = g_new0 (Row, 1);

  row->symbol = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (row->symbol), 16);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (row->symbol), 16);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (row->symbol), draw_symbol, list_item, NULL);
  row->call_sign = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (row->call_sign, 0);
  gtk_widget_set_hexpand (GTK_WIDGET (row->call_sign), TRUE);
  gtk_label_set_ellipsize (row->call_sign, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (row->call_sign), "heading");
  row->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (row->status), "dim-label");
  row->long_on_scene = GTK_LABEL (gtk_label_new (_("TOO LONG")));
  gtk_widget_add_css_class (GTK_WIDGET (row->long_on_scene), "escalated-word");
  gtk_widget_set_visible (GTK_WIDGET (row->long_on_scene), FALSE);
  row->age = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_width_chars (row->age, 7);
  gtk_label_set_xalign (row->age, 1);
  gtk_widget_add_css_class (GTK_WIDGET (row->age), "numeric");

  gtk_box_append (GTK_BOX (box), row->symbol);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->call_sign));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->status));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->long_on_scene));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->age));
  gtk_widget_add_css_class (box, "escalatable");
  row->box = box;

  gtk_drag_source_set_actions (source, GDK_ACTION_COPY);
  g_signal_connect (source, "prepare", G_CALLBACK (row_drag_prepare_cb), list_item);
  gtk_widget_add_controller (box, GTK_EVENT_CONTROLLER (source));

  g_object_set_data_full (G_OBJECT (list_item), "row", row, g_free);
  gtk_list_item_set_child (list_item, box);
}

static void
dozor_unit_list_dispose (GObject *object)
{
  g_clear_object (&DOZOR_UNIT_LIST (object)->situation);

  G_OBJECT_CLASS (dozor_unit_list_parent_class)->dispose (object);
}

static void
dozor_unit_list_class_init (DozorUnitListClass *klass)
{
  DozorSituationListClass *list_class = DOZOR_SITUATION_LIST_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = dozor_unit_list_dispose;
  list_class->get_id = (const char *(*) (gpointer)) dozor_unit_item_get_id;
  list_class->match = match;
  list_class->compare = compare;
  list_class->setup_row = setup_row;
  list_class->fill_row = fill_row;
  list_class->count_text = count_text;
  list_class->watch = "notify::status";
}

static void
dozor_unit_list_init (DozorUnitList *self)
{
  const char *const choices[] = {
    [SHOW_ALL] = _("All statuses"),
    [SHOW_AVAILABLE] = _("Available"),
    [SHOW_MOVING] = _("Dispatched or en route"),
    [SHOW_ON_SCENE] = _("On scene"),
    [SHOW_BUSY] = _("Busy"),
    [SHOW_OFF_DUTY] = _("Off duty"),
    [SHOW_STALE] = _("Position not current"),
    NULL,
  };

  dozor_situation_list_set_choices (DOZOR_SITUATION_LIST (self), _("Call sign"),
                                    _("Show units with this status"), choices);
  /* Ctrl+click picks several units, to send them together. */
  dozor_situation_list_set_multiple (DOZOR_SITUATION_LIST (self));
}

/**
 * dozor_unit_list_set_situation:
 * @self: a #DozorUnitList
 * @situation: whose units to list
 */
void
dozor_unit_list_set_situation (DozorUnitList  *self,
                               DozorSituation *situation)
{
  g_set_object (&self->situation, situation);
  dozor_situation_list_set_model (DOZOR_SITUATION_LIST (self), dozor_situation_get_unit_model (situation));
  dozor_situation_list_add_header (DOZOR_SITUATION_LIST (self), dozor_unit_counts_new (situation));
}
