/* tests/unit/shape_check.c: a small walker over botocore shapes for JSON (jansson) and XML
 * (expat into a tiny element tree) answers. It checks names, types and required members — what
 * a real SDK parser relies on — and never accepts an element or key the model does not name. */
#include "tests/unit/shape_check.h"

#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"

json_t *shape_model_load(const char *service)
{
    const char *dir = getenv("PIPETOP_SHARED");
    char path[512];
    json_error_t e;
    json_t *m;

    snprintf(path, sizeof(path), "%s/reference/aws-models/%s/service-2.json",
             dir && *dir ? dir : "../shared", service);
    m = json_load_file(path, 0, &e);
    if (m == NULL)
        fprintf(stderr, "shape_check: cannot load %s: %s\n", path, e.text);
    return m;
}

static json_t *shape(json_t *model, const char *name)
{
    return json_object_get(json_object_get(model, "shapes"), name);
}

const char *shape_output(json_t *model, const char *op)
{
    json_t *o = json_object_get(json_object_get(model, "operations"), op);
    return json_string_value(json_object_get(json_object_get(o, "output"), "shape"));
}

static int bad(char *err, size_t n, const char *path, const char *what)
{
    snprintf(err, n, "%s: %s", path[0] ? path : "(top)", what);
    return -1;
}

static int check_required(json_t *sh, int (*has)(void *, const char *), void *ctx, char *err,
                          size_t n, const char *path)
{
    size_t i;
    json_t *req;

    json_array_foreach(json_object_get(sh, "required"), i, req)
    {
        if (!has(ctx, json_string_value(req))) {
            char msg[160];
            snprintf(msg, sizeof(msg), "required member %s missing", json_string_value(req));
            return bad(err, n, path, msg);
        }
    }
    return 0;
}

/* ---- JSON ---- */

static int json_has(void *ctx, const char *k)
{
    return json_object_get(ctx, k) != NULL;
}

static int walk_json(json_t *model, const char *name, json_t *v, char *err, size_t n,
                     const char *path)
{
    json_t *sh = shape(model, name);
    const char *type = json_string_value(json_object_get(sh, "type"));
    char sub[512];

    if (sh == NULL || type == NULL)
        return bad(err, n, path, "unknown shape in the model");
    if (strcmp(type, "structure") == 0) {
        const char *key;
        json_t *val, *mem;
        if (!json_is_object(v))
            return bad(err, n, path, "want an object");
        json_object_foreach(v, key, val)
        {
            mem = json_object_get(json_object_get(sh, "members"), key);
            snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "", key);
            if (mem == NULL)
                return bad(err, n, sub, "not a member of the shape");
            if (walk_json(model, json_string_value(json_object_get(mem, "shape")), val, err, n,
                          sub))
                return -1;
        }
        return check_required(sh, json_has, v, err, n, path);
    }
    if (strcmp(type, "list") == 0) {
        size_t i;
        json_t *it;
        const char *m = json_string_value(json_object_get(json_object_get(sh, "member"), "shape"));
        if (!json_is_array(v))
            return bad(err, n, path, "want an array");
        json_array_foreach(v, i, it)
        {
            snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
            if (walk_json(model, m, it, err, n, sub))
                return -1;
        }
        return 0;
    }
    if (strcmp(type, "map") == 0) {
        const char *key;
        json_t *val;
        const char *m = json_string_value(json_object_get(json_object_get(sh, "value"), "shape"));
        if (!json_is_object(v))
            return bad(err, n, path, "want an object (map)");
        json_object_foreach(v, key, val)
        {
            snprintf(sub, sizeof(sub), "%s{%s}", path, key);
            if (walk_json(model, m, val, err, n, sub))
                return -1;
        }
        return 0;
    }
    if (strcmp(type, "string") == 0 || strcmp(type, "blob") == 0) {
        json_t *en = json_object_get(sh, "enum");
        size_t i;
        json_t *e;
        if (!json_is_string(v))
            return bad(err, n, path, "want a string");
        if (en == NULL)
            return 0;
        json_array_foreach(en, i,
                           e) if (strcmp(json_string_value(e), json_string_value(v)) == 0) return 0;
        return bad(err, n, path, "value not in the shape's enum");
    }
    if (strcmp(type, "integer") == 0 || strcmp(type, "long") == 0)
        return json_is_integer(v) ? 0 : bad(err, n, path, "want an integer");
    if (strcmp(type, "boolean") == 0)
        return json_is_boolean(v) ? 0 : bad(err, n, path, "want true/false");
    if (strcmp(type, "timestamp") == 0 || strcmp(type, "double") == 0 || strcmp(type, "float") == 0)
        return json_is_number(v) ? 0 : bad(err, n, path, "want a number (epoch seconds)");
    return bad(err, n, path, "unsupported shape type");
}

