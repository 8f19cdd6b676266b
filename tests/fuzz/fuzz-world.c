/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The fuzz targets' database: made once per process through the store's
 * own API (as dozorctl and the routes do), then copied for each target
 * that needs a fresh one. See fuzz-world.h for the placeholders.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "fuzz-world.h"
#include "test-files.h"

#define PASSWORD "correct horse battery"
#define TOKEN_LENGTH 64

static const struct
{
  const char *name;
  const char *role;
} users[] = {
  { "sup", "supervisor" },
  { "op", "operator" },
  { "wall", "wall" },
  { "tracker", "tracker" },
};

/* What each entity is made from: small, and valid by docs/api.md. */
static const char *const entity_bodies[] = {
  [FUZZ_UNIT] = "{\"call_sign\": \"Беркут-1\", \"kind\": \"car\", \"crew\": [\"Ахметов\", \"Ким\"]}",
  [FUZZ_FREE_UNIT] = "{\"call_sign\": \"Беркут-2\", \"kind\": \"foot\"}",
  [FUZZ_INCIDENT] = "{\"type\": \"robbery\", \"priority\": 1, \"location\": {\"lat\": 43.25, \"lon\": 76.95},"
                    " \"address\": \"пр. Абая, 10\"}",
  [FUZZ_DISTRICT] = "{\"kind\": \"district\", \"name\": \"Алмалинский\", \"geometry\": {\"type\": \"Polygon\","
                    " \"coordinates\": [[[76.90, 43.23], [76.96, 43.23], [76.96, 43.27], [76.90, 43.27],"
                    " [76.90, 43.23]]]}}",
  [FUZZ_SECTOR] = "{\"kind\": \"sector\", \"name\": \"Алмалы-1\", \"parent_id\": \"@DISTRICT@\","
                  " \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[76.91, 43.24], [76.93, 43.24],"
                  " [76.93, 43.26], [76.91, 43.26], [76.91, 43.24]]]}}",
  [FUZZ_ROUTE] = "{\"name\": \"Алмалы-1\", \"zone_id\": \"@SECTOR@\", \"unit_id\": \"@UNIT@\","
                 " \"shift_start\": \"2026-11-22T03:00:00Z\", \"shift_end\": \"2026-11-22T15:00:00Z\","
                 " \"geometry\": {\"type\": \"LineString\", \"coordinates\": [[76.911, 43.241],"
                 " [76.925, 43.25], [76.911, 43.241]]}}",
  [FUZZ_PLACE] = "{\"kind\": \"camera\", \"name\": \"Камера, пл. Республики\", \"location\": {\"lat\": 43.2389,"
                 " \"lon\": 76.9453}, \"stream_url\": \"rtsp://10.0.0.5/cam1\"}",
};

static char *directory;
static char *template_path;
static char *tokens[G_N_ELEMENTS (users)];
static char *ids[FUZZ_N_ENTITIES];

static char *
token_placeholder (guint user)
{
  char *text = g_strnfill (TOKEN_LENGTH, '0');

  text[TOKEN_LENGTH - 1] = '1' + user;
  return text;
}

static char *
id_placeholder (FuzzEntity entity)
{
  return g_strdup_printf ("00000000-0000-4000-8000-%012d", entity);
}

static JsonObject *
parse_object (const char *text,
              JsonNode  **root)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  *root = json_node_copy (json_parser_get_root (parser));
  return json_node_get_object (*root);
}

static void
keep_id (FuzzEntity entity,
         JsonNode  *made)
{
  g_assert_nonnull (made);
  ids[entity] = g_strdup (json_object_get_string_member (json_node_get_object (made), "id"));
  json_node_unref (made);
}

static void
name_in (char      **text,
         const char *marker,
         const char *id)
{
  g_auto(GStrv) parts = NULL;

  if (id == NULL)
    return;
  parts = g_strsplit (*text, marker, -1);
  g_free (*text);
  *text = g_strjoinv (id, parts);
}

static void
make_entities (DozorStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;
  JsonNode *current = NULL;

  g_assert_true (dozor_store_begin (store, &error));
  for (FuzzEntity entity = FUZZ_UNIT; entity < FUZZ_DISPATCH; entity++)
    {
      g_autofree char *with_ids = g_strdup (entity_bodies[entity]);
      g_autoptr(JsonNode) root = NULL;
      JsonObject *body;
      JsonNode *made;

      /* Later entities name earlier ones. */
      name_in (&with_ids, "@DISTRICT@", ids[FUZZ_DISTRICT]);
      name_in (&with_ids, "@SECTOR@", ids[FUZZ_SECTOR]);
      name_in (&with_ids, "@UNIT@", ids[FUZZ_UNIT]);

      body = parse_object (with_ids, &root);
      switch (entity)
        {
        case FUZZ_UNIT:
        case FUZZ_FREE_UNIT:
          made = dozor_store_create_unit (store, body, &error);
          break;
        case FUZZ_INCIDENT:
          made = dozor_store_create_incident (store, body, &error);
          break;
        case FUZZ_DISTRICT:
        case FUZZ_SECTOR:
          made = dozor_store_create_zone (store, body, &error);
          break;
        case FUZZ_ROUTE:
          made = dozor_store_create_route (store, body, &error);
          break;
        case FUZZ_PLACE:
          made = dozor_store_create_place (store, body, &error);
          break;
        default:
          g_assert_not_reached ();
        }
      g_assert_no_error (error);
      keep_id (entity, made);
    }

  keep_id (FUZZ_DISPATCH, dozor_store_dispatch (store, ids[FUZZ_UNIT], ids[FUZZ_INCIDENT], "sup", &current, &error));
  g_assert_no_error (error);
  events = dozor_store_commit (store, &error);
  g_assert_no_error (error);
}

