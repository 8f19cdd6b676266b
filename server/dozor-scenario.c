/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Almaty demo scenario inside dozord: patrol cars from DozorSimulator
 * drive the city's roads and report through the same store path as a real
 * tracker, every 5 s, so boards see exactly what they would see live.
 * Like real trackers, each car reports at its own moment of the 5 s: the
 * cars' phases are spread evenly over the period, each fix is stamped when
 * it is made, and every tick (100 ms) stores and publishes the fixes made
 * since the last one, in one transaction with the statuses they cause.
 *
 * Citizens' reports arrive as incidents at about 30 an hour, with a
 * realistic mix of types, at places on the city's roads.
 *
 * A car a supervisor dispatches acknowledges (en route), drives the shortest
 * way to the scene and stops there (dozord's arrival check marks it on
 * scene from its fixes), works 10 to 30 minutes and clears: the
 * incident is closed and the car patrols again. A cancelled dispatch sends
 * it back to patrol at once.
 *
 * The city's eight districts, cut into patrol sectors, are the scenario's
 * zones (see dozor-patrol-plan.c); each sector with roads has a patrol
 * route for the current 12-hour shift, driven by one car. The cars beyond
 * the routes are the reserve, roaming the city. The shift rolls over at
 * 08:00 and 20:00 Almaty time.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "dozor-patrol-plan.h"
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
  GHashTable *index_by_id; /* unit id → simulator unit + 1 */
  GHashTable *answering; /* simulator unit + 1, of units answering a dispatch */
  GArray *reported; /* DozorSimState: what the store last heard of the unit */
  guint tick_id;
  GDateTime *clock; /* dozord's time at the last tick, at any speed */
  double speed;
  gint64 started_us; /* monotonic time of the start */
  gint64 last_stamp_us; /* the time of the last fix made */
  guint64 next_report; /* reports made since the start, of all units */
  double passed; /* scenario seconds the simulator's incidents have seen */
  guint batch_limit; /* reports one tick makes at most */
  DozorPatrolPlan *plan;
  GPtrArray *route_ids; /* char *: the patrol routes the scenario keeps */
  GDateTime *shift_end;
};

/* How often the fixes made since the last tick are stored and published. */
#define TICK_MS 100

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
  g_clear_pointer (&self->index_by_id, g_hash_table_unref);
  g_clear_pointer (&self->answering, g_hash_table_unref);
  g_clear_pointer (&self->reported, g_array_unref);
  g_clear_pointer (&self->clock, g_date_time_unref);
  g_clear_pointer (&self->shift_end, g_date_time_unref);
  g_clear_pointer (&self->route_ids, g_ptr_array_unref);
  g_clear_object (&self->plan);

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
  self->index_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->answering = g_hash_table_new (NULL, NULL);
  self->reported = g_array_new (FALSE, TRUE, sizeof (DozorSimState));
  self->route_ids = g_ptr_array_new_with_free_func (g_free);
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
      g_hash_table_insert (self->index_by_id, id, GUINT_TO_POINTER (i + 1));
    }
  g_array_set_size (self->reported, self->unit_ids->len);

  events = dozor_store_commit (self->store, error);
  if (events == NULL)
    return FALSE;

  dozor_server_publish (self->server, events);
  return TRUE;
}

/* The 12-hour shift that @now falls in, 08:00–20:00 or 20:00–08:00 in
 * Almaty (UTC+5 all year). */
static void
current_shift (GDateTime  *now,
               GDateTime **start,
               GDateTime **end)
{
  g_autoptr(GTimeZone) almaty = g_time_zone_new_offset (5 * 3600);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (now, almaty);
  g_autoptr(GDateTime) morning = g_date_time_new (almaty, g_date_time_get_year (local),
                                                  g_date_time_get_month (local),
                                                  g_date_time_get_day_of_month (local), 8, 0, 0);
  int hour = g_date_time_get_hour (local);

  if (hour >= 8 && hour < 20)
    *start = g_date_time_ref (morning);
  else if (hour >= 20)
    *start = g_date_time_add_hours (morning, 12);
  else
    *start = g_date_time_add_hours (morning, -12);
  *end = g_date_time_add_hours (*start, 12);
}

static void
set_shift_members (JsonObject *object,
                   GDateTime  *start,
                   GDateTime  *end)
{
  g_autofree char *start_text = g_date_time_format_iso8601 (start);
  g_autofree char *end_text = g_date_time_format_iso8601 (end);

  json_object_set_string_member (object, "shift_start", start_text);
  json_object_set_string_member (object, "shift_end", end_text);
}

