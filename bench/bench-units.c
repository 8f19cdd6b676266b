/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What thousands of moving units cost a frame of the map. Each
 * configuration opens a window with a ShumateSimpleMap over the offline
 * basemap of Almaty at zoom 13, waits for the tiles, then pans in a slow
 * circle inside the city, one step per frame from a tick callback. Units
 * move while it pans: fixes arrive as unit.position events, as from a live
 * city, each unit every --report-seconds, in 200-ms ticks, continuously or
 * in bursts (--arrival). A thread of the bench plays dozord and writes them
 * as the stream's frames; the board's own DozorStreamDecoder parses them in
 * its worker and the main thread applies what it delivers, as
 * DozorSyncClient does. The writer runs in every arm (the fixes of arms
 * that apply none are thrown away), so that its share of the two cores
 * is not charged to the layer measured.
 *
 * A frame is the wall time between two frame-clock "after-paint"s; "busy"
 * is the main thread's part of it (before-paint to after-paint). Every arm
 * prints mean, median, p95, max and the frames over 50 ms. The windows:
 *   - basemap only: libshumate's tile layer;
 *   - floor: the board's one image (DozorMapView's arrangement: basemap,
 *     districts, sectors, routes, incidents, units) with no unit, one per
 *     unit count, its dozord writing that many units' fixes unapplied;
 *   - unit layer N: that image with N units, in alternating blocks of
 *     frames moving (fixes applied) and still (none applied), both arms on
 *     the same basemap path; its overhead is its mean over the floor's;
 *   - marker layer N: ShumateMarkerLayer with a GtkImage per unit over the
 *     tile layer, the naive reference, in blocks shown and hidden (the tile
 *     layer alone, its own basemap path);
 *   - sprite layer N (--sprites): a texture node per unit every frame over
 *     the tile layer, the design the unit layer's tiles were chosen over,
 *     shown and hidden like the markers.
 * The machine may be shared: the blocks keep other processes' load alike
 * in both arms of a window, and the share of the machine others used is
 * printed. With BENCH_BLOCKS set, the end of each block goes to stderr
 * ("BLOCK <units> moving|still <CLOCK_MONOTONIC seconds>"), to sort a
 * profile's samples by arm. The age of the positions on screen comes from
 * the unit layer's "Fix latency" log line (log_cb()). Prints figures;
 * never fails on time.
 *
 *   bench-units [WIDTHxHEIGHT] [--frames=N] [--units=1000,…] [--markers=1000,…] [--sprites=N,…]
 *               [--arrival=ticks|continuous|burst] [--report-seconds=S]
 *               [--no-floor] [--no-force-redraw] [--no-repeat]
 *
 * libshumate 1.0.3 redraws its tile layer only after an idle callback, which
 * does not run between frames when every frame takes longer than the
 * display's interval (PLATFORM-NOTES), so each tick also queues a draw of
 * the tile layer; --no-force-redraw leaves that out to see how often the
 * basemap would lag. To know what was really drawn, the bench counts the
 * snapshot() calls of the tile layer and of the overlay, and times the unit
 * layer's prepare/draw/shown steps, by wrapping those class functions here:
 * the layers themselves are unchanged.
 */
#include "config.h"

#include <adwaita.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "dozor-basemap.h"
#include "dozor-area-layer.h"
#include "dozor-basemap-layer.h"
#include "dozor-incident-layer.h"
#include "dozor-geo.h"
#include "dozor-memory.h"
#include "dozor-raster-layer.h"
#include "dozor-situation.h"
#include "dozor-stream-decoder.h"
#include "dozor-tile-map-source.h"
#include "dozor-tile-source.h"
#include "dozor-unit-layer.h"

#define CENTRE_LAT 43.2389
#define CENTRE_LON 76.9453
#define ZOOM 13
#define TILE_SIZE 256.0
/* The circle the view's centre follows, pixels at ZOOM (2.8 km, inside the
 * city), around where it starts: never further than the tiles and the unit
 * image drawn beyond the window's edges (256 px at least each), so a frame
 * never waits for content. */
#define PAN_RADIUS 200.0
/* Frames per lap of the circle: 4.2 px per frame. */
#define LAP_FRAMES 300
#define WARMUP_FRAMES 100
/* Frames just after a switch between shown and hidden are not counted:
 * showing 5000 marker widgets again costs a frame of its own. */
#define SWITCH_FRAMES 3
/* After the lap, units keep moving with the map still, to time the images. */
#define STILL_MAX_SECONDS 12
#define STILL_IMAGES 2
/* Other processes may share the machine: wait up to this long for them to
 * use less than QUIET_SHARE of it before measuring, and say how busy it was. */
#define QUIET_WAIT_SECONDS 5
#define QUIET_SHARE 0.15
#define MOVE_INTERVAL_MS 200
#define TILES_QUIET_US (1 * G_USEC_PER_SEC)
#define SYMBOL_SIZE 14

/* Where units are scattered: the city. */
#define CITY_SOUTH 43.15
#define CITY_NORTH 43.33
#define CITY_WEST 76.80
#define CITY_EAST 77.05

typedef enum
{
  CONFIG_BASEMAP,              /* libshumate's tile layer alone */
  CONFIG_FLOOR,                /* the board's image: basemap and overlays, no units */
  CONFIG_UNITS,                /* the same image with units */
  CONFIG_MARKERS,              /* the tile layer and a marker widget per unit */
  CONFIG_SPRITES,              /* the tile layer and a texture node per unit, every frame */
} ConfigKind;

/* How fixes reach the board. */
typedef enum
{
  ARRIVAL_TICKS,               /* every 200 ms, the units due in it */
  ARRIVAL_CONTINUOUS,          /* all the time, spread evenly */
  ARRIVAL_BURST,               /* every unit at once, once per report period */
} Arrival;

/* Continuous arrival: a batch as often as a main loop can take one; what
 * came in meanwhile is applied together, as a stream read would hand it. */
#define CONTINUOUS_INTERVAL_MS 5
#define SLOW_FRAME_MS 50.0

/* Frames are measured in two conditions, in alternating blocks in the same
 * window, so that other processes on a shared machine slow both alike.
 * Both use the same basemap path. The unit layer: units moving, then held
 * still (the same image of basemap, overlays and units, no fix applied).
 * The marker layer: markers shown and moving, then hidden (libshumate's
 * tile layer alone, which is what draws the basemap under the markers). */
enum
{
  SHOWN,
  HIDDEN,
};

typedef struct
{
  GArray *intervals;           /* ms between after-paints */
  GArray *busy;                /* ms from before-paint to after-paint */
  guint idle_frames;           /* frames after which a default-idle source ran */
  double mean, median, p95, max, busy_mean, busy_p95;
  guint slow;                  /* frames over SLOW_FRAME_MS */
  double main_cpu_ms;          /* the main thread's CPU time over the measured frames */
  double gl_cpu_ms, other_cpu_ms;  /* llvmpipe's threads, the other threads: over whole blocks */
  guint block_frames;          /* the frames of those blocks, switching frames included */
} Sample;

typedef struct
{
  ConfigKind kind;
  guint n;
  char *name;

  gboolean measured;
  Sample sample[2];
  guint basemap_frames;        /* measured frames in which the tile layer was snapshotted */
  guint overlay_frames;        /* shown frames in which the overlay was */
  guint tiles;                 /* tiles received during the measurement */
  double build_ms, apply_ms;   /* mean per batch of events */
  guint batches;
  guint lap_images;            /* unit layer images shown while panning */
  guint still_images;
  double prepare_ms, draw_ms, draw_max_ms, latency_ms;
  guint n_drawn;
  GArray *age_ms;              /* per moving frame: end of frame - newest fix on screen */
  GArray *gap_ms;              /* per moving frame: newest fix applied - newest on screen */
  GArray *lag_ms;              /* per moving frame: end of frame - oldest fix applied, not on screen */
  double fixes_per_s;          /* applied while measuring */
  double setup_s;
  double self_share, others_share;
} Config;

typedef enum
{
  PHASE_IDLE,
  PHASE_WARMUP,
  PHASE_MEASURE,
  PHASE_DONE,
  PHASE_STILL,
} Phase;

static const char *const status_names[] = {
  "available", "dispatched", "en_route", "on_scene", "busy", "off_duty",
};

/* CPU time from /proc: the whole machine's and this process's, in ticks. */
typedef struct
{
  guint64 total;
  guint64 idle;
  guint64 self;
} CpuSample;

typedef struct
{
  double lat, lon;
  double heading, speed;
  guint status;
  gint64 version;
} SimUnit;

/* The fleet plays dozord: a producer thread drives the units and writes
 * their fixes as the stream's frames (JSON arrays of at most 64 KiB,
 * docs/api.md), and hands them to the board's own DozorStreamDecoder, as
 * DozorSyncClient does with what its socket reads. The main thread then
 * applies what the decoder delivers, as the board does: the bench times
 * the board's event path, not a shortcut of its own. */
typedef struct
{
  DozorSituation *situation;
  SimUnit *units;              /* the producer's, once it runs */
  guint n;                     /* units the producer drives and writes */
  guint shown;                 /* of them, those in the situation: n, or 0 for a floor */
  guint next;                  /* the producer's */
  gint64 seq;                  /* the producer's */
  GRand *rand;                 /* the producer's */
  double report_seconds;
  GArray *build_ms;            /* the bench's, under build_lock */
  int measuring;               /* atomic: build times are kept */
  GThreadPool *producer;       /* one thread */
  DozorStreamDecoder *decoder;
  ShumateMarker **markers;     /* only for the marker layer */
} Fleet;

/* A batch of fixes due, for the producer. */
typedef struct
{
  guint count;
  gint64 fix_time;             /* Unix µs, also the fixes' time */
  gboolean drop;               /* written, then thrown away: an arm that applies none */
} Due;

/* The stream's largest array of events (docs/api.md, "Several events per frame"). */
#define FRAME_BYTES (64 * 1024)

typedef struct
{
  int width, height;
  guint frames;
  Arrival arrival;
  double report_seconds;       /* each unit reports this often */
  guint block;                 /* frames per block of one condition */
  gboolean force_redraw;

  DozorBasemap *basemap;
  DozorTileSource *tiles;
  ShumateMapSource *renderer;
  guint tiles_received;
  gint64 last_tile_time;
  GdkTexture *symbols[G_N_ELEMENTS (status_names)];
  JsonNode *districts;         /* data/almaty/districts.geojson */

  char *renderer_name;
  int map_width, map_height;

  /* The configuration running now. */
  Config *config;
  GtkWidget *window;
  ShumateSimpleMap *map;
  GtkWidget *tile_layer;
  GtkWidget *overlay;
  Fleet *fleet;
  GdkFrameClock *clock;
  gulong before_paint_id, after_paint_id;
  guint tick_id, move_id, probe_id;
  guint ticks;
  double centre_x, centre_y;   /* world pixels at ZOOM */
  Phase phase;
  guint painted;
  gboolean hidden;             /* the block being measured */
  gboolean feed_moving_only;   /* the bench's dozord rests where no fix is applied */
  int mmap_threshold;          /* > 0: this allocator threshold in every arm, not the board's policy */
  guint block_frame;
  gint64 before_paint, last_paint;
  double last_cpu_ms;          /* the main thread's CPU time at the last after-paint */
  double block_gl_ms, block_other_ms;  /* the threads' CPU at the block's start */
  guint tiles_at_start;
  GArray *build_ms, *apply_ms;  /* build_ms: the producer's, under build_lock */
  double owed;                 /* fixes due but not yet sent */
  gint64 last_move;
  guint fixes;                 /* applied while measuring */
  gint64 measure_start;
  gint64 newest_applied;       /* fix time of the newest fix applied, Unix µs */
  GArray *applied;             /* fix times of the batches applied, gint64, oldest first */
  gint64 block_start;          /* when the moving block began, Unix µs */
  gboolean frame_pending;      /* a moving frame waits for the layer's log */
  gint64 pending_end, pending_applied, pending_block;
  CpuSample cpu_at_start;
  CpuSample quiet_start;
  gint64 quiet_since;
} Bench;

