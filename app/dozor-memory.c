/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How the board asks the C library's allocator to hold less memory. A board
 * runs for a whole shift and allocates in bursts (a snapshot of thousands of
 * units, map tiles drawn in worker threads, decoded basemap tiles); with
 * glibc's defaults the memory freed after a burst mostly stays with the
 * process (docs/performance.md, "Memory of the board"):
 *
 * - glibc raises its mmap threshold to the size of the largest block freed
 *   (up to 32 MiB), so after the first tiles are freed the next ones come
 *   from the heaps, where a single small block still in use above
 *   them keeps all of them resident. A fixed threshold keeps every large
 *   block in its own mapping, returned to the system when freed.
 * - Each thread that allocates gets an arena, its own while there are
 *   fewer than M_ARENA_MAX (eight per core by default), else one shared,
 *   and each arena keeps its own free memory. A worker that shares the
 *   main thread's arena leaves its pages partly used among the main
 *   thread's long-lived blocks, where no trim can give them back.
 * - Free memory inside the heaps is only returned by malloc_trim(), which
 *   the board calls after a burst and then on a slow timer.
 *
 * Elsewhere than on glibc these are left to the C library.
 */
#include "config.h"

#include "dozor-memory.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

/* Blocks this large or larger get their own mapping: the map's tiles
 * (256 KiB, drawn anew by the hundred while units move), snapshot texts.
 * glibc's default size, but fixed: from the heap, the tiles freed in one
 * render stayed resident behind the next (at 3840×2160 with 5,000 cars,
 * 850 MB with a raised threshold, 623 MB at 128 KiB). */
#define MMAP_THRESHOLD (128 * 1024)

/* With this many units or more, every tile in view changes with every
 * round of fixes, and each render frees and allocates its tiles' pixels
 * and, on the GL renderer, llvmpipe's texture stores (256 KiB each, on the
 * main thread). In mappings of their own each costs a fresh mmap, its page
 * faults, a memset and a munmap with a TLB flush on every core: at 50,000
 * units the main thread took 13.5–18.4 ms of CPU a moving frame, against
 * 5.7–7.0 ms with the threshold just above a tile (docs/performance.md,
 * "tileupload"). Just above a tile they come from the heap and are used
 * again; that holds 14–16 MB more on a desk with 200 cars, whose tiles
 * rarely change, so the threshold is raised only for a large situation
 * and lowered again below LOWER (no flapping around one count). */
#define MANY_UNITS 1000
#define FEW_UNITS 800
#define MANY_UNITS_MMAP_THRESHOLD (260 * 1024)
/* With as many units, the freed top of a heap is kept up to this size
 * instead of above 128 KiB (glibc's default, which a threshold set by
 * mallopt() leaves fixed): a render frees its tiles and the next
 * allocates as many, and a heap shrunk in between is grown again by
 * page faults, its shrinking a TLB flush on both cores
 * (docs/performance.md, "The freed heap kept while units move in
 * thousands"). A render at 1920×1080 frees some 40 tiles, 10 MiB, and
 * llvmpipe as much: below that the heap is still cut back after each.
 * The trim timer still gives it back every DOZOR_MEMORY_TRIM_SECONDS. */
#define MANY_UNITS_TRIM_THRESHOLD (32 * 1024 * 1024)
#define TRIM_THRESHOLD (128 * 1024)

/* Arenas in all: the main thread's and one each for the first seven
 * threads that allocate (the map's render and tile pools, the stream's
 * decoder, the local copy's writer, the street map's loader…), which the
 * trim timer empties. With two, glibc gave the second worker to allocate
 * the main thread's arena (it takes the first arena not locked, starting
 * from the main one): which worker that was changed from run to run, and
 * a desk with 200 cars held 273–281 MB or 288–298 MB by it, its main heap
 * ~103 or ~127 MB from the start. In four runs each, one arena gave
 * 288–290 MB every time, eight 274–278 MB (docs/performance.md, "The
 * workers' arenas"). */
#define ARENA_MAX 8

static guint trim_id;
static gboolean many_units;

/**
 * dozor_memory_configure:
 *
 * Sets the allocator's policy; call first thing in main(), before any
 * thread is started.
 */
void
dozor_memory_configure (void)
{
#ifdef __GLIBC__
  mallopt (M_MMAP_THRESHOLD, MMAP_THRESHOLD);
  mallopt (M_ARENA_MAX, ARENA_MAX);
#endif
}

/**
 * dozor_memory_follow_units:
 * @n_units: how many units the situation holds now
 *
 * Lets large tiles come from the heap, and keeps the heap's freed top,
 * while a situation of thousands of units makes every tile change with
 * every round of fixes; gives each its own mapping, and the heap's top
 * back at once, again when it is small. Main thread; cheap when nothing
 * changes.
 */
void
dozor_memory_follow_units (guint n_units)
{
  gboolean many = many_units ? n_units >= FEW_UNITS : n_units >= MANY_UNITS;

  if (many == many_units)
    return;
  many_units = many;
#ifdef __GLIBC__
  mallopt (M_MMAP_THRESHOLD, many ? MANY_UNITS_MMAP_THRESHOLD : MMAP_THRESHOLD);
  mallopt (M_TRIM_THRESHOLD, many ? MANY_UNITS_TRIM_THRESHOLD : TRIM_THRESHOLD);
#endif
  g_debug ("Large blocks from the heap: %s (%u units)", many ? "yes" : "no", n_units);
}

static gboolean
trim_cb (gpointer user_data)
{
#ifdef __GLIBC__
  gint64 start = g_get_monotonic_time ();
  int released = malloc_trim (0);

  g_debug ("Memory trimmed (%s) in %.1f ms", released ? "some given back" : "nothing to give back",
           (g_get_monotonic_time () - start) / 1000.0);
#endif
  if (user_data == NULL)
    trim_id = 0;
  return user_data != NULL ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/**
 * dozor_memory_trim_soon:
 *
 * Gives freed memory back to the system once the main loop is idle: after
 * a burst such as a snapshot loaded.
 */
void
dozor_memory_trim_soon (void)
{
  if (trim_id == 0)
    trim_id = g_idle_add_full (G_PRIORITY_LOW, trim_cb, NULL, NULL);
}

/**
 * dozor_memory_start_trimming:
 *
 * Gives freed memory back every %DOZOR_MEMORY_TRIM_SECONDS for as long as
 * the program runs.
 */
void
dozor_memory_start_trimming (void)
{
  static gsize started = 0;

  if (g_once_init_enter (&started))
    {
      /* Any non-NULL data marks the repeating source. */
      g_timeout_add_seconds_full (G_PRIORITY_LOW, DOZOR_MEMORY_TRIM_SECONDS, trim_cb, &started, NULL);
      g_once_init_leave (&started, 1);
    }
}
