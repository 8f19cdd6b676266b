/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The pages of the store that stream clients behind are fed from, made
 * once for all of them.
 *
 * A client that falls behind is fed from the store as its socket drains.
 * Each such client used to read its own page from its own seq, find the
 * unit of every position in it, coalesce and pack it: per event, more of
 * dozord's time than a live client costs, so a dozord short of CPU that
 * let a few clients fall behind fell further behind with every one.
 * Clients fall behind together (when dozord itself is late, or a network
 * path stalls), so pages here lie on a fixed grid of seqs
 * (DOZOR_STREAM_PAGE_EVENTS each) and are kept while a client behind may
 * still need them: a page is read, coalesced and packed once, and handed
 * to every client as it comes to it.
 *
 * Coalescing a page does not depend on where in it a client starts: a
 * position is superseded if a later position of its unit is in the page,
 * and that later one is then in whatever part of the page the client
 * gets. So a client that starts in the middle of a page takes the tail of
 * the shared events; only its frames are packed for it alone, once.
 *
 * The page at the head is usually short. It is kept as read, with the
 * unit of each position; once a client needs events beyond it, only
 * those are read, and the page is made again with them.
 */
#include "config.h"

#include <string.h>

#include "dozor-stream-pages.h"

/* Pages kept at most: 32 × 1,024 events of ~200 bytes, twice (events and
 * frames), is ~13 MB while clients are far behind; a client behind further
 * than that reads its page again. */
#define MAX_PAGES 32

struct _DozorStreamPages
{
  GObject parent_instance;

  DozorStore *store;
  GHashTable *pages; /* first seq (gint64 *) → DozorStreamPage */
  guint reads;       /* pages read from the store so far */
};

G_DEFINE_FINAL_TYPE (DozorStreamPages, dozor_stream_pages, G_TYPE_OBJECT)

static void
page_free (DozorStreamPage *page)
{
  g_ptr_array_unref (page->events);
  g_ptr_array_unref (page->frames);
  g_ptr_array_unref (page->units);
}

DozorStreamPage *
dozor_stream_page_ref (DozorStreamPage *page)
{
  return g_atomic_rc_box_acquire (page);
}

void
dozor_stream_page_unref (DozorStreamPage *page)
{
  g_atomic_rc_box_release_full (page, (GDestroyNotify) page_free);
}

static void
dozor_stream_pages_finalize (GObject *object)
{
  DozorStreamPages *self = DOZOR_STREAM_PAGES (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->pages, g_hash_table_unref);

  G_OBJECT_CLASS (dozor_stream_pages_parent_class)->finalize (object);
}

static void
dozor_stream_pages_class_init (DozorStreamPagesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_stream_pages_finalize;
}

static void
dozor_stream_pages_init (DozorStreamPages *self)
{
  self->pages = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                       (GDestroyNotify) dozor_stream_page_unref);
}

/**
 * dozor_stream_pages_new:
 * @store: where the events are
 *
 * Returns: (transfer full): no pages yet
 */
DozorStreamPages *
dozor_stream_pages_new (DozorStore *store)
{
  DozorStreamPages *self = g_object_new (DOZOR_TYPE_STREAM_PAGES, NULL);

  self->store = g_object_ref (store);
  return self;
}

/* Skips the blanks a JSON writer may put between tokens, then @token. */
static gboolean
skip_token (const char **at,
            const char  *token)
{
  while (g_ascii_isspace (**at))
    (*at)++;
  if (!g_str_has_prefix (*at, token))
    return FALSE;
  *at += strlen (token);
  return TRUE;
}

/* The unit of a position event as the store writes it
 * (`{"seq":N,"type":"unit.position","time":"…","unit":{"id":"…"`; on
 * PostgreSQL the same with blanks around `:` and after `,`), or NULL.
 * Read from the text: parsing every event of a page would cost more than
 * sending it. An event of another shape is simply not coalesced. */
static char *
position_unit (const char *event)
{
  const char *at = strchr (event, ',');
  const char *end;

  if (at == NULL)
    return NULL;
  at++;
  if (!skip_token (&at, "\"type\"") || !skip_token (&at, ":") || !skip_token (&at, "\"unit.position\"") ||
      !skip_token (&at, ","))
    return NULL;
  at = strstr (at, "\"unit\"");
  if (at == NULL)
    return NULL;
  at += strlen ("\"unit\"");
  if (!skip_token (&at, ":") || !skip_token (&at, "{") || !skip_token (&at, "\"id\"") ||
      !skip_token (&at, ":") || !skip_token (&at, "\""))
    return NULL;
  end = strchr (at, '"');
  if (end == NULL || end == at || memchr (at, '\\', end - at) != NULL)
    return NULL;
  return g_strndup (at, end - at);
}

/* The seq an event starts with, as the store writes it (`{"seq":N,…`), or
 * -1. */
static gint64
event_seq (const char *event)
{
  const char *at = event;
  char *end;
  gint64 seq;

  if (!skip_token (&at, "{") || !skip_token (&at, "\"seq\"") || !skip_token (&at, ":"))
    return -1;
  seq = g_ascii_strtoll (at, &end, 10);
  return end == at ? -1 : seq;
}

/* Makes a page of @events (consecutive seqs from @first_seq) and @units
 * (the unit of each position), replacing each superseded position in
 * place. Walking backwards, the first position of a unit met is its
 * newest in the page: one hash lookup per position. */
