/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "dozor-compliance-record.h"
#include "dozor-sop-catalogue.h"

G_BEGIN_DECLS

#define DOZOR_STORE_ERROR (dozor_store_error_quark ())

/**
 * DozorStoreError:
 * @DOZOR_STORE_ERROR_IO: the database could not be read or written
 * @DOZOR_STORE_ERROR_INVALID: a field is missing, of the wrong type or out of range
 * @DOZOR_STORE_ERROR_NOT_FOUND: no such entity
 * @DOZOR_STORE_ERROR_CONFLICT: the change contradicts the current state
 * @DOZOR_STORE_ERROR_STALE: the entity changed since the version the client saw
 * @DOZOR_STORE_ERROR_UNAUTHORIZED: unknown user, wrong password or expired token
 *
 * Each maps to one HTTP status in docs/api.md.
 */
typedef enum
{
  DOZOR_STORE_ERROR_IO,
  DOZOR_STORE_ERROR_INVALID,
  DOZOR_STORE_ERROR_NOT_FOUND,
  DOZOR_STORE_ERROR_CONFLICT,
  DOZOR_STORE_ERROR_STALE,
  DOZOR_STORE_ERROR_UNAUTHORIZED,
} DozorStoreError;

/* How long a bearer token lives: one duty shift and some. */
#define DOZOR_SESSION_SECONDS (14 * 3600)

/**
 * DozorActiveDispatch:
 * @dispatch_id: the dispatch
 * @unit_id: the unit sent
 * @incident_id: where to
 * @lat: the scene
 * @lon: the scene
 */
typedef struct
{
  char *dispatch_id;
  char *unit_id;
  char *incident_id;
  double lat;
  double lon;
} DozorActiveDispatch;

void dozor_active_dispatch_free (DozorActiveDispatch *dispatch);

#define DOZOR_TYPE_STORE (dozor_store_get_type ())
G_DECLARE_FINAL_TYPE (DozorStore, dozor_store, DOZOR, STORE, GObject)

GQuark      dozor_store_error_quark        (void);
gboolean    dozor_store_role_is_valid      (const char   *role);

DozorStore *dozor_store_open               (const char   *target,
                                            GError      **error);
const char *dozor_store_get_target         (DozorStore   *self);
void        dozor_store_set_auto_checkpoint (DozorStore  *self,
                                             gboolean     automatic);
void        dozor_store_set_reconnect_in_background (DozorStore *self,
                                                     gboolean    background);
gint64      dozor_store_get_seq            (DozorStore   *self);
gint64      dozor_store_get_oldest_seq     (DozorStore   *self);
gboolean    dozor_store_is_shared          (DozorStore   *self);
gint64      dozor_store_read_seq           (DozorStore   *self,
                                            GError      **error);

/* Transactions: every command runs inside one; its events get their seq
 * there and are handed out by commit, to be broadcast. */
gboolean    dozor_store_begin              (DozorStore   *self,
                                            GError      **error);
GPtrArray  *dozor_store_commit             (DozorStore   *self,
                                            GError      **error);
void        dozor_store_rollback           (DozorStore   *self);

gboolean    dozor_store_add_user           (DozorStore   *self,
                                            const char   *name,
                                            const char   *role,
                                            const char   *password,
                                            GError      **error);
char       *dozor_store_list_users         (DozorStore   *self,
                                            GError      **error);
int         dozor_store_revoke_sessions    (DozorStore   *self,
                                            const char   *name,
                                            GError      **error);
gboolean    dozor_store_remove_user        (DozorStore   *self,
                                            const char   *name,
                                            GError      **error);
gboolean    dozor_store_authenticate       (DozorStore   *self,
                                            const char   *token,
                                            char        **name,
                                            char        **role,
                                            gint64       *expires_at);
gboolean    dozor_store_authenticate_full  (DozorStore   *self,
                                            const char   *token,
                                            char        **name,
                                            char        **role,
                                            gint64       *expires_at,
                                            GError      **error);
gboolean    dozor_store_end_session        (DozorStore   *self,
                                            const char   *token,
                                            GError      **error);

gboolean    dozor_store_find_answer        (DozorStore   *self,
                                            const char   *user,
                                            const char   *key,
                                            guint        *status,
                                            char        **body);
