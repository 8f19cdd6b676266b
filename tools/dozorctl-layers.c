/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozorctl import and export: GIS files in and out of the backend.
 *
 * Import reads the whole file first (every check of dozor-gis-reader.c),
 * shows what it found, maps the file's attributes to what Dozor needs (a
 * name; a sector's district; a route's zone and unit), and sends it all in
 * one POST /imports, which the backend applies whole or not at all.
 * Export asks the backend, never the database file, so it works from any
 * admin's desk and sees what the boards see.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dozor-geo.h"
#include "dozor-gis-export.h"
#include "dozor-gis-import.h"
#include "dozor-gis-reader.h"
#include "dozor-gis-writer.h"
#include "dozor-json.h"
#include "dozorctl.h"

/* What the backend keeps per zone or route (docs/api.md). */
#define BACKEND_MAX_POSITIONS 50000
#define PREVIEW_ROWS 20

static void
print_progress (double   fraction,
                gpointer user_data)
{
  if (fraction >= 0)
    g_printerr ("\r%s %3.0f%%", (const char *) user_data, fraction * 100);
}

static const char *
field_type_name (DozorGisFieldType type)
{
  switch (type)
    {
    case DOZOR_GIS_FIELD_INTEGER: return _("integer");
    case DOZOR_GIS_FIELD_REAL: return _("number");
    case DOZOR_GIS_FIELD_DATETIME: return _("time");
    case DOZOR_GIS_FIELD_STRING:
    default: return _("text");
    }
}

static char *
field_list (DozorGisLayer *layer)
{
  GString *list = g_string_new (NULL);

  for (guint f = 0; f < dozor_gis_layer_get_n_fields (layer); f++)
    g_string_append_printf (list, "%s%s (%s)", f > 0 ? ", " : "", dozor_gis_layer_get_field_name (layer, f),
                            field_type_name (dozor_gis_layer_get_field_type (layer, f)));
  if (list->len == 0)
    g_string_append (list, _("none"));
  return g_string_free (list, FALSE);
}

/* The field a user named, or for the name the usual suspects. */
static int
pick_field (DozorGisLayer  *layer,
            const char     *display_name,
            const char     *given,
            const char     *option,
            GError        **error)
{
  g_autofree char *fields = NULL;
  int field;

  field = given != NULL ? dozor_gis_layer_find_field (layer, given) : dozor_gis_guess_name_field (layer);
  if (field >= 0)
    return field;

  fields = field_list (layer);
  if (given != NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 _("“%s” has no field “%s”; its fields: %s"), display_name, given, fields);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 _("which field of “%s” holds the name? Give %s; its fields: %s"), display_name, option, fields);
  return -1;
}

static DozorGisLayer *
pick_layer (GPtrArray   *layers,
            const char  *display_name,
            const char  *given,
            GError     **error)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < layers->len; i++)
    {
      DozorGisLayer *layer = g_ptr_array_index (layers, i);

      if (given != NULL && g_str_equal (dozor_gis_layer_get_name (layer), given))
        return layer;
      g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", dozor_gis_layer_get_name (layer));
    }

  if (given == NULL && layers->len == 1)
    return g_ptr_array_index (layers, 0);

  if (given != NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("“%s” has no layer “%s”; its layers: %s"),
                 display_name, given, names->str);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("“%s” has several layers; give --layer, one of: %s"),
                 display_name, names->str);
  return NULL;
}

