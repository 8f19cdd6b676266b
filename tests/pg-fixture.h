/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A throwaway PostgreSQL for a test or a benchmark: initdb and postgres
 * in a temporary directory, reached only through a Unix socket in it.
 */
#pragma once

#include <glib.h>

typedef struct _PgCluster PgCluster;

PgCluster  *pg_cluster_start           (gboolean     durable,
                                        GError     **error);
char       *pg_cluster_create_database (PgCluster   *cluster,
                                        const char  *name,
                                        GError     **error);
char       *pg_cluster_uri             (PgCluster   *cluster,
                                        const char  *name);
const char *pg_cluster_get_dir         (PgCluster   *cluster);
gboolean    pg_cluster_pause           (PgCluster   *cluster,
                                        GError     **error);
gboolean    pg_cluster_resume          (PgCluster   *cluster,
                                        GError     **error);
void        pg_cluster_stop            (PgCluster   *cluster);

/* For a GLib test program's main() and its tests. */
PgCluster  *pg_cluster_start_or_bail_out (void);
char       *pg_cluster_new_database      (PgCluster   *cluster,
                                          const char  *prefix,
                                          char       **name);
int         pg_cluster_run_tests         (PgCluster   *cluster);
