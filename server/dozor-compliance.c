/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Route compliance in dozord (issue 17, item 2; docs/api.md, "Route
 * compliance"): one worker thread owns a DozorComplianceMonitor and judges
 * every unit of a patrol route's shift by its fixes.
 *
 * The main loop only copies the committed events the monitor needs
 * (positions, dispatches, routes) onto a queue: the worker parses them,
 * measures against the routes with GEOS, and hands its records back; the
 * main loop then writes them through the store, which is single-threaded,
 * as events in one transaction per batch, and publishes them. So ingest at
 * thousands of fixes a second pays a copy per fix, not a distance.
 *
 * Roster entries with a post or a place are judged too, against that point,
 * by the entry's own rules.
 *
 * At start the worker first reads, on its own read-only connection, the
 * judged routes and posts and each unit's track and dispatches since its shift
 * began, so that a restart neither reports a gap from the shift's start
 * nor loses a deviation in progress; the records this makes again find
 * their rows in the store and write nothing.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "dozor-compliance.h"
#include "dozor-compliance-monitor.h"
#include "dozor-db.h"

typedef enum
{
  MESSAGE_EVENTS,
  MESSAGE_ADVANCE,
  MESSAGE_QUIT,
} MessageKind;

typedef struct
{
  MessageKind kind;
  GPtrArray *events; /* copies of one commit's wanted events, for MESSAGE_EVENTS */
  gint64 now;        /* the clock, for MESSAGE_ADVANCE */
} Message;

struct _DozorCompliance
{
  GObject parent_instance;

  DozorStore *store;
  char *db_path;
  DozorCompliancePublish publish;
  gpointer publish_data;

  GThread *thread;
  GAsyncQueue *queue;      /* Message, to the worker */
  gint waiting;            /* events in the queue's messages, atomic */
  guint64 dropped;         /* fixes not judged because the queue was full */
  gint64 started;          /* when dozord began to listen, real time */

  GMutex lock;             /* guards what follows */
  GPtrArray *records;      /* DozorComplianceRecord, from the worker */
  guint write_id;
  gboolean stopping;
};

G_DEFINE_FINAL_TYPE (DozorCompliance, dozor_compliance, G_TYPE_OBJECT)

static void
message_free (Message *message)
{
  g_clear_pointer (&message->events, g_ptr_array_unref);
  g_free (message);
}

static void
push (DozorCompliance *self,
      MessageKind      kind,
      GPtrArray       *events,
      gint64           now)
{
  Message *message = g_new0 (Message, 1);

  message->kind = kind;
  message->events = events;
  message->now = now;
  if (events != NULL)
    g_atomic_int_add (&self->waiting, (gint) events->len);
  g_async_queue_push (self->queue, message);
}

/* --- On the main loop ----------------------------------------------------- */

static gboolean
write_cb (gpointer user_data)
{
  DozorCompliance *self = user_data;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&self->lock);
  records = g_steal_pointer (&self->records);
  self->records = g_ptr_array_new_with_free_func ((GDestroyNotify) dozor_compliance_record_free);
  self->write_id = 0;
  g_mutex_unlock (&self->lock);

  if (!dozor_store_begin (self->store, &error))
    {
      g_warning ("Route compliance: %u records not stored: %s", records->len, error->message);
      return G_SOURCE_REMOVE;
    }
  for (guint i = 0; i < records->len; i++)
    {
      if (!dozor_store_add_compliance_record (self->store, records->pdata[i], &error))
        {
          dozor_store_rollback (self->store);
          g_warning ("Route compliance: %u records not stored: %s", records->len, error->message);
          return G_SOURCE_REMOVE;
        }
    }
  events = dozor_store_commit (self->store, &error);
  if (events == NULL)
    g_warning ("Route compliance: %u records not stored: %s", records->len, error->message);
  else if (events->len > 0)
    self->publish (events, self->publish_data);
  return G_SOURCE_REMOVE;
}

/* Only these events concern the monitor; their type follows the seq. */
static gboolean
is_wanted (const char *event)
{
  static const char *const types[] = { "unit.position\"", "dispatch.", "route.", "roster.", "place." };
  const char *type = strstr (event, "\"type\":\"");

  if (type == NULL)
    return FALSE;
  type += strlen ("\"type\":\"");
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_has_prefix (type, types[i]))
      return TRUE;
  return FALSE;
}

