/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * No GNOME runtime can be had offline, so flatpak-builder cannot run here.
 * This keeps the manifest well formed and in step with what meson builds.
 */
#include <json-glib/json-glib.h>

static const char *manifest_path;

static JsonObject *
load_manifest (JsonParser *parser)
{
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  g_assert_true (json_parser_load_from_file (parser, manifest_path, &error));
  g_assert_no_error (error);

  root = json_parser_get_root (parser);
  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return json_node_get_object (root);
}

static void
test_identity (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *manifest = load_manifest (parser);
  const char *id = json_object_get_string_member_with_default (manifest, "id",
                     json_object_get_string_member_with_default (manifest, "app-id", NULL));

  g_assert_cmpstr (id, ==, APP_ID);
  g_assert_cmpstr (json_object_get_string_member_with_default (manifest, "command", NULL), ==, "dozor");
  g_assert_cmpstr (json_object_get_string_member_with_default (manifest, "runtime", NULL), ==,
                   "org.gnome.Platform");
  g_assert_cmpstr (json_object_get_string_member_with_default (manifest, "sdk", NULL), ==,
                   "org.gnome.Sdk");
  g_assert_nonnull (json_object_get_string_member_with_default (manifest, "runtime-version", NULL));
}

static gboolean
has_arg (JsonArray  *args,
         const char *wanted)
{
  for (guint i = 0; i < json_array_get_length (args); i++)
    if (g_strcmp0 (json_array_get_string_element (args, i), wanted) == 0)
      return TRUE;

  return FALSE;
}

static void
test_finish_args (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *manifest = load_manifest (parser);
  static const char *required[] = {
    "--share=network", "--socket=wayland", "--socket=fallback-x11", "--device=dri",
  };
  /* A board needs the network and a display, nothing of the user's files. */
  static const char *forbidden[] = {
    "--filesystem=host", "--filesystem=home", "--socket=x11", "--device=all",
  };
  JsonArray *args;

  g_assert_true (json_object_has_member (manifest, "finish-args"));
  args = json_object_get_array_member (manifest, "finish-args");

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    if (!has_arg (args, required[i]))
      g_error ("finish-args lacks %s", required[i]);

  for (guint i = 0; i < G_N_ELEMENTS (forbidden); i++)
    if (has_arg (args, forbidden[i]))
      g_error ("finish-args grants %s", forbidden[i]);
}

static void
check_source (const char *module,
              JsonObject *source)
{
  const char *type = json_object_get_string_member_with_default (source, "type", NULL);

  if (type == NULL)
    g_error ("a source of module %s has no type", module);

  if (g_str_equal (type, "git"))
    {
      if (!json_object_has_member (source, "url"))
        g_error ("git source of %s has no url", module);
      if (!json_object_has_member (source, "tag") && !json_object_has_member (source, "commit") &&
          !json_object_has_member (source, "branch"))
        g_error ("git source of %s names no tag, commit or branch", module);
    }
  else if (g_str_equal (type, "archive") || g_str_equal (type, "file"))
    {
      if (!json_object_has_member (source, "url") && !json_object_has_member (source, "path"))
        g_error ("%s source of %s has neither url nor path", type, module);
      if (json_object_has_member (source, "url") && !json_object_has_member (source, "sha256"))
        g_error ("%s source of %s has no sha256", type, module);
    }
  else if (g_str_equal (type, "dir"))
    {
      if (!json_object_has_member (source, "path"))
        g_error ("dir source of %s has no path", module);
    }
}

static void
test_modules (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *manifest = load_manifest (parser);
  JsonArray *modules;
  JsonObject *last;
  guint n;

  g_assert_true (json_object_has_member (manifest, "modules"));
  modules = json_object_get_array_member (manifest, "modules");
  n = json_array_get_length (modules);
  g_assert_cmpuint (n, >, 0);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *module = json_array_get_object_element (modules, i);
      const char *name;
      JsonArray *sources;

      g_assert_nonnull (module);
      name = json_object_get_string_member_with_default (module, "name", NULL);
      g_assert_nonnull (name);
      g_assert_nonnull (json_object_get_string_member_with_default (module, "buildsystem", NULL));

      g_assert_true (json_object_has_member (module, "sources"));
      sources = json_object_get_array_member (module, "sources");
      g_assert_cmpuint (json_array_get_length (sources), >, 0);
      for (guint s = 0; s < json_array_get_length (sources); s++)
        check_source (name, json_array_get_object_element (sources, s));
    }

  /* The application itself comes last, built with meson from this tree. */
  last = json_array_get_object_element (modules, n - 1);
  g_assert_cmpstr (json_object_get_string_member (last, "name"), ==, "dozor");
  g_assert_cmpstr (json_object_get_string_member (last, "buildsystem"), ==, "meson");
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (json_object_get_array_member (last, "sources"), 0),
                     "type"), ==, "dir");
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

  g_test_add_func ("/flatpak/identity", test_identity);
  g_test_add_func ("/flatpak/finish-args", test_finish_args);
  g_test_add_func ("/flatpak/modules", test_modules);

  return g_test_run ();
}
