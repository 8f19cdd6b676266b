/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

#include "dozor-application.h"
#include "dozor-cut-labels.h"
#include "dozor-guide.h"
#include "dozor-basemap.h"
#include "dozor-geo.h"
#include "dozor-keyring.h"
#include "dozor-local-copy.h"
#include "dozor-memory.h"
#include "dozor-sync-client.h"
#include "dozor-renderer.h"
#include "dozor-wall-config.h"
#include "dozor-wall-coverage.h"
#include "dozor-wall.h"
#include "dozor-window.h"

/* Exit status for a command line that cannot be obeyed, as sysexits' EX_USAGE
 * would be too clever: service units only need "not 0, not 1". */
#define EXIT_BAD_USAGE 2

struct _DozorApplication
{
  AdwApplication parent_instance;

  GSettings *settings;

  gboolean have_center;
  double center_lat;
  double center_lon;
  gboolean have_zoom;
  double zoom;
  gboolean fullscreen;
  gboolean wall;
  DozorWallConfig *wall_config;  /* --wall-config, until the wall takes it */
  DozorWall *wall_screens;       /* the configured wall's windows */
  /* Logged in by a person (dialog or keyring), not from a file: a refused
   * login asks again, and the token is kept in the keyring. */
  gboolean desk_login;

  char *backend_url;
  char *import_path;
  char *export_path;
  char *username;
  char *password;
  char *saved_token;   /* from the keyring, instead of the password */
  DozorSituation *situation;
  DozorSyncClient *sync;
  DozorLocalCopy *local_copy;
  gboolean started;    /* the link was started (it exists before that) */
};

G_DEFINE_FINAL_TYPE (DozorApplication, dozor_application, ADW_TYPE_APPLICATION)

/**
 * dozor_application_find_data:
 * @relative_path: a path below the data directory, such as `basemap/x.mbtiles`
 *
 * `DOZOR_DATA_DIR` points at the source tree's data/ when the board runs from
 * the build directory (`meson devenv`) and in tests; otherwise the installed
 * data directory is used.
 *
 * Returns: (transfer full): an absolute path (the file may not exist)
 */
char *
dozor_application_find_data (const char *relative_path)
{
  const char *dir = g_getenv ("DOZOR_DATA_DIR");

  if (dir == NULL || *dir == '\0')
    dir = DOZOR_PKGDATADIR;

  return g_build_filename (dir, relative_path, NULL);
}

static gboolean
parse_double (const char *text,
              double     *value)
{
  char *end = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;

  *value = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && isfinite (*value);
}

static gboolean
parse_center (const char *text,
              double     *lat,
              double     *lon)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  return g_strv_length (parts) == 2 &&
         parse_double (g_strstrip (parts[0]), lat) &&
         parse_double (g_strstrip (parts[1]), lon) &&
         dozor_geo_is_valid_lat_lon (*lat, *lon);
}

/* --backend URL --credentials FILE: a wall or workstation started by a
 * service unit logs in with no clicks. */
static gboolean
parse_backend (DozorApplication *self,
               GVariantDict     *options)
{
  const char *backend = NULL;
  const char *credentials = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;

  g_variant_dict_lookup (options, "backend", "&s", &backend);
  g_variant_dict_lookup (options, "credentials", "^&ay", &credentials);
  if (backend == NULL && credentials == NULL)
    return TRUE;

  if (backend != NULL)
    uri = g_uri_parse (backend, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      g_printerr (_("dozor: --backend takes the server's http:// or https:// address, such as http://127.0.0.1:8470, not “%s”\n"),
                  backend != NULL ? backend : "");
      return FALSE;
    }

  /* At a desk the board asks; nobody types at a wall. */
  if (credentials == NULL && self->wall)
    {
      g_printerr (_("dozor: --wall needs --credentials FILE with the wall user's name and password\n"));
      return FALSE;
    }
  if (credentials == NULL)
    {
      self->backend_url = g_strdup (backend);
      return TRUE;
    }

  if (!dozor_read_credentials (credentials, &self->username, &self->password, &error))
    {
      g_printerr ("dozor: %s\n", error->message);
      return FALSE;
    }

  self->backend_url = g_strdup (backend);
  return TRUE;
}

