/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * DozorMapStyle:
 * @DOZOR_MAP_STYLE_LIGHT: daylight colours
 * @DOZOR_MAP_STYLE_DARK: dimmed colours for a dark control room
 *
 * The palette the basemap is drawn in; it follows the board's light or dark style.
 */
typedef enum
{
  DOZOR_MAP_STYLE_LIGHT,
  DOZOR_MAP_STYLE_DARK,
} DozorMapStyle;

G_END_DECLS