int shape_check_json(json_t *model, const char *name, json_t *value, char *err, size_t n)
{
    return walk_json(model, name, value, err, n, "");
}

/* ---- XML: a tiny element tree ---- */

struct xnode {
    char *name;
    char *text;
    size_t text_len;
    struct xnode *kids, *next, *parent, *last;
};

struct xparse {
    struct xnode *root, *cur;
    int fail;
};

static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static void on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    struct xparse *p = ud;
    struct xnode *x = calloc(1, sizeof(*x));

    (void)attrs;
    if (x == NULL || (x->name = strdup(local(name))) == NULL) {
        free(x);
        p->fail = 1;
        return;
    }
    x->parent = p->cur;
    if (p->cur == NULL)
        p->root = x;
    else if (p->cur->last)
        p->cur->last->next = x, p->cur->last = x;
    else
        p->cur->kids = p->cur->last = x;
    p->cur = x;
}

static void on_end(void *ud, const XML_Char *name)
{
    struct xparse *p = ud;
    (void)name;
    if (p->cur)
        p->cur = p->cur->parent;
}

static void on_text(void *ud, const XML_Char *s, int len)
{
    struct xparse *p = ud;
    struct xnode *x = p->cur;
    char *t;

    if (x == NULL)
        return;
    t = realloc(x->text, x->text_len + (size_t)len + 1);
    if (t == NULL) {
        p->fail = 1;
        return;
    }
    memcpy(t + x->text_len, s, (size_t)len);
    x->text = t;
    x->text_len += (size_t)len;
    t[x->text_len] = '\0';
}

static void xfree(struct xnode *x)
{
    while (x) {
        struct xnode *next = x->next;
        xfree(x->kids);
        free(x->name);
        free(x->text);
        free(x);
        x = next;
    }
}

static const char *xtext(const struct xnode *x)
{
    return x->text ? x->text : "";
}

/* The member of structure sh an element name maps to (locationName, or the member name). */
static const char *member_for(json_t *model, json_t *sh, const char *el, json_t **mem_out)
{
    const char *key;
    json_t *mem;

    json_object_foreach(json_object_get(sh, "members"), key, mem)
    {
        const char *loc = json_string_value(json_object_get(mem, "locationName"));
        json_t *msh = shape(model, json_string_value(json_object_get(mem, "shape")));
        if (json_object_get(mem, "location"))
            continue; /* header/status members are not in the body */
        if (json_is_true(json_object_get(msh, "flattened"))) {
            const char *ml =
                json_string_value(json_object_get(json_object_get(msh, "member"), "locationName"));
            if (strcmp(ml ? ml : (loc ? loc : key), el) == 0) {
                *mem_out = mem;
                return key;
            }
        }
        if (strcmp(loc ? loc : key, el) == 0) {
            *mem_out = mem;
            return key;
        }
    }
    return NULL;
}

struct has_ctx {
    json_t *model, *sh;
    const struct xnode *x;
};

static int xml_has(void *ctx, const char *member)
{
    struct has_ctx *h = ctx;
    for (const struct xnode *k = h->x->kids; k; k = k->next) {
        json_t *mem;
        const char *m = member_for(h->model, h->sh, k->name, &mem);
        if (m && strcmp(m, member) == 0)
            return 1;
    }
    return 0;
}

static int walk_xml(json_t *model, const char *name, const struct xnode *x, char *err, size_t n,
                    const char *path);

static int scalar_xml(json_t *sh, const char *type, const struct xnode *x, char *err, size_t n,
                      const char *path)
{
    const char *t = xtext(x);
    char *end;
    struct err e = ERR_INIT;
    int64_t ms;

    (void)sh;
    if (strcmp(type, "integer") == 0 || strcmp(type, "long") == 0) {
        strtoll(t, &end, 10);
        return (end != t && *end == '\0') ? 0 : bad(err, n, path, "want an integer");
    }
    if (strcmp(type, "boolean") == 0)
        return (strcmp(t, "true") == 0 || strcmp(t, "false") == 0)
                   ? 0
                   : bad(err, n, path, "want true/false");
    if (strcmp(type, "timestamp") == 0)
        return time_parse_rfc3339(t, &ms, &e) == 0 ? 0 : bad(err, n, path, "want an ISO 8601 time");
    if (strcmp(type, "string") == 0 || strcmp(type, "blob") == 0)
        return x->kids == NULL ? 0 : bad(err, n, path, "want text, found elements");
    return bad(err, n, path, "unsupported shape type");
}

