/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_HISTORY (dozor_history_get_type ())
G_DECLARE_FINAL_TYPE (DozorHistory, dozor_history, DOZOR, HISTORY, GObject)

typedef enum
{
  DOZOR_HISTORY_INCIDENTS,
  DOZOR_HISTORY_TRACK,
  DOZOR_HISTORY_JOURNAL,
  DOZOR_HISTORY_REPLAY,
} DozorHistoryKind;

DozorHistory *dozor_history_new             (const char          *db_path);
void          dozor_history_read_async      (DozorHistory        *self,
                                             DozorHistoryKind     kind,
                                             const char          *unit_id,
                                             GHashTable          *query,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
char         *dozor_history_read_finish     (DozorHistory        *self,
                                             GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS
