/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Every unit on the map, rasterised into one image (DozorRasterLayer):
 * status colour, heading wedge from zoom 12, a fading trail of the last
 * fixes from zoom 13, call signs from zoom 15 where they do not collide.
 * Below zoom 11 units that crowd one spot are drawn as one bubble with
 * their count, so a city of thousands stays readable. A stale fix is a grey
 * disc in a dashed ring whatever the zoom, and the image is redrawn every
 * 2 s so that a fix turning stale looks stale without waiting for news.
 * On a wall call signs are on at every zoom (still only where they do not
 * collide, with one another nor with the incidents' labels), and a unit on scene longer than the wall allows wears a magenta
 * ring and says for how long.
 *
 * The selected unit is drawn over the image as one small node, where the
 * unit is now.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "dozor-geo.h"
#include "dozor-incident-layer.h"
#include "dozor-json.h"
#include "dozor-labels.h"
#include "dozor-sprite.h"
#include "dozor-unit-layer.h"

#define LABEL_MIN_ZOOM 15
#define ARROW_MIN_ZOOM 12
#define TRAIL_MIN_ZOOM 13
#define CLUSTER_MAX_ZOOM 11
#define CLUSTER_CELL 40.0
#define CLUSTER_MIN_UNITS 4
#define REFRESH_SECONDS 2
#define PICK_SLOP 4.0
/* Label collision grid, logical pixels. */
#define LABEL_CELL 8
#define DESK_LABEL_SIZE DOZOR_RASTER_DESK_LABEL_SIZE
/* Trails only where a tile holds at most this many units: a crowd of
 * trails is a smear, and each segment is a stroke (4 µs with cairo, eight
 * per unit, against under 1 µs for the unit's symbol). */
#define TRAIL_CROWD 48
/* A desk's crowds (docs/decisions.md, "Crowds of units on a desk"): from
 * CLUSTER_MAX_ZOOM in, a cell of the world's pixel grid CROWD_CELL wide
 * holding at least CROWD_MIN_UNITS units is one disc with their count and
 * status mix. Nine symbols of 11 px fill 40 px side by side; of sixteen
 * most cover another. Below that the units are drawn as themselves. */
#define CROWD_CELL 40.0
#define CROWD_MIN_UNITS 16
/* On a desk prepare() copies no unit further outside the render's region
 * than this: no desk layout draws one (a cluster's cell and a crowd's are
 * 40 px, a symbol reaches 16.5 px). */
#define CULL_MARGIN 64.0

typedef enum
{
  MARK_AVAILABLE,
  MARK_DISPATCHED,
  MARK_EN_ROUTE,
  MARK_ON_SCENE,
  MARK_BUSY,
  MARK_OFF_DUTY,
  N_MARK_STATUSES
} MarkStatus;

/* A unit as prepare() copies it on the main thread: as little as it can,
 * so that 50,000 units cost that thread milliseconds. Positions are
 * copied as longitude and latitude and made world coordinates by the
 * worker (project_marks()); the label is the situation's own string,
 * shared, not copied. */
typedef struct
{
  double wx, wy;     /* world coordinates, 0…1 (lon, lat until projected) */
  float heading;     /* degrees, NAN if unknown */
  float speed;       /* m/s, NAN if unknown */
  guint8 status;     /* MarkStatus */
  guint8 stale;
  guint8 long_on_scene; /* on a wall: on scene longer than it allows */
  guint8 trail_length;
  guint trail_first; /* its trail's first point in the scene's trail_points */
  guint unit;        /* its place in the situation's units and the scene's ids */
  char *label;       /* call sign (a GRefString), only when labels are drawn */
} Mark;

/* What prepare() needs of a unit for every render, kept by the layer in
 * the situation's order and updated only for the units that changed
 * (dozor_situation_get_changed_units()): read in a row, 40 bytes a unit,
 * instead of following a pointer to each unit and its status's string
 * (docs/performance.md, "50,000 units: the main thread's share"). */
typedef struct
{
  double lon, lat;
  gint64 fix_time;
  float heading, speed;
  guint8 status;     /* MarkStatus */
  guint8 has_fix;
} Copy;

/* What is drawn, in the render's region: a unit, or a bubble of many. */
typedef struct
{
  double x, y;       /* region pixels */
  guint mark;        /* G_MAXUINT for a bubble */
  guint count;       /* a bubble's units */
  guint8 status;
  gboolean stale;
  gboolean label;    /* its call sign has room */
  double label_x, label_y; /* where: its left end and baseline, region pixels */
  double radius;     /* a wall's group: its disc, pixels */
  guint parts[N_MARK_STATUSES]; /* a wall's group: its units by status */
  gboolean trail;    /* its trail is drawn: not in a crowd */
  double left, top, right, bottom; /* all it covers, region pixels */
  guint64 key;       /* what it looks like, as a number (item_key()) */
} Item;

typedef struct _Sprites Sprites;
typedef struct _SpriteShelf SpriteShelf;

/* An incident's label on a wall, with its diamond: the space is its. */
typedef struct
{
  double wx, wy;
  char *text;
} IncidentLabel;

static void
incident_label_clear (IncidentLabel *label)
{
  g_free (label->text);
}

typedef struct
{
  GArray *marks;     /* Mark */
  GArray *trail_points; /* double[2]: the marks' trails, newest first, as their positions */
  gboolean projected;   /* marks and trails in world coordinates, by layout() */
  GPtrArray *ids;    /* the units' ids, by Mark.unit (the layer's, shared) */
  gboolean labels;
  double label_size; /* the call signs' font size, pixels */
  gboolean arrows;
  gboolean trails;
  gboolean clusters;
  gboolean groups;   /* a wall's: units that would overlap are one symbol */
  gboolean crowds;   /* a desk's, from CLUSTER_MAX_ZOOM in: crowded cells are one symbol */
  gboolean contrast; /* high contrast, as the desktop asked when prepared */
  gint64 newest_fix; /* the newest fix drawn, Unix µs */
  gint64 oldest_new; /* the oldest fix newer than the last image's newest */
  guint n_long;      /* units marked long on scene */
  guint n_labels;    /* call signs with room, from layout() */
  guint n_groups;    /* a wall's groups or a desk's crowds, from layout() */
  guint n_grouped;   /* the units in them */
  GString *group_discs; /* a wall's groups' discs, window pixels, for the log */
  guint n_moved_in;  /* call signs put elsewhere than right of their symbol */
  GArray *incident_labels; /* IncidentLabel: on a wall, where call signs give way */

  /* From layout(), in the worker; keys.region is the render's region. */
  DozorTileKeys keys;
  GArray *items;     /* Item, bottom to top */
  GArray **buckets;  /* per tile of the region: item numbers, bottom to top */
  guint n_drawn;
  SpriteShelf *shelf; /* the layer's, where the worker finds its symbols */
  Sprites *sprites;  /* taken by the first tile drawn */
} Scene;

struct _DozorUnitLayer
{
  DozorRasterLayer parent_instance;

  DozorSituation *situation;  /* the base class's */
  char *selected;
  GHashTable *long_on_scene;  /* unit id → itself, on a desk */
  guint n_drawn;
  guint n_long;
  guint n_labels;
  guint n_groups;
  guint n_grouped;
  char *group_discs;   /* as last logged */
  gint64 newest_fix;   /* of the image on screen */
  gint64 shown_newest; /* waiting for the frame that shows it */
  gint64 shown_oldest_new;
  gulong after_paint_id;
  /* The units as prepare() reads them: Copy, in the situation's order, as
   * of its unit serial copies_serial; and their ids (GRefStrings, refs
   * held), shared with the scenes, so never changed once made: a unit
   * joining makes a new array. */
  GArray *copies;
  guint64 copies_serial;
  GPtrArray *ids;
  gboolean hide_trails;  /* the desk's Layers; trails are in the tile key */
  int contrast_shown;    /* -1 until an image is shown */
  SpriteShelf *shelf;    /* symbols kept from render to render */
};

G_DEFINE_FINAL_TYPE (DozorUnitLayer, dozor_unit_layer, DOZOR_TYPE_RASTER_LAYER)

/* Status colours, chosen to stay apart for the common forms of colour
 * blindness together with the stale ring and the wedge. */
static const double status_fill[N_MARK_STATUSES][3] = {
  [MARK_AVAILABLE] = { 0.20, 0.82, 0.48 },
  [MARK_DISPATCHED] = { 0.96, 0.83, 0.18 },
  [MARK_EN_ROUTE] = { 1.00, 0.47, 0.00 },
  [MARK_ON_SCENE] = { 0.88, 0.11, 0.14 },
  [MARK_BUSY] = { 0.75, 0.38, 0.80 },
  [MARK_OFF_DUTY] = { 0.60, 0.60, 0.59 },
};

/* Called for every unit of every render on the main thread: one string
 * comparison, the candidate picked by the first letters, not one per
 * name (strcmp was a sixth of that thread's samples at 50,000 units). */
static MarkStatus
mark_status (const char *status)
{
  static const char *const names[N_MARK_STATUSES] = {
    "available", "dispatched", "en_route", "on_scene", "busy", "off_duty",
  };
  MarkStatus candidate;

  if (status == NULL)
    return MARK_OFF_DUTY;
  switch (status[0])
    {
    case 'a': candidate = MARK_AVAILABLE; break;
    case 'd': candidate = MARK_DISPATCHED; break;
    case 'e': candidate = MARK_EN_ROUTE; break;
    case 'b': candidate = MARK_BUSY; break;
    case 'o': candidate = status[1] == 'n' ? MARK_ON_SCENE : MARK_OFF_DUTY; break;
    default: return MARK_OFF_DUTY;
    }
  return strcmp (status, names[candidate]) == 0 ? candidate : MARK_OFF_DUTY;
}

static void
mark_clear (Mark *mark)
{
  g_clear_pointer (&mark->label, g_ref_string_release);
}

/* A point of a mark's trail, newest first. */
static inline const double *
mark_trail (const Scene *scene,
            const Mark  *mark,
            guint        t)
{
  return &g_array_index (scene->trail_points, double, 2 * (mark->trail_first + t));
}

static void sprites_unref (Sprites *sprites);
static void sprite_shelf_unref (SpriteShelf *shelf);

static void
scene_free (Scene *scene)
{
  g_array_unref (scene->marks);
  g_array_unref (scene->trail_points);
  g_ptr_array_unref (scene->ids);
  g_clear_pointer (&scene->items, g_array_unref);
  g_clear_pointer (&scene->incident_labels, g_array_unref);
  if (scene->group_discs != NULL)
    g_string_free (scene->group_discs, TRUE);
  for (int i = 0; scene->buckets != NULL && i < scene->keys.columns * scene->keys.rows; i++)
    if (scene->buckets[i] != NULL)
      g_array_unref (scene->buckets[i]);
  g_free (scene->buckets);
  dozor_tile_keys_clear (&scene->keys);
  g_clear_pointer (&scene->sprites, sprites_unref);
  g_clear_pointer (&scene->shelf, sprite_shelf_unref);
  g_free (scene);
}

/* In high contrast the status is not told by colour alone: a dark mark
 * inside the disc, one shape per status (available stays plain). */
static void
status_glyph (cairo_t    *cr,
              MarkStatus  status,
              double      x,
              double      y,
              double      radius)
{
  double g = radius * 0.5;

  cairo_new_path (cr);
  switch (status)
    {
    case MARK_DISPATCHED:
      cairo_arc (cr, x, y, g * 0.7, 0, 2 * G_PI);
      break;
    case MARK_EN_ROUTE:
      cairo_move_to (cr, x - g, y);
      cairo_line_to (cr, x + g, y);
      break;
    case MARK_ON_SCENE:
      cairo_rectangle (cr, x - g * 0.8, y - g * 0.8, g * 1.6, g * 1.6);
      break;
    case MARK_BUSY:
      cairo_move_to (cr, x - g, y - g);
      cairo_line_to (cr, x + g, y + g);
      cairo_move_to (cr, x + g, y - g);
      cairo_line_to (cr, x - g, y + g);
      break;
    case MARK_OFF_DUTY:
      cairo_move_to (cr, x - g, y + g);
      cairo_line_to (cr, x + g, y - g);
      break;
    case MARK_AVAILABLE:
    default:
      return;
    }
  cairo_set_source_rgb (cr, 0.0, 0.0, 0.0);
  cairo_set_line_width (cr, MAX (radius * 0.3, 1.5));
  if (status == MARK_DISPATCHED || status == MARK_ON_SCENE)
    cairo_fill (cr);
  else
    cairo_stroke (cr);
}

static void
draw_disc (cairo_t    *cr,
           MarkStatus  status,
           gboolean    stale,
           double      x,
           double      y,
           double      radius,
           gboolean    contrast)
{
  const double *fill = status_fill[status];

  cairo_arc (cr, x, y, radius, 0, 2 * G_PI);
  if (stale)
    {
      /* Stale: a grey disc in a dashed ring of the status colour, so an old
       * position never passes for a live one. */
      cairo_set_source_rgba (cr, 0.45, 0.45, 0.47, 0.85);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, fill[0], fill[1], fill[2]);
      cairo_set_line_width (cr, 1.5);
      cairo_set_dash (cr, (double[]) { 2.5, 2.0 }, 2, 0);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      cairo_arc (cr, x, y, radius + 3.5, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, 0.8, 0.8, 0.8, 0.7);
      cairo_set_line_width (cr, 1.0);
      cairo_set_dash (cr, (double[]) { 3.0, 3.0 }, 2, 0);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }
  else
    {
      cairo_set_source_rgb (cr, fill[0], fill[1], fill[2]);
      cairo_fill_preserve (cr);
      /* High contrast: a black outline twice as thick, then a white one
       * around it, so the disc stands off any basemap. */
      cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, contrast ? 1.0 : 0.9);
      cairo_set_line_width (cr, contrast ? 2.4 : 1.2);
      cairo_stroke (cr);
      if (contrast)
        {
          cairo_arc (cr, x, y, radius + 1.8, 0, 2 * G_PI);
          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_set_line_width (cr, 1.2);
          cairo_stroke (cr);
        }
    }
  if (contrast)
    status_glyph (cr, status, x, y, radius);
}

