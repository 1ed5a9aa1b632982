/* tests/unit/test_sigv4.c: SigV4 against both AWS test suites (driven from the files in
 * ../shared/reference), the project's derived request vectors, the AWS documentation examples
 * and the SHA-256 / HMAC-SHA-256 vectors. A missing suite folder is a failure, not a skip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/crypto.h"
#include "core/sigv4.h"
#include "core/timeutil.h"

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define SUITE_TIME_MS 1440938160000LL /* 20150830T123600Z */

static char shared_dir[4096];

static const char *ref_path(char *out, size_t n, const char *rel)
{
    int w = snprintf(out, n, "%s/reference/%s", shared_dir, rel);
    assert_true(w > 0 && (size_t)w < n);
    return out;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    long n;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        data = malloc((size_t)n + 1);
        if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
            free(data);
            data = NULL;
        }
        if (data) {
            data[n] = '\0';
            if (len)
                *len = (size_t)n;
        }
    }
    fclose(f);
    return data;
}

/* A raw HTTP request from a suite file. */
struct raw_req {
    char *method, *path, *query, *body;
    size_t body_len;
    struct http_headers h;
};

static void raw_req_release(struct raw_req *r)
{
    free(r->method);
    free(r->path);
    free(r->query);
    free(r->body);
    for (size_t i = 0; i < r->h.n; i++) {
        free(r->h.name[i]);
        free(r->h.value[i]);
    }
    memset(r, 0, sizeof(*r));
}