/* --wall --wall-config FILE: the wall as its administrator configured it
 * once; the file names the backend and the credentials. */
static gboolean
parse_wall_config (DozorApplication *self,
                   GVariantDict     *options)
{
  const char *path = NULL;
  g_autoptr(DozorWallConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  g_variant_dict_lookup (options, "wall-config", "^&ay", &path);
  if (!self->wall || g_variant_dict_contains (options, "backend") || g_variant_dict_contains (options, "credentials"))
    {
      g_printerr (_("dozor: --wall-config FILE goes with --wall, and the file gives the backend and the credentials\n"));
      return FALSE;
    }
  config = dozor_wall_config_load (path, &error);
  if (config == NULL)
    {
      g_printerr ("dozor: %s\n", error->message);
      return FALSE;
    }
  if (!dozor_read_credentials (config->credentials, &self->username, &self->password, &error))
    {
      g_printerr ("dozor: %s\n", error->message);
      return FALSE;
    }
  self->backend_url = g_strdup (config->backend);
  self->wall_config = g_steal_pointer (&config);
  return TRUE;
}

static void prepare_situation (DozorApplication *self);

static int
dozor_application_handle_local_options (GApplication *app,
                                        GVariantDict *options)
{
  DozorApplication *self = DOZOR_APPLICATION (app);
  const char *center = NULL;
  const char *zoom = NULL;

  if (g_variant_dict_lookup (options, "version", "b", NULL))
    {
      g_print ("dozor %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  if (g_variant_dict_lookup (options, "center", "&s", &center))
    {
      if (!parse_center (center, &self->center_lat, &self->center_lon))
        {
          g_printerr (_("dozor: --center takes LAT,LON in degrees, latitude -90…90 and longitude -180…180, not “%s”\n"),
                      center);
          return EXIT_BAD_USAGE;
        }
      self->have_center = TRUE;
    }

  if (g_variant_dict_lookup (options, "zoom", "&s", &zoom))
    {
      if (!parse_double (zoom, &self->zoom) || self->zoom < 0 || self->zoom > DOZOR_BASEMAP_MAX_ZOOM)
        {
          g_printerr (_("dozor: --zoom takes a number from 0 to %d, not “%s”\n"),
                      DOZOR_BASEMAP_MAX_ZOOM, zoom);
          return EXIT_BAD_USAGE;
        }
      self->have_zoom = TRUE;
    }

  self->fullscreen = g_variant_dict_contains (options, "fullscreen");
  self->wall = g_variant_dict_contains (options, "wall");
  if (g_variant_dict_lookup (options, "export", "^ay", &self->export_path) && !g_variant_dict_contains (options, "backend"))
    {
      g_printerr (_("dozor: --export writes what the board shows: give --backend URL\n"));
      return EXIT_BAD_USAGE;
    }
  if (g_variant_dict_lookup (options, "import", "^ay", &self->import_path) &&
      (self->wall || !g_variant_dict_contains (options, "backend")))
    {
      g_printerr (_("dozor: --import needs a desk board: give --backend URL, and not --wall\n"));
      return EXIT_BAD_USAGE;
    }
  if (g_variant_dict_contains (options, "wall-config") && !parse_wall_config (self, options))
    return EXIT_BAD_USAGE;
  if (self->wall && self->wall_config == NULL && !g_variant_dict_contains (options, "backend"))
    {
      g_printerr (_("dozor: --wall shows a backend's situation: give --backend URL and --credentials FILE of a wall user\n"));
      return EXIT_BAD_USAGE;
    }

  if (self->wall_config == NULL && !parse_backend (self, options))
    return EXIT_BAD_USAGE;

  /* Before GTK realizes a window: GTK reads its renderer once. */
  if (self->wall)
    dozor_renderer_choose_for_wall ();

  /* From a credentials file the user is known now, before GTK starts. */
  if (self->backend_url != NULL && self->username != NULL)
    prepare_situation (self);

  return -1;
}

/* The board's own files for this backend and user, in the XDG data dir:
 * the outbox of commands not yet answered, and the last situation. Per
 * user, because the server keeps idempotency keys per user: a command made
 * by one supervisor must never go out under another's name. */
static char *
board_file_path (const char *backend_url,
                 const char *username,
                 const char *what)
{
  g_autoptr(GUri) uri = g_uri_parse (backend_url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *name = g_strdup_printf ("%s-%d-%s", uri != NULL ? g_uri_get_host (uri) : "backend",
                                           uri != NULL ? g_uri_get_port (uri) : 0, username);

  /* Anything but letters, digits, dots and dashes becomes "_". */
  for (char *c = name; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '.' && *c != '-')
      *c = '_';
  return g_strdup_printf ("%s/dozor/board-%s-%s.sqlite", g_get_user_data_dir (), name, what);
}

static void
restored_cb (DozorLocalCopy *copy,
             GParamSpec     *pspec,
             DozorWindow    *board)
{
  dozor_window_set_restored (board, dozor_local_copy_get_restored (copy));
}

/* A snapshot loaded (the copy's or the network's) leaves megabytes of
 * parsed JSON freed behind it. */
static void
situation_loaded_cb (DozorApplication *self,
                     GParamSpec       *pspec,
                     DozorSyncClient  *sync)
{
  if (dozor_sync_client_get_state (sync) == DOZOR_SYNC_LIVE)
    dozor_memory_trim_soon ();
}

/* --export: once, when the first snapshot is in. */
static void
export_when_live_cb (DozorSyncClient *sync,
                     GParamSpec      *pspec,
                     DozorWindow     *board)
{
  DozorApplication *self = DOZOR_APPLICATION (gtk_window_get_application (GTK_WINDOW (board)));

  if (dozor_sync_client_get_state (sync) != DOZOR_SYNC_LIVE || self->export_path == NULL)
    return;
  dozor_window_open_export (board, self->export_path);
  g_clear_pointer (&self->export_path, g_free);
}

/* Only a person logs out: a board started from a credentials file would
 * log in again at its next start. */
static void
set_log_out_enabled (DozorApplication *self,
                     gboolean          enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "log-out");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void logged_in_cb  (DozorApplication *self,
                           const char       *token,
                           gint64            expires_at,
                           DozorSyncClient  *sync);
static void link_state_cb (DozorApplication *self,
                           GParamSpec       *pspec,
                           DozorSyncClient  *sync);

/* The allocator's policy follows the situation's size (dozor-memory.c). */
static void
situation_changed_cb (DozorSituation *situation,
                      guint           what,
                      gpointer        user_data)
{
  dozor_memory_follow_units (dozor_situation_get_units (situation)->len);
}

/* The situation, its link (not yet started) and the local copy come into
 * being as soon as the backend and the user are known, before GTK starts
 * when they are on the command line: the copy is then read and parsed in a
 * worker while GTK, the theme and the window are made, and is on the map
 * from the first frames on. Nothing here waits for the network. */
static void
prepare_situation (DozorApplication *self)
{
  g_autofree char *copy_path = NULL;
  g_autoptr(GError) copy_error = NULL;
  g_autoptr(DozorCache) cache = NULL;

  if (self->situation != NULL)
    return;

  copy_path = board_file_path (self->backend_url, self->username, "situation");
  self->situation = dozor_situation_new ();
  g_signal_connect (self->situation, "changed", G_CALLBACK (situation_changed_cb), NULL);
  self->sync = dozor_sync_client_new (self->backend_url, self->situation);

  /* The last situation, until the network's arrives. Without the file the
   * board still works; it only starts empty. */
  cache = dozor_cache_open (copy_path, &copy_error);
  if (cache != NULL)
    {
      self->local_copy = dozor_local_copy_new (cache, self->situation, self->sync);
      dozor_local_copy_restore (self->local_copy);
    }
  else
    g_warning ("No local copy of the situation: %s", copy_error->message);
}

/* The link, once the user is known: whatever shows it is already following. */
static void
start_link (DozorApplication *self)
{
  self->started = TRUE;
  if (self->password != NULL)
    dozor_sync_client_set_credentials (self->sync, self->username, self->password);
  else
    dozor_sync_client_set_saved_login (self->sync, self->username, self->saved_token);
  if (self->desk_login)
    {
      g_signal_connect_object (self->sync, "logged-in", G_CALLBACK (logged_in_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->sync, "notify::state", G_CALLBACK (link_state_cb), self, G_CONNECT_SWAPPED);
    }
  set_log_out_enabled (self, self->desk_login);
  g_signal_connect_object (self->sync, "notify::state", G_CALLBACK (situation_loaded_cb), self, G_CONNECT_SWAPPED);
  /* The copy's parsed text is freed by now, or soon will be. */
  dozor_memory_trim_soon ();
  dozor_memory_start_trimming ();
  dozor_sync_client_start (self->sync);
}

/* A configured wall shows and never commands: no outbox, and nothing that
 * asks a question (no preferences, no about window, no login). */
static void
start_wall (DozorApplication *self)
{
  prepare_situation (self);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "preferences")), FALSE);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "about")), FALSE);
  if (self->local_copy != NULL)
    dozor_local_copy_show_if_read (self->local_copy);
  self->wall_screens = dozor_wall_new (GTK_APPLICATION (self), g_steal_pointer (&self->wall_config), self->sync,
                                       self->situation, self->local_copy);
  start_link (self);
}

