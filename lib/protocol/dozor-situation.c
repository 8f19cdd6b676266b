/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The board's copy of the situation: a snapshot with its as_of_seq, brought
 * up to date by applying the stream's events strictly in seq order. An event
 * seen before is ignored and one that skips a seq is refused, so that a
 * reconnect that replays or loses events can never apply one twice or build
 * on a hole: the caller resumes from dozor_situation_get_seq().
 *
 * Units are kept flat (DozorUnit) for the map's renderer; everything else
 * as the JSON the server sent, by kind and id, except the geometry of
 * zones and routes: that is read once into a DozorGeometry and the tree
 * dropped (docs/decisions.md, "Zone and route geometry without JSON
 * trees").
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "dozor-geo.h"
#include "dozor-geometry.h"
#include "dozor-incident-item.h"
#include "dozor-crisis-area.h"
#include "dozor-json.h"
#include "dozor-situation.h"
#include "dozor-snapshot-writer.h"
#include "dozor-unit-item.h"

/* Fixes further apart than this are not joined into a trail. */
#define TRAIL_MAX_GAP_SECONDS 30

struct _DozorSituation
{
  GObject parent_instance;

  gint64 seq;
  char *readiness;
  /* The whole readiness as the server sent it (level, reason, who, since
   * when, area), and its area read once for drawing and testing points. */
  JsonObject *readiness_object;
  DozorCrisisArea *crisis_area;
  GPtrArray *units;        /* DozorUnit, in arrival order */
  GHashTable *unit_by_id;  /* id → DozorUnit (owned by units) */
  GHashTable *entities;    /* kind → (id → JsonNode) */
  GHashTable *geometries;  /* "zone", "route" → (id → DozorGeometry) */

  /* The same units and open incidents as GObjects, for lists. */
  GListStore *unit_items;
  GPtrArray *unit_item_at; /* DozorUnitItem, owned, by the unit's index */
  GListStore *incident_items;
  GHashTable *incident_item_by_id;
  /* While a snapshot loads, new items wait here and join their list in one
   * change: ten thousand single appends would re-sort a list each time. */
  GPtrArray *new_unit_items;
  GPtrArray *new_incident_items;

  /* A replay's situation reckons ages from the moment it shows; 0 for
   * the present (see dozor_situation_set_clock). */
  gint64 clock;

  /* While held (dozor_situation_hold_changes), what changed is gathered
   * here and told once: a stream batch of thousands of fixes is one
   * "changed", not one per fix for every listener. */
  guint hold;
  guint held_changes;

  /* Which units changed, in order, for readers that keep a copy of
   * thousands (the map's units): see dozor_situation_get_changed_units. */
  GArray *unit_changes;     /* guint: indices in units */
  guint64 unit_changes_first; /* the serial of unit_changes[0] */
};

G_DEFINE_FINAL_TYPE (DozorSituation, dozor_situation, G_TYPE_OBJECT)

enum
{
  CHANGED,
  APPLYING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum
{
  PROP_0,
  PROP_CLOCK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The snapshot's lists and the event member that carries each kind. */
static const struct {
  const char *list;
  const char *kind;
} entity_lists[] = {
  { "incidents", "incident" },
  { "dispatches", "dispatch" },
  { "zones", "zone" },
  { "routes", "route" },
  { "places", "place" },
  { "checklists", "check" },
  { "plans", "plan" },
  /* The duty roster and its flags not cleared (docs/api.md, "Duty roster"). */
  { "roster", "roster" },
  { "roster_flags", "roster_flag" },
  /* Route deviations in progress (docs/api.md, "Route compliance"). */
  { "deviations", "deviation" },
};

/* The kinds whose `geometry` is kept as a DozorGeometry. */
static const char *const geometry_kinds[] = { "zone", "route" };

static void
unit_free (DozorUnit *unit)
{
  g_ref_string_release (unit->id);
  g_clear_pointer (&unit->call_sign, g_ref_string_release);
  g_free (unit->status);
  g_free (unit);
}

static void
dozor_situation_finalize (GObject *object)
{
  DozorSituation *self = (DozorSituation *)object;

  g_clear_pointer (&self->readiness, g_free);
  g_clear_pointer (&self->readiness_object, json_object_unref);
  g_clear_object (&self->crisis_area);
  g_clear_pointer (&self->unit_by_id, g_hash_table_unref);
  g_clear_pointer (&self->units, g_ptr_array_unref);
  g_clear_pointer (&self->unit_changes, g_array_unref);
  g_clear_pointer (&self->entities, g_hash_table_unref);
  g_clear_pointer (&self->unit_item_at, g_ptr_array_unref);
  g_clear_pointer (&self->geometries, g_hash_table_unref);
  g_clear_pointer (&self->incident_item_by_id, g_hash_table_unref);
  g_clear_object (&self->unit_items);
  g_clear_object (&self->incident_items);

  G_OBJECT_CLASS (dozor_situation_parent_class)->finalize (object);
}

static void
dozor_situation_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DozorSituation *self = DOZOR_SITUATION (object);

  switch (prop_id)
    {
    case PROP_CLOCK:
      g_value_set_int64 (value, self->clock);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dozor_situation_class_init (DozorSituationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dozor_situation_finalize;
  object_class->get_property = dozor_situation_get_property;

  /**
   * DozorSituation:clock:
   *
   * The moment this situation shows, Unix microseconds, or 0 for the
   * present (see dozor_situation_set_clock()). A replay moves it between
   * events, and ages on its board ("raised 3 min ago", how long an
   * incident has waited) must follow at once, not at their next tick:
   * whoever shows an age listens to notify::clock.
   */
  properties[PROP_CLOCK] = g_param_spec_int64 ("clock", NULL, NULL, 0, G_MAXINT64, 0,
                                               G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                               G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DozorSituation::changed:
   * @situation: the situation
   * @what: #DozorSituationChange flags
   *
   * After a snapshot is loaded or an event applied.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * DozorSituation::applying:
   * @situation: the situation, still as it was before the event
   * @event: (type JsonObject): the event, next in seq
   *
   * Before an event other than a position is applied: what the room is
   * told in words (a ticker, a log) needs the state before it, such as a
   * unit's status until now or the incident a closing dispatch was for.
   * Positions, thousands a second, are not announced.
   */
  signals[APPLYING] = g_signal_new ("applying", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, JSON_TYPE_OBJECT);
}

static void
clear (DozorSituation *self)
{
  g_hash_table_remove_all (self->unit_by_id);
  g_ptr_array_set_size (self->units, 0);
  /* The indices logged name units that are gone: every reader reads anew. */
  self->unit_changes_first += self->unit_changes->len + 1;
  g_array_set_size (self->unit_changes, 0);
  g_hash_table_remove_all (self->entities);
  g_ptr_array_set_size (self->unit_item_at, 0);
  g_hash_table_remove_all (self->geometries);
  g_hash_table_remove_all (self->incident_item_by_id);
  g_list_store_remove_all (self->unit_items);
  g_list_store_remove_all (self->incident_items);
  for (guint i = 0; i < G_N_ELEMENTS (entity_lists); i++)
    g_hash_table_insert (self->entities, (gpointer) entity_lists[i].kind,
                         g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) json_node_unref));
  for (guint i = 0; i < G_N_ELEMENTS (geometry_kinds); i++)
    g_hash_table_insert (self->geometries, (gpointer) geometry_kinds[i],
                         g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) dozor_geometry_unref));
}

static void
dozor_situation_init (DozorSituation *self)
{
  self->readiness = g_strdup ("normal");
  self->readiness_object = json_object_new ();
  json_object_set_string_member (self->readiness_object, "level", "normal");
  self->units = g_ptr_array_new_with_free_func ((GDestroyNotify) unit_free);
  self->unit_changes = g_array_new (FALSE, FALSE, sizeof (guint));
  self->unit_changes_first = 1;
  self->unit_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->entities = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_hash_table_unref);
  self->geometries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_hash_table_unref);
  self->unit_items = g_list_store_new (DOZOR_TYPE_UNIT_ITEM);
  self->unit_item_at = g_ptr_array_new_with_free_func (g_object_unref);
  self->incident_items = g_list_store_new (DOZOR_TYPE_INCIDENT_ITEM);
  self->incident_item_by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  clear (self);
}

