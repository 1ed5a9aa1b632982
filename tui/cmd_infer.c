/* tui/cmd_infer.c: `pipetop schema infer`: reads DynamoDB export data (local files or folders,
 * an s3:// location, or an export by ARN — tui/infer_src.c) and prints the raw or flat schema as
 * bq JSON, a terraform block, or the flattening SQL. Conflicts go to stderr. Never writes to any
 * cloud or to the database. */
#include "tui/cmd.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/infer.h"
#include "tui/exitcode.h"
#include "tui/infer_src.h"

#define MAX_LIST 64

/* Splits "a,b,c" into v (pointers into copy). */
static size_t split_list(char *copy, const char **v, size_t max)
{
    size_t n = 0;
    for (char *p = copy; p != NULL && n < max;) {
        char *comma = strchr(p, ',');
        if (comma != NULL)
            *comma = '\0';
        if (*p)
            v[n++] = p;
        p = comma ? comma + 1 : NULL;
    }
    return n;
}

static int check_args(const struct cli_cmd *cmd, const struct cli_args *a)
{
    const char *arn = a->val[0], *fmt = a->val[1], *sample = a->val[7];
    bool s3 = false;

    for (int i = 0; i < a->npos; i++)
        s3 = s3 || strncmp(a->pos[i], "s3://", 5) == 0;
    if ((arn == NULL) == (a->npos == 0))
        return cli_usage_error(cmd, "give FILE..., one s3://BUCKET/PREFIX, or --export ARN");
    if (s3 && a->npos != 1)
        return cli_usage_error(cmd, "give one s3:// location, not several or mixed with files");
    if (s3 && strlen(a->pos[0]) <= 5)
        return cli_usage_error(cmd, "an s3:// location needs a bucket: s3://BUCKET/PREFIX");
    if (arn != NULL && (strncmp(arn, "arn:aws", 7) != 0 || strstr(arn, ":dynamodb:") == NULL ||
                        strstr(arn, "/export/") == NULL))
        return cli_usage_error(cmd, "--export needs a DynamoDB export ARN "
                                    "(arn:aws:dynamodb:REGION:ACCOUNT:table/T/export/ID)");
    if (fmt != NULL && strcmp(fmt, "bq-json") != 0 && strcmp(fmt, "terraform") != 0 &&
        strcmp(fmt, "sql") != 0)
        return cli_usage_error(cmd, "--format must be bq-json, terraform or sql");
    if (a->val[2] != NULL && a->val[3] != NULL)
        return cli_usage_error(cmd, "give --raw or --flat, not both");
    if (fmt != NULL && strcmp(fmt, "sql") == 0 && a->val[2] != NULL)
        return cli_usage_error(cmd, "--format sql is the flattening query: it has no --raw form");
    if (sample != NULL) {
        char *end;
        long long v = strtoll(sample, &end, 10);
        if (*sample == '\0' || *end != '\0' || v < 1)
            return cli_usage_error(cmd, "--sample must be a whole number of items >= 1");
    }
    if (a->val[4] != NULL && strchr(a->val[4], '.') == NULL)
        return cli_usage_error(cmd, "--table must be DATASET.TABLE or PROJECT.DATASET.TABLE");
    return 0;
}

