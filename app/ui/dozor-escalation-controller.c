/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Incidents that wait too long unassigned, and units on scene too long,
 * escalate on a desk everywhere they appear: the row of the queue or the
 * unit list, the map's symbol and a count in the header ("2 overdue"). The limits are the
 * settings' (incident-wait-limits per priority, on-scene-long); the rule is
 * the library's (DozorEscalation), the wall's too.
 *
 * Time alone makes an incident overdue, with no event from the backend: the
 * controller looks again when the next incident or unit falls due, and at
 * least every REFRESH_S seconds, as well as whenever incidents or
 * dispatches change. One evaluation compares a few numbers per open
 * incident and dispatch: cheap enough for the main thread.
 *
 * A wall marks by its own measure (late: nobody on scene yet, in its
 * keyfile's limits): on a wall board this controller marks nothing.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-escalation.h"
#include "dozor-escalation-controller.h"
#include "dozor-json.h"

#define REFRESH_S 15
/* Units report many times a second; their status is looked at no more
 * often than this. */
#define UNITS_THROTTLE_MS 1000

struct _DozorEscalationController
{
  GObject parent_instance;

  DozorSituation *situation;
  GSettings *settings;
  DozorMapView *map_view;
  DozorSituationList *incident_list;
  DozorSituationList *unit_list;
  GtkWidget *button;
  GtkLabel *label;

  DozorEscalation rule;
  GHashTable *overdue;        /* incident id → itself */
  GHashTable *long_on_scene;  /* unit id → itself */
  char *longest;              /* the incident overdue the longest */
  guint timer_id;
  guint units_id;
  gboolean wall;
};

G_DEFINE_FINAL_TYPE (DozorEscalationController, dozor_escalation_controller, G_TYPE_OBJECT)

static void evaluate (DozorEscalationController *self);

/* The settings' limits, or the defaults where they make no sense: an
 * incident must never escalate later because of a typing error. */
static void
read_rule (DozorEscalationController *self)
{
  g_autoptr(GVariant) limits = g_settings_get_value (self->settings, "incident-wait-limits");
  const gint32 *seconds;
  gsize n;
  gboolean valid;

  dozor_escalation_init_defaults (&self->rule);
  seconds = g_variant_get_fixed_array (limits, &n, sizeof (gint32));
  valid = n == DOZOR_ESCALATION_PRIORITIES;
  for (gsize i = 0; valid && i < n; i++)
    valid = seconds[i] >= 10 && seconds[i] <= 86400 && (i == 0 || seconds[i] >= seconds[i - 1]);
  if (valid)
    for (gsize i = 0; i < n; i++)
      self->rule.wait_limit_s[i] = seconds[i];
  else
    g_warning ("incident-wait-limits must be four seconds from 10 to 86400, growing; the defaults hold");
  self->rule.on_scene_long_s = g_settings_get_int (self->settings, "on-scene-long");
}

static gboolean
timer_cb (gpointer user_data)
{
  DozorEscalationController *self = user_data;

  self->timer_id = 0;
  evaluate (self);
  return G_SOURCE_REMOVE;
}

static gboolean
same_keys (GHashTable *a,
           GHashTable *b)
{
  GHashTableIter iter;
  gpointer key;

  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (b, key))
      return FALSE;
  return TRUE;
}

