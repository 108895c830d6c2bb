/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The API's sync endpoints (docs/sync-protocol.md): push, pull and sync by
 * file. */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include <string.h>

#include "st-server-api-private.h"
#include "st-server-bundle.h"
#include "st-server-sync.h"

/* last_pull_at is saved at most this often per device. */
#define TOUCH_INTERVAL_MS 60000

/* Push */

typedef struct
{
  StCall *call;
  StPush *push;
} Push;

static gboolean
push_apply (StStore     *store,
            StStoreTxn  *txn,
            gpointer     data,
            GError     **error)
{
  Push *job = data;

  return st_push_apply (store, txn, job->push, error);
}

/* The answer of a push that the writer applied (st_call_build ()). */
static void
push_answer (StCall *call)
{
  gint64 now = st_now_ms ();
  g_autoptr(GBytes) body = st_push_response (call->garbage, now, &call->summary);

  st_api_respond (call, 200, body, now);
}

static void
push_done (gpointer      data,
           const GError *error)
{
  Push *job = data;
  StCall *call = job->call;

  /* The request's JSON is freed with the call, off the writer's thread. */
  call->garbage = job->push;
  call->garbage_free = (GDestroyNotify) st_push_free;

  if (error != NULL && error->domain == ST_SYNC_ERROR)
    {
      StApiError api_error = { 0, };

      st_api_error_set (&api_error, 409,
                        error->code == ST_SYNC_ERROR_STALE_EPOCH ? "stale_epoch" : "sequence_reused",
                        "%s", error->message);
      g_free (job);
      st_api_finish_error (call, &api_error);
    }
  else if (error != NULL)
    {
      g_free (job);
      st_api_fail_storage (call, error);
    }
  else
    {
      /* Its results, made into text and gzipped, not on the writer's
       * thread. */
      g_free (job);
      call->build = push_answer;
      st_api_finish (call);
    }
}

/* Reading, parsing and reading ahead a push, a few at a time (half the
 * processors): the pushes wait for the one writer anyway, and more of them
 * read at once only take the processors it needs (bench-server on two
 * cores: p50 −3 % on two PostgreSQL processes, −10 % on SQLite; p95 the
 * same). Pulls and sign-ins are not held. */
static void
prepare_enter (StApi *self)
{
  g_mutex_lock (&self->prepare_lock);
  while (self->preparing >= self->max_preparing)
    g_cond_wait (&self->prepare_cond, &self->prepare_lock);
  self->preparing++;
  g_mutex_unlock (&self->prepare_lock);
}

static void
prepare_leave (StApi *self)
{
  g_mutex_lock (&self->prepare_lock);
  self->preparing--;
  g_cond_signal (&self->prepare_cond);
  g_mutex_unlock (&self->prepare_lock);
}

void
st_api_handle_push (StApi  *self,
                    StCall *call)
{
  StApiError error = { 0, };
  g_autoptr(StCredential) credential = NULL;
  g_autoptr(JsonNode) root = NULL;
  gint64 now = st_now_ms ();
  StPush *push;
  Push *job;

  if (!st_api_no_query (call, &error)
      || (credential = st_api_authenticate (self, call, now, &error)) == NULL)
    {
      st_api_finish_error (call, &error);
      return;
    }
  prepare_enter (self);
  push = (root = st_api_read_body (self, call, FALSE, &error)) == NULL
         ? NULL
         : st_push_parse (self->catalog, root, credential, st_store_get_server_device (self->store),
                          now, self->config.max_clock_skew * 1000, &error);
  if (push != NULL)
    st_push_prefetch (push, self->store);
  prepare_leave (self);
  if (push == NULL)
    {
      st_api_finish_error (call, &error);
      return;
    }
  job = g_new0 (Push, 1);
  job->call = call;
  job->push = push;
  st_writer_submit (self->writer, push_apply, push_done, job);
}


/* Pull */

typedef struct
{
  char   *device;
  gint64  at;
} Touch;

static gboolean
touch_apply (StStore     *store,
             StStoreTxn  *txn,
             gpointer     data,
             GError     **error)
{
  Touch *touch = data;
  g_autoptr(StDevice) device = NULL;

  if (!st_api_find_device (store, txn, touch->device, &device, error))
    return FALSE;
  if (device == NULL)
    return TRUE;
  device->last_pull_at = touch->at;
  return st_store_device_save (store, txn, device, error);
}

static void
touch_done (gpointer      data,
            const GError *error)
{
  Touch *touch = data;

  g_free (touch->device);
  g_free (touch);
}

/* Remembers the pull, at most once a minute per device: a pull must not
 * cost a disk flush. */
