/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How long the quarterly statistics take on three months of events:
 * generates them straight into a fresh store (the Almaty districts,
 * incidents at N an hour with their timings, dispatches, repeated calls,
 * deviations, gaps, readiness changes and plans in the journal), then
 * times the figures as dozord computes them (in its worker) and the PDF
 * and CSV as dozorctl draws them. Prints figures; never fails on time.
 *
 *   meson devenv -C build bench/bench-reports [INCIDENTS-PER-HOUR] [DAYS] [KEEP-DIR]
 *
 * (30 an hour and 91 days by default: the demo's rate over a quarter;
 * with KEEP-DIR the PDF and CSV are left there for a person to look at.)
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dozor-report-render.h"
#include "dozor-sqlite.h"
#include "dozor-store.h"
#include "dozor-store-reports.h"

static const char *const types[] = {
  "theft", "robbery", "assault", "domestic", "traffic_accident", "public_disorder",
  "missing_person", "fraud", "vandalism", "suspicious", "other",
};

/* CPU seconds of this process: the machine may be shared, so wall time
 * alone says little. */
static double
cpu_s (void)
{
  return (double) clock () / CLOCKS_PER_SEC;
}

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static char *
stamp (gint64 us)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) exact = g_date_time_add (time, us % G_USEC_PER_SEC);

  return g_date_time_format (exact, "%Y-%m-%dT%H:%M:%S.%fZ");
}

