/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Almaty demo scenario inside dozord: patrol cars from DozorSimulator
 * drive the city's roads and report through the same store path as a real
 * tracker, every 5 s, so boards see exactly what they would see live.
 *
 * Citizens' reports arrive as incidents at about 30 an hour, with a
 * realistic mix of types, at places on the city's roads.
 *
 * A car a supervisor dispatches acknowledges (en route), drives the shortest
 * way to the scene, reports on scene, works 10 to 30 minutes and clears: the
 * incident is closed and the car patrols again. A cancelled dispatch sends
 * it back to patrol at once.
 *
 * Still to come: districts and patrol sectors, routes.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-road-graph.h"
#include "dozor-scenario.h"
#include "dozor-simulator.h"

struct _DozorScenario
{
  GObject parent_instance;

  DozorStore *store;
  DozorServer *server;
  DozorSimulator *simulator;
  GPtrArray *unit_ids; /* char *, by simulator unit */
  GPtrArray *dispatch_ids; /* char * or NULL: the dispatch a unit answers */
  GPtrArray *incident_ids; /* char * or NULL: where to */
  GArray *states; /* DozorSimState before the step */
  guint tick_id;
};

G_DEFINE_FINAL_TYPE (DozorScenario, dozor_scenario, G_TYPE_OBJECT)

static void
dozor_scenario_dispose (GObject *object)
{
  DozorScenario *self = (DozorScenario *)object;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_object (&self->simulator);
  g_clear_object (&self->store);
  g_clear_object (&self->server);
  g_clear_pointer (&self->unit_ids, g_ptr_array_unref);
  g_clear_pointer (&self->dispatch_ids, g_ptr_array_unref);
  g_clear_pointer (&self->incident_ids, g_ptr_array_unref);
  g_clear_pointer (&self->states, g_array_unref);

  G_OBJECT_CLASS (dozor_scenario_parent_class)->dispose (object);
}

static void
dozor_scenario_class_init (DozorScenarioClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_scenario_dispose;
}

static void
dozor_scenario_init (DozorScenario *self)
{
  self->unit_ids = g_ptr_array_new_with_free_func (g_free);
  self->dispatch_ids = g_ptr_array_new_with_free_func (g_free);
  self->incident_ids = g_ptr_array_new_with_free_func (g_free);
  self->states = g_array_new (FALSE, TRUE, sizeof (DozorSimState));
}

/* The scenario's units, made once: a restart with the same database finds
 * them by call sign and drives them on. */
static gboolean
ensure_units (DozorScenario  *self,
              GError        **error)
{
  g_autoptr(GPtrArray) events = NULL;

  if (!dozor_store_begin (self->store, error))
    return FALSE;

  for (guint i = 0; i < dozor_simulator_get_n_units (self->simulator); i++)
    {
      const char *call_sign = dozor_simulator_get_call_sign (self->simulator, i);
      char *id = dozor_store_find_unit (self->store, call_sign);

      if (id == NULL)
        {
          g_autoptr(JsonObject) input = json_object_new ();
          g_autoptr(JsonNode) unit = NULL;

          json_object_set_string_member (input, "call_sign", call_sign);
          json_object_set_string_member (input, "kind", "car");
          unit = dozor_store_create_unit (self->store, input, error);
          if (unit == NULL)
            {
              dozor_store_rollback (self->store);
              return FALSE;
            }
          id = g_strdup (json_object_get_string_member (json_node_get_object (unit), "id"));
        }

      g_ptr_array_add (self->unit_ids, id);
      g_ptr_array_add (self->dispatch_ids, NULL);
      g_ptr_array_add (self->incident_ids, NULL);
    }
  g_array_set_size (self->states, self->unit_ids->len);

  events = dozor_store_commit (self->store, error);
  if (events == NULL)
    return FALSE;

  dozor_server_publish (self->server, events);
  return TRUE;
}

