/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GIS files come from other departments, mail attachments and USB sticks,
 * so every one is hostile until read: a local regular file only; exactly one
 * GDAL driver, the one its extension names; a scan before GDAL sees it for
 * what GDAL would follow (XML entities and DTDs, KML network links, GeoJSON
 * CRS links, GeoPackage views that could run forever); caps on size,
 * features and vertices; and every geometry checked after reprojection to
 * WGS 84. A file either reads whole or not at all: the caller gets every
 * layer, or an error that names the file and what is wrong.
 */
#define _GNU_SOURCE /* memmem, and the 64-bit stat that VSIStatBufL is */
#include "config.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

#include "dozor-gis-layer-private.h"
#include "dozor-gis-reader.h"

/* Deeper JSON than this is not a GIS layer; GeoJSON itself needs about 8. */
#define MAX_JSON_DEPTH 64
#define MAX_FIELDS 500
#define MAX_KMZ_ENTRIES 1000
#define SCAN_CHUNK (1 << 20)

/* The one driver that may open each format. */
static const char *
driver_for (DozorGisFormat format)
{
  switch (format)
    {
    case DOZOR_GIS_FORMAT_GEOJSON: return "GeoJSON";
    case DOZOR_GIS_FORMAT_SHAPEFILE: return "ESRI Shapefile";
    case DOZOR_GIS_FORMAT_GPKG: return "GPKG";
    case DOZOR_GIS_FORMAT_KML:
    case DOZOR_GIS_FORMAT_KMZ: return "LIBKML";
    case DOZOR_GIS_FORMAT_GPX: return "GPX";
    case DOZOR_GIS_FORMAT_CSV: return "CSV";
    default: g_return_val_if_reached (NULL);
    }
}

typedef struct
{
  const DozorGisReadOptions *options;
  const char *display_name;
  DozorGisFormat format;
  DozorGdalGuard guard;
  DozorGisProgressFunc progress;
  gpointer progress_data;
  GCancellable *cancellable;

  guint n_features;
  guint64 n_vertices;
  gint64 total_features; /* -1 when a driver cannot tell */
} Reader;

static gboolean G_GNUC_PRINTF (3, 4)
fail (GError     **error,
      DozorGisError code,
      const char  *format,
      ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error_literal (error, DOZOR_GIS_ERROR, code, message);
  return FALSE;
}

/* --- What GDAL must never see: scans over the raw bytes ------------------- */

typedef gboolean (*ScanFunc) (const char *data,
                              gsize       length,
                              gpointer    state,
                              GError    **error);

/* Reads through GDAL's VSI layer so the same scan works on a plain file
 * and on an entry inside a KMZ. The last @overlap bytes of each chunk are
 * handed again with the next, so that a marker split between two chunks is
 * found; stateful scans take 0. */
static gboolean
scan_file (const char  *vsi_path,
           ScanFunc     func,
           gpointer     state,
           gsize        overlap,
           GError     **error)
{
  g_autofree char *buffer = g_malloc (SCAN_CHUNK + overlap);
  VSILFILE *file = VSIFOpenL (vsi_path, "rb");
  gsize kept = 0;
  gboolean ok = TRUE;

  if (file == NULL)
    return fail (error, DOZOR_GIS_ERROR_OPEN, _("it cannot be read"));

  for (;;)
    {
      gsize got = VSIFReadL (buffer + kept, 1, SCAN_CHUNK, file);
      gsize total = kept + got;

      if (got == 0)
        break;
      if (!func (buffer, total, state, error))
        {
          ok = FALSE;
          break;
        }
      kept = MIN (overlap, total);
      memmove (buffer, buffer + total - kept, kept);
    }

  VSIFCloseL (file);
  return ok;
}

static const char *
find_bytes (const char *data,
            gsize       length,
            const char *needle)
{
  return memmem (data, length, needle, strlen (needle));
}

typedef struct
{
  DozorGisFormat format;
  char **kmz_entries; /* for a KMZ: the files it holds */
} XmlScan;

/* A KMZ that GDAL or Google Earth writes links its layers from doc.kml to
 * files beside it in the archive; a link anywhere else is refused. */
