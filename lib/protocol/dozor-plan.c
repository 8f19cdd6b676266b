/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reading a special operating plan as the server sends it (docs/api.md,
 * "Special operating plan"): its posts with each one's state in the
 * activation, and the plan's key figure in words. The situation keeps the
 * plan's JSON; what the map, the desk's pane and the wall show is read
 * from it here, once, into flat copies.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "dozor-geo.h"
#include "dozor-json.h"
#include "dozor-labels.h"
#include "dozor-plan.h"

void
dozor_plan_post_free (DozorPlanPost *post)
{
  if (post == NULL)
    return;
  g_free (post->id);
  g_free (post->name);
  g_free (post->kind);
  g_clear_pointer (&post->unit_ids, g_ptr_array_unref);
  g_free (post);
}

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
array_member (JsonObject *object,
              const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
array_object (JsonArray *array,
              guint      i)
{
  JsonNode *node = json_array_get_element (array, i);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * dozor_plan_get_seconds:
 * @object: a JSON object
 * @member: a member in seconds, such as `eta_s` or `cover_s`
 * @fallback: what a missing, null or negative member gives
 *
 * dozord writes seconds as numbers that may be doubles ("412.0"): read
 * both, to the nearest second.
 *
 * Returns: the seconds, or @fallback
 */
gint64
dozor_plan_get_seconds (JsonObject *object,
                        const char *member,
                        gint64      fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;
  double value;

  if (node == NULL || !dozor_json_node_get_number (node, &value) || !(value >= 0 && value < 1e12))
    return fallback;
  return (gint64) llround (value);
}

/**
 * dozor_plan_is_active:
 * @plan: a plan as the server sent it
 *
 * Returns: whether it has an activation
 */
gboolean
dozor_plan_is_active (JsonObject *plan)
{
  return object_member (plan, "activation") != NULL;
}

static DozorPostState
state_from_string (const char *state)
{
  if (g_strcmp0 (state, "covered") == 0)
    return DOZOR_POST_COVERED;
  if (g_strcmp0 (state, "en_route") == 0)
    return DOZOR_POST_EN_ROUTE;
  return DOZOR_POST_UNCOVERED;
}

/* The activation's entry of a post, units, times and all. */
static void
read_activation (DozorPlanPost *post,
                 JsonObject    *entry,
                 gint64         activated_at)
{
  JsonArray *units = array_member (entry, "units");

  post->state = state_from_string (dozor_json_get_string (entry, "state"));
  post->covered_at = dozor_json_get_time (entry, "covered_at");
  for (guint i = 0; units != NULL && i < json_array_get_length (units); i++)
    {
      JsonObject *unit = array_object (units, i);
      const char *unit_id = unit != NULL ? dozor_json_get_string (unit, "unit_id") : NULL;
      gint64 arrived_at, eta_s;

      if (unit_id == NULL)
        continue;
      g_ptr_array_add (post->unit_ids, g_strdup (unit_id));
      arrived_at = dozor_json_get_time (unit, "arrived_at");
      eta_s = dozor_plan_get_seconds (unit, "eta_s", -1);
      if (arrived_at != 0)
        {
          post->arrived++;
          post->arrived_at = MAX (post->arrived_at, arrived_at);
        }
      else if (eta_s >= 0 && activated_at != 0)
        {
          gint64 eta_at = activated_at + eta_s * G_USEC_PER_SEC;

          post->eta_at = post->eta_at == 0 ? eta_at : MIN (post->eta_at, eta_at);
        }
    }
}

/**
 * dozor_plan_get_posts:
 * @plan: a plan as the server sent it
 *
 * Posts without a usable point are left out: nothing could show them.
 *
 * Returns: (transfer container) (element-type DozorPlanPost): the plan's
 *   posts in its order, each with its state (%DOZOR_POST_IDLE while the
 *   plan is not active)
 */
GPtrArray *
dozor_plan_get_posts (JsonObject *plan)
{
  GPtrArray *posts = g_ptr_array_new_with_free_func ((GDestroyNotify) dozor_plan_post_free);
  JsonArray *list = array_member (plan, "posts");
  JsonObject *activation = object_member (plan, "activation");
  JsonArray *entries = array_member (activation, "posts");
  gint64 activated_at = activation != NULL ? dozor_json_get_time (activation, "activated_at") : 0;
  g_autoptr(GHashTable) entry_by_post = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = array_object (entries, i);
      const char *post_id = entry != NULL ? dozor_json_get_string (entry, "post_id") : NULL;

      if (post_id != NULL)
        g_hash_table_insert (entry_by_post, (gpointer) post_id, entry);
    }

  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonObject *object = array_object (list, i);
      JsonObject *location = object_member (object, "location");
      const char *id = object != NULL ? dozor_json_get_string (object, "id") : NULL;
      JsonObject *entry;
      DozorPlanPost *post;
      double lat = NAN, lon = NAN;

      if (location != NULL)
        {
          dozor_json_node_get_number (json_object_get_member (location, "lat"), &lat);
          dozor_json_node_get_number (json_object_get_member (location, "lon"), &lon);
        }
      if (id == NULL || !dozor_geo_is_valid_lat_lon (lat, lon))
        continue;

      post = g_new0 (DozorPlanPost, 1);
      post->id = g_strdup (id);
      post->name = g_strdup (json_object_get_string_member_with_default (object, "name", id));
      post->lat = lat;
      post->lon = lon;
      post->units_needed = (int) CLAMP (dozor_json_get_int (object, "units_needed", 1), 1, 20);
      post->kind = g_strdup (dozor_json_get_string (object, "kind"));
      post->unit_ids = g_ptr_array_new_with_free_func (g_free);
      post->state = DOZOR_POST_IDLE;
      entry = g_hash_table_lookup (entry_by_post, id);
      if (activation != NULL)
        post->state = DOZOR_POST_UNCOVERED;
      if (entry != NULL)
        read_activation (post, entry, activated_at);
      g_ptr_array_add (posts, post);
    }
  return posts;
}

