/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Which available unit goes to which post of a special operating plan.
 *
 * The first goal is the moment the last post is covered: minimise the
 * largest road time of any unit sent (a bottleneck assignment). Binary
 * search over the candidate times, each step a bipartite matching
 * (Hopcroft–Karp) between the posts' places — a post needing three units
 * is three places — and the units within that time; a unit of the wrong
 * kind, off duty or unreachable has no edge. The second goal, among the
 * assignments with that bottleneck, is the least total time (the fleet
 * spends the least driving): a min-cost flow over the edges within the
 * bottleneck, successive shortest paths with potentials.
 *
 * Each post needs only its N nearest candidates, N the plan's whole need:
 * if a post took a farther unit, one of its N nearest would be free, and
 * sending it instead makes neither the bottleneck nor the total worse.
 * This keeps both steps small when a city has thousands of units.
 *
 * Plain data, no shared state: any thread may build and solve its own.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dozor-cost-heap.h"
#include "dozor-geo.h"
#include "dozor-post-assignment.h"

#define NONE G_MAXUINT


typedef struct
{
  char *name;
  char *kind;
  double lat, lon;
  guint need;
} Post;

typedef struct
{
  char *id;
  char *kind;
  double lat, lon;
  gboolean eligible;
  guint fixed_post;   /* NONE, or the post the supervisor put it on */
} Unit;

typedef struct
{
  float time;
  guint unit;
} Candidate;

struct _DozorPostAssignment
{
  GObject parent_instance;

  GArray *posts;  /* Post */
  GArray *units;  /* Unit */
  float *times;   /* posts × units, one row per post; NULL until set */

  double total_work_limit;

  guint *unit_post;
  double bottleneck_s;
  double total_s;
  gboolean total_is_minimal;
};

G_DEFINE_FINAL_TYPE (DozorPostAssignment, dozor_post_assignment, G_TYPE_OBJECT)

G_DEFINE_QUARK (dozor-post-assignment-error-quark, dozor_post_assignment_error)

static void
post_clear (Post *post)
{
  g_free (post->name);
  g_free (post->kind);
}

static void
unit_clear (Unit *unit)
{
  g_free (unit->id);
  g_free (unit->kind);
}

static void
dozor_post_assignment_finalize (GObject *object)
{
  DozorPostAssignment *self = (DozorPostAssignment *)object;

  g_clear_pointer (&self->posts, g_array_unref);
  g_clear_pointer (&self->units, g_array_unref);
  g_clear_pointer (&self->times, g_free);
  g_clear_pointer (&self->unit_post, g_free);

  G_OBJECT_CLASS (dozor_post_assignment_parent_class)->finalize (object);
}

static void
dozor_post_assignment_class_init (DozorPostAssignmentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_post_assignment_finalize;
}

static void
dozor_post_assignment_init (DozorPostAssignment *self)
{
  self->posts = g_array_new (FALSE, TRUE, sizeof (Post));
  g_array_set_clear_func (self->posts, (GDestroyNotify) post_clear);
  self->units = g_array_new (FALSE, TRUE, sizeof (Unit));
  g_array_set_clear_func (self->units, (GDestroyNotify) unit_clear);
  self->bottleneck_s = NAN;
  self->total_s = NAN;
  self->total_work_limit = DOZOR_POST_ASSIGNMENT_TOTAL_WORK;
}

/**
 * dozor_post_assignment_new:
 *
 * An empty problem: add the posts and the units, give the times (by road,
 * dozor_post_assignment_time_by_road(), or each with
 * dozor_post_assignment_set_time()), then solve.
 *
 * Returns: (transfer full): a new #DozorPostAssignment
 */
DozorPostAssignment *
dozor_post_assignment_new (void)
{
  return g_object_new (DOZOR_TYPE_POST_ASSIGNMENT, NULL);
}

static void
forget_solution (DozorPostAssignment *self)
{
  g_clear_pointer (&self->unit_post, g_free);
  self->bottleneck_s = NAN;
  self->total_s = NAN;
  self->total_is_minimal = FALSE;
}

