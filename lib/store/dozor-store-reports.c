/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The figures of the reports (docs/api.md, "Reports"): the daily
 * operational report and the quarterly statistics over a window, and the
 * certificate of working off one incident. dozord computes them, so every
 * board and dozorctl print the same numbers; the clients only draw them.
 *
 * A quarter holds tens of thousands of incidents, so these run in a
 * worker thread of dozord with their own read-only connection, as the
 * history reads do (dozor-store-history.c): WAL lets them read one
 * committed state without holding up dozord's writers.
 *
 * Districts are judged by GEOS (through OGR, prepared once per district),
 * not by a loop of our own.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dozor-escalation.h"
#include "dozor-json.h"
#include "dozor-gdal.h"
#include "dozor-store-private.h"
#include "dozor-store-reports.h"
#include "dozor-store-spatial.h"

/* The response-time histogram: 30 bins of a minute, then "over". */
#define HISTOGRAM_BINS 30
#define HISTOGRAM_BIN_S 60
#define MAX_NOTABLE 500

typedef struct
{
  char *id;
  char *number;
  char *type;
  gint64 priority;
  double lat, lon;
  char *created_at;
  gint64 created_us;
  gint64 dispatched_us; /* -1: never */
  gint64 on_scene_us;   /* -1: never */
  gboolean closed;
  gint64 calls;
} Incident;

typedef struct
{
  char *id;
  char *name;
  char *geometry;
  OGRGeometryH shape;
  OGRPreparedGeometryH prepared;
  OGREnvelope envelope;
  guint count;
} District;

static void
incident_clear (Incident *incident)
{
  g_free (incident->id);
  g_free (incident->number);
  g_free (incident->type);
  g_free (incident->created_at);
}

static void
district_clear (District *district)
{
  g_free (district->id);
  g_free (district->name);
  g_free (district->geometry);
  g_clear_pointer (&district->prepared, OGRDestroyPreparedGeometry);
  g_clear_pointer (&district->shape, OGR_G_DestroyGeometry);
}

static gboolean
read_failed (DozorDb  *db,
             GError  **error)
{
  return dozor_store_reader_failed (db, _("The report could not be read"), error);
}

static DozorDb *
open_reader (const char  *db_path,
             GError     **error)
{
  return dozor_store_reader_open (db_path, _("The report could not be read"), error);
}

/* A connection closed on every way out. */
typedef DozorDb *ReportDb;
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (ReportDb, dozor_db_close, NULL)

/* Unix microseconds of a stored time, -1 for none. */
static gint64
time_us (const char *text)
{
  g_autoptr(GDateTime) time = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  if (time == NULL)
    return -1;
  return g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
}

static char *
column_dup (DozorDbStmt *stmt,
            int           column)
{
  return g_strdup (dozor_db_column_text (stmt, column));
}

