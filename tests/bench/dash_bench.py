#!/usr/bin/env python3
"""tests/bench/dash_bench.py: the dashboard measured from outside, in a pseudo-terminal, as a
user's terminal sees it (no hook in pipetop). Benchmark code; never in pipetop.

  dash_bench.py first  DB CONFIG PIPETOP...   first frame: ms from start until the grid shows
                                              MARKER (env, default pipeline-000) and the
                                              output settles; median of BENCH_RUNS (5)
  dash_bench.py keys   DB CONFIG PIPETOP...   keystroke to frame in :runs: j (scroll) and
                                              filter typing; prints p50/p99 of each, and the
                                              peak RSS (VmHWM) of the dashboard
  dash_bench.py echo                          the same driver against a trivial program that
                                              answers each key with a screenful (baseline)

A frame is the output that follows a key until the terminal has been quiet for QUIET ms
(default 25); its time is that of its last byte, so the quiet wait is not counted.
"""
import os
import pty
import select
import signal
import struct
import sys
import termios
import fcntl
import time

ROWS, COLS = 50, 200
QUIET = float(os.environ.get("QUIET_MS", "25")) / 1000


def spawn(argv, env):
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    return pid, fd


def read_frame(fd, timeout=10.0, want=None):
    """Reads until QUIET s without output (and, with want, until want was seen).
    Returns (bytes, time of the last byte or None)."""
    out, last, end = b"", None, time.perf_counter() + timeout
    while True:
        now = time.perf_counter()
        if now > end:
            return out, last
        seen = want is None or want in out
        wait = QUIET if (last is not None and seen) else min(0.2, end - now)
        r, _, _ = select.select([fd], [], [], wait)
        if not r:
            if last is not None and seen:
                return out, last
            continue
        try:
            b = os.read(fd, 1 << 16)
        except OSError:
            return out, last
        if not b:
            return out, last
        out += b
        last = time.perf_counter()


def env_for():
    env = dict(os.environ)
    env.update({"TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                "PIPETOP_TIMEZONE": "UTC", "LINES": str(ROWS), "COLUMNS": str(COLS)})
    env.pop("NO_COLOR", None)
    return env


def stop(pid, fd):
    try:
        os.write(fd, b"q")
        read_frame(fd, timeout=2)
    except OSError:
        pass
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)


def hwm_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def dash_argv(db, config, pipetop):
    return pipetop + ["--offline", "--db", db, "--config", config]


def first(db, config, pipetop):
    marker = os.environ.get("MARKER", "pipeline-000").encode()
    t = []
    for _ in range(int(os.environ.get("BENCH_RUNS", "5"))):
        s = time.perf_counter()
        pid, fd = spawn(dash_argv(db, config, pipetop), env_for())
        out, last = read_frame(fd, timeout=30, want=marker)
        if marker not in out:
            stop(pid, fd)
            sys.exit("dash_bench: the dashboard never showed %r" % marker.decode())
        t.append((last - s) * 1000)
        stop(pid, fd)
    print("%.1f" % sorted(t)[len(t) // 2])


def measure(fd, keys):
    lat = []
    for k in keys:
        s = time.perf_counter()
        os.write(fd, k)
        out, last = read_frame(fd, timeout=5)
        if last is not None:
            lat.append((last - s) * 1000)
    return lat


def keys_run(argv, view=True):
    pid, fd = spawn(argv, env_for())
    if view:
        read_frame(fd, timeout=30, want=os.environ.get("MARKER", "pipeline-000").encode())
    else:
        time.sleep(0.5)
    n = int(os.environ.get("BENCH_KEYS", "200"))
    if view:
        os.write(fd, b":runs\r")
        read_frame(fd, timeout=30)
    scroll = measure(fd, [b"j"] * n)
    filt = []
    words = [b"pipeline-01", b"pipeline-1", b"failed", b"transfer"]
    i = 0
    while len(filt) < n:
        w = words[i % len(words)]
        i += 1
        os.write(fd, b"/")
        read_frame(fd, timeout=5)
        filt += measure(fd, [w[j:j + 1] for j in range(len(w))])
        filt += measure(fd, [b"\x15"])  # Ctrl-U clears: the whole list again
        os.write(fd, b"\x1b")
        read_frame(fd, timeout=5)
    rss = hwm_kb(pid)
    stop(pid, fd)
    return scroll, filt, rss


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    mode = sys.argv[1]
    if mode == "first":
        first(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif mode == "keys":
        scroll, filt, rss = keys_run(dash_argv(sys.argv[2], sys.argv[3], sys.argv[4:]))
        if len(scroll) < 10 or len(filt) < 10:
            sys.exit("dash_bench: too few frames (%d scroll, %d filter)" % (len(scroll), len(filt)))
        print("%.1f %.1f %.1f %.1f %d %d %d" % (pct(scroll, 50), pct(scroll, 99), pct(filt, 50),
                                                pct(filt, 99), rss, len(scroll), len(filt)))
    elif mode == "echo":
        # a program that answers every key with a full screen of text: the driver's own cost
        prog = ("import os,sys,tty\ntty.setraw(0)\nscreen=(('x'*199+'\\r\\n')*49).encode()\n"
                "while True:\n    b=os.read(0,1)\n    if not b or b==b'q': break\n"
                "    os.write(1,b'\\x1b[H'+screen)\n")
        scroll, filt, _ = keys_run([sys.executable, "-c", prog], view=False)
        print("%.1f %.1f %.1f %.1f" % (pct(scroll, 50), pct(scroll, 99), pct(filt, 50),
                                       pct(filt, 99)))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
