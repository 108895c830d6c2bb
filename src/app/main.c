/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "st-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(StApplication) app = NULL;
  /* scripts/run and the tests use the translations of the build tree. */
  const char *localedir = g_getenv ("ST_LOCALEDIR");

  st_application_prefer_malloc (argv);
  st_application_tune_memory ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_application_name (_("Shuangti"));

  app = st_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
