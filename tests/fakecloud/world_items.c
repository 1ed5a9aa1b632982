/* tests/fakecloud/world_items.c: the bytes of generated S3 objects — DynamoDB export data files
 * (gzip, via zlib, of {"Item":{...}} lines using every type descriptor the table declares),
 * manifest-files.json (JSON Lines with md5/etag of each data file), manifest-summary.json and
 * checksums, Aurora export info JSON and placeholder Parquet parts (pipetop never reads
 * Parquet: those bytes are not a readable Parquet file). Deterministic in (export, part). */
#include "tests/fakecloud/world.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/buf.h"
#include "core/timeutil.h"
#include "tests/fakecloud/world_int.h"

static uint64_t mix(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static const char *const family[] = {"佐藤", "鈴木", "高橋", "田中",
                                     "伊藤", "渡辺", "山本", "中村"};
static const char *const given[] = {"陽翔", "結衣", "蓮", "葵", "湊", "凛", "大和", "さくら"};

static json_t *b64(const unsigned char *p, size_t n)
{
    char out[64];
    EVP_EncodeBlock((unsigned char *)out, p, (int)n);
    return json_string(out);
}

static json_t *scalar(const struct fw_attr *a, long i, uint64_t h, int day, int64_t day_ms)
{
    const char *n = a->name, *t = a->type;
    char s[128];
    unsigned char raw[6];

    for (int k = 0; k < 6; k++)
        raw[k] = (unsigned char)(h >> (8 * k));
    if (strcmp(t, "B") == 0)
        return json_pack("{s:o}", "B", b64(raw, sizeof(raw)));
    if (strcmp(t, "N") == 0) {
        if (a->key)
            snprintf(s, sizeof(s), "%ld", i + 1);
        else if (a->bq_type && strcmp(a->bq_type, "TIMESTAMP") == 0)
            snprintf(s, sizeof(s), "%lld", (long long)(day_ms / 1000 - (int64_t)(h % 86400)));
        else if (a->bq_type && strcmp(a->bq_type, "INT64") == 0)
            snprintf(s, sizeof(s), "%llu", (unsigned long long)(h % 100000));
        else
            snprintf(s, sizeof(s), "%llu.%02llu", (unsigned long long)(h % 10000),
                     (unsigned long long)(h / 10000 % 100));
        return json_pack("{s:s}", "N", s);
    }
    if (a->key)
        snprintf(s, sizeof(s), "%s-%06ld", n, i + 1);
    else if (strstr(n, "email"))
        snprintf(s, sizeof(s), "user%ld@example.jp", i + 1);
    else if (strstr(n, "phone"))
        snprintf(s, sizeof(s), "+81-90-%04llu-%04llu", (unsigned long long)(h % 10000),
                 (unsigned long long)(h / 10000 % 10000));
    else if (strstr(n, "name"))
        snprintf(s, sizeof(s), "%s %s", family[h % 8], given[(h >> 8) % 8]);
    else
        snprintf(s, sizeof(s), "%s-%d-%04llx", n, -day, (unsigned long long)(h % 65536));
    return json_pack("{s:s}", "S", s);
}

static json_t *value(const struct fw_attr *a, long i, uint64_t h, int day, int64_t day_ms)
{
    const char *t = a->type;
    unsigned char raw[4] = {(unsigned char)h, (unsigned char)(h >> 8), (unsigned char)(h >> 16),
                            (unsigned char)(h >> 24)};
    char n1[32], n2[32];

    if (strcmp(t, "BOOL") == 0)
        return json_pack("{s:b}", "BOOL", (int)(h & 1));
    if (strcmp(t, "NULL") == 0)
        return json_pack("{s:b}", "NULL", 1);
    if (strcmp(t, "M") == 0) {
        snprintf(n1, sizeof(n1), "%llu", (unsigned long long)(h % 1000));
        return json_pack("{s:{s:{s:s},s:{s:s}}}", "M", "label", "S", (h & 2) ? "free" : "pro",
                         "count", "N", n1);
    }
    if (strcmp(t, "L") == 0)
        return json_pack("{s:[{s:s},{s:s}]}", "L", "S", "ja", "S", (h & 4) ? "en" : "ko");
    if (strcmp(t, "SS") == 0)
        return json_pack("{s:[s,s]}", "SS", "tag-a", (h & 8) ? "tag-b" : "tag-c");
    if (strcmp(t, "NS") == 0) {
        snprintf(n1, sizeof(n1), "%llu", (unsigned long long)(h % 97));
        snprintf(n2, sizeof(n2), "%llu.5", (unsigned long long)(h % 89 + 100));
        return json_pack("{s:[s,s]}", "NS", n1, n2);
    }
    if (strcmp(t, "BS") == 0)
        return json_pack("{s:[o,o]}", "BS", b64(raw, 2), b64(raw + 2, 2));
    return scalar(a, i, h, day, day_ms);
}

json_t *fw_ddb_item(const struct fw_world *w, size_t table, long i, int day)
{
    const struct fw_ddb_table *t = &w->ddb_tables[table];
    json_t *item = json_object();
    int64_t day_ms = fw_local_at(w, day, 0);

    for (size_t k = 0; item && k < t->n_attrs; k++) {
        const struct fw_attr *a = &t->attrs[k];
        uint64_t h = mix(((uint64_t)table << 40) ^ ((uint64_t)i << 8) ^ k);
        if (a->since_day > day)
            continue;
        if (!a->key && strcmp(a->type, "NULL") != 0 && h % 11 == 0)
            continue; /* sparse: not every item has every attribute */
        json_object_set_new(item, a->name, value(a, i, h, day, day_ms));
    }
    return item ? json_pack("{s:o}", "Item", item) : NULL;
}

static int gzip_buf(const struct buf *in, unsigned char **out, size_t *out_len)
{
    z_stream zs;
    uLong bound;
    int rc;

    memset(&zs, 0, sizeof(zs));
    if (deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    bound = deflateBound(&zs, (uLong)in->len) + 32;
    *out = malloc(bound);
    if (*out == NULL) {
        deflateEnd(&zs);
        return -1;
    }
    zs.next_in = (Bytef *)(in->len ? buf_cstr(in) : "");
    zs.avail_in = (uInt)in->len;
    zs.next_out = *out;
    zs.avail_out = (uInt)bound;
    rc = deflate(&zs, Z_FINISH);
    *out_len = zs.total_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) {
        free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

static void md5_of(const unsigned char *p, size_t n, unsigned char md[16])
{
    unsigned int len = 0;
    EVP_Digest(p, n, md, &len, EVP_md5(), NULL);
}

static void hex16(const unsigned char md[16], char out[33])
{
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static int data_file(struct fw_world *w, const struct fw_s3_object *o, struct buf *text)
{
    const struct fw_ddb_export *x = &w->ddb_exports[o->ref];
    long parts = x->item_count > 400 ? 2 : 1, first = 0;

    for (long p = 0; p < o->part; p++)
        first += x->item_count / parts + (p < x->item_count % parts ? 1 : 0);
    for (long i = first; i < first + o->items; i++) {
        json_t *item = fw_ddb_item(w, x->table, i, x->day);
        char *line = item ? json_dumps(item, JSON_COMPACT) : NULL;
        json_decref(item);
        if (line == NULL)
            return -1;
        buf_puts(text, line);
        buf_putc(text, '\n');
        free(line);
    }
    return text->toobig ? -1 : 0;
}

static int files_manifest(struct fw_world *w, const struct fw_s3_object *o, struct buf *text)
{
    const struct fw_ddb_export *x = &w->ddb_exports[o->ref];
    char base[1200];
    long i;

    snprintf(base, sizeof(base), "%s%sAWSDynamoDB/%s/data/", x->prefix ? x->prefix : "",
             x->prefix && *x->prefix ? "/" : "", x->export_id);
    for (i = fw_object_lower_bound(w, x->bucket, base); i >= 0; i = fw_object_next(w, i)) {
        const unsigned char *data;
        unsigned char md[16];
        char hex[33], b64s[32], *key;
        size_t len;
        long items;
        if (strcmp(w->objects[i].bucket, x->bucket) != 0 ||
            strncmp(w->objects[i].key, base, strlen(base)) != 0)
            break;
        if (fw_s3_body(w, (size_t)i, &data, &len) != 0)
            return -1;
        md5_of(data, len, md);
        hex16(md, hex);
        EVP_EncodeBlock((unsigned char *)b64s, md, 16);
        key = w->objects[i].key;
        items = w->objects[i].items;
        buf_printf(text,
                   "{\"itemCount\":%ld,\"md5Checksum\":\"%s\",\"etag\":\"%s\","
                   "\"dataFileS3Key\":\"%s\"}\n",
                   items, b64s, hex, key);
    }
    return text->toobig ? -1 : 0;
}

static int summary(struct fw_world *w, const struct fw_s3_object *o, struct buf *text)
{
    const struct fw_ddb_export *x = &w->ddb_exports[o->ref];
    char t0[TIME_RFC3339_LEN], t1[TIME_RFC3339_LEN], te[TIME_RFC3339_LEN];
    json_t *doc;
    char *s,
        *files = fw_printf("%s%sAWSDynamoDB/%s/manifest-files.json", x->prefix ? x->prefix : "",
                           x->prefix && *x->prefix ? "/" : "", x->export_id);

    time_format_utc(x->work.start_ms, t0, sizeof(t0));
    time_format_utc(x->work.end_ms, t1, sizeof(t1));
    time_format_utc(x->export_time_ms, te, sizeof(te));
    doc = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s?,s:s,s:n,s:s?,s:I,s:I,s:s,s:s}",
                    "version", "2020-06-30", "exportArn", x->arn, "startTime", t0, "endTime", t1,
                    "tableArn", w->ddb_tables[x->table].arn, "tableId",
                    w->ddb_tables[x->table].table_id, "exportTime", te, "s3Bucket", x->bucket,
                    "s3Prefix", x->prefix, "s3SseAlgorithm", x->sse ? x->sse : "AES256",
                    "s3SseKmsKeyId", "manifestFilesS3Key", files, "billedSizeBytes",
                    (json_int_t)x->billed_bytes, "itemCount", (json_int_t)x->item_count,
                    "outputFormat", x->export_format, "exportType", x->export_type);
    free(files);
    s = doc ? json_dumps(doc, JSON_INDENT(3)) : NULL;
    json_decref(doc);
    if (s == NULL)
        return -1;
    buf_puts(text, s);
    free(s);
    return 0;
}

static int rds_info(struct fw_world *w, const struct fw_s3_object *o, struct buf *text)
{
    const struct fw_rds_export *x = &w->rds_exports[o->ref];
    const struct fw_cluster *c = &w->clusters[x->cluster];
    json_t *doc, *tables = json_array();
    char *s;

    for (size_t t = 0; t < c->n_tables; t++)
        json_array_append_new(tables,
                              json_pack("{s:{s:s,s:s,s:s,s:s}}", "tableStatistics",
                                        "extractionStatus", "COMPLETE", "tableName", c->tables[t],
                                        "schemaName", c->database, "target", c->database));
    if (o->part == 0)
        doc = json_pack("{s:s,s:s,s:s,s:s,s:i}", "exportTaskIdentifier", x->id, "sourceArn",
                        x->source_arn, "exportOnly", "", "status", "COMPLETE", "percentProgress",
                        100);
    else
        doc = json_pack("{s:o}", "perTableStatus", tables), tables = NULL;
    json_decref(tables);
    s = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
    json_decref(doc);
    if (s == NULL)
        return -1;
    buf_puts(text, s);
    free(s);
    return 0;
}

int fw_body_generate(struct fw_world *w, struct fw_s3_object *o)
{
    struct buf text = BUF_INIT((size_t)64 << 20);
    unsigned char md[16], *gz = NULL;
    char hex[33];
    size_t gz_len = 0;
    int rc = 0;

    switch (o->gen) {
    case FW_GEN_DDB_DATA:
        rc = data_file(w, o, &text);
        if (rc == 0)
            rc = gzip_buf(&text, &gz, &gz_len);
        break;
    case FW_GEN_DDB_FILES:
        rc = files_manifest(w, o, &text);
        o->content_type = "application/json";
        break;
    case FW_GEN_DDB_SUMMARY:
        rc = summary(w, o, &text);
        o->content_type = "application/json";
        break;
    case FW_GEN_DDB_CHECKSUM: {
        /* the md5 hex of the manifest beside it */
        char key[1200];
        const struct fw_ddb_export *x = &w->ddb_exports[o->ref];
        const unsigned char *data;
        size_t len;
        long mi;
        snprintf(key, sizeof(key), "%s%sAWSDynamoDB/%s/%s", x->prefix ? x->prefix : "",
                 x->prefix && *x->prefix ? "/" : "", x->export_id,
                 o->part ? "manifest-files.json" : "manifest-summary.json");
        mi = fw_object_find(w, x->bucket, key);
        if (mi < 0 || fw_s3_body(w, (size_t)mi, &data, &len) != 0) {
            rc = -1;
            break;
        }
        md5_of(data, len, md);
        hex16(md, hex);
        buf_puts(&text, hex);
        break;
    }
    case FW_GEN_PARQUET:
        buf_printf(&text, "PAR1 placeholder for %s (not a Parquet file) PAR1", o->key);
        o->content_type = "application/octet-stream";
        break;
    case FW_GEN_RDS_INFO:
        rc = rds_info(w, o, &text);
        o->content_type = "application/json";
        break;
    default:
        break;
    }
    if (rc != 0 || text.toobig) {
        buf_release(&text);
        free(gz);
        return -1;
    }
    if (gz) {
        o->body = gz;
        o->size = gz_len;
        o->content_type = "application/x-gzip";
    } else {
        o->size = text.len;
        o->body = (unsigned char *)buf_detach(&text);
        if (o->body == NULL)
            o->body = (unsigned char *)strdup("");
    }
    buf_release(&text);
    if (o->content_type == NULL)
        o->content_type = "binary/octet-stream";
    md5_of(o->body ? o->body : (const unsigned char *)"", o->size, md);
    hex16(md, hex);
    snprintf(o->etag, sizeof(o->etag), "\"%s\"", hex);
    return o->body ? 0 : -1;
}
