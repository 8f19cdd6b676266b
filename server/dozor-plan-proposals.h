/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_PLAN_PROPOSALS (dozor_plan_proposals_get_type ())
G_DECLARE_FINAL_TYPE (DozorPlanProposals, dozor_plan_proposals, DOZOR, PLAN_PROPOSALS, GObject)

DozorPlanProposals *dozor_plan_proposals_new          (const char          *roads_path);
void                dozor_plan_proposals_run_async    (DozorPlanProposals  *self,
                                                       JsonNode            *candidates,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
char               *dozor_plan_proposals_run_finish   (DozorPlanProposals  *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

G_END_DECLS
