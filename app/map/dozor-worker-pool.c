/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Threads of their own, below the main thread's priority, that run
 * GTasks as g_task_run_in_thread() would: the map's drawing in the
 * background. With llvmpipe (a software GL renderer) a frame is drawn by
 * threads that need both cores for most of the frame; a render or a
 * basemap tile composed at the same priority takes a core from them and
 * the frame waits. At a lower priority it runs in the gaps between frames
 * and yields at once when the frame's threads wake (docs/decisions.md,
 * "The map's workers below the frame's priority").
 *
 * Linux applies a priority to one thread (setpriority() on its id); the
 * pool is exclusive, so no other work runs on its threads. Queued tasks
 * run by GTask priority (g_task_set_priority()), lower values first, and
 * in the order they came among equals.
 */
#include "config.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dozor-worker-pool.h"

struct _DozorWorkerPool
{
  GThreadPool *threads;
  int niceness;
  gint serial;            /* atomic: the order tasks came in */
};

typedef struct
{
  GTask *task;
  GTaskThreadFunc func;
  int priority;
  gint serial;
} Job;

/* The priority this thread was given, set once; a pool's threads are its own. */
static GPrivate applied;

static gint
job_compare (gconstpointer a,
             gconstpointer b,
             gpointer      user_data)
{
  const Job *first = a, *second = b;

  if (first->priority != second->priority)
    return first->priority < second->priority ? -1 : 1;
  /* Wrapping serials compare by their difference. */
  return (gint) ((guint) first->serial - (guint) second->serial) < 0 ? -1 : 1;
}

static void
run_job (gpointer data,
         gpointer user_data)
{
  DozorWorkerPool *pool = user_data;
  Job *job = data;

  if (g_private_get (&applied) == NULL)
    {
      /* Lowering a priority needs no privilege; a process already run at a
       * lower one keeps it (raising would need CAP_SYS_NICE). */
      if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), pool->niceness) != 0)
        g_debug ("Worker thread keeps its priority: %s", g_strerror (errno));
      g_private_set (&applied, GINT_TO_POINTER (1));
    }
  job->func (job->task, g_task_get_source_object (job->task), g_task_get_task_data (job->task),
             g_task_get_cancellable (job->task));
  g_object_unref (job->task);
  g_free (job);
}

/**
 * dozor_worker_pool_new:
 * @n_threads: how many threads, at least one
 * @niceness: their nice(1) value, 0 (the main thread's) to 19
 *
 * Starts @n_threads threads at @niceness. A pool lives as long as the
 * process.
 *
 * Returns: (transfer full): the pool
 */
DozorWorkerPool *
dozor_worker_pool_new (guint n_threads,
                       int   niceness)
{
  DozorWorkerPool *pool = g_new0 (DozorWorkerPool, 1);
  g_autoptr(GError) error = NULL;

  pool->niceness = CLAMP (niceness, 0, 19);
  pool->threads = g_thread_pool_new (run_job, pool, (int) MAX (1, n_threads), TRUE, &error);
  /* Only failing to make a thread fails, which GLib aborts on anyway. */
  g_assert_no_error (error);
  g_thread_pool_set_sort_function (pool->threads, job_compare, NULL);
  return pool;
}

/**
 * dozor_worker_pool_get:
 * @niceness: its threads' nice(1) value, 0 to 19
 *
 * The process's pool at @niceness, one thread per core, started when
 * first asked for: the map's renders share one, its basemap tiles another.
 *
 * Returns: (transfer none): the pool
 */
DozorWorkerPool *
dozor_worker_pool_get (int niceness)
{
  static GMutex lock;
  static DozorWorkerPool *pools[20];
  DozorWorkerPool *pool;

  niceness = CLAMP (niceness, 0, 19);
  g_mutex_lock (&lock);
  if (pools[niceness] == NULL)
    pools[niceness] = dozor_worker_pool_new (MAX (1, g_get_num_processors ()), niceness);
  pool = pools[niceness];
  g_mutex_unlock (&lock);
  return pool;
}

/**
 * dozor_worker_pool_run:
 * @pool: a #DozorWorkerPool
 * @task: the task, which @func returns
 * @func: what runs in a thread of @pool, as with g_task_run_in_thread()
 *
 * Queues @task by its priority. @func runs in one of @pool's threads even
 * if @task is cancelled meanwhile; it reads g_task_get_cancellable().
 */
void
dozor_worker_pool_run (DozorWorkerPool *pool,
                       GTask           *task,
                       GTaskThreadFunc  func)
{
  Job *job = g_new0 (Job, 1);

  job->task = g_object_ref (task);
  job->func = func;
  job->priority = g_task_get_priority (task);
  job->serial = g_atomic_int_add (&pool->serial, 1);
  g_thread_pool_push (pool->threads, job, NULL);
}