/* What the admin checks before anything is sent. */
static void
print_preview (DozorGisLayer  *layer,
               const char     *display_name,
               const DozorGisMapping *mapping)
{
  guint n = dozor_gis_layer_get_n_features (layer);
  g_autofree char *fields = field_list (layer);
  double west, south, east, north;
  guint64 positions = 0;
  g_autofree char *count = NULL;
  guint shown = 0;

  for (guint i = 0; i < n; i++)
    positions += dozor_gis_layer_get_n_vertices (layer, i);
  dozor_gis_layer_get_extent (layer, &west, &south, &east, &north);

  count = g_strdup_printf ("%" G_GUINT64_FORMAT, positions);
  g_print (_("“%s”, layer “%s”: %u features, %s positions, longitude %.5f…%.5f, latitude %.5f…%.5f\n"),
           display_name, dozor_gis_layer_get_name (layer), n, count, west, east, south, north);
  g_print (_("Fields: %s\n"), fields);
  g_print (_("Name from “%s”"), dozor_gis_layer_get_field_name (layer, mapping->name_field));
  if (mapping->district != NULL)
    g_print (_(", all in the district “%s”"), mapping->district);
  else if (mapping->district_field >= 0)
    g_print (_(", district from “%s”"), dozor_gis_layer_get_field_name (layer, mapping->district_field));
  if (mapping->zone_field >= 0)
    g_print (_(", zone from “%s”"), dozor_gis_layer_get_field_name (layer, mapping->zone_field));
  if (mapping->unit_field >= 0)
    g_print (_(", unit from “%s”"), dozor_gis_layer_get_field_name (layer, mapping->unit_field));
  g_print ("\n");

  if (mapping->only_field >= 0)
    g_print (_("Only the features whose “%s” is “%s”\n"), dozor_gis_layer_get_field_name (layer, mapping->only_field),
             mapping->only_value);

  for (guint i = 0; i < n; i++)
    {
      const char *name = dozor_gis_layer_get_text (layer, i, mapping->name_field);
      const char *parent = mapping->district != NULL ? mapping->district
                         : dozor_gis_layer_get_text (layer, i, mapping->district_field >= 0 ? mapping->district_field
                                                                                  : mapping->zone_field);

      if (!dozor_gis_mapping_selects (mapping, layer, i) || ++shown > PREVIEW_ROWS)
        continue;
      g_print ("  %4u  %-32s %-6s %7u  %s\n", i + 1, name != NULL ? name : "—",
               dozor_gis_shape_get_label (dozor_gis_layer_get_shape (layer, i)), dozor_gis_layer_get_n_vertices (layer, i),
               parent != NULL ? parent : "");
    }
  if (shown > PREVIEW_ROWS)
    g_print (_("  … and %u more\n"), shown - PREVIEW_ROWS);
}

static void
print_import_answer (JsonNode   *answer,
                     const char *kind)
{
  static const char *const lists[] = { "zones", "routes", "places" };
  JsonObject *object = json_node_get_object (answer);
  guint created = 0, updated = 0;

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      JsonArray *items = json_object_has_member (object, lists[l]) ? json_object_get_array_member (object, lists[l])
                                                                    : NULL;

      for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
        {
          const char *action = json_object_get_string_member (json_array_get_object_element (items, i), "action");

          if (g_strcmp0 (action, "updated") == 0)
            updated++;
          else
            created++;
        }
    }

  g_print (_("Imported %u (%s): %u created, %u updated\n"), created + updated, kind, created, updated);
}

