"""要配慮個人情報 (APPI special-care data) in an utterance: which categories come up.

Collecting medical history, disability, health-check results, creed, race, social status,
a criminal record or having been a victim of crime needs prior consent (APPI Art. 20(2)),
so the agent is warned the moment one comes up.  The lexicon holds phrases that say
something *about a person* (入院しています, 障害者手帳, 前科, 詐欺に遭った), not bare nouns:
病院, お寺, 教会, 健康診断 alone are places and services people mention in passing
(病院の近くです, お寺の向かい, 健康診断の予約センター) and never fire.  Two context rules
remove the remaining passing uses: a phrase followed by a place or service word
(…の近く, …センター, …保険) and a 障害 preceded by a technical word (通信障害, システム障害).

Named conditions, medications, devices and practices say it without a category word
(リウマチで, インスリンを打って, 補聴器をつけて, ラマダン中は, 母が韓国出身で), so the lexicon
names them by class.  With GiNZA's parse of the utterance (``redactor.policy.parse``, the
analyzer's own parse, no second one) three more rules apply: a match inside a longer place,
company or product name stays quiet (あおばリウマチクリニック), a device that is bought,
ordered or repaired is merchandise (補聴器の電池を注文したい), and an origin is read from
GiNZA's Country/Nationality labels (韓国出身, フィリピン人の母) rather than a list of countries.

Plain regular expressions over the surface text (the parse's text when there is one): a few
microseconds per utterance, and it works on masked text too (masking never hides these words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from redactor.policy.parse import Parse, Word, reading

_LEXICON: dict[str, tuple[str, ...]] = {
    "medical": (
        r"持病", r"既往歴", r"病歴",
        # 入院費, 入院保険: the stay's cost or cover, not a stay
        r"入院(?!手続きの窓口|費|料|代|保険|給付|日額|準備品|セット)", r"通院",
        r"手術(を受け|をし|して|した|予定|後|の(あと|後|跡|予定|日)|で[、。入休])",
        # an operation named by what it removes, or how long it keeps someone (胆のうを取る手術, 手術で一週間)
        r"を(取る|とる|取り除く|切る|摘出する)手術",
        r"手術で[一二三四五六七八九十数何0-9０-９]{1,2}(週間|日|か月|ヶ月|カ月)",
        r"治療(中|を受け|して|し[てた]|のため)", r"闘病", r"療養(中|して)", r"診断(され|を受け)",
        # a diagnosis named by its content (起立性調節障害っていう診断で, …と診断が出て)
        r"(という|っていう|って|との)診断",
        # a named condition: a kanji compound ending in 症/病 said of someone (網膜色素変性症で)
        r"(?<![一-龥])(?!心配症|感染症|伝染病)[一-龥]{2,}(症|病)(で[、。]?|と(診断|言われ)|を患|持ち|なので|なんです|があ|の(治療|薬|持病))",
        r"(がん|癌|ガン)(に|で|が見つか|と診断|を患|の治療|が再発)", r"抗がん剤", r"糖尿病", r"高血圧",
        r"心臓病", r"心筋梗塞", r"脳梗塞", r"脳卒中", r"うつ病", r"鬱病", r"うつ(状態|っぽく|で|に(なっ|な)|と診断)",
        r"適応障害", r"統合失調症", r"認知症", r"パニック障害", r"双極性", r"精神科", r"心療内科",
        r"透析", r"不妊治療", r"妊娠(中|して|しま)", r"HIV", r"エイズ", r"難病", r"喘息", r"ぜんそく",
        r"病気(で|になっ|をし|が見つか|療養|の治療|が悪化|を患)",
        # 要介護認定の申請 names a procedure of the care department (a status not yet held)
        r"要介護(?!認定の(申請|手続|窓口))", r"(?<!要)介護認定(?!の(申請|手続|窓口))",
        r"薬を(飲んで|飲んど|飲み始め|服用)",
        # a medicine named by brand (アリセプトっていうのを飲み始めて, アムロジピンってのを毎朝飲んどる)
        # (from the start of a katakana run only: linear on any input)
        r"(?<![ァ-ヶー])[ァ-ヶー]{3,}(っていう|という|って)(の|薬|お薬)?を?[、]?(毎[朝晩日]|朝晩|朝|夜|ずっと)?[、]?(飲|服用)",
        r"(舌下錠|頓服|錠剤を(飲|毎)|ニトロ(グリセリン)?(の|を|が|スプレー))", r"服薬", r"骨折(して|し[てた]|で)",
        # named conditions (no category word needed)
        r"リウマチ", r"膠原病", r"甲状腺(の病気|機能|が悪)", r"バセドウ", r"橋本病", r"てんかん", r"癲癇",
        r"パーキンソン", r"(?<![A-Za-z])ALS(?![A-Za-z])",
        r"筋ジストロフィー", r"白血病", r"リンパ腫", r"腫瘍", r"肝炎", r"肝硬変",
        r"腎臓病", r"腎不全", r"心不全", r"不整脈", r"狭心症", r"脳出血", r"くも膜下", r"ヘルニア",
        r"骨粗しょう症", r"緑内障", r"白内障", r"結核", r"肺炎(に|で)",
        r"(乳|胃|肺|大腸|肝臓|膵臓|子宮|前立腺)(がん|癌|ガン)",
        r"子宮(筋腫|内膜症)", r"卵巣", r"(切迫)?(流産|早産)", r"つわり", r"悪阻", r"妊娠(高血圧|糖尿病|中毒)",
        r"帝王切開", r"不妊", r"更年期", r"自律神経", r"摂食障害", r"拒食", r"過食症", r"依存症", r"PTSD",
        r"ADHD", r"自閉", r"アスペルガー", r"躁うつ", r"不安障害", r"強迫性", r"不眠症", r"睡眠障害", r"心の病",
        r"メンタル(の不調|が不調|をやられ|クリニック)", r"(コロナ|インフルエンザ|インフル)(に)?(感染|かか|陽性)",
        # a germ's in a person (ピロリ菌が陽性), not a sample's group count (大腸菌群が陽性: a water
        # or food test, see _SAMPLE_TEST)
        r"(?<!菌群)(?<!菌群が)(?<!菌類が)陽性(と|に|で|反応|な[んの]|だ)",
        r"化学療法", r"放射線治療", r"リハビリ(中|に通|を受け)", r"寝たきり", r"余命",
        r"末期(がん|癌|の|で|と)", r"アトピー", r"(点滴|注射)を(受け|打)",
        # dementia and other named neurological conditions
        r"アルツハイマー", r"レビー小体", r"物忘れ外来", r"脳腫瘍", r"脊髄損傷", r"脳性(まひ|麻痺)",
        r"発作(が|を|で)", r"物忘れ[^。？?]{0,20}(薬|病院|外来|診断|検査)",
        r"自立支援医療", r"(赤ちゃん|赤ん坊|子供|子ども|お腹の子)が(流れ|だめにな|ダメにな)", r"死産",
        # an emergency said of someone, and a reaction to food (小麦食べると全身ぶつぶつ)
        r"救急車(で運ば|に乗せ|を呼んだ|呼んだ|を呼ぶことに|で病院)", r"救急搬送",
        r"(食べる|食べたら|飲むと|触ると|触ったら)[^。？?]{0,10}(ぶつぶつ|じんましん|蕁麻疹|発疹|湿疹|腫れ|息が苦し|呼吸が)",
        # developmental support (療育に通って, 発達のことで): a disability-related service used
        r"療育(に|を受け|へ|の(先生|施設|教室に))", r"発達(のこと|が(遅|ゆっくり)|の(遅れ|問題|検査|相談|特性))",
        # reproductive medicine and pregnancy (morning sickness, IVF: no category word)
        r"体外受精", r"顕微授精", r"人工授精", r"胚移植", r"採卵", r"妊活", r"妊婦(?!向け|用)", r"臨月",
        r"産後(で|なので|の体|間もな|[0-9０-９一二三]+(か月|ヶ月|週))",
        r"出産(予定|を控え|したばかり|直後|して間もな)",
        # other conditions people name in passing
        r"アレルギー(が(あ|出)|持ち|体質|で|なので)", r"アナフィラキシー", r"糖尿(?!病)", r"ステント", r"バイパス手術",
        r"心臓(の病気|が悪|を悪)", r"カウンセリング(に通|を受け)", r"介護(が必要|を受け)",
        # medications
        r"妊娠[0-9０-９一二三四五六七八九十]+(か月|ヶ月|カ月|ヵ月|週)",
        r"インスリン", r"抗うつ(薬|剤)", r"睡眠(薬|導入剤)", r"眠剤", r"抗不安薬", r"(精神)?安定剤", r"降圧(剤|薬)",
        r"血圧の薬", r"抗凝固", r"血液(を)?サラサラ", r"ワーファリン", r"ワルファリン", r"ステロイド",
        r"抗てんかん薬", r"抗精神病薬", r"免疫抑制", r"処方(され|薬|して|箋をもら)", r"服用", r"お薬手帳",
        r"薬(を)?(飲んで|が手放せ)",
        # devices and aids that only a condition explains
        r"ペースメーカー", r"人工(肛門|膀胱|呼吸器|関節|内耳|透析)", r"ストーマ", r"在宅酸素",
        r"酸素(ボンベ|吸入|療法|を?吸って|を?吸っと|を?吸うとる|のチューブ|の管)",
        r"(鼻|のど|喉|首|お腹|胸)(に|さ|から)管",
        r"吸引器", r"胃(ろう|瘻)", r"インスリンポンプ", r"カテーテル", r"松葉杖",
        # congenital conditions named without a category word
        r"ダウン症", r"染色体(異常|の病気)", r"口唇口蓋裂", r"二分脊椎",
        # an organ removed (胃を全部取ったので): surgery said without the word
        r"(胃|腎臓|子宮|乳房|卵巣|大腸|肺|胆のう|胆嚢|甲状腺|前立腺)を(全部|半分|全摘|一部)?(取っ|取り|摘出|切除|切っ)",
    ),
    "disability": (
        r"障[害がい碍]+者手帳", r"療育手帳", r"身体障[害がい碍]", r"知的障[害がい碍]", r"精神障[害がい碍]",
        r"発達障[害がい碍]", r"聴覚障[害がい碍]", r"視覚障[害がい碍]", r"障[害がい碍]+年金",
        r"障[害碍](が|を)(あ|持|抱)", r"障がい(が|を)(あ|持|抱)", r"車(椅子|いす|イス|椅子)", r"耳が(聞こえ|遠)",
        r"目が[^。、？?]{0,5}(見えな|見えにく|不自由)",
        r"耳が[^。、？?]{0,5}聞こえ(な|にく)", r"(足|体|身体)が不自由", r"難聴", r"弱視", r"全盲", r"失明",
        r"色覚(異常|障[害がい碍])", r"色弱", r"色盲",
        r"補聴器", r"白杖",
        # a body part lost (右手の指を二本なくして): a physical disability without the word
        r"(指|手|足|腕|脚|片目|片足|片腕|片手)を[^。、？?]{0,4}(なくし|無くし|失っ|失い|切断)",
        r"(盲導|介助|聴導)犬", r"義(足|手|眼)", r"歩行器", r"杖を(つ|突|使)", r"杖が(ない|必要)",
        r"手話", r"(耳|目|足)が悪", r"電動(車(椅子|いす|イス)|カート)", r"補装具",
        r"点字(で|の(書類|資料|案内|請求書)|版|が読め)", r"筆談",
    ),
    "health_check": (
        r"(健康診断|健診|人間ドック|検診|ストレスチェック)(の結果|結果|で引っかか|で見つか|で再検査|で要)",
        r"再検査", r"精密検査", r"要精検", r"血糖値", r"尿酸値", r"コレステロール値", r"血圧が高",
        r"数値が(悪|高|引っかか)", r"検査で引っかか",
        # a person's state of health said to be poor (父の健康状態が思わしくなくて); 健康 alone is
        # no one's condition (健康食品, 健康のため, 健康保険証, a misheard 住所の変更 → 中所の健康)
        r"健康状態(が|は|も)?[^。？?！!]{0,10}(悪|良くな|よくな|優れな|すぐれな|思わしくな|不安定|心配)",
    ),
    "creed": (
        r"信仰", r"宗教(上|的|の関係|を信|に入|団体に|をして|をやって)", r"信者", r"入信",
        r"(キリスト|イスラム|ヒンドゥー|ユダヤ)教(徒|を信|の信|なので|で|の(方|人|かた)(で|なので|なんです|だから|です))",
        r"仏教徒", r"創価学会",
        r"学会員", r"教会に通", r"檀家", r"支持政党", r"党員", r"思想信条",
        r"礼拝(?!堂)", r"断食", r"ラマダン", r"ハラール", r"ハラル", r"洗礼", r"受洗", r"ミサ(に|へ)", r"(?<!聖地)巡礼",
        r"宗派", r"宗旨", r"門徒",
        r"(浄土真|浄土|真言|曹洞|臨済|日蓮|日蓮正|天台|黄檗|時)宗"
        r"(なので|なんで|だから|です|で[、。]|の(家|門徒|檀家|信徒))",
        r"クリスチャン", r"カトリック", r"プロテスタント", r"ムスリム",
        r"イスラム(?!料理|圏|美術|建築|風|史)",
        r"モスク", r"エホバ", r"モルモン", r"天理教", r"統一教会", r"幸福の科学", r"立正佼成会", r"真如苑",
        r"氏子", r"神道(なので|です|で|の家)",
        r"お祈り(の時間|を(し|する|します)|があ)", r"戒律", r"(牧師|神父|住職|僧侶)(を|として|なので|です)",
        r"輸血(を|が)?(拒|でき(ない|ません)|しない)", r"得度", r"出家(し|して|した)",
    ),
    "race": (
        r"人種", r"民族", r"在日(韓国|朝鮮|コリアン|外国人|の|で|な|です|[、。])", r"アイヌ", r"混血", r"帰化",
        r"(外国)?国籍(が|は|を|の関係|なので|で)",
        # 琉球 as an origin (琉球の血, 琉球出身), not a name's or a craft's first word (琉球三線教室, 琉球ガラス)
        r"琉球(の血|出身|系|人|の人|民族|の(家系|出|末裔))", r"ルーツ", r"(人|国)とのハーフ",
        r"ハーフ(なので|です|で[、。])",
    ),
    "social_status": (
        r"被差別部落", r"部落", r"同和", r"門地",
    ),
    "criminal_record": (
        r"前科", r"前歴", r"逮捕(され|歴)", r"服役", r"刑務所(に|から|を出|にい)", r"有罪(判決|にな)",
        r"執行猶予", r"起訴され", r"書類送検", r"少年院", r"出所(し|後)", r"受刑", r"保護観察",
        r"懲役", r"実刑", r"刑期", r"仮釈放", r"勾留", r"拘置所", r"罰金刑", r"保釈",
    ),
    "crime_victim": (
        r"(詐欺|空き巣|泥棒|強盗|ひったくり|スリ|痴漢|暴行|傷害|ストーカー|盗難)(に遭|にあ|被害|の被害|を受け)",
        r"被害に(遭|あ)", r"被害届", r"盗まれ", r"騙され", r"だまされ", r"犯罪被害",
        r"ストーカー(され|行為)", r"(DV|家庭内暴力)(を受け|被害|から逃|で避難|を)", r"暴力を(受け|振る)",
        r"暴力から(逃げ|避難|離れ)",
        r"(振り込め|特殊|オレオレ|架空請求|投資)詐欺", r"殴られ", r"脅され", r"恐喝", r"脅迫(され|を受け)", r"襲われ",
        r"虐待(を受け|され)", r"盗撮", r"性(的)?被害", r"乱暴され", r"空き巣に入られ", r"押し入られ",
        r"(財布|カード|バッグ|かばん|鞄|スマホ)を(すら|盗ら|ひったくら)れ", r"ひったくられ",
    ),
}

# A phrase followed by one of these is a place or a service, not a fact about a person.
# (Used with ``match(text, pos)``, which anchors at ``pos``; a ``^`` would never match there.)
# The people it names may stand between (妊婦さん向け, 糖尿病の方向けのお弁当, 透析患者さん向けの送迎): a
# product's audience, no one's fact.
_PASSING_AFTER = re.compile(r"(の方|の人|の方々|(の)?患者(さん|様)?|さん|様)?"
                            r"(の)?(向け|対象|近く|向かい|隣|となり|前|横|裏|そば|側|通り|沿い|駐車場|予約|受付|窓口|給付|一時金|"
                            r"保険金|共済|(を)?ご利用の(お客様|方)|のお客様|マーク|"
                            r"センター|駅|バス停|保険|特約|プラン|保障|売り場|売場|コーナー|専門店|ショップ|メーカー|"
                            r"教室|講座|サークル|大会|特集|番組|ツアー|対応|用|可|専用|貸し?出し|レンタル|"
                            r"認証|製造|工場|研究所|見学|"
                            # an institution named by the practice (カトリック教会の裏): a place
                            r"教会|聖堂|大聖堂|神社|寺院|学園|大学|幼稚園|保育園|"
                            # a body named by its cause (盲導犬育成の会, 難病の家族会): an organisation
                            r"(育成|支援|普及|啓発)の?会|協会|連盟|基金|財団|協議会|家族会|友の会|"
                            # works about it (糖尿病の本, 認知症の特集記事): merchandise and media
                            r"の(本|書籍|雑誌|DVD|記事|ニュース|パンフレット|ガイドブック|映画|ドラマ))")
# A benefit named for its procedure (障害年金の申請をお願いしたくて, 障害者控除の手続き): the service asked
# about, no one's fact (障害年金をもらっています states one).
_BENEFIT = re.compile(r"(年金|手当|控除)$")
_PROCEDURE_AFTER = re.compile(r"の?(申請|請求|手続き?|制度|窓口|相談)")
# A class of people a rule or a product is for (妊娠中の方や, 持病のある方は…ご利用いただけません): no
# one's fact.
# A bare の方 is as often ほう (父は糖尿病の方が心配です: the caller's father's fact): it is a class only
# before what a rule or a product does for one (…の方はご利用いただけません, …の方も対象です), in
# its clause (not across 、), or before a facility for one (車いすの方の席), and never as …の方が
# (認知症の方が進んで: ほう).
_CLASS_AFTER = re.compile(r"(?:(のある|がある|がおありの|をお持ちの)(方|方々|お客様|お客さま)|の(方々|お客様|お客さま))"
                          r"(や|は|が|には|でも|も|へ|に)"
                          r"|の方(や|は|には|でも|も|へ|に)、?(?=[^。？?、]{0,24}(利用|申し?込|いただけ|加入|入れ|遠慮|対象|割引|"
                          r"優先|受け?付|お断り|ご案内|できません|できます|おすすめ|お勧め|お薦め))"
                          # people described by what they had done (帝王切開をされた方には…おすすめしております)
                          r"|(を|が)?(された|した|なさった|受けた|受けられた)(方|方々)(や|は|には|でも|も|へ|に)"
                          # a facility for a class (車いすの方の席, …の方用のトイレ): the venue's, no one's
                          r"|の方(の|用の?)(席|座席|スペース|駐車|トイレ|入口|出入口|通路|お部屋|部屋|エレベーター|ため|専用)")
# A category named as a condition of the service, with no one's value (宗派とか関係ありますか, 国籍は
#問いません): whether it matters, not what the caller's is.
_CATEGORY_NOUN = re.compile(r"(宗派|宗旨|宗教|信仰|国籍|病歴|既往歴|人種|出身地?|前科|犯罪歴)")
_CATEGORY_ASKED = re.compile(r"(とか|は|って|など|も|の)?(関係|問(い|わ|う)|不問|制限|条件)")
# A test of water, food or a sample, not of a person (水質検査で大腸菌が陽性): its 陽性 is no one's.
_SAMPLE_TEST = re.compile(r"水質|検体|食品|飲料水|井戸水|水道水|食材|給食")
# 障害 after a technical word is an outage, not a disability.
_TECHNICAL_BEFORE = re.compile(r"(通信|回線|電波|システム|サーバー?|ネットワーク|接続|電源|機器)$")

# GiNZA labels of names a match may be part of (あおばリウマチクリニック, 手話センター前駅).
_NAME_LABELS = re.compile(r"^(GOE|Facility|City|Province|County|Station|Company|Corporation|Organization|Product|"
                          r"Road|Railroad|Line|Airport|Port|Park|Location|School|Museum|Theater|Spa|Car_Stop|Bridge|"
                          r"Market|Sports_Facility|Amusement_Place|Show_Organization|Title|Book|Broadcast)")
# Aids that are also merchandise: bought, ordered or repaired, they say nothing about the caller.
_DEVICES = re.compile(r"(補聴器|ペースメーカー|インスリンポンプ|車(椅子|いす|イス)|歩行器|杖|カテーテル|吸引器|"
                      r"酸素ボンベ|義(足|手|眼)|補装具)")
_COMMERCE = frozenset({"買う", "購入", "注文", "取り寄せる", "販売", "売る", "探す", "在庫", "返品", "交換", "修理",
                       "配送", "発送", "入荷", "値段", "価格", "電池", "部品", "レンタル", "見積もり", "カタログ",
                       "商品", "製品", "取り扱い"})
# An origin said with GiNZA's Country/Nationality labels (韓国出身, 父がフィリピン人で…).
_ORIGIN_AFTER_COUNTRY = re.compile(r"(出身|系|籍|生まれ|の血|にルーツ|人とのハーフ|とのハーフ)")
_ORIGIN_AFTER_NATIONALITY = re.compile(r"(です|で[、。]|なので|なんです|だから|だ[。よ]|とのハーフ|系|"
                                       r"の(父|母|夫|妻|両親|家系|血|ハーフ))")
_MIGRATED = re.compile(r"から(来|き|移住|移り|渡っ|帰化|引っ越して来)")
_KIN = re.compile(r"(私|僕|俺|父|母|夫|妻|主人|家内|両親|祖父|祖母|親|家族|うち|息子|娘)")


# A word of the lexicon said in plain hiragana (ははがにんちしょうで, うつびょうで): its reading, from
# SudachiPy's dictionary, is matched too.  Only words written as they are (no pattern) and
# readings of five kana or more: shorter ones are often other words (しゅよう 主要, とうせき).
_LITERAL_WORD = re.compile(r"[一-龥ァ-ヶー]{2,}")
_MIN_READING = 5
# A reading is a word only where a word can start and end: not inside a longer kana word
# (なんちょうめ 何丁目 holds 難聴, なんびょうくらい 何秒, こうりゅうかい 交流会 勾留, さいけんさく 再検索
# 再検査).  GiNZA's tokens cannot say where: plain hiragana is cut as it comes (なんちょう|め,
# なん|びょう, こう|りゅう|かい, に|ん|ち|しょう for 認知症), so the boundary is read from the text.
# Before it: no kana, or a case particle (ははがにんちしょうで, ちちのとうにょうびょう).  After it: no
# kana, a particle or the copula (…で, …に, …が, …なので, …です, …って), not another kana word.
_READING_BEFORE = r"(?:(?<![ぁ-ゖー])|(?<=[がはをにでのもとへや]))"
_READING_AFTER = r"(?=[^ぁ-ゖー]|$|[でがにをはのともや]|だ|な[のん]|じゃ|って)"


# A pattern whose only variation is a class of spellings (障[害がい碍]+者手帳, 発達障[害がい碍]) is a word
# written its first way (障害者手帳): its reading is the word's.
_SPELLINGS = re.compile(r"\[([^\]\\])[^\]]*\]\+?")


def _written(phrase: str) -> str:
    """``phrase`` with each class of spellings written its first way."""
    return _SPELLINGS.sub(lambda m: m.group(1), phrase)


@cache
def _readings(phrases: tuple[str, ...]) -> str:
    """One pattern of the hiragana readings of ``phrases`` (empty when none), each on word
    boundaries; computed once per process per category."""
    found = []
    for phrase in map(_written, phrases):
        if not (_LITERAL_WORD.fullmatch(phrase) and re.search(r"[一-龥]", phrase)):
            continue
        kana = reading(phrase)
        if len(kana) >= _MIN_READING and re.fullmatch(r"[ぁ-ゖー]+", kana):
            found.append(re.escape(kana))
    return f"{_READING_BEFORE}(?:{'|'.join(found)}){_READING_AFTER}" if found else ""


@dataclass(frozen=True, slots=True)
class SensitiveMention:
    """One 要配慮個人情報 phrase: its category and where it is (indices into the text)."""

    category: str
    start: int
    end: int


class SensitiveDetector:
    """Finds special-care categories in an utterance; stateless and thread-safe."""

    def __init__(self, lexicon: dict[str, tuple[str, ...]] = _LEXICON) -> None:
        self._patterns = {category: re.compile("|".join(f"(?:{p})" for p in (*phrases, _readings(phrases)) if p))
                          for category, phrases in lexicon.items()}

    def find(self, text: str, parse: Parse = ()) -> list[SensitiveMention]:
        """Mentions in ``text``, or, given GiNZA's ``parse`` of it, in the parse's text (offsets
        then index that text: normalised, digits read as 0)."""
        words = _Words(parse) if parse else None
        if words is not None:
            text = words.text
        found = []
        for category, pattern in self._patterns.items():
            for match in pattern.finditer(text):
                if (_PASSING_AFTER.match(text, match.end()) or _CLASS_AFTER.match(text, match.end())) \
                        and match.group(0)[-1] not in "てたしで":
                    continue
                if _BENEFIT.search(match.group(0)) and _PROCEDURE_AFTER.match(text, match.end()):
                    continue
                if _TECHNICAL_BEFORE.search(text, max(0, match.start() - 8), match.start()) and "障" in match.group(0):
                    continue
                if "陽性" in match.group(0) and _SAMPLE_TEST.search(_sentence_around(text, match.start())):
                    continue
                if _CATEGORY_NOUN.fullmatch(match.group(0)) and _CATEGORY_ASKED.match(text, match.end()):
                    continue
                # A test result names no place or product (GiNZA labels HIV陽性 a product).
                if words is not None and ((words.inside_name(match.start(), match.end())
                                           and "陽性" not in match.group(0))
                                          or (_DEVICES.search(match.group(0))
                                              and words.traded(match.start(), match.end()))):
                    continue
                found.append(SensitiveMention(category, match.start(), match.end()))
        if words is not None:
            found += [SensitiveMention("race", a, b) for a, b in words.origins()]
        return sorted(found, key=lambda m: m.start)

    def categories(self, text: str, parse: Parse = (), *, animals: bool = False) -> list[str]:
        """The categories found, each once, in order of first mention.  ``animals``: the call is
        about a pet, so an illness counts only in a sentence that names a person (私, 母…)."""
        return list(dict.fromkeys(m.category for m, _ in self.mentions(text, parse, animals=animals)))

    def mentions(self, text: str, parse: Parse = (), *, animals: bool = False) -> list[tuple[SensitiveMention, str]]:
        """Each mention with the words it matched (see ``categories`` for ``animals``)."""
        surface = _Words(parse).text if parse else text
        found = self.find(text, parse)
        if animals:
            found = [m for m in found if m.category not in _ANIMAL_CAN_HAVE or _PERSON_IN_SENTENCE.search(
                _sentence_around(surface, m.start))]
        return [(m, surface[m.start:m.end]) for m in found]

    @staticmethod
    def about_animals(text: str) -> bool:
        """``text`` names a pet or pet insurance (the call's subject may be an animal's health)."""
        return bool(_ANIMALS.search(text))


# Pets, their care and wild animals: an illness in such a call is the animal's unless a person is named.
_ANIMALS = re.compile(r"(ペット|わんにゃん|にゃんわん|ワンちゃん|わんちゃん|猫ちゃん|ネコちゃん|ねこちゃん|"
                      r"動物病院|獣医|"
                      # wild animals a pest-control or garden call is about (庭にタヌキが…皮膚病か)
                      r"タヌキ|たぬき|狸(?!小路)|ハクビシン|アライグマ|イタチ|害獣|"
                      r"(?<![盲導介助聴])犬|(?<!招き)猫|子犬|子猫|愛犬|愛猫|"
                      # farm and zoo animals by name (アルパカ牧場: 白い子が皮膚病で…); not a zoo or a farm alone,
                      # where a visitor's child's asthma is theirs (市立動物園: 上の子喘息で…)
                      r"アルパカ|ヤギ|やぎ|ひつじ|ウサギ|うさぎ|ポニー|インコ|ハムスター|フェレット|金魚|熱帯魚|"
                      r"イルカ|ペンギン|アシカ|アザラシ|"
                      # a toy treated like a patient (ぬいぐるみ病院: 入院, 手術 of a teddy bear)
                      r"ぬいぐるみ|縫いぐるみ|人形|おもちゃ)")
_ANIMAL_CAN_HAVE = frozenset({"medical", "health_check"})
_PERSON_IN_SENTENCE = re.compile(r"(私|僕|俺|あたし|自分|父|母|夫|妻|主人|家内|両親|祖父|祖母|息子|娘|家族)")


def _sentence_around(text: str, pos: int) -> str:
    """The sentence of ``text`` holding ``pos`` (split at 。？！?!)."""
    start = max(text.rfind(c, 0, pos) for c in "。？！?!") + 1
    ends = [e for e in (text.find(c, pos) for c in "。？！?!") if e != -1]
    return text[start:min(ends) if ends else len(text)]


class _Words:
    """A parse with the character span of each word in its text."""

    def __init__(self, parse: Parse) -> None:
        self.parse = parse
        self.spans: list[tuple[int, int]] = []
        pieces, pos = [], 0
        for word in parse:
            self.spans.append((pos, pos + len(word.text)))
            piece = word.text + (" " if word.space else "")
            pieces.append(piece)
            pos += len(piece)
        self.text = "".join(pieces)

    def covering(self, start: int, end: int) -> list[Word]:
        return [w for w, (a, b) in zip(self.parse, self.spans, strict=True) if a < end and start < b]

    def inside_name(self, start: int, end: int) -> bool:
        """The span is part of a longer place, company or product name GiNZA labelled."""
        covered = self.covering(start, end)
        if not covered:
            return False
        before = self.parse[covered[0].i - 1] if covered[0].i > 0 else None
        after = self.parse[covered[-1].i + 1] if covered[-1].i + 1 < len(self.parse) else None
        return any(w.ent and _NAME_LABELS.match(w.ent)
                   and any(n is not None and n.ent == w.ent for n in (before, after)) for w in covered)

    def traded(self, start: int, end: int) -> bool:
        """The span's word is the object of buying, ordering or repairing (up to three heads up,
        through nouns: in 車いすを使ってるので…部屋を探してます the device's own verb is 使う)."""
        for word in self.covering(start, end):
            seen = word
            for _ in range(3):
                if seen.lemma in _COMMERCE or any(c.lemma in _COMMERCE for c in self.parse
                                                  if c.head == seen.i and c.i != seen.i and c.dep == "compound"):
                    return True
                if seen.head == seen.i or (seen.pos == "VERB" and seen.i != word.i):
                    break
                seen = self.parse[seen.head]
        return False

    def origins(self) -> list[tuple[int, int]]:
        """Spans of a Country + 出身/系/籍 or a Nationality said of the caller or kin."""
        found = []
        for word, (a, b) in zip(self.parse, self.spans, strict=True):
            origin = _ORIGIN_AFTER_COUNTRY.match(self.text, b)
            if word.ent == "Country" and _MIGRATED.match(self.text, b) and _KIN.search(self._sentence(word)):
                found.append((a, b))  # 祖父母が中国から来たので
                continue
            if word.ent == "Country" and origin and not self._of_someone_else(origin.end()):
                found.append((a, b))
            elif word.ent == "Nationality" and (word.i + 1 == len(self.parse)
                                                or self.parse[word.i + 1].ent != "Nationality"):
                sentence = self._sentence(word)
                if _ORIGIN_AFTER_NATIONALITY.match(self.text, b) or (
                        _ORIGIN_AFTER_COUNTRY.match(self.text, b) or _KIN.search(sentence)):
                    found.append((a, b))
        return found

    def _sentence(self, word: Word) -> str:
        return "".join(w.text for w in self.parse if w.sent == word.sent)

    def _of_someone_else(self, pos: int) -> bool:
        """韓国出身の俳優: the origin qualifies a noun other than the caller's kin."""
        return self.text.startswith("の", pos) and not _KIN.match(self.text, pos + 1)


