/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The posts of special operating plans (issue 15, item 3), rasterised into
 * the unit layer's tiles (DozorRasterLayer) above the incidents: every
 * post of an active plan, and those of the plan the desk has selected
 * while it is not active. A post's state is told three ways, so that a
 * colour-blind reader and a far seat both get it: its shape (a filled
 * square when covered, a triangle while units are on their way, a hollow
 * circle when uncovered, a dashed square when the plan is not active), its
 * colour, and the word left of it with the time that goes with it: when it
 * was covered, or when the next unit is expected; under it, the call signs
 * of the units the active plan sent there. An active plan's posts are
 * drawn whatever page the desk's sidebar shows, and on every wall. A
 * wall's labels are the wall's size (dozor_raster_layer_set_label_size()).
 *
 * Drawn over the tiles, as small nodes: a proposal being corrected (a
 * dashed line from each unit to the post it would go to), the post a
 * dragged unit would be dropped on, and a post being moved.
 *
 * The posts of one plan may be moved (dozor_post_layer_set_editable()):
 * a press on one drags it, and letting go says where ("post-moved"); the
 * command goes out from there.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "dozor-geo.h"
#include "dozor-plan.h"
#include "dozor-post-layer.h"

#define SIZE 9.0
#define PICK_SLOP 6.0
/* How far left of its symbol a post's label may run, pixels at a desk. */
#define LABEL_REACH 320.0
#define DESK_LABEL_SIZE DOZOR_RASTER_DESK_LABEL_SIZE
/* How far from a post a press still takes it, logical pixels. */
#define GRAB_SLOP 12.0

typedef struct
{
  double wx, wy;
  DozorPostState state;
  char *name;
  char *detail;      /* the state in words, with its time */
  char *units;       /* the call signs of the units sent there, or NULL */
} Mark;

typedef struct
{
  GArray *marks;
  GPtrArray *ids;     /* post ids */
  GPtrArray *plans;   /* their plans' ids */
  double label_size;
  guint counts[4];    /* by DozorPostState */
} Scene;

struct _DozorPostLayer
{
  DozorRasterLayer parent_instance;

  DozorSituation *situation;  /* the base class's */
  char *plan_id;              /* shown even while not active */
  GHashTable *proposal;       /* unit id → post id, or NULL */
  char *target;
  guint counts[4];
  char *named;                /* the posts and their units, as last logged */

  char *editable;             /* the plan whose posts may be moved */
  GtkWidget *pointer;         /* the widget the pointer acts on; not owned */
  char *moving;               /* the post being dragged */
  double move_x, move_y;      /* where the drag began, in the pointer's widget */
  double move_dx, move_dy;
};

enum
{
  POST_MOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DozorPostLayer, dozor_post_layer, DOZOR_TYPE_RASTER_LAYER)

/* Green, amber, red: the board's covered, on their way, missing; the
 * idle plan's posts a quiet blue. */
static const double state_rgb[4][3] = {
  [DOZOR_POST_IDLE] = { 0.55, 0.70, 0.90 },
  [DOZOR_POST_UNCOVERED] = { 0.93, 0.20, 0.22 },
  [DOZOR_POST_EN_ROUTE] = { 1.00, 0.70, 0.15 },
  [DOZOR_POST_COVERED] = { 0.30, 0.80, 0.35 },
};

static void
mark_clear (Mark *mark)
{
  g_clear_pointer (&mark->name, g_free);
  g_clear_pointer (&mark->detail, g_free);
  g_clear_pointer (&mark->units, g_free);
}

static void
scene_free (Scene *scene)
{
  g_array_unref (scene->marks);
  g_ptr_array_unref (scene->ids);
  g_ptr_array_unref (scene->plans);
  g_free (scene);
}

static void
symbol_path (cairo_t        *cr,
             DozorPostState  state,
             double          x,
             double          y,
             double          r)
{
  switch (state)
    {
    case DOZOR_POST_EN_ROUTE:
      cairo_move_to (cr, x, y - r * 1.15);
      cairo_line_to (cr, x + r * 1.1, y + r * 0.85);
      cairo_line_to (cr, x - r * 1.1, y + r * 0.85);
      cairo_close_path (cr);
      break;

    case DOZOR_POST_UNCOVERED:
      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      break;

    case DOZOR_POST_COVERED:
    case DOZOR_POST_IDLE:
    default:
      cairo_rectangle (cr, x - r, y - r, 2 * r, 2 * r);
      break;
    }
}

