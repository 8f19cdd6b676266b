/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *const *dozor_incident_types         (void);
const char        *dozor_incident_type_label    (const char *type);
const char        *dozor_incident_status_label  (const char *status);
const char        *dozor_unit_status_label      (const char *status);
const char        *dozor_priority_label         (gint64      priority);
const char *const *dozor_readiness_levels       (void);
const char        *dozor_readiness_label        (const char *level);
char              *dozor_format_age             (gint64      microseconds);
char              *dozor_unbroken               (const char *text);
char              *dozor_format_minutes         (int         minutes);
char              *dozor_format_distance        (double      metres);
char              *dozor_dispatch_question_text (const char *number,
                                                 const char *type,
                                                 const char *address,
                                                 gint64      priority,
                                                 const char *warning);
char              *dozor_unit_sentence          (const char *call_sign,
                                                 const char *status,
                                                 gint64      fix_age);
char              *dozor_incident_sentence      (const char *number,
                                                 const char *type,
                                                 gint64      priority,
                                                 const char *status,
                                                 gint64      age);

G_END_DECLS
