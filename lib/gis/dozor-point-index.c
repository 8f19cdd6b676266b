/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What is under the pointer, among thousands of drawn symbols, without
 * looking at all of them: a uniform grid of cells, each listing the symbols
 * whose centre falls in it. A query looks only at the cells within reach of
 * the largest symbol. The map's layers build one per rendered image, in the
 * worker that draws it, so what the pointer finds is exactly what is drawn.
 */
#include "config.h"

#include <math.h>

#include "dozor-point-index.h"

typedef struct
{
  float x, y, radius;
  guint item;
  guint order;       /* later-added symbols are drawn on top */
} Entry;

struct _DozorPointIndex
{
  gatomicrefcount ref_count;
  double cell_size;
  double max_radius;
  guint size;
  GHashTable *cells; /* packed cell coordinates → GArray of Entry */
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
  DozorPointIndex *self = g_new0 (DozorPointIndex, 1);

  g_return_val_if_fail (cell_size > 0, NULL);

  g_atomic_ref_count_init (&self->ref_count);
  self->cell_size = cell_size;
  self->cells = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) g_array_unref);
  return self;
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
      g_hash_table_unref (self->cells);
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
  gint64 key;
  GArray *cell;
  Entry entry = { (float) x, (float) y, (float) MAX (radius, 0), item, self->size };

  if (!(fabs (x) < 1e9) || !(fabs (y) < 1e9) || !(radius < 1e6))
    return;

  key = cell_key (cell_of (self, x), cell_of (self, y));
  cell = g_hash_table_lookup (self->cells, &key);
  if (cell == NULL)
    {
      cell = g_array_sized_new (FALSE, FALSE, sizeof (Entry), 4);
      g_hash_table_insert (self->cells, g_memdup2 (&key, sizeof key), cell);
    }
  g_array_append_val (cell, entry);
  self->max_radius = MAX (self->max_radius, entry.radius);
  self->size++;
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
 * edge is nearest; between equals, the one drawn last (on top).
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
  if (self->size == 0 || !(fabs (x) < 1e9) || !(fabs (y) < 1e9) || !(reach < 1e6))
    return FALSE;

  cx0 = cell_of (self, x - reach);
  cx1 = cell_of (self, x + reach);
  cy0 = cell_of (self, y - reach);
  cy1 = cell_of (self, y + reach);

  for (gint64 cx = cx0; cx <= cx1; cx++)
    for (gint64 cy = cy0; cy <= cy1; cy++)
      {
        gint64 key = cell_key (cx, cy);
        GArray *cell = g_hash_table_lookup (self->cells, &key);

        for (guint i = 0; cell != NULL && i < cell->len; i++)
          {
            const Entry *entry = &g_array_index (cell, Entry, i);
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
  return self->size;
}
