/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-details-pane.h"
#include "dozor-incident-list.h"
#include "dozor-map-view.h"
#include "dozor-unit-list.h"
#include "dozor-window.h"

G_BEGIN_DECLS

struct _DozorWindow
{
  AdwApplicationWindow parent_instance;

  AdwHeaderBar *header_bar;
  AdwToastOverlay *toast_overlay;
  DozorMapView *map_view;
  GtkLabel *link_label;
  GtkLabel *outbox_label;
  GtkToggleButton *sidebar_button;
  AdwFlap *flap;
  DozorIncidentList *incident_list;
  DozorUnitList *unit_list;
  DozorDetailsPane *details_pane;

  GSettings *settings;
  DozorSyncClient *sync;
  DozorSituation *situation;
  guint link_timer_id;
};

void dozor_window_class_add_dispatch_actions (GtkWidgetClass *widget_class);
void dozor_window_follow_dispatches          (DozorWindow    *self);
void dozor_window_request_dispatch           (DozorWindow    *self,
                                              const char     *unit_id,
                                              const char     *incident_id);
void list_dispatch_requested_cb              (DozorIncidentList *list,
                                              const char        *unit_id,
                                              const char        *incident_id,
                                              DozorWindow       *self);

G_END_DECLS