/* A city at work: most available, many on the move or on scene. */
static const guint status_weights[] = { 40, 10, 15, 15, 10, 10 };

static GMutex build_lock;

/* What the wrapped class functions saw. */
static guint tile_layer_snapshots;
static guint overlay_snapshots;
static void (*tile_layer_snapshot_orig) (GtkWidget *, GtkSnapshot *);
static void (*unit_layer_snapshot_orig) (GtkWidget *, GtkSnapshot *);
static void (*marker_layer_snapshot_orig) (GtkWidget *, GtkSnapshot *);

static struct
{
  GMutex lock;
  int recording;               /* atomic */
  int in_draw;                 /* atomic */
  guint shown;
  gint64 prepare_start;
  GArray *prepare_ms, *draw_ms, *latency_ms;
  gpointer (*prepare) (DozorRasterLayer *, const DozorRasterView *);
  void (*draw) (gpointer, cairo_t *, const DozorRasterView *, DozorPointIndex *);
  void (*shown_func) (DozorRasterLayer *, gpointer);
} render_stats;

/* The fix time of the newest fix in the unit layer's image on screen,
 * Unix µs, as the layer itself reports it (below). */
static gint64 on_screen_newest;

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *values,
            double  p)
{
  if (values->len == 0)
    return NAN;
  qsort (values->data, values->len, sizeof (double), compare_doubles);
  return g_array_index (values, double, MIN (values->len - 1, (guint) ceil (values->len * p) - 1));
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static gboolean
cpu_sample (CpuSample *sample)
{
  g_autofree char *stat = NULL;
  g_autofree char *self = NULL;
  guint64 fields[8] = { 0, };
  const char *after_name;
  unsigned long long utime = 0, stime = 0;

  memset (sample, 0, sizeof *sample);
  if (!g_file_get_contents ("/proc/stat", &stat, NULL, NULL) ||
      sscanf (stat, "cpu %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
              " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
              &fields[0], &fields[1], &fields[2], &fields[3], &fields[4], &fields[5], &fields[6],
              &fields[7]) != 8)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    sample->total += fields[i];
  sample->idle = fields[3] + fields[4];

  /* utime and stime are the 14th and 15th fields, counted after the
   * command name, which may hold spaces. */
  if (!g_file_get_contents ("/proc/self/stat", &self, NULL, NULL) ||
      (after_name = strrchr (self, ')')) == NULL ||
      sscanf (after_name + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
    return FALSE;
  sample->self = utime + stime;
  return TRUE;
}

/* Shares of the machine used since @start: by this process, by all others. */
static void
cpu_shares (const CpuSample *start,
            double          *self,
            double          *others)
{
  CpuSample now;
  double total;

  *self = *others = NAN;
  if (start->total == 0 || !cpu_sample (&now) || now.total <= start->total)
    return;
  total = now.total - start->total;
  *self = (now.self - start->self) / total;
  *others = MAX (0.0, ((now.total - now.idle) - (start->total - start->idle) -
                       (double) (now.self - start->self)) / total);
}

/* ---- Wrapped class functions: count and time, then do what they did. */

static void
counting_tile_layer_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  tile_layer_snapshots++;
  tile_layer_snapshot_orig (widget, snapshot);
}

static void
counting_unit_layer_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  overlay_snapshots++;
  unit_layer_snapshot_orig (widget, snapshot);
}

static void
counting_marker_layer_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  overlay_snapshots++;
  marker_layer_snapshot_orig (widget, snapshot);
}

static gpointer
timed_prepare (DozorRasterLayer      *layer,
               const DozorRasterView *view)
{
  gint64 start = g_get_monotonic_time ();
  gpointer scene = render_stats.prepare (layer, view);
  double ms = ms_since (start);

  if (g_atomic_int_get (&render_stats.recording))
    g_array_append_val (render_stats.prepare_ms, ms);
  render_stats.prepare_start = start;
  return scene;
}

/* In the layer's worker thread. */
static void
timed_draw (gpointer               scene,
            cairo_t               *cr,
            const DozorRasterView *view,
            DozorPointIndex       *index)
{
  gint64 start;
  double ms;

  g_atomic_int_inc (&render_stats.in_draw);
  start = g_get_monotonic_time ();
  render_stats.draw (scene, cr, view, index);
  ms = ms_since (start);
  if (g_atomic_int_get (&render_stats.recording))
    {
      g_mutex_lock (&render_stats.lock);
      g_array_append_val (render_stats.draw_ms, ms);
      g_mutex_unlock (&render_stats.lock);
    }
  g_atomic_int_add (&render_stats.in_draw, -1);
}

static void
timed_shown (DozorRasterLayer *layer,
             gpointer          scene)
{
  render_stats.shown_func (layer, scene);
  render_stats.shown++;
  if (g_atomic_int_get (&render_stats.recording) && render_stats.prepare_start != 0)
    {
      double ms = ms_since (render_stats.prepare_start);

      g_array_append_val (render_stats.latency_ms, ms);
    }
}

/* The unit layer logs "Fix latency: newest X ms, …" at the end of the first
 * frame that shows a new image, X being that frame's end minus the newest
 * fix time in the image (bench/board-latency.sh reads the same line). The
 * bench takes the line rather than changing the layer: the newest fix on
 * screen is then now - X, the few µs since the layer read the clock aside.
 * Other messages go on as before. */
static void
log_cb (const char     *domain,
        GLogLevelFlags  level,
        const char     *message,
        gpointer        user_data)
{
  double newest_ms;

  if (sscanf (message, "Fix latency: newest %lf ms", &newest_ms) == 1)
    {
      on_screen_newest = g_get_real_time () - (gint64) (newest_ms * 1000);
      return;
    }
  g_log_default_handler (domain, level, message, user_data);
}

static void
install_hooks (void)
{
  GtkWidgetClass *tile_class = g_type_class_ref (SHUMATE_TYPE_MAP_LAYER);
  GtkWidgetClass *unit_class = g_type_class_ref (DOZOR_TYPE_UNIT_LAYER);
  GtkWidgetClass *marker_class = g_type_class_ref (SHUMATE_TYPE_MARKER_LAYER);
  DozorRasterLayerClass *raster_class = (DozorRasterLayerClass *) unit_class;

  tile_layer_snapshot_orig = tile_class->snapshot;
  tile_class->snapshot = counting_tile_layer_snapshot;
  unit_layer_snapshot_orig = unit_class->snapshot;
  unit_class->snapshot = counting_unit_layer_snapshot;
  marker_layer_snapshot_orig = marker_class->snapshot;
  marker_class->snapshot = counting_marker_layer_snapshot;

  render_stats.prepare = raster_class->prepare;
  raster_class->prepare = timed_prepare;
  render_stats.draw = raster_class->draw;
  raster_class->draw = timed_draw;
  render_stats.shown_func = raster_class->shown;
  raster_class->shown = timed_shown;

  g_mutex_init (&render_stats.lock);
  render_stats.prepare_ms = g_array_new (FALSE, FALSE, sizeof (double));
  render_stats.draw_ms = g_array_new (FALSE, FALSE, sizeof (double));
  render_stats.latency_ms = g_array_new (FALSE, FALSE, sizeof (double));

  g_log_set_handler (G_LOG_DOMAIN, G_LOG_LEVEL_DEBUG, log_cb, NULL);
}

/* ---- The fleet: units scattered over the city, reporting as they drive. */

static JsonObject *
unit_object (const SimUnit *unit,
             guint          index,
             const char    *time)
{
  JsonObject *object = json_object_new ();
  JsonObject *position = json_object_new ();
  char text[32];

  g_snprintf (text, sizeof text, "u%06u", index);
  json_object_set_string_member (object, "id", text);
  g_snprintf (text, sizeof text, "A-%05u", index);
  json_object_set_string_member (object, "call_sign", text);
  json_object_set_string_member (object, "status", status_names[unit->status]);
  json_object_set_double_member (position, "lat", unit->lat);
  json_object_set_double_member (position, "lon", unit->lon);
  json_object_set_string_member (position, "time", time);
  json_object_set_double_member (position, "speed", unit->speed);
  json_object_set_double_member (position, "heading", unit->heading);
  json_object_set_object_member (object, "position", position);
  json_object_set_int_member (object, "version", unit->version);
  return object;
}

/* @time (Unix µs) as the stream writes it, to the microsecond: the fix
 * time the bench compares the screen with. */
static char *
iso8601 (gint64 time)
{
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);
  g_autoptr(GDateTime) exact = g_date_time_add (seconds, time % G_USEC_PER_SEC);

  return g_date_time_format_iso8601 (exact);
}

/* ---- What the board shows besides units: Almaty's districts, sectors in
 * them, patrol routes in the sectors and open incidents. The same for
 * every configuration. */

#define SECTORS_PER_SIDE 2
#define ROUTES_PER_SECTOR 3
#define ROUTE_POINTS 40
#define INCIDENTS 300

static const char *const incident_statuses[] = { "new", "dispatched", "on_scene" };

static JsonNode *
ring_node (const double (*points)[2],
           guint          n)
{
  JsonArray *ring = json_array_sized_new (n);
  JsonArray *rings = json_array_new ();
  JsonObject *geometry = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  for (guint i = 0; i < n; i++)
    {
      JsonArray *position = json_array_sized_new (2);

      json_array_add_double_element (position, points[i][0]);
      json_array_add_double_element (position, points[i][1]);
      json_array_add_array_element (ring, position);
    }
  json_array_add_array_element (rings, ring);
  json_object_set_string_member (geometry, "type", "Polygon");
  json_object_set_array_member (geometry, "coordinates", rings);
  json_node_take_object (node, geometry);
  return node;
}

static JsonObject *
entity_new (const char *prefix,
            guint       index)
{
  JsonObject *object = json_object_new ();
  g_autofree char *id = g_strdup_printf ("%s%04u", prefix, index);

  json_object_set_string_member (object, "id", id);
  json_object_set_int_member (object, "version", 1);
  return object;
}

/* Sectors are the quarters of each district's bounding box, routes loops
 * inside the sectors: what matters here is what they cost to draw. */
