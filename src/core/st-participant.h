/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Participants (学员): the people of the program, and their store. */
#pragma once

#include "st-db.h"
#include "st-idcard.h"

G_BEGIN_DECLS

#define ST_PARTICIPANT_ERROR (st_participant_error_quark ())

typedef enum
{
  ST_PARTICIPANT_ERROR_INVALID,     /* a field's value is refused; the message names it */
  ST_PARTICIPANT_ERROR_NOT_FOUND,
  ST_PARTICIPANT_ERROR_DUPLICATE,   /* the ID number is already someone's on this laptop */
} StParticipantError;

typedef struct
{
  char     *id;             /* UUID */
  char     *id_number;      /* normalised, 18 characters */
  char     *name;
  StSex     sex;            /* derived from the ID number */
  char     *birth_date;     /* derived, YYYY-MM-DD */
  char     *region_code;    /* derived, 6 digits */
  char     *ethnicity;
  char     *phone;
  char     *township_code;  /* 12 digits */
  char     *village_code;   /* 12 digits, or NULL */
  char     *village_name;   /* as written, when no village code matched */
  char     *education;      /* none | primary | junior | senior */
  char     *employment;
  char     *health;
  char     *poverty;        /* lifted | monitored | NULL */
  char     *notes;
  char     *merged_into;
  gboolean  deleted;
  guint64   hlc;
  char     *device;
} StParticipant;

/* The free-text and coded fields a person edits, for generic code (import,
 * CLI output, conflict lists). */
typedef struct
{
  const char *column;   /* SQL column and JSON key */
  const char *label;    /* untranslated; pass through gettext */
  gsize       offset;   /* of the char * in StParticipant */
} StParticipantField;

const StParticipantField *st_participant_fields         (guint *n_fields);
const char               *st_participant_field_get      (const StParticipant      *p,
                                                         const StParticipantField *field);
void                      st_participant_field_set      (StParticipant            *p,
                                                         const StParticipantField *field,
                                                         const char               *value);

StParticipant *st_participant_new                (void);
StParticipant *st_participant_copy               (const StParticipant *p);
void           st_participant_free               (StParticipant       *p);

/* Sets id_number (normalised) and the fields derived from it. */
gboolean       st_participant_set_id_number      (StParticipant  *p,
                                                  const char     *id_number,
                                                  GError        **error);

/* NULL when every text field of @p is within its length (st-limits.h);
 * otherwise the first field's problem, one translated sentence. */
char          *st_participant_length_problem     (const StParticipant *p);

StParticipant *st_participant_load               (StDb           *db,
                                                  const char     *uuid,
                                                  GError        **error);
/* The live (not deleted, not merged) participant with @id_number (any form
 * st_idcard_normalize accepts), or NULL without error when there is none. */
StParticipant *st_participant_find_by_id_number  (StDb           *db,
                                                  const char     *id_number,
                                                  GError        **error);
/* Validates and inserts @p (giving it an id when it has none). Refuses an ID
 * number already held by a live participant. */
gboolean       st_participant_insert             (StDb           *db,
                                                  StParticipant  *p,
                                                  GError        **error);
/* Writes @p's fields over the stored row; a no-op when nothing changed. */
gboolean       st_participant_update             (StDb           *db,
                                                  StParticipant  *p,
                                                  GError        **error);
/* Tombstones, or restores, the participant. */
gboolean       st_participant_set_deleted        (StDb           *db,
                                                  const char     *uuid,
                                                  gboolean        deleted,
                                                  GError        **error);
/* Live participants, ordered by township, village and name. @township_code
 * may be NULL for all. */
GPtrArray     *st_participant_list               (StDb           *db,
                                                  const char     *township_code,
                                                  GError        **error);

/* The official name of one of the 56 ethnic groups, accepting the short form
 * (布依 → 布依族); NULL when @text names none. */
const char    *st_ethnicity_normalize            (const char     *text);
/* Maps a roster's wording to a code: 未上学/小学/初中/高中及以上 →
 * none/primary/junior/senior; NULL when unknown. */
const char    *st_education_from_text            (const char     *text);
const char    *st_education_to_display           (const char     *code);
const char    *st_poverty_from_text              (const char     *text,
                                                  gboolean       *recognised);
const char    *st_poverty_to_display             (const char     *code);
const char    *st_sex_to_display                 (StSex           sex);
/* A phone number as the register keeps it: empty, a mobile number of 11
 * digits, or a landline (7 or 8 digits, or 10 to 12 with its area code,
 * "-" and spaces allowed). The app's editor and the CLI check the same. */
gboolean       st_phone_is_valid                 (const char     *phone);

GQuark         st_participant_error_quark        (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StParticipant, st_participant_free)

G_END_DECLS
