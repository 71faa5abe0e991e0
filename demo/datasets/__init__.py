"""Bulk builders of the benchmark datasets (`manage.py bench_dataset`, bench/sales.py, bench/activities.py).

`bulk` writes rows fast on either database (COPY on PostgreSQL, executemany on SQLite); `customers`,
`sales` and `activities` generate the rows, deterministic for a seed.
"""
