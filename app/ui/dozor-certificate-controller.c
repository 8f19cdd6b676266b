/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * win.incident-certificate (issue 18, item 4): "Certificate…" in an
 * incident's details saves the certificate of working off that incident
 * as a PDF. The figures are dozord's (GET /reports/incidents/{id}/
 * certificate, the same that `dozorctl report certificate` draws); the
 * PDF is drawn here in the board's language, in a worker thread, since
 * Pango's layout of a long timeline is not the main thread's work. A
 * name ending in .csv (or the CSV filter) saves the same figures as CSV,
 * as `dozorctl report certificate --format csv` does.
 *
 * The main menu's "Incident Certificate…" (win.selected-incident-certificate)
 * does the same for the incident selected on the board.
 *
 * The replay's board offers it too: there an incident may be shown that
 * has been closed since, and its certificate is exactly what a debriefing
 * wants. A wall never does (docs/api.md: not the wall's role).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-certificate-controller.h"
#include "dozor-json.h"
#include "dozor-report-render.h"
#include "dozor-window.h"

struct _DozorCertificateController
{
  GObject parent_instance;

  GtkApplicationWindow *window;  /* not owned: it owns this */
  DozorSyncClient *sync;
  DozorSituation *situation;
  DozorMapView *map_view;        /* whose selected incident the menu's item takes */
  GSimpleAction *action;
  GSimpleAction *selected_action;
  GSettings *settings;
  GCancellable *cancellable;
  gboolean wall;
};

G_DEFINE_FINAL_TYPE (DozorCertificateController, dozor_certificate_controller, G_TYPE_OBJECT)

/* One certificate on its way: chosen, fetched, drawn. */
typedef struct
{
  DozorCertificateController *self;  /* owned */
  char *incident_id;
  char *path;
  gboolean csv;
  char *centre;
  char *officer;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_clear_object (&job->self);
  g_free (job->incident_id);
  g_free (job->path);
  g_free (job->centre);
  g_free (job->officer);
  g_free (job);
}

static void
apply_role (DozorCertificateController *self)
{
  const char *role = dozor_sync_client_get_role (self->sync);

  gboolean may = !self->wall && (g_strcmp0 (role, "operator") == 0 || g_strcmp0 (role, "supervisor") == 0 ||
                                 g_strcmp0 (role, "admin") == 0);

  g_simple_action_set_enabled (self->action, may);
  g_simple_action_set_enabled (self->selected_action,
                               may && dozor_map_view_get_selected_incident (self->map_view) != NULL);
}

static void
say (DozorCertificateController *self,
     const char                 *message)
{
  g_debug ("Certificate: %s", message);
  dozor_window_show_message (DOZOR_WINDOW (self->window), message, 5);
}

static void
rendered_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  DozorCertificateController *self = DOZOR_CERTIFICATE_CONTROLLER (source);
  Job *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (dozor_report_render_finish (result, &error))
    /* TRANSLATORS: %s is the file a certificate was saved to */
    message = g_strdup_printf (_("Certificate saved to %s"), job->path);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    message = g_strdup_printf (_("The certificate was not saved: %s"), error->message);
  if (message != NULL)
    say (self, message);
  job_free (job);
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Job *job = user_data;
  DozorCertificateController *self = job->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = dozor_sync_client_post_finish (DOZOR_SYNC_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      job_free (job);
      return;
    }
  if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer) ||
      json_object_get_object_member (json_node_get_object (answer), "incident") == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The certificate was not saved: %s"),
                                                  error != NULL ? error->message
                                                                : _("the server's answer is not a certificate"));

      say (self, message);
      job_free (job);
      return;
    }

  dozor_report_render_async (answer, job->centre, job->officer, job->path, job->csv, self, self->cancellable,
                             rendered_cb, job);
}

