/* core/sts.c: STS Query-protocol request bodies and XML responses (expat): GetCallerIdentity,
 * AssumeRole and the ErrorResponse shape. No network here. Credential values parsed from a
 * response are wiped from every temporary buffer and never copied into an error message. */
#include "core/sts.h"

#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/sigv4.h"
#include "core/timeutil.h"

#define STS_MAX_WANT 8
#define STS_MAX_TEXT 65536

/* Collects the text of elements whose path ends with one of want[] ("Result/Arn"), matching
 * local names (namespaces ignored). The first match of each wins. */
struct xml_collect {
    const char *const *want;
    size_t n_want;
    struct buf val[STS_MAX_WANT];
    int found[STS_MAX_WANT];
    char path[1024];
    struct buf text;
    int failed;
};

static const char *local_name(const char *name)
{
    const char *p = strrchr(name, '|');
    return p ? p + 1 : name;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    struct xml_collect *c = ud;
    size_t l = strlen(c->path);
    int n;

    (void)attrs;
    n = snprintf(c->path + l, sizeof(c->path) - l, "/%s", local_name(name));
    if (n < 0 || (size_t)n >= sizeof(c->path) - l)
        c->failed = 1;
    if (c->text.data)
        crypto_cleanse(c->text.data, c->text.len);
    buf_reset(&c->text);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct xml_collect *c = ud;

    if (len > 0 && buf_append(&c->text, s, (size_t)len))
        c->failed = 1;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct xml_collect *c = ud;
    size_t pl = strlen(c->path);
    char *slash;

    (void)name;
    for (size_t i = 0; i < c->n_want; i++) {
        size_t wl = strlen(c->want[i]);
        if (!c->found[i] && pl > wl && c->path[pl - wl - 1] == '/' &&
            strcmp(c->path + pl - wl, c->want[i]) == 0) {
            c->found[i] = 1;
            if (buf_append(&c->val[i], buf_cstr(&c->text), c->text.len))
                c->failed = 1;
        }
    }
    if (c->text.data)
        crypto_cleanse(c->text.data, c->text.len);
    buf_reset(&c->text);
    slash = strrchr(c->path, '/');
    if (slash)
        *slash = '\0';
}

static void collect_release(struct xml_collect *c)
{
    for (size_t i = 0; i < c->n_want; i++) {
        if (c->val[i].data)
            crypto_cleanse(c->val[i].data, c->val[i].len);
        buf_release(&c->val[i]);
    }
    if (c->text.data)
        crypto_cleanse(c->text.data, c->text.cap);
    buf_release(&c->text);
}

/* Parses xml and collects want[]. Returns 0, or -1 (ERR_PARSE with the expat reason). */
static int collect(struct xml_collect *c, const char *const *want, size_t n_want, const char *xml,
                   size_t len, const char *what, struct err *e)
{
    XML_Parser p = XML_ParserCreateNS(NULL, '|');
    int ok;

    memset(c, 0, sizeof(*c));
    c->want = want;
    c->n_want = n_want;
    for (size_t i = 0; i < n_want; i++)
        buf_init(&c->val[i], STS_MAX_TEXT);
    buf_init(&c->text, STS_MAX_TEXT);
    if (p == NULL)
        return err_set(e, ERR_NOMEM, "out of memory creating an XML parser");
    XML_SetUserData(p, c);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    ok = len <= (size_t)0x7fffffff && XML_Parse(p, xml ? xml : "", (int)len, 1) == XML_STATUS_OK;
    if (!ok)
        err_set(e, ERR_PARSE, "%s: the response is not valid XML (%s at line %lu)", what,
                XML_ErrorString(XML_GetErrorCode(p)), (unsigned long)XML_GetCurrentLineNumber(p));
    else if (c->failed)
        err_set(e, ERR_PARSE, "%s: the XML response is too large or too deeply nested", what);
    XML_ParserFree(p);
    return ok && !c->failed ? 0 : -1;
}

int sts_build_get_caller_identity(struct buf *body, struct err *e)
{
    if (buf_puts(body, "Action=GetCallerIdentity&Version=" STS_API_VERSION))
        return err_set(e, ERR_NOMEM, "out of memory");
    return 0;
}

static int form_param(struct buf *b, const char *name, const char *value)
{
    return buf_printf(b, "&%s=", name) || sigv4_uri_encode(b, value, strlen(value), 0);
}

int sts_build_assume_role(struct buf *body, const struct aws_role *role,
                          const char *default_session, struct err *e)
{
    const char *session = role->session_name ? role->session_name : default_session;

    if (role->role_arn == NULL || session == NULL)
        return err_set(e, ERR_USAGE, "AssumeRole needs a role ARN and a session name");
    if (buf_puts(body, "Action=AssumeRole&Version=" STS_API_VERSION) ||
        form_param(body, "RoleArn", role->role_arn) ||
        form_param(body, "RoleSessionName", session) ||
        (role->external_id && form_param(body, "ExternalId", role->external_id)) ||
        (role->duration_s > 0 && buf_printf(body, "&DurationSeconds=%ld", role->duration_s)))
        return err_set(e, ERR_NOMEM, "out of memory");
    return 0;
}

