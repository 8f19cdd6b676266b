/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The queue of open incidents: most urgent first, and among equals the one
 * waiting longest. A row shows the priority, the duty-log number, the type,
 * the address, the status and how long ago it was registered. A unit
 * dragged from the list or the map can be dropped on a row to dispatch it.
 * An incident waiting unassigned longer than its priority allows (the
 * escalation controller says which) has its row tinted and says OVERDUE.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dozor-incident-item.h"
#include "dozor-incident-list.h"
#include "dozor-labels.h"
#include "dozor-unit-drag.h"

/* Entries of the drop-down (see dozor_incident_list_init). */
enum
{
  SHOW_ALL,
  SHOW_WAITING,
  SHOW_URGENT,
  SHOW_HANDLED,
};

struct _DozorIncidentList
{
  DozorSituationList parent_instance;

  DozorSituation *situation;  /* for "now": a replay's is its moment */
};

G_DEFINE_FINAL_TYPE (DozorIncidentList, dozor_incident_list, DOZOR_TYPE_SITUATION_LIST)

enum
{
  DISPATCH_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
contains_folded (const char *text,
                 const char *needle)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);

  return strstr (folded, needle) != NULL;
}

static gboolean
match (DozorSituationList *list,
       gpointer            item,
       guint               choice,
       const char         *text)
{
  DozorIncidentItem *incident = item;
  const char *status = dozor_incident_item_get_status (incident);
  gboolean shown;

  switch (choice)
    {
    case SHOW_WAITING:
      shown = g_str_equal (status, "new");
      break;
    case SHOW_URGENT:
      shown = dozor_incident_item_get_priority (incident) <= 2;
      break;
    case SHOW_HANDLED:
      shown = g_str_equal (status, "dispatched") || g_str_equal (status, "on_scene");
      break;
    case SHOW_ALL:
    default:
      shown = TRUE;
    }

  return shown && (*text == '\0' ||
                   contains_folded (dozor_incident_item_get_number (incident), text) ||
                   contains_folded (dozor_incident_item_get_address (incident), text) ||
                   contains_folded (dozor_incident_type_label (dozor_incident_item_get_kind (incident)), text));
}

static int
compare (gpointer a,
         gpointer b)
{
  DozorIncidentItem *x = a, *y = b;
  gint64 px = dozor_incident_item_get_priority (x), py = dozor_incident_item_get_priority (y);
  gint64 cx = dozor_incident_item_get_created (x), cy = dozor_incident_item_get_created (y);

  if (px != py)
    return px < py ? -1 : 1;
  return (cx > cy) - (cx < cy);
}

static char *
count_text (guint shown,
            guint all)
{
  return g_strdup_printf (_("%'u of %'u open incidents"), shown, all);
}

typedef struct
{
  GtkWidget *box;
  GtkLabel *priority;
  GtkLabel *title;
  GtkLabel *address;
  GtkLabel *overdue;
  GtkLabel *status;
} Row;

static void
fill_row (DozorSituationList *list,
          GtkListItem        *list_item)
{
  Row *row = g_object_get_data (G_OBJECT (list_item), "row");
  DozorIncidentItem *item = gtk_list_item_get_item (list_item);
  g_autofree char *priority = NULL;
  g_autofree char *title = NULL;
  g_autofree char *age = NULL;
  g_autofree char *status = NULL;
  g_autofree char *sentence = NULL;
  gint64 level, now;

  if (item == NULL)
    return;

  level = CLAMP (dozor_incident_item_get_priority (item), 0, 4);
  priority = g_strdup_printf ("%d", (int) level);
  title = g_strdup_printf ("%s · %s", dozor_incident_item_get_number (item),
                           dozor_incident_type_label (dozor_incident_item_get_kind (item)));
  now = DOZOR_INCIDENT_LIST (list)->situation != NULL ? dozor_situation_get_now (DOZOR_INCIDENT_LIST (list)->situation)
                                                      : g_get_real_time ();
  age = dozor_format_age (now - dozor_incident_item_get_created (item));
  /* Translators: an incident's status and how long ago it was registered */
  status = g_strdup_printf (_("%s, %s"), dozor_incident_status_label (dozor_incident_item_get_status (item)), age);
  sentence = dozor_incident_sentence (dozor_incident_item_get_number (item), dozor_incident_item_get_kind (item),
                                      level, dozor_incident_item_get_status (item),
                                      now - dozor_incident_item_get_created (item));
  dozor_situation_list_set_row_label (list_item, sentence);

  gtk_label_set_text (row->priority, priority);
  for (int p = 0; p <= 4; p++)
    {
      g_autofree char *css = g_strdup_printf ("priority-%d", p);

      if (p == level)
        gtk_widget_add_css_class (GTK_WIDGET (row->priority), css);
      else
        gtk_widget_remove_css_class (GTK_WIDGET (row->priority), css);
    }
  gtk_label_set_text (row->title, title);
  gtk_label_set_text (row->address, dozor_incident_item_get_address (item));
  gtk_label_set_text (row->status, status);
  /* Nobody sent yet: it must catch the eye in the queue as on the map. */
  if (g_str_equal (dozor_incident_item_get_status (item), "new"))
    gtk_widget_add_css_class (GTK_WIDGET (row->status), "waiting");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row->status), "waiting");
  dozor_situation_list_show_escalation (list, row->box, GTK_WIDGET (row->overdue), dozor_incident_item_get_id (item));
}

