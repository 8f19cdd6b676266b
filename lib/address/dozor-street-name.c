/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Street names as an operator types them and as OpenStreetMap has them
 * differ in case, language (Russian "проспект Абая", Kazakh "Абай
 * даңғылы"), script (Latin "Abaya") and inflection (Абай, Абая). Both sides
 * are reduced to the same keys here: folded to plain lower-case Cyrillic,
 * the street-type words dropped, each word cut to a stem. The index keeps
 * the stems and searches them as prefixes, so "Абая" finds "Абай" and
 * "Сатпаев" finds "Сатпаева"; stems are devoiced (б→п, д→т…), so that
 * "Сатпаева" and "Сәтбаев" are one street.
 *
 * Latin is turned into Cyrillic rather than the other way round: the data
 * is Cyrillic, and Russian transliteration (ya, zh, sh, kh, ts…) maps back
 * unambiguously enough for street names.
 */
#include "dozor-street-name.h"

#include <string.h>

/* Longest first: the first that matches wins. */
static const struct
{
  const char *latin;
  const char *cyrillic;
} digraphs[] = {
  { "shch", "щ" }, { "sch", "щ" }, { "zh", "ж" }, { "kh", "х" }, { "ch", "ч" },
  { "sh", "ш" }, { "ts", "ц" }, { "ya", "я" }, { "yu", "ю" }, { "yo", "е" },
  { "ye", "е" }, { "gh", "г" },
};

/* a–z; 'y' is decided by its neighbours, 'x' is two letters. */
static const char *const latin_letters[26] = {
  "а", "б", "ц", "д", "е", "ф", "г", "х", "и", "ж", "к", "л", "м",
  "н", "о", "п", "к", "р", "с", "т", "у", "в", "у", "кс", NULL, "з",
};

/* Street-type words, folded, Russian and Kazakh, full and abbreviated, and
 * what their Latin spellings fold to. */
static const char *const type_words[] = {
  "улица", "ул", "проспект", "пр", "просп", "прт", "проспецт", "переулок", "пер",
  "бульвар", "бул", "бр", "шоссе", "ш", "площадь", "пл", "микрорайон", "мкр",
  "мкрн", "тупик", "туп", "проезд", "прд", "набережная", "наб", "аллея", "тракт",
  "трасса", "кошеси", "коше", "кош", "дангылы", "дангыл", "данг", "дан",
  "шагынаудан", "шагынауданы", "аланы", "алан", "туйык", "стреет", "ст",
  "стр", "авенуе", "аве", "роад",
};

/* Russian adjective and noun endings, longest first. */
static const char *const endings[] = {
  "ого", "его", "ому", "ему", "ыми", "ими", "ой", "ей", "ий", "ый", "ая", "яя",
  "ое", "ее", "ую", "юю", "а", "я", "ы", "и", "у", "ю", "е", "о", "й",
};

static gboolean
is_latin_vowel (char c)
{
  return c != '\0' && strchr ("aeiou", c) != NULL;
}

static gboolean
is_cyrillic_vowel (gunichar c)
{
  static const gunichar vowels[] = { 0x430, 0x435, 0x438, 0x43e, 0x443, 0x44b, 0x44d, 0x44e, 0x44f };

  for (guint i = 0; i < G_N_ELEMENTS (vowels); i++)
    if (c == vowels[i])
      return TRUE;
  return FALSE;
}

/* Kazakh letters, ё and Latin letters with marks, as the plain Cyrillic
 * letter they are searched by; 0 for a letter kept as it is, and
 * (gunichar) -1 for one dropped without breaking the word. */
static gunichar
fold_letter (gunichar c)
{
  switch (c)
    {
    case 0x4d9: return 0x430; /* ә → а */
    case 0x493: return 0x433; /* ғ → г */
    case 0x49b: return 0x43a; /* қ → к */
    case 0x4a3: return 0x43d; /* ң → н */
    case 0x4e9: return 0x43e; /* ө → о */
    case 0x4b1: return 0x443; /* ұ → у */
    case 0x4af: return 0x443; /* ү → у */
    case 0x4bb: return 0x445; /* һ → х */
    case 0x456: return 0x438; /* і → и */
    case 0x451: return 0x435; /* ё → е */
    case 0x44a: return (gunichar) -1; /* ъ */
    case 0x44c: return (gunichar) -1; /* ь */
    case 0xe4: return 0x430;  /* ä (Kazakh Latin) */
    case 0xf6: return 0x43e;  /* ö */
    case 0xfc: return 0x443;  /* ü */
    case 0x16b: return 0x443; /* ū */
    case 0x131: return 0x44b; /* ı */
    case 0x11f: return 0x433; /* ğ */
    case 0x15f: return 0x448; /* ş */
    case 0xe7: return 0x447;  /* ç */
    case 0xf1: return 0x43d;  /* ñ */
    case 0xe9: return 0x435;  /* é */
    default: return 0;
    }
}

/**
 * dozor_street_name_fold:
 * @text: (nullable): a street name or what an operator typed, any UTF-8
 *
 * @text in lower case, Kazakh letters as their Russian neighbours (ә→а, ғ→г,
 * қ→к, ң→н, ө→о, ұ and ү→у, һ→х, і→и), ё→е, ъ and ь dropped, Latin letters
 * transliterated to Cyrillic, and everything that is not a letter or digit
 * a single space between words. At most %DOZOR_STREET_NAME_MAX_CHARS
 * characters of @text are read.
 *
 * Returns: (transfer full): the folded words, separated by single spaces
 */
char *
dozor_street_name_fold (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  glong length = g_utf8_strlen (valid, -1);
  g_autofree char *cut = g_utf8_substring (valid, 0, MIN (length, DOZOR_STREET_NAME_MAX_CHARS));
  g_autofree char *lower = g_utf8_casefold (cut, -1);
  GString *out = g_string_new (NULL);
  gboolean previous_vowel = FALSE;
  const char *p = lower;

  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char (p);
      gunichar folded;

      if (c < 0x80 && g_ascii_isalpha ((char) c))
        {
          gboolean matched = FALSE;

          for (guint i = 0; i < G_N_ELEMENTS (digraphs) && !matched; i++)
            {
              gsize n = strlen (digraphs[i].latin);

              if (strncmp (p, digraphs[i].latin, n) == 0)
                {
                  g_string_append (out, digraphs[i].cyrillic);
                  previous_vowel = is_cyrillic_vowel (g_utf8_get_char (digraphs[i].cyrillic));
                  p += n;
                  matched = TRUE;
                }
            }
          if (matched)
            continue;
          if (c == 'y')
            {
              /* "Abay" ends in й, "Dostyk" has ы between consonants. */
              gboolean short_i = previous_vowel && !is_latin_vowel (p[1]);

              g_string_append (out, short_i ? "й" : "ы");
              previous_vowel = !short_i;
            }
          else
            {
              g_string_append (out, latin_letters[c - 'a']);
              previous_vowel = is_latin_vowel ((char) c);
            }
          p++;
          continue;
        }

      p = g_utf8_next_char (p);
      folded = fold_letter (c);
      if (folded == (gunichar) -1 || g_unichar_ismark (c))
        continue;
      if (folded != 0)
        c = folded;
      if (g_unichar_isalnum (c))
        {
          g_string_append_unichar (out, c);
          previous_vowel = is_cyrillic_vowel (c);
        }
      else
        {
          if (out->len > 0 && out->str[out->len - 1] != ' ')
            g_string_append_c (out, ' ');
          previous_vowel = FALSE;
        }
    }

  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

static gboolean
is_type_word (const char *word)
{
  for (guint i = 0; i < G_N_ELEMENTS (type_words); i++)
    if (strcmp (word, type_words[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Voiced consonants as their voiceless pairs: Kazakh and Russian spell
 * some names apart only there (Сәтбаев, Сатпаев), and transliteration
 * blurs them too. */
static char *
devoice (const char *word)
{
  static const gunichar pairs[][2] = {
    { 0x431, 0x43f }, /* б → п */
    { 0x432, 0x444 }, /* в → ф */
    { 0x433, 0x43a }, /* г → к */
    { 0x434, 0x442 }, /* д → т */
    { 0x436, 0x448 }, /* ж → ш */
    { 0x437, 0x441 }, /* з → с */
  };
  GString *out = g_string_sized_new (strlen (word));

  for (const char *p = word; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
        if (c == pairs[i][0])
          c = pairs[i][1];
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* One ending off a word long enough to have one (what is left keeps at
 * least three letters, so short names stay themselves), then devoiced. */
static char *
stem (const char *word)
{
  glong length = g_utf8_strlen (word, -1);

  if (length >= 4)
    for (guint i = 0; i < G_N_ELEMENTS (endings); i++)
      {
        glong n = g_utf8_strlen (endings[i], -1);

        if (length - n >= 3 && g_str_has_suffix (word, endings[i]))
          {
            g_autofree char *cut = g_strndup (word, strlen (word) - strlen (endings[i]));

            return devoice (cut);
          }
      }
  return devoice (word);
}

/**
 * dozor_street_name_keys:
 * @text: (nullable): a street name or what an operator typed
 *
 * The words @text is searched by: folded as by dozor_street_name_fold(),
 * without street-type words (улица, проспект, көшесі, даңғылы, ул., пр.…)
 * unless nothing else is left, each cut to its stem with voiced consonants made voiceless.
 *
 * Returns: (transfer full): the keys, possibly none
 */
GStrv
dozor_street_name_keys (const char *text)
{
  g_autofree char *folded = dozor_street_name_fold (text);
  g_auto(GStrv) words = g_strsplit (folded, " ", -1);
  g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) all = g_strv_builder_new ();
  gboolean any_kept = FALSE;

  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *s = NULL;

      if (*words[i] == '\0')
        continue;
      s = stem (words[i]);
      g_strv_builder_add (all, s);
      if (!is_type_word (words[i]))
        {
          g_strv_builder_add (kept, s);
          any_kept = TRUE;
        }
    }
  return g_strv_builder_end (any_kept ? kept : all);
}

/**
 * dozor_street_name_key:
 * @text: (nullable): a street name
 *
 * Returns: (transfer full): the keys of @text joined by single spaces: two
 *   names with the same key are taken for the same street
 */
char *
dozor_street_name_key (const char *text)
{
  g_auto(GStrv) keys = dozor_street_name_keys (text);

  return g_strjoinv (" ", keys);
}

/**
 * dozor_street_name_abbreviate:
 * @name: a street's name as the data has it
 *
 * @name with a leading or trailing street-type word in its usual short
 * form: "проспект Абая" → "пр. Абая", "Абай даңғылы" → "Абай даң.".
 *
 * Returns: (transfer full): the short name
 */
char *
dozor_street_name_abbreviate (const char *name)
{
  static const struct
  {
    const char *full;
    const char *brief;
  } forms[] = {
    { "улица", "ул." }, { "проспект", "пр." }, { "переулок", "пер." },
    { "бульвар", "бул." }, { "микрорайон", "мкр" }, { "площадь", "пл." },
    { "шоссе", "ш." }, { "көшесі", "көш." }, { "даңғылы", "даң." },
  };
  g_auto(GStrv) words = g_strsplit (name, " ", -1);
  guint n = g_strv_length (words);

  if (n < 2)
    return g_strdup (name);
  for (guint end = 0; end < 2; end++)
    {
      guint at = end == 0 ? 0 : n - 1;
      g_autofree char *word = g_utf8_casefold (words[at], -1);

      for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
        if (strcmp (word, forms[i].full) == 0)
          {
            g_free (words[at]);
            words[at] = g_strdup (forms[i].brief);
            return g_strjoinv (" ", words);
          }
    }
  return g_strdup (name);
}
