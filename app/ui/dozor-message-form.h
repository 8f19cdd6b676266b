/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_MESSAGE_FORM (dozor_message_form_get_type ())
G_DECLARE_FINAL_TYPE (DozorMessageForm, dozor_message_form, DOZOR, MESSAGE_FORM, AdwMessageDialog)

DozorMessageForm *dozor_message_form_new      (GtkWindow        *parent);
JsonNode         *dozor_message_form_get_body (DozorMessageForm *self);

G_END_DECLS
