/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The map's tiles uploaded into GL textures of the board's own, so that
 * their pixels can be freed once uploaded.
 *
 * GTK 4.8's GL renderer uploads a GdkMemoryTexture into a texture of its
 * own and keeps the memory texture's bytes for as long as it lives (a
 * download, the cairo renderer or another context may read them): a tile
 * on screen then costs its pixels twice, once in the board's heap and once
 * in the driver (llvmpipe keeps textures in ordinary memory). A texture
 * the board uploads itself, in a GL context of the display's
 * (gdk_display_create_gl_context(), which shares its objects with every
 * context GDK makes, the renderer's among them), is wrapped in a
 * GdkGLTexture that the renderer draws from directly, and the tile's
 * pixels go at once (docs/decisions.md, "Tiles uploaded by the board").
 *
 * A released texture is kept for the next upload of its size, which
 * writes over it (glTexSubImage2D) instead of making a new one: while
 * units move in thousands every tile in view is replaced a few times a
 * second, and a new texture cost llvmpipe a fresh 256-KiB store, zeroed
 * and page-faulted on the main thread, for 85 % of an upload's time
 * (docs/performance.md, "Textures written over, in cairo's order"). A texture is released
 * only once no render node holds it, that is once every frame drawing it
 * was handed to the renderer; GTK 4.8's own GtkGLArea reuses its textures
 * on the same terms. Those not taken again within SPARE_SECONDS are
 * deleted, so a map at rest holds none.
 *
 * A tile where a few units moved is patched instead: the rectangles that
 * changed are written into the texture of the tile it replaces, and a new
 * GdkGLTexture is made for the same name, which goes back to the spares
 * once the last texture for it is released (dozor_tile_uploader_patch()).
 *
 * Every call is on the main thread, as GTK's renderer is; only a texture's
 * release may come from another thread (the last reference to a tile may
 * be dropped by a worker), so it queues the texture's name for the main
 * thread. Between dozor_tile_uploader_begin() and _end() the uploader's
 * context is current; _end() gives the thread back the context it had.
 */
#include "config.h"

#include <epoxy/gl.h>

#include "dozor-tile-uploader.h"

#define DATA_KEY "dozor-tile-uploader"
/* How long a released texture waits to be written over before it is
 * deleted: longer than the pause between two rounds of fixes (5 s in the
 * Almaty scenario), or each round would make its textures anew. */
#define SPARE_SECONDS 10
/* At most this many wait, a screenful of tiles and its ring at 4K: more
 * are deleted at once. */
#define MAX_SPARES 200

/* A texture released, or waiting to be written over. */
typedef struct
{
  GLuint id;
  int width, height;
  gboolean gl_order; /* made for pixels in GL's byte order, else cairo's */
  gint64 released;   /* monotonic µs */
} Spare;

struct _DozorTileUploader
{
  GObject parent_instance;

  GdkGLContext *context;   /* NULL: this display has no GL */
  gboolean cairo_order;    /* takes pixels in cairo's byte order as they are */
  GdkGLContext *previous;  /* between begin and end: the context to give back */
  gboolean active;
  int n_live;              /* atomic: textures not yet released */

  GMutex lock;
  GArray *released;        /* under lock: Spare, textures released */
  guint release_id;        /* under lock: the idle taking them in */

  GArray *spares;          /* Spare, oldest first: to be written over */
  guint expire_id;         /* deletes the spares not taken in time */
  guint n_reused;          /* uploads that wrote over a spare */
  guint n_patched;         /* textures patched */
};

G_DEFINE_FINAL_TYPE (DozorTileUploader, dozor_tile_uploader, G_TYPE_OBJECT)

/* A texture's name, shared by every GdkGLTexture made for it: a tile
 * patched (dozor_tile_uploader_patch()) gets a new GdkGLTexture for the
 * name its predecessor's pixels are in, and the name is released once
 * the last of them is. */
typedef struct
{
  gatomicrefcount ref_count;
  DozorTileUploader *self;
  Spare spare;
} Release;

static GQuark release_quark;

/* Makes @self's context current; returns the one that was, referenced. */
static GdkGLContext *
switch_to (DozorTileUploader *self)
{
  GdkGLContext *previous = gdk_gl_context_get_current ();

  if (previous != NULL)
    g_object_ref (previous);
  gdk_gl_context_make_current (self->context);
  return previous;
}

static void
switch_back (GdkGLContext *previous)
{
  if (previous != NULL)
    {
      gdk_gl_context_make_current (previous);
      g_object_unref (previous);
    }
  else
    gdk_gl_context_clear_current ();
}

/* With @self's context current: deletes the spares released before
 * @before, and the oldest beyond MAX_SPARES. */
static void
delete_spares (DozorTileUploader *self,
               gint64             before)
{
  g_autoptr(GArray) names = g_array_new (FALSE, FALSE, sizeof (GLuint));
  guint n = 0;

  while (n < self->spares->len &&
         (g_array_index (self->spares, Spare, n).released < before || self->spares->len - n > MAX_SPARES))
    {
      g_array_append_val (names, g_array_index (self->spares, Spare, n).id);
      n++;
    }
  if (n == 0)
    return;
  glDeleteTextures (names->len, (GLuint *) (gpointer) names->data);
  g_array_remove_range (self->spares, 0, n);
}

static gboolean expire_cb (gpointer user_data);

/* With @self's context current: the textures released since the last
 * time become spares. */
static void
take_released (DozorTileUploader *self)
{
  g_autoptr(GArray) released = NULL;

  g_mutex_lock (&self->lock);
  if (self->released->len > 0)
    {
      released = self->released;
      self->released = g_array_new (FALSE, FALSE, sizeof (Spare));
    }
  g_mutex_unlock (&self->lock);
  if (released == NULL)
    return;
  g_array_append_vals (self->spares, released->data, released->len);
  delete_spares (self, G_MININT64);
  if (self->expire_id == 0)
    self->expire_id = g_timeout_add_seconds_full (G_PRIORITY_LOW, 1, expire_cb, g_object_ref (self), g_object_unref);
}

static gboolean
expire_cb (gpointer user_data)
{
  DozorTileUploader *self = user_data;
  GdkGLContext *previous;

  /* Within begin and end the next end takes them in. */
  if (self->active)
    return G_SOURCE_CONTINUE;
  previous = switch_to (self);
  take_released (self);
  delete_spares (self, g_get_monotonic_time () - SPARE_SECONDS * G_USEC_PER_SEC);
  switch_back (previous);
  if (self->spares->len > 0)
    return G_SOURCE_CONTINUE;
  self->expire_id = 0;
  return G_SOURCE_REMOVE;
}

static gboolean
take_released_cb (gpointer user_data)
{
  DozorTileUploader *self = user_data;
  GdkGLContext *previous;

  g_mutex_lock (&self->lock);
  self->release_id = 0;
  g_mutex_unlock (&self->lock);
  /* Within begin and end the next end takes them in. */
  if (self->active)
    return G_SOURCE_REMOVE;
  previous = switch_to (self);
  take_released (self);
  switch_back (previous);
  return G_SOURCE_REMOVE;
}

/* A GdkGLTexture's release: from whichever thread dropped it last. */
static void
texture_released (gpointer data)
{
  Release *release = data;
  DozorTileUploader *self = release->self;

  if (!g_atomic_ref_count_dec (&release->ref_count))
    return;
  release->spare.released = g_get_monotonic_time ();
  g_mutex_lock (&self->lock);
  g_array_append_val (self->released, release->spare);
  if (self->release_id == 0)
    self->release_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, take_released_cb, g_object_ref (self),
                                        g_object_unref);
  g_mutex_unlock (&self->lock);
  g_atomic_int_add (&self->n_live, -1);
  g_object_unref (self);
  g_free (release);
}