static gboolean
check_kmz_link (const char *href,
                gsize       length,
                char      **entries,
                GError    **error)
{
  g_autofree char *target = g_strstrip (g_strndup (href, length));

  if (strstr (target, "://") != NULL || target[0] == '/' || strstr (target, "..") != NULL ||
      strchr (target, ':') != NULL || CSLFindString (entries, target) < 0)
    return fail (error, DOZOR_GIS_ERROR_UNSAFE,
                 _("it links to “%s” outside the archive (NetworkLink), which Dozor does not follow"), target);
  return TRUE;
}

#define KML_LINK_SPAN 4096

static gboolean
scan_kmz_links (const char  *data,
                gsize        length,
                char       **entries,
                GError     **error)
{
  const char *end = data + length;
  const char *link = data;

  while ((link = find_bytes (link, end - link, "<NetworkLink")) != NULL)
    {
      gsize span = MIN ((gsize) (end - link), KML_LINK_SPAN);
      const char *open = find_bytes (link, span, "<href>");
      const char *close = open != NULL ? find_bytes (open, span - (open - link), "</href>") : NULL;

      /* Cut off by the end of this chunk: the next one sees it whole. */
      if (close == NULL && span < KML_LINK_SPAN)
        return TRUE;
      if (close == NULL)
        return fail (error, DOZOR_GIS_ERROR_UNSAFE, _("it has a NetworkLink that Dozor cannot check"));
      open += strlen ("<href>");
      if (!check_kmz_link (open, close - open, entries, error))
        return FALSE;
      link = close;
    }

  return TRUE;
}

/* KML and GPX never need a DTD; a DTD is where entity bombs and external
 * entities live, whatever the XML parser's own defences. */
static gboolean
scan_xml (const char *data,
          gsize       length,
          gpointer    state,
          GError    **error)
{
  XmlScan *scan = state;

  if (find_bytes (data, length, "<!DOCTYPE") != NULL || find_bytes (data, length, "<!ENTITY") != NULL)
    return fail (error, DOZOR_GIS_ERROR_UNSAFE,
                 _("it declares a DTD or XML entities, which KML and GPX files do not need"));

  if (scan->format == DOZOR_GIS_FORMAT_KMZ)
    return scan_kmz_links (data, length, scan->kmz_entries, error);

  if (scan->format == DOZOR_GIS_FORMAT_KML &&
      (find_bytes (data, length, "<NetworkLink") != NULL || find_bytes (data, length, ":NetworkLink") != NULL))
    return fail (error, DOZOR_GIS_ERROR_UNSAFE,
                 _("it links to other documents (NetworkLink), which Dozor does not follow"));

  return TRUE;
}

#define XML_MARKER_OVERLAP KML_LINK_SPAN

typedef struct
{
  guint depth;
  gboolean in_string;
  gboolean escaped;
  /* The start of the last string and of the key before it, enough to see
   * "type": "link" in a CRS. */
  char string[8];
  guint string_length;
  char key[8];
  gboolean after_colon;
} JsonScan;

static gboolean
scan_json (const char *data,
           gsize       length,
           gpointer    state,
           GError    **error)
{
  JsonScan *scan = state;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (scan->in_string)
        {
          if (scan->escaped)
            scan->escaped = FALSE;
          else if (c == '\\')
            scan->escaped = TRUE;
          else if (c == '"')
            {
              scan->in_string = FALSE;
              scan->string[MIN (scan->string_length, sizeof scan->string - 1)] = '\0';
              if (scan->after_colon && g_str_equal (scan->key, "type") && g_str_equal (scan->string, "link"))
                return fail (error, DOZOR_GIS_ERROR_UNSAFE,
                             _("its coordinate system is a link to another document, which Dozor does not follow"));
            }
          else if (scan->string_length < sizeof scan->string - 1)
            scan->string[scan->string_length++] = c;
          else
            scan->string_length = sizeof scan->string; /* too long to be a word we look for */
          continue;
        }

      switch (c)
        {
        case '"':
          scan->in_string = TRUE;
          scan->string_length = 0;
          break;
        case ':':
          memcpy (scan->key, scan->string, sizeof scan->key);
          scan->after_colon = TRUE;
          continue;
        case '[':
        case '{':
          if (++scan->depth > MAX_JSON_DEPTH)
            return fail (error, DOZOR_GIS_ERROR_LIMIT,
                         _("its JSON is nested deeper than %u levels"), MAX_JSON_DEPTH);
          break;
        case ']':
        case '}':
          if (scan->depth > 0)
            scan->depth--;
          break;
        case ' ':
        case '\t':
        case '\r':
        case '\n':
          continue;
        default:
          break;
        }
      if (c != '"')
        scan->after_colon = FALSE;
    }

  return TRUE;
}

