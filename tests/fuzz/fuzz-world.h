/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the fuzz targets of the store and of dozord share: a database made
 * once with the fixture's users, a session for each and one entity of each
 * kind, and the placeholders that let a checked-in input name them.
 *
 * Tokens and ids are random, so an input cannot hold the real ones. It
 * holds placeholders of the same length instead (a raw HTTP request keeps
 * its Content-Length right), which fuzz_world_substitute() replaces:
 *
 *   tokens (64 characters)  0…01 sup (supervisor)   0…02 op (operator)
 *                           0…03 wall (wall)         0…04 tracker (tracker)
 *   ids (UUIDs)             00000000-0000-4000-8000-00000000000N with N
 *                           1 unit, 2 a second unit, 3 incident,
 *                           4 district, 5 sector, 6 route, 7 place,
 *                           8 the unit's active dispatch
 */
#pragma once

#include <glib.h>

#include "dozor-store.h"

G_BEGIN_DECLS

typedef enum
{
  FUZZ_UNIT = 1,
  FUZZ_FREE_UNIT,
  FUZZ_INCIDENT,
  FUZZ_DISTRICT,
  FUZZ_SECTOR,
  FUZZ_ROUTE,
  FUZZ_PLACE,
  FUZZ_DISPATCH,
  FUZZ_N_ENTITIES,
} FuzzEntity;

void        fuzz_world_init        (void);
const char *fuzz_world_get_dir     (void);
const char *fuzz_world_get_id      (FuzzEntity     entity);
DozorStore *fuzz_world_open_copy   (const char    *path);
GByteArray *fuzz_world_substitute  (const guint8  *data,
                                    gsize          size);

G_END_DECLS
