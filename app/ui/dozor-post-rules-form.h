/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_POST_RULES_FORM (dozor_post_rules_form_get_type ())

G_DECLARE_FINAL_TYPE (DozorPostRulesForm, dozor_post_rules_form, DOZOR, POST_RULES_FORM, AdwBin)

DozorPostRulesForm *dozor_post_rules_form_new       (JsonObject         *rules);
DozorPostRulesForm *dozor_post_rules_form_new_for_route (JsonObject     *rules);
void                dozor_post_rules_form_set_rules (DozorPostRulesForm *self,
                                                     JsonObject         *rules);
JsonObject         *dozor_post_rules_form_get_rules (DozorPostRulesForm *self);

G_END_DECLS
