/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * From a GIS layer to the body of POST /imports (docs/api.md): each
 * feature checked for what its kind needs (the shape, a name, a district),
 * with names standing for ids, since a GIS file knows names. dozorctl and
 * the board's import dialog both build their imports here.
 */
#include "config.h"

#include <cpl_conv.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "dozor-gis-import.h"
#include "dozor-gis-layer-private.h"

/* What the backend keeps per zone, route or place (docs/api.md). */
#define BACKEND_MAX_NAME 128

static const char *const kind_names[DOZOR_GIS_N_KINDS] = { "district", "sector", "route", "poi", "camera", "post" };

gboolean
dozor_gis_kind_from_string (const char   *text,
                            DozorGisKind *kind)
{
  for (guint k = 0; k < DOZOR_GIS_N_KINDS; k++)
    if (g_strcmp0 (text, kind_names[k]) == 0)
      {
        *kind = k;
        return TRUE;
      }
  return FALSE;
}

const char *
dozor_gis_kind_to_string (DozorGisKind kind)
{
  g_return_val_if_fail (kind < DOZOR_GIS_N_KINDS, NULL);

  return kind_names[kind];
}

/**
 * dozor_gis_kind_get_shape:
 * @kind: a #DozorGisKind
 *
 * Returns: the shape features of @kind must have
 */
DozorGisShape
dozor_gis_kind_get_shape (DozorGisKind kind)
{
  switch (kind)
    {
    case DOZOR_GIS_KIND_DISTRICT:
    case DOZOR_GIS_KIND_SECTOR:
      return DOZOR_GIS_SHAPE_POLYGON;
    case DOZOR_GIS_KIND_ROUTE:
      return DOZOR_GIS_SHAPE_LINE;
    case DOZOR_GIS_KIND_POI:
    case DOZOR_GIS_KIND_CAMERA:
    case DOZOR_GIS_KIND_POST:
    default:
      return DOZOR_GIS_SHAPE_POINT;
    }
}

/**
 * dozor_gis_shape_get_label:
 * @shape: a #DozorGisShape
 *
 * Returns: the shape's name, translated
 */
const char *
dozor_gis_shape_get_label (DozorGisShape shape)
{
  switch (shape)
    {
    case DOZOR_GIS_SHAPE_POINT: return _("point");
    case DOZOR_GIS_SHAPE_LINE: return _("line");
    case DOZOR_GIS_SHAPE_POLYGON: return _("area");
    default: g_return_val_if_reached (NULL);
    }
}

/**
 * dozor_gis_mapping_init:
 * @mapping: (out caller-allocates): a mapping to fill
 * @kind: what the features become
 *
 * Every field unset; set at least @mapping's name_field.
 */
void
dozor_gis_mapping_init (DozorGisMapping *mapping,
                        DozorGisKind     kind)
{
  *mapping = (DozorGisMapping) {
    .kind = kind,
    .name_field = -1,
    .district_field = -1,
    .zone_field = -1,
    .unit_field = -1,
    .stream_field = -1,
    .category_field = -1,
    .plan_field = -1,
    .need_field = -1,
    .unit_kind_field = -1,
    .only_field = -1,
  };
}

/**
 * dozor_gis_guess_name_field:
 * @layer: a #DozorGisLayer
 *
 * Returns: the field GIS programs usually keep names in, or -1
 */
int
dozor_gis_guess_name_field (DozorGisLayer *layer)
{
  static const char *const candidates[] = { "name", "title", "label", "osm_name", "название", "атауы" };
  int field;

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if ((field = dozor_gis_layer_find_field (layer, candidates[i])) >= 0)
      return field;
  return -1;
}

/**
 * dozor_gis_mapping_selects:
 * @mapping: a #DozorGisMapping
 * @layer: its layer
 * @feature: a feature of @layer
 *
 * Returns: whether @feature is one to import
 */
