/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * a11y-tree [--extents | --find ROLE NAME] APP-NAME: prints what a screen reader sees of a
 * running application, through the accessibility bus as Orca reads it: one
 * line per accessible object, "ROLE<TAB>NAME<TAB>DESCRIPTION", depth first.
 * For the UI tests (board-legend.sh). Bounded: at most 20,000 objects, 64
 * deep.
 *
 * With --extents, each line ends in "<TAB>X Y WIDTH HEIGHT", where the
 * object lies in its window (GTK 4 knows no screen position), or "-" for
 * one that has none: so a script finds a button or a page tab by the name
 * it has in the board's language, not by a position that moves when the
 * layout does (docs/guide/make-screenshots.sh).
 *
 * With --find ROLE NAME, only the first object of that role and name is
 * printed, with its extents, then "native X Y W H", its window's content
 * (see print_native), and the walk stops there (exit status 1 when there
 * is none). The application's windows are searched newest first (a
 * dialog just opened before the main window). The rows of lists and
 * tables are not searched: a board
 * has thousands, and each costs the board's main thread a few calls.
 */
#include <gio/gio.h>
#include <stdio.h>

#define MAX_OBJECTS 20000
#define MAX_DEPTH 64
#define ACCESSIBLE "org.a11y.atspi.Accessible"

static guint n_objects;
static gboolean extents;
static const char *find_role, *find_name;
static gboolean found_it;

static GVariant *
call (GDBusConnection *bus,
      const char      *name,
      const char      *path,
      const char      *iface,
      const char      *method,
      GVariant        *args,
      const char      *type)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply = g_dbus_connection_call_sync (bus, name, path, iface, method, args, G_VARIANT_TYPE (type),
                                                 G_DBUS_CALL_FLAGS_NONE, 20000, NULL, &error);

  if (reply == NULL)
    g_printerr ("a11y-tree: %s %s.%s: %s\n", path, iface, method, error->message);
  return reply;
}

static char *
property (GDBusConnection *bus,
          const char      *name,
          const char      *path,
          const char      *property_name)
{
  g_autoptr(GVariant) reply = call (bus, name, path, "org.freedesktop.DBus.Properties", "Get",
                                    g_variant_new ("(ss)", ACCESSIBLE, property_name), "(v)");
  g_autoptr(GVariant) value = NULL;

  if (reply == NULL)
    return g_strdup ("");
  g_variant_get (reply, "(v)", &value);
  return g_variant_is_of_type (value, G_VARIANT_TYPE_STRING) ? g_variant_dup_string (value, NULL) : g_strdup ("");
}

/* Where the object lies in its window, or FALSE for one that is no
 * component (no error printed for those). */
static gboolean
get_extents (GDBusConnection *bus,
             const char      *name,
             const char      *path,
             int              box[4])
{
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync (bus, name, path, "org.a11y.atspi.Component", "GetExtents",
                                                           g_variant_new ("(u)", 1), G_VARIANT_TYPE ("((iiii))"),
                                                           G_DBUS_CALL_FLAGS_NONE, 20000, NULL, NULL);

  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "((iiii))", &box[0], &box[1], &box[2], &box[3]);
  return TRUE;
}

/* One line: ROLE, NAME, DESCRIPTION and, with --extents, where it is. */
static void
print_object (GDBusConnection *bus,
              const char      *name,
              const char      *path,
              const char      *role_name,
              const char      *label,
              const char      *description)
{
  int box[4];

  printf ("%s\t%s\t%s", role_name, label, description);
  if (extents && get_extents (bus, name, path, box))
    printf ("\t%d %d %d %d", box[0], box[1], box[2], box[3]);
  else if (extents)
    printf ("\t-");
  printf ("\n");
}

/* With --find: the nearest ancestor of the object found that lies at 0, 0
 * of its window, a window's or a popover's content, as "native X Y W H":
 * with the size of the window itself, a script learns how far the content
 * lies inside it (the margins GTK draws its shadows and resize borders
 * in). @ancestors holds "name\npath" from the root down. */
static void
print_native (GDBusConnection *bus,
              GPtrArray       *ancestors)
{
  for (guint i = ancestors->len; i > 0; i--)
    {
      g_auto(GStrv) where = g_strsplit (ancestors->pdata[i - 1], "\n", 2);
      int box[4];

      if (get_extents (bus, where[0], where[1], box) && box[0] == 0 && box[1] == 0 && box[2] > 0)
        {
          printf ("native\t%d %d %d %d\n", box[0], box[1], box[2], box[3]);
          return;
        }
    }
}

static GPtrArray *ancestors;

