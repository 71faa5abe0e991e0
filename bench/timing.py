"""Shared by the benchmarks: percentiles of timed samples, and `start_django()` (Django is imported
only inside it, so this module is importable first)."""

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


def start_django(base_dir):
    """Set Django up as a production server would for the page benchmarks: DEBUG off (no query
    log, cached templates), the bench's own secret and var directory, then the start-up objects
    frozen out of the garbage collector as kedao/wsgi.py does. Call before importing app code."""
    import os
    import sys

    sys.path.insert(0, str(base_dir))
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("KEDAO_VAR_DIR", str(base_dir / "var" / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kedao.settings")

    import django

    django.setup()

    from kedao.startup import freeze_startup_objects

    freeze_startup_objects()


def round_robin(targets, runs, warmup=0):
    """Time each of `targets` ({key: callable}) `runs` times, in turns, so that a slow moment of the
    machine hits every target alike, after `warmup` untimed rounds. Returns ({key: seconds of wall
    time}, {key: seconds of this process's CPU}): the CPU is the framework's own work, without
    waiting for the database."""
    import time

    for _ in range(warmup):
        for target in targets.values():
            target()
    samples = {key: [] for key in targets}
    cpu = {key: [] for key in targets}
    for _ in range(runs):
        for key, target in targets.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            target()
            samples[key].append(time.perf_counter() - started)
            cpu[key].append(time.process_time() - started_cpu)
    return samples, cpu