static void
touch_device (StApi      *self,
              const char *device,
              gint64      now)
{
  gboolean due;

  g_mutex_lock (&self->touch_lock);
  {
    gpointer last = g_hash_table_lookup (self->touched, device);

    due = last == NULL || now - *(gint64 *) last >= TOUCH_INTERVAL_MS;
    if (due)
      {
        gint64 *at = g_new (gint64, 1);

        *at = now;
        g_hash_table_replace (self->touched, g_strdup (device), at);
      }
  }
  g_mutex_unlock (&self->touch_lock);

  if (due)
    {
      Touch *touch = g_new0 (Touch, 1);

      touch->device = g_strdup (device);
      touch->at = now;
      st_writer_submit (self->writer, touch_apply, touch_done, touch);
    }
}

void
st_api_handle_pull (StApi  *self,
                    StCall *call)
{
  StApiError error = { 0, };
  g_autoptr(StCredential) credential = NULL;
  g_autoptr(GBytes) body = NULL;
  const char *cursor = NULL;
  gboolean fresh = FALSE;
  guint limit = ST_PULL_DEFAULT_LIMIT;
  guint n_entries = 0;
  gint64 now = st_now_ms ();

  if ((credential = st_api_authenticate (self, call, now, &error)) == NULL)
    {
      st_api_finish_error (call, &error);
      return;
    }
  if (call->query != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, call->query);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          if (g_str_equal (key, "cursor"))
            cursor = value;
          else if (g_str_equal (key, "fresh"))
            {
              if (!g_str_equal (value, "0") && !g_str_equal (value, "1"))
                {
                  st_api_fail (call, 400, "invalid_parameter", "\"fresh\" must be 0 or 1.");
                  return;
                }
              fresh = g_str_equal (value, "1");
            }
          else if (g_str_equal (key, "limit"))
            {
              guint64 n;

              if (!g_ascii_string_to_unsigned (value, 10, 1, ST_PULL_MAX_LIMIT, &n, NULL))
                {
                  st_api_fail (call, 400, "invalid_parameter", "\"limit\" must be a number from 1 to %d.", ST_PULL_MAX_LIMIT);
                  return;
                }
              limit = (guint) n;
            }
          else
            {
              st_api_fail (call, 400, "invalid_parameter", "Unknown parameter \"%s\".", (const char *) key);
              return;
            }
        }
    }

  body = st_pull_page (self->store, credential, cursor, fresh, call->client_protocol, limit, now,
                       &n_entries, &error);
  if (body == NULL)
    {
      st_api_finish_error (call, &error);
      return;
    }
  touch_device (self, credential->device, now);
  call->summary = g_strdup_printf ("entries=%u", n_entries);
  st_api_respond (call, 200, body, now);
  st_api_finish (call);
}

/* Sync by file (st-server-bundle.c) */

static void
bundle_done (gpointer          data,
             GBytes           *answer,
             const StApiError *error)
{
  StCall *call = data;
  gint64 now = st_now_ms ();

  if (error != NULL)
    {
      StApiError copy = { 0, };

      st_api_error_set (&copy, error->status, error->code, "%s", error->message);
      copy.retry_after = error->retry_after;
      st_api_finish_error (call, &copy);
      return;
    }
  if (answer == NULL)
    {
      char *text = g_strdup_printf ("{\"registered\":true,\"server_time\":%" G_GINT64_FORMAT "}", now);
      g_autoptr(GBytes) body = g_bytes_new_take (text, strlen (text));

      st_api_respond (call, 200, body, now);
    }
  else
    {
      g_autofree char *encoded = g_base64_encode (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
      char *text = g_strdup_printf ("{\"reply\":\"%s\",\"server_time\":%" G_GINT64_FORMAT "}", encoded, now);
      g_autoptr(GBytes) body = g_bytes_new_take (text, strlen (text));

      call->summary = g_strdup_printf ("reply=%" G_GSIZE_FORMAT, g_bytes_get_size (answer));
      st_api_respond (call, 200, body, now);
    }
  st_api_finish (call);
}

void
st_api_handle_bundle (StApi   *self,
                      StCall  *call,
                      gboolean key)
{
  StApiError error = { 0, };
  g_autoptr(StCredential) credential = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  const StBundleTarget target = {
    .store = self->store, .catalog = self->catalog, .writer = self->writer,
    .max_skew_ms = self->config.max_clock_skew * 1000,
  };

  if (!st_api_no_query (call, &error)
      || (credential = st_api_authenticate (self, call, st_now_ms (), &error)) == NULL
      || (root = st_api_read_object (self, call, FALSE, &error)) == NULL)
    {
      st_api_finish_error (call, &error);
      return;
    }
  object = json_node_get_object (root);
  if (key)
    st_server_bundle_register (&target, credential, object, bundle_done, call);
  else
    {
      static const char *const members[] = { "bundle", NULL };
      const char *text;
      g_autoptr(GBytes) bundle = NULL;
      guchar *bytes;
      gsize size = 0;

      if (!st_api_only_members (object, members, &error) || !st_api_string_member (object, "bundle", TRUE, &text, &error))
        {
          st_api_finish_error (call, &error);
          return;
        }
      bytes = g_base64_decode (text, &size);
      bundle = g_bytes_new_take (bytes, size);
      st_server_bundle_relay (&target, credential->account->name, bundle, bundle_done, call);
    }
}
