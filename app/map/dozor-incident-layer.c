/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Open incidents and the lines from each dispatched unit to its incident,
 * rasterised into the unit layer's tiles (DozorRasterLayer). An incident is a diamond in
 * its priority's colour with the priority in it; one nobody has been sent
 * to yet (status "new") wears a white halo, so it stands out from those
 * being handled. From zoom 14 the duty log number and the type are written
 * beside it. On a wall every incident is labelled at any zoom with its
 * type, priority and how long it has waited ("Robbery · P1 · 12 min"), and
 * one that has waited longer than its priority allows wears a magenta
 * outline and says LATE: the word for whoever cannot tell the colour.
 * On a desk the same outline, and the word OVERDUE, mark an incident
 * waiting unassigned too long (the escalation controller says which).
 *
 * Incidents are drawn over the units (dozor_raster_layer_draw_over()): a
 * unit on scene stands on its incident's diamond and would hide the
 * priority. The dispatch lines stay beneath the units (draw_under).
 *
 * Drawn over the tiles, as a few small nodes: the selected incident, the
 * one a dragged unit would be dropped on, and dispatches the supervisor has
 * asked for that the backend has not confirmed yet (dashed, "pending").
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "dozor-geo.h"
#include "dozor-json.h"
#include "dozor-incident-layer.h"
#include "dozor-labels.h"
#include "dozor-sprite.h"
#include "dozor-unit-layer.h"

#define LABEL_MIN_ZOOM 14
#define SIZE DOZOR_INCIDENT_SYMBOL_SIZE
#define PICK_SLOP 5.0
/* How far right of its diamond an incident's label may run, pixels. */
#define LABEL_REACH 400.0
#define DESK_LABEL_SIZE DOZOR_RASTER_DESK_LABEL_SIZE
/* Folded into a late incident's tile key: its outline changes the tiles. */
#define LATE_KEY G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)

typedef struct
{
  double wx, wy;
  gint64 priority;
  gboolean fresh;     /* nobody dispatched yet */
  gboolean late;      /* late on a wall, overdue on a desk: outlined */
  gint64 created;     /* registered, Unix µs: the longest waiting labelled first */
  char *label;        /* number and type at close zoom; a wall's at any */
  double label_dx;    /* its left end and baseline from the centre, from layout() */
  double label_dy;
} Mark;

typedef struct
{
  double ux, uy;      /* unit, world */
  double ix, iy;      /* incident, world */
  gboolean on_scene;
} Line;

typedef struct
{
  GArray *marks;
  GArray *lines;
  GPtrArray *ids;
  guint n_drawn;
  guint n_late;        /* marked late on a wall, overdue on a desk */
  guint n_unlabelled;  /* a wall's labels left out for want of room */
  guint n_moved_in;    /* labels put elsewhere than right of their diamond */
  gboolean desk;
  double label_size;   /* the labels' font size, pixels */
  gboolean contrast;   /* high contrast, as the desktop asked when prepared */
  DozorTileKeys keys;  /* from layout(), in the worker */
  GArray *order;       /* from layout(): the marks' indices, least urgent first */
  /* In the worker, on demand: each look of a symbol drawn once, then
   * copied where it stands. Every tile a batch of fixes redraws draws
   * the incidents in it again over the units, and a diamond's strokes and
   * digit cost cairo tens of microseconds where a copy costs one. */
  DozorSprite *sprites[5][2][2]; /* [priority][fresh][late] */
  double sprite_scale;
} Scene;

struct _DozorIncidentLayer
{
  DozorRasterLayer parent_instance;

  DozorSituation *situation;  /* the base class's */
  char *selected;
  char *target;
  GHashTable *pending; /* unit id → incident id */
  double draft_lat;    /* a scene being registered, NAN if none */
  double draft_lon;
  guint n_drawn;
  guint n_unlabelled;
  guint n_lines;
  guint n_late;
  GHashTable *overdue; /* incident id → itself, on a desk */
  gboolean hide_lines;  /* the desk's Layers */
};

G_DEFINE_FINAL_TYPE (DozorIncidentLayer, dozor_incident_layer, DOZOR_TYPE_RASTER_LAYER)

/* Priority 1 (immediate) to 4 (low). */
static const double priority_fill[5][3] = {
  { 0.60, 0.60, 0.60 },
  { 0.93, 0.16, 0.22 },
  { 1.00, 0.55, 0.10 },
  { 0.98, 0.85, 0.25 },
  { 0.55, 0.70, 0.85 },
};

static void
mark_clear (Mark *mark)
{
  g_clear_pointer (&mark->label, g_free);
}

static void
clear_sprites (Scene *scene)
{
  for (guint p = 0; p < 5; p++)
    for (guint f = 0; f < 2; f++)
      for (guint l = 0; l < 2; l++)
        g_clear_pointer (&scene->sprites[p][f][l], dozor_sprite_free);
}

