/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How often a board gives freed memory back to the system. */
#define DOZOR_MEMORY_TRIM_SECONDS 30

void dozor_memory_configure      (void);
void dozor_memory_trim_soon      (void);
void dozor_memory_start_trimming (void);
void dozor_memory_follow_units   (guint n_units);

G_END_DECLS