DozorSituation *
dozor_situation_new (void)
{
  return g_object_new (DOZOR_TYPE_SITUATION, NULL);
}

static void
emit_changed (DozorSituation *self,
              guint           what)
{
  if (self->hold > 0)
    self->held_changes |= what;
  else
    g_signal_emit (self, signals[CHANGED], 0, what);
}

/**
 * dozor_situation_hold_changes:
 * @self: a #DozorSituation
 *
 * Until the matching dozor_situation_release_changes(), "changed" is not
 * emitted; what changed meanwhile is told once at the release. Holds nest.
 * "applying" is still emitted before each event.
 */
void
dozor_situation_hold_changes (DozorSituation *self)
{
  g_return_if_fail (DOZOR_IS_SITUATION (self));
  self->hold++;
}

void
dozor_situation_release_changes (DozorSituation *self)
{
  guint what;

  g_return_if_fail (DOZOR_IS_SITUATION (self));
  g_return_if_fail (self->hold > 0);
  if (--self->hold > 0 || self->held_changes == 0)
    return;
  what = self->held_changes;
  self->held_changes = 0;
  g_signal_emit (self, signals[CHANGED], 0, what);
}

static double
number_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  GType type = node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return NAN;
  return json_node_get_double (node);
}

/**
 * dozor_unit_fix_read:
 * @unit: a unit as the stream or the snapshot sends it
 * @fix: (out caller-allocates): what the board keeps of it; its strings
 *   point into @unit
 *
 * Reads a unit, with its position if it has a valid one. Touches nothing
 * but its arguments, so a stream's worker thread reads fixes with it.
 *
 * Returns: %FALSE if it is not a unit (no id, call sign or status)
 */
gboolean
dozor_unit_fix_read (JsonObject   *unit,
                     DozorUnitFix *fix)
{
  JsonNode *position = json_object_get_member (unit, "position");
  JsonObject *object = position != NULL && JSON_NODE_HOLDS_OBJECT (position) ? json_node_get_object (position) : NULL;

  memset (fix, 0, sizeof *fix);
  fix->id = dozor_json_get_string (unit, "id");
  fix->call_sign = dozor_json_get_string (unit, "call_sign");
  fix->status = dozor_json_get_string (unit, "status");
  if (fix->id == NULL || fix->call_sign == NULL || fix->status == NULL)
    return FALSE;
  dozor_unit_fix_set_values (fix, number_member (unit, "version"), object != NULL,
                             object != NULL ? dozor_json_get_string (object, "time") : NULL,
                             object != NULL ? number_member (object, "lat") : NAN,
                             object != NULL ? number_member (object, "lon") : NAN,
                             object != NULL ? number_member (object, "heading") : NAN,
                             object != NULL ? number_member (object, "speed") : NAN);
  return TRUE;
}

/**
 * dozor_unit_fix_set_values:
 * @fix: a fix whose strings are set
 * @version: the unit's "version", NAN if missing or not a number
 * @has_position: whether the unit had a "position" object
 * @time: (nullable): its "time", if a string
 * @lat: its "lat", NAN if missing or not a number
 * @lon: the same for "lon"
 * @heading: the same for "heading"
 * @speed: the same for "speed"
 *
 * What dozor_unit_fix_read() makes of a unit's members, for a reader that
 * found them otherwise (the stream decoder's, without a tree): the
 * version as an integer, and the position only when it is whole and
 * valid. @time is kept, not copied.
 */
void
dozor_unit_fix_set_values (DozorUnitFix *fix,
                           double        version,
                           gboolean      has_position,
                           const char   *time,
                           double        lat,
                           double        lon,
                           double        heading,
                           double        speed)
{
  g_autoptr(GDateTime) parsed = NULL;

  /* A version that is missing (NaN) or out of range would not convert to
   * an integer: such a unit counts as version 0, as an incident does. */
  fix->version = version >= 0 && version <= (double) (G_GINT64_CONSTANT (1) << 53) ? (gint64) version : 0;
  fix->has_fix = FALSE;
  if (!has_position || time == NULL || !isfinite (lat) || !isfinite (lon) || fabs (lat) > 90 || fabs (lon) > 180 ||
      (parsed = g_date_time_new_from_iso8601 (time, NULL)) == NULL)
    return;
  fix->has_fix = TRUE;
  fix->lat = lat;
  fix->lon = lon;
  fix->heading = heading;
  fix->speed = speed;
  fix->time = time;
  fix->fix_time = g_date_time_to_unix (parsed) * G_USEC_PER_SEC + g_date_time_get_microsecond (parsed);
}

static void
replace_string (char      **field,
                const char *value)
{
  /* Call signs and statuses seldom change: no allocation per fix. */
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
}

/* The log of changed units is a window: at twice as many entries as
 * units its older half goes, and a reader behind that reads every unit,
 * which costs it no more than the half would have. */
static void
log_unit_change (DozorSituation  *self,
                 const DozorUnit *unit)
{
  guint limit = MAX (4096, 2 * self->units->len);

  if (self->unit_changes->len >= limit)
    {
      guint drop = self->unit_changes->len / 2;

      g_array_remove_range (self->unit_changes, 0, drop);
      self->unit_changes_first += drop;
    }
  g_array_append_val (self->unit_changes, unit->index);
}

/* Creates or updates the flat copy of a unit. Returns whether it changed
 * more than its position (DOZOR_SITUATION_UNIT_STATES): the map draws
 * such a change at once, mere moves at its own pace. */