/**
 * dozor_compliance_take:
 * @self: a #DozorCompliance
 * @events: (element-type utf8): committed events, in seq order
 *
 * Hands the worker what it needs of @events: a copy of each position,
 * dispatch, route and roster event, all in one message. When the worker
 * is %DOZOR_COMPLIANCE_MAX_WAITING events behind, positions are dropped
 * (and counted) rather than the main loop held up.
 *
 * One message a commit, not one an event: a message each took the
 * queue's lock and woke the worker for every fix, half of the hand-over's
 * 3 % of dozord's time in perf at 2,000 fixes a second
 * (docs/performance.md, "6 December 2026 (fanout)").
 */
void
dozor_compliance_take (DozorCompliance *self,
                       GPtrArray       *events)
{
  g_autoptr(GPtrArray) wanted = NULL;
  gboolean full;

  g_return_if_fail (DOZOR_IS_COMPLIANCE (self));

  full = g_atomic_int_get (&self->waiting) >= DOZOR_COMPLIANCE_MAX_WAITING;
  for (guint i = 0; i < events->len; i++)
    {
      const char *event = events->pdata[i];

      if (!is_wanted (event))
        continue;
      /* Dispatches, routes and roster entries are never dropped: a lost one would be
       * wrong for the rest of the shift. */
      if (full && strstr (event, "\"unit.position\""))
        {
          if (self->dropped++ % 10000 == 0)
            g_warning ("Route compliance is behind: %" G_GUINT64_FORMAT " fixes not judged", self->dropped);
          continue;
        }
      if (wanted == NULL)
        wanted = g_ptr_array_new_full (events->len, g_free);
      g_ptr_array_add (wanted, g_strdup (event));
    }
  if (wanted != NULL)
    push (self, MESSAGE_EVENTS, g_steal_pointer (&wanted), 0);
}

/**
 * dozor_compliance_advance:
 * @self: a #DozorCompliance
 * @now: the time, microseconds since the Unix epoch
 *
 * Lets the worker close the shifts that ended by @now, also of units that
 * stopped reporting.
 */
void
dozor_compliance_advance (DozorCompliance *self,
                          gint64           now)
{
  g_return_if_fail (DOZOR_IS_COMPLIANCE (self));

  push (self, MESSAGE_ADVANCE, NULL, now);
}

/**
 * dozor_compliance_get_dropped:
 * @self: a #DozorCompliance
 *
 * Returns: how many fixes were not judged because the worker was behind
 */
guint64
dozor_compliance_get_dropped (DozorCompliance *self)
{
  return self->dropped;
}

/* --- In the worker -------------------------------------------------------- */

typedef struct
{
  DozorCompliance *owner;
  DozorComplianceMonitor *monitor;
  GPtrArray *records;       /* of the message at hand */
  GHashTable *fingerprints; /* route id → what the monitor was given */
  GHashTable *last_fix;     /* unit id → time of its last fix (gint64 *) */
  GHashTable *places;       /* place id → its location (double[2], lat and lon) */
  GHashTable *on_places;    /* roster entry id → OnPlace, an entry judged at a place */
} Worker;

/* A roster entry at a place: judged again when the place moves. */
typedef struct
{
  char *unit_id, *from, *to, *place_id, *rules;
} OnPlace;

static void
on_place_free (OnPlace *entry)
{
  g_free (entry->unit_id);
  g_free (entry->from);
  g_free (entry->to);
  g_free (entry->place_id);
  g_free (entry->rules);
  g_free (entry);
}

static gint64
parse_time (const char *text)
{
  g_autoptr(GDateTime) time = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  if (time == NULL)
    return 0;
  return g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
}

static void
hand_over (Worker *worker)
{
  DozorCompliance *self = worker->owner;

  if (worker->records->len == 0)
    return;

  g_mutex_lock (&self->lock);
  g_ptr_array_extend_and_steal (self->records, g_steal_pointer (&worker->records));
  worker->records = g_ptr_array_new_with_free_func ((GDestroyNotify) dozor_compliance_record_free);
  if (self->write_id == 0 && !self->stopping)
    self->write_id = g_idle_add (write_cb, self);
  g_mutex_unlock (&self->lock);
}

