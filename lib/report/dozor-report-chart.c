/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The charts of the reports, drawn with cairo into a box of a page: bar
 * charts with both axes, round ticks, labels and units (incidents by hour
 * and by type, the response-time histogram with its percentiles marked),
 * and the map of districts and incidents in Web Mercator with a scale
 * bar. Text through Pango in the reports' font.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "dozor-geo.h"
#include "dozor-report-chart.h"

#define FONT "DejaVu Sans"
#define TEXT_SIZE 7.5
#define TITLE_SIZE 9.5
#define BAR_R 0.20
#define BAR_G 0.42
#define BAR_B 0.70
/* Metres along the equator per unit of Web Mercator's world square. */
#define WORLD_M 40075016.686

/* Text at (x, y), its anchor given as fractions of its size (0.5, 0.5 is
 * centred); rotated by @angle radians about the anchor. */
static void
text_at (cairo_t    *cr,
         const char *text,
         double      size,
         gboolean    bold,
         double      x,
         double      y,
         double      ax,
         double      ay,
         double      angle)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (FONT);
  int w, h;

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_size (layout, &w, &h);
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rotate (cr, angle);
  cairo_move_to (cr, -ax * w / PANGO_SCALE, -ay * h / PANGO_SCALE);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
}

static double
text_width (cairo_t    *cr,
            const char *text,
            double      size)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (FONT);
  int w, h;

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_size (layout, &w, &h);
  return (double) w / PANGO_SCALE;
}

/* A round step (1, 2 or 5 times a power of ten) that gives at most
 * @ticks ticks up to @max; whole numbers only, as counts are. */
static double
nice_step (double max,
           guint  ticks)
{
  double raw = MAX (max, 1) / ticks;
  double power = pow (10, floor (log10 (raw)));
  double step = raw / power <= 1 ? power : raw / power <= 2 ? 2 * power : raw / power <= 5 ? 5 * power : 10 * power;

  return MAX (step, 1);
}

static void
set_ink (cairo_t *cr)
{
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.12);
}

/**
 * dozor_report_chart_bars:
 * @cr: the page
 * @x: left of the box
 * @y: top of the box
 * @width: the box's width
 * @height: the box's height
 * @bars: what to draw
 *
 * A bar chart: the title above, the value axis from 0 with round ticks and
 * light grid lines, the categories' labels and both axes' titles.
 */
