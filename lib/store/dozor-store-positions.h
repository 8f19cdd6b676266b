/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A batch of fixes on PostgreSQL: units' positions and their events in a
 * few statements instead of two round trips a fix
 * (dozor-store-positions.c).
 */
#pragma once

#include "dozor-store.h"

G_BEGIN_DECLS

/* The units of one batch as the store has them, and the fixes waiting to
 * be written. */
typedef struct _DozorPositionRun DozorPositionRun;

DozorPositionRun *dozor_position_run_load  (DozorStore       *store,
                                            JsonArray        *positions,
                                            GError          **error);
void              dozor_position_run_free  (DozorPositionRun *run);
gboolean          dozor_position_run_knows (DozorPositionRun *run,
                                            const char       *unit_id);
gboolean          dozor_position_run_take  (DozorPositionRun *run,
                                            const char       *unit_id,
                                            const char       *time,
                                            double            lat,
                                            double            lon,
                                            const double     *speed,
                                            const double     *heading,
                                            const double     *accuracy);
void              dozor_position_run_note  (DozorPositionRun *run,
                                            const char       *unit_id,
                                            const char       *time);
gboolean          dozor_position_run_flush (DozorPositionRun *run,
                                            DozorStore       *store,
                                            GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DozorPositionRun, dozor_position_run_free)

G_END_DECLS
