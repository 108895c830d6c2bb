/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A request body read into a json-glib tree by yajl (st-server-json.c). */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define ST_SERVER_JSON_ERROR (st_server_json_error_quark ())

typedef enum
{
  ST_SERVER_JSON_ERROR_EMPTY,      /* nothing but white space */
  ST_SERVER_JSON_ERROR_INVALID,    /* not one JSON value */
  ST_SERVER_JSON_ERROR_TOO_DEEP,   /* arrays and objects nested deeper than allowed */
} StServerJsonError;

/* The JSON value of @length bytes of @text (UTF-8, checked by the caller
 * or refused here) as json-glib's parser would make it, or NULL with
 * @error. Arrays and objects nest at most @max_depth levels (the outermost
 * is level 1). */
JsonNode *st_server_json_read        (const char  *text,
                                      gsize        length,
                                      guint        max_depth,
                                      GError     **error);

GQuark    st_server_json_error_quark (void);

G_END_DECLS
