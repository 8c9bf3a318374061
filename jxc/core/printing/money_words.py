"""大写金额: an amount of money in the capital numerals of Chinese financial papers, pure.

    amount_in_words(Decimal("1234.56")) == "壹仟贰佰叁拾肆元伍角陆分"
    amount_in_words(Decimal("1000"))    == "壹仟元整"
    amount_in_words(Decimal("100.05"))  == "壹佰元零伍分"
    amount_in_words(Decimal("-3"))      == "负叁元整"

The characters are the format itself (what a bank or an auditor reads), not words to
translate: they are data here, the same in every language of the screens. The rules are the
usual ones (the People's Bank's 支付结算办法): groups of four digits (元, 万, 亿, 万亿); one 零
for a run of zeros inside the number; 整 after 元 or 角 when no 分 follows; a 零 between 元 and
分 when the 角 is zero ("壹元零伍分", required); an amount below one yuan is its 角 and 分 alone
("伍角整"); zero is 零元整. Half-up to the 分 first.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
IN_GROUP = ("", "拾", "佰", "仟")  # units inside a group of four digits
GROUPS = ("", "万", "亿", "万亿")  # units of the groups, from the right
YUAN, JIAO, FEN, WHOLE, ZERO_WORD, MINUS = "元", "角", "分", "整", "零", "负"

# 9999 万亿 and a bit: beyond any amount the money fields hold (|v| < 10¹³)
LIMIT = Decimal(10) ** 16


def _integer_words(n: int) -> str:
    """The yuan part (n > 0), digit by digit from the most significant: a run of zeros
    inside a group (or whole zero groups) is one 零 before the next digit; a group's unit
    (万, 亿, 万亿) follows a group that is not all zeros; zeros at the end of a group before
    the next group's unit are not written (壹佰伍拾万壹仟, as the 支付结算办法 allows)."""
    text = str(n)
    out: list[str] = []
    zero = False
    group_has_digit = False
    for i, ch in enumerate(text):
        place = len(text) - 1 - i
        d = int(ch)
        if d == 0:
            zero = bool(out)
        else:
            if zero:
                out.append(ZERO_WORD)
            zero = False
            group_has_digit = True
            out.append(DIGITS[d] + IN_GROUP[place % 4])
        if place % 4 == 0:
            if group_has_digit:
                out.append(GROUPS[place // 4])
                zero = False
            group_has_digit = False
    return "".join(out)


def amount_in_words(amount: Decimal | int | str) -> str:
    """大写金额 of ``amount`` (yuan), rounded half up to the 分."""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if abs(value) >= LIMIT:
        raise ValueError("amount too large for words")
    sign = MINUS if value < 0 else ""
    value = abs(value)
    fen_total = int(value * 100)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    if fen_total == 0:
        return ZERO_WORD + YUAN + WHOLE
    out = ""
    if yuan:
        out = _integer_words(yuan) + YUAN
    if not jiao and not fen:
        return sign + out + WHOLE
    if jiao:
        out += DIGITS[jiao] + JIAO
    elif yuan:
        out += ZERO_WORD  # 壹元零伍分
    if fen:
        out += DIGITS[fen] + FEN
    else:
        out += WHOLE
    return sign + out
