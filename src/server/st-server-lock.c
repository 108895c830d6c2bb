/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "st-server-lock.h"

int
st_server_lock (const char  *db_path,
                gboolean     exclusive,
                GError     **error)
{
  g_autofree char *path = g_strconcat (db_path, ".lock", NULL);
  g_autofree char *dir = g_path_get_dirname (db_path);
  int fd;

  /* The database's own folder, private as the store makes it. */
  g_mkdir_with_parents (dir, 0700);
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("The lock file %s cannot be opened: %s."), path, g_strerror (saved));
      return -1;
    }
  if (flock (fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0)
    {
      int saved = errno;

      close (fd);
      if (saved == EWOULDBLOCK)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                     exclusive
                     ? _("shuangti-server is serving %s: stop it first (sudo systemctl stop shuangti-server), then restore, then start it again.")
                     : _("%s is being restored from a backup: start the server when the restore has finished."),
                     db_path);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                     _("The lock file %s cannot be locked: %s."), path, g_strerror (saved));
      return -1;
    }
  return fd;
}