static void
dozor_tile_uploader_finalize (GObject *object)
{
  DozorTileUploader *self = DOZOR_TILE_UPLOADER (object);

  /* Every texture holds a reference to the uploader, and so do the
   * idle and the timeout that took the last ones in and deleted the
   * spares: none is left. */
  g_clear_object (&self->context);
  g_array_unref (self->released);
  g_array_unref (self->spares);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (dozor_tile_uploader_parent_class)->finalize (object);
}

static void
dozor_tile_uploader_class_init (DozorTileUploaderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_tile_uploader_finalize;
  release_quark = g_quark_from_static_string ("dozor-tile-uploader-release");
}

static void
dozor_tile_uploader_init (DozorTileUploader *self)
{
  g_mutex_init (&self->lock);
  self->released = g_array_new (FALSE, FALSE, sizeof (Spare));
  self->spares = g_array_new (FALSE, FALSE, sizeof (Spare));
}

/**
 * dozor_tile_uploader_get_for_display:
 * @display: the display of the window the tiles are drawn in
 *
 * The display's uploader, made at the first call. Use it only for a
 * window whose renderer is GTK's GL one.
 *
 * Returns: (transfer none) (nullable): the uploader, or %NULL if the
 *   display has no GL context to give (the tiles then go as memory
 *   textures)
 */
