"""Percentiles of timed samples, shared by the benchmarks (no Django here: importable first)."""

import math
import statistics


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def figures(samples):
    """p50 / p95 / p99 / min in milliseconds of samples in seconds."""
    ms = [value * 1000 for value in samples]
    return {"p50_ms": round(statistics.median(ms), 1), "p95_ms": round(percentile(ms, 0.95), 1),
            "p99_ms": round(percentile(ms, 0.99), 1), "min_ms": round(min(ms), 1)}
