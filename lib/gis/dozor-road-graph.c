/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The street map as a graph a car can drive: a node wherever ways share a
 * point (OpenStreetMap ways meet at shared nodes, so identical coordinates
 * are junctions), an edge between consecutive points, both directions (the
 * registry has no oneway tags). Only the largest connected part counts:
 * a fragment cut off at the edge of the extract leads nowhere.
 *
 * Each edge has a length and a driving time, from a speed per road class:
 * routes for a patrol car are ranked by time, not by metres.
 *
 * Immutable once built; queries may run from several threads.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "dozor-geo.h"
#include "dozor-cost-heap.h"
#include "dozor-road-graph.h"

typedef struct
{
  double wx, wy;
  double lat, lon;
  guint component;
} Node;

typedef struct
{
  guint to;
  double length_m;
  double time_s;
} Edge;

struct _DozorRoadGraph
{
  GObject parent_instance;

  GArray *nodes;      /* Node */
  guint *edge_start;  /* n_nodes + 1 offsets into edges */
  Edge *edges;
  guint n_edges;
  guint main_component;
  guint n_connected;

  /* A uniform grid over the connected nodes, so that placing thousands of
   * units on the roads does not scan every node for each; cell c lists
   * its nodes in cell_nodes[cell_start[c] … cell_start[c + 1]). GEOS's
   * STRtree would do, but in GEOS 3.11 it builds itself on the first
   * query, which threads sharing the graph cannot do at once. */
  double grid_x0, grid_y0, cell_w, cell_h;
  guint grid_cols, grid_rows;
  guint *cell_start;
  guint *cell_nodes;
};

G_DEFINE_FINAL_TYPE (DozorRoadGraph, dozor_road_graph, G_TYPE_OBJECT)

static void
dozor_road_graph_finalize (GObject *object)
{
  DozorRoadGraph *self = (DozorRoadGraph *)object;

  g_clear_pointer (&self->nodes, g_array_unref);
  g_clear_pointer (&self->edge_start, g_free);
  g_clear_pointer (&self->edges, g_free);
  g_clear_pointer (&self->cell_start, g_free);
  g_clear_pointer (&self->cell_nodes, g_free);

  G_OBJECT_CLASS (dozor_road_graph_parent_class)->finalize (object);
}

static void
dozor_road_graph_class_init (DozorRoadGraphClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_road_graph_finalize;
}

static void
dozor_road_graph_init (DozorRoadGraph *self)
{
  self->nodes = g_array_new (FALSE, FALSE, sizeof (Node));
}

/* Nodes are found by exact coordinates, through buckets of node ids per hash. */
static guint
point_hash (double wx,
            double wy)
{
  guint64 a, b;

  memcpy (&a, &wx, sizeof a);
  memcpy (&b, &wy, sizeof b);
  a ^= b * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  return (guint) (a ^ (a >> 32));
}

static guint
intern_node (GArray     *nodes,
             GHashTable *by_hash,
             double      wx,
             double      wy)
{
  guint hash = point_hash (wx, wy);
  GArray *bucket = g_hash_table_lookup (by_hash, GUINT_TO_POINTER (hash));
  Node node = { wx, wy, 0, 0, 0 };
  guint id;

  if (bucket != NULL)
    for (guint i = 0; i < bucket->len; i++)
      {
        guint candidate = g_array_index (bucket, guint, i);
        const Node *known = &g_array_index (nodes, Node, candidate);

        if (known->wx == wx && known->wy == wy)
          return candidate;
      }
  else
    {
      bucket = g_array_new (FALSE, FALSE, sizeof (guint));
      g_hash_table_insert (by_hash, GUINT_TO_POINTER (hash), bucket);
    }

  dozor_geo_world_to_lon_lat (wx, wy, &node.lon, &node.lat);
  g_array_append_val (nodes, node);
  id = nodes->len - 1;
  g_array_append_val (bucket, id);
  return id;
}

typedef struct
{
  guint a, b;
  double length_m;
  double time_s;
} RawEdge;

/* Urban emergency driving, blue lights on but in traffic, by road class
 * (docs/decisions.md, "Crisis computations"): well below the limits on the
 * big roads, where junctions and traffic set the pace. */
static const double speed_kmh[DOZOR_N_ROAD_CLASSES] = {
  [DOZOR_ROAD_MINOR] = 25,
  [DOZOR_ROAD_TERTIARY] = 40,
  [DOZOR_ROAD_SECONDARY] = 45,
  [DOZOR_ROAD_PRIMARY] = 50,
  [DOZOR_ROAD_TRUNK] = 70,
  [DOZOR_ROAD_MOTORWAY] = 70,
};

