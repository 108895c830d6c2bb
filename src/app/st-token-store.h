/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where the sync token lives: the system keyring (libsecret; the Secret
 * portal inside Flatpak). Without a keyring — a headless test machine, a
 * desktop without one — it falls back to the database's own meta table,
 * which only this user can read (mode 0600), and says so in the log. */
#pragma once

#include "st-db.h"

G_BEGIN_DECLS

void   st_token_store_save  (StDb       *db,
                             const char *server,
                             const char *user,
                             const char *token);
char  *st_token_store_load  (StDb       *db,
                             const char *server,
                             const char *user);
void   st_token_store_clear (StDb       *db,
                             const char *server,
                             const char *user);

G_END_DECLS
