/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DOZOR_SOP_CATALOGUE_ERROR (dozor_sop_catalogue_error_quark ())

/**
 * DozorSopCatalogueError:
 * @DOZOR_SOP_CATALOGUE_ERROR_INVALID: the file is not a catalogue as
 *   docs/sop.md describes it; the message names the member
 */
typedef enum
{
  DOZOR_SOP_CATALOGUE_ERROR_INVALID,
} DozorSopCatalogueError;

/* The languages every text of a catalogue is written in. */
#define DOZOR_SOP_LANGUAGES { "en", "ru", "kk" }
#define DOZOR_SOP_N_LANGUAGES 3

/**
 * DozorSopStep:
 * @id: the step's id, unique within its procedure and kept across edits:
 *   a ticked step is recorded by it
 * @text: what to do, in en, ru and kk (the order of %DOZOR_SOP_LANGUAGES)
 */
typedef struct
{
  char *id;
  char *text[DOZOR_SOP_N_LANGUAGES];
} DozorSopStep;

/**
 * DozorSopProcedure:
 * @id: the procedure's id, unique in the catalogue
 * @incident_types: (array zero-terminated=1): the incident types it is for
 * @title: its title in en, ru and kk
 * @steps: (element-type DozorSopStep): its steps, in order
 */
typedef struct
{
  char *id;
  char **incident_types;
  char *title[DOZOR_SOP_N_LANGUAGES];
  GPtrArray *steps;
} DozorSopProcedure;

#define DOZOR_TYPE_SOP_CATALOGUE (dozor_sop_catalogue_get_type ())
G_DECLARE_FINAL_TYPE (DozorSopCatalogue, dozor_sop_catalogue, DOZOR, SOP_CATALOGUE, GObject)

GQuark                   dozor_sop_catalogue_error_quark   (void);
DozorSopCatalogue       *dozor_sop_catalogue_new_from_data (const char        *data,
                                                            gsize              length,
                                                            GError           **error);
DozorSopCatalogue       *dozor_sop_catalogue_load          (const char        *path,
                                                            GError           **error);
guint                    dozor_sop_catalogue_get_n_procedures (DozorSopCatalogue *self);
const DozorSopProcedure *dozor_sop_catalogue_get_procedure (DozorSopCatalogue *self,
                                                            guint              index);
const DozorSopProcedure *dozor_sop_catalogue_find          (DozorSopCatalogue *self,
                                                            const char        *id);
GPtrArray               *dozor_sop_catalogue_for_type      (DozorSopCatalogue *self,
                                                            const char        *incident_type);
int                      dozor_sop_language                (const char *const *language_names);

G_END_DECLS
