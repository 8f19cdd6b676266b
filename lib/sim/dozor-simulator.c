/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Patrol cars driving the city's real roads, for the demo scenario and for
 * tests that need moving units. A unit with a patrol route drives its loop
 * of waypoints by the shortest ways; one without drives to a random
 * junction of the connected road network, then picks another. Fixes
 * carry GPS noise. Everything random comes from one GRand seeded by the
 * caller, so a seed replays the same city.
 */
#include "config.h"

#include <math.h>

#include "dozor-geo.h"
#include "dozor-simulator.h"

/* Standard deviation of a consumer GPS fix in a city, metres. */
#define GPS_NOISE_M 4.0

/* How far a reserve car roams from where it is, at most, to its next
 * junction: a shortest way that ends within it explores only that part of
 * the city, which keeps 50,000 cars' routes affordable (a way across the
 * whole city costs milliseconds). */
#define ROAM_RADIUS_M 2000.0

/* Draws for a junction within the radius before taking any. */
#define ROAM_DRAWS 64

/* Metres per degree of latitude on the mean sphere. */
#define METRES_PER_DEGREE (DOZOR_GEO_EARTH_RADIUS_M * G_PI / 180.0)

typedef struct
{
  char *call_sign;
  GArray *route;   /* node ids */
  guint leg;       /* the route's edge being driven: route[leg] → route[leg + 1] */
  double along_m;  /* metres driven along that edge */
  double cruise;   /* this crew's usual speed, m/s */
  double lat, lon, speed, heading; /* the last fix */
  DozorSimState state;
  double work_left; /* seconds at the scene */
  gboolean stays;   /* at a post: on scene until released */
  GArray *patrol;   /* (nullable) waypoints of the unit's patrol loop */
  guint next_waypoint;
} SimUnit;

struct _DozorSimulator
{
  GObject parent_instance;

  DozorRoadGraph *graph;
  GRand *rand;
  GArray *units; /* SimUnit */

  /* Reports come from their own stream of chance, so that adding them did
   * not change where a seed's cars drive. */
  GRand *incident_rand;
  double incidents_per_hour;
  double until_next_incident; /* seconds */
  guint incidents_due;
};

G_DEFINE_FINAL_TYPE (DozorSimulator, dozor_simulator, G_TYPE_OBJECT)

/* What a city's duty unit hears about, roughly as often as it hears it,
 * with the priority a dispatcher would give it (1 is most urgent). */
static const struct {
  const char *type;
  int priority;
  double weight;
} incident_mix[] = {
  { "traffic_accident", 2, 20 },
  { "theft", 3, 18 },
  { "public_disorder", 3, 15 },
  { "domestic", 2, 12 },
  { "suspicious", 3, 10 },
  { "assault", 1, 8 },
  { "fraud", 4, 6 },
  { "vandalism", 4, 5 },
  { "missing_person", 2, 3 },
  { "robbery", 1, 3 },
};

static const char *const call_sign_names[] = {
  "Беркут", "Сұңқар", "Барыс", "Қыран", "Тұлпар", "Арлан", "Самұрық", "Бүркіт",
};

static void
sim_unit_clear (SimUnit *unit)
{
  g_clear_pointer (&unit->call_sign, g_free);
  g_clear_pointer (&unit->route, g_array_unref);
  g_clear_pointer (&unit->patrol, g_array_unref);
}

static void
dozor_simulator_finalize (GObject *object)
{
  DozorSimulator *self = (DozorSimulator *)object;

  g_clear_pointer (&self->units, g_array_unref);
  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_pointer (&self->incident_rand, g_rand_free);
  g_clear_object (&self->graph);

  G_OBJECT_CLASS (dozor_simulator_parent_class)->finalize (object);
}

static void
dozor_simulator_class_init (DozorSimulatorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_simulator_finalize;
}

static void
dozor_simulator_init (DozorSimulator *self)
{
  self->units = g_array_new (FALSE, TRUE, sizeof (SimUnit));
  g_array_set_clear_func (self->units, (GDestroyNotify) sim_unit_clear);
}

static guint
random_junction (DozorSimulator *self)
{
  guint n = dozor_road_graph_get_n_nodes (self->graph);
  double lat, lon;

  /* Any node, moved onto the connected network. */
  dozor_road_graph_get_node (self->graph, g_rand_int_range (self->rand, 0, (gint32) n), &lat, &lon);
  return dozor_road_graph_nearest_node (self->graph, lat, lon);
}

