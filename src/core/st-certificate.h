/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Certificates (annex 6 §(七)): graduation (毕业证书), completion (结业证书)
 * and factual study records (写实性学习证明), numbered by a pattern, never
 * reused, revocable with the history kept. */
#pragma once

#include "st-db.h"

G_BEGIN_DECLS

#define ST_CERTIFICATE_ERROR (st_certificate_error_quark ())

typedef enum
{
  ST_CERTIFICATE_ERROR_NOT_ELIGIBLE,   /* the message lists who and what is missing */
  ST_CERTIFICATE_ERROR_NOT_FOUND,
  ST_CERTIFICATE_ERROR_PATTERN,        /* the numbering pattern is broken */
} StCertificateError;

typedef struct
{
  char *id;
  char *enrolment_id;
  char *kind;          /* graduation | completion | study_record */
  char *number;
  char *issued_on;
  char *revoked_on;
  char *revoke_reason;
} StCertificate;

/* The numbering pattern: {county} (6 digits), {year} (of issue), {kind}
 * (B 毕业, J 结业, X 写实), {seq} or {seq:N} (zero-padded to N digits), and
 * any other text. Kept in the database (meta "certificate_pattern"). */
#define ST_CERTIFICATE_DEFAULT_PATTERN "{county}{year}{kind}{seq:04}"

char          *st_certificate_get_pattern   (StDb         *db);
gboolean       st_certificate_set_pattern   (StDb         *db,
                                             const char   *pattern,
                                             GError      **error);
char          *st_certificate_format_number (const char   *pattern,
                                             const char   *county,
                                             int           year,
                                             const char   *kind,
                                             guint         sequence,
                                             GError      **error);

/* Approves the enrolments as of @as_of, issuing on @as_of: eligible ones
 * graduate with a graduation certificate; those whose study length ended
 * short get a completion certificate; withdrawn ones a study record. If any
 * enrolment is still in study (or already has its certificate), nothing is
 * written and the error names each with what is missing. Returns the new
 * certificates (element-type StCertificate) in the order given. */
GPtrArray     *st_certificates_approve      (StDb               *db,
                                             const char *const  *enrolment_ids,
                                             const GDate        *as_of,
                                             GError            **error);
/* Revokes by number: the certificate stays with its revocation date and
 * reason, its number is never given again, and the enrolment is in study
 * again. */
gboolean       st_certificate_revoke        (StDb         *db,
                                             const char   *number,
                                             const char   *date,
                                             const char   *reason,
                                             GError      **error);
/* Certificates of an enrolment (NULL = all), revoked ones included. */
GPtrArray     *st_certificate_list          (StDb         *db,
                                             const char   *enrolment_id,
                                             GError      **error);
void           st_certificate_free          (StCertificate *certificate);

GQuark         st_certificate_error_quark   (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StCertificate, st_certificate_free)

G_END_DECLS
