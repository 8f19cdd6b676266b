/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The duty roster's flags in dozord (issue 17, item 1; docs/api.md,
 * "Roster flags"): once a second, and as soon as the roster changes, the
 * store compares the roster with the units' last fixes and writes the
 * flags raised and cleared as events, which this object publishes. The
 * store is single-threaded and the check is two indexed queries over the
 * current entries and one pass over the units' rows, so it runs on the
 * main loop beside route compliance's writes; nothing is parsed.
 */
#include "config.h"

#include "dozor-roster.h"

struct _DozorRoster
{
  GObject parent_instance;

  DozorStore *store;
  DozorRosterPublish publish;
  gpointer publish_data;
  guint no_position_s;
  gboolean judging;    /* FALSE on an instance that does not judge */
  guint tick_id;
  guint soon_id;
};

G_DEFINE_FINAL_TYPE (DozorRoster, dozor_roster, G_TYPE_OBJECT)

static void
check (DozorRoster *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;

  /* The check reads the open flags before its transaction: two instances
   * checking at once would both raise the same flag. */
  if (!self->judging)
    return;
  events = dozor_store_check_roster (self->store, g_get_real_time (), self->no_position_s, &error);
  if (events == NULL)
    g_warning ("Roster flags not checked: %s", error->message);
  else if (events->len > 0)
    self->publish (events, self->publish_data);
}

static gboolean
tick_cb (gpointer user_data)
{
  check (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
soon_cb (gpointer user_data)
{
  DozorRoster *self = user_data;

  self->soon_id = 0;
  check (self);
  return G_SOURCE_REMOVE;
}

static void
dozor_roster_dispose (GObject *object)
{
  DozorRoster *self = DOZOR_ROSTER (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->soon_id, g_source_remove);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (dozor_roster_parent_class)->dispose (object);
}

static void
dozor_roster_class_init (DozorRosterClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_roster_dispose;
}

static void
dozor_roster_init (DozorRoster *self)
{
  self->no_position_s = DOZOR_ROSTER_NO_POSITION_S;
  self->judging = TRUE;
}

/**
 * dozor_roster_new:
 * @store: the store, used on this thread only
 * @publish: sends the events the flags became
 * @user_data: for @publish
 *
 * Returns: (transfer full): the check, running once a second
 */
DozorRoster *
dozor_roster_new (DozorStore         *store,
                  DozorRosterPublish  publish,
                  gpointer            user_data)
{
  DozorRoster *self = g_object_new (DOZOR_TYPE_ROSTER, NULL);

  self->store = g_object_ref (store);
  self->publish = publish;
  self->publish_data = user_data;
  self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
  return self;
}

/**
 * dozor_roster_set_no_position:
 * @self: a #DozorRoster
 * @seconds: how long a unit on duty may go without a fix
 */
void
dozor_roster_set_no_position (DozorRoster *self,
                              guint        seconds)
{
  self->no_position_s = seconds;
}

/**
 * dozor_roster_check_soon:
 * @self: a #DozorRoster
 *
 * Checks again once the current command has been committed: a roster
 * change raises or clears its flags at once, not at the next tick.
 */
void
dozor_roster_check_soon (DozorRoster *self)
{
  if (self->soon_id == 0)
    self->soon_id = g_idle_add (soon_cb, self);
}

/**
 * dozor_roster_set_judging:
 * @self: a #DozorRoster
 * @judging: whether this instance raises and clears the flags (on by
 *   default; on PostgreSQL only the judging instance does)
 */
void
dozor_roster_set_judging (DozorRoster *self,
                          gboolean     judging)
{
  self->judging = judging;
  if (judging)
    dozor_roster_check_soon (self);
}
