/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Versions (docs/sync-protocol.md, Versions): what a laptop states in the
 * headers of every request, what the server states in every response, and
 * the refusal of a laptop newer than the server. */
#pragma once

#include "st-server-api.h"

G_BEGIN_DECLS

/* The protocol revision this server speaks; it serves every older one.
 * 1: the first; 2: the server's identity and generation, fresh pulls
 * without tombstones, rebuilds after a compaction, versions in headers. */
#define ST_PROTOCOL_VERSION 2

#define ST_HEADER_PROTOCOL       "Shuangti-Protocol"
#define ST_HEADER_SCHEMA         "Shuangti-Schema"
#define ST_HEADER_CLIENT_VERSION "Shuangti-Version"
#define ST_HEADER_SERVER_VERSION "Shuangti-Server-Version"

/* The laptop schema this server understands (set once at start). */
void     st_version_set_server_schema (int         schema);
int      st_version_get_server_schema (void);

/* Reads a stated version: 0 when absent, -1 when not a number. */
int      st_version_parse             (const char *text);

/* FALSE with @error filled (409 server_too_old, naming both versions)
 * when the laptop states a protocol or a schema this server does not
 * know; a laptop that states nothing is a protocol 1 laptop. */
gboolean st_version_check             (const StCall *call,
                                       StApiError   *error);

G_END_DECLS
