/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Roster import: the file's encoding, columns and first rows; the import
 * in the background with its progress and Cancel; then what became of
 * every row, the rejected rows to save, and conflicts to resolve. */
#pragma once

#include <adwaita.h>

#include "st-db.h"
#include "st-divisions.h"

G_BEGIN_DECLS

#define ST_TYPE_IMPORT_WINDOW (st_import_window_get_type ())
G_DECLARE_FINAL_TYPE (StImportWindow, st_import_window, ST, IMPORT_WINDOW, AdwWindow)

/* Reads the start of @path for the preview; NULL with @error (not a CSV,
 * an Excel workbook, no rows) when it cannot be imported at all. Emits
 * "imported" (imported, updated) once the rows are in the database, and
 * "participant-changed" (uuid) for every conflict resolved. */
StImportWindow *st_import_window_new (GtkWindow    *parent,
                                      StDb         *db,
                                      StDivisions  *divisions,
                                      const char   *path,
                                      GError      **error);

G_END_DECLS
