/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_HANDOVER_DIALOG (dozor_handover_dialog_get_type ())
G_DECLARE_FINAL_TYPE (DozorHandoverDialog, dozor_handover_dialog, DOZOR, HANDOVER_DIALOG, AdwWindow)

DozorHandoverDialog *dozor_handover_dialog_new (DozorSyncClient *sync);

G_END_DECLS
