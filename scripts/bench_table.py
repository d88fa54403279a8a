"""Medians and ratios of scripts/bench-proxy.sh's runs, as markdown tables for docs/benchmarks.md.

Input lines: group|name|req/s|p50|p99|cpu-us-per-request|errors, one per wrk run.
"""
import statistics
import sys
from collections import defaultdict


def micros(text):
    """wrk's latency text (624.00us, 1.72ms, 1.10s) in microseconds."""
    for unit, factor in (("us", 1), ("ms", 1e3), ("s", 1e6)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


def latency(us):
    return f"{us:.0f}us" if us < 1000 else f"{us / 1000:.2f}ms"


runs = defaultdict(list)
order = []
for line in open(sys.argv[1]):
    group, name, rps, p50, p99, cpu, errs = line.rstrip("\n").split("|")
    if (group, name) not in runs:
        order.append((group, name))
    runs[(group, name)].append((float(rps), micros(p50), micros(p99), float(cpu), errs))
median = {k: [statistics.median(run[i] for run in v) for i in range(4)] for k, v in runs.items()}


def table(group, berth):
    base = median[(group, berth)][0]
    base_cpu = median[(group, berth)][3]
    print()
    print("| target | req/s | p50 | p99 | CPU/req | Berth's req/s ratio to it | its CPU/req to Berth's | req/s per round | p99 per round | errors |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for key in order:
        if key[0] != group:
            continue
        rps, p50, p99, cpu = median[key]
        rounds = ", ".join(f"{run[0] / 1000:.1f}k" for run in runs[key])
        tails = ", ".join(latency(run[2]) for run in runs[key])
        errs = " ".join(sorted({run[4] for run in runs[key]}))
        print(f"| {key[1]} | {rps:.0f} | {latency(p50)} | {latency(p99)} | {cpu:.2f}us | {base / rps:.2f}x | {cpu / base_cpu:.2f}x | {rounds} | {tails} | {errs} |")


table("http", "Berth proxy, 1 event loop")
one = median[("http", "Berth proxy, 1 event loop")][0]
many = median[("http", "Berth proxy, 1 event loop, 100k routes")][0]
print(f"\n100k routes vs one route (medians): {(many / one - 1) * 100:+.1f}%")
print("\nTLS termination (TLS 1.3, ECDSA P-256, keep-alive; plain HTTP to the backend):")
table("tls", "Berth proxy, 1 event loop, HTTPS")