/**
 * dozor_unit_layer_draw_symbol:
 * @cr: where to draw
 * @status: the unit's status
 * @stale: whether its fix is old
 * @x: centre
 * @y: centre
 *
 * The unit's symbol as the map draws it, for lists and drag icons.
 */
void
dozor_unit_layer_draw_symbol (cairo_t    *cr,
                              const char *status,
                              gboolean    stale,
                              double      x,
                              double      y)
{
  draw_disc (cr, mark_status (status), stale, x, y, 5.5, dozor_unit_layer_get_high_contrast ());
}

/**
 * dozor_unit_layer_get_high_contrast:
 *
 * Main thread only.
 *
 * Returns: whether the map draws its symbols for high contrast, as the
 *   desktop's (or libadwaita's) high-contrast setting asks
 */
gboolean
dozor_unit_layer_get_high_contrast (void)
{
  return adw_style_manager_get_high_contrast (adw_style_manager_get_default ());
}

static void
draw_mark (cairo_t    *cr,
           const Mark *mark,
           double      x,
           double      y,
           double      radius,
           gboolean    arrow,
           gboolean    contrast)
{
  const double *fill = status_fill[mark->status];

  /* Heading: a wedge ahead of the disc, for units on the move. */
  if (arrow && isfinite (mark->heading) && isfinite (mark->speed) && mark->speed > 0.5)
    {
      double angle = (mark->heading - 90.0) * G_PI / 180.0;

      cairo_save (cr);
      cairo_translate (cr, x, y);
      cairo_rotate (cr, angle);
      cairo_move_to (cr, radius * 2.1, 0);
      cairo_line_to (cr, radius * 0.6, -radius * 0.85);
      cairo_line_to (cr, radius * 0.6, radius * 0.85);
      cairo_close_path (cr);
      cairo_restore (cr);
      if (mark->stale)
        cairo_set_source_rgba (cr, 0.55, 0.55, 0.55, 0.8);
      else
        cairo_set_source_rgb (cr, fill[0], fill[1], fill[2]);
      cairo_fill (cr);
    }

  draw_disc (cr, mark->status, mark->stale, x, y, radius, contrast);
}

/* Thousands of symbols drawn as paths cost tens of microseconds each; as
 * copies of a few small pre-drawn images, a few. One image per status,
 * stale or not, and heading in 32 steps (a wedge only shows direction, not
 * the exact degree), made on demand and kept from render to render while
 * they look the same (SpriteShelf). They are copied with pixman, cairo's
 * own rasteriser, called directly: cairo's state, pattern and clipping
 * around each copy cost more than the copy (0.66 against 0.27 µs a
 * symbol; docs/performance.md, "Symbols kept and copied by pixman"). */
#define HEADING_STEPS 32
#define SPRITE_HALF 16

struct _Sprites
{
  gatomicrefcount ref_count;
  gboolean contrast;
  double radius;
  double half;       /* half the image's side: SPRITE_HALF, a wall's larger */
  double scale;
  /* [status][stale][heading step + 1], 0 = no wedge */
  DozorSprite *images[N_MARK_STATUSES][2][HEADING_STEPS + 1];
  /* A crowd's disc in pieces (DiscSprite), by kind, status and radius:
   * its outline is a stroke, which costs cairo about 9 µs a disc against
   * under 1 µs for a copy, and a render at 50,000 units draws thousands
   * of discs (docs/performance.md, "Crowd discs from copies"). */
  GHashTable *discs;
};

/* The layer's symbols, handed from one render's worker to the next: a
 * render made ~200 images before its first tile (0.9 % of a 10,000-unit
 * run's samples, a fifth of the worker's drawing). Renders of one layer
 * never run at once, so only the handing over is locked. */
struct _SpriteShelf
{
  gatomicrefcount ref_count;
  GMutex lock;
  Sprites *sprites;
};

/* The pieces a crowd's disc is copied from. */
typedef enum
{
  DISC_WHOLE,   /* a disc of one status, as draw_disc() draws it */
  DISC_FILL,    /* a disc of one status's colour, no outline: under the sectors */
  DISC_OUTLINE, /* the outline alone, over the sectors */
} DiscSprite;

static void
sprites_unref (Sprites *sprites)
{
  if (!g_atomic_ref_count_dec (&sprites->ref_count))
    return;
  for (guint s = 0; s < N_MARK_STATUSES; s++)
    for (guint t = 0; t < 2; t++)
      for (guint h = 0; h <= HEADING_STEPS; h++)
        g_clear_pointer (&sprites->images[s][t][h], dozor_sprite_free);
  g_clear_pointer (&sprites->discs, g_hash_table_unref);
  g_free (sprites);
}

static SpriteShelf *
sprite_shelf_new (void)
{
  SpriteShelf *shelf = g_new0 (SpriteShelf, 1);

  g_atomic_ref_count_init (&shelf->ref_count);
  g_mutex_init (&shelf->lock);
  return shelf;
}

static SpriteShelf *
sprite_shelf_ref (SpriteShelf *shelf)
{
  g_atomic_ref_count_inc (&shelf->ref_count);
  return shelf;
}

static void
sprite_shelf_unref (SpriteShelf *shelf)
{
  if (!g_atomic_ref_count_dec (&shelf->ref_count))
    return;
  g_clear_pointer (&shelf->sprites, sprites_unref);
  g_mutex_clear (&shelf->lock);
  g_free (shelf);
}

/* The symbols for drawing on @target: the shelf's if they look the same,
 * else new ones, which go on the shelf for the next render. */
static Sprites *
sprite_shelf_take (SpriteShelf *shelf,
                   cairo_t     *target,
                   double       radius,
                   double       half,
                   gboolean     contrast)
{
  double scale = dozor_sprite_scale_of (target);
  Sprites *sprites;

  g_mutex_lock (&shelf->lock);
  sprites = shelf->sprites;
  if (sprites == NULL || sprites->contrast != contrast || sprites->radius != radius || sprites->half != half ||
      sprites->scale != scale)
    {
      g_clear_pointer (&shelf->sprites, sprites_unref);
      sprites = g_new0 (Sprites, 1);
      g_atomic_ref_count_init (&sprites->ref_count);
      sprites->contrast = contrast;
      sprites->radius = radius;
      sprites->half = half;
      sprites->scale = scale;
      shelf->sprites = sprites;
    }
  g_atomic_ref_count_inc (&sprites->ref_count);
  g_mutex_unlock (&shelf->lock);
  return sprites;
}

/* The wedge's step, 1 to HEADING_STEPS, or 0 for none. */
static guint
heading_step (const Mark *mark,
              gboolean    arrow)
{
  gboolean wedge = arrow && isfinite (mark->heading) && isfinite (mark->speed) && mark->speed > 0.5;

  return wedge ? (guint) lround (fmod (fmod (mark->heading, 360) + 360, 360) / (360.0 / HEADING_STEPS)) % HEADING_STEPS + 1 : 0;
}

static const DozorSprite *
sprite_for (Sprites    *sprites,
            const Mark *mark,
            gboolean    arrow)
{
  guint step = heading_step (mark, arrow);
  DozorSprite **slot = &sprites->images[mark->status][mark->stale ? 1 : 0][step];

  if (*slot == NULL)
    {
      cairo_t *cr;
      DozorSprite *image = dozor_sprite_new (sprites->scale, sprites->half, &cr);
      Mark shape = *mark;

      shape.heading = step > 0 ? (step - 1) * (360.0 / HEADING_STEPS) : NAN;
      draw_mark (cr, &shape, sprites->half, sprites->half, sprites->radius, step > 0, sprites->contrast);
      *slot = dozor_sprite_finish (image, cr);
    }
  return *slot;
}

