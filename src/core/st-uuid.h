/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Namespaces of the deterministic (version 5) keys: two laptops that create
 * "the same" row offline create the same key (SYNC.md, Keys). */
#define ST_UUID_NS_ENROLMENT  "5f0b1f3e-8a0e-4b53-9a35-1d4d8a7c2e01"
#define ST_UUID_NS_ATTENDANCE "9c3a6d2b-0f4e-4d7a-8e61-6b2f1c9d4e02"
#define ST_UUID_NS_PROGRAM    "2e7d4c1a-6b3f-4a58-9d0c-3f8e5a1b7c03"
/* The first visit a roster import makes of a participant (st-import.c):
 * two laptops that import the roster make one visit. */
#define ST_UUID_NS_ROSTER_VISIT "7a4e2c9b-3d1f-4e86-b0a5-8c6d2f1e9a04"

/* A new time-ordered (version 7) UUID, lower case. */
char     *st_uuid_new      (void);
/* A name-based (version 5, SHA-1) UUID of @name in @namespace_uuid. */
char     *st_uuid_v5       (const char *namespace_uuid,
                            const char *name);
/* v5 of two keys joined, e.g. (participant, class) for an enrolment. */
char     *st_uuid_v5_pair  (const char *namespace_uuid,
                            const char *first,
                            const char *second);
gboolean  st_uuid_is_valid (const char *str);

G_END_DECLS