void
dozor_report_chart_bars (cairo_t               *cr,
                         double                 x,
                         double                 y,
                         double                 width,
                         double                 height,
                         const DozorReportBars *bars)
{
  double max = 0, step, top, left, right, bottom, plot_w, plot_h, label_w = 0;
  guint every = MAX (bars->label_every, 1);

  for (guint i = 0; i < bars->n; i++)
    max = MAX (max, bars->values[i]);
  step = nice_step (max, 5);
  top = MAX (step, ceil (max / step) * step);

  set_ink (cr);
  text_at (cr, bars->title, TITLE_SIZE, TRUE, x, y, 0, 0, 0);

  if (bars->horizontal)
    for (guint i = 0; i < bars->n; i++)
      label_w = MAX (label_w, text_width (cr, bars->labels[i], TEXT_SIZE));
  left = x + (bars->horizontal ? MIN (label_w, width * 0.4) + 16 : 46);
  right = x + width - 10;
  bottom = y + height - 30;
  plot_w = right - left;
  plot_h = bottom - (y + 22);

  /* Grid and value ticks. */
  cairo_set_line_width (cr, 0.4);
  for (double v = 0; v <= top + step / 2; v += step)
    {
      g_autofree char *tick = g_strdup_printf ("%.0f", v);

      cairo_set_source_rgb (cr, 0.85, 0.85, 0.88);
      if (bars->horizontal)
        {
          double px = left + v / top * plot_w;

          cairo_move_to (cr, px, bottom);
          cairo_line_to (cr, px, bottom - plot_h);
          cairo_stroke (cr);
          set_ink (cr);
          text_at (cr, tick, TEXT_SIZE, FALSE, px, bottom + 3, 0.5, 0, 0);
        }
      else
        {
          double py = bottom - v / top * plot_h;

          cairo_move_to (cr, left, py);
          cairo_line_to (cr, right, py);
          cairo_stroke (cr);
          set_ink (cr);
          text_at (cr, tick, TEXT_SIZE, FALSE, left - 4, py, 1, 0.5, 0);
        }
    }

  /* Bars and their labels. */
  for (guint i = 0; i < bars->n; i++)
    {
      double share = bars->values[i] / top;

      cairo_set_source_rgb (cr, BAR_R, BAR_G, BAR_B);
      if (bars->horizontal)
        {
          double band = plot_h / bars->n;
          double by = bottom - plot_h + i * band;

          cairo_rectangle (cr, left, by + band * 0.15, share * plot_w, band * 0.7);
          cairo_fill (cr);
          set_ink (cr);
          text_at (cr, bars->labels[i], TEXT_SIZE, FALSE, left - 4, by + band / 2, 1, 0.5, 0);
        }
      else
        {
          double band = plot_w / bars->n;
          double bx = left + i * band;

          cairo_rectangle (cr, bx + band * 0.1, bottom - share * plot_h, band * 0.8, share * plot_h);
          cairo_fill (cr);
          set_ink (cr);
          if (i % every == 0)
            text_at (cr, bars->labels[i], TEXT_SIZE, FALSE, bx + band / 2, bottom + 3, 0.5, 0, 0);
        }
    }

  /* Marks along the categories (percentiles). */
  for (guint m = 0; m < bars->n_markers; m++)
    {
      double at = bars->horizontal ? 0 : left + bars->markers[m] / bars->n * plot_w;
      static const double dash[] = { 3, 2 };

      if (bars->horizontal || bars->markers[m] < 0 || bars->markers[m] > bars->n)
        continue;
      cairo_set_source_rgb (cr, 0.80, 0.15, 0.12);
      cairo_set_line_width (cr, 1.0);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_move_to (cr, at, bottom);
      cairo_line_to (cr, at, bottom - plot_h);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      /* A mark near the right end is labelled on its left. */
      if (at + 2 + text_width (cr, bars->marker_labels[m], TEXT_SIZE) > right)
        text_at (cr, bars->marker_labels[m], TEXT_SIZE, TRUE, at - 2, bottom - plot_h + 2 + m * 10, 1, 0, 0);
      else
        text_at (cr, bars->marker_labels[m], TEXT_SIZE, TRUE, at + 2, bottom - plot_h + 2 + m * 10, 0, 0, 0);
    }

  /* Axes and their titles. */
  set_ink (cr);
  cairo_set_line_width (cr, 0.9);
  cairo_move_to (cr, left, bottom - plot_h);
  cairo_line_to (cr, left, bottom);
  cairo_line_to (cr, right, bottom);
  cairo_stroke (cr);
  if (bars->horizontal)
    {
      text_at (cr, bars->value_label, TEXT_SIZE, FALSE, left + plot_w / 2, y + height, 0.5, 1, 0);
      if (bars->category_label != NULL)
        text_at (cr, bars->category_label, TEXT_SIZE, FALSE, x, y + height, 0, 1, 0);
    }
  else
    {
      text_at (cr, bars->category_label, TEXT_SIZE, FALSE, left + plot_w / 2, y + height, 0.5, 1, 0);
      text_at (cr, bars->value_label, TEXT_SIZE, FALSE, x + 2, bottom - plot_h / 2, 0.5, 0, -G_PI / 2);
    }
}

/* Calls @func for every ring of a GeoJSON Polygon or MultiPolygon. */
static void
for_each_ring (JsonObject *geometry,
               void      (*func) (JsonArray *ring, gpointer data),
               gpointer    data)
{
  const char *type = json_object_get_string_member_with_default (geometry, "type", "");
  JsonArray *coordinates = json_object_get_array_member (geometry, "coordinates");
  gboolean multi = g_str_equal (type, "MultiPolygon");

  if (coordinates == NULL || !(multi || g_str_equal (type, "Polygon")))
    return;
  for (guint p = 0; p < (multi ? json_array_get_length (coordinates) : 1); p++)
    {
      JsonArray *polygon = multi ? json_array_get_array_element (coordinates, p) : coordinates;

      for (guint r = 0; r < json_array_get_length (polygon); r++)
        func (json_array_get_array_element (polygon, r), data);
    }
}

typedef struct
{
  double min_x, min_y, max_x, max_y;
} Bounds;

