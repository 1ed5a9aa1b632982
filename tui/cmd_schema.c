/* tui/cmd_schema.c: `pipetop schema TABLE`: the table's current schema from the history
 * database as an indented tree (name, type, mode, policy tag, description aligned by display
 * width), or with --json the canonical BigQuery schema JSON exactly as stored. An unknown table
 * exits 2 with the nearest names. Reads the database only. */
#include "tui/cmd.h"

#include <stdlib.h>
#include <string.h>

#include "core/schema.h"
#include "tui/exitcode.h"
#include "tui/out.h"
#include "tui/readcmd.h"
#include "tui/tableref.h"

static const struct out_col cols[] = {
    {"FIELD", 8, 40, 0, OUT_LEFT},       {"TYPE", 4, 12, 0, OUT_LEFT},
    {"MODE", 4, 8, 0, OUT_LEFT},         {"POLICY", 6, 24, 1, OUT_LEFT},
    {"DESCRIPTION", 11, 0, 0, OUT_LEFT},
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

/* The last path component of a policy tag resource name (".../policyTags/ID" gives ID). */
static const char *tag_short(const char *tag)
{
    const char *slash = strrchr(tag, '/');
    return slash != NULL ? slash + 1 : tag;
}

static int add_fields(struct out_table *t, const struct schema_field *f, size_t n, int depth,
                      int *tagged)
{
    for (size_t i = 0; i < n; i++) {
        char name[300], policy[128] = "";
        snprintf(name, sizeof(name), "%*s%s", depth * 2, "", f[i].name);
        if (f[i].n_policy_tags > 0) {
            snprintf(policy, sizeof(policy), "tag %s%s", tag_short(f[i].policy_tags[0]),
                     f[i].n_policy_tags > 1 ? " +" : "");
            ++*tagged;
        }
        const char *cells[NCOLS] = {name, f[i].type, f[i].mode != NULL ? f[i].mode : "NULLABLE",
                                    policy, f[i].description};
        const enum out_role roles[NCOLS] = {f[i].n_policy_tags > 0 ? ROLE_WARN : ROLE_NONE, 0, 0,
                                            f[i].n_policy_tags > 0 ? ROLE_WARN : ROLE_NONE, 0};
        if (out_table_add(t, cells, roles) != 0 ||
            add_fields(t, f[i].fields, f[i].n_fields, depth + 1, tagged) != 0)
            return -1;
    }
    return 0;
}

static int print_text(const struct readcmd *r, const struct db_table *tb,
                      const struct db_schema_version *v, size_t nv, struct err *e)
{
    struct schema_field *f = NULL;
    size_t n = 0;
    struct out_table t;
    char *full = NULL, since[32];
    int tagged = 0, rc = -1;

    out_table_init(&t, cols, NCOLS);
    if (schema_from_json(v[0].schema_json, &f, &n, e) != 0 ||
        table_full_name(&full, &tb->meta, e) != 0)
        goto out;
    if (add_fields(&t, f, n, 0, &tagged) != 0) {
        err_set(e, ERR_NOMEM, "schema: out of memory");
        goto out;
    }
    printf("%s: %zu top-level field%s; schema version %zu since %s\n", full, n, n == 1 ? "" : "s",
           nv, out_time(v[0].first_seen_ms, since, sizeof(since)));
    if (tb->meta.description != NULL && tb->meta.description[0] != '\0') {
        struct buf b = BUF_INIT(1 << 16);
        out_cut(&b, tb->meta.description, r->width);
        printf("%s\n", buf_cstr(&b));
        buf_release(&b);
    }
    if (out_table_print(stdout, &t, r->width, r->color) < 0) {
        err_set(e, ERR_NOMEM, "schema: out of memory");
        goto out;
    }
    if (tagged > 0)
        printf("%d field%s with a policy tag (sensitive)\n", tagged, tagged == 1 ? "" : "s");
    rc = 0;
out:
    out_table_release(&t);
    schema_fields_free(f, n);
    free(full);
    return rc;
}

int cmd_schema(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a)
{
    struct readcmd r;
    struct tableref_set ts;
    struct db_schema_version *v = NULL;
    size_t nv = 0, idx;
    char *full = NULL;
    struct err e = ERR_INIT;
    int rc;

    (void)cmd;
    if (readcmd_open(&r, cli, &rc))
        return rc;
    if (tableref_load(&ts, r.db, r.now_ms, 1, &e) != 0 ||
        tableref_find(&ts, a->pos[0], &idx, &e) != 0 ||
        table_full_name(&full, &ts.tables[idx].meta, &e) != 0 ||
        db_schema_versions(r.db, full, &v, &nv, &e) != 0) {
        rc = readcmd_fail(&e);
        goto out;
    }
    if (nv == 0) {
        fprintf(stderr, "pipetop: no schema recorded for %s yet (run `pipetop refresh`)\n", full);
        rc = EXIT_LOCAL;
    } else if (cli->json) {
        printf("%s\n", v[0].schema_json);
        rc = EXIT_OK;
    } else {
        rc = print_text(&r, &ts.tables[idx], v, nv, &e) == 0 ? EXIT_OK : readcmd_fail(&e);
    }
out:
    free(full);
    db_schema_versions_free(v, nv);
    tableref_release(&ts);
    readcmd_close(&r);
    return rc;
}
