/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A report as a PDF of A4 pages: every page headed with the centre's
 * name, the report's title and period, and numbered; headings,
 * paragraphs, tables that continue on the next page under their header
 * again, and figures drawn by the caller into a box. The last page ends
 * with the signing officer's name and a line to sign on.
 *
 * Text is laid out by Pango in "DejaVu Sans", which has every letter of
 * Kazakh and Russian, and embedded by cairo.
 */
#include "config.h"

#include <cairo-pdf.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "dozor-report-writer.h"

/* A4 in points, and its margins. */
#define PAGE_WIDTH 595.28
#define PAGE_HEIGHT 841.89
#define MARGIN 42.0
#define FONT "DejaVu Sans"
#define BODY_SIZE 9.0
#define CELL_PAD 3.0
/* Room kept at the end for the signature block. */
#define SIGNATURE_HEIGHT 70.0

struct _DozorReportWriter
{
  GObject parent_instance;

  cairo_surface_t *surface;
  cairo_t *cr;
  char *centre;
  char *officer;
  char *title;
  char *period;
  guint page;
  double y;  /* where the next block starts */
};

G_DEFINE_FINAL_TYPE (DozorReportWriter, dozor_report_writer, G_TYPE_OBJECT)

static void
dozor_report_writer_finalize (GObject *object)
{
  DozorReportWriter *self = (DozorReportWriter *)object;

  g_clear_pointer (&self->cr, cairo_destroy);
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  g_free (self->centre);
  g_free (self->officer);
  g_free (self->title);
  g_free (self->period);

  G_OBJECT_CLASS (dozor_report_writer_parent_class)->finalize (object);
}

static void
dozor_report_writer_class_init (DozorReportWriterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_report_writer_finalize;
}

static void
dozor_report_writer_init (DozorReportWriter *self)
{
}

/* A layout of @text in the report's font, wrapped at @width points. */
static PangoLayout *
new_layout (cairo_t    *cr,
            const char *text,
            double      size,
            gboolean    bold,
            double      width)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (FONT);

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  int width, height;

  pango_layout_get_size (layout, &width, &height);
  return (double) height / PANGO_SCALE;
}

