/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The wall's incident board (issue 16, item 3): every open incident, the
 * most urgent and longest waiting first, with its priority, type, address,
 * how long it has waited and the units sent. An incident that no unit has
 * reached within what its priority allows is marked, in words as well as
 * colour (the room's colour-blind officer reads the word).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-incident-item.h"
#include "dozor-json.h"
#include "dozor-labels.h"
#include "dozor-wall-incidents-view.h"
#include "dozor-wall-text.h"

/* Rows shown: what fits at a wall's text size; the count says the rest. */
#define ROWS 12
#define REFRESH_SECONDS 5

struct _DozorWallIncidentsView
{
  GtkWidget parent_instance;

  GtkBox *box;
  GtkLabel *heading;
  GtkLabel *rows[ROWS];
  GtkLabel *more;
  DozorSituation *situation;
  DozorWallMarks marks;       /* the wall's rule: what the map marks too */
  double cap_height;
  guint refresh_id;
  char *last_log;
};

G_DEFINE_FINAL_TYPE (DozorWallIncidentsView, dozor_wall_incidents_view, GTK_TYPE_WIDGET)

static int
compare_incidents (gconstpointer a,
                   gconstpointer b)
{
  DozorIncidentItem *x = *(DozorIncidentItem **) a, *y = *(DozorIncidentItem **) b;
  gint64 px = dozor_incident_item_get_priority (x), py = dozor_incident_item_get_priority (y);
  gint64 cx = dozor_incident_item_get_created (x), cy = dozor_incident_item_get_created (y);

  if (px != py)
    return px < py ? -1 : 1;
  return (cx > cy) - (cx < cy);
}

/* "Барыс-16, Барыс-07": the units on the incident's active dispatches. */
static char *
units_of (DozorSituation *situation,
          const char     *incident_id)
{
  g_autoptr(GList) dispatches = dozor_situation_get_entities (situation, "dispatch");
  g_autoptr(GString) out = g_string_new (NULL);

  for (GList *l = dispatches; l != NULL; l = l->next)
    {
      JsonObject *dispatch = json_node_get_object (l->data);
      DozorUnit *unit;

      if (g_strcmp0 (dozor_json_get_string (dispatch, "incident_id"), incident_id) != 0)
        continue;
      unit = dozor_situation_get_unit (situation, dozor_json_get_string (dispatch, "unit_id"));
      if (unit == NULL || unit->call_sign == NULL)
        continue;
      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append (out, unit->call_sign);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
refresh (DozorWallIncidentsView *self)
{
  GListModel *model = dozor_situation_get_incident_model (self->situation);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) log = g_string_new ("Wall incidents:");
  gint64 now = g_get_real_time ();
  guint overdue = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (items, g_list_model_get_item (model, i));
  g_ptr_array_sort (items, compare_incidents);

  for (guint r = 0; r < ROWS; r++)
    {
      DozorIncidentItem *item = r < items->len ? g_ptr_array_index (items, r) : NULL;
      g_autofree char *age = NULL, *units = NULL, *text = NULL;
      const char *status, *address;
      gint64 priority, created;
      gboolean late;

      gtk_widget_set_visible (GTK_WIDGET (self->rows[r]), item != NULL);
      if (item == NULL)
        continue;
      priority = dozor_incident_item_get_priority (item);
      created = dozor_incident_item_get_created (item);
      status = dozor_incident_item_get_status (item);
      address = dozor_incident_item_get_address (item);
      age = created > 0 ? dozor_format_age (now - created) : g_strdup ("?");
      units = units_of (self->situation, dozor_incident_item_get_id (item));
      /* Late: nobody on scene yet, and longer than the priority allows. */
      late = dozor_escalation_incident_late (&self->marks, priority, status, created, now);
      overdue += late;
      /* TRANSLATORS: priority, type, address, waiting time, then the units
       * sent or a dash; "LATE" marks an incident waiting too long */
      text = g_strdup_printf ("%sP%" G_GINT64_FORMAT " · %s%s%s · %s · %s", late ? _("LATE ") : "", priority,
                              dozor_incident_type_label (dozor_incident_item_get_kind (item)),
                              address != NULL && *address != '\0' ? " · " : "", address != NULL ? address : "",
                              age, *units != '\0' ? units : "—");
      gtk_label_set_text (self->rows[r], text);
      if (late)
        gtk_widget_add_css_class (GTK_WIDGET (self->rows[r]), "wall-late");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->rows[r]), "wall-late");
      g_string_append_printf (log, " P%" G_GINT64_FORMAT "%s %s;", priority, late ? " late" : "",
                              dozor_incident_item_get_kind (item));
    }

  if (items->len > ROWS)
    {
      g_autofree char *more = g_strdup_printf (_("and %u more"), items->len - ROWS);

      gtk_label_set_text (self->more, more);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->more), items->len > ROWS);
  {
    g_autofree char *heading = g_strdup_printf (_("Open incidents: %u"), items->len);

    gtk_label_set_text (self->heading, heading);
  }

  g_string_append_printf (log, " %u open, %u late", items->len, overdue);
  if (g_strcmp0 (log->str, self->last_log) != 0)
    {
      g_message ("%s", log->str);
      g_free (self->last_log);
      self->last_log = g_strdup (log->str);
    }
}

