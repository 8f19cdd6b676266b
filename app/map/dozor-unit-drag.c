/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "dozor-unit-drag.h"
#include "dozor-unit-layer.h"

struct _DozorUnitDrag
{
  char *unit_id;
};

static DozorUnitDrag *
dozor_unit_drag_copy (const DozorUnitDrag *self)
{
  DozorUnitDrag *copy = g_new0 (DozorUnitDrag, 1);

  copy->unit_id = g_strdup (self->unit_id);
  return copy;
}

static void
dozor_unit_drag_free (DozorUnitDrag *self)
{
  g_free (self->unit_id);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (DozorUnitDrag, dozor_unit_drag, dozor_unit_drag_copy, dozor_unit_drag_free)

/**
 * dozor_unit_drag_new_content:
 * @unit_id: the dragged unit
 *
 * Returns: (transfer full): what a drag source offers
 */
GdkContentProvider *
dozor_unit_drag_new_content (const char *unit_id)
{
  DozorUnitDrag drag = { (char *) unit_id };

  return gdk_content_provider_new_typed (DOZOR_TYPE_UNIT_DRAG, &drag);
}

const char *
dozor_unit_drag_get_unit_id (const DozorUnitDrag *self)
{
  return self->unit_id;
}

/**
 * dozor_unit_drag_make_icon:
 * @call_sign: the unit's call sign
 * @status: its status
 * @stale: whether its fix is old
 *
 * The symbol and call sign under the pointer while a unit is dragged, so
 * the supervisor sees which unit is in hand.
 *
 * Returns: (transfer full): the drag icon
 */
GdkPaintable *
dozor_unit_drag_make_icon (const char *call_sign,
                           const char *status,
                           gboolean    stale)
{
  cairo_surface_t *measure = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (measure);
  cairo_surface_t *surface;
  cairo_text_extents_t extents;
  g_autoptr(GBytes) bytes = NULL;
  int width, height = 28;

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 13);
  cairo_text_extents (cr, call_sign, &extents);
  cairo_destroy (cr);
  cairo_surface_destroy (measure);
  width = (int) ceil (extents.x_advance) + 40;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_set_source_rgba (cr, 0.08, 0.08, 0.10, 0.85);
  cairo_fill (cr);
  dozor_unit_layer_draw_symbol (cr, status, stale, 14, height / 2.0);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 13);
  cairo_move_to (cr, 28, height / 2.0 + 5);
  cairo_set_source_rgb (cr, 0.97, 0.97, 0.97);
  cairo_show_text (cr, call_sign);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface) * height,
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  return GDK_PAINTABLE (gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes,
                                                cairo_image_surface_get_stride (surface)));
}
