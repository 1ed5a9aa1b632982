/* core/sqlrefs.c: a small GoogleSQL lexer that finds table references (core/sqlrefs.h). It
 * skips comments and every form of string literal so that text inside them is never read as a
 * table; it never executes, rewrites or validates the query. */
#include "core/sqlrefs.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"

enum tk { TK_END = 0, TK_PATH, TK_OTHER };

struct tok {
    enum tk kind;
    char *text; /* TK_PATH: the dotted name, backquotes removed */
};

struct lexer {
    const char *p;
};

static bool ident_start(char c)
{
    return isalpha((unsigned char)c) || c == '_';
}

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* Skips a string literal starting at p (at its opening quote); returns the end. */
static const char *skip_string(const char *p)
{
    char q = *p;
    bool triple = p[1] == q && p[2] == q;

    p += triple ? 3 : 1;
    while (*p != '\0') {
        if (*p == '\\' && p[1] != '\0') {
            p += 2;
            continue;
        }
        if (*p == q && (!triple || (p[1] == q && p[2] == q)))
            return p + (triple ? 3 : 1);
        p++;
    }
    return p;
}

static const char *skip_blank_and_comments(const char *p)
{
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if ((p[0] == '-' && p[1] == '-') || p[0] == '#') {
            p += strcspn(p, "\n");
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            p = end ? end + 2 : p + strlen(p);
        } else {
            return p;
        }
    }
}

/* Reads one name part (bare or backquoted) into b; returns the end or NULL when none. */
static const char *name_part(const char *p, struct buf *b, int *nomem)
{
    if (*p == '`') {
        const char *end = strchr(p + 1, '`');
        if (end == NULL)
            return NULL;
        *nomem |= buf_append(b, p + 1, (size_t)(end - p - 1));
        return end + 1;
    }
    if (!ident_start(*p))
        return NULL;
    const char *s = p;
    while (ident_char(*p))
        p++;
    *nomem |= buf_append(b, s, (size_t)(p - s));
    return p;
}

/* The next token; t->text is malloc'd for TK_PATH. Returns -1 when out of memory. */
static int next(struct lexer *lx, struct tok *t)
{
    const char *p = skip_blank_and_comments(lx->p);
    struct buf b = BUF_INIT(4096);
    int nomem = 0;

    t->kind = TK_END;
    t->text = NULL;
    if (*p == '\0') {
        lx->p = p;
        return 0;
    }
    if (*p == '\'' || *p == '"') {
        lx->p = skip_string(p);
        t->kind = TK_OTHER;
        return 0;
    }
    size_t pre = 0;
    while (pre < 2 && strchr("rRbB", p[pre]) != NULL && p[pre] != '\0')
        pre++;
    if (pre > 0 && (p[pre] == '\'' || p[pre] == '"')) {
        lx->p = skip_string(p + pre);
        t->kind = TK_OTHER;
        return 0;
    }
    const char *q = name_part(p, &b, &nomem);
    if (q == NULL) {
        lx->p = p + 1;
        t->kind = TK_OTHER;
        return 0;
    }
    while (*q == '.' && (q[1] == '`' || ident_start(q[1]))) {
        nomem |= buf_putc(&b, '.');
        const char *r = name_part(q + 1, &b, &nomem);
        if (r == NULL)
            break;
        q = r;
    }
    lx->p = q;
    t->kind = TK_PATH;
    t->text = buf_detach(&b);
    if (nomem || t->text == NULL) {
        free(t->text);
        t->text = NULL;
        return -1;
    }
    return 0;
}

void sql_table_ref_release(struct sql_table_ref *r)
{
    if (r == NULL)
        return;
    free(r->project);
    free(r->dataset);
    free(r->table);
    memset(r, 0, sizeof(*r));
}

