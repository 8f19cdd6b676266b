/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "dozor-escalation.h"

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
 * DozorWallFramingRule:
 * @DOZOR_WALL_FRAMING_FIXED: the map stays where it was put
 * @DOZOR_WALL_FRAMING_INCIDENTS: every open incident and the units sent to it
 * @DOZOR_WALL_FRAMING_DISTRICTS: one district after another
 * @DOZOR_WALL_FRAMING_CRISIS: the crisis area while a degree with one is
 *   raised, else as @DOZOR_WALL_FRAMING_INCIDENTS
 *
 * How a wall's map frames itself (`framing =`).
 */
typedef enum
{
  DOZOR_WALL_FRAMING_FIXED,
  DOZOR_WALL_FRAMING_INCIDENTS,
  DOZOR_WALL_FRAMING_DISTRICTS,
  DOZOR_WALL_FRAMING_CRISIS,
} DozorWallFramingRule;

/* Incident priorities 1 to 4, each with its own allowed wait. */
#define DOZOR_WALL_PRIORITIES DOZOR_ESCALATION_PRIORITIES

/**
 * DozorWallMarks:
 *
 * When the wall marks what waits or stays too long: the shared escalation
 * rule, its limits from the wall's `late_after_min` and `on_scene_long_min`.
 * The wall marks an incident late by dozor_escalation_incident_late()
 * (nobody on scene yet), a unit by dozor_escalation_is_long_on_scene().
 */
typedef DozorEscalation DozorWallMarks;

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
 * @framing: how the map frames itself
 * @framing_interval_s: the least time between two moves of the map, seconds
 * @framing_margin_px: pixels kept free at the map's edges, or 0 for three
 *   times the legibility rule's capital height
 * @min_zoom: the widest view framing may choose
 * @max_zoom: the closest view framing may choose
 * @district_seconds: how long each district is shown by the district cycle
 * @marks: when incidents and units are marked
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
  DozorWallFramingRule framing;
  int framing_interval_s;
  double framing_margin_px;
  double min_zoom;
  double max_zoom;
  int district_seconds;
  DozorWallMarks marks;
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
