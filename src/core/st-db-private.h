/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "st-db.h"

G_BEGIN_DECLS

/* st-db-schema.c: brings the file from its PRAGMA user_version to the
 * latest, one migration (one transaction) per version. */
gboolean st_db_schema_migrate (StDb     *self,
                               GError  **error);

G_END_DECLS
