"""要配慮個人情報 (APPI special-care data) in an utterance: which categories come up.

Collecting medical history, disability, health-check results, creed, race, social status,
a criminal record or having been a victim of crime needs prior consent (APPI Art. 20(2)),
so the agent is warned the moment one comes up.  The lexicon holds phrases that say
something *about a person* (入院しています, 障害者手帳, 前科, 詐欺に遭った), not bare nouns:
病院, お寺, 教会, 健康診断 alone are places and services people mention in passing
(病院の近くです, お寺の向かい, 健康診断の予約センター) and never fire.  Two context rules
remove the remaining passing uses: a phrase followed by a place or service word
(…の近く, …センター, …保険) and a 障害 preceded by a technical word (通信障害, システム障害).

Plain regular expressions over the surface text: a few microseconds per utterance, no
model, and it works on masked text too (masking never hides these words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LEXICON: dict[str, tuple[str, ...]] = {
    "medical": (
        r"持病", r"既往歴", r"病歴", r"入院(?!手続きの窓口)", r"通院", r"手術(を受け|をし|して|した|予定|後)",
        r"治療(中|を受け|して|し[てた]|のため)", r"闘病", r"療養(中|して)", r"診断(され|を受け)",
        r"(がん|癌|ガン)(に|で|が見つか|と診断|を患|の治療|が再発)", r"抗がん剤", r"糖尿病", r"高血圧",
        r"心臓病", r"心筋梗塞", r"脳梗塞", r"脳卒中", r"うつ病", r"鬱病", r"うつ(状態|っぽく)",
        r"適応障害", r"統合失調症", r"認知症", r"パニック障害", r"双極性", r"精神科", r"心療内科",
        r"透析", r"不妊治療", r"妊娠(中|して|しま)", r"HIV", r"エイズ", r"難病", r"喘息", r"ぜんそく",
        r"病気(で|になっ|をし|が見つか|療養|の治療|が悪化|を患)", r"要介護", r"介護認定",
        r"薬を(飲んで|服用)", r"服薬", r"骨折(して|し[てた]|で)",
    ),
    "disability": (
        r"障[害がい碍]+者手帳", r"療育手帳", r"身体障[害がい碍]", r"知的障[害がい碍]", r"精神障[害がい碍]",
        r"発達障[害がい碍]", r"聴覚障[害がい碍]", r"視覚障[害がい碍]", r"障[害がい碍]+年金",
        r"障[害碍](が|を)(あ|持|抱)", r"障がい(が|を)(あ|持|抱)", r"車[椅いイ]子", r"耳が(聞こえ|遠)",
        r"目が(見えな|不自由)", r"(足|体|身体)が不自由",
    ),
    "health_check": (
        r"(健康診断|健診|人間ドック|検診|ストレスチェック)(の結果|結果|で引っかか|で見つか|で再検査|で要)",
        r"再検査", r"精密検査", r"要精検", r"血糖値", r"尿酸値", r"コレステロール値", r"血圧が高",
        r"数値が(悪|高|引っかか)", r"検査で引っかか",
    ),
    "creed": (
        r"信仰", r"宗教(上|的|の関係|を信|に入|団体に|をして|をやって)", r"信者", r"入信",
        r"(キリスト|イスラム|ヒンドゥー|ユダヤ)教(徒|を信|の信|なので|で)", r"仏教徒", r"創価学会",
        r"学会員", r"教会に通", r"檀家", r"支持政党", r"党員", r"思想信条",
    ),
    "race": (
        r"人種", r"民族", r"在日(韓国|朝鮮|コリアン)", r"アイヌ", r"混血",
    ),
    "social_status": (
        r"被差別部落", r"部落(出身|の出)", r"同和地区", r"門地",
    ),
    "criminal_record": (
        r"前科", r"前歴", r"逮捕(され|歴)", r"服役", r"刑務所(に|から|を出|にい)", r"有罪(判決|にな)",
        r"執行猶予", r"起訴され", r"書類送検", r"少年院", r"出所(し|後)", r"受刑", r"保護観察",
    ),
    "crime_victim": (
        r"(詐欺|空き巣|泥棒|強盗|ひったくり|スリ|痴漢|暴行|傷害|ストーカー|盗難)(に遭|にあ|被害|の被害|を受け)",
        r"被害に(遭|あ)", r"被害届", r"盗まれ", r"騙され", r"だまされ", r"犯罪被害",
        r"ストーカー(され|行為)", r"(DV|家庭内暴力)(を受け|被害|から逃|で避難|を)", r"暴力を(受け|振る)",
    ),
}

# A phrase followed by one of these is a place or a service, not a fact about a person.
_PASSING_AFTER = re.compile(r"^(の)?(近く|向かい|隣|となり|前|横|裏|そば|側|通り|沿い|駐車場|予約|受付|窓口|"
                            r"センター|駅|バス停|保険|特約|プラン|保障)")
# 障害 after a technical word is an outage, not a disability.
_TECHNICAL_BEFORE = re.compile(r"(通信|回線|電波|システム|サーバー?|ネットワーク|接続|電源|機器)$")


@dataclass(frozen=True, slots=True)
class SensitiveMention:
    """One 要配慮個人情報 phrase: its category and where it is (indices into the text)."""

    category: str
    start: int
    end: int


class SensitiveDetector:
    """Finds special-care categories in an utterance; stateless and thread-safe."""

    def __init__(self, lexicon: dict[str, tuple[str, ...]] = _LEXICON) -> None:
        self._patterns = {category: re.compile("|".join(f"(?:{p})" for p in phrases))
                          for category, phrases in lexicon.items()}

    def find(self, text: str) -> list[SensitiveMention]:
        found = []
        for category, pattern in self._patterns.items():
            for match in pattern.finditer(text):
                if _PASSING_AFTER.match(text, match.end()) and match.group(0)[-1] not in "てたしで":
                    continue
                if _TECHNICAL_BEFORE.search(text, max(0, match.start() - 8), match.start()) and "障" in match.group(0):
                    continue
                found.append(SensitiveMention(category, match.start(), match.end()))
        return sorted(found, key=lambda m: m.start)

    def categories(self, text: str) -> list[str]:
        """The categories found, each once, in order of first mention."""
        return list(dict.fromkeys(m.category for m in self.find(text)))