static void
scene_free (Scene *scene)
{
  clear_sprites (scene);
  g_clear_pointer (&scene->order, g_array_unref);
  g_array_unref (scene->marks);
  g_array_unref (scene->lines);
  g_ptr_array_unref (scene->ids);
  dozor_tile_keys_clear (&scene->keys);
  g_free (scene);
}

static void
diamond (cairo_t *cr,
         double   x,
         double   y,
         double   r)
{
  cairo_move_to (cr, x, y - r);
  cairo_line_to (cr, x + r, y);
  cairo_line_to (cr, x, y + r);
  cairo_line_to (cr, x - r, y);
  cairo_close_path (cr);
}

/* The diamond, its halo or outline and its digit; the label apart. */
static void
draw_symbol (cairo_t    *cr,
             const Mark *mark,
             double      x,
             double      y,
             double      label_size,
             gboolean    contrast)
{
  /* A wall's symbols grow with its labels. */
  double k = label_size / DESK_LABEL_SIZE, size = SIZE * k;
  const double *fill = priority_fill[CLAMP (mark->priority, 0, 4)];
  g_autofree char *digit = g_strdup_printf ("%d", (int) CLAMP (mark->priority, 0, 9));
  cairo_text_extents_t extents;

  if (mark->late)
    {
      diamond (cr, x, y, size + 9 * k);
      dozor_raster_stroke_wall_mark (cr, k);
    }

  if (mark->fresh)
    {
      diamond (cr, x, y, size + 5);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
      cairo_set_line_width (cr, 2.5);
      cairo_stroke (cr);
    }

  /* High contrast: a white rim outside a black border twice as thick, both
   * outside the colour, so the digit inside (the priority, never told by
   * the colour alone) keeps all its room. */
  if (contrast)
    {
      diamond (cr, x, y, size + 3.5);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
      diamond (cr, x, y, size + 2.5);
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_fill (cr);
      diamond (cr, x, y, size);
      cairo_set_source_rgb (cr, fill[0], fill[1], fill[2]);
      cairo_fill (cr);
    }
  else
    {
      diamond (cr, x, y, size);
      cairo_set_source_rgb (cr, fill[0], fill[1], fill[2]);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.95);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }

  cairo_set_font_size (cr, 10 * k);
  cairo_text_extents (cr, digit, &extents);
  cairo_move_to (cr, x - extents.x_bearing - extents.width / 2, y - extents.y_bearing - extents.height / 2);
  cairo_set_source_rgb (cr, 0.05, 0.05, 0.06);
  cairo_show_text (cr, digit);
}

static void
draw_label (cairo_t    *cr,
            const Mark *mark,
            double      x,
            double      y,
            double      label_size)
{
  double k = label_size / DESK_LABEL_SIZE;

  cairo_set_font_size (cr, label_size);
  cairo_move_to (cr, x + mark->label_dx, y + mark->label_dy);
  cairo_text_path (cr, mark->label);
  cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.9);
  cairo_set_line_width (cr, 3 * k);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgb (cr, 1.0, 0.93, 0.80);
  cairo_fill (cr);
}

/* @mark's symbol as a sprite of @scene's, drawn the first time asked. */
static const DozorSprite *
symbol_sprite (Scene      *scene,
               const Mark *mark)
{
  guint priority = CLAMP (mark->priority, 0, 4);
  DozorSprite **slot = &scene->sprites[priority][mark->fresh ? 1 : 0][mark->late ? 1 : 0];

  if (*slot == NULL)
    {
      double k = scene->label_size / DESK_LABEL_SIZE;
      /* Room for what draw_symbol() puts around the diamond, miters
       * included: a high-contrast rim, the halo, a wall's outline. */
      double half = SIZE * k + 6;
      cairo_t *cr;

      if (mark->fresh)
        half = MAX (half, SIZE * k + 9);
      if (mark->late)
        half = MAX (half, (SIZE + 14) * k + 1);
      *slot = dozor_sprite_new (scene->sprite_scale, ceil (half), &cr);
      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
      draw_symbol (cr, mark, ceil (half), ceil (half), scene->label_size, scene->contrast);
      dozor_sprite_finish (*slot, cr);
    }
  return *slot;
}

/* A dispatch line along the current path, in the en-route orange: dashed
 * while the unit is on its way, solid once it is there. */
static void
paint_line (cairo_t  *cr,
            gboolean  on_scene)
{
  cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.6);
  cairo_set_line_width (cr, 4.5);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgba (cr, 1.0, 0.60, 0.15, 0.95);
  cairo_set_line_width (cr, 2.0);
  if (!on_scene)
    cairo_set_dash (cr, (double[]) { 7, 4 }, 2, 0);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
}

/* Dispatch lines under the units and the incidents: unit to scene. */
static void
draw_lines (gpointer               data,
            cairo_t               *cr,
            const DozorRasterView *view)
{
  Scene *scene = data;

  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint i = 0; i < scene->lines->len; i++)
    {
      const Line *line = &g_array_index (scene->lines, Line, i);
      double x0, y0, x1, y1;

      dozor_raster_view_project (view, line->ux, line->uy, &x0, &y0);
      dozor_raster_view_project (view, line->ix, line->iy, &x1, &y1);
      cairo_move_to (cr, x0, y0);
      cairo_line_to (cr, x1, y1);
      paint_line (cr, line->on_scene);
    }
}

