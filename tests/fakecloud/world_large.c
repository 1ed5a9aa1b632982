/* tests/fakecloud/world_large.c: the "generate" section — expands {"pipelines": P, "days": D,
 * "tables": T, "failure_rate": f} into ordinary scenario JSON (T DynamoDB tables, P pipelines
 * with seeded failures), so a large world is built by the same code as a hand-written one.
 * Bodies of its S3 objects are generated lazily, so start stays fast. */
#include "tests/fakecloud/world.h"

#include <stdio.h>
#include <string.h>

#include "tests/fakecloud/world_int.h"

static json_t *attrs(void)
{
    return json_pack("[{s:s,s:s,s:s},{s:s,s:s,s:s,s:s},{s:s,s:s,s:s},{s:s,s:s,s:s,s:s},"
                     "{s:s,s:s}]",
                     "name", "id", "type", "S", "key", "HASH", "name", "updated_at", "type", "N",
                     "bq_type", "TIMESTAMP", "description", "更新日時", "name", "name", "type", "S",
                     "description", "名前", "name", "email", "type", "S", "description",
                     "メールアドレス", "policy_tag", "pii", "name", "active", "type", "BOOL");
}

int fw_gen_large(struct fw_gen_ctx *g, json_t *spec, json_t **tables, json_t **pipelines)
{
    static const char *const allowed[] = {"pipelines", "days", "tables", "failure_rate", NULL};
    struct fw_world *w = g->w;
    json_t *fr = json_object_get(spec, "failure_rate");
    double rate = fr ? json_number_value(fr) : 0.02;
    long np, nt, dummy;

    if (fw_gen_keys(g, spec, "generate", allowed) ||
        fw_gen_int(g, spec, "generate", "pipelines", 500, 0, 100000, &np) ||
        fw_gen_int(g, spec, "generate", "tables", 10000, 0, 1000000, &nt) ||
        fw_gen_int(g, spec, "generate", "days", 90, 1, 400, &dummy))
        return -1;
    if (fr && (!json_is_number(fr) || rate < 0 || rate > 1))
        return fw_gen_bad(g, "generate.failure_rate: want a number from 0 to 1");
    if (nt < np)
        nt = np;
    *tables = json_array();
    *pipelines = json_array();
    if (*tables == NULL || *pipelines == NULL)
        return fw_gen_bad(g, "out of memory");
    for (long i = 0; i < nt; i++) {
        char name[32];
        json_t *t;
        snprintf(name, sizeof(name), "t%05ld", i);
        t = json_pack("{s:s,s:i,s:i,s:o}", "name", name, "items", 5 + (int)(i % 7), "items_growth",
                      (int)(i % 3), "attributes", attrs());
        if (t == NULL || json_array_append_new(*tables, t) != 0)
            return fw_gen_bad(g, "out of memory");
    }
    for (long i = 0; i < np; i++) {
        char name[32], key[16];
        json_t *days = json_object(), *p;
        snprintf(name, sizeof(name), "t%05ld", i);
        for (int d = 0; d < w->n_days; d++) {
            double x = (double)(fw_rand(w) >> 11) / 9007199254740992.0;
            snprintf(key, sizeof(key), "%d", -d);
            if (x < rate / 2)
                json_object_set_new(
                    days, key,
                    json_pack("{s:s}", "export", "FAILED:UNKNOWN:Failed to export the table"));
            else if (x < rate)
                json_object_set_new(
                    days, key,
                    json_pack("{s:s}", "query", "FAILED:INVALID_ARGUMENT:Bad int64 value: n/a"));
        }
        p = json_pack("{s:s,s:{s:s},s:o}", "name", name, "source", "dynamodb", name, "days", days);
        if (p == NULL || json_array_append_new(*pipelines, p) != 0)
            return fw_gen_bad(g, "out of memory");
    }
    return 0;
}
