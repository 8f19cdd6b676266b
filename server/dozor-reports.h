/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dozor-escalation.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_REPORTS (dozor_reports_get_type ())
G_DECLARE_FINAL_TYPE (DozorReports, dozor_reports, DOZOR, REPORTS, GObject)

DozorReports *dozor_reports_new          (const char          *db_path);
void          dozor_reports_set_limits   (DozorReports          *self,
                                          const DozorEscalation *limits);
const char   *dozor_reports_roles        (const char *const   *parts,
                                          const char          *method);
void          dozor_reports_read_async   (DozorReports        *self,
                                          const char *const   *parts,
                                          GHashTable          *query,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
char         *dozor_reports_read_finish  (DozorReports        *self,
                                          GAsyncResult        *result,
                                          GError             **error);

G_END_DECLS
