/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Logins in the store: the password hash to check, the session made once it
 * matched, and the failed tries that lock a user name or a client address
 * (docs/api.md, "Failed logins"). The failures live in the file, not in
 * dozord's memory: a restart must not lift a lock, and dozorctl, another
 * process, lists and lifts them.
 *
 * Checking a password is slow on purpose (yescrypt); it happens elsewhere,
 * in a worker, between dozor_store_get_password_hash() and
 * dozor_store_open_session().
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dozor-credentials.h"
#include "dozor-store-private.h"

/* Longer names cannot exist (dozor_store_add_user); an attacker's megabyte
 * of name is kept as its digest, so the table stays small. */
#define MAX_KEY 128

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
name_key (const char *name)
{
  if (name == NULL)
    return g_strdup ("");
  if (strlen (name) <= MAX_KEY)
    return g_strdup (name);
  {
    g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);

    return g_strconcat ("sha256:", digest, NULL);
  }
}

/**
 * dozor_store_get_password_hash:
 * @self: a #DozorStore
 * @name: a user name
 *
 * Returns: (transfer full) (nullable): the user's yescrypt hash, %NULL if
 *   there is no such user
 */
char *
dozor_store_get_password_hash (DozorStore *self,
                               const char *name)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, "SELECT password_hash FROM users WHERE name = ?1", NULL);

  if (stmt == NULL || name == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, name);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    return NULL;
  return g_strdup (dozor_db_column_text (stmt, 0));
}

/**
 * dozor_store_open_session:
 * @self: a #DozorStore
 * @name: a user whose password matched @password_hash
 * @password_hash: the hash that was checked
 * @role: (out): the user's role
 * @expires_at: (out): when the token expires, Unix seconds
 * @error: return location for a #GError
 *
 * Makes a session once the password was checked. The check ran elsewhere
 * and took a while: if the user was removed or given another password
 * meanwhile, the login fails as a wrong password would.
 *
 * Returns: (transfer full): a new bearer token, or %NULL with @error set
 */
char *
dozor_store_open_session (DozorStore  *self,
                          const char  *name,
                          const char  *password_hash,
                          char       **role,
                          gint64      *expires_at,
                          GError     **error)
{
  g_autoptr(DozorDbStmt) lookup = NULL;
  g_autoptr(DozorDbStmt) insert = NULL;
  g_autofree char *token = NULL;
  g_autofree char *digest = NULL;

  lookup = dozor_store_prepare (self, "SELECT role FROM users WHERE name = ?1 AND password_hash = ?2", error);
  if (lookup == NULL)
    return NULL;
  dozor_db_bind_text (lookup, 1, name);
  dozor_db_bind_text (lookup, 2, password_hash);
  if (dozor_db_step (lookup) != DOZOR_DB_ROW)
    {
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_UNAUTHORIZED,
                           _("Wrong user name or password"));
      return NULL;
    }

  token = dozor_token_new ();
  digest = dozor_token_digest (token);
  *expires_at = now_seconds () + DOZOR_SESSION_SECONDS;

  insert = dozor_store_prepare (self, "INSERT INTO sessions (token_digest, username, expires_at) VALUES (?1, ?2, ?3)",
                    error);
  if (insert == NULL)
    return NULL;
  dozor_db_bind_text (insert, 1, digest);
  dozor_db_bind_text (insert, 2, name);
  dozor_db_bind_int64 (insert, 3, *expires_at);
  if (dozor_db_step (insert) != DOZOR_DB_DONE)
    {
      dozor_store_set_db_error (self, error);
      return NULL;
    }
  *role = g_strdup (dozor_db_column_text (lookup, 0));

  dozor_store_exec (self, "DELETE FROM sessions WHERE expires_at < CAST(strftime('%s', 'now') AS INTEGER)", NULL);

  return g_steal_pointer (&token);
}

/**
 * dozor_store_login_locked_until:
 * @self: a #DozorStore
 * @name: the user name tried, known or not
 * @address: the client's address
 * @error: return location for a #GError
 *
 * Returns: when the later of the two locks ends (Unix seconds), 0 if
 *   neither is locked, -1 with @error set
 */
