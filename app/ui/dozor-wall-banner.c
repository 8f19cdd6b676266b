/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What a wall says, large, when it is not live: that it is not, and since
 * when, in the room's local time. A wall has nobody in front of it to read
 * a small label in a header bar, and a picture that stopped moving looks
 * exactly like a quiet city.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-wall-banner.h"
#include "dozor-wall-text.h"

struct _DozorWallBanner
{
  GtkWidget parent_instance;

  GtkLabel *label;
  DozorSyncClient *sync;
  GDateTime *since;     /* when the wall stopped being live; NULL while live */
  double cap_height;    /* pixels; 0 until the wall sets it */
};

G_DEFINE_FINAL_TYPE (DozorWallBanner, dozor_wall_banner, GTK_TYPE_WIDGET)

static void
update (DozorWallBanner *self)
{
  gboolean live = dozor_sync_client_get_state (self->sync) == DOZOR_SYNC_LIVE;
  const char *problem = dozor_sync_client_get_last_error (self->sync);
  g_autofree char *time = NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self), !live && self->since != NULL);
  if (live || self->since == NULL)
    return;

  time = g_date_time_format (self->since, "%X");
  /* The reason on a second line, for whoever comes to fix it. */
  if (problem != NULL)
    text = g_strdup_printf (_("Not live since %s\n%s"), time, problem);
  else
    text = g_strdup_printf (_("Not live since %s"), time);
  if (g_strcmp0 (gtk_label_get_text (self->label), text) != 0)
    {
      g_debug ("Wall banner: %s", text);
      gtk_label_set_text (self->label, text);
    }
}

/* The text's capital letters exactly cap_height high, in the font the
 * label has. */
static void
apply_size (DozorWallBanner *self)
{
  dozor_wall_text_size (self->label, self->cap_height, 1.0, TRUE);
  g_debug ("Wall banner: cap height %.0f px", self->cap_height);
}

static void
dozor_wall_banner_dispose (GObject *object)
{
  DozorWallBanner *self = DOZOR_WALL_BANNER (object);

  g_clear_pointer ((GtkWidget **) &self->label, gtk_widget_unparent);
  g_clear_object (&self->sync);
  g_clear_pointer (&self->since, g_date_time_unref);

  G_OBJECT_CLASS (dozor_wall_banner_parent_class)->dispose (object);
}

static void
dozor_wall_banner_class_init (DozorWallBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_wall_banner_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "wallbanner");
}

static void
dozor_wall_banner_init (DozorWallBanner *self)
{
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_justify (self->label, GTK_JUSTIFY_CENTER);
  gtk_label_set_wrap (self->label, TRUE);
  gtk_widget_set_parent (GTK_WIDGET (self->label), GTK_WIDGET (self));
  gtk_widget_set_halign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_START);
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self), "wall-not-live");
}

/**
 * dozor_wall_banner_new:
 * @sync: the wall's link
 * @not_live_since: (nullable): since when the wall has not been live, or
 *   %NULL while it is
 *
 * Returns: (transfer floating): the banner, shown only while not live
 */
DozorWallBanner *
dozor_wall_banner_new (DozorSyncClient *sync,
                       GDateTime       *not_live_since)
{
  DozorWallBanner *self = g_object_new (DOZOR_TYPE_WALL_BANNER, NULL);

  self->sync = g_object_ref (sync);
  self->since = not_live_since != NULL ? g_date_time_ref (not_live_since) : NULL;
  g_signal_connect_object (sync, "notify::state", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
  return self;
}

/**
 * dozor_wall_banner_set_cap_height:
 * @self: a #DozorWallBanner
 * @cap_height: the height of its capital letters, in pixels
 */
void
dozor_wall_banner_set_cap_height (DozorWallBanner *self,
                                  double           cap_height)
{
  g_return_if_fail (DOZOR_IS_WALL_BANNER (self));

  self->cap_height = cap_height;
  apply_size (self);
}

/**
 * dozor_wall_banner_set_since:
 * @self: a #DozorWallBanner
 * @not_live_since: (nullable): since when the wall has not been live
 */
void
dozor_wall_banner_set_since (DozorWallBanner *self,
                             GDateTime       *not_live_since)
{
  g_return_if_fail (DOZOR_IS_WALL_BANNER (self));

  g_clear_pointer (&self->since, g_date_time_unref);
  self->since = not_live_since != NULL ? g_date_time_ref (not_live_since) : NULL;
  update (self);
}
