/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dozor-situation.h"
#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_REGISTERS_WINDOW (dozor_registers_window_get_type ())
G_DECLARE_FINAL_TYPE (DozorRegistersWindow, dozor_registers_window, DOZOR, REGISTERS_WINDOW, AdwWindow)

DozorRegistersWindow *dozor_registers_window_new (DozorSyncClient *sync,
                                                  DozorSituation  *situation);

G_END_DECLS
