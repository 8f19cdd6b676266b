/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-pg.h"

G_BEGIN_DECLS

/* The channel NOTIFY wakes readers on after a commit of events; the
 * payload is the last seq committed, a hint only. */
#define DOZOR_PG_EVENTS_CHANNEL "dozor_events"

const DozorPgMigration *dozor_pg_schema_get_migrations (guint *n_migrations);

G_END_DECLS
