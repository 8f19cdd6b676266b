/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the route files (dozor-routes-*.c) share with dozor-server.c: who
 * asks, commands run in one transaction under their Idempotency-Key, and
 * the answers.
 */
#pragma once

#include "dozor-plan-proposals.h"
#include "dozor-roster.h"
#include "dozor-server.h"
#include "dozor-store.h"

G_BEGIN_DECLS

typedef struct
{
  char *user;
  char *role;
  gint64 expires_at;
} DozorCaller;

typedef JsonNode *(*DozorCommandFunc) (DozorServer        *self,
                                       const DozorCaller  *caller,
                                       JsonObject         *body,
                                       const char         *id,
                                       gint64              version,
                                       JsonNode          **current,
                                       GError            **error);

typedef struct
{
  DozorCommandFunc func;
  guint success_status;
  gboolean needs_key;     /* creating and dispatching commands */
  gboolean needs_version; /* updates carry If-Match */
  gboolean needs_body;
  /* Trackers' fixes, thousands a second: kept as track history, not in
   * the audit trail (docs/decisions.md, "The audit trail"). */
  gboolean not_audited;
} DozorCommand;

DozorStore *dozor_server_get_store     (DozorServer        *self);
void        dozor_server_run_command   (DozorServer        *self,
                                        SoupServerMessage  *msg,
                                        const DozorCaller  *caller,
                                        const DozorCommand *command,
                                        const char         *id);
JsonObject *dozor_server_body_object   (SoupServerMessage  *msg,
                                        JsonNode          **root,
                                        GError            **error);
void        dozor_server_reply_text    (SoupServerMessage  *msg,
                                        guint               status,
                                        const char         *json);
void        dozor_server_reply_failure (SoupServerMessage  *msg,
                                        const GError       *error);
void        dozor_server_reply_async_error (SoupServerMessage *msg,
                                            const GError      *error,
                                            gint64             retry_after);
void        dozor_server_reply_later   (SoupServerMessage  *msg);
void        dozor_server_reply_now     (SoupServerMessage  *msg);

DozorPlanProposals *dozor_server_get_proposals (DozorServer *self);

/* dozor-routes-plans.c: %TRUE if the request was a plan route (answered). */
gboolean    dozor_routes_plans_handle  (DozorServer        *self,
                                        SoupServerMessage  *msg,
                                        const DozorCaller  *caller,
                                        const char *const  *parts,
                                        const char         *method);

/* dozor-routes-calls.c: the roles that may use a repeated-calls route, or
 * NULL when the request is not one; then its answer. */
const char *dozor_routes_calls_roles   (const char *const  *parts,
                                        const char         *method);
void        dozor_routes_calls_handle  (DozorServer        *self,
                                        SoupServerMessage  *msg,
                                        const DozorCaller  *caller,
                                        const char *const  *parts,
                                        GHashTable         *query);

DozorRoster *dozor_server_get_roster    (DozorServer        *self);

/* dozor-routes-roster.c: the roles that may use a roster route, or NULL
 * when the request is not one; then its answer. */
const char *dozor_routes_roster_roles  (const char *const  *parts,
                                        const char         *method);
void        dozor_routes_roster_handle (DozorServer        *self,
                                        SoupServerMessage  *msg,
                                        const DozorCaller  *caller,
                                        const char *const  *parts,
                                        const char         *method,
                                        GHashTable         *query);
/* dozor-routes-shiftbook.c: the handover and the registers, the same way. */
const char *dozor_routes_shiftbook_roles  (const char *const  *parts,
                                           const char         *method);
void        dozor_routes_shiftbook_handle (DozorServer        *self,
                                           SoupServerMessage  *msg,
                                           const DozorCaller  *caller,
                                           const char *const  *parts,
                                           const char         *method,
                                           GHashTable         *query);
/* dozor-routes-compliance.c: the same for the deviations of a shift. */
const char *dozor_routes_compliance_roles  (const char *const  *parts,
                                            const char         *method);
void        dozor_routes_compliance_handle (DozorServer        *self,
                                            SoupServerMessage  *msg,
                                            GHashTable         *query);
/* dozor-routes-crisis.c: the same for the crisis log's notes. */
const char *dozor_routes_crisis_roles  (const char *const  *parts,
                                        const char         *method);
void        dozor_routes_crisis_handle (DozorServer        *self,
                                        SoupServerMessage  *msg,
                                        const DozorCaller  *caller,
                                        const char *const  *parts);

G_END_DECLS
