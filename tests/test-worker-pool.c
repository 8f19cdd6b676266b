/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The map's worker threads (app/map/dozor-worker-pool.c): they run below
 * the main thread's priority, so that a render or a basemap tile never
 * holds back the threads that draw a frame, and they take queued work
 * most urgent first (the units' render before the areas', a screenful of
 * tiles in the order asked).
 */
#include "config.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dozor-worker-pool.h"

typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean open;         /* the gate the first task waits at */
  gboolean arrived;      /* the first task is at the gate */
  GArray *order;         /* int: the tasks' names, as they ran */
  int niceness;          /* what the last task's thread ran at */
  guint done;
} Run;

static void
record_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Run *run = g_object_get_data (G_OBJECT (task), "run");
  int name = GPOINTER_TO_INT (task_data);

  g_mutex_lock (&run->lock);
  run->arrived = TRUE;
  g_cond_broadcast (&run->cond);
  /* The first task holds the pool's only thread until the rest are queued. */
  while (!run->open)
    g_cond_wait (&run->cond, &run->lock);
  g_array_append_val (run->order, name);
  errno = 0;
  run->niceness = getpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid));
  g_mutex_unlock (&run->lock);
  g_task_return_boolean (task, TRUE);
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  g_assert_true (g_task_propagate_boolean (G_TASK (result), NULL));
  run->done++;
}

static void
queue (DozorWorkerPool *pool,
       Run             *run,
       int              name,
       int              priority)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, done_cb, run);

  g_task_set_priority (task, priority);
  g_task_set_task_data (task, GINT_TO_POINTER (name), NULL);
  g_object_set_data (G_OBJECT (task), "run", run);
  dozor_worker_pool_run (pool, task, record_in_thread);
}

static void
wait_done (Run   *run,
           guint  n)
{
  while (run->done < n)
    g_main_context_iteration (NULL, TRUE);
}

/* The thread runs at the niceness asked for, and the main thread keeps its own. */
static void
test_niceness (void)
{
  Run run = { .open = TRUE, .order = g_array_new (FALSE, FALSE, sizeof (int)) };
  int base, main_after;
  DozorWorkerPool *pool;

  errno = 0;
  base = getpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid));
  g_assert_cmpint (errno, ==, 0);
  if (base > 5)
    {
      /* A test runner already below: the pool cannot raise its threads. */
      g_test_skip ("the test runs at a niceness above 5");
      g_array_unref (run.order);
      return;
    }
  pool = dozor_worker_pool_new (1, 5);
  queue (pool, &run, 1, G_PRIORITY_DEFAULT);
  wait_done (&run, 1);
  g_assert_cmpint (run.niceness, ==, 5);
  main_after = getpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid));
  g_assert_cmpint (main_after, ==, base);
  g_array_unref (run.order);
}

/* Queued tasks run most urgent first, and in the order queued among equals. */
static void
test_order (void)
{
  Run run = { .open = FALSE, .order = g_array_new (FALSE, FALSE, sizeof (int)) };
  DozorWorkerPool *pool = dozor_worker_pool_new (1, 10);
  const int expected[] = { 0, 1, 2, 3, 4, 5 };

  /* 0 takes the thread and waits; the rest queue behind it. */
  queue (pool, &run, 0, G_PRIORITY_LOW);
  g_mutex_lock (&run.lock);
  while (!run.arrived)
    g_cond_wait (&run.cond, &run.lock);
  g_mutex_unlock (&run.lock);
  queue (pool, &run, 5, G_PRIORITY_HIGH + 30);
  queue (pool, &run, 3, G_PRIORITY_HIGH + 10);
  queue (pool, &run, 1, G_PRIORITY_HIGH);
  queue (pool, &run, 4, G_PRIORITY_HIGH + 10);
  queue (pool, &run, 2, G_PRIORITY_HIGH);

  g_mutex_lock (&run.lock);
  run.open = TRUE;
  g_cond_broadcast (&run.cond);
  g_mutex_unlock (&run.lock);
  wait_done (&run, G_N_ELEMENTS (expected));

  g_assert_cmpmem (run.order->data, run.order->len * sizeof (int), expected, sizeof expected);
  g_array_unref (run.order);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/worker-pool/niceness", test_niceness);
  g_test_add_func ("/worker-pool/order", test_order);
  return g_test_run ();
}