/* A KMZ is a zip: its unpacked size is checked before anything unpacks it,
 * and every KML inside gets the same scan as a plain one. */
static gboolean
check_kmz (Reader      *reader,
           const char  *path,
           GError     **error)
{
  g_autofree char *root = g_strconcat ("/vsizip/", path, NULL);
  char **entries = VSIReadDirRecursive (root);
  guint64 unpacked = 0;
  guint n = CSLCount (entries);
  gboolean ok = TRUE;

  if (entries == NULL)
    return fail (error, DOZOR_GIS_ERROR_FORMAT, _("it is not a KMZ (zip) archive"));

  if (n > MAX_KMZ_ENTRIES)
    {
      CSLDestroy (entries);
      return fail (error, DOZOR_GIS_ERROR_LIMIT, _("the archive holds more than %u files"), MAX_KMZ_ENTRIES);
    }

  for (guint i = 0; ok && i < n; i++)
    {
      g_autofree char *entry = g_build_filename (root, entries[i], NULL);
      VSIStatBufL buf;

      if (VSIStatL (entry, &buf) != 0 || VSI_ISDIR (buf.st_mode))
        continue;

      unpacked += buf.st_size;
      if (unpacked > reader->options->max_file_bytes)
        {
          g_autofree char *limit = g_format_size_full (reader->options->max_file_bytes, G_FORMAT_SIZE_IEC_UNITS);

          ok = fail (error, DOZOR_GIS_ERROR_LIMIT, _("it unpacks to more than %s"), limit);
        }
      else if (g_str_has_suffix (entries[i], ".kml") || g_str_has_suffix (entries[i], ".KML"))
        {
          XmlScan scan = { DOZOR_GIS_FORMAT_KMZ, entries };

          ok = scan_file (entry, scan_xml, &scan, XML_MARKER_OVERLAP, error);
        }
    }

  CSLDestroy (entries);
  return ok;
}

static gboolean
sibling_exists (const char *path,
                const char *extension)
{
  g_autofree char *stem = g_strndup (path, strlen (path) - strlen (".shp"));
  g_autofree char *lower = g_strconcat (stem, extension, NULL);
  g_autofree char *upper_extension = g_ascii_strup (extension, -1);
  g_autofree char *upper = g_strconcat (stem, upper_extension, NULL);

  return g_file_test (lower, G_FILE_TEST_IS_REGULAR) || g_file_test (upper, G_FILE_TEST_IS_REGULAR);
}

/* A layer that is an SQL view could be a recursive query that never ends;
 * GeoPackages made by GIS programs hold their features in tables. */
static gboolean
check_gpkg (const char  *path,
            GError     **error)
{
  g_autofree char *uri = NULL;
  g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);
  sqlite3 *db = NULL;
  sqlite3_stmt *statement = NULL;
  gboolean ok = TRUE;
  int rc;

  uri = g_strconcat ("file:", escaped, "?mode=ro", NULL);
  rc = sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db,
                             "SELECT c.table_name FROM gpkg_contents c "
                             "LEFT JOIN sqlite_master m ON m.name = c.table_name AND m.type = 'table' "
                             "WHERE m.name IS NULL LIMIT 1",
                             -1, &statement, NULL);
  if (rc != SQLITE_OK)
    ok = fail (error, DOZOR_GIS_ERROR_FORMAT, _("it is not a GeoPackage: %s"),
               db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  else if ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    ok = fail (error, DOZOR_GIS_ERROR_UNSAFE,
               _("its layer “%s” is not a table (a view or missing); Dozor reads only tables"),
               (const char *) sqlite3_column_text (statement, 0));
  else if (rc != SQLITE_DONE)
    ok = fail (error, DOZOR_GIS_ERROR_FORMAT, _("it is not a GeoPackage: %s"), sqlite3_errmsg (db));

  sqlite3_finalize (statement);
  sqlite3_close (db);
  return ok;
}

