/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The largest body a command may carry, in bytes. */
#define DOZOR_OUTBOX_MAX_BODY (1024 * 1024)

/**
 * DozorOutboxEntry:
 * @id: row id: the order commands were made in; never used twice in a file
 * @key: the Idempotency-Key, a UUID
 * @method: "POST", "PATCH", "PUT" or "DELETE"
 * @path: below /api/v1/, such as "dispatches" or "dispatches/UUID"
 * @body: (nullable): JSON text, or %NULL for none
 * @if_match: version for If-Match, or -1 for none
 * @summary: what the user asked for, in words, for messages
 *   ("Dispatch Беркут-12 to 20261201-0003")
 * @created_at: when the command was made, in Unix microseconds
 *   (g_get_real_time())
 * @attempts: how many times a send was started
 *
 * One command waiting in a [class@Dozor.Outbox]: a copy, owned by the
 * caller, that does not change when the file does.
 */
typedef struct
{
  gint64 id;
  char *key;
  char *method;
  char *path;
  char *body;
  gint64 if_match;
  char *summary;
  gint64 created_at;
  guint attempts;
} DozorOutboxEntry;

void dozor_outbox_entry_free (DozorOutboxEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DozorOutboxEntry, dozor_outbox_entry_free)

#define DOZOR_TYPE_OUTBOX (dozor_outbox_get_type ())
G_DECLARE_FINAL_TYPE (DozorOutbox, dozor_outbox, DOZOR, OUTBOX, GObject)

DozorOutbox      *dozor_outbox_open          (const char   *path,
                                              GError      **error);
DozorOutboxEntry *dozor_outbox_add           (DozorOutbox  *self,
                                              const char   *method,
                                              const char   *path,
                                              const char   *body,
                                              gint64        if_match,
                                              const char   *summary,
                                              GError      **error);
GPtrArray        *dozor_outbox_list          (DozorOutbox  *self,
                                              GError      **error);
DozorOutboxEntry *dozor_outbox_peek          (DozorOutbox  *self,
                                              GError      **error);
gboolean          dozor_outbox_mark_attempt  (DozorOutbox  *self,
                                              gint64        id,
                                              GError      **error);
gboolean          dozor_outbox_remove        (DozorOutbox  *self,
                                              gint64        id,
                                              GError      **error);
guint             dozor_outbox_count         (DozorOutbox  *self);
const char       *dozor_outbox_get_path      (DozorOutbox  *self);

gint64            dozor_outbox_set_max_pages (DozorOutbox  *self,
                                              gint64        max_pages);

G_END_DECLS
