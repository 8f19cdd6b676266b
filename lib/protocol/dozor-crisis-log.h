/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "dozor-crisis-log-entry.h"

G_BEGIN_DECLS

/**
 * DozorCrisisEpisode:
 * @raised_at: when the level left normal (the readiness's `raised_at`)
 * @lowered_at: (nullable): when it came back to normal, %NULL while raised
 * @top_level: the highest level of the episode
 * @first_seq: the seq of the event that raised it
 * @last_seq: the seq of the event that lowered it, or -1 while raised
 *
 * A raised episode found in the journal.
 */
typedef struct
{
  char *raised_at;
  char *lowered_at;
  char *top_level;
  gint64 first_seq;
  gint64 last_seq;
} DozorCrisisEpisode;

void       dozor_crisis_episode_free (DozorCrisisEpisode *episode);
GPtrArray *dozor_crisis_episodes_find (GPtrArray *events);

#define DOZOR_TYPE_CRISIS_LOG (dozor_crisis_log_get_type ())
G_DECLARE_FINAL_TYPE (DozorCrisisLog, dozor_crisis_log, DOZOR, CRISIS_LOG, GObject)

DozorCrisisLog *dozor_crisis_log_new         (void);
DozorCrisisLog *dozor_crisis_log_new_for_episode (GPtrArray                *events,
                                                  const DozorCrisisEpisode *episode);
void            dozor_crisis_log_learn       (DozorCrisisLog *self,
                                              JsonObject     *event);
guint           dozor_crisis_log_add_event   (DozorCrisisLog *self,
                                              JsonObject     *event);
gint64          dozor_crisis_log_get_seq     (DozorCrisisLog *self);
GListModel     *dozor_crisis_log_get_entries (DozorCrisisLog *self);
char           *dozor_crisis_log_format_time (GDateTime      *time,
                                              GTimeZone      *zone);
char           *dozor_crisis_log_to_csv      (GListModel     *entries,
                                              GTimeZone      *zone);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DozorCrisisEpisode, dozor_crisis_episode_free)

G_END_DECLS
