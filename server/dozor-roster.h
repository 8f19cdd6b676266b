/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-store.h"

G_BEGIN_DECLS

/* How long a unit on duty may go without a fix by default (seconds). */
#define DOZOR_ROSTER_NO_POSITION_S 300

/**
 * DozorRosterPublish:
 * @events: (element-type utf8): committed events, in seq order
 * @user_data: the data given to dozor_roster_new()
 *
 * Sends the flags' events to the stream's clients.
 */
typedef void (*DozorRosterPublish) (GPtrArray *events,
                                    gpointer   user_data);

#define DOZOR_TYPE_ROSTER (dozor_roster_get_type ())
G_DECLARE_FINAL_TYPE (DozorRoster, dozor_roster, DOZOR, ROSTER, GObject)

DozorRoster *dozor_roster_new             (DozorStore         *store,
                                           DozorRosterPublish  publish,
                                           gpointer            user_data);
void         dozor_roster_set_no_position (DozorRoster        *self,
                                           guint               seconds);
void         dozor_roster_check_soon      (DozorRoster        *self);
void         dozor_roster_set_judging     (DozorRoster        *self,
                                           gboolean            judging);

G_END_DECLS