static void
add_overlays (JsonObject *snapshot,
              JsonNode   *districts,
              GRand      *rand,
              const char *time)
{
  JsonArray *zones = json_array_new ();
  JsonArray *routes = json_array_new ();
  JsonArray *incidents = json_array_new ();
  JsonArray *features = json_object_get_array_member (json_node_get_object (districts), "features");
  guint n_sectors = 0, n_routes = 0;

  for (guint d = 0; d < json_array_get_length (features); d++)
    {
      JsonObject *feature = json_array_get_object_element (features, d);
      JsonObject *geometry = json_object_get_object_member (feature, "geometry");
      const char *name = json_object_get_string_member (json_object_get_object_member (feature, "properties"), "name");
      JsonArray *outer = json_array_get_array_element (json_object_get_array_member (geometry, "coordinates"), 0);
      JsonObject *district = entity_new ("d", d);
      double west = G_MAXDOUBLE, east = -G_MAXDOUBLE, south = G_MAXDOUBLE, north = -G_MAXDOUBLE;

      /* Of a multipolygon, the sectors split the first part. */
      if (g_str_equal (json_object_get_string_member (geometry, "type"), "MultiPolygon"))
        outer = json_array_get_array_element (outer, 0);
      for (guint i = 0; i < json_array_get_length (outer); i++)
        {
          JsonArray *position = json_array_get_array_element (outer, i);
          double lon = json_array_get_double_element (position, 0), lat = json_array_get_double_element (position, 1);

          west = MIN (west, lon), east = MAX (east, lon), south = MIN (south, lat), north = MAX (north, lat);
        }
      json_object_set_string_member (district, "kind", "district");
      json_object_set_string_member (district, "name", name);
      json_object_set_member (district, "geometry", json_node_copy (json_object_get_member (feature, "geometry")));
      json_array_add_object_element (zones, district);

      for (guint sx = 0; sx < SECTORS_PER_SIDE; sx++)
        for (guint sy = 0; sy < SECTORS_PER_SIDE; sy++)
          {
            double w = west + (east - west) * sx / SECTORS_PER_SIDE, e = w + (east - west) / SECTORS_PER_SIDE;
            double s = south + (north - south) * sy / SECTORS_PER_SIDE, n = s + (north - south) / SECTORS_PER_SIDE;
            const double square[5][2] = { { w, s }, { e, s }, { e, n }, { w, n }, { w, s } };
            JsonObject *sector = entity_new ("s", n_sectors);
            g_autofree char *sector_name = g_strdup_printf ("%s-%u", name,
                                                            sx * SECTORS_PER_SIDE + sy + 1);

            json_object_set_string_member (sector, "kind", "sector");
            json_object_set_string_member (sector, "name", sector_name);
            json_object_set_string_member (sector, "parent_id", json_object_get_string_member (district, "id"));
            json_object_set_member (sector, "geometry", ring_node (square, G_N_ELEMENTS (square)));

            for (guint r = 0; r < ROUTES_PER_SECTOR; r++)
              {
                JsonObject *route = entity_new ("r", n_routes++);
                JsonObject *line = json_object_new ();
                JsonArray *points = json_array_sized_new (ROUTE_POINTS + 1);
                double cx = g_rand_double_range (rand, w, e), cy = g_rand_double_range (rand, s, n);
                double rx = (e - w) / 6, ry = (n - s) / 6;

                for (guint k = 0; k <= ROUTE_POINTS; k++)
                  {
                    JsonArray *position = json_array_sized_new (2);
                    double a = 2 * G_PI * (k % ROUTE_POINTS) / ROUTE_POINTS;

                    json_array_add_double_element (position, cx + rx * cos (a));
                    json_array_add_double_element (position, cy + ry * sin (a));
                    json_array_add_array_element (points, position);
                  }
                json_object_set_string_member (line, "type", "LineString");
                json_object_set_array_member (line, "coordinates", points);
                json_object_set_string_member (route, "name", sector_name);
                json_object_set_string_member (route, "zone_id", json_object_get_string_member (sector, "id"));
                json_object_set_object_member (route, "geometry", line);
                json_array_add_object_element (routes, route);
              }
            json_array_add_object_element (zones, sector);
            n_sectors++;
          }
    }

  for (guint i = 0; i < INCIDENTS; i++)
    {
      JsonObject *incident = entity_new ("i", i);
      JsonObject *location = json_object_new ();
      g_autofree char *number = g_strdup_printf ("20261205-%04u", i + 1);

      json_object_set_double_member (location, "lat", g_rand_double_range (rand, CITY_SOUTH, CITY_NORTH));
      json_object_set_double_member (location, "lon", g_rand_double_range (rand, CITY_WEST, CITY_EAST));
      json_object_set_string_member (incident, "number", number);
      json_object_set_string_member (incident, "type", "traffic_accident");
      json_object_set_int_member (incident, "priority", 1 + i % 4);
      json_object_set_string_member (incident, "status", incident_statuses[i % G_N_ELEMENTS (incident_statuses)]);
      json_object_set_object_member (incident, "location", location);
      json_object_set_string_member (incident, "address", "");
      json_object_set_string_member (incident, "created_at", time);
      json_array_add_object_element (incidents, incident);
    }

  json_object_set_array_member (snapshot, "zones", zones);
  json_object_set_array_member (snapshot, "routes", routes);
  json_object_set_array_member (snapshot, "incidents", incidents);
}

static void produce (gpointer data, gpointer user_data);
static void frame_decoded_cb (GPtrArray *items, gpointer user_data);

/* @n units drive and report; @shown of them (all, or none for a floor)
 * are in the situation the board draws. */
static Fleet *
fleet_new (Bench    *bench,
           guint     n,
           guint     shown,
           JsonNode *districts)
{
  Fleet *fleet = g_new0 (Fleet, 1);
  g_autoptr(JsonNode) snapshot = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) object = json_object_new ();
  g_autofree char *time = iso8601 (g_get_real_time ());
  g_autoptr(GError) error = NULL;
  JsonArray *units = json_array_sized_new (n);
  guint total_weight = 0;

  for (guint s = 0; s < G_N_ELEMENTS (status_weights); s++)
    total_weight += status_weights[s];

  fleet->situation = dozor_situation_new ();
  fleet->units = g_new0 (SimUnit, n);
  fleet->n = n;
  fleet->shown = shown;
  /* The same city for every configuration of the same size. */
  fleet->rand = g_rand_new_with_seed (20240 + n);

  for (guint i = 0; i < n; i++)
    {
      SimUnit *unit = &fleet->units[i];
      guint pick = g_rand_int_range (fleet->rand, 0, total_weight);

      unit->lat = g_rand_double_range (fleet->rand, CITY_SOUTH, CITY_NORTH);
      unit->lon = g_rand_double_range (fleet->rand, CITY_WEST, CITY_EAST);
      unit->heading = g_rand_double_range (fleet->rand, 0, 360);
      /* Two in five parked; the rest between walking and city traffic. */
      unit->speed = g_rand_int_range (fleet->rand, 0, 5) < 2 ? 0 : g_rand_double_range (fleet->rand, 3, 20);
      while (pick >= status_weights[unit->status])
        pick -= status_weights[unit->status++];
      unit->version = 1;
      if (i < shown)
        json_array_add_object_element (units, unit_object (unit, i, time));
    }

  json_object_set_int_member (object, "as_of_seq", 0);
  json_object_set_array_member (object, "units", units);
  {
    /* The same overlays whatever the number of units. */
    g_autoptr(GRand) overlay_rand = g_rand_new_with_seed (14);

    add_overlays (object, districts, overlay_rand, time);
  }
  json_node_set_object (snapshot, object);
  if (!dozor_situation_load_snapshot (fleet->situation, snapshot, &error))
    g_error ("bench-units: %s", error->message);
  fleet->report_seconds = bench->report_seconds;
  fleet->decoder = dozor_stream_decoder_new (FRAME_BYTES * 2, frame_decoded_cb, bench);
  fleet->producer = g_thread_pool_new (produce, fleet, 1, TRUE, NULL);
  fleet->build_ms = bench->build_ms;
  return fleet;
}

static void
fleet_free (Fleet *fleet)
{
  /* The producer first: it feeds the decoder. */
  g_thread_pool_free (fleet->producer, TRUE, TRUE);
  g_clear_object (&fleet->decoder);
  g_object_unref (fleet->situation);
  g_rand_free (fleet->rand);
  g_free (fleet->markers);
  g_free (fleet->units);
  g_free (fleet);
}

/* One unit drives on for the report interval, turning a little, and turns
 * back at the city's edge. */
static void
drive (Fleet   *fleet,
       SimUnit *unit,
       double   seconds)
{
  double metres = unit->speed * seconds;
  double rad;

  if (unit->speed <= 0)
    return;

  unit->heading = fmod (unit->heading + g_rand_double_range (fleet->rand, -15, 15) + 360, 360);
  rad = unit->heading * G_PI / 180;
  unit->lat += metres * cos (rad) / 111320.0;
  unit->lon += metres * sin (rad) / (111320.0 * cos (unit->lat * G_PI / 180));
  if (unit->lat < CITY_SOUTH || unit->lat > CITY_NORTH || unit->lon < CITY_WEST || unit->lon > CITY_EAST)
    {
      unit->heading = fmod (unit->heading + 180, 360);
      unit->lat = CLAMP (unit->lat, CITY_SOUTH, CITY_NORTH);
      unit->lon = CLAMP (unit->lon, CITY_WEST, CITY_EAST);
    }
}

static void
append_number (GString    *text,
               const char *name,
               double      value,
               const char *format)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  /* Not printf: the locale's decimal comma is no JSON. */
  g_string_append_printf (text, "\"%s\":%s", name, g_ascii_formatd (buffer, sizeof buffer, format, value));
}

static void
frame_send (Fleet   *fleet,
            GString *frame,
            gboolean drop)
{
  g_autoptr(GBytes) bytes = NULL;

  g_string_append_c (frame, ']');
  if (!drop)
    {
      bytes = g_bytes_new (frame->str, frame->len);
      dozor_stream_decoder_push (fleet->decoder, bytes);
    }
  g_string_truncate (frame, 0);
}

/* In the producer thread: the fixes due, driven and written as dozord
 * writes them, frame by frame. */
static void
produce (gpointer data,
         gpointer user_data)
{
  Due *due = data;
  Fleet *fleet = user_data;
  gint64 start = g_get_monotonic_time ();
  g_autofree char *time = iso8601 (due->fix_time);
  g_autoptr(GString) frame = g_string_sized_new (FRAME_BYTES + 1024);
  g_autoptr(GString) event = g_string_sized_new (512);
  double ms;

  for (guint k = 0; k < due->count; k++)
    {
      guint i = fleet->next;
      SimUnit *unit = &fleet->units[i];

      /* Round robin: each unit reports every report_seconds. */
      drive (fleet, unit, fleet->report_seconds);
      unit->version++;
      fleet->next = (fleet->next + 1) % fleet->n;
      g_string_printf (event, "{\"seq\":%" G_GINT64_FORMAT ",\"type\":\"unit.position\",\"unit\":{"
                       "\"id\":\"u%06u\",\"call_sign\":\"A-%05u\",\"status\":\"%s\",\"position\":{",
                       /* A fix thrown away takes no number: the board
                        * would take the next one for a gap in the stream. */
                       due->drop ? fleet->seq + 1 : ++fleet->seq, i, i, status_names[unit->status]);
      append_number (event, "lat", unit->lat, "%.7f");
      g_string_append_c (event, ',');
      append_number (event, "lon", unit->lon, "%.7f");
      g_string_append_printf (event, ",\"time\":\"%s\",", time);
      append_number (event, "speed", unit->speed, "%.2f");
      g_string_append_c (event, ',');
      append_number (event, "heading", unit->heading, "%.1f");
      g_string_append_printf (event, "},\"version\":%" G_GINT64_FORMAT "}}", unit->version);

      if (frame->len > 0 && frame->len + event->len + 2 > FRAME_BYTES)
        frame_send (fleet, frame, due->drop);
      g_string_append_c (frame, frame->len == 0 ? '[' : ',');
      g_string_append_len (frame, event->str, event->len);
    }
  if (frame->len > 0)
    frame_send (fleet, frame, due->drop);
  ms = ms_since (start);
  if (!due->drop && g_atomic_int_get (&fleet->measuring))
    {
      g_mutex_lock (&build_lock);
      g_array_append_val (fleet->build_ms, ms);
      g_mutex_unlock (&build_lock);
    }
  g_free (due);
}