#define MAX_CSV_HEADER (64 * 1024)

/* GDAL 3.6's CSV driver reads out of bounds when a coordinate column's name
 * appears twice in the header; no real file needs a name twice. The
 * separator is the one the header has most of, as GDAL guesses it. */
static gboolean
check_csv_header (const char  *path,
                  GError     **error)
{
  static const char separators[] = { ',', ';', '\t', '|' };
  g_autofree char *header = g_malloc (MAX_CSV_HEADER + 1);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) name = g_string_new (NULL);
  VSILFILE *file = VSIFOpenL (path, "rb");
  gsize length;
  guint best = 0, best_count = 0;
  gboolean quoted = FALSE;

  if (file == NULL)
    return fail (error, DOZOR_GIS_ERROR_OPEN, _("it cannot be read"));
  length = VSIFReadL (header, 1, MAX_CSV_HEADER, file);
  VSIFCloseL (file);
  header[length] = '\0';
  header[strcspn (header, "\r\n")] = '\0';

  for (guint s = 0; s < G_N_ELEMENTS (separators); s++)
    {
      guint count = 0;

      for (const char *c = header; *c != '\0'; c++)
        count += *c == separators[s];
      if (count > best_count)
        {
          best = s;
          best_count = count;
        }
    }

  for (const char *c = header;; c++)
    {
      if (*c == '"')
        quoted = !quoted;
      else if ((*c == separators[best] && !quoted) || *c == '\0')
        {
          g_autofree char *key = g_utf8_casefold (g_strstrip (name->str), -1);

          if (*key != '\0' && !g_hash_table_add (names, g_steal_pointer (&key)))
            return fail (error, DOZOR_GIS_ERROR_FORMAT, _("its header names the column “%s” twice"), name->str);
          g_string_truncate (name, 0);
          if (*c == '\0')
            break;
        }
      else
        g_string_append_c (name, *c);
    }

  return TRUE;
}

static gboolean
check_before_open (Reader      *reader,
                   const char  *path,
                   GError     **error)
{
  switch (reader->format)
    {
    case DOZOR_GIS_FORMAT_GEOJSON:
      {
        JsonScan scan = { 0, };

        return scan_file (path, scan_json, &scan, 0, error);
      }
    case DOZOR_GIS_FORMAT_KML:
    case DOZOR_GIS_FORMAT_GPX:
      {
        XmlScan scan = { reader->format, NULL };

        return scan_file (path, scan_xml, &scan, XML_MARKER_OVERLAP, error);
      }
    case DOZOR_GIS_FORMAT_KMZ:
      return check_kmz (reader, path, error);
    case DOZOR_GIS_FORMAT_SHAPEFILE:
      if (!sibling_exists (path, ".shx"))
        return fail (error, DOZOR_GIS_ERROR_OPEN, _("its index file (.shx) is missing beside it"));
      if (!sibling_exists (path, ".dbf"))
        return fail (error, DOZOR_GIS_ERROR_OPEN, _("its attribute file (.dbf) is missing beside it"));
      return TRUE;
    case DOZOR_GIS_FORMAT_GPKG:
      return check_gpkg (path, error);
    case DOZOR_GIS_FORMAT_CSV:
      return check_csv_header (path, error);
    default:
      g_return_val_if_reached (FALSE);
    }
}

/* --- Reading -------------------------------------------------------------- */

static DozorGisFieldType
field_type_of (OGRFieldDefnH definition)
{
  switch (OGR_Fld_GetType (definition))
    {
    case OFTInteger:
    case OFTInteger64:
      return DOZOR_GIS_FIELD_INTEGER;
    case OFTReal:
      return DOZOR_GIS_FIELD_REAL;
    case OFTDateTime:
      return DOZOR_GIS_FIELD_DATETIME;
    default:
      return DOZOR_GIS_FIELD_STRING;
    }
}