/**
 * dozor_plan_count_covered:
 * @plan: a plan as the server sent it
 * @n_posts: (out) (optional): how many posts it has
 *
 * Returns: how many of its posts are covered (0 while not active)
 */
guint
dozor_plan_count_covered (JsonObject *plan,
                          guint      *n_posts)
{
  JsonArray *entries = array_member (object_member (plan, "activation"), "posts");
  JsonArray *posts = array_member (plan, "posts");
  guint covered = 0;

  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = array_object (entries, i);

      covered += entry != NULL && g_strcmp0 (dozor_json_get_string (entry, "state"), "covered") == 0;
    }
  if (n_posts != NULL)
    *n_posts = posts != NULL ? json_array_get_length (posts) : 0;
  return covered;
}

/**
 * dozor_format_duration:
 * @seconds: a span of time
 *
 * Returns: (transfer full): "45 s", "8 min 12 s", "1 h 05 min": exact to
 *   the second below an hour, as the plan's key figure is; held together
 */
char *
dozor_format_duration (gint64 seconds)
{
  g_autofree char *text = NULL;

  seconds = MAX (seconds, 0);
  if (seconds < 60)
    text = g_strdup_printf (_("%d s"), (int) seconds);
  else if (seconds < 3600)
    /* TRANSLATORS: minutes and seconds */
    text = g_strdup_printf (_("%d min %d s"), (int) (seconds / 60), (int) (seconds % 60));
  else
    /* TRANSLATORS: hours and minutes */
    text = g_strdup_printf (_("%d h %02d min"), (int) (seconds / 3600), (int) (seconds % 3600 / 60));
  /* One figure: it must not break across lines (dozor_unbroken()). */
  return dozor_unbroken (text);
}

/**
 * dozor_plan_describe_cover:
 * @plan: a plan as the server sent it
 * @now: the time to count from, Unix µs
 *
 * The plan's key figure (docs/api.md, `cover_s`) in words.
 *
 * Returns: (transfer full) (nullable): "all posts covered in 8 min 12 s",
 *   or "not yet: 3 of 12 posts covered, 6 min since activation"; %NULL
 *   while the plan is not active
 */
char *
dozor_plan_describe_cover (JsonObject *plan,
                           gint64      now)
{
  JsonObject *activation = object_member (plan, "activation");
  gint64 activated_at, cover_s;
  g_autofree char *since = NULL;
  guint covered, n_posts;

  if (activation == NULL)
    return NULL;

  cover_s = dozor_plan_get_seconds (activation, "cover_s", -1);
  if (cover_s >= 0)
    {
      g_autofree char *took = dozor_format_duration (cover_s);

      /* TRANSLATORS: a plan's key figure: the time from its activation
       * until every post was covered, such as "8 min 12 s" */
      return g_strdup_printf (_("all posts covered in %s"), took);
    }

  covered = dozor_plan_count_covered (plan, &n_posts);
  activated_at = dozor_json_get_time (activation, "activated_at");
  since = dozor_format_duration (activated_at != 0 ? (now - activated_at) / G_USEC_PER_SEC : 0);
  /* TRANSLATORS: a plan not yet complete: covered posts, all posts, and
   * the time since its activation such as "6 min 3 s" */
  return g_strdup_printf (_("not yet: %u of %u posts covered, %s since activation"), covered, n_posts, since);
}