/**
 * dozor_post_assignment_add_post:
 * @self: a #DozorPostAssignment
 * @name: the post's name, as the plan gives it
 * @lat: where the post is
 * @lon: where the post is
 * @need: how many units it needs, at least 1
 * @kind: (nullable): the kind of unit it needs (`car`, `foot`, `moto`), or
 *   %NULL for any
 *
 * Posts are added before any time is given.
 *
 * Returns: the post's index
 */
guint
dozor_post_assignment_add_post (DozorPostAssignment *self,
                                const char          *name,
                                double               lat,
                                double               lon,
                                guint                need,
                                const char          *kind)
{
  Post post = { g_strdup (name), g_strdup (kind), lat, lon, need };

  g_return_val_if_fail (DOZOR_IS_POST_ASSIGNMENT (self), NONE);
  g_return_val_if_fail (name != NULL && need > 0, NONE);
  g_return_val_if_fail (self->times == NULL, NONE);

  g_array_append_val (self->posts, post);
  return self->posts->len - 1;
}

/**
 * dozor_post_assignment_add_unit:
 * @self: a #DozorPostAssignment
 * @id: the unit's id
 * @kind: (nullable): its kind (`car`, `foot`, `moto`)
 * @lat: where it is now
 * @lon: where it is now
 * @eligible: whether it may be sent: %FALSE for a unit on a dispatch
 *   unless the caller allows taking it off, and for one off duty
 *
 * Units are added before any time is given.
 *
 * Returns: the unit's index
 */
guint
dozor_post_assignment_add_unit (DozorPostAssignment *self,
                                const char          *id,
                                const char          *kind,
                                double               lat,
                                double               lon,
                                gboolean             eligible)
{
  Unit unit = { g_strdup (id), g_strdup (kind), lat, lon, eligible, NONE };

  g_return_val_if_fail (DOZOR_IS_POST_ASSIGNMENT (self), NONE);
  g_return_val_if_fail (id != NULL, NONE);
  g_return_val_if_fail (self->times == NULL, NONE);

  g_array_append_val (self->units, unit);
  return self->units->len - 1;
}

/**
 * dozor_post_assignment_set_total_work_limit:
 * @self: a #DozorPostAssignment
 * @arcs: how many arcs the second step may visit, about (total need) ×
 *   (candidate edges within the bottleneck); 0 skips it
 *
 * The least total time among the assignments with the best bottleneck
 * costs more than the bottleneck itself. Beyond this limit (by default
 * %DOZOR_POST_ASSIGNMENT_TOTAL_WORK) the answer keeps the best bottleneck
 * and says that its total is not minimal.
 */
void
dozor_post_assignment_set_total_work_limit (DozorPostAssignment *self,
                                            double               arcs)
{
  g_return_if_fail (DOZOR_IS_POST_ASSIGNMENT (self));

  self->total_work_limit = arcs;
  forget_solution (self);
}

/**
 * dozor_post_assignment_get_n_posts:
 * @self: a #DozorPostAssignment
 *
 * Returns: how many posts were added
 */
guint
dozor_post_assignment_get_n_posts (DozorPostAssignment *self)
{
  g_return_val_if_fail (DOZOR_IS_POST_ASSIGNMENT (self), 0);

  return self->posts->len;
}

/**
 * dozor_post_assignment_get_n_units:
 * @self: a #DozorPostAssignment
 *
 * Returns: how many units were added
 */
guint
dozor_post_assignment_get_n_units (DozorPostAssignment *self)
{
  g_return_val_if_fail (DOZOR_IS_POST_ASSIGNMENT (self), 0);

  return self->units->len;
}

