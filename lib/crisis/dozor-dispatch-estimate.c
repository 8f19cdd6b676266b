/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What a dispatch confirmation says about the road: how far the chosen
 * unit is from the scene by road and when it would arrive, and whether an
 * available unit would be there much sooner. Filled with copies on the
 * main thread, computed in a worker over the board's one road graph.
 *
 * Times come from one reverse search from the scene (as the crisis pane's
 * nearest units); the distance is the shortest road route's length plus
 * the straight stretches from the unit and the scene to the roads they
 * join.
 */
#include "config.h"

#include <math.h>

#include "dozor-dispatch-estimate.h"
#include "dozor-geo.h"

typedef struct
{
  char *call_sign;
  double lat, lon;
  double time_s;      /* INFINITY until computed, or with no road */
  double distance_m;
} Candidate;

struct _DozorDispatchEstimate
{
  GObject parent_instance;

  double scene_lat, scene_lon;
  Candidate chosen;
  gboolean have_chosen;
  GArray *available;  /* Candidate */
  int closer;         /* index into available, -1 if none much closer */
  gboolean computed;
};

G_DEFINE_FINAL_TYPE (DozorDispatchEstimate, dozor_dispatch_estimate, G_TYPE_OBJECT)

static void
candidate_clear (Candidate *candidate)
{
  g_clear_pointer (&candidate->call_sign, g_free);
}

static void
dozor_dispatch_estimate_finalize (GObject *object)
{
  DozorDispatchEstimate *self = DOZOR_DISPATCH_ESTIMATE (object);

  candidate_clear (&self->chosen);
  g_array_unref (self->available);

  G_OBJECT_CLASS (dozor_dispatch_estimate_parent_class)->finalize (object);
}

static void
dozor_dispatch_estimate_class_init (DozorDispatchEstimateClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_dispatch_estimate_finalize;
}

static void
dozor_dispatch_estimate_init (DozorDispatchEstimate *self)
{
  self->available = g_array_new (FALSE, TRUE, sizeof (Candidate));
  g_array_set_clear_func (self->available, (GDestroyNotify) candidate_clear);
  self->closer = -1;
}

/**
 * dozor_dispatch_estimate_new:
 * @scene_lat: the incident's latitude
 * @scene_lon: its longitude
 *
 * Returns: (transfer full): an estimate to fill and compute
 */
DozorDispatchEstimate *
dozor_dispatch_estimate_new (double scene_lat,
                             double scene_lon)
{
  DozorDispatchEstimate *self = g_object_new (DOZOR_TYPE_DISPATCH_ESTIMATE, NULL);

  self->scene_lat = scene_lat;
  self->scene_lon = scene_lon;
  return self;
}

static Candidate
candidate (const char *call_sign,
           double      lat,
           double      lon)
{
  return (Candidate) { g_strdup (call_sign), lat, lon, INFINITY, INFINITY };
}

/**
 * dozor_dispatch_estimate_set_chosen:
 * @self: a #DozorDispatchEstimate
 * @call_sign: the unit about to be sent
 * @lat: where it is
 * @lon: where it is
 */
void
dozor_dispatch_estimate_set_chosen (DozorDispatchEstimate *self,
                                    const char            *call_sign,
                                    double                 lat,
                                    double                 lon)
{
  g_return_if_fail (DOZOR_IS_DISPATCH_ESTIMATE (self));

  candidate_clear (&self->chosen);
  self->chosen = candidate (call_sign, lat, lon);
  self->have_chosen = TRUE;
}

/**
 * dozor_dispatch_estimate_add_available:
 * @self: a #DozorDispatchEstimate
 * @call_sign: another unit, available, with a current position
 * @lat: where it is
 * @lon: where it is
 */
void
dozor_dispatch_estimate_add_available (DozorDispatchEstimate *self,
                                       const char            *call_sign,
                                       double                 lat,
                                       double                 lon)
{
  Candidate other;

  g_return_if_fail (DOZOR_IS_DISPATCH_ESTIMATE (self));

  other = candidate (call_sign, lat, lon);
  g_array_append_val (self->available, other);
}

/* The shortest road route's length, with the straight stretches to the
 * roads at both ends. */
static double
road_distance (DozorRoadGraph *graph,
               double          lat,
               double          lon,
               guint           scene_node,
               double          scene_lat,
               double          scene_lon)
{
  guint node = dozor_road_graph_nearest_node (graph, lat, lon);
  g_autoptr(GArray) path = NULL;
  double length_m = INFINITY, node_lat, node_lon, scene_node_lat, scene_node_lon;

  if (node == G_MAXUINT || scene_node == G_MAXUINT)
    return INFINITY;
  path = dozor_road_graph_shortest_path (graph, node, scene_node, &length_m);
  if (path == NULL)
    return INFINITY;
  dozor_road_graph_get_node (graph, node, &node_lat, &node_lon);
  dozor_road_graph_get_node (graph, scene_node, &scene_node_lat, &scene_node_lon);
  return length_m + dozor_geo_distance_m (lat, lon, node_lat, node_lon) +
         dozor_geo_distance_m (scene_lat, scene_lon, scene_node_lat, scene_node_lon);
}

