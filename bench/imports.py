"""Import benchmark: a 100,000-row customer .xlsx imported end to end, and a bare parse of it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kedao_bench_imports .venv/bin/python bench/imports.py
    (or scripts/bench.sh, which runs it after the scoped list)

Generates var/bench/import-<rows>.xlsx once (seeded: 14 columns a real customer sheet has, Chinese
names, valid credit codes on 80 % of rows, 2 % of names repeated within the file, 1 % of rows
naming a customer already stored). Then, in a fresh child process each (so that peak memory is the
import's own, `ru_maxrss`):
  parse   core.imports.reading.read_table() of the file: calamine, every cell as text — the floor;
  import  core.imports.engine.run_import(): parse, the model's full_clean on every row, uniques and
          possible duplicates per batch of 2,000, bulk inserts, one audit row per customer, in one
          transaction — what the background task runs after "Import".
Reports rows/s, seconds, peak RSS and import/parse ratio; writes bench/results/imports.json.
Target (issue 8): ≥ 3,000 rows/s end to end, ≤ 1 GB peak memory.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("KEDAO_VAR_DIR", str(BASE_DIR / "var" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kedao.settings")
os.environ.setdefault("KEDAO_IMPORT_MAX_ROWS", "200000")

HEADER = ["客户名称", "简称", "统一社会信用代码", "客户类型", "行业", "省份", "城市", "区县", "地址", "电话", "网站",
          "客户级别", "来源", "备注"]


def generate(path, rows, seed=8):
    from django.utils import translation
    from openpyxl import Workbook

    from customers.models import Customer, Level, Source
    from customers.tests.factories import make_credit_code

    with translation.override("zh-hans"):
        company = str(Customer.Kind.COMPANY.label)
        levels = [str(Level.POTENTIAL.label), "", ""]
        sources = [str(Source.TRADE_SHOW.label), str(Source.WEBSITE.label), ""]
    rng = random.Random(seed)
    places = [("北京市", "北京市", "海淀区"), ("上海市", "上海市", "浦东新区"), ("广东省", "深圳市", "南山区"),
              ("浙江省", "杭州市", "西湖区"), ("四川省", "成都市", "武侯区")]
    words = "华信达宏远恒通瑞丰泰安康盛鑫源博创智联云海天科技星辰明德"
    kinds = ["科技有限公司", "贸易有限公司", "制造股份有限公司", "信息技术有限公司", "集团有限公司"]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("客户")
    sheet.append(HEADER)
    names = []
    for index in range(rows):
        province, city, district = rng.choice(places)
        if names and rng.random() < 0.02:
            name = rng.choice(names)
        else:
            name = f"{city[:2]}{''.join(rng.choice(words) for _ in range(3))}{index}{rng.choice(kinds)}"
            names.append(name)
        code = make_credit_code(rng) if rng.random() < 0.8 else ""
        sheet.append([name, name[2:6], code, company, "", province, city, district, f"{district}科技园{index % 500}号",
                      f"1{rng.randint(3, 9)}{rng.randint(0, 999999999):09d}", "", rng.choice(levels),
                      rng.choice(sources), "批量导入" if index % 7 else ""])
    workbook.save(path)


def measure(kind, path, rows):
    import django

    django.setup()
    from core.imports.reading import read_table

    start = time.perf_counter()
    if kind == "parse":
        table = read_table(str(path), path.name)
        count = len(table.rows)
        result = {}
    else:
        from django.core.files import File

        from core.imports.engine import run_import
        from core.imports.models import ImportJob
        from core.registry import get_importer
        from org.models import Employee

        actor = Employee.objects.get(username="bench.importer")
        importer = get_importer("customers.customer")
        job = ImportJob(user=actor, object_type=importer.key, file_name=path.name, headers=HEADER,
                        mapping=["name", "short_name", "credit_code", "kind", "industry", "province", "city",
                                 "district", "address", "phone", "website", "level", "source", "notes"],
                        skip_bad_rows=True)
        with open(path, "rb") as handle:
            job.file.save(path.name, File(handle), save=False)
        job.save()
        start = time.perf_counter()
        run_import(job, importer)
        count = job.total_rows
        result = {"status": job.status, "message": job.message, "created": job.created_count,
                  "failed": job.failed_count, "duplicates": job.duplicate_count}
    seconds = time.perf_counter() - start
    result.update(kind=kind, rows=count, seconds=round(seconds, 2), rows_per_s=round(count / seconds),
                  max_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    print(json.dumps(result))


def prepare(existing):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from core.models import ObjectChange
    from customers.models import Customer
    from org.models import Employee, OrgUnit

    call_command("migrate", "--no-input", verbosity=0)
    unit = OrgUnit.objects.filter(name="导入基准").first() or OrgUnit.objects.create(name="导入基准", code="bench-import")
    actor, _created = Employee.objects.get_or_create(username="bench.importer", defaults={
        "unit": unit, "is_superuser": True, "last_name": "导", "first_name": "入"})
    # Each run starts from the same state: the earlier run's customers and audit rows removed, and
    # vacuumed away (dead rows and GIN pending lists otherwise pile up from run to run on a server
    # without autovacuum, and each run would be slower than the one before).
    with connection.cursor() as cursor:
        ids = list(Customer.all_objects.filter(created_by=actor).values_list("pk", flat=True))
        if ids:
            ObjectChange.objects.filter(object_id__in=ids, user=actor).delete()
            Customer.all_objects.filter(pk__in=ids).delete()
        for table in (Customer._meta.db_table, ObjectChange._meta.db_table):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")
        cursor.execute("ANALYZE")
    from customers.tests.factories import make_credit_code

    rng = random.Random(3)
    have = Customer.objects.count()
    if have < existing:
        Customer.objects.bulk_create([
            Customer(name=f"已有客户{n}有限公司", credit_code=make_credit_code(rng), owner=actor, org_unit=unit)
            for n in range(have, existing)], batch_size=2000)
        # Not created_by the importer: kept between runs.


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--existing", type=int, default=20_000, help="customers stored before the import")
    parser.add_argument("--measure", choices=["parse", "import"])
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = BASE_DIR / "var" / "bench" / f"import-{args.rows}.xlsx"
    if args.prepare:
        prepare(args.existing)
        return
    if args.measure:
        measure(args.measure, path, args.rows)
        return
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        import django

        django.setup()
        print(f"generating {path} …", flush=True)
        generate(path, args.rows)
    run = [sys.executable, __file__, "--rows", str(args.rows)]
    subprocess.run([*run, "--prepare", "--existing", str(args.existing)], check=True)
    results = {}
    for kind in ("parse", "import"):
        output = subprocess.run([*run, "--measure", kind], check=True, capture_output=True, text=True).stdout
        results[kind] = json.loads(output.strip().splitlines()[-1])
        print(kind, results[kind], flush=True)
    # And the imported customers removed again: left in place they made the next benchmark's lists
    # slower (a branch manager's customer page 69 → 118 ms on M with 100,000 of them still there).
    subprocess.run([*run, "--prepare", "--existing", str(args.existing)], check=True)
    results["ratio_import_to_parse"] = round(results["import"]["seconds"] / results["parse"]["seconds"], 1)
    results["file_mb"] = round(path.stat().st_size / (1 << 20), 1)
    results["load_average"] = os.getloadavg()
    print(f"import: {results['import']['rows_per_s']:,} rows/s, peak {results['import']['max_rss_mb']} MB; "
          f"parse: {results['parse']['rows_per_s']:,} rows/s; ratio {results['ratio_import_to_parse']}×; "
          f"load {results['load_average'][0]:.1f}")
    out = BASE_DIR / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "imports.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