/* Seconds to a tenth, as every duration of the reports is given. */
static double
tenths (gint64 us)
{
  return round ((double) us / (G_USEC_PER_SEC / 10)) / 10;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Nearest rank: the value at rank ceil(p·n/100) of the sorted values. */
static double
percentile (GArray *sorted,
            double  p)
{
  guint rank = (guint) ceil (p * sorted->len / 100.0);

  return g_array_index (sorted, double, CLAMP (rank, 1, sorted->len) - 1);
}

static void
add_number_or_null (JsonBuilder *builder,
                    const char  *name,
                    gboolean     present,
                    double       value)
{
  json_builder_set_member_name (builder, name);
  if (present)
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* count, mean, p50, p90, p95 and max of @times (seconds), sorted here;
 * with a histogram when @histogram. */
static void
add_summary (JsonBuilder *builder,
             const char  *name,
             GArray      *times,
             gboolean     histogram)
{
  double sum = 0;
  guint counts[HISTOGRAM_BINS] = { 0, };
  guint over = 0;
  gboolean any = times->len > 0;

  qsort (times->data, times->len, sizeof (double), compare_doubles);
  for (guint i = 0; i < times->len; i++)
    {
      double t = g_array_index (times, double, i);
      guint bin = (guint) floor (MAX (t, 0) / HISTOGRAM_BIN_S);

      sum += t;
      if (bin < HISTOGRAM_BINS)
        counts[bin]++;
      else
        over++;
    }

  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, times->len);
  add_number_or_null (builder, "mean_s", any, any ? round (sum / times->len * 10) / 10 : 0);
  add_number_or_null (builder, "p50_s", any, any ? percentile (times, 50) : 0);
  add_number_or_null (builder, "p90_s", any, any ? percentile (times, 90) : 0);
  add_number_or_null (builder, "p95_s", any, any ? percentile (times, 95) : 0);
  add_number_or_null (builder, "max_s", any, any ? g_array_index (times, double, times->len - 1) : 0);
  if (histogram)
    {
      json_builder_set_member_name (builder, "histogram");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "bin_s");
      json_builder_add_int_value (builder, HISTOGRAM_BIN_S);
      json_builder_set_member_name (builder, "counts");
      json_builder_begin_array (builder);
      for (guint i = 0; i < HISTOGRAM_BINS; i++)
        json_builder_add_int_value (builder, counts[i]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "over");
      json_builder_add_int_value (builder, over);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
}

static gboolean
read_incidents (DozorDb     *db,
                const char  *sql,
                const char  *first,
                const char  *second,
                GArray      *incidents,
                GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  int rc;

  if ((stmt = dozor_db_prepare (db, sql, NULL)) == NULL)
    return read_failed (db, error);
  dozor_db_bind_text (stmt, 1, first);
  if (second != NULL)
    dozor_db_bind_text (stmt, 2, second);
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    {
      Incident incident = {
        .id = column_dup (stmt, 0),
        .number = column_dup (stmt, 1),
        .type = column_dup (stmt, 2),
        .priority = dozor_db_column_int64 (stmt, 3),
        .lat = dozor_db_column_double (stmt, 4),
        .lon = dozor_db_column_double (stmt, 5),
        .created_at = column_dup (stmt, 6),
        .created_us = time_us (dozor_db_column_text (stmt, 6)),
        .dispatched_us = time_us (dozor_db_column_text (stmt, 7)),
        .on_scene_us = time_us (dozor_db_column_text (stmt, 8)),
        .closed = !dozor_db_column_is_null (stmt, 9),
        .calls = dozor_db_column_int64 (stmt, 10),
      };

      g_array_append_val (incidents, incident);
    }
  if (rc != DOZOR_DB_DONE)
    return read_failed (db, error);
  return TRUE;
}

#define INCIDENT_COLUMNS \
  "SELECT id, number, type, priority, lat, lon, created_at, dispatched_at, on_scene_at, closed_at, calls" \
  " FROM incidents"

static gboolean
read_districts (DozorDb     *db,
                GArray      *districts,
                GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  int rc;

  if ((stmt = dozor_db_prepare (db, "SELECT id, name, geometry FROM zones WHERE kind = 'district' ORDER BY name, id", NULL)) == NULL)
    return read_failed (db, error);
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    {
      District district = {
        .id = column_dup (stmt, 0),
        .name = column_dup (stmt, 1),
        .geometry = column_dup (stmt, 2),
      };

      district.shape = dozor_gdal_polygon_from_geojson (district.geometry);
      if (district.shape != NULL)
        {
          district.prepared = OGRCreatePreparedGeometry (district.shape);
          OGR_G_GetEnvelope (district.shape, &district.envelope);
        }
      g_array_append_val (districts, district);
    }
  if (rc != DOZOR_DB_DONE)
    return read_failed (db, error);
  return TRUE;
}

/* The first district (by name) that holds the point, or -1. */
static int
find_district (GArray       *districts,
               OGRGeometryH  point,
               double        lat,
               double        lon)
{
  OGR_G_SetPoint_2D (point, 0, lon, lat);
  for (guint i = 0; i < districts->len; i++)
    {
      District *district = &g_array_index (districts, District, i);

      if (district->prepared == NULL || lon < district->envelope.MinX || lon > district->envelope.MaxX ||
          lat < district->envelope.MinY || lat > district->envelope.MaxY)
        continue;
      if (OGRPreparedGeometryIntersects (district->prepared, point))
        return (int) i;
    }
  return -1;
}

/* Runs a query of two counts over the window into {"count", "duration_s"}
 * or the calls' pair. */
static gboolean
add_pair (DozorDb     *db,
          JsonBuilder *builder,
          const char  *name,
          const char  *first_name,
          const char  *second_name,
          gboolean     second_is_seconds,
          const char  *sql,
          const char  *from,
          const char  *to,
          GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;

  if ((stmt = dozor_db_prepare (db, sql, NULL)) == NULL)
    return read_failed (db, error);
  dozor_db_bind_text (stmt, 1, from);
  dozor_db_bind_text (stmt, 2, to);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    return read_failed (db, error);

  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, first_name);
  json_builder_add_int_value (builder, dozor_db_column_int64 (stmt, 0));
  json_builder_set_member_name (builder, second_name);
  if (second_is_seconds)
    json_builder_add_double_value (builder, round (dozor_db_column_double (stmt, 1) * 10) / 10);
  else
    json_builder_add_int_value (builder, dozor_db_column_int64 (stmt, 1));
  json_builder_end_object (builder);
  return TRUE;
}

