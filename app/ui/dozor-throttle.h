/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef void (*DozorThrottleFunc) (gpointer user_data);

/* Kept in its owner's struct; see dozor-throttle.c. */
typedef struct
{
  guint interval_ms;
  DozorThrottleFunc start;
  gpointer user_data;
  guint source_id;
  gboolean running;
  gboolean again;
} DozorThrottle;

void dozor_throttle_init    (DozorThrottle     *self,
                             guint              interval_ms,
                             DozorThrottleFunc  start,
                             gpointer           user_data);
void dozor_throttle_request (DozorThrottle     *self);
void dozor_throttle_done    (DozorThrottle     *self);
void dozor_throttle_clear   (DozorThrottle     *self);

G_END_DECLS