gboolean    dozor_store_keep_answer        (DozorStore   *self,
                                            const char   *user,
                                            const char   *key,
                                            guint         status,
                                            const char   *body,
                                            GError      **error);

char       *dozor_store_snapshot           (DozorStore   *self,
                                            GError      **error);
GPtrArray  *dozor_store_events_since       (DozorStore   *self,
                                            gint64        since,
                                            guint         limit,
                                            GError      **error);
guint       dozor_store_prune_events       (DozorStore   *self,
                                            gint64        keep,
                                            GError      **error);
guint       dozor_store_prune_track        (DozorStore   *self,
                                            const char   *before,
                                            GError      **error);
gboolean    dozor_store_prepare_track      (DozorStore   *self,
                                            GDateTime    *now,
                                            GError      **error);
guint       dozor_store_prune_journal      (DozorStore   *self,
                                            const char   *before,
                                            GError      **error);
GPtrArray  *dozor_store_list_active_dispatches (DozorStore *self,
                                                GError    **error);
char       *dozor_store_find_unit          (DozorStore   *self,
                                            const char   *call_sign);
JsonNode   *dozor_store_create_unit        (DozorStore   *self,
                                            JsonObject   *input,
                                            GError      **error);
JsonNode   *dozor_store_update_unit        (DozorStore   *self,
                                            const char   *id,
                                            gint64        expected_version,
                                            JsonObject   *changes,
                                            GError      **error);
JsonNode   *dozor_store_create_incident    (DozorStore   *self,
                                            JsonObject   *input,
                                            GError      **error);
JsonNode   *dozor_store_update_incident    (DozorStore   *self,
                                            const char   *id,
                                            gint64        expected_version,
                                            JsonObject   *changes,
                                            const char   *by,
                                            GError      **error);
JsonNode   *dozor_store_dispatch           (DozorStore   *self,
                                            const char   *unit_id,
                                            const char   *incident_id,
                                            const char   *by,
                                            JsonNode    **current,
                                            GError      **error);
JsonNode   *dozor_store_dispatch_to_post   (DozorStore   *self,
                                            const char   *unit_id,
                                            const char   *plan_id,
                                            const char   *post_id,
                                            const char   *by,
                                            JsonNode    **current,
                                            GError      **error);
/* dozor-store-area-dispatch.c */
JsonNode   *dozor_store_dispatch_to_area   (DozorStore   *self,
                                            const char   *unit_id,
                                            const char   *by,
                                            JsonNode    **current,
                                            GError      **error);
JsonNode   *dozor_store_end_dispatch       (DozorStore   *self,
                                            const char   *dispatch_id,
                                            const char   *by,
                                            GError      **error);
guint       dozor_store_add_positions      (DozorStore   *self,
                                            JsonArray    *positions,
                                            GError      **error);
JsonNode   *dozor_store_set_readiness      (DozorStore   *self,
                                            JsonObject   *input,
                                            const char   *by,
                                            GError      **error);
JsonNode   *dozor_store_set_check          (DozorStore   *self,
                                            const char   *incident_id,
                                            JsonObject   *input,
                                            const char   *by,
                                            DozorSopCatalogue *catalogue,
                                            GError      **error);
JsonNode   *dozor_store_create_zone        (DozorStore   *self,
                                            JsonObject   *input,
                                            GError      **error);
JsonNode   *dozor_store_update_zone        (DozorStore   *self,
                                            const char   *id,
                                            gint64        expected_version,
                                            JsonObject   *changes,
                                            GError      **error);
JsonNode   *dozor_store_delete_zone        (DozorStore   *self,
                                            const char   *id,
                                            gint64        expected_version,
                                            GError      **error);
char       *dozor_store_find_zone          (DozorStore   *self,
                                            const char   *parent_id,
                                            const char   *name);
char       *dozor_store_find_route         (DozorStore   *self,
                                            const char   *name);
JsonNode   *dozor_store_create_place       (DozorStore   *self,
                                            JsonObject   *input,
                                            GError      **error);
JsonNode   *dozor_store_update_place       (DozorStore   *self,
                                            const char   *id,
                                            gint64        expected_version,
                                            JsonObject   *changes,
                                            GError      **error);
