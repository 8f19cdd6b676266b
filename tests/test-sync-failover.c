/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The board's link while the backend's database fails over (issue 19,
 * item 5). dozord closes every stream with 4503 until it can read the
 * event log again; under Patroni that lasts 5–30 s
 * (docs/operations-postgresql.md). The board used to knock again on its
 * server backoff, doubling to 30 s, and stayed not live up to 22 s after
 * the new primary took writes. Here a server on loopback answers the
 * login and the snapshot as dozord does and closes the first streams with
 * 4503 (or, as a balancer with no instance whose store answers does,
 * refuses their upgrade with 503), then serves one: the board must keep knocking at most about every
 * 2 s, say no news came meanwhile (its pill counts "last news" from the
 * last frame, not from each refused stream), and be live on the stream
 * that is served.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdio.h>

#include "dozor-situation.h"
#include "dozor-sync-client.h"

/* Refusals before a stream is served: with the old backoff the sixth
 * wait alone was 8–16 s. */
#define REFUSALS 7
/* A wait longer than this between two knocks fails the test: the cap is
 * 2 s, and a loaded machine may add to it, never 6 s (8 s was the old
 * backoff's least sixth wait). */
#define LONGEST_WAIT_S 6.0

typedef struct
{
  GArray *knocks;               /* gint64 monotonic µs, each stream asked for */
  GPtrArray *open;              /* served streams, kept open */
  DozorSyncClient *client;
  guint news_during_refusals;   /* knocks at which the board had news */
  gboolean http_503;            /* refuse the upgrade itself, as a balancer does */
} Server;

static void
reply_json (SoupServerMessage *msg,
            const char        *json)
{
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

static void
api_cb (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           data)
{
  if (g_str_equal (path, "/api/v1/session"))
    reply_json (msg, "{\"token\":\"t0ken\",\"username\":\"wall\",\"role\":\"wall\"}");
  else if (g_str_equal (path, "/api/v1/snapshot"))
    reply_json (msg, "{\"as_of_seq\":5,\"units\":[],\"incidents\":[],\"dispatches\":[]}");
  else
    soup_server_message_set_status (msg, 404, NULL);
}

/* A stream asked for. A refused stream is no news: the pill's "last
 * news" must keep counting from the last frame (none here). */
static void
knock (Server *server)
{
  gint64 now = g_get_monotonic_time ();

  g_array_append_val (server->knocks, now);
  if (server->client != NULL && dozor_sync_client_get_last_heard (server->client) != 0)
    server->news_during_refusals++;
}

/* A balancer whose health checks find no instance with a store that
 * answers refuses the upgrade with its own 503 (HAProxy: "No server is
 * available"). */
static void
early_cb (SoupServer        *soup_server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           data)
{
  Server *server = data;

  if (!server->http_503 || !g_str_equal (path, "/api/v1/stream") || server->knocks->len >= REFUSALS)
    return;
  knock (server);
  soup_server_message_set_status (msg, 503, NULL);
}

static void
stream_cb (SoupServer              *soup_server,
           SoupServerMessage       *msg,
           const char              *path,
           SoupWebsocketConnection *conn,
           gpointer                 data)
{
  Server *server = data;

  knock (server);
  if (server->knocks->len <= REFUSALS)
    {
      /* As dozord refuses a stream while it cannot read the log. */
      soup_websocket_connection_close (conn, 4503, "database unavailable");
      return;
    }
  g_ptr_array_add (server->open, g_object_ref (conn));
  soup_websocket_connection_send_text (conn, "{\"type\":\"heartbeat\",\"seq\":5,\"time\":\"2026-12-06T19:00:00Z\"}");
}

static void
state_cb (DozorSyncClient *client,
          GParamSpec      *pspec,
          GMainLoop       *loop)
{
  if (dozor_sync_client_get_state (client) == DOZOR_SYNC_LIVE)
    g_main_loop_quit (loop);
}

static gboolean
give_up_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
database_failover (gboolean http_503)
{
  g_autoptr(SoupServer) soup_server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  g_autoptr(DozorSyncClient) client = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *url = NULL;
  Server server = { g_array_new (FALSE, FALSE, sizeof (gint64)), g_ptr_array_new_with_free_func (g_object_unref),
                    NULL, 0, http_503 };
  guint give_up;

  soup_server_add_early_handler (soup_server, "/api/v1/stream", early_cb, &server, NULL);
  soup_server_add_websocket_handler (soup_server, "/api/v1/stream", NULL, NULL, stream_cb, &server, NULL);
  soup_server_add_handler (soup_server, "/api/v1", api_cb, &server, NULL);
  g_assert_true (soup_server_listen_local (soup_server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (soup_server);
  url = g_uri_to_string_partial (uris->data, G_URI_HIDE_PASSWORD);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  client = dozor_sync_client_new (url, situation);
  server.client = client;
  dozor_sync_client_set_credentials (client, "wall", "secret");
  g_signal_connect (client, "notify::state", G_CALLBACK (state_cb), loop);
  give_up = g_timeout_add_seconds (90, give_up_cb, loop);
  dozor_sync_client_start (client);
  g_main_loop_run (loop);
  g_source_remove (give_up);

  g_assert_cmpint (dozor_sync_client_get_state (client), ==, DOZOR_SYNC_LIVE);
  g_assert_cmpuint (server.knocks->len, ==, REFUSALS + 1);
  g_assert_cmpuint (server.news_during_refusals, ==, 0);
  g_assert_cmpint (dozor_sync_client_get_last_heard (client), >, 0);
  for (guint i = 1; i < server.knocks->len; i++)
    {
      double wait = (g_array_index (server.knocks, gint64, i) - g_array_index (server.knocks, gint64, i - 1)) / 1e6;

      g_test_message ("knock %u: %.2f s after the one before", i + 1, wait);
      g_assert_cmpfloat (wait, <, LONGEST_WAIT_S);
    }

  dozor_sync_client_stop (client);
  g_array_unref (server.knocks);
  g_ptr_array_unref (server.open);
}

static void
test_database_failover (void)
{
  database_failover (FALSE);
}

static void
test_balancer_503 (void)
{
  database_failover (TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sync-failover/database-failover", test_database_failover);
  g_test_add_func ("/sync-failover/balancer-503", test_balancer_503);
  return g_test_run ();
}
