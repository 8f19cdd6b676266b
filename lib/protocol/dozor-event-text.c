/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * An event in plain words, for the wall's ticker and the crisis log:
 * "14:02 Барыс-16 arrived — Theft, пр. Абая 10".
 *
 * The sentences put the incident after a dash rather than into the verb's
 * phrase: Kazakh and Russian would decline "theft" after "arrived at", and
 * a label cannot be declined by a lookup table.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "dozor-event-text.h"
#include "dozor-json.h"
#include "dozor-labels.h"
#include "dozor-local-time.h"
#include "dozor-plan.h"

/**
 * dozor_event_incident_words:
 * @incident: (nullable): an incident as events carry it
 *
 * Returns: (transfer full): "Theft, пр. Абая 10", or only the type when no
 *   address was given
 */
char *
dozor_event_incident_words (JsonObject *incident)
{
  const char *type, *address;

  if (incident == NULL)
    return g_strdup (_("an incident no longer shown"));
  type = dozor_incident_type_label (dozor_json_get_string (incident, "type"));
  address = dozor_json_get_string (incident, "address");
  if (address == NULL || *address == '\0')
    return g_strdup (type);
  /* TRANSLATORS: an incident's type, then its address */
  return g_strdup_printf (_("%s, %s"), type, address);
}