gint64
dozor_store_login_locked_until (DozorStore  *self,
                                const char  *name,
                                const char  *address,
                                GError     **error)
{
  g_autofree char *key = name_key (name);
  g_autoptr(DozorDbStmt) stmt =
    dozor_store_prepare (self,
             "SELECT COALESCE(MAX(locked_until), 0) FROM login_failures"
             " WHERE ((kind = 'user' AND key = ?1) OR (kind = 'address' AND key = ?2)) AND locked_until > ?3",
             error);

  if (stmt == NULL)
    return -1;
  dozor_db_bind_text (stmt, 1, key);
  dozor_db_bind_text (stmt, 2, address);
  dozor_db_bind_int64 (stmt, 3, now_seconds ());
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    {
      dozor_store_set_db_error (self, error);
      return -1;
    }
  return dozor_db_column_int64 (stmt, 0);
}

/* One more failure of a user name or an address. Failures are counted from
 * the first one for lock_seconds; a lock that has ended starts the count
 * again. */
static gboolean
count_failure (DozorStore              *self,
               const DozorLoginPolicy  *policy,
               const char              *kind,
               const char              *key,
               guint                    attempts,
               gint64                   now,
               GError                 **error)
{
  g_autoptr(DozorDbStmt) select = NULL;
  g_autoptr(DozorDbStmt) upsert = NULL;
  gint64 failures = 0, first_at = now, locked_until = 0;

  select = dozor_store_prepare (self, "SELECT failures, first_at, locked_until FROM login_failures WHERE kind = ?1 AND key = ?2",
                    error);
  if (select == NULL)
    return FALSE;
  dozor_db_bind_text (select, 1, kind);
  dozor_db_bind_text (select, 2, key);
  if (dozor_db_step (select) == DOZOR_DB_ROW)
    {
      gint64 old_first = dozor_db_column_int64 (select, 1);
      gint64 old_lock = dozor_db_column_int64 (select, 2);

      if (old_lock > now)
        {
          failures = dozor_db_column_int64 (select, 0);
          first_at = old_first;
          locked_until = old_lock;
        }
      else if (old_lock == 0 && old_first + policy->lock_seconds > now)
        {
          failures = dozor_db_column_int64 (select, 0);
          first_at = old_first;
        }
    }

  failures++;
  if (failures >= attempts && locked_until <= now)
    locked_until = now + policy->lock_seconds;

  upsert = dozor_store_prepare (self,
                    "INSERT INTO login_failures (kind, key, failures, first_at, locked_until)"
                    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (kind, key) DO UPDATE"
                    " SET failures = ?3, first_at = ?4, locked_until = ?5",
                    error);
  if (upsert == NULL)
    return FALSE;
  dozor_db_bind_text (upsert, 1, kind);
  dozor_db_bind_text (upsert, 2, key);
  dozor_db_bind_int64 (upsert, 3, failures);
  dozor_db_bind_int64 (upsert, 4, first_at);
  dozor_db_bind_int64 (upsert, 5, locked_until);
  if (dozor_db_step (upsert) != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error);
  return TRUE;
}

/**
 * dozor_store_login_failed:
 * @self: a #DozorStore
 * @policy: when failures lock
 * @name: the user name tried, known or not: an unknown name is locked
 *   the same way, so a lock tells nobody whether the user exists
 * @address: the client's address
 * @error: return location for a #GError
 *
 * Counts a failed login against @name and @address, locking either once
 * it reaches its number of attempts.
 *
 * Returns: whether it was counted
 */