static void
show_count (DozorEscalationController *self)
{
  guint n_overdue = g_hash_table_size (self->overdue);
  guint n_long = g_hash_table_size (self->long_on_scene);
  g_autofree char *overdue = NULL;
  g_autofree char *on_scene = NULL;
  g_autofree char *text = NULL;

  /* Translators: in the header, incidents waiting longer than allowed */
  overdue = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u overdue", "%u overdue", n_overdue), n_overdue);
  /* Translators: in the header, units on scene longer than allowed */
  on_scene = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u long on scene", "%u long on scene", n_long), n_long);
  if (n_overdue > 0 && n_long > 0)
    text = g_strdup_printf ("%s · %s", overdue, on_scene);
  else
    text = g_strdup (n_overdue > 0 ? overdue : on_scene);
  gtk_label_set_text (self->label, text);
  gtk_widget_set_visible (self->button, n_overdue > 0 || n_long > 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static void
evaluate (DozorEscalationController *self)
{
  gint64 now = dozor_situation_get_now (self->situation);
  gint64 next = now + REFRESH_S * G_USEC_PER_SEC, longest_created = G_MAXINT64;
  g_autoptr(GList) incidents = dozor_situation_get_entities (self->situation, "incident");
  g_autoptr(GList) dispatches = dozor_situation_get_entities (self->situation, "dispatch");
  g_autoptr(GHashTable) overdue = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) long_on_scene = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) escalated = g_ptr_array_new ();
  g_autoptr(GPtrArray) stayed = g_ptr_array_new ();
  const char *longest = NULL;

  for (GList *l = self->wall ? NULL : incidents; l != NULL; l = l->next)
    {
      JsonObject *incident = json_node_get_object (l->data);
      const char *id = json_object_get_string_member_with_default (incident, "id", "");
      const char *status = json_object_get_string_member_with_default (incident, "status", "");
      gint64 priority = json_object_get_int_member_with_default (incident, "priority", 0);
      gint64 created = dozor_json_get_time (incident, "created_at");

      if (dozor_escalation_incident_overdue (&self->rule, priority, status, created, now))
        {
          g_hash_table_add (overdue, g_strdup (id));
          if (!g_hash_table_contains (self->overdue, id))
            g_ptr_array_add (escalated, (gpointer) id);
          if (created < longest_created)
            {
              longest_created = created;
              longest = id;
            }
        }
      else if (g_str_equal (status, "new") && dozor_escalation_due_at (&self->rule, priority, created) > 0)
        next = MIN (next, dozor_escalation_due_at (&self->rule, priority, created) + 1);
    }

  for (GList *l = self->wall ? NULL : dispatches; l != NULL; l = l->next)
    {
      JsonObject *dispatch = json_node_get_object (l->data);
      const char *unit_id = json_object_get_string_member_with_default (dispatch, "unit_id", "");
      DozorUnit *unit = dozor_situation_get_unit (self->situation, unit_id);
      JsonObject *incident = dozor_situation_get_entity (self->situation, "incident",
                                                         json_object_get_string_member_with_default (dispatch, "incident_id", ""));
      gint64 since;

      if (unit == NULL || g_strcmp0 (unit->status, "on_scene") != 0 ||
          (since = dozor_escalation_on_scene_since (dispatch, incident)) == 0)
        continue;
      if (dozor_escalation_is_long_on_scene (&self->rule, now - since))
        {
          g_hash_table_add (long_on_scene, g_strdup (unit_id));
          if (!g_hash_table_contains (self->long_on_scene, unit_id))
            g_ptr_array_add (stayed, (gpointer) unit_id);
        }
      else
        next = MIN (next, since + self->rule.on_scene_long_s * G_USEC_PER_SEC + 1);
    }

  g_free (self->longest);
  self->longest = g_strdup (longest);
  if (!same_keys (overdue, self->overdue) || !same_keys (long_on_scene, self->long_on_scene))
    {
      /* Tests wait for this line; keep its wording stable. */
      g_debug ("Escalation: %u overdue, %u long on scene", g_hash_table_size (overdue),
               g_hash_table_size (long_on_scene));
      g_ptr_array_add (escalated, NULL);
      g_ptr_array_add (stayed, NULL);
      dozor_map_view_set_escalated (self->map_view, overdue, long_on_scene, (const char *const *) escalated->pdata,
                                    (const char *const *) stayed->pdata);
      dozor_situation_list_set_escalated (self->incident_list, overdue);
      dozor_situation_list_set_escalated (self->unit_list, long_on_scene);
      g_hash_table_unref (self->overdue);
      g_hash_table_unref (self->long_on_scene);
      self->overdue = g_steal_pointer (&overdue);
      self->long_on_scene = g_steal_pointer (&long_on_scene);
      show_count (self);
    }

  g_clear_handle_id (&self->timer_id, g_source_remove);
  self->timer_id = g_timeout_add ((guint) CLAMP ((next - now) / 1000, 1, REFRESH_S * 1000), timer_cb, self);
}

static gboolean
units_cb (gpointer user_data)
{
  DozorEscalationController *self = user_data;

  self->units_id = 0;
  evaluate (self);
  return G_SOURCE_REMOVE;
}