static void
start_sync (DozorApplication *self,
            DozorWindow      *board)
{
  g_autofree char *path = board_file_path (self->backend_url, self->username, "outbox");
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorOutbox) outbox = dozor_outbox_open (path, &error);

  prepare_situation (self);
  if (outbox != NULL)
    dozor_sync_client_set_outbox (self->sync, outbox);
  dozor_window_follow (board, self->sync, self->situation);
  /* A wall board computes no crisis pane; its map's gaps are computed as
   * a configured wall's are. */
  if (self->wall)
    {
      DozorWallCoverage *coverage = dozor_wall_coverage_new (self->situation);

      dozor_wall_coverage_show_on (coverage, dozor_window_get_map_view (board));
      g_object_set_data_full (G_OBJECT (board), "dozor-wall-coverage", coverage, g_object_unref);
    }
  if (self->import_path != NULL)
    dozor_window_open_import (board, self->import_path);
  if (self->export_path != NULL)
    g_signal_connect_object (self->sync, "notify::state", G_CALLBACK (export_when_live_cb), board, 0);
  if (outbox == NULL)
    {
      /* The board still shows the situation; it cannot make commands. */
      g_autofree char *message = g_strdup_printf (_("Commands cannot be made on this board: %s"), error->message);

      g_warning ("%s", message);
      dozor_window_show_message (board, message, 0);
    }

  if (self->local_copy != NULL)
    {
      g_signal_connect_object (self->local_copy, "notify::restored", G_CALLBACK (restored_cb), board, 0);
      /* Read while GTK started: on the map before the window is first
       * drawn, not one main-loop turn after the window's set-up. */
      dozor_local_copy_show_if_read (self->local_copy);
      if (dozor_local_copy_get_restored (self->local_copy) != 0)
        dozor_window_set_restored (board, dozor_local_copy_get_restored (self->local_copy));
    }
  start_link (self);
}

