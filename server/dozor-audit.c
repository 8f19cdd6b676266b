/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What dozord writes into the audit trail (docs/api.md, "Audit trail").
 * Writes are recorded by the command runner, in the transaction of the
 * change (dozor-server.c, run_command); everything else that is recorded
 * (logins, refusals, reports and exports, reading the trail itself) goes
 * through here, in a transaction of its own, once the answer is known.
 */
#include "config.h"

#include <string.h>

#include "dozor-audit.h"
#include "dozor-server-private.h"

/* A client names itself in a line, not a page; the rest is cut. */
#define MAX_CLIENT_CHARS 256
#define MAX_ACTION_CHARS 512
/* A failed login's name is whatever was typed: kept, but not at any length. */
#define MAX_USERNAME_CHARS 64

enum { USERNAME, ROLE, ADDRESS, CLIENT, ACTION, ENTITY_TYPE, ENTITY_ID };

/* The first segment of a path after /api/v1/ and the kind of entity it names. */
static const struct
{
  const char *segment;
  const char *entity_type;
} kinds[] = {
  { "units", "unit" },
  { "incidents", "incident" },
  { "dispatches", "dispatch" },
  { "zones", "zone" },
  { "routes", "route" },
  { "places", "place" },
  { "plans", "plan" },
  { "readiness", "readiness" },
  { "positions", "positions" },
  { "imports", "import" },
  { "session", "session" },
  { "messages", "message" },
  { "orientations", "orientation" },
  { "handovers", "handover" },
};

/* Valid UTF-8 of at most @max_chars characters, or NULL. */
static char *
bounded_text (const char *text,
              glong       max_chars)
{
  g_autofree char *valid = NULL;

  if (text == NULL)
    return NULL;
  valid = g_utf8_make_valid (text, -1);
  if (g_utf8_strlen (valid, -1) <= max_chars)
    return g_steal_pointer (&valid);
  return g_utf8_substring (valid, 0, max_chars);
}

static char *
client_address (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  if (!G_IS_INET_SOCKET_ADDRESS (remote))
    return NULL;
  return g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
}

/* The entity a path names: its kind from the first segment, its id from
 * the second; an incident's checklist is an entity of its own. */
static void
entity_of (const char *const  *parts,
           char              **entity_type,
           char              **entity_id)
{
  guint n_parts = g_strv_length ((char **) parts);

  *entity_type = NULL;
  *entity_id = NULL;
  if (n_parts == 0)
    return;

  if (n_parts == 3 && g_str_equal (parts[0], "incidents") && g_str_equal (parts[2], "checklist"))
    *entity_type = g_strdup ("checklist");
  for (guint k = 0; *entity_type == NULL && k < G_N_ELEMENTS (kinds); k++)
    if (g_str_equal (parts[0], kinds[k].segment))
      *entity_type = g_strdup (kinds[k].entity_type);
  if (*entity_type == NULL)
    *entity_type = bounded_text (parts[0], MAX_USERNAME_CHARS);
  if (n_parts >= 2 && parts[1][0] != '\0')
    *entity_id = bounded_text (parts[1], MAX_USERNAME_CHARS);
}

/**
 * dozor_audit_request_init:
 * @request: the record's members to fill
 * @msg: the request
 * @username: (nullable): who asked, as logged in (or as typed at a login)
 * @role: (nullable): the role of @username
 *
 * Fills who, from where (the peer's address, the User-Agent it sent), the
 * action (method and path) and the entity the path names.
 */
void
dozor_audit_request_init (DozorAuditRequest *request,
                          SoupServerMessage *msg,
                          const char        *username,
                          const char        *role)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  const char *agent = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "User-Agent");
  g_autofree char *action = g_strdup_printf ("%s %s", soup_server_message_get_method (msg), path);
  g_auto(GStrv) parts = NULL;

  memset (request, 0, sizeof *request);
  request->strings[USERNAME] = bounded_text (username, MAX_USERNAME_CHARS);
  request->strings[ROLE] = g_strdup (role);
  request->strings[ADDRESS] = client_address (msg);
  request->strings[CLIENT] = bounded_text (agent, MAX_CLIENT_CHARS);
  request->strings[ACTION] = bounded_text (action, MAX_ACTION_CHARS);
  if (g_str_has_prefix (path, "/api/v1/"))
    {
      parts = g_strsplit (path + strlen ("/api/v1/"), "/", 4);
      entity_of ((const char *const *) parts, &request->strings[ENTITY_TYPE], &request->strings[ENTITY_ID]);
    }

  request->entry.username = request->strings[USERNAME];
  request->entry.role = request->strings[ROLE];
  request->entry.address = request->strings[ADDRESS];
  request->entry.client = request->strings[CLIENT];
  request->entry.action = request->strings[ACTION];
  request->entry.entity_type = request->strings[ENTITY_TYPE];
  request->entry.entity_id = request->strings[ENTITY_ID];
}

/* A create learns its entity's id from the answer. */
void
dozor_audit_request_set_entity_id (DozorAuditRequest *request,
                                   const char        *entity_id)
{
  g_free (request->strings[ENTITY_ID]);
  request->strings[ENTITY_ID] = g_strdup (entity_id);
  request->entry.entity_id = request->strings[ENTITY_ID];
}

void
dozor_audit_request_clear (DozorAuditRequest *request)
{
  for (guint s = 0; s < G_N_ELEMENTS (request->strings); s++)
    g_clear_pointer (&request->strings[s], g_free);
}

