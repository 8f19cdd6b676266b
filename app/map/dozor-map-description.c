/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The map in words, for a screen reader. The map is one drawn image of
 * thousands of items (DozorRasterLayer), not a widget per item, so GTK
 * 4.8 has nothing to name item by item; what a person acts on is the
 * selection. The map widget is labelled "Map" and its accessible
 * description says what is selected, as the lists' rows say it ("Unit
 * Барыс-12, Available, position 40 s old"), and follows it: at once when
 * the selection changes, and at most once a second while the selected
 * unit or incident changes (positions arrive thousands a second).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-json.h"
#include "dozor-labels.h"
#include "dozor-map-description.h"

#define REFRESH_SECONDS 1

struct _DozorMapDescription
{
  GObject parent_instance;

  DozorMapView *map_view;     /* weak: it owns this */
  DozorSituation *situation;
  char *text;
  guint timer_id;
  gboolean dirty;
};

G_DEFINE_FINAL_TYPE (DozorMapDescription, dozor_map_description, G_TYPE_OBJECT)

/**
 * dozor_map_description_unit_words:
 * @situation: what the map shows
 * @unit_id: a unit of it
 *
 * Returns: (transfer full) (nullable): the unit as a list's row says it,
 *   "Барыс-12, Available, position 40 s old"; %NULL if there is none
 */
char *
dozor_map_description_unit_words (DozorSituation *situation,
                                  const char     *unit_id)
{
  DozorUnit *unit = unit_id != NULL ? dozor_situation_get_unit (situation, unit_id) : NULL;

  if (unit == NULL)
    return NULL;
  return dozor_unit_sentence (unit->call_sign, unit->status,
                              unit->has_fix ? dozor_situation_get_now (situation) - unit->fix_time : -1);
}

/**
 * dozor_map_description_incident_words:
 * @situation: what the map shows
 * @incident_id: an incident of it
 *
 * Returns: (transfer full) (nullable): the incident as the queue's row says
 *   it; %NULL if there is none
 */
char *
dozor_map_description_incident_words (DozorSituation *situation,
                                      const char     *incident_id)
{
  JsonObject *incident = incident_id != NULL ? dozor_situation_get_entity (situation, "incident", incident_id)
                                             : NULL;

  if (incident == NULL)
    return NULL;
  return dozor_incident_sentence (json_object_get_string_member_with_default (incident, "number", ""),
                                  json_object_get_string_member_with_default (incident, "type", ""),
                                  json_object_get_int_member_with_default (incident, "priority", 0),
                                  json_object_get_string_member_with_default (incident, "status", ""),
                                  dozor_situation_get_now (situation) - dozor_json_get_time (incident, "created_at"));
}

static char *
describe (DozorMapDescription *self)
{
  g_autofree char *unit_text = dozor_map_description_unit_words (self->situation,
                                                                 dozor_map_view_get_selected_unit (self->map_view));
  g_autofree char *incident_text =
    dozor_map_description_incident_words (self->situation, dozor_map_view_get_selected_incident (self->map_view));

  if (unit_text != NULL && incident_text != NULL)
    /* Translators: what is selected on the map: a unit, then an incident */
    return g_strdup_printf (_("Selected: unit %s; %s"), unit_text, incident_text);
  if (unit_text != NULL)
    return g_strdup_printf (_("Selected: unit %s"), unit_text);
  if (incident_text != NULL)
    return g_strdup_printf (_("Selected: %s"), incident_text);
  return g_strdup (_("Nothing selected on the map"));
}

static void
update (DozorMapDescription *self)
{
  g_autofree char *text = describe (self);

  self->dirty = FALSE;
  if (g_strcmp0 (text, self->text) == 0)
    return;
  g_free (self->text);
  self->text = g_steal_pointer (&text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->map_view), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->text, -1);
  g_debug ("Map described: %s", self->text);
}

static gboolean
timer_cb (gpointer user_data)
{
  DozorMapDescription *self = user_data;

  if (self->dirty)
    update (self);
  return G_SOURCE_CONTINUE;
}

static void
situation_changed_cb (DozorMapDescription *self)
{
  if (dozor_map_view_get_selected_unit (self->map_view) != NULL ||
      dozor_map_view_get_selected_incident (self->map_view) != NULL)
    self->dirty = TRUE;
}

static void
dozor_map_description_dispose (GObject *object)
{
  DozorMapDescription *self = DOZOR_MAP_DESCRIPTION (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_object (&self->situation);
  g_clear_pointer (&self->text, g_free);

  G_OBJECT_CLASS (dozor_map_description_parent_class)->dispose (object);
}

static void
dozor_map_description_class_init (DozorMapDescriptionClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_map_description_dispose;
}

static void
dozor_map_description_init (DozorMapDescription *self)
{
}

/**
 * dozor_map_description_new:
 * @map_view: the map to describe; it keeps the description
 * @situation: what the map shows
 *
 * Returns: (transfer full): the description, kept up to date until disposed
 */
DozorMapDescription *
dozor_map_description_new (DozorMapView   *map_view,
                           DozorSituation *situation)
{
  DozorMapDescription *self = g_object_new (DOZOR_TYPE_MAP_DESCRIPTION, NULL);

  self->map_view = map_view;
  self->situation = g_object_ref (situation);
  gtk_accessible_update_property (GTK_ACCESSIBLE (map_view), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Map"), -1);
  g_signal_connect_object (map_view, "notify::selected-unit", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (map_view, "notify::selected-incident", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (situation, "changed", G_CALLBACK (situation_changed_cb), self, G_CONNECT_SWAPPED);
  self->timer_id = g_timeout_add_seconds (REFRESH_SECONDS, timer_cb, self);
  update (self);
  return self;
}
