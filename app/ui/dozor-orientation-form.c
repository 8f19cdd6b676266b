/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The form for a new orientation (issue 18, item 3): a wanted person or
 * vehicle, its name, plate, description and who issued it. It only
 * collects them: the registers window sends the body (POST /orientations).
 */
#include "config.h"

#include "dozor-json.h"
#include "dozor-orientation-form.h"

struct _DozorOrientationForm
{
  AdwMessageDialog parent_instance;

  GtkDropDown *kind;
  GtkEntry *name;
  GtkEntry *plate;
  GtkEntry *description;
  GtkEntry *issued_by;
};

G_DEFINE_FINAL_TYPE (DozorOrientationForm, dozor_orientation_form, ADW_TYPE_MESSAGE_DIALOG)

static void
dozor_orientation_form_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), DOZOR_TYPE_ORIENTATION_FORM);

  G_OBJECT_CLASS (dozor_orientation_form_parent_class)->dispose (object);
}

static void
dozor_orientation_form_class_init (DozorOrientationFormClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = dozor_orientation_form_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dozor-orientation-form.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorOrientationForm, kind);
  gtk_widget_class_bind_template_child (widget_class, DozorOrientationForm, name);
  gtk_widget_class_bind_template_child (widget_class, DozorOrientationForm, plate);
  gtk_widget_class_bind_template_child (widget_class, DozorOrientationForm, description);
  gtk_widget_class_bind_template_child (widget_class, DozorOrientationForm, issued_by);
}

static void
dozor_orientation_form_init (DozorOrientationForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * dozor_orientation_form_new:
 * @parent: the registers' window
 *
 * Returns: (transfer none): the form, owned by the toolkit once presented
 */
DozorOrientationForm *
dozor_orientation_form_new (GtkWindow *parent)
{
  return g_object_new (DOZOR_TYPE_ORIENTATION_FORM, "transient-for", parent, NULL);
}

/**
 * dozor_orientation_form_get_body:
 * @self: a #DozorOrientationForm
 *
 * Returns: (transfer full): the body of POST /orientations for what the
 *   form holds; a person's has no plate, whatever was typed there
 */
JsonNode *
dozor_orientation_form_get_body (DozorOrientationForm *self)
{
  JsonObject *object;
  JsonNode *body;
  gboolean vehicle;

  g_return_val_if_fail (DOZOR_IS_ORIENTATION_FORM (self), NULL);

  /* The template lists Person, then Vehicle. */
  vehicle = gtk_drop_down_get_selected (self->kind) == 1;
  object = json_object_new ();
  json_object_set_string_member (object, "kind", vehicle ? "vehicle" : "person");
  dozor_json_set_text (object, "name", gtk_editable_get_text (GTK_EDITABLE (self->name)));
  if (vehicle)
    dozor_json_set_text (object, "plate", gtk_editable_get_text (GTK_EDITABLE (self->plate)));
  dozor_json_set_text (object, "description", gtk_editable_get_text (GTK_EDITABLE (self->description)));
  dozor_json_set_text (object, "issued_by", gtk_editable_get_text (GTK_EDITABLE (self->issued_by)));
  body = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (body, object);
  return body;
}
