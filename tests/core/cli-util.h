/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs the real shuangti-cli ($ST_CLI) on a database, as a clerk or a
 * script does, and parses what it prints with --json. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static inline void
run_clear (Run *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

/* shuangti-cli --db @db ARGS… (NULL-terminated), with @env (pairs of name
 * and value, NULL-terminated) set. */
static inline void
cli_run (Run               *r,
         const char        *db,
         const char *const *env,
         ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;

  run_clear (r);
  g_ptr_array_add (argv, (gpointer) g_getenv ("ST_CLI"));
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, (gpointer) db);
  va_start (ap, env);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  for (; env && *env; env += 2)
    g_subprocess_launcher_setenv (launcher, env[0], env[1], TRUE);

  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &r->out, &r->err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  r->status = g_subprocess_get_exit_status (proc);
}

/* What --json printed, freed when the test ends. */
static inline JsonNode *
run_json (const Run *r)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, r->out, -1, &error))
    g_error ("not JSON (%s): %s", error->message, r->out);
  root = json_node_copy (json_parser_get_root (parser));
  g_test_queue_destroy ((GDestroyNotify) json_node_unref, root);
  return root;
}