static void
walk (GDBusConnection *bus,
      const char      *name,
      const char      *path,
      guint            depth)
{
  g_autoptr(GVariant) role = NULL;
  g_autoptr(GVariant) children = NULL;
  g_autofree char *label = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GVariantIter) iter = NULL;
  const char *child_name, *child_path, *role_name = "?";

  if (depth > MAX_DEPTH || ++n_objects > MAX_OBJECTS || found_it)
    return;
  role = call (bus, name, path, ACCESSIBLE, "GetRoleName", NULL, "(s)");
  label = property (bus, name, path, "Name");
  if (role != NULL)
    g_variant_get (role, "(&s)", &role_name);
  if (find_role != NULL)
    {
      if (g_str_equal (role_name, "list") || g_str_equal (role_name, "table") || g_str_equal (role_name, "tree table"))
        return;
      found_it = g_str_equal (role_name, find_role) && g_str_equal (label, find_name);
    }
  if (find_role == NULL || found_it)
    {
      description = property (bus, name, path, "Description");
      print_object (bus, name, path, role_name, label, description);
    }
  if (found_it)
    {
      print_native (bus, ancestors);
      return;
    }

  children = call (bus, name, path, ACCESSIBLE, "GetChildren", NULL, "(a(so))");
  if (children == NULL)
    return;
  g_ptr_array_add (ancestors, g_strdup_printf ("%s\n%s", name, path));
  g_variant_get (children, "(a(so))", &iter);
  if (depth == 0 && find_role != NULL)
    {
      /* The application's windows, newest first: what a script looks for
       * is mostly in the dialog it just opened, and the main window may
       * hold more objects than the bound before the walk reaches it. */
      g_autoptr(GPtrArray) windows = g_ptr_array_new_with_free_func (g_free);

      while (g_variant_iter_next (iter, "(&s&o)", &child_name, &child_path))
        g_ptr_array_add (windows, g_strdup_printf ("%s\n%s", child_name, child_path));
      for (guint i = windows->len; i > 0; i--)
        {
          g_auto(GStrv) window = g_strsplit (windows->pdata[i - 1], "\n", 2);

          walk (bus, window[0], window[1], depth + 1);
        }
    }
  else
    while (g_variant_iter_next (iter, "(&s&o)", &child_name, &child_path))
      walk (bus, child_name, child_path, depth + 1);
  g_ptr_array_remove_index (ancestors, ancestors->len - 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) session = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autoptr(GVariant) apps = NULL;
  g_autoptr(GVariantIter) iter = NULL;
  const char *app_name, *app_path, *bus_address;
  gboolean found = FALSE;

  ancestors = g_ptr_array_new_with_free_func (g_free);
  if (argc == 3 && g_str_equal (argv[1], "--extents"))
    {
      extents = TRUE;
      argv[1] = argv[2];
      argc--;
    }
  else if (argc == 5 && g_str_equal (argv[1], "--find"))
    {
      extents = TRUE;
      find_role = argv[2];
      find_name = argv[3];
      argv[1] = argv[4];
      argc = 2;
    }
  if (argc != 2)
    {
      g_printerr ("usage: a11y-tree [--extents | --find ROLE NAME] APP-NAME\n");
      return 2;
    }

  session = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (session == NULL || (address = call (session, "org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus",
                                          "GetAddress", NULL, "(s)")) == NULL)
    {
      g_printerr ("a11y-tree: no accessibility bus\n");
      return 1;
    }
  g_variant_get (address, "(&s)", &bus_address);
  bus = g_dbus_connection_new_for_address_sync (bus_address,
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                  G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, &error);
  if (bus == NULL)
    {
      g_printerr ("a11y-tree: %s\n", error->message);
      return 1;
    }

  apps = call (bus, "org.a11y.atspi.Registry", "/org/a11y/atspi/accessible/root", ACCESSIBLE, "GetChildren",
               NULL, "(a(so))");
  if (apps == NULL)
    return 1;
  g_variant_get (apps, "(a(so))", &iter);
  while (g_variant_iter_next (iter, "(&s&o)", &app_name, &app_path))
    {
      g_autofree char *label = property (bus, app_name, app_path, "Name");

      if (g_strcmp0 (label, argv[1]) != 0)
        continue;
      found = TRUE;
      walk (bus, app_name, app_path, 0);
    }
  if (!found)
    {
      g_autoptr(GString) names = g_string_new (NULL);

      g_variant_iter_free (iter);
      g_variant_get (apps, "(a(so))", &iter);
      while (g_variant_iter_next (iter, "(&s&o)", &app_name, &app_path))
        {
          g_autofree char *label = property (bus, app_name, app_path, "Name");

          g_string_append_printf (names, "%s“%s”", names->len > 0 ? ", " : "", label);
        }
      g_printerr ("a11y-tree: no application “%s” on the accessibility bus (there: %s)\n", argv[1],
                  names->len > 0 ? names->str : "none");
    }
  g_ptr_array_unref (ancestors);
  if (find_role != NULL)
    return found_it ? 0 : 1;
  return found ? 0 : 1;
}
