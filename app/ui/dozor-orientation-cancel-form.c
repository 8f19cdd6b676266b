/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The form that cancels an orientation (issue 18, item 3), with the
 * reason. The registers window sends the body
 * (POST /orientations/{id}/cancellation).
 */
#include "config.h"

#include "dozor-json.h"
#include "dozor-orientation-cancel-form.h"

struct _DozorOrientationCancelForm
{
  AdwMessageDialog parent_instance;

  GtkEntry *reason;
  char *id;
};

G_DEFINE_FINAL_TYPE (DozorOrientationCancelForm, dozor_orientation_cancel_form, ADW_TYPE_MESSAGE_DIALOG)

static void
dozor_orientation_cancel_form_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), DOZOR_TYPE_ORIENTATION_CANCEL_FORM);

  G_OBJECT_CLASS (dozor_orientation_cancel_form_parent_class)->dispose (object);
}

static void
dozor_orientation_cancel_form_finalize (GObject *object)
{
  g_free (DOZOR_ORIENTATION_CANCEL_FORM (object)->id);

  G_OBJECT_CLASS (dozor_orientation_cancel_form_parent_class)->finalize (object);
}

static void
dozor_orientation_cancel_form_class_init (DozorOrientationCancelFormClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = dozor_orientation_cancel_form_dispose;
  G_OBJECT_CLASS (klass)->finalize = dozor_orientation_cancel_form_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dozor-orientation-cancel-form.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorOrientationCancelForm, reason);
}

static void
dozor_orientation_cancel_form_init (DozorOrientationCancelForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * dozor_orientation_cancel_form_new:
 * @parent: the registers' window
 * @orientation_id: the orientation to cancel
 *
 * Returns: (transfer none): the form, owned by the toolkit once presented
 */
DozorOrientationCancelForm *
dozor_orientation_cancel_form_new (GtkWindow  *parent,
                                   const char *orientation_id)
{
  DozorOrientationCancelForm *self = g_object_new (DOZOR_TYPE_ORIENTATION_CANCEL_FORM, "transient-for", parent, NULL);

  self->id = g_strdup (orientation_id);
  return self;
}

const char *
dozor_orientation_cancel_form_get_id (DozorOrientationCancelForm *self)
{
  g_return_val_if_fail (DOZOR_IS_ORIENTATION_CANCEL_FORM (self), NULL);

  return self->id;
}

/**
 * dozor_orientation_cancel_form_get_body:
 * @self: a #DozorOrientationCancelForm
 *
 * Returns: (transfer full): the body of the cancellation: the reason, if any
 */
JsonNode *
dozor_orientation_cancel_form_get_body (DozorOrientationCancelForm *self)
{
  JsonObject *object;
  JsonNode *body;

  g_return_val_if_fail (DOZOR_IS_ORIENTATION_CANCEL_FORM (self), NULL);

  object = json_object_new ();
  dozor_json_set_text (object, "reason", gtk_editable_get_text (GTK_EDITABLE (self->reason)));
  body = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (body, object);
  return body;
}
