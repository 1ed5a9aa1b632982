/* core/snapshot.c: ownership of a refresh's snapshot (core/snapshot.h). No I/O. */
#include "core/snapshot.h"

#include <stdlib.h>
#include <string.h>

void snapshot_init(struct snapshot *s)
{
    memset(s, 0, sizeof(*s));
}

void snapshot_release(struct snapshot *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n_ddb; i++) {
        ddb_table_release(&s->ddb[i].table);
        ddb_pitr_release(&s->ddb[i].pitr);
        for (size_t j = 0; j < s->ddb[i].n_exports; j++)
            ddb_export_release(&s->ddb[i].exports[j]);
        free(s->ddb[i].exports);
    }
    free(s->ddb);
    for (size_t i = 0; i < s->n_rds_tasks; i++)
        rds_export_task_release(&s->rds_tasks[i]);
    free(s->rds_tasks);
    for (size_t i = 0; i < s->n_rds_snapshots; i++)
        rds_cluster_snapshot_release(&s->rds_snapshots[i]);
    free(s->rds_snapshots);
    if (s->export_rule.present)
        events_rule_release(&s->export_rule.rule);
    for (size_t i = 0; i < s->n_dts; i++) {
        dts_config_release(&s->dts[i].config);
        for (size_t j = 0; j < s->dts[i].n_runs; j++)
            dts_run_release(&s->dts[i].runs[j]);
        free(s->dts[i].runs);
    }
    free(s->dts);
    for (size_t i = 0; i < s->n_tables; i++)
        table_meta_release(&s->tables[i]);
    free(s->tables);
    for (size_t i = 0; i < s->n_gaps; i++)
        free(s->gaps[i].what);
    free(s->gaps);
    memset(s, 0, sizeof(*s));
}

int snapshot_add_gap(struct snapshot *s, const char *what, const struct err *e)
{
    struct snap_gap *g = realloc(s->gaps, (s->n_gaps + 1) * sizeof(*g));

    if (g == NULL)
        return -1;
    s->gaps = g;
    g = &s->gaps[s->n_gaps];
    g->what = strdup(what ? what : "");
    if (g->what == NULL)
        return -1;
    if (e != NULL)
        g->err = *e;
    else
        memset(&g->err, 0, sizeof(g->err));
    s->n_gaps++;
    return 0;
}
