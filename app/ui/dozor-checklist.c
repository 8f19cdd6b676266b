/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The SOP checklist of an open incident (issue 17, item 5; docs/sop.md):
 * the procedures of the SOP catalogue for the incident's type, each step a
 * check box with who ticked it and when. A tick goes to the backend as a
 * command through the outbox (PUT /incidents/{id}/checklist), so it is
 * never lost while the link is down; until the backend's event comes back
 * the step says it is being sent, rather than pretending it is recorded.
 * The catalogue is read once, in a worker.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-application.h"
#include "dozor-checklist.h"
#include "dozor-json.h"
#include "dozor-sop-catalogue.h"

struct _DozorChecklist
{
  GObject parent_instance;

  DozorSyncClient *sync;
  DozorSituation *situation;
  DozorSopCatalogue *catalogue; /* NULL until read, or if it could not be */
  GHashTable *pending;          /* "incident\nprocedure\nstep" → GINT_TO_POINTER (done + 1) */
  GHashTable *keys;             /* command key → the same pending key */
  int language;                 /* index in DOZOR_SOP_LANGUAGES */
};

G_DEFINE_FINAL_TYPE (DozorChecklist, dozor_checklist, G_TYPE_OBJECT)

static void
read_catalogue_in_thread (GTask        *task,
                          gpointer      source,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  g_autofree char *path = dozor_application_find_data ("sop/catalogue.json");
  GError *error = NULL;
  DozorSopCatalogue *catalogue = dozor_sop_catalogue_load (path, &error);

  if (catalogue == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, catalogue, g_object_unref);
}

static void
catalogue_read_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  DozorChecklist *self = DOZOR_CHECKLIST (source);
  g_autoptr(GError) error = NULL;

  self->catalogue = g_task_propagate_pointer (G_TASK (result), &error);
  if (self->catalogue == NULL)
    /* The board works without checklists; the log says why there are none. */
    g_warning ("No SOP checklists: %s", error->message);
  else
    g_debug ("SOP catalogue: %u procedures", dozor_sop_catalogue_get_n_procedures (self->catalogue));
}

static char *
pending_key (const char *incident,
             const char *procedure,
             const char *step)
{
  return g_strjoin ("\n", incident, procedure, step, NULL);
}

/* The server answered a tick: it is recorded (its event says so) or it
 * was refused (the log and the step, back as it was, say so). */
static void
command_answered_cb (DozorChecklist *self,
                     const char     *key,
                     guint           status,
                     const char     *summary,
                     JsonNode       *answer)
{
  const char *step = g_hash_table_lookup (self->keys, key);

  if (step == NULL)
    return;
  /* Taken: the step stays "being sent" until the event that records it
   * reaches the situation (the answer may come first). Refused: back to
   * what the backend has. */
  if (status < 200 || status >= 300)
    {
      g_message ("Checklist: the server refused “%s” (%u)", summary, status);
      g_hash_table_remove (self->pending, step);
    }
  g_hash_table_remove (self->keys, key);
}

static void
step_toggled_cb (GtkCheckButton *button,
                 DozorChecklist *self)
{
  const char *incident = g_object_get_data (G_OBJECT (button), "incident");
  const char *procedure = g_object_get_data (G_OBJECT (button), "procedure");
  const char *step = g_object_get_data (G_OBJECT (button), "step");
  gboolean done = gtk_check_button_get_active (button);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("incidents/%s/checklist", incident);
  g_autofree char *summary = g_strdup_printf (done ? _("Tick “%s”") : _("Untick “%s”"),
                                              (const char *) g_object_get_data (G_OBJECT (button), "text"));
  g_autofree char *command = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "procedure_id");
  json_builder_add_string_value (builder, procedure);
  json_builder_set_member_name (builder, "step_id");
  json_builder_add_string_value (builder, step);
  json_builder_set_member_name (builder, "done");
  json_builder_add_boolean_value (builder, done);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  command = dozor_sync_client_send (self->sync, "PUT", path, body, -1, summary, &error);
  if (command == NULL)
    {
      g_warning ("Checklist: %s", error->message);
      return;
    }
  g_message ("Checklist: %s %s/%s of incident %s", done ? "ticked" : "unticked", procedure, step, incident);
  g_hash_table_insert (self->pending, pending_key (incident, procedure, step), GINT_TO_POINTER (done + 1));
  g_hash_table_insert (self->keys, g_steal_pointer (&command), pending_key (incident, procedure, step));
}

