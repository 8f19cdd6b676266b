/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_ORIENTATION_FORM (dozor_orientation_form_get_type ())
G_DECLARE_FINAL_TYPE (DozorOrientationForm, dozor_orientation_form, DOZOR, ORIENTATION_FORM, AdwMessageDialog)

DozorOrientationForm *dozor_orientation_form_new      (GtkWindow            *parent);
JsonNode             *dozor_orientation_form_get_body (DozorOrientationForm *self);

G_END_DECLS
