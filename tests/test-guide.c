/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The user guide in the reader's language (issue 20, item 12).
 *
 * F1 opens the guide dozor_guide_find() names: docs/guide.kk.md for a
 * Kazakh user, docs/guide.ru.md for a Russian one, docs/guide.md in
 * English and for a language it is not written in.
 *
 * Each guide as its reader finds it: every picture it shows is there (a
 * PNG under 300 KiB; a translation's from its own language's folder, the
 * same pictures as the English); every shortcut it names is one the board
 * has and lists in its shortcuts window, or the mnemonic of a label in the
 * guide's language; a translation names the same shortcuts as the English;
 * and in a translation every label in italics reads as the board shows it
 * in that language (a translation in po/LANG.po, mnemonic left out).
 *
 * Usage: test-guide --tap SOURCE-ROOT
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "dozor-guide.h"
#include "po-catalogue.h"

static const char *root;

/* --- Which guide F1 opens ---------------------------------------------- */

/* The guide F1 opens for a user whose language list is @languages. */
static char *
guide_for (const char *languages)
{
  g_setenv ("LANGUAGE", languages, TRUE);
  return dozor_guide_find ();
}

typedef struct
{
  const char *languages; /* LANGUAGE */
  const char *opened;    /* the guide F1 opens, in docs/ */
} Choice;

/* Each of @choices, with the guides in @docs. */
static void
check_choices (const Choice *choices,
               gsize         n_choices,
               const char   *docs)
{
  for (gsize i = 0; i < n_choices; i++)
    {
      g_autofree char *opened = guide_for (choices[i].languages);
      g_autofree char *expected = g_build_filename (docs, choices[i].opened, NULL);

      g_test_message ("LANGUAGE=%s: %s", choices[i].languages, opened);
      g_assert_cmpstr (opened, ==, expected);
    }
}

/* A docs folder with the English guide and the Russian only: the choice
 * itself, whatever guides the source tree has. */
static void
test_choice (void)
{
  g_autofree char *scratch = g_dir_make_tmp ("dozor-guide-XXXXXX", NULL);
  g_autofree char *docs = g_build_filename (scratch, "docs", NULL);
  g_autofree char *data = g_build_filename (scratch, "data", NULL);
  g_autofree char *english = g_build_filename (docs, "guide.md", NULL);
  g_autofree char *russian = g_build_filename (docs, "guide.ru.md", NULL);
  static const Choice choices[] = {
    { "ru", "guide.ru.md" },
    { "ru_RU", "guide.ru.md" },
    { "kk", "guide.md" },    /* not written in Kazakh: English */
    { "kk:ru", "guide.ru.md" },
    { "en", "guide.md" },
    { "xx", "guide.md" },
  };

  g_assert_no_errno (g_mkdir (docs, 0700));
  g_assert_true (g_file_set_contents (english, "# Guide\n", -1, NULL));
  g_assert_true (g_file_set_contents (russian, "# Руководство\n", -1, NULL));
  g_setenv ("DOZOR_DATA_DIR", data, TRUE);
  check_choices (choices, G_N_ELEMENTS (choices), docs);
  g_remove (russian);
  g_remove (english);
  g_rmdir (docs);
  g_rmdir (scratch);
}

/* The source tree's guides, as a board run from the build tree opens them. */
static void
test_source (void)
{
  g_autofree char *data = g_build_filename (root, "data", NULL);
  g_autofree char *docs = g_build_filename (root, "docs", NULL);
  static const Choice choices[] = {
    { "kk", "guide.kk.md" },
    { "kk_KZ", "guide.kk.md" },
    { "ru", "guide.ru.md" },
    { "en", "guide.md" },
    { "de", "guide.md" },  /* a language the guide is not written in */
  };

  g_setenv ("DOZOR_DATA_DIR", data, TRUE);
  check_choices (choices, G_N_ELEMENTS (choices), docs);

  /* No LANGUAGE: the locale's language decides. */
  g_unsetenv ("LANGUAGE");
  g_setenv ("LC_ALL", "ru_RU.UTF-8", TRUE);
  {
    g_autofree char *opened = dozor_guide_find ();
    g_autofree char *expected = g_build_filename (docs, "guide.ru.md", NULL);

    g_assert_cmpstr (opened, ==, expected);
  }
  g_unsetenv ("LC_ALL");
}

