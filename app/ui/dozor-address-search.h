/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_ADDRESS_SEARCH (dozor_address_search_get_type ())
G_DECLARE_FINAL_TYPE (DozorAddressSearch, dozor_address_search, DOZOR, ADDRESS_SEARCH, GtkWidget)

GtkWidget *dozor_address_search_new           (void);
void       dozor_address_search_describe      (DozorAddressSearch *self,
                                               double              lat,
                                               double              lon);

G_END_DECLS