static void
draw_scene (gpointer               data,
            cairo_t               *cr,
            const DozorRasterView *view,
            DozorPointIndex       *index)
{
  Scene *scene = data;
  double k = scene->label_size / DESK_LABEL_SIZE, scale = dozor_sprite_scale_of (cr);
  pixman_image_t *target;

  if (scene->order == NULL)
    return;
  if (scene->sprite_scale != scale)
    {
      clear_sprites (scene);
      scene->sprite_scale = scale;
    }
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  target = dozor_sprite_target_begin (cr);
  /* Most urgent last, on top. */
  for (guint n = 0; n < scene->order->len; n++)
    {
      guint i = g_array_index (scene->order, guint, n);
      const Mark *mark = &g_array_index (scene->marks, Mark, i);
      double x, y;

      dozor_raster_view_project (view, mark->wx, mark->wy, &x, &y);
      /* A label may cross into this tile from one beside it, or from
       * above or below when a wall's labels are taller than a symbol. */
      if (x < -(mark->label != NULL ? LABEL_REACH * k : SIZE * 2 * k) || y < -MAX (SIZE * 2, 16) * k ||
          x > view->width + (mark->label != NULL ? LABEL_REACH * k : SIZE * 2 * k) ||
          y > view->height + MAX (SIZE * 2, 16) * k)
        continue;
      dozor_sprite_paint (symbol_sprite (scene, mark), cr, target, x, y);
      if (mark->label != NULL)
        draw_label (cr, mark, x, y, scene->label_size);
      dozor_point_index_add (index, x, y, SIZE * k + 2, i);
    }
  dozor_sprite_target_end (cr, target);
}

/* Drawn from priority 4 down to 0, each in the situation's order, as
 * they always were: 1, the most urgent, over 2 to 4. */
static int
compare_priority_drawn (gconstpointer a,
                        gconstpointer b,
                        gpointer      user_data)
{
  const Mark *marks = user_data;
  gint64 x = CLAMP (marks[*(const guint *) a].priority, 0, 4), y = CLAMP (marks[*(const guint *) b].priority, 0, 4);

  if (x != y)
    return x > y ? -1 : 1;
  return *(const guint *) a < *(const guint *) b ? -1 : *(const guint *) a > *(const guint *) b;
}

/* How many incidents the tiles of the region show, and what each tile
 * shows, so that a unit moving along its dispatch line redraws the tiles
 * of that line, not all. */
/* The more urgent first: late, then by priority, then the longest waiting. */
static int
compare_urgency (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  const Mark *marks = user_data;
  const Mark *x = &marks[*(const guint *) a], *y = &marks[*(const guint *) b];

  if (x->late != y->late)
    return x->late ? -1 : 1;
  if (x->priority != y->priority)
    return x->priority < y->priority ? -1 : 1;
  return (x->created > y->created) - (x->created < y->created);
}

static gboolean
overlaps (const graphene_rect_t *rect,
          const GArray          *taken)
{
  for (guint i = 0; i < taken->len; i++)
    if (graphene_rect_intersection (rect, &g_array_index (taken, graphene_rect_t, i), NULL))
      return TRUE;
  return FALSE;
}

/* A wall labels every incident at any zoom, so a busy district's labels
 * would lie on one another and none could be read (the guide's wall
 * picture showed it). Each label is kept only where it covers no other
 * label and no other incident's symbol, the most urgent placed first; a
 * label left out leaves its symbol, its priority digit and its outline. */
static void
declutter_labels (Scene                 *scene,
                  const DozorRasterView *region)
{
  double k = scene->label_size / DESK_LABEL_SIZE, size = SIZE * k;
  g_autoptr(GArray) order = g_array_sized_new (FALSE, FALSE, sizeof (guint), scene->marks->len);
  g_autoptr(GArray) symbols = g_array_sized_new (FALSE, FALSE, sizeof (graphene_rect_t), scene->marks->len);
  g_autoptr(GArray) labels = g_array_new (FALSE, FALSE, sizeof (graphene_rect_t));
  cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (scratch);

  cairo_set_font_size (cr, scene->label_size);
  scene->n_unlabelled = 0;
  for (guint i = 0; i < scene->marks->len; i++)
    {
      const Mark *mark = &g_array_index (scene->marks, Mark, i);
      graphene_rect_t symbol;
      double x, y;

      dozor_raster_view_project (region, mark->wx, mark->wy, &x, &y);
      graphene_rect_init (&symbol, x - size, y - size, 2 * size, 2 * size);
      g_array_append_val (symbols, symbol);
      g_array_append_val (order, i);
    }
  g_array_sort_with_data (order, compare_urgency, scene->marks->data);

  for (guint n = 0; n < order->len; n++)
    {
      guint i = g_array_index (order, guint, n);
      Mark *mark = &g_array_index (scene->marks, Mark, i);
      const graphene_rect_t *own = &g_array_index (symbols, graphene_rect_t, i);
      cairo_text_extents_t extents;
      graphene_rect_t label;
      gboolean room = TRUE;

      if (mark->label == NULL)
        continue;
      cairo_text_extents (cr, mark->label, &extents);
      /* Where place_labels() put it, beside the diamond. */
      graphene_rect_init (&label, own->origin.x + size + mark->label_dx,
                          own->origin.y + size + mark->label_dy - 0.8 * scene->label_size, extents.x_advance,
                          1.05 * scene->label_size);
      for (guint j = 0; j < symbols->len && room; j++)
        room = j == i || !graphene_rect_intersection (&label, &g_array_index (symbols, graphene_rect_t, j), NULL);
      if (room && !overlaps (&label, labels))
        g_array_append_val (labels, label);
      else
        {
          g_clear_pointer (&mark->label, g_free);
          scene->n_unlabelled++;
        }
    }
  cairo_destroy (cr);
  cairo_surface_destroy (scratch);
}

