/* core/listall.h: "every page of this list" for each list call of the API clients, as pager
 * specs (core/pager.h): a query struct holds the call's arguments and accumulates the items of
 * every page in result. Run it synchronously with pager_run() or concurrently with pager_start().
 * The query is caller-owned, must outlive the pager, and its result is released by the caller
 * with the list type's *_release() (also after a failure: pages read before it are kept). */
#ifndef CORE_LISTALL_H
#define CORE_LISTALL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/bq.h"
#include "core/ddb.h"
#include "core/dts.h"
#include "core/events.h"
#include "core/pager.h"
#include "core/rds.h"
#include "core/s3.h"

struct listall_dts_configs {
    const char *endpoint, *project, *location;
    const char *const *data_source_ids;
    int page_size;
    struct dts_configs result;
};
struct listall_dts_runs {
    const char *endpoint, *config_name;
    const char *const *states;
    bool latest_only;
    int page_size;
    struct dts_runs result;
};
struct listall_dts_messages {
    const char *endpoint, *run_name;
    const char *const *message_types;
    int page_size;
    struct dts_messages result;
};
struct listall_bq_datasets {
    const char *endpoint, *project;
    int max_results;
    struct bq_datasets result;
};
struct listall_bq_tables {
    const char *endpoint, *project, *dataset;
    int max_results;
    struct bq_tables result;
};
struct listall_ddb_tables {
    const char *endpoint;
    int limit;
    struct ddb_table_names result;
};
struct listall_ddb_exports {
    const char *endpoint, *table_arn;
    int max_results;
    struct ddb_export_summaries result;
};
struct listall_rds_export_tasks {
    const char *endpoint, *source_arn;
    const struct rds_filter *filters;
    size_t n_filters;
    int max_records;
    struct rds_export_tasks result;
};
struct listall_rds_snapshots {
    const char *endpoint, *cluster_id, *snapshot_type;
    int max_records;
    struct rds_cluster_snapshots result;
};
struct listall_s3_objects {
    const char *base_url;
    bool path_style;
    const char *bucket, *prefix, *delimiter;
    int max_keys;
    struct s3_listing result; /* objects and common prefixes of every page */
};
struct listall_events_targets {
    const char *endpoint, *rule, *bus;
    struct events_targets result;
};

/* Each fills spec for q (prepare and prepare_ctx sign or authorise every page; done / max_pages
 * are left for the caller to set when using pager_start()). */
void listall_dts_configs(struct pager_spec *spec, struct listall_dts_configs *q,
                         http_prepare_fn prepare, void *prepare_ctx);
void listall_dts_runs(struct pager_spec *spec, struct listall_dts_runs *q, http_prepare_fn prepare,
                      void *prepare_ctx);
void listall_dts_messages(struct pager_spec *spec, struct listall_dts_messages *q,
                          http_prepare_fn prepare, void *prepare_ctx);
void listall_bq_datasets(struct pager_spec *spec, struct listall_bq_datasets *q,
                         http_prepare_fn prepare, void *prepare_ctx);
void listall_bq_tables(struct pager_spec *spec, struct listall_bq_tables *q,
                       http_prepare_fn prepare, void *prepare_ctx);
void listall_ddb_tables(struct pager_spec *spec, struct listall_ddb_tables *q,
                        http_prepare_fn prepare, void *prepare_ctx);
void listall_ddb_exports(struct pager_spec *spec, struct listall_ddb_exports *q,
                         http_prepare_fn prepare, void *prepare_ctx);
void listall_rds_export_tasks(struct pager_spec *spec, struct listall_rds_export_tasks *q,
                              http_prepare_fn prepare, void *prepare_ctx);
void listall_rds_snapshots(struct pager_spec *spec, struct listall_rds_snapshots *q,
                           http_prepare_fn prepare, void *prepare_ctx);
void listall_s3_objects(struct pager_spec *spec, struct listall_s3_objects *q,
                        http_prepare_fn prepare, void *prepare_ctx);
void listall_events_targets(struct pager_spec *spec, struct listall_events_targets *q,
                            http_prepare_fn prepare, void *prepare_ctx);

#endif
