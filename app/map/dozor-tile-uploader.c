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
 * Every call is on the main thread, as GTK's renderer is; only a texture's
 * release may come from another thread (the last reference to a tile may
 * be dropped by a worker), so it queues the texture's name for deletion on
 * the main thread. Between dozor_tile_uploader_begin() and _end() the
 * uploader's context is current; _end() gives the thread back the context
 * it had.
 */
#include "config.h"

#include <epoxy/gl.h>

#include "dozor-tile-uploader.h"

#define DATA_KEY "dozor-tile-uploader"

struct _DozorTileUploader
{
  GObject parent_instance;

  GdkGLContext *context;   /* NULL: this display has no GL */
  GdkGLContext *previous;  /* between begin and end: the context to give back */
  gboolean active;
  int n_live;              /* atomic: textures not yet released */

  GMutex lock;
  GArray *released;        /* under lock: names of textures released */
  guint release_id;        /* under lock: the idle deleting them */
};

G_DEFINE_FINAL_TYPE (DozorTileUploader, dozor_tile_uploader, G_TYPE_OBJECT)

typedef struct
{
  DozorTileUploader *self;
  GLuint id;
} Release;

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

/* With @self's context current. */
static void
delete_released (DozorTileUploader *self)
{
  g_autoptr(GArray) released = NULL;

  g_mutex_lock (&self->lock);
  if (self->released->len > 0)
    {
      released = self->released;
      self->released = g_array_new (FALSE, FALSE, sizeof (GLuint));
    }
  g_mutex_unlock (&self->lock);
  if (released != NULL)
    glDeleteTextures (released->len, (GLuint *) (gpointer) released->data);
}

static gboolean
delete_released_cb (gpointer user_data)
{
  DozorTileUploader *self = user_data;
  GdkGLContext *previous;

  g_mutex_lock (&self->lock);
  self->release_id = 0;
  g_mutex_unlock (&self->lock);
  /* Within begin and end the next end deletes them. */
  if (self->active)
    return G_SOURCE_REMOVE;
  previous = switch_to (self);
  delete_released (self);
  switch_back (previous);
  return G_SOURCE_REMOVE;
}

/* A GdkGLTexture's release: from whichever thread dropped it last. */
static void
texture_released (gpointer data)
{
  Release *release = data;
  DozorTileUploader *self = release->self;

  g_mutex_lock (&self->lock);
  g_array_append_val (self->released, release->id);
  if (self->release_id == 0)
    self->release_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, delete_released_cb, g_object_ref (self),
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

  /* Every texture holds a reference to the uploader: none is left, and
   * their names went with the idle that held the last one. */
  g_clear_object (&self->context);
  g_array_unref (self->released);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (dozor_tile_uploader_parent_class)->finalize (object);
}

static void
dozor_tile_uploader_class_init (DozorTileUploaderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_tile_uploader_finalize;
}

static void
dozor_tile_uploader_init (DozorTileUploader *self)
{
  g_mutex_init (&self->lock);
  self->released = g_array_new (FALSE, FALSE, sizeof (GLuint));
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
        self->context = g_steal_pointer (&context);
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
 * dozor_tile_uploader_upload:
 * @self: the uploader, between begin and end
 * @surface: a 4-byte image surface in GL's byte order
 *   (dozor_surface_to_gl_order()), premultiplied, rows top to bottom
 *
 * Copies @surface into a new texture of the uploader's context. The
 * surface may be freed as soon as this returns.
 *
 * Returns: (transfer full) (nullable): the texture, or %NULL if GL
 *   refused it (out of memory; a stride that is not the width's): then
 *   keep the surface and give GTK a memory texture
 */
GdkTexture *
dozor_tile_uploader_upload (DozorTileUploader *self,
                            cairo_surface_t   *surface)
{
  int width, height;
  Release *release;
  GLuint id = 0;

  g_return_val_if_fail (DOZOR_IS_TILE_UPLOADER (self), NULL);
  g_return_val_if_fail (self->active, NULL);

  width = cairo_image_surface_get_width (surface);
  height = cairo_image_surface_get_height (surface);
  /* GLES 2 has no GL_UNPACK_ROW_LENGTH; the map's tiles are never padded. */
  if (cairo_image_surface_get_stride (surface) != width * 4 || width <= 0 || height <= 0)
    return NULL;

  glGenTextures (1, &id);
  glBindTexture (GL_TEXTURE_2D, id);
  /* As GTK sets its own: linear when a tile is scaled between zoom levels,
   * edges extended so that no seam shows between tiles. */
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei (GL_UNPACK_ALIGNMENT, 4);
  glTexImage2D (GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE,
                cairo_image_surface_get_data (surface));
  glBindTexture (GL_TEXTURE_2D, 0);
  if (glGetError () != GL_NO_ERROR)
    {
      glDeleteTextures (1, &id);
      return NULL;
    }

  release = g_new (Release, 1);
  release->self = g_object_ref (self);
  release->id = id;
  g_atomic_int_inc (&self->n_live);
  return gdk_gl_texture_new (self->context, id, width, height, texture_released, release);
}

/**
 * dozor_tile_uploader_end:
 * @self: the uploader
 *
 * Sends the uploads to the driver, so that the renderer's context sees
 * them, deletes the textures released since the last time, and makes the
 * context current before begin current again.
 */
void
dozor_tile_uploader_end (DozorTileUploader *self)
{
  g_return_if_fail (DOZOR_IS_TILE_UPLOADER (self));
  g_return_if_fail (self->active);

  /* Another context of the same share group sees a texture's contents
   * once the commands that wrote them are flushed. */
  glFlush ();
  delete_released (self);
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
