/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A laptop for the sync tests: its own database, its own (possibly skewed)
 * clock, an account on the test server, and helpers to edit and compare. */
#pragma once

#include "st-db.h"
#include "st-sync.h"
#include "st-test-server.h"

G_BEGIN_DECLS

typedef struct
{
  char   *name;
  char   *path;
  StDb   *db;
  StHlc  *clock;
  gint64  skew_ms;     /* added to the real clock */
  char   *user;
  char   *token;
  GStrv   townships;   /* the account's; NULL = all */
} StTestReplica;

/* A laptop database in the test's folder whose clock runs @skew_ms off. */
StTestReplica *st_test_replica_new        (const char    *name,
                                           gint64         skew_ms);
void           st_test_replica_free       (StTestReplica *r);
/* Closes and reopens the database (as after a crash or a restart). */
void           st_test_replica_reopen     (StTestReplica *r);
/* Signs in as @user (ST_TEST_PASSWORD) and keeps the token. */
void           st_test_replica_sign_in    (StTestReplica *r,
                                           StTestServer  *server,
                                           const char    *user);
gboolean       st_test_replica_sync       (StTestReplica *r,
                                           const StSyncOptions *options,
                                           StSyncStats   *stats,
                                           GError       **error);
/* Syncs and asserts success. */
void           st_test_replica_sync_ok    (StTestReplica *r);

/* A new participant with the @n-th test ID number; its key. */
char          *st_test_replica_add_participant (StTestReplica *r,
                                                guint          n,
                                                const char    *name,
                                                const char    *township);
/* A local edit of one field (text, or NULL), stamped by the replica's clock. */
void           st_test_replica_set        (StTestReplica *r,
                                           const char    *table,
                                           const char    *row,
                                           const char    *field,
                                           const char    *value);
void           st_test_replica_delete     (StTestReplica *r,
                                           const char    *table,
                                           const char    *row);
/* A field's value, or NULL. */
char          *st_test_replica_get        (StTestReplica *r,
                                           const char    *table,
                                           const char    *row,
                                           const char    *field);
gint64         st_test_replica_count      (StTestReplica *r,
                                           const char    *sql);
/* The text of the first column of @sql's first row, or NULL. */
char          *st_test_replica_get_text   (StTestReplica *r,
                                           const char    *sql);

/* Every synced row of @db (key, clock, device, tombstone, fields), sorted;
 * rows of townships outside @townships left out (NULL = all). */
char          *st_test_digest             (StDb          *db,
                                           const char * const *townships);
/* The same, of the live rows only (@deleted 0), of the tombstones only
 * (1), or of both (-1). */
char          *st_test_digest_rows        (StDb          *db,
                                           const char * const *townships,
                                           int            deleted);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StTestReplica, st_test_replica_free)

G_END_DECLS
