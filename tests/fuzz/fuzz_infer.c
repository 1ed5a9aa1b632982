/* Fuzz target: DynamoDB JSON export data ({"Item":{...}} per line, plain or gzip) through the
 * streaming reader into schema inference, then the RAW schema (and each accepted line validated
 * against it), the FLAT schema with its SQL, and the bq/terraform outputs. Oracles besides the
 * sanitizers: every line inference accepted loads into the inferred RAW schema; the same bytes
 * fed in small pieces give the same result (or error) as fed whole; plain input gzipped here (the
 * .json.gz path) gives the same result as the plain text; the drift of the inferred schema
 * against itself is empty. */
#include "tests/fuzz/fuzz.h"

#include "core/infer.h"
#include "core/infer_drift.h"
#include "core/model.h"
#include "core/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define FUZZ_MAX_LINES 4096

struct ctx {
    struct infer in;
    char *lines[FUZZ_MAX_LINES]; /* the lines inference accepted (kept for validation) */
    size_t lens[FUZZ_MAX_LINES];
    size_t n_lines;
    int64_t rejected; /* lines infer_add_line refused */
};

static int on_line(void *vctx, const char *line, size_t len, int64_t lineno, struct err *e)
{
    struct ctx *c = vctx;
    char where[64];
    struct err le = ERR_INIT;
    int64_t items = c->in.items;

    (void)e;
    snprintf(where, sizeof(where), "fuzz line %lld", (long long)lineno);
    if (infer_add_line(&c->in, line, len, where, &le) != 0) {
        c->rejected++; /* a bad line ends nothing here: the next lines are tried too */
        return 0;
    }
    if (c->in.items > items && c->n_lines < FUZZ_MAX_LINES) { /* not a blank line */
        char *copy = malloc(len + 1);
        if (copy != NULL) {
            memcpy(copy, line, len);
            copy[len] = '\0';
            c->lines[c->n_lines] = copy;
            c->lens[c->n_lines++] = len;
        }
    }
    return 0;
}

static void ctx_release(struct ctx *c)
{
    for (size_t i = 0; i < c->n_lines; i++)
        free(c->lines[i]);
    infer_release(&c->in);
}

/* Reads data through one reader in pieces of step bytes (0: all at once). 0 or -1. */
static int read_all(struct ctx *c, const uint8_t *data, size_t size, size_t step)
{
    struct infer_reader *r = NULL;
    struct err e = ERR_INIT;
    int rc = 0;

    memset(c, 0, sizeof(*c));
    infer_init(&c->in);
    if (infer_reader_new(&r, "fuzz", on_line, c, &e) != 0)
        return -1;
    for (size_t off = 0; off < size && rc == 0;) {
        size_t n = step == 0 || size - off < step ? size - off : step;
        rc = infer_reader_feed(r, data + off, n, &e) < 0 ? -1 : 0;
        off += n;
    }
    if (rc == 0)
        rc = infer_reader_finish(r, &e);
    infer_reader_free(r);
    return rc;
}

/* gzip of data (one member), or NULL. */
static unsigned char *gzip(const uint8_t *data, size_t size, size_t *out_len)
{
    z_stream z;
    uLong cap;
    unsigned char *out;

    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    cap = deflateBound(&z, (uLong)size) + 32;
    out = malloc(cap);
    if (out == NULL) {
        deflateEnd(&z);
        return NULL;
    }
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)size;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
        deflateEnd(&z);
        free(out);
        return NULL;
    }
    *out_len = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

static char *raw_json(const struct infer *in)
{
    struct schema_field *raw = NULL;
    size_t n = 0;
    char *text = NULL;
    struct err e = ERR_INIT;

    if (infer_raw_schema(in, &raw, &n, &e) != 0)
        return NULL;
    if (infer_out_bq_json(raw, n, &text, &e) != 0)
        text = NULL;
    schema_fields_free(raw, n);
    return text;
}

