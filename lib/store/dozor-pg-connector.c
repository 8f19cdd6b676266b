/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A connection to PostgreSQL made again in a thread of its own (issue 19;
 * docs/postgresql.md, "Connecting again off the main loop").
 *
 * dozord's store connection is used on the main loop, which also serves
 * every request, stream and heartbeat. Connecting there waited for
 * PostgreSQL for up to connect_timeout (10 s) whenever it did not refuse
 * at once (a host dropping packets, a failover in progress, a postmaster
 * that does not answer), and froze everything else meanwhile. Here the
 * attempt is libpq's ordinary PQconnectdbParams(), so its connect_timeout
 * per host, its move to the next host of a multi-host target and its
 * host name lookup stay what they are, in a thread that tries until a
 * connection is made, RETRY_MS apart when refused at once. The owner
 * takes the connection at its next call; until then it answers that
 * there is none, at once (docs/decisions.md says why not PQconnectPoll).
 *
 * libpq lets a PGconn move between threads as long as two never use it
 * at the same time: the thread lets go of it when it hands it over.
 */
#include "config.h"

#include "dozor-pg-connector.h"

/* Between attempts while PostgreSQL refuses at once, as the log
 * follower's (server/dozor-log-follower.c). */
#define RETRY_MS 250

struct _DozorPgConnector
{
  /* Set at creation, read by the thread. */
  char **keywords;
  char **values;

  GMutex lock;
  GCond wake;
  /* Under lock. */
  gboolean stopped; /* the owner let go */
  gboolean running; /* a thread is trying */
  PGconn *made;     /* connected, not taken yet */
  char *failure;    /* libpq's reason of the last failed attempt */
};

static void
connector_clear (gpointer data)
{
  DozorPgConnector *self = data;

  g_strfreev (self->keywords);
  g_strfreev (self->values);
  g_clear_pointer (&self->made, PQfinish);
  g_free (self->failure);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->wake);
}

static void
connector_unref (DozorPgConnector *self)
{
  g_atomic_rc_box_release_full (self, connector_clear);
}

static gpointer
attempt_until_connected (gpointer data)
{
  DozorPgConnector *self = data;
  PGconn *conn = NULL;

  g_mutex_lock (&self->lock);
  while (!self->stopped)
    {
      gint64 retry_at;

      g_mutex_unlock (&self->lock);
      conn = PQconnectdbParams ((const char *const *) self->keywords, (const char *const *) self->values, 1);
      g_mutex_lock (&self->lock);

      if (PQstatus (conn) == CONNECTION_OK)
        {
          if (!self->stopped)
            self->made = g_steal_pointer (&conn);
          break;
        }
      g_free (self->failure);
      self->failure = g_strdup (PQerrorMessage (conn));
      g_clear_pointer (&conn, PQfinish);

      retry_at = g_get_monotonic_time () + RETRY_MS * G_TIME_SPAN_MILLISECOND;
      while (!self->stopped && g_cond_wait_until (&self->wake, &self->lock, retry_at))
        ;
    }
  self->running = FALSE;
  g_mutex_unlock (&self->lock);

  /* Made after the owner let go: nobody will use it. */
  g_clear_pointer (&conn, PQfinish);
  connector_unref (self);
  return NULL;
}

/**
 * dozor_pg_connector_new:
 * @keywords: (array zero-terminated=1): libpq's connection keywords
 * @values: (array): a value for each keyword, %NULL to leave it out
 *
 * Returns: (transfer full): a connector that tries nothing until
 *   dozor_pg_connector_start()
 */
DozorPgConnector *
dozor_pg_connector_new (const char *const *keywords,
                        const char *const *values)
{
  DozorPgConnector *self = g_atomic_rc_box_new0 (DozorPgConnector);
  guint n = g_strv_length ((char **) keywords);

  self->keywords = g_strdupv ((char **) keywords);
  /* libpq leaves out a keyword whose value is empty, as one that is NULL;
   * a NULL would end the copy here. */
  self->values = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    self->values[i] = g_strdup (values[i] != NULL ? values[i] : "");
  g_mutex_init (&self->lock);
  g_cond_init (&self->wake);
  return self;
}

/**
 * dozor_pg_connector_start:
 * @self: a #DozorPgConnector
 *
 * Starts trying to connect, in a thread of its own, until a connection is
 * made; nothing when a thread tries already or a connection waits to be
 * taken. Returns at once.
 */
void
dozor_pg_connector_start (DozorPgConnector *self)
{
  g_autoptr(GError) error = NULL;
  GThread *thread = NULL;
  gboolean failed = FALSE;

  g_mutex_lock (&self->lock);
  if (!self->running && self->made == NULL)
    {
      g_clear_pointer (&self->failure, g_free);
      thread = g_thread_try_new ("dozor-pg-connect", attempt_until_connected, g_atomic_rc_box_acquire (self),
                                 &error);
      self->running = thread != NULL;
      if (thread == NULL)
        {
          self->failure = g_strdup (error->message);
          failed = TRUE;
        }
    }
  g_mutex_unlock (&self->lock);

  /* The thread's own reference, which it never got; the owner holds one. */
  if (failed)
    connector_unref (self);
  g_clear_pointer (&thread, g_thread_unref);
}

/**
 * dozor_pg_connector_take:
 * @self: a #DozorPgConnector
 * @failure: (out) (optional) (transfer full): why the last attempt
 *   failed, in libpq's words, or %NULL when none has failed since the
 *   start
 *
 * Returns: (transfer full) (nullable): the connection made, now the
 *   caller's, or %NULL when there is none yet
 */
PGconn *
dozor_pg_connector_take (DozorPgConnector  *self,
                         char             **failure)
{
  PGconn *conn;

  g_mutex_lock (&self->lock);
  conn = g_steal_pointer (&self->made);
  if (failure != NULL)
    *failure = g_strdup (self->failure);
  g_mutex_unlock (&self->lock);
  return conn;
}

/**
 * dozor_pg_connector_free:
 * @self: (transfer full) (nullable): a #DozorPgConnector
 *
 * Lets go of it. A thread that is waiting between attempts ends at once;
 * one inside an attempt ends when the attempt does (at most libpq's
 * connect_timeout), and finishes any connection it made: the caller
 * never waits.
 */
void
dozor_pg_connector_free (DozorPgConnector *self)
{
  if (self == NULL)
    return;

  g_mutex_lock (&self->lock);
  self->stopped = TRUE;
  g_cond_signal (&self->wake);
  g_mutex_unlock (&self->lock);
  connector_unref (self);
}
