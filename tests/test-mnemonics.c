/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The board's menus and dialogs as a Kazakh, Russian or English user reads
 * them (issue 20, item 5). Every .ui file under app/ is read; its labels
 * with a mnemonic are grouped by what is on screen at once (each menu, and
 * the rest of the file: one dialog or window) and translated through
 * po/LANG.po. Within a group no two labels may share a mnemonic letter
 * (case-folded), a translated label must keep the mnemonic its English
 * has, and two different English labels may not read the same (mnemonic
 * and trailing ellipsis ignored): "_Log Out…" and "_Quit" both "_Выйти" is
 * a clash the user cannot tell apart. Over each whole catalogue, a word
 * with and without its mnemonic must translate alike.
 *
 * Usage: test-mnemonics --tap SOURCE-ROOT
 */
#include "config.h"

#include <glib.h>
#include <locale.h>

#include "po-catalogue.h"

static const char *const languages[] = { "en", "kk", "ru" };

typedef struct
{
  char *name;        /* "app/ui/dozor-intake-dialog.ui, menu primary_menu" */
  GPtrArray *labels; /* of Label */
} Group;

typedef struct
{
  char *context;
  char *text;
} Label;

static void
label_free (Label *label)
{
  if (label == NULL)
    return;
  g_free (label->context);
  g_free (label->text);
  g_free (label);
}

static void
group_free (Group *group)
{
  g_free (group->name);
  g_ptr_array_unref (group->labels);
  g_free (group);
}

static Group *
group_new (const char *name)
{
  Group *group = g_new0 (Group, 1);

  group->name = g_strdup (name);
  group->labels = g_ptr_array_new_with_free_func ((GDestroyNotify) label_free);
  return group;
}

static const char *
translate (GHashTable  *po,
           const Label *label)
{
  g_autofree char *key = NULL;
  const char *translation;

  if (po == NULL)
    return label->text;
  key = po_catalogue_key (label->context, label->text);
  translation = g_hash_table_lookup (po, key);
  return translation != NULL ? translation : label->text;
}

/* --- .ui files ---------------------------------------------------------- */

typedef struct
{
  const char *file;
  GPtrArray *groups;       /* of Group, the file's */
  Group *window;           /* labels outside menus */
  GPtrArray *menus;        /* stack of Group: the menu or submenu open */
  /* The object whose properties are being read: its labels count only
   * if it says use-underline. */
  GPtrArray *object_labels; /* stack of GPtrArray of Label */
  GArray *object_underline; /* stack of gboolean */
  /* The translatable element being read. */
  gboolean in_text;
  gboolean text_is_menu_label;
  char *text_property;
  char *text_context;
  GString *text;
} UiReader;

static const char *
attribute (const char **names,
           const char **values,
           const char  *name)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], name))
      return values[i];
  return NULL;
}

static void
ui_start (GMarkupParseContext  *context,
          const char           *element,
          const char          **names,
          const char          **values,
          gpointer              user_data,
          GError              **error)
{
  UiReader *reader = user_data;
  const char *name = attribute (names, values, "name");
  gboolean translatable = g_strcmp0 (attribute (names, values, "translatable"), "yes") == 0;

  if (g_str_equal (element, "menu") || g_str_equal (element, "submenu"))
    {
      const char *id = attribute (names, values, "id");
      g_autofree char *group_name = g_strdup_printf ("%s, %s %s", reader->file, element,
                                                     id != NULL ? id : "(nested)");
      Group *group = group_new (group_name);

      g_ptr_array_add (reader->groups, group);
      g_ptr_array_add (reader->menus, group);
    }
  else if (g_str_equal (element, "object") || g_str_equal (element, "template"))
    {
      gboolean no = FALSE;

      g_ptr_array_add (reader->object_labels, g_ptr_array_new_with_free_func ((GDestroyNotify) label_free));
      g_array_append_val (reader->object_underline, no);
    }
  else if (translatable &&
           ((g_str_equal (element, "attribute") && g_strcmp0 (name, "label") == 0 && reader->menus->len > 0) ||
            (g_str_equal (element, "property") && reader->object_labels->len > 0)))
    {
      reader->in_text = TRUE;
      reader->text_is_menu_label = g_str_equal (element, "attribute");
      reader->text_property = g_strdup (name);
      reader->text_context = g_strdup (attribute (names, values, "context"));
      g_string_truncate (reader->text, 0);
    }
  else if (g_str_equal (element, "property") && g_strcmp0 (name, "use-underline") == 0 &&
           reader->object_labels->len > 0)
    {
      reader->in_text = TRUE;
      reader->text_is_menu_label = FALSE;
      reader->text_property = g_strdup (name);
      reader->text_context = NULL;
      g_string_truncate (reader->text, 0);
    }
}

