/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pg-run DATABASE COMMAND [ARGUMENT…]: runs a test script with a throwaway
 * PostgreSQL (pg-fixture.c) holding an empty DATABASE, whose URI is in
 * $DOZOR_TEST_PG_URI. The cluster is stopped when the command ends, and
 * by its guardian if this program is killed. Exits with the command's
 * status; says nothing on stdout, which is the command's (TAP).
 */
#include "config.h"

#include <gio/gio.h>
#include <stdlib.h>

#include "pg-fixture.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *uri = NULL;
  PgCluster *cluster;
  int status;

  if (argc < 3)
    {
      g_printerr ("usage: pg-run DATABASE COMMAND [ARGUMENT…]\n");
      return 2;
    }

  cluster = pg_cluster_start (FALSE, &error);
  if (cluster == NULL)
    {
      g_printerr ("pg-run: %s\n", error->message);
      return 1;
    }
  conninfo = pg_cluster_create_database (cluster, argv[1], &error);
  if (conninfo == NULL)
    {
      g_printerr ("pg-run: %s\n", error->message);
      pg_cluster_stop (cluster);
      return 1;
    }
  uri = pg_cluster_uri (cluster, argv[1]);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "DOZOR_TEST_PG_URI", uri, TRUE);
  child = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv + 2, &error);
  if (child == NULL)
    {
      g_printerr ("pg-run: %s\n", error->message);
      pg_cluster_stop (cluster);
      return 1;
    }
  g_subprocess_wait (child, NULL, NULL);
  status = g_subprocess_get_if_exited (child) ? g_subprocess_get_exit_status (child) : 1;
  pg_cluster_stop (cluster);
  return status;
}
