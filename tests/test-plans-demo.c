/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The full cycle of the demo's special operating plans in the simulator
 * (issue 15, item 3 and item 8): dozord --scenario almaty makes the two
 * plans of data/almaty/plans; a supervisor asks for the proposal of each,
 * activates it as proposed, the simulated cars drive to their posts and
 * stop there, dozord sees them arrive from their positions, and every post
 * of both plans is covered. The time to cover every post is reported in
 * simulated seconds.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "server-fixture.h"

/* Scenario seconds per real second: an hour of the city in two minutes. */
#define SPEED "30"
/* Generous: the farthest exit is some 25 km of road from the nearest car. */
#define WAIT_REAL_SECONDS 100

static const char *const demo_args[] = {
  "--scenario=almaty", "--seed=3", "--units=200", "--speed=" SPEED, "--incidents-per-hour=0.001", NULL
};

static void
demo_setup (Server        *server,
            gconstpointer  data)
{
  server->extra_args = demo_args;
  server_setup (server, data);
}

static JsonObject *
body_of (Answer *answer)
{
  g_assert_nonnull (answer->body);
  return json_node_get_object (answer->body);
}

/* The newest fix of any unit: dozord's clock, as the scenario's fixes tell it. */
static GDateTime *
scenario_now (JsonObject *snapshot)
{
  JsonArray *units = json_object_get_array_member (snapshot, "units");
  GDateTime *newest = NULL;

  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonNode *position = json_object_get_member (json_array_get_object_element (units, i), "position");
      GDateTime *time;

      if (position == NULL || JSON_NODE_HOLDS_NULL (position))
        continue;
      time = g_date_time_new_from_iso8601 (json_object_get_string_member (json_node_get_object (position), "time"),
                                           NULL);
      if (newest == NULL || g_date_time_compare (time, newest) > 0)
        {
          g_clear_pointer (&newest, g_date_time_unref);
          newest = time;
        }
      else
        g_date_time_unref (time);
    }
  return newest;
}

