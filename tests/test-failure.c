/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What dozord tells a client of a failure: the documented status and code,
 * and never SQLite's words, paths or source locations.
 */
#include "config.h"

#include <string.h>

#include "dozor-failure.h"
#include "dozor-json.h"
#include "dozor-store.h"

/* A failure that set no error is answered 500, not dereferenced. */
static void
test_no_error (void)
{
  const char *code = NULL;
  guint status = dozor_failure_status (NULL, &code);
  const char *message;

  g_assert_cmpuint (status, ==, 500);
  g_assert_cmpstr (code, ==, "internal");

  g_test_expect_message ("Dozor", G_LOG_LEVEL_WARNING, "*without saying why*");
  message = dozor_failure_message (NULL, status);
  g_test_assert_expected_messages ();
  g_assert_nonnull (message);
  g_assert_cmpuint (strlen (message), >, 0);
}

static void
test_internal_text_logged_only (void)
{
  g_autoptr(GError) error = g_error_new_literal (DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_IO,
                                                 "Database error: disk I/O error in /var/lib/dozord/dozord.sqlite");
  const char *code = NULL;
  guint status = dozor_failure_status (error, &code);
  const char *message;

  g_assert_cmpuint (status, ==, 503);
  g_assert_cmpstr (code, ==, "unavailable");

  g_test_expect_message ("Dozor", G_LOG_LEVEL_WARNING, "*disk I/O error in /var/lib/dozord/dozord.sqlite*");
  message = dozor_failure_message (error, status);
  g_test_assert_expected_messages ();
  g_assert_null (strstr (message, "disk I/O"));
  g_assert_null (strstr (message, "/"));
  g_assert_null (strstr (message, "sqlite"));
}

/* Refusals are written for the client and keep their words. */
static void
test_refusals (void)
{
  static const struct {
    GQuark domain;
    int code;
    guint status;
    const char *name;
  } cases[] = {
    { 0, DOZOR_STORE_ERROR_INVALID, 422, "invalid_field" },
    { 0, DOZOR_STORE_ERROR_NOT_FOUND, 404, "not_found" },
    { 0, DOZOR_STORE_ERROR_CONFLICT, 409, "conflict" },
    { 0, DOZOR_STORE_ERROR_STALE, 412, "stale_version" },
    { 0, DOZOR_STORE_ERROR_UNAUTHORIZED, 401, "unauthorized" },
    { 1, DOZOR_JSON_ERROR_INVALID_FIELD, 422, "invalid_field" },
    { 1, DOZOR_JSON_ERROR_INVALID, 400, "invalid_json" },
    { 1, DOZOR_JSON_ERROR_TOO_DEEP, 400, "too_deep" },
    { 1, DOZOR_JSON_ERROR_TOO_LARGE, 413, "too_large" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (cases[i].domain == 0 ? DOZOR_STORE_ERROR : DOZOR_JSON_ERROR,
                                                     cases[i].code, "call_sign: is too long");
      const char *code = NULL;

      g_assert_cmpuint (dozor_failure_status (error, &code), ==, cases[i].status);
      g_assert_cmpstr (code, ==, cases[i].name);
      g_assert_cmpstr (dozor_failure_message (error, cases[i].status), ==, "call_sign: is too long");
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/failure/no-error", test_no_error);
  g_test_add_func ("/failure/internal-text-logged-only", test_internal_text_logged_only);
  g_test_add_func ("/failure/refusals", test_refusals);

  return g_test_run ();
}
