/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A roster's columns about the person's residence, work and health
 * (现居住地, 外出务工地点, 务工情况, 身体健康情况, 是否联系上) make the person's
 * first visit, how = "roster" (docs/outreach.md). */
#pragma once

#include "st-visit.h"

G_BEGIN_DECLS

/* The cells of one roster row, as written; NULL or "" when the roster has no
 * such column or the cell is blank. */
typedef struct
{
  const char *employment;   /* 务工情况 */
  const char *health;       /* 身体健康情况 */
  const char *lives;        /* 现居住地 / 居住情况: 在家, 外出, or a place */
  const char *away_place;   /* 外出务工地点 */
  const char *reached;      /* 是否联系上: 是 / 否 */
} StVisitRosterCells;

/* The visit the cells make, dated @date, its visitor @source (the roster's
 * file name): NULL when every cell is blank. A value it does not understand
 * leaves that answer unset, is kept word for word in the visit's note, and
 * adds one translated sentence to @problems (element-type utf8). Reached
 * only when the roster says so. Thread-safe. */
StVisit    *st_visit_from_roster         (const StVisitRosterCells *cells,
                                          const char               *date,
                                          const char               *source,
                                          GPtrArray                *problems);
/* "浙江省宁波市", "浙江 宁波", "浙江宁波": the province's full name and the
 * rest; FALSE when @text does not start with a province. */
gboolean    st_visit_split_place         (const char               *text,
                                          char                    **province,
                                          char                    **city);

G_END_DECLS
