/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Framing for the wall: the view that shows every open incident and the
 * units sent to it, a district or a crisis area, with a margin, between a
 * least and a greatest zoom. The box is kept in Web Mercator world
 * coordinates, where a zoom level is a factor of two: fitting is then a
 * logarithm, not a search. Spans across the antimeridian are not handled:
 * a city's board never has one.
 */
#include "config.h"

#include <math.h>

#include "dozor-frame.h"
#include "dozor-geo.h"

/* libshumate's tiles: the world is this many pixels wide at zoom 0. */
#define TILE_SIZE 256.0

/**
 * dozor_frame_init:
 * @frame: (out caller-allocates): an empty frame
 */
void
dozor_frame_init (DozorFrame *frame)
{
  frame->x0 = frame->y0 = G_MAXDOUBLE;
  frame->x1 = frame->y1 = -G_MAXDOUBLE;
  frame->n_points = 0;
}

static void
add_world (DozorFrame *frame,
           double      x,
           double      y)
{
  frame->x0 = MIN (frame->x0, x);
  frame->y0 = MIN (frame->y0, y);
  frame->x1 = MAX (frame->x1, x);
  frame->y1 = MAX (frame->y1, y);
}

/**
 * dozor_frame_add_point:
 * @frame: a #DozorFrame
 * @lat: latitude, degrees
 * @lon: longitude, degrees
 *
 * Asks the frame to show a point. A position that is not one is left out.
 */
void
dozor_frame_add_point (DozorFrame *frame,
                       double      lat,
                       double      lon)
{
  double x, y;

  if (!dozor_geo_is_valid_lat_lon (lat, lon))
    return;
  dozor_geo_lon_lat_to_world (lon, lat, &x, &y);
  add_world (frame, x, y);
  frame->n_points++;
}

/**
 * dozor_frame_add_circle:
 * @frame: a #DozorFrame
 * @lat: the centre's latitude
 * @lon: the centre's longitude
 * @radius_m: the radius, metres
 *
 * Asks the frame to show a circle on the ground (a crisis area, a ring).
 */
void
dozor_frame_add_circle (DozorFrame *frame,
                        double      lat,
                        double      lon,
                        double      radius_m)
{
  double dlat, dlon, x, y;

  if (!dozor_geo_is_valid_lat_lon (lat, lon) || !(radius_m >= 0) || !isfinite (radius_m))
    return;
  /* Degrees of the sphere the distances are measured on. */
  dlat = radius_m / DOZOR_GEO_EARTH_RADIUS_M * 180.0 / G_PI;
  dlon = dlat / MAX (cos (lat * G_PI / 180.0), 1e-6);
  dozor_geo_lon_lat_to_world (CLAMP (lon - dlon, -180.0, 180.0), CLAMP (lat + dlat, -90.0, 90.0), &x, &y);
  add_world (frame, x, y);
  dozor_geo_lon_lat_to_world (CLAMP (lon + dlon, -180.0, 180.0), CLAMP (lat - dlat, -90.0, 90.0), &x, &y);
  add_world (frame, x, y);
  frame->n_points++;
}

/**
 * dozor_frame_fit:
 * @frame: what must be shown
 * @margin: pixels kept free at each edge, so that a symbol on the edge of
 *   the box is whole and its label readable
 * @min_zoom: the least zoom allowed (the widest view)
 * @max_zoom: the greatest zoom allowed (one incident alone does not fill
 *   the wall with a single street)
 * @view: (inout): its @width and @height are the window's; @lat, @lon and
 *   @zoom are set to the view that shows the frame
 *
 * The deepest zoom at which the frame, with the margin, fits the window,
 * held between @min_zoom and @max_zoom, centred on the frame.
 *
 * Returns: %FALSE when the frame is empty (the view is left as it is) or
 *   does not fit even at @min_zoom (the view is centred at @min_zoom)
 */
gboolean
dozor_frame_fit (const DozorFrame *frame,
                 double            margin,
                 double            min_zoom,
                 double            max_zoom,
                 DozorView        *view)
{
  double usable_w = view->width - 2 * margin, usable_h = view->height - 2 * margin;
  double span_x = frame->x1 - frame->x0, span_y = frame->y1 - frame->y0;
  double zoom = max_zoom;

  g_return_val_if_fail (min_zoom <= max_zoom, FALSE);

  if (frame->n_points == 0)
    return FALSE;
  dozor_geo_world_to_lon_lat ((frame->x0 + frame->x1) / 2, (frame->y0 + frame->y1) / 2, &view->lon, &view->lat);
  if (usable_w <= 0 || usable_h <= 0)
    {
      view->zoom = min_zoom;
      return FALSE;
    }
  /* At zoom z the box is span · 256 · 2^z pixels: solve for z on each axis. */
  if (span_x > 0)
    zoom = MIN (zoom, log2 (usable_w / (span_x * TILE_SIZE)));
  if (span_y > 0)
    zoom = MIN (zoom, log2 (usable_h / (span_y * TILE_SIZE)));
  view->zoom = CLAMP (zoom, min_zoom, max_zoom);
  return zoom >= min_zoom;
}

/**
 * dozor_frame_is_shown:
 * @frame: what must be shown
 * @view: a view
 * @margin: pixels at each edge that do not count as shown
 *
 * Whether every point of the frame is inside the view, away from its edges
 * by the margin: the wall leaves a view that still shows everything alone,
 * rather than moving for every new incident.
 *
 * Returns: %TRUE if the view shows the frame (an empty frame is shown)
 */
gboolean
dozor_frame_is_shown (const DozorFrame *frame,
                      const DozorView  *view,
                      double            margin)
{
  double cx, cy, scale;

  if (frame->n_points == 0)
    return TRUE;
  dozor_geo_lon_lat_to_world (view->lon, view->lat, &cx, &cy);
  scale = TILE_SIZE * exp2 (view->zoom);
  return (frame->x0 - cx) * scale >= -view->width / 2 + margin &&
         (frame->x1 - cx) * scale <= view->width / 2 - margin &&
         (frame->y0 - cy) * scale >= -view->height / 2 + margin &&
         (frame->y1 - cy) * scale <= view->height / 2 - margin;
}
