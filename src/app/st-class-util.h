/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How the class pages write hours and programs. */
#pragma once

#include <glib.h>

#include "st-program.h"

G_BEGIN_DECLS

/* Minutes as hours (学时): "16", "7.5". Newly allocated. */
char       *st_class_format_hours  (gint64           minutes);
/* The same with its word, in the right plural form: "8 hours". */
char       *st_class_format_hours_text (gint64          minutes);
/* The program's name in the language of the interface. */
const char *st_class_program_name  (const StProgram *program);

G_END_DECLS
