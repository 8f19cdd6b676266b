/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Text on the wall's views, sized by the legibility rule: the capital
 * letters of the smallest text are the rule's height (docs/wall.md);
 * headings and figures are larger multiples of it, never smaller.
 */
#include "config.h"

#include "dozor-label-size.h"
#include "dozor-wall-text.h"

/**
 * dozor_wall_text_size:
 * @label: a label of a wall view
 * @cap_height: the rule's capital-letter height, in pixels; 0 leaves the
 *   label as the theme draws it (a desk, or before the wall knows)
 * @scale: how many times the rule's height this text is; at least 1
 * @bold: whether it is bold
 *
 * Sizes the label's font so that its capitals are @scale × @cap_height
 * high, measured in the label's own font.
 */
void
dozor_wall_text_size (GtkLabel *label,
                      double    cap_height,
                      double    scale,
                      gboolean  bold)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (label));
  PangoWeight weight = bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL;
  g_autoptr(PangoAttrList) attributes = pango_attr_list_new ();
  double size;

  if (cap_height <= 0)
    return;
  size = dozor_label_pango_size_for_cap_height (context, weight, cap_height * MAX (scale, 1.0));
  pango_attr_list_insert (attributes, pango_attr_weight_new (weight));
  pango_attr_list_insert (attributes, pango_attr_size_new_absolute ((int) size));
  gtk_label_set_attributes (label, attributes);
}