/* A junction of the connected network near @from, as a reserve crew
 * would pick its next street to look at: the first of a few random ones
 * within the radius, or the closest of them. */
static guint
junction_near (DozorSimulator *self,
               guint           from)
{
  guint n = dozor_road_graph_get_n_nodes (self->graph);
  double from_lat, from_lon, best_lat = 0, best_lon = 0, best = G_MAXDOUBLE;

  dozor_road_graph_get_node (self->graph, from, &from_lat, &from_lon);
  for (guint draw = 0; draw < ROAM_DRAWS && best > ROAM_RADIUS_M; draw++)
    {
      double lat, lon, distance;

      dozor_road_graph_get_node (self->graph, g_rand_int_range (self->rand, 0, (gint32) n), &lat, &lon);
      distance = dozor_geo_distance_m (from_lat, from_lon, lat, lon);
      if (distance < best)
        {
          best = distance;
          best_lat = lat;
          best_lon = lon;
        }
    }

  return dozor_road_graph_nearest_node (self->graph, best_lat, best_lon);
}

static void
plan_route (DozorSimulator *self,
            SimUnit        *unit,
            guint           from)
{
  g_clear_pointer (&unit->route, g_array_unref);

  for (guint attempt = 0; attempt < 10 && unit->route == NULL; attempt++)
    {
      guint to;
      GArray *route;

      /* A crew with a patrol route drives its loop; one without roams. */
      if (unit->patrol != NULL)
        {
          to = g_array_index (unit->patrol, guint, unit->next_waypoint);
          unit->next_waypoint = (unit->next_waypoint + 1) % unit->patrol->len;
        }
      else
        {
          to = junction_near (self, from);
        }

      route = dozor_road_graph_shortest_path (self->graph, from, to, NULL);

      if (route != NULL && route->len >= 2)
        unit->route = route;
      else if (route != NULL)
        g_array_unref (route);
    }

  /* A junction with nowhere to go: stand still there. */
  if (unit->route == NULL)
    {
      unit->route = g_array_new (FALSE, FALSE, sizeof (guint));
      g_array_append_val (unit->route, from);
    }

  unit->leg = 0;
  unit->along_m = 0;
}

static double
gaussian (GRand *rand)
{
  double u = g_rand_double_range (rand, 1e-12, 1.0);
  double v = g_rand_double (rand);

  return sqrt (-2.0 * log (u)) * cos (2.0 * G_PI * v);
}

static double
bearing (double lat0,
         double lon0,
         double lat1,
         double lon1)
{
  double phi0 = lat0 * G_PI / 180, phi1 = lat1 * G_PI / 180;
  double dlambda = (lon1 - lon0) * G_PI / 180;
  double theta = atan2 (sin (dlambda) * cos (phi1),
                        cos (phi0) * sin (phi1) - sin (phi0) * cos (phi1) * cos (dlambda));

  return fmod (theta * 180 / G_PI + 360.0, 360.0);
}

/* Where the unit truly is, then a fix with noise as a tracker reports it. */
static void
take_fix (DozorSimulator *self,
          SimUnit        *unit,
          double          speed)
{
  guint a = g_array_index (unit->route, guint, unit->leg);
  guint b = g_array_index (unit->route, guint, MIN (unit->leg + 1, unit->route->len - 1));
  double lat0, lon0, lat1, lon1, length, t, lat, lon;

  dozor_road_graph_get_node (self->graph, a, &lat0, &lon0);
  dozor_road_graph_get_node (self->graph, b, &lat1, &lon1);
  length = dozor_geo_distance_m (lat0, lon0, lat1, lon1);
  t = length > 0 ? CLAMP (unit->along_m / length, 0, 1) : 0;
  lat = lat0 + (lat1 - lat0) * t;
  lon = lon0 + (lon1 - lon0) * t;

  unit->lat = lat + gaussian (self->rand) * GPS_NOISE_M / METRES_PER_DEGREE;
  unit->lon = lon + gaussian (self->rand) * GPS_NOISE_M / (METRES_PER_DEGREE * cos (lat * G_PI / 180));
  unit->speed = speed;
  if (a != b)
    unit->heading = bearing (lat0, lon0, lat1, lon1);
}

static double
next_gap (DozorSimulator *self)
{
  return -log (g_rand_double_range (self->incident_rand, 1e-12, 1.0)) * 3600.0 / self->incidents_per_hour;
}