static void ask_login (DozorApplication *self,
                       DozorWindow      *board,
                       const char       *problem);

/* A wrong password ends the link (the client does not retry it): ask
 * again, for the same user, as the outbox and the copy are that user's. */
static void
link_state_cb (DozorApplication *self,
               GParamSpec       *pspec,
               DozorSyncClient  *sync)
{
  GtkWindow *board = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (self->desk_login && dozor_sync_client_get_state (sync) == DOZOR_SYNC_OFFLINE &&
      dozor_sync_client_get_last_error (sync) != NULL && DOZOR_IS_WINDOW (board))
    ask_login (self, DOZOR_WINDOW (board), dozor_sync_client_get_last_error (sync));
}

static void
kept_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Without a keyring the board works as before; it only asks for the
   * password at every start. */
  if (!dozor_keyring_finish (result, &error))
    g_message ("The login is not kept: %s", error->message);
  else
    g_debug ("Login kept in the keyring");
}

/* A person typed the password: keep the shift's token, so that a board
 * restarted during the shift is live again at once. */
static void
logged_in_cb (DozorApplication *self,
              const char       *token,
              gint64            expires_at,
              DozorSyncClient  *sync)
{
  dozor_keyring_keep_login_async (self->backend_url, self->username, token, expires_at, NULL, kept_cb, NULL);
}

