/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_REPORTS_DIALOG (dozor_reports_dialog_get_type ())
G_DECLARE_FINAL_TYPE (DozorReportsDialog, dozor_reports_dialog, DOZOR, REPORTS_DIALOG, GtkWindow)

DozorReportsDialog *dozor_reports_dialog_new (GtkWindow       *parent,
                                              DozorSyncClient *sync);

G_END_DECLS