static void
test_demo_cycle (Server        *server,
                 gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_auto(Answer) snapshot = { 0, NULL };
  JsonArray *plans;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) started = g_ptr_array_new_with_free_func ((GDestroyNotify) g_date_time_unref);
  g_autoptr(GHashTable) sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint covered = 0;
  gint64 deadline;

  /* Every car has reported before anyone is proposed (bounded). */
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  for (;;)
    {
      JsonArray *units;
      guint placed = 0;

      answer_clear (&snapshot);
      snapshot = request (server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);
      units = json_object_get_array_member (body_of (&snapshot), "units");
      for (guint i = 0; i < json_array_get_length (units); i++)
        placed += !json_node_is_null (json_object_get_member (json_array_get_object_element (units, i), "position"));
      if (placed == 200 || g_get_monotonic_time () > deadline)
        {
          g_assert_cmpuint (placed, ==, 200);
          break;
        }
      g_usleep (G_USEC_PER_SEC / 5);
    }
  plans = json_object_get_array_member (body_of (&snapshot), "plans");

  /* The scenario made both plans of data/almaty/plans. */
  g_assert_cmpuint (json_array_get_length (plans), ==, 2);
  for (guint p = 0; p < 2; p++)
    {
      JsonObject *plan = json_array_get_object_element (plans, p);

      g_ptr_array_add (ids, g_strdup (json_object_get_string_member (plan, "id")));
      g_ptr_array_add (names, g_strdup (json_object_get_string_member (plan, "name")));
    }

  for (guint p = 0; p < 2; p++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/plans/%s/proposal", (char *) ids->pdata[p]);
      g_autofree char *activation_path = g_strdup_printf ("/api/v1/plans/%s/activation", (char *) ids->pdata[p]);
      g_autofree char *key = g_uuid_string_random ();
      g_autofree char *body = NULL;
      g_auto(Answer) proposal = { 0, NULL };
      g_auto(Answer) active = { 0, NULL };
      g_auto(Answer) now = { 0, NULL };
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      JsonArray *assignments;
      gint64 asked = g_get_monotonic_time ();

      proposal = request (server, "POST", path, sup, NULL, NULL, "{}");
      g_assert_cmpuint (proposal.status, ==, 200);
      g_test_message ("%s: proposal in %.1f s: %u assignments, last post by road in %.0f s, %u units left out",
                      (char *) names->pdata[p], (g_get_monotonic_time () - asked) / 1e6,
                      json_array_get_length (json_object_get_array_member (body_of (&proposal), "assignments")),
                      json_object_get_double_member (body_of (&proposal), "bottleneck_s"),
                      json_array_get_length (json_object_get_array_member (body_of (&proposal), "left_out")));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body_of (&proposal), "uncovered")), ==, 0);
      assignments = json_object_get_array_member (body_of (&proposal), "assignments");
      g_assert_cmpuint (json_array_get_length (assignments), >, 0);
      /* The second plan's proposal leaves out the units the first took. */
      for (guint i = 0; i < json_array_get_length (assignments); i++)
        g_assert_true (g_hash_table_add (sent, g_strdup (json_object_get_string_member (
                                                 json_array_get_object_element (assignments, i), "unit_id"))));

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "assignments");
      json_builder_add_value (builder, json_node_copy (json_object_get_member (body_of (&proposal), "assignments")));
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      body = json_to_string (root, FALSE);
      active = request (server, "POST", activation_path, sup, key, NULL, body);
      g_assert_cmpuint (active.status, ==, 201);

      now = request (server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);
      g_ptr_array_add (started, scenario_now (body_of (&now)));
      g_assert_nonnull (started->pdata[p]);
    }

  /* Bounded: every post of both plans covered, or the test fails. */
  deadline = g_get_monotonic_time () + WAIT_REAL_SECONDS * G_USEC_PER_SEC;
  while (covered < 2 && g_get_monotonic_time () < deadline)
    {
      g_auto(Answer) now = request (server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);
      JsonArray *seen = json_object_get_array_member (body_of (&now), "plans");

      covered = 0;
      for (guint p = 0; p < json_array_get_length (seen); p++)
        {
          JsonObject *activation = json_object_get_object_member (json_array_get_object_element (seen, p),
                                                                  "activation");

          covered += activation != NULL && json_object_get_string_member (activation, "all_covered_at") != NULL;
        }
      if (covered < 2)
        g_usleep (G_USEC_PER_SEC);
    }

  {
    g_auto(Answer) now = request (server, "GET", "/api/v1/snapshot", sup, NULL, NULL, NULL);
    JsonArray *seen = json_object_get_array_member (body_of (&now), "plans");

    for (guint p = 0; p < json_array_get_length (seen); p++)
      {
        JsonObject *plan = json_array_get_object_element (seen, p);
        JsonObject *activation = json_object_get_object_member (plan, "activation");
        JsonArray *posts = json_object_get_array_member (activation, "posts");
        const char *all = json_object_get_string_member (activation, "all_covered_at");
        guint index = g_str_equal (json_object_get_string_member (plan, "id"), ids->pdata[0]) ? 0 : 1;
        guint n_covered = 0;

        for (guint i = 0; i < json_array_get_length (posts); i++)
          n_covered += g_str_equal (json_object_get_string_member (json_array_get_object_element (posts, i), "state"),
                                    "covered");
        g_test_message ("%s: %u of %u posts covered", json_object_get_string_member (plan, "name"), n_covered,
                        json_array_get_length (posts));
        g_assert_nonnull (all);
        {
          g_autoptr(GDateTime) done = g_date_time_new_from_iso8601 (all, NULL);

          /* dozord's clock, on which the city ran SPEED times faster. */
          g_test_message ("%s: every post covered %.0f simulated seconds after activation (%u posts)",
                          json_object_get_string_member (plan, "name"),
                          g_date_time_difference (done, started->pdata[index]) / 1e6 * g_ascii_strtod (SPEED, NULL),
                          json_array_get_length (posts));
        }
      }
  }
  g_assert_cmpuint (covered, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  server_fixture_init ();

  g_test_add ("/plans-demo/cycle", Server, NULL, demo_setup, test_demo_cycle, server_teardown);

  return g_test_run ();
}
