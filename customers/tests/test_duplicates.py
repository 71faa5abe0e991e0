"""Duplicate candidates: the stored match keys and the lookups built on them (customers/duplicates.py)."""

import pytest

from core.services import object_delete, object_save
from customers.dedupe import MATCH_THRESHOLD, name_score
from customers.duplicates import find_candidates, find_candidates_bulk
from customers.models import Customer
from customers.tests.factories import CustomerFactory, make_credit_code
from customers.tests.test_dedupe import labelled_pairs

pytestmark = pytest.mark.django_db


def names(candidates):
    return [c.customer.name for c in candidates]


# --- stored keys ---------------------------------------------------------------------------------


def test_keys_are_stored_on_save_and_follow_a_change():
    customer = CustomerFactory(name="北京市華為技術有限公司", phone="+86 010-8888 6666", email=" Info@Huawei.COM ")
    customer.refresh_from_db()
    assert (customer.match_name, customer.match_region, customer.match_pinyin) == ("华为技术", "北京", "huaweijishu")
    assert customer.match_phone == "1088886666"
    assert customer.match_email == "info@huawei.com"
    customer.name = "上海电气集团股份有限公司"
    customer.phone = ""
    customer.save(update_fields=["name", "phone"])
    customer.refresh_from_db()
    assert (customer.match_name, customer.match_phone) == ("电气", "")
    assert customer.match_region == "上海"


def test_bulk_create_and_bulk_update_fill_the_keys():
    owner = CustomerFactory().owner
    Customer.objects.bulk_create([Customer(name="（深圳）腾讯科技有限公司", owner=owner, org_unit=owner.unit,
                                           phone="0755-86013388")])
    row = Customer.objects.get(name="（深圳）腾讯科技有限公司")
    assert (row.match_name, row.match_region, row.match_phone) == ("腾讯科技", "深圳", "75586013388")
    row.name = "阿里巴巴（中国）网络技术有限公司"
    Customer.objects.bulk_update([row], ["name"])
    row.refresh_from_db()
    assert row.match_name == "阿里巴巴网络技术"


def test_keys_are_not_written_into_the_history(world):
    customer = object_save(instance=Customer(name="测试名称有限公司"), actor=world.seller1)
    from core.models import ObjectChange

    (change,) = ObjectChange.objects.filter(object_id=customer.pk, object_repr=customer.name)
    assert not any(key.startswith("match_") for key in change.postchange_data)


# --- find_candidates ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", [
    "华为技术（北京）有限公司",  # region moved into brackets
    "北京華為技術有限公司",  # traditional characters
    "北京华为技术股份有限公司",  # other legal form
    "华为技术",  # short form, no region
    "北京华为记术有限公司",  # homophone typo
    "北京华为技朮有限公司",  # one wrong character
])
def test_the_same_company_written_another_way_is_a_candidate(typed):
    CustomerFactory(name="北京华为技术有限公司")
    CustomerFactory(name="北京联想集团有限公司")
    (candidate,) = find_candidates(name=typed)
    assert candidate.customer.name == "北京华为技术有限公司"
    assert candidate.matched == ["name"]
    assert MATCH_THRESHOLD <= candidate.score <= 100


def test_the_same_trade_name_in_another_city_is_not_a_candidate():
    CustomerFactory(name="上海华为技术有限公司")
    assert find_candidates(name="北京华为技术有限公司") == []


def test_the_same_credit_code_is_a_candidate_whatever_the_name():
    code = make_credit_code()
    CustomerFactory(name="完全不同的名字有限公司", credit_code=code)
    (candidate,) = find_candidates(name="北京华为技术有限公司", credit_code=f" {code.lower()} ")
    assert candidate.matched == ["credit_code"] and candidate.score == 100


def test_phone_and_email_match_on_their_keys_and_several_keys_rank_first():
    CustomerFactory(name="甲公司", phone="010-88886666")
    CustomerFactory(name="北京华为技术有限公司", phone="(010) 8888 6666", email="a@b.cn")
    CustomerFactory(name="乙公司", email="A@B.CN")
    found = find_candidates(name="华为技术", phone="+86 10 88886666", email="a@b.cn")
    assert names(found)[0] == "北京华为技术有限公司"
    assert found[0].matched == ["name", "phone", "email"] and found[0].score == 100
    assert sorted(names(found)[1:]) == ["乙公司", "甲公司"]
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