static char *dupn(const char *s, size_t n)
{
    char *r = malloc(n + 1);
    assert_non_null(r);
    memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

static void hset(struct http_headers *h, const char *name, const char *value)
{
    assert_true(h->n < HTTP_MAX_HEADERS);
    h->name[h->n] = strdup(name);
    h->value[h->n] = strdup(value);
    assert_non_null(h->name[h->n]);
    assert_non_null(h->value[h->n]);
    h->n++;
}

/* "METHOD target HTTP/1.1", header lines (continuations start with a blank), empty line, body. */
static int raw_req_parse(struct raw_req *r, const char *text)
{
    const char *eol = strchr(text, '\n'), *sp, *ver, *q, *p;

    memset(r, 0, sizeof(*r));
    if (eol == NULL)
        eol = text + strlen(text);
    sp = memchr(text, ' ', (size_t)(eol - text));
    ver = NULL;
    for (p = text; p + 6 <= eol; p++)
        if (memcmp(p, " HTTP/", 6) == 0)
            ver = p;
    if (sp == NULL || ver == NULL || ver <= sp)
        return -1;
    r->method = dupn(text, (size_t)(sp - text));
    q = memchr(sp + 1, '?', (size_t)(ver - sp - 1));
    r->path = dupn(sp + 1, (size_t)((q ? q : ver) - sp - 1));
    r->query = q ? dupn(q + 1, (size_t)(ver - q - 1)) : NULL;
    p = *eol ? eol + 1 : eol;
    while (*p && *p != '\n') {
        const char *end = strchr(p, '\n'), *colon;
        size_t l = end ? (size_t)(end - p) : strlen(p);
        if ((p[0] == ' ' || p[0] == '\t') && r->h.n > 0) {
            char *prev = r->h.value[r->h.n - 1];
            size_t pl = strlen(prev);
            char *nv = realloc(prev, pl + 1 + l + 1);
            assert_non_null(nv);
            nv[pl] = '\n';
            memcpy(nv + pl + 1, p, l);
            nv[pl + 1 + l] = '\0';
            r->h.value[r->h.n - 1] = nv;
        } else {
            colon = memchr(p, ':', l);
            if (colon == NULL || r->h.n == HTTP_MAX_HEADERS)
                return -1;
            r->h.name[r->h.n] = dupn(p, (size_t)(colon - p));
            r->h.value[r->h.n++] = dupn(colon + 1, l - (size_t)(colon - p) - 1);
        }
        p += l;
        if (*p == '\n')
            p++;
    }
    if (*p == '\n') {
        p++;
        r->body_len = strlen(p);
        r->body = dupn(p, r->body_len);
    }
    return 0;
}

static int same(const char *what, const char *name, const char *got, const char *want)
{
    if (want != NULL && strcmp(got, want) == 0)
        return 1;
    printf("  %s: %s differs\n--- expected\n%s\n--- got\n%s\n---\n", name, what,
           want ? want : "(missing file)", got);
    return 0;
}

#define STS_TOKEN                                                                                  \
    "AQoDYXdzEPT//////////"                                                                        \
    "wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwth" \
    "A"                                                                                            \
    "x7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFv"  \
    "lRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+"                             \
    "scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="

static char *found[256];
static size_t n_found;
static const char *found_suffix;

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    size_t l = strlen(path), sl = strlen(found_suffix);

    (void)st;
    (void)ftw;
    if (type == FTW_F && l > sl && strcmp(path + l - sl, found_suffix) == 0 &&
        n_found < sizeof(found) / sizeof(found[0]))
        found[n_found++] = strdup(path);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file under root whose name ends in suffix, sorted. Returns the count. */
static size_t find_files(const char *root, const char *suffix)
{
    n_found = 0;
    found_suffix = suffix;
    assert_int_equal(nftw(root, collect, 16, FTW_PHYS), 0);
    if (n_found > 1)
        qsort(found, n_found, sizeof(found[0]), cmp_str);
    return n_found;
}

static void free_found(void)
{
    for (size_t i = 0; i < n_found; i++)
        free(found[i]);
    n_found = 0;
}

static char *sibling(const char *req_path, const char *ext)
{
    size_t l = strlen(req_path) - 4; /* ".req" */
    char *p = malloc(l + strlen(ext) + 1);
    char *data;

    assert_non_null(p);
    memcpy(p, req_path, l);
    memcpy(p + l, ext, strlen(ext) + 1);
    data = slurp(p, NULL);
    free(p);
    return data;
}

/* One case of the classic suite: <dir>/<case>/<case>.req and its expected files. */
static int run_suite1_case(const char *req_path, const char *name, const char *parent)
{
    struct raw_req r;
    struct sigv4_input in = {0};
    struct sigv4_result out;
    struct err e = ERR_INIT;
    char *req = sibling(req_path, ".req"), *creq = sibling(req_path, ".creq");
    char *sts = sibling(req_path, ".sts"), *authz = sibling(req_path, ".authz");
    int ok = 0;

    assert_non_null(req);
    if (raw_req_parse(&r, req) != 0) {
        printf("  %s: cannot parse the .req file\n", name);
        goto out;
    }
    in.method = r.method;
    in.path = r.path;
    in.query = r.query;
    in.headers = &r.h;
    in.body = r.body;
    in.body_len = r.body_len;
    in.access_key_id = AKID;
    in.secret_access_key = SECRET;
    in.region = "us-east-1";
    in.service = "service";
    in.time_ms = SUITE_TIME_MS;
    in.flags = SIGV4_FLAGS_DEFAULT;
    if (strcmp(name, "get-vanilla-with-session-token") == 0)
        in.session_token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
    if (strcmp(parent, "post-sts-token") == 0)
        in.session_token = STS_TOKEN;
    if (strcmp(name, "post-sts-header-after") == 0)
        in.flags |= SIGV4_OMIT_SESSION_TOKEN;
    if (sigv4_sign(&out, &in, &e) != 0) {
        printf("  %s: sign failed: %s\n", name, e.msg);
    } else {
        ok = same("canonical request", name, buf_cstr(&out.canonical_request), creq) &
             same("string to sign", name, buf_cstr(&out.string_to_sign), sts) &
             same("authorization", name, buf_cstr(&out.authorization), authz);
    }
    sigv4_result_release(&out);
    raw_req_release(&r);
out:
    free(req);
    free(creq);
    free(sts);
    free(authz);
    return ok;
}

static void test_suite_classic(void **state)
{
    char root[4096];
    size_t n, passed = 0;

    (void)state;
    ref_path(root, sizeof(root), "aws-sig-v4-test-suite");
    n = find_files(root, ".req");
    assert_true(n >= 33);
    for (size_t i = 0; i < n; i++) {
        char *dir = strdup(found[i]), *name, *parent;
        assert_non_null(dir);
        *strrchr(dir, '/') = '\0';
        name = strrchr(dir, '/') + 1;
        name[-1] = '\0';
        parent = strrchr(dir, '/') + 1;
        if (run_suite1_case(found[i], name, parent))
            passed++;
        else
            printf("FAILED sigv4 suite case %s/%s\n", parent, name);
        free(dir);
    }
    printf("sigv4 suite (aws-sig-v4-test-suite): %zu/%zu cases passed\n", passed, n);
    free_found();
    assert_int_equal(passed, n);
}

static char *case_file(const char *dir, const char *file)
{
    char p[4096];
    int w = snprintf(p, sizeof(p), "%s/%s", dir, file);
    assert_true(w > 0 && (size_t)w < sizeof(p));
    return slurp(p, NULL);
}

/* The Authorization value from a header-signed-request.txt. */
static char *authorization_of(const char *signed_req)
{
    const char *p = signed_req ? strstr(signed_req, "\nAuthorization:") : NULL;
    const char *end;

    if (p == NULL)
        return NULL;
    p += strlen("\nAuthorization:");
    end = strchr(p, '\n');
    return dupn(p, end ? (size_t)(end - p) : strlen(p));
}

static int run_suite2_mode(const char *dir, const char *name, struct sigv4_input *in, int presign)
{
    struct sigv4_result out;
    struct err e = ERR_INIT;
    const char *pre = presign ? "query-" : "header-";
    char f[64];
    char *creq, *sts, *sig, *signed_req, *authz = NULL;
    int ok = 0;

    snprintf(f, sizeof(f), "%scanonical-request.txt", pre);
    creq = case_file(dir, f);
    snprintf(f, sizeof(f), "%sstring-to-sign.txt", pre);
    sts = case_file(dir, f);
    snprintf(f, sizeof(f), "%ssignature.txt", pre);
    sig = case_file(dir, f);
    snprintf(f, sizeof(f), "%ssigned-request.txt", pre);
    signed_req = case_file(dir, f);
    if (presign)
        in->flags |= SIGV4_PRESIGN;
    if (sigv4_sign(&out, in, &e) != 0) {
        printf("  %s: sign failed: %s\n", name, e.msg);
        goto out;
    }
    ok = same(presign ? "query canonical request" : "canonical request", name,
              buf_cstr(&out.canonical_request), creq) &
         same(presign ? "query string to sign" : "string to sign", name,
              buf_cstr(&out.string_to_sign), sts) &
         same(presign ? "query signature" : "signature", name, out.signature, sig);
    if (presign) {
        char *q = signed_req ? strstr(signed_req, "X-Amz-Signature=") : NULL;
        ok &= q != NULL && strncmp(q + 16, out.signature, 64) == 0;
    } else {
        authz = authorization_of(signed_req);
        ok &= same("authorization", name, buf_cstr(&out.authorization), authz);
    }
out:
    in->flags &= ~(unsigned)SIGV4_PRESIGN;
    sigv4_result_release(&out);
    free(creq);
    free(sts);
    free(sig);
    free(signed_req);
    free(authz);
    return ok;
}

static int run_suite2_case(const char *dir, const char *name, size_t *presign_passed)
{
    json_error_t jerr;
    char *req = case_file(dir, "request.txt"), *ctx_path;
    json_t *ctx, *cred;
    struct raw_req r;
    struct sigv4_input in = {0};
    struct err e = ERR_INIT;
    int ok = 0, n;

    n = asprintf(&ctx_path, "%s/context.json", dir);
    assert_true(n > 0);
    ctx = json_load_file(ctx_path, 0, &jerr);
    free(ctx_path);
    assert_non_null(ctx);
    assert_non_null(req);
    if (raw_req_parse(&r, req) != 0) {
        printf("  %s: cannot parse request.txt\n", name);
        goto out;
    }
    cred = json_object_get(ctx, "credentials");
    in.method = r.method;
    in.path = r.path;
    in.query = r.query;
    in.headers = &r.h;
    in.body = r.body;
    in.body_len = r.body_len;
    in.access_key_id = json_string_value(json_object_get(cred, "access_key_id"));
    in.secret_access_key = json_string_value(json_object_get(cred, "secret_access_key"));
    in.session_token = json_string_value(json_object_get(cred, "token"));
    in.region = json_string_value(json_object_get(ctx, "region"));
    in.service = json_string_value(json_object_get(ctx, "service"));
    in.expires_s = (long)json_integer_value(json_object_get(ctx, "expiration_in_seconds"));
    assert_int_equal(
        time_parse_rfc3339(json_string_value(json_object_get(ctx, "timestamp")), &in.time_ms, &e),
        0);
    if (json_is_true(json_object_get(ctx, "normalize")))
        in.flags |= SIGV4_NORMALIZE_PATH;
    if (json_is_true(json_object_get(ctx, "sign_body")))
        in.flags |= SIGV4_CONTENT_SHA256;
    if (json_is_true(json_object_get(ctx, "omit_session_token")))
        in.flags |= SIGV4_OMIT_SESSION_TOKEN;
    ok = run_suite2_mode(dir, name, &in, 0);
    if (run_suite2_mode(dir, name, &in, 1))
        (*presign_passed)++;
    raw_req_release(&r);
out:
    json_decref(ctx);
    free(req);
    return ok;
}

static void test_suite_v4(void **state)
{
    char root[4096];
    size_t n, passed = 0, presign_passed = 0;

    (void)state;
    ref_path(root, sizeof(root), "aws-signing-test-suite-v4");
    n = find_files(root, "/context.json");
    assert_true(n >= 38);
    for (size_t i = 0; i < n; i++) {
        char *dir = strdup(found[i]), *name;
        assert_non_null(dir);
        *strrchr(dir, '/') = '\0';
        name = strrchr(dir, '/') + 1;
        if (run_suite2_case(dir, name, &presign_passed))
            passed++;
        else
            printf("FAILED sigv4 v4 suite case %s (header signing)\n", name);
        free(dir);
    }
    printf("sigv4 suite (aws-signing-test-suite-v4, header): %zu/%zu cases passed\n", passed, n);
    printf("sigv4 suite (aws-signing-test-suite-v4, presigned query): %zu/%zu cases passed\n",
           presign_passed, n);
    free_found();
    assert_int_equal(passed, n);
    assert_int_equal(presign_passed, n);
}

static json_t *load_ref_json(const char *rel)
{
    char p[4096];
    json_error_t jerr;
    json_t *j = json_load_file(ref_path(p, sizeof(p), rel), 0, &jerr);

    if (j == NULL)
        printf("cannot load %s: %s line %d\n", p, jerr.text, jerr.line);
    assert_non_null(j);
    return j;
}

static void test_derived_vectors(void **state)
{
    json_t *root = load_ref_json("aws-sigv4-derived-vectors.json"), *v;
    size_t i, passed = 0, n;

    (void)state;
    n = json_array_size(json_object_get(root, "vectors"));
    assert_int_equal(n, 7);
    json_array_foreach(json_object_get(root, "vectors"), i, v)
    {
        struct raw_req r;
        struct sigv4_input in = {0};
        struct sigv4_result out;
        struct err e = ERR_INIT;
        const char *name = json_string_value(json_object_get(v, "name")), *k;
        const char *service = json_string_value(json_object_get(v, "service"));
        char host[256], path[1024], query[1024];
        json_t *hv;
        int ok;

        memset(&r, 0, sizeof(r));
        /* the URL is split the way aws_sign_prepare splits it before each attempt */
        assert_int_equal(sigv4_split_url(json_string_value(json_object_get(v, "url")), host,
                                         sizeof(host), path, sizeof(path), query, sizeof(query),
                                         &e),
                         0);
        assert_string_equal(host,
                            json_string_value(json_object_get(
                                json_object_get(v, "request_headers_before_signing"), "Host")));
        r.path = strdup(path);
        r.query = strdup(query);
        json_object_foreach(json_object_get(v, "request_headers_before_signing"), k, hv)
        {
            hset(&r.h, k, json_string_value(hv));
        }
        in.method = json_string_value(json_object_get(v, "method"));
        in.path = r.path;
        in.query = r.query;
        in.headers = &r.h;
        in.body = json_string_value(json_object_get(v, "body"));
        in.body_len = json_string_length(json_object_get(v, "body"));
        in.access_key_id = json_string_value(json_object_get(root, "access_key_id"));
        in.secret_access_key = json_string_value(json_object_get(root, "secret_access_key"));
        in.session_token = json_string_value(json_object_get(v, "session_token"));
        in.region = json_string_value(json_object_get(v, "region"));
        in.service = service;
        in.time_ms = SUITE_TIME_MS;
        in.flags = strcmp(service, "s3") == 0 ? SIGV4_FLAGS_S3 : SIGV4_FLAGS_DEFAULT;
        assert_int_equal(sigv4_sign(&out, &in, &e), 0);
        ok = same("canonical request", name, buf_cstr(&out.canonical_request),
                  json_string_value(json_object_get(v, "canonical_request"))) &
             same("string to sign", name, buf_cstr(&out.string_to_sign),
                  json_string_value(json_object_get(v, "string_to_sign"))) &
             same("authorization", name, buf_cstr(&out.authorization),
                  json_string_value(json_object_get(v, "authorization")));
        if (ok)
            passed++;
        sigv4_result_release(&out);
        raw_req_release(&r);
    }
    printf("sigv4 derived project vectors: %zu/%zu passed\n", passed, n);
    json_decref(root);
    assert_int_equal(passed, n);
}

static void unhex(const char *hex, unsigned char *out, size_t *len)
{
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned int b;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
        out[i] = (unsigned char)b;
    }
    *len = n;
}

