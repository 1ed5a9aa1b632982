/* Fuzz target: S3 ListObjectsV2 XML and error bodies, and the DynamoDB export manifests read
 * from S3 (manifest-summary.json, manifest-files.json lines). */
#include "tests/fuzz/fuzz.h"

#include "core/s3.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    struct err e = ERR_INIT;
    struct s3_listing l;
    struct ddb_manifest_summary sum;
    struct ddb_manifest_files files;

    memset(&l, 0, sizeof(l));
    if (s3_parse_list_objects(&l, body, size, &e) == 0)
        s3_listing_release(&l);
    e = (struct err)ERR_INIT;
    s3_error(&e, "ListObjectsV2", 404, NULL, body, size);
    e = (struct err)ERR_INIT;
    memset(&sum, 0, sizeof(sum));
    if (s3_parse_manifest_summary(&sum, body, size, &e) == 0)
        ddb_manifest_summary_release(&sum);
    e = (struct err)ERR_INIT;
    memset(&files, 0, sizeof(files));
    if (s3_parse_manifest_files(&files, body, size, &e) == 0)
        ddb_manifest_files_release(&files);
    return 0;
}