gboolean
dozor_gis_mapping_selects (const DozorGisMapping *mapping,
                           DozorGisLayer         *layer,
                           guint                  feature)
{
  return mapping->only_field < 0 ||
         g_strcmp0 (dozor_gis_layer_get_value (layer, feature, mapping->only_field), mapping->only_value) == 0;
}

/* JSON text of a string, as RFC 8259 wants it escaped. */
static void
append_string (GString    *out,
               const char *text)
{
  g_string_append_c (out, '"');
  for (const char *c = text; *c != '\0'; c++)
    {
      switch (*c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if ((guchar) *c < 0x20)
            g_string_append_printf (out, "\\u%04x", (guchar) *c);
          else
            g_string_append_c (out, *c);
        }
    }
  g_string_append_c (out, '"');
}

/* OGR's GeoJSON has a space after every bracket and comma; a city's
 * districts are a few MiB lighter without them. Its only strings are
 * geometry type names, which have no spaces. */
static void
append_geometry (GString      *out,
                 OGRGeometryH  geometry)
{
  static char *options[] = { (char *) "COORDINATE_PRECISION=7", NULL };
  char *json = OGR_G_ExportToJsonEx (geometry, options);

  for (const char *c = json; *c != '\0'; c++)
    if (*c != ' ')
      g_string_append_c (out, *c);
  CPLFree (json);
}

/* A route is one line to drive and a place one point; a multi-part of one
 * part is that one part. */
static OGRGeometryH
single_part (DozorGisLayer  *layer,
             guint           feature,
             DozorGisKind    kind,
             GError        **error)
{
  OGRGeometryH geometry = dozor_gis_layer_peek_geometry (layer, feature);
  OGRwkbGeometryType type = wkbFlatten (OGR_G_GetGeometryType (geometry));
  int n_parts;

  if (kind == DOZOR_GIS_KIND_DISTRICT || kind == DOZOR_GIS_KIND_SECTOR || type == wkbLineString || type == wkbPoint)
    return geometry;

  n_parts = OGR_G_GetGeometryCount (geometry);
  if (n_parts == 1)
    return OGR_G_GetGeometryRef (geometry, 0);

  if (kind == DOZOR_GIS_KIND_ROUTE)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 _("a patrol route is one line, and this one has %d parts"), n_parts);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("a place is one point, and this one has %d"), n_parts);
  return NULL;
}

static gboolean
check_feature (DozorGisLayer         *layer,
               guint                  feature,
               const DozorGisMapping *mapping,
               GError               **error)
{
  DozorGisShape wanted = dozor_gis_kind_get_shape (mapping->kind);
  const char *name = dozor_gis_layer_get_text (layer, feature, mapping->name_field);

  if (dozor_gis_layer_get_shape (layer, feature) != wanted)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("it is a %s, and a %s must be a %s"),
                   dozor_gis_shape_get_label (dozor_gis_layer_get_shape (layer, feature)),
                   dozor_gis_kind_to_string (mapping->kind), dozor_gis_shape_get_label (wanted));
      return FALSE;
    }
  if (name == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("its name (field “%s”) is empty"),
                   mapping->name_field >= 0 ? dozor_gis_layer_get_field_name (layer, mapping->name_field) : "");
      return FALSE;
    }
  if (g_utf8_strlen (name, -1) > BACKEND_MAX_NAME)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("its name is longer than %d characters"),
                   BACKEND_MAX_NAME);
      return FALSE;
    }
  if (mapping->kind == DOZOR_GIS_KIND_SECTOR && mapping->district == NULL &&
      dozor_gis_layer_get_text (layer, feature, mapping->district_field) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("its district (field “%s”) is empty"),
                   mapping->district_field >= 0 ? dozor_gis_layer_get_field_name (layer, mapping->district_field) : "");
      return FALSE;
    }
  if (mapping->kind == DOZOR_GIS_KIND_POST && mapping->plan == NULL &&
      dozor_gis_layer_get_text (layer, feature, mapping->plan_field) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("its plan (field “%s”) is empty"),
                   mapping->plan_field >= 0 ? dozor_gis_layer_get_field_name (layer, mapping->plan_field) : "");
      return FALSE;
    }
  if (mapping->kind == DOZOR_GIS_KIND_POST && dozor_gis_layer_get_text (layer, feature, mapping->need_field) != NULL &&
      !g_ascii_string_to_unsigned (dozor_gis_layer_get_text (layer, feature, mapping->need_field), 10, 1, 20, NULL,
                                   NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("its units needed (field “%s”) is not a whole number from 1 to 20"),
                   dozor_gis_layer_get_field_name (layer, mapping->need_field));
      return FALSE;
    }
  return TRUE;
}

