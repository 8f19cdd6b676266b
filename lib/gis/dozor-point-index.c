/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What is under the pointer, among thousands of drawn symbols, without
 * looking at all of them: a uniform grid of cells, each listing the symbols
 * whose centre falls in it. A query looks only at the cells within reach of
 * the largest symbol. The map's layers build one per rendered tile, in the
 * worker that draws it, so what the pointer finds is exactly what is drawn.
 *
 * Adding only appends to a flat array; the grid is made by the first
 * query. A render at 10,000 moving units indexes every unit of every tile
 * it draws, several times a second, and the pointer asks about one tile
 * now and then: a hash table of cells built for each tile and freed by the
 * next render cost the worker and the main thread 16 ms a second of CPU
 * (docs/performance.md, "Positions read without a tree").
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "dozor-point-index.h"

typedef struct
{
  float x, y, radius;
  guint item;
  guint order;       /* later-added symbols are drawn on top */
} Entry;

/* An entry and its cell, in the grid's order: by cell, then as added. */
typedef struct
{
  gint64 cell;
  Entry entry;
} Placed;

/* The grid: the entries sorted by cell, and where each cell starts. */
typedef struct
{
  Placed *placed;
  GHashTable *starts; /* &placed[i].cell of a cell's first → i + 1 */
} Grid;

struct _DozorPointIndex
{
  gatomicrefcount ref_count;
  double cell_size;
  double max_radius;
  GArray *entries;   /* Entry, as added */
  Grid *grid;        /* made once, by the first query */
};

G_DEFINE_BOXED_TYPE (DozorPointIndex, dozor_point_index, dozor_point_index_ref, dozor_point_index_unref)

static gint64
cell_key (gint64 cx,
          gint64 cy)
{
  return (cx << 32) ^ (cy & 0xffffffff);
}

static gint64
cell_of (DozorPointIndex *self,
         double           v)
{
  return (gint64) floor (v / self->cell_size);
}

/**
 * dozor_point_index_new:
 * @cell_size: the grid's cell size, in the units of the points; about the
 *   size of a symbol
 *
 * Returns: (transfer full): an empty index
 */
DozorPointIndex *
dozor_point_index_new (double cell_size)
{
  DozorPointIndex *self;

  g_return_val_if_fail (cell_size > 0, NULL);

  self = g_new0 (DozorPointIndex, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->cell_size = cell_size;
  self->entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  return self;
}

static void
grid_free (Grid *grid)
{
  g_hash_table_unref (grid->starts);
  g_free (grid->placed);
  g_free (grid);
}

DozorPointIndex *
dozor_point_index_ref (DozorPointIndex *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
dozor_point_index_unref (DozorPointIndex *self)
{
  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_clear_pointer (&self->grid, grid_free);
      g_array_unref (self->entries);
      g_free (self);
    }
}

/**
 * dozor_point_index_add:
 * @self: an index
 * @x: the symbol's centre
 * @y: the symbol's centre
 * @radius: how far from the centre it can be hit
 * @item: what the caller calls it
 *
 * Non-finite points are ignored: nothing can point at them.
 */
void
dozor_point_index_add (DozorPointIndex *self,
                       double           x,
                       double           y,
                       double           radius,
                       guint            item)
{
  Entry entry = { (float) x, (float) y, (float) MAX (radius, 0), item, self->entries->len };

  if (!(fabs (x) < 1e9) || !(fabs (y) < 1e9) || !(radius < 1e6))
    return;
  /* Made again by the next query, with this one. */
  g_clear_pointer (&self->grid, grid_free);
  g_array_append_val (self->entries, entry);
  self->max_radius = MAX (self->max_radius, entry.radius);
}

static int
compare_placed (gconstpointer a,
                gconstpointer b)
{
  const Placed *x = a, *y = b;

  if (x->cell != y->cell)
    return x->cell < y->cell ? -1 : 1;
  return x->entry.order < y->entry.order ? -1 : x->entry.order > y->entry.order;
}

static Grid *
grid_new (DozorPointIndex *self)
{
  Grid *grid = g_new0 (Grid, 1);
  guint n = self->entries->len;

  grid->placed = g_new (Placed, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      const Entry *entry = &g_array_index (self->entries, Entry, i);

      grid->placed[i].entry = *entry;
      grid->placed[i].cell = cell_key (cell_of (self, entry->x), cell_of (self, entry->y));
    }
  qsort (grid->placed, n, sizeof (Placed), compare_placed);
  grid->starts = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < n; i++)
    if (i == 0 || grid->placed[i].cell != grid->placed[i - 1].cell)
      g_hash_table_insert (grid->starts, &grid->placed[i].cell, GUINT_TO_POINTER (i + 1));
  return grid;
}

/**
 * dozor_point_index_find:
 * @self: an index
 * @x: where the pointer is
 * @y: where the pointer is
 * @slop: extra reach around every symbol, for a finger or a shaky hand
 * @item: (out): the symbol found
 *
 * Of the symbols within their radius plus @slop of the point, the one whose
 * edge is nearest; between equals, the one drawn last (on top). Makes the
 * grid the first time after an add: call from one thread at a time.
 *
 * Returns: whether a symbol is there
 */
gboolean
dozor_point_index_find (DozorPointIndex *self,
                        double           x,
                        double           y,
                        double           slop,
                        guint           *item)
{
  double reach = self->max_radius + MAX (slop, 0);
  gint64 cx0, cx1, cy0, cy1;
  double best = G_MAXDOUBLE;
  guint best_order = 0;
  gboolean found = FALSE;

  /* Far beyond any image: nothing is there, and the cell arithmetic below
   * stays within range. */
  if (self->entries->len == 0 || !(fabs (x) < 1e9) || !(fabs (y) < 1e9) || !(reach < 1e6))
    return FALSE;
  if (self->grid == NULL)
    self->grid = grid_new (self);

  cx0 = cell_of (self, x - reach);
  cx1 = cell_of (self, x + reach);
  cy0 = cell_of (self, y - reach);
  cy1 = cell_of (self, y + reach);

  for (gint64 cx = cx0; cx <= cx1; cx++)
    for (gint64 cy = cy0; cy <= cy1; cy++)
      {
        gint64 key = cell_key (cx, cy);
        guint start = GPOINTER_TO_UINT (g_hash_table_lookup (self->grid->starts, &key));

        for (guint i = start; start > 0 && i <= self->entries->len && self->grid->placed[i - 1].cell == key; i++)
          {
            const Entry *entry = &self->grid->placed[i - 1].entry;
            double gap = hypot (entry->x - x, entry->y - y) - entry->radius;

            if (gap > slop)
              continue;
            gap = MAX (gap, 0);
            if (!found || gap < best || (gap == best && entry->order > best_order))
              {
                found = TRUE;
                best = gap;
                best_order = entry->order;
                *item = entry->item;
              }
          }
      }

  return found;
}

guint
dozor_point_index_get_size (DozorPointIndex *self)
{
  return self->entries->len;
}
