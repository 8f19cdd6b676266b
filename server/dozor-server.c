/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozord's HTTP and WebSocket front: routes of docs/api.md over DozorStore.
 * Everything runs on one main loop, so a client that connects to the stream
 * gets the stored events and then the live ones with nothing in between
 * lost or repeated.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dozor-audit.h"
#include "dozor-compliance.h"
#include "dozor-failure.h"
#include "dozor-field.h"
#include "dozor-history.h"
#include "dozor-reports.h"
#include "dozor-replay.h"
#include "dozor-json.h"
#include "dozor-listener.h"
#include "dozor-log-follower.h"
#include "dozor-logins.h"
#include "dozor-route-table.h"
#include "dozor-server.h"
#include "dozor-server-private.h"
#include "dozor-plan-proposals.h"
#include "dozor-stream-client.h"
#include "dozor-work-queue.h"

/* How often stream clients are fed from the store when behind, and
 * checked for ended sessions and stalled sockets. */
#define STREAM_CHECK_MS 1000

/* How often a client that is behind is fed from the store as its socket
 * drains: fed only at the check, it took at most DOZOR_STREAM_SOFT_BOUND
 * a second (~750 positions), whatever its link could carry. */
#define STREAM_CATCH_UP_MS 50

struct _DozorServer
{
  GObject parent_instance;

  SoupServer *soup;
  DozorStore *store;
  DozorLogins *logins;   /* POST /session, hashes in workers */
  DozorHistory *history; /* history reads in workers */
  DozorReports *reports; /* report figures in a worker */
  DozorReplay *replay;   /* GET /replay, archived states and reads in workers */
  DozorSopCatalogue *sop; /* what checklists may hold; NULL: nothing */
  DozorPlanProposals *proposals; /* POST /plans/{id}/proposal, in workers */
  gint64 retain_events;
  guint retain_track_hours;
  guint retain_journal_days;
  guint retain_audit_days;
  DozorCompliance *compliance; /* deviations and gaps, in a worker */
  DozorRoster *roster;         /* the roster's flags */
  GPtrArray *clients; /* DozorStreamClient */
  DozorStreamPages *pages; /* what clients behind are fed, shared */
  /* On PostgreSQL, where the stream's events come from (NULL on SQLite,
   * where they are this process's own commits). */
  DozorLogFollower *follower;
  gboolean compliance_on; /* --no-compliance not given */
  gint64 started;         /* real time, when this instance began to listen */
  guint advance_id;
  guint heartbeat_id;
  guint check_id;
  guint catch_up_id;
  guint prune_id;
};

G_DEFINE_FINAL_TYPE (DozorServer, dozor_server, G_TYPE_OBJECT)

typedef DozorCaller Caller;

static void
caller_clear (Caller *caller)
{
  g_clear_pointer (&caller->user, g_free);
  g_clear_pointer (&caller->role, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Caller, caller_clear)

static void
reply_text (SoupServerMessage *msg,
            guint              status,
            const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

static void
reply_node (SoupServerMessage *msg,
            guint              status,
            JsonNode          *node)
{
  g_autofree char *json = json_to_string (node, FALSE);

  reply_text (msg, status, json);
}

static char *
error_json (const char *code,
            const char *message,
            JsonNode   *current)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  if (current != NULL)
    {
      json_builder_set_member_name (builder, "current");
      json_builder_add_value (builder, json_node_copy (current));
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
reply_error (SoupServerMessage *msg,
             guint              status,
             const char        *code,
             const char        *message)
{
  g_autofree char *json = error_json (code, message, NULL);

  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate", "Bearer realm=\"dozord\"");
  reply_text (msg, status, json);
}

/* Kept under these names for the routes that call them. */
static guint
status_for_error (const GError  *error,
                  const char   **code)
{
  return dozor_failure_status (error, code);
}

static void
reply_failure (SoupServerMessage *msg,
               const GError      *error)
{
  const char *code;
  guint status = status_for_error (error, &code);
  g_autofree char *json = error_json (code, dozor_failure_message (error, status), NULL);

  reply_text (msg, status, json);
}

/* Closing may drop a client from the list: walk a copy. */
static GPtrArray *
copy_clients (DozorServer *self)
{
  GPtrArray *clients = g_ptr_array_copy (self->clients, (GCopyFunc) (void (*) (void)) g_object_ref, NULL);

  g_ptr_array_set_free_func (clients, g_object_unref);
  return clients;
}

/* The last event the stream has handed over: on SQLite the store's last
 * commit; on PostgreSQL the last the log follower read, whoever wrote it. */
static gint64
stream_head (DozorServer *self)
{
  if (self->follower != NULL)
    return dozor_log_follower_get_seq (self->follower);
  return dozor_store_get_seq (self->store);
}

/* Pages behind every client that is behind are read no more. */
static void
trim_pages (DozorServer *self,
            GPtrArray   *clients)
{
  gint64 oldest = G_MAXINT64;

  for (guint c = 0; c < clients->len; c++)
    if (dozor_stream_client_is_behind (clients->pdata[c]))
      oldest = MIN (oldest, dozor_stream_client_get_seq (clients->pdata[c]));
  dozor_stream_pages_trim (self->pages, oldest);
}

static gboolean
catch_up_cb (gpointer user_data)
{
  DozorServer *self = user_data;
  g_autoptr(GPtrArray) clients = copy_clients (self);
  gboolean behind = FALSE;

  for (guint c = 0; c < clients->len; c++)
    if (dozor_stream_client_is_behind (clients->pdata[c]))
      {
        dozor_stream_client_catch_up (clients->pdata[c], self->pages, stream_head (self));
        behind |= dozor_stream_client_is_behind (clients->pdata[c]);
      }
  trim_pages (self, clients);

  if (behind)
    return G_SOURCE_CONTINUE;
  self->catch_up_id = 0;
  return G_SOURCE_REMOVE;
}

static void
catch_up_soon (DozorServer *self)
{
  if (self->catch_up_id == 0)
    self->catch_up_id = g_timeout_add (STREAM_CATCH_UP_MS, catch_up_cb, self);
}

/* Events with consecutive seqs from @first, to every stream client. A
 * run's frames for batching clients are packed once for all of them. */
static void
fan_out (DozorServer *self,
         GPtrArray   *events,
         gint64       first)
{
  g_autoptr(GPtrArray) clients = copy_clients (self);
  g_autoptr(GPtrArray) frames = NULL;
  gboolean behind = FALSE;

  for (guint c = 0; c < clients->len; c++)
    {
      DozorStreamClient *client = clients->pdata[c];

      if (dozor_stream_client_get_batch (client))
        {
          if (frames == NULL)
            frames = dozor_stream_frames_pack (events, first);
          for (guint f = 0; f < frames->len; f++)
            dozor_stream_client_offer_frame (client, frames->pdata[f]);
        }
      else
        {
          for (guint i = 0; i < events->len; i++)
            dozor_stream_client_offer (client, events->pdata[i], first + i);
        }
      behind |= dozor_stream_client_is_behind (client);
    }
  if (behind)
    catch_up_soon (self);
}

/* What this process committed. Events from one commit have consecutive
 * seqs ending at the store's. On PostgreSQL they reach the stream through
 * the log follower, as every other instance's do, a few milliseconds
 * later: one path, so every instance sends the same events in the same
 * order. Route compliance judges them there too, on the judging instance
 * only, every instance's fixes in seq order. */
static void
broadcast (DozorServer *self,
           GPtrArray   *events)
{
  if (self->compliance != NULL && self->follower == NULL)
    dozor_compliance_take (self->compliance, events);

  if (self->follower == NULL && events->len > 0)
    fan_out (self, events, dozor_store_get_seq (self->store) - events->len + 1);
}

static void
follower_events_cb (GPtrArray *events,
                    gint64     first,
                    gpointer   user_data)
{
  DozorServer *self = user_data;

  if (self->compliance != NULL)
    dozor_compliance_take (self->compliance, events);
  fan_out (self, events, first);
}

static void compliance_publish (GPtrArray *events,
                                gpointer   user_data);

/* This instance became the judge, or stopped being it. A new judge's
 * compliance worker restores from the store as after a restart: every
 * unit's track since its shift began, whoever stored it. It is made at
 * the follower's seq S and handed every event after S, so nothing is
 * skipped; a fix both in the store's read and among those events is
 * older than the unit's last and not judged again, and a record made
 * again finds its row and writes nothing (docs/decisions.md). */
static void
judge_state_cb (gboolean judging,
                gpointer user_data)
{
  DozorServer *self = user_data;

  g_clear_object (&self->compliance);
  if (judging && self->compliance_on)
    self->compliance = dozor_compliance_new (self->store, self->started, compliance_publish, self);
  dozor_roster_set_judging (self->roster, judging);
}

/* PostgreSQL cannot be reached: the stream would be silent with no word
 * why. Its clients are told to come back (4503, "unavailable"), and
 * are refused so until the log is read again; they then resume with
 * since=, here or on another instance, and miss nothing. */
static void
follower_state_cb (gboolean live,
                   gpointer user_data)
{
  DozorServer *self = user_data;
  g_autoptr(GPtrArray) clients = NULL;

  if (live)
    return;

  clients = copy_clients (self);
  for (guint c = 0; c < clients->len; c++)
    dozor_stream_client_close (clients->pdata[c], DOZOR_STREAM_CLOSE_UNAVAILABLE, "store unavailable; resume with since");
}

static void
check_clients (DozorServer *self)
{
  g_autoptr(GPtrArray) clients = copy_clients (self);

  for (guint c = 0; c < clients->len; c++)
    {
      dozor_stream_client_check (clients->pdata[c], self->store);
      dozor_stream_client_catch_up (clients->pdata[c], self->pages, stream_head (self));
    }
  trim_pages (self, clients);
}

/* The bearer token of a request; the stream may pass it in the query. */
static const char *
request_token (SoupServerMessage *msg,
               const char        *query_token)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");

  if (header != NULL && g_ascii_strncasecmp (header, "Bearer ", 7) == 0)
    return header + 7;
  return query_token;
}

/* FALSE with @error set: the store could not say (503, not 401, so that
 * a board waits rather than logging in again). */
static gboolean
authenticate (DozorServer       *self,
              SoupServerMessage *msg,
              const char        *query_token,
              Caller            *caller,
              GError           **error)
{
  return dozor_store_authenticate_full (self->store, request_token (msg, query_token),
                                        &caller->user, &caller->role, &caller->expires_at, error);
}

static void
reply_unauthenticated (SoupServerMessage *msg,
                       const GError      *error)
{
  if (error != NULL)
    reply_error (msg, 503, "unavailable", dozor_failure_message (error, 503));
  else
    reply_error (msg, 401, "unauthorized", _("A valid bearer token is required"));
}

/* Roles as a space-separated list: the server decides, whatever a client hides. */
static gboolean
role_may (const Caller *caller,
          const char   *roles)
{
  g_auto(GStrv) allowed = g_strsplit (roles, " ", -1);

  return g_strv_contains ((const char *const *) allowed, caller->role);
}

static gsize
body_limit_for (SoupServerMessage *msg)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));

  return g_strcmp0 (path, "/api/v1/imports") == 0 ? DOZOR_SERVER_MAX_IMPORT_BODY : DOZOR_SERVER_MAX_BODY;
}