static void
add_member (GString    *out,
            const char *member,
            const char *value)
{
  if (value == NULL)
    return;
  g_string_append_printf (out, ",\"%s\":", member);
  append_string (out, value);
}

static void
add_feature (GString               *out,
             DozorGisLayer         *layer,
             guint                  i,
             const DozorGisMapping *mapping,
             OGRGeometryH           geometry)
{
  g_string_append (out, "{\"name\":");
  append_string (out, dozor_gis_layer_get_text (layer, i, mapping->name_field));
  /* A post's kind is the kind of unit it needs. */
  if (mapping->kind != DOZOR_GIS_KIND_ROUTE && mapping->kind != DOZOR_GIS_KIND_POST)
    add_member (out, "kind", dozor_gis_kind_to_string (mapping->kind));

  switch (mapping->kind)
    {
    case DOZOR_GIS_KIND_SECTOR:
      add_member (out, "parent_name",
                  mapping->district != NULL ? mapping->district
                                            : dozor_gis_layer_get_text (layer, i, mapping->district_field));
      break;
    case DOZOR_GIS_KIND_ROUTE:
      add_member (out, "zone_name", dozor_gis_layer_get_text (layer, i, mapping->zone_field));
      add_member (out, "unit_call_sign", dozor_gis_layer_get_text (layer, i, mapping->unit_field));
      break;
    case DOZOR_GIS_KIND_POI:
      add_member (out, "category", dozor_gis_layer_get_text (layer, i, mapping->category_field));
      break;
    case DOZOR_GIS_KIND_CAMERA:
      add_member (out, "stream_url", dozor_gis_layer_get_text (layer, i, mapping->stream_field));
      break;
    case DOZOR_GIS_KIND_POST:
      add_member (out, "plan",
                  mapping->plan != NULL ? mapping->plan : dozor_gis_layer_get_text (layer, i, mapping->plan_field));
      add_member (out, "kind", dozor_gis_layer_get_text (layer, i, mapping->unit_kind_field));
      /* check_feature() let only 1 to 20 through; printed anew, not copied. */
      if (dozor_gis_layer_get_text (layer, i, mapping->need_field) != NULL)
        {
          guint64 need = 1;

          g_ascii_string_to_unsigned (dozor_gis_layer_get_text (layer, i, mapping->need_field), 10, 1, 20, &need, NULL);
          g_string_append_printf (out, ",\"units_needed\":%u", (guint) need);
        }
      break;
    case DOZOR_GIS_KIND_DISTRICT:
    default:
      break;
    }

  if (dozor_gis_kind_get_shape (mapping->kind) == DOZOR_GIS_SHAPE_POINT)
    {
      char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (lat, sizeof lat, "%.7f", OGR_G_GetY (geometry, 0));
      g_ascii_formatd (lon, sizeof lon, "%.7f", OGR_G_GetX (geometry, 0));
      g_string_append_printf (out, ",\"location\":{\"lat\":%s,\"lon\":%s}}", lat, lon);
      return;
    }
  g_string_append (out, ",\"geometry\":");
  append_geometry (out, geometry);
  g_string_append_c (out, '}');
}