static void
time_of (Candidate      *candidate,
         DozorRoadGraph *graph,
         const float    *times)
{
  guint node;
  double offset_s;

  dozor_road_graph_locate (graph, candidate->lat, candidate->lon, &node, &offset_s);
  candidate->time_s = node != G_MAXUINT ? times[node] + offset_s : INFINITY;
}

/**
 * dozor_dispatch_estimate_compute:
 * @self: a #DozorDispatchEstimate
 * @graph: the city's roads
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Blocks: call it in a worker thread.
 *
 * Returns: %FALSE if cancelled
 */
gboolean
dozor_dispatch_estimate_compute (DozorDispatchEstimate  *self,
                                 DozorRoadGraph         *graph,
                                 GCancellable           *cancellable,
                                 GError                **error)
{
  g_autofree float *times = NULL;
  guint scene_node;
  double best = INFINITY;

  g_return_val_if_fail (DOZOR_IS_DISPATCH_ESTIMATE (self), FALSE);
  g_return_val_if_fail (DOZOR_IS_ROAD_GRAPH (graph), FALSE);

  self->computed = TRUE;
  times = dozor_road_graph_times_to (graph, self->scene_lat, self->scene_lon, INFINITY);
  if (times == NULL || !self->have_chosen)
    return TRUE;
  scene_node = dozor_road_graph_nearest_node (graph, self->scene_lat, self->scene_lon);

  time_of (&self->chosen, graph, times);
  self->chosen.distance_m = road_distance (graph, self->chosen.lat, self->chosen.lon, scene_node,
                                           self->scene_lat, self->scene_lon);
  for (guint i = 0; i < self->available->len; i++)
    {
      Candidate *other = &g_array_index (self->available, Candidate, i);

      if (i % 256 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      time_of (other, graph, times);
      if (other->time_s < best)
        {
          best = other->time_s;
          self->closer = (int) i;
        }
    }

  /* "Much" closer: minutes sooner and less than half the time, so that two
   * units a street apart are not argued over. */
  if (self->closer >= 0)
    {
      Candidate *other = &g_array_index (self->available, Candidate, self->closer);

      if (!(isinf (self->chosen.time_s) ||
            (other->time_s <= self->chosen.time_s - DOZOR_DISPATCH_CLOSER_SAVING_S &&
             other->time_s < self->chosen.time_s * DOZOR_DISPATCH_CLOSER_RATIO)) ||
          isinf (other->time_s))
        self->closer = -1;
      else
        other->distance_m = road_distance (graph, other->lat, other->lon, scene_node,
                                           self->scene_lat, self->scene_lon);
    }
  return TRUE;
}

/**
 * dozor_dispatch_estimate_get_chosen:
 * @self: a #DozorDispatchEstimate
 * @distance_m: (out): the chosen unit's road distance to the scene, metres
 * @time_s: (out): its driving time there, seconds
 *
 * Returns: whether a road joins it to the scene (after computing)
 */
gboolean
dozor_dispatch_estimate_get_chosen (DozorDispatchEstimate *self,
                                    double                *distance_m,
                                    double                *time_s)
{
  g_return_val_if_fail (DOZOR_IS_DISPATCH_ESTIMATE (self), FALSE);

  *distance_m = self->chosen.distance_m;
  *time_s = self->chosen.time_s;
  return self->computed && isfinite (self->chosen.time_s) && isfinite (self->chosen.distance_m);
}

/**
 * dozor_dispatch_estimate_get_closer:
 * @self: a #DozorDispatchEstimate
 * @distance_m: (out): its road distance to the scene, metres
 * @time_s: (out): its driving time there, seconds
 *
 * Returns: (nullable): the call sign of an available unit much closer by
 *   road than the chosen one (the closest such), or %NULL
 */
const char *
dozor_dispatch_estimate_get_closer (DozorDispatchEstimate *self,
                                    double                *distance_m,
                                    double                *time_s)
{
  const Candidate *other;

  g_return_val_if_fail (DOZOR_IS_DISPATCH_ESTIMATE (self), NULL);

  if (self->closer < 0)
    return NULL;
  other = &g_array_index (self->available, Candidate, self->closer);
  *distance_m = other->distance_m;
  *time_s = other->time_s;
  return other->call_sign;
}
