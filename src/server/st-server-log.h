/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Structured logs: to the journal with their fields when run by systemd,
 * otherwise one line per event on stderr ("time level event key=value …").
 * Nothing personal goes in: no ID numbers, no names (accounts are logged by
 * number), no tokens, no passwords, no request bodies. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Installs the writer. @quiet: warnings and errors only. */
void st_server_log_init  (gboolean        quiet);

/* Logs @event with key/value pairs (both strings, NULL-terminated list);
 * each pair also becomes a journal field ST_KEY. */
void st_server_log       (GLogLevelFlags  level,
                          const char     *event,
                          ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
