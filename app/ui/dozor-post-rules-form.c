/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The rules of a roster entry's post or place (docs/api.md, "Duty
 * roster", a post's rules): its radius, the absence allowed before a
 * deviation, the reporting gap and the time after a dispatch when the unit
 * is not judged. Shown in the roster entry's editor under the entry's own
 * fields; the editor sends them back as the entry's `compliance`.
 *
 * A patrol route's rules are the same four members (docs/api.md, "Patrol
 * route"): the same form shows them, named for a route, in the route
 * rules dialog (DozorRouteRulesController).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-json.h"
#include "dozor-post-rules-form.h"

struct _DozorPostRulesForm
{
  AdwBin parent_instance;

  GtkLabel *heading_label;
  GtkLabel *threshold_label;
  GtkSpinButton *radius_spin;
  GtkSpinButton *dwell_spin;
  GtkSpinButton *gap_spin;
  GtkSpinButton *exempt_spin;
};

G_DEFINE_FINAL_TYPE (DozorPostRulesForm, dozor_post_rules_form, ADW_TYPE_BIN)

/* The spins in the order of the rules' members. */
static const char *const members[] = { "threshold_m", "dwell_s", "gap_s", "exempt_after_s" };

static GtkSpinButton **
spins (DozorPostRulesForm *self,
       guint               i)
{
  GtkSpinButton **all[] = { &self->radius_spin, &self->dwell_spin, &self->gap_spin, &self->exempt_spin };

  return all[i];
}

static void
dozor_post_rules_form_class_init (DozorPostRulesFormClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dozor-post-rules-form.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorPostRulesForm, heading_label);
  gtk_widget_class_bind_template_child (widget_class, DozorPostRulesForm, threshold_label);
  gtk_widget_class_bind_template_child (widget_class, DozorPostRulesForm, radius_spin);
  gtk_widget_class_bind_template_child (widget_class, DozorPostRulesForm, dwell_spin);
  gtk_widget_class_bind_template_child (widget_class, DozorPostRulesForm, gap_spin);
  gtk_widget_class_bind_template_child (widget_class, DozorPostRulesForm, exempt_spin);
}

static void
dozor_post_rules_form_init (DozorPostRulesForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * dozor_post_rules_form_new:
 * @rules: (nullable): a roster entry's `compliance`
 *
 * Returns: (transfer floating): the form, showing the rules
 */
DozorPostRulesForm *
dozor_post_rules_form_new (JsonObject *rules)
{
  DozorPostRulesForm *self = g_object_new (DOZOR_TYPE_POST_RULES_FORM, NULL);

  dozor_post_rules_form_set_rules (self, rules);
  return self;
}

/**
 * dozor_post_rules_form_new_for_route:
 * @rules: (nullable): a patrol route's `compliance`
 *
 * Returns: (transfer floating): the form, named for a route (its first
 *   member the distance from the route, not a post's radius), showing
 *   the rules
 */
DozorPostRulesForm *
dozor_post_rules_form_new_for_route (JsonObject *rules)
{
  DozorPostRulesForm *self = dozor_post_rules_form_new (rules);

  gtk_label_set_label (self->heading_label, _("Route rules"));
  gtk_label_set_label (self->threshold_label, _("_Distance from the route, m"));
  return self;
}

/**
 * dozor_post_rules_form_set_rules:
 * @self: a form
 * @rules: (nullable): the rules to show; a member left out keeps what the
 *   form shows
 */
void
dozor_post_rules_form_set_rules (DozorPostRulesForm *self,
                                 JsonObject         *rules)
{
  g_return_if_fail (DOZOR_IS_POST_RULES_FORM (self));

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    if (rules != NULL && json_object_has_member (rules, members[i]))
      gtk_spin_button_set_value (*spins (self, i), json_object_get_double_member (rules, members[i]));
}

/**
 * dozor_post_rules_form_get_rules:
 * @self: a form
 *
 * Returns: (transfer full): the rules as the form now shows them, the
 *   entry's `compliance` for a PATCH
 */
JsonObject *
dozor_post_rules_form_get_rules (DozorPostRulesForm *self)
{
  JsonObject *rules = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      /* The typed text, not the last value the spin took on focus-out. */
      gtk_spin_button_update (*spins (self, i));
      if (i == 0)
        json_object_set_double_member (rules, members[i], gtk_spin_button_get_value (*spins (self, i)));
      else
        json_object_set_int_member (rules, members[i], gtk_spin_button_get_value_as_int (*spins (self, i)));
    }
  return rules;
}