JsonNode   *dozor_store_delete_place       (DozorStore   *self,
                                            const char   *id,
                                            gint64        expected_version,
                                            GError      **error);
char       *dozor_store_find_place         (DozorStore   *self,
                                            const char   *kind,
                                            const char   *name,
                                            gboolean     *ambiguous);
char       *dozor_store_find_zone_by_name  (DozorStore   *self,
                                            const char   *name,
                                            gboolean     *ambiguous);
gint64      dozor_store_get_version        (DozorStore   *self,
                                            const char   *table,
                                            const char   *id);
JsonNode   *dozor_store_create_route       (DozorStore   *self,
                                            JsonObject   *input,
                                            GError      **error);
JsonNode   *dozor_store_update_route       (DozorStore   *self,
                                            const char   *id,
                                            gint64        expected_version,
                                            JsonObject   *changes,
                                            GError      **error);
JsonNode   *dozor_store_delete_route       (DozorStore   *self,
                                            const char   *id,
                                            gint64        expected_version,
                                            GError      **error);

/* dozor-store-compliance.c */
gboolean    dozor_store_add_compliance_record (DozorStore *self,
                                               const DozorComplianceRecord *record,
                                               GError    **error);
char       *dozor_store_unit_deviations    (DozorStore   *self,
                                            const char   *unit_id,
                                            GHashTable   *query,
                                            GError      **error);
char       *dozor_store_deviation_stats    (DozorStore   *self,
                                            GHashTable   *query,
                                            GError      **error);

/* dozor-store-calls.c */
gboolean    dozor_store_set_repeat_rules   (DozorStore   *self,
                                            double        radius_m,
                                            double        window_h,
                                            GError      **error);
char       *dozor_store_find_matches       (DozorStore   *self,
                                            GHashTable   *query,
                                            GError      **error);
JsonNode   *dozor_store_attach_call        (DozorStore   *self,
                                            const char   *incident_id,
                                            JsonObject   *input,
                                            const char   *by,
                                            GError      **error);
char       *dozor_store_repeated_calls     (DozorStore   *self,
                                            GHashTable   *query,
                                            GError      **error);

/* dozor-store-crisis.c */
JsonNode   *dozor_store_add_note           (DozorStore   *self,
                                            JsonObject   *input,
                                            const char   *by,
                                            GError      **error);

/* dozor-store-plans.c */
char       *dozor_store_find_plan          (DozorStore   *self,
                                            const char   *name);
JsonNode   *dozor_store_create_plan        (DozorStore   *self,
                                            JsonObject   *input,
                                            GError      **error);
JsonNode   *dozor_store_update_plan        (DozorStore   *self,
                                            const char   *id,
                                            gint64        expected_version,
                                            JsonObject   *changes,
                                            GError      **error);
JsonNode   *dozor_store_delete_plan        (DozorStore   *self,
                                            const char   *id,
                                            gint64        expected_version,
                                            GError      **error);
JsonNode   *dozor_store_activate_plan      (DozorStore   *self,
                                            const char   *id,
                                            JsonObject   *input,
                                            const char   *by,
                                            JsonNode    **current,
                                            GError      **error);
JsonNode   *dozor_store_close_plan         (DozorStore   *self,
                                            const char   *id,
                                            const char   *by,
                                            GError      **error);
JsonNode   *dozor_store_plan_candidates    (DozorStore   *self,
                                            const char   *id,
                                            JsonObject   *input,
                                            GError      **error);

/* dozor-store-import.c */
#define DOZOR_STORE_MAX_IMPORT_ITEMS 10000
JsonNode   *dozor_store_import             (DozorStore   *self,
                                            JsonObject   *input,
                                            GError      **error);

/* dozor-store-logins.c */

/**
 * DozorLoginPolicy:
 * @user_attempts: failed logins of one user name that lock it
 * @address_attempts: failed logins from one client address that lock it
 * @lock_seconds: how long a lock lasts; failures older than that are forgotten
 *
 * When failed logins lock a user name or a client address (docs/api.md).
 */
typedef struct
{
  guint user_attempts;
  guint address_attempts;
  guint lock_seconds;
} DozorLoginPolicy;

