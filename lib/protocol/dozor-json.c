/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "dozor-json.h"

G_DEFINE_QUARK (dozor-json-error-quark, dozor_json_error)

/* --- A strict RFC 8259 scanner ---------------------------------------------
 *
 * json-glib 1.6 is lenient (single quotes, comments, hexadecimal and
 * leading-zero numbers, ".5") and turns an escaped lone UTF-16 surrogate
 * into bytes that are not UTF-8, which then crash whatever trusts them. So
 * every message is first walked once here, without building anything: it
 * checks the grammar, bounds the nesting before json-glib recurses, and
 * checks every string's text. It remembers the members it is inside, so a
 * bad string is refused by name ("crew[1]"), which a server answers as a
 * bad field rather than as bad JSON. */

typedef struct
{
  const char *key; /* NULL inside an array */
  gsize key_length;
  guint index;
} Frame;

typedef struct
{
  const char *data;
  gsize length;
  gsize pos;
  guint depth;
  Frame frames[DOZOR_JSON_MAX_DEPTH];
  GError **error;
} Scanner;

static gboolean
syntax_error (Scanner *scanner)
{
  g_autofree char *why = NULL;

  if (scanner->pos >= scanner->length)
    why = g_strdup (_("it ends too early"));
  else
    why = g_strdup_printf (_("unexpected character at byte %lu"), (unsigned long) scanner->pos);
  g_set_error (scanner->error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID,
               _("The message is not valid JSON: %s"), why);
  return FALSE;
}

/* Where the scanner is, as a client names a field: "places[2].name". */
static char *
scanner_path (Scanner *scanner)
{
  GString *path = g_string_new (NULL);

  for (guint i = 0; i < scanner->depth; i++)
    {
      const Frame *frame = &scanner->frames[i];

      if (frame->key == NULL)
        g_string_append_printf (path, "[%u]", frame->index);
      else
        {
          if (path->len > 0)
            g_string_append_c (path, '.');
          g_string_append_len (path, frame->key, frame->key_length);
        }
    }

  return g_string_free (path, FALSE);
}

/* A string that is valid JSON grammar but not text a field may hold. */
static gboolean
string_error (Scanner    *scanner,
              const char *why)
{
  g_autofree char *path = scanner_path (scanner);

  if (*path == '\0')
    g_set_error (scanner->error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID,
                 _("The message is not valid JSON: %s"), why);
  else
    g_set_error (scanner->error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID_FIELD, "%s: %s", path, why);
  return FALSE;
}

static void
skip_space (Scanner *scanner)
{
  while (scanner->pos < scanner->length && strchr (" \t\n\r", scanner->data[scanner->pos]) != NULL &&
         scanner->data[scanner->pos] != '\0')
    scanner->pos++;
}

static gboolean
at (Scanner *scanner,
    char     c)
{
  return scanner->pos < scanner->length && scanner->data[scanner->pos] == c;
}

static gboolean
at_digit (Scanner *scanner)
{
  return scanner->pos < scanner->length && g_ascii_isdigit (scanner->data[scanner->pos]);
}

/* Four hex digits after "\u"; the scanner stands on the 'u'. */
static gboolean
scan_hex4 (Scanner  *scanner,
           gunichar *value)
{
  *value = 0;
  if (scanner->length - scanner->pos < 5)
    {
      scanner->pos = scanner->length;
      return syntax_error (scanner);
    }
  for (guint i = 1; i <= 4; i++)
    {
      int digit = g_ascii_xdigit_value (scanner->data[scanner->pos + i]);

      if (digit < 0)
        {
          scanner->pos += i;
          return syntax_error (scanner);
        }
      *value = *value * 16 + (gunichar) digit;
    }
  scanner->pos += 5;
  return TRUE;
}

