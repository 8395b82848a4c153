"""Numbers as printed, digits or Chinese numerals, to Decimal (cn2an reads the Chinese ones)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import cn2an

CN_DIGITS = "〇零一二两三四五六七八九"
CN_NUMERAL = f"[{CN_DIGITS}十百千]"


def to_decimal(printed: str) -> Decimal:
    """ "19.96", "1,077", "两", "十", "千", "二〇二五", "十二万五千" → Decimal; ValueError otherwise."""
    text = printed.replace(",", "").replace("，", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        pass
    if text[:1] in "百千万":  # 百亿级, 近千名: a bare power of ten means one of it
        text = "一" + text
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError) as exc:
        raise ValueError(f"{printed!r} is not a number") from exc
    if len(text) == 4 and all(c in CN_DIGITS for c in text):  # 二〇二五: digit by digit
        value = cn2an.cn2an(text, "direct")
    return Decimal(str(value))
