#!/usr/bin/env python3
"""tests/bench/calls_min.py WORLD.json SCENARIO.json CALLS.jsonl FROM [incremental]: the fewest
API calls a refresh of the fake cloud's world can make, per operation, against the calls pipetop
made (CALLS.jsonl lines FROM on). Prints "made minimum detail" on one line (detail: the
operations where pipetop made more than the minimum, or "none"). Benchmark code.

The minimum follows from the world's counts (/_fake/world) and the services' page limits
(botocore models, Google discovery docs), for what the dashboard shows:
  ListTables             ceil(tables / 100)
  DescribeTable, DescribeContinuousBackups   one per table (no batch form exists)
  ListExports            one page per table, plus ceil(exports / 25) - 1 more per exporting
                         table (MaxResults is at most 25)
  DescribeExport         one per export (first refresh); on an incremental refresh only the
                         exports still in progress (finished ones are known from history)
  DescribeExportTasks    ceil(rds_exports / 100), at least 1
  transferConfigs.list   ceil(configs / 1000); runs.list one per config per 1000 runs
  datasets.list 1; tables.list one per dataset; tables.get one per pipeline table
  oauth2.token 1
"""
import json
import math
import sys


def main():
    world = json.load(open(sys.argv[1]))
    scen = json.load(open(sys.argv[2]))
    lines = open(sys.argv[3]).read().splitlines()[int(sys.argv[4]):]
    incremental = len(sys.argv) > 5 and sys.argv[5] == "incremental"
    c = world["counts"]
    gen = scen.get("generate", {})
    pipes = gen.get("pipelines", len(world.get("pipelines", [])))
    dumped = world.get("pipelines", [])
    running = sum(1 for p in dumped for d in p.get("days", []) if d.get("export") == "RUNNING")
    if dumped and pipes > len(dumped):
        running = math.ceil(running * pipes / len(dumped))
    per_table = c["ddb_exports"] / pipes if pipes else 0
    datasets = len({t["dataset"] for t in world.get("tables", [])}) or 1
    runs_per_cfg = c["dts_runs"] / c["dts_configs"] if c["dts_configs"] else 0
    m = {
        "dynamodb.ListTables": max(1, math.ceil(c["ddb_tables"] / 100)),
        "dynamodb.DescribeTable": c["ddb_tables"],
        "dynamodb.DescribeContinuousBackups": c["ddb_tables"],
        "dynamodb.ListExports": c["ddb_tables"] + pipes * max(0, math.ceil(per_table / 25) - 1),
        "dynamodb.DescribeExport": running if incremental else c["ddb_exports"],
        "rds.DescribeExportTasks": max(1, math.ceil(c["rds_exports"] / 100)),
        "dts.transferConfigs.list": max(1, math.ceil(c["dts_configs"] / 1000)),
        "dts.runs.list": c["dts_configs"] * max(1, math.ceil(runs_per_cfg / 1000)),
        "bigquery.datasets.list": 1,
        "bigquery.tables.list": datasets,
        "bigquery.tables.get": c["bq_tables"],
        "oauth2.token": 1,
    }
    made = {}
    for line in lines:
        if '"/_fake/' in line:
            continue
        x = json.loads(line)
        k = "%s.%s" % (x.get("service"), x.get("operation"))
        made[k] = made.get(k, 0) + 1
    extra = ["%s %d (min %d)" % (k, made.get(k, 0), m.get(k, 0))
             for k in sorted(set(made) | set(m)) if made.get(k, 0) > m.get(k, 0)]
    print("%d %d %s" % (sum(made.values()), sum(m.values()), "; ".join(extra) or "none"))


if __name__ == "__main__":
    main()
