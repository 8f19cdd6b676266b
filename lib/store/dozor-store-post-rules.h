/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The compliance rules of a roster entry's post or place (docs/api.md,
 * "Duty roster"), kept beside the roster in a table of their own.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "dozor-store.h"

G_BEGIN_DECLS

/* The entry's `compliance` as it shows it, inside the roster's
 * SELECT: its own rules, or the defaults. The table has no `id` column, so
 * `id` is the roster entry's whatever the query calls its table. */
#define DOZOR_STORE_POST_RULES_JSON \
  "json(COALESCE((SELECT rules FROM post_rules WHERE entry_id = id), '" DOZOR_STORE_DEFAULT_RULES "'))"

gboolean dozor_store_create_post_rules (DozorStore  *self,
                                        GError     **error);
gboolean dozor_store_save_post_rules   (DozorStore  *self,
                                        const char  *entry_id,
                                        JsonObject  *entry,
                                        GError     **error);

G_END_DECLS
