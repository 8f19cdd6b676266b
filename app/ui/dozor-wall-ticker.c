/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The wall's events ticker (issue 16, item 3): the latest events in plain
 * words, newest on top, "14:02 Барыс-16 arrived — Theft, пр. Абая, 10".
 * The words are lib's (dozor-event-text.c), made from the situation as it
 * was just before each event, which the situation's "applying" signal
 * gives. A ticker that scrolled sideways could not be read from the back
 * of the room in the time a line is shown: the lines stand still and the
 * oldest leaves at the bottom.
 *
 * The ticker asks for two lines and shows as many as its cell holds, each
 * whole: on a monitor that also shows the figures, these must not lose
 * their room to the eighth-newest event, and a line cut in half at the
 * cell's edge is not read.
 */
#include "config.h"

#include <string.h>

#include "dozor-event-text.h"
#include "dozor-wall-text.h"
#include "dozor-wall-ticker.h"

/* Lines kept: more would not fit at a wall's text size. */
#define LINES 8
/* Lines the ticker asks room for; it takes more when its cell has it. */
#define LINES_ASKED 2

struct _DozorWallTicker
{
  GtkWidget parent_instance;

  GtkLabel *lines[LINES];
  int spacing;
  char *texts[LINES];   /* newest first */
  DozorSituation *situation;
  GTimeZone *zone;
  double cap_height;
};

G_DEFINE_FINAL_TYPE (DozorWallTicker, dozor_wall_ticker, GTK_TYPE_WIDGET)

static void
show_lines (DozorWallTicker *self)
{
  for (guint i = 0; i < LINES; i++)
    {
      gtk_label_set_text (self->lines[i], self->texts[i] != NULL ? self->texts[i] : "");
      gtk_widget_set_visible (GTK_WIDGET (self->lines[i]), self->texts[i] != NULL);
    }
}

static void
applying_cb (DozorWallTicker *self,
             JsonObject      *event)
{
  g_autofree char *sentence = dozor_event_describe (self->situation, event, self->zone);

  if (sentence == NULL)
    return;
  /* Tests read this line; keep its wording. */
  g_message ("Wall ticker: %s", sentence);
  g_free (self->texts[LINES - 1]);
  memmove (&self->texts[1], &self->texts[0], sizeof self->texts[0] * (LINES - 1));
  self->texts[0] = g_steal_pointer (&sentence);
  show_lines (self);
}

static GtkSizeRequestMode
get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

/* As wide as the widest line; as high as the first LINES_ASKED lines (at
 * least one): the rest is shown where there is room. */
static void
measure (GtkWidget      *widget,
         GtkOrientation  orientation,
         int             for_size,
         int            *minimum,
         int            *natural,
         int            *minimum_baseline,
         int            *natural_baseline)
{
  DozorWallTicker *self = DOZOR_WALL_TICKER (widget);
  guint counted = 0;

  *minimum = *natural = 0;
  for (guint i = 0; i < LINES; i++)
    {
      int line_min, line_nat;

      if (!gtk_widget_get_visible (GTK_WIDGET (self->lines[i])))
        continue;
      gtk_widget_measure (GTK_WIDGET (self->lines[i]), orientation, orientation == GTK_ORIENTATION_VERTICAL ? for_size : -1,
                          &line_min, &line_nat, NULL, NULL);
      if (orientation == GTK_ORIENTATION_HORIZONTAL)
        {
          *minimum = MAX (*minimum, line_min);
          *natural = MAX (*natural, line_nat);
        }
      else if (counted++ < LINES_ASKED)
        {
          if (counted == 1)
            *minimum = line_min;
          *natural += line_nat + (counted > 1 ? self->spacing : 0);
        }
    }
  *minimum_baseline = *natural_baseline = -1;
}

/* The newest lines, top down, as many as fit whole. */
static void
size_allocate (GtkWidget *widget,
               int        width,
               int        height,
               int        baseline)
{
  DozorWallTicker *self = DOZOR_WALL_TICKER (widget);
  int y = 0;

  for (guint i = 0; i < LINES; i++)
    {
      GtkWidget *line = GTK_WIDGET (self->lines[i]);
      int line_height;

      if (!gtk_widget_get_visible (line))
        continue;
      gtk_widget_measure (line, GTK_ORIENTATION_VERTICAL, width, &line_height, NULL, NULL, NULL);
      gtk_widget_set_child_visible (line, y + line_height <= height);
      if (y + line_height <= height)
        gtk_widget_size_allocate (line, &(GtkAllocation) { 0, y, width, line_height }, -1);
      y += line_height + self->spacing;
    }
}

static void
dozor_wall_ticker_dispose (GObject *object)
{
  DozorWallTicker *self = DOZOR_WALL_TICKER (object);

  for (guint i = 0; i < LINES; i++)
    g_clear_pointer ((GtkWidget **) &self->lines[i], gtk_widget_unparent);
  if (self->situation != NULL)
    g_signal_handlers_disconnect_by_data (self->situation, self);
  g_clear_object (&self->situation);
  g_clear_pointer (&self->zone, g_time_zone_unref);

  G_OBJECT_CLASS (dozor_wall_ticker_parent_class)->dispose (object);
}

static void
dozor_wall_ticker_finalize (GObject *object)
{
  DozorWallTicker *self = DOZOR_WALL_TICKER (object);

  for (guint i = 0; i < LINES; i++)
    g_free (self->texts[i]);

  G_OBJECT_CLASS (dozor_wall_ticker_parent_class)->finalize (object);
}

static void
dozor_wall_ticker_class_init (DozorWallTickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_wall_ticker_dispose;
  object_class->finalize = dozor_wall_ticker_finalize;
  widget_class->get_request_mode = get_request_mode;
  widget_class->measure = measure;
  widget_class->size_allocate = size_allocate;
  gtk_widget_class_set_css_name (widget_class, "wallticker");
}

static void
dozor_wall_ticker_init (DozorWallTicker *self)
{
  self->zone = g_time_zone_new_local ();
  self->spacing = 4;
  for (guint i = 0; i < LINES; i++)
    {
      self->lines[i] = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_xalign (self->lines[i], 0);
      gtk_label_set_ellipsize (self->lines[i], PANGO_ELLIPSIZE_END);
      /* Older lines fade: the newest is what changed. */
      gtk_widget_set_opacity (GTK_WIDGET (self->lines[i]), 1.0 - 0.08 * i);
      gtk_widget_set_parent (GTK_WIDGET (self->lines[i]), GTK_WIDGET (self));
    }
  show_lines (self);
}

/**
 * dozor_wall_ticker_new:
 * @situation: what the wall shows
 *
 * Returns: (transfer floating): the ticker, empty until something happens
 */
DozorWallTicker *
dozor_wall_ticker_new (DozorSituation *situation)
{
  DozorWallTicker *self = g_object_new (DOZOR_TYPE_WALL_TICKER, NULL);

  self->situation = g_object_ref (situation);
  g_signal_connect_swapped (situation, "applying", G_CALLBACK (applying_cb), self);
  return self;
}

/**
 * dozor_wall_ticker_set_cap_height:
 * @self: a #DozorWallTicker
 * @cap_height: the legibility rule's capital height, in pixels
 */
void
dozor_wall_ticker_set_cap_height (DozorWallTicker *self,
                                  double           cap_height)
{
  g_return_if_fail (DOZOR_IS_WALL_TICKER (self));

  self->cap_height = cap_height;
  for (guint i = 0; i < LINES; i++)
    dozor_wall_text_size (self->lines[i], cap_height, 1.0, i == 0);
  self->spacing = (int) MAX (cap_height * 0.6, 4);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}
