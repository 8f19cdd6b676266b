/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * DozorLogFollowerEvents:
 * @events: (element-type utf8): committed events as the stream sends them,
 *   consecutive seqs in order
 * @first: the seq of the first
 * @user_data: as given
 *
 * Called on the main loop the follower was made on.
 */
typedef void (*DozorLogFollowerEvents) (GPtrArray *events,
                                        gint64     first,
                                        gpointer   user_data);

/**
 * DozorLogFollowerState:
 * @live: whether the follower reads the log (FALSE: PostgreSQL cannot be
 *   reached, and events committed meanwhile come once it can)
 * @user_data: as given
 */
typedef void (*DozorLogFollowerState) (gboolean live,
                                       gpointer user_data);

/**
 * DozorLogFollowerJudge:
 * @judging: whether this instance now holds the judge's lock
 * @user_data: as given
 *
 * Called on the follower's main loop at each change.
 */
typedef void (*DozorLogFollowerJudge) (gboolean judging,
                                       gpointer user_data);

#define DOZOR_TYPE_LOG_FOLLOWER (dozor_log_follower_get_type ())
G_DECLARE_FINAL_TYPE (DozorLogFollower, dozor_log_follower, DOZOR, LOG_FOLLOWER, GObject)

DozorLogFollower *dozor_log_follower_new      (const char             *target,
                                               gint64                  after,
                                               DozorLogFollowerEvents  events,
                                               DozorLogFollowerState   state,
                                               DozorLogFollowerJudge   judge,
                                               gpointer                user_data);
gint64            dozor_log_follower_get_seq  (DozorLogFollower       *self);
gboolean          dozor_log_follower_is_live  (DozorLogFollower       *self);
gboolean          dozor_log_follower_is_judge (DozorLogFollower       *self);
void              dozor_log_follower_stop     (DozorLogFollower       *self);

G_END_DECLS
