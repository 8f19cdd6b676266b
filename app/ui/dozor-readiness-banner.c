/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The degree of readiness across the top of every board, desk and wall:
 * the level in its colour, why, who raised it and how long ago. Hidden at
 * normal readiness, so that a banner always means something. The age
 * counts in seconds for its first two minutes: it is refreshed every
 * second while the banner is on screen (and not otherwise), and at once
 * when the situation's clock moves, as a replay's does when it seeks or
 * plays between events.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-json.h"
#include "dozor-labels.h"
#include "dozor-readiness-banner.h"
#include "dozor-wall-text.h"

#define REFRESH_SECONDS 1

struct _DozorReadinessBanner
{
  AdwBin parent_instance;

  GtkLabel *level_label;
  GtkLabel *reason_label;
  GtkLabel *by_label;

  DozorSituation *situation;
  guint refresh_id;
};

G_DEFINE_FINAL_TYPE (DozorReadinessBanner, dozor_readiness_banner, ADW_TYPE_BIN)

static const char *const level_classes[] = { "raised", "high", "full" };

/* How long ago an RFC 3339 time was, or NULL if it is not one. */
static char *
age_of (DozorReadinessBanner *self,
        const char           *time)
{
  g_autoptr(GDateTime) then = time != NULL ? g_date_time_new_from_iso8601 (time, NULL) : NULL;

  if (then == NULL)
    return NULL;
  /* A replay's banner: "raised … ago" from its moment. */
  return dozor_format_age (dozor_situation_get_now (self->situation) -
                           (g_date_time_to_unix (then) * G_USEC_PER_SEC + g_date_time_get_microsecond (then)));
}

static void
update_by (DozorReadinessBanner *self)
{
  JsonObject *readiness = dozor_situation_get_readiness_object (self->situation);
  const char *by = dozor_json_get_string (readiness, "set_by");
  const char *raised_at = dozor_json_get_string (readiness, "raised_at");
  const char *set_at = dozor_json_get_string (readiness, "set_at");
  g_autofree char *raised_age = age_of (self, raised_at);
  g_autofree char *set_age = age_of (self, set_at);
  g_autofree char *text = NULL;

  if (by == NULL || raised_age == NULL)
    text = g_strdup ("");
  else if (g_strcmp0 (raised_at, set_at) == 0 || set_age == NULL)
    /* TRANSLATORS: "raised by sup · 12 min ago" */
    text = g_strdup_printf (_("raised by %s · %s ago"), by, raised_age);
  else
    /* TRANSLATORS: "raised 40 min ago · this level set by sup 12 min ago" */
    text = g_strdup_printf (_("raised %s ago · this level set by %s %s ago"), raised_age, by, set_age);
  if (g_strcmp0 (gtk_label_get_text (self->by_label), text) == 0)
    return;
  gtk_label_set_text (self->by_label, text);
  /* The UI tests read the age a replay's moment gives. */
  g_debug ("Readiness banner age: %s", text);
}

static gboolean
refresh_cb (gpointer user_data)
{
  update_by (user_data);
  return G_SOURCE_CONTINUE;
}

static void
update (DozorReadinessBanner *self)
{
  const char *level = dozor_situation_get_readiness (self->situation);
  JsonObject *readiness = dozor_situation_get_readiness_object (self->situation);
  gboolean shown = g_strcmp0 (level, "normal") != 0;

  for (guint i = 0; i < G_N_ELEMENTS (level_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self), level_classes[i]);
  if (shown)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), level);
      gtk_label_set_text (self->level_label, dozor_readiness_label (level));
      gtk_label_set_text (self->reason_label,
                          dozor_json_get_string (readiness, "reason") ?: "");
      update_by (self);
    }
  /* The UI tests wait for these lines. */
  if (shown)
    g_debug ("Readiness banner shown: %s", level);
  else if (gtk_widget_get_visible (GTK_WIDGET (self)))
    g_debug ("Readiness banner hidden");
  gtk_widget_set_visible (GTK_WIDGET (self), shown);
}

static void
clock_cb (DozorReadinessBanner *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self)))
    update_by (self);
}