static JsonObject *
body_object (SoupServerMessage  *msg,
             JsonNode          **root,
             GError            **error)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  *root = dozor_json_parse (data, length, body_limit_for (msg), error);
  if (*root == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (*root))
    {
      g_set_error_literal (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID,
                           _("The body must be a JSON object"));
      g_clear_pointer (root, json_node_unref);
      return NULL;
    }

  return json_node_get_object (*root);
}

/* --- Commands: one transaction, one answer, remembered under its key ---- */

typedef DozorCommandFunc CommandFunc;
typedef DozorCommand Command;

static gboolean
parse_if_match (const char *header,
                gint64     *version)
{
  g_autofree char *text = NULL;
  guint64 value;

  if (header == NULL)
    return FALSE;

  text = g_strstrip (g_strdup (header));
  if (text[0] == 'W' && text[1] == '/')
    memmove (text, text + 2, strlen (text + 2) + 1);
  if (text[0] == '"' && strlen (text) >= 2 && text[strlen (text) - 1] == '"')
    {
      text[strlen (text) - 1] = '\0';
      memmove (text, text + 1, strlen (text));
    }

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;

  *version = (gint64) value;
  return TRUE;
}

static void
run_command (DozorServer       *self,
             SoupServerMessage *msg,
             const Caller      *caller,
             const Command     *command,
             const char        *id)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *key = soup_message_headers_get_one (headers, "Idempotency-Key");
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(JsonNode) current = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_auto(DozorAuditRequest) audit = { { NULL } };
  JsonObject *body = NULL;
  gint64 version = -1;
  guint status;
  char *stored = NULL;

  if (command->needs_key && (key == NULL || *key == '\0'))
    {
      reply_error (msg, 428, "idempotency_key_required",
                   _("This command needs an Idempotency-Key header"));
      return;
    }
  if (key != NULL && (strlen (key) > 128 || !g_utf8_validate (key, -1, NULL)))
    {
      reply_error (msg, 400, "invalid_idempotency_key", _("The Idempotency-Key is longer than 128 characters"));
      return;
    }

  if (command->needs_version &&
      !parse_if_match (soup_message_headers_get_one (headers, "If-Match"), &version))
    {
      reply_error (msg, 428, "if_match_required",
                   _("This change needs an If-Match header with the version it was based on"));
      return;
    }
  /* Deleting takes If-Match when the client has it, and guards with it. */
  if (!command->needs_version && soup_message_headers_get_one (headers, "If-Match") != NULL &&
      !parse_if_match (soup_message_headers_get_one (headers, "If-Match"), &version))
    {
      reply_error (msg, 400, "invalid_if_match", _("If-Match must hold a version number"));
      return;
    }

  if (command->needs_body)
    {
      body = body_object (msg, &root, &error);
      if (body == NULL)
        {
          reply_failure (msg, error);
          return;
        }
    }

  if (!dozor_store_begin (self->store, &error))
    {
      reply_failure (msg, error);
      return;
    }

  /* A retry gets the first answer, whatever it was. */
  if (key != NULL && dozor_store_find_answer (self->store, caller->user, key, &status, &stored))
    {
      dozor_store_rollback (self->store);
      reply_text (msg, status, stored);
      g_free (stored);
      return;
    }

  /* The audit record goes with the change, in its transaction, with the
   * entity as it was and as it became. */
  dozor_audit_request_init (&audit, msg, caller->user, caller->role);
  if (!command->not_audited)
    before = dozor_store_audit_entity (self->store, audit.entry.entity_type, audit.entry.entity_id);
  audit.entry.before = before;

  result = command->func (self, caller, body, id, version, &current, &error);
  if (result != NULL)
    {
      status = command->success_status;
      answer = json_to_string (result, FALSE);
      /* A create names its entity in the answer; the rest is read back. */
      if (audit.entry.entity_id == NULL && JSON_NODE_HOLDS_OBJECT (result))
        dozor_audit_request_set_entity_id (&audit, dozor_json_get_string (json_node_get_object (result), "id"));
      if (!command->not_audited)
        after = audit.entry.entity_id != NULL || before != NULL
                ? dozor_store_audit_entity (self->store, audit.entry.entity_type, audit.entry.entity_id)
                : g_strdup (answer);
      audit.entry.after = after;
      audit.entry.status = status;
      if ((key != NULL && !dozor_store_keep_answer (self->store, caller->user, key, status, answer, &error)) ||
          (!command->not_audited && !dozor_store_audit_append (self->store, &audit.entry, &error)))
        g_clear_pointer (&result, json_node_unref);
    }

  if (result == NULL)
    {
      const char *code;

      dozor_store_rollback (self->store);
      status = status_for_error (error, &code);
      if (current != NULL)
        code = "unit_busy";
      answer = error_json (code, dozor_failure_message (error, status), current);

      /* Refusals are answers too, kept under their key; a failing disk's
       * is not. Both are recorded, with nothing changed. */
      audit.entry.status = status;
      audit.entry.after = NULL;
      if (dozor_store_begin (self->store, NULL))
        {
          if ((key == NULL || status >= 500 ||
               dozor_store_keep_answer (self->store, caller->user, key, status, answer, NULL)) &&
              (command->not_audited || dozor_store_audit_append (self->store, &audit.entry, NULL)))
            events = dozor_store_commit (self->store, NULL);
          else
            dozor_store_rollback (self->store);
        }

      reply_text (msg, status, answer);
      return;
    }

  events = dozor_store_commit (self->store, &error);
  if (events == NULL)
    {
      reply_failure (msg, error);
      return;
    }

  reply_text (msg, status, answer);
  broadcast (self, events);
}

