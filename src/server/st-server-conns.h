/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The connections a server holds open, and how many it may: when a new
 * one would pass the limit, the oldest that has not sent a whole request
 * yet (idle, or a stranger holding sockets) is shut down to make room, so
 * that a thousand idle connections never keep a laptop or a health check
 * out. Thread-safe: connections are admitted on the main thread and end on
 * the I/O threads. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _StConnTable StConnTable;

StConnTable *st_conn_table_new     (guint           max);
void         st_conn_table_free    (StConnTable    *self);
/* Makes room for @client (shutting down the oldest connection without a
 * request if the table is full) and counts it until @stream is finalized.
 * FALSE when every connection held is busy with a request: @client is
 * not counted and the caller closes it. */
gboolean     st_conn_table_admit   (StConnTable    *self,
                                    GSocket        *client,
                                    GSocketAddress *remote,
                                    GIOStream      *stream);
/* The connection from @remote has sent a request's headers (@busy): it
 * is not shut down to make room until its answer is sent (!@busy). */
void         st_conn_table_set_busy (StConnTable    *self,
                                     GSocketAddress *remote,
                                     gboolean        busy);
guint        st_conn_table_count   (StConnTable    *self);
/* Shuts down up to @n of the oldest connections without a request (the
 * process is out of files); how many. */
guint        st_conn_table_evict   (StConnTable    *self,
                                    guint           n);

G_END_DECLS
