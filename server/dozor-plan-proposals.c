/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * POST /plans/{id}/proposal, the part that takes time: road times from
 * every candidate unit to every post and the assignment
 * (lib/crisis/dozor-post-assignment.c), in a worker thread, one at a time.
 * The road graph is read on the first proposal and kept: a dozord that
 * never proposes does not pay for it.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "dozor-plan-proposals.h"
#include "dozor-post-assignment.h"
#include "dozor-road-graph.h"
#include "dozor-store.h"
#include "dozor-work-queue.h"

/* Each proposal may take seconds on a city's graph and uses a core. */
#define MAX_RUNNING 1
#define MAX_WAITING 4

struct _DozorPlanProposals
{
  GObject parent_instance;

  char *roads_path;
  DozorWorkQueue *queue;
  GMutex lock;            /* guards graph while it is read */
  DozorRoadGraph *graph;  /* immutable once read */
};

G_DEFINE_FINAL_TYPE (DozorPlanProposals, dozor_plan_proposals, G_TYPE_OBJECT)

static void
dozor_plan_proposals_finalize (GObject *object)
{
  DozorPlanProposals *self = (DozorPlanProposals *)object;

  g_clear_object (&self->queue);
  g_clear_object (&self->graph);
  g_mutex_clear (&self->lock);
  g_free (self->roads_path);

  G_OBJECT_CLASS (dozor_plan_proposals_parent_class)->finalize (object);
}

static void
dozor_plan_proposals_class_init (DozorPlanProposalsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_plan_proposals_finalize;
}

static void
dozor_plan_proposals_init (DozorPlanProposals *self)
{
  g_mutex_init (&self->lock);
  self->queue = dozor_work_queue_new (MAX_RUNNING, MAX_WAITING);
}

/**
 * dozor_plan_proposals_new:
 * @roads_path: (nullable): the roads (GeoJSON) to time the ways on; %NULL:
 *   no proposals
 *
 * Returns: (transfer full): a new #DozorPlanProposals
 */
DozorPlanProposals *
dozor_plan_proposals_new (const char *roads_path)
{
  DozorPlanProposals *self = g_object_new (DOZOR_TYPE_PLAN_PROPOSALS, NULL);

  self->roads_path = g_strdup (roads_path);
  return self;
}

/* In a worker: the graph, read the first time. */
static DozorRoadGraph *
get_graph (DozorPlanProposals  *self,
           GError             **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(DozorStreetMap) streets = NULL;
  g_autoptr(GError) local = NULL;

  if (self->graph != NULL)
    return g_object_ref (self->graph);
  if (self->roads_path != NULL)
    streets = dozor_street_map_new_from_file (self->roads_path, NULL, &local);
  if (streets == NULL)
    {
      g_warning ("No road graph for plan proposals: %s", local != NULL ? local->message : "no --roads");
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_IO,
                           _("This server has no road network to propose an assignment on"));
      return NULL;
    }
  self->graph = dozor_road_graph_new (streets);
  return g_object_ref (self->graph);
}

static void
add_reason (JsonBuilder *builder,
            const char  *id_name,
            const char  *id,
            const char  *reason)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, id_name);
  if (id != NULL)
    json_builder_add_string_value (builder, id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, reason);
  json_builder_end_object (builder);
}

static void
add_seconds (JsonBuilder *builder,
             const char  *name,
             double       seconds)
{
  json_builder_set_member_name (builder, name);
  if (isfinite (seconds))
    json_builder_add_double_value (builder, round (seconds));
  else
    json_builder_add_null_value (builder);
}

