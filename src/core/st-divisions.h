/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Statistical divisions (统计用区划代码): counties, townships, villages. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ST_DIVISIONS_ERROR (st_divisions_error_quark ())

typedef enum
{
  ST_DIVISIONS_ERROR_PARSE,      /* a row of a divisions CSV is malformed (message names row and field) */
  ST_DIVISIONS_ERROR_EMPTY,
} StDivisionsError;

typedef enum
{
  ST_DIVISION_COUNTY = 1,      /* 6-digit code, e.g. 522327 */
  ST_DIVISION_TOWNSHIP = 2,    /* 9-digit code padded to 12, e.g. 522327100000 */
  ST_DIVISION_VILLAGE = 3,     /* 12-digit code */
} StDivisionLevel;

typedef struct
{
  char            *code;        /* 12 digits (a county is padded: 522327000000) */
  char            *name;        /* official name: 者楼村村民委员会 */
  char            *short_name;  /* as rosters write it: 者楼村 */
  char            *parent_code; /* NULL for a county */
  StDivisionLevel  level;
} StDivision;

typedef struct _StDivisions StDivisions;

/* CSV columns (header row, any order): code,name,parent_code,level; level is
 * county | township | village. Codes are 12 digits; a county may be given by
 * its 6 digits and a township by its 9, and they are padded. Every township's
 * parent must be a county and every village's a township of the same file;
 * a county's parent_code is ignored. Rows of empty cells are skipped. Read
 * with st-csv, so UTF-8 and GB18030 files both work.
 * Errors: ST_DIVISIONS_ERROR_PARSE naming the row (the line on which it
 * starts) and the field; ST_DIVISIONS_ERROR_EMPTY for an empty file or one
 * with only a header; the reader's ST_CSV_ERROR (bad encoding, unterminated
 * quote) as it is. */
StDivisions      *st_divisions_new_from_csv       (const char   *path,
                                                   GError      **error);
StDivisions      *st_divisions_new_from_bytes     (GBytes       *csv,
                                                   const char   *name,
                                                   GError      **error);
/* The divisions shipped with the app: Ceheng county (522327), NBS 2023, from
 * the compiled-in resource. Never fails (a broken build aborts). */
StDivisions      *st_divisions_new_default        (void);

StDivisions      *st_divisions_ref                (StDivisions  *self);
void              st_divisions_unref              (StDivisions  *self);

/* All divisions in file order. The set never changes once made, so it may be
 * shared between threads. */
const GPtrArray  *st_divisions_get_all            (StDivisions  *self); /* element-type StDivision */
/* By code: 12 digits, or a county's 6 or a township's 9. */
const StDivision *st_divisions_lookup             (StDivisions  *self,
                                                   const char   *code);

/* Finds a township by code or by name, official or short (者楼街道 /
 * 者楼, 巧马镇 / 巧马), ignoring surrounding white space. NULL if none or
 * ambiguous. */
const StDivision *st_divisions_find_township      (StDivisions  *self,
                                                   const char   *name_or_code);
/* Finds a village by code or by name within @township_code (NULL = any
 * township, and then only if the name is unique in the county). Accepts the
 * official name, the short form (者楼村 for 者楼村村民委员会, 某某社区 for
 * 某某社区居民委员会) and the short form without its 村/社区/居 suffix, tried
 * in that order; a name that fits several villages at one step gives NULL
 * (in 者楼街道, 东风 fits both 东风村 and 东风社区). */
const StDivision *st_divisions_find_village       (StDivisions  *self,
                                                   const char   *township_code,
                                                   const char   *name_or_code);
/* Villages of a township, in code order. The array is the caller's, its
 * StDivision elements stay owned by @self. */
GPtrArray        *st_divisions_villages_of        (StDivisions  *self,
                                                   const char   *township_code);
/* All townships, in code order; same ownership as st_divisions_villages_of. */
GPtrArray        *st_divisions_townships          (StDivisions  *self);

/* The short form of an official village/township name: 者楼村村民委员会 →
 * 者楼村, 东风社区居民委员会 → 东风社区, 巧马镇 → 巧马, 者楼街道 → 者楼; any
 * other name comes back as it is. Newly allocated. */
char             *st_divisions_short_name         (const char   *official_name);

GQuark            st_divisions_error_quark        (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StDivisions, st_divisions_unref)

G_END_DECLS
