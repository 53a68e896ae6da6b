"""The report: a terminal table of ratios, the targets of issue 10 (met or missed by
how much), BENCHMARKS.md and a chart (bench/benchmarks.png)."""
import os
import platform
import subprocess

CPP1, CPP2 = "cubed-cpp single-threaded", "cubed-cpp threads:2"
CUBED = ("cubed single-threaded", "cubed threads:2")
PEERS = ("dask", "numpy") + CUBED
GB = 1e9


def _ok(e):
    return e is not None and "skipped" not in e


def _fastest(res, names):
    """The fastest of the engines in names that ran a case: (name, entry), or (None, None)."""
    c = [(n, res[n]) for n in names if _ok(res.get(n))]
    return min(c, key=lambda x: x[1]["median_s"]) if c else (None, None)


def _cpp(res):
    """The faster cubed-cpp executor of a case (name, entry), or (None, None)."""
    return _fastest(res, (CPP1, CPP2))


def _fmt_t(s):
    return "—" if s is None else f"{s:.3f}" if s < 10 else f"{s:.1f}"


def table_rows(results):
    rows = []
    for case, res in results:
        for name, e in res.items():
            if not _ok(e):
                rows.append([case["id"], name, "skipped: " + e["skipped"]] + [""] * 7)
                continue
            rows.append([case["id"], name, _fmt_t(e["best_s"]), _fmt_t(e["median_s"]),
                         _fmt_t(e["cold_s"]), f"{e['rss_mb']:.0f}", f"{e['rchar'] / 1e6:.0f}",
                         f"{e['wchar'] / 1e6:.0f}", f"{e['read_bytes'] / 1e6:.0f}",
                         f"{e['write_bytes'] / 1e6:.0f}"])
    return rows


HEAD = ["case", "engine", "best s", "median s", "cold s", "peak RSS MB", "read MB (rchar)",
        "written MB (wchar)", "disk read MB", "disk written MB"]


def ratio_rows(results):
    rows = []
    for case, res in results:
        for cname in (CPP1, CPP2):
            c = res.get(cname)
            if not _ok(c):
                continue
            for p in PEERS:
                e = res.get(p)
                if _ok(e):
                    rows.append([case["id"], cname.split()[-1], p,
                                 f"{c['median_s'] / e['median_s']:.2f}",
                                 f"{c['rss_mb'] / e['rss_mb']:.2f}"])
    return rows


RHEAD = ["case", "cubed-cpp executor", "peer", "time ratio (cpp / peer, <1 = cpp faster)",
         "RSS ratio (cpp / peer)"]


def _size_bytes(s):
    units = {"kB": 1e3, "MB": 1e6, "GB": 1e9, "KiB": 1024, "MiB": 1 << 20, "GiB": 1 << 30, "B": 1}
    for u in sorted(units, key=len, reverse=True):
        if s.endswith(u):
            return float(s[:-len(u)]) * units[u]
    return float(s)