int sqlrefs_table(struct sql_table_ref *out, const char *text, struct err *e)
{
    const char *d1 = strchr(text, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;

    memset(out, 0, sizeof(*out));
    if (d1 == NULL || d1 == text || (d2 != NULL && strchr(d2 + 1, '.') != NULL) || d1[1] == '\0' ||
        d1[1] == '.' || (d2 != NULL && d2[1] == '\0'))
        return err_set(e, ERR_PARSE, "'%s' is not dataset.table or project.dataset.table", text);
    if (d2 != NULL) {
        out->project = strndup(text, (size_t)(d1 - text));
        out->dataset = strndup(d1 + 1, (size_t)(d2 - d1 - 1));
        out->table = strdup(d2 + 1);
    } else {
        out->dataset = strndup(text, (size_t)(d1 - text));
        out->table = strdup(d1 + 1);
    }
    if ((d2 != NULL && out->project == NULL) || out->dataset == NULL || out->table == NULL) {
        sql_table_ref_release(out);
        return err_set(e, ERR_NOMEM, "table name '%s': out of memory", text);
    }
    return 0;
}

static bool same_ref(const struct sql_table_ref *a, const struct sql_table_ref *b)
{
    return strcmp(a->dataset, b->dataset) == 0 && strcmp(a->table, b->table) == 0 &&
           ((a->project == NULL && b->project == NULL) ||
            (a->project && b->project && strcmp(a->project, b->project) == 0));
}

/* Adds text to the list if it is a two- or three-part name not there yet. */
static int add_ref(struct sql_table_ref **v, size_t *n, const char *text, struct err *e)
{
    struct sql_table_ref r;
    struct err ignore = ERR_INIT;

    if (sqlrefs_table(&r, text, &ignore) != 0)
        return ignore.code == ERR_NOMEM ? err_set(e, ERR_NOMEM, "%s", ignore.msg) : 0;
    for (size_t i = 0; i < *n; i++)
        if (same_ref(&(*v)[i], &r)) {
            sql_table_ref_release(&r);
            return 0;
        }
    struct sql_table_ref *nv = realloc(*v, (*n + 1) * sizeof(*nv));
    if (nv == NULL) {
        sql_table_ref_release(&r);
        return err_set(e, ERR_NOMEM, "query references: out of memory");
    }
    *v = nv;
    nv[(*n)++] = r;
    return 0;
}

static bool is_kw(const struct tok *t, const char *kw)
{
    return t->kind == TK_PATH && strcasecmp(t->text, kw) == 0;
}

static void toks_free(struct tok *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].text);
    free(v);
}

static int tokenize(struct tok **out, size_t *n, const char *query, struct err *e)
{
    struct lexer lx = {query};
    size_t cap = 0;

    *out = NULL;
    *n = 0;
    for (;;) {
        struct tok t;
        if (*n == cap) {
            struct tok *nv = realloc(*out, (cap = cap ? cap * 2 : 64) * sizeof(*nv));
            if (nv == NULL)
                goto nomem;
            *out = nv;
        }
        if (next(&lx, &t) != 0)
            goto nomem;
        (*out)[(*n)++] = t;
        if (t.kind == TK_END)
            return 0;
    }
nomem:
    toks_free(*out, *n);
    *out = NULL;
    return err_set(e, ERR_NOMEM, "query references: out of memory");
}

/* Index of the write target after CREATE/INSERT/MERGE at i, or 0 when there is none. */
static size_t write_target(const struct tok *t, size_t i)
{
    if (is_kw(&t[i], "create")) {
        i++;
        if (is_kw(&t[i], "or") && is_kw(&t[i + 1], "replace"))
            i += 2;
        if (is_kw(&t[i], "temp") || is_kw(&t[i], "temporary") || !is_kw(&t[i], "table"))
            return 0;
        i++;
        if (is_kw(&t[i], "if") && is_kw(&t[i + 1], "not") && is_kw(&t[i + 2], "exists"))
            i += 3;
        return t[i].kind == TK_PATH ? i : 0;
    }
    i++;
    if (is_kw(&t[i], "into"))
        i++;
    return t[i].kind == TK_PATH ? i : 0;
}

int sqlrefs_parse(struct sql_refs *out, const char *query, struct err *e)
{
    struct tok *t;
    size_t n;

    memset(out, 0, sizeof(*out));
    if (query == NULL)
        return 0;
    if (tokenize(&t, &n, query, e))
        return -1;
    for (size_t i = 0; i + 1 < n; i++) {
        int rc = 0;
        if ((is_kw(&t[i], "from") || is_kw(&t[i], "join") || is_kw(&t[i], "using")) &&
            t[i + 1].kind == TK_PATH) {
            rc = add_ref(&out->reads, &out->n_reads, t[i + 1].text, e);
        } else if (is_kw(&t[i], "create") || is_kw(&t[i], "insert") || is_kw(&t[i], "merge")) {
            size_t w = write_target(t, i);
            if (w > 0)
                rc = add_ref(&out->writes, &out->n_writes, t[w].text, e);
        }
        if (rc) {
            toks_free(t, n);
            sqlrefs_release(out);
            return -1;
        }
    }
    toks_free(t, n);
    return 0;
}

void sqlrefs_release(struct sql_refs *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n_reads; i++)
        sql_table_ref_release(&r->reads[i]);
    free(r->reads);
    for (size_t i = 0; i < r->n_writes; i++)
        sql_table_ref_release(&r->writes[i]);
    free(r->writes);
    memset(r, 0, sizeof(*r));
}
