/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_ORIENTATION_CANCEL_FORM (dozor_orientation_cancel_form_get_type ())
G_DECLARE_FINAL_TYPE (DozorOrientationCancelForm, dozor_orientation_cancel_form, DOZOR, ORIENTATION_CANCEL_FORM,
                      AdwMessageDialog)

DozorOrientationCancelForm *dozor_orientation_cancel_form_new      (GtkWindow                  *parent,
                                                                    const char                 *orientation_id);
const char                 *dozor_orientation_cancel_form_get_id   (DozorOrientationCancelForm *self);
JsonNode                   *dozor_orientation_cancel_form_get_body (DozorOrientationCancelForm *self);

G_END_DECLS