/* --- What each guide says ----------------------------------------------- */

typedef struct
{
  const char *lang;     /* "en", "kk", "ru" */
  char *text;           /* the guide */
  GHashTable *po;       /* msgid → msgstr of po/LANG.po; msgid → msgid for en */
} Guide;

static Guide guides[3];

static Guide *
guide_read (const char *lang)
{
  for (guint i = 0; i < G_N_ELEMENTS (guides); i++)
    {
      g_autofree char *path = NULL;
      g_autoptr(GError) error = NULL;

      if (guides[i].lang != NULL && !g_str_equal (guides[i].lang, lang))
        continue;
      if (guides[i].lang != NULL)
        return &guides[i];
      path = g_strdup_printf ("%s/docs/guide%s%s.md", root, g_str_equal (lang, "en") ? "" : ".",
                              g_str_equal (lang, "en") ? "" : lang);
      guides[i].lang = lang;
      if (!g_file_get_contents (path, &guides[i].text, NULL, &error))
        g_error ("%s", error->message);
      if (g_str_equal (lang, "en"))
        {
          /* What the English board shows is the msgid. */
          g_autoptr(GHashTable) ru = po_catalogue_read (root, "ru");
          GHashTableIter iter;
          const char *key;

          guides[i].po = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          g_hash_table_iter_init (&iter, ru);
          while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
            {
              const char *id = strchr (key, '\004');

              id = id != NULL ? id + 1 : key;
              g_hash_table_replace (guides[i].po, g_strdup (id), g_strdup (id));
            }
        }
      else
        guides[i].po = po_catalogue_read (root, lang);
      return &guides[i];
    }
  g_assert_not_reached ();
}

