"""An amount in Chinese capital numerals (人民币大写), as printed on quotes and contracts:
1234.50 → 壹仟贰佰叁拾肆元伍角整."""

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
GROUP_UNITS = ("", "万", "亿", "万亿")


def _group(value):
    """0 < value < 10000 → its numerals; zeros inside collapse to one 零, none at the end."""
    text, zero = "", False
    for position in range(3, -1, -1):
        digit = value // 10**position % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += DIGITS[digit] + SMALL_UNITS[position]
    return text


def rmb_upper(amount):
    cents = int((Decimal(amount).copy_abs() * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    groups = []
    while yuan:
        yuan, part = divmod(yuan, 10000)
        groups.append(part)
    text, gap = "", False
    for index in range(len(groups) - 1, -1, -1):
        part = groups[index]
        if part == 0:
            gap = bool(text)
            continue
        if text and (gap or part < 1000):
            text += "零"
        text += _group(part) + GROUP_UNITS[index]
        gap = False
    if text:
        text += "元"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif text and fen:
        text += "零"
    if fen:
        text += DIGITS[fen] + "分"
    else:
        text = (text or "零元") + "整"
    return ("负" if Decimal(amount) < 0 else "") + text