static JsonNode *
create_unit (DozorServer *self, const Caller *caller, JsonObject *body, const char *id,
             gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_create_unit (self->store, body, error);
}

static JsonNode *
update_unit (DozorServer *self, const Caller *caller, JsonObject *body, const char *id,
             gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_update_unit (self->store, id, version, body, error);
}

static JsonNode *
create_incident (DozorServer *self, const Caller *caller, JsonObject *body, const char *id,
                 gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_create_incident (self->store, body, error);
}

static JsonNode *
update_incident (DozorServer *self, const Caller *caller, JsonObject *body, const char *id,
                 gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_update_incident (self->store, id, version, body, caller->user, error);
}

/* A dispatch goes to exactly one place (docs/api.md, "Dispatching"): an
 * incident, a post of an active plan, or the crisis area. */
static JsonNode *
create_dispatch (DozorServer *self, const Caller *caller, JsonObject *body, const char *id,
                 gint64 version, JsonNode **current, GError **error)
{
  static const char *const names[] = { "unit_id", "incident_id", "plan_id", "post_id" };
  /* Type-safe getters: a member of another type is a refusal, not a critical. */
  const char *unit_id = dozor_json_get_string (body, "unit_id");
  const char *incident_id = dozor_json_get_string (body, "incident_id");
  const char *plan_id = dozor_json_get_string (body, "plan_id");
  const char *post_id = dozor_json_get_string (body, "post_id");
  JsonNode *area = json_object_get_member (body, "area");
  gboolean to_area = area != NULL && JSON_NODE_HOLDS_VALUE (area) &&
                     json_node_get_value_type (area) == G_TYPE_BOOLEAN && json_node_get_boolean (area);
  guint places = (incident_id != NULL) + (plan_id != NULL || post_id != NULL) + to_area;

  if (unit_id == NULL || places != 1 || (plan_id != NULL) != (post_id != NULL))
    {
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID,
                           _("unit_id and one place are required: incident_id, plan_id with post_id, or area: true"));
      return NULL;
    }
  /* Ids are names too: a control character in one is a bad field, not an
   * unknown entity. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *value = dozor_json_get_string (body, names[i]);
      const char *refused = value != NULL ? dozor_field_check_text (DOZOR_FIELD_NAME, value) : NULL;

      if (refused != NULL)
        {
          g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID, "%s: %s", names[i], refused);
          return NULL;
        }
    }

  if (plan_id != NULL)
    return dozor_store_dispatch_to_post (self->store, unit_id, plan_id, post_id, caller->user, current, error);
  if (to_area)
    return dozor_store_dispatch_to_area (self->store, unit_id, caller->user, current, error);
  return dozor_store_dispatch (self->store, unit_id, incident_id, caller->user, current, error);
}

static JsonNode *
end_dispatch (DozorServer *self, const Caller *caller, JsonObject *body, const char *id,
              gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_end_dispatch (self->store, id, caller->user, error);
}

/* A fix dated far ahead would pin its unit: every real fix after it would
 * count as older. The bound is the server's clock at the request, so it is
 * checked where a tracker's batch comes in (the scenario dates its own
 * fixes on that clock). Like any bad position, one refuses the batch. */
static gboolean
fixes_not_ahead (JsonArray  *positions,
                 GError    **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  for (guint i = 0; i < json_array_get_length (positions); i++)
    {
      JsonNode *node = json_array_get_element (positions, i);
      const char *text = JSON_NODE_HOLDS_OBJECT (node) ? dozor_json_get_string (json_node_get_object (node), "time")
                                                       : NULL;
      g_autoptr(GDateTime) time = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
      const char *refused = time != NULL ? dozor_field_check_fix_time (time, now) : NULL;

      /* Other faults of a position are the store's to name. */
      if (refused != NULL)
        {
          g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID, "positions[%u].time: %s", i, refused);
          return FALSE;
        }
    }

  return TRUE;
}

static JsonNode *
add_positions (DozorServer *self, const Caller *caller, JsonObject *body, const char *id,
               gint64 version, JsonNode **current, GError **error)
{
  JsonNode *positions = json_object_get_member (body, "positions");
  JsonObject *answer;
  JsonNode *node;
  guint n;

  if (positions == NULL || !JSON_NODE_HOLDS_ARRAY (positions))
    {
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID,
                           _("positions: must be an array"));
      return NULL;
    }

  if (!fixes_not_ahead (json_node_get_array (positions), error))
    return NULL;

  n = dozor_store_add_positions (self->store, json_node_get_array (positions), error);
  if (n == 0 && *error != NULL)
    return NULL;

  answer = json_object_new ();
  json_object_set_int_member (answer, "accepted", n);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, answer);
  return node;
}

static JsonNode *
set_readiness (DozorServer *self, const Caller *caller, JsonObject *body, const char *id,
               gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_set_readiness (self->store, body, caller->user, error);
}

static JsonNode *
set_check (DozorServer *self, const Caller *caller, JsonObject *body, const char *id,
           gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_set_check (self->store, id, body, caller->user, self->sop, error);
}

static JsonNode *
create_zone (DozorServer *self, const Caller *caller, JsonObject *body, const char *id,
             gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_create_zone (self->store, body, error);
}

static JsonNode *
update_zone (DozorServer *self, const Caller *caller, JsonObject *body, const char *id,
             gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_update_zone (self->store, id, version, body, error);
}

static JsonNode *
delete_zone (DozorServer *self, const Caller *caller, JsonObject *body, const char *id,
             gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_delete_zone (self->store, id, version, error);
}

static JsonNode *
create_route (DozorServer *self, const Caller *caller, JsonObject *body, const char *id,
              gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_create_route (self->store, body, error);
}

static JsonNode *
update_route (DozorServer *self, const Caller *caller, JsonObject *body, const char *id,
              gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_update_route (self->store, id, version, body, error);
}

static JsonNode *
delete_route (DozorServer *self, const Caller *caller, JsonObject *body, const char *id,
              gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_delete_route (self->store, id, version, error);
}

static JsonNode *
create_place (DozorServer *self, const Caller *caller, JsonObject *body, const char *id,
              gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_create_place (self->store, body, error);
}

static JsonNode *
update_place (DozorServer *self, const Caller *caller, JsonObject *body, const char *id,
              gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_update_place (self->store, id, version, body, error);
}

static JsonNode *
delete_place (DozorServer *self, const Caller *caller, JsonObject *body, const char *id,
              gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_delete_place (self->store, id, version, error);
}

static JsonNode *
import_layers (DozorServer *self, const Caller *caller, JsonObject *body, const char *id,
               gint64 version, JsonNode **current, GError **error)
{
  return dozor_store_import (self->store, body, error);
}

static const Command create_unit_command = { create_unit, 201, TRUE, FALSE, TRUE };
static const Command update_unit_command = { update_unit, 200, FALSE, TRUE, TRUE };
static const Command create_incident_command = { create_incident, 201, TRUE, FALSE, TRUE };
static const Command update_incident_command = { update_incident, 200, FALSE, TRUE, TRUE };
static const Command create_dispatch_command = { create_dispatch, 201, TRUE, FALSE, TRUE };
static const Command end_dispatch_command = { end_dispatch, 200, FALSE, FALSE, FALSE };
static const Command positions_command = { add_positions, 202, FALSE, FALSE, TRUE, TRUE };
static const Command readiness_command = { set_readiness, 200, FALSE, FALSE, TRUE };
static const Command check_command = { set_check, 200, FALSE, FALSE, TRUE };
static const Command create_zone_command = { create_zone, 201, TRUE, FALSE, TRUE };
static const Command update_zone_command = { update_zone, 200, FALSE, TRUE, TRUE };
static const Command delete_zone_command = { delete_zone, 200, FALSE, FALSE, FALSE };
static const Command create_route_command = { create_route, 201, TRUE, FALSE, TRUE };
static const Command update_route_command = { update_route, 200, FALSE, TRUE, TRUE };
static const Command delete_route_command = { delete_route, 200, FALSE, FALSE, FALSE };
static const Command create_place_command = { create_place, 201, TRUE, FALSE, TRUE };
static const Command update_place_command = { update_place, 200, FALSE, TRUE, TRUE };
static const Command delete_place_command = { delete_place, 200, FALSE, FALSE, FALSE };
static const Command import_command = { import_layers, 201, TRUE, FALSE, TRUE };

