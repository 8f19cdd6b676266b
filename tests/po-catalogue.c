/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The board's translations as the tests read them: po/LANG.po without
 * gettext's tools, and the mnemonic a label gives its user.
 */
#include "po-catalogue.h"

#include <string.h>

/* The text of one quoted po line, unescaped; NULL if the line is not one. */
static char *
po_string (const char *line)
{
  const char *start = strchr (line, '"');
  const char *end = strrchr (line, '"');
  g_autofree char *raw = NULL;

  if (start == NULL || end == start)
    return NULL;
  raw = g_strndup (start + 1, end - start - 1);
  return g_strcompress (raw);
}

static void
string_free (GString *string)
{
  g_string_free (string, TRUE);
}

/**
 * po_catalogue_key:
 *
 * Returns: (transfer full): the key of msgid @id in context @context
 *   (nullable) in a table po_catalogue_read() returns.
 */
char *
po_catalogue_key (const char *context,
                  const char *id)
{
  return context != NULL ? g_strconcat (context, "\004", id, NULL) : g_strdup (id);
}

/**
 * po_catalogue_read:
 *
 * Reads msgctxt/msgid/msgstr of po/LANG.po under @root into a table from
 * po_catalogue_key() to the translation; fuzzy and empty translations are
 * left out, as gettext would not use them.
 */
GHashTable *
po_catalogue_read (const char *root,
                   const char *lang)
{
  g_autofree char *path = g_strdup_printf ("%s/po/%s.po", root, lang);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GString) context = NULL, id = NULL, str = NULL;
  GString *current = NULL;
  gboolean fuzzy = FALSE;

  if (!g_file_get_contents (path, &contents, NULL, &error))
    g_error ("%s", error->message);
  lines = g_strsplit (contents, "\n", -1);

  /* One extra pass with an empty line closes the last entry. */
  for (guint i = 0; i <= g_strv_length (lines); i++)
    {
      const char *line = lines[i] != NULL ? lines[i] : "";
      g_autofree char *text = NULL;

      if (g_str_has_prefix (line, "#,") && strstr (line, "fuzzy") != NULL)
        fuzzy = TRUE;
      if (g_str_has_prefix (line, "msgctxt ") || g_str_has_prefix (line, "msgid ") || g_str_has_prefix (line, "msgstr ") ||
          *line == '\0' || *line == '#')
        {
          /* A new keyword after a msgstr ends the entry. */
          if (str != NULL && !g_str_has_prefix (line, "\""))
            {
              if (!fuzzy && id->len > 0 && str->len > 0)
                g_hash_table_insert (table, po_catalogue_key (context != NULL ? context->str : NULL, id->str),
                                     g_strdup (str->str));
              g_clear_pointer (&context, string_free);
              g_clear_pointer (&id, string_free);
              g_clear_pointer (&str, string_free);
              current = NULL;
              if (*line == '\0' || *line == '#')
                {
                  fuzzy = fuzzy && *line == '#';
                  continue;
                }
            }
          if (*line == '\0' || *line == '#')
            continue;
        }

      text = po_string (line);
      if (text == NULL)
        continue;
      if (g_str_has_prefix (line, "msgctxt "))
        current = context = g_string_new (NULL);
      else if (g_str_has_prefix (line, "msgid "))
        current = id = g_string_new (NULL);
      else if (g_str_has_prefix (line, "msgstr "))
        current = str = g_string_new (NULL);
      if (current != NULL)
        g_string_append (current, text);
    }

  return table;
}

/**
 * po_mnemonic:
 *
 * Returns: (transfer full) (nullable): the mnemonic of a label with
 *   use-underline, case-folded; %NULL if none ("__" is a literal underscore).
 */
char *
po_mnemonic (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (*p != '_')
        continue;
      if (p[1] == '_')
        {
          p++;
          continue;
        }
      if (p[1] == '\0')
        return NULL;
      {
        const char *next = p + 1;
        g_autofree char *letter = g_strndup (next, g_utf8_next_char (next) - next);

        return g_utf8_casefold (letter, -1);
      }
    }
  return NULL;
}

