/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The words the board shows for the wire contract's codes (docs/api.md),
 * in one place, so that the map, the lists and the dialogs say the same.
 * A code this board does not know is shown as it came: a newer server must
 * not make an older board hide something.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "dozor-labels.h"

typedef struct
{
  const char *code;
  const char *label;
} Label;

static const Label incident_types[] = {
  { "theft", N_("Theft") },
  { "robbery", N_("Robbery") },
  { "assault", N_("Assault") },
  { "domestic", N_("Domestic") },
  { "traffic_accident", N_("Traffic accident") },
  { "public_disorder", N_("Public disorder") },
  { "missing_person", N_("Missing person") },
  { "fraud", N_("Fraud") },
  { "vandalism", N_("Vandalism") },
  { "suspicious", N_("Suspicious activity") },
  { "other", N_("Other") },
};

static const Label incident_statuses[] = {
  { "new", N_("New") },
  { "dispatched", N_("Dispatched") },
  { "on_scene", N_("On scene") },
  { "closed", N_("Closed") },
};

static const Label unit_statuses[] = {
  { "available", N_("Available") },
  { "dispatched", N_("Dispatched") },
  { "en_route", N_("En route") },
  { "on_scene", N_("On scene") },
  { "busy", N_("Busy") },
  { "off_duty", N_("Off duty") },
};

static const char *
lookup (const Label *labels,
        gsize        n_labels,
        const char  *code)
{
  for (gsize i = 0; i < n_labels; i++)
    if (g_strcmp0 (labels[i].code, code) == 0)
      return g_dgettext (GETTEXT_PACKAGE, labels[i].label);
  return code != NULL ? code : "";
}

/**
 * dozor_incident_types:
 *
 * Returns: (transfer none): the incident types of the wire contract, in the
 *   order an operator picks from
 */
const char *const *
dozor_incident_types (void)
{
  static const char *const types[] = {
    "theft", "robbery", "assault", "domestic", "traffic_accident", "public_disorder",
    "missing_person", "fraud", "vandalism", "suspicious", "other", NULL,
  };

  return types;
}

const char *
dozor_incident_type_label (const char *type)
{
  return lookup (incident_types, G_N_ELEMENTS (incident_types), type);
}

const char *
dozor_incident_status_label (const char *status)
{
  return lookup (incident_statuses, G_N_ELEMENTS (incident_statuses), status);
}

const char *
dozor_unit_status_label (const char *status)
{
  return lookup (unit_statuses, G_N_ELEMENTS (unit_statuses), status);
}

/**
 * dozor_priority_label:
 * @priority: 1 (most urgent) to 4
 *
 * Returns: (transfer none): the priority in words
 */
const char *
dozor_priority_label (gint64 priority)
{
  static const char *const labels[] = {
    N_("Priority 1 — immediate"),
    N_("Priority 2 — urgent"),
    N_("Priority 3 — normal"),
    N_("Priority 4 — low"),
  };

  if (priority < 1 || priority > 4)
    return _("Priority unknown");
  return g_dgettext (GETTEXT_PACKAGE, labels[priority - 1]);
}

/**
 * dozor_readiness_levels:
 *
 * Returns: (transfer none): the degrees of readiness, lowest first
 */
const char *const *
dozor_readiness_levels (void)
{
  static const char *const levels[] = { "normal", "raised", "high", "full", NULL };

  return levels;
}

/**
 * dozor_readiness_label:
 * @level: a degree of readiness, as the server names it
 *
 * Returns: (transfer none): its name for people
 */
const char *
dozor_readiness_label (const char *level)
{
  if (g_strcmp0 (level, "normal") == 0)
    return _("Normal readiness");
  if (g_strcmp0 (level, "raised") == 0)
    return _("Raised readiness");
  if (g_strcmp0 (level, "high") == 0)
    return _("High readiness");
  if (g_strcmp0 (level, "full") == 0)
    return _("Full readiness");
  return level;
}

/**
 * dozor_unbroken:
 * @text: a number and its unit, as a catalogue wrote it ("57 с")
 *
 * The same with no-break spaces (U+00A0) in place of plain ones, whatever
 * the translation wrote: a label that wraps must not leave a unit alone on
 * the next line (on the wall a line broke between "57" and "с"; in the
 * desk's narrow sidebar "16" and "min" parted the same way).
 *
 * Returns: (transfer full): the text held together
 */
char *
dozor_unbroken (const char *text)
{
  g_auto(GStrv) words = g_strsplit (text, " ", -1);

  return g_strjoinv ("\xc2\xa0", words);
}

/**
 * dozor_format_age:
 * @microseconds: how long ago
 *
 * Every age and duration the boards show goes through here, so that the
 * number and its unit never part (dozor_unbroken()).
 *
 * Returns: (transfer full): "12 s", "3 min", "2 h": short enough for a
 *   list row and the header
 */
