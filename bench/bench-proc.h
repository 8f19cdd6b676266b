/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

double bench_cpu_seconds        (GPid        pid);
double bench_thread_cpu_seconds (GPid        pid,
                                 const char *name);

G_END_DECLS
