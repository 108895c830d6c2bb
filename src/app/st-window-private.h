/* SPDX-License-Identifier: GPL-3.0-or-later */
/* For the tests, the benchmark and the screenshots. */
#pragma once

#include "st-classes-page.h"
#include "st-graduation-page.h"
#include "st-import-window.h"
#include "st-overview-page.h"
#include "st-reports-page.h"
#include "st-role.h"
#include "st-participant-editor.h"
#include "st-participants-page.h"
#include "st-sync-button.h"
#include "st-sync-controller.h"
#include "st-window.h"

G_BEGIN_DECLS

StParticipantsPage  *st_window_get_participants_page (StWindow   *self);
StClassesPage       *st_window_get_classes_page      (StWindow   *self);
StOverviewPage      *st_window_get_overview_page     (StWindow   *self);
StGraduationPage    *st_window_get_graduation_page   (StWindow   *self);
StReportsPage       *st_window_get_reports_page      (StWindow   *self);
/* What the user may do (st-role.h); the pages follow its changes. */
StRole              *st_window_get_role              (StWindow   *self);
StDivisions         *st_window_get_divisions         (StWindow   *self);
/* The editor or import window open now, or NULL. */
StParticipantEditor *st_window_get_editor            (StWindow   *self);
StImportWindow      *st_window_get_import_window     (StWindow   *self);
/* Opens the import window on @path, as choosing it in the file chooser
 * does. */
void                 st_window_import_file           (StWindow   *self,
                                                      const char *path);
/* The confirmation asked last (delete), or NULL once answered. */
AdwMessageDialog    *st_window_get_confirmation      (StWindow   *self);
/* The title of the last toast. */
const char          *st_window_get_last_toast        (StWindow   *self);
/* TRUE once the search index has been brought up to date. */
gboolean             st_window_is_index_ready        (StWindow   *self);
StSyncController    *st_window_get_sync_controller   (StWindow   *self);
StSyncButton        *st_window_get_sync_button       (StWindow   *self);

/* Backs up the database to @path (replacing it), or checks the backup at
 * @path and asks whether to restore it: what the file choosers' answers
 * do. A restore replaces the window with a new one on the restored
 * database. */
void                 st_window_backup_to             (StWindow   *self,
                                                      const char *path);
void                 st_window_restore_from          (StWindow   *self,
                                                      const char *path);
/* The backup or restore file chooser open last (NULL once answered). */
GtkFileChooserNative *st_window_get_file_chooser     (StWindow   *self);
/* TRUE while a backup or restore runs (or a backup is being checked). */
gboolean             st_window_is_busy               (StWindow   *self);

G_END_DECLS