static gboolean
row_drop_cb (GtkDropTarget *target,
             const GValue  *value,
             double         x,
             double         y,
             GtkListItem   *list_item)
{
  const DozorUnitDrag *drag = g_value_get_boxed (value);
  DozorIncidentItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *list = gtk_widget_get_ancestor (gtk_list_item_get_child (list_item), DOZOR_TYPE_INCIDENT_LIST);

  if (drag == NULL || item == NULL || list == NULL)
    return FALSE;
  g_debug ("Unit dropped on incident %s in the queue", dozor_incident_item_get_number (item));
  g_signal_emit (list, signals[DISPATCH_REQUESTED], 0, dozor_unit_drag_get_unit_id (drag),
                 dozor_incident_item_get_id (item));
  return TRUE;
}

static GtkLabel *
row_label (GtkWidget  *parent,
           const char *css_class,
           gboolean    expand)
{
  GtkLabel *label = GTK_LABEL (gtk_label_new (NULL));

  gtk_label_set_xalign (label, 0);
  gtk_label_set_ellipsize (label, PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (GTK_WIDGET (label), expand);
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (label), css_class);
  gtk_box_append (GTK_BOX (parent), GTK_WIDGET (label));
  return label;
}

static void
setup_row (DozorSituationList *list,
           GtkListItem        *list_item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *lines = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *bottom = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkDropTarget *target = gtk_drop_target_new (DOZOR_TYPE_UNIT_DRAG, GDK_ACTION_COPY);
  Row *row = g_new0 (Row, 1);

  row->priority = row_label (box, "priority-badge", FALSE);
  gtk_label_set_xalign (row->priority, 0.5);
  gtk_widget_set_valign (GTK_WIDGET (row->priority), GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), lines);
  gtk_widget_set_hexpand (lines, TRUE);
  row->title = row_label (lines, "heading", TRUE);
  /* Number and type in full, on two lines if need be: a Russian or Kazakh
   * type does not fit the sidebar beside the number ("Подозрительная…"). */
  gtk_label_set_ellipsize (row->title, PANGO_ELLIPSIZE_NONE);
  gtk_label_set_wrap (row->title, TRUE);
  gtk_label_set_wrap_mode (row->title, PANGO_WRAP_WORD_CHAR);
  gtk_box_append (GTK_BOX (lines), bottom);
  row->address = row_label (bottom, "dim-label", TRUE);
  /* The word as well as the tint: a colour alone is lost in high contrast. */
  row->overdue = row_label (bottom, "escalated-word", FALSE);
  gtk_label_set_text (row->overdue, _("OVERDUE"));
  gtk_widget_set_visible (GTK_WIDGET (row->overdue), FALSE);
  row->status = row_label (bottom, NULL, FALSE);
  row->box = box;
  gtk_widget_add_css_class (box, "escalatable");

  g_signal_connect (target, "drop", G_CALLBACK (row_drop_cb), list_item);
  gtk_widget_add_controller (box, GTK_EVENT_CONTROLLER (target));

  g_object_set_data_full (G_OBJECT (list_item), "row", row, g_free);
  gtk_list_item_set_child (list_item, box);
}

static void
dozor_incident_list_dispose (GObject *object)
{
  g_clear_object (&DOZOR_INCIDENT_LIST (object)->situation);

  G_OBJECT_CLASS (dozor_incident_list_parent_class)->dispose (object);
}

static void
dozor_incident_list_class_init (DozorIncidentListClass *klass)
{
  DozorSituationListClass *list_class = DOZOR_SITUATION_LIST_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = dozor_incident_list_dispose;
  list_class->get_id = (const char *(*) (gpointer)) dozor_incident_item_get_id;
  list_class->match = match;
  list_class->compare = compare;
  list_class->setup_row = setup_row;
  list_class->fill_row = fill_row;
  list_class->count_text = count_text;
  list_class->watch = "notify::version";

  /**
   * DozorIncidentList::dispatch-requested:
   * @unit_id: the unit dropped
   * @incident_id: the incident it was dropped on
   */
  signals[DISPATCH_REQUESTED] = g_signal_new ("dispatch-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                              0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
dozor_incident_list_init (DozorIncidentList *self)
{
  const char *const choices[] = {
    [SHOW_ALL] = _("All open"),
    [SHOW_WAITING] = _("Nobody sent yet"),
    [SHOW_URGENT] = _("Priority 1 and 2"),
    [SHOW_HANDLED] = _("Units on the way or there"),
    NULL,
  };

  dozor_situation_list_set_choices (DOZOR_SITUATION_LIST (self), _("Number, address, type"),
                                    _("Show these incidents"), choices);
}

/**
 * dozor_incident_list_set_situation:
 * @self: a #DozorIncidentList
 * @situation: whose open incidents to list
 */
void
dozor_incident_list_set_situation (DozorIncidentList *self,
                                   DozorSituation    *situation)
{
  g_set_object (&self->situation, situation);
  dozor_situation_list_set_model (DOZOR_SITUATION_LIST (self), dozor_situation_get_incident_model (situation));
}