static void
found_login_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DozorApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorSavedLogin) login = dozor_keyring_find_login_finish (result, &error);
  GtkWindow *board = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (!DOZOR_IS_WINDOW (board) || self->started)
    return;
  if (login == NULL)
    {
      if (error != NULL)
        g_debug ("No login from the keyring: %s", error->message);
      ask_login (self, DOZOR_WINDOW (board), NULL);
      return;
    }

  g_debug ("Logging in as %s with the token kept in the keyring", login->username);
  self->username = g_strdup (login->username);
  self->saved_token = g_strdup (login->token);
  self->desk_login = TRUE;
  start_sync (self, DOZOR_WINDOW (board));
}

static void
login_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   DozorApplication *self)
{
  GtkEditable *user = g_object_get_data (G_OBJECT (dialog), "user");
  GtkEditable *password = g_object_get_data (G_OBJECT (dialog), "password");
  DozorWindow *board = DOZOR_WINDOW (gtk_window_get_transient_for (GTK_WINDOW (dialog)));
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (user)));

  if (!g_str_equal (response, "login"))
    {
      g_application_quit (G_APPLICATION (self));
      return;
    }
  if (*name == '\0' || *gtk_editable_get_text (password) == '\0')
    {
      ask_login (self, board, _("Type the user name and the password"));
      return;
    }

  g_free (self->password);
  self->password = g_strdup (gtk_editable_get_text (password));
  g_debug ("Logging in as %s", name);
  if (!self->started)
    {
      self->username = g_steal_pointer (&name);
      start_sync (self, board);
    }
  else
    {
      dozor_sync_client_stop (self->sync);
      dozor_sync_client_set_credentials (self->sync, self->username, self->password);
      dozor_sync_client_start (self->sync);
    }
}

/* Without --credentials, a desk board asks who is on duty. */
static void
ask_login (DozorApplication *self,
           DozorWindow      *board,
           const char       *problem)
{
  g_autofree char *heading = g_strdup_printf (_("Log in to %s"), self->backend_url);
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (board), heading, problem));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *user = gtk_entry_new ();
  GtkWidget *password = gtk_password_entry_new ();

  self->desk_login = TRUE;
  /* Plain GTK entries: libadwaita 1.2's password row crashes when a
   * message dialog that holds it is destroyed. */
  gtk_entry_set_placeholder_text (GTK_ENTRY (user), _("User name"));
  g_object_set (password, "placeholder-text", _("Password"), "activates-default", TRUE,
                "show-peek-icon", TRUE, NULL);
  gtk_entry_set_activates_default (GTK_ENTRY (user), TRUE);
  /* The outbox and the local copy belong to the user who logged in first. */
  if (self->username != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (user), self->username);
      gtk_widget_set_sensitive (user, FALSE);
    }
  gtk_box_append (GTK_BOX (box), user);
  gtk_box_append (GTK_BOX (box), password);
  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_add_responses (dialog, "quit", _("_Quit"), "login", _("_Log In"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "login", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "login");
  adw_message_dialog_set_close_response (dialog, "quit");
  g_object_set_data (G_OBJECT (dialog), "user", user);
  g_object_set_data (G_OBJECT (dialog), "password", password);
  g_signal_connect_object (dialog, "response", G_CALLBACK (login_response_cb), self, 0);
  g_debug ("Asking to log in%s%s", problem != NULL ? ": " : "", problem != NULL ? problem : "");
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (self->username != NULL ? password : user);
}

