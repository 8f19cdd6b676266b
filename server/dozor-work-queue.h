/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DOZOR_WORK_QUEUE_ERROR (dozor_work_queue_error_quark ())

/**
 * DozorWorkQueueError:
 * @DOZOR_WORK_QUEUE_ERROR_FULL: too much work waits already; try again soon
 */
typedef enum
{
  DOZOR_WORK_QUEUE_ERROR_FULL,
} DozorWorkQueueError;

#define DOZOR_TYPE_WORK_QUEUE (dozor_work_queue_get_type ())
G_DECLARE_FINAL_TYPE (DozorWorkQueue, dozor_work_queue, DOZOR, WORK_QUEUE, GObject)

GQuark          dozor_work_queue_error_quark (void);
DozorWorkQueue *dozor_work_queue_new         (guint            max_running,
                                              guint            max_waiting);
void            dozor_work_queue_run         (DozorWorkQueue  *self,
                                              GTask           *task,
                                              GTaskThreadFunc  func);
guint           dozor_work_queue_get_running (DozorWorkQueue  *self);

G_END_DECLS