/* Each label beside its diamond and wholly inside the window: right of
 * it, else left, else shifted in (dozor_raster_view_fit_label()). */
static void
place_labels (Scene                 *scene,
              const DozorRasterView *region)
{
  double k = scene->label_size / DESK_LABEL_SIZE, size = SIZE * k, outline = 1.5 * k;
  cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (scratch);

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, scene->label_size);
  scene->n_moved_in = 0;
  for (guint i = 0; i < scene->marks->len; i++)
    {
      Mark *mark = &g_array_index (scene->marks, Mark, i);
      cairo_text_extents_t extents;
      double x, y, left, baseline, right;

      mark->label_dx = size + 5;
      mark->label_dy = 4 * k;
      if (mark->label == NULL)
        continue;
      dozor_raster_view_project (region, mark->wx, mark->wy, &x, &y);
      cairo_text_extents (cr, mark->label, &extents);
      baseline = y + mark->label_dy;
      right = MAX (extents.x_advance, extents.x_bearing + extents.width) + outline;
      if (!dozor_raster_view_fit_label (region, x, y, size + 5, right, -extents.y_bearing + outline,
                                        extents.height + extents.y_bearing + outline, &left, &baseline))
        continue;
      mark->label_dx = left - x;
      mark->label_dy = baseline - y;
      scene->n_moved_in++;
      /* For the administrator and the tests: the label's rectangle in
       * the window's pixels. */
      g_debug ("Incident label %s kept inside the window: %.0f,%.0f to %.0f,%.0f in %.0fx%.0f", mark->label,
               left - region->visible_x0, baseline + extents.y_bearing - outline - region->visible_y0,
               left + right - region->visible_x0, baseline + extents.height + extents.y_bearing + outline - region->visible_y0,
               region->visible_x1 - region->visible_x0, region->visible_y1 - region->visible_y0);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (scratch);
}

static void
layout_scene (gpointer               data,
              const DozorRasterView *region)
{
  Scene *scene = data;
  double k = scene->label_size / DESK_LABEL_SIZE;

  place_labels (scene, region);
  if (!scene->desk)
    declutter_labels (scene, region);
  if (scene->order == NULL)
    {
      scene->order = g_array_sized_new (FALSE, FALSE, sizeof (guint), scene->marks->len);
      for (guint i = 0; i < scene->marks->len; i++)
        g_array_append_val (scene->order, i);
      g_array_sort_with_data (scene->order, compare_priority_drawn, scene->marks->data);
    }
  dozor_tile_keys_init (&scene->keys, region);
  scene->n_drawn = 0;
  for (guint i = 0; i < scene->lines->len; i++)
    {
      const Line *line = &g_array_index (scene->lines, Line, i);
      double x0, y0, x1, y1;

      dozor_raster_view_project (region, line->ux, line->uy, &x0, &y0);
      dozor_raster_view_project (region, line->ix, line->iy, &x1, &y1);
      dozor_tile_keys_add (&scene->keys, MIN (x0, x1) - 3, MIN (y0, y1) - 3, MAX (x0, x1) + 3, MAX (y0, y1) + 3,
                           dozor_raster_key_mix (dozor_raster_key_mix (lround (x0 * 4), lround (y0 * 4)),
                                                 dozor_raster_key_mix (lround (x1 * 4), lround (y1 * 4)) + line->on_scene));
    }
  for (guint i = 0; i < scene->marks->len; i++)
    {
      const Mark *mark = &g_array_index (scene->marks, Mark, i);
      double x, y;

      dozor_raster_view_project (region, mark->wx, mark->wy, &x, &y);
      if (x >= -SIZE * k && y >= -SIZE * k && x <= region->width + SIZE * k && y <= region->height + SIZE * k)
        scene->n_drawn++;
      /* A label runs to the right, or the left at the window's edge: as
       * far as a long number and type go, and above and below the
       * symbol when it is a wall's. */
      dozor_tile_keys_add (&scene->keys, x - (mark->label != NULL ? LABEL_REACH : SIZE + 8) * k,
                           y - MAX (SIZE + 8, 16) * k, x + (mark->label != NULL ? LABEL_REACH : SIZE + 8) * k,
                           y + MAX (SIZE + 8, 16) * k,
                           dozor_raster_key_mix (dozor_raster_key_mix (lround (x * 4), lround (y * 4)),
                                                 (guint64) mark->priority << 1 | mark->fresh |
                                                   (guint64) lround (scene->label_size * 16) << 4) ^
                             (mark->label != NULL ? g_str_hash (mark->label) ^
                                                      dozor_raster_key_mix (lround (mark->label_dx * 4),
                                                                            lround (mark->label_dy * 4)) : 0) ^
                             g_str_hash (scene->ids->pdata[i]) ^
                             (mark->late ? LATE_KEY : 0));
    }
}

