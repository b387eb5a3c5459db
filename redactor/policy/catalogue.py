"""The warning catalogue: per kind, its severity and the Japanese message and suggestion.

Messages name a *type* (電話番号, マイナンバー), never a value, so a warning can be shown,
logged and stored without becoming personal data itself.  Suggestions are what the agent
can say, taken from the domain brief's wording for the identity check, reassurance and
declining information the purpose does not need.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["info", "warning", "critical"]

# The one mapping from mask type to the Japanese label every human-facing surface shows (terminal,
# agent page via /static/labels.json, subtitles); files keep the <TYPE> contract. docs/labels.md.
TYPE_LABELS: dict[str, str] = {
    "PERSON": "お名前",
    "PHONE_NUMBER": "電話番号",
    "EMAIL_ADDRESS": "メールアドレス",
    "JP_ADDRESS": "住所",
    "JP_POSTAL_CODE": "郵便番号",
    "DATE_OF_BIRTH": "生年月日",
    "CREDIT_CARD": "カード番号",
    "CARD_SECURITY_CODE": "セキュリティコード",
    "CARD_EXPIRY": "カードの有効期限",
    "JP_MY_NUMBER": "マイナンバー",
    "JP_CORPORATE_NUMBER": "法人番号",
    "JP_DRIVERS_LICENSE": "運転免許証番号",
    "JP_PASSPORT": "パスポート番号",
    "JP_HEALTH_INSURANCE": "健康保険証の番号",
    "JP_PENSION_NUMBER": "基礎年金番号",
    "JP_RESIDENCE_CARD": "在留カード番号",
    "JP_BANK_ACCOUNT": "口座番号",
    "CREDENTIAL": "暗証番号・パスワード",
    "DIGITS": "数字",  # the safety net for digit runs no recognizer labelled
    "PENDING": "確認中",  # live partials only: held back until the final decides (docs/events.md)
}

SENSITIVE_LABELS: dict[str, str] = {
    "medical": "病歴・病状",
    "disability": "障害",
    "health_check": "健康診断等の結果",
    "creed": "信条・宗教",
    "race": "人種・民族",
    "social_status": "社会的身分",
    "criminal_record": "犯罪の経歴",
    "crime_victim": "犯罪被害",
    "unclassified": "病歴・信条など",  # raised by the trained act model, which names no category
}

# Registered facts an agent may read out that are no maskable value (identity_not_verified).
REGISTERED_LABELS: dict[str, str] = {
    "ACCOUNT_AMOUNT": "ご請求・お支払いの金額",
    "ACCOUNT_RECORD": "ご契約・ご利用の記録",
    "APPLICATION_RESULT": "審査・選考の結果",
    "CONTRACT_PLAN": "ご契約のプラン",
    "DOCUMENT_EXPIRY": "書類・ご契約の期限",
    "OVERDUE": "お支払いの遅れ",
    "REGISTERED_VALUE": "ご登録の内容",
    "SENSITIVE": "病歴・信条など",  # a named person's condition read out (the category is the sensitive warning's)
    "REGISTERED": "ご登録の情報",  # raised by the trained act model, which names no fact
}

# Types whose mere presence is a legal problem, not only a minimisation one.
CRITICAL_TYPES = frozenset({"JP_MY_NUMBER", "CARD_SECURITY_CODE", "CREDENTIAL"})
# Documents that identify a person (保険証, 免許証, パスポート, 在留カード, マイナンバー, 年金手帳): one
# of them asked for as an alternative of another (マイナンバーか、保険証の番号を) is the same proof of
# identity.  A card, a bank account or a security code is never such an alternative.
IDENTITY_DOCUMENTS = frozenset({
    "JP_MY_NUMBER", "JP_HEALTH_INSURANCE", "JP_DRIVERS_LICENSE", "JP_PASSPORT", "JP_RESIDENCE_CARD",
    "JP_PENSION_NUMBER",
})

IDENTITY_CHECK = "「ご本人確認のため、お名前とご登録の電話番号を教えていただけますか?」"
REASSURANCE = ("「お客様の情報は当社で安全に管理しております。"
               "こちらの情報は社内でのみ利用いたしますので、ご安心ください」")
DECLINE = "「お気遣いありがとうございます。本件では{label}は必要ございませんので、お伝えいただかなくて大丈夫です」"


@dataclass(frozen=True, slots=True)
class KindSpec:
    """How one warning kind is worded; ``{label}`` is a type or category label, ``{policy}`` the policy."""

    severity: Severity
    message: str
    suggestion: str


CATALOGUE: dict[str, KindSpec] = {
    "unneeded_pii": KindSpec(
        "warning",
        "この用件（{policy}）では不要な{label}が伝えられました。記録・メモに残さないでください。",
        DECLINE,
    ),
    "agent_requests_unneeded": KindSpec(
        "warning",
        "この用件（{policy}）では{label}は不要です。お伺いしないでください。",
        "{label}のお伺いは控え、用件に必要な情報だけをお伺いしてください。",
    ),
    "sensitive_info": KindSpec(
        "warning",
        "要配慮個人情報（{label}）に触れています。ご本人の同意なく記録・取得しないでください。",
        "「恐れ入ります、そちらの内容はお伺いしなくても手続きできますので、お伝えいただかなくて大丈夫です」",
    ),
    "card_security_code": KindSpec(
        "critical",
        "カードのセキュリティコードが話されました。PCI DSSにより保存・メモは禁止です。",
        "「恐れ入ります、セキュリティコードはお電話ではお伺いしておりませんので、お手元にお控えください」",
    ),
    "identity_not_verified": KindSpec(
        "warning",
        "本人確認が完了する前に、登録情報（{label}）をお伝えしています。",
        "先に本人確認をしてください: " + IDENTITY_CHECK,
    ),
    "identity_verified": KindSpec(
        "info",
        "本人確認が完了しました（お名前とご登録の電話番号）。",
        "確認が取れた旨をお伝えし、用件に進んでください。",
    ),
    "privacy_question": KindSpec(
        "info",
        "お客様が個人情報の取り扱いについて質問しています。",
        REASSURANCE,
    ),
    "volunteered_info_offer": KindSpec(
        "info",
        "お客様が用件に必要のない情報まで提供しようとしています。丁寧にお断りしてください。",
        "「お気遣いありがとうございます。本件ではお名前とご登録の電話番号以外は必要ございませんので、"
        "お伝えいただかなくて大丈夫です」",
    ),
}

KINDS: tuple[str, ...] = tuple(CATALOGUE)

# The "type" of a card_security_code the agent asked for (``None``: one that was said).  A
# request raises this kind only, not agent_requests_unneeded as well: one act, one warning,
# the more specific one.  Its own key, because the customer saying the code afterwards is a
# second act with its own advice (do not note it down).
REQUESTED = "request"
_SECURITY_CODE_REQUESTED = "カードのセキュリティコードをお伺いしています。PCI DSSによりお伺い・保存・メモは禁止です。"


def label_for(entity_type: str | None) -> str:
    """The Japanese label of an entity type or sensitive category (custom types keep their name)."""
    if entity_type is None or entity_type == REQUESTED:
        return ""
    return (TYPE_LABELS.get(entity_type) or SENSITIVE_LABELS.get(entity_type) or REGISTERED_LABELS.get(entity_type)
            or entity_type)


def severity_for(kind: str, entity_type: str | None) -> Severity:
    """My Number or a security code makes a minimisation warning critical (law, PCI)."""
    if kind in ("unneeded_pii", "agent_requests_unneeded") and entity_type in CRITICAL_TYPES:
        return "critical"
    return CATALOGUE[kind].severity


def render(kind: str, entity_type: str | None, policy: str) -> tuple[Severity, str, str]:
    """(severity, message, suggestion) for one warning."""
    spec = CATALOGUE[kind]
    label = label_for(entity_type)
    values = {"label": label, "policy": policy}
    message = spec.message.format(**values)
    if kind == "card_security_code" and entity_type == REQUESTED:
        message = _SECURITY_CODE_REQUESTED
    if kind == "unneeded_pii" and entity_type == "JP_MY_NUMBER":
        message += "マイナンバーは社会保障・税以外の目的で取得できません。"
    return severity_for(kind, entity_type), message, spec.suggestion.format(**values)