static int read_local(struct infer *in, const struct cli_args *a, struct err *e)
{
    struct stat st;

    for (int i = 0; i < a->npos && !infer_done(in); i++) {
        if (stat(a->pos[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            if (infer_add_dir(in, a->pos[i], e))
                return -1;
        } else if (infer_add_file(in, a->pos[i], e)) {
            return -1;
        }
    }
    return 0;
}

static void print_conflicts(const struct infer_flat *f, bool flat)
{
    char t[64];

    for (size_t i = 0; i < f->n_conflicts; i++)
        fprintf(stderr, "pipetop: %s: attribute %s is seen as %s%s\n", flat ? "conflict" : "note",
                f->conflicts[i].path, infer_types_str(f->conflicts[i].types, t, sizeof(t)),
                flat ? " — its flat column is JSON (TO_JSON of the raw value); fix the data or "
                       "cast it yourself"
                     : " (the raw table holds each of them)");
}

/* Prints the chosen output; 0, or -1 with e set. */
static int emit(const struct infer *in, const struct cli_args *a, const struct infer_src *src,
                struct infer_flat *flat, bool want_flat, struct err *e)
{
    const char *fmt = a->val[1] ? a->val[1] : "bq-json";
    struct schema_field *raw = NULL, *ff = NULL;
    size_t n_raw = 0;
    char *text = NULL;
    int rc = -1;

    if (strcmp(fmt, "sql") == 0) {
        rc = infer_out_sql(flat, src->table, src->raw_table, &text, e);
    } else if (want_flat) {
        if (flat->n > 0 && (ff = calloc(flat->n, sizeof(*ff))) == NULL)
            return err_set(e, ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < flat->n; i++)
            ff[i] = flat->cols[i].field; /* borrowed */
        rc = strcmp(fmt, "terraform") == 0 ? infer_out_terraform(ff, flat->n, src->table, &text, e)
                                           : infer_out_bq_json(ff, flat->n, &text, e);
        free(ff);
    } else if (infer_raw_schema(in, &raw, &n_raw, e) == 0) {
        rc = strcmp(fmt, "terraform") == 0
                 ? infer_out_terraform(raw, n_raw, src->raw_table, &text, e)
                 : infer_out_bq_json(raw, n_raw, &text, e);
        schema_fields_free(raw, n_raw);
    }
    if (rc == 0)
        fputs(text, stdout);
    free(text);
    return rc;
}

int cmd_schema_infer(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a)
{
    struct infer in;
    struct infer_flat flat = {0};
    struct infer_src src;
    struct err e = ERR_INIT;
    char keys_copy[1024] = "", ts_copy[1024] = "";
    const char *keys[MAX_LIST], *ts[MAX_LIST];
    const char *fmt = a->val[1] ? a->val[1] : "bq-json";
    bool want_flat = a->val[3] != NULL || strcmp(fmt, "sql") == 0;
    int rc = check_args(cmd, a);

    if (rc != 0)
        return rc;
    infer_init(&in);
    infer_src_init(&src);
    if (a->val[7] != NULL)
        in.sample = strtoll(a->val[7], NULL, 10);
    if (a->npos > 0 && strncmp(a->pos[0], "s3://", 5) != 0) {
        rc = read_local(&in, a, &e) ? exit_code_for(e.code) : 0;
        if (rc == 0 && infer_src_names(&src, cli, a->val[4], NULL, want_flat, &e))
            rc = exit_code_for(e.code);
    } else {
        rc = infer_src_cloud(&src, cli, &in, a->npos > 0 ? a->pos[0] : NULL, a->val[0], a->val[4],
                             want_flat, &e);
    }
    if (rc != 0)
        goto out;
    if (in.items == 0) {
        err_set(&e, ERR_NOT_FOUND, "no items were found in the export data given");
        rc = exit_code_for(e.code);
        goto out;
    }
    struct infer_opts o = {0};
    if (a->val[5] != NULL) {
        snprintf(keys_copy, sizeof(keys_copy), "%s", a->val[5]);
        o.keys = keys;
        o.n_keys = split_list(keys_copy, keys, MAX_LIST);
    } else {
        o.keys = (const char *const *)src.keys;
        o.n_keys = src.n_keys;
    }
    if (a->val[6] != NULL) {
        snprintf(ts_copy, sizeof(ts_copy), "%s", a->val[6]);
        o.timestamps = ts;
        o.n_timestamps = split_list(ts_copy, ts, MAX_LIST);
    }
    o.detect_timestamps = true;
    o.existing = src.existing;
    o.n_existing = src.n_existing;
    if (infer_flat_schema(&in, &o, &flat, &e) || emit(&in, a, &src, &flat, want_flat, &e)) {
        rc = exit_code_for(e.code);
        goto out;
    }
    print_conflicts(&flat, want_flat);
    for (size_t i = 0; i < src.n_notes; i++)
        fprintf(stderr, "pipetop: note: %s\n", src.notes[i]);
    fprintf(stderr, "pipetop: %lld items read%s\n", (long long)in.items,
            infer_done(&in) ? " (the --sample limit)" : "");
    rc = want_flat && flat.n_conflicts > 0 ? EXIT_FAILURES : EXIT_OK;
out:
    if (e.code != ERR_OK)
        fprintf(stderr, "pipetop: schema infer: %s\n", e.msg);
    infer_flat_release(&flat);
    infer_src_release(&src);
    infer_release(&in);
    return rc;
}
