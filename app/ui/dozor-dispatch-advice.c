/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The road in a dispatch confirmation: how far the chosen unit is from the
 * scene by road and when it would be there, and a warning when an
 * available unit would be there much sooner (DozorDispatchEstimate says
 * what "much" is). The dialog opens at once; the figures are computed in a
 * worker over the board's one road graph and written into it when they
 * are there. While the graph is still being built the dialog says the
 * distance is not yet known, and dispatching is never held up by it.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "dozor-dispatch-advice.h"
#include "dozor-dispatch-estimate.h"
#include "dozor-json.h"
#include "dozor-labels.h"

struct _DozorDispatchAdvice
{
  GObject parent_instance;

  DozorSituation *situation;
  DozorRoadService *roads;
};

G_DEFINE_FINAL_TYPE (DozorDispatchAdvice, dozor_dispatch_advice, G_TYPE_OBJECT)

static void
dozor_dispatch_advice_dispose (GObject *object)
{
  DozorDispatchAdvice *self = DOZOR_DISPATCH_ADVICE (object);

  g_clear_object (&self->situation);
  g_clear_object (&self->roads);

  G_OBJECT_CLASS (dozor_dispatch_advice_parent_class)->dispose (object);
}

static void
dozor_dispatch_advice_class_init (DozorDispatchAdviceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_dispatch_advice_dispose;
}

static void
dozor_dispatch_advice_init (DozorDispatchAdvice *self)
{
}

/**
 * dozor_dispatch_advice_new:
 * @situation: where the units and incidents are
 * @roads: the board's road graph
 *
 * Returns: (transfer full): the advice for the window's confirmations
 */
DozorDispatchAdvice *
dozor_dispatch_advice_new (DozorSituation   *situation,
                           DozorRoadService *roads)
{
  DozorDispatchAdvice *self = g_object_new (DOZOR_TYPE_DISPATCH_ADVICE, NULL);

  self->situation = g_object_ref (situation);
  self->roads = g_object_ref (roads);
  return self;
}

/* The confirmation's text, and the line about the road below it. */
static void
set_road_text (AdwMessageDialog *dialog,
               const char       *road)
{
  const char *body = g_object_get_data (G_OBJECT (dialog), "advice-body");
  g_autofree char *text = g_strconcat (body, "\n\n", road, NULL);

  adw_message_dialog_set_body (dialog, text);
  /* Shown already: presented again so that the window takes the height
   * of its new text (without a window manager it keeps its first one). */
  if (gtk_widget_get_visible (GTK_WIDGET (dialog)))
    gtk_window_present (GTK_WINDOW (dialog));
  /* Tests wait for this line; keep its wording stable. */
  g_debug ("Confirmation road: %s", road);
}

static int
minutes (double seconds)
{
  return MAX (1, (int) ceil (seconds / 60));
}