static guint64
tile_key (gpointer               data,
          const DozorRasterView *tile,
          gboolean              *complete)
{
  Scene *scene = data;

  return dozor_raster_key_mix (dozor_tile_keys_get (&scene->keys, tile), scene->contrast);
}

/* "LATE Robbery · P1 · 12 min": what the room reads from afar. The age
 * is in the label, so a label that says another minute changes the key
 * of its tiles and they are drawn again. */
/**
 * dozor_incident_layer_wall_label:
 * @incident: an open incident
 * @marks: the wall's rule
 * @now: Unix microseconds
 * @late: (out): whether it is late
 *
 * Also for the unit layer, whose call signs give way to these labels.
 *
 * Returns: (transfer full): its label on a wall's map
 */
char *
dozor_incident_layer_wall_label (JsonObject           *incident,
                                 const DozorWallMarks *marks,
                                 gint64                now,
                                 gboolean             *late)
{
  gint64 created = dozor_json_get_time (incident, "created_at");
  const char *status = json_object_get_string_member_with_default (incident, "status", "");
  gint64 priority = json_object_get_int_member_with_default (incident, "priority", 0);
  g_autofree char *age = NULL;
  gint64 waited;

  if (created == 0)
    {
      *late = FALSE;
      /* TRANSLATORS: an incident's type and priority on a wall's map */
      return g_strdup_printf (_("%s · P%d"),
                              dozor_incident_type_label (json_object_get_string_member_with_default (incident, "type", NULL)),
                              (int) priority);
    }
  waited = now - created;
  /* Late: no unit on scene yet, the wall's measure of the shared rule. */
  *late = dozor_escalation_incident_late (marks, priority, status, created, now);
  age = dozor_format_age (waited);
  /* TRANSLATORS: "LATE " or nothing, an incident's type, its priority and
   * how long it has waited, on a wall's map */
  return g_strdup_printf (_("%s%s · P%d · %s"), *late ? _("LATE ") : "",
                          dozor_incident_type_label (json_object_get_string_member_with_default (incident, "type", NULL)),
                          (int) priority, age);
}