static gboolean
put_fix (DozorSituation     *self,
         const DozorUnitFix *fix)
{
  DozorUnit *unit = g_hash_table_lookup (self->unit_by_id, fix->id);
  DozorUnitItem *item;
  gboolean had_fix, state, new_call_sign, new_status;

  /* Each string compared once: at 25,000 fixes a second the comparisons
   * and lookups were a tenth of the main thread (docs/performance.md,
   * "50,000 units: the main thread's share"). */
  new_call_sign = unit == NULL || g_strcmp0 (unit->call_sign, fix->call_sign) != 0;
  new_status = unit == NULL || g_strcmp0 (unit->status, fix->status) != 0;
  state = new_call_sign || new_status || unit->has_fix != fix->has_fix ||
          (fix->has_fix && fix->fix_time - unit->fix_time > DOZOR_UNIT_STALE_SECONDS * G_USEC_PER_SEC);
  if (unit == NULL)
    {
      unit = g_new0 (DozorUnit, 1);
      unit->id = g_ref_string_new (fix->id);
      unit->index = self->units->len;
      g_ptr_array_add (self->units, unit);
      g_hash_table_insert (self->unit_by_id, unit->id, unit);
      item = dozor_unit_item_new (fix->id);
      g_ptr_array_add (self->unit_item_at, item);
      if (self->new_unit_items != NULL)
        g_ptr_array_add (self->new_unit_items, item);
      else
        g_list_store_append (self->unit_items, item);
    }
  else
    item = self->unit_item_at->pdata[unit->index];

  /* The map's renderer keeps the id and call sign of thousands of units
   * per image: shared, not copied. */
  if (new_call_sign)
    {
      g_clear_pointer (&unit->call_sign, g_ref_string_release);
      unit->call_sign = g_ref_string_new (fix->call_sign);
    }
  if (new_status)
    replace_string (&unit->status, fix->status);
  unit->version = fix->version;

  had_fix = unit->has_fix;
  unit->has_fix = fix->has_fix;
  if (fix->has_fix)
    {
      /* A newer fix somewhere else: the old one joins the trail. After a
       * silence the unit may have gone anywhere: a straight line from
       * where it was would be a route it never drove. */
      if (had_fix && fix->fix_time - unit->fix_time > TRAIL_MAX_GAP_SECONDS * G_USEC_PER_SEC)
        unit->trail_length = 0;
      else if (had_fix && fix->fix_time > unit->fix_time && (fix->lat != unit->lat || fix->lon != unit->lon))
        {
          memmove (unit->trail[1], unit->trail[0], sizeof unit->trail[0] * (DOZOR_UNIT_TRAIL_LENGTH - 1));
          unit->trail[0][0] = unit->lat;
          unit->trail[0][1] = unit->lon;
          unit->trail_length = MIN (unit->trail_length + 1, DOZOR_UNIT_TRAIL_LENGTH);
        }
      unit->lat = fix->lat;
      unit->lon = fix->lon;
      unit->heading = fix->heading;
      unit->speed = fix->speed;
      unit->fix_time = fix->fix_time;
    }
  else
    unit->trail_length = 0;
  log_unit_change (self, unit);
  dozor_unit_item_update (item, unit->call_sign, unit->status, unit->has_fix, unit->lat, unit->lon, unit->fix_time);
  return state;
}

/* Creates or updates the flat copy of a unit; FALSE if it is not one. */
static gboolean
put_unit (DozorSituation *self,
          JsonObject     *object)
{
  DozorUnitFix fix;

  if (!dozor_unit_fix_read (object, &fix))
    return FALSE;
  put_fix (self, &fix);
  return TRUE;
}

static void
put_incident_item (DozorSituation *self,
                   const char     *id,
                   JsonObject     *incident)
{
  DozorIncidentItem *item = g_hash_table_lookup (self->incident_item_by_id, id);
  guint position;

  if (incident != NULL && item != NULL)
    dozor_incident_item_update (item, incident);
  else if (incident != NULL)
    {
      item = dozor_incident_item_new (incident);
      g_hash_table_insert (self->incident_item_by_id, g_strdup (id), item);
      if (self->new_incident_items != NULL)
        g_ptr_array_add (self->new_incident_items, item);
      else
        g_list_store_append (self->incident_items, item);
    }
  else if (item != NULL)
    {
      if (g_list_store_find (self->incident_items, item, &position))
        g_list_store_remove (self->incident_items, position);
      g_hash_table_remove (self->incident_item_by_id, id);
    }
}

static JsonNode *snapshot_copy_node (JsonNode *node);

/* A zone or route without its `geometry`, which goes into @geometries as
 * a DozorGeometry: a district's thousands of positions as JSON nodes were
 * most of the board's JSON (docs/performance.md, "geomflat"). The rest is
 * copied, so that nothing of the snapshot's or event's tree stays held. */
static JsonNode *
take_geometry (GHashTable *geometries,
               const char *id,
               JsonNode   *node)
{
  JsonObject *object = json_object_new ();
  JsonNode *copy = json_node_alloc ();
  JsonNode *geometry = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init_ordered (&iter, json_node_get_object (node));
  while (json_object_iter_next_ordered (&iter, &name, &member))
    if (g_str_equal (name, "geometry"))
      geometry = member;
    else
      json_object_set_member (object, name, snapshot_copy_node (member));
  json_node_init_object (copy, object);
  json_object_unref (object);

  g_hash_table_remove (geometries, id);
  if (geometry != NULL && !JSON_NODE_HOLDS_NULL (geometry))
    {
      g_autoptr(GError) error = NULL;
      DozorGeometry *compact = dozor_geometry_new_from_json (geometry, &error);

      /* The server checked it; a board that cannot read it still lists
       * the entity. Only a debug message: whatever a faulty or hostile
       * server sends must not abort a board run with fatal warnings. */
      if (compact != NULL)
        g_hash_table_insert (geometries, g_strdup (id), compact);
      else
        g_debug ("The geometry of %s is not drawn: %s", id, error->message);
    }
  return copy;
}

static gboolean
put_entity (DozorSituation *self,
            const char     *kind,
            JsonNode       *node,
            gboolean        keep)
{
  GHashTable *table = g_hash_table_lookup (self->entities, kind);
  GHashTable *geometries = g_hash_table_lookup (self->geometries, kind);
  const char *id;

  if (!JSON_NODE_HOLDS_OBJECT (node) || (id = dozor_json_get_string (json_node_get_object (node), "id")) == NULL)
    return FALSE;

  /* A deviation's stretch grows here (extend_deviation): a copy of its
   * own, not the event's tree that others may hold. */
  if (keep && geometries != NULL)
    g_hash_table_insert (table, g_strdup (id), take_geometry (geometries, id, node));
  else if (keep)
    g_hash_table_insert (table, g_strdup (id),
                         g_str_equal (kind, "deviation") ? snapshot_copy_node (node) : json_node_copy (node));
  else
    {
      g_hash_table_remove (table, id);
      if (geometries != NULL)
        g_hash_table_remove (geometries, id);
    }

  if (g_str_equal (kind, "incident"))
    put_incident_item (self, id, keep ? json_node_get_object (g_hash_table_lookup (table, id)) : NULL);
  return TRUE;
}

/* Takes the readiness object of a snapshot or event; FALSE if it has no level. */
static gboolean
set_readiness (DozorSituation *self,
               JsonNode       *node)
{
  JsonObject *object = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *level = object != NULL ? dozor_json_get_string (object, "level") : NULL;
  JsonNode *area;

  if (level == NULL)
    return FALSE;

  g_free (self->readiness);
  self->readiness = g_strdup (level);
  /* A deep copy: the event's or snapshot's tree is not the situation's to keep. */
  {
    g_autoptr(JsonNode) copy = snapshot_copy_node (node);

    g_clear_pointer (&self->readiness_object, json_object_unref);
    self->readiness_object = json_object_ref (json_node_get_object (copy));
  }
  g_clear_object (&self->crisis_area);

  area = json_object_get_member (object, "area");
  if (area != NULL && !JSON_NODE_HOLDS_NULL (area))
    {
      g_autoptr(GError) error = NULL;

      /* The server checked it; a board that cannot read it still shows the level. */
      self->crisis_area = dozor_crisis_area_new_from_json (area, &error);
      if (self->crisis_area == NULL)
        g_warning ("The crisis area is not drawn: %s", error->message);
    }
  return TRUE;
}

/**
 * dozor_situation_load_snapshot:
 * @self: a #DozorSituation
 * @snapshot: the answer of GET /snapshot
 * @error: return location for a #GError
 *
 * Replaces everything with the snapshot, as of its `as_of_seq`.
 *
 * Returns: %FALSE if it is not a snapshot (then nothing changed)
 */
