/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "dozor-db.h"

G_BEGIN_DECLS

sqlite3 *dozor_db_sqlite_get_handle (DozorDb *db);

G_END_DECLS