static gboolean
move_cb (gpointer user_data)
{
  Bench *bench = user_data;
  Fleet *fleet = bench->fleet;
  gint64 now = g_get_monotonic_time ();
  gboolean drop = bench->hidden || fleet->shown == 0;
  guint count;
  Due *due;

  /* While the overlay is hidden (markers) or held still (units), and in a
   * floor, no fix is applied. The bench's dozord still writes the fixes
   * due and throws them away: it shares the two cores with the board, and
   * an arm without its load would charge its CPU to the layer measured
   * (docs/decisions.md, "The bench's dozord in every arm"). With
   * --feed-moving-only it rests in those arms, as it did before; either
   * way nothing is owed for that time afterwards. */
  if (drop && bench->feed_moving_only)
    {
      bench->owed = 0;
      bench->last_move = now;
      return G_SOURCE_CONTINUE;
    }

  /* Each unit reports every report_seconds: the fixes due since the last
   * batch, in a burst all of them at once. */
  if (bench->arrival == ARRIVAL_BURST)
    bench->owed = fleet->n;
  else if (bench->last_move != 0)
    bench->owed += fleet->n * ((now - bench->last_move) / (double) G_USEC_PER_SEC) / bench->report_seconds;
  bench->last_move = now;
  count = (guint) MIN (bench->owed, (double) fleet->n);
  bench->owed -= count;
  if (count == 0)
    return G_SOURCE_CONTINUE;

  due = g_new0 (Due, 1);
  due->count = count;
  due->fix_time = g_get_real_time ();
  due->drop = drop;
  g_thread_pool_push (fleet->producer, due, NULL);
  return G_SOURCE_CONTINUE;
}

/* On the main thread: a frame as the decoder read it, applied as
 * DozorSyncClient applies it (one "changed" per frame). */
static void
frame_decoded_cb (GPtrArray *items,
                  gpointer   user_data)
{
  Bench *bench = user_data;
  Fleet *fleet = bench->fleet;
  gint64 start = g_get_monotonic_time ();
  gint64 newest = 0;
  guint events = 0;
  double apply_ms;

  dozor_situation_hold_changes (fleet->situation);
  for (guint i = 0; i < items->len; i++)
    {
      DozorStreamItem *item = items->pdata[i];
      DozorApplyResult result;

      if (item->kind != DOZOR_STREAM_FIXES)
        g_error ("bench-units: a frame held something else than positions");
      result = dozor_situation_apply_fixes (fleet->situation, (DozorUnitFix *) item->fixes->data,
                                            item->fixes->len, item->first_seq, item->last_seq);
      if (result != DOZOR_APPLY_APPLIED)
        g_error ("bench-units: events %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT " not applied (%d)",
                 item->first_seq, item->last_seq, result);
      events += item->last_seq - item->first_seq + 1;
      for (guint f = 0; f < item->fixes->len; f++)
        {
          const DozorUnitFix *fix = &g_array_index (item->fixes, DozorUnitFix, f);

          newest = MAX (newest, fix->fix_time);
          /* The naive board moves each unit's widget. */
          if (fleet->markers != NULL)
            shumate_location_set_location (SHUMATE_LOCATION (fleet->markers[strtoul (fix->id + 1, NULL, 10)]),
                                           fix->lat, fix->lon);
        }
    }
  dozor_situation_release_changes (fleet->situation);
  apply_ms = ms_since (start);

  bench->newest_applied = MAX (bench->newest_applied, newest);
  g_array_append_val (bench->applied, newest);
  if (bench->phase == PHASE_MEASURE)
    {
      bench->fixes += events;
      g_array_append_val (bench->apply_ms, apply_ms);
    }
}

/* ---- The map. */

static void
tile_received_cb (DozorTileSource *source,
                  int              zoom,
                  int              x,
                  int              y,
                  Bench           *bench)
{
  bench->tiles_received++;
  bench->last_tile_time = g_get_monotonic_time ();
}

static GdkTexture *
symbol_texture (const char *status)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, SYMBOL_SIZE, SYMBOL_SIZE);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GBytes) bytes = NULL;

  dozor_unit_layer_draw_symbol (cr, status, FALSE, SYMBOL_SIZE / 2.0, SYMBOL_SIZE / 2.0);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface) * SYMBOL_SIZE,
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  return gdk_memory_texture_new (SYMBOL_SIZE, SYMBOL_SIZE, GDK_MEMORY_DEFAULT, bytes,
                                 cairo_image_surface_get_stride (surface));
}

/* The design the tiles were chosen over (docs/decisions.md): every unit
 * drawn every frame, as one texture node from a handful of symbols, which
 * GTK 4.8's GL renderer batches into few draws, the nearest thing to
 * instanced quads a ShumateLayer can do. Positions are read from the fleet
 * in each snapshot, so a fix is on the next frame. */
#define BENCH_TYPE_SPRITES (bench_sprites_get_type ())
G_DECLARE_FINAL_TYPE (BenchSprites, bench_sprites, BENCH, SPRITES, ShumateLayer)

struct _BenchSprites
{
  ShumateLayer parent_instance;
  Fleet *fleet;
  GdkTexture **symbols;
};

G_DEFINE_FINAL_TYPE (BenchSprites, bench_sprites, SHUMATE_TYPE_LAYER)

static void
bench_sprites_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  BenchSprites *self = BENCH_SPRITES (widget);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  double world = TILE_SIZE * exp2 (shumate_viewport_get_zoom_level (viewport)), cx, cy;
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  GPtrArray *units;

  overlay_snapshots++;
  dozor_geo_lon_lat_to_world (shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
                              shumate_location_get_latitude (SHUMATE_LOCATION (viewport)), &cx, &cy);
  /* From the situation, as the board draws: the fleet's own units are
   * the producer thread's. */
  units = dozor_situation_get_units (self->fleet->situation);
  for (guint i = 0; i < units->len; i++)
    {
      const DozorUnit *unit = units->pdata[i];
      guint status = 0;
      double wx, wy, x, y;

      dozor_geo_lon_lat_to_world (unit->lon, unit->lat, &wx, &wy);
      x = (wx - cx) * world + width / 2.0;
      y = (wy - cy) * world + height / 2.0;
      if (x < -SYMBOL_SIZE || y < -SYMBOL_SIZE || x > width + SYMBOL_SIZE || y > height + SYMBOL_SIZE)
        continue;
      while (status + 1 < G_N_ELEMENTS (status_names) && strcmp (status_names[status], unit->status) != 0)
        status++;
      gtk_snapshot_append_texture (snapshot, self->symbols[status],
                                   &GRAPHENE_RECT_INIT (round (x) - SYMBOL_SIZE / 2, round (y) - SYMBOL_SIZE / 2,
                                                        SYMBOL_SIZE, SYMBOL_SIZE));
    }
}

static void
bench_sprites_class_init (BenchSpritesClass *klass)
{
  GTK_WIDGET_CLASS (klass)->snapshot = bench_sprites_snapshot;
}

static void
bench_sprites_init (BenchSprites *self)
{
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

static void add_sprites (Bench *bench);

static void
add_markers (Bench *bench)
{
  ShumateViewport *viewport = shumate_simple_map_get_viewport (bench->map);
  ShumateMarkerLayer *layer = shumate_marker_layer_new (viewport);
  Fleet *fleet = bench->fleet;

  fleet->markers = g_new0 (ShumateMarker *, fleet->n);
  for (guint i = 0; i < fleet->n; i++)
    {
      ShumateMarker *marker = shumate_marker_new ();
      GdkPaintable *symbol = GDK_PAINTABLE (bench->symbols[fleet->units[i].status]);
      GtkWidget *image = gtk_image_new_from_paintable (symbol);

      gtk_image_set_pixel_size (GTK_IMAGE (image), SYMBOL_SIZE);
      shumate_marker_set_child (marker, image);
      shumate_location_set_location (SHUMATE_LOCATION (marker), fleet->units[i].lat, fleet->units[i].lon);
      shumate_marker_layer_add_marker (layer, marker);
      fleet->markers[i] = marker;
    }
  shumate_simple_map_add_overlay_layer (bench->map, SHUMATE_LAYER (layer));
  bench->overlay = GTK_WIDGET (layer);
}

static void
add_sprites (Bench *bench)
{
  BenchSprites *layer = g_object_new (BENCH_TYPE_SPRITES, "viewport", shumate_simple_map_get_viewport (bench->map),
                                      NULL);

  layer->fleet = bench->fleet;
  layer->symbols = bench->symbols;
  /* ShumateLayer does not redraw by itself when the view moves. */
  g_signal_connect_object (shumate_simple_map_get_viewport (bench->map), "notify", G_CALLBACK (gtk_widget_queue_draw),
                           layer, G_CONNECT_SWAPPED);
  shumate_simple_map_add_overlay_layer (bench->map, SHUMATE_LAYER (layer));
  bench->overlay = GTK_WIDGET (layer);
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  Bench *bench = user_data;
  double angle = 2 * G_PI * bench->ticks++ / LAP_FRAMES;
  double world = TILE_SIZE * exp2 (ZOOM);
  double x = bench->centre_x + PAN_RADIUS * cos (angle);
  double y = bench->centre_y + PAN_RADIUS * sin (angle);
  double lat, lon;

  dozor_geo_world_to_lon_lat (x / world, y / world, &lon, &lat);
  shumate_location_set_location (SHUMATE_LOCATION (shumate_simple_map_get_viewport (bench->map)), lat, lon);
  if (bench->force_redraw && bench->tile_layer != NULL)
    gtk_widget_queue_draw (bench->tile_layer);
  /* Only the marker layer is hidden: the unit layer's image stays, held
   * still, so that both arms draw the basemap the same way. */
  if ((bench->config->kind == CONFIG_MARKERS || bench->config->kind == CONFIG_SPRITES) &&
      gtk_widget_get_visible (bench->overlay) == bench->hidden)
    gtk_widget_set_visible (bench->overlay, !bench->hidden);
  return G_SOURCE_CONTINUE;
}

/* Runs only if the main loop has a moment with nothing of higher priority
 * to do, as libshumate's grid update and the raster layer's render need. */
static gboolean
idle_probe_cb (gpointer user_data)
{
  Bench *bench = user_data;

  bench->probe_id = 0;
  return G_SOURCE_REMOVE;
}

static void
before_paint_cb (GdkFrameClock *clock,
                 Bench         *bench)
{
  bench->before_paint = g_get_monotonic_time ();
}

static gboolean
two_arms (const Config *config)
{
  return config->kind == CONFIG_UNITS || config->kind == CONFIG_MARKERS || config->kind == CONFIG_SPRITES;
}

static gboolean
measured_enough (Bench *bench)
{
  Config *config = bench->config;

  return config->sample[SHOWN].intervals->len >= bench->frames &&
         (!two_arms (config) || config->sample[HIDDEN].intervals->len >= bench->frames);
}

/* The age of the positions on a moving frame of the unit layer, once the
 * layer has logged what that frame showed (its after-paint handler runs
 * after the bench's). Counted only once the image holds a fix applied in
 * this moving block (before that, both would count the still block):
 *   age: the frame's end minus the fix time of the newest fix in the
 *     image on screen;
 *   gap: the newest fix applied by the frame's end minus that same fix.
 * Every moving frame:
 *   lag: the frame's end minus the fix time of the oldest fix applied by
 *     then that the image on screen does not hold yet; 0 if it holds all. */
static void
finish_frame_age (Bench *bench)
{
  Config *config = bench->config;
  gint64 oldest_unshown = 0;
  double lag;

  if (!bench->frame_pending)
    return;
  bench->frame_pending = FALSE;
  if (on_screen_newest == 0 || bench->pending_applied == 0)
    return;

  for (guint i = bench->applied->len; i > 0; i--)
    {
      gint64 time = g_array_index (bench->applied, gint64, i - 1);

      if (time <= on_screen_newest)
        break;
      if (time <= bench->pending_applied)
        oldest_unshown = time;
    }
  lag = oldest_unshown != 0 ? MAX (0, bench->pending_end - oldest_unshown) / 1000.0 : 0.0;
  g_array_append_val (config->lag_ms, lag);

  if (on_screen_newest >= bench->pending_block)
    {
      double age = (bench->pending_end - on_screen_newest) / 1000.0;
      double gap = MAX (0, bench->pending_applied - on_screen_newest) / 1000.0;

      g_array_append_val (config->age_ms, age);
      g_array_append_val (config->gap_ms, gap);
    }
}

/* The calling thread's CPU time, ms: the load of a shared machine
 * lengthens it far less than wall time. */
static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The CPU time of this process's threads other than the calling one,
 * ms: llvmpipe's rasterising threads ("llvmpipe-N", which live as long
 * as the GL context) in @gl, read from each one's schedstat (its first
 * field is its time on a CPU, ns); the rest (the render worker, the
 * stream's decoder, the bench's dozord, pool threads that have ended
 * included) in @other, from getrusage() less those and the calling
 * thread. Read at block boundaries only: a dozen files a frame would
 * cost the main thread what it measures. */
