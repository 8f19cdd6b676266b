/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void dozor_report_csv_row (GString           *out,
                           const char *const *fields);

G_END_DECLS