DozorTileUploader *
dozor_tile_uploader_get_for_display (GdkDisplay *display)
{
  DozorTileUploader *self;

  g_return_val_if_fail (GDK_IS_DISPLAY (display), NULL);

  self = g_object_get_data (G_OBJECT (display), DATA_KEY);
  if (self == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GdkGLContext) context = NULL;

      self = g_object_new (DOZOR_TYPE_TILE_UPLOADER, NULL);
      context = gdk_display_create_gl_context (display, &error);
      if (context != NULL && gdk_gl_context_realize (context, &error))
        {
          self->context = g_steal_pointer (&context);
          /* Desktop GL has taken GL_BGRA since 1.2; GLES only with an
           * extension, which the board does not look for. cairo's order is
           * B, G, R, A in memory only on a little-endian machine. */
          self->cairo_order = !gdk_gl_context_get_use_es (self->context) && G_BYTE_ORDER == G_LITTLE_ENDIAN;
        }
      else
        g_debug ("Tiles uploaded by GTK: %s", error->message);
      g_object_set_data_full (G_OBJECT (display), DATA_KEY, self, g_object_unref);
    }
  return self->context != NULL ? self : NULL;
}

/**
 * dozor_tile_uploader_begin:
 * @self: the uploader
 *
 * Makes the uploader's context current for the uploads that follow.
 */
void
dozor_tile_uploader_begin (DozorTileUploader *self)
{
  g_return_if_fail (DOZOR_IS_TILE_UPLOADER (self));
  g_return_if_fail (!self->active);

  self->previous = switch_to (self);
  self->active = TRUE;
  /* Errors of the context's past are not this upload's. */
  while (glGetError () != GL_NO_ERROR)
    ;
}

/**
 * dozor_tile_uploader_takes_cairo_order:
 * @self: the uploader
 *
 * Whether dozor_tile_uploader_upload() takes pixels in cairo's byte order
 * as they are: then a tile need not be put in GL's order first
 * (dozor_surface_to_gl_order()). On desktop GL the driver is given
 * cairo's order (GL_BGRA) for a texture of no set layout (GL_RGBA), and
 * keeps it in that order: llvmpipe copies the rows as they are, where a
 * GL_RGBA8 texture made it convert every pixel on the main thread.
 *
 * Returns: %TRUE if it does
 */
gboolean
dozor_tile_uploader_takes_cairo_order (DozorTileUploader *self)
{
  g_return_val_if_fail (DOZOR_IS_TILE_UPLOADER (self), FALSE);

  return self->cairo_order;
}

/* A GdkGLTexture for @release's name, holding a reference to it. */
static GdkTexture *
texture_for (DozorTileUploader *self,
             Release           *release)
{
  GdkTexture *texture = gdk_gl_texture_new (self->context, release->spare.id, release->spare.width,
                                            release->spare.height, texture_released, release);

  g_object_set_qdata (G_OBJECT (texture), release_quark, release);
  return texture;
}

/**
 * dozor_tile_uploader_upload:
 * @self: the uploader, between begin and end
 * @surface: a 4-byte image surface, premultiplied, rows top to bottom
 * @gl_order: whether @surface is in GL's byte order
 *   (dozor_surface_to_gl_order()); if not, the uploader must take cairo's
 *   (dozor_tile_uploader_takes_cairo_order())
 *
 * Copies @surface into a texture of the uploader's context: a released
 * one of its size and order if there is one, else a new one. The surface
 * may be freed as soon as this returns.
 *
 * Returns: (transfer full) (nullable): the texture, or %NULL if GL
 *   refused it (out of memory; a stride that is not the width's): then
 *   keep the surface and give GTK a memory texture
 */