/**
 * dozor_post_state_label:
 * @state: a post's state
 *
 * Returns: (transfer none): the word the map and the lists show for it
 */
const char *
dozor_post_state_label (DozorPostState state)
{
  switch (state)
    {
    case DOZOR_POST_COVERED:
      return C_("post", "covered");
    case DOZOR_POST_EN_ROUTE:
      return C_("post", "en route");
    case DOZOR_POST_UNCOVERED:
      return C_("post", "uncovered");
    case DOZOR_POST_IDLE:
    default:
      return C_("post", "not active");
    }
}

/**
 * dozor_format_clock:
 * @time: Unix microseconds
 * @seconds: whether to show the seconds
 *
 * Returns: (transfer full): the local time of day, "10:08" or "10:08:12",
 *   as the room's clock shows it
 */
char *
dozor_format_clock (gint64   time,
                    gboolean seconds)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (time / G_USEC_PER_SEC);

  return local != NULL ? g_date_time_format (local, seconds ? "%H:%M:%S" : "%H:%M") : g_strdup ("?");
}

/**
 * dozor_plan_compare_names:
 * @a: (type JsonNode): a plan
 * @b: (type JsonNode): another plan
 *
 * For g_list_sort() of dozor_situation_get_entities() (which has no
 * order): plans by name, as the lists and the wall show them.
 *
 * Returns: less than, equal to or greater than 0
 */
int
dozor_plan_compare_names (gconstpointer a,
                          gconstpointer b)
{
  return g_utf8_collate (json_object_get_string_member_with_default (json_node_get_object ((JsonNode *) a), "name", ""),
                         json_object_get_string_member_with_default (json_node_get_object ((JsonNode *) b), "name", ""));
}

/**
 * dozor_plan_describe_event:
 * @before: (nullable): the plan as the board had it before the event
 * @plan: the plan the event carries
 * @type: the event's type, `plan.…`
 *
 * For the wall's ticker and the crisis log: a plan activated, every post
 * of it covered (once, with the key figure), a plan closed. Edits and the
 * posts covered one by one are not news.
 *
 * Returns: (transfer full) (nullable): the sentence, or %NULL
 */
char *
dozor_plan_describe_event (JsonObject *before,
                           JsonObject *plan,
                           const char *type)
{
  const char *name = json_object_get_string_member_with_default (plan, "name", "");
  gint64 cover_s = dozor_plan_get_seconds (object_member (plan, "activation"), "cover_s", -1);

  if (g_strcmp0 (type, "plan.activated") == 0)
    /* TRANSLATORS: the ticker: a special operating plan was activated */
    return g_strdup_printf (_("Plan “%s” activated"), name);
  if (g_strcmp0 (type, "plan.closed") == 0)
    /* TRANSLATORS: the ticker: a special operating plan was closed */
    return g_strdup_printf (_("Plan “%s” closed"), name);
  if (g_strcmp0 (type, "plan.updated") == 0 && cover_s >= 0 &&
      dozor_plan_get_seconds (object_member (before, "activation"), "cover_s", -1) < 0)
    {
      g_autofree char *figure = dozor_plan_describe_cover (plan, 0);

      /* TRANSLATORS: the ticker: a plan's name and its key figure */
      return g_strdup_printf (_("Plan “%s”: %s"), name, figure);
    }
  return NULL;
}

/**
 * dozor_plan_find_post:
 * @posts: (element-type DozorPlanPost): dozor_plan_get_posts()'s
 * @post_id: a post's id
 *
 * Returns: (transfer none) (nullable): that post
 */
DozorPlanPost *
dozor_plan_find_post (GPtrArray  *posts,
                      const char *post_id)
{
  for (guint i = 0; posts != NULL && post_id != NULL && i < posts->len; i++)
    if (g_str_equal (((DozorPlanPost *) posts->pdata[i])->id, post_id))
      return posts->pdata[i];
  return NULL;
}
