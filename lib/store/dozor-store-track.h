/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The position history: a batch of fixes written at once, on SQLite and on
 * PostgreSQL's table partitioned by day (dozor-store-track.c).
 */
#pragma once

#include "dozor-store.h"

G_BEGIN_DECLS

/* The fixes of one POST /positions or one simulator tick, gathered while
 * they are checked and written with one statement at the end. */
typedef struct _DozorTrackBatch DozorTrackBatch;

DozorTrackBatch *dozor_track_batch_new    (void);
void             dozor_track_batch_free   (DozorTrackBatch *batch);
void             dozor_track_batch_add    (DozorTrackBatch *batch,
                                           const char      *unit_id,
                                           const char      *time,
                                           double           lat,
                                           double           lon,
                                           const double    *speed,
                                           const double    *heading,
                                           const double    *accuracy);
guint            dozor_track_batch_get_length    (DozorTrackBatch *batch);
DozorTrackBatch *dozor_track_batch_last_of_units (DozorTrackBatch *batch);
char            *dozor_track_batch_json          (DozorTrackBatch *batch,
                                                  gboolean         numbered);
gboolean         dozor_store_insert_track (DozorStore      *self,
                                           DozorTrackBatch *batch,
                                           GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DozorTrackBatch, dozor_track_batch_free)

G_END_DECLS