int
dozorctl_import (int    argc,
                 char **argv)
{
  g_autofree char *backend_url = NULL, *credentials = NULL, *kind = NULL, *layer_name = NULL;
  g_autofree char *name_field = NULL, *district = NULL, *district_field = NULL, *zone_field = NULL;
  g_autofree char *unit_field = NULL, *stream_field = NULL, *category_field = NULL, *source_crs = NULL, *only = NULL;
  g_autofree char *plan = NULL, *plan_field = NULL;
  gboolean update = FALSE, dry_run = FALSE, skip_unnamed = FALSE;
  GOptionEntry entries[] = {
    { "backend", 0, 0, G_OPTION_ARG_STRING, &backend_url, N_("The backend, such as http://127.0.0.1:8470"), N_("URL") },
    { "credentials", 0, 0, G_OPTION_ARG_FILENAME, &credentials, N_("Private file: a supervisor's or admin's name, then password"), N_("FILE") },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, N_("What the features are: district, sector, route, poi (points of interest), camera or post (of a special operating plan)"), N_("KIND") },
    { "layer", 0, 0, G_OPTION_ARG_STRING, &layer_name, N_("The layer to import, when the file has several"), N_("NAME") },
    { "name-field", 0, 0, G_OPTION_ARG_STRING, &name_field, N_("The field that holds the name (default: name, title, label or osm_name)"), N_("FIELD") },
    { "district", 0, 0, G_OPTION_ARG_STRING, &district, N_("Sectors: the district all of them belong to"), N_("NAME") },
    { "district-field", 0, 0, G_OPTION_ARG_STRING, &district_field, N_("Sectors: the field that holds each one's district"), N_("FIELD") },
    { "zone-field", 0, 0, G_OPTION_ARG_STRING, &zone_field, N_("Routes: the field that holds each one's zone"), N_("FIELD") },
    { "unit-field", 0, 0, G_OPTION_ARG_STRING, &unit_field, N_("Routes: the field that holds the call sign of its unit"), N_("FIELD") },
    { "stream-field", 0, 0, G_OPTION_ARG_STRING, &stream_field, N_("Cameras: the field that holds the stream URL"), N_("FIELD") },
    { "category-field", 0, 0, G_OPTION_ARG_STRING, &category_field, N_("Points of interest: the field that holds the category"), N_("FIELD") },
    { "plan", 0, 0, G_OPTION_ARG_STRING, &plan, N_("Posts: the plan all of them belong to"), N_("NAME") },
    { "plan-field", 0, 0, G_OPTION_ARG_STRING, &plan_field, N_("Posts: the field that holds each one's plan (default: plan)"), N_("FIELD") },
    { "only", 0, 0, G_OPTION_ARG_STRING, &only, N_("Import only the features whose FIELD has this VALUE"), N_("FIELD=VALUE") },
    { "skip-unnamed", 0, 0, G_OPTION_ARG_NONE, &skip_unnamed, N_("Leave out features without a name instead of refusing the file"), NULL },
    { "source-crs", 0, 0, G_OPTION_ARG_STRING, &source_crs, N_("Coordinate system of a file that names none"), N_("EPSG:CODE") },
    { "update", 0, 0, G_OPTION_ARG_NONE, &update, N_("Replace the geometry of zones, routes and places that already have a name from the file"), NULL },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Read, check and show the file; send nothing"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE — import districts, sectors, patrol routes, points of interest or cameras"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) layers = NULL;
  g_autoptr(DozorctlBackend) backend = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *body = NULL;
  DozorGisReadOptions options;
  DozorGisLayer *layer;
  DozorGisMapping mapping;
  DozorGisKind gis_kind;
  guint n_items, n_skipped;
  gboolean show_progress = isatty (STDERR_FILENO);
  const char *only_field = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("Reads the whole file and checks every feature first; then the backend applies all of it in one "
      "transaction, or nothing. Formats: GeoJSON, Shapefile, GeoPackage, KML, KMZ, GPX, CSV."));
  if (!dozorctl_parse_options (context, "import", &argc, &argv))
    return DOZORCTL_EXIT_BAD_USAGE;

  if (argc != 2 || kind == NULL || (!dry_run && (backend_url == NULL || credentials == NULL)))
    {
      g_printerr (_("Usage: dozorctl import FILE --kind KIND --backend URL --credentials FILE [OPTION…]\n"
                    "       dozorctl import FILE --kind KIND --dry-run\n"));
      return DOZORCTL_EXIT_BAD_USAGE;
    }
  if (!dozor_gis_kind_from_string (kind, &gis_kind))
    {
      g_printerr (_("dozorctl import: --kind is district, sector, route, poi, camera or post, not “%s”\n"), kind);
      return DOZORCTL_EXIT_BAD_USAGE;
    }
  dozor_gis_mapping_init (&mapping, gis_kind);
  if (gis_kind == DOZOR_GIS_KIND_SECTOR && (district == NULL) == (district_field == NULL))
    {
      g_printerr (_("dozorctl import: sectors need their district: give --district NAME or --district-field FIELD\n"));
      return DOZORCTL_EXIT_BAD_USAGE;
    }

  if (only != NULL)
    {
      char *equals = strchr (only, '=');

      if (equals == NULL || equals == only)
        {
          g_printerr (_("dozorctl import: --only takes FIELD=VALUE, not “%s”\n"), only);
          return DOZORCTL_EXIT_BAD_USAGE;
        }
      *equals = '\0';
      only_field = only;
      mapping.only_value = equals + 1;
    }

  display_name = g_path_get_basename (argv[1]);
  dozor_gis_read_options_init (&options);
  options.max_feature_vertices = BACKEND_MAX_POSITIONS;
  options.source_crs = source_crs;
  layers = dozor_gis_read_file (argv[1], &options, show_progress ? print_progress : NULL, (gpointer) _("Reading"),
                                NULL, &error);
  if (show_progress)
    g_printerr ("\n");
  if (layers == NULL || (layer = pick_layer (layers, display_name, layer_name, &error)) == NULL)
    {
      g_printerr ("dozorctl import: %s\n", error->message);
      return EXIT_FAILURE;
    }

  mapping.district = district;
  mapping.skip_unnamed = skip_unnamed;
  if ((mapping.name_field = pick_field (layer, display_name, name_field, "--name-field", &error)) < 0 ||
      (district_field != NULL &&
       (mapping.district_field = pick_field (layer, display_name, district_field, NULL, &error)) < 0) ||
      (zone_field != NULL && (mapping.zone_field = pick_field (layer, display_name, zone_field, NULL, &error)) < 0) ||
      (unit_field != NULL && (mapping.unit_field = pick_field (layer, display_name, unit_field, NULL, &error)) < 0) ||
      (stream_field != NULL &&
       (mapping.stream_field = pick_field (layer, display_name, stream_field, NULL, &error)) < 0) ||
      (category_field != NULL &&
       (mapping.category_field = pick_field (layer, display_name, category_field, NULL, &error)) < 0) ||
      (only_field != NULL && (mapping.only_field = pick_field (layer, display_name, only_field, NULL, &error)) < 0))
    {
      g_printerr ("dozorctl import: %s\n", error->message);
      return DOZORCTL_EXIT_BAD_USAGE;
    }

  /* Posts: their plan, need and kind of unit from the fields of those
   * names unless told otherwise (docs/api.md, "Import"). */
  if (gis_kind == DOZOR_GIS_KIND_POST)
    {
      mapping.plan = plan;
      if (plan == NULL &&
          (mapping.plan_field = pick_field (layer, display_name, plan_field != NULL ? plan_field : "plan", NULL,
                                            &error)) < 0)
        {
          g_printerr ("dozorctl import: %s\n", error->message);
          return DOZORCTL_EXIT_BAD_USAGE;
        }
      mapping.need_field = dozor_gis_layer_find_field (layer, "units_needed");
      mapping.unit_kind_field = dozor_gis_layer_find_field (layer, "kind");
    }
  print_preview (layer, display_name, &mapping);
  body = dozor_gis_import_body (layer, &mapping, update, &n_items, &n_skipped, &error);
  if (body == NULL)
    {
      g_printerr ("dozorctl import: “%s”: %s\n", display_name, error->message);
      return EXIT_FAILURE;
    }
  if (n_skipped > 0)
    g_print (_("%u features without a name are left out (--skip-unnamed)\n"), n_skipped);

  if (dry_run)
    {
      g_print (_("Checked %u features; nothing was sent (--dry-run).\n"), n_items);
      return EXIT_SUCCESS;
    }

  backend = dozorctl_backend_connect (backend_url, credentials, &error);
  if (backend != NULL)
    answer = dozorctl_backend_post (backend, "/api/v1/imports", body, &error);
  if (answer == NULL)
    {
      g_printerr (_("dozorctl import: nothing was imported: %s\n"), error->message);
      return EXIT_FAILURE;
    }

  print_import_answer (answer, kind);
  return EXIT_SUCCESS;
}

