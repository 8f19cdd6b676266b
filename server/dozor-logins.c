/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * POST /session: checks a password without holding up the main loop, and
 * throttles guessing (docs/api.md, "Failed logins").
 *
 * - yescrypt takes tens of milliseconds on purpose. It runs in worker
 *   threads, at most one per two CPUs at once, so that a flood of logins
 *   neither stalls every board's stream nor takes the whole machine; a few
 *   dozen more wait, the rest are refused at once (503).
 * - An unknown user's password is checked against a dummy hash of the same
 *   cost: the answer takes as long as for a wrong password, so its time
 *   does not tell who exists.
 * - Failures lock the user name (known or not, for the same reason) and
 *   the client's address (an IPv6 client by its /64, which one machine
 *   usually holds whole) in the store, where a restart does not lift them.
 * The store is only used here, on the main thread; the workers see nothing
 * but the password and the hash.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dozor-credentials.h"
#include "dozor-logins.h"
#include "dozor-work-queue.h"

/* Logins that wait for a worker beyond those hashing; about as many
 * seconds of hashing, after which a client would give up anyway. */
#define MAX_WAITING 32

struct _DozorLogins
{
  GObject parent_instance;

  DozorStore *store;
  DozorLoginPolicy policy;
  DozorWorkQueue *queue;
  char *dummy_hash;
};

G_DEFINE_FINAL_TYPE (DozorLogins, dozor_logins, G_TYPE_OBJECT)

G_DEFINE_QUARK (dozor-logins-error-quark, dozor_logins_error)

typedef struct
{
  char *name;
  char *password;
  char *address;
  char *hash;       /* NULL for an unknown user */
  char *check_hash; /* what the worker checks against: hash or the dummy */
  const DozorAuditEntry *record; /* not owned: the caller's, kept until done */
  /* Out */
  char *role;
  gint64 expires_at;
  gint64 retry_after;
} Login;

static void
login_free (gpointer data)
{
  Login *login = data;

  if (login->password != NULL)
    memset (login->password, 0, strlen (login->password));
  g_free (login->password);
  g_free (login->name);
  g_free (login->address);
  g_free (login->hash);
  g_free (login->check_hash);
  g_free (login->role);
  g_free (login);
}

static void
dozor_logins_finalize (GObject *object)
{
  DozorLogins *self = (DozorLogins *)object;

  g_clear_object (&self->queue);
  g_clear_object (&self->store);
  g_free (self->dummy_hash);

  G_OBJECT_CLASS (dozor_logins_parent_class)->finalize (object);
}

static void
dozor_logins_class_init (DozorLoginsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_logins_finalize;
}

static void
dozor_logins_init (DozorLogins *self)
{
  self->policy.user_attempts = DOZOR_LOGIN_USER_ATTEMPTS;
  self->policy.address_attempts = DOZOR_LOGIN_ADDRESS_ATTEMPTS;
  self->policy.lock_seconds = DOZOR_LOGIN_LOCK_SECONDS;
}

/**
 * dozor_logins_new:
 * @store: the store with the users
 *
 * Hashes a random dummy password once, as long as adding a user takes.
 *
 * Returns: (transfer full): logins with the default policy
 */
DozorLogins *
dozor_logins_new (DozorStore *store)
{
  DozorLogins *self = g_object_new (DOZOR_TYPE_LOGINS, NULL);
  g_autofree char *dummy = dozor_token_new ();
  guint workers = MAX (g_get_num_processors () / 2, 1);

  self->store = g_object_ref (store);
  self->queue = dozor_work_queue_new (workers, MAX_WAITING);
  /* Same scheme and cost as a real user's hash; never matches anything
   * typed, since nobody knows the password. */
  self->dummy_hash = dozor_password_hash (dummy, NULL);
  g_assert (self->dummy_hash != NULL);
  return self;
}

/**
 * dozor_logins_set_policy:
 * @self: a #DozorLogins
 * @policy: when failed logins lock
 */
void
dozor_logins_set_policy (DozorLogins            *self,
                         const DozorLoginPolicy *policy)
{
  self->policy = *policy;
}

/* The address failures count against: an IPv6 client by its /64. */
static char *
client_key (GSocketAddress *client)
{
  GInetAddress *address;

  if (!G_IS_INET_SOCKET_ADDRESS (client))
    return g_strdup ("unknown");

  address = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (client));
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6 && !g_inet_address_get_is_loopback (address))
    {
      guint8 bytes[16];
      g_autoptr(GInetAddress) prefix = NULL;
      g_autofree char *text = NULL;

      memcpy (bytes, g_inet_address_to_bytes (address), sizeof bytes);
      memset (bytes + 8, 0, 8);
      prefix = g_inet_address_new_from_bytes (bytes, G_SOCKET_FAMILY_IPV6);
      text = g_inet_address_to_string (prefix);
      return g_strconcat (text, "/64", NULL);
    }
  return g_inet_address_to_string (address);
}

static void
return_locked (GTask  *task,
               gint64  locked_until)
{
  Login *login = g_task_get_task_data (task);

  login->retry_after = MAX (locked_until - g_get_real_time () / G_USEC_PER_SEC, 1);
  /* The same words whether the name exists or not. */
  g_task_return_new_error (task, DOZOR_LOGINS_ERROR, DOZOR_LOGINS_ERROR_LOCKED,
                           _("Too many failed logins: try again later, or ask an administrator to unlock"));
}

