/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_MESSAGE_ACTION_FORM (dozor_message_action_form_get_type ())
G_DECLARE_FINAL_TYPE (DozorMessageActionForm, dozor_message_action_form, DOZOR, MESSAGE_ACTION_FORM, AdwMessageDialog)

DozorMessageActionForm *dozor_message_action_form_new      (GtkWindow              *parent,
                                                            const char             *heading,
                                                            const char             *summary,
                                                            const char             *action);
const char             *dozor_message_action_form_get_text (DozorMessageActionForm *self);

G_END_DECLS