gboolean
dozor_situation_load_snapshot (DozorSituation  *self,
                               JsonNode        *snapshot,
                               GError         **error)
{
  JsonObject *object;
  JsonNode *readiness;
  double seq;

  if (snapshot == NULL || !JSON_NODE_HOLDS_OBJECT (snapshot) ||
      !isfinite (seq = number_member (json_node_get_object (snapshot), "as_of_seq")) || seq < 0 ||
      !json_object_has_member (json_node_get_object (snapshot), "units"))
    {
      g_set_error_literal (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID,
                           _("The server's snapshot is not one this board understands"));
      return FALSE;
    }

  object = json_node_get_object (snapshot);
  clear (self);
  self->seq = (gint64) seq;
  self->new_unit_items = g_ptr_array_new ();
  self->new_incident_items = g_ptr_array_new ();

  readiness = json_object_get_member (object, "readiness");
  set_readiness (self, readiness);

  {
    JsonNode *units = json_object_get_member (object, "units");

    if (units != NULL && JSON_NODE_HOLDS_ARRAY (units))
      for (guint i = 0; i < json_array_get_length (json_node_get_array (units)); i++)
        {
          JsonNode *unit = json_array_get_element (json_node_get_array (units), i);

          if (JSON_NODE_HOLDS_OBJECT (unit))
            put_unit (self, json_node_get_object (unit));
        }
  }

  for (guint l = 0; l < G_N_ELEMENTS (entity_lists); l++)
    {
      JsonNode *list = json_object_get_member (object, entity_lists[l].list);

      if (list != NULL && JSON_NODE_HOLDS_ARRAY (list))
        for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
          put_entity (self, entity_lists[l].kind, json_array_get_element (json_node_get_array (list), i), TRUE);
    }

  g_list_store_splice (self->unit_items, 0, 0, self->new_unit_items->pdata, self->new_unit_items->len);
  g_list_store_splice (self->incident_items, 0, 0, self->new_incident_items->pdata,
                       self->new_incident_items->len);
  g_clear_pointer (&self->new_unit_items, g_ptr_array_unref);
  g_clear_pointer (&self->new_incident_items, g_ptr_array_unref);

  emit_changed (self, DOZOR_SITUATION_ALL);
  return TRUE;
}

/* A closed incident's checklist leaves the board with it, as the snapshot
 * holds only open incidents' steps. */
static void
forget_checks (DozorSituation *self,
               const char     *incident_id)
{
  GHashTable *table = g_hash_table_lookup (self->entities, "check");
  GHashTableIter iter;
  gpointer node;

  if (incident_id == NULL)
    return;
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &node))
    if (g_strcmp0 (dozor_json_get_string (json_node_get_object (node), "incident_id"), incident_id) == 0)
      g_hash_table_iter_remove (&iter);
}

/* Appends a unit's newer fix to the stretch of its deviation in progress,
 * so that the board draws the way it took since the server confirmed the
 * deviation; bounded as the server's stretch is. Returns whether one grew. */
static gboolean
extend_deviation (DozorSituation     *self,
                  const DozorUnitFix *fix)
{
  GHashTable *deviations = g_hash_table_lookup (self->entities, "deviation");
  GHashTableIter iter;
  gpointer node;

  if (g_hash_table_size (deviations) == 0 || !fix->has_fix)
    return FALSE;

  g_hash_table_iter_init (&iter, deviations);
  while (g_hash_table_iter_next (&iter, NULL, &node))
    {
      JsonObject *deviation = json_node_get_object (node);
      JsonNode *stretch = json_object_get_member (deviation, "stretch");
      JsonArray *fixes;
      JsonObject *last, *added;

      if (g_strcmp0 (dozor_json_get_string (deviation, "unit_id"), fix->id) != 0)
        continue;
      if (stretch == NULL || !JSON_NODE_HOLDS_ARRAY (stretch))
        return FALSE;
      fixes = json_node_get_array (stretch);
      if (json_array_get_length (fixes) >= DOZOR_DEVIATION_STRETCH_MAX)
        return FALSE;
      last = json_array_get_length (fixes) > 0 ? json_array_get_object_element (fixes, json_array_get_length (fixes) - 1) : NULL;
      /* Times are RFC 3339 in UTC as the server writes them: in order as text. */
      if (last != NULL && g_strcmp0 (dozor_json_get_string (last, "time"), fix->time) >= 0)
        return FALSE;
      added = json_object_new ();
      json_object_set_double_member (added, "lat", fix->lat);
      json_object_set_double_member (added, "lon", fix->lon);
      json_object_set_string_member (added, "time", fix->time);
      json_array_add_object_element (fixes, added);
      return TRUE;
    }
  return FALSE;
}

/* Applies one event's change; returns what changed, or 0 if not understood. */
static guint
apply (DozorSituation *self,
       JsonObject     *event,
       const char     *type)
{
  g_auto(GStrv) parts = g_strsplit (type, ".", 2);
  JsonNode *body;

  if (g_strv_length (parts) != 2)
    return 0;

  /* roster.flag.raised / roster.flag.cleared carry "flag"; the board keeps
   * the flags not cleared, as the snapshot's roster_flags. */
  if (g_str_equal (parts[0], "roster") && g_str_has_prefix (parts[1], "flag."))
    {
      body = json_object_get_member (event, "flag");
      if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
        return 0;
      return put_entity (self, "roster_flag", body, g_str_equal (parts[1], "flag.raised"))
             ? DOZOR_SITUATION_ROSTER : 0;
    }

  body = json_object_get_member (event, parts[0]);
  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return 0;

  if (g_str_equal (parts[0], "unit"))
    {
      DozorUnitFix fix;
      guint changed = DOZOR_SITUATION_UNITS;

      if (!dozor_unit_fix_read (json_node_get_object (body), &fix))
        return 0;
      if (put_fix (self, &fix))
        changed |= DOZOR_SITUATION_UNIT_STATES;
      /* A unit away from its route: its stretch grows with its fixes. */
      if (extend_deviation (self, &fix))
        changed |= DOZOR_SITUATION_ROSTER;
      return changed;
    }

  /* The deviations in progress, as the snapshot's list: started ones
   * kept, ended ones gone (their figures are the server's to count). */
  if (g_str_equal (parts[0], "deviation"))
    return put_entity (self, "deviation", body, g_str_equal (parts[1], "started")) ? DOZOR_SITUATION_ROSTER : 0;

  if (g_str_equal (parts[0], "readiness"))
    return set_readiness (self, body) ? DOZOR_SITUATION_READINESS : 0;

  if (g_str_equal (parts[0], "incident"))
    {
      /* The board shows open incidents, as the snapshot has them. */
      gboolean open = g_strcmp0 (dozor_json_get_string (json_node_get_object (body), "status"), "closed") != 0;

      if (!open)
        forget_checks (self, dozor_json_get_string (json_node_get_object (body), "id"));
      return put_entity (self, "incident", body, open) ? DOZOR_SITUATION_INCIDENTS : 0;
    }

  /* A step of an open incident's checklist (docs/api.md, "Checklist step"). */
  if (g_str_equal (parts[0], "check"))
    return put_entity (self, "check", body, TRUE) ? DOZOR_SITUATION_INCIDENTS : 0;

  if (g_str_equal (parts[0], "dispatch"))
    {
      gboolean active = g_strcmp0 (dozor_json_get_string (json_node_get_object (body), "status"), "active") == 0;

      return put_entity (self, "dispatch", body, active) ? DOZOR_SITUATION_INCIDENTS : 0;
    }

  if (g_str_equal (parts[0], "zone") || g_str_equal (parts[0], "route") || g_str_equal (parts[0], "place"))
    return put_entity (self, parts[0], body, !g_str_equal (parts[1], "deleted")) ? DOZOR_SITUATION_AREAS : 0;

  if (g_str_equal (parts[0], "roster"))
    return put_entity (self, "roster", body, !g_str_equal (parts[1], "deleted")) ? DOZOR_SITUATION_ROSTER : 0;

  if (g_str_equal (parts[0], "plan"))
    {
      /* plan.closed carries the activation as it was at the close, for
       * the record; the board shows the plan as it is now: not active. */
      if (g_str_equal (parts[1], "closed"))
        {
          g_autoptr(JsonNode) closed = snapshot_copy_node (body);

          json_object_set_null_member (json_node_get_object (closed), "activation");
          return put_entity (self, "plan", closed, TRUE) ? DOZOR_SITUATION_PLANS : 0;
        }
      return put_entity (self, "plan", body, !g_str_equal (parts[1], "deleted")) ? DOZOR_SITUATION_PLANS : 0;
    }

  return 0;
}