static void
rules_from (const char           *json,
            DozorComplianceRules *rules)
{
  g_autoptr(JsonNode) node = json != NULL ? json_from_string (json, NULL) : NULL;
  JsonObject *object;

  dozor_compliance_rules_init (rules);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  object = json_node_get_object (node);
  rules->threshold_m = json_object_get_double_member_with_default (object, "threshold_m", rules->threshold_m);
  rules->dwell_s = (guint) json_object_get_int_member_with_default (object, "dwell_s", rules->dwell_s);
  rules->gap_s = (guint) json_object_get_int_member_with_default (object, "gap_s", rules->gap_s);
  rules->exempt_after_s = (guint) json_object_get_int_member_with_default (object, "exempt_after_s",
                                                                         rules->exempt_after_s);
}

/* A route as the store has it: judged when it has a unit and a shift. A
 * change of anything the judgement does not use (its name, its zone)
 * leaves a deviation in progress alone. */
static void
set_route (Worker     *worker,
           const char *id,
           const char *unit_id,
           const char *shift_start,
           const char *shift_end,
           const char *geometry,
           const char *rules_json)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  DozorComplianceRules rules;

  if (unit_id == NULL || shift_start == NULL || shift_end == NULL || geometry == NULL)
    {
      dozor_compliance_monitor_remove (worker->monitor, id, worker->records);
      g_hash_table_remove (worker->fingerprints, id);
      return;
    }

  rules_from (rules_json, &rules);
  fingerprint = g_strdup_printf ("%s\n%s\n%s\n%s\n%.1f %u %u %u", unit_id, shift_start, shift_end, geometry,
                                 rules.threshold_m, rules.dwell_s, rules.gap_s, rules.exempt_after_s);
  if (g_strcmp0 (g_hash_table_lookup (worker->fingerprints, id), fingerprint) == 0)
    return;

  if (!dozor_compliance_monitor_set_route (worker->monitor, id, unit_id, geometry, parse_time (shift_start),
                                           parse_time (shift_end), &rules, worker->records, &error))
    {
      /* The store took the route; the monitor cannot judge it (a shift that
       * overlaps another of the unit's): say so in the log, judge the rest. */
      g_message ("Route compliance: route %s is not judged: %s", id, error->message);
      dozor_compliance_monitor_remove (worker->monitor, id, worker->records);
      g_hash_table_remove (worker->fingerprints, id);
      return;
    }
  g_hash_table_replace (worker->fingerprints, g_strdup (id), g_steal_pointer (&fingerprint));
}

/* The post of a roster entry (docs/api.md, "Route compliance"): judged
 * under DOZOR_COMPLIANCE_POST_PREFIX and the entry's id by the post's own
 * rules (@rules_json, %NULL for the defaults), a post being a point and
 * not a line, its `threshold_m` the distance from it that is away;
 * @has_post FALSE (an entry without a post, or deleted) stops judging it. */
static void
set_post (Worker     *worker,
          const char *entry_id,
          gboolean    has_post,
          const char *unit_id,
          const char *from,
          const char *to,
          double      lat,
          double      lon,
          const char *rules_json)
{
  g_autofree char *key = g_strconcat (DOZOR_COMPLIANCE_POST_PREFIX, entry_id, NULL);
  g_autofree char *fingerprint = NULL;
  g_autoptr(GError) error = NULL;
  DozorComplianceRules rules;

  if (!has_post || unit_id == NULL || from == NULL || to == NULL)
    {
      dozor_compliance_monitor_remove (worker->monitor, key, worker->records);
      g_hash_table_remove (worker->fingerprints, key);
      return;
    }

  rules_from (rules_json, &rules);
  fingerprint = g_strdup_printf ("%s\n%s\n%s\n%.7f %.7f\n%.1f %u %u %u", unit_id, from, to, lat, lon,
                                 rules.threshold_m, rules.dwell_s, rules.gap_s, rules.exempt_after_s);
  if (g_strcmp0 (g_hash_table_lookup (worker->fingerprints, key), fingerprint) == 0)
    return;
  if (!dozor_compliance_monitor_set_post (worker->monitor, key, unit_id, lat, lon, 0, parse_time (from),
                                          parse_time (to), &rules, worker->records, &error))
    {
      g_message ("Route compliance: the post of roster entry %s is not judged: %s", entry_id, error->message);
      dozor_compliance_monitor_remove (worker->monitor, key, worker->records);
      g_hash_table_remove (worker->fingerprints, key);
      return;
    }
  g_hash_table_replace (worker->fingerprints, g_steal_pointer (&key), g_steal_pointer (&fingerprint));
}

