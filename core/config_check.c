/* core/config_check.c: well-formedness checks for config values, one small function per format.
 * They look at the text only (no network, no file system) and never copy or print it. */
#include "core/config_check.h"

#include <ctype.h>
#include <string.h>

/* Every byte of v[0..n) is in the set, or a UTF-8 byte when utf8 is set. */
static int only(const char *v, size_t n, const char *set, int utf8)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (isalnum(c) || (c != '\0' && strchr(set, c) != NULL) || (utf8 && c >= 0x80))
            continue;
        return -1;
    }
    return 0;
}

static int sized(const char *v, size_t lo, size_t hi)
{
    size_t n = strlen(v);
    return n >= lo && n <= hi ? 0 : -1;
}

int check_word(const char *v)
{
    if (*v == '\0')
        return -1;
    for (const char *p = v; *p != '\0'; p++)
        if (!isgraph((unsigned char)*p))
            return -1;
    return 0;
}

int check_region(const char *v)
{
    const char *p = v;
    int parts = 0;

    if (!islower((unsigned char)p[0]) || !islower((unsigned char)p[1]) || p[2] != '-')
        return -1;
    p += 2;
    while (*p == '-') {
        p++;
        if (!isalnum((unsigned char)*p))
            return -1;
        while (islower((unsigned char)*p) || isdigit((unsigned char)*p))
            p++;
        parts++;
    }
    return *p == '\0' && parts >= 2 && isdigit((unsigned char)p[-1]) ? 0 : -1;
}

int check_rule_name(const char *v)
{
    return sized(v, 1, 64) || only(v, strlen(v), "._-", 0) ? -1 : 0;
}

int check_lambda(const char *v)
{
    if (strncmp(v, "arn:", 4) == 0)
        return strstr(v, ":lambda:") != NULL && strstr(v, ":function:") != NULL &&
                       check_word(v) == 0
                   ? 0
                   : -1;
    return sized(v, 1, 64) || only(v, strlen(v), "_-", 0) ? -1 : 0;
}

int check_ddb_table(const char *v)
{
    return sized(v, 3, 255) || only(v, strlen(v), "_.-", 0) ? -1 : 0;
}

int check_cluster(const char *v)
{
    size_t n = strlen(v);

    if (n < 1 || n > 63 || !isalpha((unsigned char)v[0]) || v[n - 1] == '-' ||
        strstr(v, "--") != NULL)
        return -1;
    return only(v, n, "-", 0);
}

int check_project(const char *v)
{
    const char *colon = strrchr(v, ':');
    const char *id = colon != NULL ? colon + 1 : v;
    size_t n = strlen(id);

    if (colon != NULL && (colon == v || only(v, (size_t)(colon - v), ".-", 0)))
        return -1;
    if (n < 6 || n > 30 || !islower((unsigned char)id[0]) || id[n - 1] == '-')
        return -1;
    for (const char *p = id; *p != '\0'; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
            return -1;
    return 0;
}

int check_location(const char *v)
{
    if (sized(v, 2, 64) || !islower((unsigned char)v[0]))
        return -1;
    for (const char *p = v; *p != '\0'; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
            return -1;
    return 0;
}

int check_dataset(const char *v)
{
    return sized(v, 1, 1024) || only(v, strlen(v), "_", 0) ? -1 : 0;
}

int check_file_path(const char *v)
{
    if (*v == '\0' || *v == '{' || *v == '"')
        return -1;
    for (const char *p = v; *p != '\0'; p++)
        if (iscntrl((unsigned char)*p))
            return -1;
    return 0;
}

/* A port: 1 to 5 digits. */
static int digits_only(const char *p, size_t n)
{
    if (n == 0 || n > 5)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)p[i]))
            return -1;
    return 0;
}

/* localhost, [::1], or an IPv4 address 127.a.b.c with numeric parts. */
static int loopback_host(const char *h, size_t n)
{
    int dots = 0;

    if ((n == 9 && strncmp(h, "localhost", 9) == 0) || (n == 5 && strncmp(h, "[::1]", 5) == 0))
        return 1;
    if (n < 9 || strncmp(h, "127.", 4) != 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (h[i] == '.' && (i == n - 1 || h[i + 1] == '.'))
            return 0;
        if (h[i] == '.')
            dots++;
        else if (!isdigit((unsigned char)h[i]))
            return 0;
    }
    return dots == 3;
}

