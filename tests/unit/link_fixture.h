/* tests/unit/link_fixture.h: loads a linking fixture (a JSON file in tests/data/link) into a struct
 * snapshot through the real client parsers — DescribeTable / DescribeExport bodies, DescribeRule,
 * TransferConfig and runs.list bodies, and an RDS DescribeExportTasks XML file. */
#ifndef TESTS_UNIT_LINK_FIXTURE_H
#define TESTS_UNIT_LINK_FIXTURE_H

#include "core/config.h"
#include "core/snapshot.h"

/* Fills s from the fixture at path; fails the running test on any parse error. */
void lf_load(struct snapshot *s, const char *path);

/* A config with only what linking reads: zone Asia/Tokyo, 4 days, stuck_after 120, no
 * export_time, [gcp] project acme-data, no pinned pipelines. Strings are static: never free. */
void lf_config(struct config *c);

#endif