/**
 * dozor_road_graph_get_speed_kmh:
 * @road_class: a road class
 *
 * Returns: the speed the graph assumes on roads of that class, km/h
 */
double
dozor_road_graph_get_speed_kmh (DozorRoadClass road_class)
{
  g_return_val_if_fail ((guint) road_class < DOZOR_N_ROAD_CLASSES, speed_kmh[DOZOR_ROAD_MINOR]);

  return speed_kmh[road_class];
}

static void
label_components (DozorRoadGraph *self)
{
  g_autofree guint *stack = g_new (guint, self->n_edges + self->nodes->len + 1);
  g_autofree guint *sizes = g_new0 (guint, self->nodes->len + 1);
  guint component = 0;

  for (guint i = 0; i < self->nodes->len; i++)
    g_array_index (self->nodes, Node, i).component = 0;

  for (guint start = 0; start < self->nodes->len; start++)
    {
      guint top = 0;

      if (g_array_index (self->nodes, Node, start).component != 0)
        continue;

      component++;
      stack[top++] = start;
      g_array_index (self->nodes, Node, start).component = component;

      while (top > 0)
        {
          guint node = stack[--top];

          sizes[component]++;
          for (guint e = self->edge_start[node]; e < self->edge_start[node + 1]; e++)
            {
              Node *next = &g_array_index (self->nodes, Node, self->edges[e].to);

              if (next->component == 0)
                {
                  next->component = component;
                  stack[top++] = self->edges[e].to;
                }
            }
        }
    }

  for (guint c = 1; c <= component; c++)
    if (sizes[c] > self->n_connected)
      {
        self->n_connected = sizes[c];
        self->main_component = c;
      }
}

static guint
grid_cell (DozorRoadGraph *self,
           gint64          col,
           gint64          row)
{
  return (guint) (CLAMP (row, 0, (gint64) self->grid_rows - 1) * self->grid_cols +
                  CLAMP (col, 0, (gint64) self->grid_cols - 1));
}

static gint64
grid_col (DozorRoadGraph *self,
          double          wx)
{
  return (gint64) floor ((CLAMP (wx, -1.0, 2.0) - self->grid_x0) / self->cell_w);
}

static gint64
grid_row (DozorRoadGraph *self,
          double          wy)
{
  return (gint64) floor ((CLAMP (wy, -1.0, 2.0) - self->grid_y0) / self->cell_h);
}

/* About four nodes to a cell, at most 1024 cells a side. */
static void
build_grid (DozorRoadGraph *self)
{
  double x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  g_autofree guint *fill = NULL;
  guint side, n_cells;

  self->grid_x0 = self->grid_y0 = G_MAXDOUBLE;
  for (guint i = 0; i < self->nodes->len; i++)
    {
      const Node *node = &g_array_index (self->nodes, Node, i);

      if (node->component != self->main_component)
        continue;
      self->grid_x0 = MIN (self->grid_x0, node->wx);
      self->grid_y0 = MIN (self->grid_y0, node->wy);
      x1 = MAX (x1, node->wx);
      y1 = MAX (y1, node->wy);
    }
  if (self->n_connected == 0)
    self->grid_x0 = self->grid_y0 = x1 = y1 = 0;

  side = CLAMP ((guint) sqrt (self->n_connected / 4.0), 1, 1024);
  self->grid_cols = self->grid_rows = side;
  self->cell_w = MAX ((x1 - self->grid_x0) / side, 1e-12);
  self->cell_h = MAX ((y1 - self->grid_y0) / side, 1e-12);
  n_cells = side * side;

  self->cell_start = g_new0 (guint, n_cells + 1);
  self->cell_nodes = g_new (guint, MAX (self->n_connected, 1));
  for (guint pass = 0; pass < 2; pass++)
    {
      if (pass == 1)
        {
          for (guint c = 0; c < n_cells; c++)
            self->cell_start[c + 1] += self->cell_start[c];
          fill = g_memdup2 (self->cell_start, sizeof (guint) * (n_cells + 1));
        }
      for (guint i = 0; i < self->nodes->len; i++)
        {
          const Node *node = &g_array_index (self->nodes, Node, i);
          guint cell;

          if (node->component != self->main_component)
            continue;
          cell = grid_cell (self, grid_col (self, node->wx), grid_row (self, node->wy));
          if (pass == 0)
            self->cell_start[cell + 1]++;
          else
            self->cell_nodes[fill[cell]++] = i;
        }
    }
}