/* Finds a zone by name under its district, or makes it from the plan. */
static char *
ensure_zone (DozorScenario  *self,
             const char     *kind,
             const char     *parent_id,
             const char     *name,
             const char     *geometry,
             GError        **error)
{
  char *id = dozor_store_find_zone (self->store, parent_id, name);
  g_autoptr(JsonObject) input = NULL;
  g_autoptr(JsonNode) zone = NULL;

  if (id != NULL)
    return id;

  input = json_object_new ();
  json_object_set_string_member (input, "kind", kind);
  json_object_set_string_member (input, "name", name);
  if (parent_id != NULL)
    json_object_set_string_member (input, "parent_id", parent_id);
  json_object_set_member (input, "geometry", json_from_string (geometry, NULL));
  zone = dozor_store_create_zone (self->store, input, error);
  if (zone == NULL)
    return NULL;

  return g_strdup (json_object_get_string_member (json_node_get_object (zone), "id"));
}

/* Districts, sectors and their patrol routes, made once like the units;
 * every route gets the current shift, and its car drives it. */
static gboolean
ensure_zones_and_routes (DozorScenario  *self,
                         GError        **error)
{
  GPtrArray *districts = dozor_patrol_plan_get_districts (self->plan);
  GPtrArray *sectors = dozor_patrol_plan_get_sectors (self->plan);
  g_autoptr(GPtrArray) district_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GDateTime) shift_start = NULL;

  current_shift (self->clock, &shift_start, &self->shift_end);

  if (!dozor_store_begin (self->store, error))
    return FALSE;

  for (guint d = 0; d < districts->len; d++)
    {
      const DozorPlanDistrict *district = districts->pdata[d];
      char *id = ensure_zone (self, "district", NULL, district->name, district->geometry, error);

      if (id == NULL)
        goto failed;
      g_ptr_array_add (district_ids, id);
    }

  for (guint s = 0; s < sectors->len; s++)
    {
      const DozorPlanSector *sector = sectors->pdata[s];
      g_autofree char *sector_id = ensure_zone (self, "sector", district_ids->pdata[sector->district],
                                                sector->name, sector->geometry, error);
      g_autofree char *route_id = NULL;
      g_autoptr(JsonObject) input = json_object_new ();
      g_autoptr(JsonNode) route = NULL;
      guint unit = self->route_ids->len;

      if (sector_id == NULL)
        goto failed;
      if (sector->route == NULL)
        continue;

      set_shift_members (input, shift_start, self->shift_end);
      route_id = dozor_store_find_route (self->store, sector->name);
      if (route_id != NULL)
        {
          route = dozor_store_update_route (self->store, route_id, -1, input, error);
        }
      else
        {
          json_object_set_string_member (input, "name", sector->name);
          json_object_set_string_member (input, "zone_id", sector_id);
          if (unit < self->unit_ids->len)
            json_object_set_string_member (input, "unit_id", self->unit_ids->pdata[unit]);
          json_object_set_member (input, "geometry", json_from_string (sector->route, NULL));
          route = dozor_store_create_route (self->store, input, error);
        }
      if (route == NULL)
        goto failed;

      g_ptr_array_add (self->route_ids,
                       g_strdup (json_object_get_string_member (json_node_get_object (route), "id")));
      /* The demo starts in a shift that began at 08:00 or 20:00: its crews
       * are out on their routes, not driving there from across the city
       * (which dozord would rightly count against them). */
      if (unit < self->unit_ids->len)
        {
          dozor_simulator_set_patrol (self->simulator, unit, sector->waypoints);
          dozor_simulator_place_on_patrol (self->simulator, unit);
        }
    }

  events = dozor_store_commit (self->store, error);
  if (events == NULL)
    return FALSE;

  dozor_server_publish (self->server, events);
  return TRUE;

failed:
  dozor_store_rollback (self->store);
  return FALSE;
}

/* The city's special operating plans (the .geojson files in plans/: points with plan,
 * name, units_needed, kind), made once: through the import, as dozorctl
 * would bring them, only those whose plan is not there yet. */