static gboolean
source_transform (Reader                        *reader,
                  OGRLayerH                      layer,
                  OGRCoordinateTransformationH  *transform,
                  GError                       **error)
{
  OGRSpatialReferenceH layer_srs = OGR_L_GetSpatialRef (layer);
  g_auto(OGRSpatialReferenceH) given = NULL;
  g_autofree char *problem = NULL;

  if (layer_srs == NULL && reader->options->source_crs != NULL)
    {
      guint64 code = 0;

      /* Only an EPSG code: GDAL's free-form input would also read files. */
      given = OSRNewSpatialReference (NULL);
      if (g_ascii_strncasecmp (reader->options->source_crs, "EPSG:", 5) != 0 ||
          !g_ascii_string_to_unsigned (reader->options->source_crs + 5, 10, 1, G_MAXINT, &code, NULL) ||
          OSRImportFromEPSG (given, (int) code) != OGRERR_NONE)
        return fail (error, DOZOR_GIS_ERROR_CONTENT,
                     _("“%s” is not a coordinate system GDAL knows; give it as EPSG:code"),
                     reader->options->source_crs);
      layer_srs = given;
    }

  if (!dozor_gdal_transform_to_wgs84 (layer_srs, transform, &reader->guard, &problem))
    return fail (error, DOZOR_GIS_ERROR_CONTENT, "%s", problem);
  return TRUE;
}

static gboolean
read_geometry (Reader                        *reader,
               OGRFeatureH                    feature,
               OGRCoordinateTransformationH   transform,
               DozorGisLayer                 *layer,
               GError                       **error)
{
  OGRGeometryH source = OGR_F_GetGeometryRef (feature);
  g_auto(OGRGeometryH) geometry = NULL;
  g_autofree char *problem = NULL;
  DozorGisShape shape;
  guint n_vertices;

  if (source == NULL || OGR_G_IsEmpty (source))
    return fail (error, DOZOR_GIS_ERROR_CONTENT, _("it has no geometry, or one that cannot be read"));

  geometry = OGR_G_HasCurveGeometry (source, TRUE) ? OGR_G_GetLinearGeometry (source, 0, NULL)
                                                   : OGR_G_Clone (source);
  OGR_G_FlattenTo2D (geometry);
  OGR_G_SetMeasured (geometry, FALSE);

  if (transform != NULL && OGR_G_Transform (geometry, transform) != OGRERR_NONE)
    return fail (error, DOZOR_GIS_ERROR_CONTENT, _("its coordinates cannot be converted to WGS 84: %s"),
                 dozor_gdal_guard_message (&reader->guard, _("out of the coordinate system's range")));

  if (!dozor_gis_geometry_check (geometry, &shape, &n_vertices, &problem))
    {
      OGREnvelope envelope;

      OGR_G_GetEnvelope (geometry, &envelope);
      if (transform == NULL && (envelope.MinX < -180 || envelope.MaxX > 180 || envelope.MinY < -90 || envelope.MaxY > 90))
        return fail (error, DOZOR_GIS_ERROR_CONTENT,
                     _("%s (its numbers were taken as longitude and latitude; if the file is in a projected "
                       "coordinate system it does not name, give that as EPSG:code)"),
                     problem);
      return fail (error, DOZOR_GIS_ERROR_CONTENT, "%s", problem);
    }

  if (n_vertices > reader->options->max_feature_vertices)
    return fail (error, DOZOR_GIS_ERROR_LIMIT, _("it has %u positions; at most %u are read"),
                 n_vertices, reader->options->max_feature_vertices);

  reader->n_vertices += n_vertices;
  if (reader->n_vertices > reader->options->max_total_vertices)
    {
      g_autofree char *limit = g_strdup_printf ("%" G_GUINT64_FORMAT, reader->options->max_total_vertices);

      return fail (error, DOZOR_GIS_ERROR_LIMIT, _("the file has more than %s positions"), limit);
    }

  dozor_gis_layer_take_feature (layer, g_steal_pointer (&geometry), shape, n_vertices);
  return TRUE;
}