/* A roster entry as its event or the store has it: judged at its post
 * (@has_post), or at its place (@place_id, where the worker knows the
 * place), or not at all. */
static void
judge_entry (Worker     *worker,
             const char *entry_id,
             const char *unit_id,
             const char *from,
             const char *to,
             gboolean    has_post,
             double      lat,
             double      lon,
             const char *place_id,
             const char *rules_json)
{
  const double *place = place_id != NULL && !has_post ? g_hash_table_lookup (worker->places, place_id) : NULL;

  if (place_id != NULL && !has_post && unit_id != NULL && from != NULL && to != NULL)
    {
      OnPlace *entry = g_new0 (OnPlace, 1);

      *entry = (OnPlace) { g_strdup (unit_id), g_strdup (from), g_strdup (to), g_strdup (place_id),
                           g_strdup (rules_json) };
      g_hash_table_replace (worker->on_places, g_strdup (entry_id), entry);
    }
  else
    g_hash_table_remove (worker->on_places, entry_id);

  if (place != NULL)
    set_post (worker, entry_id, TRUE, unit_id, from, to, place[0], place[1], rules_json);
  else
    set_post (worker, entry_id, has_post, unit_id, from, to, lat, lon, rules_json);
}

/* A place's location, or @exists FALSE when it is gone; the entries at it
 * are judged at where it now is. */
static void
set_place (Worker     *worker,
           const char *place_id,
           gboolean    exists,
           double      lat,
           double      lon)
{
  GHashTableIter iter;
  gpointer key, value;

  if (!exists)
    {
      g_hash_table_remove (worker->places, place_id);
      return;
    }
  {
    double *location = g_new (double, 2);

    location[0] = lat;
    location[1] = lon;
    g_hash_table_replace (worker->places, g_strdup (place_id), location);
  }
  g_hash_table_iter_init (&iter, worker->on_places);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      OnPlace *entry = value;

      if (g_str_equal (entry->place_id, place_id))
        set_post (worker, key, TRUE, entry->unit_id, entry->from, entry->to, lat, lon, entry->rules);
    }
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
    ? json_node_get_string (node) : NULL;
}

static char *
member_text (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? json_to_string (node, FALSE) : NULL;
}

/* Whether the envelope says `unit.position`: `{"seq":N,"type":"…",`. */
static gboolean
is_position (const char *text)
{
  const char *at;

  if (!g_str_has_prefix (text, "{\"seq\":"))
    return FALSE;
  at = text + strlen ("{\"seq\":");
  while (g_ascii_isdigit (*at))
    at++;
  return g_str_has_prefix (at, ",\"type\":\"unit.position\",");
}

/* A fix of @unit_id: its time kept for the dispatches' clock, and judged. */
static void
take_fix (Worker     *worker,
          const char *unit_id,
          double      lat,
          double      lon,
          const char *time_text)
{
  gint64 time = parse_time (time_text);
  gint64 *last = g_hash_table_lookup (worker->last_fix, unit_id);

  if (last == NULL)
    {
      last = g_new0 (gint64, 1);
      g_hash_table_insert (worker->last_fix, g_strdup (unit_id), last);
    }
  *last = MAX (*last, time);
  dozor_compliance_monitor_add_position (worker->monitor, unit_id, lat, lon, time, worker->records);
}

/* The text between @at and the next quote, none escaped inside, or NULL. */
static char *
plain_string (const char  *at,
              const char **end)
{
  *end = strchr (at, '"');
  if (*end == NULL || *end == at || memchr (at, '\\', *end - at) != NULL)
    return NULL;
  return g_strndup (at, *end - at);
}

