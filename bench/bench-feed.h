/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the stream benchmarks (bench-stream, bench-instances) share: the
 * feeder that posts batches of fixes to one or more dozords, and the
 * stream clients that time each fix from its POST to its unit.position
 * event.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Batches per second: a tracker gateway flushes about every 50 ms. */
#define BENCH_BATCHES_PER_SECOND 20
#define BENCH_MAX_INSTANCES 2

char *bench_post_json     (SoupSession *session,
                           const char  *url,
                           const char  *path,
                           const char  *token,
                           const char  *key,
                           const char  *body,
                           guint       *status);
char *bench_string_member (const char  *json,
                           const char  *name);
char *bench_login         (SoupSession *session,
                           const char  *url,
                           const char  *user,
                           const char  *key);
gint64 bench_health_seq   (SoupSession *session,
                           const char  *url);

/* Posts from a thread of its own (bench_feeder_thread()), with its own
 * session and main loop: on the clients' loop its posts would wait behind
 * what they read, and the rate asked for would not be the rate sent. */
typedef struct
{
  /* Set before the thread starts. Batches go to each URL in turn. */
  char *const *urls;
  guint n_urls;
  const char *tracker;          /* a tracker's token */
  GPtrArray *units;             /* their ids, each fix the next */
  guint per_batch;
  guint batches_left;
  GMainLoop *done;              /* quit on the main context when every batch is answered */

  /* What it did. */
  guint64 posted[BENCH_MAX_INSTANCES];
  guint64 failed;
  guint failed_status;          /* the last status other than 202; 0: no answer */

  /* Its own. */
  SoupSession *session;
  GMainLoop *loop;
  guint next_unit;
  guint next_url;
  guint pending;
} BenchFeeder;

gpointer bench_feeder_thread (gpointer feeder);

typedef struct _BenchStreams BenchStreams;

/* One stream client: what it heard, and whether the seqs ran in order. */
typedef struct
{
  BenchStreams *streams;
  guint instance;
  SoupWebsocketConnection *conn;
  gint64 last_seq;
  guint64 positions;
  guint64 coalesced;
  guint64 frames;
  guint64 out_of_order;         /* an event whose seq is not the last one's next */
  gboolean closed;
} BenchClient;

/* The clients of one run, on the main context. */
struct _BenchStreams
{
  SoupSession *session;
  GMainLoop *loop;              /* quit when the last client has connected */
  GArray *latencies_ms;         /* double, every client's */
  gsize max_payload;
  BenchClient *clients;
  guint n_clients;
  guint pending_connects;
};

void bench_streams_init    (BenchStreams *streams,
                            SoupSession  *session,
                            GMainLoop    *loop,
                            guint         n_clients,
                            gsize         max_payload);
void bench_streams_connect (BenchStreams *streams,
                            guint         client,
                            const char   *uri);
void bench_streams_clear   (BenchStreams *streams);

G_END_DECLS
