"""Runs the lsock benchmarks (issue 7) and prints the table.

Started by bench/run.sh (`make bench`), which builds bench/bin/bench first.
Each measurement is one server process and one client process of the same
implementation on 127.0.0.1; the client times its own loop and prints
"RESULT rate". This driver only starts them, waits, and collects.

Environment:
  BENCH_ONLY=pingpong,bulk   workloads to run (default: all)
  BENCH_RUNS=3               runs of each (the table shows the median)
  BENCH_PIN="0 0"            CPUs of server and client ("0 1", "1", or "none")
  BENCH_IMPLS=c,lsock,...    implementations to run (default: all four)
  BENCH_TIMEOUT=60           seconds before a hung pair is killed
  BENCH_LSOCK=path/lsock.so  the lsock build to measure (default: ./lsock.so)
  BENCH_PERF=1               record every process with `perf record -g` into
                             bench/out/perf/WORKLOAD.IMPL.ROLE.data (slower)

The tasks-* workloads and task-memory are single processes instead (many
conversations in one event loop: raw C epoll, Python asyncio, lsock.loop()),
in a table of their own; the lsock cells say "no loop" while the lsock.so
under test has no lsock.loop.
"""
import os
import platform
import re
import resource
import selectors
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
OUT = os.path.join(BENCH, "out")

MiB = 1 << 20

# sendfile's file: made once by the driver in a temporary folder (its path
# replaces this placeholder in the parameters), removed when the runs end.
SENDFILE_PATH = "FILE"
SENDFILE_SIZE = 512 * MiB

