/* tests/unit/test_infer.c: schema inference from DynamoDB export data — golden raw/flat outputs
 * for every descriptor, nested maps and lists, sets, NULLs, numbers past INT64 and two-type
 * attributes (tests/data/infer); local folders and bad input; a property test (random items
 * always validate against the schema inferred from them); and bounded memory over a large
 * generated gzip stream fed through the inflate path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <zlib.h>

#include "core/buf.h"
#include "core/infer.h"
#include "core/infer_drift.h"
#include "core/schema.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct buf b = BUF_INIT(16u << 20);
    char chunk[4096];
    size_t n;

    if (f == NULL)
        fail_msg("cannot open %s", path);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        assert_int_equal(buf_append(&b, chunk, n), 0);
    fclose(f);
    return buf_detach(&b);
}

static void golden(const char *got, const char *path)
{
    char *want = slurp(path);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "---- got\n%s---- want (%s)\n%s", got, path, want);
        fail_msg("output differs from %s", path);
    }
    free(want);
}

static void raw_json(struct infer *in, char **out)
{
    struct schema_field *f;
    size_t n;
    struct err e = ERR_INIT;

    assert_int_equal(infer_raw_schema(in, &f, &n, &e), 0);
    assert_int_equal(infer_out_bq_json(f, n, out, &e), 0);
    schema_fields_free(f, n);
}

static void flat_sql(struct infer *in, const char *key, const char *ts, char **out,
                     size_t *n_conflicts)
{
    const char *keys[1] = {key}, *tss[1] = {ts};
    struct infer_opts o = {keys, 1, tss, ts ? 1 : 0, true, NULL, 0};
    struct infer_flat fl;
    struct err e = ERR_INIT;

    assert_int_equal(infer_flat_schema(in, &o, &fl, &e), 0);
    assert_int_equal(infer_out_sql(&fl, "mart.t", "raw.t", out, &e), 0);
    *n_conflicts = fl.n_conflicts;
    infer_flat_release(&fl);
}

static void test_golden_all_types(void **state)
{
    struct infer in;
    struct err e = ERR_INIT;
    char *raw, *sql;
    size_t nc;

    (void)state;
    infer_init(&in);
    assert_int_equal(infer_add_file(&in, "tests/data/infer/all_types.json", &e), 0);
    assert_int_equal(in.items, 4);
    raw_json(&in, &raw);
    golden(raw, "tests/data/infer/all_types.raw.json");
    flat_sql(&in, "pk", "seen_ms", &sql, &nc);
    golden(sql, "tests/data/infer/all_types.flat.sql");
    assert_int_equal(nc, 2); /* two (S|N) and shape.a (S|N) */
    assert_non_null(strstr(sql, "n_int INT64"));
    assert_non_null(strstr(sql, "n_big NUMERIC"));
    assert_non_null(strstr(sql, "n_wide BIGNUMERIC"));
    assert_non_null(strstr(sql, "n_huge FLOAT64"));
    assert_non_null(strstr(sql, "TIMESTAMP_SECONDS(SAFE_CAST(Item.created_at.N AS INT64))"));
    assert_non_null(strstr(sql, "TIMESTAMP_MILLIS(SAFE_CAST(Item.seen_ms.N AS INT64))"));
    assert_true(strncmp(strstr(sql, "(\n") + 2, "  pk STRING", 11) == 0); /* key first */
    free(raw);
    free(sql);
    infer_release(&in);
}

static void test_golden_gzip_and_folder(void **state)
{
    struct infer a, b;
    struct err e = ERR_INIT;
    char *ra, *rb, *sql;
    size_t nc;

    (void)state;
    infer_init(&a);
    infer_init(&b);
    assert_int_equal(infer_add_file(&a, "tests/data/infer/sample.json.gz", &e), 0);
    assert_int_equal(a.items, 2);
    assert_int_equal(infer_add_dir(&b, "tests/data/infer/export", &e), 0);
    assert_int_equal(b.items, 2);
    raw_json(&a, &ra);
    raw_json(&b, &rb);
    golden(ra, "tests/data/infer/sample_gz.raw.json");
    assert_string_equal(ra, rb);
    flat_sql(&a, "pk", NULL, &sql, &nc);
    golden(sql, "tests/data/infer/sample_gz.flat.sql");
    free(ra);
    free(rb);
    free(sql);
    infer_release(&a);
    infer_release(&b);
}

static void test_sample_limit(void **state)
{
    struct infer in;
    struct err e = ERR_INIT;

    (void)state;
    infer_init(&in);
    in.sample = 3;
    assert_int_equal(infer_add_file(&in, "tests/data/infer/all_types.json", &e), 0);
    assert_int_equal(in.items, 3);
    assert_true(infer_done(&in));
    infer_release(&in);
}

