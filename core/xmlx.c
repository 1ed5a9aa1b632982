/* core/xmlx.c: expat into a local-name element tree. Never parses XML by hand; refuses DOCTYPEs
 * and deep nesting, and reports truncated or malformed documents with expat's own reason. */
#include "core/xmlx.h"

#include <errno.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/timeutil.h"

#define XML_MAX_DEPTH 64
#define XML_MAX_TEXT (16u * 1024 * 1024)

struct builder {
    XML_Parser p;
    struct xml_node *root;
    struct xml_node *stack[XML_MAX_DEPTH];
    struct buf text[XML_MAX_DEPTH];
    struct xml_node *last[XML_MAX_DEPTH]; /* last child appended at each level */
    int depth;
    const char *why; /* our own reason to stop, NULL for expat's */
};

static void stop(struct builder *b, const char *why)
{
    if (b->why == NULL)
        b->why = why;
    XML_StopParser(b->p, XML_FALSE);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    struct builder *b = ud;
    const char *local = strrchr(name, '\x01');
    struct xml_node *n;

    (void)attrs;
    local = local ? local + 1 : name;
    if (b->depth >= XML_MAX_DEPTH) {
        stop(b, "elements nested too deeply");
        return;
    }
    n = calloc(1, sizeof(*n));
    if (n == NULL || (n->name = strdup(local)) == NULL) {
        free(n);
        stop(b, "out of memory");
        return;
    }
    if (b->depth == 0) {
        if (b->root != NULL) {
            xml_free(n);
            stop(b, "more than one document element");
            return;
        }
        b->root = n;
    } else {
        struct xml_node *parent = b->stack[b->depth - 1];
        if (b->last[b->depth - 1])
            b->last[b->depth - 1]->next = n;
        else
            parent->child = n;
        b->last[b->depth - 1] = n;
    }
    b->stack[b->depth] = n;
    b->last[b->depth] = NULL;
    buf_init(&b->text[b->depth], XML_MAX_TEXT);
    b->depth++;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct builder *b = ud;
    struct xml_node *n;

    (void)name;
    if (b->depth == 0)
        return;
    b->depth--;
    n = b->stack[b->depth];
    n->text = buf_detach(&b->text[b->depth]);
    if (n->text == NULL)
        stop(b, "out of memory");
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct builder *b = ud;

    if (b->depth > 0 && buf_append(&b->text[b->depth - 1], s, (size_t)len) != 0)
        stop(b, "element text too large");
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
    (void)name;
    (void)sysid;
    (void)pubid;
    (void)has_internal;
    stop(ud, "a DOCTYPE declaration is not accepted");
}

int xml_parse(struct xml_node **out, const char *call, const char *body, size_t len, struct err *e)
{
    struct builder b;
    int ok;

    *out = NULL;
    if (body == NULL || len == 0)
        return err_set(e, ERR_PARSE, "%s: the response body is empty, expected XML", call);
    if (len > (size_t)0x7fffffff)
        return err_set(e, ERR_PARSE, "%s: the XML response is too large", call);
    memset(&b, 0, sizeof(b));
    b.p = XML_ParserCreateNS(NULL, '\x01');
    if (b.p == NULL)
        return err_set(e, ERR_NOMEM, "%s: out of memory creating the XML parser", call);
    XML_SetUserData(b.p, &b);
    XML_SetElementHandler(b.p, on_start, on_end);
    XML_SetCharacterDataHandler(b.p, on_text);
    XML_SetStartDoctypeDeclHandler(b.p, on_doctype);
    ok = XML_Parse(b.p, body, (int)len, XML_TRUE) == XML_STATUS_OK && b.why == NULL;
    if (!ok) {
        if (b.why)
            err_set(e, ERR_PARSE, "%s: unusable XML response: %s", call, b.why);
        else
            err_set(e, ERR_PARSE, "%s: the response is not valid XML (line %lu, column %lu: %s)",
                    call, (unsigned long)XML_GetCurrentLineNumber(b.p),
                    (unsigned long)XML_GetCurrentColumnNumber(b.p),
                    XML_ErrorString(XML_GetErrorCode(b.p)));
    } else if (b.root == NULL) {
        ok = 0;
        err_set(e, ERR_PARSE, "%s: the XML response has no document element", call);
    }
    for (int i = 0; i < b.depth; i++)
        buf_release(&b.text[i]);
    XML_ParserFree(b.p);
    if (!ok) {
        xml_free(b.root);
        return -1;
    }
    *out = b.root;
    return 0;
}

