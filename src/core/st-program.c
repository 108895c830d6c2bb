/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-program"

#include "config.h"
