/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Backing up the laptop's database to a file and restoring it, with
 * SQLite's online backup API: SQLite does every read, write and lock, so
 * other connections to the database (the app's, shuangti-cli's) stay
 * consistent. A restore leaves the sync consistent too (docs/architecture.md,
 * Backup and restore). */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

#include "st-db.h"

G_BEGIN_DECLS

#define ST_BACKUP_ERROR (st_backup_error_quark ())

typedef enum
{
  ST_BACKUP_ERROR_EXISTS,        /* the backup file exists already */
  ST_BACKUP_ERROR_WRITE,         /* the file or its folder cannot be written */
  ST_BACKUP_ERROR_FULL,          /* the disk is full */
  ST_BACKUP_ERROR_DAMAGED,       /* the copy or the backup fails the integrity check */
  ST_BACKUP_ERROR_NOT_SHUANGTI,  /* not a Shuangti database */
  ST_BACKUP_ERROR_NEWER,         /* a backup made by a newer Shuangti */
  ST_BACKUP_ERROR_SAME_FILE,     /* the backup is the database itself */
  ST_BACKUP_ERROR_BUSY,          /* another program holds the database */
  ST_BACKUP_ERROR_FAILED,
} StBackupError;

typedef enum
{
  ST_BACKUP_FLAGS_NONE    = 0,
  ST_BACKUP_FLAGS_REPLACE = 1 << 0,   /* replace an existing backup file */
} StBackupFlags;

/* @fraction from 0 to 1. */
typedef void (*StBackupProgress) (double   fraction,
                                  gpointer user_data);

/* What a backup file holds, and (after st_restore ()) what the restore
 * did. */
typedef struct
{
  int     schema;          /* PRAGMA user_version of the backup */
  char   *device;          /* its device id */
  gint64  made_at;         /* ms since 1970 (0: not made by st_backup ()) */
  gint64  participants;    /* live participants */
  gint64  pending;         /* its changes not sent to the server yet */
  gint64  last_seq;        /* its last change's sequence number (audit_log.id) */
  gint64  lost;            /* (restore) changes of the replaced database the server never received */
  gint64  epoch;           /* (restore) the sync epoch the laptop pushes under from now on */
} StBackupInfo;

void          st_backup_info_free    (StBackupInfo  *info);

/* Copies @db into a new file @path (mode 0600, a single file in
 * journal_mode DELETE), checks the copy with PRAGMA integrity_check and only
 * then moves it into place: @path is never left half written. The copy
 * holds no sync token. Cancelling leaves no file. */
gboolean      st_backup              (StDb               *db,
                                      const char         *path,
                                      StBackupFlags       flags,
                                      StBackupProgress    progress,
                                      gpointer            progress_data,
                                      GCancellable       *cancellable,
                                      GError            **error);
/* The same in a thread with its own connection to @db_path; @progress is
 * called in the thread-default main context of the caller. */
void          st_backup_async        (const char         *db_path,
                                      const char         *path,
                                      StBackupFlags       flags,
                                      StBackupProgress    progress,
                                      gpointer            progress_data,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data);
gboolean      st_backup_finish       (GAsyncResult       *result,
                                      GError            **error);

/* Checks that @backup_path is a sound Shuangti database this version can
 * open, and says what it holds. */
StBackupInfo *st_backup_inspect      (const char         *backup_path,
                                      GError            **error);

/* Replaces the database at @db_path (created if missing) with the backup:
 * checked as by st_backup_inspect (), then copied in by SQLite in one
 * transaction, which other connections see all at once. The restored
 * database then pushes under a new sync epoch, never stamps a change
 * earlier than one the replaced database made, and keeps the replaced
 * database's sign-in for the same server and account. Returns what the
 * backup held and what was lost (@db_path's unsent changes). */
StBackupInfo *st_restore             (const char         *db_path,
                                      const char         *backup_path,
                                      StBackupProgress    progress,
                                      gpointer            progress_data,
                                      GCancellable       *cancellable,
                                      GError            **error);
void          st_restore_async       (const char         *db_path,
                                      const char         *backup_path,
                                      StBackupProgress    progress,
                                      gpointer            progress_data,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data);
StBackupInfo *st_restore_finish      (GAsyncResult       *result,
                                      GError            **error);

/* What restoring @backup (as st_backup_inspect () found it) over the
 * database at @db_path would lose: the changes of that database that the
 * server has not received and the backup does not hold; -1 if the database
 * cannot be read. */
gint64        st_restore_count_lost  (const char         *db_path,
                                      const StBackupInfo *backup);

/* The same copy for a database that is not a laptop's (shuangti-server's):
 * @src is copied into a new file @path (mode 0600, journal_mode DELETE,
 * checked by PRAGMA integrity_check before it is moved into place). */
gboolean      st_backup_sqlite       (sqlite3            *src,
                                      const char         *src_path,
                                      const char         *path,
                                      StBackupFlags       flags,
                                      GError            **error);
/* Copies every page of @src into @dst in one transaction of @dst (SQLite's
 * online backup API): other connections to @dst see all of it at once. */
gboolean      st_backup_copy_sqlite  (sqlite3            *dst,
                                      sqlite3            *src,
                                      const char         *dst_path,
                                      GError            **error);
/* PRAGMA integrity_check says "ok"; ST_BACKUP_ERROR_DAMAGED otherwise. */
gboolean      st_backup_integrity_ok (sqlite3            *handle,
                                      const char         *path,
                                      GError            **error);

GQuark        st_backup_error_quark  (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StBackupInfo, st_backup_info_free)

G_END_DECLS
