/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The map's items one by one from the keyboard, for a screen reader (issue
 * 20, item 11). The map is one drawn image (DozorRasterLayer): GTK 4.8
 * has no way to give a widget accessible children of its own, so a screen
 * reader cannot walk the units and incidents on it. Instead the map takes
 * the keyboard focus (Tab or a click), and while it has it the arrow keys
 * go through what is in view: the incidents first, most urgent and oldest
 * first, then the units by call sign; Home and End go to the first and the
 * last. The item reached is selected as a click would select it (its ring
 * on the map, its details, its row in the list) and the map's accessible
 * name becomes the item in words, "Map, 3 of 41 in view: unit Беркут-1,
 * On scene, position 20 s old; for Robbery, incident 20261206-0003",
 * which a screen reader announces as the focused widget's new name.
 *
 * The list of what is in view is made on each key press, not kept: it is
 * one pass over the units with four comparisons each, and the items in
 * view sorted; a person presses a few keys a second, and the map moves and
 * units come and go between presses.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-json.h"
#include "dozor-labels.h"
#include "dozor-map-description.h"
#include "dozor-map-keys.h"

struct _DozorMapKeys
{
  GObject parent_instance;

  DozorMapView *map_view;     /* weak: it owns this */
  DozorSituation *situation;
  gboolean unit;              /* the item the keys go on from: a unit or an incident */
  char *id;
  gboolean moving;            /* the selection is ours */
  gboolean named;             /* the map's name is an item's */
};

G_DEFINE_FINAL_TYPE (DozorMapKeys, dozor_map_keys, G_TYPE_OBJECT)

typedef struct
{
  gboolean unit;
  const char *id;
  const char *call_sign;      /* a unit's */
  gint64 priority;            /* an incident's, 1 first, none last */
  gint64 created;
} Item;

static int
item_compare (gconstpointer a,
              gconstpointer b)
{
  const Item *x = a, *y = b;

  if (x->unit != y->unit)
    return x->unit ? 1 : -1;
  if (x->unit)
    {
      int by_name = g_utf8_collate (x->call_sign, y->call_sign);

      return by_name != 0 ? by_name : g_strcmp0 (x->id, y->id);
    }
  if (x->priority != y->priority)
    return x->priority < y->priority ? -1 : 1;
  if (x->created != y->created)
    return x->created < y->created ? -1 : 1;
  return g_strcmp0 (x->id, y->id);
}

/* What the map shows now, in the order the keys go through it. */
static GArray *
items_in_view (DozorMapKeys *self)
{
  GArray *items = g_array_new (FALSE, FALSE, sizeof (Item));
  GPtrArray *units = dozor_situation_get_units (self->situation);
  g_autoptr(GList) incidents = dozor_situation_get_entities (self->situation, "incident");
  double south, west, north, east;

  dozor_map_view_get_bounds (self->map_view, &south, &west, &north, &east);
  for (GList *l = incidents; l != NULL; l = l->next)
    {
      JsonObject *incident = json_node_get_object (l->data);
      gint64 priority = json_object_get_int_member_with_default (incident, "priority", 0);
      Item item = { FALSE, dozor_json_get_string (incident, "id"), NULL, priority > 0 ? priority : G_MAXINT64,
                    dozor_json_get_time (incident, "created_at") };
      double lat, lon;

      if (item.id != NULL && dozor_incident_get_location (incident, &lat, &lon) &&
          lat >= south && lat <= north && lon >= west && lon <= east)
        g_array_append_val (items, item);
    }
  for (guint i = 0; i < units->len; i++)
    {
      DozorUnit *unit = g_ptr_array_index (units, i);
      Item item = { TRUE, unit->id, unit->call_sign != NULL ? unit->call_sign : "", 0, 0 };

      if (unit->has_fix && unit->lat >= south && unit->lat <= north && unit->lon >= west && unit->lon <= east)
        g_array_append_val (items, item);
    }
  g_array_sort (items, item_compare);
  return items;
}

/* The unit in words, with the incident it is sent to. */
static char *
unit_words (DozorMapKeys *self,
            const char   *unit_id)
{
  JsonObject *dispatch = dozor_situation_get_unit_dispatch (self->situation, unit_id);
  const char *incident_id = dispatch != NULL ? dozor_json_get_string (dispatch, "incident_id") : NULL;
  JsonObject *incident = incident_id != NULL ? dozor_situation_get_entity (self->situation, "incident", incident_id)
                                             : NULL;
  g_autofree char *sentence = dozor_map_description_unit_words (self->situation, unit_id);

  if (sentence == NULL || incident == NULL)
    return g_steal_pointer (&sentence);
  /* Translators: a unit in words ("Беркут-1, On scene, position 20 s old"),
   * then the type of the incident it is sent to and that incident's number */
  return g_strdup_printf (_("%s; for %s, incident %s"), sentence,
                          dozor_incident_type_label (json_object_get_string_member_with_default (incident, "type", "")),
                          json_object_get_string_member_with_default (incident, "number", ""));
}

static void
set_name (DozorMapKeys *self,
          const char   *name)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->map_view), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  g_debug ("Map item: %s", name);
}

/* Where the keys go on from: the item they reached last, or the one a
 * click or a list selected since; -1 when it is not in view. */
static int
current_index (DozorMapKeys *self,
               GArray       *items)
{
  for (guint i = 0; self->id != NULL && i < items->len; i++)
    {
      Item *item = &g_array_index (items, Item, i);

      if (item->unit == self->unit && g_strcmp0 (item->id, self->id) == 0)
        return i;
    }
  return -1;
}