/* --- Export ---------------------------------------------------------------- */

/**
 * dozorctl_window_query:
 * @from: an RFC 3339 time
 * @to: an RFC 3339 time
 *
 * Returns: (transfer full): `from=…&to=…`, escaped for a URL's query
 */
char *
dozorctl_window_query (const char *from,
                       const char *to)
{
  g_autofree char *from_escaped = g_uri_escape_string (from, NULL, FALSE);
  g_autofree char *to_escaped = g_uri_escape_string (to, NULL, FALSE);

  return g_strdup_printf ("from=%s&to=%s", from_escaped, to_escaped);
}

/* Loose bound on the pages of one history read: a year of incidents in
 * pages of 1,000, or weeks of one unit's fixes. */
#define MAX_PAGES 10000

/* GET @path (which has a query already) and every page after it, as one
 * answer: the pages' @member arrays joined, in order. */
static JsonNode *
get_all_pages (DozorctlBackend  *backend,
               const char       *path,
               const char       *member,
               GError          **error)
{
  g_autoptr(JsonNode) first = dozorctl_backend_get (backend, path, error);
  g_autofree char *next = NULL;
  JsonArray *all;

  if (first == NULL)
    return NULL;
  all = json_object_get_array_member (json_node_get_object (first), member);
  next = g_strdup (dozor_json_get_string (json_node_get_object (first), "next"));

  for (guint page = 1; next != NULL && all != NULL; page++)
    {
      g_autofree char *escaped = g_uri_escape_string (next, NULL, FALSE);
      g_autofree char *page_path = g_strconcat (path, "&after=", escaped, NULL);
      g_autoptr(JsonNode) answer = NULL;
      JsonArray *items;

      if (page == MAX_PAGES)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("The backend's history did not end after %u pages"), MAX_PAGES);
          return NULL;
        }
      answer = dozorctl_backend_get (backend, page_path, error);
      if (answer == NULL)
        return NULL;
      items = json_object_get_array_member (json_node_get_object (answer), member);
      for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
        json_array_add_element (all, json_array_dup_element (items, i));

      g_free (next);
      next = g_strdup (dozor_json_get_string (json_node_get_object (answer), "next"));
    }
  return g_steal_pointer (&first);
}

