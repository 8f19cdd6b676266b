/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

GHashTable *po_catalogue_read (const char *root,
                               const char *lang);
char       *po_catalogue_key  (const char *context,
                               const char *id);
char       *po_mnemonic       (const char *text);

G_END_DECLS