/**
 * dozor_simulator_set_incident_rate:
 * @self: a #DozorSimulator
 * @per_hour: reports per hour on average, more than 0
 */
void
dozor_simulator_set_incident_rate (DozorSimulator *self,
                                   double          per_hour)
{
  g_return_if_fail (per_hour > 0);

  self->incidents_per_hour = per_hour;
  self->until_next_incident = next_gap (self);
}

/**
 * dozor_simulator_new:
 * @graph: the roads to drive
 * @seed: the seed; the same seed gives the same run
 * @n_units: how many patrol cars
 *
 * Returns: (transfer full): a simulator with its units placed at random
 *   junctions
 */
DozorSimulator *
dozor_simulator_new (DozorRoadGraph *graph,
                     guint32         seed,
                     guint           n_units)
{
  DozorSimulator *self = g_object_new (DOZOR_TYPE_SIMULATOR, NULL);

  self->graph = g_object_ref (graph);
  self->rand = g_rand_new_with_seed (seed);
  self->incident_rand = g_rand_new_with_seed (seed ^ 0x5a5a5a5a);
  dozor_simulator_set_incident_rate (self, DOZOR_SIMULATOR_INCIDENTS_PER_HOUR);

  g_array_set_size (self->units, n_units);
  for (guint i = 0; i < n_units; i++)
    {
      SimUnit *unit = &g_array_index (self->units, SimUnit, i);

      unit->call_sign = g_strdup_printf ("%s-%02u", call_sign_names[i % G_N_ELEMENTS (call_sign_names)],
                                         (guint) (i / G_N_ELEMENTS (call_sign_names) + 1));
      /* 25 to 55 km/h: city patrol, not a chase. */
      unit->cruise = g_rand_double_range (self->rand, 7.0, 15.0);
      plan_route (self, unit, random_junction (self));
      take_fix (self, unit, 0);
    }

  return self;
}

guint
dozor_simulator_get_n_units (DozorSimulator *self)
{
  return self->units->len;
}

const char *
dozor_simulator_get_call_sign (DozorSimulator *self,
                               guint           unit)
{
  g_return_val_if_fail (unit < self->units->len, NULL);

  return g_array_index (self->units, SimUnit, unit).call_sign;
}

/**
 * dozor_simulator_pass_time:
 * @self: a #DozorSimulator
 * @seconds: how much of the city's time passes
 *
 * Lets citizens' reports come in over that time; the units do not move
 * (see dozor_simulator_step_unit()).
 */
void
dozor_simulator_pass_time (DozorSimulator *self,
                           double          seconds)
{
  /* Reports arrive as a Poisson process: exponential gaps between them. */
  self->until_next_incident -= seconds;
  while (self->until_next_incident <= 0)
    {
      self->incidents_due++;
      self->until_next_incident += next_gap (self);
    }
}

/**
 * dozor_simulator_step_unit:
 * @self: a #DozorSimulator
 * @unit: which unit
 * @seconds: how long it drives since its last fix
 *
 * Drives one unit on and takes its new fix, so that each tracker can
 * report at its own moment. Units stepped in the same order draw the same
 * chances, whatever times the caller gives them.
 */
void
dozor_simulator_step_unit (DozorSimulator *self,
                           guint           unit_index,
                           double          seconds)
{
  SimUnit *unit;
  double speed, left;

  g_return_if_fail (unit_index < self->units->len);

  unit = &g_array_index (self->units, SimUnit, unit_index);
  speed = unit->cruise * g_rand_double_range (self->rand, 0.8, 1.1);
  left = speed * seconds;

  if (unit->state == DOZOR_SIM_ON_SCENE)
    {
      if (!unit->stays)
        unit->work_left -= seconds;
      if (unit->work_left > 0 || unit->stays)
        {
          take_fix (self, unit, 0);
          return;
        }
      /* Cleared: back on patrol from the scene. */
      unit->state = DOZOR_SIM_PATROL;
      plan_route (self, unit, g_array_index (unit->route, guint, unit->route->len - 1));
    }

  while (left > 0 && unit->route->len >= 2)
    {
      double lat0, lon0, lat1, lon1, length;

      dozor_road_graph_get_node (self->graph, g_array_index (unit->route, guint, unit->leg), &lat0, &lon0);
      dozor_road_graph_get_node (self->graph, g_array_index (unit->route, guint, unit->leg + 1), &lat1, &lon1);
      length = dozor_geo_distance_m (lat0, lon0, lat1, lon1);

      if (unit->along_m + left < length)
        {
          unit->along_m += left;
          left = 0;
        }
      else
        {
          left -= length - unit->along_m;
          unit->along_m = 0;
          unit->leg++;
          if (unit->leg + 1 >= unit->route->len && unit->state == DOZOR_SIM_EN_ROUTE)
            {
              /* Arrived: the crew works the incident for 10 to 30 minutes. */
              unit->state = DOZOR_SIM_ON_SCENE;
              unit->work_left = g_rand_double_range (self->rand, 600, 1800);
              left = 0;
              speed = 0;
            }
          else if (unit->leg + 1 >= unit->route->len)
            plan_route (self, unit, g_array_index (unit->route, guint, unit->route->len - 1));
        }
    }

  if (unit->state == DOZOR_SIM_ON_SCENE)
    {
      /* Stand at the scene itself, the route's last node. */
      unit->leg = unit->route->len - 1;
      unit->along_m = 0;
      take_fix (self, unit, 0);
      return;
    }

  take_fix (self, unit, unit->route->len >= 2 ? speed : 0);
}

