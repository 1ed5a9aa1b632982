/* tui/view_schema.c: one table's current schema as a tree (RECORD fields nest), with types,
 * modes, policy tags (sensitive columns marked) and descriptions aligned by display width
 * (Japanese included). Read from the latest db_schema_versions() row through core/schema.h.
 * When the last `schema refresh --from-export` check of the table found drift (db_get_drift),
 * its items come first — "+ attr" NEW (the next transfer fails on it), "~ attr" CHANGED,
 * "- attr" GONE — in the warning colour, and the pane under the list says when and from
 * which export it was found and the command that adds the new fields (or A here: the
 * dashboard's schema-apply, confirmed first). Both are read from the
 * history database on each history change, like every view; nothing here calls a service. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/schema.h"
#include "state/drift.h"
#include "state/tables.h"
#include "tui/dash.h"
#include "tui/listview.h"

struct srow {
    const struct schema_field *f;      /* a field of the table, or NULL for a drift item */
    const struct db_drift_item *drift; /* a drift item, or NULL */
    char tree[320];
};

struct schema {
    struct listview lv;
    struct schema_field *fields;
    size_t nfields;
    struct srow *rows;
    size_t n, cap;
    int versions;
    struct db_drift drift; /* the last drift check (zeroed when none) */
    bool has_drift;        /* that check found new or changed attributes */
    size_t n_drift_rows;
    const char *table; /* v->arg */
    bool read_only;    /* the pane offers A only when mutations are allowed */
};

static const struct lv_col cols[] = {
    {"FIELD", 10, 36, OUT_LEFT, false},      {"TYPE", 6, 10, OUT_LEFT, false},
    {"MODE", 4, 8, OUT_LEFT, false},         {"POLICY", 6, 10, OUT_LEFT, false},
    {"DESCRIPTION", 10, 0, OUT_LEFT, false},
};

static const struct key_help schema_keys[] = {LV_KEYS, {"Esc/q", "back", true}};

static const char *tag_short(const char *tag)
{
    const char *s = strrchr(tag, '/');
    return s != NULL ? s + 1 : tag;
}

static void cell(void *ctx, size_t row, size_t col, char *out, size_t n)
{
    struct schema *s = ctx;
    const struct schema_field *f = s->rows[row].f;
    const struct db_drift_item *it = s->rows[row].drift;

    if (it != NULL) {
        bool is_new = strcmp(it->kind, "new") == 0, gone = strcmp(it->kind, "gone") == 0;
        switch (col) {
        case 0:
            snprintf(out, n, "%s", s->rows[row].tree);
            break;
        case 1:
            snprintf(out, n, "%s", is_new ? "NEW" : gone ? "GONE" : "CHANGED");
            break;
        case 2:
            snprintf(out, n, "DRIFT");
            break;
        case 3:
            out[0] = '\0';
            break;
        default:
            snprintf(out, n, "%s: %s",
                     is_new ? "next load fails"
                     : gone ? "not in export"
                            : "type",
                     it->detail ? it->detail : "-");
        }
        return;
    }
    switch (col) {
    case 0:
        snprintf(out, n, "%s", s->rows[row].tree);
        break;
    case 1:
        snprintf(out, n, "%s", f->type ? f->type : "-");
        break;
    case 2:
        snprintf(out, n, "%s", f->mode ? f->mode : "NULLABLE");
        break;
    case 3:
        snprintf(out, n, "%s%s", f->n_policy_tags ? tag_short(f->policy_tags[0]) : "",
                 f->n_policy_tags > 1 ? " +" : "");
        break;
    default:
        snprintf(out, n, "%s", f->description ? f->description : "");
        break;
    }
}

static int role(void *ctx, size_t row, size_t col)
{
    struct schema *s = ctx;
    if (s->rows[row].drift != NULL)
        return strcmp(s->rows[row].drift->kind, "gone") == 0 ? ROLE_DIM : ROLE_WARN;
    if (s->rows[row].f->n_policy_tags > 0 && (col == 0 || col == 3))
        return ROLE_WARN;
    return col == 1 || col == 2 ? ROLE_DIM : ROLE_NONE;
}

static bool tagged(void *ctx, size_t row)
{
    struct schema *s = ctx;
    if (s->rows[row].drift != NULL)
        return strcmp(s->rows[row].drift->kind, "gone") != 0;
    return s->rows[row].f->n_policy_tags > 0;
}

