/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The catalogue of standard operating procedures: for each kind of
 * incident, the steps the officers on scene and the operator take, in
 * Kazakh, Russian and English (docs/sop.md). A centre edits the file, so it
 * is checked whole when read, and a mistake is named by its place in the
 * file ("procedures[2].steps[3].text.kk: missing") rather than showing
 * half a checklist in the middle of an incident.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dozor-field.h"
#include "dozor-json.h"
#include "dozor-labels.h"
#include "dozor-sop-catalogue.h"

/* A catalogue is a few hundred kilobytes at most; a bigger file is not one. */
#define MAX_FILE_BYTES (4 << 20)
#define MAX_PROCEDURES 500
#define MAX_STEPS 60
#define MAX_ID_CHARS 64
#define MAX_TITLE_CHARS 200
#define MAX_STEP_CHARS 1000

static const char *const languages[] = DOZOR_SOP_LANGUAGES;

struct _DozorSopCatalogue
{
  GObject parent_instance;

  GPtrArray *procedures; /* DozorSopProcedure */
};

G_DEFINE_FINAL_TYPE (DozorSopCatalogue, dozor_sop_catalogue, G_TYPE_OBJECT)

G_DEFINE_QUARK (dozor-sop-catalogue-error-quark, dozor_sop_catalogue_error)

static void
step_free (gpointer data)
{
  DozorSopStep *step = data;

  g_free (step->id);
  for (guint l = 0; l < DOZOR_SOP_N_LANGUAGES; l++)
    g_free (step->text[l]);
  g_free (step);
}

static void
procedure_free (gpointer data)
{
  DozorSopProcedure *procedure = data;

  g_free (procedure->id);
  g_strfreev (procedure->incident_types);
  for (guint l = 0; l < DOZOR_SOP_N_LANGUAGES; l++)
    g_free (procedure->title[l]);
  g_clear_pointer (&procedure->steps, g_ptr_array_unref);
  g_free (procedure);
}

static void
dozor_sop_catalogue_finalize (GObject *object)
{
  DozorSopCatalogue *self = DOZOR_SOP_CATALOGUE (object);

  g_ptr_array_unref (self->procedures);

  G_OBJECT_CLASS (dozor_sop_catalogue_parent_class)->finalize (object);
}

static void
dozor_sop_catalogue_class_init (DozorSopCatalogueClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_sop_catalogue_finalize;
}

static void
dozor_sop_catalogue_init (DozorSopCatalogue *self)
{
  self->procedures = g_ptr_array_new_with_free_func (procedure_free);
}

static gboolean
refuse (GError    **error,
        const char *path,
        const char *why)
{
  g_set_error (error, DOZOR_SOP_CATALOGUE_ERROR, DOZOR_SOP_CATALOGUE_ERROR_INVALID, "%s: %s", path, why);
  return FALSE;
}

/* Only the members named: a misspelt one ("stpes") would otherwise be a
 * procedure that silently lost its steps. */
static gboolean
only_members (JsonObject         *object,
              const char         *path,
              const char *const  *allowed,
              GError            **error)
{
  g_autoptr(GList) names = json_object_get_members (object);

  for (GList *l = names; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_autofree char *where = g_strdup_printf ("%s.%s", path, (const char *) l->data);

        return refuse (error, where, _("not a member a catalogue has"));
      }
  return TRUE;
}

static JsonNode *
member (JsonObject *object,
        const char *name,
        const char *path,
        JsonNodeType type,
        GError    **error)
{
  JsonNode *node = json_object_get_member (object, name);
  g_autofree char *where = g_strdup_printf ("%s%s%s", path, *path != '\0' ? "." : "", name);

  if (node == NULL)
    return refuse (error, where, _("missing")), NULL;
  if (JSON_NODE_TYPE (node) != type)
    return refuse (error, where,
                   type == JSON_NODE_ARRAY ? _("must be a list") :
                   type == JSON_NODE_OBJECT ? _("must be an object") : _("must be text")), NULL;
  return node;
}