static void
ensure_times (DozorPostAssignment *self)
{
  gsize n = (gsize) self->posts->len * self->units->len;

  if (self->times != NULL)
    return;

  self->times = g_new (float, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    self->times[i] = INFINITY;
}

/**
 * dozor_post_assignment_set_time:
 * @self: a #DozorPostAssignment
 * @post: a post's index
 * @unit: a unit's index
 * @seconds: how long the unit needs to reach the post; INFINITY if it cannot
 *
 * Every time not set is INFINITY.
 */
void
dozor_post_assignment_set_time (DozorPostAssignment *self,
                                guint                post,
                                guint                unit,
                                double               seconds)
{
  g_return_if_fail (DOZOR_IS_POST_ASSIGNMENT (self));
  g_return_if_fail (post < self->posts->len && unit < self->units->len);
  g_return_if_fail (!(seconds < 0));

  ensure_times (self);
  forget_solution (self);
  self->times[(gsize) post * self->units->len + unit] = isnan (seconds) ? INFINITY : seconds;
}

/**
 * dozor_post_assignment_get_time:
 * @self: a #DozorPostAssignment
 * @post: a post's index
 * @unit: a unit's index
 *
 * Returns: the time from the unit to the post, seconds; INFINITY if unknown
 */
double
dozor_post_assignment_get_time (DozorPostAssignment *self,
                                guint                post,
                                guint                unit)
{
  g_return_val_if_fail (DOZOR_IS_POST_ASSIGNMENT (self), INFINITY);
  g_return_val_if_fail (post < self->posts->len && unit < self->units->len, INFINITY);

  if (self->times == NULL)
    return INFINITY;
  return self->times[(gsize) post * self->units->len + unit];
}

/**
 * dozor_post_assignment_time_by_road:
 * @self: a #DozorPostAssignment
 * @graph: the city's roads
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Road times from every unit to every post: each unit is placed on the
 * graph once (dozor_road_graph_locate()), then one reverse search per post
 * (dozor_road_graph_times_to()). Blocks: call it in a worker thread.
 *
 * Returns: %FALSE if cancelled
 */
gboolean
dozor_post_assignment_time_by_road (DozorPostAssignment  *self,
                                    DozorRoadGraph       *graph,
                                    GCancellable         *cancellable,
                                    GError              **error)
{
  guint n_units = self->units->len;
  g_autofree guint *nodes = NULL;
  g_autofree double *offsets = NULL;

  g_return_val_if_fail (DOZOR_IS_POST_ASSIGNMENT (self), FALSE);
  g_return_val_if_fail (DOZOR_IS_ROAD_GRAPH (graph), FALSE);

  ensure_times (self);
  forget_solution (self);

  nodes = g_new (guint, MAX (n_units, 1));
  offsets = g_new (double, MAX (n_units, 1));
  for (guint u = 0; u < n_units; u++)
    {
      const Unit *unit = &g_array_index (self->units, Unit, u);

      dozor_road_graph_locate (graph, unit->lat, unit->lon, &nodes[u], &offsets[u]);
    }

  for (guint p = 0; p < self->posts->len; p++)
    {
      const Post *post = &g_array_index (self->posts, Post, p);
      g_autofree float *times = NULL;
      float *row = &self->times[(gsize) p * n_units];

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      times = dozor_road_graph_times_to (graph, post->lat, post->lon, INFINITY);
      for (guint u = 0; u < n_units; u++)
        row[u] = times != NULL && nodes[u] != NONE ? times[nodes[u]] + offsets[u] : INFINITY;
    }

  return TRUE;
}

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *x = a, *y = b;

  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  return x->unit < y->unit ? -1 : x->unit > y->unit;
}

static int
compare_floats (gconstpointer a,
                gconstpointer b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return x < y ? -1 : x > y;
}

/* The posts' places (slots), the units, and the edges allowed now: for
 * post p its first limit[p] candidates. */
typedef struct
{
  guint n_posts, n_units, n_slots;
  const guint *slot_post;
  const Candidate *candidates;
  const guint *start;       /* per post, into candidates; n_posts + 1 */
  guint *limit;             /* per post */
  guint *unit_slot;         /* unit → slot */
  guint *slot_unit;         /* slot → unit */
  guint *layer;             /* per slot */
  guint *next;              /* per slot: the next candidate to try */
  guint *queue;             /* slots */
} Matching;

static gboolean
matching_layers (Matching *m)
{
  guint head = 0, tail = 0;
  gboolean free_unit_reached = FALSE;

  for (guint s = 0; s < m->n_slots; s++)
    if (m->slot_unit[s] == NONE)
      {
        m->layer[s] = 0;
        m->queue[tail++] = s;
      }
    else
      m->layer[s] = NONE;

  while (head < tail)
    {
      guint s = m->queue[head++];
      guint p = m->slot_post[s];

      for (guint c = m->start[p]; c < m->start[p] + m->limit[p]; c++)
        {
          guint other = m->unit_slot[m->candidates[c].unit];

          if (other == NONE)
            free_unit_reached = TRUE;
          else if (m->layer[other] == NONE)
            {
              m->layer[other] = m->layer[s] + 1;
              m->queue[tail++] = other;
            }
        }
    }

  return free_unit_reached;
}

