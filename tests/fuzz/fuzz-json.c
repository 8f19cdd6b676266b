/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target over the JSON boundary and every command body: an
 * input's first byte chooses a route of docs/api.md, the rest is its body.
 * The body goes through dozor_json_parse() as dozord's does, and, when it
 * is an object, into the store call that route makes, in a transaction
 * that is rolled back, so every input meets the same database.
 *
 * What must hold whatever the bytes: the parser answers a tree or an
 * error, never both, never neither; what it accepts is RFC 8259 JSON,
 * written out here as a second, plain reading (issue 13, item 10: no
 * comments, single quotes, hexadecimal, leading zeros, lone surrogates);
 * every string of the tree is UTF-8
 * (the "validate every string once, at the boundary"); a store call answers an entity or a
 * GError with a message, never NULL without one (the crash of issue 13,
 * item 1); nothing crashes, hangs, leaks or logs a critical.
 *
 * Logging in (POST /session) hashes a password, far too slow to fuzz here:
 * its body is parsed and read, and fuzz-http takes it the whole way.
 */
#include "config.h"

#include <gio/gio.h>
#include <stdint.h>
#include <string.h>

#include "dozor-json.h"
#include "fuzz-world.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* dozord's request limit (DOZOR_SERVER_MAX_BODY); inputs stay far below. */
#define BODY_LIMIT (1024 * 1024)

typedef enum
{
  LOGIN,
  CREATE_UNIT,
  UPDATE_UNIT,
  CREATE_INCIDENT,
  UPDATE_INCIDENT,
  CREATE_DISPATCH,
  ADD_POSITIONS,
  SET_READINESS,
  CREATE_ZONE,
  UPDATE_ZONE,
  CREATE_ROUTE,
  UPDATE_ROUTE,
  CREATE_PLACE,
  UPDATE_PLACE,
  IMPORT,
  N_COMMANDS,
} Command;

/* Which entity a PATCH changes, and the table its version is in. */
static const struct
{
  FuzzEntity entity;
  const char *table;
} targets[N_COMMANDS] = {
  [UPDATE_UNIT] = { FUZZ_UNIT, "units" },
  [UPDATE_INCIDENT] = { FUZZ_INCIDENT, "incidents" },
  [UPDATE_ZONE] = { FUZZ_SECTOR, "zones" },
  [UPDATE_ROUTE] = { FUZZ_ROUTE, "routes" },
  [UPDATE_PLACE] = { FUZZ_PLACE, "places" },
};

static DozorStore *store;

/* --- RFC 8259, written out: what the boundary may accept ------------------ */

typedef struct
{
  const char *at;
  const char *end;
} Text;

static gboolean strict_value (Text *text);

static void
skip_space (Text *text)
{
  while (text->at < text->end && strchr (" \t\n\r", *text->at) != NULL && *text->at != '\0')
    text->at++;
}

static gboolean
take (Text *text,
      char  c)
{
  if (text->at < text->end && *text->at == c)
    {
      text->at++;
      return TRUE;
    }
  return FALSE;
}

static gboolean
take_digits (Text *text)
{
  const char *start = text->at;

  while (text->at < text->end && g_ascii_isdigit (*text->at))
    text->at++;
  return text->at > start;
}

static gboolean
strict_number (Text *text)
{
  take (text, '-');
  if (!take (text, '0') && !(text->at < text->end && *text->at >= '1' && *text->at <= '9' && take_digits (text)))
    return FALSE;
  if (take (text, '.') && !take_digits (text))
    return FALSE;
  if (take (text, 'e') || take (text, 'E'))
    {
      if (!take (text, '+'))
        take (text, '-');
      if (!take_digits (text))
        return FALSE;
    }
  return TRUE;
}

static gboolean
take_hex4 (Text    *text,
           guint32 *unit)
{
  *unit = 0;
  for (int i = 0; i < 4; i++)
    {
      if (text->at >= text->end || !g_ascii_isxdigit (*text->at))
        return FALSE;
      *unit = *unit << 4 | g_ascii_xdigit_value (*text->at++);
    }
  return TRUE;
}