/**
 * dozor_situation_apply_event:
 * @self: a #DozorSituation
 * @event: one event from the stream
 *
 * Returns: whether it was applied, and if not, why
 */
DozorApplyResult
dozor_situation_apply_event (DozorSituation *self,
                             JsonNode       *event)
{
  JsonObject *object;
  const char *type;
  double seq;
  guint changed;

  if (event == NULL || !JSON_NODE_HOLDS_OBJECT (event))
    return DOZOR_APPLY_INVALID;

  object = json_node_get_object (event);
  type = dozor_json_get_string (object, "type");
  seq = number_member (object, "seq");
  if (type == NULL || !isfinite (seq) || seq != floor (seq))
    return DOZOR_APPLY_INVALID;

  if ((gint64) seq <= self->seq)
    return DOZOR_APPLY_DUPLICATE;
  if ((gint64) seq > self->seq + 1)
    return DOZOR_APPLY_GAP;

  /* An event of a kind this board does not know still takes its seq, so
   * that a newer server does not stall an older board. */
  self->seq = (gint64) seq;
  if (!g_str_equal (type, "unit.position") && !g_str_equal (type, "coalesced"))
    g_signal_emit (self, signals[APPLYING], 0, object);
  changed = apply (self, object, type);
  if (changed == 0)
    {
      g_debug ("Event %" G_GINT64_FORMAT " (%s) has nothing this board shows", self->seq, type);
      return DOZOR_APPLY_INVALID;
    }

  emit_changed (self, changed);
  return DOZOR_APPLY_APPLIED;
}

/**
 * dozor_situation_apply_fixes:
 * @self: a #DozorSituation
 * @fixes: (array length=n_fixes): the fixes of a run of consecutive
 *   `unit.position` and `coalesced` events, in order, as
 *   #DozorStreamDecoder reads them; each with the seq of its event
 * @n_fixes: how many
 * @first_seq: the first seq of the run
 * @last_seq: its last seq
 *
 * Applies a run of position events at once: the seqs it covers are taken,
 * and each fix is put in order, as applying the run's events one by one
 * would (the fixes in between make the trails and a deviation's stretch),
 * but with one "changed" for the run. A run that overlaps what is applied
 * already applies only the fixes of events after it.
 *
 * Returns: %DOZOR_APPLY_APPLIED, %DOZOR_APPLY_DUPLICATE if every seq of
 *   the run was applied already, %DOZOR_APPLY_GAP if events are missing
 *   before it (nothing applied), %DOZOR_APPLY_INVALID for a run whose
 *   seqs are out of order
 */
DozorApplyResult
dozor_situation_apply_fixes (DozorSituation     *self,
                             const DozorUnitFix *fixes,
                             guint               n_fixes,
                             gint64              first_seq,
                             gint64              last_seq)
{
  guint changed = 0;
  GHashTable *deviations;
  gboolean deviating;

  g_return_val_if_fail (DOZOR_IS_SITUATION (self), DOZOR_APPLY_INVALID);

  /* Looked up once a run, not once a fix: most runs extend none. */
  deviations = g_hash_table_lookup (self->entities, "deviation");
  deviating = deviations != NULL && g_hash_table_size (deviations) > 0;
  if (first_seq < 1 || last_seq < first_seq)
    return DOZOR_APPLY_INVALID;
  if (last_seq <= self->seq)
    return DOZOR_APPLY_DUPLICATE;
  if (first_seq > self->seq + 1)
    return DOZOR_APPLY_GAP;

  for (guint i = 0; i < n_fixes; i++)
    {
      /* Applied already, from a frame read before a resume. */
      if (fixes[i].seq <= self->seq)
        continue;
      if (put_fix (self, &fixes[i]))
        changed |= DOZOR_SITUATION_UNIT_STATES;
      changed |= DOZOR_SITUATION_UNITS;
      if (deviating && extend_deviation (self, &fixes[i]))
        changed |= DOZOR_SITUATION_ROSTER;
    }
  self->seq = last_seq;
  /* A run of only coalesced events moves nothing. */
  if (changed != 0)
    emit_changed (self, changed);
  return DOZOR_APPLY_APPLIED;
}

/* A replayed fix names only its unit (docs/api.md, "Replay"): the unit's
 * call sign, status and version are the ones the situation holds. */
static JsonNode *
complete_replayed_fix (DozorSituation *self,
                       JsonObject     *event)
{
  JsonNode *body = json_object_get_member (event, "unit");
  JsonObject *fix;
  DozorUnit *unit;
  JsonNode *copy;
  JsonObject *event_copy;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body) ||
      (unit = g_hash_table_lookup (self->unit_by_id,
                                   dozor_json_get_string (json_node_get_object (body), "id") ?: "")) == NULL)
    return NULL;

  copy = snapshot_copy_node (body);
  fix = json_node_get_object (copy);
  json_object_set_string_member (fix, "call_sign", unit->call_sign);
  json_object_set_string_member (fix, "status", unit->status);
  json_object_set_int_member (fix, "version", unit->version);

  event_copy = json_object_new ();
  json_object_set_string_member (event_copy, "type", "unit.position");
  json_object_set_member (event_copy, "unit", copy);
  return json_node_init_object (json_node_alloc (), event_copy);
}

/**
 * dozor_situation_apply_replayed:
 * @self: a #DozorSituation
 * @event: one event of GET /replay
 *
 * Applies an event of a replay: a journal event as the stream sent it, or
 * a fix rebuilt from a unit's track, which has no seq and names only its
 * unit's id and position. The journal holds no positions, so its seqs
 * skip: unlike dozor_situation_apply_event() no gap is refused, and the
 * situation's seq follows the largest one applied. The server builds the
 * replay's first state with this very function, so both agree.
 *
 * Returns: %DOZOR_APPLY_APPLIED, or %DOZOR_APPLY_INVALID when it has
 *   nothing this situation shows (a fix of a unit it does not hold)
 */
