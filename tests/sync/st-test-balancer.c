/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "st-test-balancer.h"

struct _StTestBalancer
{
  StTestServer **slots;
  guint          n_slots;
  GRand         *rand;          /* the balancer's thread only */
  GThread       *thread;
  GMainContext  *context;
  GMainLoop     *loop;
  SoupServer    *server;
  SoupSession   *session;       /* to the processes; the balancer's thread only */
  char          *url;
  GHashTable    *last_slot;     /* token → the slot its last request went to */

  GMutex         lock;
  GCond          ready;
  gboolean       started;
  guint64       *requests;
  guint64        failed;
  guint64        switches;
  gboolean      *pushing;       /* per slot: a push is sent on to it, not answered yet */
};

/* Hop-by-hop headers, and those libsoup writes itself. */
static gboolean
passes (const char *name)
{
  static const char *const own[] = { "Host", "Connection", "Keep-Alive", "Content-Length", "Transfer-Encoding",
                                     "Content-Type", "Proxy-Connection", "TE", "Upgrade" };

  for (guint i = 0; i < G_N_ELEMENTS (own); i++)
    if (g_ascii_strcasecmp (name, own[i]) == 0)
      return FALSE;
  return TRUE;
}

static void
copy_headers (SoupMessageHeaders *from,
              SoupMessageHeaders *to)
{
  SoupMessageHeadersIter iter;
  const char *name, *value;

  soup_message_headers_iter_init (&iter, from);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (passes (name))
      soup_message_headers_append (to, name, value);
}

/* The slot of this request, at random. */
static guint
choose (StTestBalancer *self,
        const char     *token)
{
  guint slot = (guint) g_rand_int_range (self->rand, 0, (gint32) self->n_slots);
  gpointer last;

  g_mutex_lock (&self->lock);
  self->requests[slot]++;
  if (token != NULL)
    {
      if (g_hash_table_lookup_extended (self->last_slot, token, NULL, &last) && GPOINTER_TO_UINT (last) != slot)
        self->switches++;
      g_hash_table_insert (self->last_slot, g_strdup (token), GUINT_TO_POINTER (slot));
    }
  g_mutex_unlock (&self->lock);
  return slot;
}

static void
bad_gateway (StTestBalancer    *self,
             SoupServerMessage *msg)
{
  static const char body[] = "502 Bad Gateway\n";

  g_mutex_lock (&self->lock);
  self->failed++;
  g_mutex_unlock (&self->lock);
  soup_server_message_set_status (msg, 502, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, body, strlen (body));
}

/* Sent on whole, answered whole: the simulation's laptops sync one at a
 * time, so one request at a time is enough. */
static void
forward (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           data)
{
  StTestBalancer *self = data;
  const char *method = soup_server_message_get_method (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  SoupMessageHeaders *in = soup_server_message_get_request_headers (msg);
  const char *authorization = soup_message_headers_get_one (in, "Authorization");
  guint slot = choose (self, authorization);
  g_autofree char *target = g_strdup_printf ("http://127.0.0.1:%u%s%s%s", self->slots[slot]->port, path,
                                             g_uri_get_query (uri) ? "?" : "",
                                             g_uri_get_query (uri) ? g_uri_get_query (uri) : "");
  g_autoptr(SoupMessage) out = soup_message_new (method, target);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *reply;
  const char *content_type;
  gboolean is_push;

  copy_headers (in, soup_message_get_request_headers (out));
  if (g_bytes_get_size (body) > 0 || g_str_equal (method, "POST"))
    soup_message_set_request_body_from_bytes (out, soup_message_headers_get_content_type (in, NULL), body);
  is_push = g_str_equal (method, "POST") && g_str_has_suffix (path, "/push");
  g_mutex_lock (&self->lock);
  self->pushing[slot] = is_push;
  g_mutex_unlock (&self->lock);
  answer = soup_session_send_and_read (self->session, out, NULL, &error);
  g_mutex_lock (&self->lock);
  self->pushing[slot] = FALSE;
  g_mutex_unlock (&self->lock);
  if (answer == NULL)
    {
      bad_gateway (self, msg);
      return;
    }
  reply = soup_message_get_response_headers (out);
  soup_server_message_set_status (msg, soup_message_get_status (out), soup_message_get_reason_phrase (out));
  copy_headers (reply, soup_server_message_get_response_headers (msg));
  content_type = soup_message_headers_get_one (reply, "Content-Type");
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
}

static gpointer
balancer_run (gpointer data)
{
  StTestBalancer *self = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (self->context);
  self->server = soup_server_new (NULL, NULL);
  /* The bodies as the processes sent them: gzip stays gzip. */
  self->session = soup_session_new_with_options ("timeout", 60, NULL);
  soup_session_remove_feature_by_type (self->session, SOUP_TYPE_CONTENT_DECODER);
  soup_server_add_handler (self->server, NULL, forward, self, NULL);
  g_assert_true (soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (self->server);
  self->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_mutex_lock (&self->lock);
  self->started = TRUE;
  g_cond_signal (&self->ready);
  g_mutex_unlock (&self->lock);

  g_main_loop_run (self->loop);

  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->session);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

StTestBalancer *
st_test_balancer_new (StTestServer **slots,
                      guint          n_slots,
                      guint32        seed)
{
  StTestBalancer *self = g_new0 (StTestBalancer, 1);

  g_assert_cmpuint (n_slots, >, 0);
  self->slots = slots;
  self->n_slots = n_slots;
  self->rand = g_rand_new_with_seed (seed);
  self->requests = g_new0 (guint64, n_slots);
  self->pushing = g_new0 (gboolean, n_slots);
  self->last_slot = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_init (&self->lock);
  g_cond_init (&self->ready);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("balancer", balancer_run, self);
  g_mutex_lock (&self->lock);
  while (!self->started)
    g_cond_wait (&self->ready, &self->lock);
  g_mutex_unlock (&self->lock);
  return self;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
st_test_balancer_free (StTestBalancer *self)
{
  if (self == NULL)
    return;
  g_main_context_invoke (self->context, quit_loop, self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_hash_table_unref (self->last_slot);
  g_rand_free (self->rand);
  g_free (self->requests);
  g_free (self->pushing);
  g_free (self->url);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->ready);
  g_free (self);
}

const char *
st_test_balancer_url (StTestBalancer *self)
{
  return self->url;
}

guint64
st_test_balancer_requests (StTestBalancer *self,
                           guint           i)
{
  guint64 n;

  g_mutex_lock (&self->lock);
  n = self->requests[i];
  g_mutex_unlock (&self->lock);
  return n;
}

guint64
st_test_balancer_failed (StTestBalancer *self)
{
  guint64 n;

  g_mutex_lock (&self->lock);
  n = self->failed;
  g_mutex_unlock (&self->lock);
  return n;
}

guint64
st_test_balancer_switches (StTestBalancer *self)
{
  guint64 n;

  g_mutex_lock (&self->lock);
  n = self->switches;
  g_mutex_unlock (&self->lock);
  return n;
}

gboolean
st_test_balancer_pushing (StTestBalancer *self,
                          guint           i)
{
  gboolean pushing;

  g_mutex_lock (&self->lock);
  pushing = self->pushing[i];
  g_mutex_unlock (&self->lock);
  return pushing;
}