/* A surrogate must come as a pair: alone it is no character (the issue's
 * item 1), whatever the grammar lets through. */
static gboolean
strict_string (Text *text)
{
  if (!take (text, '"'))
    return FALSE;
  while (text->at < text->end)
    {
      guchar c = *text->at++;
      guint32 unit, low;

      if (c == '"')
        return TRUE;
      if (c < 0x20)
        return FALSE;
      if (c != '\\')
        continue;
      if (text->at >= text->end)
        return FALSE;
      c = *text->at++;
      if (strchr ("\"\\/bfnrt", c) != NULL && c != '\0')
        continue;
      if (c != 'u' || !take_hex4 (text, &unit))
        return FALSE;
      if (unit >= 0xdc00 && unit <= 0xdfff)
        return FALSE;
      if (unit >= 0xd800 && unit <= 0xdbff &&
          (!take (text, '\\') || !take (text, 'u') || !take_hex4 (text, &low) || low < 0xdc00 || low > 0xdfff))
        return FALSE;
    }
  return FALSE;
}

static gboolean
strict_literal (Text       *text,
                const char *word)
{
  gsize length = strlen (word);

  if ((gsize) (text->end - text->at) < length || memcmp (text->at, word, length) != 0)
    return FALSE;
  text->at += length;
  return TRUE;
}

static gboolean
strict_container (Text *text,
                  char  close)
{
  skip_space (text);
  if (take (text, close))
    return TRUE;
  do
    {
      skip_space (text);
      if (close == '}' && (!strict_string (text) || (skip_space (text), !take (text, ':'))))
        return FALSE;
      if (!strict_value (text))
        return FALSE;
    }
  while (take (text, ','));
  return take (text, close);
}

static gboolean
strict_value (Text *text)
{
  gboolean ok;

  skip_space (text);
  if (text->at >= text->end)
    return FALSE;
  switch (*text->at)
    {
    case '{':
      text->at++;
      ok = strict_container (text, '}');
      break;
    case '[':
      text->at++;
      ok = strict_container (text, ']');
      break;
    case '"':
      ok = strict_string (text);
      break;
    case 't':
      ok = strict_literal (text, "true");
      break;
    case 'f':
      ok = strict_literal (text, "false");
      break;
    case 'n':
      ok = strict_literal (text, "null");
      break;
    default:
      ok = strict_number (text);
      break;
    }
  skip_space (text);
  return ok;
}

/* One JSON text and nothing else; a byte order mark may be ignored (RFC
 * 8259, 8.1). Only called on what parsed, so nesting is already bounded. */
static gboolean
strict_json (const char *data,
             gsize       length)
{
  Text text = { data, data + length };

  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    text.at += 3;
  return strict_value (&text) && text.at == text.end;
}

/* --- The target ------------------------------------------------------------ */

static void
assert_utf8_tree (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          {
            g_assert_true (g_utf8_validate (name, -1, NULL));
            assert_utf8_tree (member);
          }
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          assert_utf8_tree (json_array_get_element (array, i));
      }
      break;
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        g_assert_true (g_utf8_validate (json_node_get_string (node), -1, NULL));
      break;
    case JSON_NODE_NULL:
    default:
      break;
    }
}

static void
assert_error (const GError *error)
{
  g_assert_nonnull (error);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

/* What the routes themselves refuse before calling the store. */
static JsonNode *
refuse (GError    **error,
        const char *message)
{
  g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID, message);
  return NULL;
}