/* One line per unit, its fixes in order; a unit that did not move in the
 * window has no track. */
static DozorGisLayer *
export_tracks (DozorctlBackend  *backend,
               JsonObject       *snapshot,
               const char       *from,
               const char       *to,
               GError          **error)
{
  g_autoptr(DozorGisLayer) layer = dozor_gis_layer_new ("tracks");
  g_autofree char *query = dozorctl_window_query (from, to);
  guint call_sign = dozor_gis_layer_add_field (layer, "call_sign", DOZOR_GIS_FIELD_STRING);
  guint first = dozor_gis_layer_add_field (layer, "first_fix", DOZOR_GIS_FIELD_DATETIME);
  guint last = dozor_gis_layer_add_field (layer, "last_fix", DOZOR_GIS_FIELD_DATETIME);
  guint fixes = dozor_gis_layer_add_field (layer, "fixes", DOZOR_GIS_FIELD_INTEGER);
  guint km = dozor_gis_layer_add_field (layer, "km", DOZOR_GIS_FIELD_REAL);
  JsonArray *units = json_object_get_array_member (snapshot, "units");

  for (guint u = 0; units != NULL && u < json_array_get_length (units); u++)
    {
      JsonObject *unit = json_array_get_object_element (units, u);
      g_autofree char *path = g_strdup_printf ("/api/v1/units/%s/track?%s", dozor_json_get_string (unit, "id"), query);
      g_autoptr(JsonNode) track = get_all_pages (backend, path, "positions", error);
      g_autoptr(GString) line = g_string_new ("{\"type\":\"LineString\",\"coordinates\":[");
      g_autofree char *count = NULL;
      char length[G_ASCII_DTOSTR_BUF_SIZE];
      JsonArray *positions;
      guint n, f;
      double metres = 0;

      if (track == NULL)
        return NULL;
      positions = json_object_get_array_member (json_node_get_object (track), "positions");
      n = positions != NULL ? json_array_get_length (positions) : 0;
      if (n < 2)
        continue;

      for (guint i = 0; i < n; i++)
        {
          JsonObject *fix = json_array_get_object_element (positions, i);

          g_string_append_printf (line, "%s[%.7f,%.7f]", i > 0 ? "," : "",
                                  json_object_get_double_member (fix, "lon"), json_object_get_double_member (fix, "lat"));
          if (i > 0)
            {
              JsonObject *previous = json_array_get_object_element (positions, i - 1);

              metres += dozor_geo_distance_m (json_object_get_double_member (previous, "lat"),
                                              json_object_get_double_member (previous, "lon"),
                                              json_object_get_double_member (fix, "lat"),
                                              json_object_get_double_member (fix, "lon"));
            }
        }
      g_string_append (line, "]}");

      f = dozor_gis_layer_add_feature_json (layer, line->str, NULL);
      if (f == G_MAXUINT)
        continue;
      count = g_strdup_printf ("%u", n);
      dozor_gis_layer_set_value (layer, f, call_sign, dozor_json_get_string (unit, "call_sign"));
      dozor_gis_layer_set_value (layer, f, first, dozor_json_get_string (json_array_get_object_element (positions, 0), "time"));
      dozor_gis_layer_set_value (layer, f, last, dozor_json_get_string (json_array_get_object_element (positions, n - 1), "time"));
      dozor_gis_layer_set_value (layer, f, fixes, count);
      dozor_gis_layer_set_value (layer, f, km, g_ascii_formatd (length, sizeof length, "%.3f", metres / 1000));
    }
  return g_steal_pointer (&layer);
}