/* Depth is at most the number of layers, bounded by the total need. */
static gboolean
matching_augment (Matching *m,
                  guint     s)
{
  guint p = m->slot_post[s];

  for (; m->next[s] < m->start[p] + m->limit[p]; m->next[s]++)
    {
      guint unit = m->candidates[m->next[s]].unit;
      guint other = m->unit_slot[unit];

      if (other == NONE ||
          (m->layer[other] == m->layer[s] + 1 && matching_augment (m, other)))
        {
          m->unit_slot[unit] = s;
          m->slot_unit[s] = unit;
          m->next[s]++;
          return TRUE;
        }
    }

  m->layer[s] = NONE;
  return FALSE;
}

/* Hopcroft–Karp from scratch with the current limits; the matching's size. */
static guint
matching_run (Matching *m)
{
  guint size = 0;

  for (guint s = 0; s < m->n_slots; s++)
    m->slot_unit[s] = NONE;
  for (guint u = 0; u < m->n_units; u++)
    m->unit_slot[u] = NONE;

  while (matching_layers (m))
    {
      for (guint s = 0; s < m->n_slots; s++)
        m->next[s] = m->start[m->slot_post[s]];
      for (guint s = 0; s < m->n_slots; s++)
        if (m->slot_unit[s] == NONE && matching_augment (m, s))
          size++;
    }

  return size;
}

/* Post p may use its candidates up to time t. */
static void
set_limits (Matching *m,
            float     t)
{
  for (guint p = 0; p < m->n_posts; p++)
    {
      guint lo = 0, hi = m->start[p + 1] - m->start[p];

      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;

          if (m->candidates[m->start[p] + mid].time <= t)
            lo = mid + 1;
          else
            hi = mid;
        }
      m->limit[p] = lo;
    }
}

typedef struct
{
  guint to;
  guint next;
  int capacity;
  double cost;
} Arc;

typedef struct
{
  GArray *arcs;  /* Arc; arc a and a ^ 1 are each other's reverse */
  guint *head;   /* per node, first arc or NONE */
} Network;

static void
network_add (Network *net,
             guint    from,
             guint    to,
             int      capacity,
             double   cost)
{
  Arc forward = { to, net->head[from], capacity, cost };
  Arc backward = { from, net->head[to], 0, -cost };

  g_array_append_val (net->arcs, forward);
  net->head[from] = net->arcs->len - 1;
  g_array_append_val (net->arcs, backward);
  net->head[to] = net->arcs->len - 1;
}

/* The least total time among assignments within the limits: flow from the
 * source through posts (capacity: need) and units to the sink, one unit of
 * flow per shortest path, with potentials so that Dijkstra sees no
 * negative arc. Fills unit_post. */
