"""What a quantity looks like: digits followed by a counter or a unit (3776メートル, 1セット, 2番乗り場).

Shared by the recognizers (a value followed by a unit is no identifier), the conversation's digit net
and the warning rules (a price said before a correction is no number read out); no dependencies, so
every layer may import it.
"""

from __future__ import annotations

import re

# 人, 台 and 本 also begin the names of places and branches (台東区, 人形町, 本町, 本店): there they count
# only where no word goes on from them, or a count's own suffix does (3台目, 1234567人以上).
COUNT_SUFFIX = r"(?:分|目|前|以[上下内]|未満|余|超|近く|程度|強|弱)"


def counter(chars: str) -> str:
    """A counter among ``chars`` that ends its word (see ``COUNT_SUFFIX``)."""
    return rf"[{chars}](?:(?={COUNT_SUFFIX})|(?![一-龥々]))"


# Digits followed by a counter or a unit are quantities, not identifiers; so are digits right
# before a magnitude (12345億円; 1万2千 normalised as 10002千) or a counter of things (12345株,
# 1234567票).  Those only glued to the digits and ending there: 千葉, 万一, 株式会社, 名前, 石川
# after a phone number are words of their own, and the number is still one.  A decimal part
# before the unit (2189.44平方キロメートル) keeps it a measurement; dotted groups with no unit
# (03.1234.5678) stay digits.  So are the numbers of a platform, an exit or a counter (3番乗り場,
# 2番窓口): places, not people, while 2046番です (a patient's number) stays one.
UNIT_AFTER = re.compile(
    rf"(?:[.．]\d{{1,4}})?\s{{0,8}}(?:{counter('人台本')}|円|個|件|回|名様|枚|点|箱|冊|杯|歳|才|時|分|秒|%|％|割|倍|"
    r"kg|g|km|m|cm|[kmg]?hz|ミリ|キロ|グラム|メートル|センチ|平方|立方|ヘクタール|リットル|ドル|ポンド|ポイント|"
    r"年|ヶ月|か月|カ月|日|月|週|泊|階|号室|番目|位|桁|文字|ケタ|巻|種類|[箇ヶカか]所|塁|"
    r"番(?:線|乗り?場|ホーム|出口|ゲート|窓口))"
    # Loanword units only glued to the digits and ending their word: 1234 5678 ギガプラン (an ASR space
    # before a plan's name), テラス, メガネ, ケースワーカー, セットアップ are words, the digits a number.
    r"|(?:セット|パック|ケース|ページ|ギガ|メガ|テラ)(?![ァ-ヴー])"
    r"|(?:千|万|億|兆)(?:[円人件個本台枚回株票名部]|(?![一-龥々]))"
    r"|(?:株|票|名|世帯|戸|頭|匹|羽|隻|棟|語|坪|石|部|両|通|袋|缶|錠|粒)(?![一-龥々])|トン(?![一-龥々ァ-ヴー])",
    re.IGNORECASE,
)