/* The pictures @guide shows, as written in it (relative to docs/). */
static GPtrArray *
pictures (const Guide *guide)
{
  g_autoptr(GRegex) image = g_regex_new ("!\\[[^]\\n]*\\]\\(([^)\\s]+)\\)", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  g_regex_match (image, guide->text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_ptr_array_add (found, g_match_info_fetch (match, 1));
      g_match_info_next (match, NULL);
    }
  return found;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The file names of @paths, sorted, one string. */
static char *
base_names (GPtrArray *paths)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < paths->len; i++)
    g_ptr_array_add (names, g_path_get_basename (paths->pdata[i]));
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static void
test_pictures (gconstpointer data)
{
  const Guide *guide = guide_read (data);
  const Guide *english = guide_read ("en");
  g_autoptr(GPtrArray) shown = pictures (guide);
  g_autoptr(GPtrArray) english_shown = pictures (english);
  g_autofree char *folder = g_strdup_printf ("guide/%s/", guide->lang);
  g_autofree char *names = base_names (shown);
  g_autofree char *english_names = base_names (english_shown);

  /* The four the issue asks for are among them. */
  for (guint i = 0; i < 4; i++)
    {
      const char *wanted = (const char *[]) { "desk.png", "intake.png", "legend.png", "dispatch.png" }[i];
      g_autofree char *word = g_strconcat (" ", wanted, " ", NULL);
      g_autofree char *spaced = g_strconcat (" ", names, " ", NULL);

      if (strstr (spaced, word) == NULL)
        g_error ("the %s guide does not show %s (it shows: %s)", guide->lang, wanted, names);
    }
  for (guint i = 0; i < shown->len; i++)
    {
      const char *link = shown->pdata[i];
      g_autofree char *path = g_build_filename (root, "docs", link, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (path, &contents, &length, NULL))
        g_error ("the %s guide shows %s, which is not there", guide->lang, link);
      if (length < 8 || memcmp (contents, "\x89PNG\r\n\x1a\n", 8) != 0)
        g_error ("the %s guide shows %s, which is not a PNG", guide->lang, link);
      if (length >= 300 * 1024)
        g_error ("the %s guide shows %s of %" G_GSIZE_FORMAT " KiB, not under 300", guide->lang, link,
                 length / 1024);
      if (!g_str_equal (guide->lang, "en") && !g_str_has_prefix (link, folder))
        g_error ("the %s guide shows %s, not a picture of the board in its language (%s)", guide->lang,
                 link, folder);
    }
  g_assert_cmpstr (names, ==, english_names);
}

/* Adds to @found each accelerator of @accels ("\"<Control>n\", ", as in
 * the sources) for @action, when the shortcuts window (@overlay) lists it. */
static void
add_listed (GHashTable *found,
            const char *overlay,
            const char *action,
            const char *accels)
{
  g_autoptr(GRegex) accel = g_regex_new ("\"([^\"]+)\"", 0, 0, NULL);
  g_autofree char *listed = g_strdup_printf ("<property name=\"action-name\">%s</property>", action);
  g_autoptr(GMatchInfo) each = NULL;

  if (strstr (overlay, listed) == NULL)
    return;
  g_regex_match (accel, accels, 0, &each);
  while (g_match_info_matches (each))
    {
      g_autofree char *text = g_match_info_fetch (each, 1);
      guint key = 0;
      GdkModifierType mods = 0;

      g_assert_true (gtk_accelerator_parse (text, &key, &mods));
      g_hash_table_replace (found, g_strdup_printf ("%u %u", gdk_keyval_to_lower (key), mods), g_strdup (action));
      g_match_info_next (each, NULL);
    }
}

/* The accelerators that a controller of app/ui sets for its own action
 * (the replay's Ctrl+Shift+P): a static accels[] and one
 * gtk_application_set_accels_for_action (app, "win.ACTION", accels). */
static void
add_controllers (GHashTable *found,
                 const char *overlay)
{
  g_autofree char *folder = g_build_filename (root, "app", "ui", NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GRegex) table = g_regex_new ("accels\\[\\] = \\{ ((?:\"[^\"]+\", )+)NULL \\};", 0, 0, NULL);
  g_autoptr(GRegex) set = g_regex_new ("set_accels_for_action \\([a-z_]+, \"([a-z]+\\.[a-z-]+)\", accels\\)", 0, 0,
                                       NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autofree char *text = NULL;
      g_autoptr(GMatchInfo) accels = NULL;
      g_autoptr(GMatchInfo) action = NULL;

      if (!g_str_has_suffix (name, ".c") || !g_file_get_contents (path, &text, NULL, NULL))
        continue;
      if (g_regex_match (table, text, 0, &accels) && g_regex_match (set, text, 0, &action))
        {
          g_autofree char *list = g_match_info_fetch (accels, 1);
          g_autofree char *id = g_match_info_fetch (action, 1);

          add_listed (found, overlay, id, list);
        }
    }
}

/* The accelerators the board has: those of dozor-application.c's table
 * and of the controllers that set their own, whose action the shortcuts
 * window lists, as "KEYVAL MODIFIERS". */
static GHashTable *
accelerators (void)
{
  g_autofree char *application = NULL, *overlay = NULL;
  g_autofree char *application_path = g_build_filename (root, "app", "dozor-application.c", NULL);
  g_autofree char *overlay_path = g_build_filename (root, "app", "gtk", "help-overlay.ui", NULL);
  g_autoptr(GRegex) row = g_regex_new ("\\{ \"([a-z]+\\.[a-z-]+)\", \\{ ((?:\"[^\"]+\", )+)NULL \\} \\}", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  GHashTable *found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_assert_true (g_file_get_contents (application_path, &application, NULL, NULL));
  g_assert_true (g_file_get_contents (overlay_path, &overlay, NULL, NULL));
  g_regex_match (row, application, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *action = g_match_info_fetch (match, 1);
      g_autofree char *accels = g_match_info_fetch (match, 2);

      add_listed (found, overlay, action, accels);
      g_match_info_next (match, NULL);
    }
  add_controllers (found, overlay);
  g_assert_cmpuint (g_hash_table_size (found), >, 20);
  return found;
}

/* Whether @text may be a label with a mnemonic, not a message naming an
 * identifier (unit_id, width_mm) or with a value put in (%s). */
static gboolean
may_be_label (const char *text)
{
  const char *underscore = strchr (text, '_');

  if (underscore == NULL || strchr (text, '%') != NULL)
    return FALSE;
  return !(underscore > text && g_ascii_isalnum (underscore[-1]) && g_ascii_isalnum (underscore[1]));
}

/* Whether some label of @guide's board has the mnemonic @letter. */
static gboolean
is_mnemonic (const Guide *guide,
             const char  *letter)
{
  g_autofree char *folded = g_utf8_casefold (letter, -1);
  GHashTableIter iter;
  const char *shown;

  g_hash_table_iter_init (&iter, guide->po);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &shown))
    {
      g_autofree char *mnemonic = may_be_label (shown) ? po_mnemonic (shown) : NULL;

      if (mnemonic != NULL && g_str_equal (mnemonic, folded))
        return TRUE;
    }
  return FALSE;
}

