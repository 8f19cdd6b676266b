/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "dozor-tile-url.h"

static void
test_accepts_real_servers (void)
{
  static const char *good[] = {
    "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png",
    "https://gis.police.example.kz/wmts/{z}/{y}/{x}?key=abc&style=night",
    "HTTPS://TILES.EXAMPLE/{z}-{x}-{y}",
    "http://[::1]:8080/{z}/{x}/{y}.png",
    "https://карта.алматы.kz/{z}/{x}/{y}.png",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (dozor_tile_url_validate (good[i], &error));
      g_assert_no_error (error);
    }
}

static void
test_rejects (const char *url,
              int         code)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (dozor_tile_url_validate (url, &error));
  g_assert_error (error, G_IO_ERROR, code);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
}

static void
test_rejects_bad_addresses (void)
{
  g_autofree char *huge = NULL;
  GString *long_url = g_string_new ("https://tiles.example/{z}/{x}/{y}.png?pad=");

  test_rejects (NULL, G_IO_ERROR_INVALID_ARGUMENT);
  test_rejects ("", G_IO_ERROR_INVALID_ARGUMENT);
  test_rejects ("https://tiles.example/{z}/{x}.png", G_IO_ERROR_INVALID_ARGUMENT);
  test_rejects ("tiles.example/{z}/{x}/{y}.png", G_IO_ERROR_INVALID_ARGUMENT);
  test_rejects ("file:///var/tiles/{z}/{x}/{y}.png", G_IO_ERROR_NOT_SUPPORTED);
  test_rejects ("ftp://tiles.example/{z}/{x}/{y}.png", G_IO_ERROR_NOT_SUPPORTED);
  test_rejects ("https:///{z}/{x}/{y}.png", G_IO_ERROR_INVALID_ARGUMENT);
  test_rejects ("https://tiles example/{z}/{x}/{y}.png", G_IO_ERROR_INVALID_ARGUMENT);
  test_rejects ("https://tiles.example/{z}/{x}/{y}\xff.png", G_IO_ERROR_INVALID_ARGUMENT);

  while (long_url->len < 5000)
    g_string_append_c (long_url, 'a');
  huge = g_string_free (long_url, FALSE);
  test_rejects (huge, G_IO_ERROR_INVALID_ARGUMENT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tile-url/accepts-real-servers", test_accepts_real_servers);
  g_test_add_func ("/tile-url/rejects-bad-addresses", test_rejects_bad_addresses);

  return g_test_run ();
}
