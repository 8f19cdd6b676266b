/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Which of GTK's renderers a wall draws with (docs/decisions.md, "A wall
 * on software GL draws with cairo").
 *
 * A wall shows a still map in which a few units move: most of a frame is
 * unchanged. GTK 4.8's cairo renderer repaints only the damaged part of the
 * window; its GL renderer, on Mesa's software rasteriser (llvmpipe, all a
 * machine without a GPU has), repaints the whole window every frame. At
 * two 3840×2160 monitors that was 2.9 frames a second on GL against 11.7
 * on cairo, and about 100 MB more memory (LLVM's JIT, llvmpipe's copies of
 * every texture) (docs/performance.md, bench/wall-frames.sh). With a GPU,
 * GL is the better renderer and is kept. A desk is dragged about, where
 * GL's full repaints are the faster (bench/bench-units): it is left alone.
 *
 * GTK reads GSK_RENDERER once, when the first window is realized, so the
 * choice is made before: from whether this machine has a GPU render node
 * the user may open, without creating a GL context (which would load
 * LLVM on the very machines this is for). GSK_RENDERER set by whoever
 * starts the wall wins.
 */
#include "config.h"

#include <unistd.h>

#include "dozor-renderer.h"

/**
 * dozor_renderer_gl_is_software:
 * @dri_dir: where the kernel's DRM devices are (/dev/dri)
 *
 * Returns: whether GL here would be Mesa's software rasteriser: asked for
 *   (LIBGL_ALWAYS_SOFTWARE, GALLIUM_DRIVER=llvmpipe or softpipe), or no
 *   render node in @dri_dir that this user can open for reading and
 *   writing
 */
gboolean
dozor_renderer_gl_is_software (const char *dri_dir)
{
  const char *always = g_getenv ("LIBGL_ALWAYS_SOFTWARE");
  const char *gallium = g_getenv ("GALLIUM_DRIVER");
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (always != NULL && *always != '\0' && g_strcmp0 (always, "0") != 0 && g_ascii_strcasecmp (always, "false") != 0)
    return TRUE;
  if (g_strcmp0 (gallium, "llvmpipe") == 0 || g_strcmp0 (gallium, "softpipe") == 0)
    return TRUE;

  dir = g_dir_open (dri_dir, 0, NULL);
  if (dir == NULL)
    return TRUE;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "renderD"))
      {
        g_autofree char *path = g_build_filename (dri_dir, name, NULL);

        if (access (path, R_OK | W_OK) == 0)
          return FALSE;
      }
  return TRUE;
}

/**
 * dozor_renderer_choose_for_wall:
 *
 * Sets GSK_RENDERER to cairo for a wall on a machine whose GL is software,
 * unless it is set already. Call before any window is realized.
 *
 * Returns: the renderer asked of GTK: "cairo", what GSK_RENDERER already
 *   said, or %NULL for GTK's own choice
 */
const char *
dozor_renderer_choose_for_wall (void)
{
  const char *set = g_getenv ("GSK_RENDERER");

  if (set != NULL && *set != '\0')
    {
      g_debug ("The wall draws with GSK_RENDERER=%s, as set", set);
      return set;
    }
  if (!dozor_renderer_gl_is_software ("/dev/dri"))
    {
      g_debug ("The wall draws with GTK's own renderer: this machine has a GPU");
      return NULL;
    }
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_message ("The wall draws with GTK's cairo renderer: GL here would be software, "
             "which repaints the whole wall every frame");
  return "cairo";
}
