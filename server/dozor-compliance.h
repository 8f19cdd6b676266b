/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-store.h"

G_BEGIN_DECLS

/* What dozord's queue to the compliance worker holds at most: 50 s of
 * fixes at 2,000 a second, tens of megabytes of event text. */
#define DOZOR_COMPLIANCE_MAX_WAITING 100000

/**
 * DozorCompliancePublish:
 * @events: (element-type utf8): committed events, in seq order
 * @user_data: the data given to dozor_compliance_new()
 *
 * Sends the events that the compliance worker's records became to the
 * stream's clients.
 */
typedef void (*DozorCompliancePublish) (GPtrArray *events,
                                        gpointer   user_data);

#define DOZOR_TYPE_COMPLIANCE (dozor_compliance_get_type ())
G_DECLARE_FINAL_TYPE (DozorCompliance, dozor_compliance, DOZOR, COMPLIANCE, GObject)

DozorCompliance *dozor_compliance_new        (DozorStore             *store,
                                              gint64                  watched_since,
                                              DozorCompliancePublish  publish,
                                              gpointer                user_data);
void             dozor_compliance_take       (DozorCompliance        *self,
                                              GPtrArray              *events);
void             dozor_compliance_advance    (DozorCompliance        *self,
                                              gint64                  now);
void             dozor_compliance_flush      (DozorCompliance        *self);
guint64          dozor_compliance_get_dropped (DozorCompliance       *self);

G_END_DECLS