static gboolean
read_text (JsonObject  *object,
           const char  *name,
           const char  *path,
           DozorFieldKind kind,
           guint        max_chars,
           char       **out,
           GError     **error)
{
  JsonNode *node = member (object, name, path, JSON_NODE_VALUE, error);
  g_autofree char *where = g_strdup_printf ("%s.%s", path, name);
  const char *text, *problem;

  if (node == NULL)
    return FALSE;
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return refuse (error, where, _("must be text"));
  text = json_node_get_string (node);
  if (*text == '\0' || g_utf8_strlen (text, -1) > max_chars)
    {
      g_autofree char *why = g_strdup_printf (_("must be 1 to %u characters"), max_chars);

      return refuse (error, where, why);
    }
  problem = dozor_field_check_text (kind, text);
  if (problem != NULL)
    return refuse (error, where, problem);
  *out = g_strdup (text);
  return TRUE;
}

/* An id: lower-case Latin letters, digits and hyphens, as in a URL. */
static gboolean
read_id (JsonObject  *object,
         const char  *path,
         char       **out,
         GError     **error)
{
  g_autofree char *where = g_strdup_printf ("%s.id", path);

  if (!read_text (object, "id", path, DOZOR_FIELD_NAME, MAX_ID_CHARS, out, error))
    return FALSE;
  for (const char *c = *out; *c != '\0'; c++)
    if (!(g_ascii_islower (*c) || g_ascii_isdigit (*c) || *c == '-'))
      {
        g_clear_pointer (out, g_free);
        return refuse (error, where, _("may hold only a–z, 0–9 and “-”"));
      }
  return TRUE;
}

/* {"en": …, "ru": …, "kk": …}: every language, or the file is incomplete. */
static gboolean
read_translations (JsonObject  *object,
                   const char  *name,
                   const char  *path,
                   guint        max_chars,
                   char       **out,
                   GError     **error)
{
  JsonNode *node = member (object, name, path, JSON_NODE_OBJECT, error);
  g_autofree char *where = g_strdup_printf ("%s.%s", path, name);

  if (node == NULL || !only_members (json_node_get_object (node), where, languages, error))
    return FALSE;
  for (guint l = 0; l < DOZOR_SOP_N_LANGUAGES; l++)
    if (!read_text (json_node_get_object (node), languages[l], where, DOZOR_FIELD_TEXT, max_chars, &out[l], error))
      return FALSE;
  return TRUE;
}

static gboolean
read_types (JsonObject         *object,
            const char         *path,
            DozorSopProcedure  *procedure,
            GError            **error)
{
  JsonNode *node = member (object, "incident_types", path, JSON_NODE_ARRAY, error);
  JsonArray *array;
  g_autoptr(GStrvBuilder) types = g_strv_builder_new ();

  if (node == NULL)
    return FALSE;
  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0)
    {
      g_autofree char *where = g_strdup_printf ("%s.incident_types", path);

      return refuse (error, where, _("must name at least one incident type"));
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      g_autofree char *where = g_strdup_printf ("%s.incident_types[%u]", path, i);
      const char *type = JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING
                         ? json_node_get_string (item) : NULL;

      if (type == NULL || !g_strv_contains (dozor_incident_types (), type))
        return refuse (error, where, _("not an incident type (docs/api.md, “Incident”)"));
      g_strv_builder_add (types, type);
    }
  procedure->incident_types = g_strv_builder_end (types);
  return TRUE;
}

