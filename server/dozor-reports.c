/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GET /reports/… (docs/api.md, "Reports"): the figures of the daily
 * report, the quarterly statistics and the certificate of one incident.
 * A quarter is tens of thousands of incidents and a pass of GEOS over
 * each: read where the stream is written, it would silence every board.
 * So each runs in a worker with its own read-only connection
 * (dozor-store-reports.c), one at a time, as history reads do
 * (dozor-history.c); a few more wait, the rest are refused at once.
 */
#include "config.h"

#include "dozor-reports.h"
#include "dozor-store-reports.h"
#include "dozor-work-queue.h"

/* One report at a time: history reads and logins keep the rest. */
#define MAX_RUNNING 1
#define MAX_WAITING 4

struct _DozorReports
{
  GObject parent_instance;

  char *db_path;
  DozorWorkQueue *queue;
  DozorEscalation limits;
};

G_DEFINE_FINAL_TYPE (DozorReports, dozor_reports, G_TYPE_OBJECT)

typedef struct
{
  char *db_path;
  char *incident_id; /* the certificate's; NULL for figures over a window */
  DozorReportKind kind;
  char *from;
  char *to;
  DozorEscalation limits;
} Read;

static void
read_free (gpointer data)
{
  Read *read = data;

  g_free (read->db_path);
  g_free (read->incident_id);
  g_free (read->from);
  g_free (read->to);
  g_free (read);
}

static void
dozor_reports_finalize (GObject *object)
{
  DozorReports *self = (DozorReports *)object;

  g_clear_object (&self->queue);
  g_free (self->db_path);

  G_OBJECT_CLASS (dozor_reports_parent_class)->finalize (object);
}

static void
dozor_reports_class_init (DozorReportsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_reports_finalize;
}

static void
dozor_reports_init (DozorReports *self)
{
  self->queue = dozor_work_queue_new (MAX_RUNNING, MAX_WAITING);
  dozor_escalation_init_defaults (&self->limits);
}

/**
 * dozor_reports_set_limits:
 * @self: a #DozorReports
 * @limits: how long an incident of each priority may wait for the first
 *   unit on scene before its arrival counts as late
 */
void
dozor_reports_set_limits (DozorReports          *self,
                          const DozorEscalation *limits)
{
  g_return_if_fail (DOZOR_IS_REPORTS (self));

  self->limits = *limits;
}

/**
 * dozor_reports_new:
 * @db_path: the store's file, in WAL mode
 *
 * Returns: (transfer full): the reader of reports from @db_path
 */
DozorReports *
dozor_reports_new (const char *db_path)
{
  DozorReports *self = g_object_new (DOZOR_TYPE_REPORTS, NULL);

  self->db_path = g_strdup (db_path);
  return self;
}

static gboolean
is_window (const char *const *parts)
{
  return g_strv_length ((char **) parts) == 2 && g_str_equal (parts[0], "reports") &&
         (g_str_equal (parts[1], "daily") || g_str_equal (parts[1], "quarterly"));
}

static gboolean
is_certificate (const char *const *parts)
{
  return g_strv_length ((char **) parts) == 4 && g_str_equal (parts[0], "reports") &&
         g_str_equal (parts[1], "incidents") && g_str_equal (parts[3], "certificate");
}

/**
 * dozor_reports_roles:
 * @parts: the path's segments after /api/v1/
 * @method: the request's method
 *
 * The figures over a window are the supervisors' (they sign them); a
 * certificate is also the operator's, who works off the incident.
 *
 * Returns: (nullable): the roles that may, space-separated, or %NULL when
 *   the request is not a report
 */
const char *
dozor_reports_roles (const char *const *parts,
                     const char        *method)
{
  if (!g_str_equal (method, "GET"))
    return NULL;
  if (is_window (parts))
    return "supervisor admin";
  if (is_certificate (parts))
    return "operator supervisor admin";
  return NULL;
}

static void
read_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Read *read = task_data;
  GError *error = NULL;
  char *json;

  if (read->incident_id != NULL)
    json = dozor_store_report_certificate (read->db_path, read->incident_id, &read->limits, &error);
  else
    json = dozor_store_report_figures (read->db_path, read->kind, read->from, read->to, &read->limits,
                                      &error);

  if (json == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, json, g_free);
}

/**
 * dozor_reports_read_async:
 * @self: a #DozorReports
 * @parts: the path's segments after /api/v1/, one dozor_reports_roles()
 *   named roles for
 * @query: (nullable) (element-type utf8 utf8): the request's query
 * @callback: called on this thread with the figures
 * @user_data: for @callback
 */
void
dozor_reports_read_async (DozorReports        *self,
                          const char *const   *parts,
                          GHashTable          *query,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  Read *read = g_new0 (Read, 1);

  g_task_set_source_tag (task, dozor_reports_read_async);
  g_task_set_task_data (task, read, read_free);
  read->db_path = g_strdup (self->db_path);
  read->limits = self->limits;
  if (is_certificate (parts))
    {
      read->incident_id = g_strdup (parts[2]);
    }
  else
    {
      read->kind = g_str_equal (parts[1], "daily") ? DOZOR_REPORT_DAILY : DOZOR_REPORT_QUARTERLY;
      read->from = g_strdup (query != NULL ? g_hash_table_lookup (query, "from") : NULL);
      read->to = g_strdup (query != NULL ? g_hash_table_lookup (query, "to") : NULL);
    }
  dozor_work_queue_run (self->queue, task, read_in_thread);
}

/**
 * dozor_reports_read_finish:
 * @self: a #DozorReports
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the figures as JSON text, or %NULL with
 *   @error set
 */
char *
dozor_reports_read_finish (DozorReports  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