/* Readiness changes and plans activated and closed, from the journal
 * (the events kept for a year, by time), oldest first. */
static gboolean
add_log (DozorDb     *db,
         JsonBuilder *builder,
         const char  *from,
         const char  *to,
         GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  int rc;

  if ((stmt = dozor_db_prepare (db,
                          "SELECT type, time,"
                          "  json_extract(data, '$.readiness.level'), json_extract(data, '$.readiness.reason'),"
                          "  json_extract(data, '$.readiness.set_by'), json_extract(data, '$.plan.id'),"
                          "  json_extract(data, '$.plan.name'), json_extract(data, '$.plan.activation.activated_by')"
                          " FROM journal WHERE time >= ?1 AND time < ?2"
                          "  AND type IN ('readiness.changed', 'plan.activated', 'plan.closed')"
                          " ORDER BY seq", NULL)) == NULL)
    return read_failed (db, error);
  dozor_db_bind_text (stmt, 1, from);
  dozor_db_bind_text (stmt, 2, to);

  json_builder_set_member_name (builder, "readiness");
  json_builder_begin_array (builder);
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    {
      if (!g_str_equal (dozor_db_column_text (stmt, 0), "readiness.changed"))
        continue;
      json_builder_begin_object (builder);
      dozor_json_builder_add_string_or_null (builder, "time", dozor_db_column_text (stmt, 1));
      dozor_json_builder_add_string_or_null (builder, "level", dozor_db_column_text (stmt, 2));
      dozor_json_builder_add_string_or_null (builder, "reason", dozor_db_column_text (stmt, 3));
      dozor_json_builder_add_string_or_null (builder, "set_by", dozor_db_column_text (stmt, 4));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (rc != DOZOR_DB_DONE)
    return read_failed (db, error);

  dozor_db_reset (stmt);
  json_builder_set_member_name (builder, "plans");
  json_builder_begin_array (builder);
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    {
      const char *type = dozor_db_column_text (stmt, 0);

      if (g_str_equal (type, "readiness.changed"))
        continue;
      json_builder_begin_object (builder);
      dozor_json_builder_add_string_or_null (builder, "time", dozor_db_column_text (stmt, 1));
      dozor_json_builder_add_string_or_null (builder, "event", g_str_equal (type, "plan.activated") ? "activated" : "closed");
      dozor_json_builder_add_string_or_null (builder, "plan_id", dozor_db_column_text (stmt, 5));
      dozor_json_builder_add_string_or_null (builder, "name", dozor_db_column_text (stmt, 6));
      dozor_json_builder_add_string_or_null (builder, "by", dozor_db_column_text (stmt, 7));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (rc != DOZOR_DB_DONE)
    return read_failed (db, error);
  return TRUE;
}

static gboolean
parse_window (const char       *from,
              const char       *to,
              DozorReportKind   kind,
              char            **from_utc,
              char            **to_utc,
              GError          **error)
{
  g_autoptr(GDateTime) start = from != NULL ? g_date_time_new_from_iso8601 (from, NULL) : NULL;
  g_autoptr(GDateTime) end = to != NULL ? g_date_time_new_from_iso8601 (to, NULL) : NULL;
  g_autoptr(GDateTime) start_utc = NULL, end_utc = NULL;
  gint64 span_s;

  if (start == NULL)
    return dozor_store_set_invalid (error, "from", _("must be an RFC 3339 time"));
  if (end == NULL)
    return dozor_store_set_invalid (error, "to", _("must be an RFC 3339 time"));
  span_s = g_date_time_difference (end, start) / G_USEC_PER_SEC;
  if (span_s <= 0)
    return dozor_store_set_invalid (error, "to", _("must be after “from”"));
  if (span_s > (kind == DOZOR_REPORT_DAILY ? DOZOR_REPORT_DAILY_MAX_S : DOZOR_REPORT_QUARTERLY_MAX_S))
    return dozor_store_set_invalid (error, "to", kind == DOZOR_REPORT_DAILY
                                                   ? _("a daily report covers at most 48 hours")
                                                   : _("a quarterly report covers at most 366 days"));

  start_utc = g_date_time_to_utc (start);
  end_utc = g_date_time_to_utc (end);
  *from_utc = g_date_time_format (start_utc, "%Y-%m-%dT%H:%M:%S.%fZ");
  *to_utc = g_date_time_format (end_utc, "%Y-%m-%dT%H:%M:%S.%fZ");
  return TRUE;
}

static void
add_counts_by_type (JsonBuilder *builder,
                    GArray      *incidents)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) types = g_ptr_array_new ();

  for (guint i = 0; i < incidents->len; i++)
    {
      Incident *incident = &g_array_index (incidents, Incident, i);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, incident->type));

      if (n == 0)
        g_ptr_array_add (types, incident->type);
      g_hash_table_insert (counts, incident->type, GUINT_TO_POINTER (n + 1));
    }

  /* Most first, then by name: a stable order for tables and charts. */
  for (guint i = 1; i < types->len; i++)
    for (guint j = i; j > 0; j--)
      {
        const char *a = g_ptr_array_index (types, j - 1), *b = g_ptr_array_index (types, j);
        guint na = GPOINTER_TO_UINT (g_hash_table_lookup (counts, a));
        guint nb = GPOINTER_TO_UINT (g_hash_table_lookup (counts, b));

        if (na > nb || (na == nb && strcmp (a, b) <= 0))
          break;
        types->pdata[j - 1] = (gpointer) b;
        types->pdata[j] = (gpointer) a;
      }

  json_builder_set_member_name (builder, "by_type");
  json_builder_begin_array (builder);
  for (guint i = 0; i < types->len; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, g_ptr_array_index (types, i));
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, GPOINTER_TO_UINT (g_hash_table_lookup (counts, g_ptr_array_index (types, i))));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_int_array (JsonBuilder *builder,
               const char  *name,
               const guint *values,
               guint        n)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    json_builder_add_int_value (builder, values[i]);
  json_builder_end_array (builder);
}