static void
threads_cpu_ms (double *gl,
                double *other)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  struct rusage usage;
  const char *tid;

  *gl = 0;
  while (dir != NULL && (tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *comm_path = g_strdup_printf ("/proc/self/task/%s/comm", tid);
      g_autofree char *stat_path = g_strdup_printf ("/proc/self/task/%s/schedstat", tid);
      g_autofree char *comm = NULL;
      g_autofree char *stat = NULL;

      if (g_file_get_contents (comm_path, &comm, NULL, NULL) && g_str_has_prefix (comm, "llvmpipe") &&
          g_file_get_contents (stat_path, &stat, NULL, NULL))
        *gl += g_ascii_strtod (stat, NULL) / 1e6;
    }
  getrusage (RUSAGE_SELF, &usage);
  *other = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
           (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3 - *gl - thread_cpu_ms ();
}

/* Charges the threads' CPU since the block began to @sample, and starts
 * the next block's count. */
static void
close_block (Bench  *bench,
             Sample *sample,
             guint   frames)
{
  double gl, other;

  threads_cpu_ms (&gl, &other);
  /* For a profile by arm: perf record -k CLOCK_MONOTONIC stamps its
   * samples on the same clock (docs/performance.md, "nice"). */
  if (g_getenv ("BENCH_BLOCKS") != NULL)
    {
      struct timespec now;

      clock_gettime (CLOCK_MONOTONIC, &now);
      g_printerr ("BLOCK %u %s %ld.%09ld\n", bench->config->n, bench->hidden ? "still" : "moving", (long) now.tv_sec,
                  now.tv_nsec);
    }
  if (sample != NULL)
    {
      sample->gl_cpu_ms += gl - bench->block_gl_ms;
      sample->other_cpu_ms += other - bench->block_other_ms;
      sample->block_frames += frames;
    }
  bench->block_gl_ms = gl;
  bench->block_other_ms = other;
}

static void
after_paint_cb (GdkFrameClock *clock,
                Bench         *bench)
{
  gint64 now = g_get_monotonic_time ();
  double cpu = thread_cpu_ms ();
  guint tile_snapshots = tile_layer_snapshots, overlays = overlay_snapshots;
  gboolean idle_ran = bench->probe_id == 0;
  Config *config = bench->config;

  tile_layer_snapshots = overlay_snapshots = 0;
  bench->painted++;
  finish_frame_age (bench);

  if (bench->phase == PHASE_WARMUP && bench->painted >= WARMUP_FRAMES)
    {
      bench->phase = PHASE_MEASURE;
      bench->block_frame = 0;
      bench->tiles_at_start = bench->tiles_received;
      bench->fixes = 0;
      bench->measure_start = now;
      bench->block_start = g_get_real_time ();
      render_stats.shown = 0;
      cpu_sample (&bench->cpu_at_start);
      close_block (bench, NULL, 0);
      if (bench->fleet != NULL)
        g_atomic_int_set (&bench->fleet->measuring, TRUE);
    }
  else if (bench->phase == PHASE_MEASURE)
    {
      Sample *sample = &config->sample[bench->hidden ? HIDDEN : SHOWN];

      if (bench->block_frame >= SWITCH_FRAMES && sample->intervals->len < bench->frames)
        {
          double interval = (now - bench->last_paint) / 1000.0;
          double busy = (now - bench->before_paint) / 1000.0;

          g_array_append_val (sample->intervals, interval);
          g_array_append_val (sample->busy, busy);
          sample->main_cpu_ms += cpu - bench->last_cpu_ms;
          sample->idle_frames += idle_ran;
          config->basemap_frames += tile_snapshots > 0;
          if (!bench->hidden)
            config->overlay_frames += overlays > 0;
          if (config->kind == CONFIG_UNITS && !bench->hidden)
            {
              bench->frame_pending = TRUE;
              bench->pending_end = g_get_real_time ();
              bench->pending_applied = bench->newest_applied;
              bench->pending_block = bench->block_start;
            }
        }

      if (measured_enough (bench))
        {
          close_block (bench, sample, bench->block_frame + 1);
          bench->phase = PHASE_DONE;
          bench->hidden = FALSE;
          if (bench->fleet != NULL)
            g_atomic_int_set (&bench->fleet->measuring, FALSE);
          config->lap_images = render_stats.shown;
          config->fixes_per_s = bench->fixes / ((now - bench->measure_start) / (double) G_USEC_PER_SEC);
          cpu_shares (&bench->cpu_at_start, &config->self_share, &config->others_share);
        }
      else if (++bench->block_frame >= bench->block && two_arms (config))
        {
          /* The tick callback and the next batch of fixes apply it. */
          close_block (bench, sample, bench->block_frame);
          bench->hidden = !bench->hidden;
          bench->block_frame = 0;
          if (!bench->hidden)
            bench->block_start = g_get_real_time ();
        }
    }
  bench->last_paint = now;
  bench->last_cpu_ms = cpu;

  if (bench->probe_id == 0)
    bench->probe_id = g_idle_add (idle_probe_cb, bench);
}

static void
find_tile_layer (Bench *bench)
{
  GtkWidget *map = GTK_WIDGET (shumate_simple_map_get_map (bench->map));

  bench->tile_layer = NULL;
  for (GtkWidget *child = gtk_widget_get_first_child (map); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (SHUMATE_IS_MAP_LAYER (child))
      bench->tile_layer = child;
}

static GtkWidget *
open_window (Bench *bench)
{
  GtkWidget *window = gtk_window_new ();
  ShumateViewport *viewport;

  gtk_window_set_title (GTK_WINDOW (window), "bench-units");
  gtk_window_set_default_size (GTK_WINDOW (window), bench->width, bench->height);
  bench->map = shumate_simple_map_new ();
  shumate_simple_map_set_map_source (bench->map, bench->renderer);
  viewport = shumate_simple_map_get_viewport (bench->map);
  shumate_viewport_set_zoom_level (viewport, ZOOM);
  shumate_location_set_location (SHUMATE_LOCATION (viewport), CENTRE_LAT, CENTRE_LON);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (bench->map));
  find_tile_layer (bench);
  return window;
}

/* ---- Running a configuration. */

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

typedef gboolean (*Condition) (Bench *bench);

static gboolean
wait_until (Bench     *bench,
            Condition  condition,
            double     timeout_seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_seconds * G_USEC_PER_SEC);
  guint wake = g_timeout_add (100, wake_cb, NULL);
  gboolean met;

  while (!(met = condition (bench)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  return met;
}

static gboolean
tiles_settled (Bench *bench)
{
  return bench->tiles_received > bench->tiles_at_start &&
         g_get_monotonic_time () - bench->last_tile_time > TILES_QUIET_US;
}

static gboolean
units_shown (Bench *bench)
{
  return render_stats.shown > 0;
}

static gboolean
lap_done (Bench *bench)
{
  return bench->phase == PHASE_DONE;
}

/* Whether other processes used little of the machine over the last half
 * second; the main loop runs meanwhile. */
static gboolean
machine_quiet (Bench *bench)
{
  double self, others;

  if (bench->quiet_since == 0)
    {
      cpu_sample (&bench->quiet_start);
      bench->quiet_since = g_get_monotonic_time ();
      return FALSE;
    }
  if (g_get_monotonic_time () - bench->quiet_since < G_USEC_PER_SEC / 2)
    return FALSE;

  cpu_shares (&bench->quiet_start, &self, &others);
  bench->quiet_since = 0;
  return !(others > QUIET_SHARE);
}

static gboolean
still_done (Bench *bench)
{
  return render_stats.shown >= STILL_IMAGES;
}

static gboolean
workers_idle (Bench *bench)
{
  return g_atomic_int_get (&render_stats.in_draw) == 0 &&
         g_get_monotonic_time () - bench->last_tile_time > TILES_QUIET_US / 2;
}

static double
mean (GArray *values)
{
  double sum = 0;

  for (guint i = 0; i < values->len; i++)
    sum += g_array_index (values, double, i);
  return values->len > 0 ? sum / values->len : NAN;
}

static void
run_config (Bench  *bench,
            Config *config)
{
  gint64 setup_start = g_get_monotonic_time ();
  double wx, wy;

  bench->config = config;
  for (guint c = SHOWN; c <= HIDDEN; c++)
    {
      config->sample[c].intervals = g_array_new (FALSE, FALSE, sizeof (double));
      config->sample[c].busy = g_array_new (FALSE, FALSE, sizeof (double));
    }
  bench->build_ms = g_array_new (FALSE, FALSE, sizeof (double));
  bench->apply_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_array_set_size (render_stats.prepare_ms, 0);
  g_array_set_size (render_stats.draw_ms, 0);
  g_array_set_size (render_stats.latency_ms, 0);
  render_stats.shown = 0;
  render_stats.prepare_start = 0;
  config->age_ms = g_array_new (FALSE, FALSE, sizeof (double));
  config->gap_ms = g_array_new (FALSE, FALSE, sizeof (double));
  config->lag_ms = g_array_new (FALSE, FALSE, sizeof (double));
  bench->applied = g_array_new (FALSE, FALSE, sizeof (gint64));
  on_screen_newest = 0;
  bench->newest_applied = 0;
  bench->frame_pending = FALSE;
  bench->owed = 0;
  bench->last_move = 0;

  if (config->kind != CONFIG_BASEMAP)
    bench->fleet = fleet_new (bench, config->n, config->kind == CONFIG_FLOOR ? 0 : config->n, bench->districts);

  /* The board's allocator follows its situation's size; every arm of
   * one count (floor, markers, units) runs under the same policy. */
#ifdef __GLIBC__
  if (bench->mmap_threshold > 0)
    mallopt (M_MMAP_THRESHOLD, bench->mmap_threshold);
  else
#endif
    dozor_memory_follow_units (config->kind == CONFIG_BASEMAP ? 0 : config->n);
  bench->window = open_window (bench);
  if (config->kind == CONFIG_UNITS || config->kind == CONFIG_FLOOR)
    {
      ShumateViewport *viewport = shumate_simple_map_get_viewport (bench->map);
      DozorSituation *situation = bench->fleet->situation;
      DozorUnitLayer *layer = dozor_unit_layer_new (viewport, situation);
      DozorBasemapLayer *basemap = dozor_basemap_layer_new (viewport, situation);
      DozorAreaLayer *areas = dozor_area_layer_new (viewport, situation);
      DozorIncidentLayer *incidents = dozor_incident_layer_new (viewport, situation);

      /* As the board has it (DozorMapView): one image of the basemap's
       * tiles, districts, sectors and routes, the units, and the
       * incidents over them, bottom to top, drawn by the unit layer. The
       * floor is the same with no unit. */
      shumate_simple_map_add_overlay_layer (bench->map, SHUMATE_LAYER (layer));
      shumate_simple_map_add_overlay_layer (bench->map, SHUMATE_LAYER (basemap));
      shumate_simple_map_add_overlay_layer (bench->map, SHUMATE_LAYER (areas));
      shumate_simple_map_add_overlay_layer (bench->map, SHUMATE_LAYER (incidents));
      dozor_raster_layer_draw_into (DOZOR_RASTER_LAYER (layer), DOZOR_RASTER_LAYER (basemap));
      dozor_raster_layer_draw_into (DOZOR_RASTER_LAYER (layer), DOZOR_RASTER_LAYER (areas));
      dozor_raster_layer_draw_over (DOZOR_RASTER_LAYER (layer), DOZOR_RASTER_LAYER (incidents));
      dozor_basemap_layer_set_tile_source (basemap, bench->tiles);
      bench->overlay = GTK_WIDGET (layer);
    }
  else if (config->kind == CONFIG_MARKERS)
    add_markers (bench);
  else if (config->kind == CONFIG_SPRITES)
    add_sprites (bench);

  bench->tiles_at_start = bench->tiles_received;
  gtk_window_present (GTK_WINDOW (bench->window));
  if (!wait_until (bench, tiles_settled, 60))
    g_printerr ("bench-units: %s: tiles still arriving after 60 s\n", config->name);
  if ((config->kind == CONFIG_UNITS || config->kind == CONFIG_FLOOR) && !wait_until (bench, units_shown, 60))
    g_printerr ("bench-units: %s: the unit layer showed nothing in 60 s\n", config->name);

  if (bench->renderer_name == NULL)
    {
      GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (bench->window));

      bench->renderer_name = g_strdup (G_OBJECT_TYPE_NAME (renderer));
      bench->map_width = gtk_widget_get_width (GTK_WIDGET (bench->map));
      bench->map_height = gtk_widget_get_height (GTK_WIDGET (bench->map));
    }
  config->setup_s = ms_since (setup_start) / 1000.0;

  bench->quiet_since = 0;
  if (!wait_until (bench, machine_quiet, QUIET_WAIT_SECONDS))
    g_printerr ("bench-units: %s: other processes keep using more than %.0f%% of the machine\n",
                config->name, QUIET_SHARE * 100);

  dozor_geo_lon_lat_to_world (CENTRE_LON, CENTRE_LAT, &wx, &wy);
  bench->centre_x = wx * TILE_SIZE * exp2 (ZOOM);
  bench->centre_y = wy * TILE_SIZE * exp2 (ZOOM);
  bench->ticks = 0;
  bench->painted = 0;
  bench->hidden = FALSE;
  bench->phase = PHASE_WARMUP;
  bench->clock = gtk_widget_get_frame_clock (bench->window);
  bench->before_paint_id = g_signal_connect (bench->clock, "before-paint",
                                             G_CALLBACK (before_paint_cb), bench);
  bench->after_paint_id = g_signal_connect (bench->clock, "after-paint",
                                            G_CALLBACK (after_paint_cb), bench);
  bench->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (bench->map), tick_cb, bench, NULL);
  if (bench->fleet != NULL && bench->fleet->n > 0)
    {
      guint interval = bench->arrival == ARRIVAL_CONTINUOUS ? CONTINUOUS_INTERVAL_MS :
                       bench->arrival == ARRIVAL_BURST ? (guint) (bench->report_seconds * 1000) :
                       MOVE_INTERVAL_MS;

      bench->move_id = g_timeout_add (interval, move_cb, bench);
    }

  if (!wait_until (bench, lap_done, 900))
    g_printerr ("bench-units: %s: gave up after 900 s\n", config->name);
  finish_frame_age (bench);
  gtk_widget_remove_tick_callback (GTK_WIDGET (bench->map), bench->tick_id);
  g_clear_handle_id (&bench->probe_id, g_source_remove);
  g_clear_signal_handler (&bench->before_paint_id, bench->clock);
  g_clear_signal_handler (&bench->after_paint_id, bench->clock);
  if (bench->overlay != NULL)
    gtk_widget_set_visible (bench->overlay, TRUE);

  /* The map stops; the units do not. Now the layer gets to draw images. */
  if (config->kind == CONFIG_UNITS)
    {
      bench->phase = PHASE_STILL;
      render_stats.shown = 0;
      g_atomic_int_set (&render_stats.recording, TRUE);
      wait_until (bench, still_done, STILL_MAX_SECONDS);
      g_atomic_int_set (&render_stats.recording, FALSE);
      config->still_images = render_stats.shown;
    }
  g_clear_handle_id (&bench->move_id, g_source_remove);

  for (guint c = SHOWN; c <= HIDDEN; c++)
    {
      Sample *sample = &config->sample[c];

      sample->mean = mean (sample->intervals);
      sample->median = percentile (sample->intervals, 0.5);
      sample->p95 = percentile (sample->intervals, 0.95);
      sample->max = percentile (sample->intervals, 1.0);
      sample->busy_mean = mean (sample->busy);
      sample->busy_p95 = percentile (sample->busy, 0.95);
      for (guint i = 0; i < sample->intervals->len; i++)
        sample->slow += g_array_index (sample->intervals, double, i) > SLOW_FRAME_MS;
    }
  config->measured = config->sample[SHOWN].intervals->len > 0;
  config->tiles = bench->tiles_received - bench->tiles_at_start;
  config->batches = bench->apply_ms->len;
  g_mutex_lock (&build_lock);
  config->build_ms = mean (bench->build_ms);
  g_mutex_unlock (&build_lock);
  config->apply_ms = mean (bench->apply_ms);
  if (config->kind == CONFIG_UNITS)
    {
      g_mutex_lock (&render_stats.lock);
      config->prepare_ms = percentile (render_stats.prepare_ms, 0.5);
      config->draw_ms = percentile (render_stats.draw_ms, 0.5);
      config->draw_max_ms = percentile (render_stats.draw_ms, 1.0);
      config->latency_ms = percentile (render_stats.latency_ms, 0.5);
      g_mutex_unlock (&render_stats.lock);
      config->n_drawn = dozor_unit_layer_get_n_drawn (DOZOR_UNIT_LAYER (bench->overlay));
    }

  gtk_window_destroy (GTK_WINDOW (bench->window));
  bench->window = NULL;
  bench->map = NULL;
  bench->tile_layer = NULL;
  bench->overlay = NULL;
  bench->clock = NULL;
  /* Let a render still in a worker and the last tiles finish before the
   * next configuration is timed. */
  wait_until (bench, workers_idle, 60);
  g_clear_pointer (&bench->fleet, fleet_free);
  g_clear_pointer (&bench->build_ms, g_array_unref);
  g_clear_pointer (&bench->apply_ms, g_array_unref);
  g_clear_pointer (&bench->applied, g_array_unref);
  bench->phase = PHASE_IDLE;
}

