/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The crisis log (issue 15, item 6): the events of a raised episode
 * folded into rows a duty shift reads, newest first, and written out as
 * CSV. The same fold serves the journal read at opening (in a worker: the
 * log is not shared until it is handed to the board) and the live events
 * after it, so a row looks the same whether it was read or seen.
 *
 * A dispatch comes before the events that carry its unit and incident
 * (docs/api.md: dispatch.created, unit.updated, incident.updated), so the
 * names are learnt apart from the fold: for the journal over all events
 * first, live from each event as it comes.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dozor-crisis-log.h"
#include "dozor-event-text.h"
#include "dozor-json.h"
#include "dozor-labels.h"

struct _DozorCrisisLog
{
  GObject parent_instance;

  GListStore *entries;     /* DozorCrisisLogEntry, newest first */
  gint64 seq;              /* the last event folded */
  char *level;             /* the level as of that event, NULL before any */
  GHashTable *call_signs;  /* unit id → call sign */
  GHashTable *incidents;   /* incident id → "type, address" */
  GHashTable *plans;       /* plan id → name */
  GHashTable *posts;       /* post id → name */
  GHashTable *statuses;    /* unit id → status as of the last event */
  GHashTable *targets;     /* unit id → where its dispatch of this log sent it */
  GHashTable *covered;     /* post id of a post seen covered */
};

G_DEFINE_FINAL_TYPE (DozorCrisisLog, dozor_crisis_log, G_TYPE_OBJECT)

static void
dozor_crisis_log_finalize (GObject *object)
{
  DozorCrisisLog *self = DOZOR_CRISIS_LOG (object);

  g_clear_object (&self->entries);
  g_clear_pointer (&self->level, g_free);
  g_clear_pointer (&self->call_signs, g_hash_table_unref);
  g_clear_pointer (&self->incidents, g_hash_table_unref);
  g_clear_pointer (&self->plans, g_hash_table_unref);
  g_clear_pointer (&self->posts, g_hash_table_unref);
  g_clear_pointer (&self->statuses, g_hash_table_unref);
  g_clear_pointer (&self->targets, g_hash_table_unref);
  g_clear_pointer (&self->covered, g_hash_table_unref);

  G_OBJECT_CLASS (dozor_crisis_log_parent_class)->finalize (object);
}

static void
dozor_crisis_log_class_init (DozorCrisisLogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_crisis_log_finalize;
}

