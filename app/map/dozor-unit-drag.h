/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* What a dragged unit carries: its id. A type of its own, so only the
 * board's own drop targets (an incident on the map or in the queue) take
 * it, never a text field. */
typedef struct _DozorUnitDrag DozorUnitDrag;

#define DOZOR_TYPE_UNIT_DRAG (dozor_unit_drag_get_type ())

GType               dozor_unit_drag_get_type     (void) G_GNUC_CONST;
GdkContentProvider *dozor_unit_drag_new_content  (const char          *unit_id);
const char         *dozor_unit_drag_get_unit_id  (const DozorUnitDrag *self);
GdkPaintable       *dozor_unit_drag_make_icon    (const char          *call_sign,
                                                  const char          *status,
                                                  gboolean             stale);

G_END_DECLS
