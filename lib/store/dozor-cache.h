/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The largest snapshot text the cache keeps or reads back, in bytes: ten
 * thousand units and every zone are a few MiB. */
#define DOZOR_CACHE_MAX_BYTES (64 * 1024 * 1024)

/**
 * DozorCacheTextFunc:
 * @data: what the text is written from
 * @length: (out): the text's length in bytes
 *
 * Writes a snapshot's text (docs/api.md, GET /snapshot), in a worker.
 *
 * Returns: (transfer full): the text
 */
typedef char *(*DozorCacheTextFunc) (gpointer  data,
                                     gsize    *length);

#define DOZOR_TYPE_CACHE (dozor_cache_get_type ())
G_DECLARE_FINAL_TYPE (DozorCache, dozor_cache, DOZOR, CACHE, GObject)

DozorCache *dozor_cache_open          (const char           *path,
                                       GError              **error);
const char *dozor_cache_get_path      (DozorCache           *self);

gboolean    dozor_cache_save          (DozorCache           *self,
                                       JsonNode             *snapshot,
                                       GError              **error);
void        dozor_cache_save_async    (DozorCache           *self,
                                       JsonNode             *snapshot,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean    dozor_cache_save_text     (DozorCache           *self,
                                       gint64                seq,
                                       DozorCacheTextFunc    text_func,
                                       gpointer              text_data,
                                       GError              **error);
void        dozor_cache_save_text_async (DozorCache         *self,
                                         gint64              seq,
                                         DozorCacheTextFunc  text_func,
                                         gpointer            text_data,
                                         GDestroyNotify      text_destroy,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);
gboolean    dozor_cache_save_finish   (DozorCache           *self,
                                       GAsyncResult         *result,
                                       GError              **error);

JsonNode   *dozor_cache_load          (DozorCache           *self,
                                       gint64               *saved_at,
                                       GError              **error);
void        dozor_cache_load_async    (DozorCache           *self,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
JsonNode   *dozor_cache_load_finish   (DozorCache           *self,
                                       GAsyncResult         *result,
                                       gint64               *saved_at,
                                       GError              **error);

gint64      dozor_cache_set_max_pages (DozorCache           *self,
                                       gint64                max_pages);

G_END_DECLS
