/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The columns of the registers' exports, in order (docs/api.md, "Registers"). */
extern const char *const dozor_register_csv_message_columns[];
extern const char *const dozor_register_csv_orientation_columns[];

char *dozor_register_csv (JsonArray         *rows,
                          const char *const *columns);

G_END_DECLS
