/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * On PostgreSQL, how committed events reach this dozord's stream clients:
 * from the events table, whoever committed them (docs/postgresql.md, "One
 * stream across instances").
 *
 * One connection LISTENs in a thread of its own, so that waiting for
 * PostgreSQL, or for it to come back, never holds the main loop. On each
 * wake-up, and at least once a second without one (a NOTIFY can be lost
 * with a connection), the thread reads `seq > last` in order and hands the
 * events to the main loop. Commits take the counter row's lock and commit
 * in seq order, so a read that sees seq N sees every seq below it: what
 * the follower hands over is gapless, and the same on every instance.
 *
 * The same session elects the instance that judges route compliance and
 * the roster's flags (docs/postgresql.md, "One judging instance"): the
 * judge holds a session advisory lock, which the others try to take every
 * second. When the judge dies its session ends and PostgreSQL frees the
 * lock; the next try of another takes it. A session that was lost (and
 * that libpq's next call makes again) holds nothing, so the judge stops
 * judging at the first failure or reconnection. The judge is fed by this
 * very follower: it judges only while it reads every instance's events.
 */
#include "config.h"

#include "dozor-log-follower.h"
#include "dozor-pg-log.h"

/* The longest wait without a NOTIFY before reading anyway. */
#define WAIT_MS 1000
/* Events read per statement. */
#define PAGE 1000
/* Pages read in a row before waiting again: a flood still lets the
 * thread see that it was told to stop. */
#define PAGES_PER_WAKE_UP 50
/* Between attempts while PostgreSQL cannot be reached. */
#define RETRY_MS 250
/* The key of the judge's session advisory lock ("dozorjdg" in ASCII),
 * beside the migrations' and the log's. */
#define JUDGE_LOCK "7237137745287210087"
/* Between tries to take it: how soon another instance judges after the
 * judge died. */
#define JUDGE_TRY_US G_USEC_PER_SEC
/* Events handed over that the main loop has not taken yet, at most: the
 * thread reads no further while the main loop is behind, so a flood
 * waits in the table, not in dozord's memory. */
#define MAX_IN_FLIGHT 20000

typedef struct
{
  /* Set at start, read by the thread. */
  char *target;
  GCancellable *cancellable;
  GMainContext *context;
  gint64 after;
  gint in_flight; /* atomic */

  /* The main loop's. */
  DozorLogFollowerEvents events_func;
  DozorLogFollowerState state_func;
  DozorLogFollowerJudge judge_func;
  gpointer user_data;
  gboolean stopped;
  gint64 seq;
  gboolean live;
  gboolean judging;
} Shared;

struct _DozorLogFollower
{
  GObject parent_instance;

  Shared *shared;
  GThread *thread;
};

G_DEFINE_FINAL_TYPE (DozorLogFollower, dozor_log_follower, G_TYPE_OBJECT)

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

/* What the thread hands to the main loop: events, or a change of state. */
typedef struct
{
  Shared *shared;
  GPtrArray *events; /* NULL for a state */
  gint64 first;
  gboolean live;
  gboolean about_judge; /* a state of the judge's lock, in live */
} Delivery;

static void
delivery_free (gpointer data)
{
  Delivery *delivery = data;

  g_clear_pointer (&delivery->events, g_ptr_array_unref);
  shared_unref (delivery->shared);
  g_free (delivery);
}

static gboolean
deliver_cb (gpointer data)
{
  Delivery *delivery = data;
  Shared *shared = delivery->shared;

  if (delivery->events != NULL)
    g_atomic_int_add (&shared->in_flight, -(gint) delivery->events->len);

  /* Stopped: the server that asked is going away. */
  if (shared->stopped)
    return G_SOURCE_REMOVE;

  if (delivery->events != NULL)
    {
      shared->seq = delivery->first + delivery->events->len - 1;
      shared->events_func (delivery->events, delivery->first, shared->user_data);
    }
  else if (delivery->about_judge)
    {
      if (shared->judging != delivery->live)
        {
          shared->judging = delivery->live;
          shared->judge_func (delivery->live, shared->user_data);
        }
    }
  else if (shared->live != delivery->live)
    {
      shared->live = delivery->live;
      shared->state_func (delivery->live, shared->user_data);
    }
  return G_SOURCE_REMOVE;
}

static void
deliver (Shared    *shared,
         GPtrArray *events,
         gint64     first,
         gboolean   live,
         gboolean   about_judge)
{
  Delivery *delivery = g_new0 (Delivery, 1);

  delivery->shared = g_atomic_rc_box_acquire (shared);
  if (events != NULL)
    g_atomic_int_add (&shared->in_flight, (gint) events->len);
  delivery->events = events;
  delivery->first = first;
  delivery->live = live;
  delivery->about_judge = about_judge;
  g_main_context_invoke_full (shared->context, G_PRIORITY_DEFAULT, deliver_cb, delivery, delivery_free);
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

/* Reads what was committed after *@last and hands it over, consecutive
 * runs only. A seq missing in the table can only be one retention
 * deleted: the run after it goes as it is, and the stream clients, seeing
 * a seq that does not follow theirs, catch up from the table. */
static gboolean
read_new (Shared      *shared,
          DozorPgLog  *log,
          gint64      *last,
          GError     **error)
{
  for (guint page = 0; page < PAGES_PER_WAKE_UP; page++)
    {
      g_autoptr(GPtrArray) rows = NULL;
      GPtrArray *run = NULL;
      gint64 first = 0;

      for (guint turn = 0; turn < 500 && g_atomic_int_get (&shared->in_flight) > MAX_IN_FLIGHT; turn++)
        nap (shared->cancellable, 10);
      if (g_atomic_int_get (&shared->in_flight) > MAX_IN_FLIGHT || g_cancellable_is_cancelled (shared->cancellable))
        return TRUE;
      rows = dozor_pg_log_read_since (log, *last, PAGE, error);
      if (rows == NULL)
        return FALSE;

      for (guint i = 0; i < rows->len; i++)
        {
          DozorPgEvent *event = rows->pdata[i];

          if (run != NULL && event->seq != first + run->len)
            {
              deliver (shared, run, first, TRUE, FALSE);
              run = NULL;
            }
          if (run == NULL)
            {
              run = g_ptr_array_new_with_free_func (g_free);
              first = event->seq;
            }
          g_ptr_array_add (run, g_steal_pointer (&event->data));
          *last = event->seq;
        }
      if (run != NULL)
        deliver (shared, run, first, TRUE, FALSE);
      if (rows->len < PAGE)
        break;
    }
  return TRUE;
}

/* The thread's side of the judge's lock. */
typedef struct
{
  gboolean holds;
  guint generation; /* of the session that took it */
  gint64 next_try;  /* monotonic */
} Election;

static void
lose (Shared     *shared,
      Election   *election,
      const char *why)
{
  election->holds = FALSE;
  g_message ("This instance no longer judges: %s", why);
  deliver (shared, NULL, 0, FALSE, TRUE);
}

/* After a read that worked: the judge checks that its session is still
 * the one that took the lock; the others try to take it, once a second. */
static void
elect (Shared     *shared,
       DozorPgLog *log,
       Election   *election)
{
  DozorPg *pg = dozor_pg_log_get_connection (log);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;

  if (election->holds)
    {
      if (dozor_pg_get_generation (pg) != election->generation)
        lose (shared, election, "its connection to PostgreSQL was made again");
      return;
    }
  if (g_get_monotonic_time () < election->next_try)
    return;
  election->next_try = g_get_monotonic_time () + JUDGE_TRY_US;
  /* A session lock: it stays with this session until it ends, however
   * that happens. A failure here shows at the next read. */
  result = dozor_pg_query (pg, "SELECT pg_try_advisory_lock(" JUDGE_LOCK ")", 0, NULL, &error);
  if (result != NULL && PQntuples (result) == 1 && g_str_equal (PQgetvalue (result, 0, 0), "t"))
    {
      election->holds = TRUE;
      election->generation = dozor_pg_get_generation (pg);
      g_message ("This instance judges route compliance and the roster's flags");
      deliver (shared, NULL, 0, TRUE, TRUE);
    }
}

static gpointer
follow (gpointer data)
{
  Shared *shared = data;
  g_autoptr(DozorPgLog) log = NULL;
  gint64 last = shared->after;
  gboolean live = TRUE;
  guint failures = 0;
  Election election = { FALSE, 0, 0 };

  while (!g_cancellable_is_cancelled (shared->cancellable))
    {
      g_autoptr(GError) error = NULL;
      int woken;

      if (log == NULL)
        {
          g_autoptr(DozorPg) pg = dozor_pg_new (shared->target, &error);

          if (pg != NULL)
            {
              dozor_pg_set_cancellable (pg, shared->cancellable);
              log = dozor_pg_log_new (pg);
              if (!dozor_pg_log_listen (log, &error))
                g_clear_object (&log);
            }
          woken = log != NULL ? 1 : -1;
        }
      else
        {
          /* After a reconnection it LISTENs again and says 1: what was
           * committed meanwhile is read now. */
          woken = dozor_pg_log_wait (log, WAIT_MS, &error);
        }

      if (woken >= 0 && !read_new (shared, log, &last, &error))
        woken = -1;

      if (woken < 0)
        {
          if (g_cancellable_is_cancelled (shared->cancellable))
            break;
          if (election.holds)
            lose (shared, &election, error->message);
          /* A lost connection is made again by the next call: one failure
           * is a blip (a backend ended, a restart the pooler hid); two in a
           * row, PostgreSQL is not there. */
          if (++failures == 2 && live)
            {
              live = FALSE;
              g_message ("The event log cannot be read: %s", error->message);
              deliver (shared, NULL, 0, FALSE, FALSE);
            }
          if (failures >= 2)
            nap (shared->cancellable, RETRY_MS);
          continue;
        }

      failures = 0;
      if (!live)
        {
          live = TRUE;
          g_message ("The event log is read again, from seq %" G_GINT64_FORMAT, last);
          deliver (shared, NULL, 0, TRUE, FALSE);
        }
      if (shared->judge_func != NULL)
        elect (shared, log, &election);
    }

  /* The session's end frees the judge's lock for the others at once. */
  g_clear_object (&log);
  shared_unref (shared);
  return NULL;
}

static void
dozor_log_follower_dispose (GObject *object)
{
  dozor_log_follower_stop (DOZOR_LOG_FOLLOWER (object));

  G_OBJECT_CLASS (dozor_log_follower_parent_class)->dispose (object);
}

static void
dozor_log_follower_class_init (DozorLogFollowerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_log_follower_dispose;
}

static void
dozor_log_follower_init (DozorLogFollower *self)
{
}

/**
 * dozor_log_follower_new:
 * @target: the PostgreSQL database (a URI or conninfo)
 * @after: the last seq already known: events after it are handed over
 * @events: called on the current thread-default main loop with each run
 *   of new events
 * @state: called there when the log can no longer, or can again, be read
 * @judge: (nullable): called there when this instance becomes the one
 *   that judges, or stops being it; %NULL takes no part in the election
 * @user_data: for all three
 *
 * Returns: (transfer full): a follower, already reading in its thread
 */
DozorLogFollower *
dozor_log_follower_new (const char             *target,
                        gint64                  after,
                        DozorLogFollowerEvents  events,
                        DozorLogFollowerState   state,
                        DozorLogFollowerJudge   judge,
                        gpointer                user_data)
{
  DozorLogFollower *self = g_object_new (DOZOR_TYPE_LOG_FOLLOWER, NULL);
  Shared *shared = g_atomic_rc_box_new0 (Shared);

  shared->target = g_strdup (target);
  shared->cancellable = g_cancellable_new ();
  shared->context = g_main_context_ref_thread_default ();
  shared->after = after;
  shared->seq = after;
  shared->live = TRUE;
  shared->events_func = events;
  shared->state_func = state;
  shared->judge_func = judge;
  shared->user_data = user_data;
  self->shared = shared;
  self->thread = g_thread_new ("dozor-log", follow, g_atomic_rc_box_acquire (shared));
  return self;
}

/**
 * dozor_log_follower_get_seq:
 * @self: a #DozorLogFollower
 *
 * Returns: the last seq handed over, on the main loop
 */
gint64
dozor_log_follower_get_seq (DozorLogFollower *self)
{
  return self->shared->seq;
}

/**
 * dozor_log_follower_is_live:
 * @self: a #DozorLogFollower
 *
 * Returns: whether the log is being read, as far as the main loop knows
 */
gboolean
dozor_log_follower_is_live (DozorLogFollower *self)
{
  return self->shared->live;
}

/**
 * dozor_log_follower_is_judge:
 * @self: a #DozorLogFollower
 *
 * Returns: whether this instance holds the judge's lock, as far as the
 *   main loop knows
 */
gboolean
dozor_log_follower_is_judge (DozorLogFollower *self)
{
  return self->shared != NULL && self->shared->judging;
}

/**
 * dozor_log_follower_stop:
 * @self: a #DozorLogFollower
 *
 * Nothing more is handed over. The thread ends by itself: at once when it
 * waits, after its statement or connection attempt (libpq's
 * connect_timeout) otherwise, so stopping never waits for PostgreSQL.
 */
void
dozor_log_follower_stop (DozorLogFollower *self)
{
  if (self->shared == NULL)
    return;

  self->shared->stopped = TRUE;
  g_cancellable_cancel (self->shared->cancellable);
  g_clear_pointer (&self->thread, g_thread_unref);
  g_clear_pointer (&self->shared, shared_unref);
}