static gboolean
scan_string (Scanner *scanner)
{
  scanner->pos++; /* the opening quote */

  while (scanner->pos < scanner->length)
    {
      guchar c = (guchar) scanner->data[scanner->pos];

      if (c == '"')
        {
          scanner->pos++;
          return TRUE;
        }
      if (c < 0x20)
        return string_error (scanner, _("holds a control character that JSON must escape"));

      if (c >= 0x80)
        {
          const char *p = scanner->data + scanner->pos;
          gunichar ch = g_utf8_get_char_validated (p, (gssize) (scanner->length - scanner->pos));

          if (ch == (gunichar) -1 || ch == (gunichar) -2)
            return string_error (scanner, _("is not UTF-8 text"));
          scanner->pos = (gsize) (g_utf8_next_char (p) - scanner->data);
          continue;
        }

      if (c != '\\')
        {
          scanner->pos++;
          continue;
        }

      scanner->pos++;
      if (scanner->pos >= scanner->length)
        return syntax_error (scanner);
      if (strchr ("\"\\/bfnrt", scanner->data[scanner->pos]) != NULL && scanner->data[scanner->pos] != '\0')
        {
          scanner->pos++;
          continue;
        }
      if (scanner->data[scanner->pos] != 'u')
        return string_error (scanner, _("holds an escape that JSON does not have"));

      {
        gunichar value, low;

        if (!scan_hex4 (scanner, &value))
          return FALSE;
        /* Text with NUL in it is cut short by everything written in C. */
        if (value == 0)
          return string_error (scanner, _("holds a NUL character"));
        if (value >= 0xDC00 && value <= 0xDFFF)
          return string_error (scanner, _("holds a lone UTF-16 surrogate"));
        if (value >= 0xD800 && value <= 0xDBFF)
          {
            if (scanner->length - scanner->pos < 2 || scanner->data[scanner->pos] != '\\' ||
                scanner->data[scanner->pos + 1] != 'u')
              return string_error (scanner, _("holds a lone UTF-16 surrogate"));
            scanner->pos++;
            if (!scan_hex4 (scanner, &low))
              return FALSE;
            if (low < 0xDC00 || low > 0xDFFF)
              return string_error (scanner, _("holds a lone UTF-16 surrogate"));
          }
      }
    }

  return syntax_error (scanner);
}

/* -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static gboolean
scan_number (Scanner *scanner)
{
  if (at (scanner, '-'))
    scanner->pos++;
  if (at (scanner, '0'))
    scanner->pos++;
  else if (at_digit (scanner))
    while (at_digit (scanner))
      scanner->pos++;
  else
    return syntax_error (scanner);

  if (at (scanner, '.'))
    {
      scanner->pos++;
      if (!at_digit (scanner))
        return syntax_error (scanner);
      while (at_digit (scanner))
        scanner->pos++;
    }

  if (at (scanner, 'e') || at (scanner, 'E'))
    {
      scanner->pos++;
      if (at (scanner, '+') || at (scanner, '-'))
        scanner->pos++;
      if (!at_digit (scanner))
        return syntax_error (scanner);
      while (at_digit (scanner))
        scanner->pos++;
    }

  return TRUE;
}

static gboolean
scan_literal (Scanner    *scanner,
              const char *word)
{
  gsize n = strlen (word);

  if (scanner->length - scanner->pos < n || memcmp (scanner->data + scanner->pos, word, n) != 0)
    return syntax_error (scanner);
  scanner->pos += n;
  return TRUE;
}

static gboolean scan_value (Scanner *scanner);

/* Opens an array or object: the nesting is bounded before anything recurses. */
static gboolean
enter (Scanner *scanner)
{
  if (scanner->depth >= DOZOR_JSON_MAX_DEPTH)
    {
      g_set_error (scanner->error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_TOO_DEEP,
                   _("The message nests deeper than %d levels"), DOZOR_JSON_MAX_DEPTH);
      return FALSE;
    }
  scanner->frames[scanner->depth++] = (Frame) { NULL, 0, 0 };
  scanner->pos++;
  skip_space (scanner);
  return TRUE;
}

/* A member's name and its colon; the frame remembers the name for paths. */
static gboolean
scan_member_name (Scanner *scanner,
                  Frame   *frame)
{
  gsize key_start = scanner->pos + 1;

  if (!at (scanner, '"'))
    return syntax_error (scanner);
  /* A bad name is named by the object that holds it. */
  scanner->depth--;
  if (!scan_string (scanner))
    return FALSE;
  scanner->depth++;
  frame->key = scanner->data + key_start;
  frame->key_length = scanner->pos - 1 - key_start;

  skip_space (scanner);
  if (!at (scanner, ':'))
    return syntax_error (scanner);
  scanner->pos++;
  return TRUE;
}