/* A position event read from its text as the store writes it
 * (`…,"unit":{"id":"…",…,"position":{"lat":…,"lon":…,"time":"…",…},
 * "version":…}}`): the unit's id is the first member after the envelope,
 * and its position the last object of that name (the crew, which comes
 * before it, is an array of strings). Parsing the whole event with
 * json-glib was most of the worker's 16 µs per fix (docs/performance.md,
 * "Route compliance and arrival in dozord"); an event of any other shape
 * is parsed as before. */
static gboolean
read_fix (const char  *text,
          char       **unit_id,
          double      *lat,
          double      *lon,
          char       **time)
{
  static const char unit_head[] = ",\"unit\":{\"id\":\"";
  static const char position_head[] = ",\"position\":{\"lat\":";
  const char *at = strstr (text, unit_head);
  const char *end;
  char *after;

  if (at == NULL || (*unit_id = plain_string (at + strlen (unit_head), &end)) == NULL)
    return FALSE;
  at = g_strrstr (end, position_head);
  if (at == NULL)
    return FALSE;
  at += strlen (position_head);
  *lat = g_ascii_strtod (at, &after);
  if (after == at || !g_str_has_prefix (after, ",\"lon\":"))
    return FALSE;
  at = after + strlen (",\"lon\":");
  *lon = g_ascii_strtod (at, &after);
  if (after == at || !g_str_has_prefix (after, ",\"time\":\""))
    return FALSE;
  *time = plain_string (after + strlen (",\"time\":\""), &end);
  return *time != NULL;
}

static void
take_event (Worker     *worker,
            const char *text)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *event, *entity;
  const char *type;

  if (is_position (text))
    {
      g_autofree char *unit_id = NULL;
      g_autofree char *time = NULL;
      double lat, lon;

      if (read_fix (text, &unit_id, &lat, &lon, &time))
        {
          take_fix (worker, unit_id, lat, lon, time);
          return;
        }
    }

  root = json_from_string (text, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  event = json_node_get_object (root);
  type = get_string (event, "type");
  if (type == NULL)
    return;

  if (g_str_equal (type, "unit.position"))
    {
      JsonObject *position;

      entity = json_object_get_object_member (event, "unit");
      position = entity != NULL && json_object_has_member (entity, "position")
                 && JSON_NODE_HOLDS_OBJECT (json_object_get_member (entity, "position"))
        ? json_object_get_object_member (entity, "position") : NULL;
      if (position != NULL && get_string (entity, "id") != NULL)
        take_fix (worker, get_string (entity, "id"), json_object_get_double_member (position, "lat"),
                  json_object_get_double_member (position, "lon"), get_string (position, "time"));
    }
  else if (g_str_has_prefix (type, "dispatch."))
    {
      gboolean created = g_str_equal (type, "dispatch.created");

      entity = json_object_get_object_member (event, "dispatch");
      if (entity != NULL && get_string (entity, "unit_id") != NULL)
        {
          const char *unit_id = get_string (entity, "unit_id");
          gint64 *last = g_hash_table_lookup (worker->last_fix, unit_id);
          gint64 time = parse_time (get_string (entity, created ? "created_at" : "ended_at"));

          /* The exemption after a dispatch runs on the unit's clock: a
           * tracker's may be a little ahead of the server's. */
          if (last != NULL)
            time = MAX (time, *last);
          dozor_compliance_monitor_set_dispatched (worker->monitor, unit_id, created, time, worker->records);
        }
    }
  else if (g_str_has_prefix (type, "route."))
    {
      g_autofree char *geometry = NULL;
      g_autofree char *rules = NULL;
      const char *id;

      entity = json_object_get_object_member (event, "route");
      id = entity != NULL ? get_string (entity, "id") : NULL;
      if (id == NULL)
        return;
      if (g_str_equal (type, "route.deleted"))
        {
          set_route (worker, id, NULL, NULL, NULL, NULL, NULL);
          return;
        }
      geometry = member_text (entity, "geometry");
      rules = member_text (entity, "compliance");
      set_route (worker, id, get_string (entity, "unit_id"), get_string (entity, "shift_start"),
                 get_string (entity, "shift_end"), geometry, rules);
    }
  else if (g_str_has_prefix (type, "roster.") && !g_str_has_prefix (type, "roster.flag."))
    {
      JsonNode *post;
      JsonObject *location = NULL;
      g_autofree char *rules = NULL;
      gboolean deleted = g_str_equal (type, "roster.deleted");
      const char *id;

      entity = json_object_get_object_member (event, "roster");
      id = entity != NULL ? get_string (entity, "id") : NULL;
      if (id == NULL)
        return;
      post = json_object_get_member (entity, "post");
      if (!deleted && post != NULL && JSON_NODE_HOLDS_OBJECT (post))
        location = json_object_get_object_member (json_node_get_object (post), "location");
      rules = member_text (entity, "compliance");
      judge_entry (worker, id, get_string (entity, "unit_id"), get_string (entity, "from"),
                   get_string (entity, "to"), location != NULL,
                   location != NULL ? json_object_get_double_member (location, "lat") : 0,
                   location != NULL ? json_object_get_double_member (location, "lon") : 0,
                   deleted ? NULL : get_string (entity, "place_id"), rules);
    }
  else if (g_str_has_prefix (type, "place."))
    {
      JsonObject *location;

      entity = json_object_get_object_member (event, "place");
      location = entity != NULL && json_object_has_member (entity, "location")
                 && JSON_NODE_HOLDS_OBJECT (json_object_get_member (entity, "location"))
        ? json_object_get_object_member (entity, "location") : NULL;
      if (get_string (entity, "id") != NULL)
        set_place (worker, get_string (entity, "id"), location != NULL && !g_str_equal (type, "place.deleted"),
                   location != NULL ? json_object_get_double_member (location, "lat") : 0,
                   location != NULL ? json_object_get_double_member (location, "lon") : 0);
    }
}

