/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-gis-reader.h"

G_BEGIN_DECLS

gboolean dozor_gis_write_file (const char            *path,
                               GPtrArray             *layers,
                               DozorGisProgressFunc   progress,
                               gpointer               progress_data,
                               GCancellable          *cancellable,
                               GError               **error);

void     dozor_gis_write_file_async  (const char            *path,
                                      GPtrArray             *layers,
                                      DozorGisProgressFunc   progress,
                                      gpointer               progress_data,
                                      GCancellable          *cancellable,
                                      GAsyncReadyCallback    callback,
                                      gpointer               user_data);
gboolean dozor_gis_write_file_finish (GAsyncResult          *result,
                                      GError               **error);

G_END_DECLS
