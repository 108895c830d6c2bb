/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-uuid"

#include "config.h"

#include "st-uuid.h"

char *
st_uuid_new (void)
{
  return g_uuid_string_random ();
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

  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          digest[0], digest[1], digest[2], digest[3],
                          digest[4], digest[5], digest[6], digest[7],
                          digest[8], digest[9], digest[10], digest[11],
                          digest[12], digest[13], digest[14], digest[15]);
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
