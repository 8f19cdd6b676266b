/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dozor-application.h"
#include "dozor-map-view.h"
#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_WINDOW (dozor_window_get_type ())
G_DECLARE_FINAL_TYPE (DozorWindow, dozor_window, DOZOR, WINDOW, AdwApplicationWindow)

DozorWindow *dozor_window_new              (DozorApplication *application);
void         dozor_window_show_place       (DozorWindow      *self,
                                            double            lat,
                                            double            lon,
                                            double            zoom);
void         dozor_window_show_preferences (DozorWindow      *self);
void         dozor_window_follow           (DozorWindow      *self,
                                            DozorSyncClient  *sync,
                                            DozorSituation   *situation);
void         dozor_window_set_restored     (DozorWindow      *self,
                                            gint64            saved_at);
void         dozor_window_set_replaying    (DozorWindow      *self);
void         dozor_window_set_wall         (DozorWindow      *self,
                                            gboolean          wall);
void         dozor_window_open_import      (DozorWindow      *self,
                                            const char       *path);
void         dozor_window_open_export      (DozorWindow      *self,
                                            const char       *path);
void         dozor_window_show_message     (DozorWindow      *self,
                                            const char       *message,
                                            guint             timeout);
void         dozor_window_add_overlay      (DozorWindow      *self,
                                            GtkWidget        *widget);
GtkWidget   *dozor_window_take_map         (DozorWindow      *self);
DozorMapView *dozor_window_get_map_view    (DozorWindow      *self);
void         dozor_window_set_wall_content (DozorWindow      *self,
                                            GtkWidget        *content);
void         dozor_window_set_label_size   (DozorWindow      *self,
                                            double            size);
void         dozor_window_set_wall_cap_height (DozorWindow   *self,
                                               double         cap_height);

G_END_DECLS
