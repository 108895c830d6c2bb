/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A load balancer for the sync tests (issue 19): an HTTP proxy on
 * 127.0.0.1 in front of several shuangti-server processes on one
 * database, sending each request to one of them at random, as nginx's
 * round robin or HAProxy's random balancing do with keep-alive connections
 * to the laptop. A process that does not answer gives 502, as nginx does.
 * Runs in a thread of its own; the laptops' syncs block the test's thread. */
#pragma once

#include "st-test-server.h"

G_BEGIN_DECLS

typedef struct _StTestBalancer StTestBalancer;

/* In front of the servers in @slots[0 … @n_slots-1]: the slots are read at
 * each request, so a server started again in its slot is used. @seed
 * makes the choices repeatable. */
StTestBalancer *st_test_balancer_new         (StTestServer  **slots,
                                              guint           n_slots,
                                              guint32         seed);
void            st_test_balancer_free        (StTestBalancer *self);
/* http://127.0.0.1:PORT, no trailing slash. */
const char     *st_test_balancer_url         (StTestBalancer *self);
/* Requests sent on to slot @i so far, and those that got no answer (502). */
guint64         st_test_balancer_requests    (StTestBalancer *self,
                                              guint           i);
guint64         st_test_balancer_failed      (StTestBalancer *self);
/* Requests that went to another process than the one before with the
 * same token (the same laptop): within a sync, as a rule. */
guint64         st_test_balancer_switches    (StTestBalancer *self);/* Whether a push is sent on to slot @i and not answered yet. */
gboolean        st_test_balancer_pushing     (StTestBalancer *self,
                                              guint           i);

G_END_DECLS