static gboolean
min_total (DozorPostAssignment  *self,
           Matching             *m,
           GCancellable         *cancellable,
           GError              **error)
{
  guint n_posts = m->n_posts, n_units = m->n_units;
  guint source = n_posts + n_units, sink = source + 1, n_nodes = sink + 1;
  g_autofree guint *head = g_new (guint, n_nodes);
  g_autofree double *potential = g_new0 (double, n_nodes);
  g_autofree double *dist = g_new (double, n_nodes);
  g_autofree guint *via = g_new (guint, n_nodes);
  g_autofree gboolean *to_sink = g_new0 (gboolean, n_units);
  g_autoptr(GArray) heap = g_array_new (FALSE, FALSE, sizeof (DozorCostItem));
  Network net = { g_array_new (FALSE, FALSE, sizeof (Arc)), head };

  for (guint v = 0; v < n_nodes; v++)
    head[v] = NONE;
  for (guint p = 0; p < n_posts; p++)
    {
      network_add (&net, source, p, g_array_index (self->posts, Post, p).need, 0);
      for (guint c = m->start[p]; c < m->start[p] + m->limit[p]; c++)
        {
          guint unit = m->candidates[c].unit;

          network_add (&net, p, n_posts + unit, 1, m->candidates[c].time);
          if (!to_sink[unit])
            {
              network_add (&net, n_posts + unit, sink, 1, 0);
              to_sink[unit] = TRUE;
            }
        }
    }

  for (guint round = 0; round < m->n_slots; round++)
    {
      Arc *arcs = (Arc *) net.arcs->data;

      if (round % 16 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          g_array_unref (net.arcs);
          return FALSE;
        }

      for (guint v = 0; v < n_nodes; v++)
        dist[v] = INFINITY;
      dist[source] = 0;
      dozor_cost_heap_push (heap, (DozorCostItem) { 0, source });
      while (heap->len > 0)
        {
          DozorCostItem item = dozor_cost_heap_pop (heap);

          if (item.cost > dist[item.node])
            continue;
          for (guint a = head[item.node]; a != NONE; a = arcs[a].next)
            {
              /* Rounding can make a reduced cost a hair below zero. */
              double reduced = MAX (0.0, arcs[a].cost + potential[item.node] - potential[arcs[a].to]);

              if (arcs[a].capacity > 0 && item.cost + reduced < dist[arcs[a].to])
                {
                  dist[arcs[a].to] = item.cost + reduced;
                  via[arcs[a].to] = a;
                  dozor_cost_heap_push (heap, (DozorCostItem) { dist[arcs[a].to], arcs[a].to });
                }
            }
        }

      /* The bottleneck's matching exists, so a path always does. */
      g_assert (!isinf (dist[sink]));
      for (guint v = sink; v != source; v = arcs[via[v] ^ 1].to)
        {
          arcs[via[v]].capacity--;
          arcs[via[v] ^ 1].capacity++;
        }
      for (guint v = 0; v < n_nodes; v++)
        if (!isinf (dist[v]))
          potential[v] += dist[v];
    }

  for (guint p = 0; p < n_posts; p++)
    for (guint a = head[p]; a != NONE; a = g_array_index (net.arcs, Arc, a).next)
      {
        const Arc *arc = &g_array_index (net.arcs, Arc, a);

        if (arc->to >= n_posts && arc->to < source && arc->capacity == 0)
          self->unit_post[arc->to - n_posts] = p;
      }

  g_array_unref (net.arcs);
  return TRUE;
}

static void
set_short_error (DozorPostAssignment  *self,
                 Matching             *m,
                 GError              **error)
{
  guint post = NONE, assigned = 0;
  const Post *p;

  for (guint s = 0; s < m->n_slots && post == NONE; s++)
    if (m->slot_unit[s] == NONE)
      post = m->slot_post[s];
  g_assert (post != NONE);

  for (guint s = 0; s < m->n_slots; s++)
    if (m->slot_post[s] == post && m->slot_unit[s] != NONE)
      assigned++;

  p = &g_array_index (self->posts, Post, post);
  if (p->kind != NULL)
    g_set_error (error, DOZOR_POST_ASSIGNMENT_ERROR, DOZOR_POST_ASSIGNMENT_ERROR_SHORT,
                 _("Post “%s” cannot be covered: units of kind “%s” needed: %u, can be sent: %u"),
                 p->name, p->kind, p->need, assigned);
  else
    g_set_error (error, DOZOR_POST_ASSIGNMENT_ERROR, DOZOR_POST_ASSIGNMENT_ERROR_SHORT,
                 _("Post “%s” cannot be covered: units needed: %u, can be sent: %u"),
                 p->name, p->need, assigned);
}

/* The assignment of the units not fixed to the places the fixed ones
 * leave; @fixed_max, the slowest fixed unit's time, is a bottleneck
 * already paid, so the least total is sought within it. */
