/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The form for a new message of the registers (issue 18, item 3): its
 * direction and kind, the sender's number, sender, addressee, summary and
 * what was done. It only collects them: the registers window sends the
 * body (POST /messages), and dozord numbers the message.
 */
#include "config.h"

#include "dozor-json.h"
#include "dozor-message-form.h"

struct _DozorMessageForm
{
  AdwMessageDialog parent_instance;

  GtkDropDown *direction;
  GtkDropDown *kind;
  GtkEntry *ref;
  GtkEntry *sender;
  GtkEntry *addressee;
  GtkEntry *summary;
  GtkEntry *action;
};

G_DEFINE_FINAL_TYPE (DozorMessageForm, dozor_message_form, ADW_TYPE_MESSAGE_DIALOG)

static void
dozor_message_form_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), DOZOR_TYPE_MESSAGE_FORM);

  G_OBJECT_CLASS (dozor_message_form_parent_class)->dispose (object);
}

static void
dozor_message_form_class_init (DozorMessageFormClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = dozor_message_form_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dozor-message-form.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorMessageForm, direction);
  gtk_widget_class_bind_template_child (widget_class, DozorMessageForm, kind);
  gtk_widget_class_bind_template_child (widget_class, DozorMessageForm, ref);
  gtk_widget_class_bind_template_child (widget_class, DozorMessageForm, sender);
  gtk_widget_class_bind_template_child (widget_class, DozorMessageForm, addressee);
  gtk_widget_class_bind_template_child (widget_class, DozorMessageForm, summary);
  gtk_widget_class_bind_template_child (widget_class, DozorMessageForm, action);
}

static void
dozor_message_form_init (DozorMessageForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * dozor_message_form_new:
 * @parent: the registers' window
 *
 * Returns: (transfer none): the form, owned by the toolkit once presented
 */
DozorMessageForm *
dozor_message_form_new (GtkWindow *parent)
{
  return g_object_new (DOZOR_TYPE_MESSAGE_FORM, "transient-for", parent, NULL);
}

/**
 * dozor_message_form_get_body:
 * @self: a #DozorMessageForm
 *
 * Returns: (transfer full): the body of POST /messages for what the form
 *   holds; fields left empty are left out
 */
JsonNode *
dozor_message_form_get_body (DozorMessageForm *self)
{
  /* In the order of the template's lists. */
  static const char *const directions[] = { "in", "out" };
  static const char *const kinds[] = { "telegram", "phone", "fax" };
  JsonObject *object;
  JsonNode *body;

  g_return_val_if_fail (DOZOR_IS_MESSAGE_FORM (self), NULL);

  object = json_object_new ();
  body = json_node_new (JSON_NODE_OBJECT);
  json_object_set_string_member (object, "direction",
                                 directions[gtk_drop_down_get_selected (self->direction) % G_N_ELEMENTS (directions)]);
  json_object_set_string_member (object, "kind",
                                 kinds[gtk_drop_down_get_selected (self->kind) % G_N_ELEMENTS (kinds)]);
  dozor_json_set_text (object, "ref", gtk_editable_get_text (GTK_EDITABLE (self->ref)));
  dozor_json_set_text (object, "sender", gtk_editable_get_text (GTK_EDITABLE (self->sender)));
  dozor_json_set_text (object, "addressee", gtk_editable_get_text (GTK_EDITABLE (self->addressee)));
  dozor_json_set_text (object, "summary", gtk_editable_get_text (GTK_EDITABLE (self->summary)));
  dozor_json_set_text (object, "action", gtk_editable_get_text (GTK_EDITABLE (self->action)));
  json_node_take_object (body, object);
  return body;
}
