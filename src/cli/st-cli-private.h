/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the command files of shuangti-cli share. */
#pragma once

#include <json-glib/json-glib.h>

#include "st-db.h"
#include "st-divisions.h"
#include "st-json-build.h"
#include "st-participant.h"

G_BEGIN_DECLS

typedef struct
{
  char     *db_path;
  gboolean  json;
} Globals;

typedef int (*CommandFunc) (Globals *g, int argc, char **argv);

void         st_cli_print_json     (JsonNode      *node);
void         st_cli_print_builder  (JsonBuilder   *builder);
/* Ends the array @builder holds open, prints it with --json (the text
 * lines were printed as it was built without), and returns 0, the exit
 * status of a list that was read. */
int          st_cli_end_list       (Globals       *g,
                                    JsonBuilder   *builder);
void         st_cli_error          (const char    *message);
/* Prints @text (a line, without its newline), or with --json one object of
 * the members that follow: pairs of a name and a const char * value, or of
 * "#name" and a gint64; NULL ends them. For commands that report what they
 * did. */
void         st_cli_print_result   (Globals       *g,
                                    const char    *text,
                                    ...) G_GNUC_NULL_TERMINATED;
/* A listing command's output: with --json an array of what @to_json
 * writes of each item of @list, else a line per item by @print (@data
 * passed on). */
void         st_cli_print_list     (Globals       *g,
                                    GPtrArray     *list,
                                    void         (*to_json) (JsonBuilder *b,
                                                             gpointer     item),
                                    void         (*print) (gpointer item,
                                                           gpointer data),
                                    gpointer       data);
StDb        *st_cli_open_db        (Globals       *g);
/* Prints why @db could not be read (its last error) and returns 1: for
 * functions that report an unreadable database as -1. */
int          st_cli_db_failed      (StDb          *db);
gboolean     st_cli_parse_options  (const char    *command,
                                    const char    *args,
                                    const char    *summary,
                                    GOptionEntry  *entries,
                                    int           *argc,
                                    char        ***argv);
StDivisions *st_cli_load_divisions (StDb          *db);
/* The database and its divisions; NULL when either cannot be read (said). */
StDb        *st_cli_open_db_divisions (Globals      *g,
                                       StDivisions **divisions);
/* The same, and in *@code the code of @township (name or code; NULL: none,
 * and *@code NULL); NULL when it is not a township (said). */
StDb        *st_cli_open_db_township  (Globals      *g,
                                       const char   *township,
                                       StDivisions **divisions,
                                       const char  **code);
/* The township @name names (name or code), or NULL having said so. */
const StDivision *st_cli_find_township (StDivisions *divisions,
                                        const char  *name);
/* A participant as JSON; the ID number masked unless @full_id. */
void         st_cli_participant_to_json (JsonBuilder   *b,
                                         StParticipant *p,
                                         StDivisions   *divisions,
                                         gboolean       full_id);
const char  *st_cli_division_name  (StDivisions   *divisions,
                                    const char    *code);
/* The live participant of an ID number (any form the roster uses) or key;
 * NULL with a message a clerk understands. */
StParticipant *st_cli_find_participant (StDb        *db,
                                        const char  *text,
                                        GError     **error);

/* st-cli-args.c: what the record commands parse alike. Each returns what
 * the command returns, or NULL/FALSE with @error set. */
int          st_cli_fail                (GError       *error);   /* prints it, frees it: 1 */
int          st_cli_usage               (const char   *text);    /* "usage: …": 2 */
gboolean     st_cli_parse_hours         (const char   *text,
                                         int          *minutes,
                                         GError      **error);
GDate       *st_cli_parse_date          (const char   *text,
                                         GError      **error);
char        *st_cli_resolve_participant (StDb         *db,
                                         const char   *text,
                                         GError      **error);
char        *st_cli_resolve_class       (StDb         *db,
                                         const char   *text,
                                         GError      **error);
char        *st_cli_resolve_enrolment   (StDb         *db,
                                         const char   *klass,
                                         const char   *participant,
                                         GError      **error);
const char  *st_cli_township_code       (StDivisions  *divisions,
                                         const char   *text,
                                         GError      **error);
char        *st_cli_today_or            (const char   *date);

/* st-cli-catalog.c: programs and majors. */
int st_cli_program         (Globals *g, int argc, char **argv);
int st_cli_major           (Globals *g, int argc, char **argv);
/* st-cli-records.c: classes and training records. */
int st_cli_class           (Globals *g, int argc, char **argv);
int st_cli_enrol           (Globals *g, int argc, char **argv);
int st_cli_withdraw        (Globals *g, int argc, char **argv);
int st_cli_session         (Globals *g, int argc, char **argv);
int st_cli_attend          (Globals *g, int argc, char **argv);
int st_cli_study_log       (Globals *g, int argc, char **argv);
int st_cli_assignment      (Globals *g, int argc, char **argv);
int st_cli_assess          (Globals *g, int argc, char **argv);
int st_cli_exempt          (Globals *g, int argc, char **argv);
int st_cli_internship      (Globals *g, int argc, char **argv);
int st_cli_early           (Globals *g, int argc, char **argv);
int st_cli_extend          (Globals *g, int argc, char **argv);
/* st-cli-graduation.c: rules, approval, certificates. */
int st_cli_eligibility     (Globals *g, int argc, char **argv);
int st_cli_approve         (Globals *g, int argc, char **argv);
int st_cli_certificate     (Globals *g, int argc, char **argv);
/* st-cli-report.c: exports, reports, sign-in sheets. */
int st_cli_export          (Globals *g, int argc, char **argv);
int st_cli_report          (Globals *g, int argc, char **argv);
int st_cli_sign_in_sheet   (Globals *g, int argc, char **argv);

/* st-cli-participant.c: editing and deleting one participant, as the app. */
int st_cli_participant_edit    (Globals *g, int argc, char **argv);
int st_cli_participant_delete  (Globals *g, int argc, char **argv);
int st_cli_participant_restore (Globals *g, int argc, char **argv);

/* st-cli-visit.c: outreach visits. */
int st_cli_visit           (Globals *g, int argc, char **argv);

/* st-cli-sync.c: the sync engine. */
int st_cli_sync            (Globals *g, int argc, char **argv);
/* The password: from ST_PASSWORD, or the first line of standard input;
 * NULL, having said so, when none is given. */
char *st_cli_read_password (void);
/* st-cli-bundle.c: sync by file. */
int st_cli_bundle          (Globals *g, int argc, char **argv);
int st_cli_conflicts       (Globals *g, int argc, char **argv);

/* st-cli-backup.c: backup and restore. */
int st_cli_backup          (Globals *g, int argc, char **argv);
int st_cli_restore         (Globals *g, int argc, char **argv);

G_END_DECLS
