/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The largest grid a monitor shows: rows, and views in a row. */
#define DOZOR_WALL_GRID_MAX 4

typedef enum
{
  DOZOR_WALL_VIEW_MAP,
  DOZOR_WALL_VIEW_INCIDENTS,
  DOZOR_WALL_VIEW_FIGURES,
  DOZOR_WALL_VIEW_TICKER,
} DozorWallView;

/**
 * DozorWallMonitor:
 * @name: the NAME of its `[monitor NAME]` group
 * @connector: (nullable): the connector it is plugged into, such as `HDMI-1`
 * @index: its place in the display's monitor list, or -1 when not given
 * @n_rows: rows of its grid (1 for a single view)
 * @row_length: views in each row
 * @cells: the views, row by row
 * @width_mm: its width in mm when the EDID lies, or 0
 * @height_mm: its height in mm when the EDID lies, or 0
 * @line: the line of its group, for messages
 *
 * One monitor of the wall and what it shows.
 */
typedef struct
{
  char *name;
  char *connector;
  int index;
  guint n_rows;
  guint row_length[DOZOR_WALL_GRID_MAX];
  DozorWallView cells[DOZOR_WALL_GRID_MAX][DOZOR_WALL_GRID_MAX];
  int width_mm;
  int height_mm;
  int line;
} DozorWallMonitor;

/**
 * DozorWallConfig:
 * @path: the file it was read from
 * @backend: the dozord address
 * @credentials: the wall user's credentials file, an absolute path
 * @distance_m: how far the nearest seat is from the wall, in metres
 * @arc_minutes: the angle a capital letter subtends there
 * @have_center: whether @center_lat and @center_lon are set
 * @have_zoom: whether @zoom is set
 * @monitors: (element-type DozorWallMonitor): the monitors, in file order
 *
 * A video wall, as its administrator wrote it once (docs/wall.md).
 */
typedef struct
{
  char *path;
  char *backend;
  char *credentials;
  double distance_m;
  double arc_minutes;
  gboolean have_center;
  double center_lat;
  double center_lon;
  gboolean have_zoom;
  double zoom;
  GPtrArray *monitors;
} DozorWallConfig;

DozorWallConfig *dozor_wall_config_load  (const char       *path,
                                          GError          **error);
DozorWallConfig *dozor_wall_config_parse (const char       *text,
                                          gsize             length,
                                          const char       *path,
                                          GError          **error);
void             dozor_wall_config_free  (DozorWallConfig  *config);
const char      *dozor_wall_view_name    (DozorWallView     view);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DozorWallConfig, dozor_wall_config_free)

G_END_DECLS
