/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Scratch files the tests make and clean up. */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

/* Removes @path and, for a directory, everything below it. */
static inline void
test_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          test_remove_tree (child);
        }
    }
  g_remove (path);
}