/* The two results must agree: same counts and the same RAW schema. */
static void same(const struct ctx *a, const struct ctx *b, const char *how)
{
    char *ja = raw_json(&a->in), *jb = raw_json(&b->in);

    if (a->in.items != b->in.items || a->rejected != b->rejected || (ja == NULL) != (jb == NULL) ||
        (ja != NULL && strcmp(ja, jb) != 0)) {
        fprintf(stderr, "fuzz_infer: %s differs: items %lld/%lld rejected %lld/%lld\n", how,
                (long long)a->in.items, (long long)b->in.items, (long long)a->rejected,
                (long long)b->rejected);
        abort();
    }
    free(ja);
    free(jb);
}

static void schemas(struct ctx *c)
{
    struct schema_field *raw = NULL;
    size_t n_raw = 0;
    struct err e = ERR_INIT;
    char *text = NULL;

    if (infer_raw_schema(&c->in, &raw, &n_raw, &e) != 0)
        return;
    for (size_t i = 0; i < c->n_lines; i++) {
        struct err ve = ERR_INIT;
        if (infer_validate_line(raw, n_raw, c->lines[i], c->lens[i], &ve) != 0) {
            fprintf(stderr,
                    "fuzz_infer: an accepted line does not load into the inferred "
                    "schema: %s\n",
                    ve.msg);
            abort();
        }
    }
    if (infer_out_bq_json(raw, n_raw, &text, &e) == 0)
        free(text);
    text = NULL;
    if (infer_out_terraform(raw, n_raw, "raw.items", &text, &e) == 0)
        free(text);

    struct drift d;
    memset(&d, 0, sizeof(d));
    e = (struct err)ERR_INIT;
    if (drift_compute(raw, n_raw, raw, n_raw, &d, &e) == 0) {
        if (d.n_new != 0 || d.n_changed != 0 || d.n_added != 0) {
            fprintf(stderr,
                    "fuzz_infer: the inferred schema drifts from itself (%d new, %d "
                    "changed)\n",
                    d.n_new, d.n_changed);
            abort();
        }
        drift_release(&d);
    }

    /* The flat schema: the first attribute name seen as the key, timestamps detected. */
    struct infer_opts o = {0};
    struct infer_flat flat = {0};
    const char *keys[1];
    if (c->in.item.n_attrs > 0) {
        keys[0] = c->in.item.attrs[0].name;
        o.keys = keys;
        o.n_keys = 1;
    }
    o.detect_timestamps = true;
    e = (struct err)ERR_INIT;
    if (infer_flat_schema(&c->in, &o, &flat, &e) == 0) {
        struct schema_field *ff = calloc(flat.n ? flat.n : 1, sizeof(*ff));
        text = NULL;
        if (infer_out_sql(&flat, "mart.items", "raw.items", &text, &e) == 0)
            free(text);
        if (ff != NULL) {
            for (size_t i = 0; i < flat.n; i++)
                ff[i] = flat.cols[i].field;
            text = NULL;
            if (infer_out_bq_json(ff, flat.n, &text, &e) == 0)
                free(text);
            free(ff);
        }
    }
    infer_flat_release(&flat);
    schema_fields_free(raw, n_raw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ctx whole, pieces;
    int rc_whole, rc_pieces;

    rc_whole = read_all(&whole, data, size, 0);
    rc_pieces = read_all(&pieces, data, size, 7);
    if (rc_whole != rc_pieces) {
        fprintf(stderr, "fuzz_infer: fed whole %d, in pieces %d\n", rc_whole, rc_pieces);
        abort();
    }
    if (rc_whole == 0) /* after an error the items read so far depend on where it was met */
        same(&whole, &pieces, "fed in pieces");
    ctx_release(&pieces);
    schemas(&whole);

    /* Plain text gzipped here must read as the same items (the .json.gz path). */
    if (rc_whole == 0 && !(size >= 2 && data[0] == 0x1f && data[1] == 0x8b)) {
        size_t zlen = 0;
        unsigned char *z = gzip(data, size, &zlen);
        if (z != NULL) {
            struct ctx gz;
            if (read_all(&gz, z, zlen, 0) != 0) {
                fprintf(stderr, "fuzz_infer: the gzipped input does not read\n");
                abort();
            }
            same(&whole, &gz, "gzipped");
            ctx_release(&gz);
            free(z);
        }
    }
    ctx_release(&whole);
    return 0;
}