/* A piece of a crowd's disc of @radius. */
static const DozorSprite *
disc_sprite (Sprites    *sprites,
             DiscSprite  kind,
             MarkStatus  status,
             double      radius)
{
  gint64 key = (gint64) kind << 40 | (gint64) status << 32 | lround (radius * 256);
  DozorSprite *image;

  if (sprites->discs == NULL)
    sprites->discs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) dozor_sprite_free);
  image = g_hash_table_lookup (sprites->discs, &key);
  if (image == NULL)
    {
      /* Room for the high-contrast ring around the disc and its width. */
      double half = ceil (radius + 4);
      cairo_t *cr;

      image = dozor_sprite_new (sprites->scale, half, &cr);
      if (kind == DISC_WHOLE)
        draw_disc (cr, status, FALSE, half, half, radius, sprites->contrast);
      else if (kind == DISC_FILL)
        {
          cairo_arc (cr, half, half, radius, 0, 2 * G_PI);
          cairo_set_source_rgb (cr, status_fill[status][0], status_fill[status][1], status_fill[status][2]);
          cairo_fill (cr);
        }
      else
        {
          cairo_arc (cr, half, half, radius, 0, 2 * G_PI);
          cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, sprites->contrast ? 1.0 : 0.9);
          cairo_set_line_width (cr, sprites->contrast ? 2.4 : 1.2);
          cairo_stroke (cr);
        }
      dozor_sprite_finish (image, cr);
      g_hash_table_insert (sprites->discs, g_memdup2 (&key, sizeof key), image);
    }
  return image;
}

/* Call signs only where they do not cover one another: a crowd of labels
 * is no label at all. With @force the space is taken whatever holds it (a
 * wall's incident label, which a call sign gives way to). */
static gboolean
claim_label_space (guint8  *taken,
                   int      columns,
                   int      rows,
                   double   x,
                   double   y,
                   double   width,
                   double   height,
                   gboolean force)
{
  int c0 = MAX ((int) floor (x / LABEL_CELL), 0), c1 = MIN ((int) floor ((x + width) / LABEL_CELL), columns - 1);
  int r0 = MAX ((int) floor (y / LABEL_CELL), 0), r1 = MIN ((int) floor ((y + height) / LABEL_CELL), rows - 1);

  if (c0 > c1 || r0 > r1)
    return FALSE;
  for (int r = r0; r <= r1 && !force; r++)
    for (int c = c0; c <= c1; c++)
      if (taken[r * columns + c])
        return FALSE;
  for (int r = r0; r <= r1; r++)
    memset (taken + r * columns + c0, 1, c1 - c0 + 1);
  return TRUE;
}

static void
draw_label (cairo_t    *cr,
            const char *text,
            gboolean    stale,
            double      x,
            double      y,
            double      scale)
{
  /* Dark outline under light text reads on any basemap. */
  cairo_move_to (cr, x, y);
  cairo_text_path (cr, text);
  cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.9);
  cairo_set_line_width (cr, 3 * scale);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgb (cr, stale ? 0.7 : 0.97, stale ? 0.7 : 0.97, stale ? 0.7 : 0.97);
  cairo_fill (cr);
}

typedef struct
{
  double sx, sy;     /* sum of positions */
  guint count;
  guint stale;
  guint by_status[N_MARK_STATUSES];
  GArray *members;   /* mark numbers, while few */
} Cluster;

static void
cluster_free (Cluster *cluster)
{
  g_array_unref (cluster->members);
  g_free (cluster);
}

/* @mark as an item at @x, @y, covering what its symbol covers: the disc
 * with its outline and the rings it may have, and its wedge, a pixel and
 * a half wider for antialiasing and for the copy's rounding to a whole
 * device pixel. Not the symbol's whole image (SPRITE_HALF a side), whose
 * corners are empty: where a unit moved, a tile is drawn again over its
 * rectangles only, with the units that reach into them, and a box five
 * times the symbol's area took in most of a crowded tile (docs/performance.md,
 * "Tiles patched, not redrawn"). The sizes are draw_mark()'s and
 * draw_scene()'s. */
static void
item_for_mark (const Scene *scene,
               Item        *item,
               const Mark  *mark,
               guint        number,
               double       x,
               double       y)
{
  double k = scene->label_size / DESK_LABEL_SIZE;
  double radius = (scene->keys.region.zoom >= ARROW_MIN_ZOOM ? 5.5 : 4.0) * k;
  /* The stale ring's, the high-contrast rings', the plain outline's. */
  double reach = radius + (mark->stale ? 4.0 : scene->contrast ? 2.4 : 0.6);
  double left, top, right, bottom;
  guint step = heading_step (mark, scene->arrows && !scene->clusters);

  /* A wall's ring round a unit long on scene, drawn by draw_scene(). */
  if (mark->long_on_scene)
    reach = MAX (reach, radius + 7 * k);
  left = top = -reach;
  right = bottom = reach;
  if (step > 0)
    {
      /* The wedge's three corners, at the heading the symbol is drawn at
       * (sprite_for()). */
      double angle = ((step - 1) * (360.0 / HEADING_STEPS) - 90.0) * G_PI / 180.0;
      const double corners[3][2] = { { 2.1, 0 }, { 0.6, -0.85 }, { 0.6, 0.85 } };

      for (guint c = 0; c < 3; c++)
        {
          double cx = radius * (corners[c][0] * cos (angle) - corners[c][1] * sin (angle));
          double cy = radius * (corners[c][0] * sin (angle) + corners[c][1] * cos (angle));

          left = MIN (left, cx);
          right = MAX (right, cx);
          top = MIN (top, cy);
          bottom = MAX (bottom, cy);
        }
    }
  item->x = x;
  item->y = y;
  item->mark = number;
  item->status = mark->status;
  item->stale = mark->stale;
  item->left = x + left - 1.5;
  item->top = y + top - 1.5;
  item->right = x + right + 1.5;
  item->bottom = y + bottom + 1.5;
}

/* Far out, crowded spots become one bubble with the count, coloured by the
 * most common status, dashed if any of them is stale; lonely units are
 * drawn as themselves. The cells are the world's, not the view's, so a
 * bubble stays put while the map pans. */
static void
layout_clusters (Scene *scene)
{
  const DozorRasterView *region = &scene->keys.region;
  g_autoptr(GHashTable) cells = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                       (GDestroyNotify) cluster_free);
  GHashTableIter iter;
  Cluster *cluster;

  for (guint i = 0; i < scene->marks->len; i++)
    {
      const Mark *mark = &g_array_index (scene->marks, Mark, i);
      double x, y;
      gint64 key;

      dozor_raster_view_project (region, mark->wx, mark->wy, &x, &y);
      if (x < -CLUSTER_CELL || y < -CLUSTER_CELL || x > region->width + CLUSTER_CELL ||
          y > region->height + CLUSTER_CELL)
        continue;

      key = ((gint64) floor ((x + region->origin_x) / CLUSTER_CELL) << 32) ^
            ((gint64) floor ((y + region->origin_y) / CLUSTER_CELL) & 0xffffffff);
      cluster = g_hash_table_lookup (cells, &key);
      if (cluster == NULL)
        {
          cluster = g_new0 (Cluster, 1);
          cluster->members = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (cells, g_memdup2 (&key, sizeof key), cluster);
        }
      cluster->sx += x;
      cluster->sy += y;
      cluster->count++;
      cluster->stale += mark->stale;
      cluster->by_status[mark->status]++;
      g_array_append_val (cluster->members, i);
    }

  g_hash_table_iter_init (&iter, cells);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &cluster))
    {
      Item item = { 0, };

      if (cluster->count < CLUSTER_MIN_UNITS)
        {
          for (guint m = 0; m < cluster->members->len; m++)
            {
              guint i = g_array_index (cluster->members, guint, m);
              const Mark *mark = &g_array_index (scene->marks, Mark, i);
              double x, y;

              dozor_raster_view_project (region, mark->wx, mark->wy, &x, &y);
              item_for_mark (scene, &item, mark, i, x, y);
              g_array_append_val (scene->items, item);
            }
          scene->n_drawn += cluster->members->len;
          continue;
        }

      item.x = cluster->sx / cluster->count;
      item.y = cluster->sy / cluster->count;
      item.mark = G_MAXUINT;
      item.count = cluster->count;
      item.stale = cluster->stale > 0;
      for (guint s = 1; s < N_MARK_STATUSES; s++)
        if (cluster->by_status[s] > cluster->by_status[item.status])
          item.status = s;
      {
        double r = 9 + 3 * log10 (cluster->count) + 4.5;

        item.left = item.x - r;
        item.top = item.y - r;
        item.right = item.x + r;
        item.bottom = item.y + r;
      }
      g_array_append_val (scene->items, item);
      scene->n_drawn += cluster->count;
    }
}

/* Whether a unit on a wall keeps its own symbol among others: one sent to
 * an incident (dispatched, en route, on scene), one marked long on scene,
 * and one whose fix is stale are what the room acts on or must not take
 * for available; the rest (available, busy, off duty) may be counted. */
static gboolean
keeps_own_symbol (const Mark *mark)
{
  return mark->stale || mark->long_on_scene || mark->status == MARK_DISPATCHED ||
         mark->status == MARK_EN_ROUTE || mark->status == MARK_ON_SCENE;
}

typedef struct
{
  double sx, sy;     /* sum of positions, region pixels */
  double x0, y0;     /* its cell's top left corner, region pixels */
  guint count;
  guint parts[N_MARK_STATUSES];
  guint first;       /* the first member's mark, drawn alone if it stays alone */
} Group;

/* A group's disc: a little wider than its count at the rule's size, never
 * smaller than a unit's own. */
static double
group_radius (cairo_t    *cr,
              const char *count,
              double      label_size,
              double      radius)
{
  cairo_text_extents_t extents;

  cairo_text_extents (cr, count, &extents);
  return MAX (hypot (extents.width, extents.height) / 2 + 0.15 * label_size, radius * 1.3);
}

/* The cell that holds the disc of a count of @digits digits: "8" is the
 * widest digit (the font's digits are of one width anyway). */
static double
group_cell (cairo_t *cr,
            guint    digits,
            double   label_size,
            double   radius)
{
  char eights[16] = "";

  memset (eights, '8', MIN (digits, sizeof eights - 1));
  return MAX (4 * radius, 2 * group_radius (cr, eights, label_size, radius) + 4);
}

static guint
count_digits (guint count)
{
  guint digits = 1;

  for (; count >= 10; count /= 10)
    digits++;
  return digits;
}

/* Whether a unit on a desk keeps its own symbol in a crowd: a stale fix
 * must look stale, never be counted among the live, and one long on
 * scene is marked. At a crowd's density the others' symbols would cover
 * one another; the disc's sectors say how many of each status it holds. */
static gboolean
keeps_own_symbol_on_desk (const Mark *mark)
{
  return mark->stale || mark->long_on_scene;
}

/* The cell of the world's pixel grid, @cell pixels wide, that holds
 * @x, @y (region pixels). 24 bits a coordinate is 16 million cells
 * across: a world at zoom 19 with a cell of 8 pixels. */
