"""Company-name matching keys against a labelled set of name pairs (customers/tests/data)."""

from pathlib import Path

import pytest

from customers.dedupe import MATCH_THRESHOLD, email_key, name_key, name_region, name_score, phone_key

PAIRS = Path(__file__).parent / "data" / "company_pairs.tsv"


def labelled_pairs():
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        first, second, same, why = line.split("\t")
        yield first, second, same == "1", why


def test_the_labelled_set_is_large_and_balanced_enough():
    pairs = list(labelled_pairs())
    assert len(pairs) >= 300
    assert sum(same for *_names, same, _why in pairs) >= 100
    assert sum(not same for *_names, same, _why in pairs) >= 100


def test_recall_and_precision_on_the_labelled_set():
    true_pos = false_pos = false_neg = 0
    misses = []
    for first, second, same, why in labelled_pairs():
        hit = name_score(first, second) >= MATCH_THRESHOLD
        true_pos += hit and same
        false_pos += hit and not same
        false_neg += same and not hit
        if hit != same:
            misses.append((first, second, why))
    recall = true_pos / (true_pos + false_neg)
    precision = true_pos / (true_pos + false_pos)
    assert recall >= 0.95 and precision >= 0.95, (recall, precision, misses[:20])


@pytest.mark.parametrize(("name", "key", "region"), [
    ("北京华为技术有限公司", "华为技术", "北京"),
    ("华为技术（北京）有限公司", "华为技术", "北京"),
    ("北京市华为技术股份有限公司", "华为技术", "北京"),
    ("華為技術有限公司", "华为技术", ""),
    ("  华为 技术 ", "华为技术", ""),
    ("北京有限公司", "北京", ""),
])
def test_name_key_and_region(name, key, region):
    assert (name_key(name), name_region(name)) == (key, region)


def test_same_trade_name_in_another_city_is_another_company():
    assert name_score("杭州娃哈哈集团有限公司", "上海娃哈哈集团有限公司") < MATCH_THRESHOLD
    assert name_score("杭州娃哈哈集团有限公司", "娃哈哈集团") >= MATCH_THRESHOLD


def test_phone_and_email_keys():
    assert phone_key("+86 010-8888 6666") == phone_key("(010) 88886666") == "1088886666"
    assert phone_key("１３８ ００１３ ８０００") == "13800138000"
    assert email_key(" Sales@Example.CN ") == "sales@example.cn"