int check_url(const char *v)
{
    int plain = strncmp(v, "http://", 7) == 0;
    const char *host;
    size_t n;

    if (!plain && strncmp(v, "https://", 8) != 0)
        return -1;
    if (check_word(v))
        return -1;
    host = v + (plain ? 7 : 8);
    n = strcspn(host, "/?#");
    if (host[0] == '[') {
        const char *close = memchr(host, ']', n);
        if (close == NULL)
            return -1;
        size_t hn = (size_t)(close - host) + 1;
        if (plain && !loopback_host(host, hn))
            return -1;
        return hn == n || (host[hn] == ':' && digits_only(host + hn + 1, n - hn - 1) == 0) ? 0 : -1;
    }
    size_t hn = strcspn(host, ":/?#");
    if (hn == 0 || only(host, hn, ".-", 0))
        return -1;
    if (host[hn] == ':' && digits_only(host + hn + 1, n - hn - 1))
        return -1;
    return plain && !loopback_host(host, hn) ? -1 : 0;
}

int check_hhmm(const char *v, int *minutes)
{
    if (strlen(v) != 5 || !isdigit((unsigned char)v[0]) || !isdigit((unsigned char)v[1]) ||
        v[2] != ':' || !isdigit((unsigned char)v[3]) || !isdigit((unsigned char)v[4]))
        return -1;
    int h = (v[0] - '0') * 10 + (v[1] - '0'), m = (v[3] - '0') * 10 + (v[4] - '0');
    if (h > 23 || m > 59)
        return -1;
    *minutes = h * 60 + m;
    return 0;
}

int check_pipeline_name(const char *v)
{
    return sized(v, 1, 64) || only(v, strlen(v), "_.-", 1) ? -1 : 0;
}

int check_dts_config(const char *v)
{
    const char *id = v;

    if (strncmp(v, "projects/", 9) == 0) {
        const char *loc = strstr(v, "/locations/"), *tc = strstr(v, "/transferConfigs/");
        if (loc == NULL || tc == NULL || loc == v + 8 || tc <= loc + 11 ||
            only(v + 9, (size_t)(loc - v - 9), "-", 0) ||
            only(loc + 11, (size_t)(tc - loc - 11), "-", 0))
            return -1;
        id = tc + 17;
    }
    return sized(id, 1, 128) || only(id, strlen(id), "-_", 0) ? -1 : 0;
}

int check_bq_table(const char *v)
{
    const char *d1 = strchr(v, '.');
    const char *d2 = d1 != NULL ? strchr(d1 + 1, '.') : NULL;
    const char *ds = v, *tab;

    if (d1 == NULL)
        return -1;
    if (d2 != NULL) { /* project.dataset.table */
        if (d1 == v || only(v, (size_t)(d1 - v), "-:", 0))
            return -1;
        ds = d1 + 1;
        d1 = d2;
    }
    tab = d1 + 1;
    if (d1 == ds || only(ds, (size_t)(d1 - ds), "_", 0))
        return -1;
    return sized(tab, 1, 1024) || only(tab, strlen(tab), "_-$", 1) ? -1 : 0;
}

int check_source(const char *v, enum source_kind *kind, const char **name_at, size_t *name_len,
                 const char **table_at)
{
    char name[64];
    const char *slash;

    *table_at = NULL;
    if (strncmp(v, "dynamodb:", 9) == 0) {
        *kind = SOURCE_DYNAMODB;
        *name_at = v + 9;
        *name_len = strlen(v + 9);
        return check_ddb_table(v + 9);
    }
    if (strncmp(v, "aurora:", 7) != 0)
        return -1;
    *kind = SOURCE_AURORA;
    *name_at = v + 7;
    slash = strchr(v + 7, '/');
    *name_len = slash != NULL ? (size_t)(slash - v - 7) : strlen(v + 7);
    if (*name_len >= sizeof(name))
        return -1;
    memcpy(name, v + 7, *name_len);
    name[*name_len] = '\0';
    if (check_cluster(name))
        return -1;
    if (slash != NULL) {
        *table_at = slash + 1;
        if (sized(slash + 1, 1, 128) || only(slash + 1, strlen(slash + 1), "_.$", 1))
            return -1;
    }
    return 0;
}

int check_s3_uri(const char *v, size_t *bucket_len, const char **prefix_at)
{
    const char *b = v + 5, *slash;
    size_t n;

    if (strncmp(v, "s3://", 5) != 0)
        return -1;
    slash = strchr(b, '/');
    n = slash != NULL ? (size_t)(slash - b) : strlen(b);
    if (n < 3 || n > 63 || !isalnum((unsigned char)b[0]) || !isalnum((unsigned char)b[n - 1]))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)b[i]) || isdigit((unsigned char)b[i]) || b[i] == '.' ||
              b[i] == '-'))
            return -1;
    *bucket_len = n;
    *prefix_at = slash != NULL ? slash + 1 : b + n;
    return check_word(v);
}