static gint64
cell_key (const DozorRasterView *region,
          double                 x,
          double                 y,
          double                 cell)
{
  return ((gint64) floor ((x + region->origin_x) / cell) & 0xffffff) << 24 |
         ((gint64) floor ((y + region->origin_y) / cell) & 0xffffff);
}

/* Gathers the countable units by cell of @cell pixels; the others go to
 * @own. Returns the largest group's count. */
static guint
gather_groups (Scene      *scene,
               GHashTable *cells,
               GArray     *own,
               double      cell,
               gboolean  (*keeps_own) (const Mark *mark))
{
  const DozorRasterView *region = &scene->keys.region;
  guint largest = 0;

  g_hash_table_remove_all (cells);
  g_array_set_size (own, 0);
  scene->n_drawn = 0;
  for (guint i = 0; i < scene->marks->len; i++)
    {
      const Mark *mark = &g_array_index (scene->marks, Mark, i);
      Item item = { 0, };
      double x, y;
      gint64 key;
      Group *group;

      dozor_raster_view_project (region, mark->wx, mark->wy, &x, &y);
      if (x < -cell || y < -cell || x > region->width + cell || y > region->height + cell)
        continue;
      scene->n_drawn++;
      if (keeps_own (mark))
        {
          item_for_mark (scene, &item, mark, i, x, y);
          g_array_append_val (own, item);
          continue;
        }
      key = cell_key (region, x, y, cell);
      group = g_hash_table_lookup (cells, &key);
      if (group == NULL)
        {
          group = g_new0 (Group, 1);
          group->first = i;
          group->x0 = floor ((x + region->origin_x) / cell) * cell - region->origin_x;
          group->y0 = floor ((y + region->origin_y) / cell) * cell - region->origin_y;
          g_hash_table_insert (cells, g_memdup2 (&key, sizeof key), group);
        }
      group->sx += x;
      group->sy += y;
      group->count++;
      group->parts[mark->status]++;
      largest = MAX (largest, group->count);
    }
  return largest;
}

/* @item, its radius set, as the disc of @group at @x, @y: appended to
 * the scene's items and counted. */
static void
add_group_item (Scene       *scene,
                Item        *item,
                const Group *group,
                double       x,
                double       y)
{
  item->x = x;
  item->y = y;
  item->mark = G_MAXUINT;
  item->count = group->count;
  item->status = g_array_index (scene->marks, Mark, group->first).status;
  memcpy (item->parts, group->parts, sizeof item->parts);
  item->left = x - item->radius - 2;
  item->top = y - item->radius - 2;
  item->right = x + item->radius + 2;
  item->bottom = y + item->radius + 2;
  g_array_append_val (scene->items, *item);
  scene->n_groups++;
  scene->n_grouped += group->count;
}

/* A wall's map (docs/wall.md, "Crowds of units"): discs sized for the
 * back of the room merge into one mass where cars stand closer than a
 * disc. Units that may be counted are gathered by cell of the world's
 * pixel grid, one group a cell, whose disc is cut into sectors by status
 * so that its colours say what its units are; a cell of one unit draws
 * the unit. The cells are as wide as the largest group's disc, and each
 * disc, at the mean of its units, is kept inside its cell, so that no two
 * discs overlap: neither two statuses in one cell nor a four-digit count
 * over its neighbours. Gathering is one pass and a hash table, O(n), in
 * the worker; it is done again with wider cells only when the largest
 * count has more digits than the cells were sized for. */
static void
layout_groups (Scene  *scene,
               double  radius)
{
  const DozorRasterView *region = &scene->keys.region;
  g_autoptr(GHashTable) cells = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (scratch);
  /* Drawn last, over the groups: a car sent to an incident is never
   * hidden under a count of the available ones. */
  g_autoptr(GArray) own = g_array_new (FALSE, FALSE, sizeof (Item));
  GHashTableIter iter;
  gint64 *key;
  Group *group;
  guint digits = 3;
  double cell;

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, scene->label_size);
  /* Each round that does not fit sizes the cells for more digits than
   * the last, and a count has at most ten: bounded. */
  for (guint round = 0; round < 10; round++)
    {
      guint largest;

      cell = group_cell (cr, digits, scene->label_size, radius);
      largest = gather_groups (scene, cells, own, cell, keeps_own_symbol);
      if (count_digits (largest) <= digits)
        break;
      digits = count_digits (largest);
    }

  scene->n_groups = 0;
  scene->n_grouped = 0;
  if (scene->group_discs == NULL)
    scene->group_discs = g_string_new (NULL);
  g_string_truncate (scene->group_discs, 0);
  g_string_append_printf (scene->group_discs, "%.0fx%.0f, cells of %.0f px:", region->visible_x1 - region->visible_x0,
                          region->visible_y1 - region->visible_y0, cell);
  g_hash_table_iter_init (&iter, cells);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &group))
    {
      const Mark *first = &g_array_index (scene->marks, Mark, group->first);
      Item item = { 0, };
      g_autofree char *count = NULL;

      if (group->count == 1)
        {
          item_for_mark (scene, &item, first, group->first, group->sx, group->sy);
          g_array_append_val (scene->items, item);
          continue;
        }
      /* The count at the rule's size, inside a disc a little wider than
       * it, never smaller than a unit's own. */
      count = g_strdup_printf ("%u", group->count);
      item.radius = group_radius (cr, count, scene->label_size, radius);
      add_group_item (scene, &item, group,
                      CLAMP (group->sx / group->count, group->x0 + item.radius, group->x0 + cell - item.radius),
                      CLAMP (group->sy / group->count, group->y0 + item.radius, group->y0 + cell - item.radius));
      /* Only those on screen: the tests and the administrator read them
       * against the window. */
      if (item.right > region->visible_x0 && item.left < region->visible_x1 &&
          item.bottom > region->visible_y0 && item.top < region->visible_y1)
        g_string_append_printf (scene->group_discs, " %u at %.0f,%.0f r %.1f;", group->count,
                                item.x - region->visible_x0, item.y - region->visible_y0, item.radius);
    }
  g_array_append_vals (scene->items, own->data, own->len);
  cairo_destroy (cr);
  cairo_surface_destroy (scratch);
}

/* A desk's crowds (docs/decisions.md, "Crowds of units on a desk"): a
 * desk shows every unit as itself until they would cover one another.
 * Where a cell of the world's pixel grid, CROWD_CELL wide, holds
 * CROWD_MIN_UNITS units or more, they are one disc at the cell's centre,
 * cut into sectors by status, with their count; the units of other cells
 * are drawn as themselves over the discs, and those that keep their own
 * symbol (stale, long on scene) over everything. The disc stays at its
 * cell's centre while its units move, so a tile changes only when a
 * count or a mix does: at 50,000 units most tiles are not redrawn for a
 * round of fixes, where every tile was. */
static void
layout_crowds (Scene   *scene,
               cairo_t *cr,
               double   radius)
{
  const DozorRasterView *region = &scene->keys.region;
  g_autoptr(GHashTable) cells = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GArray) own = g_array_new (FALSE, FALSE, sizeof (Item));
  GHashTableIter iter;
  Group *group;

  gather_groups (scene, cells, own, CROWD_CELL, keeps_own_symbol_on_desk);
  scene->n_groups = 0;
  scene->n_grouped = 0;

  g_hash_table_iter_init (&iter, cells);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &group))
    {
      Item item = { 0, };
      char count[16];

      if (group->count < CROWD_MIN_UNITS)
        continue;
      g_snprintf (count, sizeof count, "%u", group->count);
      item.radius = MIN (group_radius (cr, count, scene->label_size, radius), CROWD_CELL / 2 - 2);
      add_group_item (scene, &item, group, group->x0 + CROWD_CELL / 2, group->y0 + CROWD_CELL / 2);
    }

  for (guint i = 0; i < scene->marks->len; i++)
    {
      const Mark *mark = &g_array_index (scene->marks, Mark, i);
      Item item = { 0, };
      gint64 key;
      double x, y;

      dozor_raster_view_project (region, mark->wx, mark->wy, &x, &y);
      /* The units gather_groups() left out, and those it gave their own
       * symbol, are not drawn here. */
      if (x < -CROWD_CELL || y < -CROWD_CELL || x > region->width + CROWD_CELL || y > region->height + CROWD_CELL ||
          keeps_own_symbol_on_desk (mark))
        continue;
      key = cell_key (region, x, y, CROWD_CELL);
      group = g_hash_table_lookup (cells, &key);
      if (group != NULL && group->count >= CROWD_MIN_UNITS)
        continue;
      item_for_mark (scene, &item, mark, i, x, y);
      g_array_append_val (scene->items, item);
    }
  g_array_append_vals (scene->items, own->data, own->len);
}

/* Every unit as itself. */
static void
layout_singles (Scene  *scene,
                double  radius)
{
  const DozorRasterView *region = &scene->keys.region;

  for (guint i = 0; i < scene->marks->len; i++)
    {
      const Mark *mark = &g_array_index (scene->marks, Mark, i);
      Item item = { 0, };
      double x, y;

      dozor_raster_view_project (region, mark->wx, mark->wy, &x, &y);
      if (x < -radius * 3 || y < -radius * 3 || x > region->width + radius * 3 || y > region->height + radius * 3)
        continue;
      item_for_mark (scene, &item, mark, i, x, y);
      g_array_append_val (scene->items, item);
      scene->n_drawn++;
    }
}

/* Trails of the units drawn as themselves, but in a crowded tile. */
static void
layout_trails (Scene *scene)
{
  const DozorRasterView *region = &scene->keys.region;
  g_autofree guint *crowd = g_new0 (guint, (gsize) scene->keys.columns * scene->keys.rows);

  for (guint n = 0; n < scene->items->len; n++)
    {
      const Item *item = &g_array_index (scene->items, Item, n);

      if (item->mark != G_MAXUINT && item->x >= 0 && item->y >= 0 && item->x < region->width && item->y < region->height)
        crowd[(int) (item->y / 256) * scene->keys.columns + (int) (item->x / 256)]++;
    }
  for (guint n = 0; n < scene->items->len; n++)
    {
      Item *item = &g_array_index (scene->items, Item, n);
      const Mark *mark;
      double x = item->x, y = item->y;

      if (item->mark == G_MAXUINT)
        continue;
      mark = &g_array_index (scene->marks, Mark, item->mark);
      item->trail = mark->trail_length > 0 && x >= 0 && y >= 0 && x < region->width && y < region->height &&
                    crowd[(int) (y / 256) * scene->keys.columns + (int) (x / 256)] <= TRAIL_CROWD;
      for (guint t = 0; item->trail && t < mark->trail_length; t++)
        {
          double tx, ty;

          const double *point = mark_trail (scene, mark, t);

          dozor_raster_view_project (region, point[0], point[1], &tx, &ty);
          item->left = MIN (item->left, tx - 2);
          item->top = MIN (item->top, ty - 2);
          item->right = MAX (item->right, tx + 2);
          item->bottom = MAX (item->bottom, ty + 2);
        }
    }
}

