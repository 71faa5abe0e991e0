"""Hostile input values for the generated bad-input suite (core.testing.badinput).

Each value is a JSON value (an API body can carry any type); `as_form()` turns one into what a
browser could post or put in a query string. `CORPUS` has at least 300 values; a test samples a
fixed-seed subset per field (`sample()`), or takes all of them with KEDAO_BADINPUT_FULL=1
(`pytest --badinput-full`).
"""

import json
import os
import random

# Integers that overflow 32/64-bit columns, SQLite's INTEGER and Python's float; negative, zero;
# floats and spellings that int() or a database might half-accept.
BIG_NUMBERS = [
    "99999999999999999999", "-99999999999999999999", "9223372036854775807", "9223372036854775808",
    "-9223372036854775808", "-9223372036854775809", "2147483647", "2147483648", "-2147483649",
    "4294967296", "18446744073709551616", "1" + "0" * 400, "-" + "9" * 400,
]
NUMBER_SPELLINGS = [
    "-1", "0", "-0", "00000001", "12.5", "1.0", "-12.5", "1e3", "1e309", "-1e309", "1e-400", "NaN", "nan",
    "Infinity", "-Infinity", "inf", "0x10", "0b101", "0o17", "1_000", " 1", "1 ", "+1", "１２", "١٢", "²",
    "Ⅻ", "1,000", "1.000,5", "1/2", "½", "0.1e1", ".5", "5.", "--1", "1-", "1e", "e1", "$1", "¥100",
]
JSON_NUMBERS = [
    99999999999999999999, -99999999999999999999, 2**63, -(2**63) - 1, 2**31, -1, 0, 12.5, -0.0, 1e308,
    -1e308, 1.7976931348623157e308, 5e-324, 10**400,
]
CONTROL = [chr(code) for code in range(0x00, 0x20)] + ["\x7f"] + [chr(code) for code in range(0x80, 0xA0, 4)]
CONTROL_MIXED = ["a\x00b", "\x00" * 10, "\x1b[31mred\x1b[0m", "line1\r\nline2", "\u0085", "\u2028", "\u2029",
                 "tab\tin", "bell\x07", "name\x00' OR 1=1"]
INVISIBLE = [
    "\u200b", "\u200b" * 5, "\u200c\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u3164", "\u115f",
    "\u202e", "\u202egnp.exe", "\u202d\u202c", "\u2066\u2069", "\u200f\u200e", "\u061c", "\u2067x\u2069",
    "\u200b\u202e\u2066", "\u034f", "\u17b4", "\ufff9\ufffa\ufffb", "\u200b名\u200b", "\u202e公司有限",
]
WHITESPACE = ["", " ", "   ", "\t\n", "\u00a0", "\u2003", "\u3000", "\u3000全角\u3000", "\n" * 50]
CJK = ["𠀀", "𪚥", "𠮷野家", "龘", "䨻", "〇", "㐀", "𰻞𰻞面", "ｆｕｌｌ", "丂", "𠀀𪚥" * 50, "々", "〆", "ㄅ",
       "한국어", "ﾃｽﾄ", "日本語", "\u2f00", "⺀", "𝕂𝕖𝕕𝕒𝕠"]
