/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "dozor-store.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_CHECKPOINTER (dozor_checkpointer_get_type ())
G_DECLARE_FINAL_TYPE (DozorCheckpointer, dozor_checkpointer, DOZOR, CHECKPOINTER, GObject)

DozorCheckpointer *dozor_checkpointer_new (DozorStore  *store,
                                           GError     **error);

G_END_DECLS