static void
layout_units (Scene *scene)
{
  const DozorRasterView *region = &scene->keys.region;
  int columns = (int) ceil (region->width / LABEL_CELL), rows = (int) ceil (region->height / LABEL_CELL);
  g_autofree guint8 *taken = scene->labels ? g_malloc0 ((gsize) columns * rows) : NULL;
  cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (scratch);
  /* A wall's labels are larger: the symbols and the room around the
   * labels grow with them. */
  double k = scene->label_size / DESK_LABEL_SIZE;
  double radius = (region->zoom >= ARROW_MIN_ZOOM ? 5.5 : 4.0) * k;

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, scene->label_size);

  if (scene->groups)
    layout_groups (scene, radius);
  else if (scene->crowds)
    layout_crowds (scene, cr, radius);
  else
    layout_singles (scene, radius);
  if (scene->trails)
    layout_trails (scene);

  /* Labels over every symbol, the ones drawn last winning space first as
   * their symbols are on top; decided over the whole region, so that a
   * call sign across two tiles is drawn whole in both or in neither. */
  /* A wall's incident labels first: they say what the room acts on, and
   * a call sign that would cover one gives way. */
  for (guint i = 0; scene->labels && scene->incident_labels != NULL && i < scene->incident_labels->len; i++)
    {
      const IncidentLabel *label = &g_array_index (scene->incident_labels, IncidentLabel, i);
      double size = DOZOR_INCIDENT_SYMBOL_SIZE * k, x, y;
      cairo_text_extents_t extents;

      dozor_raster_view_project (region, label->wx, label->wy, &x, &y);
      cairo_text_extents (cr, label->text, &extents);
      claim_label_space (taken, columns, rows, x - size, y - size, 2 * size + 5 + extents.x_advance, 2 * size, TRUE);
    }
  /* A wall's groups and a desk's crowds hold their space too: a call sign
   * over a count would hide both. */
  for (guint n = 0; scene->labels && n < scene->items->len; n++)
    {
      const Item *item = &g_array_index (scene->items, Item, n);

      if (item->radius > 0)
        claim_label_space (taken, columns, rows, item->left, item->top, item->right - item->left,
                           item->bottom - item->top, TRUE);
    }
  scene->n_labels = 0;
  scene->n_moved_in = 0;
  for (guint n = scene->items->len; scene->labels && n-- > 0;)
    {
      Item *item = &g_array_index (scene->items, Item, n);
      /* A bubble has no call sign (a wall labels at every zoom). */
      const Mark *mark = item->mark != G_MAXUINT ? &g_array_index (scene->marks, Mark, item->mark) : NULL;
      cairo_text_extents_t extents;
      double outline = 1.5 * k, left, baseline = item->y + 4 * k;
      gboolean moved;

      if (mark == NULL || mark->label == NULL)
        continue;
      cairo_text_extents (cr, mark->label, &extents);
      /* Beside the symbol, inside the window: the ink's top and bottom
       * with the outline drawn round it. */
      moved = dozor_raster_view_fit_label (region, item->x, item->y, radius + 4,
                                           MAX (extents.x_advance, extents.x_bearing + extents.width) + outline,
                                           -extents.y_bearing + outline, extents.height + extents.y_bearing + outline,
                                           &left, &baseline);
      if (claim_label_space (taken, columns, rows, left - 1, baseline - 12 * k, extents.x_advance + 2 * k, 14 * k,
                             FALSE))
        {
          item->label = TRUE;
          item->label_x = left;
          item->label_y = baseline;
          scene->n_labels++;
          scene->n_moved_in += moved;
          item->left = MIN (item->left, left - outline);
          item->right = MAX (item->right, left + extents.x_advance + 3 * k);
          item->top = MIN (item->top, baseline - 12 * k);
          item->bottom = MAX (item->bottom, baseline + 4 * k);
          /* The rectangle of a call sign put in from the window's edge, in
           * the window's pixels, for the administrator and the tests. */
          if (moved)
            g_debug ("Call sign %s kept inside the window: %.0f,%.0f to %.0f,%.0f in %.0fx%.0f", mark->label,
                     left - region->visible_x0, baseline + extents.y_bearing - outline - region->visible_y0,
                     left + MAX (extents.x_advance, extents.x_bearing + extents.width) + outline - region->visible_x0,
                     baseline + extents.height + extents.y_bearing + outline - region->visible_y0,
                     region->visible_x1 - region->visible_x0, region->visible_y1 - region->visible_y0);
        }
    }
  cairo_destroy (cr);
  cairo_surface_destroy (scratch);
}

/* What a tile shows of an item, as a number: the same number, the same
 * pixels. Places are the world's pixels, not the region's, so that an
 * item that stays has the same number in the next render whatever its
 * region (tile_changes()). */
static guint64
item_key (const Scene *scene,
          const Item  *item)
{
  double ox = scene->keys.region.origin_x, oy = scene->keys.region.origin_y;
  guint64 key = dozor_raster_key_mix (lround ((item->x + ox) * 4), lround ((item->y + oy) * 4));

  key = dozor_raster_key_mix (key, item->status | item->stale << 4 | item->label << 5 | item->trail << 6 |
                                     (guint64) item->count << 8);
  /* A disc's sectors: the same count may change its mix. */
  for (guint s = 0; item->radius > 0 && s < N_MARK_STATUSES; s++)
    key = dozor_raster_key_mix (key, item->parts[s]);
  if (item->mark != G_MAXUINT)
    {
      const Mark *mark = &g_array_index (scene->marks, Mark, item->mark);

      key = dozor_raster_key_mix (key, g_str_hash (scene->ids->pdata[mark->unit]));
      key = dozor_raster_key_mix (key, heading_step (mark, scene->arrows && !scene->clusters));
      key = dozor_raster_key_mix (key, mark->long_on_scene);
      if (item->label && mark->label != NULL)
        key = dozor_raster_key_mix (dozor_raster_key_mix (key, g_str_hash (mark->label)),
                                    dozor_raster_key_mix (lround ((item->label_x + ox) * 4),
                                                          lround ((item->label_y + oy) * 4)));
      for (guint t = 0; item->trail && t < mark->trail_length; t++)
        key = dozor_raster_key_mix (key, (guint64) (mark_trail (scene, mark, t)[0] * 1e9) ^
                                         (guint64) (mark_trail (scene, mark, t)[1] * 1e9) << 1);
    }
  return key;
}

/* Items sorted by the tiles they touch, and a key per tile. */
/* In the worker: the marks' longitudes and latitudes, as prepare() copied
 * them, made world coordinates, which the map's projection takes a log
 * and a tangent for (9 per unit with a trail). */
static void
project_marks (Scene *scene)
{
  if (scene->projected)
    return;
  scene->projected = TRUE;
  for (guint i = 0; i < scene->marks->len; i++)
    {
      Mark *mark = &g_array_index (scene->marks, Mark, i);

      dozor_geo_lon_lat_to_world (mark->wx, mark->wy, &mark->wx, &mark->wy);
    }
  for (guint i = 0; i < scene->trail_points->len / 2; i++)
    {
      double *point = &g_array_index (scene->trail_points, double, 2 * i);

      dozor_geo_lon_lat_to_world (point[0], point[1], &point[0], &point[1]);
    }
}

static void
layout_scene (gpointer               data,
              const DozorRasterView *region)
{
  Scene *scene = data;
  DozorTileKeys *keys = &scene->keys;

  project_marks (scene);
  dozor_tile_keys_init (keys, region);
  /* At most an item per unit. Reserved at once: grown by doubling, the
   * array was copied as it grew (128 bytes an item), a fifth of the
   * layout's time at 5,000 units; the pages never used are never
   * touched, so they cost no memory. */
  scene->items = g_array_sized_new (FALSE, FALSE, sizeof (Item), scene->marks->len);
  scene->buckets = g_new0 (GArray *, keys->columns * keys->rows);
  scene->n_drawn = 0;

  if (scene->clusters)
    layout_clusters (scene);
  else
    layout_units (scene);

  for (guint n = 0; n < scene->items->len; n++)
    {
      Item *item = &g_array_index (scene->items, Item, n);
      int c0, r0, c1, r1;
      guint64 key;

      if (!dozor_tile_keys_range (keys, item->left, item->top, item->right, item->bottom, &c0, &r0, &c1, &r1))
        continue;
      key = item->key = item_key (scene, item);
      for (int r = r0; r <= r1; r++)
        for (int c = c0; c <= c1; c++)
          {
            GArray **bucket = &scene->buckets[r * keys->columns + c];

            if (*bucket == NULL)
              *bucket = g_array_new (FALSE, FALSE, sizeof (guint));
            g_array_append_val (*bucket, n);
          }
      dozor_tile_keys_add (keys, item->left, item->top, item->right, item->bottom, key);
    }
}

static guint64
tile_key (gpointer               data,
          const DozorRasterView *tile,
          gboolean              *complete)
{
  Scene *scene = data;

  /* The zoom's details change the look of the same items. */
  return dozor_raster_key_mix (dozor_tile_keys_get (&scene->keys, tile),
                               scene->labels | scene->arrows << 1 | scene->trails << 2 | scene->contrast << 3 |
                                 (guint64) lround (scene->label_size * 16) << 4);
}

/* The scene-wide choices that change how the same items look. */
static gboolean
same_look (const Scene *a,
           const Scene *b)
{
  return a->labels == b->labels && a->arrows == b->arrows && a->trails == b->trails && a->contrast == b->contrast &&
         a->clusters == b->clusters && a->groups == b->groups && a->crowds == b->crowds &&
         a->label_size == b->label_size;
}

typedef struct
{
  guint64 key;
  const Item *item;
} Keyed;

static int
keyed_compare (gconstpointer a,
               gconstpointer b)
{
  guint64 ka = ((const Keyed *) a)->key, kb = ((const Keyed *) b)->key;

  return ka < kb ? -1 : ka > kb;
}

/* A tile's items, sorted by key. */
static GArray *
keyed_items (const Scene           *scene,
             const DozorRasterView *tile)
{
  int number = dozor_tile_keys_find (&scene->keys, tile);
  GArray *bucket = number >= 0 ? scene->buckets[number] : NULL;
  GArray *keyed = g_array_sized_new (FALSE, FALSE, sizeof (Keyed), bucket != NULL ? bucket->len : 0);

  for (guint n = 0; bucket != NULL && n < bucket->len; n++)
    {
      const Item *item = &g_array_index (scene->items, Item, g_array_index (bucket, guint, n));
      Keyed one = { item->key, item };

      g_array_append_val (keyed, one);
    }
  g_array_sort (keyed, keyed_compare);
  return keyed;
}

