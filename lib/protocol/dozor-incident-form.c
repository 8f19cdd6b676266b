/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A citizen's report as typed by an operator, checked field by field
 * against the wire contract before it becomes a command, so every problem
 * is named at its field and in words, all of them at once: under pressure
 * nobody wants to fix one mistake only to be shown the next.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "dozor-geo.h"
#include "dozor-incident-form.h"
#include "dozor-labels.h"

G_DEFINE_QUARK (dozor-incident-form-error-quark, dozor_incident_form_error)

static gboolean
parse_degrees (const char *text,
               double     *value)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  char *end = NULL;

  if (*copy == '\0')
    return FALSE;
  /* A decimal comma, as Kazakh and Russian write it, inside one number. */
  for (char *c = copy; *c != '\0'; c++)
    if (*c == ',')
      *c = '.';
  *value = g_ascii_strtod (copy, &end);
  return end != copy && *end == '\0' && isfinite (*value);
}

/**
 * dozor_format_lat_lon:
 * @lat: latitude
 * @lon: longitude
 * @digits: decimals to show, at most 9
 *
 * A place as the board shows it and dozor_parse_lat_lon() reads it back:
 * "43.22243, 76.88268", with decimal points whatever the user's locale
 * (Kazakh and Russian ones would write commas, and "43,22243, 76,88268"
 * reads as four numbers).
 *
 * Returns: (transfer full): the text
 */
char *
dozor_format_lat_lon (double lat,
                      double lon,
                      guint  digits)
{
  char format[8];
  char lat_text[G_ASCII_DTOSTR_BUF_SIZE], lon_text[G_ASCII_DTOSTR_BUF_SIZE];

  g_snprintf (format, sizeof format, "%%.%uf", MIN (digits, 9));
  return g_strdup_printf ("%s, %s", g_ascii_formatd (lat_text, sizeof lat_text, format, lat),
                          g_ascii_formatd (lon_text, sizeof lon_text, format, lon));
}

/**
 * dozor_parse_lat_lon:
 * @text: "43.2389, 76.9453", "43.2389 76.9453" or "43,2389; 76,9453"
 * @lat: (out): latitude
 * @lon: (out): longitude
 *
 * Returns: whether @text holds a latitude and a longitude in range, in
 *   that order
 */
gboolean
dozor_parse_lat_lon (const char *text,
                     double     *lat,
                     double     *lon)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *copy = NULL;

  if (text == NULL)
    return FALSE;

  copy = g_strstrip (g_strdup (text));
  /* A semicolon or blank separates the two when commas are decimal. */
  if (strchr (copy, ';') != NULL)
    parts = g_strsplit (copy, ";", -1);
  else if (g_strrstr (copy, ", ") != NULL)
    parts = g_strsplit (copy, ", ", -1);
  else if (strchr (copy, ' ') != NULL)
    parts = g_strsplit_set (copy, " \t", -1);
  else
    parts = g_strsplit (copy, ",", -1);

  /* Blanks between the numbers split into empty parts: drop them. */
  {
    guint n = 0;

    for (guint i = 0; parts[i] != NULL; i++)
      if (*g_strstrip (parts[i]) != '\0')
        {
          char *kept = parts[i];

          parts[i] = NULL;
          parts[n++] = kept;
        }
      else
        g_clear_pointer (&parts[i], g_free);
    parts[n] = NULL;
  }

  return g_strv_length (parts) == 2 && parse_degrees (parts[0], lat) && parse_degrees (parts[1], lon) &&
         dozor_geo_is_valid_lat_lon (*lat, *lon);
}

static void
add_error (GPtrArray              *errors,
           DozorIncidentFormError  code,
           const char             *message)
{
  g_ptr_array_add (errors, g_error_new_literal (DOZOR_INCIDENT_FORM_ERROR, code, message));
}

static void
check_text (GPtrArray              *errors,
            DozorIncidentFormError  code,
            const char             *text,
            glong                   max_chars,
            const char             *too_long)
{
  if (text != NULL && (!g_utf8_validate (text, -1, NULL) || g_utf8_strlen (text, -1) > max_chars))
    add_error (errors, code, too_long);
}