static void test_bad_input(void **state)
{
    struct infer in;
    struct err e = ERR_INIT;
    struct infer_reader *r;
    static const unsigned char truncated[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xab};

    (void)state;
    infer_init(&in);
    assert_int_equal(infer_add_file(&in, "tests/data/infer/bad_descriptor.json", &e), -1);
    assert_int_equal(e.code, ERR_PARSE);
    assert_non_null(strstr(e.msg, "line 2"));
    assert_non_null(strstr(e.msg, "unknown type descriptor \"Q\""));
    err_clear(&e);
    assert_int_equal(infer_add_file(&in, "tests/data/infer/bad_json.json", &e), -1);
    assert_non_null(strstr(e.msg, "bad_json.json line 2: not JSON"));
    err_clear(&e);
    assert_int_equal(infer_add_file(&in, "tests/data/infer/missing.json", &e), -1);
    assert_int_equal(e.code, ERR_IO);
    err_clear(&e);
    const char *bad_n = "{\"Item\":{\"a\":{\"N\":\"1x\"}}}";
    assert_int_equal(infer_add_line(&in, bad_n, strlen(bad_n), "t", &e), -1);
    assert_non_null(strstr(e.msg, "is not a number"));
    err_clear(&e);
    /* Zero with a large exponent is the integer 0 (fuzz_infer found it overflowing a buffer). */
    const char *zero_e = "{\"Item\":{\"z\":{\"N\":\"0E+99999\"},\"w\":{\"N\":\"-0.000E-9\"}}}";
    struct infer z;
    infer_init(&z);
    assert_int_equal(infer_add_line(&z, zero_e, strlen(zero_e), "t", &e), 0);
    assert_int_equal(z.item.n_attrs, 2);
    for (size_t i = 0; i < z.item.n_attrs; i++) {
        const struct infer_num *num = &z.item.attrs[i].v.num;
        assert_true(num->all_int64);
        assert_int_equal(num->min, 0);
        assert_int_equal(num->max, 0);
        assert_int_equal(num->max_int_digits, 1);
    }
    infer_release(&z);
    assert_int_equal(infer_reader_new(&r, "trunc.gz", NULL, NULL, &e), 0);
    int fr = infer_reader_feed(r, truncated, sizeof(truncated), &e);
    assert_true(fr == -1 || infer_reader_finish(r, &e) == -1);
    assert_non_null(strstr(e.msg, "trunc.gz"));
    infer_reader_free(r);
    infer_release(&in);
}

/* ---- property: random items validate against the schema inferred from them. */

static uint64_t rng;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static void rand_value(struct buf *b, int depth)
{
    static const char *const names[] = {"a", "b", "c", "d", "e", "f"};
    unsigned t = rnd(depth > 2 ? 8 : 10);

    switch (t) {
    case 0:
        buf_printf(b, "{\"S\":\"s%u\"}", rnd(100));
        break;
    case 1:
        buf_printf(b, "{\"N\":\"%s%u.%u\"}", rnd(2) ? "-" : "", rnd(1000000), rnd(100));
        break;
    case 2:
        buf_puts(b, "{\"B\":\"AAE=\"}");
        break;
    case 3:
        buf_printf(b, "{\"BOOL\":%s}", rnd(2) ? "true" : "false");
        break;
    case 4:
        buf_puts(b, "{\"NULL\":true}");
        break;
    case 5:
        buf_puts(b, "{\"SS\":[\"x\",\"y\"]}");
        break;
    case 6:
        buf_puts(b, "{\"NS\":[\"1\",\"2e40\"]}");
        break;
    case 7:
        buf_puts(b, "{\"BS\":[\"AAE=\"]}");
        break;
    case 8: {
        unsigned n = rnd(4);
        buf_puts(b, "{\"M\":{");
        for (unsigned i = 0; i < n; i++) {
            buf_printf(b, "%s\"%s%u\":", i ? "," : "", names[rnd(6)], i);
            rand_value(b, depth + 1);
        }
        buf_puts(b, "}}");
        break;
    }
    default: {
        unsigned n = rnd(4);
        buf_puts(b, "{\"L\":[");
        for (unsigned i = 0; i < n; i++) {
            if (i)
                buf_putc(b, ',');
            rand_value(b, depth + 1);
        }
        buf_puts(b, "]}");
    }
    }
}

static void rand_item(struct buf *b)
{
    unsigned n = 1 + rnd(6);

    buf_reset(b);
    buf_puts(b, "{\"Item\":{");
    for (unsigned i = 0; i < n; i++) {
        buf_printf(b, "%s\"attr%u\":", i ? "," : "", rnd(8) * 10 + i);
        rand_value(b, 0);
    }
    buf_puts(b, "}}");
}