DozorApplyResult
dozor_situation_apply_replayed (DozorSituation *self,
                                JsonNode       *event)
{
  g_autoptr(JsonNode) completed = NULL;
  JsonObject *object;
  const char *type;
  double seq;
  guint changed;

  g_return_val_if_fail (DOZOR_IS_SITUATION (self), DOZOR_APPLY_INVALID);

  if (event == NULL || !JSON_NODE_HOLDS_OBJECT (event))
    return DOZOR_APPLY_INVALID;
  object = json_node_get_object (event);
  type = dozor_json_get_string (object, "type");
  if (type == NULL)
    return DOZOR_APPLY_INVALID;

  seq = number_member (object, "seq");
  if (isfinite (seq) && seq == floor (seq) && (gint64) seq > self->seq)
    self->seq = (gint64) seq;

  if (g_str_equal (type, "unit.position"))
    {
      completed = complete_replayed_fix (self, object);
      if (completed == NULL)
        return DOZOR_APPLY_INVALID;
      object = json_node_get_object (completed);
    }

  changed = apply (self, object, type);
  if (changed == 0)
    return DOZOR_APPLY_INVALID;
  emit_changed (self, changed);
  return DOZOR_APPLY_APPLIED;
}

gint64
dozor_situation_get_seq (DozorSituation *self)
{
  return self->seq;
}

const char *
dozor_situation_get_readiness (DozorSituation *self)
{
  return self->readiness;
}

/**
 * dozor_situation_get_readiness_object:
 * @self: a #DozorSituation
 *
 * Returns: (transfer none): the readiness as the server sent it: `level`,
 *   and as far as the server has them `reason`, `set_by`, `set_at`,
 *   `raised_at` and `area` (docs/api.md, "Readiness")
 */
JsonObject *
dozor_situation_get_readiness_object (DozorSituation *self)
{
  g_return_val_if_fail (DOZOR_IS_SITUATION (self), NULL);

  return self->readiness_object;
}

/**
 * dozor_situation_get_crisis_area:
 * @self: a #DozorSituation
 *
 * Returns: (transfer none) (nullable): the crisis area, if there is one
 */
DozorCrisisArea *
dozor_situation_get_crisis_area (DozorSituation *self)
{
  g_return_val_if_fail (DOZOR_IS_SITUATION (self), NULL);

  return self->crisis_area;
}

/**
 * dozor_situation_get_units:
 * @self: a #DozorSituation
 *
 * Returns: (transfer none) (element-type DozorUnit): every unit
 */
GPtrArray *
dozor_situation_get_units (DozorSituation *self)
{
  return self->units;
}

/**
 * dozor_situation_get_unit:
 * @self: a #DozorSituation
 * @id: a unit's id
 *
 * Returns: (transfer none) (nullable): the unit
 */
DozorUnit *
dozor_situation_get_unit (DozorSituation *self,
                          const char     *id)
{
  return g_hash_table_lookup (self->unit_by_id, id);
}

/**
 * dozor_situation_get_entities:
 * @self: a #DozorSituation
 * @kind: incident, dispatch, zone, route, place or plan
 *
 * Returns: (transfer container) (element-type JsonNode): the open
 *   incidents, active dispatches, zones, routes or special operating
 *   plans (each with its activation, if active), in no order; zones and
 *   routes without their `geometry` (dozor_situation_get_geometry())
 */
GList *
dozor_situation_get_entities (DozorSituation *self,
                              const char     *kind)
{
  GHashTable *table = g_hash_table_lookup (self->entities, kind);

  return table != NULL ? g_hash_table_get_values (table) : NULL;
}

/**
 * dozor_situation_iter_entities:
 * @self: a #DozorSituation
 * @kind: "incident", "dispatch", …
 * @iter: (out caller-allocates): set to go through them, id → #JsonNode
 *
 * The entities of @kind without a list made of them: for what reads
 * them all on every render. @iter is valid until the situation next
 * changes.
 *
 * Returns: whether there is any entity of @kind (if not, @iter is unset)
 */
gboolean
dozor_situation_iter_entities (DozorSituation *self,
                               const char     *kind,
                               GHashTableIter *iter)
{
  GHashTable *table = g_hash_table_lookup (self->entities, kind);

  if (table == NULL || g_hash_table_size (table) == 0)
    return FALSE;
  g_hash_table_iter_init (iter, table);
  return TRUE;
}

/**
 * dozor_situation_get_check:
 * @self: a #DozorSituation
 * @incident_id: an open incident
 * @procedure_id: a procedure of the SOP catalogue
 * @step_id: one of its steps
 *
 * Returns: (transfer none) (nullable): that step of the incident's
 *   checklist, if anyone has ticked it (it may have been unticked since)
 */
JsonObject *
dozor_situation_get_check (DozorSituation *self,
                           const char     *incident_id,
                           const char     *procedure_id,
                           const char     *step_id)
{
  GHashTable *table = g_hash_table_lookup (self->entities, "check");
  GHashTableIter iter;
  gpointer node;

  /* A few dozen steps per open incident: a scan costs nothing. */
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &node))
    {
      JsonObject *check = json_node_get_object (node);

      if (g_strcmp0 (dozor_json_get_string (check, "incident_id"), incident_id) == 0 &&
          g_strcmp0 (dozor_json_get_string (check, "procedure_id"), procedure_id) == 0 &&
          g_strcmp0 (dozor_json_get_string (check, "step_id"), step_id) == 0)
        return check;
    }
  return NULL;
}

/**
 * dozor_situation_get_unit_dispatch:
 * @self: a #DozorSituation
 * @unit_id: a unit's id
 *
 * Returns: (transfer none) (nullable): the unit's active dispatch
 */
JsonObject *
dozor_situation_get_unit_dispatch (DozorSituation *self,
                                   const char     *unit_id)
{
  GHashTable *table = g_hash_table_lookup (self->entities, "dispatch");
  GHashTableIter iter;
  gpointer node;

  /* A unit has at most one active dispatch (docs/api.md). */
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &node))
    if (g_strcmp0 (dozor_json_get_string (json_node_get_object (node), "unit_id"), unit_id) == 0)
      return json_node_get_object (node);
  return NULL;
}

/**
 * dozor_incident_get_location:
 * @incident: an incident as the server sent it
 * @lat: (out): the scene's latitude
 * @lon: (out): the scene's longitude
 *
 * Returns: whether the incident has a scene in range
 */
gboolean
dozor_incident_get_location (JsonObject *incident,
                             double     *lat,
                             double     *lon)
{
  JsonNode *node = json_object_get_member (incident, "location");

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  *lat = number_member (json_node_get_object (node), "lat");
  *lon = number_member (json_node_get_object (node), "lon");
  return dozor_geo_is_valid_lat_lon (*lat, *lon);
}

/**
 * dozor_situation_get_n_entities:
 * @self: a #DozorSituation
 * @kind: incident, dispatch, zone, route or place
 *
 * Returns: how many open incidents, active dispatches, zones or routes
 */
guint
dozor_situation_get_n_entities (DozorSituation *self,
                                const char     *kind)
{
  GHashTable *table = g_hash_table_lookup (self->entities, kind);

  return table != NULL ? g_hash_table_size (table) : 0;
}

/**
 * dozor_situation_find_nearest:
 * @self: a #DozorSituation
 * @lat: the scene
 * @lon: the scene
 * @now: the time to judge positions by, Unix microseconds
 * @unit_ids: (out caller-allocates) (array fixed-size=5): the nearest units' ids
 * @distances_m: (out caller-allocates) (array fixed-size=5): their distances
 *
 * The nearest available units with a current position, by straight-line
 * distance (road distance is a later step): a unit whose position is old
 * may be anywhere and is not suggested.
 *
 * Returns: how many were found, at most %DOZOR_SITUATION_NEAREST
 */
