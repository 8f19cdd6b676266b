/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A street name or a query longer than this is cut: no Almaty street name
 * comes near it, and it bounds the work one keystroke can cause. */
#define DOZOR_STREET_NAME_MAX_CHARS 256

char  *dozor_street_name_fold       (const char *text);
GStrv  dozor_street_name_keys       (const char *text);
char  *dozor_street_name_key        (const char *text);
char  *dozor_street_name_abbreviate (const char *name);

G_END_DECLS
