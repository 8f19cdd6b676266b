/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _DozorPointIndex DozorPointIndex;

#define DOZOR_TYPE_POINT_INDEX (dozor_point_index_get_type ())

GType            dozor_point_index_get_type (void) G_GNUC_CONST;
DozorPointIndex *dozor_point_index_new      (double           cell_size);
DozorPointIndex *dozor_point_index_ref      (DozorPointIndex *self);
void             dozor_point_index_unref    (DozorPointIndex *self);
void             dozor_point_index_add      (DozorPointIndex *self,
                                             double           x,
                                             double           y,
                                             double           radius,
                                             guint            item);
gboolean         dozor_point_index_find     (DozorPointIndex *self,
                                             double           x,
                                             double           y,
                                             double           slop,
                                             guint           *item);
guint            dozor_point_index_get_size (DozorPointIndex *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DozorPointIndex, dozor_point_index_unref)

G_END_DECLS
