/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Reports dialog: which report (the daily operational report of a
 * shift, or the quarterly statistics), its period in local time, PDF or
 * CSV, and the centre and signing officer (kept in GSettings for the next
 * time). Save asks where (GtkFileChooserNative: GTK 4.8 has no
 * GtkFileDialog), then the figures come from dozord, which counts them
 * for every board alike, and are drawn in a worker thread: a quarter's
 * PDF takes seconds, which the main thread must not spend.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-file-choice.h"
#include "dozor-report-render.h"
#include "dozor-reports-dialog.h"

#define DAILY_HOURS 12
#define QUARTER_DAYS 91

struct _DozorReportsDialog
{
  GtkWindow parent_instance;

  GtkDropDown *kind;
  GtkEntry *from;
  GtkEntry *to;
  GtkDropDown *format;
  GtkEntry *centre;
  GtkEntry *officer;
  GtkLabel *status;
  GtkWidget *save;

  DozorSyncClient *sync;
  GSettings *settings;
  GCancellable *cancellable;
  char *path;  /* where the report goes, once chosen */
};

G_DEFINE_FINAL_TYPE (DozorReportsDialog, dozor_reports_dialog, GTK_TYPE_WINDOW)

static gboolean
is_daily (DozorReportsDialog *self)
{
  return gtk_drop_down_get_selected (self->kind) == 0;
}

static void
set_time (GtkEntry  *entry,
          GDateTime *time)
{
  g_autofree char *text = g_date_time_format (time, "%Y-%m-%d %H:%M");

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

/* The last shift's 12 hours, or the last 91 days, up to now. */
static void
kind_changed_cb (DozorReportsDialog *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) start = is_daily (self) ? g_date_time_add_hours (now, -DAILY_HOURS)
                                               : g_date_time_add_days (now, -QUARTER_DAYS);
  /* Shown to the minute: the end rounds up, so that what happened in
   * this minute is in. */
  g_autoptr(GDateTime) end = g_date_time_add_minutes (now, 1);

  set_time (self->from, start);
  set_time (self->to, end);
}

/* "YYYY-MM-DD HH:MM" in local time, as RFC 3339 UTC; NULL if malformed. */
static char *
parse_local (GtkEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autoptr(GTimeZone) zone = g_time_zone_new_local ();
  g_autofree char *iso = g_strdup_printf ("%s:00", text);
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GDateTime) utc = NULL;

  g_strdelimit (iso, " ", 'T');
  time = g_date_time_new_from_iso8601 (iso, zone);
  if (time == NULL)
    return NULL;
  utc = g_date_time_to_utc (time);
  return g_date_time_format_iso8601 (utc);
}

static void
set_busy (DozorReportsDialog *self,
          const char         *status,
          gboolean            busy)
{
  gtk_label_set_text (self->status, status);
  gtk_widget_set_sensitive (self->save, !busy);
}

static void
rendered_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  DozorReportsDialog *self = DOZOR_REPORTS_DIALOG (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (dozor_report_render_finish (result, &error))
    /* TRANSLATORS: %s is the file a report was saved to */
    message = g_strdup_printf (_("Saved to %s"), self->path);
  else
    message = g_strdup_printf (_("Not saved: %s"), error->message);
  g_debug ("Report: %s", message);
  set_busy (self, message, FALSE);
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(DozorReportsDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = dozor_sync_client_post_finish (DOZOR_SYNC_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer))
    {
      g_autofree char *message = g_strdup_printf (_("Not saved: %s"),
                                                  error != NULL ? error->message : _("the server's answer is not a report"));

      g_debug ("Report: %s", message);
      set_busy (self, message, FALSE);
      return;
    }

  set_busy (self, _("Drawing the report…"), TRUE);
  dozor_report_render_async (answer, gtk_editable_get_text (GTK_EDITABLE (self->centre)),
                             gtk_editable_get_text (GTK_EDITABLE (self->officer)), self->path,
                             gtk_drop_down_get_selected (self->format) == 1, self, self->cancellable, rendered_cb,
                             NULL);
}

static void
chosen_cb (GtkWindow  *parent,
           const char *path)
{
  DozorReportsDialog *self = DOZOR_REPORTS_DIALOG (parent);
  g_autofree char *from = parse_local (self->from);
  g_autofree char *to = parse_local (self->to);
  g_autofree char *from_q = g_uri_escape_string (from, NULL, FALSE);
  g_autofree char *to_q = g_uri_escape_string (to, NULL, FALSE);
  g_autofree char *query = g_strdup_printf ("reports/%s?from=%s&to=%s", is_daily (self) ? "daily" : "quarterly",
                                            from_q, to_q);

  g_free (self->path);
  self->path = g_strdup (path);
  set_busy (self, _("Asking the server for the figures…"), TRUE);
  dozor_sync_client_get_async (self->sync, query, self->cancellable, fetched_cb, g_object_ref (self));
}

static void
save_clicked_cb (DozorReportsDialog *self)
{
  g_autofree char *from = parse_local (self->from);
  g_autofree char *to = parse_local (self->to);
  g_autofree char *centre = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->centre))));
  g_autofree char *officer = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->officer))));
  gboolean csv = gtk_drop_down_get_selected (self->format) == 1;
  g_autofree char *name = g_strdup_printf ("%s.%s", is_daily (self) ? "daily-report" : "quarterly-statistics",
                                           csv ? "csv" : "pdf");

  if (from == NULL || to == NULL)
    {
      set_busy (self, _("Write the times as YYYY-MM-DD HH:MM."), FALSE);
      return;
    }
  if (g_str_equal (centre, "") || g_str_equal (officer, ""))
    {
      set_busy (self, _("Name the centre and the signing officer: every report carries them."), FALSE);
      return;
    }
  dozor_choose_file (GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE, _("Save the Report"), _("_Save"), name, NULL,
                     chosen_cb);
}

static void
dozor_reports_dialog_dispose (GObject *object)
{
  DozorReportsDialog *self = (DozorReportsDialog *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->sync);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (dozor_reports_dialog_parent_class)->dispose (object);
}

static void
dozor_reports_dialog_class_init (DozorReportsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_reports_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/kz/dozor/Board/ui/dozor-reports-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorReportsDialog, kind);
  gtk_widget_class_bind_template_child (widget_class, DozorReportsDialog, from);
  gtk_widget_class_bind_template_child (widget_class, DozorReportsDialog, to);
  gtk_widget_class_bind_template_child (widget_class, DozorReportsDialog, format);
  gtk_widget_class_bind_template_child (widget_class, DozorReportsDialog, centre);
  gtk_widget_class_bind_template_child (widget_class, DozorReportsDialog, officer);
  gtk_widget_class_bind_template_child (widget_class, DozorReportsDialog, status);
  gtk_widget_class_bind_template_child (widget_class, DozorReportsDialog, save);
  gtk_widget_class_bind_template_callback (widget_class, kind_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dozor_reports_dialog_init (DozorReportsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "centre-name", self->centre, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "signing-officer", self->officer, "text", G_SETTINGS_BIND_DEFAULT);
  kind_changed_cb (self);
}

/**
 * dozor_reports_dialog_new:
 * @parent: the board's window
 * @sync: the board's link to dozord, which counts the figures
 *
 * Returns: (transfer full): the dialog, not yet shown
 */
DozorReportsDialog *
dozor_reports_dialog_new (GtkWindow       *parent,
                          DozorSyncClient *sync)
{
  DozorReportsDialog *self = g_object_new (DOZOR_TYPE_REPORTS_DIALOG, "transient-for", parent, NULL);

  self->sync = g_object_ref (sync);
  return self;
}