static void test_crypto_vectors(void **state)
{
    json_t *root = load_ref_json("vectors.json"), *v;
    size_t i;

    (void)state;
    json_array_foreach(json_object_get(root, "sha256"), i, v)
    {
        char hex[CRYPTO_SHA256_HEX_LEN];
        json_t *rep = json_object_get(v, "message_repeat");
        if (rep) {
            size_t count = (size_t)json_integer_value(json_object_get(rep, "count"));
            char *m = malloc(count);
            assert_non_null(m);
            memset(m, json_string_value(json_object_get(rep, "byte_ascii"))[0], count);
            assert_int_equal(crypto_sha256_hex(hex, m, count), 0);
            free(m);
        } else {
            const char *m = json_string_value(json_object_get(v, "message_ascii"));
            assert_int_equal(crypto_sha256_hex(hex, m, strlen(m)), 0);
        }
        assert_string_equal(hex, json_string_value(json_object_get(v, "digest_hex")));
    }
    json_array_foreach(json_object_get(root, "hmac_sha256_rfc4231"), i, v)
    {
        unsigned char key[256], data[256], mac[CRYPTO_SHA256_LEN];
        size_t kl, dl;
        char hex[CRYPTO_SHA256_HEX_LEN];
        unhex(json_string_value(json_object_get(v, "key_hex")), key, &kl);
        unhex(json_string_value(json_object_get(v, "data_hex")), data, &dl);
        assert_int_equal(crypto_hmac_sha256(mac, key, kl, data, dl), 0);
        crypto_hex(hex, mac, sizeof(mac));
        assert_string_equal(hex, json_string_value(json_object_get(v, "hmac_sha256_hex")));
    }
    json_array_foreach(json_object_get(root, "aws_sigv4_signing_key"), i, v)
    {
        unsigned char k[32];
        char hex[65];
        assert_int_equal(
            sigv4_signing_key(k, json_string_value(json_object_get(v, "secret_access_key")),
                              json_string_value(json_object_get(v, "date")),
                              json_string_value(json_object_get(v, "region")),
                              json_string_value(json_object_get(v, "service"))),
            0);
        crypto_hex(hex, k, sizeof(k));
        assert_string_equal(hex, json_string_value(json_object_get(v, "kSigning_hex")));
    }
    json_decref(root);
}

