/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * DozorJudgeState:
 * @judging: whether this instance now holds the judge's lock
 * @user_data: as given
 *
 * Called on the main loop the judge was made on, at each change.
 */
typedef void (*DozorJudgeState) (gboolean judging,
                                 gpointer user_data);

#define DOZOR_TYPE_JUDGE (dozor_judge_get_type ())
G_DECLARE_FINAL_TYPE (DozorJudge, dozor_judge, DOZOR, JUDGE, GObject)

DozorJudge *dozor_judge_new          (const char      *target,
                                      DozorJudgeState  state,
                                      gpointer         user_data);
gboolean    dozor_judge_is_judging   (DozorJudge      *self);
void        dozor_judge_stop         (DozorJudge      *self);

G_END_DECLS