static void
draw_text (cairo_t      *cr,
           const char   *text,
           double        x,
           double        y,
           double        k,
           const double  rgb[3])
{
  cairo_move_to (cr, x, y);
  cairo_text_path (cr, text);
  cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.9);
  cairo_set_line_width (cr, 3 * k);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_fill (cr);
}

static void
draw_mark (cairo_t    *cr,
           const Mark *mark,
           double      x,
           double      y,
           double      label_size)
{
  /* A wall's symbols grow with its labels. */
  double k = label_size / DESK_LABEL_SIZE, r = SIZE * k;
  const double *rgb = state_rgb[mark->state];
  static const double name_rgb[3] = { 1.0, 1.0, 1.0 };
  cairo_text_extents_t extents;

  symbol_path (cr, mark->state, x, y, r);
  cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.95);
  cairo_set_line_width (cr, 5 * k);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  if (mark->state == DOZOR_POST_UNCOVERED)
    {
      /* Hollow: nobody is there. */
      cairo_set_line_width (cr, 3 * k);
      cairo_stroke (cr);
    }
  else if (mark->state == DOZOR_POST_IDLE)
    {
      cairo_set_line_width (cr, 2.5 * k);
      cairo_set_dash (cr, (double[]) { 4 * k, 3 * k }, 2, 0);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }
  else
    cairo_fill (cr);

  /* Left of the symbol, right-aligned: a unit on the post writes its call
   * sign to the right, and the two must not cover each other. */
  cairo_set_font_size (cr, label_size);
  cairo_text_extents (cr, mark->name, &extents);
  draw_text (cr, mark->name, x - r - 5 * k - extents.x_advance, y - 1 * k, k, name_rgb);
  cairo_text_extents (cr, mark->detail, &extents);
  draw_text (cr, mark->detail, x - r - 5 * k - extents.x_advance, y + label_size + 1 * k, k, rgb);
  if (mark->units != NULL)
    {
      cairo_text_extents (cr, mark->units, &extents);
      draw_text (cr, mark->units, x - r - 5 * k - extents.x_advance, y + 2 * label_size + 3 * k, k, name_rgb);
    }
}

static void
draw_scene (gpointer               data,
            cairo_t               *cr,
            const DozorRasterView *view,
            DozorPointIndex       *index)
{
  Scene *scene = data;
  double k = scene->label_size / DESK_LABEL_SIZE;

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  for (guint i = 0; i < scene->marks->len; i++)
    {
      const Mark *mark = &g_array_index (scene->marks, Mark, i);
      double x, y;

      dozor_raster_view_project (view, mark->wx, mark->wy, &x, &y);
      /* A label may cross into this tile from one to the right, above or below. */
      if (x < -SIZE * 2 * k || y < -(SIZE * 2 + scene->label_size * 3) * k ||
          x > view->width + LABEL_REACH * k || y > view->height + (SIZE * 2 + scene->label_size * 3) * k)
        continue;
      draw_mark (cr, mark, x, y, scene->label_size);
      dozor_point_index_add (index, x, y, SIZE * k + 2, i);
    }
}

/* "covered 10:08", "en route · 2/3 · ETA 10:07", "uncovered". */
static char *
describe (const DozorPlanPost *post)
{
  const char *word = dozor_post_state_label (post->state);

  if (post->state == DOZOR_POST_COVERED && post->covered_at != 0)
    {
      g_autofree char *at = dozor_format_clock (post->covered_at, FALSE);

      /* TRANSLATORS: a post's state ("covered") and since when, such as 10:08 */
      return g_strdup_printf (_("%s %s"), word, at);
    }
  if (post->state == DOZOR_POST_EN_ROUTE && post->eta_at != 0)
    {
      g_autofree char *at = dozor_format_clock (post->eta_at, FALSE);

      /* TRANSLATORS: a post's state ("en route"), the units arrived of
       * those it needs, and when the next is expected, such as 10:07 */
      return g_strdup_printf (_("%s · %u/%d · ETA %s"), word, post->arrived, post->units_needed, at);
    }
  if (post->state == DOZOR_POST_IDLE)
    /* TRANSLATORS: a post of a plan not active, and the units it needs */
    return g_strdup_printf (_("needs %d"), post->units_needed);
  return g_strdup (word);
}