static void
bounds_add (Bounds *b,
            double  lon,
            double  lat)
{
  double wx, wy;

  dozor_geo_lon_lat_to_world (lon, lat, &wx, &wy);
  b->min_x = MIN (b->min_x, wx);
  b->max_x = MAX (b->max_x, wx);
  b->min_y = MIN (b->min_y, wy);
  b->max_y = MAX (b->max_y, wy);
}

static void
ring_bounds (JsonArray *ring,
             gpointer   data)
{
  for (guint i = 0; i < json_array_get_length (ring); i++)
    {
      JsonArray *position = json_array_get_array_element (ring, i);

      bounds_add (data, json_array_get_double_element (position, 0), json_array_get_double_element (position, 1));
    }
}

typedef struct
{
  cairo_t *cr;
  Bounds world;
  double x, y, scale;
} Frame;

static void
frame_point (const Frame *frame,
             double       lon,
             double       lat,
             double      *px,
             double      *py)
{
  double wx, wy;

  dozor_geo_lon_lat_to_world (lon, lat, &wx, &wy);
  *px = frame->x + (wx - frame->world.min_x) * frame->scale;
  *py = frame->y + (wy - frame->world.min_y) * frame->scale;
}

static void
ring_path (JsonArray *ring,
           gpointer   data)
{
  Frame *frame = data;

  for (guint i = 0; i < json_array_get_length (ring); i++)
    {
      JsonArray *position = json_array_get_array_element (ring, i);
      double px, py;

      frame_point (frame, json_array_get_double_element (position, 0), json_array_get_double_element (position, 1),
                   &px, &py);
      if (i == 0)
        cairo_move_to (frame->cr, px, py);
      else
        cairo_line_to (frame->cr, px, py);
    }
  cairo_close_path (frame->cr);
}

/**
 * dozor_report_chart_map:
 * @cr: the page
 * @x: left of the box
 * @y: top of the box
 * @width: the box's width
 * @height: the box's height
 * @map: what to draw
 *
 * The districts' outlines and names and the incidents as points, fitted
 * into the box in Web Mercator (north up), with a scale bar in kilometres.
 */
