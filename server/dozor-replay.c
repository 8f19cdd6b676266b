/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The states GET /replay starts from (docs/api.md, "Replay"), archived now
 * and then on the main loop, where the store lives. Replays themselves are
 * read with the other history reads (dozor-history.c), in workers.
 */
#include "config.h"


#include "dozor-replay.h"
#include "dozor-store-replay.h"

#define DEFAULT_KEEP_DAYS 400

struct _DozorReplay
{
  GObject parent_instance;

  DozorStore *store;
  guint archive_source;
  guint keep_days;
};

G_DEFINE_FINAL_TYPE (DozorReplay, dozor_replay, G_TYPE_OBJECT)

static void
dozor_replay_dispose (GObject *object)
{
  DozorReplay *self = (DozorReplay *)object;

  g_clear_handle_id (&self->archive_source, g_source_remove);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (dozor_replay_parent_class)->dispose (object);
}

static void
dozor_replay_class_init (DozorReplayClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_replay_dispose;
}

static void
dozor_replay_init (DozorReplay *self)
{
  self->keep_days = DEFAULT_KEEP_DAYS;
}

static gboolean
archive_cb (gpointer user_data)
{
  DozorReplay *self = user_data;
  g_autoptr(GError) error = NULL;

  /* A failed archive leaves the one before as the start of replays. */
  if (!dozor_store_replay_archive (self->store, self->keep_days, &error))
    g_warning ("Archiving the state for replays: %s", error->message);
  return G_SOURCE_CONTINUE;
}

/**
 * dozor_replay_new:
 * @store: dozord's store
 *
 * Archives the state at once (a replay can start from now on) and then
 * every %DOZOR_REPLAY_DEFAULT_INTERVAL seconds.
 *
 * Returns: (transfer full): the replays of @store
 */
DozorReplay *
dozor_replay_new (DozorStore *store)
{
  DozorReplay *self = g_object_new (DOZOR_TYPE_REPLAY, NULL);

  self->store = g_object_ref (store);
  dozor_replay_set_schedule (self, DOZOR_REPLAY_DEFAULT_INTERVAL, DEFAULT_KEEP_DAYS);
  archive_cb (self);
  return self;
}

/**
 * dozor_replay_set_schedule:
 * @self: a #DozorReplay
 * @interval_s: seconds between archived states, at least 1
 * @keep_days: how long the journal is kept, and the states it starts from;
 *   0 keeps them for ever
 */
void
dozor_replay_set_schedule (DozorReplay *self,
                           guint        interval_s,
                           guint        keep_days)
{
  g_return_if_fail (DOZOR_IS_REPLAY (self));
  g_return_if_fail (interval_s > 0);

  self->keep_days = keep_days;
  g_clear_handle_id (&self->archive_source, g_source_remove);
  self->archive_source = g_timeout_add_seconds (interval_s, archive_cb, self);
}