/* --- Routes -------------------------------------------------------------- */

/* What POST and GET /session answer; the token only once, at login. */
static void
reply_session (SoupServerMessage *msg,
               const char        *token,
               const char        *user,
               const char        *role,
               gint64             expires_at)
{
  g_autoptr(GDateTime) expires = g_date_time_new_from_unix_utc (expires_at);
  g_autofree char *expires_text = g_date_time_format (expires, "%Y-%m-%dT%H:%M:%SZ");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) answer = NULL;

  json_builder_begin_object (builder);
  if (token != NULL)
    {
      json_builder_set_member_name (builder, "token");
      json_builder_add_string_value (builder, token);
    }
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, user);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, role);
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_string_value (builder, expires_text);
  json_builder_end_object (builder);
  answer = json_builder_get_root (builder);
  reply_node (msg, 200, answer);
}

/* A request answered after work in a thread: libsoup holds it meanwhile. */
static void
reply_later (SoupServerMessage *msg)
{
  g_object_ref (msg);
  soup_server_message_pause (msg);
}

static void
reply_now (SoupServerMessage *msg)
{
  soup_server_message_unpause (msg);
  g_object_unref (msg);
}

/* The error of work done in a thread. Busy workers and locked logins are
 * dozord's own answers (docs/api.md), with Retry-After; the rest is what
 * any failure is told. */
static void
reply_async_error (SoupServerMessage *msg,
                   const GError      *error,
                   gint64             retry_after)
{
  gboolean busy = g_error_matches (error, DOZOR_WORK_QUEUE_ERROR, DOZOR_WORK_QUEUE_ERROR_FULL);
  gboolean locked = g_error_matches (error, DOZOR_LOGINS_ERROR, DOZOR_LOGINS_ERROR_LOCKED);
  g_autofree char *seconds = NULL;

  if (!busy && !locked)
    {
      const char *code;
      guint status = status_for_error (error, &code);

      /* reply_error, not reply_failure: a wrong password's 401 names the
       * scheme in WWW-Authenticate. */
      reply_error (msg, status, code, dozor_failure_message (error, status));
      return;
    }

  seconds = g_strdup_printf ("%" G_GINT64_FORMAT, busy ? 1 : MAX (retry_after, 1));
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", seconds);
  reply_error (msg, busy ? 503 : 429, busy ? "unavailable" : "too_many_attempts", error->message);
}

static void
login_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  SoupServerMessage *msg = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = NULL;
  g_autofree char *role = NULL;
  gint64 expires_at = 0, retry_after = 0;
  g_autofree char *token = dozor_logins_login_finish (DOZOR_LOGINS (source), result, &user, &role,
                                                      &expires_at, &retry_after, &error);

  /* A session was opened with its record (dozor_audit_login_entry); a
   * refusal is recorded now, with the status it got. */
  if (token == NULL)
    {
      reply_async_error (msg, error, retry_after);
      dozor_audit_login (dozor_logins_get_store (DOZOR_LOGINS (source)), msg, user, role);
    }
  else
    reply_session (msg, token, user, role, expires_at);
  reply_now (msg);
}

static void
login (DozorServer       *self,
       SoupServerMessage *msg)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *body = body_object (msg, &root, &error);
  const char *username, *password;

  if (body == NULL)
    {
      const char *code;
      guint status = status_for_error (error, &code);

      reply_error (msg, status, code, dozor_failure_message (error, status));
      dozor_audit_login (self->store, msg, NULL, NULL);
      return;
    }

  /* A member of another type is a wrong login, not a critical. */
  username = dozor_json_get_string (body, "username");
  password = dozor_json_get_string (body, "password");
  reply_later (msg);
  dozor_logins_login_async (self->logins, username != NULL ? username : "",
                            password != NULL ? password : "",
                            soup_server_message_get_remote_address (msg),
                            dozor_audit_login_entry (msg, username != NULL ? username : ""), login_done_cb, msg);
}

/* GET /session: whose a token is, for a board that kept one; DELETE: log out. */
static void
session (DozorServer       *self,
         SoupServerMessage *msg,
         const char        *method)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");
  g_auto(Caller) caller = { NULL, NULL, 0 };
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (method, "GET") && !g_str_equal (method, "DELETE"))
    {
      reply_error (msg, 405, "method_not_allowed", _("Use POST to log in, GET to see the session, DELETE to log out"));
      return;
    }
  if (!authenticate (self, msg, NULL, &caller, &error))
    {
      reply_unauthenticated (msg, error);
      return;
    }
  /* A logout ends a session: on record, with what it was answered. */
  if (g_str_equal (method, "DELETE"))
    dozor_audit_watch (self->store, msg, caller.user, caller.role);
  if (g_str_equal (method, "DELETE") && !dozor_store_end_session (self->store, header + 7, &error))
    {
      if (error != NULL)
        reply_error (msg, 503, "unavailable", dozor_failure_message (error, 503));
      else
        reply_error (msg, 401, "unauthorized", _("A valid bearer token is required"));
      return;
    }
  reply_session (msg, NULL, caller.user, caller.role, caller.expires_at);
  /* A stream opened with the token ends with it, now. */
  if (g_str_equal (method, "DELETE"))
    check_clients (self);
}

/* For a load balancer (docs/api.md, "Health"): on PostgreSQL one read of
 * the counter on the connection the commands use, and the log follower
 * reading, or 503 so that the balancer takes this instance out. */
static void
health (DozorServer       *self,
        SoupServerMessage *msg)
{
  gboolean judge = self->follower == NULL || dozor_log_follower_is_judge (self->follower);
  gint64 seq = dozor_store_read_seq (self->store, NULL);
  gboolean ok = seq >= 0 && (self->follower == NULL || dozor_log_follower_is_live (self->follower));
  g_autofree char *json = g_strdup_printf ("{\"status\":\"%s\",\"seq\":%" G_GINT64_FORMAT ",\"store\":\"%s\","
                                           "\"judge\":%s}", ok ? "ok" : "unavailable",
                                           seq >= 0 ? seq : stream_head (self), ok ? "ok" : "unreachable",
                                           judge ? "true" : "false");

  reply_text (msg, ok ? 200 : 503, json);
}

static void
snapshot (DozorServer       *self,
          SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = dozor_store_snapshot (self->store, &error);

  if (json == NULL)
    reply_failure (msg, error);
  else
    reply_text (msg, 200, json);
}

static void
history_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SoupServerMessage *msg = user_data;
  g_autoptr(GError) error = NULL;
  /* A history page or a report (dozor-reports.c): both tasks return the
   * answer's JSON text. */
  g_autofree char *json = g_task_propagate_pointer (G_TASK (result), &error);

  if (json != NULL)
    reply_text (msg, 200, json);
  else
    reply_async_error (msg, error, 0);
  reply_now (msg);
}

/* GET /incidents, /units/{id}/track and /journal, a page each. */
static void
history (DozorServer       *self,
         SoupServerMessage *msg,
         DozorHistoryKind   kind,
         const char        *unit_id,
         GHashTable        *query)
{
  reply_later (msg);
  dozor_history_read_async (self->history, kind, unit_id, query, history_done_cb, msg);
}

