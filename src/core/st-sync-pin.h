/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The county's own certificate (issue 16, item 5). A county server often
 * has a self-signed or private-CA certificate that the laptop's system
 * does not trust, and a Flatpak'd app cannot use the county's trust store.
 * The server prints its certificate's fingerprint at start; a person
 * compares it with what the app shows at the first sign-in and, if they
 * match, the laptop pins it for that server: from then on a certificate
 * of that server is accepted when it is the pinned one (or trusted by the
 * system, or by a CA file given), and a changed one is refused until a
 * person accepts the renewal. */
#pragma once

#include <gio/gio.h>

#include "st-db.h"

G_BEGIN_DECLS

/* "sha256:" and the lower-case hex SHA-256 of @certificate's DER. */
char     *st_sync_pin_of              (GTlsCertificate *certificate);
/* Whether @pin reads "sha256:" and 64 hex digits (upper case and the
 * colons of `openssl x509 -fingerprint -sha256` accepted); its normal form
 * in @normal (may be NULL). */
gboolean  st_sync_pin_parse           (const char      *pin,
                                       char           **normal);
/* The certificate @server (https://HOST[:PORT]) shows, by a handshake that
 * reads it without trusting it, as a pin; NULL with @error when it cannot
 * be reached. For a person to compare with what the county office gave. */
char     *st_sync_server_pin          (const char      *server,
                                       GCancellable    *cancellable,
                                       GError         **error);
/* The pin kept for @server in @db, or NULL. */
char     *st_sync_get_pin             (StDb            *db,
                                       const char      *server);
/* Keeps @pin (NULL: none) for @server in @db. */
gboolean  st_sync_set_pin             (StDb            *db,
                                       const char      *server,
                                       const char      *pin,
                                       GError         **error);
/* A PEM file of certificate authorities trusted for every server of @db
 * besides the system's (NULL: none); checked to be readable. */
gboolean  st_sync_set_ca_file         (StDb            *db,
                                       const char      *path,
                                       GError         **error);
char     *st_sync_get_ca_file         (StDb            *db);
/* The fingerprint the server showed, from an ST_SYNC_ERROR_CERTIFICATE or
 * _CERTIFICATE_CHANGED error; NULL for any other. */
char     *st_sync_pin_from_error      (const GError    *error);
/* @pin as a person compares it: blocks of four, eight to a line. */
char     *st_sync_pin_display         (const char      *pin);

G_END_DECLS
