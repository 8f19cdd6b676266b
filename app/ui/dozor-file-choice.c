/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The desktop's own file chooser (a portal where there is one), for the
 * windows that read and write GIS files: they want a local path or nothing.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-file-choice.h"

typedef struct
{
  GtkWindow *parent;
  DozorFileChosenFunc chosen;
} Choice;

static void
response_cb (GtkNativeDialog *chooser,
             int              response,
             Choice          *choice)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    path = g_file_get_path (file);
  if (path != NULL)
    choice->chosen (choice->parent, path);

  g_object_unref (choice->parent);
  g_free (choice);
  g_object_unref (chooser);
}

/**
 * dozor_choose_file:
 * @parent: the window asking; kept alive until the choice is made
 * @action: open or save
 * @title: the chooser's title
 * @accept_label: its button
 * @suggested_name: (nullable): for saving, the name offered
 * @filter: (nullable): which files to show
 * @chosen: called with @parent and the local path, if one was chosen
 */
void
dozor_choose_file (GtkWindow            *parent,
                   GtkFileChooserAction  action,
                   const char           *title,
                   const char           *accept_label,
                   const char           *suggested_name,
                   GtkFileFilter        *filter,
                   DozorFileChosenFunc   chosen)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (title, parent, action, accept_label, _("_Cancel"));
  Choice *choice = g_new0 (Choice, 1);

  choice->parent = g_object_ref (parent);
  choice->chosen = chosen;
  if (suggested_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested_name);
  if (filter != NULL)
    gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (response_cb), choice);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
