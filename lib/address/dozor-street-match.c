/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One answer of the street index: a street or a crossing of two, with the
 * point the scene goes to. Immutable, so it may travel between threads.
 */
#include "dozor-street-match.h"

struct _DozorStreetMatch
{
  GObject parent_instance;

  DozorStreetMatchKind kind;
  char *name;
  char *cross_name;
  double lat;
  double lon;
};

G_DEFINE_FINAL_TYPE (DozorStreetMatch, dozor_street_match, G_TYPE_OBJECT)

static void
dozor_street_match_finalize (GObject *object)
{
  DozorStreetMatch *self = DOZOR_STREET_MATCH (object);

  g_free (self->name);
  g_free (self->cross_name);
  G_OBJECT_CLASS (dozor_street_match_parent_class)->finalize (object);
}

static void
dozor_street_match_class_init (DozorStreetMatchClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_street_match_finalize;
}

static void
dozor_street_match_init (DozorStreetMatch *self)
{
}

/**
 * dozor_street_match_new:
 * @kind: a street or a crossing
 * @name: the street's name as the data has it
 * @cross_name: (nullable): the other street of a crossing, or the nearest
 *   cross street of a street found from a point
 * @lat: the point's latitude
 * @lon: the point's longitude
 *
 * Returns: (transfer full): a new match
 */
DozorStreetMatch *
dozor_street_match_new (DozorStreetMatchKind  kind,
                        const char           *name,
                        const char           *cross_name,
                        double                lat,
                        double                lon)
{
  DozorStreetMatch *self = g_object_new (DOZOR_TYPE_STREET_MATCH, NULL);

  g_return_val_if_fail (name != NULL, NULL);

  self->kind = kind;
  self->name = g_strdup (name);
  self->cross_name = g_strdup (cross_name);
  self->lat = lat;
  self->lon = lon;
  return self;
}

DozorStreetMatchKind
dozor_street_match_get_kind (DozorStreetMatch *self)
{
  g_return_val_if_fail (DOZOR_IS_STREET_MATCH (self), DOZOR_STREET_MATCH_STREET);
  return self->kind;
}

const char *
dozor_street_match_get_name (DozorStreetMatch *self)
{
  g_return_val_if_fail (DOZOR_IS_STREET_MATCH (self), NULL);
  return self->name;
}

/**
 * dozor_street_match_get_cross_name:
 * @self: a #DozorStreetMatch
 *
 * Returns: (nullable): the other street, if there is one
 */
const char *
dozor_street_match_get_cross_name (DozorStreetMatch *self)
{
  g_return_val_if_fail (DOZOR_IS_STREET_MATCH (self), NULL);
  return self->cross_name;
}

double
dozor_street_match_get_lat (DozorStreetMatch *self)
{
  g_return_val_if_fail (DOZOR_IS_STREET_MATCH (self), 0);
  return self->lat;
}

double
dozor_street_match_get_lon (DozorStreetMatch *self)
{
  g_return_val_if_fail (DOZOR_IS_STREET_MATCH (self), 0);
  return self->lon;
}

/**
 * dozor_street_match_dup_label:
 * @self: a #DozorStreetMatch
 *
 * The names as a list shows them: "проспект Абая / проспект Достык" for a
 * crossing, the name alone for a street. Names are the data's and need no
 * translation.
 *
 * Returns: (transfer full): the label
 */
char *
dozor_street_match_dup_label (DozorStreetMatch *self)
{
  g_return_val_if_fail (DOZOR_IS_STREET_MATCH (self), NULL);

  if (self->kind == DOZOR_STREET_MATCH_CROSSING && self->cross_name != NULL)
    return g_strdup_printf ("%s / %s", self->name, self->cross_name);
  return g_strdup (self->name);
}
