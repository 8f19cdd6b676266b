/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dozor-store.h"

G_BEGIN_DECLS

#define DOZOR_LOGINS_ERROR (dozor_logins_error_quark ())

/**
 * DozorLoginsError:
 * @DOZOR_LOGINS_ERROR_LOCKED: the user name or the client address is
 *   locked after too many failed logins
 */
typedef enum
{
  DOZOR_LOGINS_ERROR_LOCKED,
} DozorLoginsError;

#define DOZOR_TYPE_LOGINS (dozor_logins_get_type ())
G_DECLARE_FINAL_TYPE (DozorLogins, dozor_logins, DOZOR, LOGINS, GObject)

GQuark       dozor_logins_error_quark   (void);
DozorLogins *dozor_logins_new           (DozorStore              *store);
DozorStore  *dozor_logins_get_store     (DozorLogins             *self);
void         dozor_logins_set_policy    (DozorLogins             *self,
                                         const DozorLoginPolicy  *policy);
void         dozor_logins_login_async   (DozorLogins             *self,
                                         const char              *name,
                                         const char              *password,
                                         GSocketAddress          *client,
                                         const DozorAuditEntry   *record,
                                         GAsyncReadyCallback      callback,
                                         gpointer                 user_data);
char        *dozor_logins_login_finish  (DozorLogins             *self,
                                         GAsyncResult            *result,
                                         char                   **name,
                                         char                   **role,
                                         gint64                  *expires_at,
                                         gint64                  *retry_after,
                                         GError                 **error);

G_END_DECLS
