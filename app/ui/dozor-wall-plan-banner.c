/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The key figure of every active special operating plan, on a wall: a
 * line per plan over the bottom of the map, "Выезды из города: all posts
 * covered in 8 min 12 s", or while posts are still open, how many are
 * covered and how long since the activation, counting on each second.
 * Sized by the wall's legibility rule (dozor_wall_text_size()); hidden
 * while no plan is active. The posts themselves are on the map's post
 * layer, the same as a desk's.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-plan.h"
#include "dozor-wall-plan-banner.h"
#include "dozor-wall-text.h"

struct _DozorWallPlanBanner
{
  GtkWidget parent_instance;

  GtkLabel *label;
  DozorSituation *situation;
  double cap_height;    /* pixels; 0 until the wall sets it */
  guint tick_id;
  char *logged;         /* the line last logged, for tests */
};

G_DEFINE_FINAL_TYPE (DozorWallPlanBanner, dozor_wall_plan_banner, GTK_TYPE_WIDGET)

static void
update (DozorWallPlanBanner *self)
{
  g_autoptr(GList) plans = g_list_sort (dozor_situation_get_entities (self->situation, "plan"), dozor_plan_compare_names);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) logged = g_string_new (NULL);
  gint64 now = g_get_real_time ();

  for (GList *l = plans; l != NULL; l = l->next)
    {
      JsonObject *plan = json_node_get_object (l->data);
      g_autofree char *figure = dozor_plan_describe_cover (plan, now);
      guint n_posts, covered;

      if (figure == NULL)
        continue;
      covered = dozor_plan_count_covered (plan, &n_posts);
      /* TRANSLATORS: a plan's name and its key figure, on a wall */
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, _("%s: %s"), json_object_get_string_member_with_default (plan, "name", ""),
                              figure);
      g_string_append_printf (logged, "%s%s %u/%u%s", logged->len > 0 ? "; " : "",
                              json_object_get_string_member_with_default (plan, "name", ""), covered, n_posts,
                              covered == n_posts ? " all covered" : "");
    }

  gtk_widget_set_visible (GTK_WIDGET (self), text->len > 0);
  gtk_label_set_text (self->label, text->str);
  /* Tests wait for this line; it changes with the posts, not each second. */
  if (g_strcmp0 (logged->str, self->logged) != 0)
    {
      g_debug ("Wall plans: %s", logged->len > 0 ? logged->str : "none active");
      g_free (self->logged);
      self->logged = g_strdup (logged->str);
    }
}

static gboolean
tick_cb (gpointer user_data)
{
  DozorWallPlanBanner *self = user_data;

  if (gtk_widget_get_visible (GTK_WIDGET (self)))
    update (self);
  return G_SOURCE_CONTINUE;
}

static void
changed_cb (DozorSituation      *situation,
            guint                what,
            DozorWallPlanBanner *self)
{
  if (what & DOZOR_SITUATION_PLANS)
    update (self);
}

static void
dozor_wall_plan_banner_dispose (GObject *object)
{
  DozorWallPlanBanner *self = DOZOR_WALL_PLAN_BANNER (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_pointer ((GtkWidget **) &self->label, gtk_widget_unparent);
  g_clear_object (&self->situation);
  g_clear_pointer (&self->logged, g_free);

  G_OBJECT_CLASS (dozor_wall_plan_banner_parent_class)->dispose (object);
}

static void
dozor_wall_plan_banner_class_init (DozorWallPlanBannerClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = dozor_wall_plan_banner_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "wallplans");
}

static void
dozor_wall_plan_banner_init (DozorWallPlanBanner *self)
{
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->label, 0);
  gtk_label_set_wrap (self->label, TRUE);
  gtk_widget_set_parent (GTK_WIDGET (self->label), GTK_WIDGET (self));
  /* Bottom centre: the map's scale bar is in the lower left corner and its
   * attribution in the lower right. */
  gtk_widget_set_halign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_END);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self), 24);
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  /* Light text on a dark, translucent ground: legible over any map. */
  gtk_widget_add_css_class (GTK_WIDGET (self), "osd");
  gtk_widget_add_css_class (GTK_WIDGET (self->label), "wall-plans");
}

/**
 * dozor_wall_plan_banner_new:
 * @situation: where the plans are
 *
 * Returns: (transfer floating): the banner, shown while a plan is active
 */
DozorWallPlanBanner *
dozor_wall_plan_banner_new (DozorSituation *situation)
{
  DozorWallPlanBanner *self = g_object_new (DOZOR_TYPE_WALL_PLAN_BANNER, NULL);

  self->situation = g_object_ref (situation);
  g_signal_connect_object (situation, "changed", G_CALLBACK (changed_cb), self, 0);
  self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
  update (self);
  return self;
}

/**
 * dozor_wall_plan_banner_set_cap_height:
 * @self: a #DozorWallPlanBanner
 * @cap_height: the height of its capital letters, in pixels
 */
void
dozor_wall_plan_banner_set_cap_height (DozorWallPlanBanner *self,
                                       double               cap_height)
{
  g_return_if_fail (DOZOR_IS_WALL_PLAN_BANNER (self));

  self->cap_height = cap_height;
  dozor_wall_text_size (self->label, cap_height, 1.0, TRUE);
}