static void test_property_items_validate(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 40; seed++) {
        struct infer in;
        struct err e = ERR_INIT;
        struct buf b = BUF_INIT(1u << 20);
        struct schema_field *f;
        size_t n;

        infer_init(&in);
        rng = seed * 0x9E3779B97F4A7C15ull;
        for (int i = 0; i < 60; i++) {
            rand_item(&b);
            if (infer_add_line(&in, b.data, b.len, "gen", &e) != 0)
                fail_msg("seed %llu item %d: %s", (unsigned long long)seed, i, e.msg);
        }
        assert_int_equal(infer_raw_schema(&in, &f, &n, &e), 0);
        rng = seed * 0x9E3779B97F4A7C15ull; /* the same items again */
        for (int i = 0; i < 60; i++) {
            rand_item(&b);
            if (infer_validate_line(f, n, b.data, b.len, &e) != 0)
                fail_msg("seed %llu item %d does not load: %s", (unsigned long long)seed, i, e.msg);
        }
        /* and the validator can fail: a descriptor the data never had */
        const char *alien =
            "{\"Item\":{\"attr0\":{\"M\":{\"zz\":{\"S\":\"x\"}}},\"new\":{\"S\":\"y\"}}}";
        assert_int_equal(infer_validate_line(f, n, alien, strlen(alien), &e), -1);
        schema_fields_free(f, n);
        buf_release(&b);
        infer_release(&in);
    }
}

/* ---- bounded memory: MB of generated items, gzip'd on the fly, fed through the reader. */

static int on_line(void *ctx, const char *line, size_t len, int64_t lineno, struct err *e)
{
    (void)lineno;
    return infer_add_line(ctx, line, len, "stream", e);
}

