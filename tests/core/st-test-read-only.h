/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Making a folder read-only for the tests, as a person meets it: another
 * user's files, or a write-protected disk. Tests run as root in CI, and
 * root writes whatever the modes say; so as root the folder becomes a
 * read-only bind mount of itself in a mount namespace of the test's own
 * (which the programs it starts share); otherwise its files and the folder
 * lose their write bits. */
#pragma once

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

/* FALSE (with the reason in @why) when neither way is open to us. */
static inline gboolean
st_test_make_read_only (const char  *dir,
                        char       **why)
{
  if (geteuid () != 0)
    {
      g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
      const char *name;

      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *file = g_build_filename (dir, name, NULL);

          g_chmod (file, 0444);
        }
      g_chmod (dir, 0555);
      return TRUE;
    }
  {
    static gboolean unshared;

    if (!unshared)
      {
        if (unshare (CLONE_NEWNS) != 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
          {
            *why = g_strdup_printf ("no mount namespace for a read-only folder: %s", g_strerror (errno));
            return FALSE;
          }
        unshared = TRUE;
      }
  }
  if (mount (dir, dir, NULL, MS_BIND, NULL) != 0
      || mount (NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) != 0)
    {
      *why = g_strdup_printf ("cannot make %s a read-only mount: %s", dir, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static inline void
st_test_undo_read_only (const char *dir)
{
  if (geteuid () != 0)
    {
      g_autoptr(GDir) d = NULL;
      const char *name;

      g_chmod (dir, 0700);
      d = g_dir_open (dir, 0, NULL);
      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *file = g_build_filename (dir, name, NULL);

          g_chmod (file, 0600);
        }
      return;
    }
  umount2 (dir, MNT_DETACH);
}
