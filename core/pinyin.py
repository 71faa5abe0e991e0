"""pypinyin's `lazy_pinyin`, several times faster: the same syllables, remembered per word.

Search keys (core.search) and duplicate-matching keys (customers.dedupe) read every name in
pinyin; an import of 100,000 customers reads 300,000 names. `lazy_pinyin` spends its time in two
places: converting each word's toned syllables to the plain style, character by character,
although names are built from a few thousand words and characters (北京, 科技, 有限公司…); and
splitting the text, one regular-expression match and one generator step per character.

`syllables(text)` returns what `lazy_pinyin(text)` returns (default style and options): it splits
the text the same way — runs of characters with and without pinyin, then pypinyin's forward
maximum matching over its phrase dictionary (pypinyin.seg.mmseg, strict: only dictionary phrases
are words) — with one regular expression and index arithmetic, and converts each word with
pypinyin's own converter, remembering the result. core/tests/test_pinyin.py compares the two.
"""

import re

from pypinyin import Style
from pypinyin.constants import PHRASES_DICT, RE_HANS
from pypinyin.converter import UltimateConverter
from pypinyin.seg import mmseg

# Words remembered at most (a phrase of the dictionary, a character, or a run of characters without
# pinyin such as "251"): far more than real names use; the memo starts again when full.
MEMO_SIZE = 200_000

# RE_HANS is "^(?:[…])+$", the characters that have pinyin: runs of them, or of anything else.
_HAN_CLASS = RE_HANS.pattern[len("^(?:"):-len(")+$")]
assert _HAN_CLASS.startswith("[") and _HAN_CLASS.endswith("]"), "pypinyin changed RE_HANS"
_RUNS = re.compile(f"({_HAN_CLASS}+)|([^{_HAN_CLASS[1:]}+)")

_converter = UltimateConverter()  # what lazy_pinyin() uses, with its default options
_memo = {}


def syllables(text):
    """`pypinyin.lazy_pinyin(text)`: the syllables without tones, one per character; characters
    without pinyin kept as written, a run of them as one item."""
    result = []
    for han, other in _RUNS.findall(text):
        if han:
            for word in _words(han):
                result.extend(_convert(word))
        else:
            result.extend(_convert(other))
    return result


def _words(text):
    """pypinyin.seg.mmseg.seg.cut(text) (no_non_phrases=True), as a list."""
    prefixes = mmseg.seg._prefix_set._set
    words = []
    start, end_of_text = 0, len(text)
    while start < end_of_text:
        valid_end, end, whole = 0, start, True
        while end < end_of_text:
            word = text[start:end + 1]
            if word not in prefixes:
                whole = False
                break
            end += 1
            if word in PHRASES_DICT:
                valid_end = end
        if valid_end:  # the longest dictionary phrase starting here
            words.append(text[start:valid_end])
            start = valid_end
        elif whole:  # the rest is only the start of phrases: character by character
            words.extend(text[start:])
            break
        else:
            words.append(text[start])
            start += 1
    return words


def _convert(word):
    found = _memo.get(word)
    if found is None:
        found = [item for items in _converter.convert(word, Style.NORMAL, False, "default", True)
                 for item in items]
        if len(_memo) >= MEMO_SIZE:
            _memo.clear()
        _memo[word] = found
    return found
