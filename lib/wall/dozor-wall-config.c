/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The wall's keyfile (docs/wall.md). GKeyFile reads the values but says
 * neither where a syntax error is nor where a key was, and it quietly keeps
 * the last of two equal keys: the text is scanned once first, line by line,
 * to refuse what GKeyFile would forgive and to know the line of every group
 * and key, so that each refusal names its line.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "dozor-geo.h"
#include "dozor-legibility.h"
#include "dozor-wall-config.h"

#define WALL_GROUP "wall"
#define MONITOR_PREFIX "monitor "
/* The largest index and size in mm taken: beyond them it is a typing error. */
#define MAX_INDEX 63
#define MAX_MM 20000
#define MAX_DISTANCE_M 100.0
#define MIN_DISTANCE_M 0.5
#define MAX_ARC_MINUTES 60.0
#define MAX_ZOOM 19.0
/* Framing's defaults (docs/wall.md) and the bounds past which a value is a
 * typing error: an hour between moves, a day of waiting. */
#define DEFAULT_FRAMING_INTERVAL_S 20
#define DEFAULT_MIN_ZOOM 10.0
#define DEFAULT_MAX_ZOOM 17.0
#define DEFAULT_DISTRICT_SECONDS 30
#define MAX_SECONDS 3600
#define MAX_MINUTES 1440
#define MAX_MARGIN_PX 2000

static const char *const framing_names[] = {
  [DOZOR_WALL_FRAMING_FIXED] = "fixed",
  [DOZOR_WALL_FRAMING_INCIDENTS] = "incidents",
  [DOZOR_WALL_FRAMING_DISTRICTS] = "districts",
  [DOZOR_WALL_FRAMING_CRISIS] = "crisis",
};

static const char *const view_names[] = {
  [DOZOR_WALL_VIEW_MAP] = "map",
  [DOZOR_WALL_VIEW_INCIDENTS] = "incidents",
  [DOZOR_WALL_VIEW_FIGURES] = "figures",
  [DOZOR_WALL_VIEW_TICKER] = "ticker",
};

static const char *const wall_keys[] = {
  "backend", "credentials", "distance_m", "arc_minutes", "center", "zoom", "framing", "framing_interval_s",
  "framing_margin_px", "min_zoom", "max_zoom", "district_seconds", "late_after_min", "on_scene_long_min", NULL,
};

static const char *const monitor_keys[] = {
  "connector", "index", "shows", "grid", "width_mm", "height_mm", NULL,
};

/* Where each group and key is: "group" for a group, "group\nkey" for a key. */
typedef struct
{
  const char *path;
  GHashTable *lines;
  int last_line;
} Scan;

const char *
dozor_wall_view_name (DozorWallView view)
{
  g_return_val_if_fail (view < G_N_ELEMENTS (view_names), NULL);
  return view_names[view];
}

static void
monitor_free (DozorWallMonitor *monitor)
{
  g_free (monitor->name);
  g_free (monitor->connector);
  g_free (monitor);
}

void
dozor_wall_config_free (DozorWallConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->path);
  g_free (config->backend);
  g_free (config->credentials);
  g_clear_pointer (&config->monitors, g_ptr_array_unref);
  g_free (config);
}

G_GNUC_PRINTF (4, 5)
static gboolean
fail (GError    **error,
      const char *path,
      int         line,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s:%d: %s", path, line, message);
  return FALSE;
}

static int
line_of (const Scan *scan,
         const char *group,
         const char *key)
{
  g_autofree char *name = key != NULL ? g_strconcat (group, "\n", key, NULL) : g_strdup (group);

  return GPOINTER_TO_INT (g_hash_table_lookup (scan->lines, name));
}

/* Every line a group, a key=value, a comment or blank; each group and each
 * key of a group once. */