static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static gboolean
ensure_plans (DozorScenario  *self,
              const char     *city_dir,
              GError        **error)
{
  g_autofree char *dir_path = g_build_filename (city_dir, "plans", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonArray) posts = json_array_new ();
  g_autoptr(JsonObject) input = json_object_new ();
  g_autoptr(JsonNode) imported = NULL;
  g_autoptr(GPtrArray) events = NULL;
  const char *name;

  if (dir == NULL)
    return TRUE;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".geojson"))
      g_ptr_array_add (names, g_build_filename (dir_path, name, NULL));
  g_ptr_array_sort (names, compare_paths);

  for (guint f = 0; f < names->len; f++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonArray *features;

      if (!json_parser_load_from_mapped_file (parser, names->pdata[f], error))
        return FALSE;
      features = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "features");
      for (guint i = 0; features != NULL && i < json_array_get_length (features); i++)
        {
          JsonObject *feature = json_array_get_object_element (features, i);
          JsonObject *properties = json_object_get_object_member (feature, "properties");
          JsonArray *point = json_object_get_array_member (json_object_get_object_member (feature, "geometry"),
                                                           "coordinates");
          JsonObject *post = json_object_new ();
          JsonObject *location = json_object_new ();
          g_autofree char *existing = dozor_store_find_plan (self->store,
                                                             json_object_get_string_member (properties, "plan"));

          if (existing != NULL)
            {
              json_object_unref (post);
              json_object_unref (location);
              continue;
            }
          json_object_set_double_member (location, "lat", json_array_get_double_element (point, 1));
          json_object_set_double_member (location, "lon", json_array_get_double_element (point, 0));
          json_object_set_member (post, "plan", json_node_copy (json_object_get_member (properties, "plan")));
          json_object_set_member (post, "name", json_node_copy (json_object_get_member (properties, "name")));
          json_object_set_member (post, "units_needed",
                                  json_node_copy (json_object_get_member (properties, "units_needed")));
          json_object_set_member (post, "kind", json_node_copy (json_object_get_member (properties, "kind")));
          json_object_set_object_member (post, "location", location);
          json_array_add_object_element (posts, post);
        }
    }
  if (json_array_get_length (posts) == 0)
    return TRUE;

  json_object_set_array_member (input, "posts", json_array_ref (posts));
  if (!dozor_store_begin (self->store, error))
    return FALSE;
  imported = dozor_store_import (self->store, input, error);
  if (imported == NULL)
    {
      dozor_store_rollback (self->store);
      return FALSE;
    }
  events = dozor_store_commit (self->store, error);
  if (events == NULL)
    return FALSE;
  dozor_server_publish (self->server, events);
  return TRUE;
}

/* At 08:00 and 20:00 the next shift takes over the same routes. */
static gboolean
roll_shift (DozorScenario  *self,
            GError        **error)
{
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;

  if (g_date_time_compare (self->clock, self->shift_end) < 0)
    return TRUE;

  current_shift (self->clock, &start, &end);
  for (guint r = 0; r < self->route_ids->len; r++)
    {
      g_autoptr(JsonObject) changes = json_object_new ();
      g_autoptr(JsonNode) route = NULL;

      set_shift_members (changes, start, end);
      route = dozor_store_update_route (self->store, self->route_ids->pdata[r], -1, changes, error);
      if (route == NULL)
        return FALSE;
    }

  g_date_time_unref (self->shift_end);
  self->shift_end = g_steal_pointer (&end);
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
                    : dozor_store_update_incident (self->store, id, -1, changes, NULL, error);
  return changed != NULL;
}

/* A supervisor sent one of the scenario's cars somewhere (or called it
 * back): the crew acknowledges, as a real one would on the radio. Costs
 * the active dispatches, not the units: it runs every tick. */