/**
 * dozor_road_graph_new:
 * @streets: a loaded street map
 *
 * Returns: (transfer full): the graph of its roads
 */
DozorRoadGraph *
dozor_road_graph_new (DozorStreetMap *streets)
{
  DozorRoadGraph *self = g_object_new (DOZOR_TYPE_ROAD_GRAPH, NULL);
  g_autoptr(GHashTable) by_hash = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (RawEdge));
  g_autofree guint *fill = NULL;

  for (guint w = 0; w < dozor_street_map_get_n_ways (streets); w++)
    {
      guint n;
      const double *xy = dozor_street_map_get_way (streets, w, &n);
      double metres_per_second = speed_kmh[dozor_street_map_get_way_class (streets, w)] / 3.6;
      guint previous = intern_node (self->nodes, by_hash, xy[0], xy[1]);

      for (guint i = 1; i < n; i++)
        {
          guint current = intern_node (self->nodes, by_hash, xy[2 * i], xy[2 * i + 1]);
          const Node *a = &g_array_index (self->nodes, Node, previous);
          const Node *b = &g_array_index (self->nodes, Node, current);
          double length_m = dozor_geo_distance_m (a->lat, a->lon, b->lat, b->lon);
          RawEdge edge = { previous, current, length_m, length_m / metres_per_second };

          if (previous != current)
            g_array_append_val (raw, edge);
          previous = current;
        }
    }

  /* Compressed adjacency: both directions of every edge. */
  self->n_edges = raw->len * 2;
  self->edge_start = g_new0 (guint, self->nodes->len + 1);
  self->edges = g_new (Edge, MAX (self->n_edges, 1));
  for (guint i = 0; i < raw->len; i++)
    {
      const RawEdge *edge = &g_array_index (raw, RawEdge, i);

      self->edge_start[edge->a + 1]++;
      self->edge_start[edge->b + 1]++;
    }
  for (guint i = 0; i < self->nodes->len; i++)
    self->edge_start[i + 1] += self->edge_start[i];

  fill = g_memdup2 (self->edge_start, sizeof (guint) * (self->nodes->len + 1));
  for (guint i = 0; i < raw->len; i++)
    {
      const RawEdge *edge = &g_array_index (raw, RawEdge, i);

      self->edges[fill[edge->a]++] = (Edge) { edge->b, edge->length_m, edge->time_s };
      self->edges[fill[edge->b]++] = (Edge) { edge->a, edge->length_m, edge->time_s };
    }

  label_components (self);
  build_grid (self);

  return self;
}

/**
 * dozor_road_graph_get_n_nodes:
 * @self: a #DozorRoadGraph
 *
 * Returns: how many junctions and points the graph has, connected or not
 */
guint
dozor_road_graph_get_n_nodes (DozorRoadGraph *self)
{
  return self->nodes->len;
}

/**
 * dozor_road_graph_get_n_edges:
 * @self: a #DozorRoadGraph
 *
 * Returns: how many road segments join them (each drivable both ways)
 */
guint
dozor_road_graph_get_n_edges (DozorRoadGraph *self)
{
  return self->n_edges / 2;
}

/**
 * dozor_road_graph_get_n_connected:
 * @self: a #DozorRoadGraph
 *
 * Returns: how many nodes the largest connected part has; routes exist
 *   between any two of them
 */
guint
dozor_road_graph_get_n_connected (DozorRoadGraph *self)
{
  return self->n_connected;
}

/**
 * dozor_road_graph_get_node:
 * @self: a #DozorRoadGraph
 * @node: a node, below dozor_road_graph_get_n_nodes()
 * @lat: (out): its latitude
 * @lon: (out): its longitude
 */
void
dozor_road_graph_get_node (DozorRoadGraph *self,
                           guint           node,
                           double         *lat,
                           double         *lon)
{
  const Node *n;

  g_return_if_fail (node < self->nodes->len);

  n = &g_array_index (self->nodes, Node, node);
  *lat = n->lat;
  *lon = n->lon;
}

/**
 * dozor_road_graph_nearest_node:
 * @self: a #DozorRoadGraph
 * @lat: latitude
 * @lon: longitude
 *
 * Returns: the node of the connected network closest to the place, where a
 *   car would join the roads; G_MAXUINT if the graph is empty
 */