static long maxrss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void stream_mb(struct infer *in, size_t mb)
{
    struct infer_reader *r;
    struct err e = ERR_INIT;
    z_stream z;
    static unsigned char out[INFER_CHUNK];
    char line[512];
    size_t total = 0;
    long i = 0;

    memset(&z, 0, sizeof(z));
    assert_int_equal(deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    assert_int_equal(infer_reader_new(&r, "generated.json.gz", on_line, in, &e), 0);
    for (int fin = 0; !fin;) {
        int n = snprintf(line, sizeof(line),
                         "{\"Item\":{\"id\":{\"S\":\"user-%ld\"},\"n\":{\"N\":\"%ld\"},"
                         "\"m\":{\"M\":{\"k\":{\"S\":\"v%ld\"}}},\"l\":{\"L\":[{\"N\":\"%ld\"}]},"
                         "\"pad\":{\"S\":\"%0120ld\"}}}\n",
                         i, i * 7, i % 13, i, i);
        i++;
        total += (size_t)n;
        fin = total >= mb << 20;
        z.next_in = (unsigned char *)line;
        z.avail_in = (uInt)n;
        do {
            z.next_out = out;
            z.avail_out = sizeof(out);
            deflate(&z, fin ? Z_FINISH : Z_NO_FLUSH);
            size_t have = sizeof(out) - z.avail_out;
            if (have > 0 && infer_reader_feed(r, out, have, &e) != 0)
                fail_msg("%s", e.msg);
        } while (z.avail_out == 0);
    }
    deflateEnd(&z);
    if (infer_reader_finish(r, &e) != 0)
        fail_msg("%s", e.msg);
    infer_reader_free(r);
}

static void test_bounded_memory(void **state)
{
    struct infer in;
    long after_small, after_large;
    const char *bench = getenv("INFER_BENCH_MB"); /* make bench: 1024 */
    size_t large = bench ? (size_t)strtoul(bench, NULL, 10) : 150;

    (void)state;
    infer_init(&in);
    stream_mb(&in, 50);
    after_small = maxrss_kb();
    stream_mb(&in, large);
    after_large = maxrss_kb();
    fprintf(stderr,
            "bounded memory: %lld items, peak RSS %ld KiB after 50 MB, %ld KiB after "
            "%zu MB more\n",
            (long long)in.items, after_small, after_large, large);
    assert_true(in.items > 800000);
    assert_true(after_large - after_small < 4096);
    infer_release(&in);
}

/* drift: the export has a new attribute, a new descriptor on an old one, a new nested map
 * attribute and a retyped member; the table has one attribute the export lacks. */
static void test_drift(void **state)
{
    const char *lines[] = {
        "{\"Item\":{\"id\":{\"S\":\"a\"},\"n\":{\"N\":\"1\"},\"new\":{\"SS\":[\"x\"]},"
        "\"m\":{\"M\":{\"old\":{\"S\":\"x\"},\"fresh\":{\"BOOL\":true}}},\"b\":{\"B\":\"AA==\"}}}",
        "{\"Item\":{\"id\":{\"S\":\"b\"},\"n\":{\"S\":\"one\"}}}"};
    const char *table_json =
        "[{\"name\":\"Item\",\"type\":\"RECORD\",\"fields\":["
        "{\"name\":\"id\",\"type\":\"RECORD\",\"description\":\"key\",\"fields\":[{\"name\":\"S\","
        "\"type\":\"STRING\"}]},"
        "{\"name\":\"n\",\"type\":\"RECORD\",\"fields\":[{\"name\":\"N\",\"type\":\"STRING\"}]},"
        "{\"name\":\"b\",\"type\":\"RECORD\",\"fields\":[{\"name\":\"B\",\"type\":\"STRING\"}]},"
        "{\"name\":\"m\",\"type\":\"RECORD\",\"fields\":[{\"name\":\"M\",\"type\":\"RECORD\","
        "\"fields\":[{\"name\":\"old\",\"type\":\"RECORD\",\"fields\":[{\"name\":\"S\","
        "\"type\":\"STRING\"}]}]}]},"
        "{\"name\":\"legacy\",\"type\":\"RECORD\",\"fields\":[{\"name\":\"S\",\"type\":\"STRING\"}]"
        "}]}]";
    struct infer in;
    struct err e = ERR_INIT;
    struct schema_field *raw, *tab, *after;
    size_t n_raw, n_tab, n_after;
    struct drift d, d2;
    char *json;

    (void)state;
    infer_init(&in);
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(infer_add_line(&in, lines[i], strlen(lines[i]), "t", &e), 0);
    assert_int_equal(infer_raw_schema(&in, &raw, &n_raw, &e), 0);
    assert_int_equal(schema_from_json(table_json, &tab, &n_tab, &e), 0);
    assert_int_equal(drift_compute(raw, n_raw, tab, n_tab, &d, &e), 0);
    assert_int_equal(d.n_new, 2);     /* new, m.M.fresh */
    assert_int_equal(d.n_changed, 2); /* n now also S; b.B BYTES vs STRING (not patched) */
    assert_int_equal(d.n_gone, 1);    /* legacy */
    assert_int_equal(d.n_added, 3);   /* new, m.M.fresh, n.S */
    assert_int_equal(schema_to_json(d.merged, d.n_merged, &json, &e), 0);
    assert_non_null(strstr(json, "\"name\":\"legacy\""));                 /* never removed */
    assert_non_null(strstr(json, "\"description\":\"key\""));             /* descriptions kept */
    assert_non_null(strstr(json, "{\"name\":\"B\",\"type\":\"STRING\"")); /* never retyped */
    free(json);
    /* applying the merged schema leaves only what cannot be patched */
    assert_int_equal(schema_fields_copy(&after, d.merged, d.n_merged, &e), 0);
    n_after = d.n_merged;
    assert_int_equal(drift_compute(raw, n_raw, after, n_after, &d2, &e), 0);
    assert_int_equal(d2.n_new, 0);
    assert_int_equal(d2.n_changed, 1);
    assert_int_equal(d2.n_added, 0);
    drift_release(&d2);
    drift_release(&d);
    schema_fields_free(after, n_after);
    schema_fields_free(tab, n_tab);
    schema_fields_free(raw, n_raw);
    infer_release(&in);
}

/* descriptions of the existing table are kept on matching top-level columns */
static void test_flat_descriptions(void **state)
{
    const char *line = "{\"Item\":{\"id\":{\"S\":\"a\"},\"note\":{\"S\":\"say \\\"hi\\\"\"}}}";
    struct schema_field ex[1] = {
        {(char *)"note", (char *)"STRING", NULL, (char *)"a \"quoted\" note", NULL, 0, NULL, 0}};
    const char *keys[1] = {"id"};
    struct infer_opts o = {keys, 1, NULL, 0, true, ex, 1};
    struct infer in;
    struct infer_flat fl;
    struct err e = ERR_INIT;
    char *sql;

    (void)state;
    infer_init(&in);
    assert_int_equal(infer_add_line(&in, line, strlen(line), "t", &e), 0);
    assert_int_equal(infer_flat_schema(&in, &o, &fl, &e), 0);
    assert_int_equal(infer_out_sql(&fl, "mart.t", "raw.t", &sql, &e), 0);
    assert_non_null(strstr(sql, "note STRING OPTIONS(description=\"a \\\"quoted\\\" note\")"));
    free(sql);
    infer_flat_release(&fl);
    infer_release(&in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_all_types),
        cmocka_unit_test(test_golden_gzip_and_folder),
        cmocka_unit_test(test_sample_limit),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_property_items_validate),
        cmocka_unit_test(test_drift),
        cmocka_unit_test(test_flat_descriptions),
        cmocka_unit_test(test_bounded_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
