/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * No GNOME runtime can be had offline, so flatpak-builder cannot run here.
 * This keeps the manifest well formed and in step with what meson builds:
 * the app id, the command, the sandbox and the module list.
 *
 * Every check reports what is wrong and carries on, so that a broken manifest
 * gets all its problems named, not only the first.
 */
#include <json-glib/json-glib.h>

static const char *manifest_path;

/* Names the problem on its own line and marks the test failed, then carries
 * on, so that one run lists everything wrong with a test's part of the
 * manifest (GLib keeps only the last message for the "not ok" line). */
static void report (const char *format, ...) G_GNUC_PRINTF (1, 2);

static void
report (const char *format,
        ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_test_message ("%s", message);
  g_test_fail_printf ("%s", message);
}

/* Typed accessors that answer NULL instead of emitting criticals (the tests
 * run with fatal-criticals) when a member is missing or of another type. */
static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static JsonArray *
get_array (JsonObject *object,
           const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  return json_node_get_array (node);
}

static JsonObject *
get_object_element (JsonArray *array,
                    guint      index)
{
  JsonNode *node = json_array_get_element (array, index);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_node_get_object (node);
}

static const char *
get_string_element (JsonArray *array,
                    guint      index)
{
  JsonNode *node = json_array_get_element (array, index);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* The parser owns the tree; the returned object lives as long as it does. */
static JsonObject *
load_manifest (JsonParser *parser)
{
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  if (!json_parser_load_from_file (parser, manifest_path, &error))
    {
      report ("%s does not parse as JSON: %s", manifest_path, error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      report ("the root of %s is not a JSON object", manifest_path);
      return NULL;
    }

  return json_node_get_object (root);
}

static void
test_json (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  load_manifest (parser);
}

static void
test_identity (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *manifest = load_manifest (parser);
  const char *id;
  const char *app_id;

  if (manifest == NULL)
    return;

  /* flatpak-builder takes either spelling; if both are there they must agree. */
  id = get_string (manifest, "id");
  app_id = get_string (manifest, "app-id");
  if (id == NULL && app_id == NULL)
    report ("the manifest has no id (or app-id)");
  if (id != NULL && g_strcmp0 (id, APP_ID) != 0)
    report ("id is '%s', meson builds '%s'", id, APP_ID);
  if (app_id != NULL && g_strcmp0 (app_id, APP_ID) != 0)
    report ("app-id is '%s', meson builds '%s'", app_id, APP_ID);

  if (g_strcmp0 (get_string (manifest, "command"), "dozor") != 0)
    report ("command is '%s', the binary meson installs is 'dozor'",
            get_string (manifest, "command"));
}

/* "org.gnome.Sdk//44" → name "org.gnome.Sdk", branch "44"; no branch → NULL. */
static void
split_ref (const char  *ref,
           char       **name,
           char       **branch)
{
  const char *slashes = strstr (ref, "//");

  if (slashes == NULL)
    {
      *name = g_strdup (ref);
      *branch = NULL;
    }
  else
    {
      *name = g_strndup (ref, slashes - ref);
      *branch = g_strdup (slashes + 2);
    }
}

static void
test_runtime (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *manifest = load_manifest (parser);
  g_autofree char *sdk_name = NULL;
  g_autofree char *sdk_branch = NULL;
  const char *runtime;
  const char *version;
  const char *sdk;

  if (manifest == NULL)
    return;

  runtime = get_string (manifest, "runtime");
  version = get_string (manifest, "runtime-version");
  sdk = get_string (manifest, "sdk");

  if (g_strcmp0 (runtime, "org.gnome.Platform") != 0)
    report ("runtime is '%s', not org.gnome.Platform", runtime);
  if (version == NULL || *version == '\0')
    report ("runtime-version is missing");

  if (sdk == NULL)
    {
      report ("sdk is missing");
      return;
    }

  /* The SDK follows runtime-version unless it names a branch of its own,
   * and then that branch must be the same. */
  split_ref (sdk, &sdk_name, &sdk_branch);
  if (g_strcmp0 (sdk_name, "org.gnome.Sdk") != 0)
    report ("sdk is '%s', not org.gnome.Sdk", sdk);
  if (sdk_branch != NULL && g_strcmp0 (sdk_branch, version) != 0)
    report ("sdk branch '%s' differs from runtime-version '%s'", sdk_branch, version);
}

static gboolean
has_arg (JsonArray  *args,
         const char *wanted)
{
  for (guint i = 0; i < json_array_get_length (args); i++)
    if (g_strcmp0 (get_string_element (args, i), wanted) == 0)
      return TRUE;

  return FALSE;
}

/* "--filesystem=home" also covers "--filesystem=home:ro" and sub-paths. */
static gboolean
grants_filesystem (const char *arg,
                   const char *place)
{
  g_autofree char *prefix = g_strconcat ("--filesystem=", place, NULL);
  gsize len = strlen (prefix);

  return strncmp (arg, prefix, len) == 0 &&
         (arg[len] == '\0' || arg[len] == ':' || arg[len] == '/');
}

static void
test_finish_args (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *manifest = load_manifest (parser);
  /* The board talks to the backend and draws on Wayland (or X11 where there
   * is no Wayland) with the GPU; IPC keeps X11's shared memory working. A
   * desk board keeps its token in the desktop's keyring, which it looks for
   * by name on the session bus. */
  static const char *required[] = {
    "--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11", "--device=dri",
    "--talk-name=org.freedesktop.secrets",
  };
  /* Nothing of the user's files, and no plain X11 next to fallback-x11. */
  static const char *forbidden[] = {
    "--socket=x11", "--device=all",
  };
  static const char *forbidden_places[] = {
    "host", "host-os", "host-etc", "home", "~",
  };
  JsonArray *args;

  if (manifest == NULL)
    return;

  args = get_array (manifest, "finish-args");
  if (args == NULL)
    {
      report ("finish-args is missing or not an array");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    if (!has_arg (args, required[i]))
      report ("finish-args lacks %s", required[i]);

  for (guint i = 0; i < json_array_get_length (args); i++)
    {
      const char *arg = get_string_element (args, i);

      if (arg == NULL)
        {
          report ("finish-args[%u] is not a string", i);
          continue;
        }

      for (guint f = 0; f < G_N_ELEMENTS (forbidden); f++)
        if (g_str_equal (arg, forbidden[f]))
          report ("finish-args grants %s", arg);

      for (guint f = 0; f < G_N_ELEMENTS (forbidden_places); f++)
        if (grants_filesystem (arg, forbidden_places[f]))
          report ("finish-args grants %s", arg);
    }
}

static void
check_source (const char *module,
              guint       index,
              JsonObject *source)
{
  const char *type;

  if (source == NULL)
    {
      report ("source %u of module %s is not an object", index, module);
      return;
    }

  type = get_string (source, "type");
  if (type == NULL)
    {
      report ("source %u of module %s has no type", index, module);
      return;
    }

  if (g_str_equal (type, "git"))
    {
      if (get_string (source, "url") == NULL)
        report ("git source of %s has no url", module);
      /* Without one of these flatpak-builder builds whatever the default
       * branch holds that day. */
      if (get_string (source, "tag") == NULL && get_string (source, "commit") == NULL &&
          get_string (source, "branch") == NULL)
        report ("git source of %s names no tag, commit or branch", module);
    }
  else if (g_str_equal (type, "archive"))
    {
      if (get_string (source, "url") == NULL)
        report ("archive source of %s has no url", module);
      if (get_string (source, "sha256") == NULL)
        report ("archive source of %s has no sha256", module);
    }
  else if (g_str_equal (type, "file"))
    {
      if (get_string (source, "url") == NULL && get_string (source, "path") == NULL)
        report ("file source of %s has neither url nor path", module);
      if (get_string (source, "url") != NULL && get_string (source, "sha256") == NULL)
        report ("file source of %s has a url but no sha256", module);
    }
  else if (g_str_equal (type, "dir"))
    {
      if (get_string (source, "path") == NULL)
        report ("dir source of %s has no path", module);
    }
}

static void
test_modules (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *manifest = load_manifest (parser);
  JsonArray *modules;
  guint n;

  if (manifest == NULL)
    return;

  modules = get_array (manifest, "modules");
  if (modules == NULL || (n = json_array_get_length (modules)) == 0)
    {
      report ("modules is missing, not an array or empty");
      return;
    }

  for (guint i = 0; i < n; i++)
    {
      JsonObject *module = get_object_element (modules, i);
      const char *name;
      JsonArray *sources;

      if (module == NULL)
        {
          /* A string would name a module file; this manifest keeps them inline. */
          report ("module %u is not an object", i);
          continue;
        }

      name = get_string (module, "name");
      if (name == NULL)
        {
          report ("module %u has no name", i);
          name = "(unnamed)";
        }
      else if (!g_hash_table_add (names, (gpointer) name))
        report ("two modules are named %s", name);

      if (get_string (module, "buildsystem") == NULL)
        report ("module %s has no buildsystem", name);

      sources = get_array (module, "sources");
      if (sources == NULL || json_array_get_length (sources) == 0)
        {
          report ("module %s has no sources", name);
          continue;
        }

      for (guint s = 0; s < json_array_get_length (sources); s++)
        check_source (name, s, get_object_element (sources, s));
    }
}

static void
test_app_module (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *manifest = load_manifest (parser);
  JsonArray *modules;
  JsonObject *last;
  JsonArray *sources;
  gboolean has_dir = FALSE;

  if (manifest == NULL)
    return;

  modules = get_array (manifest, "modules");
  if (modules == NULL || json_array_get_length (modules) == 0)
    {
      report ("modules is missing, not an array or empty");
      return;
    }

  /* The application itself comes last, built with meson from this tree. */
  last = get_object_element (modules, json_array_get_length (modules) - 1);
  if (last == NULL)
    {
      report ("the last module is not an object");
      return;
    }

  if (g_strcmp0 (get_string (last, "name"), "dozor") != 0)
    report ("the last module is '%s', not dozor", get_string (last, "name"));
  if (g_strcmp0 (get_string (last, "buildsystem"), "meson") != 0)
    report ("the dozor module is built with '%s', not meson",
            get_string (last, "buildsystem"));

  sources = get_array (last, "sources");
  for (guint i = 0; sources != NULL && i < json_array_get_length (sources); i++)
    {
      JsonObject *source = get_object_element (sources, i);

      if (source != NULL && g_strcmp0 (get_string (source, "type"), "dir") == 0)
        has_dir = TRUE;
    }
  if (!has_dir)
    report ("the dozor module is not built from a dir source (this tree)");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (argc < 2)
    {
      g_printerr ("usage: %s [test options] MANIFEST\n", argv[0]);
      return 2;
    }
  manifest_path = argv[1];

  g_test_add_func ("/flatpak/json", test_json);
  g_test_add_func ("/flatpak/identity", test_identity);
  g_test_add_func ("/flatpak/runtime", test_runtime);
  g_test_add_func ("/flatpak/finish-args", test_finish_args);
  g_test_add_func ("/flatpak/modules", test_modules);
  g_test_add_func ("/flatpak/app-module", test_app_module);

  return g_test_run ();
}