/* Why an incident is notable, or an empty list. */
static void
notable_reasons (const Incident        *incident,
                 const DozorEscalation *limits,
                 const char           **reasons,
                 guint                 *n)
{
  *n = 0;
  if (incident->priority == 1)
    reasons[(*n)++] = "priority";
  if (incident->on_scene_us >= 0 &&
      dozor_escalation_waited_too_long (limits, incident->priority, incident->on_scene_us - incident->created_us))
    reasons[(*n)++] = "late";
  if (incident->on_scene_us < 0)
    reasons[(*n)++] = "not_reached";
  if (incident->calls > 0)
    reasons[(*n)++] = "repeated_calls";
}

static void
add_notable (JsonBuilder           *builder,
             GArray                *incidents,
             const DozorEscalation *limits)
{
  guint added = 0;

  json_builder_set_member_name (builder, "notable");
  json_builder_begin_array (builder);
  for (guint i = 0; i < incidents->len && added < MAX_NOTABLE; i++)
    {
      Incident *incident = &g_array_index (incidents, Incident, i);
      const char *reasons[4];
      guint n;

      notable_reasons (incident, limits, reasons, &n);
      if (n == 0)
        continue;
      added++;
      json_builder_begin_object (builder);
      dozor_json_builder_add_string_or_null (builder, "id", incident->id);
      dozor_json_builder_add_string_or_null (builder, "number", incident->number);
      dozor_json_builder_add_string_or_null (builder, "type", incident->type);
      json_builder_set_member_name (builder, "priority");
      json_builder_add_int_value (builder, incident->priority);
      dozor_json_builder_add_string_or_null (builder, "created_at", incident->created_at);
      add_number_or_null (builder, "response_s", incident->on_scene_us >= 0,
                          tenths (incident->on_scene_us - incident->created_us));
      json_builder_set_member_name (builder, "calls");
      json_builder_add_int_value (builder, incident->calls);
      json_builder_set_member_name (builder, "reasons");
      json_builder_begin_array (builder);
      for (guint r = 0; r < n; r++)
        json_builder_add_string_value (builder, reasons[r]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_map (JsonBuilder *builder,
         GArray      *districts,
         GArray      *incidents)
{
  json_builder_set_member_name (builder, "districts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < districts->len; i++)
    {
      District *district = &g_array_index (districts, District, i);
      g_autoptr(JsonNode) geometry = json_from_string (district->geometry, NULL);

      json_builder_begin_object (builder);
      dozor_json_builder_add_string_or_null (builder, "id", district->id);
      dozor_json_builder_add_string_or_null (builder, "name", district->name);
      json_builder_set_member_name (builder, "geometry");
      if (geometry != NULL)
        json_builder_add_value (builder, g_steal_pointer (&geometry));
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "points");
  json_builder_begin_array (builder);
  for (guint i = 0; i < incidents->len; i++)
    {
      Incident *incident = &g_array_index (incidents, Incident, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "lat");
      json_builder_add_double_value (builder, incident->lat);
      json_builder_set_member_name (builder, "lon");
      json_builder_add_double_value (builder, incident->lon);
      dozor_json_builder_add_string_or_null (builder, "type", incident->type);
      json_builder_set_member_name (builder, "priority");
      json_builder_add_int_value (builder, incident->priority);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/**
 * dozor_store_report_figures:
 * @db_path: the store's file
 * @kind: daily or quarterly
 * @from: RFC 3339, the window's start (included)
 * @to: RFC 3339, the window's end (not included)
 * @limits: (nullable): the arrival limits per priority that make an
 *   arrival late; %NULL for the board's defaults
 * @error: return location for a #GError
 *
 * The figures of the daily operational report or of the quarterly
 * statistics (docs/api.md, "Reports"). Safe in any thread.
 *
 * Returns: (transfer full): the figures as JSON text, or %NULL with @error
 *   set (%DOZOR_STORE_ERROR_INVALID for a bad window)
 */
char *
dozor_store_report_figures (const char       *db_path,
                            DozorReportKind   kind,
                            const char       *from,
                            const char       *to,
                            const DozorEscalation *limits,
                            GError          **error)
{
  g_autofree char *from_utc = NULL, *to_utc = NULL;
  g_auto(ReportDb) db = NULL;
  g_autoptr(GArray) incidents = g_array_new (FALSE, FALSE, sizeof (Incident));
  g_autoptr(GArray) districts = g_array_new (FALSE, FALSE, sizeof (District));
  g_autoptr(GArray) response = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) dispatch = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_auto(OGRGeometryH) point = OGR_G_CreateGeometry (wkbPoint);
  DozorEscalation defaults;
  guint by_hour[24] = { 0, }, by_priority[DOZOR_ESCALATION_PRIORITIES] = { 0, };
  guint closed = 0, late = 0, not_reached = 0, outside = 0;

  g_array_set_clear_func (incidents, (GDestroyNotify) incident_clear);
  g_array_set_clear_func (districts, (GDestroyNotify) district_clear);
  dozor_escalation_init_defaults (&defaults);
  if (limits == NULL)
    limits = &defaults;

  if (!parse_window (from, to, kind, &from_utc, &to_utc, error))
    return NULL;
  db = open_reader (db_path, error);
  if (db == NULL ||
      !read_incidents (db, INCIDENT_COLUMNS " WHERE created_at >= ?1 AND created_at < ?2 ORDER BY created_at, id",
                       from_utc, to_utc, incidents, error) ||
      !read_districts (db, districts, error))
    return NULL;

  for (guint i = 0; i < incidents->len; i++)
    {
      Incident *incident = &g_array_index (incidents, Incident, i);
      int district = find_district (districts, point, incident->lat, incident->lon);
      /* "…THH:" of the stored UTC time. */
      guint hour = (guint) g_ascii_strtoull (incident->created_at + 11, NULL, 10);

      by_hour[MIN (hour, 23)]++;
      if (incident->priority >= 1 && incident->priority <= DOZOR_ESCALATION_PRIORITIES)
        by_priority[incident->priority - 1]++;
      if (district >= 0)
        g_array_index (districts, District, district).count++;
      else
        outside++;
      closed += incident->closed;
      if (incident->on_scene_us >= 0)
        {
          gint64 waited = incident->on_scene_us - incident->created_us;
          double s = tenths (waited);

          g_array_append_val (response, s);
          late += dozor_escalation_waited_too_long (limits, incident->priority, waited);
        }
      else
        {
          not_reached++;
        }
      if (incident->dispatched_us >= 0)
        {
          double s = tenths (incident->dispatched_us - incident->created_us);

          g_array_append_val (dispatch, s);
        }
    }

  json_builder_begin_object (builder);
  dozor_json_builder_add_string_or_null (builder, "kind", kind == DOZOR_REPORT_DAILY ? "daily" : "quarterly");
  dozor_json_builder_add_string_or_null (builder, "from", from_utc);
  dozor_json_builder_add_string_or_null (builder, "to", to_utc);
  json_builder_set_member_name (builder, "incidents");
  json_builder_add_int_value (builder, incidents->len);
  json_builder_set_member_name (builder, "closed");
  json_builder_add_int_value (builder, closed);
  json_builder_set_member_name (builder, "open");
  json_builder_add_int_value (builder, incidents->len - closed);
  add_counts_by_type (builder, incidents);
  add_int_array (builder, "by_priority", by_priority, DOZOR_ESCALATION_PRIORITIES);
  add_int_array (builder, "by_hour", by_hour, 24);

  json_builder_set_member_name (builder, "by_district");
  json_builder_begin_array (builder);
  for (guint i = 0; i < districts->len; i++)
    {
      District *district = &g_array_index (districts, District, i);

      json_builder_begin_object (builder);
      dozor_json_builder_add_string_or_null (builder, "id", district->id);
      dozor_json_builder_add_string_or_null (builder, "name", district->name);
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, district->count);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "outside_districts");
  json_builder_add_int_value (builder, outside);

  add_summary (builder, "response", response, TRUE);
  add_summary (builder, "dispatch", dispatch, FALSE);
  json_builder_set_member_name (builder, "late_arrivals");
  json_builder_add_int_value (builder, late);
  json_builder_set_member_name (builder, "not_reached");
  json_builder_add_int_value (builder, not_reached);
  json_builder_set_member_name (builder, "limits_s");
  json_builder_begin_array (builder);
  for (guint i = 0; i < DOZOR_ESCALATION_PRIORITIES; i++)
    json_builder_add_int_value (builder, limits->wait_limit_s[i]);
  json_builder_end_array (builder);

  if (!add_pair (db, builder, "repeated_calls", "calls", "incidents", FALSE,
                 "SELECT count(*), count(DISTINCT incident_id) FROM calls WHERE received_at >= ?1 AND received_at < ?2",
                 from_utc, to_utc, error) ||
      !add_pair (db, builder, "deviations", "count", "duration_s", TRUE,
                 "SELECT count(*), total(duration_s) FROM deviations WHERE started_at >= ?1 AND started_at < ?2",
                 from_utc, to_utc, error) ||
      !add_pair (db, builder, "reporting_gaps", "count", "duration_s", TRUE,
                 "SELECT count(*), total(duration_s) FROM reporting_gaps WHERE from_time >= ?1 AND from_time < ?2",
                 from_utc, to_utc, error))
    return NULL;

  /* The rules' "timeliness of drawing": roster entries whose shift began
   * in the window, and how many of them were entered after it began. */
  if (!add_pair (db, builder, "roster", "entries", "drawn_late", FALSE,
                 "SELECT count(*), total(drawn_late) FROM roster WHERE start_at >= ?1 AND start_at < ?2",
                 from_utc, to_utc, error))
    return NULL;

  add_notable (builder, incidents, limits);
  if (!add_log (db, builder, from_utc, to_utc, error))
    return NULL;
  add_map (builder, districts, incidents);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* Appends the rows of @sql (one JSON text each, bound to @id) as an
 * array member. */
static gboolean
add_json_rows (DozorDb     *db,
               JsonBuilder *builder,
               const char  *name,
               const char  *sql,
               const char  *id,
               GPtrArray   *keep,
               GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  int rc;

  if ((stmt = dozor_db_prepare (db, sql, NULL)) == NULL)
    return read_failed (db, error);
  dozor_db_bind_text (stmt, 1, id);
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    {
      JsonNode *node = json_from_string (dozor_db_column_text (stmt, 0), NULL);

      if (node == NULL)
        return read_failed (db, error);
      if (keep != NULL)
        g_ptr_array_add (keep, json_node_copy (node));
      json_builder_add_value (builder, node);
    }
  json_builder_end_array (builder);
  if (rc != DOZOR_DB_DONE)
    return read_failed (db, error);
  return TRUE;
}

/* The incident's `check.updated` events from the journal, from its
 * registration on (the index by time keeps this to the incident's days). */
static gboolean
read_check_changes (DozorDb     *db,
                    const char  *incident_id,
                    const char  *created_at,
                    GPtrArray   *ticks,
                    GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  int rc;

  if ((stmt = dozor_db_prepare (db,
                          "SELECT json_extract(data, '$.check') FROM journal"
                          " WHERE time >= ?2 AND type = 'check.updated'"
                          "  AND json_extract(data, '$.check.incident_id') = ?1 ORDER BY seq", NULL)) == NULL)
    return read_failed (db, error);
  dozor_db_bind_text (stmt, 1, incident_id);
  dozor_db_bind_text (stmt, 2, created_at);
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    {
      JsonNode *node = json_from_string (dozor_db_column_text (stmt, 0), NULL);

      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        {
          g_clear_pointer (&node, json_node_unref);
          return read_failed (db, error);
        }
      g_ptr_array_add (ticks, node);
    }
  if (rc != DOZOR_DB_DONE)
    return read_failed (db, error);
  return TRUE;
}

typedef struct
{
  const char *time;
  const char *what;
  const char *by;
  char *detail;
} Step;

static void
step_clear (Step *step)
{
  g_free (step->detail);
}

static int
compare_steps (gconstpointer a,
               gconstpointer b)
{
  const Step *x = a, *y = b;

  return strcmp (x->time, y->time);
}

static void
add_step (GArray     *steps,
          const char *time,
          const char *what,
          const char *by,
          char       *detail)
{
  Step step = { time, what, by, detail };

  if (time == NULL)
    {
      g_free (detail);
      return;
    }
  g_array_append_val (steps, step);
}

static const char *
member_or_null (JsonObject *object,
                const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
}

/* The timeline of the certificate, by time (a stable sort keeps the order
 * of equal times as added: registered before dispatched). */
static void
add_timeline (JsonBuilder *builder,
              JsonObject  *incident,
              GPtrArray   *dispatches,
              GPtrArray   *ticks,
              GPtrArray   *calls)
{
  g_autoptr(GArray) steps = g_array_new (FALSE, FALSE, sizeof (Step));
  JsonObject *arrival = json_object_get_member (incident, "arrival") != NULL &&
                        JSON_NODE_HOLDS_OBJECT (json_object_get_member (incident, "arrival"))
                          ? json_object_get_object_member (incident, "arrival") : NULL;

  g_array_set_clear_func (steps, (GDestroyNotify) step_clear);
  add_step (steps, member_or_null (incident, "created_at"), "registered", NULL, NULL);
  for (guint i = 0; i < dispatches->len; i++)
    {
      JsonObject *d = json_node_get_object (g_ptr_array_index (dispatches, i));

      add_step (steps, member_or_null (d, "created_at"), "dispatched", member_or_null (d, "created_by"),
                g_strdup (member_or_null (d, "call_sign")));
      add_step (steps, member_or_null (d, "ended_at"), "dispatch_ended", member_or_null (d, "ended_by"),
                g_strdup_printf ("%s %s", member_or_null (d, "call_sign"), member_or_null (d, "status")));
    }
  add_step (steps, member_or_null (incident, "en_route_at"), "en_route", NULL, NULL);
  add_step (steps, member_or_null (incident, "on_scene_at"), "on_scene", member_or_null (arrival, "by"), NULL);
  /* Every tick and untick, as the journal kept them: the checks table
   * holds only each step's last state. */
  for (guint i = 0; i < ticks->len; i++)
    {
      JsonObject *c = json_node_get_object (g_ptr_array_index (ticks, i));

      add_step (steps, member_or_null (c, "at"), "check", member_or_null (c, "by"),
                g_strdup_printf ("%s/%s %s", member_or_null (c, "procedure_id"), member_or_null (c, "step_id"),
                                 json_object_get_boolean_member (c, "done") ? "done" : "undone"));
    }
  for (guint i = 0; i < calls->len; i++)
    {
      JsonObject *c = json_node_get_object (g_ptr_array_index (calls, i));

      add_step (steps, member_or_null (c, "received_at"), "call", member_or_null (c, "attached_by"),
                g_strdup (member_or_null (c, "caller_phone")));
    }
  add_step (steps, member_or_null (incident, "closed_at"), "closed", NULL, NULL);

  /* g_array_sort is not stable; a merge of equal times would reorder
   * them, so sort with the index as tie breaker. */
  for (guint i = 1; i < steps->len; i++)
    for (guint j = i; j > 0 && compare_steps (&g_array_index (steps, Step, j - 1), &g_array_index (steps, Step, j)) > 0;
         j--)
      {
        Step swap = g_array_index (steps, Step, j - 1);

        g_array_index (steps, Step, j - 1) = g_array_index (steps, Step, j);
        g_array_index (steps, Step, j) = swap;
      }

  json_builder_set_member_name (builder, "timeline");
  json_builder_begin_array (builder);
  for (guint i = 0; i < steps->len; i++)
    {
      Step *step = &g_array_index (steps, Step, i);

      json_builder_begin_object (builder);
      dozor_json_builder_add_string_or_null (builder, "time", step->time);
      dozor_json_builder_add_string_or_null (builder, "what", step->what);
      dozor_json_builder_add_string_or_null (builder, "by", step->by);
      dozor_json_builder_add_string_or_null (builder, "detail", step->detail);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/**
 * dozor_store_report_certificate:
 * @db_path: the store's file
 * @incident_id: the incident
 * @limits: (nullable): as for dozor_store_report_figures()
 * @error: return location for a #GError
 *
 * One incident's full record for the certificate of working off an event
 * (docs/api.md, "Reports"): the incident, its district, response time,
 * dispatches, checklist, repeated calls and the timeline of them all.
 * Safe in any thread.
 *
 * Returns: (transfer full): JSON text, or %NULL with @error set
 *   (%DOZOR_STORE_ERROR_NOT_FOUND for no such incident)
 */
char *
dozor_store_report_certificate (const char  *db_path,
                                const char  *incident_id,
                                const DozorEscalation *limits,
                                GError     **error)
{
  g_auto(ReportDb) db = NULL;
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autoptr(GArray) incidents = g_array_new (FALSE, FALSE, sizeof (Incident));
  g_autoptr(GArray) districts = g_array_new (FALSE, FALSE, sizeof (District));
  g_autoptr(GPtrArray) dispatches = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(GPtrArray) ticks = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) record = NULL;
  g_auto(OGRGeometryH) point = OGR_G_CreateGeometry (wkbPoint);
  g_autoptr(GError) spatial_error = NULL;
  g_autofree char *district_name = NULL;
  DozorEscalation defaults;
  Incident *incident;
  int district;
  int rc;

  g_array_set_clear_func (incidents, (GDestroyNotify) incident_clear);
  g_array_set_clear_func (districts, (GDestroyNotify) district_clear);
  dozor_escalation_init_defaults (&defaults);
  if (limits == NULL)
    limits = &defaults;

  db = open_reader (db_path, error);
  if (db == NULL || !read_incidents (db, INCIDENT_COLUMNS " WHERE id = ?1", incident_id, NULL, incidents, error))
    return NULL;
  if (incidents->len == 0)
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_NOT_FOUND, _("No incident “%s”"), incident_id);
      return NULL;
    }
  incident = &g_array_index (incidents, Incident, 0);
  /* PostGIS answers where the database has it (dozor-store-spatial.c);
   * else GEOS, over every district read here. */
  if (!dozor_store_spatial_district_of (db, incident->lat, incident->lon, &district_name, &spatial_error))
    {
      if (spatial_error != NULL)
        return (read_failed (db, error), NULL);
      if (!read_districts (db, districts, error))
        return NULL;
      district = find_district (districts, point, incident->lat, incident->lon);
      if (district >= 0)
        district_name = g_strdup (g_array_index (districts, District, district).name);
    }

  if ((stmt = dozor_db_prepare (db, "SELECT " INCIDENT_JSON " FROM incidents WHERE id = ?1", NULL)) == NULL)
    return (read_failed (db, error), NULL);
  dozor_db_bind_text (stmt, 1, incident_id);
  rc = dozor_db_step (stmt);
  if (rc != DOZOR_DB_ROW || (record = json_from_string (dozor_db_column_text (stmt, 0), NULL)) == NULL)
    return (read_failed (db, error), NULL);

  json_builder_begin_object (builder);
  dozor_json_builder_add_string_or_null (builder, "kind", "certificate");
  json_builder_set_member_name (builder, "incident");
  json_builder_add_value (builder, json_node_copy (record));
  dozor_json_builder_add_string_or_null (builder, "district", district_name);
  add_number_or_null (builder, "response_s", incident->on_scene_us >= 0,
                      tenths (incident->on_scene_us - incident->created_us));
  json_builder_set_member_name (builder, "late");
  json_builder_add_boolean_value (builder, incident->on_scene_us >= 0 &&
                                           dozor_escalation_waited_too_long (limits, incident->priority,
                                                                             incident->on_scene_us - incident->created_us));
  add_number_or_null (builder, "limit_s", incident->priority >= 1 && incident->priority <= DOZOR_ESCALATION_PRIORITIES,
                      incident->priority >= 1 && incident->priority <= DOZOR_ESCALATION_PRIORITIES
                        ? limits->wait_limit_s[incident->priority - 1] : 0);

  if (!add_json_rows (db, builder, "dispatches",
                      "SELECT json_object('unit_id', d.unit_id, 'call_sign', u.call_sign, 'status', d.status,"
                      " 'created_by', d.created_by, 'created_at', d.created_at, 'ended_by', d.ended_by,"
                      " 'ended_at', d.ended_at) FROM dispatches d JOIN units u ON u.id = d.unit_id"
                      " WHERE d.incident_id = ?1 ORDER BY d.created_at, d.id",
                      incident_id, dispatches, error) ||
      !add_json_rows (db, builder, "checklist",
                      "SELECT " DOZOR_STORE_CHECK_JSON " FROM checks WHERE incident_id = ?1 ORDER BY procedure_id, rowid",
                      incident_id, NULL, error) ||
      !add_json_rows (db, builder, "calls",
                      "SELECT " DOZOR_STORE_CALL_JSON " FROM calls WHERE incident_id = ?1 ORDER BY received_at, id",
                      incident_id, calls, error) ||
      !read_check_changes (db, incident_id, incident->created_at, ticks, error))
    return NULL;

  add_timeline (builder, json_node_get_object (record), dispatches, ticks, calls);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}
