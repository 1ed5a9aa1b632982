/* tests/fakecloud/world_free.c: releasing everything a world owns (AWS and Google records,
 * pipelines). Each record type frees exactly the strings it allocated. */
#include "tests/fakecloud/world.h"

#include <stdlib.h>

#include "tests/fakecloud/world_int.h"

static void key_release(struct fw_key *k)
{
    free(k->access_key_id);
    free(k->secret_access_key);
    free(k->session_token);
    free(k->arn);
    free(k->user_id);
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void free_aws(struct fw_world *w)
{
    for (size_t i = 0; i < w->n_keys; i++)
        key_release(&w->keys[i]);
    for (size_t i = 0; i < w->n_roles; i++) {
        free(w->roles[i].arn);
        free(w->roles[i].name);
        free(w->roles[i].role_id);
    }
    for (size_t i = 0; i < w->n_ddb_tables; i++) {
        struct fw_ddb_table *t = &w->ddb_tables[i];
        for (size_t a = 0; a < t->n_attrs; a++) {
            free(t->attrs[a].name);
            free(t->attrs[a].type);
            free(t->attrs[a].description);
            free(t->attrs[a].policy_tag);
            free(t->attrs[a].bq_type);
        }
        free(t->attrs);
        free(t->name);
        free(t->arn);
        free(t->table_id);
    }
    for (size_t i = 0; i < w->n_ddb_exports; i++) {
        struct fw_ddb_export *x = &w->ddb_exports[i];
        free(x->arn);
        free(x->export_id);
        free(x->bucket);
        free(x->prefix);
        free(x->client_token);
        free(x->fingerprint);
        free(x->manifest_key);
        free(x->export_type);
        free(x->export_format);
        free(x->sse);
        fw_work_release(&x->work);
    }
    for (size_t i = 0; i < w->n_clusters; i++) {
        struct fw_cluster *c = &w->clusters[i];
        free(c->id);
        free(c->arn);
        free(c->engine);
        free(c->engine_version);
        free(c->database);
        free_strv(c->tables, c->n_tables);
    }
    for (size_t i = 0; i < w->n_snapshots; i++) {
        free(w->snapshots[i].id);
        free(w->snapshots[i].arn);
        free(w->snapshots[i].status);
        free(w->snapshots[i].type);
    }
    for (size_t i = 0; i < w->n_rds_exports; i++) {
        struct fw_rds_export *x = &w->rds_exports[i];
        free(x->id);
        free(x->source_arn);
        free(x->source_type);
        free(x->bucket);
        free(x->prefix);
        free(x->iam_role);
        free(x->kms_key);
        free(x->warning);
        free_strv(x->export_only, x->n_export_only);
        fw_work_release(&x->work);
    }
    for (size_t i = 0; i < w->n_objects; i++)
        fw_object_release(&w->objects[i]);
    free_strv(w->buckets, w->n_buckets);
    for (size_t i = 0; i < w->n_lambdas; i++) {
        free(w->lambdas[i].name);
        free(w->lambdas[i].arn);
        free(w->lambdas[i].fail_message);
    }
    for (size_t i = 0; i < w->n_rules; i++) {
        struct fw_rule *r = &w->rules[i];
        free(r->name);
        free(r->arn);
        free(r->schedule);
        free(r->state);
        free(r->description);
        free(r->target_id);
        free(r->target_arn);
        free(r->input);
    }
    free(w->keys);
    free(w->roles);
    free(w->ddb_tables);
    free(w->ddb_exports);
    free(w->clusters);
    free(w->snapshots);
    free(w->rds_exports);
    free(w->objects);
    free(w->onodes);
    free(w->lambdas);
    free(w->rules);
}

static void free_gcp(struct fw_world *w)
{
    for (size_t i = 0; i < w->n_dts_configs; i++) {
        struct fw_dts_config *c = &w->dts_configs[i];
        free(c->name);
        free(c->config_id);
        free(c->display_name);
        free(c->dataset);
        json_decref(c->params);
        free(c->schedule);
        free(c->owner_email);
    }
    for (size_t i = 0; i < w->n_dts_runs; i++) {
        struct fw_dts_run *r = &w->dts_runs[i];
        free(r->name);
        free(r->run_id);
        json_decref(r->params);
        fw_work_release(&r->work);
        for (size_t m = 0; m < r->n_msgs; m++) {
            free(r->msgs[m].severity);
            free(r->msgs[m].text);
        }
        free(r->msgs);
    }
    for (size_t i = 0; i < w->n_datasets; i++) {
        free(w->datasets[i].id);
        free(w->datasets[i].location);
        free(w->datasets[i].friendly_name);
        free(w->datasets[i].description);
    }
    for (size_t i = 0; i < w->n_bq_tables; i++) {
        struct fw_bq_table *t = &w->bq_tables[i];
        free(t->id);
        free(t->type);
        free(t->description);
        json_decref(t->schema_fields);
        free(t->partition_field);
    }
    for (size_t i = 0; i < w->n_pipelines; i++) {
        struct fw_pipeline *p = &w->pipelines[i];
        free(p->name);
        free(p->aurora_table);
        free(p->bucket);
        free(p->prefix);
        free(p->date_template);
        free(p->description);
        free(p->raw_id);
        free(p->mart_id);
        for (size_t c = 0; c < p->n_cols; c++) {
            free(p->cols[c].name);
            free(p->cols[c].type);
            free(p->cols[c].description);
            free(p->cols[c].policy_tag);
            free(p->cols[c].bq_type);
        }
        free(p->cols);
        for (int d = 0; p->days && d < w->n_days; d++)
            for (int s = 0; s < FW_N_STAGES; s++)
                fw_plan_release(&p->days[d].stage[s]);
        free(p->days);
        for (int s = 0; s < FW_N_STAGES; s++)
            fw_plan_release(&p->rerun[s]);
    }
    free(w->dts_configs);
    free(w->dts_runs);
    free(w->datasets);
    free(w->bq_tables);
    free(w->pipelines);
}

void fw_free(struct fw_world *w)
{
    if (w == NULL)
        return;
    free_aws(w);
    free_gcp(w);
    free(w->region);
    free(w->account_id);
    free(w->project);
    free(w->project_number);
    free(w->location);
    free(w->timezone);
    free(w->export_bucket);
    free(w->role_arn);
    free(w->kms_key);
    free(w->day);
    free(w);
}