/* ---- Output. */

static const char *
arm_name (const Config *config,
          guint         arm)
{
  switch (config->kind)
    {
    case CONFIG_UNITS:
      return arm == SHOWN ? "moving" : "still";
    case CONFIG_MARKERS:
    case CONFIG_SPRITES:
      return arm == SHOWN ? "shown" : "hidden";
    case CONFIG_BASEMAP:
    case CONFIG_FLOOR:
    default:
      return "-";
    }
}

static const char *
basemap_path (const Config *config,
              guint         arm)
{
  switch (config->kind)
    {
    case CONFIG_FLOOR:
    case CONFIG_UNITS:
      return "image";
    case CONFIG_MARKERS:
    case CONFIG_SPRITES:
    case CONFIG_BASEMAP:
    default:
      return "tiles";
    }
}

static const Config *
find_config (GPtrArray  *configs,
             ConfigKind  kind,
             guint       n)
{
  for (guint i = 0; i < configs->len; i++)
    {
      const Config *config = configs->pdata[i];

      if (config->kind == kind && (kind == CONFIG_BASEMAP || config->n == n) &&
          config->measured)
        return config;
    }
  return NULL;
}

/* The floor of a unit layer of @n units: the one whose bench's dozord
 * wrote as many fixes, or with --feed-moving-only the one of none. */
static const Config *
find_floor (GPtrArray *configs,
            guint      n)
{
  const Config *floor = find_config (configs, CONFIG_FLOOR, n);

  return floor != NULL ? floor : find_config (configs, CONFIG_FLOOR, 0);
}

/* What the layer adds to a frame on average, over its own basemap path:
 * the unit layer over the floor window (the same image without units),
 * the marker layer over its hidden arm (the tile layer alone). NAN when
 * that floor was not measured. */
static double
overhead (GPtrArray    *configs,
          const Config *config)
{
  const Config *floor;

  if (config->kind == CONFIG_MARKERS || config->kind == CONFIG_SPRITES)
    return config->sample[SHOWN].mean - config->sample[HIDDEN].mean;
  floor = find_floor (configs, config->n);
  if (config->kind != CONFIG_UNITS || floor == NULL)
    return NAN;
  return config->sample[SHOWN].mean - floor->sample[SHOWN].mean;
}

/* Frames measured per block of one arm (the first SWITCH_FRAMES of a
 * block are not measured). */
static guint measured_per_block;

/* Student's t at 97.5 % for 1 to 30 degrees of freedom, for the 95 %
 * interval of a mean of a few blocks. */
static const double t_975[] = {
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
  2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
};

/* How sure the shown (moving) arm's mean minus the hidden (still) arm's
 * in one window is: the half-width of its 95 % interval, as the blocks
 * give it, the k-th block of one arm against the k-th of the other,
 * which ran next to it. Frames of one block share a load and a stretch of
 * the pan, so the blocks, not the frames, are the samples. FALSE with
 * fewer than three pairs. */
static gboolean
block_interval (const Config *config,
                double       *half)
{
  const GArray *shown = config->sample[SHOWN].intervals, *hidden = config->sample[HIDDEN].intervals;
  guint pairs = measured_per_block > 0 ? MIN (shown->len, hidden->len) / measured_per_block : 0;
  double sum = 0, squares = 0, mean;

  if (!two_arms (config) || pairs < 3)
    return FALSE;
  for (guint k = 0; k < pairs; k++)
    {
      double d = 0;

      for (guint i = k * measured_per_block; i < (k + 1) * measured_per_block; i++)
        d += g_array_index (shown, double, i) - g_array_index (hidden, double, i);
      d /= measured_per_block;
      sum += d;
      squares += d * d;
    }
  mean = sum / pairs;
  *half = (pairs - 1 <= G_N_ELEMENTS (t_975) ? t_975[pairs - 2] : 1.96) *
          sqrt (MAX (squares - pairs * mean * mean, 0) / (pairs - 1) / pairs);
  return TRUE;
}

static void
print_frames (GPtrArray *configs)
{
  printf ("\nframes (ms between two frames' ends; busy = main thread, before-paint to after-paint;\n"
          "basemap: \"tiles\" = libshumate's tile layer draws it, \"image\" = the board's one image of\n"
          "basemap, districts, sectors, routes, incidents and units; >%.0f = frames longer than %.0f ms)\n",
          SLOW_FRAME_MS, SLOW_FRAME_MS);
  printf ("%-24s %-7s %-7s %6s %7s %7s %7s %7s %5s %9s\n", "config", "arm", "basemap", "frames", "mean",
          "median", "p95", "max", ">50", "busy mean");
  for (guint i = 0; i < configs->len; i++)
    {
      const Config *config = configs->pdata[i];

      if (!config->measured)
        {
          printf ("%-24s (not measured)\n", config->name);
          continue;
        }
      for (guint arm = SHOWN; arm <= (two_arms (config) ? HIDDEN : SHOWN); arm++)
        {
          const Sample *sample = &config->sample[arm];

          printf ("%-24s %-7s %-7s %6u %7.1f %7.1f %7.1f %7.1f %5u %9.1f\n", config->name,
                  arm_name (config, arm), basemap_path (config, arm), sample->intervals->len, sample->mean,
                  sample->median, sample->p95, sample->max, sample->slow, sample->busy_mean);
        }
    }
}