static gboolean
scan_text (Scan        *scan,
           const char  *text,
           gsize        length,
           GError     **error)
{
  g_auto(GStrv) lines = NULL;
  g_autofree char *copy = g_strndup (text, length);
  g_autofree char *group = NULL;

  if (strlen (copy) != length)
    return fail (error, scan->path, 1, _("the file holds a NUL byte; it is not a text file"));
  lines = g_strsplit (copy, "\n", -1);
  scan->last_line = MAX ((int) g_strv_length (lines) - (length > 0 && text[length - 1] == '\n' ? 1 : 0), 1);

  for (int n = 0; lines[n] != NULL; n++)
    {
      int line = n + 1;
      char *content = g_strstrip (lines[n]);
      char *equals;
      g_autofree char *name = NULL;
      int earlier;

      if (!g_utf8_validate (content, -1, NULL))
        return fail (error, scan->path, line, _("not valid UTF-8 text"));
      if (*content == '\0' || *content == '#')
        continue;

      if (*content == '[')
        {
          gsize len = strlen (content);

          if (len < 3 || content[len - 1] != ']' || strpbrk (content + 1, "[]") != content + len - 1)
            return fail (error, scan->path, line, _("this line is not a [group], a key=value or a # comment"));
          g_free (group);
          group = g_strndup (content + 1, len - 2);
          if ((earlier = line_of (scan, group, NULL)) != 0)
            return fail (error, scan->path, line, _("the group [%s] is already on line %d"), group, earlier);
          g_hash_table_insert (scan->lines, g_strdup (group), GINT_TO_POINTER (line));
          continue;
        }

      equals = strchr (content, '=');
      if (equals == NULL || equals == content)
        return fail (error, scan->path, line, _("this line is not a [group], a key=value or a # comment"));
      if (group == NULL)
        return fail (error, scan->path, line, _("a key before the first [group]"));
      *equals = '\0';
      g_strchomp (content);
      /* What GKeyFile takes as a key name (a locale in brackets included). */
      for (const char *c = content; *c != '\0'; c++)
        if (!g_ascii_isalnum (*c) && strchr ("_-.@[]", *c) == NULL)
          return fail (error, scan->path, line, _("this line is not a [group], a key=value or a # comment"));
      name = g_strconcat (group, "\n", content, NULL);
      if ((earlier = GPOINTER_TO_INT (g_hash_table_lookup (scan->lines, name))) != 0)
        return fail (error, scan->path, line, _("the key %s is already on line %d"), content, earlier);
      g_hash_table_insert (scan->lines, g_steal_pointer (&name), GINT_TO_POINTER (line));
    }
  return TRUE;
}

