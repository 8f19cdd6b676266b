/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One basemap tile for libshumate's tile layer: the image DozorTileSource
 * composed, made a texture only when the layer is drawn, and let go of
 * again while the overlays' tiles cover the view.
 *
 * GTK 4.8's GL renderer keeps what it uploaded for a texture as long as
 * that GdkTexture lives (it collects only textures nobody holds), and on
 * llvmpipe that is a copy in the process's memory. libshumate keeps its
 * tiles' paintables in the view and in a memory cache of 100, so every
 * tile its layer showed once (at start, before the overlays' tiles came;
 * after a pan past their ring) kept a GL copy while the layer was
 * transparent and drew nothing. Releasing the texture gives that copy
 * back; the next snapshot (the layer shown again) makes a new one.
 */
#include "config.h"

#include "dozor-tile-paintable.h"
#include "dozor-tile-source.h"

struct _DozorTilePaintable
{
  GObject parent_instance;

  cairo_surface_t *surface;
  GdkTexture *texture;      /* while the layer is drawn */
};

static void paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DozorTilePaintable, dozor_tile_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE, paintable_iface_init))

static void
dozor_tile_paintable_snapshot (GdkPaintable *paintable,
                               GdkSnapshot  *snapshot,
                               double        width,
                               double        height)
{
  DozorTilePaintable *self = DOZOR_TILE_PAINTABLE (paintable);

  gdk_paintable_snapshot (GDK_PAINTABLE (dozor_tile_paintable_get_texture (self)), snapshot, width, height);
}

static int
dozor_tile_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  return cairo_image_surface_get_width (DOZOR_TILE_PAINTABLE (paintable)->surface);
}

static int
dozor_tile_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  return cairo_image_surface_get_height (DOZOR_TILE_PAINTABLE (paintable)->surface);
}

/* The pixels never change: a new tile is a new paintable. */
static GdkPaintableFlags
dozor_tile_paintable_get_flags (GdkPaintable *paintable)
{
  return GDK_PAINTABLE_STATIC_SIZE | GDK_PAINTABLE_STATIC_CONTENTS;
}

static void
paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = dozor_tile_paintable_snapshot;
  iface->get_intrinsic_width = dozor_tile_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = dozor_tile_paintable_get_intrinsic_height;
  iface->get_flags = dozor_tile_paintable_get_flags;
}

static void
dozor_tile_paintable_finalize (GObject *object)
{
  DozorTilePaintable *self = DOZOR_TILE_PAINTABLE (object);

  g_clear_object (&self->texture);
  g_clear_pointer (&self->surface, cairo_surface_destroy);

  G_OBJECT_CLASS (dozor_tile_paintable_parent_class)->finalize (object);
}

static void
dozor_tile_paintable_class_init (DozorTilePaintableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_tile_paintable_finalize;
}

static void
dozor_tile_paintable_init (DozorTilePaintable *self)
{
}

/**
 * dozor_tile_paintable_new:
 * @surface: a composed tile (dozor_texture_new_for_surface()'s kind),
 *   never drawn into again
 *
 * Returns: (transfer full): a paintable holding @surface itself
 */
DozorTilePaintable *
dozor_tile_paintable_new (cairo_surface_t *surface)
{
  DozorTilePaintable *self = g_object_new (DOZOR_TYPE_TILE_PAINTABLE, NULL);

  self->surface = cairo_surface_reference (surface);
  return self;
}

/**
 * dozor_tile_paintable_get_texture:
 * @self: a #DozorTilePaintable
 *
 * Returns: (transfer none): the texture over the tile's pixels, made now
 *   if released (or never made)
 */
GdkTexture *
dozor_tile_paintable_get_texture (DozorTilePaintable *self)
{
  g_return_val_if_fail (DOZOR_IS_TILE_PAINTABLE (self), NULL);

  if (self->texture == NULL)
    self->texture = dozor_texture_new_for_surface (self->surface);
  return self->texture;
}

gboolean
dozor_tile_paintable_has_texture (DozorTilePaintable *self)
{
  g_return_val_if_fail (DOZOR_IS_TILE_PAINTABLE (self), FALSE);

  return self->texture != NULL;
}

/**
 * dozor_tile_paintable_release:
 * @self: a #DozorTilePaintable
 *
 * Lets go of the texture, and with it what a GL renderer uploaded for it
 * (once GTK collects it). Only while the layer is not drawn: a snapshot
 * would make the texture, and upload it, again.
 */
void
dozor_tile_paintable_release (DozorTilePaintable *self)
{
  g_return_if_fail (DOZOR_IS_TILE_PAINTABLE (self));

  g_clear_object (&self->texture);
}
