#!/usr/bin/env python3
"""tests/bench/gen_export.py DIR MB: writes about MB megabytes (uncompressed) of DynamoDB JSON
export data as DIR/data/NNNN.json.gz, 24 MB per file (1 GB in 43 files: schema infer takes
at most 64), for the schema-inference benchmark.
Four different 24 MB chunks are compressed once and copied, so generation is fast; every item
has the attribute types an export carries (S, N, BOOL, NULL, SS, NS, M, L, B).
Prints the exact number of uncompressed bytes written. Benchmark code; never in pipetop."""
import base64
import os
import random
import sys
import zlib

CHUNK = 24 << 20


def item(r, i):
    n = r.randrange(1 << 30)
    return ('{"Item":{"id":{"S":"user-%08d"},"age":{"N":"%d"},"score":{"N":"%d.%02d"},'
            '"created_at":{"N":"%d"},"active":{"BOOL":%s},"nickname":%s,'
            '"tags":{"SS":["t%d","t%d"]},"lucky":{"NS":["%d","%d"]},'
            '"profile":{"M":{"name":{"S":"name %d"},"city":{"S":"city-%d"},'
            '"prefs":{"M":{"lang":{"S":"ja"},"mails":{"BOOL":false}}}}},'
            '"events":{"L":[{"M":{"kind":{"S":"login"},"at":{"N":"%d"}}},{"S":"note %d"}]},'
            '"avatar":{"B":"%s"}}}\n') % (
        i, n % 100, n % 1000, n % 100, 1600000000 + n % 100000000,
        "true" if n & 1 else "false",
        '{"NULL":true}' if n & 2 else '{"S":"nick-%d"}' % (n % 997),
        n % 50, n % 70, n % 9, n % 11, n, n % 300, 1600000000 + n % 5000, n,
        base64.b64encode(n.to_bytes(8, "little")).decode())


def chunk(seed):
    r = random.Random(seed)
    lines, size, i = [], 0, seed * 10000000
    while size < CHUNK:
        s = item(r, i)
        lines.append(s)
        size += len(s)
        i += 1
    data = "".join(lines).encode()
    co = zlib.compressobj(6, zlib.DEFLATED, 31)
    return co.compress(data) + co.flush(), len(data)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out, mb = sys.argv[1], int(sys.argv[2])
    os.makedirs(os.path.join(out, "data"), exist_ok=True)
    chunks = [chunk(s) for s in range(4)]
    total, n = 0, 0
    while total < mb << 20:
        gz, raw = chunks[n % len(chunks)]
        with open(os.path.join(out, "data", "%04d.json.gz" % n), "wb") as f:
            f.write(gz)
        total += raw
        n += 1
    print(total)


if __name__ == "__main__":
    main()