static gpointer
prepare_scene (DozorRasterLayer      *layer,
               const DozorRasterView *view)
{
  DozorIncidentLayer *self = DOZOR_INCIDENT_LAYER (layer);
  const DozorWallMarks *marks = dozor_raster_layer_get_wall_marks (layer);
  GHashTableIter iter;
  JsonNode *node;
  Scene *scene;

  /* Gone through where they are kept: a list of them, made and freed by
   * every render while units move, was most of this. */
  if (!dozor_situation_iter_entities (self->situation, "incident", &iter))
    return NULL;

  scene = g_new0 (Scene, 1);
  scene->marks = g_array_new (FALSE, FALSE, sizeof (Mark));
  g_array_set_clear_func (scene->marks, (GDestroyNotify) mark_clear);
  scene->lines = g_array_new (FALSE, FALSE, sizeof (Line));
  scene->ids = g_ptr_array_new_with_free_func (g_free);
  scene->label_size = dozor_raster_layer_get_label_size (layer);
  scene->contrast = dozor_unit_layer_get_high_contrast ();

  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    {
      JsonObject *incident = json_node_get_object (node);
      const char *status = json_object_get_string_member_with_default (incident, "status", "");
      Mark mark = { 0, };
      double lat, lon;

      if (!dozor_incident_get_location (incident, &lat, &lon))
        continue;
      dozor_geo_lon_lat_to_world (lon, lat, &mark.wx, &mark.wy);
      mark.priority = json_object_get_int_member_with_default (incident, "priority", 0);
      mark.fresh = g_str_equal (status, "new");
      if (marks != NULL)
        {
          mark.label = dozor_incident_layer_wall_label (incident, marks,
                                                        view->now > 0 ? view->now
                                                                      : dozor_situation_get_now (self->situation),
                                                        &mark.late);
          mark.created = dozor_json_get_time (incident, "created_at");
          scene->n_late += mark.late;
        }
      else
        {
          /* On a desk: overdue as the controller says, the word at any zoom. */
          mark.late = self->overdue != NULL &&
                      g_hash_table_contains (self->overdue, json_object_get_string_member_with_default (incident, "id", ""));
          scene->n_late += mark.late;
          scene->desk = TRUE;
          if (view->zoom >= LABEL_MIN_ZOOM)
            /* Translators: "OVERDUE " or nothing, then an incident's number and type on the map */
            mark.label = g_strdup_printf (_("%s%s %s"), mark.late ? _("OVERDUE ") : "",
                                          json_object_get_string_member_with_default (incident, "number", ""),
                                          dozor_incident_type_label (json_object_get_string_member_with_default (incident, "type", NULL)));
          else if (mark.late)
            mark.label = g_strdup (_("OVERDUE"));
        }
      g_array_append_val (scene->marks, mark);
      g_ptr_array_add (scene->ids, g_strdup (json_object_get_string_member_with_default (incident, "id", "")));
    }

  if (self->hide_lines || !dozor_situation_iter_entities (self->situation, "dispatch", &iter))
    return scene;
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    {
      JsonObject *dispatch = json_node_get_object (node);
      const char *unit_id = json_object_get_string_member_with_default (dispatch, "unit_id", "");
      const char *incident_id = json_object_get_string_member_with_default (dispatch, "incident_id", "");
      DozorUnit *unit = dozor_situation_get_unit (self->situation, unit_id);
      JsonObject *incident = dozor_situation_get_entity (self->situation, "incident", incident_id);
      Line line = { 0, };
      double lat, lon;

      if (unit == NULL || !unit->has_fix || incident == NULL || !dozor_incident_get_location (incident, &lat, &lon))
        continue;
      dozor_geo_lon_lat_to_world (unit->lon, unit->lat, &line.ux, &line.uy);
      dozor_geo_lon_lat_to_world (lon, lat, &line.ix, &line.iy);
      line.on_scene = g_strcmp0 (unit->status, "on_scene") == 0;
      g_array_append_val (scene->lines, line);
    }

  return scene;
}

static void
scene_shown (DozorRasterLayer *layer,
             gpointer          data)
{
  DozorIncidentLayer *self = DOZOR_INCIDENT_LAYER (layer);
  Scene *scene = data;
  guint n_drawn = scene != NULL ? scene->n_drawn : 0;
  guint n_lines = scene != NULL ? scene->lines->len : 0;

  /* Tests wait for these lines; keep their wording stable. */
  if (self->n_drawn != n_drawn)
    g_debug ("Incidents drawn: %u", n_drawn);
  if (self->n_lines != n_lines)
    g_debug ("Dispatch lines drawn: %u", n_lines);
  if (scene != NULL && !scene->desk && self->n_unlabelled != scene->n_unlabelled)
    g_debug ("Incident labels left out for want of room: %u", scene->n_unlabelled);
  self->n_unlabelled = scene != NULL ? scene->n_unlabelled : 0;
  self->n_drawn = n_drawn;
  self->n_lines = n_lines;
  if (self->n_late != (scene != NULL ? scene->n_late : 0))
    {
      if (scene != NULL && scene->desk)
        g_debug ("Incidents marked overdue: %u", scene->n_late);
      else
        g_debug ("Incidents marked late: %u", scene != NULL ? scene->n_late : 0);
    }
  self->n_late = scene != NULL ? scene->n_late : 0;
}

static void
situation_changed (DozorRasterLayer *layer,
                   guint             what)
{
  DozorIncidentLayer *self = DOZOR_INCIDENT_LAYER (layer);

  /* Dispatch lines follow their units. */
  if (what & DOZOR_SITUATION_INCIDENTS ||
      (what & DOZOR_SITUATION_UNITS && dozor_situation_get_n_entities (self->situation, "dispatch") > 0))
    dozor_raster_layer_queue_render (DOZOR_RASTER_LAYER (self));
  if (self->pending != NULL && g_hash_table_size (self->pending) > 0)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
incident_on_widget (DozorIncidentLayer *self,
                    const char         *id,
                    double             *x,
                    double             *y)
{
  JsonObject *incident = id != NULL ? dozor_situation_get_entity (self->situation, "incident", id) : NULL;
  double lat, lon;

  if (incident == NULL || !dozor_incident_get_location (incident, &lat, &lon))
    return FALSE;
  dozor_raster_layer_to_widget (DOZOR_RASTER_LAYER (self), lat, lon, x, y);
  return TRUE;
}

static void
ring (GtkSnapshot  *snapshot,
      double        x,
      double        y,
      double        radius,
      const double  rgb[3])
{
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x - radius - 4, y - radius - 4,
                                                                          2 * radius + 8, 2 * radius + 8));

  diamond (cr, x, y, radius);
  dozor_raster_stroke_cased (cr, rgb, 5, 3);
  cairo_destroy (cr);
}

