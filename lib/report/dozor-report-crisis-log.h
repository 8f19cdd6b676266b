/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean dozor_report_crisis_log_pdf (GListModel  *entries,
                                      GTimeZone   *zone,
                                      const char  *centre,
                                      const char  *officer,
                                      const char  *path,
                                      GError     **error);

G_END_DECLS