# What a turn must name for the trained model to call it special-care information: a health,
# belief, origin, record or disability topic (a condition, symptom, treatment, body part or
# medicine; a practice; a country; the police or a crime).  The model reads function n-grams too
# (…なので, …で、) and alone raises an everyday reason about family (子どもの運動会があるので…,
# 母の誕生日なので…); such a reason names none of these.  Necessary, not sufficient: broad on purpose
# (病院, 薬, 腰 alone pass), and read from the words' normalised forms too (じんぞう → 腎臓, ひざ → 膝).
_TOPIC = re.compile(
    # health: conditions, symptoms, treatment, care, medicines, body parts
    r"病|症|薬|痛|医|院|診|療|手術|検査|健診|検診|ドック|体調|具合|熱(が|で|を|っぽ)|発熱|咳|血|臓|骨|関節|神経|"
    r"腰|膝|胸|肩(?!書)|首|腹|おなか|喉|のど|管(?!理|轄)|傷|怪我|けが|ケガ|介護|施設に入|妊|出産|産後|授乳|"
    r"アレルギ|しびれ|痺れ|むち打ち|鞭打ち|リハビリ|服用|注射|点滴|透析|酸素|錠剤|(導入|安定|降圧)剤|(?<![ァ-ヶー])[ァ-ヶー]{3,}を?[^。、]{0,6}飲[んみむめ]|"
    r"メンタル|カウンセ|精神|鬱|うつ(病|状態|っぽ)|眠れな|不眠|倒れ|救急|炎|呼吸|飲み込|嚥下|きざみ食|とろみ|"
    # disability
    r"障|聞こえ|見えな|見えにく|耳が|目が|手話|点字|補聴器|車椅子|車いす|車イス|杖|不自由|介助|盲|聾|認知|物忘れ|"
    r"発達|療育|支援学級|特別支援|寝たきり|歩けな|"
    # belief and practice
    r"宗教|信仰|信者|仏|お経|読経|題目|念仏|寺|神(様|社|棚|道|父)|教会|教徒|ヒンドゥ|ムスリム|イスラム|キリスト|"
    r"クリスチャン|ハラ[ーｰ]?ル|安息日|断食|戒律|祈|礼拝|ミサ|聖書|コーラン|ラマダン|ベジタリアン|ビーガン|"
    # origin
    r"出身|国籍|外国|人種|民族|ハーフ|在日|帰化|移民|難民|ルーツ|母国|祖国|"
    # criminal record, crime victims
    r"警察|逮捕|刑|前科|前歴|被害|暴力|暴行|詐欺|盗|泥棒|空き巣|事件|裁判|訴|虐待|DV|ストーカー|殴|脅|襲|服役|"
    r"保護観察|少年院|懲役|執行猶予|出所|拘置|勾留|保釈|避難|シェルター|逃げ|騙|だまさ|万(円)?(を)?取られ|お金を取られ|"
    # social status (a status the call's authors labelled with the categories)
    r"生活保護|部落")
# GiNZA's labels of the same topics (body parts, diseases, medicines, departments, religions, origins).
_TOPIC_LABELS = frozenset({"Animal_Part", "Animal_Disease", "Drug", "Compound", "Academic", "Religion", "God",
                           "Worship_Place", "Religious_Festival", "Offense", "Country", "Nationality",
                           "Ethnic_Group_Other"})


def names_a_topic(parse: Parse) -> bool:
    """The turn names a special-care topic: a phrase of the lexicon (even in passing), a word of
    ``_TOPIC`` in its words or their normalised forms, or one of GiNZA's topic labels."""
    if any(w.ent in _TOPIC_LABELS for w in parse):
        return True
    text = "".join(w.text for w in parse) + "\n" + "\n".join(w.norm for w in parse if w.norm and w.norm != w.text)
    return bool(_TOPIC.search(text)) or any(p.search(text) for p in _default()._patterns.values())


@cache
def _default() -> SensitiveDetector:
    return SensitiveDetector()
