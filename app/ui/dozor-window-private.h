/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-map-view.h"
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

  GSettings *settings;
  DozorSyncClient *sync;
  DozorSituation *situation;
  guint link_timer_id;
};

void dozor_window_class_add_dispatch_actions (GtkWidgetClass *widget_class);
void dozor_window_follow_dispatches          (DozorWindow    *self);

G_END_DECLS
