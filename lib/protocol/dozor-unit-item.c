/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A unit as a list shows it: one GObject per unit, kept by DozorSituation
 * in a GListModel. Call sign and status are properties that notify when
 * they change; the position is read when needed and notifies nothing, so
 * two thousand fixes a second do not wake every list row.
 */
#include "config.h"

#include "dozor-unit-item.h"

struct _DozorUnitItem
{
  GObject parent_instance;

  char *id;
  char *call_sign;
  char *call_sign_key; /* g_utf8_collate_key: a list sorts thousands */
  char *status;
  gboolean has_fix;
  double lat;
  double lon;
  gint64 fix_time;
};

G_DEFINE_FINAL_TYPE (DozorUnitItem, dozor_unit_item, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_CALL_SIGN,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
dozor_unit_item_finalize (GObject *object)
{
  DozorUnitItem *self = (DozorUnitItem *)object;

  g_free (self->id);
  g_free (self->call_sign);
  g_free (self->call_sign_key);
  g_free (self->status);

  G_OBJECT_CLASS (dozor_unit_item_parent_class)->finalize (object);
}

static void
dozor_unit_item_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DozorUnitItem *self = DOZOR_UNIT_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_CALL_SIGN:
      g_value_set_string (value, self->call_sign);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dozor_unit_item_class_init (DozorUnitItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dozor_unit_item_finalize;
  object_class->get_property = dozor_unit_item_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CALL_SIGN] = g_param_spec_string ("call-sign", NULL, NULL, NULL,
                                                    G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL,
                                                 G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dozor_unit_item_init (DozorUnitItem *self)
{
}

DozorUnitItem *
dozor_unit_item_new (const char *id)
{
  DozorUnitItem *self = g_object_new (DOZOR_TYPE_UNIT_ITEM, NULL);

  self->id = g_strdup (id);
  return self;
}

const char *
dozor_unit_item_get_id (DozorUnitItem *self)
{
  return self->id;
}

const char *
dozor_unit_item_get_call_sign (DozorUnitItem *self)
{
  return self->call_sign;
}

/**
 * dozor_unit_item_get_call_sign_key:
 * @self: a #DozorUnitItem
 *
 * Returns: the call sign's collation key, to sort with strcmp()
 */
const char *
dozor_unit_item_get_call_sign_key (DozorUnitItem *self)
{
  return self->call_sign_key != NULL ? self->call_sign_key : "";
}

const char *
dozor_unit_item_get_status (DozorUnitItem *self)
{
  return self->status;
}

/**
 * dozor_unit_item_get_position:
 * @self: a #DozorUnitItem
 * @lat: (out) (optional): latitude
 * @lon: (out) (optional): longitude
 * @fix_time: (out) (optional): when the fix was taken, Unix microseconds
 *
 * Returns: whether the unit has reported a position yet
 */
gboolean
dozor_unit_item_get_position (DozorUnitItem *self,
                              double        *lat,
                              double        *lon,
                              gint64        *fix_time)
{
  if (lat != NULL)
    *lat = self->lat;
  if (lon != NULL)
    *lon = self->lon;
  if (fix_time != NULL)
    *fix_time = self->fix_time;
  return self->has_fix;
}

static void
set_string (DozorUnitItem *self,
            char         **field,
            const char    *value,
            GParamSpec    *pspec)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

/* For DozorSituation, which owns the items. */
void
dozor_unit_item_update (DozorUnitItem *self,
                        const char    *call_sign,
                        const char    *status,
                        gboolean       has_fix,
                        double         lat,
                        double         lon,
                        gint64         fix_time)
{
  self->has_fix = has_fix;
  self->lat = lat;
  self->lon = lon;
  self->fix_time = fix_time;
  if (g_strcmp0 (self->call_sign, call_sign) != 0)
    {
      g_free (self->call_sign_key);
      self->call_sign_key = g_utf8_collate_key (call_sign != NULL ? call_sign : "", -1);
    }
  set_string (self, &self->call_sign, call_sign, properties[PROP_CALL_SIGN]);
  set_string (self, &self->status, status, properties[PROP_STATUS]);
}
