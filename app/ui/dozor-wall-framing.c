/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A wall map that frames itself (docs/wall.md, "Framing"): every interval
 * it works out what must be in view — the open incidents and the units
 * sent to them, the current district, or the crisis area — and moves the
 * map, animated, only when the view no longer shows that inside the
 * margin, or when the district cycle turns. A move each interval that
 * shows nothing new would only make the room look again for what it was
 * following.
 */
#include "config.h"

#include <math.h>

#include "dozor-frame.h"
#include "dozor-geo.h"
#include "dozor-wall-framing.h"
#include "dozor-wall-target.h"

/* The first look, once the window has been laid out: a wall that has just
 * started should not wait a whole interval to show its incidents. */
#define FIRST_LOOK_MS 1000
/* A target this close to the current view is the current view: a frame
 * that does not fit even at min_zoom must not move the map every time. */
#define SAME_ZOOM 0.01
#define SAME_PX 1.0
/* The margin when the config gives none: three capital heights, room for
 * a symbol and the start of its label. */
#define MARGIN_CAP_HEIGHTS 3.0
/* Looks a flight may take before it is started again (it may have been
 * stopped half-way). */
#define MAX_FLIGHT_LOOKS 2
/* A flight takes half an interval, at most this: smooth enough to follow,
 * and over before the next look judges where the map is. */
#define MAX_FLIGHT_MS 2500

struct _DozorWallFraming
{
  GObject parent_instance;

  char *name;                  /* the monitor's, for the log */
  DozorWallFramingRule rule;
  double margin;               /* the config's, or 0 */
  double cap_height;
  double min_zoom;
  double max_zoom;
  guint interval_ms;
  guint looks_per_district;
  DozorSituation *situation;
  DozorMapView *map;
  guint first_id;
  guint timer_id;
  DozorWallCycle cycle;
  char *last_log;
  gboolean have_target;        /* the view of the last move, while under way */
  DozorView target;
  guint target_looks;          /* looks since that move */
  gboolean have_area;          /* the crisis area last framed */
  DozorFrame area;
};

G_DEFINE_FINAL_TYPE (DozorWallFraming, dozor_wall_framing, G_TYPE_OBJECT)

static double
margin_of (DozorWallFraming *self)
{
  return self->margin > 0 ? self->margin : MARGIN_CAP_HEIGHTS * self->cap_height;
}

static gboolean
same_view (const DozorView *a,
           const DozorView *b)
{
  double ax, ay, bx, by;

  dozor_geo_lon_lat_to_world (a->lon, a->lat, &ax, &ay);
  dozor_geo_lon_lat_to_world (b->lon, b->lat, &bx, &by);
  return fabs (a->zoom - b->zoom) < SAME_ZOOM &&
         hypot (ax - bx, ay - by) * 256.0 * exp2 (a->zoom) < SAME_PX;
}

static void
look (DozorWallFraming *self)
{
  g_autoptr(GString) log = g_string_new (NULL);
  g_autofree char *what = NULL;
  DozorFrame frame;
  DozorView view, target;
  gboolean turned = FALSE, shown, flying;
  double margin = margin_of (self);
  double north, west, south, east;

  dozor_map_view_get_view (self->map, &view);
  /* Not laid out yet (or unmapped): there is no view to judge. */
  if (view.width <= 0 || view.height <= 0)
    return;

  if (self->rule == DOZOR_WALL_FRAMING_FIXED)
    return;
  what = dozor_wall_target_frame (self->situation, self->rule, self->looks_per_district, &self->cycle, &frame,
                                  &turned);
  /* A crisis area raised or changed is framed anew, closely, as a
   * district is at its turn: it is what the room must see now, and a
   * wide view that merely holds it would show it as a speck. */
  if (self->rule == DOZOR_WALL_FRAMING_CRISIS && g_str_equal (what, "crisis area") &&
      (!self->have_area || frame.x0 != self->area.x0 || frame.y0 != self->area.y0 || frame.x1 != self->area.x1 ||
       frame.y1 != self->area.y1))
    turned = TRUE;
  self->have_area = self->rule == DOZOR_WALL_FRAMING_CRISIS && g_str_equal (what, "crisis area");
  if (self->have_area)
    self->area = frame;
  g_string_append (log, what);
  g_string_append_printf (log, ", %u points", frame.n_points);
  if (frame.n_points > 0)
    {
      dozor_geo_world_to_lon_lat (frame.x0, frame.y0, &west, &north);
      dozor_geo_world_to_lon_lat (frame.x1, frame.y1, &east, &south);
      g_string_append_printf (log, ", frame %.6f,%.6f to %.6f,%.6f", north, west, south, east);
    }
  g_string_append_printf (log, "; view %.6f,%.6f z%.3f %.0fx%.0f margin %.0f", view.lat, view.lon, view.zoom,
                          view.width, view.height, margin);

  shown = dozor_frame_is_shown (&frame, &view, margin);
  /* A view half-way through a flight may already show the frame, but it
   * is not where the map will rest: judged as arrived, the log (and the
   * room's administrator) would be told a view the map then leaves
   * (board-wall-districts found it: "shown, stays" at z13.7 of a flight
   * to z14.3). */
  flying = self->have_target && !same_view (&view, &self->target);
  target = view;
  if (frame.n_points == 0)
    g_string_append (log, ": nothing to frame, stays");
  else if (shown && !turned && !flying)
    g_string_append (log, ": shown, stays");
  else
    {
      /* A pixel more than the margin, so that the view fitted counts as
       * showing the frame when it is judged again. */
      gboolean fits = dozor_frame_fit (&frame, margin + 1, self->min_zoom, self->max_zoom, &target);

      g_string_append (log, shown ? ": shown" : ": not shown");
      if (!fits)
        g_string_append (log, ", too wide for min_zoom");
      if (same_view (&target, &view))
        g_string_append (log, ", stays");
      else if (self->have_target && same_view (&target, &self->target) && ++self->target_looks <= MAX_FLIGHT_LOOKS)
        /* Still flying there: starting the flight again would only slow it. */
        g_string_append_printf (log, ", on its way to %.6f,%.6f z%.3f", target.lat, target.lon, target.zoom);
      else
        {
          g_string_append_printf (log, ", moves to %.6f,%.6f z%.3f", target.lat, target.lon, target.zoom);
          dozor_map_view_fly_to (self->map, target.lat, target.lon, target.zoom,
                                 MIN (self->interval_ms / 2, MAX_FLIGHT_MS));
          self->target = target;
          self->have_target = TRUE;
          self->target_looks = 0;
        }
    }
  if (self->have_target && same_view (&view, &self->target))
    self->have_target = FALSE;

  /* Tests and the administrator read these lines; keep their wording
   * stable. A wall that stays put for hours says so once. */
  if (g_strcmp0 (log->str, self->last_log) != 0)
    {
      g_message ("Wall framing %s: %s", self->name, log->str);
      g_free (self->last_log);
      self->last_log = g_string_free (g_steal_pointer (&log), FALSE);
    }
}