guint
dozor_situation_find_nearest (DozorSituation  *self,
                              double           lat,
                              double           lon,
                              gint64           now,
                              const char     **unit_ids,
                              double          *distances_m)
{
  GPtrArray *units = self->units;
  guint n = 0;

  for (guint i = 0; i < units->len; i++)
    {
      DozorUnit *unit = units->pdata[i];
      double distance;
      guint at;

      if (!unit->has_fix || g_strcmp0 (unit->status, "available") != 0 ||
          now - unit->fix_time > DOZOR_UNIT_STALE_SECONDS * G_USEC_PER_SEC)
        continue;

      distance = dozor_geo_distance_m (lat, lon, unit->lat, unit->lon);
      for (at = n; at > 0 && distances_m[at - 1] > distance; at--)
        if (at < DOZOR_SITUATION_NEAREST)
          {
            distances_m[at] = distances_m[at - 1];
            unit_ids[at] = unit_ids[at - 1];
          }
      if (at < DOZOR_SITUATION_NEAREST)
        {
          distances_m[at] = distance;
          unit_ids[at] = unit->id;
          n = MIN (n + 1, DOZOR_SITUATION_NEAREST);
        }
    }
  return n;
}

/**
 * dozor_situation_get_unit_model:
 * @self: a #DozorSituation
 *
 * Returns: (transfer none): a #GListModel of #DozorUnitItem, every unit
 */
GListModel *
dozor_situation_get_unit_model (DozorSituation *self)
{
  return G_LIST_MODEL (self->unit_items);
}

/**
 * dozor_situation_get_incident_model:
 * @self: a #DozorSituation
 *
 * Returns: (transfer none): a #GListModel of #DozorIncidentItem, the open
 *   incidents
 */
GListModel *
dozor_situation_get_incident_model (DozorSituation *self)
{
  return G_LIST_MODEL (self->incident_items);
}

/**
 * dozor_situation_get_geometry:
 * @self: a #DozorSituation
 * @kind: zone or route
 * @id: its id
 *
 * The geometry of a zone or route: the entity itself
 * (dozor_situation_get_entity()) holds no `geometry` member. Take a
 * reference (dozor_geometry_ref()) to keep it, in any thread.
 *
 * Returns: (transfer none) (nullable): the geometry, if it has a valid one
 */
DozorGeometry *
dozor_situation_get_geometry (DozorSituation *self,
                              const char     *kind,
                              const char     *id)
{
  GHashTable *table;

  g_return_val_if_fail (DOZOR_IS_SITUATION (self), NULL);

  table = g_hash_table_lookup (self->geometries, kind);
  return table != NULL && id != NULL ? g_hash_table_lookup (table, id) : NULL;
}

/**
 * dozor_situation_get_entity:
 * @self: a #DozorSituation
 * @kind: incident, dispatch, zone, route or place
 * @id: its id
 *
 * Returns: (transfer none) (nullable): the entity; a zone or route
 *   without its `geometry` (dozor_situation_get_geometry())
 */
JsonObject *
dozor_situation_get_entity (DozorSituation *self,
                            const char     *kind,
                            const char     *id)
{
  GHashTable *table = g_hash_table_lookup (self->entities, kind);
  /* No id: a dispatch to a plan's post names no incident. */
  JsonNode *node = table != NULL && id != NULL ? g_hash_table_lookup (table, id) : NULL;

  return node != NULL ? json_node_get_object (node) : NULL;
}

/* A copy that shares no JsonObject, JsonArray or JsonValue with @node.
 * json-glib counts references to those without atomics: a snapshot that
 * is written out, or dropped, in a worker thread must not hold the
 * situation's own, which the main thread releases as events replace
 * them. Entities passed the parser's depth limit, so recursion is shallow. */
static JsonNode *
snapshot_copy_node (JsonNode *node)
{
  JsonNode *copy = json_node_alloc ();

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_object_new ();
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          json_object_set_member (object, name, snapshot_copy_node (member));
        json_node_init_object (copy, object);
        json_object_unref (object);
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *source = json_node_get_array (node);
        guint length = json_array_get_length (source);
        JsonArray *array = json_array_sized_new (length);

        for (guint i = 0; i < length; i++)
          json_array_add_element (array, snapshot_copy_node (json_array_get_element (source, i)));
        json_node_init_array (copy, array);
        json_array_unref (array);
      }
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          json_node_init_int (copy, json_node_get_int (node));
          break;

        case G_TYPE_DOUBLE:
          json_node_init_double (copy, json_node_get_double (node));
          break;

        case G_TYPE_BOOLEAN:
          json_node_init_boolean (copy, json_node_get_boolean (node));
          break;

        case G_TYPE_STRING:
          json_node_init_string (copy, json_node_get_string (node));
          break;

        default:
          json_node_init_null (copy);
          break;
        }
      break;

    case JSON_NODE_NULL:
    default:
      json_node_init_null (copy);
      break;
    }

  return copy;
}

/* JSON has no NaN: a speed or heading the unit did not report is null. */
static void
snapshot_set_number (JsonObject *object,
                     const char *name,
                     double      value)
{
  if (isfinite (value))
    json_object_set_double_member (object, name, value);
  else
    json_object_set_null_member (object, name);
}

static JsonNode *
snapshot_unit (DozorUnit *unit)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_alloc ();
  char time[32];

  json_object_set_string_member (object, "id", unit->id);
  json_object_set_string_member (object, "call_sign", unit->call_sign);
  json_object_set_string_member (object, "status", unit->status);
  if (unit->has_fix && dozor_snapshot_format_time (unit->fix_time, time))
    {
      JsonObject *position = json_object_new ();

      json_object_set_double_member (position, "lat", unit->lat);
      json_object_set_double_member (position, "lon", unit->lon);
      json_object_set_string_member (position, "time", time);
      snapshot_set_number (position, "speed", unit->speed);
      snapshot_set_number (position, "heading", unit->heading);
      json_object_set_object_member (object, "position", position);
    }
  else
    json_object_set_null_member (object, "position");
  json_object_set_int_member (object, "version", unit->version);

  json_node_init_object (node, object);
  json_object_unref (object);
  return node;
}