/* An array up to @close ']', or an object up to '}'. */
static gboolean
scan_container (Scanner *scanner,
                char     close)
{
  Frame *frame;

  if (!enter (scanner))
    return FALSE;
  frame = &scanner->frames[scanner->depth - 1];

  if (!at (scanner, close))
    for (;;)
      {
        if (close == '}' && !scan_member_name (scanner, frame))
          return FALSE;
        if (!scan_value (scanner))
          return FALSE;
        skip_space (scanner);
        if (!at (scanner, ','))
          break;
        scanner->pos++;
        frame->index++;
        skip_space (scanner);
      }

  if (!at (scanner, close))
    return syntax_error (scanner);
  scanner->pos++;
  scanner->depth--;
  return TRUE;
}

static gboolean
scan_value (Scanner *scanner)
{
  skip_space (scanner);
  if (scanner->pos >= scanner->length)
    return syntax_error (scanner);

  switch (scanner->data[scanner->pos])
    {
    case '{': return scan_container (scanner, '}');
    case '[': return scan_container (scanner, ']');
    case '"': return scan_string (scanner);
    case 't': return scan_literal (scanner, "true");
    case 'f': return scan_literal (scanner, "false");
    case 'n': return scan_literal (scanner, "null");
    default: return scan_number (scanner);
    }
}

/* One value with nothing but whitespace around it. */
static gboolean
scan_document (const char  *data,
               gsize        length,
               GError     **error)
{
  Scanner scanner = { .data = data, .length = length, .error = error };

  if (!scan_value (&scanner))
    return FALSE;
  skip_space (&scanner);
  if (scanner.pos != length)
    return syntax_error (&scanner);
  return TRUE;
}

/**
 * dozor_json_check:
 * @data: the text
 * @length: its length in bytes
 * @max_bytes: the most this message may have
 * @error: return location for a #GError
 *
 * Checks untrusted JSON as dozor_json_parse() does before parsing it: its
 * size, and that it is strict RFC 8259 JSON nesting at most
 * %DOZOR_JSON_MAX_DEPTH levels whose strings are all text (no lone UTF-16
 * surrogate, no NUL). For a reader of its own that must refuse what
 * dozor_json_parse() refuses (the stream decoder's).
 *
 * Returns: whether it may be parsed; %FALSE with @error set, as
 *   dozor_json_parse() would set it
 */
gboolean
dozor_json_check (const char  *data,
                  gsize        length,
                  gsize        max_bytes,
                  GError     **error)
{
  if (length > max_bytes)
    {
      g_set_error (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_TOO_LARGE,
                   _("The message is larger than %lu KiB"), (unsigned long) (max_bytes / 1024));
      return FALSE;
    }

  if (length == 0)
    {
      g_set_error_literal (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID,
                           _("The message is empty or not UTF-8 text"));
      return FALSE;
    }

  return scan_document (data, length, error);
}

/**
 * dozor_json_parse:
 * @data: the text
 * @length: its length in bytes
 * @max_bytes: the most this message may have
 * @error: return location for a #GError
 *
 * Parses untrusted JSON after checking its size, and that it is strict
 * RFC 8259 JSON nesting at most %DOZOR_JSON_MAX_DEPTH levels whose strings
 * are all text: no lone UTF-16 surrogate, no NUL (dozor_json_check()).
 *
 * Returns: (transfer full): the root node, or %NULL with @error set; a bad
 *   string inside a member gives %DOZOR_JSON_ERROR_INVALID_FIELD with a
 *   message that starts with the member's path (`crew[1]: …`)
 */