/* GET /reports/…, in a worker (dozor-reports.c). */
static void
report (DozorServer       *self,
        SoupServerMessage *msg,
        const char *const *parts,
        GHashTable        *query)
{
  /* The certificate's id is the third segment: never looked up or echoed
   * when no incident can have it. */
  if (parts[2] != NULL && dozor_field_check_text (DOZOR_FIELD_NAME, parts[2]) != NULL)
    {
      reply_error (msg, 404, "not_found", _("No such entity"));
      return;
    }
  reply_later (msg);
  dozor_reports_read_async (self->reports, parts, query, history_done_cb, msg);
}

/* GET /units/{id}/deviations: a unit's few records, read here. */
static void
deviations (DozorServer       *self,
            SoupServerMessage *msg,
            const char        *unit_id,
            GHashTable        *query)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = dozor_store_unit_deviations (self->store, unit_id, query, &error);

  if (json == NULL)
    reply_failure (msg, error);
  else
    reply_text (msg, 200, json);
}

static const char *readers = "wall operator supervisor admin";
static const char *editors = "supervisor admin";
static const char *intake = "operator supervisor admin";

static void
handle_api (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  DozorServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_auto(Caller) caller = { NULL, NULL, 0 };
  g_autoptr(GError) auth_error = NULL;
  g_auto(GStrv) parts = NULL;
  guint n_parts;
  const char *id;
  const char *allowed;

  if (!g_str_has_prefix (path, "/api/v1/"))
    {
      reply_error (msg, 404, "not_found", _("No such endpoint"));
      return;
    }

  parts = g_strsplit (path + strlen ("/api/v1/"), "/", 0);
  n_parts = g_strv_length (parts);
  id = n_parts == 2 ? parts[1] : NULL;

  /* The path, then the method, before who asks: both are public (docs/api.md). */
  allowed = dozor_route_table_allowed ((const char *const *) parts);
  if (allowed == NULL)
    {
      reply_error (msg, 404, "not_found", _("No such endpoint"));
      return;
    }
  if (!dozor_route_table_allows (allowed, method))
    {
      g_autofree char *message = g_strdup_printf (_("This endpoint takes only %s"), allowed);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allowed);
      reply_error (msg, 405, "method_not_allowed", message);
      return;
    }
  /* An id that no entity can have (not UTF-8, controls) is not looked up,
   * and never echoed: the store's "No unit “…”" would send it back raw. */
  if (n_parts >= 2 && dozor_field_check_text (DOZOR_FIELD_NAME, parts[1]) != NULL)
    {
      reply_error (msg, 404, "not_found", _("No such entity"));
      return;
    }

  if (n_parts == 1 && g_str_equal (parts[0], "session"))
    {
      if (g_str_equal (method, "POST"))
        login (self, msg);
      else
        session (self, msg, method);
      return;
    }

  if (n_parts == 1 && g_str_equal (parts[0], "health"))
    {
      health (self, msg);
      return;
    }

  if (!authenticate (self, msg, NULL, &caller, &auth_error))
    {
      reply_unauthenticated (msg, auth_error);
      return;
    }
  /* Reports, exports and the trail itself are recorded as they are
   * answered, by whichever route answers them. */
  if (dozor_audit_is_recorded_read ((const char *const *) parts, method))
    dozor_audit_watch (self->store, msg, caller.user, caller.role);

#define ROUTE(name, verb, has_id) \
  (n_parts == ((has_id) ? 2 : 1) && g_str_equal (parts[0], name) && g_str_equal (method, verb))
#define ALLOW(roles) \
  G_STMT_START { \
    if (!role_may (&caller, roles)) \
      { \
        dozor_audit_watch (self->store, msg, caller.user, caller.role); \
        reply_error (msg, 403, "forbidden", _("Your role may not do this")); \
        return; \
      } \
  } G_STMT_END

  if (ROUTE ("snapshot", "GET", FALSE))
    {
      ALLOW (readers);
      snapshot (self, msg);
    }
  else if (n_parts == 3 && g_str_equal (parts[0], "units") && g_str_equal (parts[2], "track") &&
           g_str_equal (method, "GET"))
    {
      ALLOW (readers);
      history (self, msg, DOZOR_HISTORY_TRACK, parts[1], query);
    }
  else if (n_parts == 3 && g_str_equal (parts[0], "units") && g_str_equal (parts[2], "deviations") &&
           g_str_equal (method, "GET"))
    {
      ALLOW (readers);
      deviations (self, msg, parts[1], query);
    }
  else if (n_parts == 3 && g_str_equal (parts[0], "incidents") && g_str_equal (parts[2], "checklist") &&
           g_str_equal (method, "PUT"))
    {
      ALLOW (intake);
      run_command (self, msg, &caller, &check_command, parts[1]);
    }
  else if (dozor_routes_calls_roles ((const char *const *) parts, method) != NULL)
    {
      ALLOW (dozor_routes_calls_roles ((const char *const *) parts, method));
      dozor_routes_calls_handle (self, msg, &caller, (const char *const *) parts, query);
    }
  else if (dozor_routes_roster_roles ((const char *const *) parts, method) != NULL)
    {
      ALLOW (dozor_routes_roster_roles ((const char *const *) parts, method));
      dozor_routes_roster_handle (self, msg, &caller, (const char *const *) parts, method, query);
    }
  else if (ROUTE ("audit", "GET", FALSE))
    {
      ALLOW ("admin");
      dozor_audit_handle (self, msg, query);
    }
  else if (dozor_routes_shiftbook_roles ((const char *const *) parts, method) != NULL)
    {
      ALLOW (dozor_routes_shiftbook_roles ((const char *const *) parts, method));
      dozor_routes_shiftbook_handle (self, msg, &caller, (const char *const *) parts, method, query);
    }
  else if (dozor_routes_compliance_roles ((const char *const *) parts, method) != NULL)
    {
      ALLOW (dozor_routes_compliance_roles ((const char *const *) parts, method));
      dozor_routes_compliance_handle (self, msg, query);
    }
  else if (dozor_routes_crisis_roles ((const char *const *) parts, method) != NULL)
    {
      ALLOW (dozor_routes_crisis_roles ((const char *const *) parts, method));
      dozor_routes_crisis_handle (self, msg, &caller, (const char *const *) parts);
    }
  else if (dozor_reports_roles ((const char *const *) parts, method) != NULL)
    {
      ALLOW (dozor_reports_roles ((const char *const *) parts, method));
      report (self, msg, (const char *const *) parts, query);
    }
  else if (ROUTE ("replay", "GET", FALSE))
    {
      /* Debriefing and handover are the supervisors' (docs/decisions.md). */
      ALLOW (editors);
      history (self, msg, DOZOR_HISTORY_REPLAY, NULL, query);
    }
  else if (ROUTE ("incidents", "GET", FALSE))
    {
      ALLOW (readers);
      history (self, msg, DOZOR_HISTORY_INCIDENTS, NULL, query);
    }
  else if (ROUTE ("journal", "GET", FALSE))
    {
      ALLOW (readers);
      history (self, msg, DOZOR_HISTORY_JOURNAL, NULL, query);
    }
  else if (ROUTE ("units", "POST", FALSE))
    {
      ALLOW (editors);
      run_command (self, msg, &caller, &create_unit_command, NULL);
    }
  else if (ROUTE ("units", "PATCH", TRUE))
    {
      ALLOW (editors);
      run_command (self, msg, &caller, &update_unit_command, id);
    }
  else if (ROUTE ("incidents", "POST", FALSE))
    {
      ALLOW (intake);
      run_command (self, msg, &caller, &create_incident_command, NULL);
    }
  else if (ROUTE ("incidents", "PATCH", TRUE))
    {
      ALLOW (intake);
      run_command (self, msg, &caller, &update_incident_command, id);
    }
  else if (ROUTE ("dispatches", "POST", FALSE))
    {
      ALLOW (editors);
      run_command (self, msg, &caller, &create_dispatch_command, NULL);
    }
  else if (ROUTE ("dispatches", "DELETE", TRUE))
    {
      ALLOW (editors);
      run_command (self, msg, &caller, &end_dispatch_command, id);
    }
  else if (ROUTE ("positions", "POST", FALSE))
    {
      ALLOW ("tracker admin");
      run_command (self, msg, &caller, &positions_command, NULL);
    }
  else if (ROUTE ("readiness", "PUT", FALSE))
    {
      ALLOW (editors);
      run_command (self, msg, &caller, &readiness_command, NULL);
    }
  else if (ROUTE ("zones", "POST", FALSE) || ROUTE ("zones", "PATCH", TRUE) || ROUTE ("zones", "DELETE", TRUE) ||
           ROUTE ("routes", "POST", FALSE) || ROUTE ("routes", "PATCH", TRUE) || ROUTE ("routes", "DELETE", TRUE))
    {
      gboolean zones = g_str_equal (parts[0], "zones");
      const Command *command;

      ALLOW (editors);
      if (g_str_equal (method, "POST"))
        command = zones ? &create_zone_command : &create_route_command;
      else if (g_str_equal (method, "PATCH"))
        command = zones ? &update_zone_command : &update_route_command;
      else
        command = zones ? &delete_zone_command : &delete_route_command;
      run_command (self, msg, &caller, command, id);
    }
  else if (ROUTE ("places", "POST", FALSE) || ROUTE ("places", "PATCH", TRUE) || ROUTE ("places", "DELETE", TRUE))
    {
      ALLOW (editors);
      run_command (self, msg, &caller,
                   g_str_equal (method, "POST") ? &create_place_command
                   : g_str_equal (method, "PATCH") ? &update_place_command : &delete_place_command,
                   id);
    }
  else if (ROUTE ("imports", "POST", FALSE))
    {
      ALLOW (editors);
      run_command (self, msg, &caller, &import_command, NULL);
    }
  else if (g_str_equal (parts[0], "plans"))
    {
      /* Plans are changed by supervisors only (issue 15, item 7). */
      ALLOW (editors);
      if (!dozor_routes_plans_handle (self, msg, &caller, (const char *const *) parts, method))
        reply_error (msg, 404, "not_found", _("No such endpoint or method"));
    }
  else
    {
      reply_error (msg, 404, "not_found", _("No such endpoint or method"));
    }

