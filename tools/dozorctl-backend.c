/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozorctl's way to the backend: log in with a credentials file, then plain
 * requests. A command that creates gets one Idempotency-Key for all its
 * attempts, so a retry after a lost answer is applied once.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dozor-json.h"
#include "dozor-sync-client.h"
#include "dozorctl.h"

/* Snapshots and incident lists of a city are a few MiB; tracks of a day
 * fewer. Anything larger is not a Dozor backend talking. */
#define MAX_ANSWER (256 * 1024 * 1024)
#define ATTEMPTS 3

void
dozorctl_backend_free (DozorctlBackend *backend)
{
  if (backend == NULL)
    return;
  g_clear_object (&backend->session);
  g_free (backend->base_url);
  if (backend->token != NULL)
    explicit_bzero (backend->token, strlen (backend->token));
  g_free (backend->token);
  g_free (backend);
}

/* The answer as JSON, or with @text, a 2xx answer's body as a string
 * node (CSV); refusals are JSON either way. */
static JsonNode *
send_as (DozorctlBackend  *backend,
         const char       *method,
         const char       *path,
         const char       *body,
         const char       *key,
         gboolean          text,
         GError          **error)
{
  g_autofree char *uri = g_strconcat (backend->base_url, path, NULL);
  g_autoptr(GError) last_error = NULL;

  for (guint attempt = 0; attempt < ATTEMPTS; attempt++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
      g_autoptr(GBytes) answer = NULL;
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(GError) local_error = NULL;
      const char *data;
      gsize length;
      guint status;

      if (msg == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("“%s” is not a URL"), uri);
          return NULL;
        }

      if (backend->token != NULL)
        {
          g_autofree char *header = g_strconcat ("Bearer ", backend->token, NULL);

          soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
        }
      if (key != NULL)
        soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", key);
      if (body != NULL)
        {
          g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));

          soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
        }

      answer = soup_session_send_and_read (backend->session, msg, NULL, &local_error);
      if (answer == NULL)
        {
          /* No answer: the backend may or may not have applied it; the
           * same key makes asking again safe. */
          g_clear_error (&last_error);
          last_error = g_steal_pointer (&local_error);
          if (attempt + 1 < ATTEMPTS)
            g_usleep (G_USEC_PER_SEC);
          continue;
        }

      status = soup_message_get_status (msg);
      data = g_bytes_get_data (answer, &length);
      if (text && status >= 200 && status < 300)
        {
          g_autofree char *copy = g_strndup (data, length);

          if (!g_utf8_validate (copy, -1, NULL))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s answered text that is not UTF-8"),
                           backend->base_url);
              return NULL;
            }
          return json_node_init_string (json_node_alloc (), copy);
        }
      root = length > 0 ? dozor_json_parse (data, length, MAX_ANSWER, &local_error) : NULL;

      if (status >= 200 && status < 300 && root != NULL)
        return g_steal_pointer (&root);

      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        {
          JsonObject *object = json_node_get_object (root);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s answered %u: %s"), backend->base_url, status,
                       json_object_get_string_member_with_default (object, "message",
                         json_object_get_string_member_with_default (object, "code", "")));
        }
      else
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s answered %u %s, which is not a Dozor backend's answer"),
                       backend->base_url, status, soup_message_get_reason_phrase (msg));
        }
      return NULL;
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, _("%s does not answer: %s"),
               backend->base_url, last_error->message);
  return NULL;
}

static JsonNode *
send (DozorctlBackend  *backend,
      const char       *method,
      const char       *path,
      const char       *body,
      const char       *key,
      GError          **error)
{
  return send_as (backend, method, path, body, key, FALSE, error);
}

/**
 * dozorctl_backend_connect:
 * @url: the backend, such as http://127.0.0.1:8470
 * @credentials: a private file: user name, then password
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a logged-in backend, or %NULL with @error set
 */
DozorctlBackend *
dozorctl_backend_connect (const char  *url,
                          const char  *credentials,
                          GError     **error)
{
  g_autoptr(DozorctlBackend) backend = g_new0 (DozorctlBackend, 1);
  g_autofree char *username = NULL;
  g_autofree char *password = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) request = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *body = NULL;
  const char *token;

  if (!dozor_read_credentials (credentials, &username, &password, error))
    return NULL;

  backend->session = soup_session_new_with_options ("timeout", 120, "user-agent", "dozorctl/" PACKAGE_VERSION, NULL);
  backend->base_url = g_strdup (url);
  while (g_str_has_suffix (backend->base_url, "/"))
    backend->base_url[strlen (backend->base_url) - 1] = '\0';

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);
  body = json_to_string (request, FALSE);
  explicit_bzero (password, strlen (password));

  answer = send (backend, "POST", "/api/v1/session", body, NULL, error);
  explicit_bzero (body, strlen (body));
  if (answer == NULL)
    return NULL;

  token = JSON_NODE_HOLDS_OBJECT (answer)
          ? json_object_get_string_member_with_default (json_node_get_object (answer), "token", NULL) : NULL;
  if (token == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s gave no token"), backend->base_url);
      return NULL;
    }

  backend->token = g_strdup (token);
  return g_steal_pointer (&backend);
}

JsonNode *
dozorctl_backend_get (DozorctlBackend  *backend,
                      const char       *path,
                      GError          **error)
{
  return send (backend, "GET", path, NULL, NULL, error);
}

/**
 * dozorctl_backend_get_text:
 * @backend: a logged-in backend
 * @path: such as /api/v1/roster/export
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the answer's body, text that is not JSON, or
 *   %NULL with @error set
 */
char *
dozorctl_backend_get_text (DozorctlBackend  *backend,
                           const char       *path,
                           GError          **error)
{
  g_autoptr(JsonNode) answer = send_as (backend, "GET", path, NULL, NULL, TRUE, error);

  return answer != NULL ? g_strdup (json_node_get_string (answer)) : NULL;
}

/**
 * dozorctl_backend_post:
 * @backend: a logged-in backend
 * @path: such as /api/v1/imports
 * @body: JSON text
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the answer, or %NULL with @error set
 */
JsonNode *
dozorctl_backend_post (DozorctlBackend  *backend,
                       const char       *path,
                       const char       *body,
                       GError          **error)
{
  g_autofree char *key = g_uuid_string_random ();

  return send (backend, "POST", path, body, key, error);
}

/**
 * dozorctl_parse_options:
 * @context: the subcommand's options
 * @command: its name, for messages
 * @argc: (inout): arguments
 * @argv: (inout): arguments
 *
 * Returns: whether the options were understood; else a message is printed
 */
gboolean
dozorctl_parse_options (GOptionContext   *context,
                        const char       *command,
                        int              *argc,
                        char           ***argv)
{
  g_autoptr(GError) error = NULL;

  if (g_option_context_parse (context, argc, argv, &error))
    return TRUE;

  g_printerr ("dozorctl %s: %s\n", command, error->message);
  return FALSE;
}