EMOJI = ["😀", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇨🇳", "❤️", "🧑🏿‍💻", "😀" * 100, "🀄", "🈶", "©®™", "\U0001f9ff" * 3]
UNICODE_TRAPS = ["ﬁ", "Å", "İ" * 150, "ß" * 150, "ǅ", "e\u0301", "\u0301" * 50, "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
                 "\ufffd", "\uffff", "\ufffe", "\U0010ffff", "Ω", "Ω", "K", "ǈ"]
LONG = ["a" * 101, "名" * 201, "a" * 256, "x" * 10_000, "名" * 70_000, "a" * (1 << 20)]
FORMULAS = [
    "=1+2", '=HYPERLINK("http://x","y")', "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "＋1", "－1",
    "＠SUM(1)", "=cmd|' /C calc'!A0", '=IMPORTXML("http://x","//a")', "=1+1,=2", "-2+3+cmd|' /C calc'!A0",
    "@=1", "+=1", "==", "=", "+", "-", "@", "'=1", " =1", '"=1"',
]
SQL = [
    "' OR '1'='1", "'; DROP TABLE customers_customer; --", '" OR ""="', "1; SELECT pg_sleep(5)",
    "1' AND SLEEP(5)#", "%", "_", "%%", "\\", "\\%", "' UNION SELECT password FROM org_employee --", "*/",
    "/*", "'", '"', "`", ";", "--", "1 OR 1=1", "admin'--", "') OR ('a'='a", "0x27", "CHAR(39)",
    "||", "'||pg_sleep(1)||'", "1::int", "$$", "E'\\x27'",
]
TEMPLATES = [
    "{{ 7*7 }}", "{% debug %}", "{% load log %}", "{{ request.user.password }}", "${7*7}", "#{7*7}",
    "<%= 7*7 %>", "{{", "{%", "%}", "{#", "}}", "{{ settings.SECRET_KEY }}", "{% include '/etc/passwd' %}",
    "%s%s%s%n", "{0}", "%(name)s", "%d", "{name!r}", "{{ form }}",
]
MARKUP = [
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
    "<svg/onload=alert(1)>", "</textarea><script>alert(1)</script>", "<!--", "]]>", "&amp;", "&#0;",
    "<?xml version='1.0'?>", "hx-get=/x", "data:text/html,<b>x</b>",
]
PATHS = [
    "../../../../etc/passwd", "..\\..\\windows\\win.ini", "%2e%2e%2f", "/etc/passwd", "file:///etc/passwd",
    "....//....//", "..%c0%af", "C:\\Windows", "\\\\server\\share", "/dev/zero", "~root", "NUL", "CON",
    "a/../b", "%00", "http://169.254.169.254/latest/meta-data/", "//evil.example", "mailto:x@y",
]
FORMATS = [
    "0000-00-00", "9999-12-31", "10000-01-01", "1970-01-01", "-0001-01-01", "2024-02-30", "2024-13-01",
    "now", "99999999999999999999-01-01", "2024-01-01T25:61:61", "1e10", "a@b", "@", "a" * 64 + "@example.com",
    "x@" + "a" * 300 + ".cn", "http://", "https://" + "a" * 300 + ".cn", "www.", "ftp://x",
]
WORDS = ["true", "false", "null", "None", "on", "off", "yes", "[]", "{}", "undefined", "__proto__", "pk",
         "id", "-pk", "?", "&", "=", "#", "+", "*", "-password", "password", "owner__password", "__class__"]
JSON_TYPES = [
    True, False, None, [], {}, [1], ["a"], [None], {"a": 1}, [[[]]], {"__proto__": 1}, [1, 2, 3],
    {"id": 1}, [{"id": 1}], ["1", "1"], [[1]], {"": ""}, [True], [""], [-1], [99999999999999999999],
    [12.5], ["\x00"], ["=1+1"], {"pk": 99999999999999999999},
]
# A surrogate cannot be UTF-8 encoded: only a JSON body (as "\ud800") can carry one.
JSON_ONLY_STRINGS = ["\ud800", "a\udfffb", "\udbff\udfff"]


def _nested(depth):
    value = []
    for _ in range(depth):
        value = [value]
    return value


def _nested_dict(depth):
    value = {}
    for _ in range(depth):
        value = {"a": value}
    return value


BIG_LISTS = [list(range(1, 5001)), [str(i) for i in range(1, 5001)], [f"tag{i}" for i in range(5000)],
             [99999999999999999999] * 100]
DEEP = [_nested(500), _nested_dict(500)]

CORPUS = (
    BIG_NUMBERS + NUMBER_SPELLINGS + JSON_NUMBERS + CONTROL + CONTROL_MIXED + INVISIBLE + WHITESPACE + CJK
    + EMOJI + UNICODE_TRAPS + LONG + FORMULAS + SQL + TEMPLATES + MARKUP + PATHS + FORMATS + WORDS
    + JSON_TYPES + JSON_ONLY_STRINGS + BIG_LISTS + DEEP
)

# Raw request bodies for JSON endpoints: not even valid JSON, or valid JSON the parser chokes on.
RAW_BODIES = [
    b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000, b"", b"{", b"}", b"null", b"[]",
    b'"string"', b"1", b"99999999999999999999", b"1e999", b"NaN", b"-Infinity", b"\xff\xfe\x00", b"\x00",
    b'{"name": "\xff"}', b'{"name": "\\ud800"}', b'{"a": 1, "a": 2}', b"{'a': 1}", b'{"a": 1}garbage',
    b"\xef\xbb\xbf{}", b" " * 1000, b'{"name": ' + b'"' + b"a" * (1 << 20) + b'"}',
]

# What every field gets on its own, whatever the sample: the values the first attack found to
# break things (big integers, floats for ids, a list for one value; invisible-only text).
ALWAYS_STRUCTURED = ["99999999999999999999", "12.5", ["1", "99999999999999999999"]]
ALWAYS_TEXT = ["\u200b\u202e"]
# Rounds in which every field at once gets a value drawn (fixed seed) from the whole corpus.
SAMPLE_ROUNDS = int(os.environ.get("KEDAO_BADINPUT_ROUNDS", "3"))


def full_mode():
    return os.environ.get("KEDAO_BADINPUT_FULL", "") not in ("", "0")


def key(value):
    """A stable, readable name for a value in failure messages."""
    text = json.dumps(value, ensure_ascii=True, default=repr) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else f"{text[:40]}…({len(text)} chars)"


def single_values(kind, form=False):
    """The values one field gets on its own: the whole corpus in full mode. `kind` is "id" (a
    number or a related row), "choice" (a choice, a flag, a date) or "text". A form or query
    string carries text only: ["1", BIG] is then a big id for a one-value field (the last value
    counts) and a list with one for a many-value field."""
    if full_mode():
        return list(CORPUS)
    if form and kind == "id":
        return [ALWAYS_STRUCTURED[2]]
    # A fixed choice is checked against its list in Python: the sample rounds cover it.
    return list({"id": ALWAYS_STRUCTURED, "choice": [], "text": ALWAYS_TEXT}[kind])


def round_value(seed, round_index, values=None):
    """The value a field gets in one sample round (fixed seed per field and round)."""
    values = CORPUS if values is None else values
    return values[random.Random(f"{seed}:{round_index}").randrange(len(values))]


def rounds():
    return 0 if full_mode() else SAMPLE_ROUNDS


def as_form(value):
    """A corpus value as a browser could send it: a string, or a list of strings (a repeated key)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return {True: "on", False: "", None: ""}[value]
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(item, str | int | float | bool) or item is None for item in value):
        return [as_form(item) for item in value]
    return json.dumps(value)


def form_safe(value):
    """A form value the test client can encode (no lone surrogates)."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, RecursionError):
        return False
    return True
