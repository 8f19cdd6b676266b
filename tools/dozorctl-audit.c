/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozorctl audit verify | export: the audit trail, read from the store's
 * file itself (--db), not through dozord: whoever checks the chain should
 * not have to trust the server that wrote it. Both work while dozord runs
 * (the file is in WAL mode) and while it is stopped.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "dozor-store.h"
#include "dozorctl.h"

static const char audit_usage[] = N_(
  "On the store file, the audit trail:\n"
  "  audit verify                                    check the hash chain, name the first broken record\n"
  "  audit export [--from TIME] [--to TIME] [--format json|csv] -o FILE   a time window of it\n");

/**
 * dozorctl_audit_usage:
 *
 * Returns: the lines `dozorctl --help` adds for the audit commands
 */
const char *
dozorctl_audit_usage (void)
{
  return _(audit_usage);
}

static int
verify (DozorStore  *store,
        int          argc,
        char       **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *head = NULL;
  g_autofree char *broken_text = NULL;
  g_autofree char *checked_text = NULL;
  gint64 broken, checked;
  DozorAuditFault fault;

  g_option_context_set_summary (context, _("Check the audit trail's hash chain from its anchor to its last record. "
                                           "Exits with 1 and names the first broken record if it does not hold."));
  if (!dozorctl_parse_options (context, "audit verify", &argc, &argv))
    return DOZORCTL_EXIT_BAD_USAGE;
  if (argc != 1)
    {
      g_printerr (_("Usage: dozorctl audit verify\n"));
      return DOZORCTL_EXIT_BAD_USAGE;
    }

  fault = dozor_store_audit_verify (store, &broken, &checked, &head, &error);
  if (error != NULL)
    {
      g_printerr (_("dozorctl audit verify: %s\n"), error->message);
      return EXIT_FAILURE;
    }

  /* Numbers as text: a translation takes no 64-bit format directive. */
  broken_text = g_strdup_printf ("%" G_GINT64_FORMAT, broken);
  checked_text = g_strdup_printf ("%" G_GINT64_FORMAT, checked);
  switch (fault)
    {
    case DOZOR_AUDIT_INTACT:
      g_print (_("The audit trail is intact: %s records verified; the last hash is %s\n"), checked_text, head);
      return EXIT_SUCCESS;
    case DOZOR_AUDIT_MODIFIED:
      g_print (_("The audit trail is broken at record %s: modified (it no longer matches the hash it was chained "
                 "with)\n"),
               broken_text);
      break;
    case DOZOR_AUDIT_MISSING:
      g_print (_("The audit trail is broken at record %s: missing (it was deleted)\n"), broken_text);
      break;
    case DOZOR_AUDIT_OUT_OF_ORDER:
      g_print (_("The audit trail is broken at record %s: out of order (it does not follow the record before it)\n"),
               broken_text);
      break;
    default:
      g_assert_not_reached ();
    }
  g_print (_("%s records before it verified\n"), checked_text);
  return EXIT_FAILURE;
}

/* A bound as the store writes times, or NULL with a message. */
static gboolean
parse_time (const char  *option,
            const char  *text,
            char       **value)
{
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GDateTime) utc = NULL;

  *value = NULL;
  if (text == NULL)
    return TRUE;
  time = g_date_time_new_from_iso8601 (text, NULL);
  if (time == NULL)
    {
      g_printerr (_("dozorctl audit export: %s takes an RFC 3339 time such as 2026-12-01T00:00:00Z\n"), option);
      return FALSE;
    }
  utc = g_date_time_to_utc (time);
  *value = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.%fZ");
  return TRUE;
}

static int
export (DozorStore  *store,
        int          argc,
        char       **argv)
{
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  g_autofree char *format = NULL;
  g_autofree char *output = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, N_("Records from this time on (RFC 3339)"), N_("TIME") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, N_("Records before this time (RFC 3339)"), N_("TIME") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("json (default) or csv"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("File to write"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  DozorAuditFormat chosen = DOZOR_AUDIT_FORMAT_JSON;
  guint n_records = 0;

  g_option_context_set_summary (context, _("Write the audit records of a time window, with their hashes, so that "
                                           "the window's chain can be checked elsewhere."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!dozorctl_parse_options (context, "audit export", &argc, &argv))
    return DOZORCTL_EXIT_BAD_USAGE;
  if (argc != 1 || output == NULL || (format != NULL && !g_str_equal (format, "json") && !g_str_equal (format, "csv")))
    {
      g_printerr (_("Usage: dozorctl audit export [--from TIME] [--to TIME] [--format json|csv] -o FILE\n"));
      return DOZORCTL_EXIT_BAD_USAGE;
    }
  if (!parse_time ("--from", from_text, &from) || !parse_time ("--to", to_text, &to))
    return DOZORCTL_EXIT_BAD_USAGE;
  if (format != NULL && g_str_equal (format, "csv"))
    chosen = DOZOR_AUDIT_FORMAT_CSV;

  /* Replaced whole or not at all: a half-written export is no evidence. */
  file = g_file_new_for_commandline_arg (output);
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, &error);
  if (stream == NULL ||
      !dozor_store_audit_export (store, from, to, chosen, G_OUTPUT_STREAM (stream), &n_records, &error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &error))
    {
      g_autoptr(GCancellable) abandon = g_cancellable_new ();

      /* A cancelled close keeps what the file held before. */
      g_cancellable_cancel (abandon);
      if (stream != NULL)
        g_output_stream_close (G_OUTPUT_STREAM (stream), abandon, NULL);
      g_printerr (_("dozorctl audit export: %s\n"), error->message);
      return EXIT_FAILURE;
    }

  g_print (g_dngettext (GETTEXT_PACKAGE, "Wrote %u audit record to %s\n", "Wrote %u audit records to %s\n", n_records),
           n_records, output);
  return EXIT_SUCCESS;
}

/**
 * dozorctl_audit:
 * @store: the store file, opened
 * @command: `audit verify` or `audit export`
 * @argc: arguments from the command on
 * @argv: (array length=argc): the arguments
 *
 * Returns: the exit status
 */
int
dozorctl_audit (DozorStore  *store,
                const char  *command,
                int          argc,
                char       **argv)
{
  if (g_str_equal (command, "audit verify"))
    return verify (store, argc, argv);
  if (g_str_equal (command, "audit export"))
    return export (store, argc, argv);

  g_printerr ("%s", dozorctl_audit_usage ());
  return DOZORCTL_EXIT_BAD_USAGE;
}
