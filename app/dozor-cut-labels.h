/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

guint dozor_cut_labels_log     (void);
void  dozor_cut_labels_install (void);

G_END_DECLS
