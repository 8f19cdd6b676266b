/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-cache.h"
#include "dozor-situation.h"
#include "dozor-sync-client.h"

G_BEGIN_DECLS

/* How often a live board writes its local copy. */
#define DOZOR_LOCAL_COPY_SAVE_SECONDS 10

#define DOZOR_TYPE_LOCAL_COPY (dozor_local_copy_get_type ())
G_DECLARE_FINAL_TYPE (DozorLocalCopy, dozor_local_copy, DOZOR, LOCAL_COPY, GObject)

DozorLocalCopy *dozor_local_copy_new          (DozorCache      *cache,
                                               DozorSituation  *situation,
                                               DozorSyncClient *sync);
void            dozor_local_copy_restore      (DozorLocalCopy  *self);
void            dozor_local_copy_show_if_read (DozorLocalCopy  *self);
gint64          dozor_local_copy_get_restored (DozorLocalCopy  *self);
gboolean        dozor_local_copy_save_now     (DozorLocalCopy  *self,
                                               GError         **error);

G_END_DECLS