static gboolean
refresh_cb (gpointer user_data)
{
  refresh (DOZOR_WALL_INCIDENTS_VIEW (user_data));
  return G_SOURCE_CONTINUE;
}

static void
situation_changed_cb (DozorWallIncidentsView *self,
                      guint                   changed)
{
  if (changed & DOZOR_SITUATION_INCIDENTS)
    refresh (self);
}

static void
dozor_wall_incidents_view_dispose (GObject *object)
{
  DozorWallIncidentsView *self = DOZOR_WALL_INCIDENTS_VIEW (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_pointer ((GtkWidget **) &self->box, gtk_widget_unparent);
  if (self->situation != NULL)
    g_signal_handlers_disconnect_by_data (self->situation, self);
  g_clear_object (&self->situation);
  g_clear_pointer (&self->last_log, g_free);

  G_OBJECT_CLASS (dozor_wall_incidents_view_parent_class)->dispose (object);
}

static void
dozor_wall_incidents_view_class_init (DozorWallIncidentsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_wall_incidents_view_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "wallincidents");
}

static void
dozor_wall_incidents_view_init (DozorWallIncidentsView *self)
{
  self->box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 4));
  gtk_widget_set_parent (GTK_WIDGET (self->box), GTK_WIDGET (self));
  gtk_widget_set_valign (GTK_WIDGET (self->box), GTK_ALIGN_START);
  self->heading = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->heading, 0);
  gtk_box_append (self->box, GTK_WIDGET (self->heading));
  for (guint r = 0; r < ROWS; r++)
    {
      self->rows[r] = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_xalign (self->rows[r], 0);
      gtk_label_set_ellipsize (self->rows[r], PANGO_ELLIPSIZE_END);
      gtk_box_append (self->box, GTK_WIDGET (self->rows[r]));
    }
  self->more = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->more, 0);
  gtk_box_append (self->box, GTK_WIDGET (self->more));
}

/**
 * dozor_wall_incidents_view_new:
 * @situation: what the wall shows
 * @marks: when an incident is late
 *
 * Returns: (transfer floating): the incident board
 */
DozorWallIncidentsView *
dozor_wall_incidents_view_new (DozorSituation       *situation,
                               const DozorWallMarks *marks)
{
  DozorWallIncidentsView *self = g_object_new (DOZOR_TYPE_WALL_INCIDENTS_VIEW, NULL);

  self->situation = g_object_ref (situation);
  self->marks = *marks;
  g_signal_connect_swapped (situation, "changed", G_CALLBACK (situation_changed_cb), self);
  /* Waiting times grow without any event. */
  self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, refresh_cb, self);
  refresh (self);
  return self;
}

/**
 * dozor_wall_incidents_view_set_cap_height:
 * @self: a #DozorWallIncidentsView
 * @cap_height: the legibility rule's capital height, in pixels
 */
void
dozor_wall_incidents_view_set_cap_height (DozorWallIncidentsView *self,
                                          double                  cap_height)
{
  g_return_if_fail (DOZOR_IS_WALL_INCIDENTS_VIEW (self));

  self->cap_height = cap_height;
  dozor_wall_text_size (self->heading, cap_height, 1.3, TRUE);
  for (guint r = 0; r < ROWS; r++)
    dozor_wall_text_size (self->rows[r], cap_height, 1.0, FALSE);
  dozor_wall_text_size (self->more, cap_height, 1.0, FALSE);
  gtk_box_set_spacing (self->box, (int) MAX (cap_height * 0.6, 4));
}
