/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Plurals in the shift's documents and the board's new windows (issue 18):
 * Russian has three forms ("1 запись, 2 записи, 5 записей", and 11 and 111
 * like 5, 21 like 1), Kazakh one for every number. The strings are taken
 * through ngettext from the catalogues the build compiled, as the board and
 * dozorctl take them, so a catalogue without Plural-Forms, a form missing
 * or a string still translated as one form shows here.
 */
#include "config.h"

#include <glib.h>
#include <glib/gi18n-lib.h>
#include <locale.h>

typedef struct
{
  const char *singular;
  const char *plural;
  gulong n;
  const char *expected;
} Case;

static const Case russian[] = {
  /* The registers' count (the board's Registers window). */
  { "%u entry", "%u entries", 1, "1 запись" },
  { "%u entry", "%u entries", 2, "2 записи" },
  { "%u entry", "%u entries", 5, "5 записей" },
  { "%u entry", "%u entries", 11, "11 записей" },
  { "%u entry", "%u entries", 21, "21 запись" },
  { "%u entry", "%u entries", 22, "22 записи" },
  { "%u entry", "%u entries", 111, "111 записей" },
  /* The daily report's repeated calls. */
  { "%u call", "%u calls", 1, "1 звонок" },
  { "%u call", "%u calls", 3, "3 звонка" },
  { "%u call", "%u calls", 12, "12 звонков" },
  { "about %u incident", "about %u incidents", 1, "по 1 происшествию" },
  { "about %u incident", "about %u incidents", 2, "по 2 происшествиям" },
  /* The handover's count of readiness changes. */
  { "Degree of readiness: %s%s%s; changed %u time in the shift\n",
    "Degree of readiness: %s%s%s; changed %u times in the shift\n", 3,
    "Степень готовности: повышенная; за смену менялась 3 раза\n" },
};

static const Case kazakh[] = {
  { "%u entry", "%u entries", 1, "1 жазба" },
  { "%u entry", "%u entries", 2, "2 жазба" },
  { "%u entry", "%u entries", 5, "5 жазба" },
  { "%u call", "%u calls", 3, "3 қоңырау" },
};

static void
use_language (const char *language)
{
  g_setenv ("LANGUAGE", language, TRUE);
  /* glibc caches translations per locale: setting it again drops them. */
  setlocale (LC_ALL, "");
}

/* The formats are the catalogue's, looked up from the table above. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

static void
check (const Case *cases,
       guint       n_cases)
{
  for (guint i = 0; i < n_cases; i++)
    {
      const char *format = g_dngettext (GETTEXT_PACKAGE, cases[i].singular, cases[i].plural, cases[i].n);
      g_autofree char *text = NULL;

      if (g_str_has_prefix (cases[i].singular, "Degree"))
        text = g_strdup_printf (format, "повышенная", "", "", (guint) cases[i].n);
      else
        text = g_strdup_printf (format, (guint) cases[i].n);
      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

static void
test_russian (void)
{
  use_language ("ru");
  check (russian, G_N_ELEMENTS (russian));
}

static void
test_kazakh (void)
{
  use_language ("kk");
  check (kazakh, G_N_ELEMENTS (kazakh));
}

/* The roster's "1 of 2 entries" takes its plural from the whole. */
static void
test_of_entries (void)
{
  static const struct { gulong late, all; const char *expected; } cases[] = {
    { 1, 2, "1 из 2 записей" },
    { 0, 1, "0 из 1 записи" },
    { 3, 21, "3 из 21 записи" },
    { 4, 5, "4 из 5 записей" },
  };

  use_language ("ru");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *late = g_strdup_printf ("%lu", cases[i].late);
      g_autofree char *all = g_strdup_printf ("%lu", cases[i].all);
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s of %s entry", "%s of %s entries",
                                                            cases[i].all), late, all);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

#pragma GCC diagnostic pop

int
main (int   argc,
      char *argv[])
{
  const char *locale_dir = g_getenv ("DOZOR_LOCALE_DIR");

  g_test_init (&argc, &argv, NULL);
  /* The build's catalogues; C.UTF-8 so that LANGUAGE picks the language
   * on a machine with no Russian or Kazakh locale. */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  if (locale_dir == NULL)
    g_error ("DOZOR_LOCALE_DIR must name the build's po directory");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  g_test_add_func ("/plurals/russian", test_russian);
  g_test_add_func ("/plurals/kazakh", test_kazakh);
  g_test_add_func ("/plurals/of-entries", test_of_entries);
  return g_test_run ();
}
