/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A check of a JSON text's size and nesting before it reaches json-glib,
 * whose parser recurses once per level: 100,000 “[” overflow the stack. Every
 * JSON text that comes from outside (a program's rules file, a request to the
 * server) goes through it first. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define ST_JSON_GUARD_ERROR (st_json_guard_error_quark ())

typedef enum
{
  ST_JSON_GUARD_ERROR_TOO_LARGE,   /* more than max_size bytes */
  ST_JSON_GUARD_ERROR_TOO_DEEP,    /* arrays and objects nested deeper than max_depth */
} StJsonGuardError;

/* Scans @len bytes of @text (a @len of -1: up to its NUL) once, counting the
 * depth of “[” and “{” outside strings. FALSE with @error when the text is
 * longer than @max_size bytes (0: no limit) or nests deeper than @max_depth
 * levels (the outermost array or object is level 1). Says nothing else about
 * the text: json-glib judges whether it is JSON. */
gboolean st_json_check_limits      (const char  *text,
                                    gssize       len,
                                    guint        max_depth,
                                    gsize        max_size,
                                    GError     **error);

/* How deep any JSON text of the project may nest: a program's rules need
 * about six levels. */
#define ST_JSON_MAX_DEPTH 64

/* The one way a JSON text is parsed, in core, CLI, app and server: the
 * depth is checked (ST_JSON_MAX_DEPTH) before json-glib sees the text.
 * Sizes are checked where a text comes in (a request's body, a file). */
JsonNode *st_json_from_string       (const char  *text,
                                     GError     **error);
gboolean  st_json_parser_load       (JsonParser  *parser,
                                     const char  *text,
                                     gssize       len,
                                     GError     **error);

/* A JSON number as a streaming parser (yajl) gives it, @length bytes of
 * @text: TRUE with *@integer set when it is an integer that fits in 64
 * bits, else FALSE with *@real set, as json-glib reads it. Read without the
 * locale (strtod's decimal point is the locale's); @scratch is any string
 * to copy the text into. */
gboolean  st_json_number_from_text  (const char  *text,
                                     gsize        length,
                                     GString     *scratch,
                                     gint64      *integer,
                                     double      *real);

GQuark   st_json_guard_error_quark (void);

G_END_DECLS