char *
dozor_format_age (gint64 microseconds)
{
  gint64 seconds = MAX (microseconds / G_USEC_PER_SEC, 0);
  g_autofree char *text = NULL;

  if (seconds < 120)
    text = g_strdup_printf (_("%d s"), (int) seconds);
  else if (seconds < 2 * 3600)
    text = g_strdup_printf (_("%d min"), (int) (seconds / 60));
  else
    text = g_strdup_printf (_("%d h"), (int) (seconds / 3600));
  return dozor_unbroken (text);
}

/**
 * dozor_format_minutes:
 * @minutes: a whole number of minutes, such as a driving time
 *
 * Returns: (transfer full): "7 min", held together
 */
char *
dozor_format_minutes (int minutes)
{
  g_autofree char *text = g_strdup_printf (_("%d min"), minutes);

  return dozor_unbroken (text);
}

/**
 * dozor_format_distance:
 * @metres: a distance
 *
 * Returns: (transfer full): "600 m" below a kilometre, "1.4 km" from
 *   there, in the locale's numbers and held together
 */
char *
dozor_format_distance (double metres)
{
  g_autofree char *text = NULL;

  if (metres < 1000)
    text = g_strdup_printf (_("%.0f m"), metres);
  else
    text = g_strdup_printf (_("%.1f km"), metres / 1000);
  return dozor_unbroken (text);
}

/**
 * dozor_dispatch_question_text:
 * @number: the incident's number
 * @type: its type, as on the wire
 * @address: (nullable): its address; may be empty
 * @priority: its priority
 * @warning: (nullable): a paragraph to add, starting with its blank line
 *
 * The body of the question before a dispatch: where the unit is sent.
 * An incident without an address leaves the address out, not a stray
 * comma ("Traffic accident, . Priority 2").
 *
 * Returns: (transfer full): the text
 */
char *
dozor_dispatch_question_text (const char *number,
                              const char *type,
                              const char *address,
                              gint64      priority,
                              const char *warning)
{
  g_autofree char *place = g_strstrip (g_strdup (address != NULL ? address : ""));

  if (warning == NULL)
    warning = "";
  if (*place == '\0')
    /* Translators: the confirmation of a dispatch to an incident without an address: its number, type, priority, and a warning if any */
    return g_strdup_printf (_("To %s, %s. %s.%s"), number, dozor_incident_type_label (type),
                            dozor_priority_label (priority), warning);
  /* Translators: the confirmation: incident number, type, address, priority, and a warning if any */
  return g_strdup_printf (_("To %s, %s, %s. %s.%s"), number, dozor_incident_type_label (type), place,
                          dozor_priority_label (priority), warning);
}

/**
 * dozor_unit_sentence:
 * @call_sign: the unit's call sign
 * @status: its status code
 * @fix_age: microseconds since its last fix, or -1 if it has none
 *
 * What a screen reader says of a unit, in a list row or selected on the
 * map: everything its symbol shows, in words.
 *
 * Returns: (transfer full): "Барыс-12, Available, position 2 min old"
 */
char *
dozor_unit_sentence (const char *call_sign,
                     const char *status,
                     gint64      fix_age)
{
  g_autofree char *age = NULL;

  if (fix_age < 0)
    /* Translators: a unit's call sign and status, for a screen reader */
    return g_strdup_printf (_("%s, %s, no position yet"), call_sign, dozor_unit_status_label (status));
  age = dozor_format_age (fix_age);
  /* Translators: a unit's call sign, status and how old its position is
   * ("2 min"), for a screen reader */
  return g_strdup_printf (_("%s, %s, position %s old"), call_sign, dozor_unit_status_label (status), age);
}

/**
 * dozor_incident_sentence:
 * @number: the duty log number
 * @type: the type code
 * @priority: 1 (immediate) to 4
 * @status: the status code
 * @age: microseconds since it was registered
 *
 * What a screen reader says of an incident, in the queue or on the map.
 *
 * Returns: (transfer full): "Incident 20261206-0001, Theft, Priority 2 —
 *   urgent, New, 3 min ago"
 */
char *
dozor_incident_sentence (const char *number,
                         const char *type,
                         gint64      priority,
                         const char *status,
                         gint64      age)
{
  g_autofree char *ago = dozor_format_age (MAX (age, 0));

  /* Translators: an incident's number, type, priority, status and how long
   * ago it was registered ("3 min"), for a screen reader */
  return g_strdup_printf (_("Incident %s, %s, %s, %s, %s ago"), number, dozor_incident_type_label (type),
                          dozor_priority_label (priority), dozor_incident_status_label (status), ago);
}