/* What happened to a unit since its shift began, in time order: its fixes
 * and the starts and ends of its dispatches. */
typedef struct
{
  char *time;
  int kind;   /* 0 a fix, 1 a dispatch starts, 2 one ends */
  double lat, lon;
} Item;

static void
item_clear (Item *item)
{
  g_free (item->time);
}

static int
item_compare (gconstpointer a,
              gconstpointer b)
{
  const Item *x = a, *y = b;
  int order = strcmp (x->time, y->time);

  return order != 0 ? order : x->kind - y->kind;
}

static gboolean
stopping (DozorCompliance *self)
{
  gboolean stop;

  g_mutex_lock (&self->lock);
  stop = self->stopping;
  g_mutex_unlock (&self->lock);
  return stop;
}

static void
replay_unit (Worker     *worker,
             DozorDb    *db,
             const char *unit_id,
             const char *since,
             const char *until)
{
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (Item));
  g_autoptr(DozorDbStmt) fixes = NULL;
  g_autoptr(DozorDbStmt) dispatches = NULL;

  g_array_set_clear_func (items, (GDestroyNotify) item_clear);
  if ((fixes = dozor_db_prepare (db, "SELECT time, lat, lon FROM positions WHERE unit_id = ?1 AND time >= ?2"
                                 " AND time < ?3 ORDER BY time", NULL)) == NULL ||
      (dispatches = dozor_db_prepare (db, "SELECT created_at, ended_at FROM dispatches WHERE unit_id = ?1"
                                      " AND created_at < ?3 AND (ended_at IS NULL OR ended_at >= ?2)", NULL)) == NULL)
    {
      g_warning ("Route compliance: the track of %s cannot be read: %s", unit_id, dozor_db_errmsg (db));
      return;
    }

  for (guint q = 0; q < 2; q++)
    {
      DozorDbStmt *stmt = q == 0 ? fixes : dispatches;

      dozor_db_bind_text (stmt, 1, unit_id);
      dozor_db_bind_text (stmt, 2, since);
      dozor_db_bind_text (stmt, 3, until);
      while (dozor_db_step (stmt) == DOZOR_DB_ROW)
        {
          Item item = { g_strdup (dozor_db_column_text (stmt, 0)), q == 0 ? 0 : 1, 0, 0 };

          if (q == 0)
            {
              item.lat = dozor_db_column_double (stmt, 1);
              item.lon = dozor_db_column_double (stmt, 2);
            }
          g_array_append_val (items, item);
          if (q == 1 && !dozor_db_column_is_null (stmt, 1))
            {
              Item end = { g_strdup (dozor_db_column_text (stmt, 1)), 2, 0, 0 };

              g_array_append_val (items, end);
            }
        }
    }

  g_array_sort (items, item_compare);
  for (guint i = 0; i < items->len; i++)
    {
      const Item *item = &g_array_index (items, Item, i);
      gint64 time = parse_time (item->time);

      if (item->kind == 0)
        dozor_compliance_monitor_add_position (worker->monitor, unit_id, item->lat, item->lon, time,
                                               worker->records);
      else
        dozor_compliance_monitor_set_dispatched (worker->monitor, unit_id, item->kind == 1, time, worker->records);
    }
  hand_over (worker);
}

