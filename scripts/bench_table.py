"""Medians and ratios of scripts/bench-proxy.sh's runs, as markdown tables for docs/benchmarks.md.

Input lines: group|name|req/s|p50|p99|cpu-us-per-request|kernel-cpu-us-per-request|errors, one per
wrk run.
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
    group, name, rps, p50, p99, cpu, kernel, errs = line.rstrip("\n").split("|")
    if (group, name) not in runs:
        order.append((group, name))
    runs[(group, name)].append((float(rps), micros(p50), micros(p99), float(cpu), errs, float(kernel)))
median = {k: [statistics.median(run[i] for run in v) for i in (0, 1, 2, 3, 5)] for k, v in runs.items()}


def table(group, berth):
    base = median[(group, berth)][0]
    base_cpu = median[(group, berth)][3]
    print()
    print("| target | req/s | p50 | p99 | CPU/req | of it kernel | Berth's req/s ratio to it | its CPU/req to Berth's | req/s per round | p99 per round | errors |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for key in order:
        if key[0] != group:
            continue
        rps, p50, p99, cpu, kernel = median[key]
        rounds = ", ".join(f"{run[0] / 1000:.1f}k" for run in runs[key])
        tails = ", ".join(latency(run[2]) for run in runs[key])
        errs = " ".join(sorted({run[4] for run in runs[key]}))
        print(f"| {key[1]} | {rps:.0f} | {latency(p50)} | {latency(p99)} | {cpu:.2f}us | {kernel:.2f}us | {base / rps:.2f}x "
              f"| {cpu / base_cpu:.2f}x | {rounds} | {tails} | {errs} |")


table("http", "Berth proxy, 1 event loop")

# The saturation model of docs/benchmarks.md: wrk, the backend and the proxy share the machine's
# cores, so a proxy costing P us per request serves about cores / (P + W) requests per second,
# W being what wrk and the backend spend per request (cores / backend-direct req/s).
cores = int(sys.argv[2]) if len(sys.argv) > 2 else 0
direct = median.get(("http", "backend direct"))
nginx = median.get(("http", "nginx, 1 worker, keepalive upstream"))
berth = median[("http", "Berth proxy, 1 event loop")]
if cores and direct and nginx:
    w = cores / direct[0] * 1e6
    floor = min(nginx[4], berth[4])
    print(f"\nSaturation model ({cores} cores shared by wrk, backend and proxy): wrk + backend cost W = {w:.2f}us per request; "
          f"a proxy spending only the smaller kernel time measured here ({floor:.2f}us, no user-space work at all) would "
          f"serve at most {(nginx[3] + w) / (floor + w):.2f}x nginx's req/s; Berth's model ratio {(nginx[3] + w) / (berth[3] + w):.2f}x.")
one = median[("http", "Berth proxy, 1 event loop")][0]
many = median[("http", "Berth proxy, 1 event loop, 100k routes")][0]
print(f"\n100k routes vs one route (medians): {(many / one - 1) * 100:+.1f}%")
print("\nTLS termination (TLS 1.3, ECDSA P-256, keep-alive; plain HTTP to the backend):")
table("tls", "Berth proxy, 1 event loop, HTTPS")
