/* core/schema.h: BigQuery table schemas as canonical JSON and their SHA-256 hash, so state/ can
 * store a schema as text and tell whether it changed by comparing hashes. The canonical form is
 * BigQuery's own schema JSON (`bq show --schema`), compact, keys in a fixed order. */
#ifndef CORE_SCHEMA_H
#define CORE_SCHEMA_H

#include <stddef.h>

#include "core/err.h"
#include "core/model.h"

#define SCHEMA_HASH_HEX 65  /* 64 hex digits + NUL */
#define SCHEMA_MAX_DEPTH 32 /* BigQuery allows 15 levels of RECORD nesting */

/* The canonical JSON of fields into *out_json (caller frees): an array of
 * {"name","type","mode","description","policyTags":{"names":[...]},"fields":[...]} in that key
 * order, compact, UTF-8 kept as is. mode is "NULLABLE" when the field has none; description,
 * policyTags and fields are left out when empty. -1 (ERR_NOMEM, or ERR_USAGE for a field
 * without name or type) with *out_json NULL. */
int schema_to_json(const struct schema_field *fields, size_t n, char **out_json, struct err *e);

/* Parses a schema: a JSON array of fields (bq show --schema), or an object holding one under
 * "fields" (tables.get's "schema") or under "schema"."fields" (a whole tables.get answer).
 * Unknown keys are ignored. -1 (ERR_PARSE naming the field path and what is wrong) with *out
 * NULL and *n 0 on malformed input. Free with schema_fields_free(*out, *n). */
int schema_from_json(const char *json, struct schema_field **out, size_t *n, struct err *e);

/* SHA-256 of the canonical JSON text as 64 lower-case hex digits. -1 (ERR_INTERNAL) only when
 * OpenSSL fails. */
int schema_hash(const char *canonical_json, char out_hex[SCHEMA_HASH_HEX], struct err *e);

/* Parses any accepted form and gives back its canonical JSON (caller frees) and hash. */
int schema_canonicalize(const char *json, char **out_json, char out_hex[SCHEMA_HASH_HEX],
                        struct err *e);

#endif
