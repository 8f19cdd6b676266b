/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The wire contract's limits (docs/api.md), checked before sending so an
 * operator hears about them at the field, not as a refusal later. */
#define DOZOR_INCIDENT_ADDRESS_MAX 256
#define DOZOR_INCIDENT_CALLER_NAME_MAX 128
#define DOZOR_INCIDENT_CALLER_PHONE_MAX 32
#define DOZOR_INCIDENT_DESCRIPTION_MAX 2000

#define DOZOR_INCIDENT_FORM_ERROR (dozor_incident_form_error_quark ())

/**
 * DozorIncidentFormError:
 * @DOZOR_INCIDENT_FORM_ERROR_LOCATION: where it happened
 * @DOZOR_INCIDENT_FORM_ERROR_TYPE: what happened
 * @DOZOR_INCIDENT_FORM_ERROR_PRIORITY: how urgent
 * @DOZOR_INCIDENT_FORM_ERROR_ADDRESS: the address text
 * @DOZOR_INCIDENT_FORM_ERROR_CALLER_NAME: who called
 * @DOZOR_INCIDENT_FORM_ERROR_CALLER_PHONE: their number
 * @DOZOR_INCIDENT_FORM_ERROR_DESCRIPTION: what they said
 *
 * Which field is wrong: the code names it, so a dialog can mark it.
 */
typedef enum
{
  DOZOR_INCIDENT_FORM_ERROR_LOCATION,
  DOZOR_INCIDENT_FORM_ERROR_TYPE,
  DOZOR_INCIDENT_FORM_ERROR_PRIORITY,
  DOZOR_INCIDENT_FORM_ERROR_ADDRESS,
  DOZOR_INCIDENT_FORM_ERROR_CALLER_NAME,
  DOZOR_INCIDENT_FORM_ERROR_CALLER_PHONE,
  DOZOR_INCIDENT_FORM_ERROR_DESCRIPTION,
} DozorIncidentFormError;

/**
 * DozorIncidentForm:
 * @type: a type code of the wire contract
 * @priority: 1 (most urgent) to 4
 * @location: the scene as typed, "LAT, LON"
 * @address: free text, may be empty
 * @caller_name: may be empty
 * @caller_phone: may be empty
 * @description: may be empty
 *
 * A citizen's report as an operator typed it, not yet checked.
 */
typedef struct
{
  const char *type;
  gint64 priority;
  const char *location;
  const char *address;
  const char *caller_name;
  const char *caller_phone;
  const char *description;
} DozorIncidentForm;

GQuark     dozor_incident_form_error_quark (void);
gboolean   dozor_parse_lat_lon             (const char              *text,
                                            double                  *lat,
                                            double                  *lon);
char      *dozor_format_lat_lon            (double                   lat,
                                            double                   lon,
                                            guint                    digits);
GPtrArray *dozor_incident_form_check       (const DozorIncidentForm *form);
JsonNode  *dozor_incident_form_to_json     (const DozorIncidentForm *form,
                                            GError                 **error);

G_END_DECLS