/* "Беркут-1, Беркут-2": the units the plan sent to @post, or NULL. */
static char *
call_signs (DozorSituation      *situation,
            const DozorPlanPost *post)
{
  g_autoptr(GString) out = NULL;

  for (guint i = 0; post->unit_ids != NULL && i < post->unit_ids->len; i++)
    {
      DozorUnit *unit = dozor_situation_get_unit (situation, post->unit_ids->pdata[i]);
      const char *call_sign = unit != NULL ? unit->call_sign : NULL;

      if (out == NULL)
        out = g_string_new (NULL);
      else
        g_string_append (out, ", ");
      g_string_append (out, call_sign != NULL ? call_sign : "?");
    }
  return out != NULL ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

static void
add_plan (Scene          *scene,
          DozorSituation *situation,
          JsonObject     *plan)
{
  g_autoptr(GPtrArray) posts = dozor_plan_get_posts (plan);
  const char *plan_id = json_object_get_string_member_with_default (plan, "id", "");

  for (guint i = 0; i < posts->len; i++)
    {
      DozorPlanPost *post = posts->pdata[i];
      Mark mark = { 0, };

      dozor_geo_lon_lat_to_world (post->lon, post->lat, &mark.wx, &mark.wy);
      mark.state = post->state;
      mark.name = g_strdup (post->name);
      mark.detail = describe (post);
      mark.units = call_signs (situation, post);
      g_array_append_val (scene->marks, mark);
      g_ptr_array_add (scene->ids, g_strdup (post->id));
      g_ptr_array_add (scene->plans, g_strdup (plan_id));
      scene->counts[post->state]++;
    }
}

static gpointer
prepare_scene (DozorRasterLayer      *layer,
               const DozorRasterView *view)
{
  DozorPostLayer *self = DOZOR_POST_LAYER (layer);
  g_autoptr(GList) plans = dozor_situation_get_entities (self->situation, "plan");
  Scene *scene;

  if (plans == NULL)
    return NULL;

  scene = g_new0 (Scene, 1);
  scene->marks = g_array_new (FALSE, FALSE, sizeof (Mark));
  g_array_set_clear_func (scene->marks, (GDestroyNotify) mark_clear);
  scene->ids = g_ptr_array_new_with_free_func (g_free);
  scene->plans = g_ptr_array_new_with_free_func (g_free);
  scene->label_size = dozor_raster_layer_get_label_size (layer);

  for (GList *l = plans; l != NULL; l = l->next)
    {
      JsonObject *plan = json_node_get_object (l->data);

      if (dozor_plan_is_active (plan) ||
          g_strcmp0 (json_object_get_string_member_with_default (plan, "id", NULL), self->plan_id) == 0)
        add_plan (scene, self->situation, plan);
    }
  return scene;
}

/* Tests wait for this line: "Plan posts on the map: Север (Беркут-1);
 * Юг", in the order drawn, or "none". */
static void
log_named (DozorPostLayer *self,
           const Scene    *scene)
{
  g_autoptr(GString) named = g_string_new (NULL);

  for (guint i = 0; scene != NULL && i < scene->marks->len; i++)
    {
      const Mark *mark = &g_array_index (scene->marks, Mark, i);

      g_string_append_printf (named, "%s%s", i > 0 ? "; " : "", mark->name);
      if (mark->units != NULL)
        g_string_append_printf (named, " (%s)", mark->units);
    }
  if (named->len == 0)
    g_string_append (named, "none");
  if (g_strcmp0 (named->str, self->named) == 0)
    return;
  g_debug ("Plan posts on the map: %s", named->str);
  g_free (self->named);
  self->named = g_string_free (g_steal_pointer (&named), FALSE);
}

static void
scene_shown (DozorRasterLayer *layer,
             gpointer          data)
{
  DozorPostLayer *self = DOZOR_POST_LAYER (layer);
  Scene *scene = data;
  guint counts[4] = { 0, };

  if (scene != NULL)
    memcpy (counts, scene->counts, sizeof counts);
  /* Tests wait for this line; keep its wording stable. */
  if (memcmp (counts, self->counts, sizeof counts) != 0)
    g_debug ("Posts drawn: covered=%u en_route=%u uncovered=%u idle=%u", counts[DOZOR_POST_COVERED],
             counts[DOZOR_POST_EN_ROUTE], counts[DOZOR_POST_UNCOVERED], counts[DOZOR_POST_IDLE]);
  memcpy (self->counts, counts, sizeof counts);
  log_named (self, scene);
}

static void
situation_changed (DozorRasterLayer *layer,
                   guint             what)
{
  DozorPostLayer *self = DOZOR_POST_LAYER (layer);

  if (what & DOZOR_SITUATION_PLANS)
    dozor_raster_layer_queue_render (layer);
  /* A proposal's lines follow the units. */
  if (what & DOZOR_SITUATION_UNITS && self->proposal != NULL)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Where a post of the shown scene is in the widget now. */
static gboolean
post_on_widget (DozorPostLayer *self,
                const char     *post_id,
                double         *x,
                double         *y)
{
  Scene *scene = dozor_raster_layer_get_shown_scene (DOZOR_RASTER_LAYER (self));
  double lat, lon;

  if (scene == NULL || post_id == NULL)
    return FALSE;
  for (guint i = 0; i < scene->ids->len; i++)
    if (g_str_equal (scene->ids->pdata[i], post_id))
      {
        const Mark *mark = &g_array_index (scene->marks, Mark, i);

        dozor_geo_world_to_lon_lat (mark->wx, mark->wy, &lon, &lat);
        dozor_raster_layer_to_widget (DOZOR_RASTER_LAYER (self), lat, lon, x, y);
        return TRUE;
      }
  return FALSE;
}

static void
proposal_line (DozorPostLayer *self,
               GtkSnapshot    *snapshot,
               const char     *unit_id,
               const char     *post_id)
{
  DozorUnit *unit = dozor_situation_get_unit (self->situation, unit_id);
  double x0, y0, x1, y1;
  cairo_t *cr;

  if (unit == NULL || !unit->has_fix || !post_on_widget (self, post_id, &x1, &y1))
    return;
  dozor_raster_layer_to_widget (DOZOR_RASTER_LAYER (self), unit->lat, unit->lon, &x0, &y0);
  cr = dozor_raster_snapshot_hint_line (snapshot, x0, y0, x1, y1, 8, 8,
                                        (const double[3]) { 0.75, 0.55, 1.0 }, (const double[2]) { 6, 4 });
  cairo_destroy (cr);
}

static void
dozor_post_layer_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  DozorPostLayer *self = DOZOR_POST_LAYER (widget);
  double x, y;

  GTK_WIDGET_CLASS (dozor_post_layer_parent_class)->snapshot (widget, snapshot);

  if (self->proposal != NULL)
    {
      GHashTableIter iter;
      gpointer unit_id, post_id;

      g_hash_table_iter_init (&iter, self->proposal);
      while (g_hash_table_iter_next (&iter, &unit_id, &post_id))
        proposal_line (self, snapshot, unit_id, post_id);
    }

  if (self->moving != NULL && post_on_widget (self, self->moving, &x, &y))
    {
      double nx = self->move_x + self->move_dx, ny = self->move_y + self->move_dy;
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (MIN (x, nx) - 24, MIN (y, ny) - 24,
                                                                              fabs (nx - x) + 48, fabs (ny - y) + 48));

      cairo_move_to (cr, x, y);
      cairo_line_to (cr, nx, ny);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.8);
      cairo_set_line_width (cr, 2);
      cairo_set_dash (cr, (double[]) { 4, 4 }, 2, 0);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      cairo_rectangle (cr, nx - SIZE, ny - SIZE, 2 * SIZE, 2 * SIZE);
      dozor_raster_stroke_cased (cr, (const double[3]) { 1, 1, 1 }, 5, 2.5);
      cairo_destroy (cr);
    }

  if (post_on_widget (self, self->target, &x, &y))
    {
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x - 24, y - 24, 48, 48));

      cairo_arc (cr, x, y, SIZE + 9, 0, 2 * G_PI);
      dozor_raster_stroke_cased (cr, (const double[3]) { 1, 1, 1 }, 5, 3);
      cairo_destroy (cr);
    }
}

