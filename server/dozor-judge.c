/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * On PostgreSQL, which of the instances on one database judges route
 * compliance and the roster's flags (docs/postgresql.md, "One judging
 * instance"). Each judges what it is handed, so two judging the same
 * unit on halves of its track would miss deviations or write them twice.
 *
 * PostgreSQL elects: the judge is whoever holds a session advisory lock,
 * on a connection of its own in a thread of its own, so that waiting for
 * PostgreSQL never holds the main loop. The others try to take it every
 * second. When the judge dies its connection closes and PostgreSQL frees
 * the lock; the next try of another instance takes it. The judge asks
 * every second whether its connection is still the one that took the
 * lock: a connection that was lost (and that libpq's next call would make
 * again) no longer holds it, and the instance stops judging at once.
 */
#include "config.h"

#include "dozor-judge.h"
#include "dozor-pg.h"

/* The key of the judge's session advisory lock ("dozorjdg" in ASCII),
 * beside the migrations' and the log's. */
#define JUDGE_LOCK "7237137745287210087"

/* Between tries to take the lock, and between the judge's checks that it
 * still holds it: how soon another takes over after the judge dies. */
#define TRY_MS 1000

typedef struct
{
  /* Set at start, read by the thread. */
  char *target;
  GCancellable *cancellable;
  GMainContext *context;

  /* The main loop's. */
  DozorJudgeState state_func;
  gpointer user_data;
  gboolean stopped;
  gboolean judging;
} Shared;

struct _DozorJudge
{
  GObject parent_instance;

  Shared *shared;
  GThread *thread;
};

G_DEFINE_FINAL_TYPE (DozorJudge, dozor_judge, G_TYPE_OBJECT)

static void
shared_clear (gpointer data)
{
  Shared *shared = data;

  g_free (shared->target);
  g_clear_object (&shared->cancellable);
  g_main_context_unref (shared->context);
}

static void
shared_unref (Shared *shared)
{
  g_atomic_rc_box_release_full (shared, shared_clear);
}

typedef struct
{
  Shared *shared;
  gboolean judging;
} Change;

static void
change_free (gpointer data)
{
  Change *change = data;

  shared_unref (change->shared);
  g_free (change);
}

static gboolean
change_cb (gpointer data)
{
  Change *change = data;
  Shared *shared = change->shared;

  if (shared->stopped || shared->judging == change->judging)
    return G_SOURCE_REMOVE;
  shared->judging = change->judging;
  shared->state_func (change->judging, shared->user_data);
  return G_SOURCE_REMOVE;
}

static void
tell (Shared   *shared,
      gboolean  judging)
{
  Change *change = g_new0 (Change, 1);

  change->shared = g_atomic_rc_box_acquire (shared);
  change->judging = judging;
  g_main_context_invoke_full (shared->context, G_PRIORITY_DEFAULT, change_cb, change, change_free);
}

/* Waits @ms, or less if told to stop. */
static void
nap (GCancellable *cancellable,
     int           ms)
{
  GPollFD fd;

  if (g_cancellable_make_pollfd (cancellable, &fd))
    {
      g_poll (&fd, 1, ms);
      g_cancellable_release_fd (cancellable);
    }
}

static gpointer
elect (gpointer data)
{
  Shared *shared = data;
  g_autoptr(DozorPg) pg = NULL;
  gboolean judging = FALSE;
  guint generation = 0;

  while (!g_cancellable_is_cancelled (shared->cancellable))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PGresult) result = NULL;

      if (pg == NULL && (pg = dozor_pg_new (shared->target, &error)) != NULL)
        dozor_pg_set_cancellable (pg, shared->cancellable);

      if (pg != NULL && !judging)
        {
          /* A session lock: it stays with this connection until it
           * closes, however that happens. */
          result = dozor_pg_query (pg, "SELECT pg_try_advisory_lock(" JUDGE_LOCK ")", 0, NULL, &error);
          if (result != NULL && PQntuples (result) == 1 && g_str_equal (PQgetvalue (result, 0, 0), "t"))
            {
              judging = TRUE;
              generation = dozor_pg_get_generation (pg);
              g_message ("This instance judges route compliance and the roster's flags");
              tell (shared, TRUE);
            }
        }
      else if (pg != NULL)
        {
          result = dozor_pg_query (pg, "SELECT 1", 0, NULL, &error);
          /* A reconnection made a new session, which holds nothing. */
          if (result == NULL || dozor_pg_get_generation (pg) != generation)
            {
              judging = FALSE;
              g_message ("This instance no longer judges: %s",
                         error != NULL ? error->message : "its connection to PostgreSQL was made again");
              tell (shared, FALSE);
            }
        }

      nap (shared->cancellable, TRY_MS);
    }

  /* Closing the connection frees the lock for the others at once. */
  g_clear_object (&pg);
  shared_unref (shared);
  return NULL;
}

static void
dozor_judge_dispose (GObject *object)
{
  dozor_judge_stop (DOZOR_JUDGE (object));

  G_OBJECT_CLASS (dozor_judge_parent_class)->dispose (object);
}

static void
dozor_judge_class_init (DozorJudgeClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_judge_dispose;
}

static void
dozor_judge_init (DozorJudge *self)
{
}

/**
 * dozor_judge_new:
 * @target: the PostgreSQL database (a URI or conninfo)
 * @state: called on the current thread-default main loop when this
 *   instance becomes the judge or stops being it
 * @user_data: for @state
 *
 * Returns: (transfer full): the election, already trying in its thread
 */
DozorJudge *
dozor_judge_new (const char      *target,
                 DozorJudgeState  state,
                 gpointer         user_data)
{
  DozorJudge *self = g_object_new (DOZOR_TYPE_JUDGE, NULL);
  Shared *shared = g_atomic_rc_box_new0 (Shared);

  shared->target = g_strdup (target);
  shared->cancellable = g_cancellable_new ();
  shared->context = g_main_context_ref_thread_default ();
  shared->state_func = state;
  shared->user_data = user_data;
  self->shared = shared;
  self->thread = g_thread_new ("dozor-judge", elect, g_atomic_rc_box_acquire (shared));
  return self;
}

/**
 * dozor_judge_is_judging:
 * @self: a #DozorJudge
 *
 * Returns: whether this instance judges, as far as the main loop knows
 */
gboolean
dozor_judge_is_judging (DozorJudge *self)
{
  return self->shared != NULL && self->shared->judging;
}

/**
 * dozor_judge_stop:
 * @self: a #DozorJudge
 *
 * Nothing more is told. The thread ends by itself, after its statement or
 * connection attempt, and its connection's end frees the lock.
 */
void
dozor_judge_stop (DozorJudge *self)
{
  if (self->shared == NULL)
    return;

  self->shared->stopped = TRUE;
  g_cancellable_cancel (self->shared->cancellable);
  g_clear_pointer (&self->thread, g_thread_unref);
  g_clear_pointer (&self->shared, shared_unref);
}