/* The judged routes as they stand, each unit's shift replayed up to now. */
static void
restore (Worker *worker)
{
  DozorCompliance *self = worker->owner;
  g_autoptr(DozorDbStmt) routes = NULL;
  g_autoptr(GError) error = NULL;
  /* A reader's connection: it gives way to dozord's writers for 5 s. */
  DozorDb *db = dozor_db_open (self->db_path, DOZOR_DB_OPEN_READ_ONLY, &error);

  if (db == NULL)
    {
      g_warning ("Route compliance starts empty: %s", error->message);
      return;
    }

  if ((routes = dozor_db_prepare (db, "SELECT id, unit_id, shift_start, shift_end, geometry, compliance FROM routes"
                              " WHERE unit_id IS NOT NULL AND shift_start IS NOT NULL ORDER BY unit_id", NULL)) == NULL)
    {
      g_warning ("Route compliance starts empty: %s", dozor_db_errmsg (db));
      dozor_db_close (db);
      return;
    }

  while (dozor_db_step (routes) == DOZOR_DB_ROW && !stopping (self))
    {
      const char *id = dozor_db_column_text (routes, 0);
      const char *unit_id = dozor_db_column_text (routes, 1);
      const char *start = dozor_db_column_text (routes, 2);
      const char *end = dozor_db_column_text (routes, 3);
      /* Written as events write it, so that the route's next event is
       * seen to be the same route. */
      g_autoptr(JsonNode) parsed = json_from_string (dozor_db_column_text (routes, 4), NULL);
      g_autofree char *geometry = parsed != NULL ? json_to_string (parsed, FALSE) : NULL;

      set_route (worker, id, unit_id, start, end, geometry, dozor_db_column_text (routes, 5));
      replay_unit (worker, db, unit_id, start, end);
    }

  g_clear_pointer (&routes, dozor_db_stmt_free);

  /* The roster's posts of the last two days' shifts (a window is at most
   * 24 hours): older ones are over and their records kept. Times as the
   * roster's events spell them, so that an entry's next event is seen to
   * be the same post. */
  if ((routes = dozor_db_prepare (db, "SELECT id, lat, lon FROM places", NULL)) != NULL)
    while (dozor_db_step (routes) == DOZOR_DB_ROW)
      set_place (worker, dozor_db_column_text (routes, 0), TRUE, dozor_db_column_double (routes, 1),
                 dozor_db_column_double (routes, 2));
  g_clear_pointer (&routes, dozor_db_stmt_free);
  if ((routes = dozor_db_prepare (db, "SELECT id, unit_id, start_at, end_at, post_name IS NOT NULL, post_lat, post_lon,"
                              " place_id, (SELECT rules FROM post_rules WHERE entry_id = id) FROM roster"
                              " WHERE (post_name IS NOT NULL OR place_id IS NOT NULL)"
                              " AND end_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-2 days') ORDER BY unit_id",
                              NULL)) == NULL)
    {
      /* A store from before the roster has no such table. */
      dozor_db_close (db);
      return;
    }
  while (dozor_db_step (routes) == DOZOR_DB_ROW && !stopping (self))
    {
      const char *id = dozor_db_column_text (routes, 0);
      const char *unit_id = dozor_db_column_text (routes, 1);
      const char *start = dozor_db_column_text (routes, 2);
      const char *end = dozor_db_column_text (routes, 3);

      judge_entry (worker, id, unit_id, start, end, dozor_db_column_int64 (routes, 4),
                   dozor_db_column_double (routes, 5), dozor_db_column_double (routes, 6),
                   dozor_db_column_text (routes, 7), dozor_db_column_text (routes, 8));
      replay_unit (worker, db, unit_id, start, end);
    }

  g_clear_pointer (&routes, dozor_db_stmt_free);
  dozor_db_close (db);
}

