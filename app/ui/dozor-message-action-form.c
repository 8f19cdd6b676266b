/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The form for what was done about a registered message (issue 18,
 * item 3): the message's number and summary over one line of text, with
 * what it says so far. DozorMessageAction opens it and sends the text.
 */
#include "config.h"

#include "dozor-message-action-form.h"

struct _DozorMessageActionForm
{
  AdwMessageDialog parent_instance;

  GtkEntry *entry;
};

G_DEFINE_FINAL_TYPE (DozorMessageActionForm, dozor_message_action_form, ADW_TYPE_MESSAGE_DIALOG)

static void
dozor_message_action_form_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), DOZOR_TYPE_MESSAGE_ACTION_FORM);

  G_OBJECT_CLASS (dozor_message_action_form_parent_class)->dispose (object);
}

static void
dozor_message_action_form_class_init (DozorMessageActionFormClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = dozor_message_action_form_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dozor-message-action-form.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorMessageActionForm, entry);
}

static void
dozor_message_action_form_init (DozorMessageActionForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * dozor_message_action_form_new:
 * @parent: the registers' window
 * @heading: the form's heading, which names the message
 * @summary: (nullable): the message's summary
 * @action: (nullable): what was done, as the message says so far
 *
 * Returns: (transfer none): the form, owned by the toolkit once presented
 */
DozorMessageActionForm *
dozor_message_action_form_new (GtkWindow  *parent,
                               const char *heading,
                               const char *summary,
                               const char *action)
{
  DozorMessageActionForm *self = g_object_new (DOZOR_TYPE_MESSAGE_ACTION_FORM, "transient-for", parent,
                                               "heading", heading, "body", summary != NULL ? summary : "", NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->entry), action != NULL ? action : "");
  return self;
}

const char *
dozor_message_action_form_get_text (DozorMessageActionForm *self)
{
  g_return_val_if_fail (DOZOR_IS_MESSAGE_ACTION_FORM (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->entry));
}
