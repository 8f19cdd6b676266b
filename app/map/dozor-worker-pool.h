/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _DozorWorkerPool DozorWorkerPool;

DozorWorkerPool *dozor_worker_pool_new      (guint            n_threads,
                                             int              niceness);
DozorWorkerPool *dozor_worker_pool_get      (int              niceness);
void             dozor_worker_pool_run      (DozorWorkerPool *pool,
                                             GTask           *task,
                                             GTaskThreadFunc  func);

G_END_DECLS