# name, program mode, parameters (identical for every implementation), unit,
# and how many of that unit one run does
WORKLOADS = [
    ("pingpong", "pingpong", [50000, 64], "round trips/s", 50000),
    ("bulk", "bulk", [512 * MiB, 65536], "MiB/s", 512),
    ("bulk-into", "bulk-into", [512 * MiB, 65536], "MiB/s", 512),
    ("sendfile", "sendfile", [SENDFILE_PATH, SENDFILE_SIZE], "MiB/s", SENDFILE_SIZE // MiB),
    ("udp", "udp", [200000, 64, 64], "datagrams/s", 200000),
    ("recvmsg", "recvmsg", [200000, 64, 64], "datagrams/s", 200000),
    ("connect", "connect", [5000], "connections/s", 5000),
    ("select-500", "select", [500, 20000, 64], "wake-ups/s", 20000),
    ("select-2000", "select", [2000, 20000, 64], "wake-ups/s", 20000),
    ("poller-2000", "poller", [2000, 20000, 64], "wake-ups/s", 20000),
    ("lines", "lines", [64 * MiB // 100, 100], "MiB/s", 64),
]

# Single-process workloads (both ends of every connection in one event
# loop): name, parameters, unit. tasks-idle prints the rate with its idle
# tasks and, as BASE, the rate of the same pair in the same loop without.
TASK_WORKLOADS = [
    ("tasks-pingpong", [100, 64, 3000], "round trips/s"),  # PAIRS SIZE MILLISECONDS
    ("tasks-idle", [10000, 64, 2000], "round trips/s"),    # IDLE SIZE MILLISECONDS
]
TASK_MEMORY_N = 10000

LUA = os.environ.get("LUA_BIN", "lua5.4")
IMPLS = [
    ("c", "raw C", [os.path.join(BENCH, "bin", "bench")]),
    ("lsock", "lsock", [LUA, os.path.join(BENCH, "lsock", "bench.lua")]),
    ("luasocket", "LuaSocket", [LUA, os.path.join(BENCH, "luasocket", "bench.lua")]),
    ("python", "Python", [sys.executable, os.path.join(BENCH, "py", "bench.py")]),
]

LSOCK_SO = os.environ.get("BENCH_LSOCK") or os.path.join(ROOT, "lsock.so")
# lsock.so is copied here when the run starts, so that a rebuild in the work
# tree during the run cannot mix two builds in one table.
LSOCK_LIB = os.path.join(OUT, "lib")


def env_list(name, default):
    value = os.environ.get(name, "").strip()
    return [v.strip() for v in value.split(",") if v.strip()] if value else default


def pinning():
    spec = os.environ.get("BENCH_PIN", "0 0").split()
    if spec == ["none"]:
        return [], []
    if len(spec) == 1:
        spec = spec * 2
    return (["taskset", "-c", spec[0]], ["taskset", "-c", spec[1]])


def child_env():
    env = dict(os.environ)
    # lsock first, then Lua's defaults (";;"), so LuaSocket is still found.
    env["LUA_CPATH"] = os.path.join(LSOCK_LIB, "?.so") + ";" + env.get("LUA_CPATH", "") + ";"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # the program that holds idle connections for tasks-idle and task-memory
    env["BENCH_HOLDER"] = "%s %s" % (sys.executable, os.path.join(BENCH, "tools", "holder.py"))
    return env


class Log:
    """bench/out/log.txt: stderr of every failing pair, for diagnosis."""

    def __init__(self, path):
        self.f = open(path, "w")

    def write(self, title, text):
        self.f.write("== %s\n%s\n" % (title, text.rstrip()))
        self.f.flush()


def read_line(stream, timeout):
    """One line from a pipe, or None after timeout seconds."""
    sel = selectors.DefaultSelector()
    sel.register(stream, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not sel.select(left):
            return None
        ch = os.read(stream.fileno(), 1)
        if not ch:
            break
        line += ch
    sel.close()
    return line.decode().strip()


def stop(proc):
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def perf_prefix(name, impl, role):
    if os.environ.get("BENCH_PERF", "") in ("", "0"):
        return []
    folder = os.path.join(OUT, "perf")
    os.makedirs(folder, exist_ok=True)
    return ["perf", "record", "-q", "-g", "-o",
            os.path.join(folder, "%s.%s.%s.data" % (name, impl, role)), "--"]


def make_sendfile_file(folder):
    """The regular file sendfile sends, SENDFILE_SIZE bytes; its path."""
    path = os.path.join(folder, "sendfile.dat")
    block = b"x" * MiB
    with open(path, "wb") as f:
        for _ in range(SENDFILE_SIZE // MiB):
            f.write(block)
    return path


def run_pair(impl, name, mode, params, log, title):
    """One measurement: a number, or 'n/a', 'refused', 'error', 'timeout'."""
    key, _, cmd = impl
    server_pin, client_pin = pinning()
    server_pin = server_pin + perf_prefix(name, key, "server")
    client_pin = client_pin + perf_prefix(name, key, "client")
    timeout = float(os.environ.get("BENCH_TIMEOUT", "60"))
    args = [str(p) for p in params]
    env = child_env()
    errpath = os.path.join(OUT, "stderr.tmp")
    with open(errpath + ".s", "w+") as serr, open(errpath + ".c", "w+") as cerr:
        server = subprocess.Popen(server_pin + cmd + ["server", mode, "0"] + args,
                                  stdout=subprocess.PIPE, stderr=serr, env=env)
        first = read_line(server.stdout, 10)
        if first == "NA":
            stop(server)
            return "n/a"
        if not first or not first.startswith("PORT "):
            stop(server)
            serr.seek(0)
            log.write(title + " (server)", "first line %r\n%s" % (first, serr.read()))
            return "error"
        port = first.split()[1]
        client = subprocess.Popen(client_pin + cmd + ["client", mode, port] + args,
                                  stdout=subprocess.PIPE, stderr=cerr, env=env)
        try:
            out, _ = client.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop(client)
            stop(server)
            log.write(title, "timed out after %gs" % timeout)
            return "timeout"
        try:
            rest, _ = server.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            stop(server)
            rest = b""
        out, rest = out.decode(), rest.decode()
        if "REFUSED" in rest:
            return "refused"
        if out.strip() == "NA":
            return "n/a"
        m = re.search(r"RESULT (\S+)", out)
        if m and client.returncode == 0:
            return float(m.group(1))
        serr.seek(0)
        cerr.seek(0)
        log.write(title, "client rc=%s out=%r\n-- client stderr\n%s\n-- server stderr\n%s"
                  % (client.returncode, out, cerr.read(), serr.read()))
        return "error"


def run_single(impl, name, params, log, title):
    """One single-process measurement: (rate, base or None), or a string
    ('n/a', 'error', 'timeout')."""
    key, _, cmd = impl
    pin = pinning()[0] + perf_prefix(name, key, "single")
    timeout = float(os.environ.get("BENCH_TIMEOUT", "60"))
    proc = subprocess.Popen(pin + cmd + ["single", name, "0"] + [str(p) for p in params],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env())
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop(proc)
        log.write(title, "timed out after %gs" % timeout)
        return "timeout"
    out, err = out.decode(), err.decode()
    if out.strip() == "NA":
        return "n/a"
    m = re.search(r"RESULT (\S+)(?: BASE (\S+))?", out)
    if m and proc.returncode == 0:
        return float(m.group(1)), float(m.group(2)) if m.group(2) else None
    log.write(title, "rc=%s out=%r\n%s" % (proc.returncode, out, err))
    return "error"


def has_loop():
    """Whether the lsock.so under test has lsock.loop (the tasks rows)."""
    p = subprocess.run([LUA, "-e", "os.exit(require('lsock').loop and 0 or 3)"],
                       capture_output=True, env=child_env())
    return p.returncode == 0


TASK_IMPLS = [("c", "raw C epoll"), ("python", "Python asyncio"), ("lsock", "lsock tasks")]


def task_runs(workloads, impl_keys, runs, log, have_lsock, have_loop):
    """{(workload, impl): [values]} for the single-process workloads."""
    impls = {i[0]: i for i in IMPLS}
    results = {}
    for run in range(1, runs + 1):
        for name, params, _ in workloads:
            for key, _ in TASK_IMPLS:
                if key not in impl_keys:
                    continue
                if key == "lsock" and not have_lsock:
                    value = "not loadable"
                elif key == "lsock" and not have_loop:
                    value = "no loop"
                else:
                    value = run_single(impls[key], name, params, log,
                                       "%s %s run %d" % (name, key, run))
                results.setdefault((name, key), []).append(value)
                shown = value if isinstance(value, str) else (
                    fmt(value[0]) + ("" if value[1] is None else " (alone %s)" % fmt(value[1])))
                print("run %d  %-14s %-10s %s" % (run, name, key, shown),
                      file=sys.stderr, flush=True)
    return results


def task_table(workloads, results):
    """The tasks table: rates per implementation, lsock against C and asyncio."""
    def cells(name, pick):
        out = {}
        for key, _ in TASK_IMPLS:
            values = results.get((name, key))
            if values is None:
                out[key] = "-"
                continue
            numbers = [pick(v) for v in values if isinstance(v, tuple) and pick(v) is not None]
            out[key] = statistics.median(numbers) if numbers else values[0]
        return out

    header = ["workload"] + [label for _, label in TASK_IMPLS] + ["lsock ÷ C", "lsock ÷ asyncio", "goal"]
    rows = []

    def row(title, c, goal):
        rows.append([title] + [fmt(c[k]) for k, _ in TASK_IMPLS]
                    + [ratio(c["lsock"], c["c"]), ratio(c["lsock"], c["python"]), goal])

    for name, params, unit in workloads:
        if name == "tasks-pingpong":
            row("tasks-pingpong, %d pairs (%s)" % (params[0], unit),
                cells(name, lambda v: v[0]), "≥ 0.6 of C, ≥ 2 × asyncio")
        elif name == "tasks-idle":
            row("tasks-idle: 1 active pair alone (%s)" % unit, cells(name, lambda v: v[1]), "")
            row("tasks-idle: the same pair, %s idle tasks (%s)" % ("{:,}".format(params[0]), unit),
                cells(name, lambda v: v[0]), "")
            # median of each run's own ratio: both rates come from one process
            per_run = cells(name, lambda v: v[0] / v[1] if v[1] else None)
            rows.append(["tasks-idle: with idle ÷ alone"]
                        + ["%.2f" % per_run[k] if isinstance(per_run[k], float) else per_run[k]
                           for k, _ in TASK_IMPLS] + ["", "", "lsock ≥ 0.9"])
    detail = []
    for name, _, _ in workloads:
        line = [name]
        for key, _ in TASK_IMPLS:
            values = results.get((name, key), [])
            line.append(", ".join(v if isinstance(v, str) else
                                  fmt(v[0]) + ("" if v[1] is None else " / " + fmt(v[1]))
                                  for v in values) or "-")
        detail.append(line)
    return markdown_table(header, rows), markdown_table(["workload"] + [l for _, l in TASK_IMPLS], detail)


def task_memory(log, have_lsock, have_loop):
    """Bytes per task waiting in recv (lsock) or reader.read() (asyncio)."""
    progs = [
        ("lsock tasks", [LUA, os.path.join(BENCH, "lsock", "taskmem.lua")],
         "Lua heap (collectgarbage)"),
        ("Python asyncio", [sys.executable, os.path.join(BENCH, "py", "taskmem.py")],
         "tracemalloc, with the task's stream"),
    ]
    rows = []
    for name, cmd, how in progs:
        if name.startswith("lsock") and not (have_lsock and have_loop):
            rows.append([name, "no loop" if have_lsock else "not loadable", "-", how])
            continue
        p = subprocess.run(cmd + [str(TASK_MEMORY_N)], capture_output=True, text=True,
                           env=child_env())
        m = dict(re.findall(r"(\w+) (\S+)", p.stdout))
        if p.stdout.strip() == "NA":
            rows.append([name, "no loop", "-", how])
            continue
        if p.returncode != 0 or "TASK" not in m:
            log.write("task memory " + name, p.stdout + p.stderr)
            rows.append([name, "error", "error", how])
            continue
        rows.append([name, "%.0f B" % float(m["TASK"]), "%.0f B" % float(m["RSSTASK"]), how])
    header = ["implementation", "heap per waiting task", "RSS growth per waiting task",
              "heap measured by"]
    return markdown_table(header, rows)


def median_cell(values):
    numbers = [v for v in values if isinstance(v, float)]
    if numbers:
        return statistics.median(numbers)
    return values[0] if values else "-"


def fmt(value):
    if isinstance(value, float):
        return "{:,.0f}".format(value)
    return value


def ratio(value, base):
    if isinstance(value, float) and isinstance(base, float) and base > 0:
        return "%.2f" % (value / base)
    return "-"


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |",
             "| " + " | ".join("---" if i == 0 else "---:" for i in range(len(header))) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def memory(log, have_lsock):
    """Bytes per socket object and RSS with 10,000 open UDP sockets."""
    progs = [
        ("lsock", [LUA, os.path.join(BENCH, "lsock", "mem.lua")]),
        ("LuaSocket", [LUA, os.path.join(BENCH, "luasocket", "mem.lua")]),
        ("Python", [sys.executable, os.path.join(BENCH, "py", "mem.py")]),
    ]
    rows = []
    for name, cmd in progs:
        if name == "lsock" and not have_lsock:
            rows.append([name, "n/a", "n/a", "n/a"])
            continue
        p = subprocess.run(cmd + ["10000"], capture_output=True, text=True, env=child_env())
        m = dict(re.findall(r"(\w+) (\S+)", p.stdout))
        if p.returncode != 0 or "OBJECT" not in m:
            log.write("memory " + name, p.stdout + p.stderr)
            rows.append([name, "error", "error", "error"])
            continue
        rows.append([name, "%.0f B" % float(m["OBJECT"]),
                     "%.1f MiB" % (float(m["RSS"]) / 1024),
                     "%.0f B" % ((float(m["RSS"]) - float(m["BASE"])) * 1024 / 10000)])
    header = ["implementation", "one socket object (GC/heap delta ÷ 10,000)",
              "RSS holding 10,000 open UDP sockets", "RSS growth per socket"]
    return markdown_table(header, rows)


def version(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, env=child_env(), timeout=10)
        return (p.stdout + p.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def lsock_source():
    if os.environ.get("BENCH_LSOCK"):
        return "BENCH_LSOCK=%s" % os.environ["BENCH_LSOCK"]
    try:
        head = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%h %s"],
                              capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "src"],
                               capture_output=True, text=True).stdout.strip()
        return "commit %s%s" % (head, " (src/ had uncommitted changes)" if dirty else "")
    except OSError:
        return "?"


def snapshot_lsock(log):
    """Copies lsock.so aside; True when that copy loads."""
    os.makedirs(LSOCK_LIB, exist_ok=True)
    copy = os.path.join(LSOCK_LIB, "lsock.so")
    if os.path.exists(copy):
        os.remove(copy)
    if not os.path.exists(LSOCK_SO):
        return False
    shutil.copyfile(LSOCK_SO, copy)
    p = subprocess.run([LUA, "-e", "require 'lsock'"], capture_output=True, text=True,
                       env=child_env())
    if p.returncode != 0:
        log.write("loading lsock.so", p.stderr)
        print("bench: lsock.so does not load:\n" + p.stderr, file=sys.stderr)
    return p.returncode == 0


def machine(have_lsock):
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return [
        "- machine: %s, %d CPUs, Linux %s" % (model, os.cpu_count(), platform.release()),
        "- %s; %s; LuaSocket %s; %s" % (
            version([LUA, "-v"]), version([sys.executable, "-V"]),
            version([LUA, "-e", "print((require 'socket')._VERSION)"]),
            version([LUA, "-e", "print((require 'lsock')._VERSION)"])
            if have_lsock else "lsock not loadable"),
        "- lsock.so built from %s" % lsock_source(),
        "- C: %s, -O2" % version(["cc", "--version"]),
    ]


def main():
    os.makedirs(OUT, exist_ok=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 20000
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(hard, want)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))

    extra = ["memory", "task-memory"]
    only = env_list("BENCH_ONLY", [w[0] for w in WORKLOADS]
                    + [w[0] for w in TASK_WORKLOADS] + extra)
    unknown = set(only) - {w[0] for w in WORKLOADS + TASK_WORKLOADS} - set(extra)
    if unknown:
        sys.exit("BENCH_ONLY: unknown workload(s) %s" % ", ".join(sorted(unknown)))
    workloads = [w for w in WORKLOADS if w[0] in only]
    task_workloads = [w for w in TASK_WORKLOADS if w[0] in only]
    impl_keys = env_list("BENCH_IMPLS", [i[0] for i in IMPLS])
    impls = [i for i in IMPLS if i[0] in impl_keys]
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    log = Log(os.path.join(OUT, "log.txt"))
    have_lsock = snapshot_lsock(log)
    have_loop = have_lsock and has_loop()
    if have_lsock and not have_loop and (task_workloads or "task-memory" in only):
        print("bench: this lsock.so has no lsock.loop: the lsock cells of the tasks rows "
              "and task memory are skipped (they say 'no loop')", file=sys.stderr)
    pin = os.environ.get("BENCH_PIN", "0 0")

    tmpdir = tempfile.mkdtemp(prefix="lsock-bench-")
    try:
        report = measure(workloads, task_workloads, only, impls, impl_keys, runs, log,
                         have_lsock, have_loop, pin, tmpdir)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write(report)
    print(report)


def measure(workloads, task_workloads, only, impls, impl_keys, runs, log,
            have_lsock, have_loop, pin, tmpdir):
    """Runs everything selected; the text of results.md."""
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    if any(w[0] == "sendfile" for w in workloads):
        path = make_sendfile_file(tmpdir)
        workloads = [(n, m, [path if p == SENDFILE_PATH else p for p in params], u, o)
                     for n, m, params, u, o in workloads]
    results = {(w[0], i[0]): [] for w in workloads for i in impls}
    switches = {(w[0], i[0]): [] for w in workloads for i in impls}
    for run in range(1, runs + 1):
        for name, mode, params, _, ops in workloads:
            for impl in impls:
                if impl[0] == "lsock" and not have_lsock:
                    value = "not loadable"
                else:
                    before = resource.getrusage(resource.RUSAGE_CHILDREN)
                    value = run_pair(impl, name, mode, params, log,
                                     "%s %s run %d" % (name, impl[0], run))
                    after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    if isinstance(value, float):
                        csw = (after.ru_nvcsw + after.ru_nivcsw
                               - before.ru_nvcsw - before.ru_nivcsw)
                        switches[(name, impl[0])].append(csw / ops)
                results[(name, impl[0])].append(value)
                print("run %d  %-12s %-10s %s" % (run, name, impl[0], fmt(value)),
                      file=sys.stderr, flush=True)

    header = ["workload"]
    for key, label, _ in impls:
        header.append(label)
        if key != "c":
            header.append("ratio")
    rows, detail, csw_rows = [], [], []
    for name, _, _, unit, _ in workloads:
        medians = {i[0]: median_cell(results[(name, i[0])]) for i in impls}
        base = medians.get("c")
        row = ["%s (%s)" % (name, unit)]
        for key, _, _ in impls:
            row.append(fmt(medians[key]))
            if key != "c":
                row.append(ratio(medians[key], base))
        rows.append(row)
        detail.append([name] + [", ".join(fmt(v) for v in results[(name, i[0])]) for i in impls])
        csw_rows.append([name] + ["%.2f" % statistics.median(switches[(name, i[0])])
                                  if switches[(name, i[0])] else "-" for i in impls])
    tasks = (task_table(task_workloads, task_runs(task_workloads, impl_keys, runs, log,
                                                  have_lsock, have_loop))
             if task_workloads else None)
    taskmem = task_memory(log, have_lsock, have_loop) if "task-memory" in only else None
    elapsed = time.monotonic() - started

    table = markdown_table(header, rows) if workloads else "(no two-process workload selected)"
    mem = memory(log, have_lsock) if "memory" in only else None
    text = ["# lsock benchmarks", "",
            "`make bench` (%s), median of %d run%s, pinned with BENCH_PIN=\"%s\"; "
            "ratios are to raw C's median in the same run."
            % (time.strftime("%Y-%m-%d %H:%M"), runs, "" if runs == 1 else "s", pin), ""]
    text += machine(have_lsock)
    text += ["- load average (1 min) %.2f before the runs, %.2f after: anything above ~0.1 "
             "before means another job shared the CPUs, and the numbers are noisier"
             % (load_before, os.getloadavg()[0]), "", table, ""]
    if mem:
        text += ["## Memory", "", mem, ""]
    if tasks:
        text += ["## Tasks: many conversations in one process", "",
                 "One process, one CPU: raw C is a level-triggered epoll loop over "
                 "non-blocking sockets, Python is asyncio streams, lsock is one "
                 "`lsock.loop()` with a task per connection end. Ratios are lsock's median "
                 "over the others' medians.", "", tasks[0], "",
                 "Every run (tasks-idle: with idle tasks / alone):", "", tasks[1], ""]
    if taskmem:
        text += ["## Task memory", "",
                 "%s connections from another process, each waited on by one task "
                 "(lsock: `c:recv(64)`; asyncio: `reader.read(64)`); the sockets exist "
                 "before the baseline. Kernel memory is in neither." % "{:,}".format(TASK_MEMORY_N),
                 "", taskmem, ""]
    if workloads:
        text += ["## Every run", "", markdown_table(["workload"] + [i[1] for i in impls], detail),
                 "", "## Context switches per operation", "",
                 "Both processes together, median over the runs; an operation is the unit of "
                 "the rate (a round trip, a MiB, a datagram, a connection, a wake-up). With both "
                 "processes on one CPU, fewer switches per operation can make a slower program "
                 "win: it batches more work per wake-up.", "",
                 markdown_table(["workload"] + [i[1] for i in impls], csw_rows), ""]
    text += ["Took %.0f s. Failures, if any, are logged in bench/out/log.txt." % elapsed, ""]
    return "\n".join(text)


if __name__ == "__main__":
    main()
