/* tests/fakecloud/world_gen_aws.c: the AWS identity and the export machinery of a scenario —
 * the main key, extra keys (temporary, expired), roles for AssumeRole, the export bucket, the
 * Lambda and the EventBridge rule whose cron() is the local export time in UTC. */
#include "tests/fakecloud/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fakecloud/world_int.h"

static int add_key(struct fw_gen_ctx *g, const char *akid, const char *secret, const char *token,
                   int64_t expires_ms, const char *arn, const char *user_id)
{
    struct fw_world *w = g->w;
    struct fw_key *k = FW_PUSH(w, keys, n_keys, FW_CAP_KEYS);

    if (k == NULL)
        return fw_gen_bad(g, "out of memory");
    k->access_key_id = strdup(akid);
    k->secret_access_key = strdup(secret);
    k->session_token = fw_strdup(token);
    k->expires_ms = expires_ms;
    k->arn = strdup(arn);
    k->user_id = strdup(user_id);
    w->n_keys++;
    if (!k->access_key_id || !k->secret_access_key || (token && !k->session_token) || !k->arn ||
        !k->user_id)
        return fw_gen_bad(g, "out of memory");
    return 0;
}

int fw_gen_aws(struct fw_gen_ctx *g, json_t *aws)
{
    static const char *const allowed[] = {"access_key_id",
                                          "secret_access_key",
                                          "session_token",
                                          "region",
                                          "account_id",
                                          "user_arn",
                                          "keys",
                                          "roles",
                                          NULL};
    static const char *const key_allowed[] = {
        "access_key_id", "secret_access_key", "session_token", "expires_in_s", "arn", NULL};
    struct fw_world *w = g->w;
    const struct fc_scenario *s = &w->fc->scen;
    char *user_arn = NULL, dflt[160], where[64];
    size_t i;
    json_t *v;
    int rc;

    if (fw_gen_keys(g, aws, "aws", allowed))
        return -1;
    w->region = strdup(s->aws_region);
    w->account_id = strdup(s->aws_account_id);
    snprintf(dflt, sizeof(dflt), "arn:aws:iam::%s:user/pipetop", s->aws_account_id);
    if (!w->region || !w->account_id || fw_gen_str(g, aws, "aws", "user_arn", dflt, &user_arn))
        return fw_gen_bad(g, "out of memory");
    rc = add_key(g, s->aws_access_key_id, s->aws_secret_access_key, s->aws_session_token, 0,
                 user_arn, "AIDAFAKECLOUDUSER0001");
    free(user_arn);
    if (rc)
        return -1;
    json_array_foreach(json_object_get(aws, "keys"), i, v)
    {
        char *ak = NULL, *sk = NULL, *tok = NULL, *arn = NULL;
        long exp;
        snprintf(where, sizeof(where), "aws.keys[%zu]", i);
        rc = fw_gen_keys(g, v, where, key_allowed) ||
             fw_gen_str(g, v, where, "access_key_id", NULL, &ak) ||
             fw_gen_str(g, v, where, "secret_access_key", NULL, &sk) ||
             fw_gen_str(g, v, where, "session_token", NULL, &tok) ||
             fw_gen_str(g, v, where, "arn", dflt, &arn) ||
             fw_gen_int(g, v, where, "expires_in_s", 0, -100000000L, 100000000L, &exp);
        if (rc == 0 && (ak == NULL || sk == NULL))
            rc = fw_gen_bad(g, "%s: access_key_id and secret_access_key are required", where);
        if (rc == 0)
            rc = add_key(g, ak, sk, tok,
                         json_object_get(v, "expires_in_s")
                             ? w->built_ms + (int64_t)exp * 1000 - (exp <= 0 ? 1000 : 0)
                             : 0,
                         arn, "AIDAFAKECLOUDUSER0002");
        free(ak);
        free(sk);
        free(tok);
        free(arn);
        if (rc)
            return -1;
    }
    json_array_foreach(json_object_get(aws, "roles"), i, v)
    {
        struct fw_role *r = FW_PUSH(w, roles, n_roles, FW_CAP_ROLES);
        char hex[17];
        long max;
        snprintf(where, sizeof(where), "aws.roles[%zu]", i);
        if (r == NULL)
            return fw_gen_bad(g, "out of memory");
        w->n_roles++;
        if (fw_gen_str(g, v, where, "name", NULL, &r->name) ||
            fw_gen_int(g, v, where, "max_session_s", 3600, 900, 43200, &max))
            return -1;
        if (r->name == NULL)
            return fw_gen_bad(g, "%s.name: required", where);
        fw_rand_hex(w, hex, 16);
        r->max_session_s = max;
        r->arn = fw_printf("arn:aws:iam::%s:role/%s", w->account_id, r->name);
        r->role_id = fw_printf("AROA%s", hex);
        if (r->arn == NULL || r->role_id == NULL)
            return fw_gen_bad(g, "out of memory");
        for (char *p = r->role_id; *p; p++)
            *p = (char)(*p >= 'a' && *p <= 'f' ? *p - 'a' + 'A' : *p);
    }
    return 0;
}