static void
situation_changed_cb (DozorSituation       *situation,
                      guint                 what,
                      DozorReadinessBanner *self)
{
  if (what & DOZOR_SITUATION_READINESS)
    update (self);
}

/* The age runs only while someone can see it. */
static void
dozor_readiness_banner_map (GtkWidget *widget)
{
  DozorReadinessBanner *self = DOZOR_READINESS_BANNER (widget);

  GTK_WIDGET_CLASS (dozor_readiness_banner_parent_class)->map (widget);
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, refresh_cb, self);
}

static void
dozor_readiness_banner_unmap (GtkWidget *widget)
{
  DozorReadinessBanner *self = DOZOR_READINESS_BANNER (widget);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  GTK_WIDGET_CLASS (dozor_readiness_banner_parent_class)->unmap (widget);
}

static void
dozor_readiness_banner_dispose (GObject *object)
{
  DozorReadinessBanner *self = DOZOR_READINESS_BANNER (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->situation != NULL)
    g_signal_handlers_disconnect_by_data (self->situation, self);
  g_clear_object (&self->situation);
  gtk_widget_dispose_template (GTK_WIDGET (self), DOZOR_TYPE_READINESS_BANNER);

  G_OBJECT_CLASS (dozor_readiness_banner_parent_class)->dispose (object);
}

static void
dozor_readiness_banner_class_init (DozorReadinessBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_readiness_banner_dispose;
  widget_class->map = dozor_readiness_banner_map;
  widget_class->unmap = dozor_readiness_banner_unmap;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dozor-readiness-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorReadinessBanner, level_label);
  gtk_widget_class_bind_template_child (widget_class, DozorReadinessBanner, reason_label);
  gtk_widget_class_bind_template_child (widget_class, DozorReadinessBanner, by_label);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_STATUS);
}

static void
dozor_readiness_banner_init (DozorReadinessBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * dozor_readiness_banner_set_situation:
 * @self: a #DozorReadinessBanner
 * @situation: the board's situation, whose readiness it shows
 */
void
dozor_readiness_banner_set_situation (DozorReadinessBanner *self,
                                      DozorSituation       *situation)
{
  g_return_if_fail (DOZOR_IS_READINESS_BANNER (self));
  g_return_if_fail (self->situation == NULL);

  self->situation = g_object_ref (situation);
  g_signal_connect (situation, "changed", G_CALLBACK (situation_changed_cb), self);
  g_signal_connect_swapped (situation, "notify::clock", G_CALLBACK (clock_cb), self);
  update (self);
}

/**
 * dozor_readiness_banner_set_cap_height:
 * @self: a #DozorReadinessBanner
 * @cap_height: on a wall, the legibility rule's capital height in pixels
 *   (docs/wall.md); 0 on a desk
 *
 * The level is a heading (1.3 times the rule), the reason and who raised
 * it and when are the wall's smallest text, the rule's height itself;
 * on a wall they stand one under another.
 */
void
dozor_readiness_banner_set_cap_height (DozorReadinessBanner *self,
                                       double                cap_height)
{
  GtkWidget *box = adw_bin_get_child (ADW_BIN (self));
  gboolean wall = cap_height > 0;

  g_return_if_fail (DOZOR_IS_READINESS_BANNER (self));

  /* At a wall's size the three side by side would run off the monitor:
   * one under another, each wrapping, as wide as the wall. */
  gtk_orientable_set_orientation (GTK_ORIENTABLE (box), wall ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
  gtk_box_set_spacing (GTK_BOX (box), wall ? 0 : 18);
  gtk_label_set_wrap (self->level_label, wall);
  gtk_label_set_wrap (self->by_label, wall);
  gtk_label_set_xalign (self->by_label, wall ? 0 : 1);
  dozor_wall_text_size (self->level_label, cap_height, 1.3, TRUE);
  dozor_wall_text_size (self->reason_label, cap_height, 1.0, TRUE);
  dozor_wall_text_size (self->by_label, cap_height, 1.0, FALSE);
  g_debug ("Readiness banner: cap height %.0f px", cap_height);
}