void xml_free(struct xml_node *n)
{
    while (n != NULL) {
        struct xml_node *next = n->next;
        xml_free(n->child);
        free(n->name);
        free(n->text);
        free(n);
        n = next;
    }
}

const struct xml_node *xml_child(const struct xml_node *n, const char *name)
{
    for (const struct xml_node *c = n ? n->child : NULL; c != NULL; c = c->next)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

const struct xml_node *xml_next_same(const struct xml_node *n)
{
    for (const struct xml_node *c = n->next; c != NULL; c = c->next)
        if (strcmp(c->name, n->name) == 0)
            return c;
    return NULL;
}

const char *xml_child_text(const struct xml_node *n, const char *name)
{
    const struct xml_node *c = xml_child(n, name);
    return c ? (c->text ? c->text : "") : NULL;
}

static int find(const struct xml_node *n, const char *name, int required, const char **text,
                const char *call, const char *path, struct err *e)
{
    *text = xml_child_text(n, name);
    if (*text != NULL)
        return 0;
    if (required)
        return err_set(e, ERR_PARSE, "%s: %s%s%s is missing", call, path, *path ? "." : "", name);
    return 1;
}

int xml_get_str(const struct xml_node *n, const char *name, int required, char **out,
                const char *call, const char *path, struct err *e)
{
    const char *t;
    char *s;
    int rc;

    if ((rc = find(n, name, required, &t, call, path, e)) != 0)
        return rc < 0 ? -1 : 0;
    if ((s = strdup(t)) == NULL)
        return err_set(e, ERR_NOMEM, "%s: out of memory reading %s", call, name);
    free(*out);
    *out = s;
    return 0;
}

int xml_get_int64(const struct xml_node *n, const char *name, int required, int64_t *out,
                  const char *call, const char *path, struct err *e)
{
    const char *t;
    char *end;
    long long v;
    int rc;

    if ((rc = find(n, name, required, &t, call, path, e)) != 0)
        return rc < 0 ? -1 : 0;
    errno = 0;
    v = strtoll(t, &end, 10);
    if (*t == '\0' || *end != '\0' || errno == ERANGE)
        return err_set(e, ERR_PARSE, "%s: %s%s%s is \"%.40s\", expected an integer", call, path,
                       *path ? "." : "", name, t);
    *out = (int64_t)v;
    return 0;
}

int xml_get_bool(const struct xml_node *n, const char *name, int required, int *out,
                 const char *call, const char *path, struct err *e)
{
    const char *t;
    int rc;

    if ((rc = find(n, name, required, &t, call, path, e)) != 0)
        return rc < 0 ? -1 : 0;
    if (strcmp(t, "true") == 0 || strcmp(t, "false") == 0) {
        *out = t[0] == 't';
        return 0;
    }
    return err_set(e, ERR_PARSE, "%s: %s%s%s is \"%.40s\", expected true or false", call, path,
                   *path ? "." : "", name, t);
}

int xml_get_time(const struct xml_node *n, const char *name, int required, int64_t *out,
                 const char *call, const char *path, struct err *e)
{
    const char *t;
    int rc;

    if ((rc = find(n, name, required, &t, call, path, e)) != 0)
        return rc < 0 ? -1 : 0;
    if (time_parse_rfc3339(t, out, e) != 0) {
        err_prefix(e, "%s: %s%s%s: ", call, path, *path ? "." : "", name);
        return -1;
    }
    return 0;
}