static void
print_overheads (GPtrArray *configs)
{
  printf ("\noverhead, ms (mean and p95 of the layer's frames minus the same of its floor;\n"
          "unit layer: floor = the \"floor\" window, the same image with no units, and in-window =\n"
          "moving minus still; marker layer: floor = its hidden arm, the tile layer alone)\n");
  printf ("in-window ±: the half-width of its 95 %% interval over the pairs of blocks, each block\n"
          "against the one of the other arm beside it)\n");
  printf ("%-24s %10s %10s %12s %8s\n", "config", "mean", "p95", "in-window", "±");
  for (guint i = 0; i < configs->len; i++)
    {
      const Config *config = configs->pdata[i];
      const Config *floor = config->kind == CONFIG_UNITS ? find_floor (configs, config->n) : config;
      guint floor_arm = config->kind == CONFIG_UNITS ? SHOWN : HIDDEN;
      double half;

      if (!config->measured || !two_arms (config) || floor == NULL)
        continue;
      printf ("%-24s %+10.1f %+10.1f %+12.1f", config->name, overhead (configs, config),
              config->sample[SHOWN].p95 - floor->sample[floor_arm].p95,
              config->sample[SHOWN].mean - config->sample[HIDDEN].mean);
      if (block_interval (config, &half))
        printf (" %8.1f\n", half);
      else
        printf (" %8s\n", "–");
    }
}

static void
print_ages (GPtrArray *configs)
{
  printf ("\nage of the positions on screen, ms, over the moving frames of the unit layer (fix time:\n"
          "when the bench made and applied the fix, the same clock as the frames'; age: the frame's end\n"
          "minus the newest fix in the image on screen; gap: the newest fix applied by then minus that\n"
          "one; both over the frames whose image holds a fix of their moving block; lag: the frame's\n"
          "end minus the oldest fix applied but not yet on screen (0 if none), every moving frame;\n"
          "fixes/s: applied over the whole measurement, none in the still blocks)\n");
  printf ("%-24s %7s %6s %17s %17s %6s %17s\n", "config", "fixes/s", "frames", "age mean/p95/max",
          "gap mean/p95/max", "frames", "lag mean/p95/max");
  for (guint i = 0; i < configs->len; i++)
    {
      const Config *config = configs->pdata[i];
      g_autofree char *age = NULL, *gap = NULL, *lag = NULL;

      if (config->kind != CONFIG_UNITS || !config->measured)
        continue;
      age = g_strdup_printf ("%.0f/%.0f/%.0f", mean (config->age_ms), percentile (config->age_ms, 0.95),
                             percentile (config->age_ms, 1.0));
      gap = g_strdup_printf ("%.0f/%.0f/%.0f", mean (config->gap_ms), percentile (config->gap_ms, 0.95),
                             percentile (config->gap_ms, 1.0));
      lag = g_strdup_printf ("%.0f/%.0f/%.0f", mean (config->lag_ms), percentile (config->lag_ms, 0.95),
                             percentile (config->lag_ms, 1.0));
      printf ("%-24s %7.0f %6u %17s %17s %6u %17s\n", config->name, config->fixes_per_s, config->age_ms->len,
              age, gap, config->lag_ms->len, lag);
    }
}

static void
print_details (GPtrArray *configs)
{
  printf ("\nwhat was drawn and what else ran (basemap: measured frames in which the tile layer's\n"
          "snapshot() ran; overlay: moving/shown frames in which the overlay's did; idle: frames after\n"
          "which a default-priority idle source got to run, per arm; tiles: tiles that arrived while\n"
          "measuring; events: mean ms per batch due writing its frames (the bench's dozord, in its\n"
          "own thread) + per frame applying it (main thread), × frames applied;\n"
          "self/others: share of the 2-core machine used by this process / all other processes,\n"
          "X server included)\n");
  printf ("%-24s %9s %9s %9s %5s %18s %6s %5s %6s\n", "config", "basemap", "overlay", "idle", "tiles",
          "events ms", "setup", "self", "others");
  for (guint i = 0; i < configs->len; i++)
    {
      const Config *config = configs->pdata[i];
      const Sample *shown = &config->sample[SHOWN], *hidden = &config->sample[HIDDEN];
      guint frames = shown->intervals->len + (two_arms (config) ? hidden->intervals->len : 0);
      g_autofree char *basemap = g_strdup_printf ("%u/%u", config->basemap_frames, frames);
      g_autofree char *overlay = !two_arms (config) ? g_strdup ("–") :
                                   g_strdup_printf ("%u/%u", config->overlay_frames, shown->intervals->len);
      g_autofree char *idle = !two_arms (config) ? g_strdup_printf ("%u", shown->idle_frames) :
                                g_strdup_printf ("%u/%u", shown->idle_frames, hidden->idle_frames);
      g_autofree char *events = config->batches == 0 ? g_strdup ("–") :
                                  g_strdup_printf ("%.2f+%.2f ×%u", config->build_ms, config->apply_ms,
                                                   config->batches);

      if (config->measured)
        printf ("%-24s %9s %9s %9s %5u %18s %5.1fs %4.0f%% %5.0f%%\n", config->name, basemap, overlay, idle,
                config->tiles, events, config->setup_s, config->self_share * 100,
                config->others_share * 100);
    }

  printf ("\nCPU time per frame, ms, moving/still or shown/hidden. main: the main thread's, per measured\n"
          "frame (from one after-paint to the next: drawing, events applied, renders prepared, textures\n"
          "made); llvmpipe: its rasterising threads'; others: every other thread's (render worker, stream\n"
          "decoder, the bench's dozord); these two over whole blocks, switching frames included\n"
          "config                      main            llvmpipe          others\n");
  for (guint i = 0; i < configs->len; i++)
    {
      const Config *config = configs->pdata[i];
      const Sample *shown = &config->sample[SHOWN], *hidden = &config->sample[HIDDEN];

      if (!config->measured || shown->intervals->len == 0)
        continue;
      if (two_arms (config) && hidden->intervals->len > 0)
        printf ("%-24s %7.2f / %.2f %9.2f / %.2f %9.2f / %.2f\n", config->name,
                shown->main_cpu_ms / shown->intervals->len, hidden->main_cpu_ms / hidden->intervals->len,
                shown->gl_cpu_ms / MAX (shown->block_frames, 1), hidden->gl_cpu_ms / MAX (hidden->block_frames, 1),
                shown->other_cpu_ms / MAX (shown->block_frames, 1),
                hidden->other_cpu_ms / MAX (hidden->block_frames, 1));
      else
        printf ("%-24s %7.2f %16.2f %16.2f\n", config->name, shown->main_cpu_ms / shown->intervals->len,
                shown->gl_cpu_ms / MAX (shown->block_frames, 1),
                shown->other_cpu_ms / MAX (shown->block_frames, 1));
    }

  printf ("\nunit layer images (DozorRasterLayer: prepare() on the main thread, draw() in a worker;\n"
          "lap: images shown while panning; the rest timed over up to %d images after the pan,\n"
          "map still, units moving; drawn: units in the last image)\n", STILL_IMAGES);
  printf ("%-24s %7s %5s %6s %11s %9s %12s %17s\n", "config", "drawn", "lap", "still", "prepare ms",
          "draw ms", "draw max ms", "prepare→shown ms");
  for (guint i = 0; i < configs->len; i++)
    {
      const Config *config = configs->pdata[i];

      if (config->kind == CONFIG_UNITS && config->measured)
        printf ("%-24s %7u %5u %6u %11.1f %9.1f %12.1f %17.1f\n", config->name, config->n_drawn,
                config->lap_images, config->still_images, config->prepare_ms, config->draw_ms,
                config->draw_max_ms, config->latency_ms);
    }
}

static void
print_ratios (GPtrArray *configs,
              guint     *counts)
{
  printf ("\nmarker-layer overhead / unit-layer overhead (means over each one's floor, as above; then the\n"
          "unit layer's in-window figure, measured in one window as the markers' is)\n");
  for (guint i = 0; counts[i] != 0; i++)
    {
      const Config *units = find_config (configs, CONFIG_UNITS, counts[i]);
      const Config *markers = find_config (configs, CONFIG_MARKERS, counts[i]);
      double unit_cost, marker_cost, unit_half, marker_half;

      const Config *sprites = find_config (configs, CONFIG_SPRITES, counts[i]);

      if (units != NULL && sprites != NULL && !isnan (overhead (configs, units)))
        printf ("%7u: sprites (a texture node per unit every frame) %+.1f ms, unit layer %+.1f ms\n", counts[i],
                overhead (configs, sprites), overhead (configs, units));
      if (units == NULL || markers == NULL || isnan (overhead (configs, units)))
        continue;
      unit_cost = overhead (configs, units);
      marker_cost = overhead (configs, markers);
      /* Below a tenth of a millisecond the unit layer's cost is lost in the
       * frame-to-frame noise: say so instead of dividing by it. */
      if (unit_cost < 0.1)
        printf ("%7u: markers %+.1f ms, unit layer %+.1f ms (within noise): ratio ≥ %.0f×\n", counts[i],
                marker_cost, unit_cost, marker_cost / 0.1);
      else
        printf ("%7u: markers %+.1f ms, unit layer %+.1f ms: ratio %.1f×\n", counts[i], marker_cost,
                unit_cost, marker_cost / unit_cost);
      /* The markers' figure is shown minus hidden in one window; the unit
       * layer's of the same kind is moving minus still in one window
       * (units still cost a frame nothing: they are in the tiles). The
       * floor is another window, whose own mean swings by a millisecond
       * or more between windows. */
      unit_cost = units->sample[SHOWN].mean - units->sample[HIDDEN].mean;
      if (unit_cost < 0.1)
        printf ("%7u, both in one window: markers %+.1f ms, unit layer in-window %+.1f ms (within noise): "
                "ratio ≥ %.0f×\n", counts[i], marker_cost, unit_cost, marker_cost / 0.1);
      else
        printf ("%7u, both in one window: markers %+.1f ms, unit layer in-window %+.1f ms: ratio %.1f×\n",
                counts[i], marker_cost, unit_cost, marker_cost / unit_cost);
      /* How far the blocks let that ratio go: each overhead (the means
       * above, over every frame) at either end of its 95 % interval. */
      if (block_interval (units, &unit_half) && block_interval (markers, &marker_half))
        {
          double low = (marker_cost - marker_half) / (unit_cost + unit_half);

          if (unit_cost - unit_half < 0.1)
            printf ("%7u, over the 95 %% intervals of the blocks: markers %+.1f ± %.1f ms, unit layer %+.1f ± "
                    "%.1f ms: ratio %.1f× or more\n", counts[i], marker_cost, marker_half, unit_cost, unit_half, low);
          else
            printf ("%7u, over the 95 %% intervals of the blocks: markers %+.1f ± %.1f ms, unit layer %+.1f ± "
                    "%.1f ms: ratio %.1f× to %.1f×\n", counts[i], marker_cost, marker_half, unit_cost, unit_half,
                    low, (marker_cost + marker_half) / (unit_cost - unit_half));
        }
    }
}

static guint *
parse_counts (const char *text,
              const char *defaults)
{
  g_auto(GStrv) parts = g_strsplit (text != NULL ? text : defaults, ",", -1);
  guint *counts = g_new0 (guint, g_strv_length (parts) + 1);
  guint n = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 value;

      if (g_ascii_string_to_unsigned (g_strstrip (parts[i]), 10, 1, 10000000, &value, NULL))
        counts[n++] = (guint) value;
    }
  return counts;
}