/**
 * dozor_gis_import_body:
 * @layer: the layer to import
 * @mapping: what its fields mean
 * @update: whether zones, routes and places of the same name are updated
 *   instead of refused
 * @n_items: (out) (optional): how many features the body holds
 * @n_skipped: (out) (optional): how many selected features were left out
 *   for having no name (#DozorGisMapping.skip_unnamed)
 * @error: return location for a #GError naming the layer and feature
 *
 * With @update a feature is matched to what the backend has by its name,
 * so the names in the layer must then be unique. A body larger than
 * %DOZOR_GIS_MAX_IMPORT_BYTES is refused here.
 *
 * Returns: (transfer full): the body of POST /imports, or %NULL with @error
 *   set if any selected feature is not what its kind needs
 */
char *
dozor_gis_import_body (DozorGisLayer          *layer,
                       const DozorGisMapping  *mapping,
                       gboolean                update,
                       guint                  *n_items,
                       guint                  *n_skipped,
                       GError                **error)
{
  static const char *const lists[DOZOR_GIS_N_KINDS] = { "zones", "zones", "routes", "places", "places", "posts" };
  g_autoptr(GString) out = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_selected = 0, skipped = 0;

  g_return_val_if_fail (DOZOR_IS_GIS_LAYER (layer), NULL);
  g_return_val_if_fail (mapping->kind < DOZOR_GIS_N_KINDS, NULL);

  out = g_string_sized_new (4096);
  g_string_append_printf (out, "{\"on_existing\":\"%s\",\"%s\":[", update ? "update" : "fail", lists[mapping->kind]);

  for (guint i = 0; i < dozor_gis_layer_get_n_features (layer); i++)
    {
      g_autoptr(GError) local_error = NULL;
      OGRGeometryH geometry;
      const char *name;

      if (!dozor_gis_mapping_selects (mapping, layer, i))
        continue;
      name = dozor_gis_layer_get_text (layer, i, mapping->name_field);
      if (name == NULL && mapping->skip_unnamed)
        {
          skipped++;
          continue;
        }
      if (update && name != NULL && !g_hash_table_add (names, (gpointer) name))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("layer “%s”: the name “%s” appears more than once, and an update finds what to change "
                         "by its name"), dozor_gis_layer_get_name (layer), name);
          return NULL;
        }
      if (!check_feature (layer, i, mapping, &local_error) ||
          (geometry = single_part (layer, i, mapping->kind, &local_error)) == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("layer “%s”, feature %u: %s"),
                       dozor_gis_layer_get_name (layer), i + 1, local_error->message);
          return NULL;
        }
      if (n_selected++ > 0)
        g_string_append_c (out, ',');
      add_feature (out, layer, i, mapping, geometry);
    }
  g_string_append (out, "]}");

  if (n_selected == 0)
    {
      if (mapping->only_field >= 0)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("no feature has %s = “%s”"),
                     dozor_gis_layer_get_field_name (layer, mapping->only_field), mapping->only_value);
      else if (skipped > 0)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("no feature of the layer has a name"));
      else
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the layer has no features"));
      return NULL;
    }

  /* Said now, not by the server: it cannot answer a body it stops reading. */
  if (out->len > DOZOR_GIS_MAX_IMPORT_BYTES)
    {
      g_autofree char *size = g_format_size_full (out->len, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *limit = g_format_size_full (DOZOR_GIS_MAX_IMPORT_BYTES, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   _("layer “%s” makes an import of %s, and the server takes at most %s at once: import it in "
                     "parts (a layer at a time, or the features of one field value)"),
                   dozor_gis_layer_get_name (layer), size, limit);
      return NULL;
    }

  if (n_items != NULL)
    *n_items = n_selected;
  if (n_skipped != NULL)
    *n_skipped = skipped;
  return g_string_free (g_steal_pointer (&out), FALSE);
}