static gboolean
is_phone (const char *text)
{
  guint digits = 0;

  for (const char *c = text; *c != '\0'; c++)
    {
      if (g_ascii_isdigit (*c))
        digits++;
      else if (strchr ("+-() ", *c) == NULL)
        return FALSE;
    }
  return digits >= 2;
}

/**
 * dozor_incident_form_check:
 * @form: what the operator typed
 *
 * Returns: (transfer full) (element-type GError): every problem, each a
 *   #DozorIncidentFormError naming its field; empty when the form is good
 */
GPtrArray *
dozor_incident_form_check (const DozorIncidentForm *form)
{
  GPtrArray *errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  double lat, lon;
  gboolean known_type = FALSE;

  if (form->location == NULL || *form->location == '\0')
    add_error (errors, DOZOR_INCIDENT_FORM_ERROR_LOCATION,
               _("Where did it happen? Click the scene on the map, or type its latitude and longitude"));
  else if (!dozor_parse_lat_lon (form->location, &lat, &lon))
    add_error (errors, DOZOR_INCIDENT_FORM_ERROR_LOCATION,
               _("The location must be a latitude (−90…90) and a longitude (−180…180), such as 43.2389, 76.9453"));

  for (const char *const *type = dozor_incident_types (); *type != NULL; type++)
    known_type |= g_strcmp0 (form->type, *type) == 0;
  if (!known_type)
    add_error (errors, DOZOR_INCIDENT_FORM_ERROR_TYPE, _("Choose what happened"));

  if (form->priority < 1 || form->priority > 4)
    add_error (errors, DOZOR_INCIDENT_FORM_ERROR_PRIORITY, _("The priority is 1 (most urgent) to 4"));

  check_text (errors, DOZOR_INCIDENT_FORM_ERROR_ADDRESS, form->address, DOZOR_INCIDENT_ADDRESS_MAX,
              _("The address is longer than 256 characters"));
  check_text (errors, DOZOR_INCIDENT_FORM_ERROR_CALLER_NAME, form->caller_name, DOZOR_INCIDENT_CALLER_NAME_MAX,
              _("The caller's name is longer than 128 characters"));
  check_text (errors, DOZOR_INCIDENT_FORM_ERROR_DESCRIPTION, form->description, DOZOR_INCIDENT_DESCRIPTION_MAX,
              _("The description is longer than 2000 characters"));
  if (form->caller_phone != NULL && *form->caller_phone != '\0' &&
      (g_utf8_strlen (form->caller_phone, -1) > DOZOR_INCIDENT_CALLER_PHONE_MAX || !is_phone (form->caller_phone)))
    add_error (errors, DOZOR_INCIDENT_FORM_ERROR_CALLER_PHONE,
               _("The phone number may hold digits, spaces, +, - and brackets, at most 32 characters"));

  return errors;
}

static void
add_text (JsonBuilder *builder,
          const char  *name,
          const char  *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));

  if (*stripped == '\0')
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, stripped);
}

/**
 * dozor_incident_form_to_json:
 * @form: what the operator typed
 * @error: return location for the first problem
 *
 * Returns: (transfer full) (nullable): the body of `POST /incidents`
 */
JsonNode *
dozor_incident_form_to_json (const DozorIncidentForm  *form,
                             GError                  **error)
{
  g_autoptr(GPtrArray) errors = dozor_incident_form_check (form);
  g_autoptr(JsonBuilder) builder = NULL;
  double lat, lon;

  if (errors->len > 0)
    {
      g_propagate_error (error, g_error_copy (errors->pdata[0]));
      return NULL;
    }

  dozor_parse_lat_lon (form->location, &lat, &lon);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, form->type);
  json_builder_set_member_name (builder, "priority");
  json_builder_add_int_value (builder, form->priority);
  json_builder_set_member_name (builder, "location");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "lat");
  json_builder_add_double_value (builder, round (lat * 1e7) / 1e7);
  json_builder_set_member_name (builder, "lon");
  json_builder_add_double_value (builder, round (lon * 1e7) / 1e7);
  json_builder_end_object (builder);
  add_text (builder, "address", form->address);
  add_text (builder, "caller_name", form->caller_name);
  add_text (builder, "caller_phone", form->caller_phone);
  add_text (builder, "description", form->description);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