/* A typing error in a key name must not pass as a missing optional key. */
static gboolean
check_keys (const Scan         *scan,
            GKeyFile           *file,
            const char         *group,
            const char *const  *known,
            GError            **error)
{
  g_auto(GStrv) keys = g_key_file_get_keys (file, group, NULL, NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    if (!g_strv_contains (known, keys[i]))
      return fail (error, scan->path, line_of (scan, group, keys[i]), _("unknown key %s in [%s]"), keys[i], group);
  return TRUE;
}

/* The value as written, or NULL when the key is absent; a bad escape is
 * refused at its line. */
static gboolean
get_value (const Scan  *scan,
           GKeyFile    *file,
           const char  *group,
           const char  *key,
           gboolean     required,
           char       **value,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  *value = NULL;
  if (!g_key_file_has_key (file, group, key, NULL))
    {
      if (required)
        return fail (error, scan->path, line_of (scan, group, NULL), _("[%s] has no %s"), group, key);
      return TRUE;
    }
  /* GLib 2.74 returns a value with a bad escape left in, and the error. */
  *value = g_key_file_get_string (file, group, key, &local_error);
  if (local_error != NULL)
    {
      g_clear_pointer (value, g_free);
      return fail (error, scan->path, line_of (scan, group, key), "%s", local_error->message);
    }
  g_strstrip (*value);
  if (**value == '\0')
    {
      g_clear_pointer (value, g_free);
      return fail (error, scan->path, line_of (scan, group, key), _("%s is empty"), key);
    }
  return TRUE;
}

static gboolean
parse_number (const char *text,
              double     *number)
{
  char *end = NULL;

  *number = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && isfinite (*number);
}

/* A number in [min, max], whole if asked; *present says whether the key is
 * there at all. */
static gboolean
get_number (const Scan  *scan,
            GKeyFile    *file,
            const char  *group,
            const char  *key,
            gboolean     required,
            gboolean     whole,
            double       min,
            double       max,
            double      *number,
            gboolean    *present,
            GError     **error)
{
  g_autofree char *value = NULL;
  gint64 parsed = 0;
  gboolean good;

  if (!get_value (scan, file, group, key, required, &value, error))
    return FALSE;
  if (present != NULL)
    *present = value != NULL;
  if (value == NULL)
    return TRUE;
  if (whole)
    {
      good = g_ascii_string_to_signed (value, 10, (gint64) min, (gint64) max, &parsed, NULL);
      *number = (double) parsed;
    }
  else
    good = parse_number (value, number) && *number >= min && *number <= max;
  if (good)
    return TRUE;
  if (whole)
    return fail (error, scan->path, line_of (scan, group, key), _("%s takes a whole number from %d to %d, not “%s”"),
                 key, (int) min, (int) max, value);
  return fail (error, scan->path, line_of (scan, group, key), _("%s takes a number from %g to %g, not “%s”"),
               key, min, max, value);
}

/* A whole number, or -1 when absent. */
static gboolean
get_whole (const Scan  *scan,
           GKeyFile    *file,
           const char  *group,
           const char  *key,
           int          min,
           int          max,
           int         *number,
           GError     **error)
{
  double value = -1;

  if (!get_number (scan, file, group, key, FALSE, TRUE, min, max, &value, NULL, error))
    return FALSE;
  *number = (int) value;
  return TRUE;
}

static gboolean
view_from_name (const char    *name,
                DozorWallView *view)
{
  for (guint i = 0; i < G_N_ELEMENTS (view_names); i++)
    if (g_str_equal (name, view_names[i]))
      {
        *view = i;
        return TRUE;
      }
  return FALSE;
}

/* "map,figures;ticker": rows top to bottom separated by ";", views left to
 * right separated by ",". */
static gboolean
parse_grid (const char       *text,
            DozorWallMonitor *monitor)
{
  g_auto(GStrv) rows = g_strsplit (text, ";", -1);
  guint n_rows = g_strv_length (rows);

  if (n_rows == 0 || n_rows > DOZOR_WALL_GRID_MAX)
    return FALSE;
  for (guint r = 0; r < n_rows; r++)
    {
      g_auto(GStrv) cells = g_strsplit (rows[r], ",", -1);
      guint n_cells = g_strv_length (cells);

      if (n_cells == 0 || n_cells > DOZOR_WALL_GRID_MAX)
        return FALSE;
      for (guint c = 0; c < n_cells; c++)
        if (!view_from_name (g_strstrip (cells[c]), &monitor->cells[r][c]))
          return FALSE;
      monitor->row_length[r] = n_cells;
    }
  monitor->n_rows = n_rows;
  return TRUE;
}

static gboolean
parse_monitor (const Scan       *scan,
               GKeyFile         *file,
               const char       *group,
               DozorWallMonitor *monitor,
               GError          **error)
{
  g_autofree char *shows = NULL;
  g_autofree char *grid = NULL;
  DozorWallView view;

  monitor->name = g_strstrip (g_strdup (group + strlen (MONITOR_PREFIX)));
  monitor->line = line_of (scan, group, NULL);
  if (*monitor->name == '\0')
    return fail (error, scan->path, monitor->line, _("%s is empty"), "[monitor NAME]");
  if (!check_keys (scan, file, group, monitor_keys, error) ||
      !get_value (scan, file, group, "connector", FALSE, &monitor->connector, error) ||
      !get_whole (scan, file, group, "index", 0, MAX_INDEX, &monitor->index, error) ||
      !get_whole (scan, file, group, "width_mm", 1, MAX_MM, &monitor->width_mm, error) ||
      !get_whole (scan, file, group, "height_mm", 1, MAX_MM, &monitor->height_mm, error) ||
      !get_value (scan, file, group, "shows", TRUE, &shows, error) ||
      !get_value (scan, file, group, "grid", FALSE, &grid, error))
    return FALSE;

  if (monitor->connector == NULL && monitor->index < 0)
    return fail (error, scan->path, monitor->line, _("[%s] needs connector= or index="), group);
  if ((monitor->width_mm < 0) != (monitor->height_mm < 0))
    return fail (error, scan->path, line_of (scan, group, monitor->width_mm < 0 ? "height_mm" : "width_mm"),
                 _("width_mm and height_mm go together"));
  monitor->width_mm = MAX (monitor->width_mm, 0);
  monitor->height_mm = MAX (monitor->height_mm, 0);

  if (g_str_equal (shows, "grid"))
    {
      if (grid == NULL)
        return fail (error, scan->path, line_of (scan, group, "shows"), _("shows=grid needs a grid= line"));
      if (!parse_grid (grid, monitor))
        return fail (error, scan->path, line_of (scan, group, "grid"),
                     _("grid takes up to 4 rows separated by “;” of up to 4 views separated by “,” "
                       "(map, incidents, figures, ticker), not “%s”"), grid);
      return TRUE;
    }
  if (grid != NULL)
    return fail (error, scan->path, line_of (scan, group, "grid"), _("grid= is only for shows=grid"));
  if (!view_from_name (shows, &view))
    return fail (error, scan->path, line_of (scan, group, "shows"),
                 _("shows takes map, incidents, figures, ticker or grid, not “%s”"), shows);
  monitor->n_rows = 1;
  monitor->row_length[0] = 1;
  monitor->cells[0][0] = view;
  return TRUE;
}

/* Two groups for one monitor would open two windows on it. */
static gboolean
check_distinct (const Scan      *scan,
                DozorWallConfig *config,
                GError         **error)
{
  for (guint i = 0; i < config->monitors->len; i++)
    for (guint j = 0; j < i; j++)
      {
        const DozorWallMonitor *a = config->monitors->pdata[i], *b = config->monitors->pdata[j];
        g_autofree char *group = g_strconcat (MONITOR_PREFIX, a->name, NULL);

        if (a->connector != NULL && g_strcmp0 (a->connector, b->connector) == 0)
          return fail (error, scan->path, line_of (scan, group, "connector"),
                       _("connector %s is already [monitor %s]'s, on line %d"), a->connector, b->name, b->line);
        if (a->index >= 0 && a->index == b->index)
          return fail (error, scan->path, line_of (scan, group, "index"),
                       _("index %d is already [monitor %s]'s, on line %d"), a->index, b->name, b->line);
      }
  return TRUE;
}

/* "10,20,40,90": the minutes priorities 1 to 4 allow, the most urgent the
 * least; into the escalation rule's seconds. */
static gboolean
parse_late (const char *text,
            gint64      seconds[DOZOR_WALL_PRIORITIES])
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  if (g_strv_length (parts) != DOZOR_WALL_PRIORITIES)
    return FALSE;
  for (guint i = 0; i < DOZOR_WALL_PRIORITIES; i++)
    {
      gint64 value;

      if (!g_ascii_string_to_signed (g_strstrip (parts[i]), 10, 1, MAX_MINUTES, &value, NULL) ||
          (i > 0 && value * 60 < seconds[i - 1]))
        return FALSE;
      seconds[i] = value * 60;
    }
  return TRUE;
}