def targets(results, ceil):
    """[(target, measured, verdict)] for the targets of issue 10."""
    out = []

    def speedup(res, peer):
        """The peer's median over the faster cubed-cpp's; "cubed" is its faster executor."""
        _, c = _cpp(res)
        e = _fastest(res, CUBED)[1] if peer == "cubed" else res.get(peer)
        if not c or not _ok(e):
            return None
        return e["median_s"] / c["median_s"]

    def not_measured(res, peer):
        """Why a speedup over peer is missing: the peer's own skip reason if any."""
        names = CUBED if peer == "cubed" else (peer,)
        why = [res[n]["skipped"] for n in names if n in res and not _ok(res[n])]
        return "not measured" + (f" ({peer}: {why[0]})" if why else "")

    def verdict(value, goal, higher=True):
        if value is None:
            return "not measured"
        met = value >= goal if higher else value <= goal
        if met:
            return "met"
        return f"missed by {goal / value:.2f}x" if higher else f"missed by {value / goal:.2f}x"

    for case, res in results:
        w = case["workload"]
        _, c = _cpp(res)
        if w == "quad":
            for peer, goal in (("dask", 5), ("cubed", 10)):
                s = speedup(res, peer)
                out.append((f"{case['id']}: >= {goal}x faster than {peer}",
                            "—" if s is None else f"{s:.2f}x",
                            not_measured(res, peer) if s is None else verdict(s, goal)))
            if c:
                allowed = _size_bytes(case["allowed_mem"]) / 1e6
                out.append((f"{case['id']}: peak RSS <= allowed_mem ({allowed:.0f} MB)",
                            f"{c['rss_mb']:.0f} MB", verdict(c["rss_mb"], allowed, higher=False)))
        elif w == "elementwise":
            goal = {"16MiB": 1, "256KiB": 5}.get(case["chunk_label"])
            if goal:
                s = speedup(res, "dask")
                out.append((f"{case['id']}: >= {goal}x Dask", "—" if s is None else f"{s:.2f}x",
                            verdict(s, goal)))
            e = res.get(CPP1)
            if _ok(e):
                n = case["nbytes"] / GB
                if case["compressor"] == "blosc-lz4":
                    ceil_t = n / ceil["lz4_decode_GBps"] + n / ceil["lz4_encode_GBps"]
                    what = "blosc-lz4 codec ceiling (decode + encode, 1 core)"
                else:
                    ceil_t = n / ceil["file_read_GBps"] + n / ceil["file_write_GBps"]
                    what = "file read + write ceiling (page cache, 1 core)"
                frac = ceil_t / e["median_s"]
                out.append((f"{case['id']}: single-threaded >= 75% of the {what}",
                            f"{100 * frac:.0f}%", verdict(frac, 0.75)))
        elif w == "rechunk":
            s = speedup(res, "dask")
            out.append((f"{case['id']}: >= 2x faster than Dask", "—" if s is None else f"{s:.2f}x",
                        verdict(s, 2)))
            d = res.get("dask")
            if c and _ok(d):
                out.append((f"{case['id']}: less peak memory than Dask",
                            f"{c['rss_mb']:.0f} vs {d['rss_mb']:.0f} MB",
                            verdict(c["rss_mb"], d["rss_mb"] * 0.999999, higher=False)))
            if c:
                stages = c.get("stages", 1)
                per = (c["rchar"] + c["wchar"]) / (2 * case["stored_bytes"]) / stages
                out.append((f"{case['id']}: I/O per stage within 2x of the data size "
                            f"({stages} stage(s); rchar + wchar against 2x the stored input)",
                            f"{per:.2f}x", verdict(per, 2, higher=False)))
        elif w == "matmul":
            npy = res.get("numpy")
            if c and _ok(npy):
                r = c["median_s"] / npy["median_s"]
                out.append((f"{case['id']}: within 1.5x of OpenBLAS (numpy in memory)",
                            f"{r:.2f}x", verdict(r, 1.5, higher=False)))
            else:
                out.append((f"{case['id']}: within 1.5x of OpenBLAS (numpy in memory)", "—",
                            "not measured: " + next((e["skipped"] for e in res.values()
                                                     if "skipped" in e), "no result")))
            s = speedup(res, "dask")
            out.append((f"{case['id']}: faster than Dask", "—" if s is None else f"{s:.2f}x",
                        verdict(s, 1) if s is not None else "not measured"))
        elif w == "overhead_sum":
            if c:
                us = c["median_s"] / case["tasks"] * 1e6
                out.append((f"{case['id']}: <= 10 µs per task", f"{us:.1f} µs",
                            verdict(us, 10, higher=False)))
        elif w == "overhead":
            if c and ceil.get("file_create_us"):
                us = c["median_s"] / case["tasks"] * 1e6
                out.append((f"{case['id']}: per task against the filesystem's create + rename of one "
                            f"file ({ceil['file_create_us']:.0f} µs, measured in this run)", f"{us:.1f} µs",
                            f"{us / ceil['file_create_us']:.2f}x the file ceiling"))
    return out


