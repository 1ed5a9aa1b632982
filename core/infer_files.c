/* core/infer_files.c: feeding local export data into the inference — one file (gzip or plain,
 * read in INFER_CHUNK pieces) or a folder holding an export (manifest-files.json and data/).
 * Never reads a whole file into memory. */
#include "core/infer.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/s3.h"

struct line_ctx {
    struct infer *in;
    const char *name;
};

static int on_line(void *ctx, const char *line, size_t len, int64_t lineno, struct err *e)
{
    struct line_ctx *c = ctx;
    char where[320];

    snprintf(where, sizeof(where), "%s line %lld", c->name, (long long)lineno);
    if (infer_add_line(c->in, line, len, where, e))
        return -1;
    return infer_done(c->in) ? 1 : 0;
}

int infer_add_file(struct infer *in, const char *path, struct err *e)
{
    struct infer_reader *r = NULL;
    struct line_ctx c = {in, path};
    unsigned char *chunk = NULL;
    FILE *f;
    int rc = -1;

    if (infer_done(in))
        return 0;
    if ((f = fopen(path, "rb")) == NULL)
        return err_set(e, ERR_IO, "cannot open %s: %s", path, strerror(errno));
    if ((chunk = malloc(INFER_CHUNK)) == NULL) {
        err_set(e, ERR_NOMEM, "out of memory reading %s", path);
        goto out;
    }
    if (infer_reader_new(&r, path, on_line, &c, e))
        goto out;
    for (;;) {
        size_t n = fread(chunk, 1, INFER_CHUNK, f);
        if (n == 0) {
            if (ferror(f)) {
                err_set(e, ERR_IO, "cannot read %s: %s", path, strerror(errno));
                goto out;
            }
            break;
        }
        int fr = infer_reader_feed(r, chunk, n, e);
        if (fr < 0)
            goto out;
        if (fr > 0)
            break;
    }
    rc = infer_reader_finish(r, e);
out:
    infer_reader_free(r);
    free(chunk);
    fclose(f);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool data_name(const char *n)
{
    size_t l = strlen(n);
    return (l > 5 && strcmp(n + l - 5, ".json") == 0) ||
           (l > 8 && strcmp(n + l - 8, ".json.gz") == 0);
}

/* Every export data file of dir (not the manifests), sorted, each read in turn. */
static int add_listing(struct infer *in, const char *dir, struct err *e)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL, path[4096];
    size_t n = 0, cap = 0;
    int rc = 0;

    if (d == NULL)
        return errno == ENOENT ? 0 : err_set(e, ERR_IO, "cannot list %s: %s", dir, strerror(errno));
    while ((de = readdir(d)) != NULL) {
        if (!data_name(de->d_name) || strncmp(de->d_name, "manifest-", 9) == 0)
            continue;
        if (n == cap) {
            char **nn = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof(*nn));
            if (nn == NULL) {
                rc = err_set(e, ERR_NOMEM, "out of memory listing %s", dir);
                goto out;
            }
            names = nn;
        }
        if ((names[n] = strdup(de->d_name)) == NULL) {
            rc = err_set(e, ERR_NOMEM, "out of memory listing %s", dir);
            goto out;
        }
        n++;
    }
    if (n > 0)
        qsort(names, n, sizeof(*names), cmp_str);
    for (size_t i = 0; i < n && rc == 0 && !infer_done(in); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        rc = infer_add_file(in, path, e);
    }
out:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

/* manifest-files.json is small (one line per data file): read whole, bounded. */
static int add_manifest(struct infer *in, const char *dir, FILE *f, struct err *e)
{
    struct buf b = BUF_INIT(64u << 20);
    struct ddb_manifest_files mf = {0};
    char chunk[8192], path[4096];
    size_t n;
    int rc = -1;

    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (buf_append(&b, chunk, n)) {
            err_set(e, ERR_IO, "%s/manifest-files.json: larger than 64 MiB or out of memory", dir);
            goto out;
        }
    if (s3_parse_manifest_files(&mf, buf_cstr(&b), b.len, e)) {
        err_prefix(e, "%s/manifest-files.json: ", dir);
        goto out;
    }
    for (size_t i = 0; i < mf.n && !infer_done(in); i++) {
        const char *k = mf.v[i].data_key ? strstr(mf.v[i].data_key, "data/") : NULL;
        if (k == NULL) {
            err_set(e, ERR_PARSE, "%s/manifest-files.json line %zu: dataFileS3Key has no data/",
                    dir, i + 1);
            goto out;
        }
        snprintf(path, sizeof(path), "%s/%s", dir, k);
        if (infer_add_file(in, path, e))
            goto out;
    }
    rc = 0;
out:
    ddb_manifest_files_release(&mf);
    buf_release(&b);
    return rc;
}

int infer_add_dir(struct infer *in, const char *dir, struct err *e)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/manifest-files.json", dir);
    if ((f = fopen(path, "rb")) != NULL) {
        int rc = add_manifest(in, dir, f, e);
        fclose(f);
        return rc;
    }
    if (add_listing(in, dir, e))
        return -1;
    snprintf(path, sizeof(path), "%s/data", dir);
    return add_listing(in, path, e);
}
