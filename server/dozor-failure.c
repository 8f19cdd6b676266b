/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What dozord answers when a request fails: the status and stable code of
 * docs/api.md for an error, and the message a client may read of it.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-failure.h"
#include "dozor-json.h"
#include "dozor-store.h"

/**
 * dozor_failure_status:
 * @error: (nullable): why a request failed
 * @code: (out): the stable code of docs/api.md
 *
 * The HTTP status and stable code for an error from the store or the JSON
 * boundary. A failure that set no error is a bug in dozord: it is answered
 * 500, never dereferenced.
 *
 * Returns: the HTTP status
 */
guint
dozor_failure_status (const GError  *error,
                      const char   **code)
{
  if (error == NULL)
    {
      *code = "internal";
      return 500;
    }

  if (error->domain == DOZOR_STORE_ERROR)
    switch (error->code)
      {
      case DOZOR_STORE_ERROR_INVALID: *code = "invalid_field"; return 422;
      case DOZOR_STORE_ERROR_NOT_FOUND: *code = "not_found"; return 404;
      case DOZOR_STORE_ERROR_CONFLICT: *code = "conflict"; return 409;
      case DOZOR_STORE_ERROR_STALE: *code = "stale_version"; return 412;
      case DOZOR_STORE_ERROR_UNAUTHORIZED: *code = "unauthorized"; return 401;
      default: break;
      }

  if (error->domain == DOZOR_JSON_ERROR)
    switch (error->code)
      {
      case DOZOR_JSON_ERROR_TOO_LARGE: *code = "too_large"; return 413;
      case DOZOR_JSON_ERROR_TOO_DEEP: *code = "too_deep"; return 400;
      case DOZOR_JSON_ERROR_INVALID_FIELD: *code = "invalid_field"; return 422;
      default: *code = "invalid_json"; return 400;
      }

  *code = "unavailable";
  return 503;
}

/**
 * dozor_failure_message:
 * @error: (nullable): why a request failed
 * @status: what dozor_failure_status() answered for it
 *
 * What a client may read of a failure. Refusals (4xx) are written for it;
 * a failure of dozord itself may hold SQLite's words, file paths or source
 * locations, which go to the server's log only.
 *
 * Returns: the message to send
 */
const char *
dozor_failure_message (const GError *error,
                       guint         status)
{
  if (status < 500 && error != NULL)
    return error->message;

  if (error == NULL)
    {
      g_warning ("A request failed without saying why: answered 500");
      return _("dozord could not handle this request; its log says more");
    }

  g_warning ("A request failed: %s (%s %d)", error->message, g_quark_to_string (error->domain), error->code);
  return _("The database could not be read or written; dozord's log says more");
}