static void
ui_text (GMarkupParseContext  *context,
         const char           *text,
         gsize                 length,
         gpointer              user_data,
         GError              **error)
{
  UiReader *reader = user_data;

  if (reader->in_text)
    g_string_append_len (reader->text, text, length);
}

static void
ui_end (GMarkupParseContext  *context,
        const char           *element,
        gpointer              user_data,
        GError              **error)
{
  UiReader *reader = user_data;

  if (reader->in_text && (g_str_equal (element, "attribute") || g_str_equal (element, "property")))
    {
      if (g_str_equal (reader->text_property, "use-underline"))
        {
          gboolean yes = g_str_equal (reader->text->str, "true") || g_str_equal (reader->text->str, "1") ||
                         g_str_equal (reader->text->str, "yes");

          g_array_index (reader->object_underline, gboolean, reader->object_underline->len - 1) = yes;
        }
      else
        {
          Label *label = g_new0 (Label, 1);

          label->context = g_steal_pointer (&reader->text_context);
          label->text = g_strdup (reader->text->str);
          if (reader->text_is_menu_label)
            g_ptr_array_add (((Group *) g_ptr_array_index (reader->menus, reader->menus->len - 1))->labels, label);
          else
            g_ptr_array_add (g_ptr_array_index (reader->object_labels, reader->object_labels->len - 1), label);
        }
      reader->in_text = FALSE;
      g_clear_pointer (&reader->text_property, g_free);
      g_clear_pointer (&reader->text_context, g_free);
    }
  else if (g_str_equal (element, "menu") || g_str_equal (element, "submenu"))
    g_ptr_array_remove_index (reader->menus, reader->menus->len - 1);
  else if (g_str_equal (element, "object") || g_str_equal (element, "template"))
    {
      guint last = reader->object_labels->len - 1;
      GPtrArray *labels = g_ptr_array_steal_index (reader->object_labels, last);

      /* Only labels that show their mnemonic: "label" or "title" beside
       * use-underline; the group takes them over. */
      if (g_array_index (reader->object_underline, gboolean, last))
        for (guint i = 0; i < labels->len; i++)
          if (strchr (((Label *) labels->pdata[i])->text, '_') != NULL)
            {
              g_ptr_array_add (reader->window->labels, labels->pdata[i]);
              labels->pdata[i] = NULL;
            }
      g_array_remove_index (reader->object_underline, last);
      g_ptr_array_unref (labels);
    }
}

static void
read_ui (const char *root,
         const char *relative,
         GPtrArray  *groups)
{
  static const GMarkupParser parser = { ui_start, ui_end, ui_text, NULL, NULL };
  g_autofree char *path = g_build_filename (root, relative, NULL);
  g_autofree char *contents = NULL;
  g_autofree char *window_name = g_strdup_printf ("%s, outside menus", relative);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GPtrArray) menus = g_ptr_array_new ();
  g_autoptr(GPtrArray) object_labels = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GArray) object_underline = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autoptr(GString) text = g_string_new (NULL);
  UiReader reader = {
    .file = relative, .groups = groups, .window = group_new (window_name), .menus = menus,
    .object_labels = object_labels, .object_underline = object_underline, .text = text,
  };

  g_ptr_array_add (groups, reader.window);
  if (!g_file_get_contents (path, &contents, NULL, &error))
    g_error ("%s", error->message);
  context = g_markup_parse_context_new (&parser, 0, &reader, NULL);
  if (!g_markup_parse_context_parse (context, contents, -1, &error) ||
      !g_markup_parse_context_end_parse (context, &error))
    g_error ("%s: %s", relative, error->message);
  g_free (reader.text_property);
  g_free (reader.text_context);
}

/* The .ui files under DIR (relative to ROOT), sorted. */
static void
find_ui (const char *root,
         const char *dir,
         GPtrArray  *found)
{
  g_autofree char *path = g_build_filename (root, dir, NULL);
  g_autoptr(GDir) listing = g_dir_open (path, 0, NULL);
  const char *name;

  if (listing == NULL)
    return;
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *relative = g_build_filename (dir, name, NULL);
      g_autofree char *full = g_build_filename (root, relative, NULL);

      if (g_file_test (full, G_FILE_TEST_IS_DIR))
        find_ui (root, relative, found);
      else if (g_str_has_suffix (name, ".ui"))
        g_ptr_array_add (found, g_steal_pointer (&relative));
    }
}

/* --- the checks --------------------------------------------------------- */

/* What a user reads: without the mnemonic, the ellipsis and case. */
static char *
reading (const char *text)
{
  g_autoptr(GString) plain = g_string_new (NULL);
  g_autofree char *stripped = NULL;

  for (const char *p = text; *p != '\0'; p++)
    if (*p != '_' || p[1] == '_')
      g_string_append_c (plain, *p);
  if (g_str_has_suffix (plain->str, "…"))
    g_string_truncate (plain, plain->len - strlen ("…"));
  if (g_str_has_suffix (plain->str, "..."))
    g_string_truncate (plain, plain->len - 3);
  stripped = g_strstrip (g_strdup (plain->str));
  return g_utf8_casefold (stripped, -1);
}