static void
remove_directory (void)
{
  test_remove_tree (directory);
}

/* The store syncs every commit (synchronous=FULL): on a disk shared with
 * other work that is most of an input's time, in memory it is nothing. */
static char *
make_directory (void)
{
  g_autoptr(GError) error = NULL;
  char *made = NULL;

  if (g_getenv ("TMPDIR") == NULL && g_access ("/dev/shm", W_OK) == 0)
    {
      g_autofree char *in_memory = g_strdup ("/dev/shm/dozor-fuzz-XXXXXX");

      if (g_mkdtemp (in_memory) != NULL)
        made = g_steal_pointer (&in_memory);
    }
  if (made == NULL)
    made = g_dir_make_tmp ("dozor-fuzz-XXXXXX", &error);
  g_assert_no_error (error);
  return made;
}

/**
 * fuzz_world_init:
 *
 * Makes the template database once; later calls do nothing. Hashing the
 * users' passwords (yescrypt) is what makes this worth doing only once.
 */
void
fuzz_world_init (void)
{
  g_autoptr(DozorStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (directory != NULL)
    return;

  directory = make_directory ();
  atexit (remove_directory);
  template_path = g_build_filename (directory, "template.sqlite", NULL);
  store = dozor_store_open (template_path, &error);
  g_assert_no_error (error);

  for (guint u = 0; u < G_N_ELEMENTS (users); u++)
    {
      g_autofree char *role = NULL;
      g_autofree char *hash = NULL;
      gint64 expires_at;

      /* The harness made the user: its password needs no checking. */
      g_assert_true (dozor_store_add_user (store, users[u].name, users[u].role, PASSWORD, &error));
      hash = dozor_store_get_password_hash (store, users[u].name);
      tokens[u] = dozor_store_open_session (store, users[u].name, hash, &role, &expires_at, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (strlen (tokens[u]), ==, TOKEN_LENGTH);
    }

  make_entities (store);
}

const char *
fuzz_world_get_dir (void)
{
  return directory;
}

const char *
fuzz_world_get_id (FuzzEntity entity)
{
  g_assert (entity > 0 && entity < FUZZ_N_ENTITIES);
  return ids[entity];
}

/**
 * fuzz_world_open_copy:
 * @path: where the copy goes; whatever was there is replaced
 *
 * Returns: (transfer full): a store over a fresh copy of the template
 */
DozorStore *
fuzz_world_open_copy (const char *path)
{
  g_autoptr(GFile) source = g_file_new_for_path (template_path);
  g_autoptr(GFile) target = g_file_new_for_path (path);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(GError) error = NULL;
  DozorStore *store;

  /* The template was closed, so its WAL is checkpointed into the file. */
  g_unlink (wal);
  g_unlink (shm);
  g_assert_true (g_file_copy (source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error));
  store = dozor_store_open (path, &error);
  g_assert_no_error (error);
  return store;
}

static void
replace_all (GByteArray *array,
             const char *placeholder,
             const char *real)
{
  gsize length = strlen (placeholder);

  g_assert_cmpuint (strlen (real), ==, length);
  for (gsize at = 0; at + length <= array->len; at++)
    if (memcmp (array->data + at, placeholder, length) == 0)
      {
        memcpy (array->data + at, real, length);
        at += length - 1;
      }
}

/**
 * fuzz_world_substitute:
 * @data: an input
 * @size: its length
 *
 * Returns: (transfer full): the input with the real tokens and ids in
 *   place of their placeholders, of the same length
 */
GByteArray *
fuzz_world_substitute (const guint8 *data,
                       gsize         size)
{
  GByteArray *array = g_byte_array_sized_new (size);

  g_byte_array_append (array, data, size);
  for (guint u = 0; u < G_N_ELEMENTS (users); u++)
    {
      g_autofree char *placeholder = token_placeholder (u);

      replace_all (array, placeholder, tokens[u]);
    }
  for (FuzzEntity entity = FUZZ_UNIT; entity < FUZZ_N_ENTITIES; entity++)
    {
      g_autofree char *placeholder = id_placeholder (entity);

      replace_all (array, placeholder, ids[entity]);
    }
  return array;
}
