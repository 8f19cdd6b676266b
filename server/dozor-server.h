/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "dozor-escalation.h"
#include "dozor-replay.h"
#include "dozor-store.h"

G_BEGIN_DECLS

/* Largest request body: a batch of a few thousand positions. */
#define DOZOR_SERVER_MAX_BODY (1024 * 1024)

/* Largest GIS import (POST /imports): a city's districts, sectors and
 * routes at full detail fit in a few MiB. */
#define DOZOR_SERVER_MAX_IMPORT_BODY (32 * 1024 * 1024)

/* Heartbeats on the stream; a client that hears nothing for three of them
 * treats the link as dead. */
#define DOZOR_SERVER_HEARTBEAT_SECONDS 5

/* Audit records are kept at least a year (issue 18): 400 days by default,
 * never fewer than 366. */
#define DOZOR_SERVER_DEFAULT_AUDIT_DAYS 400
#define DOZOR_SERVER_MIN_AUDIT_DAYS 366

#define DOZOR_TYPE_SERVER (dozor_server_get_type ())
G_DECLARE_FINAL_TYPE (DozorServer, dozor_server, DOZOR, SERVER, GObject)

DozorServer *dozor_server_new          (DozorStore   *store,
                                        gint64        retain_events);
void         dozor_server_set_audit_retention (DozorServer *self,
                                               guint        days);
void         dozor_server_set_track_retention (DozorServer *self,
                                               guint        hours);
void         dozor_server_set_roster_no_position (DozorServer *self,
                                                  guint        seconds);
void         dozor_server_set_journal_retention (DozorServer *self,
                                                 guint        days);
void         dozor_server_set_login_policy (DozorServer            *self,
                                            const DozorLoginPolicy *policy);
void         dozor_server_set_sop_catalogue (DozorServer       *self,
                                             DozorSopCatalogue *catalogue);
void         dozor_server_set_roads     (DozorServer  *self,
                                         const char   *path);
DozorReplay *dozor_server_get_replay   (DozorServer  *self);
SoupServer  *dozor_server_get_soup     (DozorServer  *self);
guint        dozor_server_get_n_clients (DozorServer *self);
void         dozor_server_publish       (DozorServer  *self,
                                         GPtrArray    *events);

void         dozor_server_set_compliance (DozorServer *self,
                                         gboolean     enabled);
void         dozor_server_set_arrival_limits (DozorServer           *self,
                                              const DozorEscalation *limits);

G_END_DECLS