/* How the map frames itself, and when the wall marks what waits too long. */
static gboolean
parse_framing (const Scan      *scan,
               GKeyFile        *file,
               DozorWallConfig *config,
               GError         **error)
{
  g_autofree char *framing = NULL;
  g_autofree char *late = NULL;
  gboolean have_min, have_max, have_margin;
  double interval = DEFAULT_FRAMING_INTERVAL_S, cycle = DEFAULT_DISTRICT_SECONDS, on_scene;
  gboolean found = FALSE;

  dozor_escalation_init_defaults (&config->marks);
  on_scene = config->marks.on_scene_long_s / 60;

  if (!get_value (scan, file, WALL_GROUP, "framing", FALSE, &framing, error) ||
      !get_number (scan, file, WALL_GROUP, "framing_interval_s", FALSE, TRUE, 1, MAX_SECONDS, &interval, NULL,
                   error) ||
      !get_number (scan, file, WALL_GROUP, "framing_margin_px", FALSE, FALSE, 0, MAX_MARGIN_PX,
                   &config->framing_margin_px, &have_margin, error) ||
      !get_number (scan, file, WALL_GROUP, "min_zoom", FALSE, FALSE, 0, MAX_ZOOM, &config->min_zoom, &have_min,
                   error) ||
      !get_number (scan, file, WALL_GROUP, "max_zoom", FALSE, FALSE, 0, MAX_ZOOM, &config->max_zoom, &have_max,
                   error) ||
      !get_number (scan, file, WALL_GROUP, "district_seconds", FALSE, TRUE, 1, MAX_SECONDS, &cycle, NULL, error) ||
      !get_number (scan, file, WALL_GROUP, "on_scene_long_min", FALSE, TRUE, 1, MAX_MINUTES, &on_scene, NULL,
                   error) ||
      !get_value (scan, file, WALL_GROUP, "late_after_min", FALSE, &late, error))
    return FALSE;

  config->framing = DOZOR_WALL_FRAMING_FIXED;
  for (guint i = 0; framing != NULL && i < G_N_ELEMENTS (framing_names); i++)
    if (g_str_equal (framing, framing_names[i]))
      {
        config->framing = i;
        found = TRUE;
      }
  if (framing != NULL && !found)
    return fail (error, scan->path, line_of (scan, WALL_GROUP, "framing"),
                 _("framing takes fixed, incidents, districts or crisis, not “%s”"), framing);

  config->framing_interval_s = (int) interval;
  config->district_seconds = (int) cycle;
  config->marks.on_scene_long_s = (gint64) on_scene * 60;
  if (!have_margin)
    config->framing_margin_px = 0;
  if (!have_min)
    config->min_zoom = DEFAULT_MIN_ZOOM;
  if (!have_max)
    config->max_zoom = DEFAULT_MAX_ZOOM;
  if (config->min_zoom > config->max_zoom)
    return fail (error, scan->path, line_of (scan, WALL_GROUP, have_max ? "max_zoom" : "min_zoom"),
                 _("min_zoom (%g) is above max_zoom (%g)"), config->min_zoom, config->max_zoom);
  /* The map never moves more often than the interval: a shorter cycle
   * would promise districts the wall does not show. */
  if (config->district_seconds < config->framing_interval_s)
    return fail (error, scan->path,
                 line_of (scan, WALL_GROUP, g_key_file_has_key (file, WALL_GROUP, "district_seconds", NULL) ?
                                              "district_seconds" : "framing_interval_s"),
                 _("district_seconds (%d) is shorter than framing_interval_s (%d): the map moves at most once an "
                   "interval"), config->district_seconds, config->framing_interval_s);

  if (late != NULL && !parse_late (late, config->marks.wait_limit_s))
    return fail (error, scan->path, line_of (scan, WALL_GROUP, "late_after_min"),
                 _("late_after_min takes four whole numbers of minutes from 1 to %d for priorities 1 to 4, "
                   "separated by “,” and none below the one before, not “%s”"), MAX_MINUTES, late);
  return TRUE;
}

