/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Members of a JSON object being built, as the CLI's --json, the server's
 * admin commands and the laptop's bundles write them. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* "@name": @value, or "@name": null when @value is NULL. */
void st_json_add_string (JsonBuilder *b,
                         const char  *name,
                         const char  *value);
/* "@name": @value. */
void st_json_add_int    (JsonBuilder *b,
                         const char  *name,
                         gint64       value);

G_END_DECLS