static gboolean
set_status (DozorScenario  *self,
            gboolean        is_unit,
            const char     *id,
            const char     *status,
            GError        **error)
{
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonNode) changed = NULL;

  json_object_set_string_member (changes, "status", status);
  changed = is_unit ? dozor_store_update_unit (self->store, id, -1, changes, error)
                    : dozor_store_update_incident (self->store, id, -1, changes, error);
  return changed != NULL;
}

/* A supervisor sent one of the scenario's cars somewhere (or called it
 * back): the crew acknowledges, as a real one would on the radio. */
static gboolean
follow_dispatches (DozorScenario  *self,
                   GError        **error)
{
  g_autoptr(GPtrArray) active = dozor_store_list_active_dispatches (self->store, error);
  g_autoptr(GHashTable) by_unit = g_hash_table_new (g_str_hash, g_str_equal);

  if (active == NULL)
    return FALSE;
  for (guint i = 0; i < active->len; i++)
    {
      DozorActiveDispatch *dispatch = active->pdata[i];

      g_hash_table_insert (by_unit, dispatch->unit_id, dispatch);
    }

  for (guint i = 0; i < self->unit_ids->len; i++)
    {
      DozorActiveDispatch *dispatch = g_hash_table_lookup (by_unit, self->unit_ids->pdata[i]);
      const char *answering = self->dispatch_ids->pdata[i];

      g_array_index (self->states, DozorSimState, i) = dozor_simulator_get_state (self->simulator, i);

      if (dispatch != NULL && g_strcmp0 (answering, dispatch->dispatch_id) != 0)
        {
          /* En route from here, even if the scene is where it stands. */
          g_array_index (self->states, DozorSimState, i) = DOZOR_SIM_EN_ROUTE;
          dozor_simulator_send_to (self->simulator, i, dispatch->lat, dispatch->lon);
          g_free (self->dispatch_ids->pdata[i]);
          g_free (self->incident_ids->pdata[i]);
          self->dispatch_ids->pdata[i] = g_strdup (dispatch->dispatch_id);
          self->incident_ids->pdata[i] = g_strdup (dispatch->incident_id);
          if (!set_status (self, TRUE, self->unit_ids->pdata[i], "en_route", error))
            return FALSE;
        }
      else if (dispatch == NULL && answering != NULL)
        {
          dozor_simulator_release (self->simulator, i);
          g_clear_pointer (&self->dispatch_ids->pdata[i], g_free);
          g_clear_pointer (&self->incident_ids->pdata[i], g_free);
          g_array_index (self->states, DozorSimState, i) = DOZOR_SIM_PATROL;
        }
    }

  return TRUE;
}

/* Arrivals and clearances during the step become the statuses the board
 * shows; a cleared incident is closed, which frees the unit. */
static gboolean
report_progress (DozorScenario  *self,
                 GError        **error)
{
  for (guint i = 0; i < self->unit_ids->len; i++)
    {
      DozorSimState before = g_array_index (self->states, DozorSimState, i);
      DozorSimState now = dozor_simulator_get_state (self->simulator, i);
      const char *incident = self->incident_ids->pdata[i];

      if (incident == NULL || before == now)
        continue;

      if (now == DOZOR_SIM_ON_SCENE)
        {
          if (!set_status (self, TRUE, self->unit_ids->pdata[i], "on_scene", error) ||
              !set_status (self, FALSE, incident, "on_scene", error))
            return FALSE;
        }
      else if (now == DOZOR_SIM_PATROL)
        {
          if (!set_status (self, FALSE, incident, "closed", error))
            return FALSE;
          g_clear_pointer (&self->dispatch_ids->pdata[i], g_free);
          g_clear_pointer (&self->incident_ids->pdata[i], g_free);
        }
    }

  return TRUE;
}

/* Citizens' reports that came in during the step, registered as an operator
 * would register them. */
