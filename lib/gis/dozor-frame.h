/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * DozorFrame:
 * @x0: west edge, Web Mercator world coordinate (0 … 1)
 * @y0: north edge
 * @x1: east edge
 * @y1: south edge
 * @n_points: how many points and areas were added
 *
 * What a view must show: the box around points and areas, in world
 * coordinates, so that fitting it to a window is plain arithmetic.
 */
typedef struct
{
  double x0;
  double y0;
  double x1;
  double y1;
  guint n_points;
} DozorFrame;

/**
 * DozorView:
 * @lat: the view's centre
 * @lon: the view's centre
 * @zoom: libshumate's zoom level (tile size 256 px at zoom 0: the world is 256·2^zoom px wide)
 * @width: the view's size in pixels
 * @height: the view's size in pixels
 *
 * A map view, as the wall's map shows it.
 */
typedef struct
{
  double lat;
  double lon;
  double zoom;
  double width;
  double height;
} DozorView;

void     dozor_frame_init          (DozorFrame      *frame);
void     dozor_frame_add_point     (DozorFrame      *frame,
                                    double           lat,
                                    double           lon);
void     dozor_frame_add_circle    (DozorFrame      *frame,
                                    double           lat,
                                    double           lon,
                                    double           radius_m);
gboolean dozor_frame_fit           (const DozorFrame *frame,
                                    double           margin,
                                    double           min_zoom,
                                    double           max_zoom,
                                    DozorView       *view);
gboolean dozor_frame_is_shown      (const DozorFrame *frame,
                                    const DozorView *view,
                                    double           margin);

G_END_DECLS
