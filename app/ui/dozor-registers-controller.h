/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dozor-situation.h"
#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_REGISTERS_CONTROLLER (dozor_registers_controller_get_type ())
G_DECLARE_FINAL_TYPE (DozorRegistersController, dozor_registers_controller, DOZOR, REGISTERS_CONTROLLER, GObject)

DozorRegistersController *dozor_registers_controller_new (GtkApplicationWindow *window,
                                                          DozorSyncClient      *sync,
                                                          DozorSituation       *situation,
                                                          gboolean              wall);

G_END_DECLS
