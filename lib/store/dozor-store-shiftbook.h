/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The duty officer's books (docs/api.md, "Shift handover" and "Registers"):
 * the handover from one shift to the next, the register of incoming and
 * outgoing messages and the orientations (wanted persons and vehicles).
 * Areas of their own over the store's core, so dozor-store.c does not grow.
 */
#pragma once

#include "dozor-store.h"

G_BEGIN_DECLS

/* dozor-store-handovers.c; the first two are shared with the registers. */
char     *dozor_store_query_text       (DozorStore  *self,
                                        const char  *sql,
                                        const char  *first,
                                        const char  *second,
                                        GError     **error);
gboolean  dozor_store_get_limit        (GHashTable  *query,
                                        guint        fallback,
                                        guint        most,
                                        guint       *limit,
                                        GError     **error);

gboolean  dozor_store_create_handovers (DozorStore  *self,
                                        GError     **error);
char     *dozor_store_handover_draft   (DozorStore  *self,
                                        GHashTable  *query,
                                        GError     **error);
JsonNode *dozor_store_sign_handover    (DozorStore  *self,
                                        JsonObject  *input,
                                        const char  *by,
                                        GError     **error);
JsonNode *dozor_store_accept_handover  (DozorStore  *self,
                                        const char  *id,
                                        gint64       version,
                                        const char  *by,
                                        GError     **error);
char     *dozor_store_list_handovers   (DozorStore  *self,
                                        GHashTable  *query,
                                        GError     **error);

/* dozor-store-registers.c */
gboolean  dozor_store_create_registers (DozorStore  *self,
                                        GError     **error);
JsonNode *dozor_store_create_message   (DozorStore  *self,
                                        JsonObject  *input,
                                        const char  *by,
                                        GError     **error);
JsonNode *dozor_store_update_message   (DozorStore  *self,
                                        const char  *id,
                                        gint64       version,
                                        JsonObject  *changes,
                                        GError     **error);
char     *dozor_store_list_messages    (DozorStore  *self,
                                        GHashTable  *query,
                                        GError     **error);
JsonNode *dozor_store_create_orientation (DozorStore *self,
                                          JsonObject *input,
                                          const char *by,
                                          GError    **error);
JsonNode *dozor_store_cancel_orientation (DozorStore *self,
                                          const char *id,
                                          gint64      version,
                                          JsonObject *input,
                                          const char *by,
                                          GError    **error);
char     *dozor_store_list_orientations  (DozorStore *self,
                                          GHashTable *query,
                                          GError    **error);
char     *dozor_store_match_orientations (DozorStore *self,
                                          GHashTable *query,
                                          GError    **error);

G_END_DECLS