static void test_iam_example(void **state)
{
    json_t *root = load_ref_json("vectors.json");
    json_t *v = json_object_get(root, "aws_sigv4_iam_listusers_example");
    struct raw_req r;
    struct sigv4_input in = {0};
    struct sigv4_result out;
    struct err e = ERR_INIT;

    (void)state;
    memset(&r, 0, sizeof(r));
    hset(&r.h, "Host", "iam.amazonaws.com");
    hset(&r.h, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    hset(&r.h, "X-Amz-Date", "20150830T123600Z");
    in.method = "GET";
    in.path = "/";
    in.query = "Action=ListUsers&Version=2010-05-08";
    in.headers = &r.h;
    in.access_key_id = AKID;
    in.secret_access_key = SECRET;
    in.region = "us-east-1";
    in.service = "iam";
    in.time_ms = SUITE_TIME_MS;
    in.flags = SIGV4_FLAGS_DEFAULT;
    assert_int_equal(sigv4_sign(&out, &in, &e), 0);
    assert_string_equal(buf_cstr(&out.canonical_request),
                        json_string_value(json_object_get(v, "canonical_request")));
    assert_string_equal(buf_cstr(&out.string_to_sign),
                        json_string_value(json_object_get(v, "string_to_sign")));
    assert_string_equal(buf_cstr(&out.authorization),
                        json_string_value(json_object_get(v, "authorization")));
    assert_int_equal(out.n_add, 2);
    assert_string_equal(out.add_name[0], "X-Amz-Date");
    assert_string_equal(out.add_value[0], "20150830T123600Z");
    assert_string_equal(out.add_name[1], "Authorization");
    sigv4_result_release(&out);
    raw_req_release(&r);
    json_decref(root);
}

/* "AWS4-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=.." (the S3 docs' spacing) compared
 * with ours, which puts a space after each comma like botocore and the suites. */
static void assert_same_authz(const char *ours, const char *docs)
{
    char *a = strdup(ours);
    size_t j = 0;
    assert_non_null(a);
    for (size_t i = 0; a[i]; i++)
        if (!(a[i] == ' ' && i > 0 && a[i - 1] == ','))
            a[j++] = a[i];
    a[j] = '\0';
    assert_string_equal(a, docs);
    free(a);
}

static void test_s3_examples(void **state)
{
    json_t *root = load_ref_json("vectors.json");
    json_t *s3 = json_object_get(root, "aws_s3_sigv4_examples"), *v;
    size_t i;
    int64_t t;
    struct err e = ERR_INIT;

    (void)state;
    assert_int_equal(time_parse_rfc3339("2013-05-24T00:00:00Z", &t, &e), 0);
    json_array_foreach(json_object_get(s3, "examples"), i, v)
    {
        const char *http = json_string_value(json_object_get(v, "http_request"));
        struct raw_req r;
        struct sigv4_input in = {0};
        struct sigv4_result out;
        int presign = strncmp(http, "GET https://", 12) == 0;

        memset(&r, 0, sizeof(r));
        if (presign) {
            const char *sp = strchr(http + 4, ' ') ? strchr(http + 4, ' ') : http + strlen(http);
            char *url = dupn(http + 4, (size_t)(sp - http - 4));
            char *qm = strchr(url, '?');
            char host[128], path[128], query[16];
            *qm = '\0'; /* the example's query is the expected output, not input */
            assert_int_equal(sigv4_split_url(url, host, sizeof(host), path, sizeof(path), query,
                                             sizeof(query), &e),
                             0);
            free(url);
            r.path = strdup(path);
            r.method = strdup("GET");
            hset(&r.h, "Host", host);
            in.payload_hash = "UNSIGNED-PAYLOAD";
            in.flags = SIGV4_S3_PATH | SIGV4_PRESIGN;
            in.expires_s = 86400;
        } else {
            /* the doc examples write "Name: value"; the canonical form trims the blank */
            assert_int_equal(raw_req_parse(&r, http), 0);
            in.flags = SIGV4_FLAGS_S3;
        }
        in.method = r.method;
        in.path = r.path;
        in.query = r.query;
        in.headers = &r.h;
        in.body = r.body;
        in.body_len = r.body_len;
        in.access_key_id = json_string_value(json_object_get(s3, "access_key_id"));
        in.secret_access_key = json_string_value(json_object_get(s3, "secret_access_key"));
        in.region = "us-east-1";
        in.service = "s3";
        in.time_ms = t;
        assert_int_equal(sigv4_sign(&out, &in, &e), 0);
        assert_string_equal(buf_cstr(&out.canonical_request),
                            json_string_value(json_object_get(v, "canonical_request")));
        assert_string_equal(buf_cstr(&out.string_to_sign),
                            json_string_value(json_object_get(v, "string_to_sign")));
        assert_string_equal(out.signature, json_string_value(json_object_get(v, "signature_hex")));
        if (!presign)
            assert_same_authz(buf_cstr(&out.authorization),
                              json_string_value(json_object_get(v, "authorization")));
        sigv4_result_release(&out);
        raw_req_release(&r);
    }
    json_decref(root);
}

static void split_is(const char *url, const char *host, const char *path, const char *query)
{
    char h[64], p[64], q[64];
    struct err e = ERR_INIT;

    assert_int_equal(sigv4_split_url(url, h, sizeof(h), p, sizeof(p), q, sizeof(q), &e), 0);
    assert_string_equal(h, host);
    assert_string_equal(p, path);
    assert_string_equal(q, query);
}

static void test_split_url(void **state)
{
    char h[64], p[64], q[64];
    struct err e = ERR_INIT;

    (void)state;
    split_is("https://sts.amazonaws.com", "sts.amazonaws.com", "/", "");
    split_is("https://sts.amazonaws.com:443/", "sts.amazonaws.com", "/", "");
    split_is("http://127.0.0.1:4566/?list-type=2&prefix=a%2F", "127.0.0.1:4566", "/",
             "list-type=2&prefix=a%2F");
    split_is("http://localhost:80/a%20b?x#frag", "localhost", "/a%20b", "x");
    split_is("https://h:8443?q=1", "h:8443", "/", "q=1");
    assert_int_equal(sigv4_split_url("ftp://h/", h, 64, p, 64, q, 64, &e), -1);
    assert_int_equal(e.code, ERR_USAGE);
    e = (struct err)ERR_INIT;
    assert_int_equal(sigv4_split_url("https://user:pw@h/", h, 64, p, 64, q, 64, &e), -1);
    e = (struct err)ERR_INIT;
    assert_int_equal(sigv4_split_url("https://h/0123456789012345678901234567890123456789012345678"
                                     "901234567890123456789",
                                     h, 64, p, 64, q, 64, &e),
                     -1);
}

static void test_bad_input(void **state)
{
    struct sigv4_input in = {0};
    struct sigv4_result out;
    struct err e = ERR_INIT;

    (void)state;
    in.method = "GET";
    in.path = "/";
    in.access_key_id = AKID;
    in.region = "us-east-1";
    in.service = "sts";
    assert_int_equal(sigv4_sign(&out, &in, &e), -1);
    assert_int_equal(e.code, ERR_USAGE);
    assert_non_null(strstr(e.msg, "secret access key"));
    sigv4_result_release(&out);
}

/* Odd paths and queries: no crash, and each either signs or fails with a message. */
static void test_odd_inputs(void **state)
{
    static const char *const paths[] = {"",         "%",         "%G1/%4", "/../../..", "//./..//",
                                        "/a b/%2F", "/\xff\xfe", "/.",     "/.."};
    static const char *const queries[] = {"",      "&&&",   "=",     "a=%",   "a=%zz&b",
                                          "=x&=y", "%00=1", "a=b=c", "x&x&x="};
    (void)state;
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        for (size_t j = 0; j < sizeof(queries) / sizeof(queries[0]); j++) {
            for (unsigned flags = 0; flags < 32; flags++) {
                struct sigv4_input in = {0};
                struct sigv4_result out;
                struct err e = ERR_INIT;
                in.method = "GET";
                in.path = paths[i];
                in.query = queries[j];
                in.access_key_id = AKID;
                in.secret_access_key = SECRET;
                in.region = "us-east-1";
                in.service = "s3";
                in.time_ms = SUITE_TIME_MS;
                in.flags = flags;
                in.expires_s = 60;
                if (sigv4_sign(&out, &in, &e) == 0)
                    assert_int_equal(strlen(out.signature), 64);
                else
                    assert_true(e.msg[0] != '\0');
                sigv4_result_release(&out);
            }
        }
    }
}