static void
pending_line (DozorIncidentLayer *self,
              GtkSnapshot        *snapshot,
              const char         *unit_id,
              const char         *incident_id)
{
  DozorUnit *unit = dozor_situation_get_unit (self->situation, unit_id);
  double x0, y0, x1, y1;
  cairo_t *cr;

  if (unit == NULL || !unit->has_fix || !incident_on_widget (self, incident_id, &x1, &y1))
    return;
  dozor_raster_layer_to_widget (DOZOR_RASTER_LAYER (self), unit->lat, unit->lon, &x0, &y0);

  /* Room beside the line for its word. */
  cr = dozor_raster_snapshot_hint_line (snapshot, x0, y0, x1, y1, 60, 20,
                                        (const double[3]) { 0.35, 0.75, 1.0 }, (const double[2]) { 3, 5 });

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 11);
  cairo_move_to (cr, (x0 + x1) / 2 + 6, (y0 + y1) / 2 - 6);
  cairo_text_path (cr, _("pending"));
  cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.9);
  cairo_set_line_width (cr, 3);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgb (cr, 0.35, 0.75, 1.0);
  cairo_fill (cr);
  cairo_destroy (cr);
}

static void
dozor_incident_layer_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  DozorIncidentLayer *self = DOZOR_INCIDENT_LAYER (widget);
  static const double selected_rgb[3] = { 0.35, 0.75, 1.0 };
  static const double target_rgb[3] = { 1.0, 1.0, 1.0 };
  double x, y;

  GTK_WIDGET_CLASS (dozor_incident_layer_parent_class)->snapshot (widget, snapshot);

  if (self->pending != NULL)
    {
      GHashTableIter iter;
      gpointer unit_id, incident_id;

      g_hash_table_iter_init (&iter, self->pending);
      while (g_hash_table_iter_next (&iter, &unit_id, &incident_id))
        pending_line (self, snapshot, unit_id, incident_id);
    }

  if (incident_on_widget (self, self->selected, &x, &y))
    ring (snapshot, x, y, SIZE + 7, selected_rgb);

  /* The scene of a report being registered: cross hairs. */
  if (!isnan (self->draft_lat))
    {
      cairo_t *cr;

      dozor_raster_layer_to_widget (DOZOR_RASTER_LAYER (self), self->draft_lat, self->draft_lon, &x, &y);
      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x - 20, y - 20, 40, 40));
      for (int pass = 0; pass < 2; pass++)
        {
          cairo_move_to (cr, x - 16, y);
          cairo_line_to (cr, x - 5, y);
          cairo_move_to (cr, x + 5, y);
          cairo_line_to (cr, x + 16, y);
          cairo_move_to (cr, x, y - 16);
          cairo_line_to (cr, x, y - 5);
          cairo_move_to (cr, x, y + 5);
          cairo_line_to (cr, x, y + 16);
          cairo_arc (cr, x, y, 10, 0, 2 * G_PI);
          cairo_new_sub_path (cr);
          if (pass == 0)
            cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.9);
          else
            cairo_set_source_rgb (cr, 1.0, 0.93, 0.3);
          cairo_set_line_width (cr, pass == 0 ? 5 : 2.5);
          cairo_stroke (cr);
        }
      cairo_destroy (cr);
    }
  if (incident_on_widget (self, self->target, &x, &y))
    ring (snapshot, x, y, SIZE + 11, target_rgb);
}

static void
dozor_incident_layer_constructed (GObject *object)
{
  DozorIncidentLayer *self = DOZOR_INCIDENT_LAYER (object);

  G_OBJECT_CLASS (dozor_incident_layer_parent_class)->constructed (object);

  self->situation = dozor_raster_layer_get_situation (DOZOR_RASTER_LAYER (self));
}

static void
dozor_incident_layer_dispose (GObject *object)
{
  DozorIncidentLayer *self = DOZOR_INCIDENT_LAYER (object);

  g_clear_pointer (&self->selected, g_free);
  g_clear_pointer (&self->target, g_free);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->overdue, g_hash_table_unref);

  G_OBJECT_CLASS (dozor_incident_layer_parent_class)->dispose (object);
}

static void
dozor_incident_layer_class_init (DozorIncidentLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DozorRasterLayerClass *raster_class = DOZOR_RASTER_LAYER_CLASS (klass);

  object_class->constructed = dozor_incident_layer_constructed;
  object_class->dispose = dozor_incident_layer_dispose;
  widget_class->snapshot = dozor_incident_layer_snapshot;
  raster_class->prepare = prepare_scene;
  raster_class->draw = draw_scene;
  raster_class->draw_under = draw_lines;
  raster_class->layout = layout_scene;
  raster_class->tile_key = tile_key;
  raster_class->free_scene = (GDestroyNotify) scene_free;
  raster_class->situation_changed = situation_changed;
  raster_class->render_priority = G_PRIORITY_HIGH + 10;
  raster_class->shown = scene_shown;

}

static void
dozor_incident_layer_init (DozorIncidentLayer *self)
{
  self->draft_lat = self->draft_lon = NAN;
}

