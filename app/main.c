/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "dozor-application.h"
#include "dozor-memory.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DozorApplication) app = NULL;
  const char *locale_dir = g_getenv ("DOZOR_LOCALE_DIR");

  /* Before any allocation worth the name and before any thread. */
  dozor_memory_configure ();

  /* `meson devenv` points this at the catalogues built in the build tree. */
  if (locale_dir == NULL || *locale_dir == '\0')
    locale_dir = LOCALEDIR;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = dozor_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
