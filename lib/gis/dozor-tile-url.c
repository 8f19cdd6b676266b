/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "dozor-tile-url.h"

/* Long enough for any real tile server with an API key in the query. */
#define MAX_TILE_URL_LENGTH 2048

static gboolean
is_host_name (const char *host)
{
  g_autofree char *ascii = NULL;

  if (host == NULL || *host == '\0')
    return FALSE;
  if (g_hostname_is_ip_address (host))
    return TRUE;

  /* Internationalised names are fine once in their ASCII form; what remains
   * must be letters, digits, hyphens and dots. */
  ascii = g_hostname_to_ascii (host);
  if (ascii == NULL)
    return FALSE;
  for (const char *p = ascii; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;

  return TRUE;
}

/**
 * dozor_tile_url_validate:
 * @url_template: an XYZ tile URL such as `https://tiles.example/{z}/{x}/{y}.png`
 * @error: return location for a #GError
 *
 * Checks a tile server address before the board uses it, so that a typo in
 * the preferences gives a message instead of a silently blank map
 * (libshumate drops download errors without telling anyone).
 *
 * Returns: %TRUE if the template can be used
 */
gboolean
dozor_tile_url_validate (const char  *url_template,
                         GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *expanded = NULL;
  GString *text;
  const char *scheme;

  if (url_template == NULL || *url_template == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("No tile server address is set"));
      return FALSE;
    }

  if (strlen (url_template) > MAX_TILE_URL_LENGTH || !g_utf8_validate (url_template, -1, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The tile server address is not a valid URL"));
      return FALSE;
    }

  if (strstr (url_template, "{x}") == NULL ||
      strstr (url_template, "{y}") == NULL ||
      strstr (url_template, "{z}") == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The tile server address must contain {z}, {x} and {y}"));
      return FALSE;
    }

  text = g_string_new (url_template);
  g_string_replace (text, "{x}", "1", 0);
  g_string_replace (text, "{y}", "1", 0);
  g_string_replace (text, "{z}", "1", 0);
  expanded = g_string_free (text, FALSE);

  uri = g_uri_parse (expanded, G_URI_FLAGS_NONE, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The tile server address is not a valid URL: %s"), local_error->message);
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Tile servers are reached over http or https, not “%s”"), scheme);
      return FALSE;
    }

  if (!is_host_name (g_uri_get_host (uri)))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The tile server address has no valid host name"));
      return FALSE;
    }

  return TRUE;
}
