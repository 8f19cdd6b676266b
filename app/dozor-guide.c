/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The user guide (docs/guide.md and its screenshots), opened from the main
 * menu or with F1 in whatever the desktop opens Markdown with. Installed it
 * is in $datadir/doc/dozor; a board run from the build tree (DOZOR_DATA_DIR
 * set to the source's data/, as `meson devenv` and the tests do) opens
 * the source's copy, so the guide read is the one of the code that runs.
 * The guide comes in the user's language where one is written
 * (docs/guide.kk.md, docs/guide.ru.md), in English otherwise.
 */

#include "config.h"

#include "dozor-guide.h"

#include <glib/gi18n.h>

/* The guide in @docs_dir in the first of the user's languages it is
 * written in (g_get_language_names(): LANGUAGE, then the locale, ending
 * in "C"), guide.md for "C", or %NULL when none of them is there. */
static char *
guide_in (const char *docs_dir)
{
  const char * const *languages = g_get_language_names ();

  for (guint i = 0; languages[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;

      /* A language name is a word, never a way out of the directory. */
      if (strchr (languages[i], G_DIR_SEPARATOR) != NULL || languages[i][0] == '.')
        continue;
      if (g_str_equal (languages[i], "C"))
        name = g_strdup ("guide.md");
      else
        name = g_strdup_printf ("guide.%s.md", languages[i]);
      path = g_build_filename (docs_dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  /* English is the guide of last resort, also for a user whose language
   * list does not end in "C". */
  {
    g_autofree char *english = g_build_filename (docs_dir, "guide.md", NULL);

    if (g_file_test (english, G_FILE_TEST_IS_REGULAR))
      return g_steal_pointer (&english);
  }
  return NULL;
}

/**
 * dozor_guide_find:
 *
 * Returns: (transfer full): the absolute path of the guide to open, in the
 *   first of the user's languages (g_get_language_names()) it is written
 *   in, else in English: the source tree's beside `DOZOR_DATA_DIR` when
 *   that is set, else the installed one, else the source tree's of the
 *   build (a board run from the build directory without `meson devenv`).
 *   The file may not exist when none of them does; the installed English
 *   path is returned then.
 */
char *
dozor_guide_find (void)
{
  const char *data_dir = g_getenv ("DOZOR_DATA_DIR");
  char *found;

  if (data_dir != NULL && *data_dir != '\0')
    {
      g_autofree char *root = g_path_get_dirname (data_dir);
      g_autofree char *docs = g_build_filename (root, "docs", NULL);

      if ((found = guide_in (docs)) != NULL)
        return found;
    }
  if ((found = guide_in (DOZOR_DOCDIR)) != NULL)
    return found;
  if ((found = guide_in (DOZOR_SOURCE_DOCDIR)) != NULL)
    return found;
  return g_build_filename (DOZOR_DOCDIR, "guide.md", NULL);
}

static void
shown_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autofree char *uri = user_data;
  g_autoptr(GError) error = NULL;

  /* No handler for Markdown (a bare kiosk, Xvfb) is no reason to stop the
   * board: the log says what could not be opened, for the administrator. */
  if (!gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error))
    g_warning ("Guide not opened: %s: %s", uri, error->message);
}

/**
 * dozor_guide_show:
 * @parent: (nullable): the window asking
 *
 * Opens the guide with the desktop's handler for its file, asynchronously.
 */
void
dozor_guide_show (GtkWindow *parent)
{
  g_autofree char *path = dozor_guide_find ();
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);

  g_return_if_fail (uri != NULL);
  g_debug ("Guide opened: %s", uri);
  /* The callback owns a copy: the order a call's arguments are evaluated
   * in is unspecified, so stealing @uri in the same call could pass NULL. */
  gtk_show_uri_full (parent, uri, GDK_CURRENT_TIME, NULL, shown_cb, g_strdup (uri));
}