#undef ROUTE
#undef ALLOW
}

/* --- Stream ---------------------------------------------------------------- */

static void
client_closed_cb (SoupWebsocketConnection *conn,
                  DozorStreamClient       *client)
{
  DozorServer *self = g_object_get_data (G_OBJECT (client), "dozor-server");

  g_signal_handlers_disconnect_by_data (conn, client);
  g_ptr_array_remove (self->clients, client);
}

/* A client breaking the frame limit (see dozor-conn-stream.c). */
static void
client_violation_cb (gpointer user_data)
{
  g_autoptr(DozorStreamClient) client = g_weak_ref_get (user_data);

  if (client != NULL)
    dozor_stream_client_close (client, SOUP_WEBSOCKET_CLOSE_TOO_BIG, "clients send nothing");
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static void
stream_cb (SoupServer              *server,
           SoupServerMessage       *msg,
           const char              *path,
           SoupWebsocketConnection *conn,
           gpointer                 user_data)
{
  DozorServer *self = user_data;
  GUri *uri = soup_server_message_get_uri (msg);
  DozorConnStream *stream = dozor_listener_lookup (msg);
  g_autoptr(GHashTable) query = NULL;
  g_auto(Caller) caller = { NULL, NULL, 0 };
  g_autoptr(DozorStreamClient) client = NULL;
  const char *since_text = NULL;
  const char *batch_text = NULL;
  const char *token = NULL;
  g_autoptr(GError) error = NULL;
  guint64 since = 0;
  gint64 seq;

  if (g_uri_get_query (uri) != NULL)
    query = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  if (query != NULL)
    {
      since_text = g_hash_table_lookup (query, "since");
      batch_text = g_hash_table_lookup (query, "batch");
      token = g_hash_table_lookup (query, "token");
    }

  /* Clients only listen: a control frame's worth is all they may say
   * (libsoup checks each frame; the connection checks whole messages). */
  soup_websocket_connection_set_max_incoming_payload_size (conn, DOZOR_CONN_STREAM_MAX_CLIENT_MESSAGE);

  if (!authenticate (self, msg, token, &caller, &error) || !role_may (&caller, readers))
    {
      if (error != NULL)
        soup_websocket_connection_close (conn, DOZOR_STREAM_CLOSE_UNAVAILABLE, "store unavailable");
      else
        soup_websocket_connection_close (conn, 4401, "unauthorized");
      return;
    }

  /* On PostgreSQL, what any instance committed: a board resuming here
   * after another instance may be ahead of what this one has read. */
  seq = dozor_store_read_seq (self->store, NULL);
  if (seq < 0 || (self->follower != NULL && !dozor_log_follower_is_live (self->follower)))
    {
      soup_websocket_connection_close (conn, DOZOR_STREAM_CLOSE_UNAVAILABLE, "store unavailable");
      return;
    }

  if (since_text != NULL && !g_ascii_string_to_unsigned (since_text, 10, 0, G_MAXINT64, &since, NULL))
    {
      soup_websocket_connection_close (conn, 4400, "since must be a seq");
      return;
    }

  if (batch_text != NULL && !g_str_equal (batch_text, "0") && !g_str_equal (batch_text, "1"))
    {
      soup_websocket_connection_close (conn, 4400, "batch must be 0 or 1");
      return;
    }

  /* Older than what is kept, or from another database: start again. */
  if ((gint64) since > seq || (gint64) since + 1 < dozor_store_get_oldest_seq (self->store))
    {
      g_autofree char *reset = dozor_stream_message ("reset", seq);

      soup_websocket_connection_send_text (conn, reset);
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL, "reset");
      return;
    }

  /* The backlog comes from the store as fast as the socket takes it, then
   * the heartbeat, then live events. */
  client = dozor_stream_client_new (conn, stream, request_token (msg, token), (gint64) since,
                                    g_strcmp0 (batch_text, "1") == 0);
  g_object_set_data (G_OBJECT (client), "dozor-server", self);
  g_ptr_array_add (self->clients, g_object_ref (client));
  g_signal_connect (conn, "closed", G_CALLBACK (client_closed_cb), client);
  if (stream != NULL)
    {
      GWeakRef *ref = g_new0 (GWeakRef, 1);

      g_weak_ref_init (ref, client);
      dozor_conn_stream_set_violation_func (stream, client_violation_cb, ref, weak_ref_free);
    }
  /* At connect, everything committed so far, as on SQLite: on PostgreSQL
   * also what this instance's follower has not read yet (it is skipped
   * when it comes). */
  dozor_stream_client_catch_up (client, self->pages, MAX (stream_head (self), seq));
  if (dozor_stream_client_is_behind (client))
    catch_up_soon (self);
}

static gboolean
heartbeat_cb (gpointer user_data)
{
  DozorServer *self = user_data;
  gint64 seq = stream_head (self);

  for (guint c = 0; c < self->clients->len; c++)
    dozor_stream_client_heartbeat (self->clients->pdata[c], seq);

  return G_SOURCE_CONTINUE;
}

static gboolean
check_cb (gpointer user_data)
{
  check_clients (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
prune_cb (gpointer user_data)
{
  DozorServer *self = user_data;
  g_autoptr(GError) error = NULL;

  dozor_store_prune_events (self->store, self->retain_events, &error);
  if (error != NULL)
    g_warning ("Pruning old events: %s", error->message);
  g_clear_error (&error);

  /* Today's and tomorrow's tables of the position history on PostgreSQL,
   * ahead of the first fix of a day (a no-op on SQLite). */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    if (!dozor_store_prepare_track (self->store, now, &error))
      g_warning ("Preparing the track history's days: %s", error->message);
    g_clear_error (&error);
  }

  if (self->retain_track_hours > 0)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GDateTime) cutoff = g_date_time_add_hours (now, -(gint) self->retain_track_hours);
      g_autofree char *before = g_date_time_format (cutoff, "%Y-%m-%dT%H:%M:%S.%fZ");

      dozor_store_prune_track (self->store, before, &error);
      if (error != NULL)
        g_warning ("Pruning old track history: %s", error->message);
      g_clear_error (&error);
    }

  if (self->retain_journal_days > 0)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GDateTime) cutoff = g_date_time_add_days (now, -(gint) self->retain_journal_days);
      g_autofree char *before = g_date_time_format (cutoff, "%Y-%m-%dT%H:%M:%S.%fZ");

      dozor_store_prune_journal (self->store, before, &error);
      if (error != NULL)
        g_warning ("Pruning the journal: %s", error->message);
    }

  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) cutoff = g_date_time_add_days (now, -(gint) self->retain_audit_days);
    g_autofree char *before = g_date_time_format (cutoff, "%Y-%m-%dT%H:%M:%S.%fZ");
    g_autoptr(GError) audit_error = NULL;

    dozor_store_prune_audit (self->store, before, &audit_error);
    if (audit_error != NULL)
      g_warning ("Pruning the audit trail: %s", audit_error->message);
  }

  return G_SOURCE_CONTINUE;
}