static void
estimate_in_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  DozorDispatchEstimate *estimate = task_data;
  DozorRoadGraph *graph = g_object_get_data (G_OBJECT (task), "graph");
  GError *error = NULL;

  if (!dozor_dispatch_estimate_compute (estimate, graph, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
estimated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (object);
  DozorDispatchEstimate *estimate = g_task_get_task_data (G_TASK (result));
  g_autoptr(GString) road = g_string_new (NULL);
  const char *closer;
  double distance_m, time_s;

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;
  if (dozor_dispatch_estimate_get_chosen (estimate, &distance_m, &time_s))
    {
      g_autofree char *distance = dozor_format_distance (distance_m);
      g_autofree char *eta = dozor_format_minutes (minutes (time_s));

      /* Translators: the chosen unit's road distance ("1.4 km") and
       * driving time ("4 min") */
      g_string_append_printf (road, _("%s by road, about %s."), distance, eta);
    }
  else
    g_string_append (road, _("No road joins this unit to the scene."));

  closer = dozor_dispatch_estimate_get_closer (estimate, &distance_m, &time_s);
  if (closer != NULL)
    {
      g_autofree char *distance = dozor_format_distance (distance_m);
      g_autofree char *eta = dozor_format_minutes (minutes (time_s));
      g_autofree char *warning = NULL;

      /* Translators: a warning in a dispatch confirmation: another unit,
       * its road distance ("600 m") and its driving time ("2 min") */
      warning = g_strdup_printf (_("%s is available %s away (%s)."), closer, distance, eta);
      g_string_append_printf (road, "\n%s", warning);
      g_debug ("Confirmation warns: %s", warning);
    }
  set_road_text (dialog, road->str);
}

/* Where a unit is, if a current fix says so. */
static gboolean
current_fix (const DozorUnit *unit,
             gint64           now)
{
  return unit->has_fix && now - unit->fix_time <= DOZOR_UNIT_STALE_SECONDS * G_USEC_PER_SEC;
}

/**
 * dozor_dispatch_advice_show:
 * @self: a #DozorDispatchAdvice
 * @dialog: the confirmation, about to be presented
 * @body: its text so far
 * @unit_id: the unit it would send
 * @incident_id: where
 *
 * Adds the road to @dialog's text: at once what is known, the figures when
 * a worker has them.
 */
void
dozor_dispatch_advice_show (DozorDispatchAdvice *self,
                            AdwMessageDialog    *dialog,
                            const char          *body,
                            const char          *unit_id,
                            const char          *incident_id)
{
  DozorUnit *unit = dozor_situation_get_unit (self->situation, unit_id);
  JsonObject *incident = dozor_situation_get_entity (self->situation, "incident", incident_id);
  DozorRoadGraph *graph = dozor_road_service_get_graph (self->roads);
  GPtrArray *units = dozor_situation_get_units (self->situation);
  g_autoptr(DozorDispatchEstimate) estimate = NULL;
  g_autoptr(GTask) task = NULL;
  gint64 now = dozor_situation_get_now (self->situation);
  double lat, lon;

  g_return_if_fail (DOZOR_IS_DISPATCH_ADVICE (self));

  g_object_set_data_full (G_OBJECT (dialog), "advice-body", g_strdup (body), g_free);
  if (unit == NULL || !unit->has_fix || incident == NULL || !dozor_incident_get_location (incident, &lat, &lon))
    {
      set_road_text (dialog, _("Road distance unknown: no position."));
      return;
    }
  if (graph == NULL)
    {
      dozor_road_service_ensure (self->roads);
      set_road_text (dialog, dozor_road_service_get_error (self->roads) != NULL ?
                               _("Road distance unknown: there is no road map.") :
                               _("Road distance not yet known: the road map is still being prepared."));
      return;
    }

  /* Copies for the worker: the chosen unit, and every other available one
   * whose position is current and who is not sent anywhere. */
  estimate = dozor_dispatch_estimate_new (lat, lon);
  dozor_dispatch_estimate_set_chosen (estimate, unit->call_sign, unit->lat, unit->lon);
  for (guint i = 0; i < units->len; i++)
    {
      const DozorUnit *other = units->pdata[i];

      if (other != unit && g_strcmp0 (other->status, "available") == 0 && current_fix (other, now) &&
          dozor_situation_get_unit_dispatch (self->situation, other->id) == NULL)
        dozor_dispatch_estimate_add_available (estimate, other->call_sign, other->lat, other->lon);
    }
  set_road_text (dialog, _("Road distance: computing…"));

  task = g_task_new (dialog, NULL, estimated_cb, NULL);
  g_task_set_source_tag (task, dozor_dispatch_advice_show);
  g_task_set_task_data (task, g_steal_pointer (&estimate), g_object_unref);
  g_object_set_data_full (G_OBJECT (task), "graph", g_object_ref (graph), g_object_unref);
  g_task_run_in_thread (task, estimate_in_thread);
}
