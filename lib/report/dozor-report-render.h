/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

gboolean dozor_report_render_pdf (JsonObject  *figures,
                                  const char  *centre,
                                  const char  *officer,
                                  const char  *path,
                                  GError     **error);
gboolean dozor_report_render_csv (JsonObject  *figures,
                                  const char  *path,
                                  GError     **error);

void     dozor_report_render_async  (JsonNode            *figures,
                                     const char          *centre,
                                     const char          *officer,
                                     const char          *path,
                                     gboolean             csv,
                                     gpointer             source_object,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean dozor_report_render_finish (GAsyncResult        *result,
                                     GError             **error);

G_END_DECLS