int sts_parse_caller_identity(struct sts_identity *out, const char *xml, size_t len, struct err *e)
{
    static const char *const want[] = {"GetCallerIdentityResult/Account",
                                       "GetCallerIdentityResult/Arn",
                                       "GetCallerIdentityResult/UserId"};
    struct xml_collect c;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (collect(&c, want, 3, xml, len, "STS GetCallerIdentity", e))
        goto out;
    if (!c.found[1] || c.val[1].len == 0) {
        err_set(e, ERR_PARSE,
                "STS GetCallerIdentity: the response has no "
                "GetCallerIdentityResult/Arn element");
        goto out;
    }
    snprintf(out->account, sizeof(out->account), "%s", buf_cstr(&c.val[0]));
    snprintf(out->arn, sizeof(out->arn), "%s", buf_cstr(&c.val[1]));
    snprintf(out->user_id, sizeof(out->user_id), "%s", buf_cstr(&c.val[2]));
    rc = 0;
out:
    collect_release(&c);
    return rc;
}

int sts_parse_assume_role(struct aws_creds *out, const char *xml, size_t len, const char *source,
                          struct err *e)
{
    static const char *const want[] = {
        "AssumeRoleResult/Credentials/AccessKeyId",
        "AssumeRoleResult/Credentials/SecretAccessKey",
        "AssumeRoleResult/Credentials/SessionToken",
        "AssumeRoleResult/Credentials/Expiration",
    };
    struct xml_collect c;
    int64_t exp_ms = 0;
    int rc = -1;

    if (collect(&c, want, 4, xml, len, "STS AssumeRole", e))
        goto out;
    for (size_t i = 0; i < 4; i++) {
        if (!c.found[i] || c.val[i].len == 0) {
            err_set(e, ERR_PARSE, "STS AssumeRole: the response has no %s element", want[i]);
            goto out;
        }
    }
    if (time_parse_rfc3339(buf_cstr(&c.val[3]), &exp_ms, e)) {
        err_prefix(e, "STS AssumeRole Expiration: ");
        goto out;
    }
    rc = aws_creds_set(out, buf_cstr(&c.val[0]), buf_cstr(&c.val[1]), buf_cstr(&c.val[2]), exp_ms,
                       source, e);
out:
    collect_release(&c);
    return rc;
}

int sts_is_auth_error(const char *code)
{
    static const char *const auth[] = {"InvalidClientTokenId",
                                       "SignatureDoesNotMatch",
                                       "ExpiredToken",
                                       "ExpiredTokenException",
                                       "AccessDenied",
                                       "AccessDeniedException",
                                       "IncompleteSignature",
                                       "MissingAuthenticationToken",
                                       "UnrecognizedClientException",
                                       "InvalidAccessKeyId",
                                       "InvalidToken",
                                       "AuthFailure",
                                       "RequestExpired",
                                       "InvalidSignatureException"};
    for (size_t i = 0; code && i < sizeof(auth) / sizeof(auth[0]); i++)
        if (strcmp(code, auth[i]) == 0)
            return 1;
    return 0;
}

static const char *remedy(const char *code)
{
    if (strcmp(code, "InvalidClientTokenId") == 0 || strcmp(code, "InvalidAccessKeyId") == 0 ||
        strcmp(code, "UnrecognizedClientException") == 0)
        return "the access key ID is not known to AWS; check which credentials are in use "
               "(pipetop doctor) and that they are still active";
    if (strcmp(code, "SignatureDoesNotMatch") == 0 ||
        strcmp(code, "InvalidSignatureException") == 0)
        return "the secret access key does not match the access key ID, or the local clock is "
               "off; check the secret and the system time";
    if (strcmp(code, "ExpiredToken") == 0 || strcmp(code, "ExpiredTokenException") == 0 ||
        strcmp(code, "RequestExpired") == 0)
        return "the session token or request has expired; refresh the temporary credentials "
               "and check the system clock";
    if (strcmp(code, "AccessDenied") == 0 || strcmp(code, "AccessDeniedException") == 0)
        return "the identity is not allowed to do this; check its IAM policy (and the role's "
               "trust policy for AssumeRole)";
    if (strcmp(code, "Throttling") == 0)
        return "AWS is throttling requests; try again shortly";
    return NULL;
}

int sts_parse_error(const char *xml, size_t len, long http_status, const char *operation,
                    char *code, struct err *e)
{
    static const char *const want[] = {"Error/Code", "Error/Message", "RequestId"};
    struct xml_collect c;
    const char *hint, *cd;
    struct buf msg = BUF_INIT(ERR_MSG_MAX * 2);

    if (code)
        code[0] = '\0';
    if (collect(&c, want, 3, xml, len, "STS", NULL) != 0 || !c.found[0] || c.val[0].len == 0) {
        collect_release(&c);
        return err_set_http(e, http_status == 401 || http_status == 403 ? ERR_AUTH : ERR_SERVICE,
                            http_status, "STS %s: HTTP %ld without an AWS error document",
                            operation, http_status);
    }
    cd = buf_cstr(&c.val[0]);
    if (code)
        snprintf(code, 128, "%s", cd);
    hint = remedy(cd);
    buf_printf(&msg, "STS %s: HTTP %ld %s: %s", operation, http_status, cd,
               c.val[1].len ? buf_cstr(&c.val[1]) : "(no message)");
    if (c.val[2].len)
        buf_printf(&msg, " (request id %s)", buf_cstr(&c.val[2]));
    if (hint)
        buf_printf(&msg, " - %s", hint);
    err_set_http(e, sts_is_auth_error(cd) ? ERR_AUTH : ERR_SERVICE, http_status, "%s",
                 buf_cstr(&msg));
    buf_release(&msg);
    collect_release(&c);
    return -1;
}