static void
dozor_post_layer_constructed (GObject *object)
{
  DozorPostLayer *self = DOZOR_POST_LAYER (object);

  G_OBJECT_CLASS (dozor_post_layer_parent_class)->constructed (object);

  self->situation = dozor_raster_layer_get_situation (DOZOR_RASTER_LAYER (self));
}

static void
dozor_post_layer_dispose (GObject *object)
{
  DozorPostLayer *self = DOZOR_POST_LAYER (object);

  g_clear_pointer (&self->plan_id, g_free);
  g_clear_pointer (&self->named, g_free);
  g_clear_pointer (&self->target, g_free);
  g_clear_pointer (&self->editable, g_free);
  g_clear_pointer (&self->moving, g_free);
  g_clear_pointer (&self->proposal, g_hash_table_unref);

  G_OBJECT_CLASS (dozor_post_layer_parent_class)->dispose (object);
}

static void
dozor_post_layer_class_init (DozorPostLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DozorRasterLayerClass *raster_class = DOZOR_RASTER_LAYER_CLASS (klass);

  object_class->constructed = dozor_post_layer_constructed;
  object_class->dispose = dozor_post_layer_dispose;
  GTK_WIDGET_CLASS (klass)->snapshot = dozor_post_layer_snapshot;
  raster_class->prepare = prepare_scene;
  raster_class->draw = draw_scene;
  raster_class->free_scene = (GDestroyNotify) scene_free;
  raster_class->situation_changed = situation_changed;
  raster_class->render_priority = G_PRIORITY_HIGH + 12;
  raster_class->shown = scene_shown;

  /**
   * DozorPostLayer::post-moved:
   * @layer: the layer
   * @plan_id: the post's plan
   * @post_id: the post dragged and let go
   * @lat: where it was let go
   * @lon: where it was let go
   *
   * Nothing is sent yet.
   */
  signals[POST_MOVED] = g_signal_new ("post-moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                                      G_TYPE_STRING, G_TYPE_STRING, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
}

static void
dozor_post_layer_init (DozorPostLayer *self)
{
}

DozorPostLayer *
dozor_post_layer_new (ShumateViewport *viewport,
                      DozorSituation  *situation)
{
  return g_object_new (DOZOR_TYPE_POST_LAYER, "viewport", viewport, "situation", situation, NULL);
}

/**
 * dozor_post_layer_set_plan:
 * @self: a #DozorPostLayer
 * @plan_id: (nullable): a plan whose posts to show even while not active
 */
void
dozor_post_layer_set_plan (DozorPostLayer *self,
                           const char     *plan_id)
{
  g_return_if_fail (DOZOR_IS_POST_LAYER (self));

  if (g_strcmp0 (self->plan_id, plan_id) == 0)
    return;
  g_free (self->plan_id);
  self->plan_id = g_strdup (plan_id);
  dozor_raster_layer_queue_render (DOZOR_RASTER_LAYER (self));
}

/**
 * dozor_post_layer_has_proposal:
 * @self: a #DozorPostLayer
 *
 * Returns: whether a plan's proposal is being corrected on the map: a
 *   unit dropped on a post then corrects it, else it is put on the roster
 *   there (docs/decisions.md, "Control of the forces, finished")
 */
gboolean
dozor_post_layer_has_proposal (DozorPostLayer *self)
{
  g_return_val_if_fail (DOZOR_IS_POST_LAYER (self), FALSE);

  return self->proposal != NULL;
}

/**
 * dozor_post_layer_set_proposal:
 * @self: a #DozorPostLayer
 * @unit_to_post: (nullable): the assignment being confirmed, unit id →
 *   post id
 */
void
dozor_post_layer_set_proposal (DozorPostLayer *self,
                               GHashTable     *unit_to_post)
{
  g_return_if_fail (DOZOR_IS_POST_LAYER (self));

  g_clear_pointer (&self->proposal, g_hash_table_unref);
  if (unit_to_post != NULL)
    self->proposal = g_hash_table_ref (unit_to_post);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * dozor_post_layer_pick:
 * @self: a #DozorPostLayer
 * @x: a point in the layer
 * @y: a point in the layer
 * @plan_id: (out) (optional) (transfer full): the post's plan
 *
 * Returns: (transfer full) (nullable): the id of the post drawn there
 */
char *
dozor_post_layer_pick (DozorPostLayer *self,
                       double          x,
                       double          y,
                       char          **plan_id)
{
  Scene *scene;
  guint item;

  if (!dozor_raster_layer_pick (DOZOR_RASTER_LAYER (self), x, y, PICK_SLOP, (gpointer *) &scene, &item) ||
      item >= scene->ids->len)
    return NULL;
  if (plan_id != NULL)
    *plan_id = g_strdup (scene->plans->pdata[item]);
  return g_strdup (scene->ids->pdata[item]);
}

/**
 * dozor_post_layer_set_target:
 * @self: a #DozorPostLayer
 * @post_id: (nullable): the post a dragged unit is over
 */
void
dozor_post_layer_set_target (DozorPostLayer *self,
                             const char     *post_id)
{
  if (g_strcmp0 (self->target, post_id) == 0)
    return;
  g_free (self->target);
  self->target = g_strdup (post_id);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
move_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               DozorPostLayer *self)
{
  Scene *scene = dozor_raster_layer_get_shown_scene (DOZOR_RASTER_LAYER (self));
  double best = GRAB_SLOP;

  g_clear_pointer (&self->moving, g_free);
  for (guint i = 0; self->editable != NULL && scene != NULL && i < scene->ids->len; i++)
    {
      double px, py;

      if (!g_str_equal (scene->plans->pdata[i], self->editable) ||
          !post_on_widget (self, scene->ids->pdata[i], &px, &py) || hypot (px - x, py - y) > best)
        continue;
      best = hypot (px - x, py - y);
      g_free (self->moving);
      self->moving = g_strdup (scene->ids->pdata[i]);
    }
  if (self->moving == NULL)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->move_x = x;
  self->move_y = y;
  self->move_dx = self->move_dy = 0;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
move_update_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                DozorPostLayer *self)
{
  if (self->moving == NULL)
    return;
  self->move_dx = dx;
  self->move_dy = dy;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
move_end_cb (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             DozorPostLayer *self)
{
  g_autofree char *post_id = g_steal_pointer (&self->moving);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  double lat, lon;

  gtk_widget_queue_draw (GTK_WIDGET (self));
  /* A press that hardly moved is a click, not a move. */
  if (post_id == NULL || hypot (dx, dy) < 3)
    return;
  shumate_viewport_widget_coords_to_location (viewport, self->pointer, self->move_x + dx, self->move_y + dy,
                                              &lat, &lon);
  g_debug ("Post moved on the map: %s", post_id);
  g_signal_emit (self, signals[POST_MOVED], 0, self->editable, post_id, lat, lon);
}

/**
 * dozor_post_layer_attach_editing:
 * @self: a #DozorPostLayer
 * @target: the map's widget that takes the pointer, over the same area
 *
 * Lets a press on a post of the editable plan drag it.
 */
void
dozor_post_layer_attach_editing (DozorPostLayer *self,
                                 GtkWidget      *target)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  self->pointer = target;
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (drag, "drag-begin", G_CALLBACK (move_begin_cb), self, 0);
  g_signal_connect_object (drag, "drag-update", G_CALLBACK (move_update_cb), self, 0);
  g_signal_connect_object (drag, "drag-end", G_CALLBACK (move_end_cb), self, 0);
  /* Before the unit layer's own click and drag source: a post over a
   * unit is the post, while its plan is being edited. */
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (drag), GTK_PHASE_CAPTURE);
  gtk_widget_add_controller (target, GTK_EVENT_CONTROLLER (drag));
}

/**
 * dozor_post_layer_set_editable:
 * @self: a #DozorPostLayer
 * @plan_id: (nullable): the plan whose posts may be dragged, or %NULL
 */
void
dozor_post_layer_set_editable (DozorPostLayer *self,
                               const char     *plan_id)
{
  g_return_if_fail (DOZOR_IS_POST_LAYER (self));

  g_free (self->editable);
  self->editable = g_strdup (plan_id);
}
