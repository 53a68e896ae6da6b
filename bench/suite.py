"""Runs the benchmark suite: data, every case with every engine, checks, report.

usage: bench/run.sh [--quick|--full] [--cubed-src DIR] [--repeats N] [--only WORKLOAD,...]
"""
import argparse
import datetime
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure  # noqa: E402
import peers  # noqa: E402
import report  # noqa: E402
import workloads  # noqa: E402

RUNNER = measure.Runner()  # forks the measured children (see measure.py)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    m = p.add_mutually_exclusive_group()
    m.add_argument("--quick", dest="mode", action="store_const", const="quick")
    m.add_argument("--full", dest="mode", action="store_const", const="full")
    p.add_argument("--cubed-src", default=os.environ.get("CUBED_SRC"))
    p.add_argument("--data", default=os.environ.get("CUBED_BENCH_DATA",
                                                    os.path.join(ROOT, "bench", "data")))
    p.add_argument("--repeats", type=int)
    p.add_argument("--only", help="comma-separated workloads (quad,elementwise,rechunk,"
                                  "matmul,overhead)")
    p.add_argument("--no-cold", action="store_true", help="skip the cold-cache runs")
    p.add_argument("--cli", default=os.path.join(ROOT, "build", "tools", "cli", "cubed"))
    p.add_argument("--command", default="bench/run.sh", help=argparse.SUPPRESS)
    a = p.parse_args()
    a.mode = a.mode or "default"
    return a


def engines_for(case, cubed_ok):
    out = [("cubed-cpp " + e, "cpp", e) for e in peers.CPP_EXECUTORS]
    out.append(("dask", "dask", None))
    if case["numpy"]:
        out.append(("numpy", "numpy", None))
    if cubed_ok:
        out += [("cubed " + e, "cubed", e) for e in peers.CUBED_EXECUTORS]
    return out


class CannotRun(Exception):
    """A peer that cannot run a case (e.g. Cubed refuses its memory bound)."""


def one_run(kind, executor, case, out, work, cli, env):
    workloads.cleanup(out)
    if kind == "cpp":
        cmd = peers.cubed_cpp_cmd(cli, case, executor, out, work)
        if case["cpp"].get("explain"):
            cmd.append("--explain")
        r = RUNNER.run(cmd)
        r["time_s"] = r["wall_s"]
        m = re.search(r"(\d+) rechunk stages", r["stdout"])
        if m:
            r["stages"] = int(m.group(1))
    else:
        r = RUNNER.run(peers.python_cmd(kind, case, out, work, executor),
                        env=env if kind == "cubed" else None)
        if "skipped" in r["report"]:  # Cubed refused the case: recorded, not timed
            raise CannotRun(r["report"]["skipped"])
        r["time_s"] = r["report"]["compute_s"]
    return r


def run_case(case, args, cubed_ok, cold_ok):
    print(f"\n== {case['id']}", flush=True)
    res = {}
    outdir = os.path.join(args.data, "out")
    work = os.path.join(args.data, "work")
    os.makedirs(outdir, exist_ok=True)
    os.makedirs(work, exist_ok=True)
    env = peers.cubed_env(args.cubed_src)
    for name, kind, executor in engines_for(case, cubed_ok):
        slug = re.sub(r"[^a-z0-9]+", "-", f"{case['id']} {name}".lower())
        out = os.path.join(outdir, slug + (".npy" if kind == "numpy" else ".zarr"))
        runs, cold, skipped = [], None, None
        if kind == "cubed" and case.get("cubed_skip"):
            print(f"  {name:28s} skipped: {case['cubed_skip']}", flush=True)
            res[name] = {"skipped": case["cubed_skip"]}
            continue
        try:
            for i in range(args.repeats):
                r = one_run(kind, executor, case, out, work, args.cli, env)
                if i == 0:
                    case["verify"](out)  # raises WrongResult: the suite fails loudly
                runs.append(r)
            if cold_ok and not args.no_cold and kind != "numpy":
                measure.drop_caches()
                cold = one_run(kind, executor, case, out, work, args.cli, env)
        except measure.RunFailed as e:
            if kind == "cpp" and "not available" in str(e):
                skipped = f"{case['workload']} not available in this build"
            else:
                raise
        except CannotRun as e:
            skipped = str(e)
        finally:
            workloads.cleanup(out)
        if skipped:
            print(f"  {name:28s} skipped: {skipped}", flush=True)
            res[name] = {"skipped": skipped}
            continue
        times = [r["time_s"] for r in runs]
        best = min(runs, key=lambda r: r["time_s"])
        entry = {"best_s": min(times), "median_s": statistics.median(times),
                 "runs_s": times, "rss_mb": max(r["rss_mb"] for r in runs),
                 "cold_s": cold["time_s"] if cold else None,
                 "cold_read_bytes": cold["read_bytes"] if cold else None,
                 **{k: best[k] for k in measure.IO_KEYS}, "verified": True}
        if "stages" in best:
            entry["stages"] = best["stages"]
        if "tasks" in best["report"]:  # the tasks a Python peer ran (Cubed counts its own)
            entry["tasks"] = best["report"]["tasks"]
        res[name] = entry
        cold_txt = f"cold {entry['cold_s']:.3f}s" if cold else "cold n/a"
        print(f"  {name:28s} best {entry['best_s']:8.3f}s  median {entry['median_s']:8.3f}s  "
              f"{cold_txt}  rss {entry['rss_mb']:8.1f} MB  read {best['rchar'] / 1e6:9.1f} MB  "
              f"written {best['wchar'] / 1e6:9.1f} MB  ok", flush=True)
    return res


def main():
    args = parse()
    args.repeats = args.repeats or workloads.SIZES[args.mode]["repeats"]
    os.makedirs(args.data, exist_ok=True)
    cubed_ok, cubed_note = peers.cubed_available(args.cubed_src)
    print(f"mode {args.mode}, data in {args.data}, {args.repeats} runs per engine")
    print(f"Python Cubed: {'at ' + cubed_note if cubed_ok else 'skipped: ' + cubed_note}")
    cold_ok = measure.drop_caches()
    print("cold-cache runs: " + ("yes (drop_caches works)" if cold_ok and not args.no_cold
                                 else "unavailable" if not cold_ok else "off (--no-cold)"))
    print("data:", flush=True)
    cases = workloads.build(args.mode, args.data)
    if args.only:
        keep = set(args.only.split(","))
        cases = [c for c in cases if c["workload"] in keep]

    print("\n== ceilings", flush=True)
    scratch = os.path.join(args.data, "work")
    os.makedirs(scratch, exist_ok=True)
    ceil = RUNNER.run(peers.python_cmd("ceilings", {"workload": "ceilings", "allowed_mem": "",
                                                     "py": workloads.ceiling_args(args.mode, scratch)},
                                        "", scratch))["report"]
    for k, v in ceil.items():
        print(f"  {k:20s} {v:8.2f}")

    results = []
    for case in cases:
        results.append((case, run_case(case, args, cubed_ok, cold_ok)))

    meta = dict(mode=args.mode, repeats=args.repeats, cubed=cubed_note if cubed_ok else None,
                cubed_skip=None if cubed_ok else cubed_note, cold_ok=cold_ok and not args.no_cold,
                date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                command=args.command, versions=peers.versions())
    RUNNER.close()
    report.emit(results, ceil, meta, ROOT)


if __name__ == "__main__":
    main()
