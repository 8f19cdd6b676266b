/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean    dozor_renderer_gl_is_software (const char *dri_dir);
const char *dozor_renderer_choose_for_wall (void);

G_END_DECLS
