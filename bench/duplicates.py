"""Duplicate-candidates benchmark: find_candidates for a new customer against 1,000,000 customers.

    scripts/bench.sh duplicates                   (or: make bench)
    .venv/bin/python bench/duplicates.py [--customers 1000000] [--probes 300] [--warmup 30]

Needs PostgreSQL (DATABASE_URL; scripts/bench.sh uses its own database, kedao_bench_dup). When the
database holds fewer customers than asked, it is filled first, fast: the customer table's indexes
are dropped, the rows are streamed in with COPY (their match keys computed by the same functions
as Customer.save()), then the indexes are rebuilt from their own definitions and the table is
analysed. Names are realistic Chinese company names — region, trade name, trade, legal form, in
the ways people write them (region in brackets, 市 or not) — with a trade name of 2–3 characters
drawn from a few hundred, so that the same trade name recurs in other cities and trades as it does
in a real customer base. (`search_key` is filled with the plain name only: not used here.)

Then, for `--probes` new names from the same generator (another seed: new companies, most of them
sharing a trade name with stored ones), it times:
  find   customers.duplicates.find_candidates(name=…): every indexed lookup and the scoring
  trgm   the bare trigram query on the same column, same threshold and limit, raw cursor
         (the floor: one index lookup, nothing around it)
and reports p50/p95 of each, the ratio find/trgm at p95, and the average number of candidates.
Target (issue 8): find p95 ≤ 50 ms. Results go to bench/results/duplicates.json.
"""