def overhead_lines(results):
    lines = []
    for case, res in results:
        if case["workload"] not in ("overhead", "overhead_sum"):
            continue
        for name, e in res.items():
            if _ok(e):
                line = f"{name}: {e['median_s'] / case['tasks'] * 1e6:.1f} µs per task"
                if e.get("tasks") and e["tasks"] != case["tasks"]:  # Cubed's plan differs
                    line += (f" (it ran {e['tasks']} tasks: "
                             f"{e['median_s'] / e['tasks'] * 1e6:.1f} µs each)")
                lines.append(line)
    return lines


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) / 1024 / 1024
    return dict(cores=os.cpu_count(), cpu=cpu, memory=f"{mem:.1f} GiB",
                kernel=platform.release(), os=_os_name())


def _os_name():
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return platform.system()


def _md_table(head, rows):
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(map(str, r)) + " |" for r in rows]
    return "\n".join(lines)


def _text_table(head, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)] if rows else []
    fmt = "  ".join("{:<%d}" % w for w in widths)
    return "\n".join([fmt.format(*head)] + [fmt.format(*map(str, r)) for r in rows])


def chart(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    engines = [CPP1, CPP2, "dask", "numpy"] + list(CUBED)
    colors = {CPP1: "#1f77b4", CPP2: "#08306b", "dask": "#ff7f0e", "numpy": "#2ca02c",
              CUBED[0]: "#c5b0d5", CUBED[1]: "#9467bd"}
    cases = [(c, r) for c, r in results]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 0.55 * len(cases) * 2 + 2), sharey=True)
    h = 0.8 / len(engines)
    for i, eng in enumerate(engines):
        ys, ts, rss = [], [], []
        for j, (c, r) in enumerate(cases):
            e = r.get(eng)
            if _ok(e):
                ys.append(j + (i - len(engines) / 2 + 0.5) * h)
                ts.append(e["median_s"])
                rss.append(e["rss_mb"])
        if ys:
            ax1.barh(ys, ts, height=h, color=colors[eng], label=eng)
            ax2.barh(ys, rss, height=h, color=colors[eng], label=eng)
    for j, (c, r) in enumerate(cases):
        skipped = [n for n, e in r.items() if not _ok(e)]
        if skipped:
            ax1.annotate("skipped: " + ", ".join(skipped), (0.01, j),
                         xycoords=("axes fraction", "data"), fontsize=7, va="center",
                         color="#b00000")
    ax1.set_yticks(range(len(cases)), [c["id"] for c, _ in cases])
    ax1.invert_yaxis()
    ax1.set_xscale("log")
    ax1.set_xlabel("median wall time, s (log; shorter is better)")
    ax2.set_xscale("log")
    ax2.set_xlabel("peak RSS, MB (log)")
    fig.legend(*ax1.get_legend_handles_labels(), loc="lower center", ncol=6, fontsize=9)
    ax1.grid(axis="x", alpha=0.3, which="both")
    ax2.grid(axis="x", alpha=0.3, which="both")
    fig.suptitle("cubed-cpp vs Dask, numpy (and Cubed) — same data, same run")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _git_rev(root):
    try:
        return subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


CUBED_EXECUTORS = (
    "`cubed single-threaded` is its default executor (PythonDagExecutor: one task at a time "
    "in the process), `cubed threads:2` its AsyncPythonDagExecutor with the thread pool "
    "capped at 2 workers, `compute_arrays_in_parallel=True` and `batch_size=100` (without "
    "it its wait on all of a stage's futures is quadratic in the tasks). Each case is written as "
    "Cubed's users write it: `cubed.Spec(work_dir, allowed_mem, reserved_mem)`, `from_zarr`, "
    "`cubed.array_api` functions, `cubed.store` into Zarr arrays with the case's compressor "
    "(the three quadratic means are stored together, as Cubed's own benchmark does). A case "
    "Cubed refuses (e.g. its memory bound) is listed as skipped with Cubed's reason.")


