/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Hybrid logical clock (SYNC.md, Clock): 64 bits, milliseconds << 16 | a
 * counter; ordered by (hlc, device id). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef gint64 (*StHlcClockFunc) (gpointer user_data);

typedef struct _StHlc StHlc;

#define ST_HLC_PACK(ms, counter) (((guint64) (ms) << 16) | ((guint64) (counter) & 0xffff))
#define ST_HLC_MS(hlc)           ((gint64) ((guint64) (hlc) >> 16))
#define ST_HLC_COUNTER(hlc)      ((guint) ((hlc) & 0xffff))

/* @clock returns wall-clock milliseconds; NULL = the real clock. */
StHlc   *st_hlc_new         (StHlcClockFunc  clock,
                             gpointer        user_data);
void     st_hlc_free        (StHlc          *self);
/* The clock shared by every database connection of this process. */
StHlc   *st_hlc_get_default (void);

/* A new stamp, greater than every stamp this clock issued or observed. */
guint64  st_hlc_next        (StHlc          *self);
/* Moves the clock past a stamp seen elsewhere (a database being opened, a
 * change pulled from the server). */
void     st_hlc_observe     (StHlc          *self,
                             guint64         stamp);
/* Offset (server minus local, ms) added to the physical clock, so that a
 * laptop with a wrong date still stamps close to the server's time. */
void     st_hlc_set_offset  (StHlc          *self,
                             gint64          offset_ms);
gint64   st_hlc_get_offset  (StHlc          *self);
guint64  st_hlc_last        (StHlc          *self);
/* The physical clock without the offset (ms). */
gint64   st_hlc_physical    (StHlc          *self);
/* Sets the last stamp, even backwards: only for restamping changes that a
 * wrong system date put into the future (the sync engine does it when the
 * server refuses them), after which every stamp above @stamp is gone. */
void     st_hlc_reset       (StHlc          *self,
                             guint64         stamp);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StHlc, st_hlc_free)

G_END_DECLS
