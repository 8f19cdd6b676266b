/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The board's allocator policy (app/dozor-memory.c): a map tile's pixels
 * (256 KiB) get a mapping of their own, returned to the system when
 * freed, while the situation is small; they come from the heap, to be
 * used again without page faults, once it holds a thousand units, and
 * again their own mapping when it shrinks well below that.
 */
#include "config.h"

#include <malloc.h>
#include <stdlib.h>

#include "dozor-memory.h"

#define TILE_BYTES (256 * 256 * 4)

/* Whether a tile's pixels allocated now get a mapping of their own. */
static gboolean
tile_is_mapped (void)
{
  size_t before = mallinfo2 ().hblks;
  void *tile = malloc (TILE_BYTES);
  size_t during = mallinfo2 ().hblks;

  g_assert_nonnull (tile);
  free (tile);
  return during > before;
}

static void
test_follows_units (void)
{
  dozor_memory_configure ();
  g_assert_true (tile_is_mapped ());

  dozor_memory_follow_units (200);
  g_assert_true (tile_is_mapped ());
  dozor_memory_follow_units (999);
  g_assert_true (tile_is_mapped ());

  dozor_memory_follow_units (1000);
  g_assert_false (tile_is_mapped ());
  dozor_memory_follow_units (50000);
  g_assert_false (tile_is_mapped ());
  /* Not back at once: a count around a thousand must not flap. */
  dozor_memory_follow_units (900);
  g_assert_false (tile_is_mapped ());

  dozor_memory_follow_units (200);
  g_assert_true (tile_is_mapped ());
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/memory/follows-units", test_follows_units);
  return g_test_run ();
}