static GHashTable *
string_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
dozor_crisis_log_init (DozorCrisisLog *self)
{
  self->entries = g_list_store_new (DOZOR_TYPE_CRISIS_LOG_ENTRY);
  self->seq = -1;
  self->call_signs = string_table ();
  self->incidents = string_table ();
  self->plans = string_table ();
  self->posts = string_table ();
  self->statuses = string_table ();
  self->targets = string_table ();
  self->covered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * dozor_crisis_log_new:
 *
 * Returns: (transfer full): an empty log, before any event
 */
DozorCrisisLog *
dozor_crisis_log_new (void)
{
  return g_object_new (DOZOR_TYPE_CRISIS_LOG, NULL);
}

/* Members of what came from outside: any of them may be missing. */
static const char *
text_of (JsonObject *object,
         const char *name)
{
  return object != NULL ? dozor_json_get_string (object, name) : NULL;
}

static void
remember (GHashTable *table,
          const char *key,
          const char *value)
{
  if (key != NULL && value != NULL)
    g_hash_table_replace (table, g_strdup (key), g_strdup (value));
}

/**
 * dozor_crisis_log_learn:
 * @self: a #DozorCrisisLog
 * @event: an event of the stream or the journal
 *
 * Takes the names the event carries (call signs, incidents, plans and
 * their posts) without folding it: the rows of earlier events use them.
 */
void
dozor_crisis_log_learn (DozorCrisisLog *self,
                        JsonObject     *event)
{
  JsonObject *unit, *incident, *plan;
  JsonArray *posts;

  g_return_if_fail (DOZOR_IS_CRISIS_LOG (self));
  g_return_if_fail (event != NULL);

  unit = dozor_json_get_object (event, "unit");
  if (unit != NULL)
    remember (self->call_signs, text_of (unit, "id"), text_of (unit, "call_sign"));

  incident = dozor_json_get_object (event, "incident");
  if (incident != NULL && text_of (incident, "id") != NULL)
    {
      g_autofree char *words = dozor_event_incident_words (incident);

      remember (self->incidents, text_of (incident, "id"), words);
    }

  plan = dozor_json_get_object (event, "plan");
  if (plan != NULL)
    {
      remember (self->plans, text_of (plan, "id"), text_of (plan, "name"));
      posts = dozor_json_get_array (plan, "posts");
      for (guint i = 0; posts != NULL && i < json_array_get_length (posts); i++)
        {
          JsonNode *post = json_array_get_element (posts, i);

          if (JSON_NODE_HOLDS_OBJECT (post))
            remember (self->posts, text_of (json_node_get_object (post), "id"),
                      text_of (json_node_get_object (post), "name"));
        }
    }
}

static const char *
name_of (GHashTable *table,
         const char *id)
{
  const char *name = id != NULL ? g_hash_table_lookup (table, id) : NULL;

  return name != NULL ? name : "";
}

static void
add (DozorCrisisLog     *self,
     JsonObject         *event,
     DozorCrisisLogKind  kind,
     const char         *who,
     const char         *details)
{
  const char *time_text = text_of (event, "time");
  g_autoptr(GDateTime) time = time_text != NULL ? g_date_time_new_from_iso8601 (time_text, NULL) : NULL;
  g_autoptr(DozorCrisisLogEntry) entry = NULL;

  if (time == NULL)
    return;
  entry = dozor_crisis_log_entry_new (self->seq, time, kind, who, details);
  g_list_store_insert (self->entries, 0, entry);
}

/* "Беркут-12 — Robbery, пр. Абая 10", or the call sign alone. */
static char *
unit_and_target (DozorCrisisLog *self,
                 const char     *unit_id)
{
  const char *call_sign = g_hash_table_lookup (self->call_signs, unit_id != NULL ? unit_id : "");
  const char *target = g_hash_table_lookup (self->targets, unit_id != NULL ? unit_id : "");

  if (call_sign == NULL)
    call_sign = _("A unit");
  if (target == NULL)
    return g_strdup (call_sign);
  /* TRANSLATORS: the crisis log: a unit's call sign, then where it goes */
  return g_strdup_printf (_("%s — %s"), call_sign, target);
}

static char *
post_words (DozorCrisisLog *self,
            const char     *plan_id,
            const char     *post_id)
{
  /* TRANSLATORS: the crisis log: a plan's name, then one of its posts */
  return g_strdup_printf (_("%s: %s"), name_of (self->plans, plan_id), name_of (self->posts, post_id));
}

static guint
fold_readiness (DozorCrisisLog *self,
                JsonObject     *event,
                JsonObject     *readiness)
{
  const char *level = text_of (readiness, "level");
  const char *reason = text_of (readiness, "reason");
  DozorCrisisLogKind kind;
  g_autofree char *details = NULL;

  if (level == NULL)
    return 0;
  if (g_str_equal (level, "normal"))
    kind = DOZOR_CRISIS_LOG_LEVEL_LOWERED;
  else if (g_strcmp0 (self->level, "normal") == 0 ||
           /* The first event of the log raised it when the episode began with it. */
           (self->level == NULL && g_strcmp0 (text_of (readiness, "raised_at"),
                                              text_of (readiness, "set_at")) == 0))
    kind = DOZOR_CRISIS_LOG_LEVEL_RAISED;
  else
    kind = DOZOR_CRISIS_LOG_LEVEL_CHANGED;
  g_free (self->level);
  self->level = g_strdup (level);

  if (reason != NULL && *reason != '\0')
    details = g_strdup_printf (_("%s — %s"), dozor_readiness_label (level), reason);
  else
    details = g_strdup (dozor_readiness_label (level));
  add (self, event, kind, text_of (readiness, "set_by"), details);
  return 1;
}

static guint
fold_plan (DozorCrisisLog *self,
           JsonObject     *event,
           const char     *type,
           JsonObject     *plan)
{
  const char *plan_id = text_of (plan, "id");
  JsonObject *activation = dozor_json_get_object (plan, "activation");
  JsonArray *states = dozor_json_get_array (activation, "posts");
  const char *name = text_of (plan, "name");
  guint added = 0;

  if (g_str_equal (type, "plan.activated"))
    {
      add (self, event, DOZOR_CRISIS_LOG_PLAN_ACTIVATED, text_of (activation, "activated_by"), name);
      added++;
    }
  else if (g_str_equal (type, "plan.closed"))
    {
      add (self, event, DOZOR_CRISIS_LOG_PLAN_CLOSED, text_of (activation, "closed_by"), name);
      return 1;
    }
  else if (!g_str_equal (type, "plan.updated"))
    return 0;

  /* A post stays covered once covered (docs/api.md, "Plan"): the first
   * event that shows it covered is the row. */
  for (guint i = 0; states != NULL && i < json_array_get_length (states); i++)
    {
      JsonNode *node = json_array_get_element (states, i);
      JsonObject *state = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *post_id = text_of (state, "post_id");

      if (post_id == NULL || g_strcmp0 (text_of (state, "state"), "covered") != 0 ||
          g_hash_table_contains (self->covered, post_id))
        continue;
      g_hash_table_add (self->covered, g_strdup (post_id));
      {
        g_autofree char *words = post_words (self, plan_id, post_id);

        add (self, event, DOZOR_CRISIS_LOG_POST_COVERED, NULL, words);
        added++;
      }
    }
  return added;
}

static guint
fold_dispatch (DozorCrisisLog *self,
               JsonObject     *event,
               const char     *type,
               JsonObject     *dispatch)
{
  const char *unit_id = text_of (dispatch, "unit_id");
  const char *incident_id = text_of (dispatch, "incident_id");
  g_autofree char *details = NULL;

  if (unit_id == NULL)
    return 0;
  if (!g_str_equal (type, "dispatch.created"))
    {
      g_hash_table_remove (self->targets, unit_id);
      return 0;
    }
  if (incident_id != NULL)
    remember (self->targets, unit_id, g_hash_table_lookup (self->incidents, incident_id));
  else if (text_of (dispatch, "plan_id") == NULL)
    remember (self->targets, unit_id, dozor_event_place_words (dispatch));
  else
    {
      g_autofree char *words = post_words (self, text_of (dispatch, "plan_id"),
                                           text_of (dispatch, "post_id"));
      remember (self->targets, unit_id, words);
    }
  details = unit_and_target (self, unit_id);
  add (self, event, DOZOR_CRISIS_LOG_DISPATCHED, text_of (dispatch, "created_by"), details);
  return 1;
}

static guint
fold_unit (DozorCrisisLog *self,
           JsonObject     *event,
           JsonObject     *unit)
{
  const char *id = text_of (unit, "id");
  const char *status = text_of (unit, "status");
  const char *before;
  gboolean arrived;

  if (id == NULL || status == NULL)
    return 0;
  before = g_hash_table_lookup (self->statuses, id);
  /* A unit this log has not seen yet arrived if this log sent it: one
   * already on scene when the episode began makes no row when it changes. */
  arrived = g_str_equal (status, "on_scene") &&
            (before != NULL ? !g_str_equal (before, "on_scene") : g_hash_table_contains (self->targets, id));
  remember (self->statuses, id, status);
  if (!arrived)
    return 0;
  {
    g_autofree char *details = unit_and_target (self, id);

    add (self, event, DOZOR_CRISIS_LOG_ARRIVED, NULL, details);
  }
  return 1;
}

/**
 * dozor_crisis_log_add_event:
 * @self: a #DozorCrisisLog
 * @event: the next event of the stream or the journal
 *
 * Learns its names and folds it: a level change, a plan activated or
 * closed, posts covered, a dispatch, an arrival or a note make rows at
 * the top. An event not newer than the last one folded is skipped, so
 * that the live events that came while the journal was read can follow
 * it whatever they overlap.
 *
 * Returns: how many rows it made
 */
guint
dozor_crisis_log_add_event (DozorCrisisLog *self,
                            JsonObject     *event)
{
  const char *type;
  gint64 seq;

  g_return_val_if_fail (DOZOR_IS_CRISIS_LOG (self), 0);
  g_return_val_if_fail (event != NULL, 0);

  type = text_of (event, "type");
  seq = json_object_get_int_member_with_default (event, "seq", -1);
  if (type == NULL || seq <= self->seq)
    return 0;
  self->seq = seq;
  dozor_crisis_log_learn (self, event);

  if (g_str_equal (type, "readiness.changed") && dozor_json_get_object (event, "readiness") != NULL)
    return fold_readiness (self, event, dozor_json_get_object (event, "readiness"));
  if (g_str_has_prefix (type, "plan.") && dozor_json_get_object (event, "plan") != NULL)
    return fold_plan (self, event, type, dozor_json_get_object (event, "plan"));
  if (g_str_has_prefix (type, "dispatch.") && dozor_json_get_object (event, "dispatch") != NULL)
    return fold_dispatch (self, event, type, dozor_json_get_object (event, "dispatch"));
  if (g_str_equal (type, "unit.updated") && dozor_json_get_object (event, "unit") != NULL)
    return fold_unit (self, event, dozor_json_get_object (event, "unit"));
  if (g_str_equal (type, "note.added") && dozor_json_get_object (event, "note") != NULL)
    {
      JsonObject *note = dozor_json_get_object (event, "note");

      add (self, event, DOZOR_CRISIS_LOG_NOTE, text_of (note, "by"),
           text_of (note, "text"));
      return 1;
    }
  return 0;
}

/**
 * dozor_crisis_log_get_seq:
 * @self: a #DozorCrisisLog
 *
 * Returns: the seq of the last event folded, -1 before any
 */
gint64
dozor_crisis_log_get_seq (DozorCrisisLog *self)
{
  g_return_val_if_fail (DOZOR_IS_CRISIS_LOG (self), -1);
  return self->seq;
}

/**
 * dozor_crisis_log_get_entries:
 * @self: a #DozorCrisisLog
 *
 * Returns: (transfer none): the rows, #DozorCrisisLogEntry, newest first:
 *   a room that follows the log live sees a new row where it looks,
 *   without scrolling
 */
GListModel *
dozor_crisis_log_get_entries (DozorCrisisLog *self)
{
  g_return_val_if_fail (DOZOR_IS_CRISIS_LOG (self), NULL);
  return G_LIST_MODEL (self->entries);
}

/**
 * dozor_crisis_log_format_time:
 * @time: a row's time
 * @zone: the room's time zone
 *
 * An episode may last past midnight, so the day is always written.
 *
 * Returns: (transfer full): "2026-12-06 14:02:11"
 */
char *
dozor_crisis_log_format_time (GDateTime *time,
                              GTimeZone *zone)
{
  g_autoptr(GDateTime) local = g_date_time_to_timezone (time, zone);

  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

/* RFC 4180: a field with a quote, a comma or a line break is quoted, its
 * quotes doubled. */
static void
append_field (GString    *out,
              const char *field,
              gboolean    last)
{
  if (strpbrk (field, "\",\r\n") != NULL)
    {
      g_string_append_c (out, '"');
      for (const char *p = field; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  else
    g_string_append (out, field);
  g_string_append (out, last ? "\r\n" : ",");
}

/**
 * dozor_crisis_log_to_csv:
 * @entries: (element-type DozorCrisisLogEntry): rows, newest first, as
 *   dozor_crisis_log_get_entries() has them (or a copy of them, to write
 *   the file in a worker while the log grows)
 * @zone: the room's time zone
 *
 * The rows as RFC 4180 CSV in UTF-8 (no byte order mark, lines ending in
 * CR LF), a header of the columns as the pane names them in the user's
 * language, then the rows oldest first, as a record is read.
 *
 * Returns: (transfer full): the text
 */
char *
dozor_crisis_log_to_csv (GListModel *entries,
                         GTimeZone  *zone)
{
  GString *out = g_string_new (NULL);
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (entries), NULL);

  append_field (out, C_("crisis log column", "Time"), FALSE);
  append_field (out, C_("crisis log column", "What"), FALSE);
  append_field (out, C_("crisis log column", "Who"), FALSE);
  append_field (out, C_("crisis log column", "Details"), TRUE);

  n = g_list_model_get_n_items (entries);
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(DozorCrisisLogEntry) entry = g_list_model_get_item (entries, i - 1);
      g_autofree char *time = dozor_crisis_log_format_time (dozor_crisis_log_entry_get_time (entry), zone);

      append_field (out, time, FALSE);
      append_field (out, dozor_crisis_log_entry_get_what (entry), FALSE);
      append_field (out, dozor_crisis_log_entry_get_who (entry), FALSE);
      append_field (out, dozor_crisis_log_entry_get_details (entry), TRUE);
    }
  return g_string_free (out, FALSE);
}

void
dozor_crisis_episode_free (DozorCrisisEpisode *episode)
{
  if (episode == NULL)
    return;
  g_free (episode->raised_at);
  g_free (episode->lowered_at);
  g_free (episode->top_level);
  g_free (episode);
}

static int
level_rank (const char *level)
{
  const char *const *levels = dozor_readiness_levels ();

  for (int i = 0; level != NULL && levels[i] != NULL; i++)
    if (g_str_equal (levels[i], level))
      return i;
  return -1;
}

/**
 * dozor_crisis_episodes_find:
 * @events: (element-type JsonNode): events of the journal, in seq order
 *
 * The raised episodes among @events: from the readiness.changed that
 * begins one (a `raised_at` not seen before) to the one back to normal.
 * An episode that began before the first event is left out: its start
 * is not there to read from.
 *
 * Returns: (transfer full) (element-type DozorCrisisEpisode): the
 *   episodes, oldest first
 */
GPtrArray *
dozor_crisis_episodes_find (GPtrArray *events)
{
  GPtrArray *episodes = g_ptr_array_new_with_free_func ((GDestroyNotify) dozor_crisis_episode_free);
  DozorCrisisEpisode *open = NULL;

  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      JsonObject *event = JSON_NODE_HOLDS_OBJECT ((JsonNode *) events->pdata[i])
                            ? json_node_get_object (events->pdata[i]) : NULL;
      JsonObject *readiness = dozor_json_get_object (event, "readiness");
      const char *level, *raised_at;

      if (readiness == NULL || g_strcmp0 (text_of (event, "type"), "readiness.changed") != 0)
        continue;
      level = text_of (readiness, "level");
      raised_at = text_of (readiness, "raised_at");
      if (g_strcmp0 (level, "normal") == 0)
        {
          if (open != NULL)
            {
              open->lowered_at = g_strdup (text_of (event, "time"));
              open->last_seq = json_object_get_int_member_with_default (event, "seq", -1);
              open = NULL;
            }
          continue;
        }
      if (raised_at == NULL)
        continue;
      if (open == NULL || g_strcmp0 (open->raised_at, raised_at) != 0)
        {
          /* Its start is this event, or it lies before what was read. */
          if (g_strcmp0 (raised_at, text_of (readiness, "set_at")) != 0)
            continue;
          open = g_new0 (DozorCrisisEpisode, 1);
          open->raised_at = g_strdup (raised_at);
          open->first_seq = json_object_get_int_member_with_default (event, "seq", -1);
          open->last_seq = -1;
          g_ptr_array_add (episodes, open);
        }
      if (level_rank (level) > level_rank (open->top_level))
        {
          g_free (open->top_level);
          open->top_level = g_strdup (level);
        }
    }
  return episodes;
}

/**
 * dozor_crisis_log_new_for_episode:
 * @events: (element-type JsonNode): events of the journal in seq order,
 *   holding the episode's
 * @episode: one of the episodes dozor_crisis_episodes_find() found in them
 *
 * The episode's log: the names of the whole episode learnt first (a
 * dispatch comes before the unit and incident it names), then its rows.
 *
 * Returns: (transfer full): the log of the episode
 */
DozorCrisisLog *
dozor_crisis_log_new_for_episode (GPtrArray                *events,
                                  const DozorCrisisEpisode *episode)
{
  DozorCrisisLog *self = dozor_crisis_log_new ();
  guint first = G_MAXUINT, last = 0;

  g_return_val_if_fail (events != NULL && episode != NULL, self);

  for (guint i = 0; i < events->len; i++)
    {
      gint64 seq = json_object_get_int_member_with_default (json_node_get_object (events->pdata[i]), "seq", -1);

      if (seq >= episode->first_seq && (episode->last_seq < 0 || seq <= episode->last_seq))
        {
          first = MIN (first, i);
          last = i;
        }
    }
  for (guint i = first; first != G_MAXUINT && i <= last; i++)
    dozor_crisis_log_learn (self, json_node_get_object (events->pdata[i]));
  for (guint i = first; first != G_MAXUINT && i <= last; i++)
    dozor_crisis_log_add_event (self, json_node_get_object (events->pdata[i]));
  return self;
}