/* RFC 3339 in UTC when the file says which zone; a time without a zone
 * is written as it stands, without a "Z" it does not have. */
static char *
iso8601_of (OGRFeatureH feature,
            int         field)
{
  int year, month, day, hour, minute, tz;
  float second;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GTimeZone) zone = NULL;

  if (!OGR_F_GetFieldAsDateTimeEx (feature, field, &year, &month, &day, &hour, &minute, &second, &tz))
    return NULL;
  /* OGR reads the seconds of "00:00:99999999999" or "00:00:nan" as they
   * stand: a time that is not one is no value, not an integer overflow. */
  if (!(second >= 0 && second < 60) || year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
      day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || tz < 0 || tz > 200)
    return NULL;

  /* OGR's tz: 0 unknown, 1 local, 100 UTC, 100 ± 4 per hour otherwise. */
  if (tz <= 1)
    {
      g_autoptr(GDateTime) valid = g_date_time_new_utc (year, month, day, hour, minute, second);

      /* 31 February, say. */
      if (valid == NULL)
        return NULL;
      return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour, minute, (int) second);
    }

  zone = g_time_zone_new_offset ((tz - 100) * 15 * 60);
  local = g_date_time_new (zone, year, month, day, hour, minute, second);
  if (local == NULL)
    return NULL;
  utc = g_date_time_to_utc (local);
  if (second != (int) second)
    return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.%fZ");
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

static void
read_values (Reader        *reader,
             OGRFeatureH    feature,
             DozorGisLayer *layer,
             guint          index,
             const int     *source_fields)
{
  for (guint f = 0; f < dozor_gis_layer_get_n_fields (layer); f++)
    {
      int i = source_fields[f];

      if (!OGR_F_IsFieldSetAndNotNull (feature, i))
        continue;
      /* A CSV cannot tell an empty value from none: an empty cell is none. */
      if (reader->format == DOZOR_GIS_FORMAT_CSV && *OGR_F_GetFieldAsString (feature, i) == '\0')
        continue;

      if (dozor_gis_layer_get_field_type (layer, f) == DOZOR_GIS_FIELD_REAL)
        {
          /* The shortest text for the number, whatever width the file keeps
           * (a shapefile's 12.250000000000000). */
          char text[G_ASCII_DTOSTR_BUF_SIZE];

          g_ascii_formatd (text, sizeof text, "%.15g", OGR_F_GetFieldAsDouble (feature, i));
          dozor_gis_layer_set_value (layer, index, f, text);
        }
      else if (dozor_gis_layer_get_field_type (layer, f) == DOZOR_GIS_FIELD_DATETIME)
        {
          g_autofree char *text = iso8601_of (feature, i);

          dozor_gis_layer_set_value (layer, index, f, text);
        }
      else
        {
          dozor_gis_layer_set_value (layer, index, f, OGR_F_GetFieldAsString (feature, i));
        }
    }
}