static gboolean
solve_free (DozorPostAssignment  *self,
            double                fixed_max,
            GCancellable         *cancellable,
            GError              **error)
{
  guint n_posts = self->posts->len, n_units = self->units->len;
  guint64 need = 0;
  g_autofree guint *start = NULL;
  g_autofree guint *limit = NULL;
  g_autofree guint *slot_post = NULL;
  g_autoptr(GArray) candidates = NULL;
  g_autoptr(GArray) values = NULL;
  g_autofree Candidate *row = NULL;
  g_autofree guint *unit_slot = NULL;
  g_autofree guint *slot_unit = NULL;
  g_autofree guint *layer = NULL;
  g_autofree guint *next = NULL;
  g_autofree guint *queue = NULL;
  guint lo, hi, distinct, total_need;
  double work;
  Matching m;

  for (guint p = 0; p < n_posts; p++)
    need += g_array_index (self->posts, Post, p).need;
  if (need > DOZOR_POST_ASSIGNMENT_MAX_NEED)
    {
      g_set_error (error, DOZOR_POST_ASSIGNMENT_ERROR, DOZOR_POST_ASSIGNMENT_ERROR_TOO_LARGE,
                   _("The plan’s posts need %u units in all; at most %u can be assigned at once"),
                   (guint) need, DOZOR_POST_ASSIGNMENT_MAX_NEED);
      return FALSE;
    }
  total_need = need;

  /* Each post's candidates: eligible units of its kind that can reach it,
   * nearest first, no more than the whole need. */
  start = g_new (guint, n_posts + 1);
  candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  row = g_new (Candidate, MAX (n_units, 1));
  slot_post = g_new (guint, MAX (need, 1));
  need = 0;
  for (guint p = 0; p < n_posts; p++)
    {
      const Post *post = &g_array_index (self->posts, Post, p);
      guint n = 0;

      for (guint u = 0; u < n_units; u++)
        {
          const Unit *unit = &g_array_index (self->units, Unit, u);
          float t = self->times[(gsize) p * n_units + u];

          if (unit->eligible && unit->fixed_post == NONE && !isinf (t) &&
              (post->kind == NULL || g_strcmp0 (post->kind, unit->kind) == 0))
            row[n++] = (Candidate) { t, u };
        }
      qsort (row, n, sizeof (Candidate), compare_candidates);
      start[p] = candidates->len;
      g_array_append_vals (candidates, row, MIN (n, total_need));
      for (guint k = 0; k < post->need; k++)
        slot_post[need++] = p;
    }
  start[n_posts] = candidates->len;

  m = (Matching) {
    .n_posts = n_posts, .n_units = n_units, .n_slots = total_need,
    .slot_post = slot_post, .candidates = (const Candidate *) candidates->data, .start = start,
    .limit = limit = g_new (guint, MAX (n_posts, 1)),
    .unit_slot = unit_slot = g_new (guint, MAX (n_units, 1)),
    .slot_unit = slot_unit = g_new (guint, MAX (total_need, 1)),
    .layer = layer = g_new (guint, MAX (total_need, 1)),
    .next = next = g_new (guint, MAX (total_need, 1)),
    .queue = queue = g_new (guint, MAX (total_need, 1)),
  };

  /* With every candidate allowed, either all places are filled or some
   * post cannot be covered whatever time is allowed. */
  set_limits (&m, INFINITY);
  if (matching_run (&m) < total_need)
    {
      set_short_error (self, &m, error);
      return FALSE;
    }

  /* The candidate times, sorted and distinct; no bottleneck is below the
   * time of the need-th nearest unit of any post. */
  values = g_array_sized_new (FALSE, FALSE, sizeof (float), candidates->len);
  for (guint c = 0; c < candidates->len; c++)
    g_array_append_val (values, g_array_index (candidates, Candidate, c).time);
  g_array_sort (values, compare_floats);
  distinct = 0;
  for (guint i = 0; i < values->len; i++)
    {
      float value = g_array_index (values, float, i);

      if (distinct == 0 || value != g_array_index (values, float, distinct - 1))
        g_array_index (values, float, distinct++) = value;
    }

  lo = 0;
  hi = distinct > 0 ? distinct - 1 : 0;
  {
    float floor_s = 0;

    for (guint p = 0; p < n_posts; p++)
      {
        guint nth = start[p] + g_array_index (self->posts, Post, p).need - 1;

        /* A post the fixed units cover has no place left to fill. */
        if (g_array_index (self->posts, Post, p).need == 0)
          continue;

        floor_s = MAX (floor_s, g_array_index (candidates, Candidate, nth).time);
      }
    while (lo < hi && g_array_index (values, float, lo) < floor_s)
      lo++;
  }
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      set_limits (&m, g_array_index (values, float, mid));
      if (matching_run (&m) == total_need)
        hi = mid;
      else
        lo = mid + 1;
    }

  set_limits (&m, MAX (distinct > 0 ? g_array_index (values, float, lo) : 0, fixed_max));
  self->unit_post = g_new (guint, MAX (n_units, 1));
  for (guint u = 0; u < n_units; u++)
    self->unit_post[u] = NONE;

  work = 0;
  for (guint p = 0; p < n_posts; p++)
    work += m.limit[p];
  work *= total_need;
  if (work <= self->total_work_limit)
    {
      if (!min_total (self, &m, cancellable, error))
        {
          forget_solution (self);
          return FALSE;
        }
      self->total_is_minimal = TRUE;
    }
  else
    {
      g_debug ("Post assignment: %u places × %.0f edges is too much to minimise the total",
               total_need, work / total_need);
      matching_run (&m);
      for (guint s = 0; s < total_need; s++)
        self->unit_post[slot_unit[s]] = slot_post[s];
    }

  self->bottleneck_s = 0;
  self->total_s = 0;
  for (guint u = 0; u < n_units; u++)
    if (self->unit_post[u] != NONE)
      {
        double t = self->times[(gsize) self->unit_post[u] * n_units + u];

        self->bottleneck_s = MAX (self->bottleneck_s, t);
        self->total_s += t;
      }

  return TRUE;
}

