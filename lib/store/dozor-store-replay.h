/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-store.h"

G_BEGIN_DECLS

/* GET /replay (docs/api.md, "Replay"). */
#define DOZOR_STORE_REPLAY_PAGE 5000
#define DOZOR_STORE_REPLAY_MAX_PAGE 20000
#define DOZOR_STORE_REPLAY_MAX_HOURS 24

/* Every archived state of the last two days is kept, one a day before. */
#define DOZOR_STORE_REPLAY_DENSE_HOURS 48

gboolean dozor_store_replay_archive (DozorStore  *self,
                                     guint        keep_days,
                                     GError     **error);
char    *dozor_store_replay_read    (const char  *db_path,
                                     const char  *from,
                                     const char  *to,
                                     const char  *after,
                                     guint        limit,
                                     GError     **error);

G_END_DECLS
