/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "dozor-conn-stream.h"

G_BEGIN_DECLS

/* Descriptors kept back from connections: the database and its WAL, the
 * lock file, logs, and room to accept and refuse one more. */
#define DOZOR_LISTENER_RESERVED_FDS 64

typedef struct
{
  guint max_connections;        /* 0: as many as the descriptor limit allows */
  guint max_per_address;
  guint header_timeout;         /* seconds to send a whole request head */
  guint idle_timeout;           /* seconds for the body and the answer */
} DozorListenerLimits;

#define DOZOR_LISTENER_DEFAULT_PER_ADDRESS 128
#define DOZOR_LISTENER_DEFAULT_HEADER_TIMEOUT 10
#define DOZOR_LISTENER_DEFAULT_IDLE_TIMEOUT 60

#define DOZOR_TYPE_LISTENER (dozor_listener_get_type ())
G_DECLARE_FINAL_TYPE (DozorListener, dozor_listener, DOZOR, LISTENER, GObject)

guint64          dozor_listener_raise_fd_limit (void);

DozorListener   *dozor_listener_new        (SoupServer                *soup,
                                            GTlsCertificate           *certificate,
                                            const DozorListenerLimits *limits);
gboolean         dozor_listener_listen     (DozorListener  *self,
                                            GSocketAddress *address,
                                            GError        **error);
void             dozor_listener_take       (DozorListener  *self,
                                            GSocket        *socket);
char            *dozor_listener_get_uri    (DozorListener  *self);
guint            dozor_listener_get_max_connections (DozorListener *self);
DozorConnStream *dozor_listener_lookup     (SoupServerMessage *msg);

G_END_DECLS
