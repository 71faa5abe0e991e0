"""core.pinyin.syllables() is pypinyin's lazy_pinyin(), only faster: the same syllables for every
text, or search keys and duplicate-matching keys would differ from the ones already stored."""

import random

from pypinyin import lazy_pinyin
from pypinyin.constants import PHRASES_DICT

from core.pinyin import syllables

NAMES = [
    "北京华为技术有限公司", "重庆啤酒股份有限公司", "长沙银行", "中国银行上海分行", "曾国藩", "单于", "解放军报",
    "华为技术（北京）有限公司", "華為技術有限公司", "ABC科技", "3M中国有限公司", "京东方A", "", " ", "\n", "中\n国",
    "〇一二", "𠀁字", "ü型", "Ｈｕａｗｅｉ华为", "行长行走银行", "重庆重新重要", "一丁不识",
]


def corpus(size=5000, seed=8):
    """Texts made the way names are: dictionary phrases whole or cut short, single characters,
    digits, Latin letters, spaces, punctuation and characters beyond the basic plane."""
    rng = random.Random(seed)
    phrases = sorted(PHRASES_DICT)[::25]
    characters = [chr(code) for code in range(0x4E00, 0x9FA5, 7)] + ["〇", "\ue815", "\U00020001", "\uf900", "㐀"]
    extras = ["ABC", " ", "（", "-", "\n", "251", "　", "·", "有限公司"]
    texts = []
    for _ in range(size):
        parts = []
        for _ in range(rng.randint(1, 6)):
            pick = rng.random()
            if pick < 0.35:
                parts.append(rng.choice(phrases))
            elif pick < 0.5:
                phrase = rng.choice(phrases)
                parts.append(phrase[:rng.randint(1, len(phrase))])
            elif pick < 0.85:
                parts.append(rng.choice(characters))
            else:
                parts.append(rng.choice(extras))
        texts.append("".join(parts))
    return texts


def test_syllables_are_lazy_pinyins():
    for text in [*NAMES, *corpus()]:
        assert syllables(text) == lazy_pinyin(text), text


def test_a_result_is_not_shared_with_the_next_caller():
    first = syllables("北京科技")
    first.append("x")
    assert syllables("北京科技") == ["bei", "jing", "ke", "ji"]