typedef struct
{
  const Group *group;
  GHashTable *po; /* NULL for English */
} Case;

static void
test_group (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(GHashTable) letters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) readings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) problems = g_string_new (NULL);

  for (guint i = 0; i < c->group->labels->len; i++)
    {
      const Label *label = c->group->labels->pdata[i];
      const char *shown = translate (c->po, label);
      g_autofree char *letter = po_mnemonic (shown);
      g_autofree char *english_letter = po_mnemonic (label->text);
      g_autofree char *read = reading (shown);
      const Label *clash;

      g_test_message ("“%s” → “%s”", label->text, shown);
      if (letter == NULL && english_letter != NULL)
        g_string_append_printf (problems, "; “%s” (“%s”) has no mnemonic", shown, label->text);
      if (letter != NULL)
        {
          clash = g_hash_table_lookup (letters, letter);
          if (clash != NULL && g_strcmp0 (clash->text, label->text) != 0)
            g_string_append_printf (problems, "; “%s” and “%s” share the mnemonic %s",
                                    translate (c->po, clash), shown, letter);
          else
            g_hash_table_insert (letters, g_steal_pointer (&letter), (gpointer) label);
        }

      clash = g_hash_table_lookup (readings, read);
      if (clash != NULL && g_strcmp0 (clash->text, label->text) != 0)
        g_string_append_printf (problems, "; “%s” and “%s” both read “%s”", clash->text, label->text, shown);
      else
        g_hash_table_insert (readings, g_steal_pointer (&read), (gpointer) label);
    }

  if (problems->len > 0)
    g_test_fail_printf ("%s", problems->str + 2);
}

/* A word with and without its mnemonic ("Dispatch" on a button beside
 * "_Dispatch" in the dialog it opens) reads the same in translation: the
 * Russian button once read "Направление" where the dialog says "Направить". */
static void
test_same_word (gconstpointer data)
{
  GHashTable *po = (GHashTable *) data;
  g_autoptr(GString) problems = g_string_new (NULL);
  GHashTableIter iter;
  const char *id, *translation;

  g_hash_table_iter_init (&iter, po);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &translation))
    {
      g_autoptr(GString) plain = NULL;
      const char *plain_translation;
      g_autofree char *read = NULL, *plain_read = NULL;

      if (strchr (id, '_') == NULL || strchr (id, '\004') != NULL)
        continue;
      plain = g_string_new (id);
      g_string_replace (plain, "_", "", 1);
      plain_translation = g_hash_table_lookup (po, plain->str);
      if (plain_translation == NULL)
        continue;
      read = reading (translation);
      plain_read = reading (plain_translation);
      g_test_message ("“%s” → “%s”, “%s” → “%s”", id, translation, plain->str, plain_translation);
      if (!g_str_equal (read, plain_read))
        g_string_append_printf (problems, "; “%s” is “%s” but “%s” is “%s”", id, translation, plain->str,
                                plain_translation);
    }

  if (problems->len > 0)
    g_test_fail_printf ("%s", problems->str + 2);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_free);
  GHashTable *catalogues[G_N_ELEMENTS (languages)] = { NULL, };
  const char *root;
  int status;

  /* The labels are printed in the TAP comments as they are, in UTF-8. */
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  if (argc != 2)
    g_error ("usage: test-mnemonics --tap SOURCE-ROOT");
  root = argv[1];

  find_ui (root, "app", files);
  g_ptr_array_sort (files, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < files->len; i++)
    read_ui (root, files->pdata[i], groups);

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      if (!g_str_equal (languages[l], "en"))
        {
          g_autofree char *path = g_strdup_printf ("/mnemonics/%s/same-word", languages[l]);

          catalogues[l] = po_catalogue_read (root, languages[l]);
          g_test_add_data_func (path, catalogues[l], test_same_word);
        }
      for (guint i = 0; i < groups->len; i++)
        {
          const Group *group = groups->pdata[i];
          Case *c;
          g_autofree char *path = NULL;
          g_autofree char *slug = NULL;

          /* A group of one label cannot clash. */
          if (group->labels->len < 2)
            continue;
          c = g_new0 (Case, 1);
          c->group = group;
          c->po = catalogues[l];
          g_ptr_array_add (cases, c);
          slug = g_strdelimit (g_strdup (group->name), " ,", '-');
          path = g_strdup_printf ("/mnemonics/%s/%s", languages[l], slug);
          g_test_add_data_func (path, c, test_group);
        }
    }

  status = g_test_run ();
  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    g_clear_pointer (&catalogues[l], g_hash_table_unref);
  return status;
}