GdkTexture *
dozor_tile_uploader_upload (DozorTileUploader *self,
                            cairo_surface_t   *surface,
                            gboolean           gl_order)
{
  int width, height;
  Release *release;
  GLuint id = 0;
  GLenum format = gl_order ? GL_RGBA : GL_BGRA;

  g_return_val_if_fail (DOZOR_IS_TILE_UPLOADER (self), NULL);
  g_return_val_if_fail (self->active, NULL);
  g_return_val_if_fail (gl_order || self->cairo_order, NULL);

  width = cairo_image_surface_get_width (surface);
  height = cairo_image_surface_get_height (surface);
  /* GLES 2 has no GL_UNPACK_ROW_LENGTH; the map's tiles are never padded. */
  if (cairo_image_surface_get_stride (surface) != width * 4 || width <= 0 || height <= 0)
    return NULL;

  /* The newest spare of this size: the oldest go first when they expire. */
  for (guint n = self->spares->len; n > 0; n--)
    {
      const Spare *spare = &g_array_index (self->spares, Spare, n - 1);

      if (spare->width == width && spare->height == height && spare->gl_order == gl_order)
        {
          id = spare->id;
          g_array_remove_index (self->spares, n - 1);
          break;
        }
    }
  glPixelStorei (GL_UNPACK_ALIGNMENT, 4);
  if (id != 0)
    {
      glBindTexture (GL_TEXTURE_2D, id);
      glTexSubImage2D (GL_TEXTURE_2D, 0, 0, 0, width, height, format, GL_UNSIGNED_BYTE,
                       cairo_image_surface_get_data (surface));
      self->n_reused++;
    }
  else
    {
      glGenTextures (1, &id);
      glBindTexture (GL_TEXTURE_2D, id);
      /* As GTK sets its own: linear when a tile is scaled between zoom
       * levels, edges extended so that no seam shows between tiles. */
      glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
      glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
      glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
      glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
      /* In cairo's order, a texture of no set layout, which the driver
       * may then keep in the order it is given. */
      glTexImage2D (GL_TEXTURE_2D, 0, gl_order ? GL_RGBA8 : GL_RGBA, width, height, 0, format, GL_UNSIGNED_BYTE,
                    cairo_image_surface_get_data (surface));
    }
  glBindTexture (GL_TEXTURE_2D, 0);
  if (glGetError () != GL_NO_ERROR)
    {
      glDeleteTextures (1, &id);
      return NULL;
    }

  release = g_new (Release, 1);
  g_atomic_ref_count_init (&release->ref_count);
  release->self = g_object_ref (self);
  release->spare.id = id;
  release->spare.width = width;
  release->spare.height = height;
  release->spare.gl_order = gl_order;
  g_atomic_int_inc (&self->n_live);
  return texture_for (self, release);
}

/**
 * dozor_tile_uploader_patch:
 * @self: the uploader, between begin and end
 * @texture: a texture this uploader made (upload() or patch())
 * @surface: an image surface in cairo's order whose pixels inside
 *   @region are @texture's new ones; those outside it are not read. Its
 *   device offset, negated, is where its first pixel goes in @texture
 * @region: where @texture changes, @texture's pixels
 *
 * Writes @region of @surface over @texture's pixels, for a tile where a
 * few units moved: the rest of the tile is not drawn nor copied again
 * (docs/decisions.md, "Tiles patched, not redrawn"). @texture shows the
 * new pixels too from now on; it is for a tile just replaced, whose
 * texture is drawn no more.
 *
 * Returns: (transfer full) (nullable): a new texture for the same pixels,
 *   which GTK sees as changed, or %NULL if @texture is not this
 *   uploader's or GL refused the writes (then draw the tile whole)
 */
