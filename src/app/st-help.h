/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The name of the help under share/help/LANG/ (help:ST_HELP_ID). */
#define ST_HELP_ID "io.github.shuangti.Shuangti"

void st_help_show (GtkWindow *parent);

G_END_DECLS
