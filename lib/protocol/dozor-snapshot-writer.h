/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "dozor-geometry.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

typedef struct _DozorSnapshotWriter DozorSnapshotWriter;

DozorSnapshotWriter *dozor_snapshot_writer_new        (gint64               seq,
                                                       JsonNode            *readiness,
                                                       guint                n_units);
void                 dozor_snapshot_writer_add_unit   (DozorSnapshotWriter *self,
                                                       const DozorUnit     *unit);
void                 dozor_snapshot_writer_begin_list (DozorSnapshotWriter *self,
                                                       const char          *name);
void                 dozor_snapshot_writer_add_entity (DozorSnapshotWriter *self,
                                                       JsonNode            *entity,
                                                       DozorGeometry       *geometry);
gint64               dozor_snapshot_writer_get_seq    (DozorSnapshotWriter *self);
char                *dozor_snapshot_writer_to_text    (DozorSnapshotWriter *self,
                                                       gsize               *length);
void                 dozor_snapshot_writer_free       (DozorSnapshotWriter *self);

gboolean             dozor_snapshot_format_time       (gint64               time,
                                                       char                 text[32]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DozorSnapshotWriter, dozor_snapshot_writer_free)

G_END_DECLS
