/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The SOP catalogue: the one the project ships is whole in three
 * languages and covers the incidents the issue names; a centre's mistakes
 * are refused with the place in the file.
 */
#include "config.h"

#include "dozor-sop-catalogue.h"

static DozorSopCatalogue *
shipped (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("DOZOR_DATA_DIR"), "sop", "catalogue.json", NULL);
  g_autoptr(GError) error = NULL;
  DozorSopCatalogue *catalogue = dozor_sop_catalogue_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (catalogue);
  return catalogue;
}

static gboolean
has_kazakh_letter (const char *text)
{
  static const char *const letters[] = { "ә", "ғ", "қ", "ң", "ө", "ұ", "ү", "һ", "і", "Ә", "Қ", "Ө", "Ұ", "Ү", "І" };

  for (guint i = 0; i < G_N_ELEMENTS (letters); i++)
    if (strstr (text, letters[i]) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_shipped (void)
{
  static const char *const required[] = {
    "domestic", "missing_person", "traffic_accident", "robbery", "public_disorder", "suspicious", "assault", "theft",
  };
  g_autoptr(DozorSopCatalogue) catalogue = shipped ();

  g_assert_cmpuint (dozor_sop_catalogue_get_n_procedures (catalogue), >=, 8);
  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      g_autoptr(GPtrArray) found = dozor_sop_catalogue_for_type (catalogue, required[i]);

      g_test_message ("%s: %u procedures", required[i], found->len);
      g_assert_cmpuint (found->len, >=, 1);
    }

  /* Written in each language, not copied across: every Russian text
   * differs from its English, and the Kazakh ones are Kazakh. */
  for (guint p = 0; p < dozor_sop_catalogue_get_n_procedures (catalogue); p++)
    {
      const DozorSopProcedure *procedure = dozor_sop_catalogue_get_procedure (catalogue, p);
      guint kazakh = has_kazakh_letter (procedure->title[2]);

      g_assert_cmpstr (procedure->title[1], !=, procedure->title[0]);
      g_assert_cmpstr (procedure->title[2], !=, procedure->title[1]);
      g_assert_cmpuint (procedure->steps->len, >=, 5);
      for (guint s = 0; s < procedure->steps->len; s++)
        {
          const DozorSopStep *step = g_ptr_array_index (procedure->steps, s);

          g_assert_cmpstr (step->text[1], !=, step->text[0]);
          g_assert_cmpstr (step->text[2], !=, step->text[1]);
          kazakh += has_kazakh_letter (step->text[2]);
        }
      g_assert_cmpuint (kazakh, >, procedure->steps->len / 2);
    }
  g_assert_nonnull (dozor_sop_catalogue_find (catalogue, "missing-child"));
  g_assert_null (dozor_sop_catalogue_find (catalogue, "no-such-procedure"));
}

static void
test_refused (void)
{
  static const struct
  {
    const char *text;
    const char *message;
  } cases[] = {
    { "[]", "the file: must be a JSON object" },
    { "{\"format\":\"dozor-sop\",\"version\":2,\"procedures\":[]}", "version: must be 1" },
    { "{\"format\":\"other\",\"version\":1,\"procedures\":[]}", "format: must be" },
    { "{\"format\":\"dozor-sop\",\"version\":1,\"procedure\":[]}", ".procedure: not a member" },
    { "{\"format\":\"dozor-sop\",\"version\":1,\"procedures\":[{\"id\":\"a\",\"incident_types\":[\"theft\"],"
      "\"title\":{\"en\":\"A\",\"ru\":\"А\",\"kk\":\"А\"},"
      "\"steps\":[{\"id\":\"one\",\"text\":{\"en\":\"x\",\"ru\":\"х\",\"kk\":\"х\"}},"
      "{\"id\":\"two\",\"text\":{\"en\":\"y\",\"ru\":\"у\"}}]}]}",
      "procedures[0].steps[1].text.kk: missing" },
    { "{\"format\":\"dozor-sop\",\"version\":1,\"procedures\":[{\"id\":\"a\",\"incident_types\":[\"arson\"],"
      "\"title\":{\"en\":\"A\",\"ru\":\"А\",\"kk\":\"А\"},\"steps\":[{\"id\":\"one\",\"text\":{\"en\":\"x\",\"ru\":\"х\",\"kk\":\"х\"}}]}]}",
      "procedures[0].incident_types[0]: not an incident type" },
    { "{\"format\":\"dozor-sop\",\"version\":1,\"procedures\":[{\"id\":\"a\",\"incident_types\":[\"theft\"],"
      "\"title\":{\"en\":\"A\",\"ru\":\"А\",\"kk\":\"А\"},\"steps\":[{\"id\":\"one\",\"text\":{\"en\":\"x\",\"ru\":\"х\",\"kk\":\"х\"}},"
      "{\"id\":\"one\",\"text\":{\"en\":\"y\",\"ru\":\"у\",\"kk\":\"у\"}}]}]}",
      "procedures[0].steps[1].id: another step" },
    { "{\"format\":\"dozor-sop\",\"version\":1,\"procedures\":[{\"id\":\"A b\",\"incident_types\":[\"theft\"],"
      "\"title\":{\"en\":\"A\",\"ru\":\"А\",\"kk\":\"А\"},\"steps\":[{\"id\":\"one\",\"text\":{\"en\":\"x\",\"ru\":\"х\",\"kk\":\"х\"}}]}]}",
      "procedures[0].id: may hold only" },
    { "{\"format\":\"dozor-sop\",\"version\":1,\"procedures\":[{\"id\":\"a\",\"incident_types\":[\"theft\"],"
      "\"title\":{\"en\":\"A\",\"ru\":\"А\",\"kk\":\"А\"},\"stpes\":[]}]}",
      "procedures[0].stpes: not a member" },
    { "{\"format\":\"dozor-sop\",\"version\":1,\"procedures\":[{\"id\":\"a\",\"incident_types\":[\"theft\"],"
      "\"title\":{\"en\":\"A\",\"ru\":\"А\",\"kk\":\"\"},\"steps\":[{\"id\":\"one\",\"text\":{\"en\":\"x\",\"ru\":\"х\",\"kk\":\"х\"}}]}]}",
      "procedures[0].title.kk: must be 1 to" },
    { "{\"format\":\"dozor-sop\",\"version\":1,\"procedures\":[{\"id\":\"a\",\"incident_types\":[\"theft\"],"
      "\"title\":{\"en\":\"A\",\"ru\":\"А\",\"kk\":\"А\"},\"steps\":[]}]}",
      "procedures[0].steps: must hold 1 to" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DozorSopCatalogue) catalogue = dozor_sop_catalogue_new_from_data (cases[i].text, strlen (cases[i].text),
                                                                                 &error);

      g_test_message ("%s", error != NULL ? error->message : "(accepted)");
      g_assert_null (catalogue);
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }
}

static void
test_language (void)
{
  const char *const kazakh[] = { "kk_KZ.UTF-8", "kk_KZ", "kk", "C", NULL };
  const char *const russian[] = { "ru_RU.UTF-8", "ru", "C", NULL };
  const char *const german_then_russian[] = { "de_DE", "de", "ru", "C", NULL };
  const char *const other[] = { "kkj", "fr_FR", "C", NULL };

  g_assert_cmpint (dozor_sop_language (kazakh), ==, 2);
  g_assert_cmpint (dozor_sop_language (russian), ==, 1);
  g_assert_cmpint (dozor_sop_language (german_then_russian), ==, 1);
  g_assert_cmpint (dozor_sop_language (other), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sop-catalogue/shipped", test_shipped);
  g_test_add_func ("/sop-catalogue/refused", test_refused);
  g_test_add_func ("/sop-catalogue/language", test_language);
  return g_test_run ();
}