static int
snapshot_compare_ids (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* A hash table's order changes from run to run; the cache should not. */
static gpointer *
snapshot_sorted_ids (GHashTable *table,
                     guint      *n)
{
  gpointer *ids = g_hash_table_get_keys_as_array (table, n);

  g_qsort_with_data (ids, (gint) *n, sizeof *ids, snapshot_compare_ids, NULL);
  return ids;
}

/**
 * dozor_situation_to_snapshot:
 * @self: a #DozorSituation
 *
 * The situation as a snapshot in the wire format of GET /snapshot, as of
 * dozor_situation_get_seq(), for the board's local cache:
 * dozor_situation_load_snapshot() on it gives back the same seq,
 * readiness, units and entities.
 *
 * Only what the situation keeps is in it: a unit has its id, call sign,
 * status, version and last fix (time, latitude, longitude, speed and
 * heading); its kind, crew, fix accuracy and trail are not. The readiness
 * is whole (level, reason, who, since when, area). Incidents, dispatches, zones and routes are the
 * JSON the server sent, sorted by id, the geometry of zones and routes
 * written again from its positions (the same numbers, `geometry` last);
 * units keep their order.
 *
 * The result shares nothing with @self, so it may be handed to another
 * thread (to be written out) while the situation goes on changing.
 *
 * Returns: (transfer full): a new snapshot object
 */
JsonNode *
dozor_situation_to_snapshot (DozorSituation *self)
{
  JsonObject *root;
  JsonArray *units;
  JsonNode *snapshot;

  g_return_val_if_fail (DOZOR_IS_SITUATION (self), NULL);

  root = json_object_new ();
  json_object_set_int_member (root, "as_of_seq", self->seq);

  {
    g_autoptr(JsonNode) whole = json_node_init_object (json_node_alloc (), self->readiness_object);

    json_object_set_member (root, "readiness", snapshot_copy_node (whole));
  }

  units = json_array_sized_new (self->units->len);
  for (guint i = 0; i < self->units->len; i++)
    json_array_add_element (units, snapshot_unit (self->units->pdata[i]));
  json_object_set_array_member (root, "units", units);

  for (guint l = 0; l < G_N_ELEMENTS (entity_lists); l++)
    {
      GHashTable *table = g_hash_table_lookup (self->entities, entity_lists[l].kind);
      GHashTable *geometries = g_hash_table_lookup (self->geometries, entity_lists[l].kind);
      guint n = 0;
      g_autofree gpointer *ids = snapshot_sorted_ids (table, &n);
      JsonArray *list = json_array_sized_new (n);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *copy = snapshot_copy_node (g_hash_table_lookup (table, ids[i]));
          DozorGeometry *geometry = geometries != NULL ? g_hash_table_lookup (geometries, ids[i]) : NULL;

          /* Written from the compact form: the same positions as read. */
          if (geometry != NULL)
            json_object_set_member (json_node_get_object (copy), "geometry", dozor_geometry_to_json (geometry));
          json_array_add_element (list, copy);
        }
      json_object_set_array_member (root, entity_lists[l].list, list);
    }

  snapshot = json_node_alloc ();
  json_node_init_object (snapshot, root);
  json_object_unref (root);
  return snapshot;
}

/**
 * dozor_situation_to_snapshot_writer:
 * @self: a #DozorSituation
 *
 * The same snapshot as dozor_situation_to_snapshot(), to be written as
 * text in another thread (dozor_snapshot_writer_to_text()) while the
 * situation goes on changing: what is taken here is only a flat copy of
 * the units, a copy of each entity's own small JSON and a reference to
 * each geometry, never a tree of the whole situation (the local copy
 * saves every few seconds, on the main thread).
 *
 * Returns: (transfer full): a filled writer
 */
DozorSnapshotWriter *
dozor_situation_to_snapshot_writer (DozorSituation *self)
{
  g_autoptr(JsonNode) whole = NULL;
  DozorSnapshotWriter *writer;

  g_return_val_if_fail (DOZOR_IS_SITUATION (self), NULL);

  whole = json_node_init_object (json_node_alloc (), self->readiness_object);
  writer = dozor_snapshot_writer_new (self->seq, snapshot_copy_node (whole), self->units->len);
  for (guint i = 0; i < self->units->len; i++)
    dozor_snapshot_writer_add_unit (writer, self->units->pdata[i]);

  for (guint l = 0; l < G_N_ELEMENTS (entity_lists); l++)
    {
      GHashTable *table = g_hash_table_lookup (self->entities, entity_lists[l].kind);
      GHashTable *geometries = g_hash_table_lookup (self->geometries, entity_lists[l].kind);
      guint n = 0;
      g_autofree gpointer *ids = snapshot_sorted_ids (table, &n);

      dozor_snapshot_writer_begin_list (writer, entity_lists[l].list);
      for (guint i = 0; i < n; i++)
        dozor_snapshot_writer_add_entity (writer, snapshot_copy_node (g_hash_table_lookup (table, ids[i])),
                                          geometries != NULL ? g_hash_table_lookup (geometries, ids[i]) : NULL);
    }
  return writer;
}

/**
 * dozor_situation_get_incident_number:
 * @self: a #DozorSituation
 * @incident_id: an incident's id
 *
 * What a message calls an incident: its number, or its id while the
 * situation does not hold it (closed meanwhile, not yet arrived).
 *
 * Returns: (transfer none): the number, or @incident_id
 */
const char *
dozor_situation_get_incident_number (DozorSituation *self,
                                     const char     *incident_id)
{
  JsonObject *incident;

  g_return_val_if_fail (DOZOR_IS_SITUATION (self), incident_id);

  /* A dispatch to a plan's post has no incident (docs/api.md, "Plan"). */
  if (incident_id == NULL || *incident_id == '\0')
    return _("a post of a plan");
  incident = dozor_situation_get_entity (self, "incident", incident_id);
  return incident != NULL ? json_object_get_string_member_with_default (incident, "number", incident_id)
                          : incident_id;
}

/**
 * dozor_situation_set_clock:
 * @self: a #DozorSituation
 * @now: the moment this situation shows, Unix microseconds; 0 for the present
 *
 * A replay's situation is the state at a moment of the past: an age
 * reckoned from the present would make every fix stale and every incident
 * hours old. Whoever shows this situation asks dozor_situation_get_now()
 * for "now"; the replay sets it before it applies the moment's events, so
 * that the "changed" they raise is already counted from there. A new
 * moment notifies #DozorSituation:clock, also when no event comes with it.
 */
void
dozor_situation_set_clock (DozorSituation *self,
                           gint64          now)
{
  g_return_if_fail (DOZOR_IS_SITUATION (self));
  g_return_if_fail (now >= 0);

  if (self->clock == now)
    return;
  self->clock = now;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOCK]);
}

/**
 * dozor_situation_get_now:
 * @self: a #DozorSituation
 *
 * Returns: the moment from which this situation's ages are reckoned, Unix
 *   microseconds: the real time, or a replay's moment
 */
gint64
dozor_situation_get_now (DozorSituation *self)
{
  g_return_val_if_fail (DOZOR_IS_SITUATION (self), 0);

  return self->clock != 0 ? self->clock : g_get_real_time ();
}

/**
 * dozor_situation_get_unit_serial:
 * @self: a #DozorSituation
 *
 * Returns: the serial of the next change to a unit: what a reader passes
 *   to dozor_situation_get_changed_units() next time to learn what
 *   changed after now
 */
guint64
dozor_situation_get_unit_serial (DozorSituation *self)
{
  g_return_val_if_fail (DOZOR_IS_SITUATION (self), 0);

  return self->unit_changes_first + self->unit_changes->len;
}

/**
 * dozor_situation_get_changed_units:
 * @self: a #DozorSituation
 * @since: a serial from dozor_situation_get_unit_serial()
 * @indices: (out) (transfer none): where the indices in
 *   dozor_situation_get_units() of the units changed since go, oldest
 *   first, a unit as often as it changed; valid until the next change
 * @n_indices: (out): how many
 *
 * What changed in the units (a fix, a status, a call sign, a new unit)
 * since @since, so that a reader holding a copy of thousands of units
 * copies only those. Units are only ever added, at the end, until the
 * situation is cleared.
 *
 * Returns: %FALSE if the log does not reach back to @since (the
 *   situation was cleared, or too much changed since): read every unit
 */
gboolean
dozor_situation_get_changed_units (DozorSituation *self,
                                   guint64         since,
                                   const guint   **indices,
                                   guint          *n_indices)
{
  guint64 end;

  g_return_val_if_fail (DOZOR_IS_SITUATION (self), FALSE);

  end = self->unit_changes_first + self->unit_changes->len;
  *indices = NULL;
  *n_indices = 0;
  if (since < self->unit_changes_first || since > end)
    return FALSE;
  *indices = &g_array_index (self->unit_changes, guint, since - self->unit_changes_first);
  *n_indices = (guint) (end - since);
  return TRUE;
}