/* The accelerators @guide names, checked, as "KEYVAL MODIFIERS" in the
 * order named (mnemonics and dialog keys left out). */
static GPtrArray *
shortcuts (const Guide *guide,
           GHashTable  *board)
{
  g_autoptr(GRegex) combination = g_regex_new ("<kbd>[^<]+</kbd>(?:\\+<kbd>[^<]+</kbd>)*", 0, 0, NULL);
  g_autoptr(GRegex) key = g_regex_new ("<kbd>([^<]+)</kbd>", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  GPtrArray *named = g_ptr_array_new_with_free_func (g_free);

  g_regex_match (combination, guide->text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *written = g_match_info_fetch (match, 0);
      g_autoptr(GMatchInfo) each = NULL;
      g_autofree char *last = NULL;
      g_autofree char *id = NULL;
      guint keyval = 0;
      GdkModifierType mods = 0;

      g_regex_match (key, written, 0, &each);
      while (g_match_info_matches (each))
        {
          g_free (last);
          last = g_match_info_fetch (each, 1);
          if (g_str_equal (last, "Ctrl"))
            mods |= GDK_CONTROL_MASK;
          else if (g_str_equal (last, "Shift"))
            mods |= GDK_SHIFT_MASK;
          else if (g_str_equal (last, "Alt"))
            mods |= GDK_ALT_MASK;
          g_match_info_next (each, NULL);
        }
      /* <kbd>Ctrl</kbd>+click: a modifier with the mouse. */
      if (g_str_equal (last, "Ctrl") || g_str_equal (last, "Shift") || g_str_equal (last, "Alt"))
        {
          g_match_info_next (match, NULL);
          continue;
        }
      /* The key itself: the character on it, or its name (F1, Return). */
      if (g_utf8_strlen (last, -1) == 1)
        keyval = gdk_unicode_to_keyval (g_unichar_tolower (g_utf8_get_char (last)));
      else
        keyval = gdk_keyval_from_name (last);
      if (keyval == 0 || keyval == GDK_KEY_VoidSymbol)
        g_error ("the %s guide names %s, which is no key", guide->lang, written);
      id = g_strdup_printf ("%u %u", gdk_keyval_to_lower (keyval), mods);
      if (g_hash_table_contains (board, id))
        g_ptr_array_add (named, g_steal_pointer (&id));
      else if (mods == GDK_ALT_MASK && g_utf8_strlen (last, -1) == 1 && is_mnemonic (guide, last))
        ; /* a label's mnemonic in the guide's language */
      else if (mods == 0 && (keyval == GDK_KEY_Return || keyval == GDK_KEY_Escape))
        ; /* what a dialog takes */
      else
        g_error ("the %s guide names %s, which the board has neither as a shortcut in its shortcuts "
                 "window nor as a mnemonic in %s", guide->lang, written, guide->lang);
      g_match_info_next (match, NULL);
    }
  return named;
}

static void
test_shortcuts (gconstpointer data)
{
  const Guide *guide = guide_read (data);
  g_autoptr(GHashTable) board = accelerators ();
  g_autoptr(GPtrArray) named = shortcuts (guide, board);
  g_autoptr(GPtrArray) english = shortcuts (guide_read ("en"), board);
  g_autofree char *names = NULL, *english_names = NULL;

  g_assert_cmpuint (named->len, >, 15);
  g_ptr_array_sort (named, compare_strings);
  g_ptr_array_sort (english, compare_strings);
  g_ptr_array_add (named, NULL);
  g_ptr_array_add (english, NULL);
  names = g_strjoinv (", ", (char **) named->pdata);
  english_names = g_strjoinv (", ", (char **) english->pdata);
  /* A translation tells of every shortcut the English does. */
  g_assert_cmpstr (names, ==, english_names);
}

/* What a label reads: without its mnemonic's underscore. */
static char *
shown_text (const char *label)
{
  g_autoptr(GString) plain = g_string_new (NULL);

  for (const char *p = label; *p != '\0'; p++)
    if (*p != '_' || p[1] == '_')
      g_string_append_c (plain, *p);
  return g_string_free (g_steal_pointer (&plain), FALSE);
}

static void
test_labels (gconstpointer data)
{
  const Guide *guide = guide_read (data);
  g_autoptr(GHashTable) shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* *Label*, perhaps over two lines; not **bold**. */
  g_autoptr(GRegex) italics = g_regex_new ("(?<![*\\p{L}\\p{N}])\\*([^*\\s](?:[^*]*?[^*\\s])?)\\*(?![*\\p{L}\\p{N}])",
                                           0, 0, NULL);
  g_autoptr(GRegex) space = g_regex_new ("\\s+", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  GHashTableIter iter;
  const char *translation;
  guint labels = 0;

  g_hash_table_iter_init (&iter, guide->po);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &translation))
    g_hash_table_add (shown, shown_text (translation));
  g_regex_match (italics, guide->text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *written = g_match_info_fetch (match, 1);
      g_autofree char *label = g_regex_replace_literal (space, written, -1, 0, " ", 0, NULL);

      if (!g_hash_table_contains (shown, label))
        g_error ("the %s guide names the label “%s”, which the board does not show in %s", guide->lang,
                 label, guide->lang);
      labels++;
      g_match_info_next (match, NULL);
    }
  g_test_message ("%u labels named", labels);
  g_assert_cmpuint (labels, >, 30);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (argc < 2)
    g_error ("usage: test-guide --tap SOURCE-ROOT");
  root = argv[1];

  g_test_add_func ("/guide/choice", test_choice);
  g_test_add_func ("/guide/source", test_source);
  for (guint i = 0; i < 3; i++)
    {
      const char *lang = (const char *[]) { "en", "kk", "ru" }[i];
      g_autofree char *pictures_path = g_strdup_printf ("/guide/%s/pictures", lang);
      g_autofree char *shortcuts_path = g_strdup_printf ("/guide/%s/shortcuts", lang);
      g_autofree char *labels_path = g_strdup_printf ("/guide/%s/labels", lang);

      g_test_add_data_func (pictures_path, lang, test_pictures);
      g_test_add_data_func (shortcuts_path, lang, test_shortcuts);
      /* The English guide's italics also stress words that are no label. */
      if (i > 0)
        g_test_add_data_func (labels_path, lang, test_labels);
    }
  status = g_test_run ();
  for (guint i = 0; i < G_N_ELEMENTS (guides); i++)
    {
      g_free (guides[i].text);
      g_clear_pointer (&guides[i].po, g_hash_table_unref);
    }
  return status;
}
