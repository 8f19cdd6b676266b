/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dozor-map-view.h"
#include "dozor-situation.h"
#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_CERTIFICATE_CONTROLLER (dozor_certificate_controller_get_type ())
G_DECLARE_FINAL_TYPE (DozorCertificateController, dozor_certificate_controller, DOZOR, CERTIFICATE_CONTROLLER, GObject)

DozorCertificateController *dozor_certificate_controller_new (GtkApplicationWindow *window,
                                                              DozorSyncClient      *sync,
                                                              DozorSituation       *situation,
                                                              DozorMapView         *map_view,
                                                              gboolean              wall);

G_END_DECLS
