/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pull (docs/sync-protocol.md): a page of the feed, for the scope of the
 * account that asks, after the cursor it sent. Push is st-server-sync.c. */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include "st-json-guard.h"
#include "st-server-cursor.h"
#include "st-server-sync.h"
#include "st-server-version.h"

/* A page of the feed stops at about this size. */
#define PULL_MAX_BYTES (1024 * 1024)

static gint
compare_strings (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* Names the scope a cursor was issued for, so that a change of scope
 * restarts the feed. A township's scope also names the version of what it
 * holds: "2" since review items about programs and majors are the
 * county's only (issue 16), so that a laptop which pulled them before
 * reads its feed again once and drops them. */
static char *
scope_tag (const StAccount *account)
{
  g_autoptr(GString) scope = g_string_new (NULL);
  g_autofree char **sorted = NULL;
  g_autofree char *digest = NULL;
  guint n;

  if (st_role_sees_all (account->role))
    g_string_append (scope, "all");
  else
    {
      g_string_append (scope, "2:");
      n = g_strv_length (account->townships);
      sorted = g_memdup2 (account->townships, (n + 1) * sizeof (char *));
      g_qsort_with_data (sorted, n, sizeof (char *), compare_strings, NULL);
      for (guint i = 0; i < n; i++)
        g_string_append_printf (scope, "%s,", sorted[i]);
    }
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, scope->str, -1);
  digest[8] = '\0';
  return g_steal_pointer (&digest);
}

static gboolean
storage_failed (StApiError *error,
                GError     *local_error)
{
  g_warning ("reading the feed failed: %s", local_error->message);
  st_api_error_set (error, 503, "storage_unavailable", "The server's storage failed; nothing was read.");
  error->retry_after = 5;
  return FALSE;
}

void
st_server_origin_append (GString *out,
                         StStore *store)
{
  g_string_append (out, "\"server\":{\"id\":");
  st_json_append_string (out, st_store_get_identity (store));
  g_string_append_printf (out, ",\"generation\":%" G_GINT64_FORMAT ",\"protocol\":%d}",
                          st_store_get_generation (store), ST_PROTOCOL_VERSION);
}

GBytes *
st_pull_page (StStore            *store,
              const StCredential *credential,
              const char         *cursor_text,
              gboolean            fresh,
              int                 client_protocol,
              guint               limit,
              gint64              now_ms,
              guint              *n_entries,
              StApiError         *error)
{
  const StAccount *account = credential->account;
  gboolean all = st_role_sees_all (account->role);
  g_autofree char *tag = scope_tag (account);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) out = NULL;
  char identity[9];
  gint64 generation = st_store_get_generation (store);
  gint64 after = 0, skip = 0, base;
  gint64 compacted;
  gint64 last;
  gboolean reset = FALSE, rebuild = FALSE;
  gboolean more;
  guint included = 0;

  g_strlcpy (identity, st_store_get_identity (store), sizeof identity);
  compacted = st_store_get_compacted_seq (store, &local_error);
  if (compacted < 0)
    {
      storage_failed (error, local_error);
      return NULL;
    }
  /* A pass from the beginning misses nothing a compaction dropped. */
  base = compacted;
  if (cursor_text != NULL && *cursor_text != '\0')
    {
      StCursor cursor;

      if (!st_cursor_parse (cursor_text, identity, &cursor))
        {
          st_api_error_set (error, 400, "invalid_cursor", "The cursor was not issued by this server.");
          error->field = g_strdup ("cursor");
          return NULL;
        }
      if (g_ascii_strcasecmp (cursor.identity, identity) != 0 || cursor.generation != generation)
        {
          /* Another database, or this one restored from a backup: its
           * positions mean nothing here. From the beginning, tombstones
           * and all: the laptop keeps what it has. */
          reset = TRUE;
        }
      else if (!g_str_equal (cursor.tag, tag))
        reset = TRUE;
      else if (cursor.seq < compacted && cursor.base < compacted)
        {
          /* Evictions and resolved review items this laptop has not seen
           * are gone: it starts again from an empty copy (protocol 2), or
           * reads everything again (protocol 1). */
          reset = TRUE;
          rebuild = client_protocol >= 2;
        }
      else
        {
          after = cursor.seq;
          skip = cursor.skip;
          base = cursor.base;
        }
    }
  else
    rebuild = fresh;

  if (rebuild)
    {
      /* Tombstones and evictions written before this pass began concern
       * no row an empty laptop has. */
      skip = st_store_get_feed_high (store, &local_error);
      if (skip < 0)
        {
          storage_failed (error, local_error);
          return NULL;
        }
    }

  entries = st_store_feed_read (store, all, (const char * const *) account->townships, after, skip,
                                limit + 1, &local_error);
  if (entries == NULL)
    {
      storage_failed (error, local_error);
      return NULL;
    }

  out = g_string_sized_new (4096);
  g_string_append (out, "{\"changes\":[");
  last = after;
  more = entries->len > limit;
  for (guint i = 0; i < entries->len && i < limit; i++)
    {
      const StFeedEntry *e = g_ptr_array_index (entries, i);

      if (included > 0 && out->len > PULL_MAX_BYTES)
        {
          more = TRUE;
          break;
        }
      if (included > 0)
        g_string_append_c (out, ',');
      g_string_append_printf (out, "{\"seq\":%" G_GINT64_FORMAT ",\"table\":", e->seq);
      st_json_append_string (out, e->table);
      g_string_append (out, ",\"row\":");
      st_json_append_string (out, e->id);
      if (e->evict)
        g_string_append (out, ",\"evict\":true}");
      else
        {
          g_string_append_printf (out, ",\"hlc\":%" G_GINT64_FORMAT ",\"device\":", e->hlc);
          st_json_append_string (out, e->device ? e->device : "");
          g_string_append_printf (out, ",\"deleted\":%s,\"fields\":%s}",
                                  e->deleted ? "true" : "false", e->data ? e->data : "{}");
        }
      last = e->seq;
      included++;
    }
  /* At the end of a fresh pass, what it skipped lies behind the cursor. */
  if (!more && skip > last)
    last = skip;
  g_string_append_printf (out, "],\"cursor\":\"c2.%s.%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT
                          ".%" G_GINT64_FORMAT ".%s\",\"more\":%s,\"reset\":%s,\"rebuild\":%s,"
                          "\"scope\":{\"all_townships\":%s,\"townships\":[",
                          identity, generation, last, more ? skip : 0, base, tag, more ? "true" : "false",
                          reset ? "true" : "false", rebuild && reset ? "true" : "false",
                          all ? "true" : "false");
  for (guint i = 0; !all && account->townships[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      st_json_append_string (out, account->townships[i]);
    }
  g_string_append (out, "]},");
  st_server_origin_append (out, store);
  g_string_append_printf (out, ",\"server_time\":%" G_GINT64_FORMAT "}", now_ms);

  *n_entries = included;
  return g_string_free_to_bytes (g_steal_pointer (&out));
}
