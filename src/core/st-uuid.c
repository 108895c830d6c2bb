/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-uuid"

#include "config.h"

#include "st-uuid.h"

static void
format_uuid (const guint8  b[16],
             char          out[37])
{
  static const char hex[] = "0123456789abcdef";
  guint n = 0;

  for (guint i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        out[n++] = '-';
      out[n++] = hex[b[i] >> 4];
      out[n++] = hex[b[i] & 15];
    }
  out[n] = '\0';
}

/* Version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Keys
 * made one after the other sort together, so inserting them appends to the
 * B-trees instead of touching a random page per row, and they stay unique
 * across laptops through their 74 random bits. */
char *
st_uuid_new (void)
{
  guint64 ms = (guint64) (g_get_real_time () / 1000);
  guint32 r[3] = { g_random_int (), g_random_int (), g_random_int () };
  guint8 b[16];
  char *out = g_malloc (37);

  for (guint i = 0; i < 6; i++)
    b[i] = (guint8) (ms >> (40 - 8 * i));
  memcpy (b + 6, r, 10);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  format_uuid (b, out);
  return out;
}

static gboolean
parse_uuid (const char *str,
            guint8      out[16])
{
  guint n = 0;

  if (!g_uuid_string_is_valid (str))
    return FALSE;

  for (const char *p = str; *p && n < 16; p++)
    {
      int hi, lo;

      if (*p == '-')
        continue;
      hi = g_ascii_xdigit_value (p[0]);
      lo = g_ascii_xdigit_value (p[1]);
      out[n++] = (guint8) (hi << 4 | lo);
      p++;
    }

  return n == 16;
}

char *
st_uuid_v5 (const char *namespace_uuid,
            const char *name)
{
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 ns[16];
  guint8 digest[20];
  gsize len = sizeof digest;

  g_return_val_if_fail (name != NULL, NULL);
  if (!parse_uuid (namespace_uuid, ns))
    g_return_val_if_reached (NULL);

  g_checksum_update (sha1, ns, sizeof ns);
  g_checksum_update (sha1, (const guchar *) name, strlen (name));
  g_checksum_get_digest (sha1, digest, &len);

  digest[6] = (digest[6] & 0x0f) | 0x50;
  digest[8] = (digest[8] & 0x3f) | 0x80;

  {
    char *out = g_malloc (37);

    format_uuid (digest, out);
    return out;
  }
}

char *
st_uuid_v5_pair (const char *namespace_uuid,
                 const char *first,
                 const char *second)
{
  g_autofree char *joined = g_strconcat (first, "/", second, NULL);

  return st_uuid_v5 (namespace_uuid, joined);
}

gboolean
st_uuid_is_valid (const char *str)
{
  return str != NULL && g_uuid_string_is_valid (str);
}