static gpointer
worker_main (gpointer data)
{
  DozorCompliance *self = data;
  Worker worker = { self, dozor_compliance_monitor_new (), NULL, NULL, NULL, NULL, NULL };

  /* Silence before dozord ran is not the crews' (docs/decisions.md,
   * "The demo's figures at start-up"). */
  dozor_compliance_monitor_set_watched_since (worker.monitor, self->started);
  worker.records = g_ptr_array_new_with_free_func ((GDestroyNotify) dozor_compliance_record_free);
  worker.fingerprints = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  worker.last_fix = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  worker.places = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  worker.on_places = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) on_place_free);

  restore (&worker);

  for (;;)
    {
      Message *message = g_async_queue_pop (self->queue);
      MessageKind kind = message->kind;

      if (kind == MESSAGE_EVENTS)
        {
          for (guint i = 0; i < message->events->len; i++)
            take_event (&worker, message->events->pdata[i]);
          g_atomic_int_add (&self->waiting, -(gint) message->events->len);
        }
      else if (kind == MESSAGE_ADVANCE)
        dozor_compliance_monitor_advance (worker.monitor, message->now, worker.records);
      message_free (message);
      if (kind == MESSAGE_QUIT)
        break;
      /* A busy queue hands records over in batches, not one by one. */
      if (g_async_queue_length (self->queue) == 0 || worker.records->len >= 256)
        hand_over (&worker);
    }

  g_ptr_array_unref (worker.records);
  g_hash_table_unref (worker.fingerprints);
  g_hash_table_unref (worker.last_fix);
  g_hash_table_unref (worker.places);
  g_hash_table_unref (worker.on_places);
  g_object_unref (worker.monitor);
  return NULL;
}

/* --- The object ----------------------------------------------------------- */

static void
dozor_compliance_dispose (GObject *object)
{
  DozorCompliance *self = (DozorCompliance *)object;

  if (self->thread != NULL)
    {
      g_mutex_lock (&self->lock);
      self->stopping = TRUE;
      g_mutex_unlock (&self->lock);
      push (self, MESSAGE_QUIT, NULL, 0);
      g_thread_join (g_steal_pointer (&self->thread));
    }
  g_clear_handle_id (&self->write_id, g_source_remove);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (dozor_compliance_parent_class)->dispose (object);
}

static void
dozor_compliance_finalize (GObject *object)
{
  DozorCompliance *self = (DozorCompliance *)object;

  g_clear_pointer (&self->records, g_ptr_array_unref);
  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_mutex_clear (&self->lock);
  g_free (self->db_path);

  G_OBJECT_CLASS (dozor_compliance_parent_class)->finalize (object);
}

static void
dozor_compliance_class_init (DozorComplianceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dozor_compliance_dispose;
  object_class->finalize = dozor_compliance_finalize;
}

static void
dozor_compliance_init (DozorCompliance *self)
{
  g_mutex_init (&self->lock);
  self->queue = g_async_queue_new_full ((GDestroyNotify) message_free);
  self->records = g_ptr_array_new_with_free_func ((GDestroyNotify) dozor_compliance_record_free);
}

/**
 * dozor_compliance_new:
 * @store: the store, whose file the worker reads at start
 * @watched_since: since when the fixes reached dozord, real time: a
 *   silence before it is not the crews' (on PostgreSQL an instance that
 *   becomes the judge gives its own start: it was listening, only not
 *   judging)
 * @publish: sends the events the records became
 * @user_data: for @publish
 *
 * Returns: (transfer full): the compliance check, its worker started
 */
DozorCompliance *
dozor_compliance_new (DozorStore             *store,
                      gint64                  watched_since,
                      DozorCompliancePublish  publish,
                      gpointer                user_data)
{
  DozorCompliance *self = g_object_new (DOZOR_TYPE_COMPLIANCE, NULL);

  self->store = g_object_ref (store);
  self->db_path = g_strdup (dozor_store_get_target (store));
  self->publish = publish;
  self->publish_data = user_data;
  self->started = watched_since;
  /* Linux keeps a thread's name only up to 15 bytes: top shows this one. */
  self->thread = g_thread_new ("compliance", worker_main, self);
  return self;
}
