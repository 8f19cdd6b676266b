/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dozor-street-match.h"

G_BEGIN_DECLS

/* The layout of the index file; a file of another version is rebuilt. */
#define DOZOR_STREET_INDEX_VERSION 1

/* The most answers one search gives. */
#define DOZOR_STREET_INDEX_MAX_RESULTS 50

#define DOZOR_TYPE_STREET_INDEX (dozor_street_index_get_type ())
G_DECLARE_FINAL_TYPE (DozorStreetIndex, dozor_street_index, DOZOR, STREET_INDEX, GObject)

DozorStreetIndex *dozor_street_index_build              (const char           *source,
                                                         const char           *target,
                                                         GCancellable         *cancellable,
                                                         GError              **error);
DozorStreetIndex *dozor_street_index_open               (const char           *path,
                                                         GError              **error);
DozorStreetIndex *dozor_street_index_open_cached        (const char           *source,
                                                         const char           *cache_dir,
                                                         gboolean             *built,
                                                         GCancellable         *cancellable,
                                                         GError              **error);
void              dozor_street_index_open_cached_async  (const char           *source,
                                                         const char           *cache_dir,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
DozorStreetIndex *dozor_street_index_open_cached_finish (GAsyncResult         *result,
                                                         GError              **error);
guint             dozor_street_index_get_n_streets      (DozorStreetIndex     *self);
guint             dozor_street_index_get_n_crossings    (DozorStreetIndex     *self);
GListModel       *dozor_street_index_search             (DozorStreetIndex     *self,
                                                         const char           *query,
                                                         guint                 limit,
                                                         GError              **error);
void              dozor_street_index_search_async       (DozorStreetIndex     *self,
                                                         const char           *query,
                                                         guint                 limit,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
GListModel       *dozor_street_index_search_finish      (DozorStreetIndex     *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
DozorStreetMatch *dozor_street_index_nearest            (DozorStreetIndex     *self,
                                                         double                lat,
                                                         double                lon,
                                                         double                max_distance_m,
                                                         GError              **error);
void              dozor_street_index_nearest_async      (DozorStreetIndex     *self,
                                                         double                lat,
                                                         double                lon,
                                                         double                max_distance_m,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
DozorStreetMatch *dozor_street_index_nearest_finish     (DozorStreetIndex     *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

G_END_DECLS
