"""The two small rules under every form and serializer: which ids are plain, which characters are
invisible (core/limits.py, core/text.py)."""

import pytest
from django.contrib.contenttypes.models import ContentType

from core.limits import bad_id, parse_id
from core.text import clean_text
from customers.models import Customer


@pytest.mark.parametrize("value, expected", [
    ("42", 42), (42, 42), ("9223372036854775807", 2**63 - 1),
    ("9223372036854775808", None), ("99999999999999999999", None), (2**70, None),
    ("12.5", None), (12.5, None), ("-1", None), (True, None), ("１２", None), ("²", None), (" 1", None),
    ("1e3", None), ("", None), (None, None), ([1], None), ("0x10", None),
])
def test_parse_id(value, expected):
    assert parse_id(value) == expected


def test_an_id_must_fit_its_own_column():
    pk = Customer._meta.pk  # BigAutoField
    assert parse_id("2147483648", pk) == 2147483648
    assert parse_id("9223372036854775808", pk) is None


def test_a_key_that_is_not_an_integer_is_left_to_its_own_validation():
    assert not bad_id("customers.customer", ContentType._meta.get_field("model"))
    assert bad_id("12.5", Customer._meta.pk)


@pytest.mark.parametrize("value, one_line, multi_line", [
    ("\u200b\u200b", "", ""),
    ("\u202egnp.exe", "gnp.exe", "gnp.exe"),
    ("a\x00b\x1b[31m", "ab[31m", "ab[31m"),
    ("第一行\r\n第二行\t完", "第一行 第二行 完", "第一行\n第二行\t完"),
    ("名\u2028字", "名 字", "名\n字"),
    ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"),
    ("𠀀𪚥 =1+2 {{ x }}", "𠀀𪚥 =1+2 {{ x }}", "𠀀𪚥 =1+2 {{ x }}"),
    ("a\ud800b", "ab", "ab"),
])
def test_clean_text(value, one_line, multi_line):
    assert clean_text(value) == one_line
    assert clean_text(value, multiline=True) == multi_line