/* Goes @step items on (negative: back), or to the first (G_MININT) or
 * the last (G_MAXINT), around the ends. */
static void
move (DozorMapKeys *self,
      int           step)
{
  g_autoptr(GArray) items = items_in_view (self);
  g_autofree char *words = NULL;
  g_autofree char *name = NULL;
  int n = items->len, at;
  Item *item;

  if (n == 0)
    {
      set_name (self, _("Map: nothing in view"));
      self->named = TRUE;
      return;
    }
  at = current_index (self, items);
  if (step == G_MININT)
    at = 0;
  else if (step == G_MAXINT)
    at = n - 1;
  else if (at < 0)
    at = step > 0 ? 0 : n - 1;
  else
    at = ((at + step) % n + n) % n;
  item = &g_array_index (items, Item, at);

  g_free (self->id);
  self->id = g_strdup (item->id);
  self->unit = item->unit;
  /* Selected as a click selects it: the other kind's selection stays, so
   * that an incident then a unit chosen by the keys can be dispatched. */
  self->moving = TRUE;
  if (item->unit)
    dozor_map_view_select_unit (self->map_view, item->id);
  else
    dozor_map_view_select_incident (self->map_view, item->id);
  self->moving = FALSE;

  words = item->unit ? unit_words (self, item->id)
                     : dozor_map_description_incident_words (self->situation, item->id);
  if (item->unit)
    /* Translators: the map's name for a screen reader while the arrow keys
     * go through what it shows: the unit reached, its place among the
     * items in view, and the unit in words */
    name = g_strdup_printf (_("Map, %d of %d in view: unit %s"), at + 1, n, words != NULL ? words : "");
  else
    /* Translators: as above, for an incident; the incident in words
     * starts with "Incident" */
    name = g_strdup_printf (_("Map, %d of %d in view: %s"), at + 1, n, words != NULL ? words : "");
  set_name (self, name);
  self->named = TRUE;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                DozorMapKeys          *self)
{
  /* Only on the map itself: inside it the zoom buttons have the arrows,
   * and with a modifier a key is a shortcut's. */
  if (!gtk_widget_has_focus (GTK_WIDGET (self->map_view)) ||
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      move (self, 1);
      return GDK_EVENT_STOP;
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      move (self, -1);
      return GDK_EVENT_STOP;
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      move (self, G_MININT);
      return GDK_EVENT_STOP;
    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      move (self, G_MAXINT);
      return GDK_EVENT_STOP;
    default:
      return GDK_EVENT_PROPAGATE;
    }
}

/* A selection made elsewhere (a click, a list): the keys go on from it,
 * and the map's name is the map's again, its description saying what is
 * selected (DozorMapDescription). */
static void
selected_elsewhere (DozorMapKeys *self,
                    gboolean      unit,
                    const char   *id)
{
  if (self->moving)
    return;
  g_free (self->id);
  self->id = g_strdup (id);
  self->unit = unit;
  if (self->named)
    {
      self->named = FALSE;
      set_name (self, _("Map"));
    }
}

static void
unit_selected_cb (DozorMapKeys *self)
{
  selected_elsewhere (self, TRUE, dozor_map_view_get_selected_unit (self->map_view));
}

static void
incident_selected_cb (DozorMapKeys *self)
{
  selected_elsewhere (self, FALSE, dozor_map_view_get_selected_incident (self->map_view));
}

/* For the board's log (and its tests): where the keyboard went, by Tab or a
 * click. */
static void
focus_changed_cb (DozorMapKeys *self)
{
  if (gtk_widget_has_focus (GTK_WIDGET (self->map_view)))
    g_debug ("Map focused");
}

/* A click on the map gives it the keyboard, as on any other widget. */
static void
pressed_cb (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            DozorMapKeys    *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->map_view));
}

static void
dozor_map_keys_dispose (GObject *object)
{
  DozorMapKeys *self = DOZOR_MAP_KEYS (object);

  g_clear_object (&self->situation);
  g_clear_pointer (&self->id, g_free);

  G_OBJECT_CLASS (dozor_map_keys_parent_class)->dispose (object);
}

static void
dozor_map_keys_class_init (DozorMapKeysClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_map_keys_dispose;
}

static void
dozor_map_keys_init (DozorMapKeys *self)
{
}

/**
 * dozor_map_keys_new:
 * @map_view: the map whose items the keys go through; it keeps this
 * @situation: what the map shows
 *
 * Makes the map focusable and gives it the arrow keys, Home and End.
 *
 * Returns: (transfer full): the keys, working until disposed
 */
DozorMapKeys *
dozor_map_keys_new (DozorMapView   *map_view,
                    DozorSituation *situation)
{
  DozorMapKeys *self = g_object_new (DOZOR_TYPE_MAP_KEYS, NULL);
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  self->map_view = map_view;
  self->situation = g_object_ref (situation);
  /* In the Tab chain as well as by a click (DozorMapView's focus step). */
  gtk_widget_set_focusable (GTK_WIDGET (map_view), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (map_view), TRUE);
  g_signal_connect_object (map_view, "notify::has-focus", G_CALLBACK (focus_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (map_view), keys);
  /* Before the layers' own gestures, which claim a press on an item; not
   * claimed here, so they still get it. */
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect_object (click, "pressed", G_CALLBACK (pressed_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (map_view), GTK_EVENT_CONTROLLER (click));
  g_signal_connect_object (map_view, "notify::selected-unit", G_CALLBACK (unit_selected_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (map_view, "notify::selected-incident", G_CALLBACK (incident_selected_cb), self,
                           G_CONNECT_SWAPPED);
  return self;
}
