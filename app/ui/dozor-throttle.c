/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A computation that follows the situation (many changes a second) but
 * runs in a worker at most once an interval and one at a time: a change
 * while one runs asks for one more once it is done, not for a second
 * worker beside it. The desk's crisis pane and the wall's coverage both
 * work so.
 */
#include "config.h"

#include "dozor-throttle.h"

static gboolean
timeout_cb (gpointer user_data)
{
  DozorThrottle *self = user_data;

  self->source_id = 0;
  self->running = TRUE;
  self->again = FALSE;
  self->start (self->user_data);
  return G_SOURCE_REMOVE;
}

/**
 * dozor_throttle_init:
 * @self: the owner's #DozorThrottle
 * @interval_ms: the least time from a request to the start
 * @start: starts the computation; dozor_throttle_done() is called when it ends
 * @user_data: for @start
 */
void
dozor_throttle_init (DozorThrottle     *self,
                     guint              interval_ms,
                     DozorThrottleFunc  start,
                     gpointer           user_data)
{
  *self = (DozorThrottle) { .interval_ms = interval_ms, .start = start, .user_data = user_data };
}

/**
 * dozor_throttle_request:
 * @self: a #DozorThrottle
 *
 * Something changed: start in @interval_ms, or once the running one is done.
 */
void
dozor_throttle_request (DozorThrottle *self)
{
  if (self->running)
    self->again = TRUE;
  else if (self->source_id == 0)
    self->source_id = g_timeout_add (self->interval_ms, timeout_cb, self);
}

/**
 * dozor_throttle_done:
 * @self: a #DozorThrottle
 *
 * The computation ended (not cancelled): again if a change came meanwhile.
 */
void
dozor_throttle_done (DozorThrottle *self)
{
  self->running = FALSE;
  if (self->again)
    dozor_throttle_request (self);
}

/**
 * dozor_throttle_clear:
 * @self: a #DozorThrottle
 *
 * Nothing more is started, until the next request.
 */
void
dozor_throttle_clear (DozorThrottle *self)
{
  g_clear_handle_id (&self->source_id, g_source_remove);
  self->again = FALSE;
}
