/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_SITUATION_LIST (dozor_situation_list_get_type ())
G_DECLARE_DERIVABLE_TYPE (DozorSituationList, dozor_situation_list, DOZOR, SITUATION_LIST, GtkWidget)

/**
 * DozorSituationListClass:
 * @get_id: an item's id
 * @match: whether an item is shown, given the drop-down's choice and the
 *   search text (case-folded, maybe empty)
 * @compare: the list's order
 * @setup_row: makes a row's widgets
 * @fill_row: shows an item in a row made by @setup_row; also called once a
 *   second for rows on screen, for ages
 * @count_text: the line above the list, "12 of 200 …"
 * @watch: the item signal after which the order or filter may have changed
 */
struct _DozorSituationListClass
{
  GtkWidgetClass parent_class;

  const char *(*get_id)     (gpointer            item);
  gboolean    (*match)      (DozorSituationList *self,
                             gpointer            item,
                             guint               choice,
                             const char         *text);
  int         (*compare)    (gpointer            a,
                             gpointer            b);
  void        (*setup_row)  (DozorSituationList *self,
                             GtkListItem        *list_item);
  void        (*fill_row)   (DozorSituationList *self,
                             GtkListItem        *list_item);
  char       *(*count_text) (guint               shown,
                             guint               all);
  const char *watch;
};

void        dozor_situation_list_set_model    (DozorSituationList *self,
                                               GListModel         *model);
void        dozor_situation_list_set_choices  (DozorSituationList *self,
                                               const char         *search_hint,
                                               const char         *choice_hint,
                                               const char *const  *choices);
const char *dozor_situation_list_get_selected (DozorSituationList *self);
void        dozor_situation_list_set_selected (DozorSituationList *self,
                                               const char         *id);
GStrv       dozor_situation_list_get_selected_ids (DozorSituationList *self);
void        dozor_situation_list_select_ids   (DozorSituationList *self,
                                               const char *const  *ids);
void        dozor_situation_list_set_multiple (DozorSituationList *self);
void        dozor_situation_list_add_header   (DozorSituationList *self,
                                               GtkWidget          *widget);
void        dozor_situation_list_focus_search (DozorSituationList *self);
void        dozor_situation_list_set_row_label (GtkListItem       *list_item,
                                                const char        *label);
void        dozor_situation_list_set_escalated (DozorSituationList *self,
                                                GHashTable         *ids);
void        dozor_situation_list_show_escalation (DozorSituationList *self,
                                                  GtkWidget          *row,
                                                  GtkWidget          *word,
                                                  const char         *id);

G_END_DECLS
