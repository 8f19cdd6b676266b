/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A small pre-drawn image (a unit's symbol, a piece of a crowd's disc, an
 * incident's diamond) copied into the map's tiles where it stands.
 * Thousands of symbols drawn as paths cost tens of microseconds each, as
 * copies a fraction of one. The copies go through pixman, cairo's own
 * rasteriser, called directly: cairo's state, pattern and clipping around
 * each copy cost more than the copy (0.66 against 0.27 µs a symbol;
 * docs/performance.md, "Symbols kept and copied by pixman").
 *
 * A copy lands on a whole device pixel, so a sprite drawn at a fraction
 * of one would blur; its side is whole device pixels for the same reason.
 * Used in the render workers only, one thread at a time per sprite's
 * owner.
 */
#include "config.h"

#include <math.h>

#include "dozor-sprite.h"

struct _DozorSprite
{
  cairo_surface_t *surface;
  pixman_image_t *pixels;  /* the surface's pixels, as pixman sees them */
  double half;             /* half its side, logical pixels: its centre */
  /* The part of the surface that is not transparent, device pixels: the
   * only part copied (a unit's symbol fills some 40 % of its image). */
  int ink_x, ink_y, ink_width, ink_height;
};

/* @cr's user space to its target's pixels: cairo_user_to_device() leaves
 * out the target's device offset (a tile's patch has one). */
static void
user_to_pixels (cairo_t *cr,
                double  *x,
                double  *y)
{
  double offset_x, offset_y;

  cairo_user_to_device (cr, x, y);
  cairo_surface_get_device_offset (cairo_get_target (cr), &offset_x, &offset_y);
  *x += offset_x;
  *y += offset_y;
}

/* An ARGB32 image surface's pixels as pixman sees them: cairo's ARGB32
 * is pixman's a8r8g8b8, premultiplied, native order. */
static pixman_image_t *
pixels_of (cairo_surface_t *surface)
{
  return pixman_image_create_bits_no_clear (PIXMAN_a8r8g8b8, cairo_image_surface_get_width (surface),
                                            cairo_image_surface_get_height (surface),
                                            (uint32_t *) (gpointer) cairo_image_surface_get_data (surface),
                                            cairo_image_surface_get_stride (surface));
}

/**
 * dozor_sprite_new:
 * @scale: device pixels a logical pixel
 * @half: logical pixels each side of the centre
 * @cr: (out): to draw it with, in logical pixels; dozor_sprite_finish() when drawn
 *
 * Returns: (transfer full): the sprite, not yet drawn
 */
DozorSprite *
dozor_sprite_new (double    scale,
                  double    half,
                  cairo_t **cr)
{
  DozorSprite *sprite = g_new0 (DozorSprite, 1);
  int size = (int) ceil (2 * half * scale);

  sprite->half = half;
  sprite->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
  *cr = cairo_create (sprite->surface);
  cairo_scale (*cr, scale, scale);
  return sprite;
}

/**
 * dozor_sprite_finish:
 * @sprite: drawn with @cr
 * @cr: (transfer full): from dozor_sprite_new()
 *
 * Returns: (transfer none): @sprite, ready to be copied
 */
DozorSprite *
dozor_sprite_finish (DozorSprite *sprite,
                     cairo_t     *cr)
{
  const guint8 *data;
  int width, height, stride, x0, y0, x1 = -1, y1 = -1;

  cairo_destroy (cr);
  cairo_surface_flush (sprite->surface);
  sprite->pixels = pixels_of (sprite->surface);
  /* Copying a transparent pixel over another (OVER) leaves it as it was:
   * only the ink's rectangle need be copied. */
  data = cairo_image_surface_get_data (sprite->surface);
  width = cairo_image_surface_get_width (sprite->surface);
  height = cairo_image_surface_get_height (sprite->surface);
  stride = cairo_image_surface_get_stride (sprite->surface);
  x0 = width;
  y0 = height;
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      if (((const guint32 *) (gconstpointer) (data + (gsize) y * stride))[x] != 0)
        {
          x0 = MIN (x0, x);
          x1 = MAX (x1, x);
          y0 = MIN (y0, y);
          y1 = MAX (y1, y);
        }
  sprite->ink_x = x1 >= 0 ? x0 : 0;
  sprite->ink_y = y1 >= 0 ? y0 : 0;
  sprite->ink_width = x1 >= 0 ? x1 - x0 + 1 : 0;
  sprite->ink_height = y1 >= 0 ? y1 - y0 + 1 : 0;
  return sprite;
}

void
dozor_sprite_free (DozorSprite *sprite)
{
  g_clear_pointer (&sprite->pixels, pixman_image_unref);
  cairo_surface_destroy (sprite->surface);
  g_free (sprite);
}

/**
 * dozor_sprite_scale_of:
 * @cr: drawing on a tile, scaled by cairo_scale() to logical pixels
 *
 * Returns: the device pixels of a logical pixel, at least 1
 */
double
dozor_sprite_scale_of (cairo_t *cr)
{
  double scale_x, scale_y;

  cairo_surface_get_device_scale (cairo_get_target (cr), &scale_x, &scale_y);
  /* A tile is scaled by cairo_scale, not a device scale. */
  cairo_user_to_device_distance (cr, &scale_x, &scale_y);
  return MAX (scale_x, 1.0);
}

/**
 * dozor_sprite_target_begin:
 * @cr: drawing on an ARGB32 image surface
 *
 * The pixels @cr draws on, for copies between cairo's own drawing; end
 * with dozor_sprite_target_end() before cairo draws there again.
 *
 * Returns: (transfer full): the target
 */
pixman_image_t *
dozor_sprite_target_begin (cairo_t *cr)
{
  cairo_surface_t *surface = cairo_get_target (cr);
  cairo_rectangle_list_t *clip;
  pixman_image_t *target;

  g_return_val_if_fail (cairo_image_surface_get_format (surface) == CAIRO_FORMAT_ARGB32, NULL);
  cairo_surface_flush (surface);
  target = pixels_of (surface);
  /* pixman copies where cairo's clip says, as cairo would: a tile patched
   * is drawn inside its rectangles only. A clip that is not rectangles
   * (none set, a path) leaves the whole surface. */
  clip = cairo_copy_clip_rectangle_list (cr);
  if (clip->status == CAIRO_STATUS_SUCCESS)
    {
      g_autofree pixman_box32_t *boxes = g_new (pixman_box32_t, MAX (clip->num_rectangles, 1));
      pixman_region32_t region;

      for (int i = 0; i < clip->num_rectangles; i++)
        {
          double x0 = clip->rectangles[i].x, y0 = clip->rectangles[i].y;
          double x1 = x0 + clip->rectangles[i].width, y1 = y0 + clip->rectangles[i].height;

          user_to_pixels (cr, &x0, &y0);
          user_to_pixels (cr, &x1, &y1);
          boxes[i].x1 = (int32_t) floor (MIN (x0, x1));
          boxes[i].y1 = (int32_t) floor (MIN (y0, y1));
          boxes[i].x2 = (int32_t) ceil (MAX (x0, x1));
          boxes[i].y2 = (int32_t) ceil (MAX (y0, y1));
        }
      pixman_region32_init_rects (&region, boxes, clip->num_rectangles);
      pixman_image_set_clip_region32 (target, &region);
      pixman_region32_fini (&region);
    }
  cairo_rectangle_list_destroy (clip);
  return target;
}

/**
 * dozor_sprite_target_end:
 * @cr: as given to dozor_sprite_target_begin()
 * @target: (transfer full): what it returned
 *
 * Tells cairo its surface was written behind its back.
 */
void
dozor_sprite_target_end (cairo_t        *cr,
                         pixman_image_t *target)
{
  if (target != NULL)
    pixman_image_unref (target);
  cairo_surface_mark_dirty (cairo_get_target (cr));
}

/**
 * dozor_sprite_paint:
 * @sprite: a finished sprite
 * @cr: drawing on @target
 * @target: from dozor_sprite_target_begin()
 * @x: where its centre goes, @cr's user space
 * @y: the same
 *
 * Copies @sprite over @target, centred on the whole device pixel nearest
 * @x, @y.
 */
void
dozor_sprite_paint (const DozorSprite *sprite,
                    cairo_t           *cr,
                    pixman_image_t    *target,
                    double             x,
                    double             y)
{
  if (target == NULL)
    return;
  x -= sprite->half;
  y -= sprite->half;
  user_to_pixels (cr, &x, &y);
  if (sprite->ink_width > 0)
    pixman_image_composite32 (PIXMAN_OP_OVER, sprite->pixels, NULL, target, sprite->ink_x, sprite->ink_y, 0, 0,
                              (int32_t) lround (x) + sprite->ink_x, (int32_t) lround (y) + sprite->ink_y,
                              sprite->ink_width, sprite->ink_height);
}
