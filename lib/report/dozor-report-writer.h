/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib-object.h>

G_BEGIN_DECLS

/**
 * DozorReportDrawFunc:
 * @cr: the page, in points
 * @x: left of the box
 * @y: top of the box
 * @width: the box's width
 * @height: the box's height
 * @user_data: the caller's data
 *
 * Draws a chart or map into a box of a page.
 */
typedef void (*DozorReportDrawFunc) (cairo_t *cr,
                                     double   x,
                                     double   y,
                                     double   width,
                                     double   height,
                                     gpointer user_data);

#define DOZOR_TYPE_REPORT_WRITER (dozor_report_writer_get_type ())
G_DECLARE_FINAL_TYPE (DozorReportWriter, dozor_report_writer, DOZOR, REPORT_WRITER, GObject)

DozorReportWriter *dozor_report_writer_new       (const char         *path,
                                                  const char         *centre,
                                                  const char         *officer,
                                                  const char         *title,
                                                  const char         *period,
                                                  GError            **error);
void               dozor_report_writer_heading   (DozorReportWriter  *self,
                                                  const char         *text);
void               dozor_report_writer_paragraph (DozorReportWriter  *self,
                                                  const char         *text);
void               dozor_report_writer_table     (DozorReportWriter  *self,
                                                  const char *const  *headers,
                                                  const double       *widths,
                                                  GPtrArray          *rows);
void               dozor_report_writer_figure    (DozorReportWriter  *self,
                                                  double              height,
                                                  DozorReportDrawFunc draw,
                                                  gpointer            user_data);
gboolean           dozor_report_writer_finish    (DozorReportWriter  *self,
                                                  GError            **error);

G_END_DECLS