/* @item's rectangle in @tile's pixels, a pixel wider for antialiasing. */
static void
add_item_rect (const Scene           *scene,
               const Item            *item,
               const DozorRasterView *tile,
               cairo_region_t        *region)
{
  double dx = scene->keys.region.origin_x - tile->origin_x, dy = scene->keys.region.origin_y - tile->origin_y;
  int left = (int) floor (item->left + dx) - 1, top = (int) floor (item->top + dy) - 1;
  cairo_rectangle_int_t rect = { left, top, (int) ceil (item->right + dx) + 1 - left,
                                 (int) ceil (item->bottom + dy) + 1 - top };

  cairo_region_union_rectangle (region, &rect);
}

/* Where a tile changed since @before drew it: the rectangles of the items
 * that are not in both, old and new, matched by what they look like
 * (item_key()). An item that stayed but overlaps one that changed is
 * drawn again inside the rectangle, as the raster layer draws every item
 * there, clipped. */
static gboolean
tile_changes (gpointer               before_data,
              gpointer               data,
              const DozorRasterView *tile,
              cairo_region_t        *region)
{
  Scene *before = before_data, *scene = data;
  g_autoptr(GArray) old_items = NULL;
  g_autoptr(GArray) new_items = NULL;
  guint i = 0, j = 0;

  if (!same_look (before, scene) || before->items == NULL || scene->items == NULL)
    return FALSE;
  old_items = keyed_items (before, tile);
  new_items = keyed_items (scene, tile);
  while (i < old_items->len || j < new_items->len)
    {
      const Keyed *a = i < old_items->len ? &g_array_index (old_items, Keyed, i) : NULL;
      const Keyed *b = j < new_items->len ? &g_array_index (new_items, Keyed, j) : NULL;

      if (a != NULL && b != NULL && a->key == b->key)
        {
          i++;
          j++;
        }
      else if (b == NULL || (a != NULL && a->key < b->key))
        {
          add_item_rect (before, a->item, tile, region);
          i++;
        }
      else
        {
          add_item_rect (scene, b->item, tile, region);
          j++;
        }
    }
  return TRUE;
}

/* Whether @item, drawn at @dx, @dy from its region's pixels, reaches into
 * @clip (the tile's clip, user space), or @clip is NULL: everything is. */
static gboolean
item_in_clip (const Item             *item,
              double                  dx,
              double                  dy,
              const cairo_rectangle_list_t *clip)
{
  if (clip == NULL)
    return TRUE;
  for (int i = 0; i < clip->num_rectangles; i++)
    {
      const cairo_rectangle_t *rect = &clip->rectangles[i];

      if (item->right + dx + 1 >= rect->x && item->left + dx - 1 <= rect->x + rect->width &&
          item->bottom + dy + 1 >= rect->y && item->top + dy - 1 <= rect->y + rect->height)
        return TRUE;
    }
  return FALSE;
}

/* Trails of the last fixes, older segments fainter. One stroke per age
 * of segment, status and staleness, over all the tile's units: a stroke
 * per segment of every unit cost more than the units themselves. */
static void
draw_trails (Scene                 *scene,
             GArray                *bucket,
             const guint8          *shown,
             cairo_t               *cr,
             const DozorRasterView *view)
{
  cairo_set_line_width (cr, 2.0);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint i = 0; i < DOZOR_UNIT_TRAIL_LENGTH; i++)
    for (guint group = 0; group < N_MARK_STATUSES * 2; group++)
      {
        guint status = group / 2;
        gboolean stale = group % 2, any = FALSE;

        for (guint n = 0; n < bucket->len; n++)
          {
            const Item *item = &g_array_index (scene->items, Item, g_array_index (bucket, guint, n));
            const Mark *mark;
            double x0, y0, x1, y1;

            if (!item->trail || !shown[n])
              continue;
            mark = &g_array_index (scene->marks, Mark, item->mark);
            if (i >= mark->trail_length || mark->status != status || mark->stale != stale)
              continue;
            if (i == 0)
              dozor_raster_view_project (view, mark->wx, mark->wy, &x0, &y0);
            else
              dozor_raster_view_project (view, mark_trail (scene, mark, i - 1)[0], mark_trail (scene, mark, i - 1)[1],
                                         &x0, &y0);
            dozor_raster_view_project (view, mark_trail (scene, mark, i)[0], mark_trail (scene, mark, i)[1], &x1, &y1);
            cairo_move_to (cr, x0, y0);
            cairo_line_to (cr, x1, y1);
            any = TRUE;
          }
        if (any)
          {
            const double *fill = status_fill[status];

            cairo_set_source_rgba (cr, fill[0], fill[1], fill[2],
                                   stale ? 0.15 : 0.55 * (1.0 - (double) i / DOZOR_UNIT_TRAIL_LENGTH));
            cairo_stroke (cr);
          }
      }
}

/* A wall's group and a desk's crowd: one disc, cut into a sector for
 * each status in it, clockwise from the top in the order of the
 * statuses, each as wide as its share; a group of one status is that
 * status's disc, copied from pieces drawn once a render: the largest
 * status's disc whole, the other sectors filled over it, the outline over
 * them. @x, @y: its centre, on a whole device pixel (draw_scene() puts
 * the count there too), so that the pieces and the sectors line up. */
static void
draw_group_disc (cairo_t        *cr,
                 pixman_image_t *target,
                 Sprites        *sprites,
                 const Item     *item,
                 double          x,
                 double          y)
{
  double angle = -G_PI / 2;
  guint statuses = 0, largest = item->status;

  for (guint s = 0; s < N_MARK_STATUSES; s++)
    {
      statuses += item->parts[s] > 0;
      if (item->parts[s] > item->parts[largest])
        largest = s;
    }
  if (statuses < 2)
    {
      dozor_sprite_paint (disc_sprite (sprites, DISC_WHOLE, item->status, item->radius), cr, target, x, y);
      return;
    }
  dozor_sprite_paint (disc_sprite (sprites, DISC_FILL, largest, item->radius), cr, target, x, y);
  for (guint s = 0; s < N_MARK_STATUSES; s++)
    {
      double sweep = 2 * G_PI * item->parts[s] / item->count;

      if (item->parts[s] > 0 && s != largest)
        {
          cairo_move_to (cr, x, y);
          cairo_arc (cr, x, y, item->radius, angle, angle + sweep);
          cairo_close_path (cr);
          cairo_set_source_rgb (cr, status_fill[s][0], status_fill[s][1], status_fill[s][2]);
          cairo_fill (cr);
        }
      angle += sweep;
    }
  dozor_sprite_paint (disc_sprite (sprites, DISC_OUTLINE, 0, item->radius), cr, target, x, y);
}

static void
draw_scene (gpointer               data,
            cairo_t               *cr,
            const DozorRasterView *view,
            DozorPointIndex       *index)
{
  Scene *scene = data;
  double k = scene->label_size / DESK_LABEL_SIZE;
  double radius = (view->zoom >= ARROW_MIN_ZOOM ? 5.5 : 4.0) * k;
  int number = dozor_tile_keys_find (&scene->keys, view);
  double dx = scene->keys.region.origin_x - view->origin_x, dy = scene->keys.region.origin_y - view->origin_y;
  cairo_rectangle_list_t *clip;
  g_autofree guint8 *shown = NULL;
  GArray *bucket;
  pixman_image_t *target;

  if (number < 0 || (bucket = scene->buckets[number]) == NULL)
    return;
  if (scene->sprites == NULL)
    scene->sprites = sprite_shelf_take (scene->shelf, cr, radius, SPRITE_HALF * k, scene->contrast);
  /* A tile patched (dozor-raster-layer.c, tile_patch()) is drawn inside a
   * few rectangles only: the items outside them are not drawn at all,
   * though every item is indexed. */
  clip = cairo_copy_clip_rectangle_list (cr);
  shown = g_new (guint8, bucket->len);
  for (guint n = 0; n < bucket->len; n++)
    shown[n] = item_in_clip (&g_array_index (scene->items, Item, g_array_index (bucket, guint, n)), dx, dy,
                             clip->status == CAIRO_STATUS_SUCCESS ? clip : NULL);
  cairo_rectangle_list_destroy (clip);
  /* The tile's pixels, for the symbols' copies between cairo's drawing. */
  target = dozor_sprite_target_begin (cr);

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);

  if (scene->trails)
    draw_trails (scene, bucket, shown, cr, view);

  for (guint n = 0; n < bucket->len; n++)
    {
      const Item *item = &g_array_index (scene->items, Item, g_array_index (bucket, guint, n));
      double x = item->x + dx, y = item->y + dy;

      if (!shown[n])
        {
          if (item->mark != G_MAXUINT)
            dozor_point_index_add (index, x, y, radius + 1, item->mark);
          continue;
        }
      if (item->mark == G_MAXUINT)
        {
          /* A wall's group is sized for its count at the rule's size. */
          double r = item->radius > 0 ? item->radius : 9 + 3 * log10 (item->count);
          g_autofree char *count = g_strdup_printf ("%u", item->count);
          cairo_text_extents_t extents;

          cairo_set_font_size (cr, item->radius > 0 ? scene->label_size : DESK_LABEL_SIZE);
          if (item->radius > 0)
            {
              /* The count over the disc's centre as it is copied. */
              x = round (x * scene->sprites->scale) / scene->sprites->scale;
              y = round (y * scene->sprites->scale) / scene->sprites->scale;
              draw_group_disc (cr, target, scene->sprites, item, x, y);
            }
          else
            draw_disc (cr, item->status, item->stale, x, y, r, scene->contrast);
          cairo_text_extents (cr, count, &extents);
          cairo_move_to (cr, x - extents.x_bearing - extents.width / 2, y - extents.y_bearing - extents.height / 2);
          cairo_set_source_rgb (cr, 0.05, 0.05, 0.06);
          cairo_show_text (cr, count);
          continue;
        }
      if (g_array_index (scene->marks, Mark, item->mark).long_on_scene)
        {
          cairo_new_sub_path (cr);
          cairo_arc (cr, x, y, radius + 4 * k, 0, 2 * G_PI);
          dozor_raster_stroke_wall_mark (cr, k);
        }
      dozor_sprite_paint (sprite_for (scene->sprites, &g_array_index (scene->marks, Mark, item->mark),
                                      scene->arrows && !scene->clusters),
                          cr, target, x, y);
      dozor_point_index_add (index, x, y, radius + 1, item->mark);
    }

  cairo_set_font_size (cr, scene->label_size);
  for (guint n = bucket->len; n-- > 0;)
    {
      const Item *item = &g_array_index (scene->items, Item, g_array_index (bucket, guint, n));

      if (item->label && shown[n])
        {
          const Mark *mark = &g_array_index (scene->marks, Mark, item->mark);

          /* Where layout() put it: beside the symbol, inside the window. */
          draw_label (cr, mark->label, mark->stale, item->label_x + dx, item->label_y + dy, k);
        }
    }
  dozor_sprite_target_end (cr, target);
}

