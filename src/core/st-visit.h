/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Outreach visits (摸排走访, annex 6 §(二)2): before enrolment, the township
 * visits the people of the roster to learn how to reach them, where they
 * live, whether they work away, their health and whether they will enrol.
 * A visit is a synced record of the participant's township. The latest
 * visit's answers update the participant's phone, employment and health;
 * st_visit_add () returns those changes so that every caller shows them. */
#pragma once

#include "st-db.h"

G_BEGIN_DECLS

#define ST_VISIT_ERROR (st_visit_error_quark ())

typedef enum
{
  ST_VISIT_ERROR_INVALID,     /* a field is refused; the message names it */
  ST_VISIT_ERROR_NOT_FOUND,   /* the participant is not (or no longer) on the register */
} StVisitError;

typedef struct
{
  char     *id;              /* UUID; given by st_visit_add () */
  char     *participant_id;
  char     *township_code;   /* the participant's, at the visit: the sync scope */
  char     *date;            /* YYYY-MM-DD */
  char     *visitor;
  char     *how;             /* home | phone | committee */
  gboolean  reached;
  char     *lives;           /* home | away | NULL (not known) */
  char     *away_province;   /* when lives = away, if known */
  char     *away_city;
  char     *work;            /* farming | local | away | none | NULL */
  char     *health;          /* good | illness | disability | NULL */
  char     *willing;         /* yes | no | later | NULL */
  char     *major;           /* when willing is yes or later */
  char     *phone;           /* a number that reaches them, when learnt */
  char     *note;
  guint64   hlc;
} StVisit;

/* A field of the participant the visit changed: the column (phone,
 * employment, health), its label (translated) and both values. */
typedef struct
{
  const char *column;
  const char *label;
  char       *old_value;     /* NULL when it was empty */
  char       *new_value;
} StVisitChange;

StVisit    *st_visit_new                 (void);
void        st_visit_free                (StVisit             *visit);
void        st_visit_change_free         (StVisitChange       *change);

/* The checks of every field that need no database: one translated sentence
 * naming the field. */
gboolean    st_visit_check               (const StVisit       *visit,
                                          GError             **error);
/* What adding @visit would change in its participant's record (an array of
 * StVisitChange, empty when nothing): nothing unless it is the latest visit
 * (no other visit has a later date). */
GPtrArray  *st_visit_changes             (StDb                *db,
                                          const StVisit       *visit,
                                          GError             **error);
/* Checks and saves @visit (its id, township and clock are set) and, when it
 * is the latest, writes its answers into the participant's record (audited
 * like an edit), in one transaction. Returns what changed in the
 * participant's record (possibly empty), or NULL with @error set. */
GPtrArray  *st_visit_add                 (StDb                *db,
                                          StVisit             *visit,
                                          GError             **error);
/* The live visits of a participant, latest first. */
GPtrArray  *st_visit_list                (StDb                *db,
                                          const char          *participant_id,
                                          GError             **error);

/* The codes of each answer, NULL-terminated, and their words (translated).
 * A *_from_text accepts the code, the English word or the Chinese one; NULL
 * when none matches. */
const char *const *st_visit_how_codes    (void);
const char *const *st_visit_lives_codes  (void);
const char *const *st_visit_work_codes   (void);
const char *const *st_visit_health_codes (void);
const char *const *st_visit_willing_codes (void);
const char *st_visit_how_to_display      (const char          *code);
const char *st_visit_lives_to_display    (const char          *code);
const char *st_visit_work_to_display     (const char          *code);
const char *st_visit_health_to_display   (const char          *code);
const char *st_visit_willing_to_display  (const char          *code);
const char *st_visit_how_from_text       (const char          *text);
const char *st_visit_lives_from_text     (const char          *text);
const char *st_visit_work_from_text      (const char          *text);
const char *st_visit_health_from_text    (const char          *text);
const char *st_visit_willing_from_text   (const char          *text);

/* A visit in words, for lists: "2025-03-01 · Home visit · 韦主任" and
 * "Reached · Away: 浙江省宁波市 · Working away · Good · Willing (电子商务) · …". */
char       *st_visit_title               (const StVisit       *visit);
char       *st_visit_summary             (const StVisit       *visit);
/* "Employment: 务农 → 外出务工（浙江省宁波市）", translated. */
char       *st_visit_change_describe     (const StVisitChange *change);
/* The label of a column of visits (translated), or NULL: for sync's
 * messages about a field. */
const char *st_visit_field_label         (const char          *column);

GQuark      st_visit_error_quark         (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StVisit, st_visit_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StVisitChange, st_visit_change_free)

G_END_DECLS
