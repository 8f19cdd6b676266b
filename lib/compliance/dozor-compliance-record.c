/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the compliance monitor reports: plain data, copied freely, so that
 * a worker can hand records to the main loop (or to the store) and forget
 * them.
 */
#include "config.h"

#include "dozor-compliance-record.h"

G_DEFINE_BOXED_TYPE (DozorComplianceRecord, dozor_compliance_record,
                     dozor_compliance_record_copy, dozor_compliance_record_free)

/**
 * dozor_compliance_record_new:
 * @kind: what happened
 * @unit_id: the unit
 * @route_id: its route or post
 *
 * Returns: (transfer full): a record with every time and distance 0 and no
 *   stretch
 */
DozorComplianceRecord *
dozor_compliance_record_new (DozorComplianceKind  kind,
                             const char          *unit_id,
                             const char          *route_id)
{
  DozorComplianceRecord *record = g_new0 (DozorComplianceRecord, 1);

  g_return_val_if_fail (unit_id != NULL, NULL);
  g_return_val_if_fail (route_id != NULL, NULL);

  record->kind = kind;
  record->unit_id = g_strdup (unit_id);
  record->route_id = g_strdup (route_id);
  record->end_reason = DOZOR_COMPLIANCE_END_NONE;
  return record;
}

/**
 * dozor_compliance_record_copy:
 * @record: a record
 *
 * Returns: (transfer full): a deep copy, stretch included
 */
DozorComplianceRecord *
dozor_compliance_record_copy (const DozorComplianceRecord *record)
{
  DozorComplianceRecord *copy = g_memdup2 (record, sizeof *record);

  copy->unit_id = g_strdup (record->unit_id);
  copy->route_id = g_strdup (record->route_id);
  if (record->stretch != NULL)
    {
      copy->stretch = g_array_sized_new (FALSE, FALSE, sizeof (DozorCompliancePosition), record->stretch->len);
      g_array_append_vals (copy->stretch, record->stretch->data, record->stretch->len);
    }
  return copy;
}

/**
 * dozor_compliance_record_free:
 * @record: (transfer full): a record
 */
void
dozor_compliance_record_free (DozorComplianceRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->unit_id);
  g_free (record->route_id);
  g_clear_pointer (&record->stretch, g_array_unref);
  g_free (record);
}

/**
 * dozor_compliance_record_get_duration:
 * @record: an ended deviation or a gap
 *
 * Returns: how long it lasted, microseconds; 0 for a started deviation
 */
gint64
dozor_compliance_record_get_duration (const DozorComplianceRecord *record)
{
  g_return_val_if_fail (record != NULL, 0);

  return record->end > record->start ? record->end - record->start : 0;
}

/**
 * dozor_compliance_end_to_string:
 * @reason: why a deviation ended
 *
 * Returns: the word the proposed `deviation.ended` event carries as its
 *   `reason` (docs/decisions.md, "Route compliance")
 */
const char *
dozor_compliance_end_to_string (DozorComplianceEnd reason)
{
  switch (reason)
    {
    case DOZOR_COMPLIANCE_END_RETURNED:
      return "returned";
    case DOZOR_COMPLIANCE_END_GAP:
      return "gap";
    case DOZOR_COMPLIANCE_END_DISPATCHED:
      return "dispatched";
    case DOZOR_COMPLIANCE_END_SHIFT:
      return "shift_end";
    case DOZOR_COMPLIANCE_END_CHANGED:
      return "changed";
    case DOZOR_COMPLIANCE_END_NONE:
    default:
      return "none";
    }
}