/* The pane under the list: what the drift check found, when, from which export, the fix. */
static void drift_detail(void *ctx, size_t row, struct buf *b)
{
    struct schema *s = ctx;
    const struct db_drift *d = &s->drift;
    char when[48];
    const char *arn;

    (void)row;
    out_time(d->checked_ms, when, sizeof(when));
    buf_printf(b, "DRIFT found %s: %d new, %d changed, %d gone; export:\n", when, d->new_attrs,
               d->changed, d->gone);
    /* the ARN's tail fits 80 columns: "users/export/01796580000000-420c76ec" */
    arn = d->export_arn ? strstr(d->export_arn, ":table/") : NULL;
    buf_printf(b, "  %s\n", arn ? arn + 7 : d->export_arn ? d->export_arn : "(not known)");
    if (d->new_attrs > 0) {
        buf_printf(b, "fix: pipetop schema refresh %s --from-export --apply\n", s->table);
        buf_puts(b, s->read_only
                        ? "  (adds only the new fields, NULLABLE; asks to confirm; audited)\n"
                        : "  or A here (adds only the new fields, NULLABLE; confirmed; audited)\n");
    } else if (d->changed > 0) {
        buf_puts(b, "changed types are not patched: the raw table keeps its types; check\n");
        buf_puts(b, "  the export's writer or the flattening query\n");
    } else {
        buf_puts(b, "gone attributes stay in the table: loads do not fail on missing fields\n");
    }
}

/* Room for one more row. */
static int grow_rows(struct schema *s)
{
    size_t cap = s->cap ? s->cap * 2 : 64;
    struct srow *r;

    if (s->n < s->cap)
        return 0;
    if ((r = realloc(s->rows, cap * sizeof(*r))) == NULL)
        return -1;
    s->rows = r;
    s->cap = cap;
    return 0;
}

/* Drift items first, as rows; "+ referral_code" (ASCII in every mode). */
static int add_drift_rows(struct schema *s)
{
    for (size_t i = 0; i < s->drift.n_items; i++) {
        const struct db_drift_item *it = &s->drift.items[i];
        char mark = strcmp(it->kind, "new") == 0 ? '+' : strcmp(it->kind, "gone") == 0 ? '-' : '~';
        if (grow_rows(s) != 0)
            return -1;
        s->rows[s->n].f = NULL;
        s->rows[s->n].drift = it;
        snprintf(s->rows[s->n].tree, sizeof(s->rows[s->n].tree), "%c %s", mark, it->path);
        s->n++;
        s->n_drift_rows++;
    }
    return 0;
}

static int add_rows(struct schema *s, const struct schema_field *f, size_t n, const char *prefix,
                    int depth, bool utf8)
{
    for (size_t i = 0; i < n; i++) {
        bool last = i + 1 == n;
        const char *branch = depth == 0 ? ""
                             : utf8     ? (last ? "└─ " : "├─ ")
                                        : (last ? "`- " : "|- ");
        const char *cont = depth == 0 ? "" : utf8 ? (last ? "   " : "│  ") : (last ? "   " : "|  ");
        char next[300];
        if (grow_rows(s) != 0)
            return -1;
        s->rows[s->n].f = &f[i];
        s->rows[s->n].drift = NULL;
        snprintf(s->rows[s->n].tree, sizeof(s->rows[s->n].tree), "%s%s%s", prefix, branch,
                 f[i].name);
        s->n++;
        snprintf(next, sizeof(next), "%s%s", prefix, cont);
        if (f[i].n_fields > 0 && add_rows(s, f[i].fields, f[i].n_fields, next, depth + 1, utf8))
            return -1;
    }
    return 0;
}

static int schema_open(struct view *v)
{
    struct schema *s = calloc(1, sizeof(*s));

    if (s == NULL) {
        dash_msg(v->d, ROLE_BANNER, "out of memory opening the schema");
        return -1;
    }
    s->lv.sort_col = -1;
    s->table = v->arg;
    s->read_only = v->d->cfg->general.read_only;
    v->priv = s;
    return 0;
}