static DozorStreamPage *
page_make (GPtrArray *events, /* transfer full */
           GPtrArray *units,  /* transfer full */
           gint64     first_seq)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  DozorStreamPage *page = g_atomic_rc_box_new0 (DozorStreamPage);

  for (guint i = events->len; i-- > 0;)
    {
      const char *unit = units->pdata[i];

      if (unit == NULL || g_hash_table_add (seen, (gpointer) unit) ||
          g_str_has_suffix (events->pdata[i], "\"type\":\"coalesced\"}"))
        continue;
      g_free (events->pdata[i]);
      events->pdata[i] = g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",\"type\":\"coalesced\"}", first_seq + i);
    }

  page->first_seq = first_seq;
  page->count = events->len;
  page->events = events;
  page->units = units;
  page->frames = dozor_stream_frames_pack (events, first_seq);
  return page;
}

/* A page of the events read, each position's unit read from its text. */
static DozorStreamPage *
page_new (GPtrArray *events, /* transfer full */
          gint64     first_seq)
{
  GPtrArray *units = g_ptr_array_new_full (events->len, g_free);

  for (guint i = 0; i < events->len; i++)
    g_ptr_array_add (units, position_unit (events->pdata[i]));
  return page_make (events, units, first_seq);
}

/* The page at the head with the events committed after it: the store is
 * read only for those, and the units of the events already there are not
 * read again. A position coalesced before stays superseded. */
static DozorStreamPage *
page_extend (const DozorStreamPage *page,
             GPtrArray             *more)
{
  GPtrArray *events = g_ptr_array_new_full (page->count + more->len, g_free);
  GPtrArray *units = g_ptr_array_new_full (page->count + more->len, g_free);

  for (guint i = 0; i < page->count; i++)
    {
      g_ptr_array_add (events, g_strdup (page->events->pdata[i]));
      g_ptr_array_add (units, g_strdup (page->units->pdata[i]));
    }
  for (guint i = 0; i < more->len; i++)
    {
      g_ptr_array_add (events, g_strdup (more->pdata[i]));
      g_ptr_array_add (units, position_unit (more->pdata[i]));
    }
  return page_make (events, units, page->first_seq);
}

/**
 * dozor_stream_pages_get:
 * @after: the last seq the client has
 * @head: the last seq the stream has handed over live
 *
 * The page that holds the seq after @after, with every event of it up to
 * @head at least (the page's own end at most), read from the store if it
 * is not kept.
 *
 * Returns: (transfer full) (nullable): the page, or %NULL if the store
 *   has nothing after @after (or could not be read)
 */
DozorStreamPage *
dozor_stream_pages_get (DozorStreamPages *self,
                        gint64            after,
                        gint64            head)
{
  gint64 first = after / DOZOR_STREAM_PAGE_EVENTS * DOZOR_STREAM_PAGE_EVENTS + 1;
  gint64 last = MIN (first + DOZOR_STREAM_PAGE_EVENTS - 1, head);
  DozorStreamPage *page = g_hash_table_lookup (self->pages, &first);
  g_autoptr(GPtrArray) events = NULL;

  if (after >= head)
    return NULL;
  if (page != NULL && page->first_seq + page->count - 1 >= last)
    return dozor_stream_page_ref (page);

  /* The page at the head, kept: only what came after it is read. */
  if (page != NULL)
    {
      gint64 kept_last = page->first_seq + page->count - 1;

      events = dozor_store_events_since (self->store, kept_last, (guint) (last - kept_last), NULL);
      self->reads++;
      if (events != NULL && events->len > 0 && event_seq (events->pdata[0]) == kept_last + 1)
        {
          page = page_extend (page, events);
          g_hash_table_replace (self->pages, &page->first_seq, dozor_stream_page_ref (page));
          return page;
        }
      g_clear_pointer (&events, g_ptr_array_unref);
    }

  events = dozor_store_events_since (self->store, first - 1, (guint) (last - first + 1), NULL);
  self->reads++;
  if (events == NULL || events->len == 0)
    return NULL;
  /* The start of the page pruned from the store (--retain-events) while
   * the client's own next event is still there: its own page, kept by no
   * one. */
  if (event_seq (events->pdata[0]) != first)
    {
      g_clear_pointer (&events, g_ptr_array_unref);
      events = dozor_store_events_since (self->store, after, (guint) (last - after), NULL);
      if (events == NULL || events->len == 0)
        return NULL;
      return page_new (g_steal_pointer (&events), after + 1);
    }
  if (first + events->len - 1 <= after)
    return NULL;

  if (g_hash_table_size (self->pages) >= MAX_PAGES && g_hash_table_lookup (self->pages, &first) == NULL)
    {
      GHashTableIter iter;
      gint64 *key, *oldest = NULL;

      g_hash_table_iter_init (&iter, self->pages);
      while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
        if (oldest == NULL || *key < *oldest)
          oldest = key;
      g_hash_table_remove (self->pages, oldest);
    }

  /* The key lives in the page: the table frees only the page. */
  page = page_new (g_steal_pointer (&events), first);
  g_hash_table_replace (self->pages, &page->first_seq, dozor_stream_page_ref (page));
  return page;
}

/**
 * dozor_stream_pages_trim:
 * @oldest: the lowest seq a client behind has, or G_MAXINT64 when none is
 *
 * Lets go of the pages no client behind needs any more.
 */
void
dozor_stream_pages_trim (DozorStreamPages *self,
                         gint64            oldest)
{
  GHashTableIter iter;
  DozorStreamPage *page;

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &page))
    if (page->first_seq + page->count - 1 <= oldest)
      g_hash_table_iter_remove (&iter);
}

/* Pages read from the store so far: what sharing them saves shows here. */
guint
dozor_stream_pages_get_reads (DozorStreamPages *self)
{
  return self->reads;
}
