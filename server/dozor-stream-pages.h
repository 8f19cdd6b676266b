/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-store.h"
#include "dozor-stream-frames.h"

G_BEGIN_DECLS

/* Events per page read from the store for the clients that are behind.
 * Pages lie on a fixed grid of seqs, so that clients behind by different
 * amounts still read, coalesce and pack the same pages. */
#define DOZOR_STREAM_PAGE_EVENTS 1024

/* Events read once from the store, as every client that is behind gets
 * them: `events` with each position that a later one of its unit in the
 * page supersedes as a `coalesced` event, `frames` the same packed from
 * the page's first seq. Shared and read-only once made. */
typedef struct
{
  gint64 first_seq;
  guint count;
  GPtrArray *events; /* char *, count of them */
  GPtrArray *frames; /* DozorStreamFrame */
  GPtrArray *units;  /* char *: the unit of each position, NULL for others */
} DozorStreamPage;

DozorStreamPage *dozor_stream_page_ref   (DozorStreamPage *page);
void             dozor_stream_page_unref (DozorStreamPage *page);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DozorStreamPage, dozor_stream_page_unref)

#define DOZOR_TYPE_STREAM_PAGES (dozor_stream_pages_get_type ())
G_DECLARE_FINAL_TYPE (DozorStreamPages, dozor_stream_pages, DOZOR, STREAM_PAGES, GObject)

DozorStreamPages *dozor_stream_pages_new   (DozorStore       *store);
DozorStreamPage  *dozor_stream_pages_get   (DozorStreamPages *self,
                                            gint64            after,
                                            gint64            head);
void              dozor_stream_pages_trim  (DozorStreamPages *self,
                                            gint64            oldest);
guint             dozor_stream_pages_get_reads (DozorStreamPages *self);

G_END_DECLS