static void schema_clear(struct schema *s)
{
    schema_fields_free(s->fields, s->nfields);
    s->fields = NULL;
    s->nfields = 0;
    free(s->rows);
    s->rows = NULL;
    s->n = s->cap = 0;
    db_drift_release(&s->drift);
    s->has_drift = false;
    s->n_drift_rows = 0;
}

static void schema_close(struct view *v)
{
    struct schema *s = v->priv;
    lv_release(&s->lv);
    schema_clear(s);
    free(s);
}

static void schema_update(struct view *v)
{
    struct schema *s = v->priv;
    struct db_schema_version *sv = NULL;
    size_t nv = 0;
    struct err e = ERR_INIT;
    struct lv_source src = {cols, sizeof(cols) / sizeof(cols[0]), 0, s, cell, role, tagged, NULL,
                            0};
    bool found = false;

    schema_clear(s);
    if (v->d->db != NULL && db_schema_versions(v->d->db, v->arg, &sv, &nv, &e) != 0)
        dash_msg(v->d, ROLE_BANNER, "schema of %s: %s", v->arg, e.msg);
    else if (nv > 0 && schema_from_json(sv[0].schema_json, &s->fields, &s->nfields, &e) != 0)
        dash_msg(v->d, ROLE_BANNER, "schema of %s: %s", v->arg, e.msg);
    s->versions = (int)nv;
    db_schema_versions_free(sv, nv);
    if (v->d->db != NULL && db_get_drift(v->d->db, v->arg, &s->drift, &found, &e) != 0)
        dash_msg(v->d, ROLE_BANNER, "drift of %s: %s", v->arg, e.msg);
    s->has_drift = found && s->drift.n_items > 0;
    if ((s->has_drift && add_drift_rows(s) != 0) ||
        add_rows(s, s->fields, s->nfields, "", 0, v->d->utf8) != 0)
        s->n = 0;
    if (s->has_drift) {
        src.detail = drift_detail;
        src.detail_lines = 4;
    }
    src.nrows = s->n;
    if (lv_load(&s->lv, &src) != 0)
        dash_msg(v->d, ROLE_BANNER, "out of memory loading the schema");
}

static void schema_draw(struct view *v, WINDOW *w, bool focused)
{
    struct schema *s = v->priv;

    lv_draw(&s->lv, w, v->d);
    if (focused && s->has_drift && s->drift.new_attrs > 0)
        v->d->sel_drift = true;
}

static enum key_result schema_key(struct view *v, int ch)
{
    struct schema *s = v->priv;

    if (ch == 's') {
        dash_action(v->d, ACT_SCHEMA, v->arg, NULL, NULL, 0);
        return KR_HANDLED;
    }
    if (ch == 'A') {
        if ((s->has_drift && s->drift.new_attrs > 0) || v->d->cfg->general.read_only)
            dash_action(v->d, ACT_SCHEMA_APPLY, v->arg, NULL, NULL, 0);
        else
            dash_msg(v->d, ROLE_NONE,
                     "%s has no new attributes to apply (as last checked; `pipetop schema "
                     "refresh %s --from-export` checks again)",
                     v->arg, v->arg);
        return KR_HANDLED;
    }
    return lv_key(&s->lv, v->d, ch);
}

static void schema_title(struct view *v, char *out, size_t n)
{
    struct schema *s = v->priv;
    size_t tagged_n = 0;

    for (size_t i = 0; i < s->n; i++)
        tagged_n += s->rows[i].f != NULL && s->rows[i].f->n_policy_tags > 0;
    if (s->has_drift)
        snprintf(out, n, "schema %s: DRIFT +%d new%s%.0d%s%.0d, %zu fields, %d version%s", v->arg,
                 s->drift.new_attrs, s->drift.changed ? " ~" : "", s->drift.changed,
                 s->drift.gone ? " -" : "", s->drift.gone, s->n - s->n_drift_rows, s->versions,
                 s->versions == 1 ? "" : "s");
    else
        snprintf(out, n, "schema %s: %zu fields, %zu policy-tagged, %d version%s", v->arg, s->n,
                 tagged_n, s->versions, s->versions == 1 ? "" : "s");
}

const struct view_ops schema_view = {
    "schema",    schema_keys,   sizeof(schema_keys) / sizeof(schema_keys[0]),
    schema_open, schema_close,  schema_draw,
    schema_key,  schema_update, schema_title,
};
