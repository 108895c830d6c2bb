/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include "st-server-conns.h"
#include "st-server-log.h"

typedef struct
{
  StConnTable    *table;
  GSocket        *socket;
  GSocketAddress *remote;
  GList           link;      /* in table->conns; data = this */
  gboolean        busy;
  gboolean        listed;
} Conn;

struct _StConnTable
{
  GMutex  lock;
  GQueue  conns;             /* Conn, the oldest first */
  guint   max;
  gint    refs;              /* the table and every connection in it */
};

StConnTable *
st_conn_table_new (guint max)
{
  StConnTable *self = g_new0 (StConnTable, 1);

  g_mutex_init (&self->lock);
  g_queue_init (&self->conns);
  self->max = MAX (max, 1);
  self->refs = 1;
  return self;
}

static void
table_unref (StConnTable *self)
{
  if (!g_atomic_int_dec_and_test (&self->refs))
    return;
  g_mutex_clear (&self->lock);
  g_free (self);
}

static void
unlist (StConnTable *self,
        Conn        *conn)
{
  if (!conn->listed)
    return;
  g_queue_unlink (&self->conns, &conn->link);
  conn->listed = FALSE;
}

void
st_conn_table_free (StConnTable *self)
{
  if (self == NULL)
    return;
  /* Connections still open keep the table until they end. */
  table_unref (self);
}

/* The stream went: libsoup is done with the connection. */
static void
conn_gone (gpointer  data,
           GObject  *stream)
{
  Conn *conn = data;
  StConnTable *table = conn->table;

  g_mutex_lock (&table->lock);
  unlist (table, conn);
  g_mutex_unlock (&table->lock);
  g_object_unref (conn->socket);
  g_object_unref (conn->remote);
  g_free (conn);
  table_unref (table);
}

static gboolean
same_address (GSocketAddress *a,
              GSocketAddress *b)
{
  if (!G_IS_INET_SOCKET_ADDRESS (a) || !G_IS_INET_SOCKET_ADDRESS (b))
    return FALSE;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (a)) == g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (b))
    && g_inet_address_equal (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (a)),
                             g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (b)));
}

/* Under the lock: the oldest connection without a request, shut down and
 * out of the table (its I/O thread reads the end of the stream and lets it
 * go); FALSE if there is none. */
static gboolean
evict_one (StConnTable *self)
{
  for (GList *l = self->conns.head; l != NULL; l = l->next)
    {
      Conn *conn = l->data;

      if (!conn->busy)
        {
          unlist (self, conn);
          g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
          return TRUE;
        }
    }
  return FALSE;
}

guint
st_conn_table_evict (StConnTable *self,
                     guint        n)
{
  guint done = 0;

  g_mutex_lock (&self->lock);
  while (done < n && evict_one (self))
    done++;
  g_mutex_unlock (&self->lock);
  return done;
}

gboolean
st_conn_table_admit (StConnTable    *self,
                     GSocket        *client,
                     GSocketAddress *remote,
                     GIOStream      *stream)
{
  Conn *conn;

  g_mutex_lock (&self->lock);
  if (self->conns.length >= self->max && !evict_one (self))
    {
      g_mutex_unlock (&self->lock);
      st_server_log (G_LOG_LEVEL_WARNING, "connection_refused", "reason", "every connection busy", NULL);
      return FALSE;
    }
  conn = g_new0 (Conn, 1);
  conn->table = self;
  conn->socket = g_object_ref (client);
  conn->remote = g_object_ref (remote);
  conn->link.data = conn;
  conn->listed = TRUE;
  g_queue_push_tail_link (&self->conns, &conn->link);
  g_atomic_int_inc (&self->refs);
  g_mutex_unlock (&self->lock);
  g_object_weak_ref (G_OBJECT (stream), conn_gone, conn);
  return TRUE;
}

void
st_conn_table_set_busy (StConnTable    *self,
                        GSocketAddress *remote,
                        gboolean        busy)
{
  if (remote == NULL)
    return;
  g_mutex_lock (&self->lock);
  /* The newest first: a request comes soon after its connection. */
  for (GList *l = self->conns.tail; l != NULL; l = l->prev)
    {
      Conn *conn = l->data;

      if (same_address (conn->remote, remote))
        {
          conn->busy = busy;
          break;
        }
    }
  g_mutex_unlock (&self->lock);
}

guint
st_conn_table_count (StConnTable *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->conns.length;
  g_mutex_unlock (&self->lock);
  return n;
}