int fw_gen_export(struct fw_gen_ctx *g, json_t *ex)
{
    static const char *const allowed[] = {"bucket",  "lambda",      "rule",     "rule_state",
                                          "at",      "transfer_at", "query_at", "role_arn",
                                          "kms_key", "lambda_fail", NULL};
    struct fw_world *w = g->w;
    char *lambda = NULL, *rule = NULL, *state = NULL, *fail = NULL, dr[160], dk[200];
    struct fw_lambda *fn;
    struct fw_rule *r;
    int64_t at_utc;
    int rc = -1;

    snprintf(dr, sizeof(dr), "arn:aws:iam::%s:role/rds-s3-export", w->account_id);
    snprintf(dk, sizeof(dk), "arn:aws:kms:%s:%s:key/0b7c3a55-8f0e-4c8e-9d2a-5e1f0c7d9a11",
             w->region, w->account_id);
    if (fw_gen_keys(g, ex, "export", allowed) ||
        fw_gen_str(g, ex, "export", "bucket", "pipetop-exports", &w->export_bucket) ||
        fw_gen_str(g, ex, "export", "lambda", "nightly-export", &lambda) ||
        fw_gen_str(g, ex, "export", "rule", "nightly-export", &rule) ||
        fw_gen_str(g, ex, "export", "rule_state", "ENABLED", &state) ||
        fw_gen_str(g, ex, "export", "lambda_fail", NULL, &fail) ||
        fw_gen_str(g, ex, "export", "role_arn", dr, &w->role_arn) ||
        fw_gen_str(g, ex, "export", "kms_key", dk, &w->kms_key) ||
        fw_gen_hhmm(g, ex, "export", "at", "03:00", &w->export_min) ||
        fw_gen_hhmm(g, ex, "export", "transfer_at", "04:00", &w->transfer_min) ||
        fw_gen_hhmm(g, ex, "export", "query_at", "05:00", &w->query_min))
        goto out;
    if (fw_bucket_add(w, w->export_bucket) < 0 ||
        (fn = FW_PUSH(w, lambdas, n_lambdas, FW_CAP_LAMBDAS)) == NULL) {
        fw_gen_bad(g, "out of memory");
        goto out;
    }
    w->n_lambdas++;
    fn->name = lambda;
    fn->fail_message = fail;
    lambda = fail = NULL;
    fn->arn = fw_printf("arn:aws:lambda:%s:%s:function:%s", w->region, w->account_id, fn->name);
    if ((r = FW_PUSH(w, rules, n_rules, FW_CAP_RULES)) == NULL) {
        fw_gen_bad(g, "out of memory");
        goto out;
    }
    w->n_rules++;
    at_utc = fw_local_at(w, 0, w->export_min) / 60000 % 1440;
    r->name = rule;
    r->state = state;
    rule = state = NULL;
    r->arn = fw_printf("arn:aws:events:%s:%s:rule/%s", w->region, w->account_id, r->name);
    r->schedule = fw_printf("cron(%d %d * * ? *)", (int)(at_utc % 60), (int)(at_utc / 60));
    r->description = strdup("Nightly DynamoDB and Aurora exports to S3");
    r->target_id = strdup("export-lambda");
    r->target_arn = fw_strdup(fn->arn);
    r->input = strdup("{\"source\":\"schedule\"}");
    rc = (fn->arn && r->arn && r->schedule && r->description && r->target_id && r->target_arn &&
          r->input)
             ? 0
             : fw_gen_bad(g, "out of memory");
out:
    free(lambda);
    free(rule);
    free(state);
    free(fail);
    return rc;
}
