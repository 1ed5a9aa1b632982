/* Fuzz target: DTS data_path templates (s3://bucket/{run_time-1h|"%Y/%m/%d"}/part-N.parquet) and
 * destination table templates: rendering, pattern compilation and matching, and the S3 split. */
#include "tests/fuzz/fuzz.h"

#include "core/dts_template.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *tmpl = fuzz_cstr(data, size);
    char *out = NULL, *bucket = NULL, *key = NULL;
    struct dts_pattern p;
    struct err e = ERR_INIT;

    if (tmpl == NULL)
        return 0;
    if (dts_template_render(&out, tmpl, 1715889600000, &e) == 0)
        free(out);
    dts_template_has_params(tmpl);
    e = (struct err)ERR_INIT;
    if (dts_pattern_compile(&p, tmpl, &e) == 0) {
        dts_pattern_match(&p, "s3://bucket/2024/05/16/part-0.parquet");
        dts_pattern_prefix_match(&p, "s3://bucket/2024/");
        dts_pattern_reads_prefix(&p, "exports/2024/05/16/");
        dts_pattern_match(&p, tmpl);
        dts_pattern_release(&p);
    }
    e = (struct err)ERR_INIT;
    if (dts_s3_split(tmpl, &bucket, &key, &e) == 0) {
        free(bucket);
        free(key);
    }
    e = (struct err)ERR_INIT;
    out = NULL;
    if (dts_template_literal_dir(&out, tmpl, &e) == 0)
        free(out);
    e = (struct err)ERR_INIT;
    out = NULL;
    if (dts_table_base(&out, tmpl, &e) == 0)
        free(out);
    free(tmpl);
    return 0;
}
