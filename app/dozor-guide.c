/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The user guide (docs/guide.md and its screenshots), opened from the main
 * menu or with F1 in whatever the desktop opens Markdown with. Installed it
 * is in $datadir/doc/dozor; a board run from the build tree (DOZOR_DATA_DIR
 * set to the source's data/, as `meson devenv` and the tests do) opens
 * the source's copy, so the guide read is the one of the code that runs.
 */

#include "config.h"

#include "dozor-guide.h"

#include <glib/gi18n.h>

static char *
guide_in (const char *docs_dir)
{
  return g_build_filename (docs_dir, "guide.md", NULL);
}

/**
 * dozor_guide_find:
 *
 * Returns: (transfer full): the absolute path of the guide to open: the
 *   source tree's beside `DOZOR_DATA_DIR` when that is set, else the
 *   installed one, else the source tree's of the build (a board run from
 *   the build directory without `meson devenv`). The file may not exist
 *   when none of them does; the installed path is returned then.
 */
char *
dozor_guide_find (void)
{
  const char *data_dir = g_getenv ("DOZOR_DATA_DIR");
  g_autofree char *installed = guide_in (DOZOR_DOCDIR);
  g_autofree char *source = guide_in (DOZOR_SOURCE_DOCDIR);

  if (data_dir != NULL && *data_dir != '\0')
    {
      g_autofree char *root = g_path_get_dirname (data_dir);
      g_autofree char *docs = g_build_filename (root, "docs", NULL);
      g_autofree char *beside = guide_in (docs);

      if (g_file_test (beside, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&beside);
    }
  if (!g_file_test (installed, G_FILE_TEST_IS_REGULAR) && g_file_test (source, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&source);
  return g_steal_pointer (&installed);
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