static int walk_xml(json_t *model, const char *name, const struct xnode *x, char *err, size_t n,
                    const char *path)
{
    json_t *sh = shape(model, name);
    const char *type = json_string_value(json_object_get(sh, "type"));
    char sub[512];

    if (sh == NULL || type == NULL)
        return bad(err, n, path, "unknown shape in the model");
    if (strcmp(type, "structure") == 0) {
        struct has_ctx h = {model, sh, x};
        for (const struct xnode *k = x->kids; k; k = k->next) {
            json_t *mem, *msh;
            const char *m = member_for(model, sh, k->name, &mem);
            snprintf(sub, sizeof(sub), "%s/%s", path, k->name);
            if (m == NULL)
                return bad(err, n, sub, "element is not a member of the shape");
            msh = shape(model, json_string_value(json_object_get(mem, "shape")));
            if (json_is_true(json_object_get(msh, "flattened"))) {
                const char *item =
                    json_string_value(json_object_get(json_object_get(msh, "member"), "shape"));
                if (walk_xml(model, item, k, err, n, sub))
                    return -1;
            } else if (walk_xml(model, json_string_value(json_object_get(mem, "shape")), k, err, n,
                                sub)) {
                return -1;
            }
        }
        return check_required(sh, xml_has, &h, err, n, path);
    }
    if (strcmp(type, "list") == 0) {
        json_t *m = json_object_get(sh, "member");
        const char *item = json_string_value(json_object_get(m, "locationName"));
        size_t i = 0;
        for (const struct xnode *k = x->kids; k; k = k->next, i++) {
            snprintf(sub, sizeof(sub), "%s/%s[%zu]", path, k->name, i);
            if (strcmp(k->name, item ? item : "member") != 0)
                return bad(err, n, sub, "list item element has the wrong name");
            if (walk_xml(model, json_string_value(json_object_get(m, "shape")), k, err, n, sub))
                return -1;
        }
        return 0;
    }
    return scalar_xml(sh, type, x, err, n, path);
}

int shape_check_xml(json_t *model, const char *op, const char *name, const char *xml, size_t len,
                    char *err, size_t n)
{
    XML_Parser p = XML_ParserCreateNS(NULL, ':');
    struct xparse st = {NULL, NULL, 0};
    const struct xnode *x;
    char want[160];
    int rc = -1;

    if (p == NULL)
        return bad(err, n, "", "expat: out of memory");
    XML_SetUserData(p, &st);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    if (XML_Parse(p, xml, (int)len, 1) != XML_STATUS_OK || st.fail || st.root == NULL) {
        snprintf(err, n, "not well-formed XML: %s", XML_ErrorString(XML_GetErrorCode(p)));
        goto out;
    }
    x = st.root;
    if (op) {
        snprintf(want, sizeof(want), "%sResponse", op);
        if (strcmp(x->name, want) != 0) {
            snprintf(err, n, "root element %s, want %s", x->name, want);
            goto out;
        }
        snprintf(want, sizeof(want), "%sResult", op);
        for (x = x->kids; x && strcmp(x->name, want) != 0; x = x->next)
            ;
        if (x == NULL) {
            snprintf(err, n, "no <%s> in the answer", want);
            goto out;
        }
    }
    rc = walk_xml(model, name, x, err, n, x->name);
out:
    xfree(st.root);
    XML_ParserFree(p);
    return rc;
}

int shape_error_known(json_t *model, const char *op, const char *code)
{
    static const char *const common[] = {
        "AccessDenied", "AccessDeniedException", "IncompleteSignature",
        "IncompleteSignatureException", "InternalFailure", "InternalServerError", "InvalidAction",
        "InvalidClientTokenId", "InvalidParameterCombination", "InvalidParameterValue",
        "MissingAction", "MissingAuthenticationToken", "MissingAuthenticationTokenException",
        "MissingParameter", "RequestExpired", "ServiceUnavailable", "Throttling",
        "ThrottlingException", "ValidationError", "ValidationException", "SerializationException",
        "UnrecognizedClientException", "InvalidSignatureException", "SignatureDoesNotMatch",
        "ExpiredToken", "ExpiredTokenException", "UnknownOperationException",
        /* S3 common errors (rest-xml) */
        "InvalidAccessKeyId", "InvalidToken", "RequestTimeTooSkewed",
        "AuthorizationHeaderMalformed", "InvalidArgument", "InvalidRequest",
        "XAmzContentSHA256Mismatch", "InvalidRange", NULL};
    json_t *o = json_object_get(json_object_get(model, "operations"), op), *e;
    size_t i;

    for (i = 0; common[i]; i++)
        if (strcmp(common[i], code) == 0)
            return 1;
    json_array_foreach(json_object_get(o, "errors"), i, e)
    {
        const char *sn = json_string_value(json_object_get(e, "shape"));
        const char *c =
            json_string_value(json_object_get(json_object_get(shape(model, sn), "error"), "code"));
        if ((sn && strcmp(sn, code) == 0) || (c && strcmp(c, code) == 0))
            return 1;
    }
    return 0;
}
