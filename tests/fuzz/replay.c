/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A stand-in for libFuzzer where clang is not used: runs the target on
 * every corpus file, then on mutations of them (bit flips, cut-offs,
 * repeats, inserted tokens that parsers trip on) for a bounded time with a
 * fixed seed, so a run can be repeated. It prints how many inputs it ran;
 * a crash or an assertion is the failure.
 *
 *   fuzz-TARGET-replay [--seconds N] [--seed N] CORPUS-DIR…
 *
 * With FUZZ_LAST_INPUT=FILE each input is written there before it runs,
 * so the one that crashed can be kept and added to the corpus.
 */
#include "config.h"

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char *const tokens[] = {
  "<!DOCTYPE x [<!ENTITY a \"b\">]>", "NaN", "-1e309", "1e308", "[[[", "]]]", "{", "}", "\"type\":\"Polygon\"",
  "\"coordinates\":", "<coordinates>", "</Placemark>", "<NetworkLink>", "POLYGON ((", "\"crs\":", "\xff\xfe",
  "SQLite format 3", "PK\x03\x04", "\"", "\\", ",", "\n", "0", "null", "\r\n", "\\u00e9",
};

static void
insert_bytes (GByteArray   *array,
              guint         at,
              const guint8 *bytes,
              guint         n)
{
  guint old = array->len;

  g_byte_array_set_size (array, old + n);
  memmove (array->data + at + n, array->data + at, old - at);
  memcpy (array->data + at, bytes, n);
}

static void
run_one (const guint8 *data,
         gsize         length)
{
  const char *keep = g_getenv ("FUZZ_LAST_INPUT");

  if (keep != NULL)
    g_file_set_contents (keep, (const char *) data, length, NULL);
  LLVMFuzzerTestOneInput (data, length);
}

static GByteArray *
mutate (GBytes *seed,
        GRand  *rand)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (seed, &length);
  GByteArray *out = g_byte_array_new ();
  guint n = g_rand_int_range (rand, 1, 5);

  g_byte_array_append (out, data, length);
  for (guint m = 0; m < n; m++)
    {
      guint at = out->len > 0 ? g_rand_int_range (rand, 0, out->len) : 0;

      switch (g_rand_int_range (rand, 0, 6))
        {
        case 0:
          if (out->len > 0)
            out->data[at] ^= 1 << g_rand_int_range (rand, 0, 8);
          break;
        case 1:
          if (out->len > 0)
            out->data[at] = g_rand_int_range (rand, 0, 256);
          break;
        case 2:
          g_byte_array_set_size (out, at);
          break;
        case 3:
          if (out->len > at)
            {
              guint wanted = g_rand_int_range (rand, 1, 64);

              g_byte_array_remove_range (out, at, MIN (out->len - at, wanted));
            }
          break;
        case 4:
          {
            const char *token = tokens[g_rand_int_range (rand, 0, G_N_ELEMENTS (tokens))];
            guint times = g_rand_int_range (rand, 1, 50);

            for (guint t = 0; t < times; t++)
              insert_bytes (out, at, (const guint8 *) token, strlen (token));
          }
          break;
        default:
          if (out->len > at && out->len < (1 << 20))
            {
              guint wanted = g_rand_int_range (rand, 1, 256);
              guint span = MIN (out->len - at, wanted);
              g_autofree guint8 *copy = g_memdup2 (out->data + at, span);

              insert_bytes (out, at, copy, span);
            }
          break;
        }
    }
  return out;
}

int
main (int   argc,
      char *argv[])
{
  double seconds = 10;
  gint64 seed = 1;
  GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "How long to mutate after the corpus", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the mutations", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("CORPUS-DIR…");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) corpus = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GRand) rand = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  guint64 executions = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc < 2)
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error != NULL ? error->message : "give the corpus directories");
      return 2;
    }

  for (int a = 1; a < argc; a++)
    {
      g_autoptr(GDir) dir = g_dir_open (argv[a], 0, &error);
      const char *name;

      if (dir == NULL)
        {
          g_printerr ("%s: %s\n", g_get_prgname (), error->message);
          return 2;
        }
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (argv[a], name, NULL);
          char *contents;
          gsize length;

          if (!g_file_get_contents (path, &contents, &length, NULL))
            continue;
          g_ptr_array_add (corpus, g_bytes_new_take (contents, length));
        }
    }

  for (guint i = 0; i < corpus->len; i++)
    {
      gsize length;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (corpus, i), &length);

      run_one (data, length);
      executions++;
    }
  g_print ("# %u corpus inputs read back\n", corpus->len);

  rand = g_rand_new_with_seed ((guint32) seed);
  while (corpus->len > 0 && g_timer_elapsed (timer, NULL) < seconds)
    {
      GByteArray *input = mutate (g_ptr_array_index (corpus, g_rand_int_range (rand, 0, corpus->len)), rand);

      run_one (input->data, input->len);
      g_byte_array_unref (input);
      executions++;
    }

  g_print ("# %" G_GUINT64_FORMAT " executions in %.1f s (seed %" G_GINT64_FORMAT "), no crash\n",
           executions, g_timer_elapsed (timer, NULL), seed);
  g_print ("1..1\nok 1 - %" G_GUINT64_FORMAT " inputs, no crash\n", executions);
  return 0;
}