/**
 * dozor_simulator_step:
 * @self: a #DozorSimulator
 * @seconds: how much time passes
 *
 * Lets the time pass and drives every unit on, in order, taking a new fix
 * of each: all trackers reporting at once.
 */
void
dozor_simulator_step (DozorSimulator *self,
                      double          seconds)
{
  dozor_simulator_pass_time (self, seconds);
  for (guint i = 0; i < self->units->len; i++)
    dozor_simulator_step_unit (self, i, seconds);
}

/**
 * dozor_simulator_send_to:
 * @self: a #DozorSimulator
 * @unit: which unit
 * @lat: the scene
 * @lon: the scene
 *
 * The crew leaves its patrol and drives the shortest way to the scene,
 * from where it is on its current road.
 */
void
dozor_simulator_send_to (DozorSimulator *self,
                         guint           unit_index,
                         double          lat,
                         double          lon)
{
  SimUnit *unit;
  guint here, ahead, scene;
  GArray *path;

  g_return_if_fail (unit_index < self->units->len);

  unit = &g_array_index (self->units, SimUnit, unit_index);
  unit->stays = FALSE;
  here = g_array_index (unit->route, guint, unit->leg);
  ahead = g_array_index (unit->route, guint, MIN (unit->leg + 1, unit->route->len - 1));
  scene = dozor_road_graph_nearest_node (self->graph, lat, lon);

  path = dozor_road_graph_shortest_path (self->graph, ahead, scene, NULL);
  if (path == NULL)
    return;

  /* Keep the road it is on: the route starts at the edge being driven. */
  if (here != ahead)
    g_array_prepend_val (path, here);
  else
    unit->along_m = 0;

  g_clear_pointer (&unit->route, g_array_unref);
  unit->route = path;
  unit->leg = 0;
  unit->state = DOZOR_SIM_EN_ROUTE;

  if (unit->route->len < 2)
    {
      unit->state = DOZOR_SIM_ON_SCENE;
      unit->work_left = g_rand_double_range (self->rand, 600, 1800);
    }
}

/**
 * dozor_simulator_release:
 * @self: a #DozorSimulator
 * @unit: which unit
 *
 * The dispatch was cancelled: the crew goes back to patrolling.
 */
void
dozor_simulator_release (DozorSimulator *self,
                         guint           unit_index)
{
  SimUnit *unit;

  g_return_if_fail (unit_index < self->units->len);

  unit = &g_array_index (self->units, SimUnit, unit_index);
  unit->stays = FALSE;
  if (unit->state == DOZOR_SIM_PATROL)
    return;

  unit->state = DOZOR_SIM_PATROL;
  unit->along_m = 0;
  plan_route (self, unit, g_array_index (unit->route, guint, unit->leg));
}

/**
 * dozor_simulator_send_to_post:
 * @self: a #DozorSimulator
 * @unit_index: which unit
 * @lat: where the post is
 * @lon: where the post is
 *
 * As dozor_simulator_send_to(), but the unit stays at the post once there,
 * stopped, until dozor_simulator_release(): a post of a special operating
 * plan is held, not worked and left.
 */
void
dozor_simulator_send_to_post (DozorSimulator *self,
                              guint           unit_index,
                              double          lat,
                              double          lon)
{
  g_return_if_fail (unit_index < self->units->len);

  dozor_simulator_send_to (self, unit_index, lat, lon);
  g_array_index (self->units, SimUnit, unit_index).stays = TRUE;
}