void
dozor_report_chart_map (cairo_t              *cr,
                        double                x,
                        double                y,
                        double                width,
                        double                height,
                        const DozorReportMap *map)
{
  Bounds world = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  Frame frame = { cr, };
  double box_x = x, box_y = y + 16, box_w = width, box_h = height - 16;
  double span_x, span_y, metres_per_pt, bar_km, bar_pt, centre_lat, lon, lat;
  guint n_districts = map->districts != NULL ? json_array_get_length (map->districts) : 0;
  guint n_points = map->points != NULL ? json_array_get_length (map->points) : 0;
  g_autofree char *scale_text = NULL;

  set_ink (cr);
  text_at (cr, map->title, TITLE_SIZE, TRUE, x, y, 0, 0, 0);
  cairo_set_line_width (cr, 0.6);
  cairo_rectangle (cr, box_x, box_y, box_w, box_h);
  cairo_stroke (cr);

  for (guint i = 0; i < n_districts; i++)
    {
      JsonObject *district = json_array_get_object_element (map->districts, i);
      JsonNode *geometry = json_object_get_member (district, "geometry");

      if (geometry != NULL && JSON_NODE_HOLDS_OBJECT (geometry))
        for_each_ring (json_node_get_object (geometry), ring_bounds, &world);
    }
  for (guint i = 0; i < n_points; i++)
    {
      JsonObject *point = json_array_get_object_element (map->points, i);

      bounds_add (&world, json_object_get_double_member (point, "lon"), json_object_get_double_member (point, "lat"));
    }
  if (world.min_x > world.max_x)
    {
      text_at (cr, _("No districts or incidents to show"), TEXT_SIZE, FALSE, box_x + box_w / 2, box_y + box_h / 2,
               0.5, 0.5, 0);
      return;
    }

  /* A margin of a twentieth round everything, north up, no distortion
   * between the axes (Mercator is conformal). */
  span_x = MAX (world.max_x - world.min_x, 1e-7);
  span_y = MAX (world.max_y - world.min_y, 1e-7);
  world.min_x -= span_x * 0.05, world.max_x += span_x * 0.05;
  world.min_y -= span_y * 0.05, world.max_y += span_y * 0.05;
  span_x *= 1.1, span_y *= 1.1;
  frame.scale = MIN ((box_w - 8) / span_x, (box_h - 8) / span_y);
  frame.world = world;
  frame.x = box_x + (box_w - span_x * frame.scale) / 2;
  frame.y = box_y + (box_h - span_y * frame.scale) / 2;

  cairo_save (cr);
  cairo_rectangle (cr, box_x, box_y, box_w, box_h);
  cairo_clip (cr);
  for (guint i = 0; i < n_districts; i++)
    {
      JsonObject *district = json_array_get_object_element (map->districts, i);
      JsonNode *geometry = json_object_get_member (district, "geometry");

      if (geometry == NULL || !JSON_NODE_HOLDS_OBJECT (geometry))
        continue;
      cairo_new_path (cr);
      for_each_ring (json_node_get_object (geometry), ring_path, &frame);
      cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
      cairo_set_source_rgb (cr, i % 2 ? 0.93 : 0.89, i % 2 ? 0.95 : 0.93, 0.97);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 0.35, 0.38, 0.45);
      cairo_set_line_width (cr, 0.8);
      cairo_stroke (cr);
    }
  for (guint i = 0; i < n_points; i++)
    {
      JsonObject *point = json_array_get_object_element (map->points, i);
      double px, py;

      frame_point (&frame, json_object_get_double_member (point, "lon"), json_object_get_double_member (point, "lat"),
                   &px, &py);
      cairo_new_sub_path (cr);
      cairo_arc (cr, px, py, n_points > 2000 ? 0.9 : 2.2, 0, 2 * G_PI);
    }
  cairo_set_source_rgba (cr, 0.82, 0.12, 0.10, n_points > 2000 ? 0.45 : 0.85);
  cairo_fill (cr);
  /* Names over the points, at each district's middle. */
  for (guint i = 0; i < n_districts; i++)
    {
      JsonObject *district = json_array_get_object_element (map->districts, i);
      JsonNode *geometry = json_object_get_member (district, "geometry");
      Bounds own = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };

      if (geometry == NULL || !JSON_NODE_HOLDS_OBJECT (geometry))
        continue;
      for_each_ring (json_node_get_object (geometry), ring_bounds, &own);
      if (own.min_x > own.max_x)
        continue;
      set_ink (cr);
      text_at (cr, json_object_get_string_member_with_default (district, "name", ""), TEXT_SIZE, TRUE,
               frame.x + ((own.min_x + own.max_x) / 2 - world.min_x) * frame.scale,
               frame.y + ((own.min_y + own.max_y) / 2 - world.min_y) * frame.scale, 0.5, 0.5, 0);
    }
  cairo_restore (cr);

  /* The scale bar: a round number of kilometres about a fifth of the box,
   * true at the map's middle latitude. */
  dozor_geo_world_to_lon_lat ((world.min_x + world.max_x) / 2, (world.min_y + world.max_y) / 2, &lon, &centre_lat);
  lat = centre_lat;
  metres_per_pt = WORLD_M * cos (lat * G_PI / 180) / frame.scale;
  bar_km = nice_step (box_w / 5 * metres_per_pt / 1000 * 5, 5);
  if (box_w / 5 * metres_per_pt / 1000 < 1)
    bar_km = pow (10, floor (log10 (box_w / 5 * metres_per_pt / 1000)));
  bar_pt = bar_km * 1000 / metres_per_pt;
  set_ink (cr);
  cairo_set_line_width (cr, 1.5);
  cairo_move_to (cr, box_x + 10, box_y + box_h - 10);
  cairo_line_to (cr, box_x + 10 + bar_pt, box_y + box_h - 10);
  cairo_stroke (cr);
  /* TRANSLATORS: the length of a map's scale bar */
  scale_text = g_strdup_printf (_("%g km"), bar_km);
  text_at (cr, scale_text, TEXT_SIZE, FALSE, box_x + 10, box_y + box_h - 13, 0, 1, 0);
  /* TRANSLATORS: the projection of a report's map, at its corner */
  text_at (cr, _("Web Mercator, north up"), 6.5, FALSE, box_x + box_w - 4, box_y + box_h - 4, 1, 1, 0);
}
