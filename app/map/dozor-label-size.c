/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Font sizes from the height a capital letter must have. The ratio of cap
 * height to font size is the font's (0.73 for DejaVu Sans, other for
 * another): it is measured, from the ink of an "H" laid out at a large
 * size, never assumed.
 */
#include "config.h"

#include <cairo.h>

#include "dozor-label-size.h"

/* Large enough that the ink's whole pixels measure the ratio to 0.5 %. */
#define MEASURE_SIZE 200.0

/**
 * dozor_label_size_for_cap_height:
 * @cap_height: the height of a capital letter, in pixels
 *
 * For the map's labels, drawn with cairo in bold "Sans".
 *
 * Returns: the font size (cairo's, the em in pixels) that gives it
 */
double
dozor_label_size_for_cap_height (double cap_height)
{
  cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (scratch);
  cairo_text_extents_t extents;

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, MEASURE_SIZE);
  cairo_text_extents (cr, "H", &extents);
  cairo_destroy (cr);
  cairo_surface_destroy (scratch);

  return extents.height > 0 ? cap_height * MEASURE_SIZE / extents.height : cap_height;
}

/**
 * dozor_label_pango_size_for_cap_height:
 * @context: the Pango context the text will be laid out in, with its font
 * @weight: the weight it will be drawn in
 * @cap_height: the height of a capital letter, in pixels
 *
 * Returns: the absolute font size, in Pango units, that gives it with the
 *   context's font family
 */
double
dozor_label_pango_size_for_cap_height (PangoContext *context,
                                       PangoWeight   weight,
                                       double        cap_height)
{
  PangoLayout *layout = pango_layout_new (context);
  PangoFontDescription *font = pango_font_description_copy (pango_context_get_font_description (context));
  PangoRectangle ink;

  pango_font_description_set_absolute_size (font, MEASURE_SIZE * PANGO_SCALE);
  pango_font_description_set_weight (font, weight);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, "H", -1);
  pango_layout_get_extents (layout, &ink, NULL);
  pango_font_description_free (font);
  g_object_unref (layout);

  return ink.height > 0 ? cap_height * MEASURE_SIZE * PANGO_SCALE / (ink.height / (double) PANGO_SCALE)
                        : cap_height * PANGO_SCALE;
}