static gboolean
follow_dispatches (DozorScenario  *self,
                   GError        **error)
{
  g_autoptr(GPtrArray) active = dozor_store_list_active_dispatches (self->store, error);
  g_autoptr(GHashTable) dispatched = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key;

  if (active == NULL)
    return FALSE;
  for (guint d = 0; d < active->len; d++)
    {
      DozorActiveDispatch *dispatch = active->pdata[d];
      gpointer found = g_hash_table_lookup (self->index_by_id, dispatch->unit_id);
      guint i;

      if (found == NULL)
        continue;
      i = GPOINTER_TO_UINT (found) - 1;
      g_hash_table_add (dispatched, found);
      if (g_strcmp0 (self->dispatch_ids->pdata[i], dispatch->dispatch_id) == 0)
        continue;

      /* En route from here, even if the scene is where it stands. */
      g_array_index (self->reported, DozorSimState, i) = DOZOR_SIM_EN_ROUTE;
      /* A post is held until the plan is closed, not worked and left. */
      if (dispatch->incident_id == NULL)
        dozor_simulator_send_to_post (self->simulator, i, dispatch->lat, dispatch->lon);
      else
        dozor_simulator_send_to (self->simulator, i, dispatch->lat, dispatch->lon);
      g_free (self->dispatch_ids->pdata[i]);
      g_free (self->incident_ids->pdata[i]);
      self->dispatch_ids->pdata[i] = g_strdup (dispatch->dispatch_id);
      self->incident_ids->pdata[i] = g_strdup (dispatch->incident_id);
      g_hash_table_add (self->answering, found);
      if (!set_status (self, TRUE, self->unit_ids->pdata[i], "en_route", error))
        return FALSE;
    }

  g_hash_table_iter_init (&iter, self->answering);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint i = GPOINTER_TO_UINT (key) - 1;

      if (g_hash_table_contains (dispatched, key))
        continue;
      dozor_simulator_release (self->simulator, i);
      g_clear_pointer (&self->dispatch_ids->pdata[i], g_free);
      g_clear_pointer (&self->incident_ids->pdata[i], g_free);
      g_array_index (self->reported, DozorSimState, i) = DOZOR_SIM_PATROL;
      g_hash_table_iter_remove (&iter);
    }

  return TRUE;
}

/* A clearance in the unit's last report closes the incident, which frees
 * the unit. An arrival is not reported: the car stops at the scene, and
 * dozord finds it there in the fixes as it would a real tracker's. */
