/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Texts the board builds from an incident's fields (issue 20, item 7): an
 * incident without an address must not leave stray punctuation in the
 * question before a dispatch.
 */
#include "config.h"

#include "dozor-labels.h"

static void
test_dispatch_question (void)
{
  static const struct { const char *address; const char *warning; const char *text; } cases[] = {
    { "pr. Abaya 10", NULL, "To 2026-0001, Traffic accident, pr. Abaya 10. Priority 2 — urgent." },
    { "", NULL, "To 2026-0001, Traffic accident. Priority 2 — urgent." },
    { NULL, NULL, "To 2026-0001, Traffic accident. Priority 2 — urgent." },
    { "   ", "\n\nStale.", "To 2026-0001, Traffic accident. Priority 2 — urgent.\n\nStale." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = dozor_dispatch_question_text ("2026-0001", "traffic_accident", cases[i].address, 2,
                                                            cases[i].warning);

      g_test_message ("address “%s”", cases[i].address != NULL ? cases[i].address : "(none)");
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/labels/dispatch-question", test_dispatch_question);

  return g_test_run ();
}
