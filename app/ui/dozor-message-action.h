/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_MESSAGE_ACTION (dozor_message_action_get_type ())
G_DECLARE_FINAL_TYPE (DozorMessageAction, dozor_message_action, DOZOR, MESSAGE_ACTION, GObject)

void dozor_message_action_edit (GtkWindow       *parent,
                                DozorSyncClient *sync,
                                JsonObject      *message);

G_END_DECLS
