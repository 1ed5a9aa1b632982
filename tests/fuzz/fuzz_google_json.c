/* Fuzz target: the Google JSON answers pipetop reads (Data Transfer configs, runs, manual runs,
 * logs; BigQuery datasets, tables, table; OAuth token grants) and their error bodies. */
#include "tests/fuzz/fuzz.h"

#include "core/apierr.h"
#include "core/bq.h"
#include "core/dts.h"
#include "core/gauth.h"
#include "core/model.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    struct err e = ERR_INIT;
    struct dts_config cfg;
    struct dts_configs cfgs;
    struct dts_run run;
    struct dts_runs runs;
    struct dts_messages msgs;
    struct bq_datasets ds;
    struct bq_tables tables;
    struct table_meta tm;
    struct gauth_token tok;
    struct gauth_cred cred;
    struct apierr ae;
    char *etag = NULL;

    memset(&cfg, 0, sizeof(cfg));
    if (dts_parse_config(&cfg, body, size, &e) == 0)
        dts_config_release(&cfg);
    e = (struct err)ERR_INIT;
    memset(&cfgs, 0, sizeof(cfgs));
    if (dts_parse_configs(&cfgs, body, size, &e) == 0)
        dts_configs_release(&cfgs);
    e = (struct err)ERR_INIT;
    memset(&run, 0, sizeof(run));
    if (dts_parse_run(&run, body, size, &e) == 0)
        dts_run_release(&run);
    e = (struct err)ERR_INIT;
    memset(&runs, 0, sizeof(runs));
    if (dts_parse_runs(&runs, body, size, &e) == 0)
        dts_runs_release(&runs);
    e = (struct err)ERR_INIT;
    memset(&runs, 0, sizeof(runs));
    if (dts_parse_manual_runs(&runs, body, size, &e) == 0)
        dts_runs_release(&runs);
    e = (struct err)ERR_INIT;
    memset(&msgs, 0, sizeof(msgs));
    if (dts_parse_messages(&msgs, body, size, &e) == 0)
        dts_messages_release(&msgs);
    e = (struct err)ERR_INIT;
    dts_error(&e, "transferRuns.list", 403, NULL, body, size);
    e = (struct err)ERR_INIT;
    memset(&ds, 0, sizeof(ds));
    if (bq_parse_datasets(&ds, body, size, &e) == 0)
        bq_datasets_release(&ds);
    e = (struct err)ERR_INIT;
    memset(&tables, 0, sizeof(tables));
    if (bq_parse_tables(&tables, body, size, &e) == 0)
        bq_tables_release(&tables);
    e = (struct err)ERR_INIT;
    memset(&tm, 0, sizeof(tm));
    if (bq_parse_table(&tm, &etag, body, size, &e) == 0)
        table_meta_release(&tm);
    free(etag);
    e = (struct err)ERR_INIT;
    bq_error(&e, "tables.get", 404, NULL, body, size);
    e = (struct err)ERR_INIT;
    memset(&tok, 0, sizeof(tok));
    if (gauth_token_parse(&tok, body, size, 1700000000000, "fuzz", &e) == 0)
        gauth_token_release(&tok);
    e = (struct err)ERR_INIT;
    memset(&cred, 0, sizeof(cred));
    cred.kind = GAUTH_SERVICE_ACCOUNT;
    gauth_token_error(&e, &cred, 400, body, size);
    apierr_read_google(&ae, 400, body, size);
    return 0;
}