static void
dozor_application_activate (GApplication *app)
{
  DozorApplication *self = DOZOR_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (self->wall_config != NULL || self->wall_screens != NULL)
    {
      if (self->wall_screens == NULL)
        start_wall (self);
      return;
    }

  if (window == NULL)
    {
      DozorWindow *board = dozor_window_new (self);

      if (self->have_center || self->have_zoom)
        dozor_window_show_place (board,
                                 self->have_center ? self->center_lat : NAN,
                                 self->have_center ? self->center_lon : NAN,
                                 self->have_zoom ? self->zoom : NAN);
      /* Nobody at a wall presses F11. */
      if (self->fullscreen || self->wall)
        gtk_window_fullscreen (GTK_WINDOW (board));
      dozor_window_set_wall (board, self->wall);

      if (self->backend_url != NULL && !self->started && self->username != NULL)
        start_sync (self, board);
      else if (self->backend_url != NULL && !self->started)
        dozor_keyring_find_login_async (self->backend_url, NULL, found_login_cb, g_object_ref (self));

      window = GTK_WINDOW (board);
    }

  gtk_window_present (window);
}

static gboolean
color_scheme_from_setting (GValue   *value,
                           GVariant *variant,
                           gpointer  user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);
  AdwColorScheme scheme = ADW_COLOR_SCHEME_PREFER_DARK;

  if (g_str_equal (nick, "follow-system"))
    scheme = ADW_COLOR_SCHEME_DEFAULT;
  else if (g_str_equal (nick, "dark"))
    scheme = ADW_COLOR_SCHEME_FORCE_DARK;
  else if (g_str_equal (nick, "light"))
    scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;

  g_value_set_enum (value, scheme);
  return TRUE;
}

static void
dozor_application_startup (GApplication *app)
{
  DozorApplication *self = DOZOR_APPLICATION (app);
  AdwStyleManager *style_manager;

  static const struct {
    const char *action;
    const char *accels[4];
  } shortcuts[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.zoom-in", { "<Control>plus", "<Control>equal", "<Control>KP_Add", NULL } },
    { "win.zoom-out", { "<Control>minus", "<Control>KP_Subtract", NULL } },
    { "win.home", { "<Alt>Home", NULL } },
    { "win.fullscreen", { "F11", NULL } },
    { "win.toggle-sidebar", { "F9", NULL } },
    { "win.new-incident", { "<Control>n", NULL } },
    { "win.dispatch", { "<Control>d", NULL } },
    { "win.cancel-dispatch", { "<Control><Shift>d", NULL } },
    { "win.dispatch-selected", { "<Control><Alt>d", NULL } },
    { "win.set-readiness", { "<Control><Shift>r", NULL } },
    { "win.shift-handover", { "<Control><Shift>h", NULL } },
    { "win.registers", { "<Control><Shift>m", NULL } },
    { "win.plan-activate", { "<Control><Alt>p", NULL } },
    { "win.plan-confirm", { "<Control><Alt>Return", NULL } },
    { "win.plan-close", { "<Control><Alt>w", NULL } },
    { "win.crisis-log", { "<Control><Shift>l", NULL } },
    { "win.crisis-log-export", { "<Control><Shift>e", NULL } },
    { "win.roster", { "<Control><Alt>r", NULL } },
    { "win.roster-import", { "<Control><Alt>i", NULL } },
    { "win.deviation-summary", { "<Control><Alt>v", NULL } },
    { "win.route-rules", { "<Control><Alt>u", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
    { "app.guide", { "F1", NULL } },
    { "win.find-incident", { "<Control>f", NULL } },
    { "win.find-unit", { "<Control><Shift>f", NULL } },
    { "win.next-region", { "F6", NULL } },
    { "win.previous-region", { "<Shift>F6", NULL } },
    { "map.legend", { "<Control>l", NULL } },
    { "map.layer-districts", { "<Alt>1", NULL } },
    { "map.layer-sectors", { "<Alt>2", NULL } },
    { "map.layer-routes", { "<Alt>3", NULL } },
    { "map.layer-places", { "<Alt>4", NULL } },
    { "map.layer-trails", { "<Alt>5", NULL } },
    { "map.layer-dispatch-lines", { "<Alt>6", NULL } },
  };

  G_APPLICATION_CLASS (dozor_application_parent_class)->startup (app);

  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), shortcuts[i].action,
                                           shortcuts[i].accels);

  self->settings = g_settings_new (APP_ID);
  style_manager = adw_style_manager_get_default ();
  g_settings_bind_with_mapping (self->settings, "color-scheme",
                                style_manager, "color-scheme",
                                G_SETTINGS_BIND_GET,
                                color_scheme_from_setting, NULL, NULL, NULL);

  gtk_window_set_default_icon_name (APP_ID);
  dozor_cut_labels_install ();
}