GdkTexture *
dozor_tile_uploader_patch (DozorTileUploader    *self,
                           GdkTexture           *texture,
                           cairo_surface_t      *surface,
                           const cairo_region_t *region)
{
  Release *release;
  const guchar *data;
  int stride, x0, y0, width, height;
  double offset_x, offset_y;

  g_return_val_if_fail (DOZOR_IS_TILE_UPLOADER (self), NULL);
  g_return_val_if_fail (self->active, NULL);

  release = texture != NULL ? g_object_get_qdata (G_OBJECT (texture), release_quark) : NULL;
  if (release == NULL || release->self != self || release->spare.gl_order || !self->cairo_order)
    return NULL;

  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  width = cairo_image_surface_get_width (surface);
  height = cairo_image_surface_get_height (surface);
  cairo_surface_get_device_offset (surface, &offset_x, &offset_y);
  x0 = (int) -offset_x;
  y0 = (int) -offset_y;
  glBindTexture (GL_TEXTURE_2D, release->spare.id);
  glPixelStorei (GL_UNPACK_ALIGNMENT, 4);
  /* Desktop GL, as cairo's order is taken there only: rows of the whole
   * surface, from the rectangle's corner. */
  glPixelStorei (GL_UNPACK_ROW_LENGTH, stride / 4);
  for (int i = 0; i < cairo_region_num_rectangles (region); i++)
    {
      cairo_rectangle_int_t rect;

      cairo_region_get_rectangle (region, i, &rect);
      /* Inside the texture, and inside the surface's pixels. */
      if (rect.x < 0 || rect.y < 0 || rect.width <= 0 || rect.height <= 0 ||
          rect.x + rect.width > release->spare.width || rect.y + rect.height > release->spare.height ||
          rect.x < x0 || rect.y < y0 || rect.x + rect.width > x0 + width || rect.y + rect.height > y0 + height)
        continue;
      glTexSubImage2D (GL_TEXTURE_2D, 0, rect.x, rect.y, rect.width, rect.height, GL_BGRA, GL_UNSIGNED_BYTE,
                       data + (gsize) (rect.y - y0) * stride + (gsize) (rect.x - x0) * 4);
    }
  glPixelStorei (GL_UNPACK_ROW_LENGTH, 0);
  glBindTexture (GL_TEXTURE_2D, 0);
  if (glGetError () != GL_NO_ERROR)
    return NULL;
  self->n_patched++;
  g_atomic_ref_count_inc (&release->ref_count);
  return texture_for (self, release);
}

/**
 * dozor_tile_uploader_end:
 * @self: the uploader
 *
 * Sends the uploads to the driver, so that the renderer's context sees
 * them, keeps the textures released since the last time for the next
 * uploads, and makes the context current before begin current again.
 */
void
dozor_tile_uploader_end (DozorTileUploader *self)
{
  g_return_if_fail (DOZOR_IS_TILE_UPLOADER (self));
  g_return_if_fail (self->active);

  /* Another context of the same share group sees a texture's contents
   * once the commands that wrote them are flushed. */
  glFlush ();
  take_released (self);
  self->active = FALSE;
  switch_back (g_steal_pointer (&self->previous));
}

/**
 * dozor_tile_uploader_get_n_live:
 * @self: the uploader
 *
 * Returns: how many of its textures are alive
 */
guint
dozor_tile_uploader_get_n_live (DozorTileUploader *self)
{
  g_return_val_if_fail (DOZOR_IS_TILE_UPLOADER (self), 0);

  return (guint) g_atomic_int_get (&self->n_live);
}

/**
 * dozor_tile_uploader_get_n_reused:
 * @self: the uploader
 *
 * Returns: how many uploads wrote over a released texture instead of
 *   making a new one
 */
guint
dozor_tile_uploader_get_n_reused (DozorTileUploader *self)
{
  g_return_val_if_fail (DOZOR_IS_TILE_UPLOADER (self), 0);

  return self->n_reused;
}

/**
 * dozor_tile_uploader_get_n_patched:
 * @self: the uploader
 *
 * Returns: how many times a texture was patched instead of written whole
 */
guint
dozor_tile_uploader_get_n_patched (DozorTileUploader *self)
{
  g_return_val_if_fail (DOZOR_IS_TILE_UPLOADER (self), 0);

  return self->n_patched;
}