static void
chosen_cb (GtkNativeDialog *chooser,
           int              response,
           gpointer         user_data)
{
  Job *job = user_data;
  DozorCertificateController *self = job->self;
  g_autoptr(GFile) file = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))
                                                          : NULL;
  g_autofree char *escaped = g_uri_escape_string (job->incident_id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("reports/incidents/%s/certificate", escaped);
  GtkFileFilter *filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (chooser));
  g_autofree char *lower = NULL;

  job->path = file != NULL ? g_file_get_path (file) : NULL;
  if (job->path == NULL)
    {
      g_object_unref (chooser);
      job_free (job);
      return;
    }
  lower = g_utf8_strdown (job->path, -1);
  job->csv = g_str_has_suffix (lower, ".csv") ||
             (filter != NULL && g_strcmp0 (g_object_get_data (G_OBJECT (filter), "format"), "csv") == 0 &&
              !g_str_has_suffix (lower, ".pdf"));
  g_object_unref (chooser);
  /* Read now, as the reports dialog keeps them; an empty name leaves its
   * line blank, to be written in by hand where the certificate is signed. */
  job->centre = g_settings_get_string (self->settings, "centre-name");
  job->officer = g_settings_get_string (self->settings, "signing-officer");
  g_debug ("Certificate: asking for incident %s", job->incident_id);
  dozor_sync_client_get_async (self->sync, path, self->cancellable, fetched_cb, job);
}

/* Asks where to save the certificate of incident @id. */
static void
ask (DozorCertificateController *self,
     const char                 *id)
{
  JsonObject *incident = dozor_situation_get_entity (self->situation, "incident", id);
  const char *number = incident != NULL ? dozor_json_get_string (incident, "number") : NULL;
  /* TRANSLATORS: the file name a certificate is offered under; %s is the incident's number */
  g_autofree char *name = g_strdup_printf (_("certificate-%s.pdf"), number != NULL ? number : id);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Save the Certificate"), GTK_WINDOW (self->window),
                                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                                               _("_Cancel"));
  Job *job = g_new0 (Job, 1);
  g_autoptr(GtkFileFilter) pdf = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();

  job->self = g_object_ref (self);
  job->incident_id = g_strdup (id);
  gtk_file_filter_set_name (pdf, _("PDF documents"));
  gtk_file_filter_add_suffix (pdf, "pdf");
  gtk_file_filter_set_name (csv, _("CSV files"));
  gtk_file_filter_add_suffix (csv, "csv");
  g_object_set_data (G_OBJECT (csv), "format", (gpointer) "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), pdf);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chosen_cb), job);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
certificate_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  ask (user_data, g_variant_get_string (parameter, NULL));
}

static void
selected_certificate_cb (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  DozorCertificateController *self = user_data;
  const char *id = dozor_map_view_get_selected_incident (self->map_view);

  if (id != NULL)
    ask (self, id);
}

static void
dozor_certificate_controller_dispose (GObject *object)
{
  DozorCertificateController *self = (DozorCertificateController *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->sync);
  g_clear_object (&self->situation);
  g_clear_object (&self->action);
  g_clear_object (&self->selected_action);
  g_clear_object (&self->map_view);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (dozor_certificate_controller_parent_class)->dispose (object);
}

static void
dozor_certificate_controller_class_init (DozorCertificateControllerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_certificate_controller_dispose;
}

static void
dozor_certificate_controller_init (DozorCertificateController *self)
{
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
}

/**
 * dozor_certificate_controller_new:
 * @window: the board's window, which gets the action `win.incident-certificate`
 * @sync: the board's link to dozord
 * @situation: what the board shows, for the incident's number
 * @map_view: the board's map, whose selected incident the menu's item takes
 * @wall: whether the board is a wall, which offers no certificate
 *
 * Returns: (transfer full): the controller; the window keeps it
 */
DozorCertificateController *
dozor_certificate_controller_new (GtkApplicationWindow *window,
                                  DozorSyncClient      *sync,
                                  DozorSituation       *situation,
                                  DozorMapView         *map_view,
                                  gboolean              wall)
{
  DozorCertificateController *self = g_object_new (DOZOR_TYPE_CERTIFICATE_CONTROLLER, NULL);

  self->window = window;
  self->sync = g_object_ref (sync);
  self->situation = g_object_ref (situation);
  self->map_view = g_object_ref (map_view);
  self->wall = wall;
  self->action = g_simple_action_new ("incident-certificate", G_VARIANT_TYPE_STRING);
  g_signal_connect_object (self->action, "activate", G_CALLBACK (certificate_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (self->action));
  self->selected_action = g_simple_action_new ("selected-incident-certificate", NULL);
  g_signal_connect_object (self->selected_action, "activate", G_CALLBACK (selected_certificate_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (self->selected_action));
  /* The role is known once logged in; an incident, once one is selected. */
  g_signal_connect_object (sync, "notify::state", G_CALLBACK (apply_role), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (map_view, "notify::selected-incident", G_CALLBACK (apply_role), self, G_CONNECT_SWAPPED);
  apply_role (self);
  return self;
}