gboolean
dozor_store_login_failed (DozorStore              *self,
                          const DozorLoginPolicy  *policy,
                          const char              *name,
                          const char              *address,
                          GError                 **error)
{
  g_autofree char *key = name_key (name);
  g_autoptr(DozorDbStmt) prune = NULL;
  DozorDb *db = dozor_store_get_db (self);
  gint64 now = now_seconds ();
  gint64 seq;
  /* Counted after the login's own transaction has ended: a write
   * transaction of its own then, in line with every other writer (on
   * PostgreSQL, with those of other instances); a savepoint otherwise. */
  gboolean own = !dozor_db_in_transaction (db);

  if (own ? !dozor_db_begin_write (db, &seq, NULL) : !dozor_store_exec (self, "SAVEPOINT login_failed", error))
    return own ? dozor_store_set_db_error (self, error) : FALSE;

  /* Rows whose count and lock are both over: names tried once by a
   * scanner must not pile up. */
  prune = dozor_store_prepare (self, "DELETE FROM login_failures WHERE locked_until <= ?1 AND first_at + ?2 <= ?1", error);
  if (prune != NULL)
    {
      dozor_db_bind_int64 (prune, 1, now);
      dozor_db_bind_int64 (prune, 2, policy->lock_seconds);
    }
  if (prune == NULL || dozor_db_step (prune) != DOZOR_DB_DONE ||
      !count_failure (self, policy, "user", key, policy->user_attempts, now, error) ||
      !count_failure (self, policy, "address", address, policy->address_attempts, now, error))
    {
      if (prune != NULL && error != NULL && *error == NULL)
        dozor_store_set_db_error (self, error);
      if (own)
        dozor_db_rollback (db);
      else
        dozor_store_exec (self, "ROLLBACK TO login_failed; RELEASE login_failed", NULL);
      return FALSE;
    }
  if (!own)
    return dozor_store_exec (self, "RELEASE login_failed", error);
  /* No event: nothing for the other instances to catch up on. */
  if (!dozor_db_commit (db, -1, NULL))
    {
      dozor_store_set_db_error (self, error);
      dozor_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

/**
 * dozor_store_login_succeeded:
 * @self: a #DozorStore
 * @name: a user who logged in
 * @error: return location for a #GError
 *
 * Forgets the user's failures. Those of the address stay until they expire:
 * otherwise one good account would let an address guess the others' for
 * ever.
 *
 * Returns: whether it was recorded
 */
gboolean
dozor_store_login_succeeded (DozorStore  *self,
                             const char  *name,
                             GError     **error)
{
  g_autoptr(DozorDbStmt) stmt =
    dozor_store_prepare (self, "DELETE FROM login_failures WHERE kind = 'user' AND key = ?1", error);

  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, name);
  if (dozor_db_step (stmt) != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error);
  return TRUE;
}

/**
 * dozor_store_list_login_locks:
 * @self: a #DozorStore
 * @error: return location for a #GError
 *
 * Returns: (transfer full): `[{"kind": "user"|"address", "key", "known",
 *   "locked_until"}]` as JSON text, the locks in force; `known` tells an
 *   administrator whether a locked name is a user
 */
char *
dozor_store_list_login_locks (DozorStore  *self,
                              GError     **error)
{
  g_autoptr(DozorDbStmt) stmt =
    dozor_store_prepare (self,
             "SELECT json_group_array(json_object('kind', kind, 'key', key,"
             " 'known', json(CASE WHEN kind = 'address' OR EXISTS (SELECT 1 FROM users WHERE name = key)"
             "   THEN 'true' ELSE 'false' END),"
             " 'locked_until', strftime('%Y-%m-%dT%H:%M:%SZ', locked_until, 'unixepoch')))"
             " FROM (SELECT * FROM login_failures WHERE locked_until > ?1 ORDER BY kind DESC, key)",
             error);

  if (stmt == NULL)
    return NULL;
  dozor_db_bind_int64 (stmt, 1, now_seconds ());
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    {
      dozor_store_set_db_error (self, error);
      return NULL;
    }
  return g_strdup (dozor_db_column_text (stmt, 0));
}

/**
 * dozor_store_unlock_login:
 * @self: a #DozorStore
 * @name_or_address: a user name or a client address
 * @error: return location for a #GError
 *
 * Lifts the lock and forgets the failures of a user name, or of an address
 * (as `dozorctl user list` shows it).
 *
 * Returns: how many locks were lifted (0 if none was in force), -1 with
 *   @error set
 */
int
dozor_store_unlock_login (DozorStore  *self,
                          const char  *name_or_address,
                          GError     **error)
{
  g_autofree char *key = name_key (name_or_address);
  g_autoptr(DozorDbStmt) count =
    dozor_store_prepare (self, "SELECT count(*) FROM login_failures WHERE key = ?1 AND locked_until > ?2", error);
  g_autoptr(DozorDbStmt) forget = dozor_store_prepare (self, "DELETE FROM login_failures WHERE key = ?1", error);
  int locked;

  if (count == NULL || forget == NULL)
    return -1;
  dozor_db_bind_text (count, 1, key);
  dozor_db_bind_int64 (count, 2, now_seconds ());
  dozor_db_bind_text (forget, 1, key);
  if (dozor_db_step (count) != DOZOR_DB_ROW)
    {
      dozor_store_set_db_error (self, error);
      return -1;
    }
  locked = dozor_db_column_int64 (count, 0);
  if (dozor_db_step (forget) != DOZOR_DB_DONE)
    {
      dozor_store_set_db_error (self, error);
      return -1;
    }
  return locked;
}
