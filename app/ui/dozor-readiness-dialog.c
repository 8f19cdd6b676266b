/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Setting the degree of readiness: the level, the reason every board will
 * show, and optionally a crisis area, a circle around the middle of the
 * map. It opens at the next level up (or the current one, if raised), so
 * that raising is: Ctrl+Shift+R, type why, Enter. The command itself is
 * the controller's; this window only builds its body.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-crisis-area.h"
#include "dozor-json.h"
#include "dozor-readiness-dialog.h"

struct _DozorReadinessDialog
{
  AdwWindow parent_instance;

  GtkToggleButton *normal_button;
  GtkToggleButton *raised_button;
  GtkToggleButton *high_button;
  GtkToggleButton *full_button;
  GtkEntry *reason_entry;
  GtkCheckButton *circle_check;
  GtkSpinButton *radius_spin;
  GtkCheckButton *clear_check;
  GtkButton *set_button;

  double center_lat;
  double center_lon;
};

G_DEFINE_FINAL_TYPE (DozorReadinessDialog, dozor_readiness_dialog, ADW_TYPE_WINDOW)

enum
{
  SUBMIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
chosen_level (DozorReadinessDialog *self)
{
  if (gtk_toggle_button_get_active (self->raised_button))
    return "raised";
  if (gtk_toggle_button_get_active (self->high_button))
    return "high";
  if (gtk_toggle_button_get_active (self->full_button))
    return "full";
  return "normal";
}

static gboolean
reason_given (DozorReadinessDialog *self)
{
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reason_entry))));

  return *reason != '\0';
}

/* The server refuses a raised level without a reason, and an area at
 * normal: the form does not offer either. */
static void
level_toggled_cb (DozorReadinessDialog *self)
{
  gboolean normal = g_str_equal (chosen_level (self), "normal");

  gtk_widget_set_sensitive (GTK_WIDGET (self->circle_check), !normal);
  gtk_widget_set_sensitive (GTK_WIDGET (self->radius_spin), !normal && gtk_check_button_get_active (self->circle_check));
  gtk_widget_set_sensitive (GTK_WIDGET (self->clear_check), !normal && !gtk_check_button_get_active (self->circle_check));
  gtk_widget_set_sensitive (GTK_WIDGET (self->set_button), normal || reason_given (self));
}

static void
set_cb (DozorReadinessDialog *self)
{
  const char *level = chosen_level (self);
  gboolean normal = g_str_equal (level, "normal");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reason_entry))));

  if (!normal && *reason == '\0')
    return;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "level");
  json_builder_add_string_value (builder, level);
  if (*reason != '\0')
    {
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, reason);
    }
  if (!normal && gtk_check_button_get_active (self->circle_check))
    {
      g_autoptr(DozorCrisisArea) area = dozor_crisis_area_new_circle (self->center_lon, self->center_lat,
                                                                      gtk_spin_button_get_value (self->radius_spin));

      json_builder_set_member_name (builder, "area");
      json_builder_add_value (builder, json_from_string (dozor_crisis_area_to_json (area), NULL));
    }
  else if (!normal && gtk_check_button_get_active (self->clear_check))
    {
      json_builder_set_member_name (builder, "area");
      json_builder_add_null_value (builder);
    }
  /* Otherwise no area member: the server keeps the current one. */
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  g_signal_emit (self, signals[SUBMIT], 0, body);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
dozor_readiness_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), DOZOR_TYPE_READINESS_DIALOG);

  G_OBJECT_CLASS (dozor_readiness_dialog_parent_class)->dispose (object);
}

static void
dozor_readiness_dialog_class_init (DozorReadinessDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_readiness_dialog_dispose;

  /**
   * DozorReadinessDialog::submit:
   * @dialog: the dialog
   * @body: the body of PUT /readiness
   */
  signals[SUBMIT] = g_signal_new ("submit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, JSON_TYPE_NODE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dozor-readiness-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorReadinessDialog, normal_button);
  gtk_widget_class_bind_template_child (widget_class, DozorReadinessDialog, raised_button);
  gtk_widget_class_bind_template_child (widget_class, DozorReadinessDialog, high_button);
  gtk_widget_class_bind_template_child (widget_class, DozorReadinessDialog, full_button);
  gtk_widget_class_bind_template_child (widget_class, DozorReadinessDialog, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, DozorReadinessDialog, circle_check);
  gtk_widget_class_bind_template_child (widget_class, DozorReadinessDialog, radius_spin);
  gtk_widget_class_bind_template_child (widget_class, DozorReadinessDialog, clear_check);
  gtk_widget_class_bind_template_child (widget_class, DozorReadinessDialog, set_button);
  gtk_widget_class_bind_template_callback (widget_class, level_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, set_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dozor_readiness_dialog_init (DozorReadinessDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->set_button));
}

/**
 * dozor_readiness_dialog_new:
 * @current: the readiness now (dozor_situation_get_readiness_object())
 * @center_lat: the middle of the map, for a crisis circle
 * @center_lon: the middle of the map
 *
 * Returns: (transfer floating): a new dialog
 */
DozorReadinessDialog *
dozor_readiness_dialog_new (JsonObject *current,
                            double      center_lat,
                            double      center_lon)
{
  DozorReadinessDialog *self = g_object_new (DOZOR_TYPE_READINESS_DIALOG, NULL);
  const char *level = dozor_json_get_string (current, "level") ?: "normal";
  JsonNode *area = json_object_get_member (current, "area");
  GtkToggleButton *start;

  self->center_lat = center_lat;
  self->center_lon = center_lon;

  /* Raised already: that level and its reason, to change or lower.
   * Normal: one step up, the usual first move. */
  if (g_str_equal (level, "high"))
    start = self->high_button;
  else if (g_str_equal (level, "full"))
    start = self->full_button;
  else
    start = self->raised_button;
  gtk_toggle_button_set_active (start, TRUE);
  if (!g_str_equal (level, "normal"))
    gtk_editable_set_text (GTK_EDITABLE (self->reason_entry),
                           dozor_json_get_string (current, "reason") ?: "");
  gtk_widget_set_visible (GTK_WIDGET (self->clear_check), area != NULL && !JSON_NODE_HOLDS_NULL (area));
  level_toggled_cb (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->reason_entry));
  return self;
}