static gboolean
timer_cb (gpointer user_data)
{
  look (DOZOR_WALL_FRAMING (user_data));
  return G_SOURCE_CONTINUE;
}

static gboolean
first_look_cb (gpointer user_data)
{
  DozorWallFraming *self = user_data;

  self->first_id = 0;
  look (self);
  /* From here on, a whole interval between two looks, so between two
   * moves. */
  self->timer_id = g_timeout_add (self->interval_ms, timer_cb, self);
  return G_SOURCE_REMOVE;
}

static void
dozor_wall_framing_dispose (GObject *object)
{
  DozorWallFraming *self = DOZOR_WALL_FRAMING (object);

  g_clear_handle_id (&self->first_id, g_source_remove);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_object (&self->situation);
  g_clear_object (&self->map);

  G_OBJECT_CLASS (dozor_wall_framing_parent_class)->dispose (object);
}

static void
dozor_wall_framing_finalize (GObject *object)
{
  DozorWallFraming *self = DOZOR_WALL_FRAMING (object);

  g_free (self->name);
  dozor_wall_cycle_clear (&self->cycle);
  g_free (self->last_log);

  G_OBJECT_CLASS (dozor_wall_framing_parent_class)->finalize (object);
}

static void
dozor_wall_framing_class_init (DozorWallFramingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dozor_wall_framing_dispose;
  object_class->finalize = dozor_wall_framing_finalize;
}

static void
dozor_wall_framing_init (DozorWallFraming *self)
{
}

/**
 * dozor_wall_framing_new:
 * @name: the monitor's name, for the log
 * @config: the wall: its rule, interval, margin and zoom limits are copied
 * @situation: what the wall shows
 * @map: the map it moves
 *
 * Starts framing @map by @config's rule; with `framing = fixed` it never
 * moves the map.
 *
 * Returns: (transfer full): the framing, which stops when released
 */
DozorWallFraming *
dozor_wall_framing_new (const char            *name,
                        const DozorWallConfig *config,
                        DozorSituation        *situation,
                        DozorMapView          *map)
{
  DozorWallFraming *self = g_object_new (DOZOR_TYPE_WALL_FRAMING, NULL);

  self->name = g_strdup (name);
  self->rule = config->framing;
  self->margin = config->framing_margin_px;
  self->min_zoom = config->min_zoom;
  self->interval_ms = (guint) config->framing_interval_s * 1000;
  self->max_zoom = config->max_zoom;
  /* The cycle turns on the timer: whole intervals, never more often. */
  self->looks_per_district = MAX (1, (guint) ceil ((double) config->district_seconds / config->framing_interval_s));
  self->situation = g_object_ref (situation);
  self->map = g_object_ref (map);
  if (self->rule != DOZOR_WALL_FRAMING_FIXED)
    self->first_id = g_timeout_add (FIRST_LOOK_MS, first_look_cb, self);
  return self;
}

/**
 * dozor_wall_framing_set_cap_height:
 * @self: a #DozorWallFraming
 * @cap_height: the legibility rule's capital height on its monitor, pixels
 *
 * The default margin follows it.
 */
void
dozor_wall_framing_set_cap_height (DozorWallFraming *self,
                                   double            cap_height)
{
  g_return_if_fail (DOZOR_IS_WALL_FRAMING (self));

  self->cap_height = cap_height;
}