guint
dozor_road_graph_nearest_node (DozorRoadGraph *self,
                               double          lat,
                               double          lon)
{
  double wx, wy, best = G_MAXDOUBLE;
  guint nearest = G_MAXUINT;
  gint64 col, row, max_ring;

  if (self->n_connected == 0)
    return G_MAXUINT;

  /* Rings of cells outwards from the place's cell (the nearest edge cell
   * for a place off the grid), until no unseen cell can hold a nearer
   * node; ties go to the lowest node id, as a scan of all nodes would. */
  dozor_geo_lon_lat_to_world (lon, lat, &wx, &wy);
  col = CLAMP (grid_col (self, wx), 0, (gint64) self->grid_cols - 1);
  row = CLAMP (grid_row (self, wy), 0, (gint64) self->grid_rows - 1);
  max_ring = MAX (self->grid_cols, self->grid_rows);

  for (gint64 ring = 0; ring <= max_ring; ring++)
    {
      double margin;

      /* The ring's cells: its top and bottom rows, then the columns
       * between them on either side. */
      for (gint64 k = 0; k < 8 * ring + (ring == 0); k++)
        {
          gint64 side = 2 * ring + 1, c, r;

          if (ring == 0)
            c = col, r = row;
          else if (k < side)
            c = col - ring + k, r = row - ring;
          else if (k < 2 * side)
            c = col - ring + (k - side), r = row + ring;
          else if (k < 2 * side + (side - 2))
            c = col - ring, r = row - ring + 1 + (k - 2 * side);
          else
            c = col + ring, r = row - ring + 1 + (k - 2 * side - (side - 2));

          if (r < 0 || c < 0 || r >= self->grid_rows || c >= self->grid_cols)
            continue;
          for (guint e = self->cell_start[grid_cell (self, c, r)];
               e < self->cell_start[grid_cell (self, c, r) + 1]; e++)
            {
              guint i = self->cell_nodes[e];
              const Node *node = &g_array_index (self->nodes, Node, i);
              double d = (node->wx - wx) * (node->wx - wx) + (node->wy - wy) * (node->wy - wy);

              if (d < best || (d == best && i < nearest))
                {
                  best = d;
                  nearest = i;
                }
            }
        }

      /* Every node not yet seen lies outside the searched square. */
      margin = MIN (MIN (wx - (self->grid_x0 + (col - ring) * self->cell_w),
                         self->grid_x0 + (col + ring + 1) * self->cell_w - wx),
                    MIN (wy - (self->grid_y0 + (row - ring) * self->cell_h),
                         self->grid_y0 + (row + ring + 1) * self->cell_h - wy));
      if (nearest != G_MAXUINT && margin > 0 && best < margin * margin)
        break;
    }

  return nearest;
}

/**
 * dozor_road_graph_shortest_path:
 * @self: a #DozorRoadGraph
 * @from: start node
 * @to: end node
 * @length_m: (out) (optional): the route's length in metres
 *
 * Dijkstra over road lengths.
 *
 * Returns: (transfer full) (element-type guint) (nullable): the nodes from
 *   @from to @to inclusive, or %NULL if no road joins them
 */
GArray *
dozor_road_graph_shortest_path (DozorRoadGraph *self,
                                guint           from,
                                guint           to,
                                double         *length_m)
{
  guint n = self->nodes->len;
  g_autofree double *cost = NULL;
  g_autofree guint *previous = NULL;
  g_autoptr(GArray) heap = NULL;
  GArray *path;

  g_return_val_if_fail (from < n && to < n, NULL);

  cost = g_new (double, n);
  previous = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    {
      cost[i] = INFINITY;
      previous[i] = G_MAXUINT;
    }

  heap = g_array_new (FALSE, FALSE, sizeof (DozorCostItem));
  cost[from] = 0;
  dozor_cost_heap_push (heap, (DozorCostItem) { 0, from });

  while (heap->len > 0)
    {
      DozorCostItem item = dozor_cost_heap_pop (heap);

      if (item.node == to)
        break;
      if (item.cost > cost[item.node])
        continue;

      for (guint e = self->edge_start[item.node]; e < self->edge_start[item.node + 1]; e++)
        {
          const Edge *edge = &self->edges[e];
          double next = item.cost + edge->length_m;

          if (next < cost[edge->to])
            {
              cost[edge->to] = next;
              previous[edge->to] = item.node;
              dozor_cost_heap_push (heap, (DozorCostItem) { next, edge->to });
            }
        }
    }

  if (isinf (cost[to]))
    return NULL;

  path = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint node = to; node != G_MAXUINT; node = previous[node])
    g_array_prepend_val (path, node);

  if (length_m != NULL)
    *length_m = cost[to];
  return path;
}