static gboolean
parse_wall (const Scan      *scan,
            GKeyFile        *file,
            DozorWallConfig *config,
            GError         **error)
{
  g_autofree char *credentials = NULL;
  g_autofree char *center = NULL;
  g_autoptr(GUri) uri = NULL;
  gboolean have_arc;

  if (!check_keys (scan, file, WALL_GROUP, wall_keys, error) ||
      !get_value (scan, file, WALL_GROUP, "backend", TRUE, &config->backend, error))
    return FALSE;
  uri = g_uri_parse (config->backend, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    return fail (error, scan->path, line_of (scan, WALL_GROUP, "backend"),
                 _("backend takes the server's http:// or https:// address, not “%s”"), config->backend);

  if (!get_value (scan, file, WALL_GROUP, "credentials", TRUE, &credentials, error) ||
      !get_number (scan, file, WALL_GROUP, "distance_m", TRUE, FALSE, MIN_DISTANCE_M, MAX_DISTANCE_M,
                   &config->distance_m, NULL, error) ||
      !get_number (scan, file, WALL_GROUP, "arc_minutes", FALSE, FALSE, DOZOR_LEGIBILITY_MIN_ARC_MINUTES, MAX_ARC_MINUTES,
                   &config->arc_minutes, &have_arc, error) ||
      !get_number (scan, file, WALL_GROUP, "zoom", FALSE, FALSE, 0, MAX_ZOOM, &config->zoom, &config->have_zoom, error) ||
      !get_value (scan, file, WALL_GROUP, "center", FALSE, &center, error))
    return FALSE;
  if (!have_arc)
    config->arc_minutes = DOZOR_LEGIBILITY_PREFERRED_ARC_MINUTES;
  if (!parse_framing (scan, file, config, error))
    return FALSE;

  /* Relative to the config file, so that the two can move together. */
  if (g_path_is_absolute (credentials))
    config->credentials = g_steal_pointer (&credentials);
  else
    {
      g_autofree char *dir = g_path_get_dirname (config->path);

      config->credentials = g_build_filename (dir, credentials, NULL);
    }

  if (center != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (center, ",", -1);

      if (g_strv_length (parts) != 2 || !parse_number (g_strstrip (parts[0]), &config->center_lat) ||
          !parse_number (g_strstrip (parts[1]), &config->center_lon) ||
          !dozor_geo_is_valid_lat_lon (config->center_lat, config->center_lon))
        return fail (error, scan->path, line_of (scan, WALL_GROUP, "center"),
                     _("center takes LAT,LON in degrees, not “%s”"), center);
      config->have_center = TRUE;
    }
  return TRUE;
}

/**
 * dozor_wall_config_parse:
 * @text: the keyfile's text
 * @length: its length in bytes
 * @path: the file it came from, for messages and relative paths
 * @error: return location for a #GError
 *
 * Every error's message starts with `PATH:LINE: `.
 *
 * Returns: (transfer full) (nullable): the wall, or %NULL with @error set
 */
DozorWallConfig *
dozor_wall_config_parse (const char  *text,
                         gsize        length,
                         const char  *path,
                         GError     **error)
{
  g_autoptr(DozorWallConfig) config = g_new0 (DozorWallConfig, 1);
  g_autoptr(GHashTable) lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) groups = NULL;
  Scan scan = { path, lines, 0 };

  g_return_val_if_fail (text != NULL && path != NULL, NULL);

  config->path = g_strdup (path);
  config->monitors = g_ptr_array_new_with_free_func ((GDestroyNotify) monitor_free);
  if (!scan_text (&scan, text, length, error))
    return NULL;
  /* The scan has refused what GKeyFile would; what is left is its own. */
  if (!g_key_file_load_from_data (file, text, length, G_KEY_FILE_NONE, &local_error))
    {
      fail (error, path, 1, "%s", local_error->message);
      return NULL;
    }

  groups = g_key_file_get_groups (file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      if (g_str_equal (groups[i], WALL_GROUP))
        continue;
      if (!g_str_has_prefix (groups[i], MONITOR_PREFIX))
        {
          fail (error, path, line_of (&scan, groups[i], NULL),
                _("unknown group [%s]: a wall has [wall] and [monitor NAME] groups"), groups[i]);
          return NULL;
        }
    }

  if (!g_key_file_has_group (file, WALL_GROUP))
    {
      fail (error, path, scan.last_line, _("the file ends without a [wall] group"));
      return NULL;
    }
  if (!parse_wall (&scan, file, config, error))
    return NULL;

  for (guint i = 0; groups[i] != NULL; i++)
    {
      DozorWallMonitor *monitor;

      if (!g_str_has_prefix (groups[i], MONITOR_PREFIX))
        continue;
      monitor = g_new0 (DozorWallMonitor, 1);
      g_ptr_array_add (config->monitors, monitor);
      if (!parse_monitor (&scan, file, groups[i], monitor, error))
        return NULL;
    }
  if (config->monitors->len == 0)
    {
      fail (error, path, scan.last_line, _("the file ends without a [monitor NAME] group: the wall would show nothing"));
      return NULL;
    }
  if (!check_distinct (&scan, config, error))
    return NULL;

  return g_steal_pointer (&config);
}

/**
 * dozor_wall_config_load:
 * @path: the wall's keyfile
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the wall, or %NULL with @error set;
 *   every error's message starts with the file's name
 */
DozorWallConfig *
dozor_wall_config_load (const char  *path,
                        GError     **error)
{
  g_autofree char *text = NULL;
  gsize length;
  g_autoptr(GError) local_error = NULL;

  if (!g_file_get_contents (path, &text, &length, &local_error))
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_file_error (local_error->code), "%s", local_error->message);
      return NULL;
    }
  return dozor_wall_config_parse (text, length, path, error);
}
