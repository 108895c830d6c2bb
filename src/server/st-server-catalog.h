/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The synced tables the server accepts, their fields and types, the checks
 * the laptop schema makes, and which roles may write them. The columns come
 * from the laptop schema itself (a scratch database made at start-up), so
 * the server follows every laptop migration without a change here. */
#pragma once

#include <json-glib/json-glib.h>

#include "st-store.h"

G_BEGIN_DECLS

typedef enum
{
  ST_FIELD_TEXT,
  ST_FIELD_INTEGER,
} StFieldType;

typedef enum
{
  ST_CHECK_NONE,
  ST_CHECK_UUID,          /* a row key: lower-case UUID */
  ST_CHECK_DIVISION,      /* a 12-digit division code */
  ST_CHECK_DATE,          /* YYYY-MM-DD, a real date */
  ST_CHECK_ENUM,          /* one of @values */
  ST_CHECK_RANGE,         /* an integer in [min, max] */
  ST_CHECK_ID_NUMBER,     /* a valid, normalised 18-character resident ID number */
  ST_CHECK_NAMES,         /* JSON text: an array of strings (classes.trainers) */
  ST_CHECK_JSON,          /* JSON text: an object (programs.rules) */
} StFieldCheck;

typedef struct
{
  char               *name;
  StFieldType         type;
  gboolean            not_null;
  gboolean            required;     /* NOT NULL without a default: an insert carries it */
  StFieldCheck        check;
  const char * const *values;
  gint64              min;
  gint64              max;
  gsize               max_bytes;    /* text */
} StField;

/* Role bits for StTable.writers. */
#define ST_ROLE_BIT(role) (1u << (role))

typedef struct
{
  char        *name;
  GPtrArray   *fields;          /* StField, in column order */
  GHashTable  *by_name;
  gboolean     scoped;          /* has township_code: belongs to a township */
  gboolean     read_only;       /* only the server writes it */
  guint        writers;         /* ST_ROLE_BIT () of the roles that may write */
  const char  *class_via;       /* the field that leads to the row's class, or NULL */
} StTable;

typedef struct _StCatalog StCatalog;

/* Parent tables of the key fields that lead to a township: class_id →
 * classes, session_id → sessions, enrolment_id → enrolments. */
const char     *st_catalog_parent_table   (const char       *field);

StCatalog      *st_catalog_new            (GError          **error);
void            st_catalog_free           (StCatalog        *self);
const StTable  *st_catalog_lookup         (StCatalog        *self,
                                           const char       *table);
const StField  *st_table_field            (const StTable    *table,
                                           const char       *name);
/* The laptop schema version the catalogue was read from. */
int             st_catalog_get_client_schema (StCatalog     *self);

typedef enum
{
  ST_FIELD_OK,
  ST_FIELD_WRONG_TYPE,
  ST_FIELD_BAD_VALUE,
} StFieldVerdict;

/* Checks @value (a member of a change's fields) against @field; on failure
 * *@reason says why, in English, for the error body. */
StFieldVerdict  st_field_check            (const StField    *field,
                                           JsonNode         *value,
                                           char            **reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StCatalog, st_catalog_free)

/* Whether @text is a UUID in lower case, as row ids and UUID fields are. */
gboolean st_catalog_is_uuid (const char *text);

G_END_DECLS
