/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the server tests and the benchmark share: a real shuangti-server
 * started on 127.0.0.1 with a free port and a throwaway database, its
 * administration commands, and a small HTTP client. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Townships of the default county used throughout. */
#define ST_TEST_TOWNSHIP_A "522327104000"   /* 巧马镇 */
#define ST_TEST_TOWNSHIP_B "522327105000"   /* 秧坝镇 */
#define ST_TEST_PASSWORD   "correct horse battery"

typedef struct
{
  GSubprocess *process;
  char        *url;        /* http://127.0.0.1:PORT, no trailing slash */
  guint16      port;
  char        *db_path;
  char        *log_path;   /* the server's stderr */
  gboolean     valgrind;
} StTestServer;

/* The shuangti-server binary (ST_SERVER, or argv[1] for the benchmark). */
void          st_test_set_server_binary (const char   *path);
const char   *st_test_server_binary     (void);
/* A file in this test's own folder (G_TEST_OPTION_ISOLATE_DIRS). */
char         *st_test_db_path           (const char   *name);
/* Removes @dir and the files in it (benchmarks' temporary folders). */
void          st_test_remove_dir        (const char   *dir);
/* Slower under valgrind: tests scale their waits by this. */
guint         st_test_slowness          (void);

/* Starts a server on @db_path with extra arguments (NULL-terminated) and
 * waits until it listens. Under ST_VALGRIND=1 it runs under memcheck. */
StTestServer *st_test_server_start      (const char   *db_path,
                                         ...) G_GNUC_NULL_TERMINATED;
StTestServer *st_test_server_startv     (const char   *db_path,
                                         const char * const *args,
                                         const char   *failpoint);
/* SIGTERM; asserts a clean exit (and, under valgrind, no leak). */
void          st_test_server_stop       (StTestServer *server);
/* SIGKILL. */
void          st_test_server_kill       (StTestServer *server);
void          st_test_server_free       (StTestServer *server);
/* What the server logged so far. */
char         *st_test_server_log        (StTestServer *server);
/* Waits until the log holds @needle. */
gboolean      st_test_server_wait_log   (StTestServer *server,
                                         const char   *needle,
                                         guint         timeout_ms);

/* Runs shuangti-server --db @db_path ARGS… with @input on stdin; returns the
 * exit status. @out and @err may be NULL. */
int           st_test_admin             (const char   *db_path,
                                         const char   *input,
                                         char        **out,
                                         char        **err,
                                         ...) G_GNUC_NULL_TERMINATED;
/* user add @name --role @role [--township T]… with ST_TEST_PASSWORD. */
void          st_test_add_user          (const char   *db_path,
                                         const char   *name,
                                         const char   *role,
                                         ...) G_GNUC_NULL_TERMINATED;

typedef struct
{
  guint               status;
  GBytes             *body;
  JsonNode           *json;       /* NULL when the body is not JSON */
  SoupMessageHeaders *headers;
} StTestReply;

SoupSession  *st_test_session_new       (void);
/* @body: JSON text or NULL. */
StTestReply  *st_test_call              (SoupSession  *session,
                                         StTestServer *server,
                                         const char   *method,
                                         const char   *path,
                                         const char   *token,
                                         const char   *body);
StTestReply  *st_test_call_bytes        (SoupSession  *session,
                                         StTestServer *server,
                                         const char   *method,
                                         const char   *path,
                                         const char   *token,
                                         const char   *content_type,
                                         const char   *content_encoding,
                                         GBytes       *body);
void          st_test_reply_free        (StTestReply  *reply);
JsonObject   *st_test_reply_object      (StTestReply  *reply);
/* The error code of an error reply (asserts there is one). */
const char   *st_test_reply_code        (StTestReply  *reply);

/* Signs in (asserting 200) and returns the token. */
char         *st_test_sign_in           (SoupSession  *session,
                                         StTestServer *server,
                                         const char   *user,
                                         const char   *device);
/* POST /api/v1/push with @changes (a JSON array text); the reply. */
StTestReply  *st_test_push              (SoupSession  *session,
                                         StTestServer *server,
                                         const char   *token,
                                         gint64        epoch,
                                         const char   *changes);
/* The same, taking @changes (as st_test_changes () makes them). */
StTestReply  *st_test_push_take         (SoupSession  *session,
                                         StTestServer *server,
                                         const char   *token,
                                         gint64        epoch,
                                         char         *changes);
/* Every entry of the feed in the token's scope (all pages), as an array of
 * JSON objects; *@cursor (may be NULL) the last cursor. */
GPtrArray    *st_test_pull_all          (SoupSession  *session,
                                         StTestServer *server,
                                         const char   *token,
                                         const char   *from_cursor,
                                         char        **cursor);
/* The entry of @row in @entries, or NULL. */
JsonObject   *st_test_find_row          (GPtrArray    *entries,
                                         const char   *row);
guint         st_test_count_table       (GPtrArray    *entries,
                                         const char   *table);

/* A clock stamp @offset_ms from now, as a laptop makes it. */
gint64        st_test_hlc               (gint64        offset_ms);
/* A valid, distinct resident ID number for each @n. */
char         *st_test_id_number         (guint         n);
/* The fields of a whole participant. */
char         *st_test_participant       (const char   *name,
                                         const char   *township,
                                         guint         n);
/* One change as JSON text; @base_hlc 0 = null; takes @fields. */
char         *st_test_change            (gint64        seq,
                                         const char   *table,
                                         const char   *row,
                                         const char   *kind,
                                         gint64        hlc,
                                         gint64        base_hlc,
                                         char         *fields);
/* [c1, c2, …] of a NULL-terminated list of change texts (freed). */
char         *st_test_changes           (char         *first,
                                         ...) G_GNUC_NULL_TERMINATED;

/* A connection of its own, for requests libsoup will not send. */
GSocketConnection *st_test_raw_connect  (StTestServer *server);
void          st_test_raw_send          (GSocketConnection *connection,
                                         const void   *data,
                                         gsize         size);
/* Reads until the server closes (or @timeout_ms). */
char         *st_test_raw_read          (GSocketConnection *connection,
                                         guint         timeout_ms);
guint         st_test_raw_status        (const char   *response);
/* The JSON body of a raw response. */
JsonObject   *st_test_raw_json          (const char   *response);

/* PRAGMA integrity_check of a database file: "ok" when sound. */
char         *st_test_integrity_check   (const char   *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StTestServer, st_test_server_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StTestReply, st_test_reply_free)

G_END_DECLS
