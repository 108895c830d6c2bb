/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-cli backup FILE, restore FILE. */
#define G_LOG_DOMAIN "st-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>

#include "st-backup.h"

#include "st-cli-private.h"

/* A percentage that overwrites itself, on a terminal only. */
static void
print_progress (double   fraction,
                gpointer user_data)
{
  const char *what = user_data;

  g_printerr ("\r%s %3d%%", what, (int) (fraction * 100 + 0.5));
}

static void
end_progress (gboolean shown)
{
  if (shown)
    g_printerr ("\n");
}

static char *
format_time (gint64 ms)
{
  g_autoptr(GDateTime) dt = NULL;

  if (ms <= 0)
    return g_strdup (_("unknown"));
  dt = g_date_time_new_from_unix_local (ms / 1000);
  return g_date_time_format (dt, "%Y-%m-%d %H:%M");
}

static char *
db_path_of (Globals *g)
{
  return g->db_path ? g_strdup (g->db_path) : st_db_default_path ();
}

int
st_cli_backup (Globals *g, int argc, char **argv)
{
  gboolean force = FALSE;
  GOptionEntry entries[] = {
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force, N_("Replace FILE if it exists"), NULL },
    { NULL }
  };
  g_autofree char *path = db_path_of (g);
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  gboolean terminal = isatty (STDERR_FILENO) && !g->json;
  const char *what = _("Backing up…");
  GStatBuf st;

  if (!st_cli_parse_options ("backup", N_("FILE"),
                             N_("Copy the database into FILE (readable only by you), checked for damage. Restore it with “restore FILE”."),
                             entries, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      st_cli_error (_("usage: backup FILE [--force]"));
      return 2;
    }
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *msg = g_strdup_printf (_("There is no database at %s."), path);

      st_cli_error (msg);
      return 1;
    }
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  if (!st_backup (db, argv[1], force ? ST_BACKUP_FLAGS_REPLACE : ST_BACKUP_FLAGS_NONE,
                  terminal ? print_progress : NULL, (gpointer) what, NULL, &error))
    {
      end_progress (terminal);
      st_cli_error (error->message);
      if (g_error_matches (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_EXISTS) && !force)
        g_printerr ("%s\n", _("Add --force to replace it."));
      return 1;
    }
  end_progress (terminal);

  if (g_stat (argv[1], &st) != 0)
    st.st_size = 0;
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      st_json_add_string (b, "database", st_db_get_path (db));
      st_json_add_string (b, "backup", argv[1]);
      st_json_add_int (b, "bytes", (gint64) st.st_size);
      st_json_add_int (b, "participants", st_db_count_live (db, "participants"));
      json_builder_end_object (b);
      st_cli_print_builder (b);
    }
  else
    {
      g_autofree char *size = g_format_size ((guint64) st.st_size);

      /* Translators: "Backed up <database> to <file> (<size>, <n> participants)." */
      g_print (_("Backed up %s to %s (%s, %lld participants).\n"), st_db_get_path (db), argv[1], size,
               (long long) st_db_count_live (db, "participants"));
    }
  return 0;
}

/* y or yes on stdin. */
static gboolean
confirmed (void)
{
  char line[64];

  /* Translators: the answer to a yes/no question; keep "[y/N]" */
  g_print ("%s ", _("Restore? [y/N]"));
  fflush (stdout);
  if (fgets (line, sizeof line, stdin) == NULL)
    return FALSE;
  g_strstrip (line);
  return g_ascii_strcasecmp (line, "y") == 0 || g_ascii_strcasecmp (line, "yes") == 0;
}

int
st_cli_restore (Globals *g, int argc, char **argv)
{
  gboolean yes = FALSE;
  GOptionEntry entries[] = {
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_("Do not ask for confirmation"), NULL },
    { NULL }
  };
  g_autofree char *path = db_path_of (g);
  g_autoptr(StBackupInfo) backup = NULL;
  g_autoptr(StBackupInfo) done = NULL;
  g_autoptr(GError) error = NULL;
  gboolean terminal = isatty (STDERR_FILENO) && !g->json;
  const char *what = _("Restoring…");
  gint64 lost;

  if (!st_cli_parse_options ("restore", N_("FILE"),
                             N_("Replace every record of the database with a backup made by “backup FILE”. The next sync brings back what the server received since the backup."),
                             entries, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      st_cli_error (_("usage: restore FILE [--yes]"));
      return 2;
    }
  backup = st_backup_inspect (argv[1], &error);
  if (backup == NULL)
    return st_cli_fail (g_steal_pointer (&error));
  lost = st_restore_count_lost (path, backup);

  if (!yes)
    {
      g_autofree char *made = format_time (backup->made_at);

      g_print (_("This replaces every record in %s with the backup %s (made %s, %lld participants).\n"),
               path, argv[1], made, (long long) backup->participants);
      if (lost > 0)
        g_print (g_dngettext (GETTEXT_PACKAGE,
                              "%lld change made on this computer has not reached the server and is not in the backup: it will be lost.\n",
                              "%lld changes made on this computer have not reached the server and are not in the backup: they will be lost.\n",
                              (gulong) lost), (long long) lost);
      else if (lost < 0)
        g_print ("%s\n", _("The database cannot be read, so what it holds that the backup does not will be lost."));
      if (!confirmed ())
        {
          st_cli_error (_("Nothing was restored."));
          return 1;
        }
    }

  done = st_restore (path, argv[1], terminal ? print_progress : NULL, (gpointer) what, NULL, &error);
  end_progress (terminal);
  if (done == NULL)
    return st_cli_fail (g_steal_pointer (&error));
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      st_json_add_string (b, "database", path);
      st_json_add_string (b, "backup", argv[1]);
      st_json_add_int (b, "participants", done->participants);
      st_json_add_int (b, "lost", done->lost);
      st_json_add_int (b, "epoch", done->epoch);
      json_builder_end_object (b);
      st_cli_print_builder (b);
    }
  else
    {
      g_print (_("Restored %s from %s: %lld participants.\n"), path, argv[1], (long long) done->participants);
      if (done->lost > 0)
        g_print (g_dngettext (GETTEXT_PACKAGE,
                              "%lld change that had not reached the server was replaced.\n",
                              "%lld changes that had not reached the server were replaced.\n",
                              (gulong) done->lost), (long long) done->lost);
      g_print ("%s\n", _("The next sync brings back what the server received from this computer after the backup."));
    }
  return 0;
}
