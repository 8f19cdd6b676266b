/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "dozor-escalation.h"

G_BEGIN_DECLS

/**
 * DozorReportKind:
 * @DOZOR_REPORT_DAILY: the daily operational report of one shift
 * @DOZOR_REPORT_QUARTERLY: the quarterly statistics
 *
 * The reports of figures over a window (docs/api.md, "Reports").
 */
typedef enum
{
  DOZOR_REPORT_DAILY,
  DOZOR_REPORT_QUARTERLY,
} DozorReportKind;

/* The longest window of each kind, seconds. */
#define DOZOR_REPORT_DAILY_MAX_S (48 * 3600)
#define DOZOR_REPORT_QUARTERLY_MAX_S (366 * 24 * 3600)

char *dozor_store_report_figures     (const char       *db_path,
                                      DozorReportKind   kind,
                                      const char       *from,
                                      const char       *to,
                                      const DozorEscalation *limits,
                                      GError          **error);
char *dozor_store_report_certificate (const char       *db_path,
                                      const char       *incident_id,
                                      const DozorEscalation *limits,
                                      GError          **error);

G_END_DECLS