/* Refuses an oversized body from its headers, before it is read. */
static char *
too_large_message (gsize limit)
{
  g_autofree char *size = g_format_size_full (limit, G_FORMAT_SIZE_IEC_UNITS);

  return g_strdup_printf (_("The request body is larger than %s"), size);
}

/* After a 413 the client may still be sending the body it announced:
 * closing now would reset the connection and lose the answer in the
 * client's kernel. So what comes is read and dropped, up to a bound, for
 * 10 s at most, and the connection is closed after 1 s of silence or at
 * the client's end. The socket itself is read: the stream libsoup hands
 * back when stolen buffers and does not end a pending read on cancel. */
#define DRAIN_LIMIT (DOZOR_SERVER_MAX_IMPORT_BODY + 1024 * 1024)
#define DRAIN_SECONDS 10
#define DRAIN_SILENCE_MS 1000

typedef struct
{
  GIOStream *stream;
  GSocket *socket;
  GSource *readable;
  guint silence_id;
  gsize left;
  gint64 until;
} Drain;

static void
drain_end (Drain *drain)
{
  if (drain->readable != NULL)
    {
      g_source_destroy (drain->readable);
      g_source_unref (drain->readable);
    }
  g_clear_handle_id (&drain->silence_id, g_source_remove);
  g_io_stream_close (drain->stream, NULL, NULL);
  g_object_unref (drain->stream);
  g_clear_object (&drain->socket);
  g_free (drain);
}

static gboolean
drain_silent_cb (gpointer user_data)
{
  Drain *drain = user_data;

  drain->silence_id = 0;
  drain_end (drain);
  return G_SOURCE_REMOVE;
}

static gboolean
drain_readable_cb (GSocket      *socket,
                   GIOCondition  condition,
                   gpointer      user_data)
{
  Drain *drain = user_data;
  guint8 buffer[64 * 1024];
  gssize n = g_socket_receive_with_blocking (socket, (char *) buffer, sizeof buffer, FALSE, NULL, NULL);

  if (n > 0 && (gsize) n < drain->left && g_get_monotonic_time () < drain->until)
    {
      drain->left -= n;
      g_clear_handle_id (&drain->silence_id, g_source_remove);
      drain->silence_id = g_timeout_add (DRAIN_SILENCE_MS, drain_silent_cb, drain);
      return G_SOURCE_CONTINUE;
    }
  if (n < 0 && g_get_monotonic_time () < drain->until)
    return G_SOURCE_CONTINUE; /* nothing after all (EAGAIN) */

  /* The end, an error, the bound or the time: drain_end destroys this source. */
  g_clear_pointer (&drain->readable, g_source_unref);
  drain_end (drain);
  return G_SOURCE_REMOVE;
}

/* Answers 413 on the raw connection: libsoup 3.2 goes on reading a body
 * whatever status a got-headers handler sets (only "Expect: 100-continue"
 * stops it), so the answer must not wait for a body that is never going
 * to be used. */
static void
refuse_too_large (SoupServerMessage *msg)
{
  gsize limit = body_limit_for (msg);
  g_autofree char *message = too_large_message (limit);
  g_autofree char *json = error_json ("too_large", message, NULL);
  g_autofree char *answer = NULL;
  DozorConnStream *conn = dozor_listener_lookup (msg);
  GSocket *socket = conn != NULL ? dozor_conn_stream_get_socket (conn) : NULL;
  GIOStream *stream;
  Drain *drain;

  answer = g_strdup_printf ("HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\n"
                            "Cache-Control: no-store\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
                            strlen (json), json);
  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    return;
  g_output_stream_write_all (g_io_stream_get_output_stream (stream), answer, strlen (answer), NULL, NULL, NULL);

  drain = g_new0 (Drain, 1);
  drain->stream = stream;
  drain->left = DRAIN_LIMIT;
  drain->until = g_get_monotonic_time () + DRAIN_SECONDS * G_USEC_PER_SEC;
  if (socket == NULL)
    {
      drain_end (drain);
      return;
    }
  drain->socket = g_object_ref (socket);
  drain->readable = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (drain->readable, (GSourceFunc) (void (*) (void)) drain_readable_cb, drain, NULL);
  g_source_attach (drain->readable, NULL);
  drain->silence_id = g_timeout_add (DRAIN_SILENCE_MS, drain_silent_cb, drain);
}

/* A chunked body announces no length: count it as it comes, and past the
 * limit refuse it, so a client cannot make dozord buffer without end. */
static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  gsize *received = user_data;

  *received += g_bytes_get_size (chunk);
  if (*received <= body_limit_for (msg))
    return;

  g_signal_handlers_disconnect_by_func (msg, got_chunk_cb, user_data);
  refuse_too_large (msg);
}

static void
got_headers_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  goffset length = soup_message_headers_get_content_length (soup_server_message_get_request_headers (msg));

  if (length > 0 && (guint64) length > body_limit_for (msg))
    {
      g_signal_handlers_disconnect_matched (msg, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, got_chunk_cb, NULL);
      refuse_too_large (msg);
    }
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  gsize *received = g_new0 (gsize, 1);

  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers_cb), NULL);
  g_signal_connect_data (msg, "got-chunk", G_CALLBACK (got_chunk_cb), received,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
}

static void
dozor_server_dispose (GObject *object)
{
  DozorServer *self = (DozorServer *)object;

  g_clear_object (&self->follower);
  g_clear_handle_id (&self->advance_id, g_source_remove);
  g_clear_handle_id (&self->heartbeat_id, g_source_remove);
  g_clear_handle_id (&self->prune_id, g_source_remove);
  /* Its worker stops before the store goes. */
  g_clear_object (&self->compliance);
  g_clear_object (&self->roster);
  g_clear_handle_id (&self->check_id, g_source_remove);
  g_clear_handle_id (&self->catch_up_id, g_source_remove);

  if (self->clients != NULL)
    {
      for (guint c = 0; c < self->clients->len; c++)
        {
          DozorStreamClient *client = self->clients->pdata[c];

          g_signal_handlers_disconnect_by_data (dozor_stream_client_get_conn (client), client);
          dozor_stream_client_close (client, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "server stopping");
        }
      g_clear_pointer (&self->clients, g_ptr_array_unref);
    }

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->logins);
  g_clear_object (&self->history);
  g_clear_object (&self->reports);
  g_clear_object (&self->replay);
  g_clear_object (&self->sop);
  g_clear_object (&self->proposals);
  g_clear_object (&self->pages);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (dozor_server_parent_class)->dispose (object);
}

static void
compliance_publish (GPtrArray *events,
                    gpointer   user_data)
{
  broadcast (user_data, events);
}

/* A shift ends also for a unit that stopped reporting. */
static gboolean
advance_cb (gpointer user_data)
{
  DozorServer *self = user_data;

  if (self->compliance != NULL)
    dozor_compliance_advance (self->compliance, g_get_real_time ());
  return G_SOURCE_CONTINUE;
}

static void
dozor_server_class_init (DozorServerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_server_dispose;
}