/**
 * dozor_simulator_set_patrol:
 * @self: a #DozorSimulator
 * @unit: which unit
 * @waypoints: (element-type guint) (nullable): road-graph nodes to visit in a
 *   loop, or %NULL to roam
 *
 * The crew finishes the way it is driving, then patrols the loop.
 */
void
dozor_simulator_set_patrol (DozorSimulator *self,
                            guint           unit_index,
                            GArray         *waypoints)
{
  SimUnit *unit;

  g_return_if_fail (unit_index < self->units->len);

  unit = &g_array_index (self->units, SimUnit, unit_index);
  g_clear_pointer (&unit->patrol, g_array_unref);
  if (waypoints != NULL && waypoints->len > 0)
    unit->patrol = g_array_ref (waypoints);
  unit->next_waypoint = 0;
}

/**
 * dozor_simulator_place_on_patrol:
 * @self: a #DozorSimulator
 * @unit_index: which unit, given a patrol loop by dozor_simulator_set_patrol()
 *
 * The crew is on its loop already, as on a shift that was under way
 * before the simulation began: it stands at the loop's first junction and
 * drives on along the loop from there, instead of first finishing a drive
 * across the city. Draws no chance, so the other units drive as before.
 */
void
dozor_simulator_place_on_patrol (DozorSimulator *self,
                                 guint           unit_index)
{
  SimUnit *unit;
  guint start;

  g_return_if_fail (unit_index < self->units->len);

  unit = &g_array_index (self->units, SimUnit, unit_index);
  g_return_if_fail (unit->patrol != NULL && unit->state == DOZOR_SIM_PATROL);

  start = g_array_index (unit->patrol, guint, 0);
  unit->next_waypoint = 1 % unit->patrol->len;
  plan_route (self, unit, start);
  dozor_road_graph_get_node (self->graph, start, &unit->lat, &unit->lon);
  unit->speed = 0;
}

DozorSimState
dozor_simulator_get_state (DozorSimulator *self,
                           guint           unit)
{
  g_return_val_if_fail (unit < self->units->len, DOZOR_SIM_PATROL);

  return g_array_index (self->units, SimUnit, unit).state;
}

/**
 * dozor_simulator_next_incident:
 * @self: a #DozorSimulator
 * @type: (out): the incident type, as the wire contract names it
 * @priority: (out): 1 (most urgent) to 4
 * @lat: (out): the scene, on a road of the city
 * @lon: (out): the scene
 *
 * Takes the next citizen's report that came in during the steps so far.
 *
 * Returns: %FALSE when none is waiting
 */
gboolean
dozor_simulator_next_incident (DozorSimulator  *self,
                               const char     **type,
                               int             *priority,
                               double          *lat,
                               double          *lon)
{
  double total = 0, pick;
  guint node;

  if (self->incidents_due == 0)
    return FALSE;
  self->incidents_due--;

  for (guint i = 0; i < G_N_ELEMENTS (incident_mix); i++)
    total += incident_mix[i].weight;
  pick = g_rand_double_range (self->incident_rand, 0, total);
  for (guint i = 0; i < G_N_ELEMENTS (incident_mix); i++)
    {
      *type = incident_mix[i].type;
      *priority = incident_mix[i].priority;
      if (pick < incident_mix[i].weight)
        break;
      pick -= incident_mix[i].weight;
    }

  dozor_road_graph_get_node (self->graph,
                             g_rand_int_range (self->incident_rand, 0,
                                               (gint32) dozor_road_graph_get_n_nodes (self->graph)),
                             lat, lon);
  node = dozor_road_graph_nearest_node (self->graph, *lat, *lon);
  dozor_road_graph_get_node (self->graph, node, lat, lon);
  return TRUE;
}

/**
 * dozor_simulator_get_fix:
 * @self: a #DozorSimulator
 * @unit: which unit
 * @lat: (out): latitude
 * @lon: (out): longitude
 * @speed: (out): speed, m/s
 * @heading: (out): degrees from north
 */
void
dozor_simulator_get_fix (DozorSimulator *self,
                         guint           unit,
                         double         *lat,
                         double         *lon,
                         double         *speed,
                         double         *heading)
{
  const SimUnit *u;

  g_return_if_fail (unit < self->units->len);

  u = &g_array_index (self->units, SimUnit, unit);
  *lat = u->lat;
  *lon = u->lon;
  *speed = u->speed;
  *heading = u->heading;
}
