/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-hlc"

#include "config.h"

#include "st-hlc.h"

struct _StHlc
{
  GMutex          lock;
  StHlcClockFunc  clock;
  gpointer        clock_data;
  gint64          offset_ms;
  guint64         last;
};

static gint64
real_clock (gpointer user_data)
{
  return g_get_real_time () / 1000;
}

StHlc *
st_hlc_new (StHlcClockFunc clock,
            gpointer       user_data)
{
  StHlc *self = g_new0 (StHlc, 1);

  g_mutex_init (&self->lock);
  self->clock = clock ? clock : real_clock;
  self->clock_data = user_data;
  return self;
}

void
st_hlc_free (StHlc *self)
{
  if (self == NULL)
    return;
  g_mutex_clear (&self->lock);
  g_free (self);
}

StHlc *
st_hlc_get_default (void)
{
  static gsize initialised;
  static StHlc *instance;

  if (g_once_init_enter (&initialised))
    {
      instance = st_hlc_new (NULL, NULL);
      g_once_init_leave (&initialised, 1);
    }
  return instance;
}

guint64
st_hlc_next (StHlc *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  gint64 now = self->clock (self->clock_data) + self->offset_ms;

  if (now > ST_HLC_MS (self->last))
    self->last = ST_HLC_PACK (now, 0);
  else
    self->last++;   /* a full counter carries into the milliseconds: still ordered */

  return self->last;
}

void
st_hlc_observe (StHlc   *self,
                guint64  stamp)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  if (stamp > self->last)
    self->last = stamp;
}

void
st_hlc_set_offset (StHlc  *self,
                   gint64  offset_ms)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  self->offset_ms = offset_ms;
}

gint64
st_hlc_get_offset (StHlc *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return self->offset_ms;
}

guint64
st_hlc_last (StHlc *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return self->last;
}

gint64
st_hlc_physical (StHlc *self)
{
  return self->clock (self->clock_data);
}

void
st_hlc_reset (StHlc   *self,
              guint64  stamp)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  self->last = stamp;
}
