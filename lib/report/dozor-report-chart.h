/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * DozorReportBars:
 * @title: the chart's title
 * @value_label: the value axis's label, with its unit
 * @category_label: the category axis's label, with its unit if any
 * @n: how many bars
 * @labels: (array length=n): each bar's label
 * @values: (array length=n): each bar's value
 * @label_every: label every this many bars (1: all)
 * @n_markers: how many marked positions
 * @markers: (array length=n_markers): positions along the category axis,
 *   in bars (0 is the first bar's left edge)
 * @marker_labels: (array length=n_markers): what each mark says
 * @horizontal: bars run left to right, labels at their left (long names)
 *
 * A bar chart with its axes, ticks and labels.
 */
typedef struct
{
  const char *title;
  const char *value_label;
  const char *category_label;
  guint n;
  const char *const *labels;
  const double *values;
  guint label_every;
  guint n_markers;
  const double *markers;
  const char *const *marker_labels;
  gboolean horizontal;
} DozorReportBars;

/**
 * DozorReportMap:
 * @title: the map's title
 * @districts: the districts as the report's figures give them
 * @points: the incidents as the report's figures give them
 *
 * A map of districts and incidents in Web Mercator.
 */
typedef struct
{
  const char *title;
  JsonArray *districts;
  JsonArray *points;
} DozorReportMap;

void dozor_report_chart_bars (cairo_t               *cr,
                              double                 x,
                              double                 y,
                              double                 width,
                              double                 height,
                              const DozorReportBars *bars);
void dozor_report_chart_map  (cairo_t               *cr,
                              double                 x,
                              double                 y,
                              double                 width,
                              double                 height,
                              const DozorReportMap  *map);

G_END_DECLS