static void
show_layout (cairo_t     *cr,
             PangoLayout *layout,
             double       x,
             double       y)
{
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

/* The head of a page: centre, title and period, a rule; the page's
 * number at its foot. */
static void
begin_page (DozorReportWriter *self)
{
  double content = PAGE_WIDTH - 2 * MARGIN;
  g_autoptr(PangoLayout) centre = new_layout (self->cr, self->centre, 11, TRUE, content);
  g_autoptr(PangoLayout) title = NULL;
  g_autoptr(PangoLayout) period = NULL;
  g_autoptr(PangoLayout) number = NULL;
  g_autofree char *page_text = NULL;
  double y = MARGIN;

  self->page++;
  cairo_set_source_rgb (self->cr, 0, 0, 0);
  show_layout (self->cr, centre, MARGIN, y);
  y += layout_height (centre) + 2;
  title = new_layout (self->cr, self->title, 14, TRUE, content);
  show_layout (self->cr, title, MARGIN, y);
  y += layout_height (title) + 2;
  period = new_layout (self->cr, self->period, BODY_SIZE, FALSE, content);
  show_layout (self->cr, period, MARGIN, y);
  y += layout_height (period) + 4;

  cairo_set_line_width (self->cr, 0.8);
  cairo_move_to (self->cr, MARGIN, y);
  cairo_line_to (self->cr, PAGE_WIDTH - MARGIN, y);
  cairo_stroke (self->cr);

  /* TRANSLATORS: the number of a page of a report */
  page_text = g_strdup_printf (_("Page %u"), self->page);
  number = new_layout (self->cr, page_text, 8, FALSE, 0);
  show_layout (self->cr, number, MARGIN, PAGE_HEIGHT - MARGIN + 12);

  self->y = y + 10;
}

static void
new_page (DozorReportWriter *self)
{
  cairo_show_page (self->cr);
  begin_page (self);
}

/* Makes room for @height points on this page, or starts the next. */
static void
ensure_room (DozorReportWriter *self,
             double             height)
{
  if (self->y + height > PAGE_HEIGHT - MARGIN)
    new_page (self);
}

/**
 * dozor_report_writer_new:
 * @path: the PDF file to write
 * @centre: the centre's name, at the head of every page
 * @officer: the signing officer's name, at the end
 * @title: the report's title
 * @period: the period it covers, as the reader should read it
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): a writer on its first page, or
 *   %NULL with @error set when the file cannot be made
 */
DozorReportWriter *
dozor_report_writer_new (const char  *path,
                         const char  *centre,
                         const char  *officer,
                         const char  *title,
                         const char  *period,
                         GError     **error)
{
  g_autoptr(DozorReportWriter) self = g_object_new (DOZOR_TYPE_REPORT_WRITER, NULL);

  self->surface = cairo_pdf_surface_create (path, PAGE_WIDTH, PAGE_HEIGHT);
  if (cairo_surface_status (self->surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write the report to %s: %s"), path,
                   cairo_status_to_string (cairo_surface_status (self->surface)));
      return NULL;
    }
  cairo_pdf_surface_set_metadata (self->surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (self->surface, CAIRO_PDF_METADATA_AUTHOR, centre);
  self->cr = cairo_create (self->surface);
  self->centre = g_strdup (centre);
  self->officer = g_strdup (officer);
  self->title = g_strdup (title);
  self->period = g_strdup (period);
  begin_page (self);
  return g_steal_pointer (&self);
}

/**
 * dozor_report_writer_heading:
 * @self: a #DozorReportWriter
 * @text: a section's heading
 *
 * Starts a section; a heading never stands alone at a page's foot.
 */
void
dozor_report_writer_heading (DozorReportWriter *self,
                             const char        *text)
{
  g_autoptr(PangoLayout) layout = new_layout (self->cr, text, 11.5, TRUE, PAGE_WIDTH - 2 * MARGIN);
  double height = layout_height (layout);

  ensure_room (self, height + 60);
  self->y += 4;
  show_layout (self->cr, layout, MARGIN, self->y);
  self->y += height + 4;
}

/**
 * dozor_report_writer_paragraph:
 * @self: a #DozorReportWriter
 * @text: text, wrapped at the margins
 */
void
dozor_report_writer_paragraph (DozorReportWriter *self,
                               const char        *text)
{
  g_autoptr(PangoLayout) layout = new_layout (self->cr, text, BODY_SIZE, FALSE, PAGE_WIDTH - 2 * MARGIN);
  double height = layout_height (layout);

  ensure_room (self, height);
  show_layout (self->cr, layout, MARGIN, self->y);
  self->y += height + 4;
}

/* A row of cells at the current height; returns its height. */
static double
draw_row (DozorReportWriter *self,
          const char *const *cells,
          const double      *widths,
          gboolean           header,
          gboolean           measure_only)
{
  double content = PAGE_WIDTH - 2 * MARGIN;
  double height = 0, x = MARGIN;

  for (guint i = 0; cells[i] != NULL; i++)
    {
      g_autoptr(PangoLayout) layout = new_layout (self->cr, cells[i], 8.5, header, widths[i] * content - 2 * CELL_PAD);

      height = MAX (height, layout_height (layout) + 2 * CELL_PAD);
    }
  if (measure_only)
    return height;

  if (header)
    {
      cairo_set_source_rgb (self->cr, 0.90, 0.91, 0.93);
      cairo_rectangle (self->cr, MARGIN, self->y, content, height);
      cairo_fill (self->cr);
    }
  cairo_set_source_rgb (self->cr, 0, 0, 0);
  for (guint i = 0; cells[i] != NULL; i++)
    {
      g_autoptr(PangoLayout) layout = new_layout (self->cr, cells[i], 8.5, header, widths[i] * content - 2 * CELL_PAD);

      show_layout (self->cr, layout, x + CELL_PAD, self->y + CELL_PAD);
      x += widths[i] * content;
    }
  cairo_set_line_width (self->cr, 0.4);
  cairo_set_source_rgb (self->cr, 0.55, 0.55, 0.6);
  cairo_move_to (self->cr, MARGIN, self->y + height);
  cairo_line_to (self->cr, MARGIN + content, self->y + height);
  cairo_stroke (self->cr);
  cairo_set_source_rgb (self->cr, 0, 0, 0);
  self->y += height;
  return height;
}

/**
 * dozor_report_writer_table:
 * @self: a #DozorReportWriter
 * @headers: (array zero-terminated=1): the columns' headers
 * @widths: each column's share of the text width, adding up to 1
 * @rows: (element-type GStrv): the rows, as many cells as @headers
 *
 * A table that breaks across pages: a row that does not fit goes to the
 * next page, under the header again.
 */
void
dozor_report_writer_table (DozorReportWriter *self,
                           const char *const *headers,
                           const double      *widths,
                           GPtrArray         *rows)
{
  double header_height = draw_row (self, headers, widths, TRUE, TRUE);

  ensure_room (self, header_height + (rows->len > 0 ? draw_row (self, g_ptr_array_index (rows, 0), widths, FALSE, TRUE)
                                                    : 0));
  draw_row (self, headers, widths, TRUE, FALSE);
  for (guint r = 0; r < rows->len; r++)
    {
      const char *const *row = g_ptr_array_index (rows, r);

      if (self->y + draw_row (self, row, widths, FALSE, TRUE) > PAGE_HEIGHT - MARGIN)
        {
          new_page (self);
          draw_row (self, headers, widths, TRUE, FALSE);
        }
      draw_row (self, row, widths, FALSE, FALSE);
    }
  self->y += 8;
}

/**
 * dozor_report_writer_figure:
 * @self: a #DozorReportWriter
 * @height: the figure's height in points (the width is the text's)
 * @draw: (scope call): draws it
 * @user_data: for @draw
 */
void
dozor_report_writer_figure (DozorReportWriter   *self,
                            double               height,
                            DozorReportDrawFunc  draw,
                            gpointer             user_data)
{
  ensure_room (self, height);
  cairo_save (self->cr);
  draw (self->cr, MARGIN, self->y, PAGE_WIDTH - 2 * MARGIN, height, user_data);
  cairo_restore (self->cr);
  self->y += height + 8;
}

/**
 * dozor_report_writer_finish:
 * @self: a #DozorReportWriter
 * @error: return location for a #GError
 *
 * Ends the report with the signing officer's name and a line to sign on,
 * and closes the file.
 *
 * Returns: whether the PDF was written whole
 */
gboolean
dozor_report_writer_finish (DozorReportWriter  *self,
                            GError            **error)
{
  g_autofree char *signed_by = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  g_autoptr(PangoLayout) sign = NULL;
  cairo_status_t status;
  double line_y;

  ensure_room (self, SIGNATURE_HEIGHT);
  self->y += 24;
  /* TRANSLATORS: before the name of the officer who signs a report */
  signed_by = g_strdup_printf (_("Signing officer: %s"), self->officer);
  layout = new_layout (self->cr, signed_by, 10, FALSE, 0);
  show_layout (self->cr, layout, MARGIN, self->y);
  line_y = self->y + layout_height (layout) + 22;
  cairo_set_line_width (self->cr, 0.8);
  cairo_move_to (self->cr, MARGIN, line_y);
  cairo_line_to (self->cr, MARGIN + 200, line_y);
  cairo_stroke (self->cr);
  /* TRANSLATORS: under the line a report is signed on */
  sign = new_layout (self->cr, _("(signature)"), 7.5, FALSE, 0);
  show_layout (self->cr, sign, MARGIN + 70, line_y + 2);

  cairo_show_page (self->cr);
  g_clear_pointer (&self->cr, cairo_destroy);
  cairo_surface_finish (self->surface);
  status = cairo_surface_status (self->surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The report could not be written: %s"),
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
