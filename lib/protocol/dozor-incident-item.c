/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * An open incident as the queue shows it: one GObject per incident, kept by
 * DozorSituation in a GListModel. Each change from the backend replaces the
 * whole record and notifies "version", which rows and details watch.
 */
#include "config.h"

#include <math.h>

#include "dozor-incident-item.h"
#include "dozor-json.h"
#include "dozor-situation.h"

struct _DozorIncidentItem
{
  GObject parent_instance;

  JsonObject *json;
  gint64 created;    /* Unix microseconds, 0 if unknown */
};

G_DEFINE_FINAL_TYPE (DozorIncidentItem, dozor_incident_item, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_VERSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
dozor_incident_item_finalize (GObject *object)
{
  DozorIncidentItem *self = (DozorIncidentItem *)object;

  g_clear_pointer (&self->json, json_object_unref);

  G_OBJECT_CLASS (dozor_incident_item_parent_class)->finalize (object);
}

static void
dozor_incident_item_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  DozorIncidentItem *self = DOZOR_INCIDENT_ITEM (object);

  switch (prop_id)
    {
    case PROP_VERSION:
      g_value_set_int64 (value, dozor_json_get_int (self->json, "version", 0));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dozor_incident_item_class_init (DozorIncidentItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dozor_incident_item_finalize;
  object_class->get_property = dozor_incident_item_get_property;

  properties[PROP_VERSION] = g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0,
                                                 G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dozor_incident_item_init (DozorIncidentItem *self)
{
}

static void
take (DozorIncidentItem *self,
      JsonObject        *incident)
{
  g_clear_pointer (&self->json, json_object_unref);
  self->json = json_object_ref (incident);
  self->created = dozor_json_get_time (incident, "created_at");
}

/**
 * dozor_incident_item_new:
 * @incident: the incident as the server sent it
 *
 * Returns: (transfer full): the item
 */
DozorIncidentItem *
dozor_incident_item_new (JsonObject *incident)
{
  DozorIncidentItem *self = g_object_new (DOZOR_TYPE_INCIDENT_ITEM, NULL);

  take (self, incident);
  return self;
}

void
dozor_incident_item_update (DozorIncidentItem *self,
                            JsonObject        *incident)
{
  take (self, incident);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION]);
}

static const char *
text (DozorIncidentItem *self,
      const char        *member)
{
  const char *value = dozor_json_get_string (self->json, member);

  return value != NULL ? value : "";
}

const char *
dozor_incident_item_get_id (DozorIncidentItem *self)
{
  return text (self, "id");
}

const char *
dozor_incident_item_get_number (DozorIncidentItem *self)
{
  return text (self, "number");
}

/* "type" in the wire contract; a GObject has its own type. */
const char *
dozor_incident_item_get_kind (DozorIncidentItem *self)
{
  return text (self, "type");
}

const char *
dozor_incident_item_get_status (DozorIncidentItem *self)
{
  return text (self, "status");
}

const char *
dozor_incident_item_get_address (DozorIncidentItem *self)
{
  return text (self, "address");
}

gint64
dozor_incident_item_get_priority (DozorIncidentItem *self)
{
  return dozor_json_get_int (self->json, "priority", 0);
}

/**
 * dozor_incident_item_get_created:
 * @self: a #DozorIncidentItem
 *
 * Returns: when it was registered, Unix microseconds, 0 if unknown
 */
gint64
dozor_incident_item_get_created (DozorIncidentItem *self)
{
  return self->created;
}

gboolean
dozor_incident_item_get_location (DozorIncidentItem *self,
                                  double            *lat,
                                  double            *lon)
{
  return dozor_incident_get_location (self->json, lat, lon);
}

/**
 * dozor_incident_item_get_json:
 * @self: a #DozorIncidentItem
 *
 * Returns: (transfer none): the whole incident as the server sent it
 */
JsonObject *
dozor_incident_item_get_json (DozorIncidentItem *self)
{
  return self->json;
}
