/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How many units there are of each status, in a line under the unit
 * list's filter: "Available 143 · Dispatched 31 · On scene 20 · Stale 6",
 * numbers grouped as the user's locale groups them.
 *
 * Positions arrive thousands a second; counting on each would walk every
 * unit thousands of times a second on the main thread. The situation's
 * "changed" only marks the counts out of date, and they are counted at
 * most once a second from the situation's flat copies of the units (5,000
 * units: a few hundred microseconds; the debug line says how long). A fix
 * turns stale with no news at all, so the counts are also taken every few
 * seconds while nothing changes.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-unit-counts.h"

#define COUNT_SECONDS 1
/* With no change at all, counted anyway this often: stale fixes. */
#define IDLE_COUNT_SECONDS 5

enum
{
  COUNT_AVAILABLE,
  COUNT_DISPATCHED,
  COUNT_ON_SCENE,
  COUNT_BUSY,
  COUNT_OFF_DUTY,
  COUNT_STALE,
  N_COUNTS
};

struct _DozorUnitCounts
{
  GtkWidget parent_instance;

  GtkLabel *label;
  DozorSituation *situation;
  guint timer_id;
  gboolean dirty;
  guint idle_ticks;
};

G_DEFINE_FINAL_TYPE (DozorUnitCounts, dozor_unit_counts, GTK_TYPE_WIDGET)

static guint
status_slot (const char *status)
{
  if (g_strcmp0 (status, "available") == 0)
    return COUNT_AVAILABLE;
  if (g_strcmp0 (status, "dispatched") == 0 || g_strcmp0 (status, "en_route") == 0)
    return COUNT_DISPATCHED;
  if (g_strcmp0 (status, "on_scene") == 0)
    return COUNT_ON_SCENE;
  if (g_strcmp0 (status, "busy") == 0)
    return COUNT_BUSY;
  return COUNT_OFF_DUTY;
}

/* One "Available 143" (@part, taken), kept on one line when the line
 * wraps: a number must not start the next line, away from its word. */
static void
add_count (GString *text,
           char    *part)
{
  g_autofree char *owned = part;
  g_autoptr(GString) nobreak = g_string_new (owned);

  g_string_replace (nobreak, " ", "\u00a0", 0);
  if (text->len > 0)
    g_string_append (text, " · ");
  g_string_append (text, nobreak->str);
}

static void
count (DozorUnitCounts *self)
{
  GPtrArray *units = dozor_situation_get_units (self->situation);
  gint64 start = g_get_monotonic_time (), now = dozor_situation_get_now (self->situation);
  guint counts[N_COUNTS] = { 0, };
  g_autoptr(GString) text = g_string_new (NULL);
  gint64 took;

  for (guint i = 0; i < units->len; i++)
    {
      const DozorUnit *unit = units->pdata[i];

      counts[status_slot (unit->status)]++;
      /* As the list's "Position not current": no fix, or an old one. */
      if (!unit->has_fix || now - unit->fix_time > DOZOR_UNIT_STALE_SECONDS * G_USEC_PER_SEC)
        counts[COUNT_STALE]++;
    }
  took = g_get_monotonic_time () - start;

  /* %'u: the locale's digit grouping, "5 000" in Russian and Kazakh. The
   * four the room always looks for are always shown; the others when any. */
  add_count (text, g_strdup_printf (_("Available %'u"), counts[COUNT_AVAILABLE]));
  add_count (text, g_strdup_printf (_("Dispatched %'u"), counts[COUNT_DISPATCHED]));
  add_count (text, g_strdup_printf (_("On scene %'u"), counts[COUNT_ON_SCENE]));
  if (counts[COUNT_BUSY] > 0)
    add_count (text, g_strdup_printf (_("Busy %'u"), counts[COUNT_BUSY]));
  if (counts[COUNT_OFF_DUTY] > 0)
    add_count (text, g_strdup_printf (_("Off duty %'u"), counts[COUNT_OFF_DUTY]));
  add_count (text, g_strdup_printf (_("Stale %'u"), counts[COUNT_STALE]));

  if (g_strcmp0 (gtk_label_get_text (self->label), text->str) != 0)
    {
      g_autoptr(GString) logged = g_string_new (text->str);

      /* Tests compare the counts with what they put on the server, in
       * plain spaces. */
      g_string_replace (logged, "\u00a0", " ", 0);
      g_debug ("Unit counts: %s (%u units counted in %" G_GINT64_FORMAT " µs)", logged->str, units->len, took);
      gtk_label_set_text (self->label, text->str);
    }
  self->dirty = FALSE;
  self->idle_ticks = 0;
}

static gboolean
timer_cb (gpointer user_data)
{
  DozorUnitCounts *self = user_data;

  if (self->dirty || ++self->idle_ticks >= IDLE_COUNT_SECONDS / COUNT_SECONDS)
    count (self);
  return G_SOURCE_CONTINUE;
}

static void
situation_changed_cb (DozorUnitCounts *self,
                      guint            what)
{
  if (what & DOZOR_SITUATION_UNITS)
    self->dirty = TRUE;
}

static void
dozor_unit_counts_dispose (GObject *object)
{
  DozorUnitCounts *self = DOZOR_UNIT_COUNTS (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_object (&self->situation);
  g_clear_pointer ((GtkWidget **) &self->label, gtk_widget_unparent);

  G_OBJECT_CLASS (dozor_unit_counts_parent_class)->dispose (object);
}

static void
dozor_unit_counts_class_init (DozorUnitCountsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_unit_counts_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
dozor_unit_counts_init (DozorUnitCounts *self)
{
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->label, 0);
  gtk_label_set_wrap (self->label, TRUE);
  gtk_widget_set_margin_start (GTK_WIDGET (self->label), 8);
  gtk_widget_set_margin_end (GTK_WIDGET (self->label), 8);
  gtk_widget_add_css_class (GTK_WIDGET (self->label), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (self->label), "numeric");
  gtk_widget_set_parent (GTK_WIDGET (self->label), GTK_WIDGET (self));
}

/**
 * dozor_unit_counts_new:
 * @situation: whose units to count
 *
 * Returns: (transfer floating): the line of counts
 */
GtkWidget *
dozor_unit_counts_new (DozorSituation *situation)
{
  DozorUnitCounts *self = g_object_new (DOZOR_TYPE_UNIT_COUNTS, NULL);

  self->situation = g_object_ref (situation);
  g_signal_connect_object (situation, "changed", G_CALLBACK (situation_changed_cb), self, G_CONNECT_SWAPPED);
  self->timer_id = g_timeout_add_seconds (COUNT_SECONDS, timer_cb, self);
  count (self);
  return GTK_WIDGET (self);
}