static gboolean
report_progress (DozorScenario  *self,
                 guint           i,
                 GError        **error)
{
  DozorSimState now = dozor_simulator_get_state (self->simulator, i);
  const char *incident = self->incident_ids->pdata[i];

  if (incident == NULL || g_array_index (self->reported, DozorSimState, i) == now)
    return TRUE;
  g_array_index (self->reported, DozorSimState, i) = now;

  if (now == DOZOR_SIM_PATROL)
    {
      if (!set_status (self, FALSE, incident, "closed", error))
        return FALSE;
      g_clear_pointer (&self->dispatch_ids->pdata[i], g_free);
      g_clear_pointer (&self->incident_ids->pdata[i], g_free);
      g_hash_table_remove (self->answering, GUINT_TO_POINTER (i + 1));
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

/* Seconds after the start at which report @k of all units is due: unit
 * k mod N, in its round k / N, at its own phase of the period. */
static double
report_time (DozorScenario *self,
             guint64        k)
{
  guint n = self->unit_ids->len;

  return (double) (k / n) * DOZOR_SIMULATOR_REPORT_SECONDS +
         (double) (k % n) * DOZOR_SIMULATOR_REPORT_SECONDS / n;
}

/* Every fix is dated on dozord's own clock when it is made, as a real
 * tracker dates it: the clock that dates the incidents, dispatches and
 * statuses, and that staleness, gaps, compliance and replay assume. Sped
 * up, the city moves faster; the clock does not run ahead
 * (docs/decisions.md, "One clock for the demo"). A microsecond apart at
 * least, so that a car's two fixes of one tick keep their order. */
static char *
stamp (DozorScenario *self)
{
  gint64 us = MAX (g_get_real_time (), self->last_stamp_us + 1);
  g_autoptr(GDateTime) second = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) time = g_date_time_add (second, us % G_USEC_PER_SEC);

  self->last_stamp_us = us;
  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%S.%fZ");
}

static void
add_fix (DozorScenario *self,
         JsonArray     *positions,
         guint          i)
{
  JsonObject *position = json_object_new ();
  g_autofree char *time = stamp (self);
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

/* The reports due since the last tick, at most twice a tick's share: a
 * machine too slow for the city lets the reports fall behind (each still
 * stamped when made) rather than hold the main loop, and its HTTP
 * clients, for a whole round of all units. Returns the scenario time
 * reached. */
static double
make_fixes (DozorScenario *self,
            JsonArray     *positions,
            GArray        *stepped)
{
  double now = (g_get_monotonic_time () - self->started_us) / (double) G_USEC_PER_SEC * self->speed;
  guint n = self->unit_ids->len;
  guint64 last = self->next_report + self->batch_limit;

  for (; self->next_report < last && report_time (self, self->next_report) <= now; self->next_report++)
    {
      guint64 k = self->next_report;
      guint i = (guint) (k % n);
      /* A unit's first report drives it from the start to its phase. */
      double seconds = k >= n ? DOZOR_SIMULATOR_REPORT_SECONDS : report_time (self, k);

      dozor_simulator_step_unit (self->simulator, i, seconds);
      add_fix (self, positions, i);
      g_array_append_val (stepped, i);
    }

  if (self->next_report == last)
    return report_time (self, last - 1);
  return now;
}

static void
advance_clock (DozorScenario *self,
               double         reached)
{
  if (reached > self->passed)
    {
      dozor_simulator_pass_time (self->simulator, reached - self->passed);
      self->passed = reached;
    }
  /* The shifts roll over by dozord's clock too, at any speed. */
  g_date_time_unref (self->clock);
  self->clock = g_date_time_new_now_utc ();
}

static gboolean
tick_cb (gpointer user_data)
{
  DozorScenario *self = user_data;
  g_autoptr(JsonArray) positions = json_array_new ();
  g_autoptr(GArray) stepped = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (!dozor_store_begin (self->store, &error) || !follow_dispatches (self, &error))
    {
      dozor_store_rollback (self->store);
      g_warning ("Scenario step not stored: %s", error->message);
      return G_SOURCE_CONTINUE;
    }

  advance_clock (self, make_fixes (self, positions, stepped));

  ok = json_array_get_length (positions) == 0 ||
       dozor_store_add_positions (self->store, positions, &error) > 0 || error == NULL;
  for (guint s = 0; ok && s < stepped->len; s++)
    ok = report_progress (self, g_array_index (stepped, guint, s), &error);
  if (!ok || !add_incidents (self, &error) || !roll_shift (self, &error))
    {
      dozor_store_rollback (self->store);
      g_warning ("Scenario step not stored: %s", error->message);
      return G_SOURCE_CONTINUE;
    }

  events = dozor_store_commit (self->store, &error);
  if (events == NULL)
    g_warning ("Scenario positions not stored: %s", error->message);
  else if (events->len > 0)
    dozor_server_publish (self->server, events);

  return G_SOURCE_CONTINUE;
}

/**
 * dozor_scenario_new:
 * @store: the store
 * @server: the server whose stream clients see the scenario
 * @city_dir: the city's roads.geojson, districts.geojson and the plans in plans/
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
                    const char   *city_dir,
                    guint32       seed,
                    guint         n_units,
                    double        incidents_per_hour,
                    GError      **error)
{
  g_autoptr(DozorScenario) self = g_object_new (DOZOR_TYPE_SCENARIO, NULL);
  g_autofree char *streets_path = g_build_filename (city_dir, "roads.geojson", NULL);
  g_autofree char *districts_path = g_build_filename (city_dir, "districts.geojson", NULL);
  g_autoptr(DozorStreetMap) streets = dozor_street_map_new_from_file (streets_path, NULL, error);
  g_autoptr(DozorRoadGraph) graph = NULL;

  if (streets == NULL)
    return NULL;

  graph = dozor_road_graph_new (streets);
  self->plan = dozor_patrol_plan_new (districts_path, graph, seed, error);
  if (self->plan == NULL)
    return NULL;

  self->store = g_object_ref (store);
  self->server = g_object_ref (server);
  self->clock = g_date_time_new_now_utc ();
  self->simulator = dozor_simulator_new (graph, seed, n_units);
  dozor_simulator_set_incident_rate (self->simulator, incidents_per_hour);

  if (!ensure_units (self, error) || !ensure_zones_and_routes (self, error) || !ensure_plans (self, city_dir, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * dozor_scenario_start:
 * @self: a #DozorScenario
 * @speed: 1 for real time; more runs the city that many times faster
 */
void
dozor_scenario_start (DozorScenario *self,
                      double         speed)
{
  guint interval;

  g_return_if_fail (self->tick_id == 0);
  g_return_if_fail (speed >= 1);

  self->speed = speed;
  self->started_us = g_get_monotonic_time ();
  /* Small batches: a tick of 100 ms, or a whole period when sped up past
   * that, as before. */
  interval = MAX (1, MIN (TICK_MS, DOZOR_SIMULATOR_REPORT_SECONDS * 1000 / speed));
  self->batch_limit = (guint) MAX (1, ceil (2 * self->unit_ids->len * speed * interval /
                                            (DOZOR_SIMULATOR_REPORT_SECONDS * 1000)));
  self->tick_id = g_timeout_add (interval, tick_cb, self);
}
