/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-clock.h"
#include "dozor-crisis-log-pane.h"
#include "dozor-crisis-pane.h"
#include "dozor-details-pane.h"
#include "dozor-dispatch-advice.h"
#include "dozor-escalation-controller.h"
#include "dozor-group-dispatch.h"
#include "dozor-incident-list.h"
#include "dozor-map-view.h"
#include "dozor-plans-pane.h"
#include "dozor-roster-pane.h"
#include "dozor-readiness-banner.h"
#include "dozor-readiness-controller.h"
#include "dozor-reports-controller.h"
#include "dozor-replay-controller.h"
#include "dozor-unit-list.h"
#include "dozor-window.h"

G_BEGIN_DECLS

struct _DozorWindow
{
  AdwApplicationWindow parent_instance;

  AdwHeaderBar *header_bar;
  AdwToastOverlay *toast_overlay;
  GtkOverlay *map_overlay;
  DozorMapView *map_view;
  GtkLabel *link_label;
  char *link_text;            /* logged on each change, for the tests */
  GtkLabel *outbox_label;
  GtkToggleButton *sidebar_button;
  GtkButton *new_incident_button;
  AdwFlap *flap;
  DozorIncidentList *incident_list;
  DozorUnitList *unit_list;
  DozorDetailsPane *details_pane;
  DozorCrisisPane *crisis_pane;
  DozorPlansPane *plans_pane;
  DozorCrisisLogPane *crisis_log_pane;
  DozorRosterPane *roster_pane;  /* owned by its own window */
  DozorReadinessBanner *readiness_banner;
  DozorReadinessController *readiness;
  DozorReportsController *reports;
  DozorEscalationController *escalation;
  DozorReplayController *replay;
  gboolean replaying; /* this board shows a replay */
  DozorClock *clock;  /* the header's, at the moment shown */
  DozorRoadService *roads;        /* the board's one road graph */
  DozorDispatchAdvice *advice;    /* the road in dispatch confirmations */
  DozorGroupDispatch *group_dispatch;

  GSettings *settings;
  DozorSyncClient *sync;
  DozorSituation *situation;
  guint link_timer_id;
  gulong first_frame_id;      /* until the first frame has been drawn */
  gboolean first_frame_done;
  gboolean crisis_followed;   /* the crisis pane follows the situation (from the first frame) */
  GtkWindow *intake;          /* the open intake dialog, if any */
  GtkWindow *import_window;   /* the open import window, if any */
  gboolean wall;              /* read-only, whatever the role */
  gint64 restored;            /* the situation on screen is a copy saved then */
};

void dozor_window_class_add_dispatch_actions (GtkWidgetClass *widget_class);
void dozor_window_follow_dispatches          (DozorWindow    *self);
gboolean dozor_window_may_dispatch           (DozorWindow    *self);
gboolean dozor_window_may_register           (DozorWindow    *self);
gboolean dozor_window_send_command           (DozorWindow    *self,
                                              const char     *method,
                                              const char     *path,
                                              JsonNode       *body,
                                              const char     *summary);
void dozor_window_class_add_intake_actions   (GtkWidgetClass *widget_class);
void dozor_window_follow_intake              (DozorWindow    *self);
void dozor_window_intake_destroyed           (DozorWindow    *self,
                                              GObject        *was_dialog);
void dozor_window_class_add_import_actions   (GtkWidgetClass *widget_class);
void dozor_window_follow_imports             (DozorWindow    *self);
void dozor_window_import_destroy             (DozorWindow    *self);
void dozor_window_request_dispatch           (DozorWindow    *self,
                                              const char     *unit_id,
                                              const char     *incident_id);
void list_dispatch_requested_cb              (DozorIncidentList *list,
                                              const char        *unit_id,
                                              const char        *incident_id,
                                              DozorWindow       *self);

G_END_DECLS