static gboolean
add_incidents (DozorScenario  *self,
               GError        **error)
{
  const char *type;
  int priority;
  double lat, lon;

  while (dozor_simulator_next_incident (self->simulator, &type, &priority, &lat, &lon))
    {
      g_autoptr(JsonObject) input = json_object_new ();
      JsonObject *location = json_object_new ();
      g_autoptr(JsonNode) incident = NULL;

      json_object_set_double_member (location, "lat", lat);
      json_object_set_double_member (location, "lon", lon);
      json_object_set_string_member (input, "type", type);
      json_object_set_int_member (input, "priority", priority);
      json_object_set_object_member (input, "location", location);
      incident = dozor_store_create_incident (self->store, input, error);
      if (incident == NULL)
        return FALSE;
    }

  return TRUE;
}

static gboolean
tick_cb (gpointer user_data)
{
  DozorScenario *self = user_data;
  g_autoptr(JsonArray) positions = json_array_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;

  if (!dozor_store_begin (self->store, &error) || !follow_dispatches (self, &error))
    {
      dozor_store_rollback (self->store);
      g_warning ("Scenario step not stored: %s", error->message);
      return G_SOURCE_CONTINUE;
    }

  dozor_simulator_step (self->simulator, DOZOR_SIMULATOR_REPORT_SECONDS);

  for (guint i = 0; i < self->unit_ids->len; i++)
    {
      JsonObject *position = json_object_new ();
      double lat, lon, speed, heading;

      dozor_simulator_get_fix (self->simulator, i, &lat, &lon, &speed, &heading);
      json_object_set_string_member (position, "unit_id", self->unit_ids->pdata[i]);
      json_object_set_double_member (position, "lat", lat);
      json_object_set_double_member (position, "lon", lon);
      json_object_set_string_member (position, "time", time);
      json_object_set_double_member (position, "speed", speed);
      json_object_set_double_member (position, "heading", heading);
      json_object_set_double_member (position, "accuracy", 5.0);
      json_array_add_object_element (positions, position);
    }

  if ((dozor_store_add_positions (self->store, positions, &error) == 0 && error != NULL) ||
      !report_progress (self, &error) ||
      !add_incidents (self, &error))
    {
      dozor_store_rollback (self->store);
      g_warning ("Scenario step not stored: %s", error->message);
      return G_SOURCE_CONTINUE;
    }

  events = dozor_store_commit (self->store, &error);
  if (events == NULL)
    g_warning ("Scenario positions not stored: %s", error->message);
  else
    dozor_server_publish (self->server, events);

  return G_SOURCE_CONTINUE;
}

/**
 * dozor_scenario_new:
 * @store: the store
 * @server: the server whose stream clients see the scenario
 * @streets_path: the city's roads (GeoJSON)
 * @seed: the same seed drives the same city
 * @n_units: how many patrol cars
 * @incidents_per_hour: how many citizens' reports arrive per hour
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the scenario, its units in the store
 */
DozorScenario *
dozor_scenario_new (DozorStore   *store,
                    DozorServer  *server,
                    const char   *streets_path,
                    guint32       seed,
                    guint         n_units,
                    double        incidents_per_hour,
                    GError      **error)
{
  g_autoptr(DozorScenario) self = g_object_new (DOZOR_TYPE_SCENARIO, NULL);
  g_autoptr(DozorStreetMap) streets = dozor_street_map_new_from_file (streets_path, NULL, error);
  g_autoptr(DozorRoadGraph) graph = NULL;

  if (streets == NULL)
    return NULL;

  graph = dozor_road_graph_new (streets);
  self->store = g_object_ref (store);
  self->server = g_object_ref (server);
  self->simulator = dozor_simulator_new (graph, seed, n_units);
  dozor_simulator_set_incident_rate (self->simulator, incidents_per_hour);

  if (!ensure_units (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

void
dozor_scenario_start (DozorScenario *self)
{
  g_return_if_fail (self->tick_id == 0);

  self->tick_id = g_timeout_add ((guint) (DOZOR_SIMULATOR_REPORT_SECONDS * 1000), tick_cb, self);
}