#define DOZOR_LOGIN_USER_ATTEMPTS 5
#define DOZOR_LOGIN_ADDRESS_ATTEMPTS 20
#define DOZOR_LOGIN_LOCK_SECONDS (30 * 60)

char       *dozor_store_get_password_hash  (DozorStore   *self,
                                            const char   *name);
char       *dozor_store_open_session       (DozorStore   *self,
                                            const char   *name,
                                            const char   *password_hash,
                                            char        **role,
                                            gint64       *expires_at,
                                            GError      **error);
gint64      dozor_store_login_locked_until (DozorStore   *self,
                                            const char   *name,
                                            const char   *address,
                                            GError      **error);
gboolean    dozor_store_login_failed       (DozorStore   *self,
                                            const DozorLoginPolicy *policy,
                                            const char   *name,
                                            const char   *address,
                                            GError      **error);
gboolean    dozor_store_login_succeeded    (DozorStore   *self,
                                            const char   *name,
                                            GError      **error);
char       *dozor_store_list_login_locks   (DozorStore   *self,
                                            GError      **error);
int         dozor_store_unlock_login       (DozorStore   *self,
                                            const char   *name_or_address,
                                            GError      **error);

/* dozor-store-roster.c: the duty roster (docs/api.md, "Duty roster"). */
JsonNode   *dozor_store_create_roster_entry (DozorStore  *self,
                                             JsonObject  *input,
                                             const char  *by,
                                             GError     **error);
JsonNode   *dozor_store_update_roster_entry (DozorStore  *self,
                                             const char  *id,
                                             gint64       expected_version,
                                             JsonObject  *changes,
                                             GError     **error);
JsonNode   *dozor_store_delete_roster_entry (DozorStore  *self,
                                             const char  *id,
                                             gint64       expected_version,
                                             GError     **error);
JsonNode   *dozor_store_import_roster       (DozorStore  *self,
                                             JsonObject  *input,
                                             const char  *by,
                                             GError     **error);
char       *dozor_store_list_roster         (DozorStore  *self,
                                             GHashTable  *query,
                                             GError     **error);
char       *dozor_store_export_roster       (DozorStore  *self,
                                             GHashTable  *query,
                                             GError     **error);
GPtrArray  *dozor_store_check_roster        (DozorStore  *self,
                                             gint64       now,
                                             guint        no_position_s,
                                             GError     **error);
/* dozor-store-audit.c: the audit trail (docs/api.md, "Audit trail"). */

/* One record as a request left it; the store adds its number, time and
 * hashes. Every member may be NULL but @action. */
typedef struct
{
  const char *username;
  const char *role;
  const char *address;
  const char *client;
  const char *action;
  const char *entity_type;
  const char *entity_id;
  guint status;
  const char *before;
  const char *after;
} DozorAuditEntry;

typedef enum
{
  DOZOR_AUDIT_INTACT,
  DOZOR_AUDIT_MODIFIED,
  DOZOR_AUDIT_MISSING,
  DOZOR_AUDIT_OUT_OF_ORDER,
} DozorAuditFault;

typedef enum
{
  DOZOR_AUDIT_FORMAT_JSON,
  DOZOR_AUDIT_FORMAT_CSV,
} DozorAuditFormat;

gboolean    dozor_store_audit_append       (DozorStore   *self,
                                            const DozorAuditEntry *entry,
                                            GError      **error);
char       *dozor_store_audit_entity       (DozorStore   *self,
                                            const char   *entity_type,
                                            const char   *entity_id);
char       *dozor_store_audit_page         (DozorStore   *self,
                                            GHashTable   *query,
                                            GError      **error);
guint       dozor_store_prune_audit        (DozorStore   *self,
                                            const char   *before,
                                            GError      **error);
DozorAuditFault dozor_store_audit_verify   (DozorStore   *self,
                                            gint64       *first_broken,
                                            gint64       *n_checked,
                                            gint64       *last,
                                            char        **head,
                                            GError      **error);
char       *dozor_store_audit_hash         (DozorStore   *self,
                                            gint64        seq);
gboolean    dozor_store_audit_export       (DozorStore   *self,
                                            const char   *from,
                                            const char   *to,
                                            DozorAuditFormat format,
                                            GOutputStream *out,
                                            guint        *n_records,
                                            GError      **error);

G_END_DECLS