static void test_no_secret_in_output(void **state)
{
    struct raw_req r;
    struct sigv4_input in = {0};
    struct sigv4_result out;
    struct err e = ERR_INIT;

    (void)state;
    memset(&r, 0, sizeof(r));
    hset(&r.h, "Host", "sts.us-east-1.amazonaws.com");
    in.method = "POST";
    in.path = "/";
    in.headers = &r.h;
    in.body = "Action=GetCallerIdentity&Version=2011-06-15";
    in.body_len = strlen(in.body);
    in.access_key_id = AKID;
    in.secret_access_key = SECRET;
    in.session_token = "TOKEN123";
    in.region = "us-east-1";
    in.service = "sts";
    in.time_ms = SUITE_TIME_MS;
    assert_int_equal(sigv4_sign(&out, &in, &e), 0);
    assert_null(strstr(buf_cstr(&out.canonical_request), SECRET));
    assert_null(strstr(buf_cstr(&out.authorization), SECRET));
    assert_int_equal(out.n_add, 3);
    assert_string_equal(out.add_name[1], "X-Amz-Security-Token");
    assert_string_equal(out.add_value[1], "TOKEN123");
    assert_non_null(strstr(buf_cstr(&out.signed_headers), "x-amz-security-token"));
    sigv4_result_release(&out);
    raw_req_release(&r);
}

static int find_shared(void)
{
    const char *env = getenv("PIPETOP_SHARED");
    struct stat st;
    int n = snprintf(shared_dir, sizeof(shared_dir), "%s", env && *env ? env : "../shared");

    if (n < 0 || (size_t)n >= sizeof(shared_dir) || stat(shared_dir, &st) != 0) {
        fprintf(stderr, "test_sigv4: shared reference folder %s not found (set PIPETOP_SHARED)\n",
                shared_dir);
        return -1;
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suite_classic),   cmocka_unit_test(test_suite_v4),
        cmocka_unit_test(test_derived_vectors), cmocka_unit_test(test_crypto_vectors),
        cmocka_unit_test(test_iam_example),     cmocka_unit_test(test_s3_examples),
        cmocka_unit_test(test_split_url),       cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_odd_inputs),      cmocka_unit_test(test_no_secret_in_output),
    };
    if (find_shared() != 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