/**
 * dozorctl_hours_ago:
 * @hours: how long ago
 *
 * Returns: (transfer full): that time, RFC 3339 UTC, a default of --from
 */
char *
dozorctl_hours_ago (int hours)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_hours (now, -hours);

  return g_date_time_format (then, "%Y-%m-%dT%H:%M:%SZ");
}

int
dozorctl_export (int    argc,
                 char **argv)
{
  g_autofree char *backend_url = NULL, *credentials = NULL, *from = NULL, *to = NULL;
  gboolean with_callers = FALSE;
  GOptionEntry entries[] = {
    { "backend", 0, 0, G_OPTION_ARG_STRING, &backend_url, N_("The backend, such as http://127.0.0.1:8470"), N_("URL") },
    { "credentials", 0, 0, G_OPTION_ARG_FILENAME, &credentials, N_("Private file: a user's name, then password"), N_("FILE") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Incidents and tracks from this RFC 3339 time (default: 24 hours ago)"), N_("TIME") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("… up to this time (default: now)"), N_("TIME") },
    { "with-callers", 0, 0, G_OPTION_ARG_NONE, &with_callers, N_("Include callers' names and phone numbers (personal data)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("WHAT OUTPUT — export zones, routes, places, incidents, tracks or all"));
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorctlBackend) backend = NULL;
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(GPtrArray) layers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) written = g_ptr_array_new ();
  const char *what;
  gboolean all;
  guint n_features = 0;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("OUTPUT's extension chooses the format: .gpkg, .geojson, .kml, .kmz, .csv, .shp or .gpx. GeoJSON, CSV and "
      "shapefiles hold one layer; “all” needs a GeoPackage or KML. Every file is in WGS 84 (EPSG:4326)."));
  if (!dozorctl_parse_options (context, "export", &argc, &argv))
    return DOZORCTL_EXIT_BAD_USAGE;

  if (argc != 3 || backend_url == NULL || credentials == NULL)
    {
      g_printerr (_("Usage: dozorctl export zones|routes|places|incidents|tracks|all OUTPUT --backend URL --credentials FILE\n"));
      return DOZORCTL_EXIT_BAD_USAGE;
    }
  what = argv[1];
  all = g_str_equal (what, "all");
  if (!all && !g_str_equal (what, "zones") && !g_str_equal (what, "routes") && !g_str_equal (what, "places") &&
      !g_str_equal (what, "incidents") && !g_str_equal (what, "tracks"))
    {
      g_printerr (_("dozorctl export: export zones, routes, places, incidents, tracks or all, not “%s”\n"), what);
      return DOZORCTL_EXIT_BAD_USAGE;
    }
  if (from == NULL)
    from = dozorctl_hours_ago (24);
  if (to == NULL)
    to = dozorctl_hours_ago (0);

  backend = dozorctl_backend_connect (backend_url, credentials, &error);
  if (backend != NULL)
    snapshot = dozorctl_backend_get (backend, "/api/v1/snapshot", &error);
  if (snapshot == NULL)
    {
      g_printerr ("dozorctl export: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (all || g_str_equal (what, "zones"))
    g_ptr_array_add (layers, dozor_gis_export_zones (json_node_get_object (snapshot)));
  if (all || g_str_equal (what, "routes"))
    g_ptr_array_add (layers, dozor_gis_export_routes (json_node_get_object (snapshot)));
  if (all || g_str_equal (what, "places"))
    g_ptr_array_add (layers, dozor_gis_export_places (json_node_get_object (snapshot)));
  if (all || g_str_equal (what, "incidents"))
    {
      g_autofree char *query = dozorctl_window_query (from, to);
      g_autofree char *path = g_strconcat ("/api/v1/incidents?", query, NULL);
      g_autoptr(JsonNode) history = get_all_pages (backend, path, "incidents", &error);

      if (history == NULL)
        {
          g_printerr ("dozorctl export: %s\n", error->message);
          return EXIT_FAILURE;
        }
      g_ptr_array_add (layers, dozor_gis_export_incidents (json_object_get_array_member (json_node_get_object (history), "incidents"), with_callers));
    }
  if (all || g_str_equal (what, "tracks"))
    {
      DozorGisLayer *tracks = export_tracks (backend, json_node_get_object (snapshot), from, to, &error);

      if (tracks == NULL)
        {
          g_printerr ("dozorctl export: %s\n", error->message);
          return EXIT_FAILURE;
        }
      g_ptr_array_add (layers, tracks);
    }

  for (guint l = 0; l < layers->len; l++)
    {
      DozorGisLayer *layer = g_ptr_array_index (layers, l);

      if (dozor_gis_layer_get_n_features (layer) == 0)
        continue;
      g_ptr_array_add (written, layer);
      n_features += dozor_gis_layer_get_n_features (layer);
    }
  if (written->len == 0)
    {
      g_printerr (_("dozorctl export: there is nothing to export (%s from %s to %s)\n"), what, from, to);
      return EXIT_FAILURE;
    }

  if (!dozor_gis_write_file (argv[2], written, NULL, NULL, NULL, &error))
    {
      g_printerr ("dozorctl export: %s\n", error->message);
      return EXIT_FAILURE;
    }

  for (guint l = 0; l < written->len; l++)
    g_print (_("%s: %u features\n"), dozor_gis_layer_get_name (g_ptr_array_index (written, l)),
             dozor_gis_layer_get_n_features (g_ptr_array_index (written, l)));
  g_print (_("Wrote %u features to %s\n"), n_features, argv[2]);
  return EXIT_SUCCESS;
}