/**
 * dozor_audit_record:
 * @store: the store, outside a transaction
 * @entry: what to record
 *
 * Appends @entry in a transaction of its own: for what writes nothing
 * else. A failure is logged: the answer has gone already.
 *
 * Returns: whether the record was written
 */
gboolean
dozor_audit_record (DozorStore            *store,
                    const DozorAuditEntry *entry)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;

  if (dozor_store_begin (store, &error))
    {
      if (dozor_store_audit_append (store, entry, &error))
        events = dozor_store_commit (store, &error);
      else
        dozor_store_rollback (store);
    }

  if (events == NULL)
    g_warning ("Recording “%s” in the audit trail: %s", entry->action, error->message);
  return events != NULL;
}

/**
 * dozor_audit_login:
 * @store: the store
 * @msg: a `POST /session` that has its answer
 * @username: (nullable): the name sent
 * @role: (nullable): its role when the login succeeded
 *
 * Records `login.ok` for an answer of 200, otherwise `login.failed` with
 * the status the client got (401, 429, 503 …).
 */
void
dozor_audit_login (DozorStore        *store,
                   SoupServerMessage *msg,
                   const char        *username,
                   const char        *role)
{
  g_auto(DozorAuditRequest) request = { { NULL } };
  guint status = soup_server_message_get_status (msg);

  dozor_audit_request_init (&request, msg, username, status == 200 ? role : NULL);
  request.entry.action = status == 200 ? "login.ok" : "login.failed";
  request.entry.status = status;
  dozor_audit_record (store, &request.entry);
}

static void
request_free (gpointer data)
{
  dozor_audit_request_clear (data);
  g_free (data);
}

/**
 * dozor_audit_login_entry:
 * @msg: a `POST /session` about to be checked
 * @username: the name sent
 *
 * The record of the login should it succeed, for DozorLogins to append in
 * the transaction that opens the session (dozor_logins_login_async). A
 * failure is recorded with dozor_audit_login() instead.
 *
 * Returns: (transfer none): who asked from where; as long as @msg lives
 */
const DozorAuditEntry *
dozor_audit_login_entry (SoupServerMessage *msg,
                         const char        *username)
{
  DozorAuditRequest *request = g_new0 (DozorAuditRequest, 1);

  dozor_audit_request_init (request, msg, username, NULL);
  g_object_set_data_full (G_OBJECT (msg), "dozor-audit-login", request, request_free);
  return &request->entry;
}

/**
 * dozor_audit_is_recorded_read:
 * @parts: the path's segments after `/api/v1/`
 * @method: the request's method
 *
 * Returns: whether the request reads a document out of dozord (a report,
 *   an export, the audit trail, the journal, a replay): those are recorded
 *   like writes
 */
gboolean
dozor_audit_is_recorded_read (const char *const *parts,
                              const char        *method)
{
  /* The journal and a replay hand out a whole stretch of the log, as an
   * export does: who took which is the trail's business. */
  static const char *const documents[] = { "reports", "exports", "audit", "journal", "replay", NULL };

  if (!g_str_equal (method, "GET") || parts[0] == NULL)
    return FALSE;
  /* GET /roster/export: the duty roster as CSV. */
  if (parts[1] != NULL && g_str_equal (parts[1], "export"))
    return TRUE;
  return g_strv_contains (documents, parts[0]);
}

typedef struct
{
  DozorStore *store;
  DozorAuditRequest request;
} Watch;

static void
watch_free (gpointer  data,
            GClosure *closure)
{
  Watch *watch = data;

  dozor_audit_request_clear (&watch->request);
  g_object_unref (watch->store);
  g_free (watch);
}

static void
finished_cb (SoupServerMessage *msg,
             Watch             *watch)
{
  watch->request.entry.status = soup_server_message_get_status (msg);
  dozor_audit_record (watch->store, &watch->request.entry);
}

/**
 * dozor_audit_watch:
 * @store: the store
 * @msg: a request that writes nothing but is recorded (a read of a
 *   document, a refusal)
 * @username: (nullable): who asked
 * @role: (nullable): the role of @username
 *
 * Records @msg once it has been answered, with the status it got, from
 * whichever route answered it and however late. Watching twice records
 * once.
 */
void
dozor_audit_watch (DozorStore        *store,
                   SoupServerMessage *msg,
                   const char        *username,
                   const char        *role)
{
  Watch *watch;

  if (g_object_get_data (G_OBJECT (msg), "dozor-audit-watch") != NULL)
    return;

  watch = g_new0 (Watch, 1);
  watch->store = g_object_ref (store);
  dozor_audit_request_init (&watch->request, msg, username, role);
  g_object_set_data (G_OBJECT (msg), "dozor-audit-watch", watch);
  g_signal_connect_data (msg, "finished", G_CALLBACK (finished_cb), watch, watch_free, 0);
}

/**
 * dozor_audit_handle:
 * @server: the server
 * @msg: `GET /audit`, from an admin
 * @query: its query: `from`, `to`, `after`, `limit`
 *
 * Answers a page of the trail.
 */
void
dozor_audit_handle (DozorServer       *server,
                    SoupServerMessage *msg,
                    GHashTable        *query)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = dozor_store_audit_page (dozor_server_get_store (server), query, &error);

  if (json == NULL)
    dozor_server_reply_failure (msg, error);
  else
    dozor_server_reply_text (msg, 200, json);
}