static JsonObject *
member (JsonObject *object,
        const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static const char *
call_sign (DozorSituation *situation,
           const char     *unit_id)
{
  DozorUnit *unit = unit_id != NULL ? dozor_situation_get_unit (situation, unit_id) : NULL;

  return unit != NULL && unit->call_sign != NULL ? unit->call_sign : _("A unit");
}

/**
 * dozor_event_place_words:
 * @dispatch: a dispatch that names no incident
 *
 * Returns: (transfer none): where it sends the unit, in words: a post of a
 *   plan, or the crisis area
 */
const char *
dozor_event_place_words (JsonObject *dispatch)
{
  JsonNode *point = json_object_get_member (dispatch, "area_point");

  if (dozor_json_get_string (dispatch, "plan_id") == NULL && point != NULL && JSON_NODE_HOLDS_OBJECT (point))
    return _("the crisis area");
  return _("a post of a plan");
}

static JsonObject *
incident_of_unit (DozorSituation *situation,
                  const char     *unit_id)
{
  JsonObject *dispatch = dozor_situation_get_unit_dispatch (situation, unit_id);
  const char *incident_id = dispatch != NULL ? dozor_json_get_string (dispatch, "incident_id") : NULL;

  return incident_id != NULL ? dozor_situation_get_entity (situation, "incident", incident_id) : NULL;
}

static char *
describe_unit (DozorSituation *situation,
               JsonObject     *unit)
{
  const char *id = dozor_json_get_string (unit, "id");
  const char *status = dozor_json_get_string (unit, "status");
  DozorUnit *before = id != NULL ? dozor_situation_get_unit (situation, id) : NULL;
  g_autofree char *incident = NULL;

  /* Only the arrival is news to the room: the other changes of status
   * come with a dispatch, or are a unit's own business. */
  if (before == NULL || g_strcmp0 (status, "on_scene") != 0 || g_strcmp0 (before->status, "on_scene") == 0)
    return NULL;
  {
    JsonObject *dispatch = dozor_situation_get_unit_dispatch (situation, id);

    /* A dispatch to a plan's post or to the crisis area names no incident
     * (docs/api.md, "Dispatch"). */
    if (dispatch != NULL && dozor_json_get_string (dispatch, "incident_id") == NULL)
      incident = g_strdup (dozor_event_place_words (dispatch));
    else
      incident = dozor_event_incident_words (incident_of_unit (situation, id));
  }
  /* TRANSLATORS: a unit's call sign, then the incident it reached */
  return g_strdup_printf (_("%s arrived — %s"), call_sign (situation, id), incident);
}

static char *
describe_incident (DozorSituation *situation,
                   JsonObject     *incident,
                   gboolean        created)
{
  const char *id = dozor_json_get_string (incident, "id");
  JsonObject *before = id != NULL ? dozor_situation_get_entity (situation, "incident", id) : NULL;
  g_autofree char *words = dozor_event_incident_words (incident);

  if (created)
    /* TRANSLATORS: an incident, then its priority (1 most urgent) */
    return g_strdup_printf (_("New call: %s (priority %d)"), words,
                            (int) json_object_get_int_member_with_default (incident, "priority", 3));
  if (g_strcmp0 (dozor_json_get_string (incident, "status"), "closed") == 0 && before != NULL)
    /* TRANSLATORS: the incident that was closed */
    return g_strdup_printf (_("Closed — %s"), words);
  return NULL;
}

static char *
describe_dispatch (DozorSituation *situation,
                   JsonObject     *dispatch,
                   gboolean        created)
{
  const char *unit_id = dozor_json_get_string (dispatch, "unit_id");
  const char *incident_id = dozor_json_get_string (dispatch, "incident_id");
  JsonObject *incident = incident_id != NULL ? dozor_situation_get_entity (situation, "incident", incident_id) : NULL;
  g_autofree char *words = incident_id != NULL ? dozor_event_incident_words (incident)
                                                : g_strdup (dozor_event_place_words (dispatch));

  if (created)
    /* TRANSLATORS: a unit's call sign, then the incident it was sent to */
    return g_strdup_printf (_("%s dispatched — %s"), call_sign (situation, unit_id), words);
  if (g_strcmp0 (dozor_json_get_string (dispatch, "status"), "cancelled") == 0)
    /* TRANSLATORS: a unit's call sign, then the incident it was called back from */
    return g_strdup_printf (_("%s recalled — %s"), call_sign (situation, unit_id), words);
  return NULL;
}

/* A citizen who calls again about an incident (docs/api.md, "Repeated
 * calls"): the rules judge a shift by these, so the room hears of each. */
static char *
describe_call (DozorSituation *situation,
               JsonObject     *call)
{
  const char *incident_id = dozor_json_get_string (call, "incident_id");
  JsonObject *incident = incident_id != NULL ? dozor_situation_get_entity (situation, "incident", incident_id) : NULL;
  g_autofree char *words = NULL;

  if (incident == NULL)
    return NULL;
  words = dozor_event_incident_words (incident);
  /* TRANSLATORS: the incident a citizen called about again */
  return g_strdup_printf (_("Repeated call — %s"), words);
}

/**
 * dozor_event_describe:
 * @situation: the board's situation *before* the event is applied, which
 *   knows the unit's call sign, its incident and its status until now
 * @event: an event from the stream (docs/api.md)
 * @zone: the room's time zone, for the time the sentence starts with
 *
 * Says what happened in a sentence a duty shift reads at a glance: a new
 * call, a repeated call, a unit sent, a unit arrived, a unit called back,
 * an incident closed, a plan activated, all its posts covered, closed.
 * Positions and the rest are not news and give %NULL.
 *
 * Returns: (transfer full) (nullable): "HH:MM sentence", or %NULL
 */
char *
dozor_event_describe (DozorSituation *situation,
                      JsonObject     *event,
                      GTimeZone      *zone)
{
  const char *type, *time_text;
  g_autofree char *sentence = NULL;
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *clock = NULL;

  g_return_val_if_fail (DOZOR_IS_SITUATION (situation), NULL);
  g_return_val_if_fail (event != NULL, NULL);
  g_return_val_if_fail (zone != NULL, NULL);

  type = dozor_json_get_string (event, "type");
  if (g_strcmp0 (type, "unit.updated") == 0 && member (event, "unit") != NULL)
    sentence = describe_unit (situation, member (event, "unit"));
  else if (g_str_has_prefix (type != NULL ? type : "", "incident.") && member (event, "incident") != NULL)
    sentence = describe_incident (situation, member (event, "incident"), g_str_equal (type, "incident.created"));
  else if (g_str_has_prefix (type != NULL ? type : "", "dispatch.") && member (event, "dispatch") != NULL)
    sentence = describe_dispatch (situation, member (event, "dispatch"), g_str_equal (type, "dispatch.created"));
  else if (g_strcmp0 (type, "call.attached") == 0 && member (event, "call") != NULL)
    sentence = describe_call (situation, member (event, "call"));
  else if (g_str_has_prefix (type != NULL ? type : "", "plan.") && member (event, "plan") != NULL)
    sentence = dozor_plan_describe_event (dozor_situation_get_entity (situation, "plan",
                                                                      dozor_json_get_string (member (event, "plan"), "id")),
                                          member (event, "plan"), type);
  if (sentence == NULL)
    return NULL;

  time_text = dozor_json_get_string (event, "time");
  time = time_text != NULL ? g_date_time_new_from_iso8601 (time_text, NULL) : NULL;
  if (time == NULL)
    return g_steal_pointer (&sentence);
  local = g_date_time_to_timezone (time, zone);
  /* The locale's clock, as the wall's big clock beside the ticker. */
  clock = dozor_format_local_clock (local, FALSE);
  return g_strdup_printf ("%s %s", clock, sentence);
}