/* Returns @task as refused if the name or the address is locked now. */
static gboolean
refused_as_locked (DozorLogins *self,
                   GTask       *task)
{
  Login *login = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 locked_until = dozor_store_login_locked_until (self->store, login->name, login->address, &error);

  if (locked_until < 0)
    g_task_return_error (task, error);
  else if (locked_until > 0)
    return_locked (task, locked_until);
  return locked_until != 0;
}

static void
check_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Login *login = task_data;

  g_task_return_boolean (task, dozor_password_verify (login->password, login->check_hash));
}

/* The session, the user's failures forgotten and the login's audit record
 * in one transaction: a session without its record cannot exist. */
static char *
open_session (DozorLogins  *self,
              Login        *login,
              GError      **error)
{
  g_autofree char *token = NULL;
  g_autoptr(GPtrArray) events = NULL;

  if (!dozor_store_begin (self->store, error))
    return NULL;
  token = dozor_store_open_session (self->store, login->name, login->hash, &login->role, &login->expires_at, error);
  if (token != NULL && !dozor_store_login_succeeded (self->store, login->name, error))
    g_clear_pointer (&token, g_free);
  if (token != NULL && login->record != NULL)
    {
      DozorAuditEntry entry = *login->record;

      entry.role = login->role;
      entry.action = "login.ok";
      entry.status = 200;
      if (!dozor_store_audit_append (self->store, &entry, error))
        g_clear_pointer (&token, g_free);
    }
  if (token == NULL)
    {
      dozor_store_rollback (self->store);
      return NULL;
    }
  events = dozor_store_commit (self->store, error);
  return events != NULL ? g_steal_pointer (&token) : NULL;
}

/* Back on the main thread with the worker's verdict. */
static void
checked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  DozorLogins *self = DOZOR_LOGINS (source);
  g_autoptr(GTask) task = user_data;
  Login *login = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gboolean matched = g_task_propagate_boolean (G_TASK (result), &error);

  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Tries made at the same moment all passed the first look at the lock;
   * the one that comes back after others locked the name is refused too,
   * even with the right password. */
  if (refused_as_locked (self, task))
    return;

  if (matched && login->hash != NULL)
    token = open_session (self, login, &error);
  else
    g_set_error_literal (&error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_UNAUTHORIZED,
                         _("Wrong user name or password"));

  if (token == NULL)
    {
      g_autoptr(GError) count_error = NULL;

      if (g_error_matches (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_UNAUTHORIZED) &&
          !dozor_store_login_failed (self->store, &self->policy, login->name, login->address, &count_error))
        g_warning ("Counting a failed login: %s", count_error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&token), g_free);
}

/* The store sessions are opened in; the audit trail records logins there. */
DozorStore *
dozor_logins_get_store (DozorLogins *self)
{
  return self->store;
}

/**
 * dozor_logins_login_async:
 * @self: a #DozorLogins
 * @name: the user name sent
 * @password: the password sent
 * @client: the client's address
 * @record: (nullable): the login's audit record as the request tells it,
 *   kept alive by the caller until @callback; a session is opened only
 *   with it, as `login.ok`, in the same transaction
 * @callback: called on this thread when the login is done
 * @user_data: for @callback
 *
 * Checks the password in a worker thread and makes a session if it
 * matches, unless the name or the address is locked.
 */
void
dozor_logins_login_async (DozorLogins         *self,
                          const char          *name,
                          const char          *password,
                          GSocketAddress      *client,
                          const DozorAuditEntry *record,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autoptr(GTask) check = NULL;
  Login *login = g_new0 (Login, 1);

  g_task_set_source_tag (task, dozor_logins_login_async);
  g_task_set_task_data (task, login, login_free);
  login->name = g_strdup (name);
  login->password = g_strdup (password);
  login->address = client_key (client);
  login->record = record;

  /* A locked login is refused before any hashing: guessing then costs the
   * server nothing. */
  if (refused_as_locked (self, task))
    return;

  login->hash = dozor_store_get_password_hash (self->store, name);
  login->check_hash = g_strdup (login->hash != NULL ? login->hash : self->dummy_hash);

  check = g_task_new (self, NULL, checked_cb, g_object_ref (task));
  g_task_set_task_data (check, login, NULL);
  dozor_work_queue_run (self->queue, check, check_in_thread);
}

/**
 * dozor_logins_login_finish:
 * @self: a #DozorLogins
 * @result: the result
 * @name: (out) (optional): the user who logged in
 * @role: (out) (optional): the user's role
 * @expires_at: (out) (optional): when the token expires, Unix seconds
 * @retry_after: (out) (optional): for %DOZOR_LOGINS_ERROR_LOCKED, the
 *   seconds until the lock ends
 * @error: return location for a #GError: %DOZOR_STORE_ERROR_UNAUTHORIZED,
 *   %DOZOR_LOGINS_ERROR_LOCKED, %DOZOR_WORK_QUEUE_ERROR_FULL or a store error
 *
 * Returns: (transfer full): the bearer token, or %NULL with @error set
 */
char *
dozor_logins_login_finish (DozorLogins   *self,
                           GAsyncResult  *result,
                           char         **name,
                           char         **role,
                           gint64        *expires_at,
                           gint64        *retry_after,
                           GError       **error)
{
  Login *login = g_task_get_task_data (G_TASK (result));
  char *token = g_task_propagate_pointer (G_TASK (result), error);

  if (name != NULL)
    *name = g_strdup (login->name);
  if (role != NULL)
    *role = g_strdup (login->role);
  if (expires_at != NULL)
    *expires_at = login->expires_at;
  if (retry_after != NULL)
    *retry_after = login->retry_after;
  return token;
}
