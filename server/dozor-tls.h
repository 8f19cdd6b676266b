/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* GnuTLS priority string of dozord's TLS: TLS 1.3 and 1.2 only, AEAD
 * ciphers with forward secrecy. glib-networking's GnuTLS backend reads it
 * from G_TLS_GNUTLS_PRIORITY when its first connection is made. */
#define DOZOR_TLS_PRIORITY \
  "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:" \
  "-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:" \
  "-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:+DHE-RSA:%COMPAT"

void             dozor_tls_set_policy (void);
GTlsCertificate *dozor_tls_load       (const char  *cert_file,
                                       const char  *key_file,
                                       GError     **error);

G_END_DECLS