static void
dozor_server_init (DozorServer *self)
{
  self->clients = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * dozor_server_new:
 * @store: the store
 * @retain_events: how many of the newest events to keep for resuming clients
 *
 * Returns: (transfer full): a server with its routes; call
 *   soup_server_listen_*() on dozor_server_get_soup()
 */
DozorServer *
dozor_server_new (DozorStore *store,
                  gint64      retain_events)
{
  DozorServer *self = g_object_new (DOZOR_TYPE_SERVER, NULL);

  self->store = g_object_ref (store);
  self->pages = dozor_stream_pages_new (store);
  /* This loop serves every request, stream and heartbeat: it must not
   * wait for PostgreSQL to answer a new connection (up to connect_timeout
   * when it hangs rather than refuses). Meanwhile what needs the store is
   * answered 503 (docs/postgresql.md, "Connecting again off the main loop"). */
  dozor_store_set_reconnect_in_background (store, TRUE);
  self->retain_events = MAX (retain_events, 1000);
  self->retain_audit_days = DOZOR_SERVER_DEFAULT_AUDIT_DAYS;
  self->logins = dozor_logins_new (store);
  self->history = dozor_history_new (dozor_store_get_target (store));
  self->reports = dozor_reports_new (dozor_store_get_target (store));
  self->replay = dozor_replay_new (store);
  self->proposals = dozor_plan_proposals_new (NULL);
  self->soup = soup_server_new ("server-header", "dozord/" PACKAGE_VERSION " ", NULL);
  self->started = g_get_real_time ();
  self->compliance_on = TRUE;
  self->advance_id = g_timeout_add_seconds (10, advance_cb, self);
  self->roster = dozor_roster_new (store, compliance_publish, self);
  if (dozor_store_is_shared (store))
    {
      /* Nothing is judged until PostgreSQL elects this instance. */
      dozor_roster_set_judging (self->roster, FALSE);
      self->follower = dozor_log_follower_new (dozor_store_get_target (store), dozor_store_get_seq (store),
                                               follower_events_cb, follower_state_cb, judge_state_cb, self);
    }
  else
    self->compliance = dozor_compliance_new (store, self->started, compliance_publish, self);

  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started_cb), self);
  /* Clients send nothing to inflate; see docs/decisions.md. */
  soup_server_remove_websocket_extension (self->soup, SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE);
  soup_server_add_websocket_handler (self->soup, "/api/v1/stream", NULL, NULL, stream_cb, self, NULL);
  soup_server_add_handler (self->soup, "/api/v1", handle_api, self, NULL);

  self->heartbeat_id = g_timeout_add_seconds (DOZOR_SERVER_HEARTBEAT_SECONDS, heartbeat_cb, self);
  self->prune_id = g_timeout_add_seconds (60, prune_cb, self);
  self->check_id = g_timeout_add (STREAM_CHECK_MS, check_cb, self);
  prune_cb (self);

  return self;
}

/**
 * dozor_server_set_arrival_limits:
 * @self: a #DozorServer
 * @limits: per priority, how long the first arrival may take before the
 *   reports count it late (`--arrival-limits`)
 */
void
dozor_server_set_arrival_limits (DozorServer           *self,
                                 const DozorEscalation *limits)
{
  g_return_if_fail (DOZOR_IS_SERVER (self));

  dozor_reports_set_limits (self->reports, limits);
}

/**
 * dozor_server_set_compliance:
 * @self: a #DozorServer
 * @enabled: whether patrol routes are judged (on by default)
 *
 * Without it dozord writes no deviations or gaps (a site without patrol
 * routes, or a measurement of what the check costs).
 */
void
dozor_server_set_compliance (DozorServer *self,
                             gboolean     enabled)
{
  gboolean judging = self->follower == NULL || dozor_log_follower_is_judge (self->follower);

  self->compliance_on = enabled;
  if (enabled && self->compliance == NULL && judging)
    self->compliance = dozor_compliance_new (self->store, self->started, compliance_publish, self);
  else if (!enabled)
    g_clear_object (&self->compliance);
}

/**
 * dozor_server_set_roster_no_position:
 * @self: a #DozorServer
 * @seconds: how long a unit on the roster may go without a fix before
 *   it is flagged `no_position`
 */
void
dozor_server_set_roster_no_position (DozorServer *self,
                                     guint        seconds)
{
  dozor_roster_set_no_position (self->roster, seconds);
}

DozorRoster *
dozor_server_get_roster (DozorServer *self)
{
  return self->roster;
}

/**
 * dozor_server_set_track_retention:
 * @self: a #DozorServer
 * @hours: how long fixes are kept as track history; 0 keeps them for ever
 */
void
dozor_server_set_track_retention (DozorServer *self,
                                  guint        hours)
{
  self->retain_track_hours = hours;
  prune_cb (self);
}

/**
 * dozor_server_set_journal_retention:
 * @self: a #DozorServer
 * @days: how long the journal (every event but fixes) is kept; 0 keeps it
 *   for ever
 */
void
dozor_server_set_journal_retention (DozorServer *self,
                                    guint        days)
{
  self->retain_journal_days = days;
  prune_cb (self);
}

/**
 * dozor_server_set_audit_retention:
 * @self: a #DozorServer
 * @days: how long audit records are kept, at least
 *   %DOZOR_SERVER_MIN_AUDIT_DAYS
 */
void
dozor_server_set_audit_retention (DozorServer *self,
                                  guint        days)
{
  g_return_if_fail (days >= DOZOR_SERVER_MIN_AUDIT_DAYS);

  self->retain_audit_days = days;
  prune_cb (self);
}

/**
 * dozor_server_get_replay:
 * @self: a #DozorServer
 *
 * Returns: (transfer none): what serves GET /replay and archives its states
 */
DozorReplay *
dozor_server_get_replay (DozorServer *self)
{
  return self->replay;
}

/**
 * dozor_server_set_sop_catalogue:
 * @self: a #DozorServer
 * @catalogue: (nullable): the procedures whose steps checklists may tick
 */
void
dozor_server_set_sop_catalogue (DozorServer       *self,
                                DozorSopCatalogue *catalogue)
{
  g_set_object (&self->sop, catalogue);
}

/**
 * dozor_server_set_login_policy:
 * @self: a #DozorServer
 * @policy: when failed logins lock a user name or a client address
 */
void
dozor_server_set_login_policy (DozorServer            *self,
                               const DozorLoginPolicy *policy)
{
  dozor_logins_set_policy (self->logins, policy);
}

SoupServer *
dozor_server_get_soup (DozorServer *self)
{
  return self->soup;
}

/**
 * dozor_server_publish:
 * @self: a #DozorServer
 * @events: (element-type utf8): committed events, in seq order
 *
 * Sends events that something other than a request wrote (the scenario)
 * to every stream client.
 */
void
dozor_server_publish (DozorServer *self,
                      GPtrArray   *events)
{
  broadcast (self, events);
}

guint
dozor_server_get_n_clients (DozorServer *self)
{
  return self->clients->len;
}

/* --- For the route files (dozor-server-private.h) ------------------------- */

DozorStore *
dozor_server_get_store (DozorServer *self)
{
  return self->store;
}

void
dozor_server_run_command (DozorServer        *self,
                          SoupServerMessage  *msg,
                          const DozorCaller  *caller,
                          const DozorCommand *command,
                          const char         *id)
{
  run_command (self, msg, caller, command, id);
}

JsonObject *
dozor_server_body_object (SoupServerMessage  *msg,
                          JsonNode          **root,
                          GError            **error)
{
  return body_object (msg, root, error);
}

void
dozor_server_reply_text (SoupServerMessage *msg,
                         guint              status,
                         const char        *json)
{
  reply_text (msg, status, json);
}

void
dozor_server_reply_failure (SoupServerMessage *msg,
                            const GError      *error)
{
  reply_failure (msg, error);
}

void
dozor_server_reply_async_error (SoupServerMessage *msg,
                                const GError      *error,
                                gint64             retry_after)
{
  reply_async_error (msg, error, retry_after);
}

void
dozor_server_reply_later (SoupServerMessage *msg)
{
  reply_later (msg);
}

void
dozor_server_reply_now (SoupServerMessage *msg)
{
  reply_now (msg);
}

/**
 * dozor_server_set_roads:
 * @self: a #DozorServer
 * @path: (nullable): the road network (GeoJSON) plan proposals are timed
 *   on, read at the first proposal; %NULL: no proposals
 */
void
dozor_server_set_roads (DozorServer *self,
                        const char  *path)
{
  g_clear_object (&self->proposals);
  self->proposals = dozor_plan_proposals_new (path);
}

DozorPlanProposals *
dozor_server_get_proposals (DozorServer *self)
{
  return self->proposals;
}