/* Since when a unit is on scene, Unix µs, or 0 if unknown. */
static gint64
on_scene_since (DozorSituation *situation,
                const char     *unit_id)
{
  JsonObject *dispatch = dozor_situation_get_unit_dispatch (situation, unit_id);
  JsonObject *incident = dispatch == NULL ? NULL :
    dozor_situation_get_entity (situation, "incident", json_object_get_string_member_with_default (dispatch, "incident_id", ""));

  return dozor_escalation_on_scene_since (dispatch, incident);
}

/* The render's region in longitudes and latitudes, for prepare() on the
 * main thread to place 50,000 units in its tiles with no logarithm or
 * tangent per unit: a column is linear in longitude, a row's edges are
 * latitudes computed once. */
typedef struct
{
  double west, east, north, south; /* the region and its margin */
  double origin_lon;                /* the region's west edge */
  double origin_lat;                /* its north edge */
  double tile_lon;                  /* a tile's width in longitude */
  int columns, rows;
  double *row_south;                /* each row's south edge, latitude */
} RegionGrid;

#define OUTSIDE (-2)   /* beyond the region's margin: not copied */
#define IN_MARGIN (-1) /* in the margin: copied, in no tile */

static void
region_grid_free (RegionGrid *grid)
{
  g_free (grid->row_south);
  g_free (grid);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RegionGrid, region_grid_free)

static RegionGrid *
region_grid_new (const DozorRasterView *region,
                 double                 margin)
{
  RegionGrid *grid = g_new0 (RegionGrid, 1);
  double world = 256.0 * exp2 (region->zoom), lon;

  grid->columns = (int) round (region->width / 256.0);
  grid->rows = (int) round (region->height / 256.0);
  dozor_geo_world_to_lon_lat ((region->origin_x - margin) / world, (region->origin_y - margin) / world, &grid->west,
                              &grid->north);
  dozor_geo_world_to_lon_lat ((region->origin_x + region->width + margin) / world,
                              (region->origin_y + region->height + margin) / world, &grid->east, &grid->south);
  dozor_geo_world_to_lon_lat (region->origin_x / world, region->origin_y / world, &grid->origin_lon, &grid->origin_lat);
  grid->tile_lon = 256.0 / world * 360.0;
  grid->row_south = g_new (double, grid->rows);
  for (int r = 0; r < grid->rows; r++)
    dozor_geo_world_to_lon_lat (0, (region->origin_y + (r + 1) * 256.0) / world, &lon, &grid->row_south[r]);
  return grid;
}

/* The region tile (row by row) that holds @lon, @lat, IN_MARGIN or OUTSIDE. */
static int
region_grid_tile (const RegionGrid *grid,
                  double            lon,
                  double            lat)
{
  int column, row = 0;

  if (lon < grid->west || lon > grid->east || lat > grid->north || lat < grid->south)
    return OUTSIDE;
  column = (int) floor ((lon - grid->origin_lon) / grid->tile_lon);
  if (column < 0 || column >= grid->columns || lat > grid->origin_lat)
    return IN_MARGIN;
  /* A dozen rows at most: a scan beats a search. */
  while (row < grid->rows && lat <= grid->row_south[row])
    row++;
  return row < grid->rows ? row * grid->columns + column : IN_MARGIN;
}

static void
copy_unit (Copy            *copy,
           const DozorUnit *unit)
{
  copy->lon = unit->lon;
  copy->lat = unit->lat;
  copy->fix_time = unit->fix_time;
  copy->heading = (float) unit->heading;
  copy->speed = (float) unit->speed;
  copy->status = mark_status (unit->status);
  copy->has_fix = unit->has_fix;
}

/* Brings the layer's copies up to the situation: the units that changed
 * since the last render, the ones that joined, or all of them after a
 * reset. At 25,000 fixes a second and a render every 66 ms that is some
 * 1,700 units of 50,000. */
static void
update_copies (DozorUnitLayer *self)
{
  GPtrArray *units = dozor_situation_get_units (self->situation);
  const guint *changed = NULL;
  guint n_changed = 0, known;
  gboolean logged;

  if (self->copies == NULL)
    self->copies = g_array_new (FALSE, FALSE, sizeof (Copy));
  logged = self->copies->len > 0 &&
           dozor_situation_get_changed_units (self->situation, self->copies_serial, &changed, &n_changed);
  self->copies_serial = dozor_situation_get_unit_serial (self->situation);
  if (!logged || self->copies->len > units->len)
    {
      g_array_set_size (self->copies, 0);
      g_clear_pointer (&self->ids, g_ptr_array_unref);
    }

  known = self->copies->len;
  for (guint n = 0; n < n_changed; n++)
    if (changed[n] < known)
      copy_unit (&g_array_index (self->copies, Copy, changed[n]), units->pdata[changed[n]]);
  if (known == units->len && self->ids != NULL)
    return;

  /* Units joined: the ids so far are the scenes' too, so a new array. */
  {
    GPtrArray *ids = g_ptr_array_new_full (units->len, (GDestroyNotify) g_ref_string_release);

    g_array_set_size (self->copies, units->len);
    for (guint i = 0; i < units->len; i++)
      {
        const DozorUnit *unit = units->pdata[i];

        g_ptr_array_add (ids, g_ref_string_acquire (unit->id));
        if (i >= known)
          copy_unit (&g_array_index (self->copies, Copy, i), unit);
      }
    g_clear_pointer (&self->ids, g_ptr_array_unref);
    self->ids = ids;
  }
}

static gpointer
prepare_scene (DozorRasterLayer      *layer,
               const DozorRasterView *view)
{
  DozorUnitLayer *self = DOZOR_UNIT_LAYER (layer);
  const DozorWallMarks *marks = dozor_raster_layer_get_wall_marks (layer);
  GPtrArray *units = dozor_situation_get_units (self->situation);
  g_autoptr(RegionGrid) grid = NULL;
  g_autofree int *tile_of = NULL;
  g_autofree guint *tile_units = NULL;
  const Copy *copies;
  Scene *scene;

  if (units->len == 0)
    return NULL;
  update_copies (self);
  copies = (const Copy *) (gpointer) self->copies->data;

  scene = g_new0 (Scene, 1);
  scene->shelf = sprite_shelf_ref (self->shelf);
  scene->marks = g_array_sized_new (FALSE, FALSE, sizeof (Mark), units->len);
  g_array_set_clear_func (scene->marks, (GDestroyNotify) mark_clear);
  scene->trail_points = g_array_new (FALSE, FALSE, sizeof (double));
  scene->ids = g_ptr_array_ref (self->ids);
  /* A unit long on scene is labelled at any zoom, on a desk too. */
  scene->labels = marks != NULL || view->zoom >= LABEL_MIN_ZOOM ||
                  (self->long_on_scene != NULL && g_hash_table_size (self->long_on_scene) > 0);
  scene->label_size = dozor_raster_layer_get_label_size (layer);
  scene->arrows = view->zoom >= ARROW_MIN_ZOOM;
  scene->trails = view->zoom >= TRAIL_MIN_ZOOM && !self->hide_trails;
  /* A wall groups units that would overlap at any zoom instead: its
   * discs are sized for the back of the room. */
  scene->groups = marks != NULL;
  scene->clusters = !scene->groups && view->zoom < CLUSTER_MAX_ZOOM;
  scene->crowds = !scene->groups && !scene->clusters;
  scene->contrast = dozor_unit_layer_get_high_contrast ();

  if (marks != NULL)
    {
      g_autoptr(GList) incidents = dozor_situation_get_entities (self->situation, "incident");

      scene->incident_labels = g_array_new (FALSE, FALSE, sizeof (IncidentLabel));
      g_array_set_clear_func (scene->incident_labels, (GDestroyNotify) incident_label_clear);
      for (GList *l = incidents; l != NULL; l = l->next)
        {
          IncidentLabel label;
          double lat, lon;
          gboolean late;

          if (!dozor_incident_get_location (json_node_get_object (l->data), &lat, &lon))
            continue;
          dozor_geo_lon_lat_to_world (lon, lat, &label.wx, &label.wy);
          label.text = dozor_incident_layer_wall_label (json_node_get_object (l->data), marks, view->now, &late);
          g_array_append_val (scene->incident_labels, label);
        }
    }

  /* On a desk: which units are in the region, and how many in each of
   * its tiles. A wall keeps every unit: its groups' cells are as wide as
   * their counts. */
  if (marks == NULL)
    {
      grid = region_grid_new (view, CULL_MARGIN);
      tile_of = g_new (int, units->len);
      tile_units = g_new0 (guint, (gsize) grid->columns * grid->rows);
      for (guint i = 0; i < units->len; i++)
        {
          const Copy *unit = &copies[i];

          tile_of[i] = unit->has_fix ? region_grid_tile (grid, unit->lon, unit->lat) : OUTSIDE;
          if (tile_of[i] >= 0)
            tile_units[tile_of[i]]++;
        }
    }

  for (guint i = 0; i < units->len; i++)
    {
      const Copy *copy = &copies[i];
      const DozorUnit *unit;
      Mark mark = { 0, };

      if (!copy->has_fix || (tile_of != NULL && tile_of[i] == OUTSIDE))
        continue;
      /* Projected by the worker (project_marks()). */
      mark.wx = copy->lon;
      mark.wy = copy->lat;
      mark.heading = copy->heading;
      mark.speed = copy->speed;
      mark.status = copy->status;
      mark.unit = i;
      mark.stale = view->now - copy->fix_time > DOZOR_UNIT_STALE_SECONDS * G_USEC_PER_SEC;
      scene->newest_fix = MAX (scene->newest_fix, copy->fix_time);
      if (copy->fix_time > self->newest_fix && (scene->oldest_new == 0 || copy->fix_time < scene->oldest_new))
        scene->oldest_new = copy->fix_time;
      /* The rest reads the unit itself: for a call sign, a trail, or a
       * unit on scene, which at 50,000 units in view are few. */
      unit = units->pdata[i];
      if (mark.status == MARK_ON_SCENE && (marks != NULL || self->long_on_scene != NULL))
        {
          gint64 since = on_scene_since (self->situation, unit->id);

          /* A wall by its own rule, a desk as its escalation controller says. */
          if (marks != NULL)
            mark.long_on_scene = since > 0 && dozor_escalation_is_long_on_scene (marks, view->now - since);
          else
            mark.long_on_scene = since > 0 && g_hash_table_contains (self->long_on_scene, unit->id);
          scene->n_long += mark.long_on_scene;
          if (mark.long_on_scene)
            {
              g_autofree char *age = dozor_format_age (view->now - since);

              /* The call sign and how long it has been there; on a desk
               * with the words, which a wall's legend gives. */
              g_autofree char *label = NULL;

              if (marks != NULL)
                label = g_strdup_printf ("%s · %s", unit->call_sign, age);
              else
                /* Translators: a unit's call sign and how long it has been on scene, on the map */
                label = g_strdup_printf (_("%s · on scene %s"), unit->call_sign, age);
              mark.label = g_ref_string_new (label);
            }
        }
      if (mark.label == NULL)
        mark.label = marks != NULL || view->zoom >= LABEL_MIN_ZOOM ? g_ref_string_acquire (unit->call_sign) : NULL;
      /* Only trails the worker draws: none in a crowded tile (layout_trails()),
       * at 50,000 units most of the copy prepare() made. */
      if (scene->trails && (tile_of == NULL || (tile_of[i] >= 0 && tile_units[tile_of[i]] <= TRAIL_CROWD)) &&
          unit->trail_length > 0)
        {
          mark.trail_length = unit->trail_length;
          mark.trail_first = scene->trail_points->len / 2;
          for (guint t = 0; t < unit->trail_length; t++)
            {
              /* Longitude first, as the mark's own position. */
              g_array_append_val (scene->trail_points, unit->trail[t][1]);
              g_array_append_val (scene->trail_points, unit->trail[t][0]);
            }
        }
      g_array_append_val (scene->marks, mark);
    }

  return scene;
}

