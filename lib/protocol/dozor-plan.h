/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * DozorPostState:
 * @DOZOR_POST_IDLE: the plan is not active
 * @DOZOR_POST_UNCOVERED: active, and no unit on its way or there
 * @DOZOR_POST_EN_ROUTE: units sent, fewer arrived than it needs
 * @DOZOR_POST_COVERED: as many arrived as it needs
 */
typedef enum
{
  DOZOR_POST_IDLE,
  DOZOR_POST_UNCOVERED,
  DOZOR_POST_EN_ROUTE,
  DOZOR_POST_COVERED,
} DozorPostState;

/**
 * DozorPlanPost:
 * @id: the post's id
 * @name: its name
 * @lat: where it is
 * @lon: where it is
 * @units_needed: how many units it needs
 * @kind: (nullable): the unit kind it needs, or %NULL for any
 * @state: its state in the plan's activation
 * @covered_at: when it became covered, Unix µs, or 0
 * @unit_ids: (element-type utf8): the units sent to it
 * @arrived: how many of them arrived
 * @eta_at: when the first unit still on its way was expected, by the
 *   proposal's road time from the activation (Unix µs), or 0
 * @arrived_at: when the last unit arrived, Unix µs, or 0
 *
 * A post of a plan with its state, flat and owning all it holds, so that
 * a map's worker may read it while the situation goes on.
 */
typedef struct
{
  char *id;
  char *name;
  double lat;
  double lon;
  int units_needed;
  char *kind;
  DozorPostState state;
  gint64 covered_at;
  GPtrArray *unit_ids;
  guint arrived;
  gint64 eta_at;
  gint64 arrived_at;
} DozorPlanPost;

void        dozor_plan_post_free        (DozorPlanPost *post);
GPtrArray  *dozor_plan_get_posts        (JsonObject    *plan);
DozorPlanPost *dozor_plan_find_post     (GPtrArray     *posts,
                                         const char    *post_id);
gboolean    dozor_plan_is_active        (JsonObject    *plan);
gint64      dozor_plan_get_seconds      (JsonObject    *object,
                                         const char    *member,
                                         gint64         fallback);
guint       dozor_plan_count_covered    (JsonObject    *plan,
                                         guint         *n_posts);
char       *dozor_plan_describe_cover   (JsonObject    *plan,
                                         gint64         now);
const char *dozor_post_state_label      (DozorPostState state);
char       *dozor_format_duration       (gint64         seconds);
char       *dozor_format_clock          (gint64         time,
                                         gboolean       seconds);
int         dozor_plan_compare_names    (gconstpointer  a,
                                         gconstpointer  b);
char       *dozor_plan_describe_event   (JsonObject    *before,
                                         JsonObject    *plan,
                                         const char    *type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DozorPlanPost, dozor_plan_post_free)

G_END_DECLS