/**
 * dozor_post_assignment_fix_unit:
 * @self: a #DozorPostAssignment
 * @unit: a unit's index
 * @post: the index of the post the supervisor put it on
 *
 * Pins the unit to the post, as a supervisor's correction of a proposal
 * does: the next dozor_post_assignment_solve() sends it there whatever
 * its time, counts it towards the post's need, and assigns the others
 * to the places left, with the least time until every post is covered
 * (the fixed units' times included), then the least total.
 */
void
dozor_post_assignment_fix_unit (DozorPostAssignment *self,
                                guint                unit,
                                guint                post)
{
  g_return_if_fail (DOZOR_IS_POST_ASSIGNMENT (self));
  g_return_if_fail (unit < self->units->len && post < self->posts->len);

  g_array_index (self->units, Unit, unit).fixed_post = post;
  forget_solution (self);
}

/**
 * dozor_post_assignment_solve:
 * @self: a #DozorPostAssignment
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Assigns eligible units to posts so that every post gets its need from
 * units of its kind, with the least time until the last post is covered
 * (the largest time of any unit sent), and among those the least total
 * time if the problem is small enough (see
 * dozor_post_assignment_get_total_is_minimal()). A unit goes to one post
 * at most. Blocks: call it in a worker thread.
 *
 * Units fixed with dozor_post_assignment_fix_unit() stay where they
 * were put, and their times count.
 *
 * Returns: %TRUE if every post is covered; otherwise %FALSE with
 *   %DOZOR_POST_ASSIGNMENT_ERROR_SHORT naming a post that cannot be
 */