import argparse
import datetime
import io
import json
import math
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("KEDAO_VAR_DIR", str(BASE_DIR / "var" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kedao.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from customers.dedupe import email_key, name_key, name_region, phone_key, pinyin_key  # noqa: E402
from customers.duplicates import TRIGRAM_LIMIT, TRIGRAM_THRESHOLD, find_candidates  # noqa: E402
from customers.models import Customer  # noqa: E402
from org.models import Employee, OrgUnit  # noqa: E402

TARGET_P95_MS = 50.0
TABLE = Customer._meta.db_table

# Characters trade names are made of (字号): a few hundred, two or three of them per name.
TRADE_CHARS = (
    "华信宏达恒通瑞丰天成鼎盛金桥联创中科博远嘉禾润泽卓越汇众诚鸿运东方长城新元正泰晨光启明世广源海纳万安"
    "腾飞航同汉邦立德仁星河锦程致蓝聚力融凯旋永宇明珠和九州信宝昌伟业兴大云帆智普昊合方圆银乐康泰福顺祥瑞"
    "美佳丽华龙凤凰麒麟鹏展翔宏图远景新创先锋前沿超越卓创优品精诚至臻睿思慧聪灵秀雅博文武英杰俊豪雄威盛隆"
    "裕丰富贵荣耀辉煌灿烂光明阳春秋冬夏东南西北中天地人和合利通达成功胜赢嘉德厚朴诚实恒久长青松柏竹梅兰菊"
    "江河湖海山川岳峰林森木水火土金石玉翠碧青红紫蓝绿白黄黑彩虹霞云雾雨雪风雷电"
)
TRADES = (
    "科技", "信息技术", "软件", "网络科技", "数据科技", "智能科技", "通信技术", "通信设备", "机械制造", "精密制造",
    "机电设备", "汽车零部件", "新材料", "电子", "投资", "融资租赁", "资产管理", "能源", "电力工程", "新能源",
    "建设工程", "置业", "建筑设计", "建材", "物流", "运输", "供应链管理", "商贸", "贸易", "百货", "电子商务",
    "医疗器械", "医药", "生物科技", "健康管理", "教育科技", "文化传播", "实业", "企业管理咨询", "环保科技",
    "食品", "服饰", "化工", "包装", "印刷", "家具", "酒店管理", "餐饮管理", "广告", "装饰工程",
)
CITIES = (
    "北京", "上海", "天津", "重庆", "广州", "深圳", "杭州", "南京", "苏州", "成都", "武汉", "西安", "长沙", "郑州",
    "济南", "青岛", "沈阳", "大连", "哈尔滨", "长春", "合肥", "福州", "厦门", "南昌", "昆明", "贵阳", "南宁", "海口",
    "石家庄", "太原", "呼和浩特", "兰州", "西宁", "银川", "乌鲁木齐", "宁波", "温州", "无锡", "佛山", "东莞",
)
FORMS = ("有限公司",) * 7 + ("股份有限公司",) * 2 + ("集团有限公司", "有限责任公司")


def company_name(rng):
    trade = "".join(rng.choice(TRADE_CHARS) for _ in range(rng.choice((2, 2, 2, 3))))
    word = rng.choice(TRADES)
    city = rng.choice(CITIES)
    form = rng.choice(FORMS)
    roll = rng.random()
    if roll < 0.15:
        return f"{trade}（{city}）{word}{form}"
    if roll < 0.25:
        return f"{trade}{word}{form}"
    return f"{city}{'市' if rng.random() < 0.3 else ''}{trade}{word}{form}"


def count_customers():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608 - constant table name
        return cursor.fetchone()[0]


def _owners():
    unit = OrgUnit.objects.filter(code="DUP-BENCH").first()
    if unit is None:
        unit = OrgUnit(code="DUP-BENCH", name="查重基准", kind=OrgUnit.Kind.COMPANY)
        unit.save()
    owners = list(Employee.objects.filter(username__startswith="dupbench."))
    if not owners:
        Employee.objects.bulk_create([Employee(username=f"dupbench.{i:02d}", last_name="王", first_name=f"{i}号",
                                               unit=unit, password="!") for i in range(20)])
        owners = list(Employee.objects.filter(username__startswith="dupbench."))
    return unit, owners


def _copy_value(value):
    if value is None:
        return "\\N"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def fill(total, seed=11, batch=50_000):
    """Add customers until the table holds `total` (see the module docstring)."""
    have = count_customers()
    if have >= total:
        print(f"== {have} customers present; nothing to generate")
        return
    unit, owners = _owners()
    rng = random.Random(seed + have)
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE %s",
                       [TABLE, "%pkey"])
        indexes = cursor.fetchall()
        for index_name, _definition in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{index_name}"')
    print(f"== generating {total - have} customers (indexes dropped: {len(indexes)})", flush=True)
    now = timezone.now().isoformat()
    columns = [f for f in Customer._meta.concrete_fields if not f.primary_key]
    names = [f.column for f in columns]
    fixed = {"created_at": now, "updated_at": now, "version": 1, "org_unit_id": unit.pk, "kind": "company",
             "level": "potential", "deleted_at": None, "created_by_id": None, "updated_by_id": None,
             "deleted_by_id": None, "merged_into_id": None}
    done = have
    raw = connection.connection  # psycopg 3
    while done < total:
        size = min(batch, total - done)
        buffer = io.StringIO()
        for i in range(size):
            name = company_name(rng)
            key = name_key(name)
            phone = f"0{rng.randint(10, 999)}-{rng.randint(10_000_000, 99_999_999)}" if rng.random() < 0.6 else ""
            email = f"info{done + i}@{rng.choice(('163.com', 'qq.com', 'sina.com'))}" if rng.random() < 0.3 else ""
            row = {**fixed, "owner_id": owners[(done + i) % len(owners)].pk, "name": name, "phone": phone,
                   "email": email, "search_key": name.lower(), "match_name": key,
                   "match_pinyin": pinyin_key(key), "match_region": name_region(name),
                   "match_phone": phone_key(phone), "match_email": email_key(email)}
            buffer.write("\t".join(_copy_value(row.get(column, "" if not f.null else None))
                                   for f, column in zip(columns, names, strict=True)) + "\n")
        with transaction.atomic(), raw.cursor() as cursor:
            with cursor.copy(f"COPY {TABLE} ({', '.join(names)}) FROM STDIN") as copy:
                copy.write(buffer.getvalue())
        done += size
        print(f"   {done} rows, {time.monotonic() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        for index_name, definition in indexes:
            t0 = time.monotonic()
            cursor.execute(definition)
            print(f"   index {index_name}: {time.monotonic() - t0:.0f} s", flush=True)
        cursor.execute(f"VACUUM (ANALYZE) {TABLE}")
    print(f"== filled in {time.monotonic() - started:.0f} s", flush=True)


def bare_trigram(key):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [TRIGRAM_THRESHOLD])
        cursor.execute("SELECT id FROM customers_customer WHERE match_name %% %s AND deleted_at IS NULL "
                       "ORDER BY similarity(match_name, %s) DESC LIMIT %s", [key, key, TRIGRAM_LIMIT])
        return [row[0] for row in cursor.fetchall()]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def timed(fn, probes, warmup):
    for probe in probes[:warmup]:
        fn(probe)
    times, results = [], []
    for probe in probes:
        t0 = time.perf_counter()
        results.append(fn(probe))
        times.append((time.perf_counter() - t0) * 1000)
    return times, results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--probes", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmark needs PostgreSQL (DATABASE_URL).")
    fill(args.customers)
    total = count_customers()
    rng = random.Random(args.seed)
    probes = [company_name(rng) for _ in range(args.probes)]
    find_ms, found = timed(lambda name: find_candidates(name=name), probes, args.warmup)
    trgm_ms, _rows = timed(lambda name: bare_trigram(name_key(name)), probes, args.warmup)
    result = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cpu, PostgreSQL {connection.pg_version}",
        "customers": total, "probes": len(probes),
        "find_p50_ms": round(statistics.median(find_ms), 2), "find_p95_ms": round(percentile(find_ms, 0.95), 2),
        "trgm_p50_ms": round(statistics.median(trgm_ms), 2), "trgm_p95_ms": round(percentile(trgm_ms, 0.95), 2),
        "mean_candidates": round(statistics.mean(len(c) for c in found), 2),
        "probes_with_candidates": sum(1 for c in found if c),
    }
    result["ratio_p95"] = round(result["find_p95_ms"] / result["trgm_p95_ms"], 2)
    result["target_met"] = result["find_p95_ms"] <= TARGET_P95_MS
    out = BASE_DIR / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "duplicates.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"customers {total}, {len(probes)} new names")
    print(f"find_candidates  p50 {result['find_p50_ms']:.1f} ms  p95 {result['find_p95_ms']:.1f} ms "
          f"(target ≤ {TARGET_P95_MS:.0f} ms: {'met' if result['target_met'] else 'MISSED'})")
    print(f"bare trigram     p50 {result['trgm_p50_ms']:.1f} ms  p95 {result['trgm_p95_ms']:.1f} ms")
    print(f"ratio find/trigram at p95: {result['ratio_p95']:.2f}; candidates per name {result['mean_candidates']} "
          f"({result['probes_with_candidates']} of {len(probes)} names had some)")
    return 0 if result["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
