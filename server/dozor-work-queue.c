/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Slow work of dozord (password hashes, history reads) runs in GTask worker
 * threads so that the main loop keeps answering and streaming. A flood of
 * such requests must not take every CPU nor pile up without end: a queue
 * runs at most max_running of its tasks at once, keeps max_waiting more in
 * order, and refuses the rest at once (DOZOR_WORK_QUEUE_ERROR_FULL).
 * Everything but the tasks' thread functions runs on the main thread.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-work-queue.h"

typedef struct
{
  GTask *task;
  GTaskThreadFunc func;
} Job;

struct _DozorWorkQueue
{
  GObject parent_instance;

  guint max_running;
  guint max_waiting;
  guint running;
  GQueue waiting; /* Job */
};

G_DEFINE_FINAL_TYPE (DozorWorkQueue, dozor_work_queue, G_TYPE_OBJECT)

G_DEFINE_QUARK (dozor-work-queue-error-quark, dozor_work_queue_error)

static void start (DozorWorkQueue *self, GTask *task, GTaskThreadFunc func);

/* "completed" is notified on the main thread once the task's callback has
 * run: its worker is free for the next one. */
static void
completed_cb (GTask      *task,
              GParamSpec *pspec,
              gpointer    user_data)
{
  DozorWorkQueue *self = user_data;
  Job *next;

  g_signal_handlers_disconnect_by_data (task, self);
  self->running--;

  next = g_queue_pop_head (&self->waiting);
  if (next != NULL)
    {
      start (self, next->task, next->func);
      g_object_unref (next->task);
      g_free (next);
    }
}

static void
start (DozorWorkQueue  *self,
       GTask           *task,
       GTaskThreadFunc  func)
{
  self->running++;
  g_signal_connect_object (task, "notify::completed", G_CALLBACK (completed_cb), self, 0);
  g_task_run_in_thread (task, func);
}

static void
job_free (gpointer data)
{
  Job *job = data;

  g_object_unref (job->task);
  g_free (job);
}

static void
dozor_work_queue_finalize (GObject *object)
{
  DozorWorkQueue *self = (DozorWorkQueue *)object;

  /* Only when dozord stops: the waiting requests' connections go too. */
  g_queue_clear_full (&self->waiting, job_free);

  G_OBJECT_CLASS (dozor_work_queue_parent_class)->finalize (object);
}

static void
dozor_work_queue_class_init (DozorWorkQueueClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_work_queue_finalize;
}

static void
dozor_work_queue_init (DozorWorkQueue *self)
{
  g_queue_init (&self->waiting);
}

/**
 * dozor_work_queue_new:
 * @max_running: how many tasks run at once, at least 1
 * @max_waiting: how many more wait for a free worker
 *
 * Returns: (transfer full): a new queue
 */
DozorWorkQueue *
dozor_work_queue_new (guint max_running,
                      guint max_waiting)
{
  DozorWorkQueue *self = g_object_new (DOZOR_TYPE_WORK_QUEUE, NULL);

  self->max_running = MAX (max_running, 1);
  self->max_waiting = max_waiting;
  return self;
}

/**
 * dozor_work_queue_run:
 * @self: a #DozorWorkQueue
 * @task: a task made on the main thread
 * @func: what to run in a worker thread
 *
 * Runs @func for @task now if a worker of the queue is free, later if not;
 * when too many wait already, @task returns %DOZOR_WORK_QUEUE_ERROR_FULL.
 */
void
dozor_work_queue_run (DozorWorkQueue  *self,
                      GTask           *task,
                      GTaskThreadFunc  func)
{
  Job *job;

  if (self->running < self->max_running)
    {
      start (self, task, func);
      return;
    }
  if (g_queue_get_length (&self->waiting) >= self->max_waiting)
    {
      g_task_return_new_error (task, DOZOR_WORK_QUEUE_ERROR, DOZOR_WORK_QUEUE_ERROR_FULL,
                               _("The server is busy; try again in a moment"));
      return;
    }

  job = g_new0 (Job, 1);
  job->task = g_object_ref (task);
  job->func = func;
  g_queue_push_tail (&self->waiting, job);
}

/**
 * dozor_work_queue_get_running:
 * @self: a #DozorWorkQueue
 *
 * Returns: how many of its tasks run now
 */
guint
dozor_work_queue_get_running (DozorWorkQueue *self)
{
  return self->running;
}
