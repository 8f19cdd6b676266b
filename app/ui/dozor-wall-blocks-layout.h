/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_WALL_BLOCKS_LAYOUT (dozor_wall_blocks_layout_get_type ())
G_DECLARE_FINAL_TYPE (DozorWallBlocksLayout, dozor_wall_blocks_layout, DOZOR, WALL_BLOCKS_LAYOUT, GtkLayoutManager)

GtkLayoutManager *dozor_wall_blocks_layout_new             (const char            *name,
                                                            const char *const     *arrangements);
void              dozor_wall_blocks_layout_set_spacing     (DozorWallBlocksLayout *self,
                                                            int                    column_gap,
                                                            int                    block_gap);

G_END_DECLS
