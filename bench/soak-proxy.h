/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A TCP relay on loopback between the soak's clients and dozord that can
 * hurt the connections it carries: freeze them (nothing moves either way),
 * reset them all (RST mid-request and mid-stream), or drop the next answer
 * of an ordinary request after dozord has sent it (the client sees a reset
 * where its answer should be). */
typedef struct _SoakProxy SoakProxy;

SoakProxy *soak_proxy_new          (guint16     upstream_port,
                                    GError    **error);
void       soak_proxy_free         (SoakProxy  *self);
guint16    soak_proxy_get_port     (SoakProxy  *self);
void       soak_proxy_set_frozen   (SoakProxy  *self,
                                    gboolean    frozen);
void       soak_proxy_set_receive_buffer (SoakProxy *self,
                                          int        bytes);
guint      soak_proxy_reset_all    (SoakProxy  *self);
void       soak_proxy_arm_drop     (SoakProxy  *self);
void       soak_proxy_disarm_drops (SoakProxy  *self);
guint      soak_proxy_take_drops   (SoakProxy  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SoakProxy, soak_proxy_free)

G_END_DECLS
