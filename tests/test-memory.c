/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The board's allocator policy (app/dozor-memory.c): a map tile's pixels
 * (256 KiB) get a mapping of their own, returned to the system when
 * freed, while the situation is small; they come from the heap, to be
 * used again without page faults, once it holds a thousand units, and
 * again their own mapping when it shrinks well below that. A heap's freed
 * top is kept meanwhile, and given back by the trim timer. Workers do not
 * allocate from the main thread's arena.
 */
#include "config.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

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

/* Bytes the heap gave back to the system when a burst of blocks below
 * the mmap threshold, 10 MiB in all, was freed at its top: a render's
 * tiles freed before the next one's are made. */
static gsize
given_back_after_burst (void)
{
  void *blocks[160];
  size_t peak;

  for (guint i = 0; i < G_N_ELEMENTS (blocks); i++)
    {
      blocks[i] = malloc (64 * 1024);
      g_assert_nonnull (blocks[i]);
      memset (blocks[i], 1, 64 * 1024);
    }
  peak = mallinfo2 ().arena;
  for (guint i = G_N_ELEMENTS (blocks); i-- > 0;)
    free (blocks[i]);
  return peak > mallinfo2 ().arena ? peak - mallinfo2 ().arena : 0;
}

/* The main arena's heap, grown by brk: its range in /proc/self/maps. */
static void
main_heap_range (guintptr *start,
                 guintptr *stop)
{
  g_autofree char *maps = NULL;
  g_auto(GStrv) lines = NULL;

  *start = *stop = 0;
  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  lines = g_strsplit (maps, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_suffix (lines[i], "[heap]"))
      {
        *start = (guintptr) g_ascii_strtoull (lines[i], NULL, 16);
        *stop = (guintptr) g_ascii_strtoull (strchr (lines[i], '-') + 1, NULL, 16);
      }
  g_assert_cmpuint (*start, <, *stop);
}

/* A worker as the board's pools keep them: it allocates, and lives on
 * while the next one starts. */
typedef struct
{
  GMutex lock;
  GCond cond;
  guint allocated;
  gboolean done;
  gpointer blocks[6];
} Workers;

static gpointer
worker (gpointer data)
{
  Workers *workers = data;
  gpointer block = malloc (1024);

  g_assert_nonnull (block);
  g_mutex_lock (&workers->lock);
  workers->blocks[workers->allocated++] = block;
  g_cond_broadcast (&workers->cond);
  while (!workers->done)
    g_cond_wait (&workers->cond, &workers->lock);
  g_mutex_unlock (&workers->lock);
  free (block);
  return NULL;
}

static void
test_workers_apart (void)
{
  Workers workers = { 0 };
  GThread *threads[G_N_ELEMENTS (workers.blocks)];
  guintptr start, stop;

  dozor_memory_configure ();
  g_mutex_init (&workers.lock);
  g_cond_init (&workers.cond);
  /* The map's render and tile pools (two threads each on two cores), the
   * stream's decoder and the local copy's writer, started one by one. */
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      threads[i] = g_thread_new ("worker", worker, &workers);
      g_mutex_lock (&workers.lock);
      while (workers.allocated <= i)
        g_cond_wait (&workers.cond, &workers.lock);
      g_mutex_unlock (&workers.lock);
    }

  main_heap_range (&start, &stop);
  for (guint i = 0; i < G_N_ELEMENTS (workers.blocks); i++)
    {
      guintptr at = (guintptr) workers.blocks[i];

      if (at >= start && at < stop)
        g_error ("worker %u of %zu allocates from the main thread's arena", i + 1, G_N_ELEMENTS (threads));
    }

  g_mutex_lock (&workers.lock);
  workers.done = TRUE;
  g_cond_broadcast (&workers.cond);
  g_mutex_unlock (&workers.lock);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_cond_clear (&workers.cond);
  g_mutex_clear (&workers.lock);
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

static void
test_heap_kept (void)
{
  dozor_memory_configure ();
  dozor_memory_follow_units (200);
  /* A small situation: the heap shrinks as soon as its top is free. */
  g_assert_cmpuint (given_back_after_burst (), >=, 9 * 1024 * 1024);

  /* Thousands of units: kept, for the next render's tiles... */
  dozor_memory_follow_units (50000);
  g_assert_cmpuint (given_back_after_burst (), <, 1024 * 1024);
  /* ...until the trim timer gives it back. */
  {
    size_t before = mallinfo2 ().arena;

    malloc_trim (0);
    g_assert_cmpuint (mallinfo2 ().arena, <=, before - 9 * 1024 * 1024);
  }

  dozor_memory_follow_units (200);
  g_assert_cmpuint (given_back_after_burst (), >=, 9 * 1024 * 1024);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/memory/follows-units", test_follows_units);
  g_test_add_func ("/memory/heap-kept", test_heap_kept);
  g_test_add_func ("/memory/workers-apart", test_workers_apart);
  return g_test_run ();
}