def test_a_too_short_phone_matches_nothing():
    CustomerFactory(name="甲公司", phone="110")
    assert find_candidates(phone="110") == []


def test_deleted_and_excluded_customers_are_not_candidates(world):
    gone = CustomerFactory(name="北京华为技术有限公司", owner=world.seller1)
    kept = CustomerFactory(name="华为技术有限公司")
    assert sorted(names(find_candidates(name="华为技术"))) == ["北京华为技术有限公司", "华为技术有限公司"]
    object_delete(instance=gone, actor=world.ceo)
    assert names(find_candidates(name="华为技术")) == ["华为技术有限公司"]
    assert find_candidates(name="华为技术", exclude_ids=[kept.pk]) == []


@pytest.mark.parametrize("probe", [{}, {"name": "   "}, {"name": "（）·"}, {"phone": "abc"}, {"email": " "}])
def test_nothing_to_look_for_gives_no_candidates(probe):
    CustomerFactory(name="有限公司测试")
    assert find_candidates(**probe) == []


def test_limit():
    for city in ("", "北京", "北京市"):
        CustomerFactory(name=f"{city}华为技术有限公司")
    assert len(find_candidates(name="华为技术", limit=2)) == 2


def test_every_labelled_duplicate_that_the_score_accepts_is_found_in_the_database():
    """The lookup must not lose what name_score would accept: store the second name of every
    labelled pair, look the first one up."""
    pairs = [(a, b) for a, b, same, _why in labelled_pairs() if same and name_score(a, b) >= MATCH_THRESHOLD]
    owner = CustomerFactory().owner
    Customer.objects.bulk_create([Customer(name=b, owner=owner, org_unit=owner.unit) for _a, b in pairs])
    missed = [(a, b) for a, b in pairs if b not in names(find_candidates(name=a, limit=50))]
    assert len(pairs) >= 250
    assert missed == []


# --- find_candidates_bulk -------------------------------------------------------------------------


def test_bulk_finds_stored_matches_and_duplicates_within_the_file():
    code = make_credit_code()
    stored = CustomerFactory(name="北京华为技术有限公司", credit_code=code, phone="010-88886666")
    rows = [
        {"name": "华为技术（北京）有限公司"},  # 0: stored, by name
        {"name": "某某", "credit_code": code},  # 1: stored, by credit code
        {"name": "上海华为技术有限公司"},  # 2: another city: nothing stored; not row 0 either
        {"name": "深圳腾讯科技有限公司", "phone": "0755-86013388"},  # 3: same as row 4
        {"name": "腾讯科技（深圳）有限公司", "email": "x@qq.com"},  # 4
        {"name": "无关公司", "phone": "88886666"},  # 5: no match (phone key differs: no area code)
    ]
    result = find_candidates_bulk(rows)
    assert [(c.customer, c.matched) for c in result[0]] == [(stored, ["name"])]
    assert [(c.customer, c.matched) for c in result[1]] == [(stored, ["credit_code"])]
    assert 2 not in result and 5 not in result
    assert [(c.customer, c.row, c.matched) for c in result[3]] == [(None, 4, ["name"])]
    assert [(c.customer, c.row) for c in result[4]] == [(None, 3)]


def test_bulk_with_nothing_to_look_for():
    assert find_candidates_bulk([]) == {}
    assert find_candidates_bulk([{}, {"name": ""}]) == {}


def test_bulk_is_fast_enough_for_a_large_file(django_assert_max_num_queries):
    CustomerFactory(name="北京华为技术有限公司")
    rows = [{"name": f"测试{i}科技有限公司", "phone": f"138{i:08d}", "credit_code": ""} for i in range(3000)]
    rows.append({"name": "华为技术"})
    # A handful of set-based queries, not one per row.
    with django_assert_max_num_queries(12):
        result = find_candidates_bulk(rows)
    assert list(result) == [3000]


def test_the_name_key_has_a_trigram_index_on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the trigram index exists on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'customers_customer_match_name_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition


def test_huge_input_is_cut_not_looked_up_whole():
    CustomerFactory(name="北京华为技术有限公司")
    assert find_candidates(name="华" * 2_000_000, phone="1" * 100_000, email="a" * 100_000 + "@x.cn",
                           credit_code="9" * 100_000) == []
    assert find_candidates_bulk([{"name": "华" * 1_000_000}]) == {}