static DozorGisLayer *
read_layer (Reader     *reader,
            OGRLayerH   source,
            GError    **error)
{
  OGRFeatureDefnH definition = OGR_L_GetLayerDefn (source);
  const char *name = OGR_L_GetName (source);
  g_auto(OGRCoordinateTransformationH) transform = NULL;
  g_autoptr(DozorGisLayer) layer = dozor_gis_layer_new (name);
  g_autofree int *source_fields = NULL;
  g_autoptr(GError) local_error = NULL;
  int n_fields = OGR_FD_GetFieldCount (definition);
  guint number = 0;

  if (n_fields > MAX_FIELDS)
    return fail (error, DOZOR_GIS_ERROR_LIMIT, _("layer “%s” has %d fields; at most %d are read"),
                 name, n_fields, MAX_FIELDS), NULL;

  if (!source_transform (reader, source, &transform, &local_error))
    {
      g_set_error (error, DOZOR_GIS_ERROR, local_error->code, _("layer “%s”: %s"), name, local_error->message);
      return NULL;
    }

  source_fields = g_new (int, MAX (n_fields, 1));
  for (int i = 0; i < n_fields; i++)
    {
      OGRFieldDefnH field = OGR_FD_GetFieldDefn (definition, i);

      source_fields[dozor_gis_layer_add_field (layer, OGR_Fld_GetNameRef (field), field_type_of (field))] = i;
    }

  OGR_L_ResetReading (source);
  for (;;)
    {
      g_auto(OGRFeatureH) feature = NULL;

      if (g_cancellable_set_error_if_cancelled (reader->cancellable, error))
        return NULL;

      dozor_gdal_guard_reset (&reader->guard);
      feature = OGR_L_GetNextFeature (source);
      if (feature == NULL)
        {
          /* A file that breaks off half way is broken, not short. */
          if (CPLGetLastErrorType () >= CE_Failure)
            return fail (error, DOZOR_GIS_ERROR_FORMAT, _("layer “%s” breaks off after %u features: %s"),
                         name, number, dozor_gdal_guard_message (&reader->guard, _("read error"))), NULL;
          break;
        }

      number++;
      if (++reader->n_features > reader->options->max_features)
        return fail (error, DOZOR_GIS_ERROR_LIMIT, _("the file has more than %u features"),
                     reader->options->max_features), NULL;

      if (!read_geometry (reader, feature, transform, layer, &local_error))
        {
          g_set_error (error, DOZOR_GIS_ERROR, local_error->code, _("layer “%s”, feature %u: %s"),
                       name, number, local_error->message);
          return NULL;
        }
      read_values (reader, feature, layer, dozor_gis_layer_get_n_features (layer) - 1, source_fields);

      if (reader->progress != NULL && (reader->n_features & 255) == 0)
        reader->progress (reader->total_features > 0 ? MIN (1.0, (double) reader->n_features / reader->total_features) : -1,
                          reader->progress_data);
    }

  dozor_gis_layer_drop_empty_fields (layer);
  return g_steal_pointer (&layer);
}

/* GPX's point layers repeat, one point at a time, the routes and tracks
 * that its line layers already hold. */
static gboolean
layer_is_wanted (Reader    *reader,
                 OGRLayerH  layer)
{
  const char *name = OGR_L_GetName (layer);

  if (OGR_L_GetGeomType (layer) == wkbNone)
    return FALSE;
  if (reader->format == DOZOR_GIS_FORMAT_GPX &&
      (g_str_equal (name, "route_points") || g_str_equal (name, "track_points")))
    return FALSE;
  return TRUE;
}

static GPtrArray *
read_dataset (Reader      *reader,
              const char  *path,
              GError     **error)
{
  const char *drivers[] = { driver_for (reader->format), NULL };
  static const char *const csv_options[] = {
    "X_POSSIBLE_NAMES=lon,longitude,lng,long,x,easting",
    "Y_POSSIBLE_NAMES=lat,latitude,y,northing",
    "GEOM_POSSIBLE_NAMES=wkt,geometry,geom,the_geom",
    "KEEP_GEOM_COLUMNS=NO",
    "AUTODETECT_TYPE=YES",
    NULL
  };
  g_autoptr(GPtrArray) layers = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GDALDatasetH) dataset = NULL;
  int n_layers;

  dozor_gdal_guard_reset (&reader->guard);
  dataset = GDALOpenEx (path, GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, drivers,
                        reader->format == DOZOR_GIS_FORMAT_CSV ? csv_options : NULL, NULL);
  if (dataset == NULL)
    return fail (error, DOZOR_GIS_ERROR_FORMAT, _("it is not a valid %s file: %s"),
                 dozor_gis_format_get_name (reader->format),
                 dozor_gdal_guard_message (&reader->guard, _("GDAL does not recognise it"))), NULL;

  n_layers = GDALDatasetGetLayerCount (dataset);
  if ((guint) n_layers > reader->options->max_layers)
    return fail (error, DOZOR_GIS_ERROR_LIMIT, _("it has %d layers; at most %u are read"),
                 n_layers, reader->options->max_layers), NULL;

  reader->total_features = 0;
  for (int l = 0; l < n_layers; l++)
    {
      OGRLayerH layer = GDALDatasetGetLayer (dataset, l);
      GIntBig count = OGR_L_GetFeatureCount (layer, FALSE);

      if (!layer_is_wanted (reader, layer))
        continue;
      if (count < 0 || reader->total_features < 0)
        reader->total_features = -1;
      else
        reader->total_features += count;
    }

  for (int l = 0; l < n_layers; l++)
    {
      OGRLayerH source = GDALDatasetGetLayer (dataset, l);
      DozorGisLayer *layer;

      if (!layer_is_wanted (reader, source))
        continue;

      layer = read_layer (reader, source, error);
      if (layer == NULL)
        return NULL;
      if (dozor_gis_layer_get_n_features (layer) == 0)
        g_object_unref (layer);
      else
        g_ptr_array_add (layers, layer);
    }

  if (layers->len == 0)
    {
      if (reader->format == DOZOR_GIS_FORMAT_CSV)
        return fail (error, DOZOR_GIS_ERROR_CONTENT,
                     _("it has no coordinates: a CSV file needs lon and lat columns, or a WKT column")), NULL;
      return fail (error, DOZOR_GIS_ERROR_CONTENT, _("it has no features")), NULL;
    }

  if (reader->progress != NULL)
    reader->progress (1.0, reader->progress_data);
  return g_steal_pointer (&layers);
}