/* How old the fixes are when a person can see them: from the fix (the
 * tracker's clock, the same machine's in the benchmark) to the end of the
 * frame that first shows them. bench/board-latency.sh reads these lines. */
static void
after_paint_cb (GdkFrameClock  *clock,
                DozorUnitLayer *self)
{
  gint64 now = g_get_real_time ();

  if (self->shown_oldest_new > 0)
    g_debug ("Fix latency: newest %.1f ms, oldest new %.1f ms", (now - self->shown_newest) / 1000.0,
             (now - self->shown_oldest_new) / 1000.0);
  g_clear_signal_handler (&self->after_paint_id, clock);
}

static void
scene_shown (DozorRasterLayer *layer,
             gpointer          data)
{
  DozorUnitLayer *self = DOZOR_UNIT_LAYER (layer);
  Scene *scene = data;
  guint n_drawn = scene != NULL ? scene->n_drawn : 0;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  /* Tests wait for this line; keep its wording stable. */
  if (self->n_drawn != n_drawn)
    g_debug ("Units drawn: %u", n_drawn);
  self->n_drawn = n_drawn;
  if (scene != NULL && self->n_long != scene->n_long)
    g_debug ("Units marked long on scene: %u", scene->n_long);
  self->n_long = scene != NULL ? scene->n_long : 0;
  if (scene != NULL && self->n_labels != scene->n_labels)
    g_debug ("Call signs drawn: %u", scene->n_labels);
  self->n_labels = scene != NULL ? scene->n_labels : 0;
  if (scene != NULL && scene->groups && (self->n_groups != scene->n_groups || self->n_grouped != scene->n_grouped))
    g_debug ("Unit groups drawn: %u, of %u units", scene->n_groups, scene->n_grouped);
  /* Tests wait for this line too. */
  if (scene != NULL && scene->crowds && (self->n_groups != scene->n_groups || self->n_grouped != scene->n_grouped))
    g_debug ("Unit crowds drawn: %u, of %u units", scene->n_groups, scene->n_grouped);
  self->n_groups = scene != NULL ? scene->n_groups : 0;
  /* Where the groups' discs are, in the window: tests check that no two
   * overlap. Logged when it changes. */
  if (scene != NULL && scene->group_discs != NULL && g_strcmp0 (self->group_discs, scene->group_discs->str) != 0)
    {
      g_debug ("Unit group discs in %s", scene->group_discs->str);
      g_free (self->group_discs);
      self->group_discs = g_strdup (scene->group_discs->str);
    }
  self->n_grouped = scene != NULL ? scene->n_grouped : 0;

  if (scene == NULL)
    return;
  if (self->contrast_shown != scene->contrast)
    g_debug ("Map symbols for high contrast: %s", scene->contrast ? "yes" : "no");
  self->contrast_shown = scene->contrast;
  self->newest_fix = MAX (self->newest_fix, scene->newest_fix);
  self->shown_newest = scene->newest_fix;
  self->shown_oldest_new = scene->oldest_new;
  if (clock != NULL && self->after_paint_id == 0)
    self->after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), self);
}

static void
situation_changed (DozorRasterLayer *layer,
                   guint             what)
{
  DozorUnitLayer *self = DOZOR_UNIT_LAYER (layer);

  if (what & DOZOR_SITUATION_UNITS)
    dozor_raster_layer_queue_render (DOZOR_RASTER_LAYER (self));
  if (self->selected != NULL)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The selected unit: a bright ring where it is now, over the image. */
static void
dozor_unit_layer_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  DozorUnitLayer *self = DOZOR_UNIT_LAYER (widget);
  DozorUnit *unit;
  double x, y;

  GTK_WIDGET_CLASS (dozor_unit_layer_parent_class)->snapshot (widget, snapshot);

  if (self->selected == NULL || (unit = dozor_situation_get_unit (self->situation, self->selected)) == NULL ||
      !unit->has_fix)
    return;

  dozor_raster_layer_to_widget (DOZOR_RASTER_LAYER (self), unit->lat, unit->lon, &x, &y);
  {
    cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x - 16, y - 16, 32, 32));

    cairo_arc (cr, x, y, 11, 0, 2 * G_PI);
    dozor_raster_stroke_cased (cr, (const double[3]) { 0.35, 0.75, 1.0 }, 5, 3);
    cairo_destroy (cr);
  }
}

static void
dozor_unit_layer_constructed (GObject *object)
{
  DozorUnitLayer *self = DOZOR_UNIT_LAYER (object);

  G_OBJECT_CLASS (dozor_unit_layer_parent_class)->constructed (object);

  self->situation = dozor_raster_layer_get_situation (DOZOR_RASTER_LAYER (self));
  dozor_raster_layer_set_refresh_seconds (DOZOR_RASTER_LAYER (self), REFRESH_SECONDS);
  /* The symbols' look is in the tile key: a render redraws every tile. */
  g_signal_connect_object (adw_style_manager_get_default (), "notify::high-contrast",
                           G_CALLBACK (dozor_raster_layer_queue_render), self, G_CONNECT_SWAPPED);
}

static void
dozor_unit_layer_dispose (GObject *object)
{
  DozorUnitLayer *self = DOZOR_UNIT_LAYER (object);

  if (self->after_paint_id != 0)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

      if (clock != NULL)
        g_clear_signal_handler (&self->after_paint_id, clock);
      self->after_paint_id = 0;
    }
  g_clear_pointer (&self->selected, g_free);
  g_clear_pointer (&self->group_discs, g_free);
  g_clear_pointer (&self->long_on_scene, g_hash_table_unref);
  g_clear_pointer (&self->copies, g_array_unref);
  g_clear_pointer (&self->ids, g_ptr_array_unref);

  G_OBJECT_CLASS (dozor_unit_layer_parent_class)->dispose (object);
}

static void
dozor_unit_layer_finalize (GObject *object)
{
  DozorUnitLayer *self = DOZOR_UNIT_LAYER (object);

  sprite_shelf_unref (self->shelf);

  G_OBJECT_CLASS (dozor_unit_layer_parent_class)->finalize (object);
}

static void
dozor_unit_layer_class_init (DozorUnitLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DozorRasterLayerClass *raster_class = DOZOR_RASTER_LAYER_CLASS (klass);

  object_class->constructed = dozor_unit_layer_constructed;
  object_class->dispose = dozor_unit_layer_dispose;
  object_class->finalize = dozor_unit_layer_finalize;
  widget_class->snapshot = dozor_unit_layer_snapshot;
  raster_class->prepare = prepare_scene;
  raster_class->draw = draw_scene;
  raster_class->layout = layout_scene;
  raster_class->tile_key = tile_key;
  raster_class->tile_changes = tile_changes;
  raster_class->free_scene = (GDestroyNotify) scene_free;
  raster_class->situation_changed = situation_changed;
  raster_class->render_priority = G_PRIORITY_HIGH;
  raster_class->shown = scene_shown;

}

static void
dozor_unit_layer_init (DozorUnitLayer *self)
{
  self->contrast_shown = -1;
  self->shelf = sprite_shelf_new ();
}

/**
 * dozor_unit_layer_new:
 * @viewport: the map's viewport
 * @situation: the units to draw
 *
 * Returns: (transfer full): the layer, to add to a #ShumateMap
 */
DozorUnitLayer *
dozor_unit_layer_new (ShumateViewport *viewport,
                      DozorSituation  *situation)
{
  return g_object_new (DOZOR_TYPE_UNIT_LAYER, "viewport", viewport, "situation", situation, NULL);
}

/**
 * dozor_unit_layer_get_n_drawn:
 * @self: a #DozorUnitLayer
 *
 * Returns: how many units the image on screen shows
 */
guint
dozor_unit_layer_get_n_drawn (DozorUnitLayer *self)
{
  return self->n_drawn;
}

/**
 * dozor_unit_layer_pick:
 * @self: a #DozorUnitLayer
 * @x: a point in the layer
 * @y: a point in the layer
 *
 * Returns: (transfer full) (nullable): the id of the unit drawn there
 */
char *
dozor_unit_layer_pick (DozorUnitLayer *self,
                       double          x,
                       double          y)
{
  Scene *scene;
  guint item;

  if (!dozor_raster_layer_pick (DOZOR_RASTER_LAYER (self), x, y, PICK_SLOP, (gpointer *) &scene, &item) ||
      item >= scene->marks->len)
    return NULL;
  return g_strdup (scene->ids->pdata[g_array_index (scene->marks, Mark, item).unit]);
}

/**
 * dozor_unit_layer_set_selected:
 * @self: a #DozorUnitLayer
 * @unit_id: (nullable): the unit to mark as selected
 */
void
dozor_unit_layer_set_selected (DozorUnitLayer *self,
                               const char     *unit_id)
{
  if (g_strcmp0 (self->selected, unit_id) == 0)
    return;
  g_free (self->selected);
  self->selected = g_strdup (unit_id);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}


/**
 * dozor_unit_layer_set_long_on_scene:
 * @self: a #DozorUnitLayer
 * @unit_ids: (nullable): the ids of units on scene too long, as keys
 *
 * On a desk: these are ringed and labelled with how long they have been
 * there, at any zoom.
 */
void
dozor_unit_layer_set_long_on_scene (DozorUnitLayer *self,
                                    GHashTable     *unit_ids)
{
  g_return_if_fail (DOZOR_IS_UNIT_LAYER (self));

  dozor_raster_layer_replace_ids (DOZOR_RASTER_LAYER (self), &self->long_on_scene, unit_ids);
}

/**
 * dozor_unit_layer_set_trails:
 * @self: a #DozorUnitLayer
 * @shown: whether to draw the units' trails (from zoom 13)
 */
void
dozor_unit_layer_set_trails (DozorUnitLayer *self,
                             gboolean        shown)
{
  g_return_if_fail (DOZOR_IS_UNIT_LAYER (self));

  if (self->hide_trails == !shown)
    return;
  self->hide_trails = !shown;
  g_debug ("Trails shown: %s", shown ? "on" : "off");
  dozor_raster_layer_queue_render (DOZOR_RASTER_LAYER (self));
}
