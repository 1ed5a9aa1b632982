/* core/config_check.h: format checks for config values (regions, names, URLs, S3 prefixes,
 * BigQuery tables). Pure functions over one string; 0 when well-formed, -1 otherwise.
 * Internal to the config module; they never print or keep the value. */
#ifndef CORE_CONFIG_CHECK_H
#define CORE_CONFIG_CHECK_H

#include <stddef.h>

#include "core/model.h"

int check_word(const char *v);      /* printable, no spaces: profiles */
int check_region(const char *v);    /* ap-northeast-1, us-gov-west-1 */
int check_rule_name(const char *v); /* EventBridge rule: [.-_A-Za-z0-9]{1,64} */
int check_lambda(const char *v);    /* function name or arn:...:lambda:...:function:NAME */
int check_ddb_table(const char *v); /* [A-Za-z0-9_.-]{3,255} */
int check_cluster(const char *v);   /* Aurora cluster identifier */
int check_project(const char *v);   /* GCP project id (maybe domain-scoped) */
int check_location(const char *v);  /* "us", "asia-northeast1" */
int check_dataset(const char *v);   /* [A-Za-z0-9_]{1,1024} */
int check_file_path(const char *v); /* a path, not inline JSON, no control characters */
int check_url(const char *v);       /* http(s)://host[:port][/path]; http only for loopback */
int check_hhmm(const char *v, int *minutes);
int check_pipeline_name(const char *v); /* [A-Za-z0-9_.-]{1,64} */
int check_dts_config(const char *v);    /* projects/P/locations/L/transferConfigs/ID or ID */
int check_bq_table(const char *v);      /* [project.]dataset.table */

/* "dynamodb:TABLE" or "aurora:CLUSTER[/TABLE]". On success *kind is set, *name_at points at the
 * name inside v and *name_len is its length; *table_at is the Aurora table or NULL. */
int check_source(const char *v, enum source_kind *kind, const char **name_at, size_t *name_len,
                 const char **table_at);

/* "s3://BUCKET[/PREFIX]": *bucket_len is the bucket's length, *prefix_at what follows the '/'. */
int check_s3_uri(const char *v, size_t *bucket_len, const char **prefix_at);

#endif
