/* tui/infer_src.h: where `pipetop schema infer` and `schema refresh --from-export` get their
 * data and names — export data from S3 (an s3:// location or an export ARN, through the session's
 * AWS credentials and endpoints), the DynamoDB table's key schema, and the BigQuery table names
 * of the configured pipeline. Reads only; never changes a cloud resource. */
#ifndef TUI_INFER_SRC_H
#define TUI_INFER_SRC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/infer.h"
#include "core/model.h"
#include "tui/cmd.h"

#define INFER_SRC_NOTES 8

struct infer_src {
    char table[512]; /* the table the output defines (--table, the pipeline's, or a placeholder) */
    char raw_table[512]; /* the raw table the SQL selects from */
    char ddb_table[256]; /* the DynamoDB table, when known */
    char export_arn[512];
    char *keys[2]; /* HASH then RANGE, from DescribeTable */
    size_t n_keys;
    struct schema_field *existing; /* the mart table's fields (descriptions), when read */
    size_t n_existing;
    char *notes[INFER_SRC_NOTES];
    size_t n_notes;
};

void infer_src_init(struct infer_src *s);
void infer_src_release(struct infer_src *s);
void infer_src_note(struct infer_src *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Fills table and raw_table from --table (may be NULL) and the config's pipelines (matched by
 * mart table, raw table or, with ddb_table, by DynamoDB source). */
int infer_src_names(struct infer_src *s, const struct cli *cli, const char *table_opt,
                    const char *ddb_table, bool flat, struct err *e);

/* Reads export data from S3 into in: s3loc "s3://BUCKET/PREFIX" (the newest
 * manifest-summary.json under PREFIX, or PREFIX itself when it names one) or an export ARN
 * (DescribeExport). Also reads the table's key schema and fills the names. Returns an exit code
 * (0 = read), having printed nothing; e says what failed. */
int infer_src_cloud(struct infer_src *s, const struct cli *cli, struct infer *in, const char *s3loc,
                    const char *arn, const char *table_opt, bool flat, struct err *e);

struct session;
/* The same read on an open session (AWS part usable): fills ddb_table, export_arn and, with
 * keys, the key attributes. 0, or -1 with e set. */
int infer_src_read(struct infer_src *s, struct session *ss, struct infer *in, const char *s3loc,
                   const char *arn, bool keys, struct err *e);

#endif
