/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef void (*DozorFileChosenFunc) (GtkWindow  *parent,
                                     const char *path);

void dozor_choose_file (GtkWindow            *parent,
                        GtkFileChooserAction  action,
                        const char           *title,
                        const char           *accept_label,
                        const char           *suggested_name,
                        GtkFileFilter        *filter,
                        DozorFileChosenFunc   chosen);

G_END_DECLS
