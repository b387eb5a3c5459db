"""Speech acts read from GiNZA's dependency parse: what a sentence does, not which phrase it uses.

A customer asks about data handling in endless wordings (「この通話って録音されてるんですか」,
「さっき言った番号、そちらに残るんでしょうか」, 「他社に回したりしないですよね？」) and offers more
data in as many (「生年月日も言った方がいいですか」, 「必要なら保険証の番号も言えますけど」,
「免許証とかいります？」).  What they share is a structure:

* a privacy question = a question, concern or request form + a predicate of a *handling class*
  (retention, deletion, transfer, use, access) + a *data object* (a data noun, a PII cue, what
  the customer said, or a recipient such as 他社 that makes the object implicit);
* an offer = a predicate of *telling or giving* in an offering form (volitional question,
  方がいい, ばいい, a condition such as 必要なら, a potential form) or a *need question*
  (いります？/必要ですか) + an identifier object.

Lexicons here are small and categorical: verb classes by lemma, object classes by noun.  A
predicate's form is read from the surface of its own chain (the word and the auxiliaries,
particles and fixed words that depend on it), a sentence's mood from its end.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from redactor.pii.cues import CUES, NOT_PII, Cue, CueIndex, describes_security_code
from redactor.policy.parse import Parse, Word, kana_text, reading, unspaced

# --- verb classes (lemmas; サ変 nouns such as 録音 are their own lemma) -------------------
RETAIN = frozenset({"録音", "録画", "記録", "保存", "保管", "残る", "残す", "控える", "保持", "蓄積", "預かる",
                    "メモ", "書き留める", "取得", "収集", "録る",
                    # written in kana (ずっと会社にのこりますか): GiNZA keeps the kana lemma
                    "のこる", "のこす"})
DELETE = frozenset({"消す", "消せる", "消える", "削除", "消去", "破棄", "廃棄", "抹消", "処分",
                    "けす", "きえる", "捨てる", "捨てれる", "捨てられる"})
TRANSFER = frozenset({"共有", "渡す", "渡る", "回す", "回る", "流す", "流れる", "売る", "提供", "転送", "漏れる",
                      "漏洩", "流出", "悪用", "開示", "引き継ぐ", "転売", "販売",
                      # Fed to a machine (AIに読み込ませる, 学習に回す): used beyond the call.
                      "読み込む", "学習",
                      # handed round (ビデオ、ほかの家族にも配るんですか): only with the data named (HANDED_ROUND)
                      "配る", "配布"})
# Flyers are handed round as often as anything (チラシ、ほかのお店にも配ってますか): a recipient alone is no data's.
HANDED_ROUND = frozenset({"配る", "配布"})
USE = frozenset({"使う", "利用", "使用", "管理", "扱う", "取り扱う", "扱い", "取り扱い", "取扱い", "活用"})
ACCESS = frozenset({"見る", "聞く", "聞ける", "見れる", "見られる", "閲覧", "確認", "知る", "聞き直す", "聞き返す",
                    "聴く", "聴ける", "視聴",  # 聴く: a recording listened to (私の声、ほかの人にも聴かれたり)
                    "見返す", "再生", "見える", "聞こえる",
                    "読む", "読める"})  # a document read by others (紹介状、ほかの先生たちも読むんですか)
# A handling noun that heads these asks about the handling itself (保存期間, 保存先).
HANDLING_HEADS = frozenset({"期間", "期限", "先", "場所", "範囲"})
TELL = frozenset({"言う", "伝える", "教える", "知らせる", "読み上げる", "読む", "送る", "出す", "見せる", "提示",
                  "提出", "申告", "書く", "用意", "話す"})
# Potential forms GiNZA lemmatises as verbs of their own (言える, 出せる…).
TELL_POTENTIAL = frozenset({"言える", "伝えられる", "教えられる", "出せる", "送れる", "見せられる", "書ける",
                            "話せる", "読める"})
NEED = frozenset({"いる", "要る", "必要"})
# What an agent asks the customer to do with a value: say it, show it, confirm it.
ASK = frozenset({"教える", "伺う", "聞く", "聞かせる", "言う", "伝える", "知らせる", "読み上げる", "願う", "いただく",
                 "頂戴", "確認", "用意", "提示", "入力", "おっしゃる", "仰る", "申し出る", "見せる", "読む"})
# Asking whether the customer has or knows it comes before asking for it (お手元にございますか).
HAVE = frozenset({"ある", "ござる", "持つ", "分かる", "わかる", "お持ち"})
# Holding something: with ておく/とく it is keeping (いつまで持っておくんですか, サーバーに置いとく).
HOLD = frozenset({"持つ", "置く", "取る", "取っておく"})
_KEEP = re.compile(r"^(て|っ)?(て)?(おく|おき|おい|おこ|とく|とき|とい|とこ)")
# Held on the company's side (そちらでずっと持ってるんですか, いつまで持っているんですか): keeping it.
_HOLDING = re.compile(r"^(て|で)?(る|い|お|ある|あり|あっ)")
_LASTING = re.compile(r"(ずっと|いつまで|今も|いまだに|永久に|一生)")
# Times are no object (退会後も…残る).
_TIMES = frozenset({"後", "前", "時", "間", "以降", "今後", "あと", "時点", "際"})
# Taking data in (位置情報とか取ってたりします？): collecting it, with the data as its object.
TAKE = frozenset({"取る", "集める", "抜く", "吸い上げる"})
# Refusing a handling (録音って断れますか, 拒否できますか): asked with the data or a recording named.
REFUSE = frozenset({"断る", "断れる", "拒否", "拒む", "拒める", "オプトアウト"})
# Shown or played to the caller (私の記録を見せてもらえますか, 録音を聞かせて): asking to see what is kept of them.
SHOW_ME = frozenset({"見せる", "聞かせる", "開示"})
# Stopping a handling (録音を止めてもらえますか): a request about the data.
STOP = frozenset({"止める", "やめる", "停止", "中止", "切る", "オフ"})
# Harm done to data: the noun says which object it is about (情報漏洩は大丈夫ですか).
LEAK = frozenset({"漏洩", "流出", "悪用"})
# Telling someone else (そっちで話しちゃうの, 住所とか教えちゃうことって): the company tells a third
# party.  Asked with the party or the company as the teller; the customer's own telling is an offer.
DISCLOSE = frozenset({"話す", "教える", "伝える", "言う", "喋る", "しゃべる", "知らせる", "見せる", "漏らす", "バラす",
                      "ばらす", "明かす", "連絡", "答える", "回答", "出す", "提出"})
# Telling a person about someone (not 連絡, 提出, 回答: a service's job passed on).
TELL_PERSON = frozenset({"話す", "教える", "伝える", "言う", "喋る", "しゃべる", "知らせる", "漏らす", "バラす",
                         "ばらす", "明かす"})
# Parties a service passes a job to (故障のこと、メーカーに伝えますか): no one the caller is known to.
CONTRACTORS = frozenset({"業者", "メーカー", "ドライバー", "運転手", "乗務員", "配達員", "作業員", "職人", "委託先",
                         "提携先", "本部", "本社", "部署", "部門", "担当者", "担当", "係", "係員", "窓口"})


def _kana_say(word: Word, before: Word | None = None) -> bool:
    """言います said in kana: GiNZA keeps the lemma いう (and may tag いい an adjective); a plain いう
    after a noun (ばんごう いう ほうが いい: a learner's) too, not the quoting という/っていう."""
    return word.lemma == "いう" and (word.text.startswith(("いい", "いわ")) or (
        word.text in ("いう", "いえ") and before is not None and before.pos in ("NOUN", "PROPN", "PRON")))


_OWN_TELLING = re.compile(r"^(て|で)も?(いい|ええ|よい|よろし|大丈夫|構)|^(ましょう|よう|とこう|とこ|とく|ておく)|"
                          r"^(たら|ば)(いい|ええ|よい|よろし)")
_PLAIN_ASK = re.compile(r"^ます(か|[?？]|$)")
# Why the caller does something (休会の理由, 退職の事情): their matter, whoever hears it.
REASONS = frozenset({"理由", "事情", "経緯", "いきさつ", "わけ", "訳"})
_HONORIFIC_END = re.compile(r"(さん|様|さま)$")
# Data reaching someone (業者さんにも行っちゃうの): the data is the subject, the party the goal.
REACH = frozenset({"行く", "いく", "届く", "伝わる", "回る", "流れる", "渡る", "出る", "漏れる", "送る", "送信",
                   "転送", "かかる", "掛かる", "来る"})
# A condition of going (病院に行けば分かりますか, 窓口に来たら): the caller's way there, not data reaching a party.
_IF_GONE = re.compile(r"^(ば|たら|だら)")
SEND = frozenset({"送る", "送信", "転送"})  # of REACH, the verbs with the data as their object
# A contact reaching a party tells it about the caller (勤務先に在籍確認の電話ってかかってきちゃう, 家族に通知が行く).
CONTACTS = frozenset({"電話", "郵便", "郵便物", "通知", "連絡", "ハガキ", "はがき", "封筒", "お知らせ", "督促",
                      "問い合わせ", "照会", "確認"})
# Finding out the caller's data (なんでうちの住所知ってるの, どこで私の番号を知ったんですか): how the
# company came by it, asked as a complaint with a reason or a source (なんで, どうして, どこから).
FIND_OUT = frozenset({"知る", "分かる", "わかる", "入手", "手に入れる", "調べる", "仕入れる", "知れる", "入れる"})
_WHY_OR_WHERE = re.compile(r"(なんで|何で|なぜ|どうして|どこで|どこから|どっから|どこで|どうやって|勝手に)")
# The caller's own handing in (自分で出す, 自分から伝える).
_BY_SELF = re.compile(r"(自分で|自分から|自ら|みずから)")
# Told without the caller's leave (住所とか勝手に教えられたり): someone else is told, whoever it is.
_UNASKED = re.compile(r"(勝手に|無断で|知らないうちに|知らない間に|断りなく|断りもなく)")
_KNOWN = re.compile(r"^(て|っ|た|れ|ら|られ|さ)")  # known already (知ってる, わかった, 知られてる): not 分かりますか
# Becoming known to others: the word carries the third party (私のことが筒抜けになる).
EXPOSE = frozenset({"筒抜け", "バレる", "ばれる", "知れ渡る", "知られる", "知れる",
                    "バレ", "ばれ", "顔バレ", "身バレ"})  # 顔バレしたくない: GiNZA's lemma is バレ
HANDLING = RETAIN | DELETE | TRANSFER | USE | ACCESS
# Recording is of the people heard or filmed (あれ録っとんのか): the verb names its data.
RECORDING = frozenset({"録音", "録画", "録る"})
# Perceiving: seen, known, heard or listened to by someone (passive 見られる, 聴かれる; causative 知らせる).
SENSE = frozenset({"見る", "知る", "聞く", "聴く"})

# --- object classes ----------------------------------------------------------------------
# Nouns that name data about the customer by themselves.
DATA_NOUNS = frozenset({"情報", "個人情報", "データ", "番号", "記録", "録音", "通話", "会話", "内容", "履歴", "音声",
                        "話", "やりとり", "やり取り", "個人データ", "プライバシー", "中身", "検査結果", "診断結果",
                        "健診結果", "カルテ", "病歴", "既往歴",
                        # what a diagnosis says of the caller (病名とか、上司に伝わったり)
                        "病名", "診断名", "持病", "病状"}) | frozenset({
    # Documents and copies the caller handed over (免許の写真, 書類のコピー, プロフィール).
    "書類", "コピー", "写真", "画像", "プロフィール", "申込書", "申請書", "診断書", "控え", "点数", "本名", "実名",
    "氏名",
    # Results about a person (うちの子の成績, 面接で話したこと are told; 検査の結果 below).
    "成績", "通知表", "内申", "内申書", "評価",
    # The caller's body as data (私の声, 指紋).
    "声", "指紋",
    # Recordings of the caller by camera (防犯カメラの映像, 録画した動画).
    "映像", "動画", "ビデオ",
    # A patient's papers and history (紹介状, 問診票, 通院歴).
    "紹介状", "問診票", "通院歴", "受診歴", "治療歴", "歴"})
# 結果 is data when it is a person's examination's (人間ドックの結果, 面接の結果), not 検索結果.
_EXAMS = re.compile(r"(ドック|検査|健診|診断|面接|試験|審査|選考|テスト|検診)$")
# 情報 and データ name the customer's data only when bare or modified by one of these
# (not 商品情報, キャンペーン情報, データ容量).
PERSONAL_MODIFIERS = frozenset({"個人", "顧客", "お客様", "お客さま", "会員", "登録", "契約", "カード", "口座",
                                "位置", "健康", "利用者", "本人", "私", "僕", "自分", "うち", "家族", "申込", "録音",
                                "通話", "音声"})
OPEN_DATA_NOUNS = frozenset({"情報", "データ"})
# Whoever receives data: with a transfer verb the object goes without saying (他社に渡ったり…).
RECIPIENTS = frozenset({"他社", "第三者", "外部", "業者", "よそ", "提携先", "関連会社", "グループ会社", "子会社",
                        "広告会社", "別会社", "他人", "誰", "会社"})
# People and bodies data can reach besides the caller: staff, family, contractors, authorities.
PARTIES = frozenset({
    "人", "職員", "社員", "スタッフ", "担当者", "係", "係員", "オペレーター", "業者", "家族", "息子", "娘",
    "夫", "妻", "主人", "旦那", "元夫", "元妻", "元彼", "親", "親族", "子供", "子ども", "他人", "第三者",
    "会社", "他社", "外部", "警察", "役所", "市役所", "区役所", "税務署", "勤務先", "職場", "上司", "取引先",
    "委託先", "提携先", "関連会社", "誰", "だれ", "みんな", "近所",
    "客", "お客", "お客さん", "お客様", "利用者", "他", "ほか", "外", "部署", "部門", "社内", "方",
    "海外", "外国", "サーバー", "クラウド", "課長", "部長", "同僚", "相手", "お相手", "窓口", "学校", "先生",
    "会員", "メンバー", "ユーザー", "保護者", "親御", "生徒", "本部", "本社", "病院", "医者", "保険会社",
    "管理室", "人事", "総務", "経理", "庶務", "面接官", "受験生", "学生", "参加者", "応募者", "住人", "住民",
    "入居者", "患者", "転院先", "転職先", "紹介先", "移管先", "派遣先", "出向先", "勤め先", "大家", "管理会社",
    "保証会社", "メーカー", "国", "行政",
    # People the caller meets through the service: drivers, shop staff, trainers, local officials.
    "ドライバー", "運転手", "乗務員", "配達員", "店員", "作業員", "職人", "トレーナー", "受付", "運営",
    "民生委員", "委員", "町内会", "自治会", "大家さん", "隣", "隣人",
    "インストラクター", "講師", "コーチ", "トレーナーさん", "店長", "オーナー",
    # where the caller works part-time (バイト先に顔バレしたくない)
    "バイト先", "アルバイト先", "パート先",
    # governments and their offices, at home or abroad (モンゴルのせいふに いきますか)
    "政府", "大使館", "領事館", "本国", "母国", "入管", "自治体", "当局", "役場", "保健所", "裁判所", "税関",
    # said in plain hiragana (a learner of Japanese, a recogniser's kana)
    "おおや", "おおやさん", "かいしゃ", "しょくば", "かぞく", "けいさつ", "やくしょ", "がっこう", "せいふ",
    "たいしかん", "やくば"})
# The side of a party (会社の健康管理室のほうに, 学校側に): the party itself.
# A party's side or place (業者さんのほう, 息子のところに) is that party.
_SIDE = frozenset({"ほう", "方", "側", "がわ", "ところ", "とこ", "所"})
# The speaker themself: 私のこと, 私の口座のこと name data about the caller without a data noun.
SELF = frozenset({"私", "わたし", "あたし", "僕", "ぼく", "俺", "おれ", "オレ", "自分", "うち", "わし", "ワシ", "おら",
                  "オラ", "おいら", "あたい", "わい", "自身"})
# A family member the caller speaks for (母の体のこと): their matters are the caller's to protect.
FAMILY = frozenset({"母", "父", "夫", "妻", "主人", "娘", "息子", "子", "子供", "子ども", "祖母", "祖父", "家族",
                    # siblings and other kin, plainly or casually named (兄貴に知られたくない, 親父のこと)
                    "兄", "姉", "弟", "妹", "兄貴", "姉貴", "兄弟", "姉妹", "親父", "おやじ", "お袋", "おふくろ", "孫",
                    "嫁", "婿", "叔父", "叔母", "伯父", "伯母", "いとこ", "甥", "姪", "親戚", "親類", "義兄", "義姉",
                    "兄さん", "姉さん", "お兄さん", "お姉さん", "彼氏", "恋人", "婚約者", "元夫", "元妻",
                    "お母さん", "お父さん", "母親", "父親", "義母", "義父"})
# Stored data whose fate may be asked (登録した情報ってどうなるんですか): not identifiers in use.
STORED = frozenset({"情報", "個人情報", "データ", "記録", "録音", "書類", "写真", "コピー", "履歴", "画像", "申込書",
                    "控え",
                    "プロフィール", "申請書", "診断書",
                    # documents deposited with an office (預けた遺言な、…子どもらが見に来たり)
                    "遺言", "遺言書", "遺書"})
# What the caller handed over or wrote (提出した源泉徴収票, アンケートに書いたこと): theirs.
HANDED = TELL | frozenset({"渡す", "預ける", "登録", "記入", "アップロード", "撮る", "預かる"})
# Kept from someone (家族に内緒にしてほしい): asked of the company, a privacy request.
SECRET = frozenset({"内緒", "秘密", "内密", "黙る", "伏せる"})
# Wanting to ask (個人情報の扱いについて確認したいんですが): a question put as a wish.
_WANT_TO_ASK = re.compile(r"(聞きたい|伺いたい|確認したい|知りたい|質問したい|"
                          r"教えて(ほしい|欲しい|ください|もらえ|いただ))")
# Giving documents back (コピーは返してもらえるんですか): what happens to them, asked with the data named.
RETURN = frozenset({"返す", "返却", "返送", "戻す"})
# A question about a product's own feature is no privacy question: what a device, app or feature
# does with the customer's own content for their own use (ペットカメラって録画も見られる機種ですか,
# 作品の写真を友達に共有してもいいですか, スピーカーでボイスメモ録音できるって…) is not how the company handles
# their information.  Who handles it decides: a turn that names a device or the customer's own
# content, and neither the company's side (そちら, 会社, 担当者, 誰, 第三者…) nor personal information
# (登録, 名前, 住所, 電話, 通話…), asks about the product.  The customer recorded by someone's
# camera is theirs (防犯カメラの映像ってどのくらい保存されてるんですか: a labelled privacy question), but
# what a device can hold (録画したのどれぐらい保存できるんですか, of a camera the caller bought) is its
# capacity.  The customer's work made for an order (ロゴのデータ, デザイン, 原稿) kept by the shop is the
# service, whoever keeps it: no personal information.
PRODUCT_HANDLERS = frozenset({"カメラ", "機種", "機能", "アプリ", "端末", "スピーカー", "デバイス", "本体", "製品",
                              "商品", "モデル", "設定", "レコーダー", "ドライブレコーダー", "ドラレコ", "スマホ"})
OWN_CONTENT = frozenset({"作品", "ボイスメモ", "メモ", "録画", "動画", "ファイル", "アルバム",
                         "セーブ", "セーブデータ", "ゲームデータ"})  # a game's save data: the caller's play
_SELF_MADE = frozenset({"自分", "撮る"})  # 自分で撮った写真: the caller's own content, like a 動画
OWN_WORK = frozenset({"ロゴ", "デザイン", "原稿", "図面", "イラスト", "版下", "入稿", "作品"})
YOUR_SIDE = frozenset({"そちら", "そっち", "御社", "貴社", "おたく", "お宅"})  # the company, addressed
OTHERS = (PARTIES | RECIPIENTS) - {"サーバー", "クラウド", "メーカー"}  # anyone but the caller and the company
# Data leaving the caller's hands (勝手に送信される, アップロードしたりしない, 漏れる): what a product sends
# out, or a shop shows or lends to others, is the handling of their data, not a feature.
EXPOSURE = frozenset({"送信", "アップロード", "漏れる", "漏らす", "漏洩", "流出", "勝手", "勝手に", "転送", "流用"})
# Words that name a person's data whatever holds it.
IDENTIFYING = frozenset({"個人情報", "情報", "プライバシー", "名前", "氏名", "本名", "住所", "電話", "番号", "登録",
                         "通話", "会話", "顔", "声", "免許", "免許証", "保険証", "位置", "契約", "口座", "コピー",
                         "履歴", "身分証", "証明書", "本人確認",
                         # identity documents: a photo of one sent through an app is the caller's data, not the app's
                         "パスポート", "旅券", "マイナンバー", "在留"})
# …and what a camera saw (its 映像 is the people in it), unless asked what the device can hold.
PERSONAL_INFORMATION = IDENTIFYING | {"カード", "映像", "防犯"}
# Words whose hiragana the phrase rules read as the words (``parse.kana_text``): every identifier
# cue (注文番号 too, so that ちゅうもんばんごう stays a business number), the data words, 必要.
KANA_WORDS = frozenset(w for words in CUES.values() for w in words) | IDENTIFYING | {"必要", "録音", "削除"}


def text_views(text: str) -> list[str]:
    """``text``, and its kana view when it has one (hiragana and spaced speech-recognition text):
    the one path by which every phrase rule reads a turn said in plain kana."""
    kana = kana_text(text, KANA_WORDS)
    return [text] if kana is None else [text, kana]


# The customer's content kept for their next order (再注文, 焼き増し, また頼む) or handed back on
# their own medium (録音をUSBにコピー): what happens to it is the service.  A copy onto such a
# medium is the caller's own copy, not a copy of their documents.
REORDER = frozenset({"焼き増す", "焼き増し", "焼増し", "増刷", "再注文", "再印刷", "再発注", "リピート"})
_AGAIN = frozenset({"再", "次", "また", "追加", "もう一度", "もう一回",
                    # the next order's time (来年も頼むかもしれんので)
                    "来年", "次回", "今度", "来季", "来シーズン"})
_ORDER = frozenset({"注文", "頼む", "発注", "印刷", "依頼", "プリント"})
MEDIA = frozenset({"usb", "sd", "sdカード", "cd", "dvd", "メモリー", "メモリ", "ディスク", "ｕｓｂ"})


def for_the_callers_own_use(lemmas: set[str]) -> bool:
    """Kept for a reorder or copied onto the caller's medium (see ``REORDER``)."""
    return bool(lemmas & REORDER or (lemmas & _AGAIN and lemmas & _ORDER)
                or {lemma.lower() for lemma in lemmas} & MEDIA)


def about_the_product(lemmas: set[str]) -> bool:
    """The turn asks about a product's own feature, its capacity or the customer's own work (see above)."""
    own_use = for_the_callers_own_use(lemmas)
    identifying = IDENTIFYING - {"コピー"} if own_use else IDENTIFYING
    if any(word in lemma for lemma in lemmas for word in identifying):  # compounds too: 口座番号
        return False
    # Who else sees it comes first: the shop keeping the caller's logo is the service, the shop
    # showing it to other customers (そちらで他のお客さんに見せたり) is not.  What the caller uploaded
    # for a reorder went to the shop by their own hand: no data leaving.
    if lemmas & OTHERS or lemmas & EXPOSURE - ({"アップロード"} if own_use else set()):
        return False
    if own_use:
        return True
    if lemmas & OWN_WORK:
        return True
    own = lemmas & (PRODUCT_HANDLERS | OWN_CONTENT) or lemmas >= _SELF_MADE
    if not own or lemmas & YOUR_SIDE:
        return False
    # What the device can hold (保存できる) is its capacity, a security camera's too.
    return "できる" in lemmas or not lemmas & PERSONAL_INFORMATION


# Sending to the caller (請求書のメールも新しいアドレスに送ってほしい): a delivery asked to their own
# address is the service they call for, not a question about where their data goes.
DELIVER = frozenset({"送る", "届ける", "郵送", "送付", "発送", "転送", "送信", "送れる"})
OWN_DESTINATIONS = frozenset({"アドレス", "メールアドレス", "住所", "自宅", "家", "うち", "宛先", "手元"})


def delivery_to_the_caller(clause: Clause) -> bool:
    """The clause asks for something to be sent to the caller's own address (アドレスに送って
    ほしい, 自宅へ届けてください), with no one else named as a recipient."""
    if {w.lemma for w in clause.words} & OTHERS:
        return False
    for word in clause.words:
        if word.lemma not in OWN_DESTINATIONS:
            continue
        head = clause.parse[word.head] if 0 <= word.head < len(clause.parse) else None
        marked = any(w.head == word.i and w.lemma in ("に", "へ") for w in clause.words)
        if marked and head is not None and head.lemma in DELIVER:
            return True
    return False


def offers_to_tell(clause: Clause) -> bool:
    """The caller's own telling, to the company, as the clause's main predicate (口座の番号、
    そちらにも言っとく？): an offer put as a question, not a question about handling."""
    return any(w.lemma in TELL and w.dep == "ROOT" and any(
        c.lemma in YOUR_SIDE and ClauseRules._marked(clause, c, ("に", "にも", "には")) for c in clause.children(w))
        for w in clause.words)


# --- registered information an agent reads out (identity_not_verified without a PII value) --
# What an account says about money: an amount with one of these is the caller's, not a price.
ACCOUNT_MONEY = frozenset({"未納", "未払い", "滞納", "請求", "請求額", "引き落とし", "引落し", "引落", "振り込み",
                           "振込", "振り込む", "入金", "残高", "利用額", "利用金額", "支給", "支給額", "年金額", "返金",
                           "延滞", "違反金", "延滞金", "滞納金", "未払金", "残債", "査定額", "買取額", "可能額", "残額",
                           "利用残高", "未収金", "未収", "未収額"})
# Paying not done (お支払いいただけていない, ご入金が確認できておりません): an amount owed.
# What the caller used (ご利用料): their account's charge, not a price.
_USED = frozenset({"利用", "使用", "通話", "請求"})
PAY = frozenset({"支払い", "支払う", "払う", "入金", "納付", "払い込み", "払い込む", "振替", "引き落とす",
                 "引き落とせる", "引落す", "返済", "決済"})
# お支払いいただいていない: the payment noun is a compound of the honorific verb, still the predicate.
_HONORIFIC_LIGHT = frozenset({"いただく", "頂く", "くださる", "下さる"})
_NOT_DONE = re.compile(r"^.{0,12}(ていない|てない|ておりません|ていません|てません|がない|ございません|"
                       r"できておりません|できていない)")
# A way of paying the firm does not offer (自治会では引き落としはしておりません): no payment that failed.
_NOT_OFFERED = re.compile(r"^は?(し|行っ|おこなっ|扱っ|取り扱っ|受け付け|実施し|対応し)て(おり|い)ません")


def _not_done(after: str) -> re.Match[str] | None:
    """A payment word's ending says it has not been made (``_NOT_DONE``), not that it is not offered."""
    return None if _NOT_OFFERED.match(after) else _NOT_DONE.search(after)
# Prices and fees: an amount of one of these is the company's tariff, not the caller's account.
FEES = frozenset({"手数料", "解約金", "違約金", "年会費", "会費", "送料", "割引", "ポイント", "税込",
                  "キャッシュバック"})
# A price by the class of person it is for (お一人様二千円、お子様は千円です): a tariff, not a record.
_PRICE_LIST = re.compile(r"(?:お?一人|おひとり|[1１一]名|大人|小人|お子|子ども|子供|学生|シニア|幼児)様?(?:は|が|も)?"
                         r"[、\s]?[0-9０-９〇一二三四五六七八九十百千万,，]+円")
# A value that is not registered yet (新しいご住所, 変更後の口座).
_NEW = re.compile(r"(新しい|新た|変更後|変更先|引っ?越し先|転居先)")
# A money word announcing what the company will do (お振り込みいたします, ご請求させていただきます).
_WILL_DO = re.compile(r"^(いたします|します|させていただきます|いたしましょう|しましょう|させていただく|いたす)")
# The company's own account or address (当社指定の口座, 本社宛): no registered fact.
# An account held in a firm's name (…普通口座1234567、カブシキガイシャサクラ) is the firm's too.
_OURS = re.compile(r"(当社|弊社|当店|当センター|当院|当行|当方|指定の|こちらの口座|下記|本社|支店宛|宛に|宛て|"
                   r"株式会社|カブシキガイシャ|カ\)|\(株\)|（株）|有限会社|ユウゲンガイシャ|合同会社|ゴウドウガイシャ|"
                   r"(?<=[一-龯][一-龯])法人|ホウジン|協同組合|キョウドウクミアイ)")  # a lookbehind: linear
# Where the caller's address is named (練馬区豊玉北のご住所, お届け先は…).
ADDRESS_NOUNS = frozenset({"住所", "届け先", "お届け先", "送付先", "住まい", "お住まい", "配送先", "請求先"})
# What names a bank account without 口座 (ひまわり信金の駅前支店, お振込先は…銀行).
BANK_PLACES = frozenset({"支店", "本店", "振込先", "お振込先", "振込口座", "引き落とし先", "引落先", "振替先",
                         "口座"})
# Reading out what is on file: a value with ご登録いただいております / 登録されています.
_ON_FILE = re.compile(r"[でに](ご|お)?(登録|予約|契約|加入|申し込み|申込み?)(いただいて|されて|して)(おり|い|ござい)|"
                      r"で(承|うけたまわ)って(おり|い|ござい)")
# What the agent read in the records, said as looked up (お電話番号から拝見しますと, ご登録の情報を確認
# しましたところ): what follows in the sentence is on file.
_LOOKED_UP = re.compile(r"(番号|登録|お名前|記録|履歴|情報|データ)(から|を|で)(拝見|お調べ|調べ|確認|照会|検索)"
                        r"(しますと|いたしますと|したところ|しましたところ|いたしましたところ|すると|しましたら|いたしましたら)")
_NOTHING_FOUND = re.compile(r"(ない|ございません|ありません|見当たら|見つから)")
# A state of the account as the predicate (給食費が2か月分、未納となっております).
UNPAID = frozenset({"未納", "滞納", "未払い", "未払", "延滞", "未入金", "未収"})
_IS_STATE = re.compile(r"^((と|に)(なって|なっ|なりました|なりまして)|でございます|です|だ|の状態|状態)")
# The outcome of the caller's application (一次面接は合格となっております, 審査は否決).
RESULTS = frozenset({"合格", "不合格", "採用", "不採用", "内定", "承認", "不承認", "否決", "可決", "落選", "当選",
                     "通過", "見送り"})
# A deadline already passed (返却期限を過ぎております, 有効期限が切れています): the caller's item.
PASSED = frozenset({"過ぎる", "切れる", "超える", "超過"})
# An e-mail address read aloud, whole or cut off before its domain (the PII engine needs the domain).
# Starts at the run's first letter only: every later start would rescan the run (quadratic).
_SPELLED_EMAIL = re.compile(r"(?<![A-Za-z0-9._-])[A-Za-z0-9._-]{2,}\s*(アットマーク|@|＠)")
_DEADLINE = re.compile(r"(期限|期日|満了)")
_STATIVE = re.compile(r"^(て|で)(おり|い|る|ござい)")
# The caller's own contract, car or home named with an honorific (お車の, ご契約の, ご加入の).
_THEIRS = re.compile(r"(ご|お)(契約|加入|車|住まい|部屋|物件|利用|予約|口座|保険|申込)")
# A renewal or expiry date of it (更新日は来年3月末, 満了日は来月15日).
_RENEWAL = re.compile(r"(更新日|満了日|期限|有効期間|満了|更新時期)")
# A record of the caller's told as a fact: its topic is theirs (お荷物は, 前回のご来院は, ご注文いただいた
# 冷蔵庫は, 高橋様のご登録の勤務先は) and the predicate reports a value (a number, a date, a name, a place).
HONORIFIC = frozenset({"ご", "お", "御"})
# Nouns the company's own service takes with ご/お (ご案内, ご利用時間, お問い合わせ): rules, not records.
SERVICE_NOUNS = re.compile(r"(案内|説明|連絡|問い?合わせ|用件|電話|客様|待ち|時間|料金|方法|受付|窓口|条件|手数料|"
                           r"手続き方法|期間|対象|際|場合|相談|意見|要望|本人|確認|気持ち)$")
_REPORT_END = re.compile(r"(ござい(ます|ました)|て(おり|い)(ます|ました)|でした|です|でいらっしゃい(ます|ました))"
                         r"(ね|よ)?[。.!！\s]*$")
# A rule or a schedule, not a record (通常, 毎月, 基本的に, 〜までに); what is done for a class of people (前回
#帝王切開の方は…おすすめしております, 手術をされた方には: whoever they are; not お客様の方は, the caller).
_GENERAL = re.compile(r"(通常|毎月|毎年|毎週|基本的|一般的|原則|前後|までに|いただけます|必要|可能|場合|際|"
                      r"%|％|パーセント|(?<![様さ])の方(は|には|も|へ)|た方(は|には|も|へ)|の方々)")
# What the caller used or holds, theirs by itself (使用量が320キロワットアワー, 等級は12等級).
USAGE_NOUNS = frozenset({"使用量", "利用量", "通話時間", "等級", "残高", "借入残高", "保有"})
TIME_ANCHORS = frozenset({"前回", "先月", "先日", "昨日", "今月", "明日", "明後日", "来月", "先週", "今週", "本日",
                          "昨年", "去年", "今年", "来年", "前月", "今回", "今日"})
# The last time: what the company did for the caller then is their history (前回は内釜の交換で).
PAST_ANCHORS = frozenset({"前回", "先月", "先日", "先週", "昨年", "去年", "前月", "この前", "以前"})
# Jobs done for a customer (交換, 修理, ご来院: a service to them, with their item or body).
JOBS = frozenset({"交換", "修理", "点検", "工事", "施術", "治療", "購入", "注文", "来院", "来店", "訪問", "清掃",
                  "作業", "取り付け", "取付", "設置", "診察", "検査", "買い取り", "買取", "査定", "配送", "納品",
                  "引き取り", "回収", "メンテナンス", "クリーニング"})
# A question that confirms the value it names (…のままでよろしいですか, …でお間違いないですか, …でしたよね).
_CONFIRMING_Q = re.compile(r"((のまま|まま|で)(よろし|よい|いい|大丈夫|お間違い|間違いな|間違いござ)|"
                           r"(た|です|でし|ござい(ます|ました))よね)")
# Courtesies that name the last time (前回はご迷惑を, 先日はありがとうございました): no record.
_COURTESY = re.compile(r"(ありがと|お世話|迷惑|失礼|不便|申し訳|お待たせ|ご足労|恐れ入)")
# What makes it this caller's record and not the service's rule: a time it happened or holds
# (前回, 先月, 現在), the caller by name, or their current subscription (ご加入の, ご契約中の).
_SPECIFIC = re.compile(r"(前回|先月|先日|先週|昨日|昨年|去年|前月|今回|現在|ただいま|(?<!お客)様[、,はのです]|"
                       r"お客様の|ご登録|ご加入の|ご契約の|ご契約中|ご利用中|いただいた|いただいている|"
                       r"残って(おり|い)|残り)")
# Ranges, durations, options and conditions describe a rule (ご注文から3日ほど, 8日以内でしたら, 2種類).
_RULE_VALUE = re.compile(r"(から|以内|以上|以下|まで|種類|でしたら|なら|たら|ごとに|無料)")
# Confirming what the caller just said (…ですね, おっしゃる通り): a read-back, not a record told.
_READ_BACK = re.compile(r"((です|でございます|でしょう)ね[。.!！\s]*$|おっしゃ|仰っ|仰る|お伺いした通り)")
# The caller addressed by name at the start (高橋様、…; 高橋様ですね、…).
_ADDRESSED = re.compile(r"^[^、。]{1,12}(?<!お客)様(、|,|ですね)")
# The company's people as a subject (担当者が席を外しております): about the company.
STAFF = frozenset({"担当者", "担当", "係", "係員", "オペレーター", "スタッフ", "職員", "社員", "当社", "弊社",
                   "回線", "窓口"})
# Events of an account (遅れております, 滞って, お預かりして, 伺っております, 否決): its history.
EVENTS = frozenset({"遅れる", "滞る", "預かる", "伺う", "入る", "否決", "可決", "完了", "成立", "来週", "再来週",
                    "月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日", "月末", "今月末", "来月末"})
PLAN_ENDINGS = ("プラン", "コース", "ランク", "会員", "等級")
# Points or credit held (3,450ポイントが貯まっております): the balance.
BALANCE = frozenset({"貯まる", "たまる", "残る", "溜まる"})
# A document's expiry read out (受給者証は1月31日で期限が切れます); the parse reads digits as 0.
_EXPIRY = re.compile(r"(期限|有効期間|満了)")
_DOCUMENT = re.compile(r"(証|カード|免許|パスポート|保険証|証明書)$")
# A charge the caller incurred, with its amount (違反金1万2千円: GiNZA splits 違反 金).
_CHARGE = re.compile(r"(違反金|延滞金|滞納金|未払い?金|残債|査定額|買取額)(は|が|の|で)?[0-9万千百,]+円")
# A rate is a tariff (1日あたり100円), an unpaid state in a condition a rule (できていない場合は).
_RATE = re.compile(r"(あたり|当たり|につき|ごと|毎)")
_IF_CLAUSE = re.compile(r"^(場合|なら|と|時|とき|方|ときは)")
# Data used this month under the plan (今月は2.8ギガお使い): the caller's usage.
_USAGE = re.compile(r"(ギガ|GB|ＧＢ)")
# A contract's plan is registered when it is the caller's current one (現在は…のプランで).
_CURRENT = re.compile(r"(現在|ただいま|ご契約|ご加入|ご利用中|ご登録)")
# A place name by its ending (杉並区阿佐谷南, さいたま市…): the value, not ご登録の/新しい; searched
# as a suffix after at least one character, so that it stays linear on any input.
_PLACE = re.compile(r"(?<=.)(?:都|道|府|県|市|区|町|村|郡|丁目|番地)")
# The kinds of place, no place (お住まいの市区町村の窓口: wherever the caller lives).
PLACE_CLASSES = frozenset({"市区町村", "市町村", "区市町村", "都道府県", "町村", "区市", "市区"})


def _place_name(text: str) -> bool:
    """``text`` names a place (練馬区, 豊玉北二丁目), not a kind of place (市区町村)."""
    return text not in PLACE_CLASSES and _PLACE.search(text) is not None
# Banks by their ending (みなと銀行, ひまわり信金): with 口座 the caller's account is named.
_BANK = re.compile(r"(銀行|信用金庫|信金|信用組合|労金|農協|ゆうちょ|JA)$")
# An agent asking for a value (お願いします, 教えて, お伺いできますか): nothing read out.
_ASKED_FOR = re.compile(r"(お願い|願え|教えて|お教え|お伺い|伺え|お聞かせ|読み上げ|おっしゃって|お読み)")
# A card's last digits (末尾9032, 下4桁は…).
_CARD_TAIL = re.compile(r"(末尾|下(0|4|四|４)(桁|けた)|最後の(0|4|四|４)桁)")  # the parse reads digits as 0
# The company as the one handling: 「そちらでどう管理されるんですか」 is about the caller's data.
_HANDLER = re.compile(r"(そちら|御社|貴社|おたく|お宅|そっち)(様|さん)?(で|に|の(方|ほう)|側|は|って|が|では)")
# Things a service issues with a number on them (切符, レシート): that number is theirs.
BUSINESS_THINGS = frozenset({"切符", "チケット", "乗車券", "特急券", "指定券", "券", "レシート", "伝票", "領収書",
                             "整理券", "引換券", "控え", "明細", "納品書", "請求書", "保証書", "商品", "製品", "本体"})
# Generic identifiers an offer may name (番号も言えます, 他の情報も).
GENERIC_IDENTIFIERS = frozenset({"番号", "情報", "身分証", "証明書", "身分証明書", "本人確認書類", "コピー",
                                 # facts about the caller no call here needs (なんなら勤務先も教えとくよ)
                                 "勤務先", "勤め先", "職場", "会社名"})
INTERROGATIVES = frozenset({"何", "なに", "なん", "どう", "どこ", "どの", "どのよう", "どれ", "誰", "いつ", "なぜ",
                            "どうして", "どれくらい", "どのくらい", "いつまで", "どちら", "どっち"})
_PRONOUNS = frozenset({"それ", "これ", "そちら", "こちら", "あれ"})

# --- forms (surface of a predicate's chain or of a sentence's end) ------------------------
# A question may end before a phrase said after it (来ないですよね、この番号に。).
# Dialects confirm with their own endings (しねえべな, 使われるんやろ, せんよな, なかろうね).
# A question put as wondering (残っちゃうのかなと思って, どうなるのかなって, 消えるのかしら) is one too,
# and so is …かと思って (届いてないかと思って: I was wondering); …かと思います and a bare …かと are a
# hedged statement (録音されているかと思います, 問題ないかと), no question.
# A listing とか before a phrase (仏滅とか大安とか、うちの母が見たがるんで) is no question's か.
_QUESTION_END = re.compile(r"([?？]|(?<!と)か|かな|かね|の|っけ|よね|よな|でしょう|だろう|べ|べな|べか|べさ|っぺ|やろ|"
                           r"やんな|じゃろ|じゃろう|っちゃろ|とやろ|かいな|かいね|かいの|かえ|やろか|じゃろか|"
                           r"とね|っちゃか|ん(か|かね|かな)|(じゃろう|だろう|やろう|じゃろ|やろ)(ね|な)|"
                           r"(かな|かなあ|かなぁ)(と|って)(思|おも)?(って|いまして|います|う|った|ったり)?|"
                           r"かって|か(と|って)(思|おも)(って|いまして|ったり)|"
                           r"かしら|かなあ|かなぁ|かなし|かなっし|"
                           # plain かい after a predicate (送られるのかい, 北海道 …んでないかい), not 細かい/暖かい
                           r"(の|ん|ない|る|ます|です)かい)([、,][^、,。.？?]{1,12})?[。.!！\s]*$")
# A wh-question's 関西 ending (誰が見んねん, いつまで置いとくんや): a question only with a question word.
_WH_END = re.compile(r"(?:[んの]や|ねん)[。.!！\s]*$")
_MISHAP = re.compile(r"^(っ|て)?(ちゃ|ちま|てしま|しま|たり)")
_MISHAP_AHEAD = re.compile(r"^(っ|て)?(ちゃう|ちまう|てしまう|しまう|たり|ちゃわ|ちゃいま|てしまいま)")
# Whoever heads a group is a party (班長, 町内会長, 店長, 校長); 身長, 延長, 成長 are no one.
_HEAD_OF = re.compile(r"(?<![身延成特消])[^\W\d_]長$")
# Not wanting to be known, seen or heard (兄貴に知られたくない, 見られたくないんです) is a worry too; said in
# plain kana by a learner (しんぱい です).
# Being found out foreseen (職場の人にバレそうで, 会社に知られたら…, 伝わっちゃうかも) is one as well.
_CONCERN = re.compile(r"(心配|不安|大丈夫|怖い|こわい|気にな(る|って|り)|嫌なんです|困る|不思議|ふしぎ|しんぱい|ふあん|"
                      r"だいじょうぶ|(ら|さ)?れたく(ない|なく|なかっ|ありません)|(バレ|ばれ)(し)?たく(ない|なく)|"
                      r"(バレ|ばれ|知られ|しられ|知れ|漏れ|もれ|見られ|みられ|聞かれ)(そう|ちゃいそう|てしまいそう|たら|"
                      r"ちゃったら|るかも|ちゃうかも)|(伝わ|広ま)(りそう|ったら|っちゃったら|るかも|っちゃうかも))")
_REQUEST_CHAIN = re.compile(r"(て|で)(もら|いただ|頂|くだ|下さ|くれ|ほし|欲し)|(てほしい|たい)")
# Dialects ask not to with ん (使わんとって, 言わんといて).
_NEGATIVE_REQUEST = re.compile(r"ないで(ください|下さい|ほしい|欲しい|もらえ|いただ|ね|よ|[。、!！]|$)|"
                               r"[わかさたなまらがば](ん|へん)(とって|といて|どいて|でほしい|で欲しい|でくれ)|"
                               r"(ねえ|ねぇ|ねー)で(ください|下さい|ほしい|欲しい|もら|いただ|くれ|けろ|くなんしょ)|"
                               r"ないように(して|お願い)|"
                               r"(の|こと)(は|を)?(やめて|止めて|控えて)(ほしい|欲しい|ください|もらえ|いただ)")
_PASSIVE_CHAIN = re.compile(r"^(さ|さ?れ|され|られ|れ)")
# How, by whom, where: what a use question asks (not どのくらい, which asks an amount).
_MANNER = re.compile(r"(どう|どのよう|どんなふう|誰が|だれが|どこで|どこに|何に|なにに|なんに)")
_PURPOSE = re.compile(r"(ため|目的|以外|勝手|営業|宣伝|広告|他の|ほかの|ほか|他に|だけ|のみ)")
# Volitional questions: 言いましょうか, 伝えようか, 言おうか, 言っとこうか / 言っとこっか.
_VOLITIONAL_Q = re.compile(r"(ましょう|しょう|よう|[おこそとのほもろごぞぼ]う|[こそとろ]っ)か|ましょう[?？]|"
                           # 言うたろか, 言うちゃろか (I'll tell you: 関西, 広島); 言っとこか (言っとこうか without う)
                           r"(たろ|ちゃろ|てやろ)う?か|[とち]ょ?こか")
# 〜とく/ておく asked (言っとく？, 書いときます？): an offer to put it on record.
_SHORT_VOLITIONAL = tuple("おこそとのほもろごぞぼよ")
_PUT_ON_RECORD = re.compile(r"^(とく|とき(ます|ましょう)|ておく|ておき(ます|ましょう))")
_BETTER = re.compile(r"^.{0,5}(方|ほう)が(いい|よい|よろし|良い|(早|はや)(い|く|か)|楽|確実|スムーズ|安心|便利|"
                     r"話(が)?(早|はや))")
_IF_GOOD = re.compile(r"ば(いい|よい|よろし|良い)")
_CONDITION = re.compile(r"(必要(なら|であれば|でしたら|だったら|とあれば)|必要.{0,6}(あれば|あったら)|"
                        r"よければ|よろしければ|良ければ|なんなら|なんでしたら|なんだったら|"
                        r"(もし)?あれ(なら|やったら|じゃったら|だったら|でしたら)|"
                        r"(いい|よい|大丈夫)(なら|んだったら)|言われれば|"
                        r"もし(よかったら|必要)|(要る|いる|必要)(ん)?(なら|だったら|やったら|じゃったら)|"
                        r"なんやったら|なんじゃったら|必要(やったら|じゃったら))")
_ASK_CHAIN = re.compile(r"((て|で)(いただ|頂|もら|くだ|下さ|ほし)|させて|てもよろし|お願い|願え|願い)")
# Volunteering by itself (なんなら): with an identifier named, an offer whatever the verb (not
# ついでに, which goes with asking too: ついでに聞くけど、住所って…).
_VOLUNTEER = re.compile(r"(なんなら|なんでしたら|なんだったら|なんやったら|なんじゃったら|"
                        r"(もし)?あれ(なら|やったら|じゃったら|だったら|でしたら))")
# Permission to tell (カードの番号、今言っといてもいいですけど): offering it.
_NOMINAL = frozenset({"NOUN", "PROPN", "PRON", "NUM"})
_PERMISSION = re.compile(r"^[ってでとおい]{0,4}ても(いい|ええ|よい|よろし|構|かま|大丈夫)")
_NEGATED = re.compile(r"(ない|ません|ず|なく|不要|結構)")
_WHICH_NUMBER = re.compile(r"(何番|何桁|なんばん)")
# 〜でもいいですか offers an alternative the agent did not ask for (マイナンバーカードでもいいですか).
# Announcing that the agent takes the value down (マイナンバーも控えさせていただきます): collecting it.
# Put as the procedure (健康保険証の番号を控えさせていただいております, 番号もお伺いしております).
# …or as what the desk receives from everyone (健康保険証の番号をいただいております, 番号もお預かりしております).
_COLLECT = re.compile(r"(控え|記録|メモ|お預かり|頂戴)させて(いただ|頂)((き|く)(ます|ました)|いて(おり|い)ます)|"
                      r"(お伺い|頂戴)して(おり|い)ます|[をも](いただ|頂)いて(おり|い)ます|[をも]お預かりして(おり|い)ます")
# Cards of another kind (献血カードの番号, ICカード番号, ポイントカード): no payment card.  An explicit
# list: a brand or holder before カード (楽天カード, 家族カード, ETCカード) still names a payment card.
_OTHER_CARDS = (
    "献血", "ポイント", "IC", "ＩＣ", "診察", "診療", "会員", "図書", "図書館", "マイナンバー", "個人番号", "在留",
    "保険", "学生", "社員", "職員", "スタンプ", "メンバーズ", "SIM", "ＳＩＭ", "ID", "ＩＤ",
)
# An alternative accepted or refused (保険証でもよろしいですか, そっちの番号じゃだめ？): each word's GiNZA
# lemma (what the act model's offer gate reads) and the forms the phrase rule reads.
ALTERNATIVE_ACCEPT = {"いい": "いい", "ええ": "ええ", "大丈夫": "大丈夫", "よろしい": "よろし",
                      "構う": "構(いません|わない)", "かまう": "かま(いません|わない)", "OK": "OK"}
ALTERNATIVE_REFUSE = {"だめ": "だめ", "ダメ": "ダメ", "駄目": "駄目", "あかん": "あかん", "いける": "いけない",
                      "無理": "無理"}
_ALTERNATIVE = re.compile(f"(でも|で)({'|'.join(ALTERNATIVE_ACCEPT.values())})|"
                          f"(じゃ|では|じゃあ)({'|'.join(ALTERNATIVE_REFUSE.values())})")
_TENTATIVE = re.compile(r"(とか|など|なんか)")
_ONLY = re.compile(r"(だけ|のみ|しか)(で|じゃ|では)")
_HAVE = frozenset({"ある", "持つ"})  # having a document or number at hand
_MORE = re.compile(r"(他の|ほかの|他にも|ほかにも|全部|なんでも|何でも)")
_CAN = re.compile(r"^(でき|出来|られ|れ(ま|る))")
# The customer's own action (控えてもいいですか, 消した方がいいですか): not about the company.
# Dialects say いい as ええ (言うたらええんか: should I say it).
_SELF_ACTION = re.compile(r"^.{0,4}(ても(いい|ええ|よい|よろし|大丈夫|構)|(ば|たら)(いい|ええ|よい|よろし)|(方|ほう)が|"
                          r"ましょうか|ておき|ておけ|とき(ます|ましょう))")
# Nouns that make a fact of the clause they head (知られること, 漏れる心配, 残るもんなの, 持っておく
# つもり): not things described.
_FACTS = frozenset({"こと", "事", "の", "可能性", "心配", "恐れ", "おそれ", "場合", "危険", "リスク",
                    "もの", "もん", "つもり", "予定", "わけ", "はず", "感じ", "ところ", "まま"})
# A predicate in a background clause (〜てるんですけど, 〜ので): what the speaker states.
_BACKGROUND = re.compile(r"(けど|けれど|けれども|ので|から)$")
# A predicate: a verb, or a サ変 noun with its する (録音される, 削除して).
_SURU = re.compile(r"^(さ|し|す|され|でき|出来)")
# Secondary use the caller fears: marketing calls or mail to what they gave.
# …and mail or calls that start coming after the order (チラシとかメールとかバンバン来るようになる).
_MARKETING = re.compile(r"(勧誘|営業の(電話|メール)|セールス|ダイレクトメール|DM|広告(の)?メール|迷惑(電話|メール)|"
                        r"(チラシ|DM|メール|電話)(とか|や|が|も)?[^。？?！!]{0,12}?(来る|くる|届く|かかってくる)ように)")
# Promotions the caller asks to stop (セールの案内を送るのはやめて, メルマガを止めて): their address used.
_PROMOTION = re.compile(r"((セール|キャンペーン|新商品|イベント|お得な情報)の(案内|お知らせ|メール|ハガキ)|メルマガ|"
                        r"メールマガジン|広告)")
_STOP_ASK = re.compile(r"(止めて|やめて|停止|配信停止|送らないで|いらない|不要)")
# A product feature against marketing calls (迷惑電話をブロックする機能) is no question about data.
_FEATURE = re.compile(r"(ブロック|機能|拒否設定|フィルター|対策)")
# Purpose asked without naming the data (何に使うんですか, 何のために必要…).
_PURPOSE_ASK = re.compile(r"((何|なに|なん)(に|の(ため|目的))|目的|どういう目的|どうして必要|なぜ必要|なんで必要)")
# A how-to question (消す方法, 消し方) asks for instructions, not about the data.
HOW_TO = frozenset({"方法", "やり方", "仕方", "手順", "方"})


def _predicate(clause: Clause, word: Word) -> bool:
    """Not a compound's modifier, unless of an honorific light verb (お支払いいただいてない)."""
    return word.dep != "compound" or clause.parse[word.head].lemma in _HONORIFIC_LIGHT


def _kana_split(clause: Clause, word: Word) -> str:
    """A kana word and the kana word before it, joined: a kana party noun the tagger cut (せい|ふ)."""
    before = clause.parse[word.i - 1] if word.i > 0 else None
    if before is None or not (_KANA_ONLY.fullmatch(before.text) and _KANA_ONLY.fullmatch(word.text)):
        return ""
    return before.text + word.text


_KANA_ONLY = re.compile(r"[ぁ-ゖー]+")


def _kana_party(clause: Clause, word: Word) -> bool:
    """A party said in plain kana (a learner, a recogniser): the word, or the word and the kana word the tagger cut
    before it (てん|ちょう), spelling a party noun (てんちょう, じょうし, どうりょう) or its reading."""
    if word.pos not in ("NOUN", "PROPN", "PRON") or not _KANA_ONLY.fullmatch(word.text):
        return False
    return any(k in PARTIES or k in kana_parties() for k in (word.text, _kana_split(clause, word)) if k)


@cache
def kana_parties() -> frozenset[str]:
    """The hiragana readings (three kana or more: ひと, おや spell too much) of the party nouns."""
    return frozenset(k for k in map(reading, PARTIES) if len(k) >= 3 and _KANA_ONLY.fullmatch(k))


def _carried(clause: Clause, word: Word) -> bool:
    """``word`` (行く, 来る…) follows 持って/連れて: someone carries the thing there (持って行きますか)."""
    return word.i >= 2 and clause.parse[word.i - 1].text in ("て", "で") and clause.parse[word.i - 2].lemma in (
        "持つ", "連れる")


# A person named with a title or a plural (お弟子さん, 田中さん, 生徒たち): someone, whoever they are.
PERSON_SUFFIXES = frozenset({"さん", "様", "さま", "ちゃん", "くん", "君", "たち", "達", "方々", "がた"})


def _addressed_person(clause: Clause, word: Word) -> bool:
    """``word`` names a person by a title or plural suffix, as the suffix heading its compound
    (お|弟子|さん) or as the suffix right after it (田中|さん); not the company addressed (そちら様)."""
    if word.lemma in PERSON_SUFFIXES:
        name = clause.compound(word)[:-len(word.text)]
    elif word.i + 1 < len(clause.parse) and clause.parse[word.i + 1].lemma in PERSON_SUFFIXES \
            and clause.parse[word.i + 1].head in (word.i, word.head):
        name = clause.compound(word)
    else:
        return False
    return bool(name) and not name.startswith(tuple(YOUR_SIDE)) and name not in SELF


def member(lemma: str, cls: frozenset[str]) -> bool:
    """``lemma`` is in the class, or is a compound ending in one of its words of two or more
    characters (情報漏洩 is a 漏洩, 電話番号 a 番号)."""
    return lemma in cls or any(lemma[k:] in cls for k in range(1, len(lemma) - 1))


def _is_fee(clause: Clause, word: Word) -> bool:
    """A price or fee word (``FEES``), or a charge named by what it pays for (入団|金, 参加|費, 利用|料
    as the tagger cuts them, 入塾 read as a verb), not by an account's state (未払い|金, 延滞|料)."""
    if member(word.lemma, FEES):
        return True
    k = clause.index(word)
    before = clause.words[k - 1] if k > 0 else None
    return (word.lemma in ("金", "料", "費") and before is not None and before.pos in ("NOUN", "VERB", "PROPN")
            and not member(before.lemma, ACCOUNT_MONEY) and before.lemma not in PAY
            and before.lemma not in _USED)  # ご利用料は…: what the caller used, their account's



@dataclass(frozen=True, slots=True)
class Clause:
    """A sentence's words with what its rules ask of them."""

    words: Parse
    parse: Parse
    text: str = ""  # the sentence's surface (``clauses`` fills it in once)

    def chain(self, word: Word, limit: int = 8) -> str:
        """The surface after ``word`` up to its next content word: its auxiliaries and particles."""
        return "".join(w.text for w in self.chain_words(word, limit))

    def chain_words(self, word: Word, limit: int = 8) -> list[Word]:
        out: list[Word] = []
        for w in self.words[self.index(word) + 1:]:
            if len(out) >= limit or (w.dep not in ("aux", "mark", "fixed", "cop", "compound")
                                     and w.pos not in ("AUX", "SCONJ", "PART")):
                break
            out.append(w)
        return out

    def next_after_chain(self, word: Word) -> Word | None:
        """The word after ``word``'s chain (a comma that closes its clause, or the next phrase)."""
        index = self.index(word) + 1 + len(self.chain_words(word))
        return self.words[index] if index < len(self.words) else None

    def after(self, word: Word) -> str:
        """The surface from ``word`` (exclusive) to the end of the sentence."""
        return "".join(w.text for w in self.words[self.index(word) + 1:])

    def index(self, word: Word) -> int:
        """``word``'s position in the sentence (a sentence's words are consecutive in the parse)."""
        return word.i - self.words[0].i

    def children(self, word: Word) -> list[Word]:
        return [w for w in self.words if w.head == word.i and w.i != word.i]

    def compound(self, word: Word) -> str:
        """The noun with its compound and prefix dependents (カード番号, ご登録情報)."""
        parts = [w for w in self.words if w.head == word.i and w.dep == "compound" and w.i < word.i]
        return "".join(w.text for w in parts) + word.text

    def is_question(self) -> bool:
        text = self.text.strip()
        return bool(_QUESTION_END.search(text)) or bool(
            _WH_END.search(text) and any(w.lemma in INTERROGATIVES for w in self.words))

    def has_concern(self) -> bool:
        return bool(_CONCERN.search(self.text))


# Published with what names a person (子どもの名前つきで載る, 顔写真が出る, 実名で公開される).
PUBLISH = frozenset({"載る", "載せる", "掲載", "公開", "出る", "晒す", "発表"})
_NAMING = ("氏名", "本名", "実名", "顔", "住所", "名簿")  # 名簿: a list of people's names
# A 名前 is a person's with a person named beside it (新商品の名前 is a product's).
_PERSONS = frozenset({"子", "子ども", "子供", "私", "わたし", "自分", "本人", "家族", "息子", "娘", "主人", "夫", "妻",
                      "母", "父", "うち", "僕", "俺",
                      # people described by what they did (寄付した人の名前, 参加者の名前)
                      "人", "者", "参加者", "会員", "利用者"})


# A picture or recording of someone (私の写真, おらの声), or the one just spoken of (その写真: the caller's, taken by
# the company).
_PICTURES = frozenset({"写真", "画像", "動画", "映像", "声", "録音", "音声"})
# What a picture of a thing shows (新商品の写真, お店の写真, 料理の写真): no one.
_THINGS_PICTURED = frozenset({"商品", "新商品", "店", "お店", "店舗", "料理", "メニュー", "建物", "外観", "内装",
                              "景色", "風景", "ケーキ", "部屋", "物件", "車", "製品", "作品", "花", "チラシ",
                              "イベント", "セール"})
# A name attached to what is shown (名前付きで載せる, 名前入りで出る) is a person's, whoever's it is.
_NAME_ATTACHED = re.compile(r"名前(付き|つき|入り|いり)")


# What spreads by itself is news (伝わる, 広まる): its subject is what someone comes to know.
SPREAD = frozenset({"伝わる", "広まる", "知れ渡る"})
# …feared, not checked as delivered: a hedge (伝わったり, 伝わっちゃう, 伝わることってある), a denial hoped
# (伝わらないですよね, 伝わりません?), a guess (伝わるかも, 伝わりそう), a condition (伝わったら).
_SPREAD_FEARED = re.compile(r"^.{0,3}?(たり|ちゃ|ちま|てしま|そう|たら|かも)|"
                            r"^.{0,2}?(こと|の)(って|は|が|も)?(ある|あり)|"
                            r"^.{0,8}?(ない|ません|せん|へん|ねえ|ねべ|んの|ないか)")
# Wanting the message through (ちゃんと伝わってますか, きちんと届いてますか): a delivery, not a worry.
_WANTED_THROUGH = re.compile(r"(ちゃんと|きちんと|しっかり|無事に?|確実に)")
# What shakes, sounds or warms (振動って下の階に伝わりますか): no one's news.
PHYSICAL = frozenset({"音", "振動", "揺れ", "熱", "冷気", "暖気", "匂い", "におい", "臭い", "衝撃", "電気", "電流",
                      "温度", "湿気", "騒音", "重さ", "重み", "力"})
# Hoping something does not happen (言うたりせんよね, 伝わったりは、しないですよね): a worry put as a question.
_HOPED_NOT = re.compile(r"(ない|ません|せん|へん)(です|でしょう)?(よね|よな|やろ|か[?？]?$)")


def _names_data(clause: Clause) -> bool:
    """A data noun or a word naming a person's data (顔, 名前) in the sentence: not a thing of theirs (私の車)."""
    return any(member(w.lemma, DATA_NOUNS) or w.lemma in IDENTIFYING for w in clause.words)


def _thing_named(clause: Clause) -> bool:
    """A name of a thing (本の名前, 商品の名前): 名前 owned by no person."""
    return any(w.lemma == "名前" and any(c.dep == "nmod" and c.lemma not in _PERSONS | SELF | FAMILY
                                         for c in clause.children(w)) for w in clause.words)


def _recorded(clause: Clause) -> bool:
    """Someone is recorded (あれって録画されてて, 録音されてる): the recording is of people, not a programme."""
    return any(w.lemma in RECORDING and _PASSIVE_CHAIN.search(clause.chain(w)) for w in clause.words)


def _this_matter(clause: Clause) -> bool:
    """The matter just spoken of (そのこと, この話): what the caller told, when they ask it be kept."""
    return any(w.lemma in ("こと", "事", "話") and any(c.lemma in ("その", "この", "あの") for c in clause.children(w))
               for w in clause.words)


# Where anyone reads what is put (名前ってネットとかに出ちゃったり): a bare 名前 there is a person's.
PUBLIC_MEDIA = frozenset({"ネット", "インターネット", "ホームページ", "HP", "サイト", "ウェブ", "SNS", "新聞", "掲示板",
                          "広報", "会報", "インスタ", "ブログ", "YouTube", "ユーチューブ", "チラシ", "ポスター",
                          "パンフレット", "パンフ", "カタログ", "広告", "雑誌", "広報誌", "会報誌", "ラジオ", "テレビ",
                          "口コミ", "レビュー"})
# Put on such a medium (SNSに出す, インスタに上げる, ホームページに使う): published, whatever the verb.
PUT_UP = frozenset({"出す", "上げる", "上がる", "アップ", "アップロード", "使う", "流す", "貼る", "貼り出す", "投稿",
                    "表示"})


# Put where others read it (名前を出さないで, 住所は書かないで, 載せないで): asked not to, the caller's request.
SHOWN = PUBLISH | {"出す", "書く", "表示", "印字", "印刷"}


def published(clause: Clause, context: bool = False) -> bool:
    """A person's name, face or address put where anyone reads it (子どもの名前つきで載る, みんなの顔が写った
    のをSNSに出す); ``context``: a sentence before named the caller's data, which a pronoun here points to
    (写真撮られましたよね。あれってインスタに載せたりします？)."""
    lemmas = [w.lemma for w in clause.words]
    bare_name = any(w.lemma == "名前" and not any(c.dep == "nmod" for c in clause.children(w)) for w in clause.words)
    naming = any(n in lemma for lemma in lemmas for n in _NAMING) or bool(_NAME_ATTACHED.search(clause.text)) or (
        any("名前" in lemma for lemma in lemmas) and not (_PERSONS | SELF | FAMILY).isdisjoint(lemmas)) or (
        bare_name and not PUBLIC_MEDIA.isdisjoint(lemmas)) or any(
        w.lemma in _PICTURES and any(c.lemma in _PERSONS | SELF | FAMILY or c.text == "その"
                                     for c in clause.children(w)) for w in clause.words)
    media = [w for w in clause.words if w.lemma in PUBLIC_MEDIA]
    put = [w for w in clause.words if w.lemma in PUBLISH | PUT_UP]
    # The caller's own posting (自分のブログに写真載せてもいいんですか, 自分のインスタに載せても大丈夫): theirs to do.
    if any(_SELF_ACTION.search(clause.after(w)) for w in put) or any(
            c.lemma in SELF for w in media for c in clause.children(w)):
        return False
    on_medium = bool(media) and not PUT_UP.isdisjoint(lemmas)
    # On a public medium a picture is of people unless it is of a thing (体験中の写真をSNSに載せる; not 新商品の写真),
    # and so is what a sentence before named (写真撮られましたよね。あれってインスタに載せたりします？; not 保険出ます).
    people = bool(media) and bool(put) and (any(
        w.lemma in _PICTURES and not any(c.dep in ("nmod", "compound") and c.lemma in _THINGS_PICTURED
                                         for c in clause.children(w)) for w in clause.words) or (
        context and not _PRONOUNS.isdisjoint(lemmas)))
    return people or (naming and (on_medium or not PUBLISH.isdisjoint(lemmas)))


def asks_or_worries(clause: Clause) -> bool:
    """A question, a concern, a request or a wish to ask: what a privacy question is put as
    (マイナンバー出せって紙来てっぺ, a plain complaint, asks nothing)."""
    return clause.is_question() or clause.has_concern() or "よね" in clause.text or bool(  # …しないですよねー
        _NEGATIVE_REQUEST.search(clause.text) or _REQUEST_CHAIN.search(clause.text) or _WANT_TO_ASK.search(clause.text))


def clauses(parse: Parse) -> list[Clause]:
    """One ``Clause`` per sentence of the parse."""
    groups: dict[int, list[Word]] = {}
    for word in parse:
        groups.setdefault(word.sent, []).append(word)
    return [Clause(tuple(g), parse, "".join(w.text + (" " if w.space else "") for w in g)) for g in groups.values()]


def other_card(text: str, cue: Cue) -> bool:
    """A payment-card cue that is a compound's tail naming another card (献血カードの番号)."""
    # endswith at the cue: a look of a few characters back, linear over a text's cues.
    return cue.owner == "CREDIT_CARD" and text.startswith("カード", cue.start) and text.endswith(
        _OTHER_CARDS, 0, cue.start)


# A procedure about a document (マイナンバーカードの申請は市役所で, its 作り方), or the office that
# handles it (旅券窓口, 免許センター, 年金事務所), with what it changes (免許証の住所変更): not its value.
PROCEDURE = re.compile(r"(の)?([一-龯]{1,4}?)?(申請|手続き|更新|再発行|発行|切り替え|切替|届け?出|紛失|返納|取得|"
                       r"作成|交付|受け取り|作り方|使い方|やり方|方法|変更(?!後|先)|"
                       r"(の)?(窓口|センター|事務所|試験場|事務局|相談室))")


class ClauseRules:
    """The structural rules; holds only the cue index (thread-safe)."""

    def __init__(self, cues: CueIndex) -> None:
        self.cues = cues

    # ---------------------------------------------------------------- objects

    def data_object(self, clause: Clause, *, has_pii: bool = False) -> bool:
        """The sentence names the customer's data: a data noun, a PII cue, or what they said."""
        for word in clause.words:
            # A noun GiNZA hangs on a verb as a compound (私の番号そのまま教えちゃう) is its object.
            # (写真撮るでしょ: 撮る may come out a noun heading a clause)
            if word.dep == "compound" and not (clause.parse[word.head].pos == "VERB"
                                               or clause.parse[word.head].dep == "advcl"):
                continue
            if self._is_data(clause, word) and self._personal(clause, word):
                return True
            if word.lemma in TELL and word.dep == "acl":  # 言った番号, 話した内容, お伝えしたこと
                return True
            if has_pii and word.lemma in _PRONOUNS:
                return True
            if word.lemma in ("電話", "お電話") and any(c.lemma in ("この", "今") for c in clause.children(word)):
                return True  # この電話って…: the call itself
        return bool(self.identifier_types(clause.text))

    @staticmethod
    def _is_data(clause: Clause, word: Word) -> bool:
        """A data noun, or the result of someone's examination (人間ドックの結果, 面接の結果)."""
        return member(word.lemma, DATA_NOUNS) or (word.lemma == "結果" and any(
            c.dep in ("nmod", "compound") and _EXAMS.search(clause.compound(c)) for c in clause.children(word)))

    def names_handed(self, clause: Clause) -> bool:
        """The sentence names a thing the caller handed over (預けた遺言な、 / 出した書類): what a
        question in their next turn may leave unsaid."""
        return any(self._handed(clause, w) for w in clause.words)

    @staticmethod
    def _handed(clause: Clause, word: Word) -> bool:
        """A thing the caller handed over or wrote (提出した源泉徴収票, 書いたこと): an acl of giving."""
        return word.pos == "NOUN" and any(c.dep == "acl" and c.lemma in HANDED for c in clause.children(word))

    def _of_data(self, clause: Clause, word: Word) -> bool:
        """A handling noun with a data noun depending on it (個人情報の取り扱い, 番号の管理)."""
        return any(c.dep == "nmod" and member(c.lemma, DATA_NOUNS) and self._personal(clause, c)
                   for c in clause.children(word))

    def _other_object(self, clause: Clause, word: Word) -> bool:
        """The predicate's own object or subject is a noun that is not data (在庫を回す); with a
        data noun among them the data is what it handles (返したあとも記録が残る)."""
        children = clause.children(word)
        if any(c.dep in ("obj", "nsubj", "obl") and (member(c.lemma, DATA_NOUNS) or self.identifier_types(
                clause.compound(c))) for c in children):
            return False  # 退会後も名前とか残る: the data (とか makes it obl) is what it handles
        for child in children:
            if child.dep in ("obj", "nsubj") and child.pos == "NOUN" and not member(child.lemma, DATA_NOUNS) \
                    and child.lemma not in _TIMES \
                    and not self.identifier_types(clause.compound(child)) and not self._party(clause, child) \
                    and not self._owned(clause, child):
                return True
        return False

    def _personal(self, clause: Clause, word: Word) -> bool:
        compound = clause.compound(word)
        if any(c.owner == NOT_PII for c in self.cues.find(compound)):  # 注文番号, 管理番号
            return False
        if compound not in OPEN_DATA_NOUNS and any(compound.endswith(x) for x in OPEN_DATA_NOUNS):
            return any(m in compound for m in PERSONAL_MODIFIERS)  # 商品情報 is not the caller's
        return True

    def identifier_types(self, text: str, *, values: bool = False) -> list[str]:
        """PII types named by strong cues (the request cues) in ``text`` or its kana view,
        NOT_PII excluded; ``values``: not a document named for its procedure (its 申請方法)."""
        types: list[str] = []
        for view in text_views(text):
            found = self.cues.find(view)
            if any(c.owner == NOT_PII for c in found):
                found = [c for c in found if not any(n.owner == NOT_PII and n.start <= c.start < n.end
                                                     for n in found)]
            types += [c.owner for c in found if c.owner != NOT_PII and not other_card(view, c)
                      and not (values and PROCEDURE.match(view, c.end))]
            if describes_security_code(view):
                types.append("CARD_SECURITY_CODE")
        return list(dict.fromkeys(types))

    # ---------------------------------------------------------------- privacy

    def privacy_question(self, clause: Clause, *, has_pii: bool = False, context: bool = False) -> bool:
        """Question/concern/request + handling predicate + data object (see the module doc).

        ``context``: an earlier sentence of the utterance named the customer's data, which a
        question may then leave unsaid (番号ってどうなるんですか？ ずっと会社に残るんですか？)."""
        question, concern = clause.is_question(), clause.has_concern()
        form = unspaced(clause.text)  # けして ください, ださないで ほしい: a learner's spaced kana
        negative_request = bool(_NEGATIVE_REQUEST.search(form))
        asked = bool(_REQUEST_CHAIN.search(form))
        if any(w.lemma in SECRET for w in clause.words) and (question or negative_request or asked) and any(
                self._party(clause, w) and self._marked(clause, w, ("に", "には", "にも")) for w in clause.words):
            return True  # 家族には内緒にしてもらえますか
        if not (question or concern or negative_request or asked):
            return False
        if offers_to_tell(clause):
            return False
        lemmas = {w.lemma for w in clause.words}
        if _MARKETING.search(clause.text) and not _FEATURE.search(clause.text) and (
                question or concern or negative_request):
            return True
        if negative_request and _names_data(clause) and not _thing_named(clause) and any(
                w.lemma in SHOWN and w.pos == "VERB" for w in clause.words):
            return True  # 伝票に名前も出さないでもらえますか, 写真はホームページに載せないで: not to be shown
        if _PROMOTION.search(clause.text) and (negative_request or _STOP_ASK.search(clause.text)):
            return True  # 私のメアドにセールの案内を送るのはやめてもらえますか
        data = self.data_object(clause, has_pii=has_pii) or self._about_self(clause, ("こと", "事"))
        # Anything of the caller's (私の病歴) is theirs to worry about when others see or hear it.
        # …and so is what an earlier sentence of the turn named (その番号よ、班長にも見えちまうんだべか).
        owned = data or context or self._about_self(clause) or any(member(w.lemma, CONTACTS) for w in clause.words) \
            or self._matter_told(clause) or any(  # 休会の理由: why the caller does something
                w.lemma in REASONS and any(c.dep == "nmod" for c in clause.children(w)) for w in clause.words) \
            or ((negative_request or _HOPED_NOT.search(form)) and _this_matter(clause))  # そのことは兄には言わないで
        if (question or concern or negative_request) and (
                self._told_to_others(clause, owned) or self._spreads(clause)
                or (question and self._fate(clause, has_pii))
                or self._seen_by_others(clause, owned) or published(clause, context)):
            return True
        if (question or asked) and any(
                w.lemma in STOP and any(member(c.lemma, RETAIN) and c.dep == "obj" for c in clause.children(w))
                for w in clause.words):
            return True  # 録音を止めてもらうことってできますか
        if question and (data or lemmas & RETAIN) and any(w.lemma in REFUSE for w in clause.words):
            return True  # この電話の録音って、断ることはできますか: may I refuse it
        if asked and any(w.lemma in SHOW_ME and self._owned_record(clause) for w in clause.words):
            return True  # そちらにある私の記録、見せてもらえますか: may I see what is kept of me
        if (question or concern) and (data or self._about_self(clause)) and self._found_out(clause):
            return True  # なんでうちの住所知ってるの
        recipient = bool(lemmas & RECIPIENTS) or any(w.lemma in ("他", "ほか", "別") and w.dep != "compound"
                                                     for w in clause.words)
        # With the company as the handler the object goes without saying (asked right after giving
        # it), and so it does right after a sentence that named it.
        implied = (bool(_HANDLER.search(clause.text)) or context) and (question or concern)
        for word in clause.words:
            lemma, chain = word.lemma, clause.chain(word)
            if lemma == "シュレッダー":
                lemma = "処分"  # シュレッダー(に)かける
            if lemma in HOLD and _KEEP.match(chain):
                lemma = "保管"  # 持っておく, 置いとく: keeping it
            elif lemma in HOLD and _HOLDING.match(chain) and (
                    _HANDLER.search(clause.text) or _LASTING.search(clause.text) or any(
                        self._party(clause, c) and self._marked(clause, c, ("に",)) for c in clause.children(word))):
                lemma = "保管"  # そちらでずっと持ってる: still holding it
            elif lemma == "登録" and "まま" in clause.after(word)[:8]:
                lemma = "保管"  # 登録されたままになってません？: still kept
            elif lemma in TAKE and any(c.dep in ("obj", "obl", "nsubj") and self._is_data(clause, c)
                                       and self._personal(clause, c) for c in clause.children(word)):
                lemma = "取得"  # 位置情報とか取ってたりします？: collecting it
            if member(lemma, RETURN) and data and question and word.dep != "compound" \
                    and not _SELF_ACTION.search(clause.after(word)):  # 返してもいいですか: the caller's act
                return True  # 書類のコピーって返してもらえるんですか: what becomes of it
            if not member(lemma, HANDLING):
                continue
            if (_BACKGROUND.search(chain) or self._te_clause(clause, word, chain)) and not concern \
                    and word.dep != "ROOT":
                continue  # 母のカードも預かってるんですけど、番号とかいります？: stated, not asked
            described = clause.parse[word.head]
            if word.dep == "acl" and not (member(described.lemma, DATA_NOUNS | STORED | HANDLING_HEADS | _FACTS)
                                          or self._party(clause, described)):
                continue  # 番号を控えたメモをなくしちゃって: describes a thing (録音したデータ, 見る人 do not)
            of_handling = clause.parse[word.head].lemma in HANDLING_HEADS and (question or concern)
            if word.dep == "compound" and not member(lemma, LEAK) and not of_handling:
                continue
            # メモとかして, シュレッダーかけて: a noun whose verb is a light one
            loose = (clause.parse[word.head].lemma == "する" and _TENTATIVE.match(clause.after(word))) \
                or word.lemma == "シュレッダー"
            # 見れる may come out an adjective (運営の人がみんな見れる感じ): still the predicate
            if not (word.pos == "VERB" or (word.pos == "ADJ" and lemma in ACCESS) or _SURU.search(chain)
                    or concern or of_handling or loose
                    or self._of_data(clause, word)):
                continue  # 利用記録, 管理画面: a noun, not a predicate (個人情報の取り扱い is one)
            head = clause.parse[word.head]
            if _SELF_ACTION.search(clause.after(word)) or (head.lemma in HOW_TO and head.i != word.i):
                continue
            passive = bool(_PASSIVE_CHAIN.search(chain))
            request = bool(_REQUEST_CHAIN.search(chain))
            if member(lemma, LEAK) and (question or concern):
                return True
            if self._other_object(clause, word):
                continue  # 在庫を管理, 商品を回す: the predicate's own object is not data
            if member(lemma, RETAIN):
                # 控えておいてもらえますか asks the agent to note something: not a worry about it.
                if request and not negative_request:
                    continue
                if (data or implied or lemma in RECORDING) and (question or concern or negative_request):
                    return True
            elif member(lemma, DELETE):
                # 処分 disposes of furniture as often as of papers: only with the data named.
                if (data or (implied and lemma != "処分")) and (question or concern or request):
                    return True
            elif member(lemma, TRANSFER):
                # 回してもらえますか asks for a transfer; 在庫を回す moves stock, not data.
                if request and not negative_request:
                    continue
                if (data or ((recipient or implied) and lemma not in HANDED_ROUND)) and (
                        question or concern or negative_request):
                    return True  # implied: わしの番号、よその店さ回したりせんよな (a sentence before named it)
            elif member(lemma, USE):
                if self._of_data(clause, word) and (question or concern or _WANT_TO_ASK.search(clause.text)):
                    return True  # 個人情報の扱いが心配で…, 個人情報の扱いについて確認したいんですが
                if negative_request and data and (recipient or any(self._party(clause, c) for c in
                                                                   clause.children(word))):
                    return True  # うちの住所、チラシの業者に使わんといてほしい
                purpose = passive or bool(_PURPOSE.search(clause.text) or _MANNER.search(clause.text))
                if ((purpose and (data or implied)) or _PURPOSE_ASK.search(clause.text)) and (
                        question or concern or negative_request):
                    return True
            elif member(lemma, ACCESS) and (owned or implied or _recorded(clause)) and question and not request and (
                    "誰" in lemmas or any(self._party(clause, c) for c in clause.children(word))
                    or (word.dep in ("acl", "dep") and self._party(clause, clause.parse[word.head]))):
                return True  # 誰が聞くんですか, 市役所の人ってどこまで私の個人情報見られるんですか
        return False

    def _owned_record(self, clause: Clause) -> bool:
        """A stored record of the caller's (私の記録, わたしの情報, 主人の通話の録音): kept data, not a document in
        hand or a product (私の見積もり)."""
        return any(member(w.lemma, STORED) and self._personal(clause, w) and self._owned(clause, w)
                   for w in clause.words)

    def own_topic(self, clause: Clause) -> bool:
        """The sentence's topic or subject is a thing of its own, not data (届いたパンって, 靴が):
        a question about it is not about data named before."""
        return any(w.pos == "NOUN" and w.dep in ("nsubj", "obj", "dislocated", "obl")
                   and self._marked(clause, w, ("って", "は", "が", "を", "も"))
                   and not (member(w.lemma, DATA_NOUNS | STORED) or w.lemma in _TIMES
                            or w.lemma in SELF  # 私が生きてるうちは: the caller or a while, no thing
                            or self.identifier_types(clause.compound(w)) or self._party(clause, w))
                   for w in clause.words)

    @staticmethod
    def _found_out(clause: Clause) -> bool:
        """The company came by the data: a knowing verb in a perfective or stative form after a
        reason or a source (なんで…知ってるの, どこから…わかったんやろ), with no embedded question
        between them (どこで住所変更できるか知ってる asks where a procedure is done)."""
        why = _WHY_OR_WHERE.search(clause.text)
        if why is None:
            return False
        offset = 0  # each word's start in the clause's text
        for word in clause.words:
            start, offset = offset, offset + len(word.text) + word.space
            if start < why.end() or word.lemma not in FIND_OUT or word.pos != "VERB" or (
                    word.lemma == "入れる" and not clause.text.startswith("手に", max(0, start - 2))):
                continue  # 入れる only as 手に入れる
            chain = clause.chain(word)
            if not _KNOWN.match(chain) or _NEGATED.search(chain):
                continue
            if "か" not in [w.text for w in clause.words if w.pos == "PART" and w.i < word.i]:
                return True
        return False

    def _about_self(self, clause: Clause, nouns: tuple[str, ...] = ()) -> bool:
        """A noun (one of ``nouns`` if given) owned by the speaker (私のこと, 私の口座のこととか, 私の病歴),
        or a fact the speaker or kin did (私が電話したってこと, 母が…受けてること)."""
        return any(word.pos == "NOUN" and (not nouns or word.lemma in nouns) and (
            self._owned(clause, word) or (word.lemma in ("こと", "事") and self._own_fact(clause, word)))
            for word in clause.words)

    def _matter_told(self, clause: Clause) -> bool:
        """A matter named as what is told a person (ビザのこと、会社に言いますか; このお金をもらうこと、
        大家さんに知らせますか): the caller's, whoever's it is not said.  Not a business party as the
        one told (故障のこと、メーカーに伝えますか: the service passing a job on), and only asked (会社には
        介護のことはもう話してあるんで、大丈夫です: the caller told them)."""
        if not clause.is_question():
            return False
        for word in clause.words:
            head = clause.parse[word.head]
            telling = head.lemma in TELL_PERSON or _kana_say(head) or (
                head.lemma == "知る" and clause.chain(head).startswith("せ"))
            if telling and _OWN_TELLING.match(clause.after(head)):
                continue  # 家族にもこのサービスのこと教えていいですか: the caller's own telling
            if word.lemma in ("こと", "事") and telling and any(
                    c.dep in ("nmod", "acl") for c in clause.children(word)):
                told = [c for c in clause.children(head) if self._party(clause, c)
                        and self._marked(clause, c, ("に", "には", "にも"))]
                if told and not any(member(_HONORIFIC_END.sub("", clause.compound(c)), CONTRACTORS) for c in told):
                    return True
        return False

    @staticmethod
    def _own_fact(clause: Clause, word: Word) -> bool:
        """こと of something the speaker or kin does (うちが生活保護受けてること): their matter."""
        return any(c.dep == "acl" and any((g.lemma in SELF or member(g.lemma, FAMILY)) and g.dep == "nsubj"
                                          for g in clause.children(c)) for c in clause.children(word))

    @staticmethod
    def _owned(clause: Clause, word: Word) -> bool:
        """``word`` is the speaker's: 私の, or 私の…の (私の病気のこと)."""
        owners = clause.children(word)
        owners += [g for c in owners for g in clause.children(c)]
        return any((o.lemma in SELF or member(o.lemma, FAMILY)) and o.dep == "nmod" for o in owners)

    def _told_to_others(self, clause: Clause, data: bool) -> bool:
        """The company tells a third party, or the data reaches one or becomes known.

        A telling verb counts with a party or the company (そっちで, 業者に) and without the
        customer's own offering or asking forms (言いましょうか, 教えてもらえますか); a reaching
        verb with the data as its subject and a party as its goal (名前って業者さんにも行くの);
        a word of exposure (筒抜け, バレる) with the data alone."""
        if not data:
            return False
        handler = bool(_HANDLER.search(clause.text))
        by_self = bool(_BY_SELF.search(clause.text))  # 市役所に自分で出す: the caller hands it in
        unasked = bool(_UNASKED.search(clause.text))  # 勝手に教えられ: a passive, not 教えられる 'can tell'
        for word in clause.words:
            chain, after = clause.chain(word), clause.after(word)
            if word.lemma in EXPOSE:
                return True
            parties = [c for c in clause.children(word) if self._party(clause, c)]
            causative = word.lemma in SENSE and chain.startswith("せ")  # 知らせないで
            causative = causative or _kana_say(word)
            # いいますか in kana may come out an adjective (いい): still the verb
            if (word.lemma in DISCLOSE or causative) and word.pos in ("VERB", "NOUN", "ADJ") and word.dep != "acl":
                # (a telling that describes a thing, 会社が出したやつ, is not the one asked about)
                asks = bool(_REQUEST_CHAIN.search(chain)) and not _NEGATIVE_REQUEST.search(chain + after[:8])
                if by_self:
                    continue
                if asks or _SELF_ACTION.search(after) or _VOLITIONAL_Q.search(word.text + chain) or (
                        _CAN.search(chain) and not unasked) or _BACKGROUND.search(chain):
                    continue
                others = parties or any(self._party(clause, w) and w.dep in ("nsubj", "obl")
                                        for w in clause.words if w.i != word.i)
                if handler or others or unasked:
                    return True
            # いった(り) in kana is read as いう; with a contact as subject it is 行く (問い合わせがいったり)
            elif (word.lemma in REACH or (word.lemma == "いう" and word.text.startswith("いっ"))) \
                    and word.pos == "VERB":
                if _REQUEST_CHAIN.search(chain) and not _NEGATIVE_REQUEST.search(chain + after[:8]):
                    continue  # 会社に請求書を送ってもらえますか: asked for
                if by_self or _carried(clause, word) or _SELF_ACTION.search(after) or (
                        _IF_GONE.match(chain) and word.lemma not in SEND):
                    continue  # 書類は自分で大使館に持って行きますか, この写真、兄に送ってもいいですか: the caller's act
                # The goal may hang on a noun before the verb (勤務先に在籍確認の電話ってかかって).
                parties += [w for w in clause.words if w.i < word.i and w not in parties and self._party(clause, w)]
                goal = any(self._marked(clause, c, ("に", "へ", "まで")) for c in parties)
                # 〜たりする: the topic hangs on する (私のデータ、…に送られたりしないですよね)
                head = clause.parse[word.head]
                around = clause.children(word) + (clause.children(head) if head.lemma == "する" else [])
                # A topic said before it may hang elsewhere in the parse (話したうちの子の成績のこと、
                # ほかの保護者さんに伝わったり): data or the caller's own matter, not a goal.
                around += [w for w in clause.words if w.i < word.i and w.pos in ("NOUN", "PROPN") and (
                    self._is_data(clause, w) or self._handed(clause, w) or member(w.lemma, CONTACTS)
                    or (w.lemma in ("こと", "事", "話") and (self._owned(clause, w) or self._own_fact(clause, w)))
                    or w.lemma in REASONS)]  # 休会の理由って、インストラクターさんにも伝わっちゃう
                # What reaches by itself (行く, 届く) is a subject, never another verb's object (暗証番号を変えたい
                # んですが、窓口に行かないと: the caller goes there); 送る's object is what is sent.
                not_subject = ("に", "へ", "で") + (("を",) if word.lemma not in SEND else ())
                subject = any(self._is_data(clause, c) or self.identifier_types(clause.compound(c))
                              or self._owned(clause, c) or self._handed(clause, c) or member(c.lemma, CONTACTS)
                              or (c.lemma in ("こと", "事") and self._own_fact(clause, c)) or c.lemma in REASONS
                              for c in around if c.i != word.i and not self._marked(clause, c, not_subject))
                if goal and subject:
                    return True
        return False

    @staticmethod
    def _spreads(clause: Clause) -> bool:
        """News of the caller reaching someone, feared (保育園とかに伝わったりしないですよね, 前の会社に伝わったり
        せんの, 夫の会社の人に伝わることってあります?): what spreads is always what is known, so the caller's matter
        goes without saying.  Not wanted through (担当の方にちゃんと伝わってますか), nor a sound or a shake (振動って
        下の階に伝わりますか)."""
        if _WANTED_THROUGH.search(clause.text) or any(member(w.lemma, PHYSICAL) for w in clause.words):
            return False
        for word in clause.words:
            if word.lemma not in SPREAD or word.pos != "VERB":
                continue
            goals = [w for w in clause.words if w.i < word.i and w.pos in _NOMINAL
                     and ClauseRules._marked(clause, w, ("に", "には", "にも", "へ", "まで"))
                     and not member(_HONORIFIC_END.sub("", clause.compound(w)), STAFF)]
            feared = bool(_SPREAD_FEARED.match(clause.after(word)))
            if goals and (feared or any(ClauseRules._marked(clause, g, ("にも",)) or any(
                    c.text == "も" for c in clause.children(g)) for g in goals)):
                return True
        return False

    def _seen_by_others(self, clause: Clause, owned: bool = False) -> bool:
        """Seen or known by a party, in the passive (会社に知られたりしないですよね, お相手の方に
        見られちゃうんですか): the caller's own matter goes without saying."""
        for word in clause.words:
            if word.lemma in ("見える", "聞こえる") and not owned:
                continue  # visible or audible: only the caller's data (本名とか他の人から見える)
            # 会社の人に分かっちゃう: known to a party, in the form of a mishap (not 分かるように)
            known = word.lemma in ("分かる", "わかる") and (owned or _MISHAP.match(clause.chain(word)))
            # the caller's data seen by a party as the subject (…ほかのスタッフのひとも、みますか)
            # …or feared (こどもの かお、ほかの ひと みる、ちょっと こわい: a learner drops the particle)
            # (not asked as a service, 私の車、整備士さん見てくれますか: a request of their own)
            active = owned and word.lemma in ("見る", "みる", "閲覧") and _names_data(clause) and (
                clause.is_question() or clause.has_concern()) and not _REQUEST_CHAIN.search(clause.chain(word))
            if not (word.lemma in ("見られる", "知られる", "聞かれる", "見える", "聞こえる") or known or active
                    or member(word.lemma, EXPOSE) or (
                    word.lemma in SENSE and _PASSIVE_CHAIN.search(clause.chain(word)))):
                continue
            if any(self._party(clause, c) and self._marked(clause, c, ("に", "には", "にも", "から"))
                   for c in clause.children(word)):
                return True  # 他の人から見える: seen from their side too
            if active and self._seer(clause, word):
                return True  # 在留カードのコピー、ほかのスタッフの人も見ますか: the caller's data seen
            # a party as the finder (夫が…住所がわかっちゃう), feared, not told as done (わかっちゃった)
            if known and _MISHAP_AHEAD.match(clause.chain(word)) and any(
                    self._party(clause, w) and w.dep == "nsubj" and self._marked(clause, w, ("が",))
                    for w in clause.words):
                return True
        return False

    def _seer(self, clause: Clause, word: Word) -> bool:
        """A party who sees (``word``), wherever the parse hangs it (ほかのスタッフの人も見ますか; a learner's
        ほかの ひと みる): a party in the sentence with no case of a goal, a place or an owner."""
        return any(w.i != word.i and w.pos in ("NOUN", "PRON") and self._party(clause, w)
                   and not self._marked(clause, w, ("に", "で", "を", "から", "の")) for w in clause.words)

    def _fate(self, clause: Clause, has_pii: bool) -> bool:
        """What becomes of stored data: 登録した情報ってどうなるんですか, (a number just given)
        番号ってどうなるんですか."""
        for word in clause.words:
            if word.lemma not in ("なる", "する") or not any(c.lemma == "どう" for c in clause.children(word)):
                continue
            # The stored thing as the topic anywhere in the sentence (コピーって、…あととか、どうなる).
            topics = [w for w in clause.words if any(t.text in ("って", "は") for t in clause.children(w))]
            for c in clause.children(word) + topics:
                if (member(c.lemma, STORED) and self._personal(clause, c)) or self._handed(clause, c):
                    return True  # 登録した情報って, 提出した源泉徴収票って
                if has_pii and c.lemma in ("番号", "それ", "これ", "あれ"):
                    return True
        return False

    @staticmethod
    def _te_clause(clause: Clause, word: Word, chain: str) -> bool:
        """A て-clause closed by a comma (データが消えちゃって、復元できますか): an event told
        before the question, which another predicate asks."""
        after = clause.next_after_chain(word)
        return chain.endswith(("て", "で")) and after is not None and after.text in ("、", ",")

    @staticmethod
    def _near(clause: Clause, a: Word, b: Word, steps: int) -> bool:
        """``a`` and ``b`` meet at a common head within ``steps`` arcs in all."""
        def heads(word: Word) -> dict[int, int]:
            out, seen = {word.i: 0}, word
            for n in range(1, steps + 1):
                if seen.head == seen.i:
                    break
                seen = clause.parse[seen.head]
                out.setdefault(seen.i, n)
            return out
        up_a, up_b = heads(a), heads(b)
        return any(up_a[i] + up_b[i] <= steps for i in up_a.keys() & up_b.keys())

    @staticmethod
    def _party(clause: Clause, word: Word) -> bool:
        """A person or body other than the caller, with its compound (業者さん) or owner (市役所の人)."""
        return member(word.lemma, PARTIES) or word.lemma in RECIPIENTS or member(word.lemma, FAMILY) \
            or member(clause.compound(word), PARTIES) or _kana_party(clause, word) \
            or _HEAD_OF.search(clause.compound(word)) is not None or _addressed_person(clause, word) or any(
            (c.dep == "compound" or (c.dep == "nmod" and word.lemma in _SIDE)) and (
                member(c.lemma, PARTIES) or member(clause.compound(c), PARTIES))
            for c in clause.children(word))

    @staticmethod
    def _marked(clause: Clause, word: Word, particles: tuple[str, ...]) -> bool:
        """``word`` takes one of the case particles (業者に, 業者さんにも); に also as 東北's さ (課長さ知られる)."""
        if "に" in particles:
            particles = (*particles, "さ")
        return any(c.dep == "case" and c.text in particles for c in clause.children(word))

    # ---------------------------------------------------------------- registered

    def disclosed(self, clause: Clause) -> list[tuple[str, str]]:
        """Registered facts an agent's sentence states without a PII value the engine masks:
        ``(type, word)`` for an address by its place name (練馬区豊玉北のご住所), a bank with 口座
        (みなと銀行の口座から), a card's last digits (末尾9032), an amount the account owes or was
        paid (8,640円が未納, 口座に…円をお振り込み) and the current plan.  ``word`` is the value's
        surface in the parse (digits read as 0), for recognising the caller's own words."""
        found: list[tuple[str, str]] = []
        ours = _OURS.search(clause.text)
        if ours and ours.group(0).startswith("宛") and "ご登録" in clause.text:
            ours = None  # ご登録のメールアドレス宛に: the caller's address, not the company's
        if ours or _NEW.search(clause.text) or any(
                w.lemma in INTERROGATIVES for w in clause.words):
            return found  # 新しいご住所は横浜市西区のどちらになりますか: asked, not read out
        lemmas = {w.lemma for w in clause.words}
        amounts = [w for w in clause.words if w.lemma == "円" and w.i > 0 and clause.parse[w.i - 1].pos == "NUM"]
        money = bool(amounts)
        # 解約金として1,100円を, 送料は800円: a tariff
        amounts = [a for a in amounts if not any(_is_fee(clause, w) and self._near(clause, w, a, 3)
                                                 for w in clause.words)] if not _RATE.search(clause.text) else []
        for word in clause.words:
            if word.lemma in ADDRESS_NOUNS:
                for c in clause.children(word):
                    if c.dep == "nmod" and _place_name(c.text):
                        found.append(("JP_ADDRESS", c.text))
                if clause.parse[word.head].i != word.i:  # お届け先は杉並区…: the predicate's noun
                    found += [("JP_ADDRESS", c.text) for c in clause.words
                              if c.i > word.i and _place_name(c.text) and c.pos in ("NOUN", "PROPN", "ADJ")][:1]
            elif word.lemma.endswith("口座"):  # 口座, 普通口座
                for c in clause.children(word):
                    owners = [c, *clause.children(c)]
                    found += [("JP_BANK_ACCOUNT", o.text) for o in owners if _BANK.search(o.text)]
            elif _CARD_TAIL.search(word.text) and any(c.pos == "NUM" for c in clause.words) \
                    and not _ASKED_FOR.search(clause.text):  # カード裏面の末尾三桁をお願いします: asked
                found.append(("CREDIT_CARD", word.text))
        # The amount is the account's when it and the money word are close in the tree (8,640円が
        # 未納, 口座に…円をお振り込み), not a price said near one (振込手数料は220円, ご入金の後に…円分の).
        owed = [w for w in clause.words if w.lemma in PAY and _not_done(clause.after(w))]
        # お振り込みいたします announces an action (a refund, a procedure), not the account's state.
        done = [w for w in clause.words if not _WILL_DO.match(clause.chain(w))]
        if any((member(w.lemma, ACCOUNT_MONEY) or w in owed) and _predicate(clause, w) and self._near(clause, w, a, 3)
               for w in done for a in amounts):
            found.append(("ACCOUNT_AMOUNT", ""))
        if "プラン" in lemmas and _CURRENT.search(clause.text) and (money or found):
            found.append(("CONTRACT_PLAN", ""))
        found += self._on_file(clause, lemmas)
        return list(dict.fromkeys(found))

    def _on_file(self, clause: Clause, lemmas: set[str]) -> list[tuple[str, str]]:
        """The other registered facts: a bank by its branch or as where money goes (お振込先は…信金の
        駅前支店), a payment that failed (お引き落としができておりません), a value on file (…で
        ご登録いただいております), a document's expiry date, this month's usage under the plan."""
        if clause.is_question() and not _CONFIRMING_Q.search(clause.text):
            return []  # a confirming question reads the value out (…信金の東口支店のままでよろしいですか)
        found: list[tuple[str, str]] = []
        numbers = any(w.pos == "NUM" for w in clause.words)
        if lemmas & BANK_PLACES or any(w.lemma.endswith("口座") for w in clause.words):
            found += [("JP_BANK_ACCOUNT", w.text) for w in clause.words if _BANK.search(w.text)][:1]
        for w in clause.words:
            unpaid = _not_done(clause.after(w))
            if (w.lemma in PAY or member(w.lemma, ACCOUNT_MONEY)) and _predicate(clause, w) and unpaid \
                    and not _IF_CLAUSE.search(clause.after(w)[unpaid.end():].lstrip("のでしたが")):
                found.append(("ACCOUNT_AMOUNT", ""))
                break
        if _CHARGE.search(clause.text) and not _RATE.search(clause.text):
            found.append(("ACCOUNT_AMOUNT", ""))
        if numbers and _ON_FILE.search(clause.text):
            found.append(("REGISTERED_VALUE", ""))
        elif _LOOKED_UP.search(clause.text) and _REPORT_END.search(clause.text.strip()) \
                and not _NOTHING_FOUND.search(clause.text):
            found.append(("ACCOUNT_RECORD", ""))  # お電話番号から拝見しますと、…ご加入いただいておりますね
        if _SPELLED_EMAIL.search(clause.text) and "登録" in clause.text:
            found.append(("EMAIL_ADDRESS", ""))  # ご登録のメールアドレス、mina.k72アットマーク…: read out, cut off
        dated = (numbers and any(w.lemma in ("日", "月", "年", "月末", "末") for w in clause.words)) or any(
            w.lemma in ("今月末", "来月末", "月末", "今月", "来月", "今年", "来年") for w in clause.words)
        if dated and _EXPIRY.search(clause.text) and any(_DOCUMENT.search(w.text) for w in clause.words) \
                and (numbers or not _RULE_VALUE.search(clause.text)):
            found.append(("DOCUMENT_EXPIRY", ""))
        elif dated and _RENEWAL.search(clause.text) and _THEIRS.search(clause.text) \
                and not _RULE_VALUE.search(clause.text):
            found.append(("DOCUMENT_EXPIRY", ""))  # お車の車検の満了日は来月15日となっております
        found += self._account_state(clause)
        record = None if found else self._record_report(clause)
        if record is not None:
            found.append(("ACCOUNT_RECORD", record))
        # The usage, not the plan's size alone: "現在月3ギガのプランですね" may read back the caller's words.
        if numbers and _USAGE.search(clause.text) and _CURRENT.search(clause.text) and any(
                w.lemma.endswith(("使う", "使い", "利用", "使用")) for w in clause.words):
            found.append(("CONTRACT_PLAN", ""))
        return found

    def _record_report(self, clause: Clause) -> str | None:
        """A record of the caller's stated with its value (現在、お荷物は川崎市の営業所にございます,
        前回のご来院は9月12日でございます); not a rule (ご利用時間は…, 通常…), nor a question.
        Returns the value's word (a name or place, so that the caller's own words read back are
        recognised; "" for a number), or ``None``."""
        text = clause.text.strip()
        if _COURTESY.search(text):
            return None  # 先日はご来店ありがとうございました: thanks, no record told
        history = self._last_job(clause, text)
        if history is not None:
            return history
        if _READ_BACK.search(text):
            return None  # 3点のご注文ですね, おっしゃる通り…: the caller's own words confirmed
        if not _REPORT_END.search(text) or not _SPECIFIC.search(text) or _RULE_VALUE.search(text) \
                or _GENERAL.search(text) or _RATE.search(text) or _WILL_DO.search(text) \
                or any(_is_fee(clause, w) for w in clause.words) or _PRICE_LIST.search(text) \
                or set(self.identifier_types(text)) - {"PERSON"}:
            return None  # a PII value (ご登録のお電話番号は…) is the entity rule's to judge
        for topic in clause.words:
            if topic.lemma == "様" and self._marked(clause, topic, ("は",)) and re.search(
                    r"[^様]でいらっしゃ", text):
                return ""  # 高橋様は、ゴールド会員でいらっしゃいますね: a status on file
            if topic.dep != "nsubj" or not self._marked(clause, topic, ("は", "が", "って", "も")) \
                    or SERVICE_NOUNS.search(topic.lemma) or not self._theirs(clause, topic):
                continue
            later = clause.words[clause.index(topic) + 1:]
            if any(w.pos == "NUM" or w.lemma in TIME_ANCHORS for w in later):
                return ""
            named = [w.text for w in later if w.pos == "PROPN" or _PLACE.search(w.text)]
            if named:
                return named[0]
        return self._account_event(clause, text)

    def _last_job(self, clause: Clause, text: str) -> str | None:
        """What the company did for the caller last time, told or confirmed (前回は内釜の交換で…
        ございますね, 先月はエアコンの修理でしたね): their history, even as a read-back, unless the
        caller named that time first (the engine's echo check reads the returned anchor word).
        Not a courtesy (前回はご迷惑をおかけしました, 先日はありがとうございました)."""
        if _GENERAL.search(text) or (
                clause.is_question() and not (_READ_BACK.search(text) or _CONFIRMING_Q.search(text))):
            return None  # 点検は通常、前回の点検から一年後: a rule
        for anchor in clause.words:
            if anchor.lemma not in PAST_ANCHORS or not self._marked(clause, anchor, ("は",)):
                continue
            later = clause.words[clause.index(anchor) + 1:]
            if any(member(w.lemma, JOBS) and w.pos in ("NOUN", "VERB") for w in later):
                return anchor.text
        return None

    def _account_event(self, clause: Clause, text: str) -> str | None:
        """The looser form: the caller addressed by name or one of their things named (高橋様、家賃の
        振込が2か月遅れております; お客様のお車は、現在、整備工場でお預かりしております), with a
        value or an event of the account, and no subject of the company's own (お電話が混み合って,
        担当者が席を外して)."""
        if any(w.dep == "nsubj" and (SERVICE_NOUNS.search(w.lemma) or member(w.lemma, STAFF))
               for w in clause.words):
            return None
        # Addressed, a thing of theirs must be named: 佐野様、東町3丁目12の5ですね reads a value back.
        addressed = bool(_ADDRESSED.search(text)) and any(
            w.dep in ("nsubj", "obj", "obl") and w.pos == "NOUN" and w.lemma != "様" for w in clause.words)
        if not (addressed or any(self._theirs(clause, w) and not SERVICE_NOUNS.search(w.lemma)
                                 for w in clause.words if w.pos in ("NOUN", "PROPN", "PRON", "VERB"))):
            return None
        names = {c.i for w in clause.words if w.lemma == "様" for c in clause.children(w)}  # 高橋(様)
        named = [w.text for w in clause.words if w.i not in names and (
            (w.pos == "PROPN" and w.lemma != "様") or _PLACE.search(w.text))]
        if named:
            return named[0]
        if any(w.pos == "NUM" or w.lemma in TIME_ANCHORS or w.lemma in EVENTS or w.lemma.endswith(PLAN_ENDINGS)
               for w in clause.words):
            return ""
        return None

    def _theirs(self, clause: Clause, word: Word) -> bool:
        """``word`` names the caller's record: ご/お on it or on what describes it (お荷物, ご注文いただいた
        冷蔵庫), or owned by the caller by name or as registered (高橋様の, お客様の, ご登録の)."""
        near = clause.children(word)
        near += [g for c in near if c.dep in ("acl", "nmod") for g in clause.children(c)]
        if self._prefixed(word) or member(word.lemma, USAGE_NOUNS):
            return True
        return any((c.lemma in HONORIFIC and c.dep == "compound") or c.lemma in ("様", "お客様", "登録")
                   or (c.dep in ("nmod", "acl") and self._prefixed(c)) for c in near)

    @staticmethod
    def _prefixed(word: Word) -> bool:
        """A noun written with its honorific prefix (ご利用, お荷物), not a verb such as おります."""
        return word.pos in ("NOUN", "PROPN", "PRON") and word.text[:1] in HONORIFIC and len(word.text) > 1

    @staticmethod
    def _account_state(clause: Clause) -> list[tuple[str, str]]:
        """The account's state stated as a fact: unpaid (…が未納となっております), an application's
        outcome (合格となっております), a deadline passed (返却期限を過ぎております), points held
        (3,450ポイントが貯まっております).  Not in a condition (未納の場合は, 合格された方には)."""
        found: list[tuple[str, str]] = []
        if any(w.lemma in ("場合", "際") for w in clause.words):
            return found  # 未納の場合は…, お支払いがない場合は未納となります: a rule
        for w in clause.words:
            after = clause.after(w)
            rest = after[len(clause.chain(w)):]  # after the predicate's own auxiliaries
            if w.dep == "compound" or _IF_CLAUSE.search(_IS_STATE.sub("", rest).lstrip("たるのでしが")):
                continue  # 合格された方には, 未納となった場合: a condition
            if (w.lemma in UNPAID or w.lemma in RESULTS) and _IS_STATE.match(after):
                found.append(("ACCOUNT_AMOUNT" if w.lemma in UNPAID else "APPLICATION_RESULT", ""))
            elif w.lemma in ("通る", "落ちる") and re.match(r"^(て(おり|い)|た|まし)", clause.chain(w)) and any(
                    _EXAMS.search(clause.compound(c)) for c in clause.children(w)):
                found.append(("APPLICATION_RESULT", ""))  # 審査に通っております
            elif w.lemma in PASSED and _STATIVE.match(clause.chain(w)) and any(
                    _DEADLINE.search(c.lemma) for c in clause.children(w)):
                found.append(("OVERDUE", ""))
            elif w.lemma in BALANCE and _STATIVE.match(clause.chain(w)) and any(
                    c.lemma == "ポイント" and any(n.pos == "NUM" for n in clause.children(c))
                    for c in clause.children(w)):
                found.append(("ACCOUNT_AMOUNT", ""))
        return found

    # ---------------------------------------------------------------- requests

    def requested(self, clause: Clause) -> list[str]:
        """Types an agent's sentence asks for: an identifier with a request form of an asking
        verb (ご用意いただけますか, 確認させてください), a question whether the customer has or
        knows it (お手元にございますか, わかりますか), or which number it is (何番ですか)."""
        question = clause.is_question()
        asks = (bool(_WHICH_NUMBER.search(clause.text)) and question) or bool(_COLLECT.search(clause.text))
        for word in clause.words:
            chain = clause.chain(word)
            if _NEGATED.search(chain):
                continue
            if (member(word.lemma, ASK) and _ASK_CHAIN.search(chain)) or (word.lemma in HAVE and question):
                asks = True
        return self.identifier_types(clause.text, values=True) if asks else []

    # ---------------------------------------------------------------- offers

    @staticmethod
    def _of_business_thing(clause: Clause, word: Word) -> bool:
        """``word`` (番号) is printed on a thing the service issued (切符の裏に印字された番号,
        レシートの番号): its reference, not the caller's identifier (within three links below it)."""
        level = [word]
        for _ in range(3):
            level = [c for w in level for c in clause.children(w) if c.i != w.i]
            if any(c.lemma in BUSINESS_THINGS for c in level):
                return True
        return False

    def offered(self, clause: Clause, named: Sequence[str] = ()) -> tuple[list[str], bool] | None:
        """An offer in this sentence: (types named, marked as *more*: も/とか/他/全部), else ``None``.

        Forms: a volitional question (お伝えしましょうか), 方がいい/ばいい questions, a condition
        (必要なら…言えます), a potential with も (番号も言えます), and a tentative need question
        (免許証とかいります？).  ``named``: the types an earlier sentence of the turn named, which
        the offer may leave unsaid (マイナンバーもありますよ。いりますか？)."""
        text = clause.text
        condition = bool(_CONDITION.search(text))
        question = clause.is_question()
        asks_what = bool({w.lemma for w in clause.words} & INTERROGATIVES)  # 何を言えばいいですか
        # 免許証とかいります？ offers; 〜も必要ですか asks what the procedure needs.
        tentative = bool(_TENTATIVE.search(text))
        forms = {"alternative"} if question and _ALTERNATIVE.search(text) else set()
        for word in clause.words:
            chain = clause.chain(word)
            if _NEGATED.search(chain):
                continue  # 言えないです, お伝えしません
            if word.lemma in TELL_POTENTIAL or (word.lemma in TELL and _CAN.search(chain)):
                forms.add("potential")
            elif word.lemma in TELL or _kana_say(word, clause.parse[word.i - 1] if word.i else None):
                after = clause.after(word)
                # 書いとこうか: GiNZA may read とこう as a noun of its own, outside the chain.
                volitional = _VOLITIONAL_Q.search(word.text + (chain or clause.after(word)[:5])
                                                  + ("か" if question else "")) or (
                    question and _PUT_ON_RECORD.search(chain)) or (
                    # 関西 volitional without う (保険証の番号言おか？, 送ろか)
                    question and word.text.endswith(_SHORT_VOLITIONAL) and chain.startswith("か"))
                better = question and not asks_what and (_BETTER.search(after) or _IF_GOOD.search(after))
                # 言いますか？ (a learner's 'shall I say it?'): the caller's telling asked plainly, with
                # no one else to tell (会社に言いますか asks about the company's telling)
                plain = question and not asks_what and _PLAIN_ASK.match(chain) and not any(
                    self._party(clause, c) for c in clause.children(word))
                if volitional or plain:
                    forms.add("question")
                elif better:
                    forms.add("better")
                elif condition or _PERMISSION.search(after[:12]):
                    forms.add("condition")
            elif word.lemma in ("控える", "メモ") and question and _PUT_ON_RECORD.search(chain):
                forms.add("question")  # マイナンバーも控えときます？: offered for the agent to note
            elif (word.lemma in NEED and question and word.dep == "ROOT" and not asks_what
                  and (tentative or word.lemma != "必要")):  # 〜って要ります？ offers; 〜も必要ですか asks
                forms.add("need")
            elif word.lemma in _HAVE and (condition or (question and not asks_what and (
                    any(w.lemma in NEED for w in clause.words) or _ALTERNATIVE.search(text)))):
                # 控えならありますけど、必要ですか / もし必要ならそれもありますけど / 今ここにあるけど、
                # それでもいいかね: having it, put with a need or a condition, offers it
                forms.add("condition")
        if not forms and _VOLUNTEER.search(text):
            forms.add("condition")  # なんなら免許証の番号で確認してもらってもいいけど: any predicate
        if not forms:
            return None
        types = self.identifier_types(text) or list(named)
        generic = any(w.lemma in GENERIC_IDENTIFIERS and not any(c.owner == NOT_PII for c in self.cues.find(
            clause.compound(w))) and not self._of_business_thing(clause, w)
            for w in clause.words)  # 注文番号も言った方が…, 切符の裏の番号も… name no identifier
        # も after a noun (番号も), not the も of a permission (言ってもいい)
        more = tentative or any(w.text == "も" and w.pos == "ADP" and k and clause.words[k - 1].pos in _NOMINAL
                                for k, w in enumerate(clause.words)) or bool(_MORE.search(text))
        if not types and not generic:
            return None
        if forms <= {"alternative"} and asks_what:
            return None  # 写真付きの身分証って何でもいいんすか: asks what is accepted
        if forms <= {"potential", "alternative"} and _ONLY.search(text):
            # 番号と期限だけでいいっすか gives less than asked: an offer only of a type the policy
            # does not need (the engine decides)
            return (types, False) if types else None
        if forms <= {"potential", "alternative"} and not (more or condition):
            # 番号は言えますけど / 携帯の番号でいいですか answer a request: an offer only of a type
            # the policy does not need (the engine decides), never "more".
            return (types, False) if types else None
        if forms == {"better"} and types:
            # 郵便番号も言った方がいいですか asks how to answer: "more" only of what the call does
            # not need (the engine decides); volunteering forms (お伝えしましょうか, なんなら) offer.
            return types, False
        return types, more or condition
