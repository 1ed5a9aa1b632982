/* tests/unit/collect_world.h: a small scripted cloud for the collector and refresh tests — one
 * libmicrohttpd server on a random loopback port answering DynamoDB, RDS, EventBridge, DTS,
 * BigQuery and an OAuth token endpoint in their wire formats, counting the calls of each
 * operation. Test support only. */
#ifndef TESTS_UNIT_COLLECT_WORLD_H
#define TESTS_UNIT_COLLECT_WORLD_H

#include <pthread.h>

#define ARN_T "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"
#define X1 ARN_T "/export/01-done"
#define X2 ARN_T "/export/02-failed"
#define X3 ARN_T "/export/03-running"
#define CFG_A "projects/p/locations/us/transferConfigs/a"
#define CFG_B "projects/p/locations/us/transferConfigs/b"
#define NOW_MS 1709251200000LL /* 2024-03-01T00:00:00Z */

enum op {
    OP_LIST_TABLES,
    OP_DESCRIBE_TABLE,
    OP_BACKUPS,
    OP_LIST_EXPORTS,
    OP_DESCRIBE_EXPORT,
    OP_RDS_TASKS,
    OP_RDS_SNAPS,
    OP_RULE,
    OP_DTS_CONFIGS,
    OP_DTS_RUNS,
    OP_BQ_TABLES,
    OP_BQ_GET,
    OP_TOKEN,
    OP_COUNT
};

struct world {
    void *d; /* struct MHD_Daemon */
    char url[64];
    pthread_mutex_t lock;
    int count[OP_COUNT];
    int fail_runs_b; /* runs.list of config b answers 503 */
};

/* Starts the server (fails the running test when it cannot). */
void world_start(struct world *w);
void world_stop(struct world *w);

/* The calls counted so far, all operations (the token endpoint included). */
int world_calls(struct world *w);

#endif
