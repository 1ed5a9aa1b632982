/* core/http_redact.c: http_redact() — removes secrets from text bound for a log, the screen or
 * the history database: Authorization values (the scheme is kept), session tokens, signatures,
 * OAuth tokens, JWT assertions, client secrets, secret keys and PEM private keys, in header,
 * query/form, JSON and XML spellings. It must never leave part of a secret behind. */
#include "core/http.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define REDACTED "REDACTED"

/* Names whose values are secret. Matched case-insensitively as whole words. */
static const char *const secret_keys[] = {"Authorization",     "X-Amz-Security-Token",
                                          "X-Amz-Signature",   "access_token",
                                          "refresh_token",     "id_token",
                                          "assertion",         "client_secret",
                                          "private_key",       "SecretAccessKey",
                                          "secret_access_key", "aws_secret_access_key",
                                          "SessionToken",      "aws_session_token",
                                          "session_token",     "Token",
                                          "password",          "X-aws-ec2-metadata-token"};

static int word_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_' || ch == '-';
}

/* Length of the key matched at text[i] (with a word boundary on both sides), else 0. */
static size_t key_at(const char *text, size_t i, int *is_auth)
{
    if (i > 0 && word_char(text[i - 1]))
        return 0;
    for (size_t k = 0; k < sizeof(secret_keys) / sizeof(secret_keys[0]); k++) {
        size_t n = strlen(secret_keys[k]);
        if (strncasecmp(text + i, secret_keys[k], n) == 0 && !word_char(text[i + n])) {
            *is_auth = k == 0;
            return n;
        }
    }
    return 0;
}

/* Where an unquoted value that started at p ends. */
static const char *value_end(const char *p, int header_form, int is_auth)
{
    while (*p && *p != '\r' && *p != '\n') {
        if (!(header_form && is_auth) && strchr(" \t&,;}]<\"'", *p))
            break;
        p++;
    }
    return p;
}

/* Writes the value [v, end) redacted; Authorization keeps its scheme word ("Bearer "). */
static int put_value(struct buf *out, const char *v, const char *end, int is_auth)
{
    if (v == end)
        return 0;
    if (is_auth) {
        const char *sp = v;
        while (sp < end && (isalnum((unsigned char)*sp) || *sp == '-'))
            sp++;
        if (sp < end && sp > v && *sp == ' ') {
            if (buf_append(out, v, (size_t)(sp - v) + 1) != 0)
                return -1;
        }
    }
    return buf_puts(out, REDACTED);
}

/* A secret key at text[i]: copies the key and separator, redacts the value. Returns the number
 * of input bytes consumed, 0 when no key/value form matches here, -1 on buffer failure. */
static long redact_key(struct buf *out, const char *text, size_t i)
{
    int is_auth = 0;
    size_t n = key_at(text, i, &is_auth);
    const char *p, *v, *end;

    if (n == 0)
        return 0;
    p = text + i + n;
    if (i > 0 && text[i - 1] == '<' && *p == '>') { /* <SecretAccessKey>...</...> */
        v = p + 1;
        end = strchr(v, '<');
        end = end ? end : v + strlen(v);
    } else {
        int header_form;
        if (*p == '"')
            p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != ':' && *p != '=')
            return 0;
        header_form = *p == ':';
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '"') { /* a JSON string: up to the closing unescaped quote */
            v = ++p;
            while (*p && *p != '"')
                p += (*p == '\\' && p[1]) ? 2 : 1;
            end = p;
        } else {
            v = p;
            end = value_end(p, header_form, is_auth);
        }
    }
    if (buf_append(out, text + i, (size_t)(v - (text + i))) != 0 ||
        put_value(out, v, end, is_auth) != 0)
        return -1;
    return end - (text + i);
}

/* A PEM private key block at text[i]: keeps the BEGIN/END lines, redacts the body. */
static long redact_pem(struct buf *out, const char *text, size_t i)
{
    const char *p = text + i, *hdr_end, *end;

    if (strncmp(p, "-----BEGIN ", 11) != 0)
        return 0;
    hdr_end = strstr(p + 11, "-----");
    if (hdr_end == NULL || hdr_end - p > 80)
        return 0;
    if (!(hdr_end - p >= 11 + 11 && strncmp(hdr_end - 11, "PRIVATE KEY", 11) == 0))
        return 0;
    hdr_end += 5;
    end = strstr(hdr_end, "-----END ");
    if (end == NULL)
        end = hdr_end + strlen(hdr_end);
    if (buf_append(out, p, (size_t)(hdr_end - p)) != 0 || buf_puts(out, REDACTED) != 0)
        return -1;
    return end - p;
}

/* A bare JWT (three base64url parts, the first starting "eyJ"). */
static long redact_jwt(struct buf *out, const char *text, size_t i)
{
    const char *p = text + i;
    int dots = 0;

    if (strncmp(p, "eyJ", 3) != 0 || (i > 0 && word_char(text[i - 1])))
        return 0;
    while (isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.') {
        dots += *p == '.';
        p++;
    }
    if (dots != 2)
        return 0;
    if (buf_puts(out, REDACTED) != 0)
        return -1;
    return p - (text + i);
}

int http_redact(struct buf *out, const char *text)
{
    size_t i = 0;

    if (text == NULL)
        return 0;
    while (text[i]) {
        long used = redact_pem(out, text, i);
        if (used == 0)
            used = redact_jwt(out, text, i);
        if (used == 0 && isalpha((unsigned char)text[i]))
            used = redact_key(out, text, i);
        if (used < 0)
            return -1;
        if (used > 0) {
            i += (size_t)used;
            continue;
        }
        if (buf_putc(out, text[i]) != 0)
            return -1;
        i++;
    }
    return 0;
}