static gboolean
read_steps (JsonObject         *object,
            const char         *path,
            DozorSopProcedure  *procedure,
            GError            **error)
{
  static const char *const step_members[] = { "id", "text", NULL };
  JsonNode *node = member (object, "steps", path, JSON_NODE_ARRAY, error);
  JsonArray *array;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  if (node == NULL)
    return FALSE;
  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0 || json_array_get_length (array) > MAX_STEPS)
    {
      g_autofree char *where = g_strdup_printf ("%s.steps", path);
      g_autofree char *why = g_strdup_printf (_("must hold 1 to %u steps"), MAX_STEPS);

      return refuse (error, where, why);
    }
  procedure->steps = g_ptr_array_new_with_free_func (step_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      g_autofree char *where = g_strdup_printf ("%s.steps[%u]", path, i);
      DozorSopStep *step;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        return refuse (error, where, _("must be an object"));
      if (!only_members (json_node_get_object (item), where, step_members, error))
        return FALSE;
      step = g_new0 (DozorSopStep, 1);
      g_ptr_array_add (procedure->steps, step);
      if (!read_id (json_node_get_object (item), where, &step->id, error) ||
          !read_translations (json_node_get_object (item), "text", where, MAX_STEP_CHARS, step->text, error))
        return FALSE;
      if (!g_hash_table_add (ids, step->id))
        {
          g_autofree char *id_path = g_strdup_printf ("%s.id", where);

          return refuse (error, id_path, _("another step of this procedure has it"));
        }
    }
  return TRUE;
}

static gboolean
read_catalogue (DozorSopCatalogue *self,
                JsonNode          *root,
                GError           **error)
{
  static const char *const top_members[] = { "format", "version", "procedures", NULL };
  static const char *const procedure_members[] = { "id", "incident_types", "title", "steps", NULL };
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *top;
  JsonNode *node;
  JsonArray *procedures;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return refuse (error, _("the file"), _("must be a JSON object"));
  top = json_node_get_object (root);
  if (!only_members (top, "", top_members, error))
    return FALSE;
  if (g_strcmp0 (dozor_json_get_string (top, "format"), "dozor-sop") != 0)
    return refuse (error, "format", _("must be “dozor-sop”"));
  node = json_object_get_member (top, "version");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) != 1)
    return refuse (error, "version", _("must be 1, the only version this board reads"));
  node = member (top, "procedures", "", JSON_NODE_ARRAY, error);
  if (node == NULL)
    return FALSE;
  procedures = json_node_get_array (node);
  if (json_array_get_length (procedures) > MAX_PROCEDURES)
    return refuse (error, "procedures", _("too many procedures"));

  for (guint i = 0; i < json_array_get_length (procedures); i++)
    {
      JsonNode *item = json_array_get_element (procedures, i);
      g_autofree char *where = g_strdup_printf ("procedures[%u]", i);
      DozorSopProcedure *procedure;
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        return refuse (error, where, _("must be an object"));
      object = json_node_get_object (item);
      if (!only_members (object, where, procedure_members, error))
        return FALSE;
      procedure = g_new0 (DozorSopProcedure, 1);
      g_ptr_array_add (self->procedures, procedure);
      if (!read_id (object, where, &procedure->id, error) ||
          !read_types (object, where, procedure, error) ||
          !read_translations (object, "title", where, MAX_TITLE_CHARS, procedure->title, error) ||
          !read_steps (object, where, procedure, error))
        return FALSE;
      if (!g_hash_table_add (ids, procedure->id))
        {
          g_autofree char *id_path = g_strdup_printf ("%s.id", where);

          return refuse (error, id_path, _("another procedure has it"));
        }
    }
  return TRUE;
}

/**
 * dozor_sop_catalogue_new_from_data:
 * @data: the catalogue's text (docs/sop.md)
 * @length: its length in bytes
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the catalogue, or %NULL with @error set
 */
