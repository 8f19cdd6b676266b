/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-outbox.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

/* A link that has said nothing for three heartbeats is dead. */
#define DOZOR_SYNC_DEAD_AFTER_SECONDS 15
/* Reconnect delays: doubling from the first to the cap, with jitter. */
#define DOZOR_SYNC_FIRST_RETRY_MS 500
#define DOZOR_SYNC_MAX_RETRY_MS 30000
/* The cap while the server closes the stream with 4503: it is up, and its
 * database is failing over, which ends in seconds (docs/api.md). */
#define DOZOR_SYNC_DATABASE_RETRY_MS 2000

/**
 * DozorSyncState:
 * @DOZOR_SYNC_OFFLINE: not connected and not trying (stopped, or refused)
 * @DOZOR_SYNC_CONNECTING: logging in, loading the snapshot, opening the stream
 * @DOZOR_SYNC_LIVE: the stream is open and heartbeats arrive
 * @DOZOR_SYNC_RECONNECTING: the link was lost; waiting to try again
 */
typedef enum
{
  DOZOR_SYNC_OFFLINE,
  DOZOR_SYNC_CONNECTING,
  DOZOR_SYNC_LIVE,
  DOZOR_SYNC_RECONNECTING,
} DozorSyncState;

#define DOZOR_TYPE_SYNC_CLIENT (dozor_sync_client_get_type ())
G_DECLARE_FINAL_TYPE (DozorSyncClient, dozor_sync_client, DOZOR, SYNC_CLIENT, GObject)

DozorSyncClient *dozor_sync_client_new              (const char      *backend_url,
                                                     DozorSituation  *situation);
void             dozor_sync_client_set_credentials  (DozorSyncClient *self,
                                                     const char      *username,
                                                     const char      *password);
void             dozor_sync_client_set_saved_login  (DozorSyncClient *self,
                                                     const char      *username,
                                                     const char      *token);
void             dozor_sync_client_start            (DozorSyncClient *self);
void             dozor_sync_client_stop             (DozorSyncClient *self);
void             dozor_sync_client_log_out_async    (DozorSyncClient     *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean         dozor_sync_client_log_out_finish   (DozorSyncClient  *self,
                                                     GAsyncResult     *result,
                                                     GError          **error);
DozorSyncState   dozor_sync_client_get_state        (DozorSyncClient *self);
const char      *dozor_sync_client_get_last_error   (DozorSyncClient *self);
const char      *dozor_sync_client_get_role         (DozorSyncClient *self);
const char      *dozor_sync_client_get_username     (DozorSyncClient *self);
gint64           dozor_sync_client_get_last_heard   (DozorSyncClient *self);

void             dozor_sync_client_set_outbox       (DozorSyncClient *self,
                                                     DozorOutbox     *outbox);
DozorOutbox     *dozor_sync_client_get_outbox       (DozorSyncClient *self);
char            *dozor_sync_client_send             (DozorSyncClient *self,
                                                     const char      *method,
                                                     const char      *path,
                                                     JsonNode        *body,
                                                     gint64           if_match,
                                                     const char      *summary,
                                                     GError         **error);

void             dozor_sync_client_set_read_only    (DozorSyncClient *self,
                                                     gboolean         read_only);

void             dozor_sync_client_post_async       (DozorSyncClient     *self,
                                                     const char          *path,
                                                     GBytes              *body,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
void             dozor_sync_client_get_async        (DozorSyncClient     *self,
                                                     const char          *path,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
JsonNode        *dozor_sync_client_post_finish      (DozorSyncClient     *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

gboolean         dozor_read_credentials             (const char      *path,
                                                     char           **username,
                                                     char           **password,
                                                     GError         **error);

G_END_DECLS
