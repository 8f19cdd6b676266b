/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A binary min-heap of (cost, node) in a GArray, for Dijkstra's searches:
 * the road graph's and the post assignment's. Lazy deletion: a node may be
 * pushed again with a lower cost, and the caller skips stale entries.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double cost;
  guint node;
} DozorCostItem;

static inline void
dozor_cost_heap_push (GArray        *heap,
                      DozorCostItem  item)
{
  guint i;

  g_array_append_val (heap, item);
  for (i = heap->len - 1; i > 0; )
    {
      guint parent = (i - 1) / 2;
      DozorCostItem *items = (DozorCostItem *) heap->data;

      if (items[parent].cost <= items[i].cost)
        break;
      item = items[parent];
      items[parent] = items[i];
      items[i] = item;
      i = parent;
    }
}

static inline DozorCostItem
dozor_cost_heap_pop (GArray *heap)
{
  DozorCostItem *items = (DozorCostItem *) heap->data;
  DozorCostItem top = items[0];
  guint i = 0;

  items[0] = items[heap->len - 1];
  g_array_set_size (heap, heap->len - 1);
  items = (DozorCostItem *) heap->data;

  for (;;)
    {
      guint left = 2 * i + 1, right = left + 1, smallest = i;
      DozorCostItem swap;

      if (left < heap->len && items[left].cost < items[smallest].cost)
        smallest = left;
      if (right < heap->len && items[right].cost < items[smallest].cost)
        smallest = right;
      if (smallest == i)
        break;
      swap = items[i];
      items[i] = items[smallest];
      items[smallest] = swap;
      i = smallest;
    }

  return top;
}

G_END_DECLS