def emit(results, ceil, meta, root):
    rows, rrows, trows = table_rows(results), ratio_rows(results), targets(results, ceil)
    print("\n" + _text_table(HEAD, rows))
    print("\nratios, cubed-cpp against each peer (median times):")
    print(_text_table(RHEAD, rrows))
    print("\ntargets of issue 10:")
    print(_text_table(["target", "measured", "verdict"], trows))
    for line in overhead_lines(results):
        print("  " + line)

    svg = os.path.join(root, "bench", "benchmarks.png")
    chart(results, svg)
    m, v = machine(), meta["versions"]
    quick = meta["mode"] == "quick"
    md = ["# Benchmarks", ""]
    if quick:
        md += ["> **Quick run (`--quick`): small sizes, and other builds were running on the "
               "same 2 cores, so the timings are noisy. It validates the suite end to end; it "
               "does not measure the targets at the issue's sizes.**", ""]
    md += [f"Generated by `{meta['command']}` on {meta['date']} (mode `{meta['mode']}`, "
           f"{meta['repeats']} runs per engine, cubed-cpp at {_git_rev(root)}). Do not edit: "
           "run the suite again.", "",
           f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory']} memory, Linux "
           f"{m['kernel']}, {m['os']}. Python {v['python']}, numpy {v['numpy']}, "
           f"dask {v['dask']}, zarr {v['zarr']}, numcodecs {v['numcodecs']}.", "",
           "Python Cubed: " + (f"{meta['cubed']}; " + CUBED_EXECUTORS if meta["cubed"] else
                               f"not run ({meta['cubed_skip']})."), "",
           "![chart](bench/benchmarks.png)", "",
           "## Targets", "", _md_table(["target", "measured", "verdict"], trows), "",
           "## Ratios (cubed-cpp median time / peer median time; RSS likewise)", "",
           _md_table(RHEAD, rrows), "",
           "## All runs", "", _md_table(HEAD, rows), "",
           "## Ceilings (same run)", "",
           _md_table(["measure", "value"], [[k, f"{val:.2f}"] for k, val in ceil.items()
                                            if k != "compute_s"]), "",
           "## How to read this", "",
           "- Times: cubed-cpp is the whole `cubed eval` process; Dask and Cubed are the "
           "compute-and-store call inside their process (interpreter start and imports "
           "excluded); numpy is the in-memory computation only (loading excluded, no write), "
           "a reference, not a peer under the same constraints.",
           "- Cold runs drop the page cache first (`/proc/sys/vm/drop_caches`); "
           + ("they ran." if meta["cold_ok"] else "unavailable or off in this run: —."),
           "- Peak RSS is the child's `ru_maxrss` (os.wait4); read/written are "
           "`/proc/<pid>/io` rchar/wchar (all reads and writes) and read_bytes/write_bytes "
           "(what reached the disk), read when the child has exited and before it is reaped.",
           "- Cubed: times include building its plan (as Dask's include building its graph); "
           "the target \"faster than cubed\" compares with the faster of its two executors.",
           "- Every result is checked against numpy or a closed form after the first run; "
           "a wrong result aborts the suite.",
           "- Overhead per task: " + "; ".join(overhead_lines(results)) + ".",
           "- The ceilings: `copy_GBps` is a STREAM-like numpy copy (bytes read + written), "
           "lz4 figures are numcodecs Blosc (lz4, clevel 5, shuffle, 1 thread) on a 16 MiB "
           "float32 chunk of the elementwise data, file figures write/read a file through "
           "the page cache.", ""]
    import json
    with open(os.path.join(root, "bench", "results.json"), "w") as f:
        json.dump({"meta": meta, "ceilings": ceil,
                   "results": [{"case": case["id"], "engines": res} for case, res in results]},
                  f, indent=1)
    with open(os.path.join(root, "BENCHMARKS.md"), "w") as f:
        f.write("\n".join(md))
    print(f"\nwrote {os.path.join(root, 'BENCHMARKS.md')} and {svg}")