/* The first step's check box, once laid out: where it is in its window,
 * for the UI test, which has no other way to find it. */
static gboolean
log_first_step_cb (gpointer user_data)
{
  g_autoptr(GtkWidget) button = user_data;
  graphene_point_t centre, at;

  if (gtk_widget_get_mapped (button))
    {
      /* The box itself, at the start of the row. */
      centre = GRAPHENE_POINT_INIT (10.0f, gtk_widget_get_height (button) / 2.0f);
      if (gtk_widget_compute_point (button, GTK_WIDGET (gtk_widget_get_root (button)), &centre, &at))
        g_debug ("Checklist: first step at %.0f,%.0f", at.x, at.y);
    }
  return G_SOURCE_REMOVE;
}

static void
first_step_mapped_cb (GtkWidget *button,
                      gpointer   user_data)
{
  g_timeout_add (500, log_first_step_cb, g_object_ref (button));
}

static GtkWidget *
build_procedure (DozorChecklist          *self,
                 JsonObject              *incident,
                 const DozorSopProcedure *procedure,
                 gboolean                 can_tick,
                 guint                   *done_count)
{
  const char *incident_id = dozor_json_get_string (incident, "id");
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (procedure->title[self->language]);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (box), title);

  for (guint s = 0; s < procedure->steps->len; s++)
    {
      const DozorSopStep *step = g_ptr_array_index (procedure->steps, s);
      JsonObject *check = dozor_situation_get_check (self->situation, incident_id, procedure->id, step->id);
      g_autofree char *key = pending_key (incident_id, procedure->id, step->id);
      gpointer pending = g_hash_table_lookup (self->pending, key);
      gboolean done = check != NULL && json_object_get_boolean_member_with_default (check, "done", FALSE);
      GtkWidget *button = gtk_check_button_new ();
      /* A label of our own: the button's own does not wrap, and a long
       * step would widen the whole sidebar. */
      GtkWidget *label = gtk_label_new (step->text[self->language]);
      g_autofree char *caption = NULL;

      /* The backend's record has caught up with the tick. */
      if (pending != NULL && check != NULL && done == GPOINTER_TO_INT (pending) - 1)
        {
          g_hash_table_remove (self->pending, key);
          pending = NULL;
        }
      if (pending != NULL)
        {
          done = GPOINTER_TO_INT (pending) - 1;
          caption = g_strdup (_("Being sent…"));
        }
      else if (check != NULL)
        {
          g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 (dozor_json_get_string (check, "at"), NULL);
          g_autoptr(GDateTime) local = at != NULL ? g_date_time_to_local (at) : NULL;
          g_autofree char *clock = local != NULL ? g_date_time_format (local, "%H:%M") : g_strdup ("");
          const char *by = dozor_json_get_string (check, "by");

          /* TRANSLATORS: who ticked a step (or took the tick back) and when */
          caption = g_strdup_printf (done ? _("Done: %s, %s") : _("Taken back: %s, %s"), by != NULL ? by : "?", clock);
        }
      *done_count += done;

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_check_button_set_child (GTK_CHECK_BUTTON (button), label);
      g_object_set_data_full (G_OBJECT (button), "text", g_strdup (step->text[self->language]), g_free);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (button), done);
      gtk_widget_set_sensitive (button, can_tick);
      g_object_set_data_full (G_OBJECT (button), "incident", g_strdup (incident_id), g_free);
      g_object_set_data_full (G_OBJECT (button), "procedure", g_strdup (procedure->id), g_free);
      g_object_set_data_full (G_OBJECT (button), "step", g_strdup (step->id), g_free);
      /* Connected after the state is set: building the list sends nothing. */
      g_signal_connect_object (button, "toggled", G_CALLBACK (step_toggled_cb), self, 0);
      if (s == 0)
        g_signal_connect (button, "map", G_CALLBACK (first_step_mapped_cb), NULL);
      gtk_box_append (GTK_BOX (box), button);
      if (caption != NULL)
        {
          GtkWidget *who = gtk_label_new (caption);

          gtk_label_set_xalign (GTK_LABEL (who), 0);
          gtk_widget_set_margin_start (who, 28);
          gtk_widget_add_css_class (who, "dim-label");
          gtk_widget_add_css_class (who, "caption");
          gtk_box_append (GTK_BOX (box), who);
        }
    }
  return box;
}