/**
 * dozor_road_graph_locate:
 * @self: a #DozorRoadGraph
 * @lat: latitude
 * @lon: longitude
 * @node: (out): the node of the connected network where a car there joins
 *   the roads, G_MAXUINT if the graph is empty
 * @offset_s: (out): the time to cover the straight line between the place
 *   and that node at %DOZOR_ROAD_GRAPH_OFF_ROAD_KMH
 *
 * Where a car off the graph (in a yard, on a street the registry leaves out)
 * joins it, and what getting there costs. Locate a unit once and use the
 * result with every dozor_road_graph_times_to() array.
 */
void
dozor_road_graph_locate (DozorRoadGraph *self,
                         double          lat,
                         double          lon,
                         guint          *node,
                         double         *offset_s)
{
  double node_lat, node_lon;

  g_return_if_fail (DOZOR_IS_ROAD_GRAPH (self));
  g_return_if_fail (node != NULL && offset_s != NULL);

  *node = dozor_road_graph_nearest_node (self, lat, lon);
  *offset_s = INFINITY;
  if (*node == G_MAXUINT)
    return;

  dozor_road_graph_get_node (self, *node, &node_lat, &node_lon);
  *offset_s = dozor_geo_distance_m (lat, lon, node_lat, node_lon) /
              (DOZOR_ROAD_GRAPH_OFF_ROAD_KMH / 3.6);
}

/**
 * dozor_road_graph_times_to:
 * @self: a #DozorRoadGraph
 * @lat: the scene's latitude
 * @lon: the scene's longitude
 * @cutoff_s: search no further than this many seconds; INFINITY for all
 *
 * One search from the scene over the reversed edges: the driving time from
 * every node to the scene, so that one call ranks every unit at once. The
 * scene joins the graph at its nearest node, as dozor_road_graph_locate()
 * says; a unit at node n with offset o needs `times[n] + o` seconds.
 *
 * The street registry has no one-way tags, so every road is built both ways
 * and its reversed edges are its edges; the search nevertheless follows the
 * edges into each node, so that it stays right once one-way roads exist.
 *
 * Returns: (transfer full) (array): dozor_road_graph_get_n_nodes() times
 *   in seconds, INFINITY beyond @cutoff_s or where no road leads to the
 *   scene; %NULL if the graph is empty
 */
float *
dozor_road_graph_times_to (DozorRoadGraph *self,
                           double          lat,
                           double          lon,
                           double          cutoff_s)
{
  guint n = self->nodes->len;
  guint scene;
  double scene_offset_s;
  g_autofree double *cost = NULL;
  g_autoptr(GArray) heap = NULL;
  float *times;

  g_return_val_if_fail (DOZOR_IS_ROAD_GRAPH (self), NULL);

  dozor_road_graph_locate (self, lat, lon, &scene, &scene_offset_s);
  if (scene == G_MAXUINT)
    return NULL;

  cost = g_new (double, n);
  for (guint i = 0; i < n; i++)
    cost[i] = INFINITY;

  heap = g_array_new (FALSE, FALSE, sizeof (DozorCostItem));
  cost[scene] = scene_offset_s;
  dozor_cost_heap_push (heap, (DozorCostItem) { scene_offset_s, scene });

  while (heap->len > 0)
    {
      DozorCostItem item = dozor_cost_heap_pop (heap);

      if (item.cost > cutoff_s)
        break;
      if (item.cost > cost[item.node])
        continue;

      /* Edges are stored at both ends, so the edge list of a node is also
       * the list of edges arriving there, reversed. */
      for (guint e = self->edge_start[item.node]; e < self->edge_start[item.node + 1]; e++)
        {
          const Edge *edge = &self->edges[e];
          double next = item.cost + edge->time_s;

          if (next < cost[edge->to])
            {
              cost[edge->to] = next;
              dozor_cost_heap_push (heap, (DozorCostItem) { next, edge->to });
            }
        }
    }

  /* Anything still below the cutoff was settled before the search stopped. */
  times = g_new (float, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    times[i] = cost[i] <= cutoff_s ? (float) cost[i] : INFINITY;
  return times;
}
