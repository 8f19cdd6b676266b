/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Pages of GET /incidents and GET /units/{id}/track (docs/api.md). */
#define DOZOR_HISTORY_INCIDENTS_PAGE 1000
#define DOZOR_HISTORY_INCIDENTS_MAX_PAGE 2000
#define DOZOR_HISTORY_TRACK_PAGE 17280
#define DOZOR_HISTORY_TRACK_MAX_PAGE 17280
#define DOZOR_HISTORY_JOURNAL_PAGE 1000
#define DOZOR_HISTORY_JOURNAL_MAX_PAGE 5000

char *dozor_store_history_incidents (const char  *db_path,
                                     const char  *from,
                                     const char  *to,
                                     const char  *after,
                                     guint        limit,
                                     GError     **error);
char *dozor_store_history_track     (const char  *db_path,
                                     const char  *unit_id,
                                     const char  *from,
                                     const char  *to,
                                     const char  *after,
                                     guint        limit,
                                     GError     **error);
char *dozor_store_history_journal   (const char  *db_path,
                                     const char  *from,
                                     const char  *to,
                                     const char  *after,
                                     guint        limit,
                                     GError     **error);

G_END_DECLS