DozorIncidentLayer *
dozor_incident_layer_new (ShumateViewport *viewport,
                          DozorSituation  *situation)
{
  return g_object_new (DOZOR_TYPE_INCIDENT_LAYER, "viewport", viewport, "situation", situation, NULL);
}

/**
 * dozor_incident_layer_pick:
 * @self: a #DozorIncidentLayer
 * @x: a point in the layer
 * @y: a point in the layer
 *
 * Returns: (transfer full) (nullable): the id of the incident drawn there
 */
char *
dozor_incident_layer_pick (DozorIncidentLayer *self,
                           double              x,
                           double              y)
{
  Scene *scene;
  guint item;

  if (!dozor_raster_layer_pick (DOZOR_RASTER_LAYER (self), x, y, PICK_SLOP, (gpointer *) &scene, &item) ||
      item >= scene->ids->len)
    return NULL;
  return g_strdup (scene->ids->pdata[item]);
}

static void
set_id (DozorIncidentLayer *self,
        char              **field,
        const char         *id)
{
  if (g_strcmp0 (*field, id) == 0)
    return;
  g_free (*field);
  *field = g_strdup (id);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
dozor_incident_layer_set_selected (DozorIncidentLayer *self,
                                   const char         *incident_id)
{
  set_id (self, &self->selected, incident_id);
}

/**
 * dozor_incident_layer_set_target:
 * @self: a #DozorIncidentLayer
 * @incident_id: (nullable): the incident a dragged unit is over
 */
void
dozor_incident_layer_set_target (DozorIncidentLayer *self,
                                 const char         *incident_id)
{
  set_id (self, &self->target, incident_id);
}

/**
 * dozor_incident_layer_set_pending:
 * @self: a #DozorIncidentLayer
 * @unit_to_incident: (nullable): dispatches asked for and not yet confirmed
 */
void
dozor_incident_layer_set_pending (DozorIncidentLayer *self,
                                  GHashTable         *unit_to_incident)
{
  g_clear_pointer (&self->pending, g_hash_table_unref);
  if (unit_to_incident != NULL)
    self->pending = g_hash_table_ref (unit_to_incident);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
dozor_incident_layer_get_n_drawn (DozorIncidentLayer *self)
{
  return self->n_drawn;
}

/**
 * dozor_incident_layer_set_draft:
 * @self: a #DozorIncidentLayer
 * @lat: the scene of a report being registered, or NAN for none
 * @lon: its longitude
 */
void
dozor_incident_layer_set_draft (DozorIncidentLayer *self,
                                double              lat,
                                double              lon)
{
  self->draft_lat = lat;
  self->draft_lon = lon;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}


/**
 * dozor_incident_layer_set_overdue:
 * @self: a #DozorIncidentLayer
 * @overdue: (nullable): the ids of incidents overdue now, as keys
 */
void
dozor_incident_layer_set_overdue (DozorIncidentLayer *self,
                                  GHashTable         *overdue)
{
  g_return_if_fail (DOZOR_IS_INCIDENT_LAYER (self));

  dozor_raster_layer_replace_ids (DOZOR_RASTER_LAYER (self), &self->overdue, overdue);
}

/**
 * dozor_incident_layer_set_lines:
 * @self: a #DozorIncidentLayer
 * @shown: whether to draw a line from each dispatched unit to its incident
 */
void
dozor_incident_layer_set_lines (DozorIncidentLayer *self,
                                gboolean            shown)
{
  g_return_if_fail (DOZOR_IS_INCIDENT_LAYER (self));

  if (self->hide_lines == !shown)
    return;
  self->hide_lines = !shown;
  dozor_raster_layer_queue_render (DOZOR_RASTER_LAYER (self));
}

/**
 * dozor_incident_layer_draw_symbol:
 * @cr: where to draw
 * @priority: 1 (immediate) to 4 (low)
 * @fresh: whether nobody has been sent to it yet
 * @x: centre
 * @y: centre
 *
 * An incident's symbol as the map draws it at a desk, for the legend.
 */
void
dozor_incident_layer_draw_symbol (cairo_t  *cr,
                                  gint64    priority,
                                  gboolean  fresh,
                                  double    x,
                                  double    y)
{
  Mark mark = { .priority = priority, .fresh = fresh };

  cairo_save (cr);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  draw_symbol (cr, &mark, x, y, DESK_LABEL_SIZE, dozor_unit_layer_get_high_contrast ());
  cairo_restore (cr);
}

/**
 * dozor_incident_layer_draw_line:
 * @cr: where to draw
 * @on_scene: whether the unit has arrived
 * @x0: the unit's end
 * @y0: the unit's end
 * @x1: the incident's end
 * @y1: the incident's end
 *
 * A dispatch line as the map draws it, for the legend.
 */
void
dozor_incident_layer_draw_line (cairo_t  *cr,
                                gboolean  on_scene,
                                double    x0,
                                double    y0,
                                double    x1,
                                double    y1)
{
  cairo_save (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, x1, y1);
  paint_line (cr, on_scene);
  cairo_restore (cr);
}
