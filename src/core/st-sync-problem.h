/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Why the server cannot be reached, found out when a sign-in or a sync
 * fails for the network: no network, a name that does not resolve, a
 * connection refused, a certificate not trusted, a clock far off. Each
 * with what to do. The sync engine only knows "offline"; this asks the
 * network itself, step by step, as a person with a terminal would. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ST_SYNC_PROBLEM (st_sync_problem_quark ())

typedef enum
{
  ST_SYNC_PROBLEM_NONE,            /* the server answers: the first error stands */
  ST_SYNC_PROBLEM_BAD_ADDRESS,     /* not an https:// address */
  ST_SYNC_PROBLEM_NO_NETWORK,      /* this laptop has no network at all */
  ST_SYNC_PROBLEM_NAME_UNKNOWN,    /* the host name does not resolve */
  ST_SYNC_PROBLEM_REFUSED,         /* the host answers, nothing listens on the port */
  ST_SYNC_PROBLEM_UNREACHABLE,     /* no answer: host down, firewall, wrong network */
  ST_SYNC_PROBLEM_NOT_TLS,         /* https:// to a server that speaks plain HTTP */
  ST_SYNC_PROBLEM_UNTRUSTED,       /* the certificate is not trusted */
  ST_SYNC_PROBLEM_CLOCK,           /* this laptop's clock is far off */
} StSyncProblem;

/* The facts a diagnosis collects. */
typedef struct
{
  gboolean      network_available;  /* what the system's network monitor says */
  gboolean      local_host;         /* 127.0.0.1, ::1, localhost: no network needed */
  GError       *resolve_error;      /* NULL when the name resolved (or was an address) */
  GError       *connect_error;      /* NULL when the connection (and TLS) succeeded */
  GTlsCertificateFlags tls_errors;  /* what the certificate check found */
  gboolean      tls_started;        /* the TCP connection was made, TLS began */
} StSyncProbe;

/* Classifies the facts: pure, for the tests. */
StSyncProblem st_sync_problem_classify  (const StSyncProbe *probe);

/* Resolves and connects to @server (blocking: call it in a thread) and
 * classifies what happened. */
StSyncProblem st_sync_problem_diagnose  (const char        *server,
                                         GCancellable      *cancellable);

/* A translated message: what is wrong and what to do. @server is the
 * address as typed (its host is named in the message). */
char         *st_sync_problem_describe  (StSyncProblem      problem,
                                         const char        *server);

/* The message for a clock @offset_ms off the server's (server minus
 * laptop), or NULL when it is close enough (5 minutes). */
char         *st_sync_problem_describe_clock (gint64        offset_ms);

/* The message the sign-in dialog shows for @error: the sync engine's
 * description, with what to do added where it lacks it. */
char         *st_sync_problem_describe_error (const GError *error,
                                              const char   *server);

/* Replaces an "offline"/"server" error of a failed request to @server by
 * one in ST_SYNC_PROBLEM when a diagnosis finds the cause (in a thread). */
void          st_sync_problem_refine    (GError           **error,
                                         const char        *server,
                                         GCancellable      *cancellable);

GQuark        st_sync_problem_quark     (void);

G_END_DECLS
