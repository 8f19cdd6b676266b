/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_REPORTS_CONTROLLER (dozor_reports_controller_get_type ())
G_DECLARE_FINAL_TYPE (DozorReportsController, dozor_reports_controller, DOZOR, REPORTS_CONTROLLER, GObject)

DozorReportsController *dozor_reports_controller_new (GtkApplicationWindow *window,
                                                      DozorSyncClient      *sync);

G_END_DECLS