/**
 * dozor_checklist_build:
 * @self: a #DozorChecklist
 * @incident: an open incident
 *
 * Returns: (transfer floating) (nullable): the incident's checklists, or
 *   %NULL when the catalogue has none for its type (or none was read)
 */
GtkWidget *
dozor_checklist_build (DozorChecklist *self,
                       JsonObject     *incident)
{
  const char *role = dozor_sync_client_get_role (self->sync);
  /* Those who may register incidents tick their steps (docs/api.md). */
  gboolean can_tick = g_strcmp0 (role, "operator") == 0 || g_strcmp0 (role, "supervisor") == 0 ||
                      g_strcmp0 (role, "admin") == 0;
  g_autoptr(GPtrArray) procedures = NULL;
  GtkWidget *box;
  guint steps = 0, done = 0;

  g_return_val_if_fail (DOZOR_IS_CHECKLIST (self), NULL);

  if (self->catalogue == NULL)
    return NULL;
  procedures = dozor_sop_catalogue_for_type (self->catalogue, dozor_json_get_string (incident, "type"));
  if (procedures->len == 0)
    return NULL;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  for (guint p = 0; p < procedures->len; p++)
    {
      const DozorSopProcedure *procedure = g_ptr_array_index (procedures, p);

      gtk_box_append (GTK_BOX (box), build_procedure (self, incident, procedure, can_tick, &done));
      steps += procedure->steps->len;
    }
  /* Tests read this line; keep its wording. */
  g_debug ("Checklist: incident %s, %u procedures, %u steps, %u done", dozor_json_get_string (incident, "number"),
           procedures->len, steps, done);
  return box;
}

static void
dozor_checklist_dispose (GObject *object)
{
  DozorChecklist *self = DOZOR_CHECKLIST (object);

  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_clear_object (&self->sync);
  g_clear_object (&self->situation);
  g_clear_object (&self->catalogue);

  G_OBJECT_CLASS (dozor_checklist_parent_class)->dispose (object);
}

static void
dozor_checklist_finalize (GObject *object)
{
  DozorChecklist *self = DOZOR_CHECKLIST (object);

  g_hash_table_unref (self->pending);
  g_hash_table_unref (self->keys);

  G_OBJECT_CLASS (dozor_checklist_parent_class)->finalize (object);
}

static void
dozor_checklist_class_init (DozorChecklistClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dozor_checklist_dispose;
  object_class->finalize = dozor_checklist_finalize;
}

static void
dozor_checklist_init (DozorChecklist *self)
{
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->language = dozor_sop_language (g_get_language_names ());
}

/**
 * dozor_checklist_new:
 * @sync: the board's link, for the ticks
 * @situation: the board's situation, which holds the ticks recorded
 *
 * Returns: (transfer full): the checklists, with the catalogue being read
 */
DozorChecklist *
dozor_checklist_new (DozorSyncClient *sync,
                     DozorSituation  *situation)
{
  DozorChecklist *self = g_object_new (DOZOR_TYPE_CHECKLIST, NULL);
  g_autoptr(GTask) task = g_task_new (self, NULL, catalogue_read_cb, NULL);

  self->sync = g_object_ref (sync);
  self->situation = g_object_ref (situation);
  g_signal_connect_swapped (sync, "command-answered", G_CALLBACK (command_answered_cb), self);
  g_task_run_in_thread (task, read_catalogue_in_thread);
  return self;
}