DozorSopCatalogue *
dozor_sop_catalogue_new_from_data (const char *data,
                                   gsize       length,
                                   GError    **error)
{
  g_autoptr(DozorSopCatalogue) self = NULL;
  g_autoptr(JsonNode) root = dozor_json_parse (data, length, MAX_FILE_BYTES, error);

  if (root == NULL)
    return NULL;
  self = g_object_new (DOZOR_TYPE_SOP_CATALOGUE, NULL);
  if (!read_catalogue (self, root, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * dozor_sop_catalogue_load:
 * @path: a catalogue file
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the catalogue, or %NULL with @error set, its
 *   message starting with the file's name
 */
DozorSopCatalogue *
dozor_sop_catalogue_load (const char *path,
                          GError    **error)
{
  g_autofree char *data = NULL;
  gsize length;
  DozorSopCatalogue *self;

  if (!g_file_get_contents (path, &data, &length, error))
    return NULL;
  self = dozor_sop_catalogue_new_from_data (data, length, error);
  if (self == NULL)
    g_prefix_error (error, "%s: ", path);
  return self;
}

guint
dozor_sop_catalogue_get_n_procedures (DozorSopCatalogue *self)
{
  g_return_val_if_fail (DOZOR_IS_SOP_CATALOGUE (self), 0);

  return self->procedures->len;
}

/**
 * dozor_sop_catalogue_get_procedure:
 * @self: a #DozorSopCatalogue
 * @index: which, in the file's order
 *
 * Returns: (transfer none): the procedure
 */
const DozorSopProcedure *
dozor_sop_catalogue_get_procedure (DozorSopCatalogue *self,
                                   guint              index)
{
  g_return_val_if_fail (DOZOR_IS_SOP_CATALOGUE (self), NULL);
  g_return_val_if_fail (index < self->procedures->len, NULL);

  return g_ptr_array_index (self->procedures, index);
}

/**
 * dozor_sop_catalogue_find:
 * @self: a #DozorSopCatalogue
 * @id: a procedure's id
 *
 * Returns: (transfer none) (nullable): the procedure with that id
 */
const DozorSopProcedure *
dozor_sop_catalogue_find (DozorSopCatalogue *self,
                          const char        *id)
{
  g_return_val_if_fail (DOZOR_IS_SOP_CATALOGUE (self), NULL);

  for (guint i = 0; i < self->procedures->len; i++)
    {
      const DozorSopProcedure *procedure = g_ptr_array_index (self->procedures, i);

      if (g_strcmp0 (procedure->id, id) == 0)
        return procedure;
    }
  return NULL;
}

/**
 * dozor_sop_catalogue_for_type:
 * @self: a #DozorSopCatalogue
 * @incident_type: an incident's type
 *
 * Returns: (transfer container) (element-type DozorSopProcedure): the
 *   procedures for incidents of that type, in the file's order; may be empty
 */
GPtrArray *
dozor_sop_catalogue_for_type (DozorSopCatalogue *self,
                              const char        *incident_type)
{
  GPtrArray *found = g_ptr_array_new ();

  g_return_val_if_fail (DOZOR_IS_SOP_CATALOGUE (self), found);

  for (guint i = 0; i < self->procedures->len; i++)
    {
      DozorSopProcedure *procedure = g_ptr_array_index (self->procedures, i);

      if (incident_type != NULL && g_strv_contains ((const char *const *) procedure->incident_types, incident_type))
        g_ptr_array_add (found, procedure);
    }
  return found;
}

/**
 * dozor_sop_language:
 * @language_names: (array zero-terminated=1): the user's languages, best
 *   first, as g_get_language_names() gives them
 *
 * Returns: the index, in %DOZOR_SOP_LANGUAGES, of the first of the user's
 *   languages a catalogue is written in; English when none is
 */
int
dozor_sop_language (const char *const *language_names)
{
  for (guint i = 0; language_names != NULL && language_names[i] != NULL; i++)
    for (guint l = 0; l < DOZOR_SOP_N_LANGUAGES; l++)
      {
        gsize n = strlen (languages[l]);

        /* "kk", "kk_KZ", "kk_KZ.UTF-8", "ru_RU@…", not "kkj". */
        if (strncmp (language_names[i], languages[l], n) == 0 &&
            strchr ("_.@", language_names[i][n]) != NULL)
          return (int) l;
      }
  return 0;
}
