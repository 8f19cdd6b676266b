/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "dozor-legibility.h"

/**
 * dozor_legibility_height_mm:
 * @distance_m: from the eye to the screen, in metres
 * @arc_minutes: the angle the character is to subtend
 *
 * The height a character needs to subtend @arc_minutes at @distance_m:
 * h = 2·D·tan(α/2), 37 mm at 8 m for 16′.
 *
 * Returns: the height in millimetres
 */
double
dozor_legibility_height_mm (double distance_m,
                            double arc_minutes)
{
  double half_angle = arc_minutes / 60.0 / 2.0 * G_PI / 180.0;

  return 2.0 * distance_m * 1000.0 * tan (half_angle);
}

/**
 * dozor_legibility_px_per_mm:
 * @width_px: the monitor's width in the toolkit's pixels
 * @height_px: its height
 * @width_mm: its width in millimetres, 0 when unknown
 * @height_mm: its height, 0 when unknown
 * @assumed: (out) (optional): set to whether the size was unknown and
 *   %DOZOR_LEGIBILITY_FALLBACK_DPI was taken instead
 *
 * Pixels per millimetre, the mean of both directions where both are known:
 * a monitor's pixels are square to well under the precision of its EDID.
 *
 * Returns: pixels per millimetre
 */
double
dozor_legibility_px_per_mm (int       width_px,
                            int       height_px,
                            int       width_mm,
                            int       height_mm,
                            gboolean *assumed)
{
  double sum = 0;
  int n = 0;

  if (width_px > 0 && width_mm > 0)
    {
      sum += (double) width_px / width_mm;
      n++;
    }
  if (height_px > 0 && height_mm > 0)
    {
      sum += (double) height_px / height_mm;
      n++;
    }
  if (assumed != NULL)
    *assumed = n == 0;
  return n > 0 ? sum / n : DOZOR_LEGIBILITY_FALLBACK_DPI / 25.4;
}

/**
 * dozor_legibility_cap_height_px:
 * @distance_m: from the nearest seat to the wall, in metres
 * @arc_minutes: the angle a capital letter is to subtend
 * @px_per_mm: the monitor's pixels per millimetre
 *
 * Returns: the height of a capital letter in pixels, rounded up so that the
 *   rule holds
 */
double
dozor_legibility_cap_height_px (double distance_m,
                                double arc_minutes,
                                double px_per_mm)
{
  return ceil (dozor_legibility_height_mm (distance_m, arc_minutes) * px_per_mm);
}