JsonNode *
dozor_json_parse (const char  *data,
                  gsize        length,
                  gsize        max_bytes,
                  GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (!dozor_json_check (data, length, max_bytes, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      g_set_error (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID,
                   _("The message is not valid JSON: %s"), local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID,
                           _("The message is empty"));
      return NULL;
    }

  return json_node_copy (root);
}

/**
 * dozor_json_to_string:
 * @node: a #JsonNode
 *
 * Returns: (transfer full): compact JSON text
 */
char *
dozor_json_to_string (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

/**
 * dozor_json_get_string:
 * @object: a JSON object
 * @member: a member's name
 *
 * json-glib's own getters warn about a member of another type; a message
 * from outside may have anything there.
 *
 * Returns: (nullable): the member's text, or %NULL when it is missing or
 *   not a string
 */
const char *
dozor_json_get_string (JsonObject *object,
                       const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/**
 * dozor_json_get_array:
 * @object: (nullable): a JSON object
 * @member: a member's name
 *
 * Returns: (nullable) (transfer none): the member's array, or %NULL when
 *   it is missing or not an array
 */
JsonArray *
dozor_json_get_array (JsonObject *object,
                      const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/**
 * dozor_json_get_object:
 * @object: (nullable): a JSON object
 * @member: a member's name
 *
 * Returns: (nullable) (transfer none): the member's object, or %NULL when
 *   it is missing or not an object
 */
JsonObject *
dozor_json_get_object (JsonObject *object,
                       const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * dozor_json_node_get_number:
 * @node: (nullable): a JSON node
 * @value: (out): its number
 *
 * Returns: whether @node is a finite number (an integer or not)
 */
gboolean
dozor_json_node_get_number (JsonNode *node,
                            double   *value)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return FALSE;

  *value = json_node_get_double (node);
  return isfinite (*value);
}

/**
 * dozor_json_get_int:
 * @object: a JSON object
 * @member: a member's name
 * @fallback: what to return when the member is no integer
 *
 * Like dozor_json_get_string(): json-glib's own getter warns about an object
 * or array, and would turn a string or a fraction into a number.
 *
 * Returns: the member's integer value, or @fallback
 */
gint64
dozor_json_get_int (JsonObject *object,
                    const char *member,
                    gint64      fallback)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

/**
 * dozor_json_get_time:
 * @object: a JSON object
 * @member: a member's name, an RFC 3339 time such as `created_at`
 *
 * Returns: the time in Unix microseconds, or 0 when the member is missing,
 *   null or not a time
 */
gint64
dozor_json_get_time (JsonObject *object,
                     const char *member)
{
  const char *text = dozor_json_get_string (object, member);
  g_autoptr(GDateTime) time = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  /* g_date_time_to_unix_usec() is GLib 2.80; Debian 12 has 2.74. */
  return time != NULL ? g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time) : 0;
}

/**
 * dozor_json_builder_add_string_or_null:
 * @builder: a #JsonBuilder inside an object
 * @name: the member's name
 * @value: (nullable): its text; %NULL writes `null`
 *
 * A member whose value may be absent, as the wire contract writes it.
 */
void
dozor_json_builder_add_string_or_null (JsonBuilder *builder,
                                       const char  *name,
                                       const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * dozor_json_set_text:
 * @object: a #JsonObject, a request's body
 * @name: the member's name
 * @value: (nullable): text typed in a form
 *
 * A field left empty is no member: the contract's optional text is
 * absent, not "".
 */
void
dozor_json_set_text (JsonObject *object,
                     const char *name,
                     const char *value)
{
  if (value != NULL && *value != '\0')
    json_object_set_string_member (object, name, value);
}

/**
 * dozor_json_append_string:
 * @out: text being written
 * @value: (nullable): UTF-8 text
 *
 * Appends @value as a JSON string (or `null`), escaped as RFC 8259 asks:
 * for JSON written piece by piece, without a tree (the local copy). Only
 * '"', '\' and the C0 controls are escaped (\u00xx, lower case), every
 * other byte is kept: the audit trail's canonical text, whose SHA-256 is a
 * record's hash, is written with it, so this form must never change
 * (docs/api.md, "Audit trail").
 */
void
dozor_json_append_string (GString    *out,
                          const char *value)
{
  if (value == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

/**
 * dozor_json_append_double:
 * @out: text being written
 * @value: a number
 *
 * Appends @value as the shortest JSON number that reads back as the same
 * double, always with a fraction or an exponent so that it reads back as
 * a double and not an integer (as json-glib's generator writes it); a
 * value JSON cannot hold (NaN, infinity) is `null`.
 */
void
dozor_json_append_double (GString *out,
                          double   value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  /* g_ascii_dtostr() writes a decimal point in every locale. */
  g_ascii_dtostr (text, sizeof text, value);
  g_string_append (out, text);
  if (strpbrk (text, ".eE") == NULL)
    g_string_append (out, ".0");
}