/**
 * dozor_gis_read_file:
 * @path: a local file in one of the formats of #DozorGisFormat
 * @options: (nullable): limits, or %NULL for dozor_gis_read_options_init()'s
 * @progress: (nullable) (scope call): told how far reading is, now and then
 * @progress_data: for @progress
 * @cancellable: (nullable): a #GCancellable, checked before every feature
 * @error: return location for a #GError
 *
 * Reads every layer with geometries, reprojected to WGS 84 (longitude
 * first). Blocks, for as long as the file takes: call it in a worker thread.
 * Nothing is returned unless the whole file is read.
 *
 * Returns: (transfer full) (element-type DozorGisLayer): the layers that have
 *   features, or %NULL with @error set
 */
GPtrArray *
dozor_gis_read_file (const char                *path,
                     const DozorGisReadOptions *options,
                     DozorGisProgressFunc       progress,
                     gpointer                   progress_data,
                     GCancellable              *cancellable,
                     GError                   **error)
{
  DozorGisReadOptions defaults;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *problem = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *display_name = NULL;
  Reader reader = { 0, };
  GPtrArray *layers = NULL;
  gint64 size = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    {
      dozor_gis_read_options_init (&defaults);
      options = &defaults;
    }

  display_name = g_path_get_basename (path);
  reader.options = options;
  reader.display_name = display_name;
  reader.progress = progress;
  reader.progress_data = progress_data;
  reader.cancellable = cancellable;

  if (!dozor_gis_format_from_path (path, &reader.format))
    {
      g_set_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_FORMAT,
                   _("“%s”: not a format Dozor reads (it reads %s)"), display_name, dozor_gis_format_list ());
      return NULL;
    }

  problem = dozor_gis_check_local_file (path, &size);
  if (problem != NULL)
    {
      g_set_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_OPEN, _("“%s”: %s"), display_name, problem);
      return NULL;
    }
  if ((guint64) size > options->max_file_bytes)
    {
      g_autofree char *limit = g_format_size_full (options->max_file_bytes, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_LIMIT,
                   _("“%s”: the file is larger than %s"), display_name, limit);
      return NULL;
    }
  if (size == 0)
    {
      g_set_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_FORMAT, _("“%s”: the file is empty"), display_name);
      return NULL;
    }

  /* An absolute path is a file name to every driver, never a connection
   * string such as "GPKG:…". */
  absolute = g_canonicalize_filename (path, NULL);
  dozor_gdal_guard_begin (&reader.guard);
  if (check_before_open (&reader, absolute, &local_error))
    layers = read_dataset (&reader, absolute, &local_error);
  dozor_gdal_guard_end (&reader.guard);

  if (layers == NULL)
    {
      if (local_error->domain == DOZOR_GIS_ERROR)
        g_set_error (error, DOZOR_GIS_ERROR, local_error->code, _("“%s”: %s"), display_name, local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
    }

  return layers;
}
