/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the administration commands share (st-server-admin*.c). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "st-store.h"

G_BEGIN_DECLS

/* "shuangti-server: MESSAGE" on stderr. */
void      st_admin_print_error    (const char    *message);
/* Prints what @b built, pretty, on standard output (--json). */
void      st_admin_print_json     (JsonBuilder   *b);
/* Refuses (FALSE, @error) when run as root on a file of the service's user. */
gboolean  st_admin_check_owner    (const char    *path,
                                   GError       **error);
/* The store at @db_path, or NULL after a message. */
StStore  *st_admin_open_store     (const char    *db_path);
/* Parses a command's options: its own @entries (NULL: none), then --json
 * into *@json unless @json is NULL (the listing commands), then --db FILE
 * into *@db, which every command takes. FALSE (after a message) when they
 * are wrong. */
gboolean  st_admin_parse_options  (const char    *parameter,
                                   const char    *summary,
                                   GOptionEntry  *entries,
                                   gboolean      *json,
                                   char         **db,
                                   int           *argc,
                                   char        ***argv);
/* What a listing command prints of @rows: with @json an array of the
 * objects @to_json writes; else @none (a line) when there are no rows, or a
 * line per row by @print. */
void      st_admin_print_list     (GPtrArray     *rows,
                                   gboolean       json,
                                   void         (*to_json) (JsonBuilder *b,
                                                            gconstpointer row),
                                   void         (*print) (gconstpointer row),
                                   const char    *none);
/* Local time, "YYYY-MM-DD HH:MM:SS". */
char     *st_admin_format_time    (gint64         ms);

/* Who runs the command: SUDO_USER, or the user. */
const char *st_admin_os_user      (void);
/* Records an administration command in @txn (the audit of admin_log). */
gboolean  st_admin_log            (StStore       *store,
                                   StStoreTxn    *txn,
                                   const char    *command,
                                   const char    *target,
                                   const char    *detail,
                                   GError       **error);

/* The commands of st-server-admin-device.c and -audit.c. */
int       st_admin_device         (const char    *db_path,
                                   int            argc,
                                   char         **argv);
int       st_admin_audit          (const char    *db_path,
                                   int            argc,
                                   char         **argv);

/* The commands of st-server-admin-data.c. */
int       st_admin_backup         (const char    *db_path,
                                   int            argc,
                                   char         **argv);
int       st_admin_restore        (const char    *db_path,
                                   int            argc,
                                   char         **argv);
int       st_admin_compact        (const char    *db_path,
                                   int            argc,
                                   char         **argv);
/* st-server-admin-migrate.c: a SQLite server database into PostgreSQL. */
int       st_admin_migrate        (const char    *db_path,
                                   int            argc,
                                   char         **argv);
/* What backup and restore say and do for a PostgreSQL database. */
int       st_admin_backup_pg      (const char    *db_path);
int       st_admin_restore_pg     (const char    *db_path,
                                   int            argc,
                                   char         **argv);

G_END_DECLS