static void
dozor_application_shutdown (GApplication *app)
{
  DozorApplication *self = DOZOR_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->wall_screens);
  /* The newest situation, for the next start. */
  if (self->local_copy != NULL && !dozor_local_copy_save_now (self->local_copy, &error))
    g_warning ("The local copy of the situation was not saved: %s", error->message);

  G_APPLICATION_CLASS (dozor_application_parent_class)->shutdown (app);
}

static void
dozor_application_dispose (GObject *object)
{
  DozorApplication *self = (DozorApplication *)object;

  g_clear_object (&self->settings);
  g_clear_object (&self->wall_screens);
  g_clear_pointer (&self->wall_config, dozor_wall_config_free);
  g_clear_object (&self->local_copy);
  g_clear_object (&self->sync);
  g_clear_object (&self->situation);
  g_clear_pointer (&self->backend_url, g_free);
  g_clear_pointer (&self->import_path, g_free);
  g_clear_pointer (&self->export_path, g_free);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->password, g_free);
  g_clear_pointer (&self->saved_token, g_free);

  G_OBJECT_CLASS (dozor_application_parent_class)->dispose (object);
}

static void
dozor_application_class_init (DozorApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = dozor_application_dispose;

  app_class->activate = dozor_application_activate;
  app_class->startup = dozor_application_startup;
  app_class->shutdown = dozor_application_shutdown;
  app_class->handle_local_options = dozor_application_handle_local_options;
}

static void
show_guide (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  dozor_guide_show (gtk_application_get_active_window (GTK_APPLICATION (user_data)));
}

static void
show_about (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  GtkApplication *app = user_data;
  GtkWindow *parent = gtk_application_get_active_window (app);
  const char *developers[] = { "Dozor developers", NULL };
  AdwAboutWindow *about;

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  adw_about_window_set_application_name (about, _("Dozor"));
  adw_about_window_set_application_icon (about, APP_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_developer_name (about, _("Dozor developers"));
  adw_about_window_set_developers (about, developers);
  adw_about_window_set_comments (about,
    _("Situation board for police control rooms: patrol units, incidents and dispatch on a live map."));
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  adw_about_window_set_translator_credits (about, _("translator-credits"));

  adw_about_window_add_legal_section (about, _("Street map of Almaty"),
    "© OpenStreetMap contributors",
    GTK_LICENSE_CUSTOM,
    _("Road geometry from <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a>, "
      "available under the Open Database License 1.0. The road registry was compiled by "
      "<a href=\"https://github.com/Dex719/almaty-traffic-data\">Almaty traffic data</a> "
      "under CC BY 4.0."));
  adw_about_window_add_legal_section (about, _("Street names of Almaty"),
    "© OpenStreetMap contributors",
    GTK_LICENSE_CUSTOM,
    _("The address search's streets and their names are from "
      "<a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a> "
      "(a Geofabrik extract of October 2024), available under the Open Database License 1.0."));
  adw_about_window_add_legal_section (about, _("World map"),
    NULL,
    GTK_LICENSE_CUSTOM,
    _("Made with <a href=\"https://www.naturalearthdata.com/\">Natural Earth</a>: "
      "free vector and raster map data, in the public domain."));

  gtk_window_present (GTK_WINDOW (about));
}

static void
show_preferences (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  GtkApplication *app = user_data;
  GtkWindow *parent = gtk_application_get_active_window (app);

  if (DOZOR_IS_WINDOW (parent))
    dozor_window_show_preferences (DOZOR_WINDOW (parent));
}

static void
quit (GSimpleAction *action,
      GVariant      *parameter,
      gpointer       user_data)
{
  GApplication *app = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  /* Close the windows rather than quit outright, so each saves its view. */
  while (windows != NULL)
    {
      GList *next = windows->next;

      gtk_window_close (windows->data);
      windows = next;
    }
}

static void
forgotten_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(DozorApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!dozor_keyring_finish (result, &error) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_warning ("The login could not be removed from the keyring: %s", error->message);
  g_debug ("Logged out");
  quit (NULL, NULL, self);
  g_application_release (G_APPLICATION (self));
}

static void
logged_out_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  DozorApplication *self = user_data;
  g_autoptr(GError) error = NULL;

  /* The keyring forgets the token either way; unreachable, the server
   * ends the session when the token expires. */
  if (!dozor_sync_client_log_out_finish (DOZOR_SYNC_CLIENT (source), result, &error))
    g_warning ("The server was not told of the logout: %s", error->message);
  dozor_keyring_forget_async (self->backend_url, NULL, forgotten_cb, self);
}