static void
situation_changed_cb (DozorEscalationController *self,
                      guint                      what)
{
  if (what & DOZOR_SITUATION_INCIDENTS)
    evaluate (self);
  else if (what & DOZOR_SITUATION_UNITS && self->units_id == 0 &&
           dozor_situation_get_n_entities (self->situation, "dispatch") > 0)
    self->units_id = g_timeout_add (UNITS_THROTTLE_MS, units_cb, self);
}

static void
settings_changed_cb (DozorEscalationController *self)
{
  read_rule (self);
  evaluate (self);
}

/* The header's count, pressed: the incident overdue the longest. */
static void
button_clicked_cb (DozorEscalationController *self)
{
  if (self->longest != NULL)
    dozor_map_view_select_incident (self->map_view, self->longest);
}

static void
dozor_escalation_controller_dispose (GObject *object)
{
  DozorEscalationController *self = DOZOR_ESCALATION_CONTROLLER (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_handle_id (&self->units_id, g_source_remove);
  g_clear_object (&self->situation);
  g_clear_object (&self->settings);
  g_clear_object (&self->map_view);
  g_clear_object (&self->incident_list);
  g_clear_object (&self->unit_list);
  g_clear_object (&self->button);

  G_OBJECT_CLASS (dozor_escalation_controller_parent_class)->dispose (object);
}

static void
dozor_escalation_controller_finalize (GObject *object)
{
  DozorEscalationController *self = DOZOR_ESCALATION_CONTROLLER (object);

  g_hash_table_unref (self->overdue);
  g_hash_table_unref (self->long_on_scene);
  g_free (self->longest);

  G_OBJECT_CLASS (dozor_escalation_controller_parent_class)->finalize (object);
}

static void
dozor_escalation_controller_class_init (DozorEscalationControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dozor_escalation_controller_dispose;
  object_class->finalize = dozor_escalation_controller_finalize;
}

static void
dozor_escalation_controller_init (DozorEscalationController *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  self->overdue = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->long_on_scene = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* An icon and words, not a colour alone, for high contrast. */
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("dialog-warning-symbolic"));
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->label));
  self->button = g_object_ref_sink (gtk_button_new ());
  gtk_button_set_child (GTK_BUTTON (self->button), box);
  gtk_widget_add_css_class (self->button, "escalation-count");
  gtk_widget_set_tooltip_text (self->button, _("Show the incident waiting longest unassigned"));
  gtk_widget_set_visible (self->button, FALSE);
  g_signal_connect_object (self->button, "clicked", G_CALLBACK (button_clicked_cb), self, G_CONNECT_SWAPPED);
}

/**
 * dozor_escalation_controller_new:
 * @situation: the incidents and units to watch
 * @settings: the board's settings, for the limits
 * @map_view: where overdue incidents and units are drawn
 * @incident_list: the queue whose rows are marked
 * @unit_list: the list of units whose rows are marked
 *
 * Returns: (transfer full): a controller; put its button in the header
 */
DozorEscalationController *
dozor_escalation_controller_new (DozorSituation    *situation,
                                 GSettings         *settings,
                                 DozorMapView      *map_view,
                                 DozorIncidentList *incident_list,
                                 DozorUnitList     *unit_list)
{
  DozorEscalationController *self = g_object_new (DOZOR_TYPE_ESCALATION_CONTROLLER, NULL);

  self->situation = g_object_ref (situation);
  self->settings = g_object_ref (settings);
  self->map_view = g_object_ref (map_view);
  self->incident_list = g_object_ref (DOZOR_SITUATION_LIST (incident_list));
  self->unit_list = g_object_ref (DOZOR_SITUATION_LIST (unit_list));
  read_rule (self);
  g_signal_connect_object (situation, "changed", G_CALLBACK (situation_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::incident-wait-limits", G_CALLBACK (settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::on-scene-long", G_CALLBACK (settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  evaluate (self);
  return self;
}

GtkWidget *
dozor_escalation_controller_get_button (DozorEscalationController *self)
{
  g_return_val_if_fail (DOZOR_IS_ESCALATION_CONTROLLER (self), NULL);

  return self->button;
}

/**
 * dozor_escalation_controller_set_wall:
 * @self: a #DozorEscalationController
 * @wall: whether the board is a wall, which marks by its own measure
 */
void
dozor_escalation_controller_set_wall (DozorEscalationController *self,
                                      gboolean                   wall)
{
  g_return_if_fail (DOZOR_IS_ESCALATION_CONTROLLER (self));

  self->wall = wall;
  evaluate (self);
}
