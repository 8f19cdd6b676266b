/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "dozor-server.h"
#include "dozor-store.h"

G_BEGIN_DECLS

/* Who asked what, from where, about which entity: a record's members
 * that the request tells, with the strings they point to. */
typedef struct
{
  DozorAuditEntry entry;
  char *strings[7];
} DozorAuditRequest;

void     dozor_audit_request_init  (DozorAuditRequest *request,
                                    SoupServerMessage *msg,
                                    const char        *username,
                                    const char        *role);
void     dozor_audit_request_set_entity_id (DozorAuditRequest *request,
                                            const char        *entity_id);
void     dozor_audit_request_clear (DozorAuditRequest *request);

gboolean dozor_audit_record        (DozorStore        *store,
                                    const DozorAuditEntry *entry);
void     dozor_audit_login         (DozorStore        *store,
                                    SoupServerMessage *msg,
                                    const char        *username,
                                    const char        *role);
const DozorAuditEntry *dozor_audit_login_entry (SoupServerMessage *msg,
                                                const char        *username);
gboolean dozor_audit_is_recorded_read (const char *const *parts,
                                       const char        *method);
void     dozor_audit_watch         (DozorStore        *store,
                                    SoupServerMessage *msg,
                                    const char        *username,
                                    const char        *role);
void     dozor_audit_handle        (DozorServer       *server,
                                    SoupServerMessage *msg,
                                    GHashTable        *query);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DozorAuditRequest, dozor_audit_request_clear)

G_END_DECLS