static void
propose_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  DozorPlanProposals *self = source_object;
  JsonObject *input = json_node_get_object (task_data);
  JsonArray *posts = json_object_get_array_member (input, "posts");
  JsonArray *units = json_object_get_array_member (input, "units");
  g_autoptr(DozorRoadGraph) graph = NULL;
  g_autoptr(DozorPostAssignment) assignment = dozor_post_assignment_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) short_error = NULL;
  g_autoptr(GPtrArray) unit_ids = g_ptr_array_new ();
  g_autoptr(GHashTable) fixed_units = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *fixed;
  GError *error = NULL;
  gboolean solved;

  graph = get_graph (self, &error);
  if (graph == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint p = 0; p < json_array_get_length (posts); p++)
    {
      JsonObject *post = json_array_get_object_element (posts, p);
      JsonObject *location = json_object_get_object_member (post, "location");

      dozor_post_assignment_add_post (assignment, json_object_get_string_member (post, "name"),
                                      json_object_get_double_member (location, "lat"),
                                      json_object_get_double_member (location, "lon"),
                                      json_object_get_int_member (post, "units_needed"),
                                      json_object_get_string_member_with_default (post, "kind", NULL));
    }
  /* Units without a fix have no place on the graph: only the others. */
  for (guint u = 0; u < json_array_get_length (units); u++)
    {
      JsonObject *unit = json_array_get_object_element (units, u);
      const char *left_out = json_object_get_string_member_with_default (unit, "left_out", NULL);

      if (g_strcmp0 (left_out, "no_position") == 0)
        continue;
      dozor_post_assignment_add_unit (assignment, json_object_get_string_member (unit, "id"),
                                      json_object_get_string_member (unit, "kind"),
                                      json_object_get_double_member (unit, "lat"),
                                      json_object_get_double_member (unit, "lon"), left_out == NULL);
      g_ptr_array_add (unit_ids, (gpointer) json_object_get_string_member (unit, "id"));
    }

  /* The units the supervisor put on posts stay there (docs/api.md,
   * "Proposal"); the store checked that each has a fix and each post is
   * the plan's. */
  fixed = json_object_get_array_member (input, "fixed");
  for (guint f = 0; fixed != NULL && f < json_array_get_length (fixed); f++)
    {
      JsonObject *pin = json_array_get_object_element (fixed, f);
      guint unit = G_MAXUINT, post = G_MAXUINT;

      for (guint u = 0; u < unit_ids->len && unit == G_MAXUINT; u++)
        if (g_str_equal (unit_ids->pdata[u], json_object_get_string_member (pin, "unit_id")))
          unit = u;
      for (guint p = 0; p < json_array_get_length (posts) && post == G_MAXUINT; p++)
        if (g_str_equal (json_object_get_string_member (json_array_get_object_element (posts, p), "id"),
                         json_object_get_string_member (pin, "post_id")))
          post = p;
      if (unit != G_MAXUINT && post != G_MAXUINT)
        {
          dozor_post_assignment_fix_unit (assignment, unit, post);
          g_hash_table_add (fixed_units, unit_ids->pdata[unit]);
        }
    }

  if (!dozor_post_assignment_time_by_road (assignment, graph, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  solved = dozor_post_assignment_solve (assignment, cancellable, &short_error);
  if (!solved && !g_error_matches (short_error, DOZOR_POST_ASSIGNMENT_ERROR, DOZOR_POST_ASSIGNMENT_ERROR_SHORT) &&
      !g_error_matches (short_error, DOZOR_POST_ASSIGNMENT_ERROR, DOZOR_POST_ASSIGNMENT_ERROR_TOO_LARGE))
    {
      g_task_return_error (task, g_steal_pointer (&short_error));
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "plan_id");
  json_builder_add_value (builder, json_node_copy (json_object_get_member (input, "plan_id")));
  json_builder_set_member_name (builder, "version");
  json_builder_add_value (builder, json_node_copy (json_object_get_member (input, "version")));
  json_builder_set_member_name (builder, "incident_id");
  json_builder_add_value (builder, json_node_copy (json_object_get_member (input, "incident_id")));

  json_builder_set_member_name (builder, "assignments");
  json_builder_begin_array (builder);
  for (guint u = 0; solved && u < unit_ids->len; u++)
    {
      guint post = dozor_post_assignment_get_unit_post (assignment, u);

      if (post == G_MAXUINT)
        continue;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "post_id");
      json_builder_add_string_value (builder,
                                     json_object_get_string_member (json_array_get_object_element (posts, post), "id"));
      json_builder_set_member_name (builder, "unit_id");
      json_builder_add_string_value (builder, unit_ids->pdata[u]);
      add_seconds (builder, "eta_s", dozor_post_assignment_get_time (assignment, post, u));
      json_builder_set_member_name (builder, "fixed");
      json_builder_add_boolean_value (builder, g_hash_table_contains (fixed_units, unit_ids->pdata[u]));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  add_seconds (builder, "bottleneck_s", solved ? dozor_post_assignment_get_bottleneck_s (assignment) : NAN);
  add_seconds (builder, "total_s", solved ? dozor_post_assignment_get_total_s (assignment) : NAN);

  json_builder_set_member_name (builder, "left_out");
  json_builder_begin_array (builder);
  for (guint u = 0; u < json_array_get_length (units); u++)
    {
      JsonObject *unit = json_array_get_object_element (units, u);
      const char *left_out = json_object_get_string_member_with_default (unit, "left_out", NULL);

      if (left_out != NULL)
        add_reason (builder, "unit_id", json_object_get_string_member (unit, "id"), left_out);
    }
  json_builder_end_array (builder);

  /* The assignment names the post that cannot be covered by its name. */
  json_builder_set_member_name (builder, "uncovered");
  json_builder_begin_array (builder);
  if (!solved)
    {
      const char *post_id = NULL;

      for (guint p = 0; p < json_array_get_length (posts) && post_id == NULL; p++)
        {
          JsonObject *post = json_array_get_object_element (posts, p);
          g_autofree char *quoted = g_strdup_printf ("“%s”", json_object_get_string_member (post, "name"));

          if (strstr (short_error->message, quoted) != NULL)
            post_id = json_object_get_string_member (post, "id");
        }
      add_reason (builder, "post_id", post_id, short_error->message);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  g_task_return_pointer (task, json_to_string (root, FALSE), g_free);
}

/**
 * dozor_plan_proposals_run_async:
 * @self: a #DozorPlanProposals
 * @candidates: what dozor_store_plan_candidates() read
 * @callback: called on this thread with the proposal
 * @user_data: for @callback
 */
void
dozor_plan_proposals_run_async (DozorPlanProposals  *self,
                                JsonNode            *candidates,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, dozor_plan_proposals_run_async);
  g_task_set_task_data (task, json_node_ref (candidates), (GDestroyNotify) json_node_unref);
  dozor_work_queue_run (self->queue, task, propose_in_thread);
}

/**
 * dozor_plan_proposals_run_finish:
 * @self: a #DozorPlanProposals
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the proposal as JSON text (docs/api.md), or
 *   %NULL with @error set
 */
char *
dozor_plan_proposals_run_finish (DozorPlanProposals  *self,
                                 GAsyncResult        *result,
                                 GError             **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
