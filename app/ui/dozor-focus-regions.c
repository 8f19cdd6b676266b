/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * F6 and Shift+F6 move the keyboard from one part of the window to the
 * next, as GNOME's applications do: the sidebar's lists, the map, the
 * header bar, and round again. Tab walks every widget of a part; F6 is the
 * way out of one that a keyboard user cannot otherwise leave quickly, and
 * the map is always one or two presses away.
 *
 * A part that is not shown (the sidebar folded away) is skipped. A part
 * gets the keyboard on its first widget, or itself if it takes the focus
 * (the map: its arrow keys then go through the items in view).
 */
#include "config.h"

#include "dozor-focus-regions.h"

struct _DozorFocusRegions
{
  GObject parent_instance;

  GtkWindow *window;  /* not owned: it owns us */
  GPtrArray *regions; /* GtkWidget, not owned: the window's own children */
};

G_DEFINE_FINAL_TYPE (DozorFocusRegions, dozor_focus_regions, G_TYPE_OBJECT)

/* The part holding the keyboard now, or -1. */
static int
current_region (DozorFocusRegions *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self->window));

  for (guint i = 0; focus != NULL && i < self->regions->len; i++)
    {
      GtkWidget *region = self->regions->pdata[i];

      if (focus == region || gtk_widget_is_ancestor (focus, region))
        return (int) i;
    }
  return -1;
}

static gboolean
enter_region (GtkWidget *region)
{
  if (!gtk_widget_get_mapped (region) || !gtk_widget_is_sensitive (region))
    return FALSE;
  if (gtk_widget_get_focusable (region))
    return gtk_widget_grab_focus (region);
  return gtk_widget_child_focus (region, GTK_DIR_TAB_FORWARD);
}

static void
move (DozorFocusRegions *self,
      int                step)
{
  int n = (int) self->regions->len;
  int from = current_region (self);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self->window));
  g_autoptr(GtkWidget) was = focus != NULL ? g_object_ref (focus) : NULL;

  /* From outside every part, F6 starts at the first, Shift+F6 at the last. */
  if (from < 0)
    from = step > 0 ? -1 : n;
  /* With no focus left in the window, a part is entered at its start, not
   * after whatever widget of it had the focus last. */
  gtk_root_set_focus (GTK_ROOT (self->window), NULL);
  for (int k = 1; k <= n; k++)
    {
      int i = ((from + step * k) % n + n) % n;
      GtkWidget *region = self->regions->pdata[i];

      if (enter_region (region))
        {
          /* Tests wait for this line (the part's type name); keep its wording stable. */
          g_debug ("Focus region: %s", G_OBJECT_TYPE_NAME (region));
          return;
        }
    }
  if (was != NULL)
    gtk_widget_grab_focus (was);
}

/* Where each Tab lands, for a test to count the presses to the map. */
static void
focus_moved_cb (DozorFocusRegions *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self->window));
  int region = current_region (self);

  if (focus != NULL)
    g_debug ("Focus on %s in %s", G_OBJECT_TYPE_NAME (focus),
             region >= 0 ? G_OBJECT_TYPE_NAME (self->regions->pdata[region]) : "the window");
}

static void
next_cb (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  move (user_data, 1);
}

static void
previous_cb (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  move (user_data, -1);
}

static void
dozor_focus_regions_finalize (GObject *object)
{
  DozorFocusRegions *self = (DozorFocusRegions *)object;

  g_clear_pointer (&self->regions, g_ptr_array_unref);
  G_OBJECT_CLASS (dozor_focus_regions_parent_class)->finalize (object);
}

static void
dozor_focus_regions_class_init (DozorFocusRegionsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_focus_regions_finalize;
}

static void
dozor_focus_regions_init (DozorFocusRegions *self)
{
  self->regions = g_ptr_array_new ();
}

/**
 * dozor_focus_regions_new:
 * @window: the window whose parts these are
 * @first: the first part, then the others in order, %NULL-terminated
 *
 * Adds win.next-region and win.previous-region (F6 and Shift+F6, in the
 * application's table of accelerators) to @window.
 *
 * Returns: (transfer full): the controller; the window keeps its actions
 *   alive, the caller keeps the controller
 */
DozorFocusRegions *
dozor_focus_regions_new (GtkApplicationWindow *window,
                         GtkWidget            *first,
                         ...)
{
  DozorFocusRegions *self = g_object_new (DOZOR_TYPE_FOCUS_REGIONS, NULL);
  const GActionEntry entries[] = {
    { "next-region", next_cb, NULL, NULL, NULL, { 0 } },
    { "previous-region", previous_cb, NULL, NULL, NULL, { 0 } },
  };
  va_list args;

  self->window = GTK_WINDOW (window);
  va_start (args, first);
  for (GtkWidget *region = first; region != NULL; region = va_arg (args, GtkWidget *))
    g_ptr_array_add (self->regions, region);
  va_end (args);
  g_action_map_add_action_entries (G_ACTION_MAP (window), entries, G_N_ELEMENTS (entries), self);
  g_signal_connect_object (window, "notify::focus-widget", G_CALLBACK (focus_moved_cb), self, G_CONNECT_SWAPPED);
  return self;
}