static void
log_out_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     DozorApplication *self)
{
  if (!g_str_equal (response, "log-out") || !self->started)
    return;
  /* Until the board has closed. */
  g_application_hold (G_APPLICATION (self));
  dozor_sync_client_log_out_async (self->sync, NULL, logged_out_cb, g_object_ref (self));
}

/* The end of a shift at a desk: the token ends on the server and leaves
 * the keyring, and the board closes; the next person starts it and logs
 * in as themselves. */
static void
log_out (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  DozorApplication *self = user_data;
  GtkWindow *board = gtk_application_get_active_window (GTK_APPLICATION (self));
  DozorOutbox *outbox = self->sync != NULL ? dozor_sync_client_get_outbox (self->sync) : NULL;
  guint waiting = outbox != NULL ? dozor_outbox_count (outbox) : 0;
  g_autofree char *heading = g_strdup_printf (_("Log out %s?"), self->username);
  g_autoptr(GString) body = g_string_new (_("The board closes. At the next start it asks who is on duty."));
  AdwMessageDialog *dialog;

  if (!self->started || board == NULL)
    return;
  if (waiting > 0)
    {
      g_string_append (body, " ");
      g_string_append_printf (body,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "%u command not yet sent stays on this computer and goes out when %s logs in here again.",
                                           "%u commands not yet sent stay on this computer and go out when %s logs in here again.",
                                           waiting),
                              waiting, self->username);
    }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (board, heading, body->str));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "log-out", _("_Log Out"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "log-out", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (log_out_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static const GActionEntry app_actions[] = {
  { "about", show_about, NULL, NULL, NULL, { 0 } },
  { "guide", show_guide, NULL, NULL, NULL, { 0 } },
  { "preferences", show_preferences, NULL, NULL, NULL, { 0 } },
  { "log-out", log_out, NULL, NULL, NULL, { 0 } },
  { "quit", quit, NULL, NULL, NULL, { 0 } },
};

static const GOptionEntry option_entries[] = {
  { "center", 'c', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("Open the map centred on this place"), N_("LAT,LON") },
  { "zoom", 'z', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("Open the map at this zoom level (0–19)"), N_("ZOOM") },
  { "backend", 'b', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("Follow the situation on this dozord server"), N_("URL") },
  { "credentials", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("Log in with the user name and password in this file (two lines, readable by its owner only)"), N_("FILE") },
  { "fullscreen", 'f', G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Start in full screen, as on a video wall"), NULL },
  { "wall", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Be a wall board: full screen, showing only, no dispatching or registering"), NULL },
  { "wall-config", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("With --wall: the monitors, backend, credentials and viewing distance of this wall (docs/wall.md)"), N_("FILE") },
  { "import", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("Open this GIS file in the import window once the board is up"), N_("FILE") },
  { "export", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("Write what the board shows to this GIS file once the board is live"), N_("FILE") },
  { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { NULL }
};

static void
dozor_application_init (DozorApplication *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  /* Until a person has logged in. */
  set_log_out_enabled (self, FALSE);

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
    _("Situation board: patrol units, incidents and dispatch on a live map."));
}

DozorApplication *
dozor_application_new (void)
{
  /* Non-unique: a workstation and a wall board may run side by side on one
   * machine, each with its own command line. */
  return g_object_new (DOZOR_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}