/* The eight districts of the demo, with their real outlines. */
static guint
add_districts (sqlite3 *db)
{
  const char *dir = g_getenv ("DOZOR_DATA_DIR");
  g_autofree char *path = g_build_filename (dir != NULL ? dir : "data", "almaty", "districts.geojson", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *features;

  if (!json_parser_load_from_file (parser, path, &error))
    g_error ("%s (run under meson devenv)", error->message);
  features = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "features");
  sqlite3_prepare_v2 (db, "INSERT INTO zones (id, kind, name, parent_id, geometry, version)"
                          " VALUES (?1, 'district', ?2, NULL, ?3, 1)", -1, &insert, NULL);
  for (guint i = 0; i < json_array_get_length (features); i++)
    {
      JsonObject *feature = json_array_get_object_element (features, i);
      g_autofree char *id = g_uuid_string_random ();
      g_autofree char *geometry = json_to_string (json_object_get_member (feature, "geometry"), FALSE);

      sqlite3_bind_text (insert, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (insert, 2, json_object_get_string_member (json_object_get_object_member (feature, "properties"),
                                                                   "name"), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (insert, 3, geometry, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (insert) != SQLITE_DONE)
        g_error ("district: %s", sqlite3_errmsg (db));
      sqlite3_reset (insert);
    }
  return json_array_get_length (features);
}

/* Incidents over @days from @start at @per_hour, with arrivals, closes,
 * a dispatch each, one in ten with repeated calls; deviations and gaps of
 * 30 routes; a readiness change and a plan each week in the journal. */
static guint
add_events (sqlite3 *db,
            gint64   start_us,
            guint    days,
            double   per_hour)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (18);
  g_autoptr(sqlite3_stmt) incident = NULL, dispatch = NULL, call = NULL, deviation = NULL, gap = NULL, journal = NULL;
  gint64 end_us = start_us + (gint64) days * 24 * G_TIME_SPAN_HOUR;
  gint64 step_us = (gint64) (G_TIME_SPAN_HOUR / per_hour);
  g_autofree char *unit = g_uuid_string_random ();
  guint n = 0;
  gint64 seq = 1;

  exec_or_die (db, "BEGIN");
  {
    g_autofree char *sql = g_strdup_printf ("INSERT INTO units (id, call_sign, kind, status, version)"
                                            " VALUES ('%s', 'Беркут-1', 'car', 'available', 1)", unit);

    exec_or_die (db, sql);
  }
  sqlite3_prepare_v2 (db, "INSERT INTO incidents (id, number, type, priority, status, lat, lon, created_at,"
                          " dispatched_at, on_scene_at, closed_at, calls, version)"
                          " VALUES (?1, ?2, ?3, ?4, 'closed', ?5, ?6, ?7, ?8, ?9, ?10, ?11, 3)", -1, &incident, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO dispatches (id, unit_id, incident_id, status, created_by, created_at,"
                          " ended_by, ended_at) VALUES (?1, ?2, ?3, 'completed', 'sup', ?4, 'system', ?5)",
                      -1, &dispatch, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO calls (id, incident_id, caller_name, caller_phone, phone_key, text,"
                          " received_at, attached_by, attached_at) VALUES (?1, ?2, '', '+7 701 000 00 00',"
                          " '7010000000', '', ?3, 'op', ?3)", -1, &call, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO deviations (id, unit_id, route_id, started_at, confirmed_at, ended_at,"
                          " duration_s, reason, distance_m, max_distance_m, away_m, stretch)"
                          " VALUES (?1, ?2, ?3, ?4, ?4, ?4, 300, 'returned', 200, 400, 800, '[]')",
                      -1, &deviation, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO reporting_gaps (unit_id, route_id, from_time, to_time, duration_s)"
                          " VALUES (?1, ?2, ?3, ?3, 240)", -1, &gap, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO journal (seq, time, type, data) VALUES (?1, ?2, ?3, ?4)", -1, &journal, NULL);

  for (gint64 at = start_us; at < end_us; at += step_us)
    {
      g_autofree char *id = g_uuid_string_random ();
      g_autofree char *number = g_strdup_printf ("Q-%06u", n);
      g_autofree char *created = stamp (at);
      gint64 dispatched_us = at + g_rand_int_range (rand, 20, 300) * G_USEC_PER_SEC;
      gint64 arrived_us = dispatched_us + g_rand_int_range (rand, 120, 1800) * G_USEC_PER_SEC;
      gint64 closed_us = arrived_us + g_rand_int_range (rand, 600, 1800) * G_USEC_PER_SEC;
      g_autofree char *dispatched = stamp (dispatched_us);
      g_autofree char *arrived = stamp (arrived_us);
      g_autofree char *closed = stamp (closed_us);
      g_autofree char *dispatch_id = g_uuid_string_random ();
      guint calls = g_rand_int_range (rand, 0, 10) == 0 ? g_rand_int_range (rand, 1, 4) : 0;
      gboolean reached = g_rand_int_range (rand, 0, 50) != 0;

      sqlite3_bind_text (incident, 1, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (incident, 2, number, -1, SQLITE_STATIC);
      sqlite3_bind_text (incident, 3, types[g_rand_int_range (rand, 0, G_N_ELEMENTS (types))], -1, SQLITE_STATIC);
      sqlite3_bind_int (incident, 4, g_rand_int_range (rand, 1, 5));
      /* Over the city and a little round it. */
      sqlite3_bind_double (incident, 5, g_rand_double_range (rand, 43.15, 43.36));
      sqlite3_bind_double (incident, 6, g_rand_double_range (rand, 76.75, 77.10));
      sqlite3_bind_text (incident, 7, created, -1, SQLITE_STATIC);
      sqlite3_bind_text (incident, 8, dispatched, -1, SQLITE_STATIC);
      if (reached)
        sqlite3_bind_text (incident, 9, arrived, -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (incident, 9);
      sqlite3_bind_text (incident, 10, closed, -1, SQLITE_STATIC);
      sqlite3_bind_int (incident, 11, calls);
      if (sqlite3_step (incident) != SQLITE_DONE)
        g_error ("incident: %s", sqlite3_errmsg (db));
      sqlite3_reset (incident);

      sqlite3_bind_text (dispatch, 1, dispatch_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (dispatch, 2, unit, -1, SQLITE_STATIC);
      sqlite3_bind_text (dispatch, 3, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (dispatch, 4, dispatched, -1, SQLITE_STATIC);
      sqlite3_bind_text (dispatch, 5, closed, -1, SQLITE_STATIC);
      if (sqlite3_step (dispatch) != SQLITE_DONE)
        g_error ("dispatch: %s", sqlite3_errmsg (db));
      sqlite3_reset (dispatch);

      for (guint c = 0; c < calls; c++)
        {
          g_autofree char *call_id = g_uuid_string_random ();
          g_autofree char *received = stamp (at + (c + 1) * 60 * G_USEC_PER_SEC);

          sqlite3_bind_text (call, 1, call_id, -1, SQLITE_STATIC);
          sqlite3_bind_text (call, 2, id, -1, SQLITE_STATIC);
          sqlite3_bind_text (call, 3, received, -1, SQLITE_STATIC);
          if (sqlite3_step (call) != SQLITE_DONE)
            g_error ("call: %s", sqlite3_errmsg (db));
          sqlite3_reset (call);
        }

      /* The journal's share of the incident: its created, updated and
       * closing events, as the log would have them. */
      for (guint e = 0; e < 4; e++)
        {
          g_autofree char *data = g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",\"type\":\"incident.updated\","
                                                   "\"time\":\"%s\",\"incident\":{\"id\":\"%s\"}}",
                                                   seq, created, id);

          sqlite3_bind_int64 (journal, 1, seq++);
          sqlite3_bind_text (journal, 2, created, -1, SQLITE_STATIC);
          sqlite3_bind_text (journal, 3, "incident.updated", -1, SQLITE_STATIC);
          sqlite3_bind_text (journal, 4, data, -1, SQLITE_TRANSIENT);
          if (sqlite3_step (journal) != SQLITE_DONE)
            g_error ("journal: %s", sqlite3_errmsg (db));
          sqlite3_reset (journal);
        }
      n++;
    }

  /* Per hour: a deviation of one of 30 routes; per two hours a gap. Per
   * week: readiness raised and lowered, a plan activated and closed. */
  for (gint64 at = start_us; at < end_us; at += G_TIME_SPAN_HOUR)
    {
      g_autofree char *id = g_uuid_string_random ();
      g_autofree char *time = stamp (at);
      g_autofree char *route = g_strdup_printf ("route-%02d", g_rand_int_range (rand, 0, 30));
      gint64 hour = (at - start_us) / G_TIME_SPAN_HOUR;

      sqlite3_bind_text (deviation, 1, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (deviation, 2, unit, -1, SQLITE_STATIC);
      sqlite3_bind_text (deviation, 3, route, -1, SQLITE_STATIC);
      sqlite3_bind_text (deviation, 4, time, -1, SQLITE_STATIC);
      if (sqlite3_step (deviation) != SQLITE_DONE)
        g_error ("deviation: %s", sqlite3_errmsg (db));
      sqlite3_reset (deviation);
      if (hour % 2 == 0)
        {
          sqlite3_bind_text (gap, 1, unit, -1, SQLITE_STATIC);
          sqlite3_bind_text (gap, 2, route, -1, SQLITE_STATIC);
          sqlite3_bind_text (gap, 3, time, -1, SQLITE_STATIC);
          if (sqlite3_step (gap) != SQLITE_DONE)
            g_error ("gap: %s", sqlite3_errmsg (db));
          sqlite3_reset (gap);
        }
      if (hour % (24 * 7) == 12)
        {
          static const char *const kinds[] = { "readiness.changed", "plan.activated", "plan.closed" };
          static const char *const bodies[] = {
            "\"readiness\":{\"level\":\"high\",\"reason\":\"Массовое мероприятие\",\"set_by\":\"sup\"}",
            "\"plan\":{\"id\":\"p1\",\"name\":\"Выезды из города\",\"activation\":{\"activated_by\":\"sup\"}}",
            "\"plan\":{\"id\":\"p1\",\"name\":\"Выезды из города\",\"activation\":{\"activated_by\":\"sup\"}}",
          };

          for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
            {
              g_autofree char *data = g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",\"type\":\"%s\",\"time\":\"%s\",%s}",
                                                       seq, kinds[k], time, bodies[k]);

              sqlite3_bind_int64 (journal, 1, seq++);
              sqlite3_bind_text (journal, 2, time, -1, SQLITE_STATIC);
              sqlite3_bind_text (journal, 3, kinds[k], -1, SQLITE_STATIC);
              sqlite3_bind_text (journal, 4, data, -1, SQLITE_TRANSIENT);
              if (sqlite3_step (journal) != SQLITE_DONE)
                g_error ("journal: %s", sqlite3_errmsg (db));
              sqlite3_reset (journal);
            }
        }
    }
  exec_or_die (db, "COMMIT");
  return n;
}

int
main (int   argc,
      char *argv[])
{
  double per_hour = argc > 1 ? g_ascii_strtod (argv[1], NULL) : 30;
  guint days = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 91;
  g_autofree char *dir = g_dir_make_tmp ("bench-reports-XXXXXX", NULL);
  g_autofree char *db_path = g_build_filename (dir, "dozord.sqlite", NULL);
  const char *keep = argc > 3 ? argv[3] : NULL;
  g_autofree char *pdf = g_build_filename (keep != NULL ? keep : dir, "quarterly.pdf", NULL);
  g_autofree char *csv = g_build_filename (keep != NULL ? keep : dir, "quarterly.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) start = g_date_time_new_utc (2026, 7, 1, 0, 0, 0);
  g_autoptr(GDateTime) end = g_date_time_add_days (start, days);
  g_autofree char *from = g_date_time_format_iso8601 (start);
  g_autofree char *to = g_date_time_format_iso8601 (end);
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) figures = NULL;
  sqlite3 *db = NULL;
  gint64 t0, t1, t2, t3;
  double c0, c1;
  guint districts, incidents;
  GStatBuf st;

  if (!(per_hour > 0 && per_hour <= 10000) || days < 1 || days > 366)
    {
      g_printerr ("usage: bench-reports [INCIDENTS-PER-HOUR (0–10000]] [DAYS (1–366)]\n");
      return 2;
    }

  {
    g_autoptr(DozorStore) store = dozor_store_open (db_path, &error);

    if (store == NULL)
      g_error ("%s", error->message);
  }
  if (!dozor_sqlite_open (db_path, DOZOR_SQLITE_OPEN_READ_WRITE, 5000, &db, &error))
    g_error ("%s", error->message);
  t0 = g_get_monotonic_time ();
  districts = add_districts (db);
  incidents = add_events (db, g_date_time_to_unix (start) * G_USEC_PER_SEC, days, per_hour);
  sqlite3_close (db);
  t1 = g_get_monotonic_time ();
  g_stat (db_path, &st);
  g_print ("generated %u incidents in %u districts over %u days in %.1f s (store %.1f MiB)\n", incidents, districts,
           days, (t1 - t0) / 1e6, st.st_size / 1048576.0);

  t1 = g_get_monotonic_time ();
  c0 = cpu_s ();
  json = dozor_store_report_figures (db_path, DOZOR_REPORT_QUARTERLY, from, to, NULL, &error);
  t2 = g_get_monotonic_time ();
  c1 = cpu_s ();
  if (json == NULL)
    g_error ("%s", error->message);
  figures = json_from_string (json, &error);
  g_print ("quarterly figures (dozord's worker): %.2f s (%.2f s of CPU), %.1f MiB of JSON; P50 %.0f s, P90 %.0f s, P95 %.0f s, "
           "%" G_GINT64_FORMAT " late arrivals\n", (t2 - t1) / 1e6, c1 - c0, strlen (json) / 1048576.0,
           json_object_get_double_member (json_object_get_object_member (json_node_get_object (figures), "response"), "p50_s"),
           json_object_get_double_member (json_object_get_object_member (json_node_get_object (figures), "response"), "p90_s"),
           json_object_get_double_member (json_object_get_object_member (json_node_get_object (figures), "response"), "p95_s"),
           json_object_get_int_member (json_node_get_object (figures), "late_arrivals"));

  t2 = g_get_monotonic_time ();
  c0 = cpu_s ();
  if (!dozor_report_render_pdf (json_node_get_object (figures), "Бенчмарк", "Ахметов А. Б.", pdf, &error))
    g_error ("%s", error->message);
  t3 = g_get_monotonic_time ();
  c1 = cpu_s ();
  g_stat (pdf, &st);
  g_print ("quarterly PDF: %.2f s (%.2f s of CPU), %.0f KiB\n", (t3 - t2) / 1e6, c1 - c0, st.st_size / 1024.0);
  t2 = g_get_monotonic_time ();
  if (!dozor_report_render_csv (json_node_get_object (figures), csv, &error))
    g_error ("%s", error->message);
  t3 = g_get_monotonic_time ();
  g_print ("quarterly CSV: %.2f s\n", (t3 - t2) / 1e6);

  if (keep == NULL)
    {
      g_unlink (pdf);
      g_unlink (csv);
    }
  {
    g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
  g_unlink (db_path);
  g_rmdir (dir);
  return EXIT_SUCCESS;
}