gboolean
dozor_post_assignment_solve (DozorPostAssignment  *self,
                             GCancellable         *cancellable,
                             GError              **error)
{
  guint n_posts = self->posts->len, n_units = self->units->len;
  g_autofree guint *own_need = NULL;
  double fixed_max = 0;
  gboolean solved;

  g_return_val_if_fail (DOZOR_IS_POST_ASSIGNMENT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  forget_solution (self);
  ensure_times (self);

  /* The fixed units take their places first; the rest is solved for
   * what they leave, the posts' needs put back afterwards. */
  own_need = g_new (guint, MAX (n_posts, 1));
  for (guint p = 0; p < n_posts; p++)
    own_need[p] = g_array_index (self->posts, Post, p).need;
  for (guint u = 0; u < n_units; u++)
    {
      guint post = g_array_index (self->units, Unit, u).fixed_post;

      if (post == NONE)
        continue;
      if (g_array_index (self->posts, Post, post).need > 0)
        g_array_index (self->posts, Post, post).need--;
      fixed_max = MAX (fixed_max, self->times[(gsize) post * n_units + u]);
    }
  solved = solve_free (self, fixed_max, cancellable, error);
  for (guint p = 0; p < n_posts; p++)
    g_array_index (self->posts, Post, p).need = own_need[p];
  if (!solved)
    return FALSE;

  for (guint u = 0; u < n_units; u++)
    if (g_array_index (self->units, Unit, u).fixed_post != NONE)
      self->unit_post[u] = g_array_index (self->units, Unit, u).fixed_post;
  self->bottleneck_s = 0;
  self->total_s = 0;
  for (guint u = 0; u < n_units; u++)
    if (self->unit_post[u] != NONE)
      {
        double t = self->times[(gsize) self->unit_post[u] * n_units + u];

        self->bottleneck_s = MAX (self->bottleneck_s, t);
        self->total_s += t;
      }
  return TRUE;
}

/**
 * dozor_post_assignment_get_unit_post:
 * @self: a #DozorPostAssignment
 * @unit: a unit's index
 *
 * Returns: the index of the post the unit is sent to, or G_MAXUINT if it
 *   stays where it is (or nothing is solved)
 */
guint
dozor_post_assignment_get_unit_post (DozorPostAssignment *self,
                                     guint                unit)
{
  g_return_val_if_fail (DOZOR_IS_POST_ASSIGNMENT (self), NONE);
  g_return_val_if_fail (unit < self->units->len, NONE);

  return self->unit_post != NULL ? self->unit_post[unit] : NONE;
}

/**
 * dozor_post_assignment_get_bottleneck_s:
 * @self: a #DozorPostAssignment
 *
 * Returns: seconds until every post is covered (the largest time of any
 *   unit sent), NAN if nothing is solved
 */
double
dozor_post_assignment_get_bottleneck_s (DozorPostAssignment *self)
{
  g_return_val_if_fail (DOZOR_IS_POST_ASSIGNMENT (self), NAN);

  return self->bottleneck_s;
}

/**
 * dozor_post_assignment_get_total_s:
 * @self: a #DozorPostAssignment
 *
 * Returns: the sum of the times of all units sent, NAN if nothing is solved
 */
double
dozor_post_assignment_get_total_s (DozorPostAssignment *self)
{
  g_return_val_if_fail (DOZOR_IS_POST_ASSIGNMENT (self), NAN);

  return self->total_s;
}

/**
 * dozor_post_assignment_get_total_is_minimal:
 * @self: a #DozorPostAssignment
 *
 * Returns: %TRUE if the total time is the least of all assignments with
 *   the same bottleneck; %FALSE if the problem was too large for that
 *   second step (the bottleneck is still the least), or nothing is solved
 */
gboolean
dozor_post_assignment_get_total_is_minimal (DozorPostAssignment *self)
{
  g_return_val_if_fail (DOZOR_IS_POST_ASSIGNMENT (self), FALSE);

  return self->total_is_minimal;
}

/**
 * dozor_post_is_reached:
 * @post_lat: the post's latitude
 * @post_lon: the post's longitude
 * @unit_lat: the unit's latest fix
 * @unit_lon: the unit's latest fix
 * @speed_m_s: the speed in that fix, m/s; NAN if the fix has none
 * @radius_m: how close counts as there (%DOZOR_POST_ARRIVAL_RADIUS_M)
 * @max_speed_m_s: how slow counts as stopped (%DOZOR_POST_ARRIVAL_SPEED_M_S)
 *
 * Whether a unit sent to a post has arrived, from its position: within the
 * radius and slow. A car driving past the post at speed has not arrived,
 * and neither has one whose fix gives no speed: the caller may work the
 * speed out from two fixes rather than have a passing car count.
 *
 * Returns: %TRUE if the unit is at the post
 */
gboolean
dozor_post_is_reached (double post_lat,
                       double post_lon,
                       double unit_lat,
                       double unit_lon,
                       double speed_m_s,
                       double radius_m,
                       double max_speed_m_s)
{
  return speed_m_s <= max_speed_m_s &&
         dozor_geo_distance_m (post_lat, post_lon, unit_lat, unit_lon) <= radius_m;
}
