/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_UNIT_ITEM (dozor_unit_item_get_type ())
G_DECLARE_FINAL_TYPE (DozorUnitItem, dozor_unit_item, DOZOR, UNIT_ITEM, GObject)

DozorUnitItem *dozor_unit_item_new           (const char    *id);
const char    *dozor_unit_item_get_id        (DozorUnitItem *self);
const char    *dozor_unit_item_get_call_sign (DozorUnitItem *self);
const char    *dozor_unit_item_get_call_sign_key (DozorUnitItem *self);
const char    *dozor_unit_item_get_status    (DozorUnitItem *self);
gboolean       dozor_unit_item_get_position  (DozorUnitItem *self,
                                              double        *lat,
                                              double        *lon,
                                              gint64        *fix_time);
void           dozor_unit_item_update        (DozorUnitItem *self,
                                              const char    *call_sign,
                                              const char    *status,
                                              gboolean       has_fix,
                                              double         lat,
                                              double         lon,
                                              gint64         fix_time);

G_END_DECLS
