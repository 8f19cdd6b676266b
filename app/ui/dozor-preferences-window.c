/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-preferences-window.h"
#include "dozor-tile-url.h"

/* Positions in the combo rows follow the enums of the GSettings schema. */
enum {
  SOURCE_OFFLINE,
  SOURCE_ONLINE,
};

struct _DozorPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  AdwComboRow *source_row;
  AdwEntryRow *url_row;
  AdwEntryRow *attribution_row;
  AdwComboRow *style_row;
  GtkSwitch *confirm_switch;

  GSettings *settings;

  /* Set while the rows are filled from the settings, so that filling them
   * does not write back half-loaded values. */
  gboolean loading;
};

G_DEFINE_FINAL_TYPE (DozorPreferencesWindow, dozor_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
show_message (DozorPreferencesWindow *self,
              const char             *message)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
}

static gboolean
check_url (DozorPreferencesWindow *self,
           const char             *url)
{
  g_autoptr(GError) error = NULL;

  if (dozor_tile_url_validate (url, &error))
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->url_row), "error");
      return TRUE;
    }

  gtk_widget_add_css_class (GTK_WIDGET (self->url_row), "error");
  show_message (self, error->message);
  return FALSE;
}

static void
source_selected_cb (DozorPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->source_row);

  gtk_widget_set_sensitive (GTK_WIDGET (self->url_row), selected == SOURCE_ONLINE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->attribution_row), selected == SOURCE_ONLINE);

  if (self->loading || selected == (guint) g_settings_get_enum (self->settings, "tile-source"))
    return;

  if (selected == SOURCE_ONLINE)
    {
      g_autofree char *url = g_settings_get_string (self->settings, "tile-url");

      /* Switching to a server that is not set would leave the map blank:
       * ask for the address first and switch when it is applied. */
      if (!check_url (self, url))
        {
          gtk_widget_grab_focus (GTK_WIDGET (self->url_row));
          return;
        }
    }

  g_settings_set_enum (self->settings, "tile-source", selected);
}

static void
url_apply_cb (DozorPreferencesWindow *self)
{
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->url_row));

  if (!check_url (self, url))
    return;

  g_settings_set_string (self->settings, "tile-url", url);
  if (adw_combo_row_get_selected (self->source_row) == SOURCE_ONLINE)
    g_settings_set_enum (self->settings, "tile-source", SOURCE_ONLINE);
}

static void
row_changed_cb (GtkEditable            *editable,
                DozorPreferencesWindow *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
}

static void
attribution_apply_cb (DozorPreferencesWindow *self)
{
  g_settings_set_string (self->settings, "tile-attribution",
                         gtk_editable_get_text (GTK_EDITABLE (self->attribution_row)));
}

static void
style_selected_cb (DozorPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->style_row);

  if (!self->loading && selected != (guint) g_settings_get_enum (self->settings, "color-scheme"))
    g_settings_set_enum (self->settings, "color-scheme", selected);
}

static void
dozor_preferences_window_dispose (GObject *object)
{
  DozorPreferencesWindow *self = (DozorPreferencesWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), DOZOR_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (dozor_preferences_window_parent_class)->dispose (object);
}

static void
dozor_preferences_window_class_init (DozorPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/dozor-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorPreferencesWindow, source_row);
  gtk_widget_class_bind_template_child (widget_class, DozorPreferencesWindow, url_row);
  gtk_widget_class_bind_template_child (widget_class, DozorPreferencesWindow, attribution_row);
  gtk_widget_class_bind_template_child (widget_class, DozorPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, DozorPreferencesWindow, confirm_switch);
  gtk_widget_class_bind_template_callback (widget_class, source_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, url_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, attribution_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, style_selected_cb);
}

static void
dozor_preferences_window_init (DozorPreferencesWindow *self)
{
  g_autofree char *url = NULL;
  g_autofree char *attribution = NULL;

  self->settings = g_settings_new (APP_ID);
  self->loading = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));

  url = g_settings_get_string (self->settings, "tile-url");
  attribution = g_settings_get_string (self->settings, "tile-attribution");
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);
  gtk_editable_set_text (GTK_EDITABLE (self->attribution_row), attribution);

  adw_combo_row_set_selected (self->source_row, g_settings_get_enum (self->settings, "tile-source"));
  adw_combo_row_set_selected (self->style_row, g_settings_get_enum (self->settings, "color-scheme"));
  source_selected_cb (self);
  g_settings_bind (self->settings, "confirm-dispatch", self->confirm_switch, "active", G_SETTINGS_BIND_DEFAULT);

  self->loading = FALSE;
}

DozorPreferencesWindow *
dozor_preferences_window_new (void)
{
  return g_object_new (DOZOR_TYPE_PREFERENCES_WINDOW, NULL);
}
