/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "dozor-store.h"

G_BEGIN_DECLS

/* Exit codes: 1 when the work failed, 2 when the command line was wrong. */
#define DOZORCTL_EXIT_BAD_USAGE 2

/* The backend as an admin's command sees it: logged in, one request at a
 * time, every failure a sentence that says which server and what. */
typedef struct
{
  SoupSession *session;
  char *base_url;
  char *token;
} DozorctlBackend;

DozorctlBackend *dozorctl_backend_connect (const char       *url,
                                           const char       *credentials,
                                           GError          **error);
void             dozorctl_backend_free    (DozorctlBackend  *backend);
JsonNode        *dozorctl_backend_get     (DozorctlBackend  *backend,
                                           const char       *path,
                                           GError          **error);
char            *dozorctl_backend_get_text (DozorctlBackend *backend,
                                            const char      *path,
                                            GError         **error);
JsonNode        *dozorctl_backend_post    (DozorctlBackend  *backend,
                                           const char       *path,
                                           const char       *body,
                                           GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DozorctlBackend, dozorctl_backend_free)

gboolean         dozorctl_parse_options   (GOptionContext   *context,
                                           const char       *command,
                                           int              *argc,
                                           char           ***argv);

int              dozorctl_import          (int               argc,
                                           char            **argv);
int              dozorctl_export          (int               argc,
                                           char            **argv);
int              dozorctl_repeated_calls  (int               argc,
                                           char            **argv);
int              dozorctl_roster          (const char       *command,
                                           int               argc,
                                           char            **argv);
const char      *dozorctl_audit_usage     (void);
void             dozorctl_audit_note      (DozorStore       *store,
                                           const char       *action,
                                           const char       *name,
                                           const char       *role);
int              dozorctl_audit           (DozorStore       *store,
                                           const char       *command,
                                           int               argc,
                                           char            **argv);
const char      *dozorctl_shiftbook_usage (void);
const char      *dozorctl_migrate_store_usage (void);
int              dozorctl_migrate_store   (int               argc,
                                           char            **argv);
int              dozorctl_shiftbook       (int               argc,
                                           char            **argv);
int              dozorctl_report          (int               argc,
                                           char            **argv);
int              dozorctl_crisis_log      (int               argc,
                                           char            **argv);
char            *dozorctl_hours_ago       (int               hours);
char            *dozorctl_window_query    (const char       *from,
                                           const char       *to);

G_END_DECLS
