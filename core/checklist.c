/* core/checklist.c: a list of check results and its JSON rendering (jansson). Pure data: no
 * I/O, no network; never adds anything the caller did not put in. */
#include "core/checklist.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "core/jsonx.h"

struct check *checklist_add(struct checklist *l, const char *name, enum check_status status,
                            enum err_code code, const char *remedy, const char *fmt, ...)
{
    struct check *c;
    va_list ap;

    if (l->n >= CHECKLIST_MAX)
        return NULL;
    c = &l->v[l->n++];
    memset(c, 0, sizeof(*c));
    snprintf(c->name, sizeof(c->name), "%s", name);
    c->status = status;
    c->code = code;
    snprintf(c->remedy, sizeof(c->remedy), "%s", remedy ? remedy : "");
    va_start(ap, fmt);
    vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
    va_end(ap);
    return c;
}

const char *check_status_name(enum check_status s)
{
    return s == CHECK_OK ? "ok" : s == CHECK_WARN ? "warn" : "fail";
}

bool checklist_ok(const struct checklist *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].status == CHECK_FAIL)
            return false;
    return true;
}

void checklist_count(const struct checklist *l, size_t n[3])
{
    n[0] = n[1] = n[2] = 0;
    for (size_t i = 0; i < l->n; i++)
        n[l->v[i].status]++;
}

/* A JSON string of s; bytes that are not valid UTF-8 text become '?'. */
static json_t *jstr(const char *s)
{
    char tmp[sizeof(((struct check *)0)->detail)];
    json_t *j = json_string(s);

    if (j != NULL)
        return j;
    snprintf(tmp, sizeof(tmp), "%s", s);
    for (char *p = tmp; *p; p++)
        if ((unsigned char)*p >= 0x80 || (unsigned char)*p < 0x20)
            *p = '?';
    return json_string(tmp);
}

int checklist_to_json(const struct checklist *l, char **out, struct err *e)
{
    json_t *root = json_object(), *arr = json_array();
    int bad = root == NULL || arr == NULL;

    *out = NULL;
    for (size_t i = 0; !bad && i < l->n; i++) {
        const struct check *c = &l->v[i];
        json_t *o = json_pack("{s:o, s:b, s:s, s:o, s:o}", "name", jstr(c->name), "ok",
                              c->status != CHECK_FAIL, "status", check_status_name(c->status),
                              "detail", jstr(c->detail), "remedy", jstr(c->remedy));
        bad = o == NULL || json_array_append_new(arr, o) != 0;
    }
    if (!bad)
        bad = json_object_set_new(root, "ok", json_boolean(checklist_ok(l))) != 0 ||
              json_object_set(root, "checks", arr) != 0;
    if (!bad)
        bad = (*out = jsonx_dumps(root, JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII)) == NULL;
    json_decref(arr);
    json_decref(root);
    return bad ? err_set(e, ERR_NOMEM, "out of memory writing the doctor report as JSON") : 0;
}
