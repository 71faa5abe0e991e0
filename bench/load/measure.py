"""CPU sampling and the summary of a load test run (scripts/load.sh). Linux (/proc); standard library.

    measure.py sample --app-pid PID --db NAME --out FILE [--interval 1]
        until stopped (SIGTERM): every interval one JSON line of cumulative CPU seconds since the
        start, by group: app (the gunicorn master and its workers), db (PostgreSQL backends
        connected to database NAME), pg_shared (the server's own processes: checkpointer, WAL
        writer, autovacuum…), other_db (backends of other databases: other work on the machine,
        left out of the split), locust (the load generator), and the machine's busy CPU seconds.
    measure.py report --users N --csv PREFIX --events FILE --cpu FILE --out FILE [--duration …]
        locust's CSV (from the moment every user had logged in) + logins and failures over the whole
        run + the CPU samples of the same window → one JSON file and a printed summary.
    measure.py max FILE…
        the highest user count whose run kept p95 ≤ 500 ms with no failure.
"""

import argparse
import csv
import json
import math
import os
import re
import signal
import sys
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
CPUS = os.cpu_count() or 1
P95_LIMIT_MS = 500.0


# -- sampling -------------------------------------------------------------------------------------

def processes():
    """{pid: (ppid, cpu seconds, command line)} of every process we may read."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as handle:
                stat = handle.read()
            with open(f"/proc/{entry.name}/cmdline", "rb") as handle:
                command = handle.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        # The command name (2nd field) may hold spaces and parentheses: split after its last ")".
        fields = stat[stat.rfind(")") + 2:].split()
        found[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK, command)
    return found


def descendants(root, table):
    children = {}
    for pid, (ppid, _cpu, _cmd) in table.items():
        children.setdefault(ppid, []).append(pid)
    tree, stack = set(), [root]
    while stack:
        pid = stack.pop()
        if pid in table and pid not in tree:
            tree.add(pid)
            stack.extend(children.get(pid, []))
    return tree


def classify(table, app_pid, locust_pid, database):
    app = descendants(app_pid, table)
    load = descendants(locust_pid, table) if locust_pid else set()
    groups = {}
    for pid, (_ppid, _cpu, command) in table.items():
        if pid in app:
            groups[pid] = "app"
        elif pid in load:
            groups[pid] = "locust"
        elif command.startswith("postgres:"):
            # A client backend's title: "postgres: [15/main:] <user> <database> <host(port)> <state>".
            words = command.split()
            client = next((i for i, w in enumerate(words) if w == "[local]" or re.fullmatch(r"\S+\(\d+\)", w)),
                          None)
            if client is not None:
                groups[pid] = "db" if words[client - 1] == database else "other_db"
            else:  # the server's own processes; an autovacuum worker names its database
                groups[pid] = "db" if database in words else "pg_shared"
        elif command.split(" ")[0].endswith("/postgres"):
            groups[pid] = "pg_shared"  # the postmaster itself
    return groups


def machine_busy():
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return (sum(values[:8]) - idle) / TICK


def sample(args):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    last, totals = {}, {"app": 0.0, "db": 0.0, "pg_shared": 0.0, "other_db": 0.0, "locust": 0.0}
    started, busy0 = time.time(), machine_busy()
    first = True
    with open(args.out, "w") as out:
        while True:
            locust_pid = int(Path(args.locust_pid_file).read_text() or 0) \
                if args.locust_pid_file and Path(args.locust_pid_file).exists() else 0
            table = processes()
            groups = classify(table, args.app_pid, locust_pid, args.db)
            for pid, group in groups.items():
                cpu = table[pid][1]
                # A process seen for the first time counts from its start, except at the very first
                # sample (the baseline); a pid reused by another process restarts from zero.
                before = last.get(pid, cpu if first else 0.0)
                if cpu < before:
                    before = 0.0
                totals[group] += cpu - before
                last[pid] = cpu
            first = False
            row = {"t": round(time.time(), 3), "elapsed": round(time.time() - started, 3),
                   "machine_busy": round(machine_busy() - busy0, 3), "load1": os.getloadavg()[0],
                   **{k: round(v, 3) for k, v in totals.items()}}
            out.write(json.dumps(row) + "\n")
            out.flush()
            if stop:
                return
            for _ in range(int(args.interval * 10)):
                if stop:
                    break
                time.sleep(0.1)


# -- the summary ----------------------------------------------------------------------------------

def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def ms(value):
    try:
        return float(value)
    except (TypeError, ValueError):  # "N/A" for a name with no request after the ramp
        return 0.0


def read_stats(prefix):
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv", newline="")))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    pages = [{"name": f'{r["Type"]} {r["Name"]}', "requests": int(r["Request Count"]),
              "failures": int(r["Failure Count"]), "p50_ms": ms(r["50%"]), "p95_ms": ms(r["95%"]),
              "p99_ms": ms(r["99%"]), "max_ms": round(ms(r["Max Response Time"]))}
             for r in rows if r["Name"] != "Aggregated"]
    return total, sorted(pages, key=lambda p: -p["p95_ms"])


def cpu_split(path, since, until, requests):
    samples = [json.loads(line) for line in open(path) if line.strip()]
    window = [s for s in samples if since - 0.5 <= s["t"] <= until + 0.5] or samples
    first, last = window[0], window[-1]
    seconds = last["t"] - first["t"]
    if seconds <= 0:
        return None
    used = {k: round(last[k] - first[k], 1) for k in ("app", "db", "pg_shared", "other_db", "locust", "machine_busy")}
    # Everything else the machine did meanwhile (other work sharing it, other databases included).
    used["others"] = round(max(0.0, used["machine_busy"] - used["app"] - used["db"] - used["pg_shared"]
                               - used["locust"]), 1)
    app_db = used["app"] + used["db"] + used["pg_shared"]
    loads = [s["load1"] for s in window]
    return {
        "window_s": round(seconds, 1), "cpus": CPUS, "cpu_seconds": used,
        "share_of_machine": {k: round(v / (seconds * CPUS), 3) for k, v in used.items()},
        "app_vs_database": {"app": round(used["app"] / app_db, 3) if app_db else None,
                            "database": round((used["db"] + used["pg_shared"]) / app_db, 3) if app_db else None},
        "load_average_1min": {"min": min(loads), "max": max(loads), "mean": round(sum(loads) / len(loads), 2)},
        # CPU time per request: what the machine's contention changes least; cores / this = the
        # request rate the app and the database could serve at full load.
        "cpu_ms_per_request": {"app": round(1000 * used["app"] / requests, 1) if requests else None,
                               "database": round(1000 * (used["db"] + used["pg_shared"]) / requests, 1)
                               if requests else None},
    }


def report(args):
    total, pages = read_stats(args.csv)
    events = json.loads(Path(args.events).read_text()) if Path(args.events).exists() else {}
    since = events.get("measured_from") or events.get("spawning_complete_at") or events.get("started_at") or 0
    until = events.get("stopped_at") or time.time()
    failures = int(total["Failure Count"])
    result = {
        "users": args.users, "spawn_rate": args.spawn_rate, "duration": args.duration, "workers": args.workers,
        "dataset": args.dataset, "measured_after_ramp_s": round(until - since, 1) if since else None,
        "requests": int(total["Request Count"]), "requests_per_s": round(float(total["Requests/s"]), 1),
        "p50_ms": ms(total["50%"]), "p95_ms": ms(total["95%"]), "p99_ms": ms(total["99%"]),
        "max_ms": round(ms(total["Max Response Time"])), "failures": failures,
        "logins": len(events.get("login_ms", [])),
        "login_p50_ms": percentile(events.get("login_ms"), 0.5), "login_p95_ms": percentile(events.get("login_ms"), 0.95),
        "failures_whole_run": events.get("failures"), "requests_whole_run": events.get("requests"),
        "failure_kinds": events.get("failures_by_name", {}),
        "scenario_errors": events.get("scenario_errors"), "scenario_error_kinds": events.get("scenario_errors_by_kind", {}),
        "cpu": cpu_split(args.cpu, since, until, int(total["Request Count"])) if Path(args.cpu).exists() else None,
        "slowest_pages": pages[:8],
    }
    result["holds_target"] = (result["p95_ms"] <= P95_LIMIT_MS and failures == 0
                              and not result["failures_whole_run"] and not result["scenario_errors"])
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print_summary(result)
    print(f"→ {args.out}")


def print_summary(r):
    print(f"\n== load test: {r['users']} users, {r['duration']}, {r['workers']} gunicorn workers, {r['dataset']}")
    print(f"requests/s {r['requests_per_s']}  p50 {r['p50_ms']:.0f} ms  p95 {r['p95_ms']:.0f} ms  "
          f"p99 {r['p99_ms']:.0f} ms  max {r['max_ms']} ms  ({r['requests']} requests after the ramp)")
    print(f"logins during the ramp: {r['logins']}, p50 {r['login_p50_ms']} ms, p95 {r['login_p95_ms']} ms "
          f"(not in the figures above)")
    print(f"failures {r['failures']} after the ramp, {r['failures_whole_run']} over the whole run "
          f"({r['requests_whole_run']} requests)")
    for kind, count in list(r["failure_kinds"].items())[:10]:
        print(f"   {count:5d}  {kind}")
    if r["scenario_errors"]:
        print(f"scenario errors (exceptions in the locustfile): {r['scenario_errors']}")
        for kind, count in list(r["scenario_error_kinds"].items())[:10]:
            print(f"   {count:5d}  {kind}")
    cpu = r["cpu"]
    if cpu:
        s, share = cpu["cpu_seconds"], cpu["share_of_machine"]
        print(f"CPU over {cpu['window_s']} s on {cpu['cpus']} cores: app (gunicorn) {s['app']} s "
              f"({share['app']:.0%} of the machine), database {s['db']} s + server {s['pg_shared']} s "
              f"({share['db'] + share['pg_shared']:.0%}), locust {s['locust']} s ({share['locust']:.0%}), "
              f"other work {s['others']} s ({share['others']:.0%}; other databases {s['other_db']} s); "
              f"machine busy {share['machine_busy']:.0%}")
        split = cpu["app_vs_database"]
        if split["app"] is not None:
            per = cpu["cpu_ms_per_request"]
            print(f"app : database = {split['app']:.0%} : {split['database']:.0%}   CPU per request: app "
                  f"{per['app']} ms, database {per['database']} ms   load average "
                  f"{cpu['load_average_1min']['mean']} (1 min, {cpu['load_average_1min']['min']:.2f}–"
                  f"{cpu['load_average_1min']['max']:.2f})")
    print("slowest pages (p95):  " + ";  ".join(f"{p['name']} {p['p95_ms']:.0f} ms" for p in r["slowest_pages"][:5]))
    print(f"target p95 ≤ {P95_LIMIT_MS:.0f} ms and no failure: {'held' if r['holds_target'] else 'MISSED'}")


def find_max(args):
    runs = sorted((json.loads(Path(p).read_text()) for p in args.files if Path(p).exists()),
                  key=lambda r: r["users"])
    held = [r["users"] for r in runs if r["holds_target"]]
    best = max(held) if held else None
    print("\n== steps")
    for r in runs:
        print(f"{r['users']:5d} users  {r['requests_per_s']:7.1f} req/s  p95 {r['p95_ms']:6.0f} ms  "
              f"failures {r['failures_whole_run']}  {'held' if r['holds_target'] else 'MISSED'}")
    note = " (every step held: try larger LOAD_STEPS)" if runs and len(held) == len(runs) else ""
    print(f"highest user count with p95 ≤ {P95_LIMIT_MS:.0f} ms and no failure: {best}{note}")
    if args.out:
        Path(args.out).write_text(json.dumps({"max_users": best, "every_step_held": bool(note), "steps": [
            {k: r[k] for k in ("users", "requests_per_s", "p50_ms", "p95_ms", "p99_ms", "failures_whole_run",
                               "holds_target")} for r in runs]}, indent=1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample")
    s.add_argument("--app-pid", type=int, required=True)
    s.add_argument("--locust-pid-file", default="")
    s.add_argument("--db", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--interval", type=float, default=1.0)
    r = sub.add_parser("report")
    r.add_argument("--users", type=int, required=True)
    r.add_argument("--spawn-rate", type=float)
    r.add_argument("--duration", default="")
    r.add_argument("--workers", type=int)
    r.add_argument("--dataset", default="")
    r.add_argument("--csv", required=True)
    r.add_argument("--events", required=True)
    r.add_argument("--cpu", required=True)
    r.add_argument("--out", required=True)
    m = sub.add_parser("max")
    m.add_argument("files", nargs="+")
    m.add_argument("--out")
    args = parser.parse_args()
    {"sample": sample, "report": report, "max": find_max}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
