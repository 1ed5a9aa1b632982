/* core/xmlx.h: AWS XML responses (RDS/STS Query, S3 rest-xml) read through expat into a small
 * element tree matched by LOCAL name — namespaces are ignored, as the AWS SDKs do. Typed getters
 * name the call and the element path on a mismatch. DOCTYPEs are refused (no entity tricks). */
#ifndef CORE_XMLX_H
#define CORE_XMLX_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct xml_node {
    char *name; /* local name, without namespace or prefix */
    char *text; /* character data directly inside the element ("" when none) */
    struct xml_node *child;
    struct xml_node *next;
};

/* Parses body into a tree rooted at the document element. Returns -1 (ERR_PARSE naming the call,
 * the line and expat's reason) for malformed or truncated XML, a DOCTYPE, or nesting deeper
 * than 64. Free with xml_free(). */
int xml_parse(struct xml_node **out, const char *call, const char *body, size_t len, struct err *e);
void xml_free(struct xml_node *n);

/* The first child element named name, or NULL. Borrowed. */
const struct xml_node *xml_child(const struct xml_node *n, const char *name);
/* The next sibling named like n, or NULL (for repeated elements). */
const struct xml_node *xml_next_same(const struct xml_node *n);
/* The text of child name, or NULL when there is no such child. Borrowed. */
const char *xml_child_text(const struct xml_node *n, const char *name);

/* Typed reads of child element name of n; path names n in errors ("ExportTasks.ExportTask[2]").
 * Absent leaves *out unchanged (0) unless required (ERR_PARSE "... is missing"). */
int xml_get_str(const struct xml_node *n, const char *name, int required, char **out,
                const char *call, const char *path, struct err *e);
int xml_get_int64(const struct xml_node *n, const char *name, int required, int64_t *out,
                  const char *call, const char *path, struct err *e);
/* "true" / "false". */
int xml_get_bool(const struct xml_node *n, const char *name, int required, int *out,
                 const char *call, const char *path, struct err *e);
/* ISO 8601 / RFC 3339 timestamp into epoch ms. */
int xml_get_time(const struct xml_node *n, const char *name, int required, int64_t *out,
                 const char *call, const char *path, struct err *e);

#endif
