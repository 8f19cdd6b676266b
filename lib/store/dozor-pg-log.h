/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-pg.h"

G_BEGIN_DECLS

/**
 * DozorPgSeqMethod:
 * @DOZOR_PG_SEQ_COUNTER: `UPDATE event_counter SET seq = seq + n RETURNING`:
 *   the counter row's lock, held until commit, orders the commits
 * @DOZOR_PG_SEQ_ADVISORY: `pg_advisory_xact_lock`, then `max(seq) + 1`
 *   from the events table
 *
 * How a commit takes its seqs; both keep them gapless and in commit order.
 * dozord uses the counter (docs/postgresql.md says why); the other is
 * kept for the benchmark.
 */
typedef enum
{
  DOZOR_PG_SEQ_COUNTER,
  DOZOR_PG_SEQ_ADVISORY,
} DozorPgSeqMethod;

/**
 * DozorPgEvent:
 * @seq: its place in the log
 * @data: the event as the stream sends it (JSON text, with `seq`)
 */
typedef struct
{
  gint64 seq;
  char *data;
} DozorPgEvent;

void dozor_pg_event_free (DozorPgEvent *event);

#define DOZOR_TYPE_PG_LOG (dozor_pg_log_get_type ())
G_DECLARE_FINAL_TYPE (DozorPgLog, dozor_pg_log, DOZOR, PG_LOG, GObject)

DozorPgLog *dozor_pg_log_new              (DozorPg          *pg);
DozorPg    *dozor_pg_log_get_connection   (DozorPgLog       *self);
void        dozor_pg_log_set_seq_method   (DozorPgLog       *self,
                                           DozorPgSeqMethod  method);

gboolean    dozor_pg_log_begin            (DozorPgLog       *self,
                                           GError          **error);
void        dozor_pg_log_append           (DozorPgLog       *self,
                                           const char       *type,
                                           const char       *member,
                                           const char       *entity_json);
gboolean    dozor_pg_log_keep_answer      (DozorPgLog       *self,
                                           const char       *user,
                                           const char       *key,
                                           guint             status,
                                           const char       *body,
                                           GError          **error);
GPtrArray  *dozor_pg_log_commit           (DozorPgLog       *self,
                                           GError          **error);
void        dozor_pg_log_rollback         (DozorPgLog       *self);

gboolean    dozor_pg_log_find_answer      (DozorPgLog       *self,
                                           const char       *user,
                                           const char       *key,
                                           guint            *status,
                                           char            **body,
                                           GError          **error);
gint64      dozor_pg_log_get_seq          (DozorPgLog       *self,
                                           GError          **error);

gboolean    dozor_pg_log_listen           (DozorPgLog       *self,
                                           GError          **error);
int         dozor_pg_log_wait             (DozorPgLog       *self,
                                           int               timeout_ms,
                                           GError          **error);
GPtrArray  *dozor_pg_log_read_since       (DozorPgLog       *self,
                                           gint64            since,
                                           guint             limit,
                                           GError          **error);

G_END_DECLS