static Config *
config_new (ConfigKind  kind,
            guint       n,
            const char *name)
{
  Config *config = g_new0 (Config, 1);

  config->kind = kind;
  config->n = n;
  config->name = g_strdup (name);
  return config;
}

static void
config_free (Config *config)
{
  for (guint c = SHOWN; c <= HIDDEN; c++)
    {
      g_clear_pointer (&config->sample[c].intervals, g_array_unref);
      g_clear_pointer (&config->sample[c].busy, g_array_unref);
    }
  g_clear_pointer (&config->age_ms, g_array_unref);
  g_clear_pointer (&config->gap_ms, g_array_unref);
  g_clear_pointer (&config->lag_ms, g_array_unref);
  g_free (config->name);
  g_free (config);
}

int
main (int   argc,
      char *argv[])
{
  const char *data_dir = g_getenv ("DOZOR_DATA_DIR");
  g_autofree char *world = NULL;
  g_autofree char *streets = NULL;
  g_autofree char *units_option = NULL;
  g_autofree char *markers_option = NULL;
  g_autofree char *sprites_option = NULL;
  g_autofree guint *sprite_counts = NULL;
  g_autofree char *arrival_option = NULL;
  g_autofree char *districts_path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  double report_seconds = 2;
  g_autofree guint *unit_counts = NULL;
  g_autofree guint *marker_counts = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GPtrArray) configs = g_ptr_array_new_with_free_func ((GDestroyNotify) config_free);
  g_autoptr(GError) error = NULL;
  gboolean no_force_redraw = FALSE, no_repeat = FALSE, no_floor = FALSE, feed_moving_only = FALSE;
  int mmap_threshold = 0;
  int frames = 150;
  Bench bench = { 0, };
  gint64 start = g_get_monotonic_time ();
  const GOptionEntry entries[] = {
    { "frames", 0, 0, G_OPTION_ARG_INT, &frames,
      "Frames measured per condition: basemap alone / overlay shown / hidden (default 150)", "N" },
    { "units", 0, 0, G_OPTION_ARG_STRING, &units_option,
      "Unit layer sizes (default 1000,5000,10000,50000,100000)", "N,…" },
    { "sprites", 0, 0, G_OPTION_ARG_STRING, &sprites_option,
      "Unit counts drawn as a texture node each, every frame (the rejected design)", "N,…" },
    { "markers", 0, 0, G_OPTION_ARG_STRING, &markers_option,
      "Marker layer sizes (default 1000,5000; 0 for none)", "N,…" },
    { "arrival", 0, 0, G_OPTION_ARG_STRING, &arrival_option,
      "How fixes arrive: ticks (every 200 ms, those due; default), continuous (spread evenly, "
      "a batch every 5 ms), burst (every unit at once each report period)", "MODE" },
    { "report-seconds", 0, 0, G_OPTION_ARG_DOUBLE, &report_seconds,
      "Each unit reports a fix this often (default 2)", "S" },
    { "no-floor", 0, 0, G_OPTION_ARG_NONE, &no_floor,
      "Do not measure the floor (the board's image with overlays and no units)", NULL },
    { "mmap-threshold", 0, 0, G_OPTION_ARG_INT, &mmap_threshold,
      "glibc's mmap threshold in bytes for every arm, instead of the board's policy (to compare settings)", "BYTES" },
    { "feed-moving-only", 0, 0, G_OPTION_ARG_NONE, &feed_moving_only,
      "The bench's dozord writes fixes only in arms that apply them (as before: no feeder load in the floor, "
      "still and hidden arms)", NULL },
    { "no-force-redraw", 0, 0, G_OPTION_ARG_NONE, &no_force_redraw,
      "Do not queue a draw of the tile layer each frame", NULL },
    { "no-repeat", 0, 0, G_OPTION_ARG_NONE, &no_repeat, "Do not measure the basemap again at the end", NULL },
    { NULL }
  };

  /* The board's allocator policy (main.c): its tiles' pixels and GL's
   * textures are allocated as the board allocates them. Before, the bench
   * ran with glibc's moving threshold, and at 50,000 units the main thread
   * spent a quarter of the board's CPU per frame (docs/performance.md,
   * "tileupload"). */
  dozor_memory_configure ();
  context = g_option_context_new ("[WIDTHxHEIGHT] — frame time of the map with moving units");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-units: %s\n", error->message);
      return 2;
    }
  bench.width = 1920;
  bench.height = 1080;
  if (argc > 1 && (sscanf (argv[1], "%dx%d", &bench.width, &bench.height) != 2 || bench.width < 64 ||
                   bench.height < 64))
    {
      g_printerr ("bench-units: size must be WIDTHxHEIGHT, like 1920x1080\n");
      return 2;
    }
  bench.frames = (guint) MAX (frames, 10);
  if (arrival_option == NULL || g_str_equal (arrival_option, "ticks"))
    bench.arrival = ARRIVAL_TICKS;
  else if (g_str_equal (arrival_option, "continuous"))
    bench.arrival = ARRIVAL_CONTINUOUS;
  else if (g_str_equal (arrival_option, "burst"))
    bench.arrival = ARRIVAL_BURST;
  else
    {
      g_printerr ("bench-units: --arrival must be ticks, continuous or burst\n");
      return 2;
    }
  if (!(report_seconds >= 0.2 && report_seconds <= 3600))
    {
      g_printerr ("bench-units: --report-seconds must be between 0.2 and 3600\n");
      return 2;
    }
  bench.report_seconds = report_seconds;
  bench.feed_moving_only = feed_moving_only;
  bench.mmap_threshold = mmap_threshold;
  /* An odd number of blocks per lap: on the next lap, shown and hidden
   * swap arcs of the circle. */
  bench.block = LAP_FRAMES / 15;
  measured_per_block = bench.block - SWITCH_FRAMES;
  bench.force_redraw = !no_force_redraw;
  unit_counts = parse_counts (units_option, "1000,5000,10000,50000,100000");
  marker_counts = parse_counts (markers_option, "1000,5000");
  sprite_counts = parse_counts (sprites_option, "0");

  adw_init ();
  install_hooks ();

  if (data_dir == NULL || *data_dir == '\0')
    data_dir = DOZOR_PKGDATADIR;
  world = g_build_filename (data_dir, "basemap", "natural-earth-z0-3.mbtiles", NULL);
  streets = g_build_filename (data_dir, "almaty", "roads.geojson", NULL);
  districts_path = g_build_filename (data_dir, "almaty", "districts.geojson", NULL);
  if (!json_parser_load_from_file (parser, districts_path, &error))
    {
      g_printerr ("bench-units: %s (set DOZOR_DATA_DIR to the source tree's data/)\n", error->message);
      return 1;
    }
  bench.districts = json_parser_get_root (parser);
  bench.basemap = dozor_basemap_new (world, streets);
  if (!dozor_basemap_load (bench.basemap, NULL, &error))
    {
      g_printerr ("bench-units: %s (set DOZOR_DATA_DIR to the source tree's data/)\n", error->message);
      return 1;
    }
  bench.tiles = dozor_tile_source_new (bench.basemap, DOZOR_MAP_STYLE_LIGHT);
  /* As the board has it (DozorMapView): libshumate's tiles are the
   * composed images themselves, not PNG decoded again. */
  g_signal_connect (bench.tiles, "tile-ready", G_CALLBACK (tile_received_cb), &bench);
  bench.renderer = SHUMATE_MAP_SOURCE (dozor_tile_map_source_new (bench.tiles, "bench-offline", "Offline map"));
  for (guint s = 0; s < G_N_ELEMENTS (status_names); s++)
    bench.symbols[s] = symbol_texture (status_names[s]);

  g_ptr_array_add (configs, config_new (CONFIG_BASEMAP, 0, "basemap only"));
  /* A floor per unit count, its bench's dozord writing that many units'
   * fixes and throwing them away; one with no writer if asked. */
  if (!no_floor && (feed_moving_only || unit_counts[0] == 0))
    g_ptr_array_add (configs, config_new (CONFIG_FLOOR, 0, "floor: overlays, 0 units"));
  for (guint i = 0; !no_floor && !feed_moving_only && unit_counts[i] != 0; i++)
    {
      g_autofree char *name = g_strdup_printf ("floor: fixes of %u", unit_counts[i]);

      g_ptr_array_add (configs, config_new (CONFIG_FLOOR, unit_counts[i], name));
    }
  for (guint i = 0; unit_counts[i] != 0; i++)
    {
      g_autofree char *name = g_strdup_printf ("unit layer %u", unit_counts[i]);

      g_ptr_array_add (configs, config_new (CONFIG_UNITS, unit_counts[i], name));
    }
  for (guint i = 0; marker_counts[i] != 0; i++)
    {
      g_autofree char *name = g_strdup_printf ("marker layer %u", marker_counts[i]);

      g_ptr_array_add (configs, config_new (CONFIG_MARKERS, marker_counts[i], name));
    }
  for (guint i = 0; sprite_counts[i] != 0; i++)
    {
      g_autofree char *name = g_strdup_printf ("sprite layer %u", sprite_counts[i]);

      g_ptr_array_add (configs, config_new (CONFIG_SPRITES, sprite_counts[i], name));
    }
  if (!no_repeat)
    g_ptr_array_add (configs, config_new (CONFIG_BASEMAP, 0, "basemap only (again)"));

  for (guint i = 0; i < configs->len; i++)
    {
      Config *config = configs->pdata[i];

      g_printerr ("bench-units: %s…\n", config->name);
      run_config (&bench, config);
      if (i == 0)
        {
          printf ("size %dx%d (map allocated %dx%d), renderer %s (GSK_RENDERER=%s), zoom %d\n",
                  bench.width, bench.height, bench.map_width, bench.map_height, bench.renderer_name,
                  g_getenv ("GSK_RENDERER") != NULL ? g_getenv ("GSK_RENDERER") : "unset", ZOOM);
          printf ("pan: a circle of %.0f px radius per %d frames; tile layer %s every frame\n"
                  "fixes: each unit every %.1f s, arriving %s\n"
                  "overlays: the Almaty districts, %u sectors each, %u routes per sector, %u incidents\n"
                  "two-arm windows: %u frames of each arm, in alternating blocks of %u\n"
                  "the bench's dozord: %s\n",
                  PAN_RADIUS, LAP_FRAMES, bench.force_redraw ? "forced to redraw" : "NOT forced to redraw",
                  bench.report_seconds,
                  bench.arrival == ARRIVAL_CONTINUOUS ? "continuously (a batch every 5 ms of those due)" :
                  bench.arrival == ARRIVAL_BURST ? "all at once each period" :
                  "every 200 ms (those due in it)",
                  SECTORS_PER_SIDE * SECTORS_PER_SIDE, ROUTES_PER_SECTOR, INCIDENTS, bench.frames, bench.block,
                  bench.feed_moving_only ? "writes fixes only in the arms that apply them" :
                  "writes the fixes due in every arm; the floor (\"floor: fixes of N\": overlays, no unit)"
                  ", still and hidden arms throw them away");
        }
      printf ("%-24s mean %.1f ms%s\n", config->name, config->sample[SHOWN].mean,
              config->measured ? "" : " (not measured)");
      fflush (stdout);
    }

  print_frames (configs);
  print_overheads (configs);
  print_ages (configs);
  print_ratios (configs, unit_counts);
  print_details (configs);
  printf ("\ntotal %.0f s\n", ms_since (start) / 1000.0);

  for (guint s = 0; s < G_N_ELEMENTS (bench.symbols); s++)
    g_clear_object (&bench.symbols[s]);
  g_clear_object (&bench.renderer);
  g_clear_object (&bench.tiles);
  g_clear_object (&bench.basemap);
  g_free (bench.renderer_name);
  return 0;
}
