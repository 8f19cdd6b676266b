/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

double bench_cpu_seconds        (GPid        pid);
double bench_thread_cpu_seconds (GPid        pid,
                                 const char *name);
void   bench_sort_doubles       (GArray     *values);
void   bench_load_average       (double      load[3]);
double bench_percentile         (GArray     *sorted,
                                 double      p);
void   bench_remove_store       (const char *dir,
                                 const char *db,
                                 const char *password);
void   bench_add_user           (const char *dozorctl,
                                 const char *db,
                                 const char *password,
                                 const char *name,
                                 const char *role);
gint64 bench_fix_time_us        (const char *text);
GSubprocess *bench_start_dozord (const char *const  *argv,
                                 char              **url,
                                 GPid               *pid);

G_END_DECLS