static JsonNode *
run (Command     command,
     JsonObject *body,
     GError    **error)
{
  gint64 version = -1;
  const char *id = NULL;

  if (targets[command].table != NULL)
    {
      id = fuzz_world_get_id (targets[command].entity);
      version = dozor_store_get_version (store, targets[command].table, id);
      g_assert_cmpint (version, >, 0);
    }

  switch (command)
    {
    case CREATE_UNIT:
      return dozor_store_create_unit (store, body, error);
    case UPDATE_UNIT:
      return dozor_store_update_unit (store, id, version, body, error);
    case CREATE_INCIDENT:
      return dozor_store_create_incident (store, body, error);
    case UPDATE_INCIDENT:
      return dozor_store_update_incident (store, id, version, body, "fuzz", error);
    case CREATE_DISPATCH:
      {
        const char *unit_id = dozor_json_get_string (body, "unit_id");
        const char *incident_id = dozor_json_get_string (body, "incident_id");
        JsonNode *current = NULL;
        JsonNode *made;

        if (unit_id == NULL || incident_id == NULL)
          return refuse (error, "unit_id and incident_id are required strings");
        made = dozor_store_dispatch (store, unit_id, incident_id, "sup", &current, error);
        g_clear_pointer (&current, json_node_unref);
        return made;
      }
    case ADD_POSITIONS:
      {
        JsonNode *positions = json_object_get_member (body, "positions");
        guint n;

        if (positions == NULL || !JSON_NODE_HOLDS_ARRAY (positions))
          return refuse (error, "positions: must be an array");
        /* Like the route: nothing accepted and no error is an empty batch. */
        n = dozor_store_add_positions (store, json_node_get_array (positions), error);
        return n > 0 || *error == NULL ? json_node_new (JSON_NODE_NULL) : NULL;
      }
    case SET_READINESS:
      return dozor_store_set_readiness (store, body, "sup", error);
    case CREATE_ZONE:
      return dozor_store_create_zone (store, body, error);
    case UPDATE_ZONE:
      return dozor_store_update_zone (store, id, version, body, error);
    case CREATE_ROUTE:
      return dozor_store_create_route (store, body, error);
    case UPDATE_ROUTE:
      return dozor_store_update_route (store, id, version, body, error);
    case CREATE_PLACE:
      return dozor_store_create_place (store, body, error);
    case UPDATE_PLACE:
      return dozor_store_update_place (store, id, version, body, error);
    case IMPORT:
      return dozor_store_import (store, body, error);
    case LOGIN:
    case N_COMMANDS:
    default:
      g_assert_not_reached ();
    }
}

static void
decode_command (Command     command,
                JsonObject *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) result = NULL;

  if (command == LOGIN)
    {
      /* What the route reads before hashing. */
      dozor_json_get_string (body, "username");
      dozor_json_get_string (body, "password");
      return;
    }

  g_assert_true (dozor_store_begin (store, &error));
  result = run (command, body, &error);
  g_assert_true ((result == NULL) == (error != NULL));
  if (result == NULL)
    assert_error (error);
  dozor_store_rollback (store);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GByteArray) input = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  Command command;

  if (store == NULL)
    {
      g_autofree char *path = NULL;

      g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
      fuzz_world_init ();
      path = g_build_filename (fuzz_world_get_dir (), "json.sqlite", NULL);
      store = fuzz_world_open_copy (path);
    }

  if (size < 1)
    return 0;
  command = data[0] % N_COMMANDS;
  input = fuzz_world_substitute (data + 1, size - 1);

  root = dozor_json_parse ((const char *) input->data, input->len, BODY_LIMIT, &error);
  g_assert_true ((root == NULL) != (error == NULL));
  if (root == NULL)
    {
      g_assert_true (error->domain == DOZOR_JSON_ERROR);
      assert_error (error);
      return 0;
    }

  /* Strict JSON only (item 10): json-glib alone takes comments, single
   * quotes, hexadecimal and more. */
  g_assert_true (strict_json ((const char *) input->data, input->len));
  assert_utf8_tree (root);

  if (JSON_NODE_HOLDS_OBJECT (root))
    decode_command (command, json_node_get_object (root));
  return 0;
}
