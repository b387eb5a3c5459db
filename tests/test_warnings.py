"""The warning engine through ``redactor text``'s loop with the real Redactor."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from redactor.policy.sensitive import SensitiveDetector
from redactor.text_command import run

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def converse(engine, turns: list[tuple[str, str]], policy: str = "general_support") -> list[list[dict]]:
    """Warnings per turn for one call of (speaker, text) turns ("A"/"C")."""
    speakers = {"A": "agent", "C": "customer"}
    lines = [json.dumps({"id": str(i), "call_id": "t", "policy": policy, "speaker": speakers[s], "text": t},
                        ensure_ascii=False) for i, (s, t) in enumerate(turns)]
    out, err = io.StringIO(), io.StringIO()
    assert run(io.BytesIO("\n".join(lines).encode()), out, err, engine, "general_support") == 0, err.getvalue()
    return [json.loads(line)["warnings"] for line in out.getvalue().splitlines()]


def kinds(per_turn: list[list[dict]]) -> list[list[str]]:
    return [[w["kind"] for w in turn] for turn in per_turn]


POSITIVES = {
    "unneeded_pii": [("C", "マイナンバーは1234 5678 9018です。")],
    "agent_requests_unneeded": [("A", "念のため、運転免許証の番号もお願いできますか。")],
    "sensitive_info": [("C", "うつ病で休職中なので、支払いを待ってもらえませんか。")],
    "card_security_code": [("C", "裏のセキュリティコードは123です。")],
    "identity_not_verified": [("C", "荷物が届きません。"),
                              ("A", "ご登録のご住所は東京都世田谷区桜新町1丁目2番3号ですね。")],
    "identity_verified": [("A", "ご本人確認のため、お名前とご登録の電話番号を教えていただけますか?"),
                          ("C", "鈴木花子です。電話番号は090-2345-6789です。")],
    "privacy_question": [("C", "録音したデータって、どう管理されるんですか?")],
    "volunteered_info_offer": [("C", "必要なら他の情報も言いますよ。")],
}

NEGATIVES = {
    "unneeded_pii": [("A", "お電話番号をお願いします。"), ("C", "090-1234-5678です。")],
    "agent_requests_unneeded": [("A", "恐れ入ります、セキュリティコードはお電話ではお伺いしておりません。")],
    "sensitive_info": [("C", "駅前の大きな病院の近くです。"), ("C", "お寺の向かいのマンションです。"),
                       ("C", "健康診断の予約センターの番号を間違えました。"), ("C", "通信障害が起きてますか。")],
    "card_security_code": [("A", "セキュリティコードはお手元にお控えください。")],
    "identity_not_verified": [("A", "サポートセンターの木村と申します。"),
                              ("A", "修理受付は0120-123-456でございます。")],
    "identity_verified": [("A", "お名前をお願いします。"), ("C", "山田太郎です。電話番号は090-1234-5678です。")],
    "privacy_question": [("C", "登録している電話番号を変更したいです。")],
    "volunteered_info_offer": [("A", "メールアドレスをお願いできますか。"),
                               ("C", "はい、言いますね。hanako@example.jp です。")],
}


@pytest.mark.parametrize("kind", sorted(POSITIVES))
def test_each_kind_fires_on_its_positive(engine, kind: str) -> None:
    fired = [k for turn in kinds(converse(engine, POSITIVES[kind])) for k in turn]
    assert kind in fired


@pytest.mark.parametrize("kind", sorted(NEGATIVES))
def test_each_kind_stays_quiet_on_its_negative(engine, kind: str) -> None:
    fired = [k for turn in kinds(converse(engine, NEGATIVES[kind])) for k in turn]
    assert kind not in fired


def test_my_number_outside_tax_social_is_critical_and_allowed_in_it(engine) -> None:
    turn = [("C", "マイナンバーは1234 5678 9018です。")]
    (warning,) = converse(engine, turn)[0]
    assert (warning["kind"], warning["severity"]) == ("unneeded_pii", "critical")
    assert "マイナンバー" in warning["message"] and "1234" not in json.dumps(warning, ensure_ascii=False)
    assert converse(engine, turn, policy="tax_social") == [[]]


def test_same_kind_and_type_warns_once_per_call(engine) -> None:
    per_turn = converse(engine, [("C", "マイナンバーは1234 5678 9018です。"),
                                   ("C", "もう一度、マイナンバーは1234 5678 9018です。"),
                                   ("C", "カード番号は4111 1111 1111 1111です。")])
    assert kinds(per_turn) == [["unneeded_pii"], [], ["unneeded_pii"]]


def test_identity_check_state_machine(engine) -> None:
    per_turn = kinds(converse(engine, [
        ("A", "ご契約者様のお名前をフルネームでお願いいたします。"),
        ("C", "佐々木健一です。"),
        ("A", "佐々木様ですね。ご登録のお電話番号をお願いできますか。"),  # echo: not a disclosure
        ("C", "ゼロキューゼロ、いちにーさんよん、ごーろくななはちです。"),
        ("A", "ご登録のご住所は東京都世田谷区桜新町1丁目2番3号ですね。"),  # after the check: fine
    ]))
    assert per_turn == [[], [], [], ["identity_verified"], []]


def test_agent_confirmation_completes_the_check(engine) -> None:
    per_turn = kinds(converse(engine, [
        ("A", "ご本人様確認のため、お名前と生年月日をお願いいたします。"),
        ("C", "井上さくら、平成2年7月7日です。"),
        ("A", "ありがとうございます。ご本人様確認が取れました。"),
    ]))
    assert per_turn == [[], [], ["identity_verified"]]


def test_confirmation_without_any_check_verifies_nothing(engine) -> None:
    per_turn = kinds(converse(engine, [("A", "ご入金の確認が取れました。"),
                                         ("A", "ご登録のお電話番号は03-5412-7788ですね。")]))
    assert per_turn == [[], ["identity_not_verified"]]


def test_warning_shape(engine) -> None:
    (warning,) = converse(engine, [("C", "裏のセキュリティコードは123です。")])[0]
    assert set(warning) == {"kind", "severity", "message", "suggestion", "channel", "segment_id", "time"}
    assert (warning["severity"], warning["channel"], warning["segment_id"]) == ("critical", "customer", "0")
    assert "お伺いしておりません" in warning["suggestion"]


def test_sensitive_categories() -> None:
    detector = SensitiveDetector()
    assert detector.categories("昔、逮捕されたことがあります") == ["criminal_record"]
    assert detector.categories("詐欺に遭ってしまって") == ["crime_victim"]
    assert detector.categories("健康診断の結果で血糖値が高いと言われた") == ["health_check"]
    assert detector.categories("日曜は教会に通っています") == ["creed"]
    assert detector.categories("がん保険の資料をください。教会の隣です。") == []


def test_unknown_policy_is_an_error_for_that_line_only(engine) -> None:
    data = (b'{"id": "a", "text": "x", "policy": "sales"}\n'
            b'{"id": "b", "text": "\xe3\x83\x9e\xe3\x82\xa4\xe3\x83\x8a\xe3\x83\xb3\xe3\x83\x90\xe3\x83\xbc'
            b'\xe3\x81\xaf123456789018", "policy": "tax_social"}\n')
    out, err = io.StringIO(), io.StringIO()
    assert run(io.BytesIO(data), out, err, engine, "general_support") == 1
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert records[0]["id"] == "1" and "unknown policy" in records[0]["error"]
    assert "sales" not in records[0]["error"] and "sales" not in err.getvalue()  # never echoed
    assert records[1]["id"] == "b" and records[1]["warnings"] == []
    assert "line 1: unknown policy (known: " in err.getvalue()


def test_conversations_per_call_are_bounded(engine) -> None:
    """``redactor text`` keeps one Conversation per call_id, least recently used dropped first."""
    from redactor.percall import PerCall

    calls = PerCall(engine.conversation, limit=3)
    first = calls.get("c0")
    for i in range(1, 10):
        calls.get(f"c{i}")
    assert len(calls) == 3
    assert calls.get("c0") is not first


def test_sample_conversation_through_the_cli() -> None:
    cli = [str(Path(sys.executable).with_name("redactor")), "text", str(ROOT / "samples/sample_conversation.jsonl")]
    done = subprocess.run(cli, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    records = {r["id"]: r for r in map(json.loads, done.stdout.decode().splitlines())}
    by_line = {i: [(w["kind"], w["severity"]) for w in r["warnings"]] for i, r in records.items()}
    assert ("card_security_code", "critical") in by_line["s13"]
    assert ("unneeded_pii", "critical") in by_line["s15"]
    assert ("volunteered_info_offer", "info") in by_line["s15"]
    assert by_line["s06"] == [("identity_verified", "info")]
    everything = done.stdout.decode()
    warnings_text = json.dumps([r["warnings"] for r in records.values()], ensure_ascii=False)
    for value in ("4111", "123456789018", "1234 5678 9018", "山田", "taro.yamada"):
        assert value not in warnings_text
    assert "4111" not in everything


def test_dev_dialogues_meet_the_targets(engine) -> None:
    from benchmarks.warnings import DEFAULT_DATA, fired_per_turn, load, score

    dialogues = load(DEFAULT_DATA)
    assert len(dialogues) >= 60 and all(3 <= len(d["turns"]) <= 8 for d in dialogues)
    result = score(dialogues, fired_per_turn(dialogues, engine))
    for kind, figures in result["kinds"].items():
        assert figures["recall"] >= 0.9, (kind, result["errors"])
        assert figures["false_alarm_rate"] <= 0.05, (kind, result["errors"])


def test_a_name_before_the_customer_speaks_is_the_agents_own(engine) -> None:
    from redactor.policy import WarningEngine

    state = WarningEngine().new_call("c1", "general_support")
    # 担当の佐藤 garbled by speech recognition into 3等の佐藤: still the agent's own name.
    text = "お電話ありがとうございます、3等の佐藤です"
    result = engine.redactor.redact(text)
    assert any(e.type == "PERSON" for e in result.entities)
    warnings = state.observe(text=text, masked=result.text, entities=result.entities, speaker="agent")
    assert not [w for w in warnings if w.kind == "identity_not_verified"]
    state.observe(text="もしもし", masked="もしもし", entities=[], speaker="customer")
    text = "田中一郎様のご住所は東京都新宿区西新宿2丁目8番1号ですね"
    result = engine.redactor.redact(text)
    warnings = state.observe(text=text, masked=result.text, entities=result.entities, speaker="agent")
    assert [w.kind for w in warnings if w.kind == "identity_not_verified"]


# --- #14: speech acts read from the parse, and sensitive information without a category word.
# Each case is one call; "A:"/"C:" turns before the last set the context.  Written for these
# families, not taken from the held-out set.
FAMILIES: dict[str, tuple[str, list[str | tuple[str, ...]], list[str | tuple[str, ...]]]] = {
    "privacy question without 個人情報/データ": ("privacy_question", [
        "この通話って録音されてるんですか？",
        "さっき言った番号、そちらに残るんでしょうか。",
        "私の電話番号、他社に回したりしないですよね？",
        "話した内容は後で消してもらえますか。",
        "僕の連絡先、業者とかに渡ったりしませんか。",
        "それって御社のほうで消してもらえるんですか？",
        "この会話、誰が聞くんですか？",
        "メールアドレスが外部に漏れたりしないか心配なんです。",
        "この電話の内容ってどこまで残るの",
        "個人情報の取り扱いってどうなってますか？",
        "録音データの保存期間ってどのくらいですか？",
        "退会したら登録情報って全部消えるんですか？",
        "番号、メモとかしてないですよね？",
        "あとで勧誘の電話とか来ないですよね、この番号に。",
    ], [
        "データ容量を使い切ったんですが、追加できますか？",
        "受付番号を控えておいた方がいいですか？",
        "履歴を消す方法を教えてください。",
        "他の店舗に在庫を回してもらえますか。",
        "キャンペーン情報をメールで共有してもらえますか。",
        "電話番号の登録ってどうやるんですか？",
        "そちらで在庫を管理してるんですか？",
        "領収書は残しておいてもらえますか？",
        "水が漏れてるんですけど大丈夫ですか？",
        "保証期間はいつまでですか？",
        "医療費の扱いはどうなりますか？",
        "解約したらポイントは消えますか？",
        "メモを取るので、もう一度言ってもらえますか？",
        "データ通信量のプランを変えたいんですが、今使ってるデータはどのくらいですか？",
    ]),
    "offer as a question": ("volunteered_info_offer", [
        "保険証の番号も言った方がいいですか？",
        "カード番号もお伝えしましょうか。",
        "免許証とかいります？",
        "口座番号も教えたほうがいいですか？",
        "マイナンバーカードでもいいですか？",
        "保険証のコピーとか送ったほうが早いですかね？",
        "年金手帳の番号って要ります？",
    ], [
        ("A:お名前をお願いします。", "C:フルネームで言った方がいいですか？"),
        ("A:生年月日をお願いします。", "C:西暦で言った方がいいですか？"),
        "何を言えばいいですか？",
        "申込書って必要ですか？",
        "身分証を見せればいいですか？",
        ("A:お電話番号をお願いできますか。", "C:携帯の番号でいいですか？"),
        "支払いはコンビニでもいいですか？",
        "印鑑っていります？",
        "書類は郵送したほうが早いですかね？",
    ]),
    "offer as a conditional": ("volunteered_info_offer", [
        "必要なら保険証の番号も言えますけど。",
        "よろしければ勤務先の電話番号もお伝えできますよ。",
        "何か他に必要な情報があれば言いますけど。",
        "マイナンバーなら手元にあるので言えますよ。",
    ], [
        "電話番号は言えますけど、住所はちょっと覚えてなくて。",
        "マイナンバーは言えないです。",
        "必要なら書類を郵送で送り直してもらえますか。",
    ]),
    "named condition": ("sensitive_info", [
        "リウマチで手が動かなくて、書類が書けないんです。",
        "切迫早産と言われて安静にしています。",
        "自律神経の調子が悪くて、夜に電話できないんです。",
    ], [
        "聖路加病院前のバス停で降ります。",
        "入院保険の請求をしたいんですが。",
        "透析センターの隣のビルです。",
        "月末期限の請求書が届きました。",
    ]),
    "medication": ("sensitive_info", [
        "インスリンを毎日打っているので、冷蔵の配送は助かります。",
        "抗うつ剤を飲んでいるので、運転はしていません。",
    ], [
        "薬局で受け取れますか。",
        "ドラッグストアで薬を買いました。",
    ]),
    "device": ("sensitive_info", [
        "補聴器をつけているので、大きめの声でお願いします。",
        "ペースメーカーを入れているので、IH機器が心配で。",
        "目が見えにくくて、書類の字が読めないんです。",
        "人工肛門なので、トイレの近い席がいいんです。",
    ], [
        "血圧計を買いたいんですが、在庫はありますか。",
        "補聴器の電池を注文したいんですが。",
        "車椅子対応の部屋はありますか。",
    ]),
    "religious practice": ("sensitive_info", [
        "ラマダン中は日中の配達を避けてほしいんです。",
        "ハラールの食材しか使えなくて。",
        "毎週日曜は礼拝に行ってます。",
    ], [
        "天神駅の近くに住んでいます。",
        "奈良の大仏の近くです。",
        "駅前の教会の向かいのマンションです。",
    ]),
    "origin": ("sensitive_info", [
        "母が韓国出身なので、書類は母に読んでもらいます。",
        "父はフィリピン人です。",
        "うちは在日なので、名前の表記が二つあるんです。",
        "祖父母が中国から来たので、家では中国語なんです。",
    ], [
        "韓国出身の俳優のグッズが届きません。",
        "韓国料理のお店の隣です。",
        "中国から届く荷物が遅れています。",
        "データ容量を増やしたいんです。",
    ]),
    "agent request by its structure": ("agent_requests_unneeded", [
        "A:保険証はお手元にございますか。",
        "A:マイナンバーカードの番号、わかりますか？",
        "A:免許証の番号は何番ですか？",
        "A:在留カードの番号を確認させてください。",
    ], [
        "A:免許証の番号は必要ございません。",
        "A:パスポートはお手元に置いたままで結構です。",
        "A:マイナンバーについてのご質問でしょうか。",
        "A:保険証の切り替えは、お勤め先で手続きしてください。",
    ]),
    # --- #14 round 2: families from studying the second blind set's misses, each with new wording.
    "privacy: the company tells or lets others see": ("privacy_question", [
        "主人から電話があったら、私の借入のこと話したりしませんよね？",
        "この住所って、配達の人以外にも伝わるんですか？",
        "会社に電話番号がバレたりしませんか？",
        "保険会社の人って、私の病歴まで見られるんですか？",
        "オペレーターさんは私の口座番号を全部見られるの？",
        ("A:ご住所をお願いします。", "C:横浜市中区本町1-2-3です。これ、よその会社に教えたりしないよね？"),
        "娘に私の病気のことが伝わらないようにしてもらえますか。",
        "ここで話した内容が外に出ることはないですよね？",
        "お伝えした口座のこと、他の部署の方も見られるんでしょうか。",
        "この電話って、あとで誰かが聞き直したりするんですか？",
        "マイナンバーって、会社のどこまでの人が知ることになるんですか？",
        "私のデータ、海外のサーバーに送られたりしないですよね？",
        "個人情報の扱いが心配で、電話で言いたくないんですけど。",
        "病院の先生以外に、検査結果を見る人っているんですか？",
        "私の口座の情報、息子に聞かれても答えないでくださいね。",
        "前に送った書類、そちらでちゃんと処分してもらえてますか？",
        "えっとね、こういう電話の中身ってさ、どこかに残るもんなの？",
        "あのー、私の名前とか住所とかって、そちらの会社だけで使うんですよね？",
        "そのマイナンバー、職場の人にも見えちゃうの？",
        "免許証のコピー、いつまで持っておくつもりなんですか。",
        "うちの住所、配送業者以外には渡さないでね。",
        "録音を止めてもらうことってできますか？",
    ], [
        "息子に代わりに話してもらってもいいですか？",
        "担当の人の名前を教えてもらえますか？",
        "業者の人に鍵を渡せばいいですか？",
        "修理の人は家の中まで見るんですか？",
        "家族にもこのサービスのこと教えていいですか？",
        "担当の方に伝えておいてもらえますか？",
        "そちらの会社の住所を教えてもらえますか？",
        "番号を控えたメモをなくしちゃったんですけど、もう一回教えてもらえますか？",
        "古いタンス、そちらで処分してもらえますか？",
        "配送業者さんに渡す荷物の大きさはどのくらいまでですか？",
        "スマホの中の写真を整理する方法ってありますか？",
    ]),
    "privacy: what becomes of data, said or left unsaid": ("privacy_question", [
        "登録した写真って、審査が終わったらどうなりますか？",
        "提出した免許証のコピーは、その後どうされるんですか？",
        "マイナンバーは1234 5678 9018です。辞めたら、番号ってどうなるんですか？ ずっと残るんですか？",
        "個人情報を広告に使うのはやめてほしいんですけど。",
    ], [
        "住所が変わったら、会員番号ってどうなるんですか？",
        "ポイントって解約したらどうなるんですか？",
        "写真のデータが消えちゃって、復元できますか？",
        "解約したら残りのギガってどうなるんですか？",
        ("C:あ、母のマイナンバーカードも預かってるんですけど、番号とかいります？",),
    ]),
    "offer forms, round 2": ("volunteered_info_offer", [
        "保険証の番号も一緒に言っちゃおうか？",
        "免許証の番号、書いとこうか？",
        "年金番号も伝えといた方が話早いですかね？",
        "年金手帳なら手元にあります。番号いります？",
        "もしあれなら、保険証の番号も読みますけど。",
        "なんだったら免許証の番号も言いますよ。",
        ("A:カード番号をお願いします。", "C:保険証でもいいなら、番号をすぐ読めますけど。"),
        "免許証の番号とかも言っておいたほうがいいですよね？",
    ], [
        ("A:お電話番号をお願いします。", "C:090-1234-5678です。番号、もう一回言いましょうか？"),
        # Asking how to answer (…も言った方がいいですか) about what the call needs (general_support
        # needs a birth date and a postal code) is no offer; volunteering it is (なんなら…お伝えしましょうか).
        ("A:ご住所をお願いします。", "C:郵便番号も言った方がいいですか？"),
        ("A:お電話番号をお願いします。", "C:生年月日も言った方がいいですか？"),
        "注文番号も言った方がいいですか？",
        "型番とか言った方が早いですか？",
        "印鑑も持って行った方がいいですか？",
        "折り返しお電話しましょうか？",
    ]),
    "conditions, treatments and victims without a category word": ("sensitive_info", [
        "父がレビー小体型認知症で、書類が読めないんです。",
        "今、人工授精を試していて、通院が多いんです。",
        "妻がつわりがひどくて、代わりに電話してます。",
        "母は車いすなので、玄関まで運んでもらえますか。",
        "先週、駅で財布をすられてしまって、カードを止めたいんです。",
        "息子に食物アレルギーがあって、成分表が知りたいんです。",
    ], [
        "車いす用のスロープはありますか。",
        "入院給付金の請求書類を送ってください。",
        "妊婦向けのプランはありますか。",
        "点字ブロックの上に自転車が置かれています。",
        "アレルギー対応のメニューはありますか。",
        "A:ご入院の日数をお伺いできますか。",
        "A:車いすをご利用のお客様には、係員がご案内いたします。",
        "ペースメーカーの電池交換を扱っている病院を探しています。",
        "車いすマークの駐車場はどこですか。",
    ]),
    "registered facts read out before the check": ("identity_not_verified", [
        ("C:請求のことで。", "A:田中様ですね。お引き落とし口座は、ひまわり信金の口座で登録されております。"),
        ("C:請求のことで。", "A:今月のご請求額は12,300円で、27日にお引き落としの予定です。"),
        ("C:荷物のことで。", "A:お届け先は名古屋市中区栄のご住所でお間違いないですか。"),
        ("C:カードのことで。", "A:カードの下4桁は1234ですね。"),
        ("C:料金のことで。", "A:確認いたしますと、3月分の4,980円がまだお支払いいただけていない状況です。"),
        ("C:引き落とし口座を確認したい。", "A:ご登録の口座は、ひまわり銀行の普通口座でございます。"),
    ], [
        ("C:年会費は？", "A:年会費は1,100円でございます。"),
        ("C:手数料は？", "A:振込手数料は220円かかります。"),
        ("C:振込先は？", "A:お振込みは、当社指定のみなと銀行の口座にお願いします。"),
        ("C:解約金は？", "A:解約金として1,100円をご請求させていただきます。"),
        ("C:お店はどこですか。", "A:新宿区西新宿のビルの2階でございます。"),
        ("C:場所は？", "A:当センターの所在地は大阪市北区です。"),
        ("C:住所は札幌市中央区北1条です。", "A:札幌市中央区北1条のご住所ですね。"),
        ("C:配送状況を知りたいです。", "A:受取人様のお名前をお願いします。"),
        ("C:住所変更したい。", "A:新しいご住所は、横浜市西区のどちらになりますか。"),
        ("C:返金は？", "A:返金額は3,000円で、お手続き後にお振り込みいたします。"),
        ("C:書類は？", "A:再発行した保険証は、ご登録のご住所に郵送いたします。"),
    ]),
    "asking for a value, or for a procedure": ("agent_requests_unneeded", [
        "A:本人確認のため、保険証の記号と番号で確認させていただきます。",
        "A:念のため、年金手帳の番号もお聞きしてよろしいですか。",
    ], [
        "A:マイナンバーはこちらではお伺いいたしかねます。",
        "A:マイナンバーカードの申請は市役所でお願いいたします。",
        "A:カードの裏にある3桁の番号もお願いします。",  # a security code: card_security_code only
    ]),
    # Round 3 (#14): families the third blind set showed, in new wording of my own.
    "documents and copies: their fate, return, deletion and who sees them": ("privacy_question", [
        "C:この前出した保険証のコピーって、審査のあとどうなるんでしょうか。",
        "C:診断書の写しって、手続きが済んだら返してもらえますか？",
        "C:登録したプロフィールって、やめたらちゃんと消してもらえるんですよね？",
        "C:借りた本の記録って、返却したあとも残っちゃうんですか？",
        "C:申請書のコピー、役所の中でどこまでの人が見れるんですか？",
    ], [
        "C:書類のコピーって、カラーじゃないとだめですか？",
        "C:写真は何枚ぐらい送ればいいですか？",
        "C:プロフィールの書き方がよくわからなくて、見てもらえますか？",
        "C:商品の写真って、サイトで見れますか？",
        "C:借りた本って、返したあとどうなるんですか？",  # a library book, not data
        "C:その書類、郵送で返してもいいですか？",  # the caller's own act
        "C:うちの犬の写真、かわいいって言われたんですよ。",
    ]),
    "seen or known by others, the caller's or a family member's matters": ("privacy_question", [
        "C:提出した写真、ほかの会員さんにも見られちゃうんですか？",
        "C:ここに通ってること、職場の同僚に知られたりしませんよね？",
        "C:父の病気のこととか、近所の人に話したりはしないですよね？",
    ], [
        "C:迷惑電話を止める機能ってありますか？",  # a product feature
        "C:子供が学校に行かなくなって、先生にも相談したんです。",
        "C:同僚に勧められて、こちらに電話しました。",
    ]),
    "registered facts read out right after naming the caller": ("identity_not_verified", [
        ("C:ハイツ青葉の105号室の者ですけど、鍵をなくしちゃって。",
         "A:105号室の石井様ですね。今月分の管理費のお振替ができておりませんので、あわせてご案内いたします。"),
        ("C:森です。森健太。", "A:森様ですね。お受け取りの口座は、さくら信用組合の北口支店で承っております。"),
        ("C:野村です。", "A:野村様ですね。延滞金3,200円が発生しております。"),
        ("C:大西です。大西亮。", "A:大西様ですね。2019年式のプリウス、走行距離4万キロでご登録いただいております。"),
        ("C:吉川です。", "A:吉川様ですね。お持ちの在留カードは、2027年3月15日で有効期限を迎えますね。"),
        ("C:小島です。", "A:小島様ですね。現在はスタンダードプランで、今月は12ギガご利用になっています。"),
    ], [
        ("C:今、月3ギガのプランなんですけど、変えたくて。",
         "A:現在月3ギガのプランですね。ご本人確認のため、お名前をお願いします。"),
        ("C:山本です。", "A:山本様ですね。それではご本人確認のため、ご登録のお電話番号をお願いします。"),
        ("C:免許証の期限が切れそうなんですけど。", "A:運転免許証の有効期限は、誕生日の1か月後までです。"),
        ("C:振込先を教えてください。", "A:お振込先は、当社指定のみなと銀行本店の口座になります。"),
        ("C:料金を知りたくて。", "A:延滞金は1日あたり100円かかります。"),
        ("C:引っ越しの見積もりを。", "A:ご登録いただいたあと、3日以内にご連絡いたします。"),
        ("C:支払いが遅れそうで。", "A:お支払いができていない場合は、翌月にまとめてご請求となります。"),
    ]),
    "a pet's illness, procedures, denominations, conditions described": ("sensitive_info", [
        "C:実家は曹洞宗なので、法要はそちらのお寺でお願いしたいです。",
        "C:二年前に、お腹の子がだめになってしまって、それからずっと体調が悪いんです。",
        "C:母が物忘れがひどくなって、今は病院で薬を出してもらってます。",
        "C:自立支援医療の受給者証が届いてなくて。",
        ("A:ペット保険のだいち保険です。", "C:私、糖尿病で通院してまして、日中は出られないんです。"),
    ], [
        ("A:ペット保険のだいち保険です。", "C:うちのチョコ、腎臓病で通院してるんで、その分の請求をしたくて。"),
        ("A:ありがとうございます。", "C:猫ちゃんが先月手術して、入院もしたんですよ。"),
        ("A:介護保険課です。", "C:父の要介護認定の申請書を取りに行きたいんですが。"),
        "C:お寺の場所は浄土真宗のお寺の近くです。",
    ]),
}


def _turns(case: str | tuple[str, ...]) -> list[tuple[str, str]]:
    lines = (case,) if isinstance(case, str) else case
    return [(line[0], line[2:]) if line[:2] in ("A:", "C:") else ("C", line) for line in lines]


def _family_cases(positive: bool) -> list:
    index = 1 if positive else 2
    return [pytest.param(kind, case, id=f"{family}-{n}")
            for family, (kind, *lists) in FAMILIES.items() for n, case in enumerate(lists[index - 1])]


@pytest.mark.parametrize(("kind", "case"), _family_cases(True))
def test_family_positive_fires_on_its_last_turn(engine, kind: str, case) -> None:
    assert kind in kinds(converse(engine, _turns(case)))[-1]


@pytest.mark.parametrize(("kind", "case"), _family_cases(False))
def test_family_negative_stays_quiet(engine, kind: str, case) -> None:
    assert kind not in [k for turn in kinds(converse(engine, _turns(case))) for k in turn]


def test_structure_not_phrases_catches_the_new_forms(engine) -> None:
    """Without the parse (the phrase rules alone) these forms go unnoticed; with it they fire
    (the rules alone: the trained act model reads the text too, tests/test_act_model.py)."""
    from redactor.policy import WarningEngine

    cases = [("privacy_question", "私の電話番号、他社に回したりしないですよね？"),
             ("volunteered_info_offer", "免許証とかいります？"),
             ("sensitive_info", "父はフィリピン人です。")]
    for kind, text in cases:
        result = engine.redactor.redact(text)
        assert result.parse, text
        for parse, expected in (((), False), (result.parse, True)):
            state = WarningEngine(model=None).new_call("c", "general_support")
            warnings = state.observe(text=text, masked=result.text, entities=result.entities,
                                     speaker="customer", parse=parse)
            assert (kind in [w.kind for w in warnings]) is expected, (text, parse != ())


def test_one_parse_per_utterance(engine, monkeypatch) -> None:
    """The warning rules read the analyzer's parse: GiNZA runs once per utterance."""
    nlp_engine = engine.redactor.analyzer.nlp_engine
    calls = []
    original = nlp_engine.process_text

    def counted(text, language):
        calls.append(len(text))
        return original(text, language)

    monkeypatch.setattr(nlp_engine, "process_text", counted)
    per_turn = kinds(converse(engine, [("C", "この通話って録音されてるんですか？"), ("C", "父はフィリピン人です。")]))
    assert per_turn == [["privacy_question"], ["sensitive_info"]]
    assert len(calls) == 2


def test_long_text_is_parsed_in_windows(engine) -> None:
    """Text over one analyzer window still reaches the rules (the windows' parses are joined)."""
    text = "配送の件でお電話しました。" * 520 + "補聴器をつけているので、大きめの声でお願いします。"
    result = engine.redactor.redact(text)
    assert len(text) > 6_000 and result.parse[-1].sent > 0
    assert "sensitive_info" in kinds(converse(engine, [("C", text)]))[0]


def test_the_copied_parse_stays_out_of_repr(engine) -> None:
    """The parse holds the unmasked words: a logged result must not show them."""
    result = engine.redactor.redact("山田太郎です。電話番号は090-1234-5678です。")
    assert any(w.text == "山田" or "山田" in w.text for w in result.parse)
    assert "山田" not in repr(result) and "山田" not in result.text


def test_a_security_code_asked_then_said_warns_twice_with_card_security_code_only(engine) -> None:
    """Asked: card_security_code with its own advice, never agent_requests_unneeded as well; said
    afterwards: card_security_code again (a second act: do not note it down)."""
    per_turn = converse(engine, [("A", "カードの裏にある3桁の番号もお願いします。"), ("C", "裏の3桁は456です。")],
                        policy="billing")
    assert [[w["kind"] for w in turn] for turn in per_turn] == [["card_security_code"], ["card_security_code"]]
    asked, said = per_turn[0][0], per_turn[1][0]
    assert asked["severity"] == said["severity"] == "critical"
    assert "お伺い" in asked["message"] and asked["message"] != said["message"]
    assert "456" not in json.dumps(per_turn, ensure_ascii=False)


def test_the_scorer_counts_a_security_code_as_the_old_held_out_labels() -> None:
    from benchmarks.warnings import apply_convention

    assert apply_convention({"card_security_code"}, {"agent_requests_unneeded"}) == (
        {"agent_requests_unneeded"}, ["agent_requests_unneeded"])
    assert apply_convention({"card_security_code"}, {"card_security_code", "unneeded_pii"}) == (
        {"card_security_code", "unneeded_pii"}, ["unneeded_pii"])
    # Only a security code stands for those labels; nothing else changes.
    assert apply_convention({"privacy_question"}, {"unneeded_pii"}) == ({"privacy_question"}, [])
    assert apply_convention({"card_security_code"}, set()) == ({"card_security_code"}, [])


def test_unneeded_pii_is_what_the_customer_says(engine) -> None:
    """The agent's value is a request, an echo or a disclosure (warned as such), not unneeded_pii."""
    per_turn = kinds(converse(engine, [("C", "年金の件です。"), ("A", "ご登録の口座番号は1234567ですね。")]))
    assert "unneeded_pii" not in per_turn[1] and "identity_not_verified" in per_turn[1]
    assert kinds(converse(engine, [("C", "口座番号は1234567です。")]))[0] == ["unneeded_pii"]


def test_a_confirming_question_or_a_check_by_name_and_phone_asks_for_them(engine) -> None:
    confirm = [("A", "お名前をお願いします。"), ("C", "山本です。"),
               ("A", "ご登録のお電話は03から始まる番号でしょうか。"), ("C", "はい、03-1234-5678です。")]
    assert "identity_verified" in kinds(converse(engine, confirm))[-1]
    method = [("A", "会員番号が分からなければ、お名前とお電話番号で確認いたします。"),
              ("C", "木村花子です。電話は080-1111-2222です。")]
    assert "identity_verified" in kinds(converse(engine, method))[-1]
    # Without any request or confirmation, a name and a number verify nothing.
    assert "identity_verified" not in kinds(converse(engine, [("C", "木村花子です。電話は080-1111-2222です。")]))[-1]


def test_a_name_said_unasked_then_the_asked_phone_verifies_on_the_callers_turn(engine) -> None:
    """The caller names themself first (…した佐藤ですけど); the agent asks only the phone: the
    check completes when the caller gives it, not at the agent's thanks."""
    turns = kinds(converse(engine, [
        ("A", "みどり工務店の受付です。"),
        ("C", "先月、外壁の見積もりをお願いした佐藤ですけど。"),
        ("A", "佐藤様ですね。ご登録のお電話番号をお願いできますか。"),
        ("C", "090-3321-7765です。"),
    ]))
    assert "identity_verified" in turns[3]
    # Asked for the name too and given only the phone: still waiting.
    turns = kinds(converse(engine, [
        ("C", "先月お願いした佐藤ですけど。"),
        ("A", "お名前とご登録のお電話番号をお願いします。"),
        ("C", "090-3321-7765です。"),
    ]))
    assert "identity_verified" not in turns[2]


@pytest.mark.parametrize(("turns", "kind", "fires"), [
    ([("A", "あと、パスポートの番号もお預かりさせていただきます。")], "agent_requests_unneeded", True),
    ([("A", "保険証の記号と番号も控えさせていただきました。")], "agent_requests_unneeded", True),
    ([("A", "マイナンバーは不要ですので、お控えください。")], "agent_requests_unneeded", False),
    ([("A", "お名前とご住所を控えさせていただきます。")], "agent_requests_unneeded", False),  # needed types
    ([("C", "080-2291-4410です。"), ("A", "ありがとうございます。現在は、今月すでに5ギガお使いですね。")],
     "identity_not_verified", True),
    ([("C", "今5ギガのプランなんですけど。"), ("A", "5ギガのプランですね。プランの変更でよろしいですか。")],
     "identity_not_verified", False),
])
def test_collecting_a_value_and_usage_read_out(engine, turns, kind: str, fires: bool) -> None:
    """An agent announcing that it takes a value down collects it; usage read out is on file."""
    assert (kind in kinds(converse(engine, turns))[-1]) is fires


@pytest.mark.parametrize(("turns", "fires"), [
    ([("C", "いつもお世話になってます、そちらに入所してる松本ハルの息子です。"),
      ("A", "松本様の息子さんですね。ハルさん、透析の送迎は火曜と金曜でよろしかったですよね。")], True),
    # the caller said it first: the agent reads their own words back
    ([("C", "母が透析をしてまして、送迎のことで電話しました。"),
      ("A", "お母様の透析の送迎ですね。承知しました。")], False),
    ([("A", "車椅子をご利用のお客様には、入口のスロープをご案内しております。")], False),
])
def test_an_agent_reading_out_a_named_persons_condition_before_the_check(engine, turns, fires: bool) -> None:
    """A condition of a named person read out before the identity check discloses a registered
    fact; a tag question (…でよろしかったですよね) states what it confirms."""
    per_turn = kinds(converse(engine, turns))
    assert ("identity_not_verified" in per_turn[-1]) is fires
    if fires:
        assert "sensitive_info" in per_turn[-1]


# Round 4 (issue #14): families found on my own fresh probe, tested with other sentences of mine.
# Each family: (kind, positives, negatives); a case is one customer line, or "A:"/"C:" turns
# whose last turn must fire (positives) or none of which may fire (negatives).
_OPENER = "C:もしもし、ちょっと確認したいことがあって、高橋ですけど。"
ROUND4 = {
    "privacy: kept, collected, fed to machines": ("privacy_question", [
        "C:免許証のコピーって、そちらでずっと持ってるんですか。",
        "C:この電話、録られてるんですよね？",
        "C:そのアプリ、私の位置情報とか集めてたりしません？",
        "C:このやりとり、AIに読み込ませたりしてないですよね。",
        "C:個人情報の扱いについて、ちょっと確認したいんですが。",
    ], [
        "C:保険証は持ってないんですけど、大丈夫ですか。",
        "C:録音ボタンを押しても何も起きないんですけど。",
        "C:データ通信量を確認したいんですけど。",
        "C:番号を控えたいので、もう一度言ってもらえますか。",
    ]),
    "privacy: reaching others, secrets, handed documents, dialects": ("privacy_question", [
        "C:アンケートに書いたことって、先生にも伝わりますか。",
        "C:提出した源泉徴収票って、用が済んだらどうしてるんですか。",
        "C:家族には内緒にしてもらえますか。",
        "C:検査の結果って、会社の総務のほうにも送られたりしますか。",
        "C:わしの番号、よその店さ回したりせんよな。",
        "C:うちの住所、チラシの業者に使わんといてほしいねん。",
    ], [
        "C:息子の学校の保護者会の日程を知りたいです。",
        "C:昨日送った書類、届いてますか。",
        "C:申請書の書き方が分からないんです。",
        "C:この本、読んでほしいって娘に言われて買ったんです。",
    ]),
    "privacy: still on file, contacts reaching others, told on the caller's behalf": ("privacy_question", [
        "C:前に使ってたメールアドレス、まだ登録されたままになってません？",
        "C:私のデータ、海外のサーバーに置いてあったりしません？",
        "C:勤め先に確認の電話って、かかってきたりするんですか。",
        "C:私が申し込んだってこと、母には知らせないでくださいね。",
        "C:契約のこと、職場の人にバレないようにしてほしいんです。",
        "C:さっき言った口座番号、どこかにメモとかしてないですよね。",
        "C:申請書の控えって、シュレッダーかけてくれるんですか。",
        "C:退会したあとも住所とか残っちゃうんでしょうか、ちょっと不安で。",
    ], [
        "C:会社に請求書を送ってもらえますか。",
        "C:前の住所に届いた郵便を転送してもらいたいんです。",
        "C:在籍確認の書類って、何を出せばいいですか。",
        "C:警察に被害届を出したほうがいいですか。",
        "C:履歴を見たら、同じ商品を二回買ってたみたいで。",
    ]),
    "identity_not_verified: states and outcomes of the account": ("identity_not_verified", [
        (_OPENER, "A:高橋様ですね、今年度の町内会費が未納となっております。"),
        (_OPENER, "A:高橋様、先日の二次選考は不合格となっております。"),
        (_OPENER, "A:お借りの本が1冊、返却期限を過ぎております。"),
        (_OPENER, "A:高橋様、ご加入の火災保険の満了日は来年2月10日となっております。"),
        (_OPENER, "A:現在、1,280ポイントが残っております。"),
        (_OPENER, "A:先日お申込みのカード、審査は通っております。"),
    ], [
        (_OPENER, "A:未納の場合は、翌月にまとめてご請求となります。"),
        (_OPENER, "A:合格された方には、来週ご連絡いたします。"),
        (_OPENER, "A:有効期限が切れている場合は、再発行が必要です。"),
        (_OPENER, "A:100円ごとに1ポイントが貯まります。"),
    ]),
    "identity_not_verified: a record of theirs with its value": ("identity_not_verified", [
        (_OPENER, "A:現在、お荷物は川崎市の営業所にございます。"),
        (_OPENER, "A:前回のご来院は9月12日でございます。"),
        (_OPENER, "A:ご注文いただいた冷蔵庫は、明後日の午前中にお届け予定となっております。"),
        (_OPENER, "A:高橋様は、ゴールド会員でいらっしゃいますね。"),
        (_OPENER, "A:前回の検針では、使用量が320キロワットアワーでございました。"),
    ], [
        (_OPENER, "A:お届けは、ご注文から3日ほどでございます。"),
        (_OPENER, "A:ご予約の変更は、前日の17時までとなっております。"),
        (_OPENER, "A:ご解約の違約金は、1,100円でございます。"),
        (_OPENER, "A:ポイントの有効期限は、最後のご利用から1年でございます。"),
        (_OPENER, "A:当社の本社は、東京都港区にございます。"),
    ]),
    "identity_not_verified: the caller addressed, an event of their account": ("identity_not_verified", [
        (_OPENER, "A:高橋様、管理費の振込が3か月遅れております。"),
        (_OPENER, "A:お客様のお時計は、現在、修理センターでお預かりしております。"),
        (_OPENER, "A:高橋様のお宅には、先週も同じ症状で点検に伺っております。"),
        (_OPENER, "A:現在、ご契約のコースはプレミアムコースでございます。"),
        (_OPENER, "A:お子様の保険証は、来月末で有効期限が切れます。"),
    ], [
        (_OPENER, "A:高橋様、2点のご注文ですね。"),
        (_OPENER, "A:高橋様、今回は洗濯機1台の回収ですね。"),
        (_OPENER, "A:高橋様、本日は2点ご案内がございます。"),
        (_OPENER, "A:ただいま担当者が席を外しております。"),
        (_OPENER, "A:高橋様のおっしゃる通り、先月の明細は5日に発送しております。"),
        (_OPENER, "A:お車のお預かりは、最長で1週間でございます。"),
    ]),
    "second probe's families: seen from others, promotions stopped, what remains": ("privacy_question", [
        "C:口コミを投稿したら、実名がほかの会員から見えちゃうんですか。",
        "C:私のアドレスに新商品のお知らせを送るのはやめてもらえますか。",
        "C:メルマガを止めてほしいんですけど。",
    ], [
        "C:共有カレンダーって、ほかの人から見えますか。",
        "C:キャンペーンの案内を送ってもらえますか。",
        "C:セールのお知らせって、いつ頃届きますか。",
    ]),
    "second probe's families: what remains, amounts about": ("identity_not_verified", [
        (_OPENER, "A:車のローンのお支払いは、あと12回残っております。"),
        (_OPENER, "A:高橋様ですね、今月のご使用量は20立方メートルで、先月の倍ほどになっております。"),
    ], [
        (_OPENER, "A:現在、確認のため5分ほどお時間をいただいております。"),
        (_OPENER, "A:開栓の立ち会いは30分ほどでございます。"),
    ]),
    "sensitive: named conditions, aids in use, practices; works about them": ("sensitive_info", [
        "C:娘がダウン症なので、入学のことで相談したくて。",
        "C:車いすを使ってるので、1階の部屋を探してます。",
        "C:目がほとんど見えないので、書類は読めないんです。",
        "C:実家がお寺で、私も得度してるんです。",
        "C:去年、胃を半分取ったので、食事の量が少ないんです。",
        "C:夫の暴力から逃げてきて、今は実家にいます。",
    ], [
        "C:人工関節の製造ラインの見学をしたいんですが。",
        "C:ハラール認証の商品を仕入れたいんです。",
        "C:カトリック教会の裏あたりの物件を探してるんです。",
        "C:糖尿病の本を注文したんですが、違う本が届きました。",
        "C:車いすのレンタルってやってますか。",
        "C:聖マリアンナ医科大学の近くに住んでます。",
    ]),
}

# Round 5 (issue #14): families the fourth blind set exposed, tested with sentences of my own.
ROUND5 = {
    "sensitive: care, reactions, named conditions and medicines, lost limbs": ("sensitive_info", [
        "C:うちの母は在宅で酸素を吸ってるので、停電が一番怖いんです。",
        "C:娘はそばを食べると顔が腫れてしまうので、確認したくて。",
        "C:去年、父が倒れて救急車で運ばれまして。",
        "C:息子は発達の遅れがあって、療育に通わせてるんです。",
        "C:主人がレミニールっていう薬を毎晩飲んでるんです。",
        "C:母は脊柱管狭窄症で、長く歩けないんです。",
        "C:膝の手術のあとで、まだ階段がつらくて。",
        "C:事故で左足を膝から切断してまして。",
        "C:線維筋痛症っていう診断でした。",
        "C:胸が痛くなったときのために、ニトロをいつも持ち歩いてるんです。",
        # the agent recalling what it was told (伺っておりました) states it; it asks nothing
        ("C:予約の変更をお願いします。",
         "A:以前、腰の手術のあとで長く座れないと伺っておりましたので、お席は通路側にいたしますね。"),
    ], [
        ("C:予約をしたいんですが。", "A:差し支えなければ、持病のお薬の名前を伺ってもよろしいですか。"),
        "C:入院費の領収書を再発行してほしいんですが。",
        "C:心配症なもので、何度も確認してすみません。",
        "C:感染症で休業って聞いたんですけど、営業してますか。",
        "C:パソコンの診断が出るまで待ってます。",
        "C:スマホの充電器をなくしてしまって。",
        "C:救急車の音がうるさいって苦情を言いたいんです。",
    ]),
    "identity: an amount owed or an e-mail read out before the check": ("identity_not_verified", [
        ("C:月謝の件でお電話しました。", "A:はい、先月分の月謝6,600円がまだお支払いいただいていない状態です。"),
        ("C:会費の件です。", "A:ありがとうございます。今月の会費5,500円が、カードで決済できておりませんでした。"),
        ("C:入院の支払いの件で。", "A:はい、未収金が3万2000円ございます。"),
        # an e-mail address read aloud up to its @ (the PII engine needs the domain to mask it)
        ("C:ログインできないんです。", "A:ご登録のメールアドレスは、sato.k88アットマーク…となっております。"),
    ], [
        ("C:問い合わせ先を知りたいです。", "A:こちらのアドレス、support アットマーク…までお送りください。"),
        ("C:料金のことで。", "A:お支払いいただいていない場合は、翌月に2,000円の手数料がかかります。"),
        ("C:会費っていくらですか。", "A:年会費は5,500円で、カードで決済いただけます。"),
    ]),
    "privacy: thrown away, kana verbs, staff and locals, cameras, known to others": ("privacy_question", [
        "C:送った診断書のコピー、用が済んだら捨てるんですか？",
        "C:申込書って、いつまでそっちにのこるんですか？",
        "C:私の電話番号、配達員さんにそのまま伝えるんですか？",
        "C:病気のこと、職場の人に分かっちゃうんでしょうか。",
        "C:駐車場のカメラの映像って、どれくらい残るんですか？",
        "C:登録した顔写真って、スタッフがみんな見れる感じですか？",
        "C:うちのこと、自治会の人とかに話が行ったりしませんよね。",
        "C:見積もりのとき部屋の写真撮るでしょ、あれって広告に勝手に使ったりしないよね？",
        "C:母が生活保護を受けてること、近所の人に伝わったりしませんか？",
        "C:元夫が、私の新しい住所わかっちゃうことって、ないですよね？",
    ], [
        "C:古い家具を捨てるのって、お願いできますか？",
        "C:担当の人に分かりますか？",
        "C:防犯カメラの映像って、スマホで見れますか？",
        "C:ドライバーさんに荷物を渡してもらえますか？",
        "C:家族が番号わかってるので大丈夫ですか？",
        "C:息子が暗証番号わかっちゃったみたいで、変更できますか？",
    ]),
    "agent requests put as the procedure": ("agent_requests_unneeded", [
        ("C:返金をお願いしたいんですが。", "A:ご返金の際は、パスポートの番号もお聞きすることになっております。"),
    ], [
        ("C:返金をお願いしたいんですが。", "A:マイナンバーは、こちらではお伺いしないことになっております。"),
    ]),
    "offers: 関西 volitional, another document instead, offered to note": ("volunteered_info_offer", [
        ("A:ご本人確認のため、お名前をお願いします。", "C:田中です。なんやったら免許証の番号言おか？"),
        ("A:運転免許証の番号をお願いします。", "C:免許は今ないんで、保険証の番号じゃだめですか？"),
        ("A:パスポート番号をお願いします。", "C:はい、あとで言います。マイナンバーも控えときます？"),
    ], [
        ("A:お名前をお願いします。", "C:田中ですけど、それでええか？"),
        ("A:ご住所をお願いします。", "C:ちょっと待ってください、メモしときますね。"),
    ]),
}
# Round 14 (#14): families written for new authors (own sentences; development data, trained on as the
# rounds above): identifiers described without their names, a 'need not' scoped to its clause, indirect
# and colloquial requests, a request over two turns, kana speech, dialects, speech with no punctuation.
ROUND14 = {
    "agent requests: an unneeded identifier described without its name": ("agent_requests_unneeded", [
        "A:市役所で発行された十二桁の個人の番号、そちらもお伺いできますか。",
        "A:区役所から届いた通知カードの、１２けたの番号を教えていただけますか。",
        "A:あと、役所で作る顔写真つきのカードの12桁も、お聞きしてよろしいですか。",
        "A:海外に行くときに使う赤い手帳の番号もお願いできますか。",
        "A:出国のときに見せる、赤い冊子の番号を教えてください。",
        "A:旅行で使う赤いの、あれの番号もお伺いしてよろしいでしょうか。",
    ], [
        # 12 digits alone, or a business number of 12 digits; a red booklet with no travel
        "A:お荷物の12桁の追跡番号をお願いします。",
        "A:伝票に書いてある12桁の番号を教えてください。",
        "A:市役所宛てのお荷物の、12桁のお問い合わせ番号をお願いします。",
        "A:赤い手帳をお持ちの方は、窓口でお見せください。",
        "A:赤い手帳の、療育手帳の番号をお願いします。",
    ]),
    "agent requests: a 'need not' covers its own clause, not the request after it": ("agent_requests_unneeded", [
        "A:お名前は言わなくても大丈夫です、マイナンバーをお願いします。",
        "A:お電話番号はお伺いしなくても結構ですので、免許証の番号を教えていただけますか。",
        "A:メールアドレスは不要ですが、保険証の番号をお願いします。",
    ], [
        "A:マイナンバーは言わなくても大丈夫です、お名前をお願いします。",
        "A:マイナンバーをお願い…いえ、マイナンバーは言わなくても大丈夫です。",
        "A:パスポートの番号はお伺いしなくても大丈夫です、免許証の番号も結構です。",
        "A:保険証の番号は、こちらではお伺いしていないんです。",
    ]),
    "agent requests: indirect, colloquial, unpunctuated, over two turns": ("agent_requests_unneeded", [
        "A:保険証の番号をお知らせいただけると助かります。",
        "A:免許証の番号、教えていただけると助かるんですが。",
        "A:マイナンバーって分かります？",
        "A:保険証の番号ってわかりますか",
        "A:免許証の番号も言うてもらえますか",
        "A:それではお客様の保険証の番号をお願いできますでしょうか確認いたします",
        "A:保険証の番号を頂けますか。",
        "A:念のため、口座番号もいいですか？",
        "A:あと保険証の番号とかって今わかったりします？",
        "A:ほんなら、保険証の番号、教えてくれはりますか",
        ("A:それと、健康保険証の番号なんですけど。", "C:はい。", "A:お手数ですがお願いできますか。"),
        "A:それと、保険証の番号なんですが。お手数ですがお伺いできますか。",
        ("A:免許証の番号のほうですね。", "C:はい、ちょっと待ってください。",
         "A:では、ゆっくりで構いませんので、お願いします。"),
    ], [
        "A:マイナンバーカードの申請方法って分かりますか",
        "A:免許証の番号は分かりますので、大丈夫です。",
        ("A:マイナンバーカードをお持ちでしたら、手続きが早くなります。", "C:はい。",
         "A:では、少々お待ちいただけますか。"),
        ("A:保険証の番号は、今回は必要ございません。", "C:わかりました。", "A:お手数ですがお願いできますか。"),
        ("A:免許証の番号なんですけど。", "C:はい。", "A:では、よろしくお願いします。"),
        ("A:マイナンバーカードの申請は市役所です。", "C:はい。", "A:それでは、お願いいたします。"),
        ("A:保険証の番号なんですけど。", "C:今ちょっと手元になくて。", "A:では、お名前をお願いします。"),
        ("A:お荷物の追跡番号ですね。", "C:はい。", "A:では、お願いします。"),
    ]),
    "agent requests: levels of keigo and dialects": ("agent_requests_unneeded", [
        "A:恐れ入りますが、保険証の記号と番号を頂戴してもよろしいでしょうか",
        "A:差し支えなければ、マイナンバーもお聞かせ願えますでしょうか",
        "A:口座の番号もあわせてお願いできればと思います",
        "A:では年金手帳の番号をお手元にご用意いただけますか",
        "A:マイナンバーの方もいただいてよろしいでしょうか",
        "A:パスポート番号をこちらにお伝えいただくことは可能でしょうか",
        "A:マイナンバーのほうは、おわかりになりますか",
        "A:口座番号をお伺いしたく存じます",
        "A:えっと保険証の番号いいですか",
        "A:ほな、免許の番号、言うてくれる？",
        "A:マイナンバー、お願いしてもええやろか",
        "A:保険証番号、言ってもらっていいすか",
    ], [
        "A:保険証の番号は、お手元で保管してください",
        "A:マイナンバーのお取り扱いについてご説明します",
        "A:免許証の番号はこちらの画面には表示されません",
        "A:パスポートの番号を他人に教えないようにご注意ください",
        "A:口座番号の変更は、書面でお願いしております",
        "A:マイナンバーは、お電話では伺えないんです",
    ]),
    "security code: its description said in kana": ("card_security_code", [
        "A:かーどの うらの みっつの すうじを おしえてください",
        ("A:お支払いはカードでよろしいですか。", "C:はい。", "A:では うらに ある ちいさい すうじを おしえてください"),
        "A:カードのうらの さんけたの ばんごうを おねがいします",
        "A:カードの裏っかわの、数字三つ、教えてもらえます？",
        "A:カードのセキュリティナンバーもお願いします",
    ], [
        "A:カード番号の末尾4桁をお願いします",
        "A:カードの裏面に記載の電話番号にお問い合わせください",
        "A:カードのうらに なまえを かいてください",
        "A:カードの ばんごうを おしえてください",
        "A:カードの有効期限をお願いします。",
    ]),
    "privacy: dialect, indirect, unpunctuated, over two turns": ("privacy_question", [
        "C:この電話って、録音されとるんですか",
        "C:名前とか住所とかって、そっちでずっと持っとくの？",
        "C:録音したやつって誰が聞くん？",
        "C:個人情報の扱いってどうなってるか分かります？",
        "C:その写真 使い終わったら 消してもらえると助かるんですけど",
        "C:さっき言った口座の番号ってどこかに保存されるんですかね",
        ("C:さっき伝えた電話番号なんですけど", "A:はい。", "C:それって営業の電話に使われたりしますか"),
        "C:うちの電話番号、どこで知ったんですか？",
        "C:あの、免許証のコピーって、いつまで置いとくんでしょうか",
        "C:ホームページとかに、名前付きで載せたりしてます？",
        "C:健診の結果って、会社に送られたりするのかい",
        "C:大会の結果って、名前入りで新聞に出るんですか",
    ], [
        "C:新商品の写真、ホームページに載せたりしてますか？",
        "C:領収書は会社宛てで出してもらえるんかい",
        "C:お弁当って、温かいのかい",
        "C:このレコーダーって録音の機能ついてますか",
        "C:住所変更ってどうやるんですか",
        "C:電話番号を変えたいんですけど、どうしたらいいですか",
        "C:荷物っていつ届きますか",
        "C:領収書って、メールで送ってもらえますか",
    ]),
    "offers: conditions, dialects, kana, put as a question": ("volunteered_info_offer", [
        ("A:ご用件をお伺いします。", "C:保険証の番号もいりますか？いるなら言いますけど"),
        ("A:お名前をお願いします。", "C:田中です。免許証の番号やったら、すぐ言えるけど"),
        ("A:お名前をお願いします。", "C:佐藤です。マイナンバーも一緒に言っときましょうか"),
        ("A:ご用件は。", "C:口座番号も教えといたほうがいいですか"),
        ("A:お名前をお願いします。", "C:やまだです。ねんきんの ばんごうも いえますよ"),
        ("A:ご住所をお願いします。", "C:必要でしたら保険証の写真も送れますけど"),
        ("A:お名前をお願いします。", "C:鈴木です。パスポートの番号とかもいります？"),
    ], [
        ("A:お名前をお願いします。", "C:保険証の番号は言えないです"),
        ("A:お名前をお願いします。", "C:マイナンバーは言いたくないです"),
        ("A:お電話番号をお願いします。", "C:はい、言いますね。090-1234-5678です"),
        ("A:免許証の番号をお願いします。", "C:免許証の番号って言わなきゃだめですか"),
        ("A:ご用件をお伺いします。", "C:保険証を落としたんですけど、どうしたらいいですか"),
    ]),
    "sensitive: plain speech and dialect; health words naming places, products and events": ("sensitive_info", [
        "C:わたし、ちょっと耳が遠いもんで、ゆっくり話してもらえますか",
        "C:主人が去年からうつで休んでまして",
        "C:透析に通ってるから火曜はだめなんよ",
    ], [
        "C:がん保険の資料を送ってほしいんです",
        "C:心療内科の前の道が工事中で、配達が遅れるって聞いたんですけど",
        "C:病院の予約アプリが開かないんですけど",
        "C:宗教法人の会計ソフトを使ってるんですが、更新の案内が来なくて",
        "C:介護用品のカタログを送ってほしいんですけど",
        "C:選挙のポスターの印刷をお願いしたいんです",
        "C:障害物競走の景品を注文したいんです",
    ]),
}
# Round 15: families from the spent sets' last misses, in my own sentences.
ROUND15 = {
    "unneeded: a number read from the wrong document, named after it": ("unneeded_pii", [
        ("A:会員番号をお願いします。", "C:えっと、記号が2207で、番号が41。あ、これ保険証だ、すみません。"),
        ("A:お客様番号はお手元にございますか。", "C:はい、3、8、1、0の、5、5、2。あれ、これ年金の通知だったわ。"),
        ("A:ご注文番号をお願いします。", "C:7731の2209…あっ、それ免許証でした、ごめんなさい。"),
        ("A:会員番号をお願いします。", "C:6402 1187 9903 ってあれこれマイナンバーカードのほうだ"),
    ], [
        ("A:会員番号をお願いします。", "C:番号は5521の8830です。これ保険証ですか？"),
        ("A:ご用件をどうぞ。", "C:これ保険証だと思うんですけど、窓口で使えますか。"),
        ("A:会員番号をお願いします。", "C:会員番号は12345678です。これ会員証です。"),
        ("A:お電話番号をお願いします。", "C:電話は0312345678です。あ、これ保険証の話だ。"),
    ]),
    "privacy: a party's place, people described by what they did, told without leave": ("privacy_question", [
        "C:息子のところにそちらから電話がいったりしないですよね？",
        "C:実家のとこに通知が届いたりとか、そういうことはないんですよね？",
        "C:寄付した人の名前って、年次報告に載りますか？",
        "C:参加者の名前って、会報に載っちゃったりします？",
        "C:住所とか勝手に教えられたら嫌なんですけど。",
        "C:電話番号を無断で教えたりしてませんよね？",
    ], [
        "C:息子のところに荷物が届いたりとか、そういうことはないんですよね？",
        "C:新しいお店の名前って、チラシに載りますか？",
        "C:勝手に解約されたりしませんよね？",
        "C:この箱、勝手に開けられたら困るんですけど。",
    ]),
    "sensitive: an operation named by what it removes or how long it keeps someone": ("sensitive_info", [
        "C:胆のうを取る手術で、来週から入ってます。",
        "C:父が手術で二週間ほど家にいないんです。",
    ], [
        "C:この器具って手術で使うものですか。",
        "C:雑草を取る道具はありますか。",
    ]),
    "sensitive: a product's audience is no one's condition": ("sensitive_info", [
        "C:私、妊娠中なんですけど、妊婦さん向けのプランってありますか。",
        "C:母が認知症で、認知症の方向けのサービスについて知りたいです。",
    ], [
        "C:妊婦さん向けのプランってありますか。",
        "C:糖尿病の方向けのお弁当ってありますか。",
        "C:妊娠中の方専用の保険ってありますか。",
        "C:透析患者さん向けの送迎ってやってますか。",
    ]),
    "security code: small print said in children's words": ("card_security_code", [
        "A:カード番号ありがとうございます。裏にちっちゃく書いてある番号もお願いできますか。",
        "A:カードの後ろのちっちゃい数字も教えてください。",
    ], [
        "A:カードの裏にちっちゃく書いてある注意書きをご確認ください。",
    ]),
    "agent requests: written or sent in; the office of a document is no request for it": ("agent_requests_unneeded", [
        "A:申込書にマイナンバーをご記入ください。",
        "A:保険証の番号を記入してください。",
        "A:マイナンバーを書いて送ってください。",
    ], [
        "A:パスポートの更新は旅券窓口でお願いします。",
        "A:免許証の住所変更は、免許センターでお願いします。",
        "A:年金のことは年金事務所でお尋ねください。",
        "A:マイナンバーの欄は書かないでください。",
    ]),
    # Families of the fifteenth probe's misses (development material), in my own sentences.
    "agent requests: a document holding the number, the city's photo card, a practice trailing off": (
        "agent_requests_unneeded", [
            "A:その際は、個人番号の書いてある書類をご用意いただけますでしょうか。",
            "A:区役所で発行された、顔写真付きのカードの番号もお聞きしてよろしいですか。",
            "A:あと、保険証の番号もお控えしておりまして。",
            "A:通知カードがお手元にございましたら、そちらの番号も頂戴しておりまして。",
            "A:ご返金先として、お口座のほうをお伺いしてもよろしいでしょうか。",
        ], [
            "A:顔写真付きのカードを窓口でご提示ください。市役所の窓口は九時からです。",
            "A:お口座への返金は三日ほどかかります。",
            "A:ご住所は伺っております。",
        ]),
    "security code: a check number on the back, its count after a particle, a signature in kana": (
        "card_security_code", [
            ("A:カード番号をお願いします。",
             "C:はい 4980 1234 5678 9012 です あと うらの さいんの とこの よこに ちいさい すうじ なな に ご"),
            "A:カード裏面の、数字が3つ並んでいるところを読み上げていただけますか。",
            "A:それからカード裏の認証番号をお願いします。",
            "A:カードの裏の確認用の番号も教えてください。",
        ], [
            "A:ご本人様の認証番号はSMSでお送りします。",
            "A:家の裏の駐車場の番号を教えてください。",
        ]),
    "offers: pushing back is no offer; short names and dialect offer verbs": ("volunteered_info_offer", [
        ("A:お名前をお願いします。", "C:遠藤です。年齢確認いるんでしたっけ？ マイナのカードの番号言いましょか。"),
        ("A:お名前をお願いします。", "C:田中です。マイナカードの番号も言えますけど。"),
    ], [
        ("A:マイナンバーをお願いします。", "C:マイナンバー？ そんなの支払いに要るの？ 出さないわよ。"),
        ("A:通知カードの番号をお願いします。", "C:え、そんなの要るんですか？ 嫌ですよ。"),
    ]),
    "privacy: the caller's picture published; the caller's own handing in is no disclosure": ("privacy_question", [
        ("A:施術前後のお写真を撮らせていただく場合がございます。",
         "C:その写真って、ホームページとかに載せたりしないですよね？"),
        "C:私の写真って、パンフレットに載せたりしますか？",
    ], [
        ("A:申請のため、個人番号を頂戴できますか。", "C:え、そういうのは市役所に自分で出すんじゃないの？"),
        "C:新商品の写真、ホームページに載せたりしてますか？",
    ]),
    "sensitive: a class of people a rule is for; a third party's creed": ("sensitive_info", [
        "C:送り先の部長さん、イスラム教の方で、豚肉がだめなんです。",
    ], [
        "A:なお、安全上、妊娠中の方や心臓に持病のある方はご利用いただけない決まりになっております。",
        "A:アレルギーのある方は、事前にスタッフへお申し出ください。",
    ]),
}
# Round 16 (after the eleventh blind set, spent): families, own sentences.
ROUND16 = {
    "identity: a confirming question reads the value out; the last job done is the caller's history": (
        "identity_not_verified", [
            ("C:振込先を確認したいんです。", "A:お振込先はみなと銀行の本店でよろしいですか。"),
            ("C:また働きたいんですけど。", "A:お給料は、さくら信用金庫の駅前支店のままでお間違いないですか。"),
            ("C:エアコンの調子が悪くて。", "A:承知しました。先月はエアコンの修理でしたよね。"),
            ("C:洗濯機が動かないんです。", "A:前回はモーターの交換でございましたね。"),
        ], [
            ("C:給料はみなと銀行の本店に振り込んでほしいです。", "A:みなと銀行の本店でよろしいですか。"),
            ("C:先月も修理をお願いしたんですけど、またエアコンが冷えなくて。", "A:先月はエアコンの修理でしたよね。"),
            ("C:はい、予約したいんですけど。", "A:先日はご来店ありがとうございました。"),
            ("C:すみません、前回の件で。", "A:前回はご迷惑をおかけしました。"),
            ("C:点検をお願いしたいんです。", "A:点検は通常、前回の点検から一年後でございます。"),
            ("C:カードで払います。", "A:お手数ですが、カード裏面の末尾三桁をお願いします。"),
            ("C:引き落としの口座を変えたいんですが。", "A:新しいお引き落とし先は、どちらの銀行になりますか。"),
        ]),
    "privacy: a matter of the caller's told a person (Xのこと、会社に言いますか), in kanji or kana": (
        "privacy_question", [
            "C:入院のこと、職場に伝えますか？",
            "C:ローンのこと、かいしゃに、いいますか？",
            "C:手当をもらってること、大家さんに知らせたりしますか？",
        ], [
            "C:故障のこと、メーカーに伝えますか？",
            "C:配送のこと、業者さんに言いますか？",
            "C:引っ越しのこと、大家さんに言いましょうか？",
            "C:このこと、主人に伝えてもらえますか？",
            "C:職場には入院のことはもう話してあるので、大丈夫です。",
            "C:キャンペーンのこと、友達に言ってもいいですか？",
        ]),
    "security code: named, then read in the next sentence; digits with fillers; asked without its name": (
        "card_security_code", [
            "C:セキュリティのばんごうも、いいます。なな、いち、よん。",
            "C:せきゅりてぃこーどは、なな、よん、に。",
            "C:セキュリティコードは、えっと、ちょっと待ってください。はい、ご、の、いち、の、なな。",
            ("A:お支払いはクレジットカードでよろしいですか。",
             "C:裏の番号は、えっと、なな、の、さん、の、いち、です。"),
            ("A:お支払いはカードですね。", "C:裏の数字は、えーと、ろく、えー、に、きゅう。"),
            "A:カードの裏面、右上の三桁をお読み上げいただけますか。",
            "A:カードの裏側に印字されている数字のうち、最後の三桁をお願いできますか。",
        ], [
            "C:セキュリティコードは言えません。電話番号は090 1234 5678です。",
            "C:セキュリティの関係で、家の鍵は3本あります。",
            "C:セキュリティコードって何ですか。会員番号は1234 5678です。",
            ("A:お支払いはカードですね。", "C:裏の駐車場に、えー、さん、だい、とめられます。"),
        ]),
    "offers: a learner's plain 'shall I say it?' (言いますか？), in kanji or kana": ("volunteered_info_offer", [
        ("A:お名前をお願いします。", "C:山本です。年金の番号なら、あります。言いますか？"),
        ("A:ご住所をお願いします。", "C:ほけんしょうのばんごう、いいますか？"),
    ], [
        "C:このこと、誰に言いますか？",
        ("A:お名前をお願いします。", "C:田中です。電話番号も言いますか？"),
        "C:マイナンバーのこと、会社に言いますか？",
    ]),
    "sensitive: the desk an agent introduces themself from is no one's fact": ("sensitive_info", [
        ("A:はい、市役所、難病医療費助成の窓口、佐藤でございます。",
         "C:クローン病で通院してまして、その書類のことで。"),
    ], [
        "A:お電話ありがとうございます。がん相談支援センターの田中と申します。",
        "A:はい、精神保健福祉センター、相談員の森でございます。",
        "A:はい、県庁、難病対策の担当、木村でございます。",
        "A:お電話ありがとうございます、点字図書館ひかりでございます。",
    ]),
    "sensitive: a germ found in a sample is no one's test result": ("sensitive_info", [
        "C:先週、コロナで陽性になって、まだ家から出られないんです。",
    ], [
        "A:ご提出の井戸水ですが、一般細菌が陽性となっておりまして、飲み水には使えない判定でございます。",
        "A:検体の大腸菌群が陽性と出ましたので、飲用はお控えください。",
    ]),
    "offers: a number printed on what the service issued is its reference, no identifier offered": (
        "volunteered_info_offer", [
            ("A:お名前をお願いします。", "C:はい。ほかの番号も言ったほうがいいですか。"),
        ], [
            ("A:高田様、確認できました。", "C:はい。特急券の右下に書いてある番号も言ったほうがいいですか。"),
        ]),
    "privacy: the caller's own design kept for next year's order is the service": ("privacy_question", [
        ("A:かしこまりました。", "C:私の住所、そちらでずっと取っとくんですか。"),
    ], [
        ("A:かしこまりました。", "C:ロゴの版下、来年も頼むと思うんで、そっちで取っといてもらえますか。"),
        ("A:ありがとうございます。", "C:看板のデザイン、次回も使うので、保存しておいてもらえますか。"),
    ]),
    # The sixteenth probe's misses and false alarms (development set, first run in RESULTS.md), as families.
    "security code: the signature strip described, or the card flipped over, then its digits": ("card_security_code", [
        ("A:では、ご自宅へお送りします。",
         "C:ほんで、名前を書くところの横に小さい数字あるでしょ、あれも言おうか。なな、に、はち。"),
        ("A:お支払いはカードのままでよろしいですか。",
         "C:カード変わったんよ。ほんで、ひっくり返したとこの右の数字が、さん、ろく、ご。"),
    ], [
        ("A:ご住所をお願いします。", "C:名前を書くところの横に、部屋番号の305って書いてあります。"),
        ("A:お支払いはカードでよろしいですか。",
         "C:カードの裏に小さい数字がありますけど、言いたくないです。電話は090 1234 5678です。"),
    ]),
    "identity: what the agent looked up, told as found (お電話番号から拝見しますと…)": ("identity_not_verified", [
        ("C:台風で屋根が飛ばされまして。",
         "A:お電話番号から拝見しますと、本町のご自宅で、建物二千万円の火災保険にご加入いただいておりますね。"),
        ("C:補助金のことで電話しました。",
         "A:お電話番号からお調べしますと、一昨年、浴室の改修で八万円を支給済みとなっております。"),
    ], [
        ("C:補助金のことで電話しました。", "A:お電話番号から拝見しますと、まだご登録がないようです。"),
        ("C:申し込みたいんですけど。", "A:お電話番号から拝見しますので、お名前をお願いできますか。"),
    ]),
    "privacy: why the caller does something reaches a party; their data seen by staff (active, in kana)": (
        "privacy_question", [
            "C:退会の理由って、コーチの人たちにも伝わっちゃうんですか？",
            "C:ほけんしょうのコピー、ほかのスタッフのひとも、みますか？",
        ], [
            "C:退会の理由って、アンケートで書いたほうがいいですか？",
            "C:この映画、ほかのスタッフの人も見ますか？",
            "C:年金の額って、会社が出した書類で決まるんですよね。",
        ]),
    "offers: giving less than asked, or asking what is accepted, offers nothing": ("volunteered_info_offer", [
        ("A:お名前をお願いします。", "C:はい。ほかの番号も言ったほうがいいですか。"),
    ], [
        ("A:カード番号と有効期限、それから裏のセキュリティコードをお願いします。",
         "C:え、裏のも？ちょっと怖いんで、カード番号と期限だけでいいですか。"),
        "C:あの、本人確認の書類って何でもいいんですか。",
    ]),
}
# An independent review of round 15's rules (review15) and two probe authors' labels (法人番号): run
# with the families, not trained on (the shipped model predates them).
ROUND17 = {
    "security code: a place, then the value with a particle before written digits, in the next sentence after a "
    "number noun, or after a count, or opening the caller's next turn; English digits in katakana; asked with the "
    "request left unsaid": ("card_security_code", [
        ("A:カードのお支払いですね。番号をお願いします。",
         "C:4980 1234 5678 9012です。あとカードの裏、サインするところに747ってあります。"),
        ("A:カード番号をお願いします。", "C:ほんならカードの裏ん数字も言うとくわ。ご、ご、に、や。"),
        ("A:クレジットカードでお支払いですね。", "C:カードの裏っかわの数字、言うときますね。はち、ろく、いち。"),
        ("A:カードでのお支払いですね。", "C:裏のサインのところの数字、最後の三つだけ言えばいいんですよね、七七〇。"),
        "A:カードの番号ありがとうございます。では裏返していただいて、最後の三つの数字を。",
        ("A:カード番号をお願いします。", "C:4980 1234 5678 9012です。", "A:ありがとうございます。裏面の三桁は。"),
        "A:カードでのお支払いですね。カードの裏に印字されている数字を、下三桁お願いします。",
        ("A:カード番号をお願いします。", "C:裏のスリーデジットは、ファイブ、ワン、エイト。"),
        "C:クレジットの裏のナンバー、セブン、ツー、ナイン。",
        ("A:カード番号をお願いします。", "C:4980 1234 5678 9012です。あと裏の数字ですか、えっと、", "A:はい。",
         "C:ろく、なな、ご。"),
        ("A:カード番号をお願いします。", "C:4980 1234 5678 9012。裏の、なんていうの、三つの数字も要るんでしょ？",
         "A:はい、お願いします。", "C:えーと、ご、に、はち。"),
    ], [
        ("A:カード番号をお願いします。", "C:裏の数字ですか？", "A:いえ、表の16桁の番号です。",
         "C:あ、はい。4980 1234 5678 9012。"),
        ("A:ポイントカードの会員番号をお願いします。", "C:裏の番号ですね、えっと、", "A:はい。", "C:1234 5678です。"),
        ("A:カードのお支払いですね。", "C:裏の数字も言うんですか？", "A:いえ、結構です。",
         "C:はい、じゃあ、予約は三日で。"),
        "A:ポイントカードの裏の会員番号を、下三桁お願いします。",
        ("A:お荷物の追跡番号をお願いします。", "C:伝票の最後の三桁が、ろく、なな、はちです。"),
        ("A:カード番号をお願いします。", "C:暗証番号は四桁ですけど、それは言いません。"),
        ("A:カードの裏面にサインはございますか。", "C:はい、書いてあります。"),
        ("A:カードの番号をお願いします。", "C:カードの裏にも電話番号がありますね。"),
    ]),
    "identity: how the firm passes on a class of data (only with consent) is no one's fact; an account held in "
    "a firm's name, the agent's own office and a way of paying the firm does not offer are the firm's; the caller's "
    "request said back": ("identity_not_verified", [
        ("C:事故の相談です。", "A:佐藤様の通院の記録では、腰の手術をされていますね。"),
        ("C:返金はどうなりますか。",
         "A:ご返金先は、ひまわり銀行の駅前支店、普通の7654321、山田太郎様名義のお口座でございますね。"),
        ("C:会費のことで。", "A:今月のお引き落としができておりません。"),
    ], [
        ("C:相談は初めてなんですが。",
         "A:田中様、ご病歴に関する情報は、ご本人のご了承なしに保険会社へお伝えすることはございません。"),
        ("C:初めてなんですが。",
         "A:もちろんです。通院先の情報は、中村様の同意をいただいた範囲でしか相手方に出しません。"),
        ("C:振込先を教えてください。",
         "A:振込先は、みずほ銀行、本店営業部、普通口座1234567、カブシキガイシャサクラでございます。"),
        ("C:振込先を教えてください。",
         "A:お振込先は、さくら銀行の駅前支店、普通の7654321、医療法人あおば会でございます。"),
        ("C:カードで払いたいんですけど。", "A:カードでのお支払いですね。"),
        ("C:田中です、先週お電話した件で。", "A:田中様ですね、先週のお問い合わせの件でございますね。"),
        ("C:もしもし。", "A:はい、JAみどり本店、貯金窓口の今井でございます。"),
        ("C:会費を払いたいんですけど。", "A:当会では引き落としは行っておりませんので、振込先をご案内しますね。"),
    ]),
    "privacy: the caller's data reaching a government (in kana too); a deposited document named in the turn "
    "before a question; a while (生きてるうちは) is no topic of its own": ("privacy_question", [
        "C:わたしの なまえと ばんごう、モンゴルの せいふに いきますか。しらせますか。",
        "C:私の名前と番号、ベトナムの大使館に行きますか。",
        "C:わたしの ばんごう、ネパールの せいふに しらせますか。",
        "C:在留カードの情報、国の政府に伝わったりしませんか。",
        ("C:ほんでな、ひとつ聞きたいんやけど、預けた遺言な、", "A:はい。",
         "C:子どもらが勝手に見に来たりできるもんなんですか？私が生きてるうちは見せたないんよ。"),
        ("C:出した申請書のことなんですけど、", "A:はい。", "C:家族が見に来たりできるんですか？"),
    ], [
        "C:政府の補助金はもらえますか。",
        "C:書類は自分で大使館に持って行きますか。",
        "C:大使館には何時に行けばいいですか。",
        ("C:預けた遺言な、", "A:はい。", "C:書き直しはいつでもできるんですか？"),
        ("A:ゲーム機の修理受付です。", "C:あ、そうすか。セーブデータって消えちゃいます？"),
    ]),
    "sensitive: a toy treated like a patient is no one's condition; a category asked as a condition of the "
    "service (宗派とか関係ありますか) is no one's value": ("sensitive_info", [
        ("A:おもちゃ修理の受付です。", "C:娘の人形を直してほしいんですが、娘は今入院してて。"),
        ("A:墓地の管理事務所です。", "C:うちは浄土真宗の宗派なんですけど、関係ありますか。"),
    ], [
        ("A:ぬいぐるみ病院・くまのて、受付の森田です。", "C:くまのぬいぐるみ、入院させたいんです。腕がとれかけてて。"),
        ("A:人形の修理受付です。", "C:おばあちゃんの人形、手術してもらえますか。目がとれちゃって。"),
        ("A:書道教室です。", "C:初心者のコースに入りたいんですけど、宗派とか関係ありますか。"),
        ("A:墓地の管理事務所です。", "C:宗教は問われますか。"),
    ]),
    "requests: a number asked as the practice of a procedure (ご相談には…も伺っております); a refusal "
    "(伺っておりません) asks nothing": ("agent_requests_unneeded", [
        "A:さようでございますか。ご契約のご相談には、ご主人様の健康保険証の番号も伺っております。",
        "A:お申し込みの際は、運転免許証の番号も伺っております。",
    ], [
        "A:ご住所は伺っております。",
        ("C:保険証の番号も要りますか。", "A:申し訳ございません、保険証の番号は当社では伺っておりません。"),
        "A:ご予約の際は、お名前だけ伺っております。",
    ]),
    "privacy: the caller's protest at what the agent just read out before the check is that disclosure, not a "
    "question of how data is handled": ("privacy_question", [
        ("C:固定資産税の納付書が届かなくて。", "A:杉本様ですね、第二期分の四万二千三百円が未納となっております。",
         "C:え、その情報って、ほかの人にも見られたりするんですか？"),
    ], [
        ("C:固定資産税の納付書が届かなくて。", "A:杉本様ですね、第二期分の四万二千三百円が未納となっております。",
         "C:ええっ、いきなり言わんといてよ、家族の誰かの電話かもしれんのに。"),
        ("C:月謝のことで電話しました。", "A:お母様の智子様のご名義で、先月分の月謝、六千円が未納になっております。",
         "C:あ…すみません。って、その前に、私が誰か確認しなくていいんですか。"),
    ]),
    "sensitive: a scratch on a thing is no one's injury": ("sensitive_info", [
        ("A:買取センターです。", "C:息子が転んで腕に傷があって、今日は行けないんです。"),
    ], [
        ("A:買取センターです。", "C:それと、カードの裏に少し傷があるのも混ざってるんで、査定下がっても大丈夫です。"),
        ("A:車の査定ですね。", "C:バンパーに傷がついてますけど、見てもらえますか。"),
    ]),
    "offers: asking whether a document is needed too, while pushing back, offers nothing": (
        "volunteered_info_offer", [
            "C:保険証の番号も要る？言おうか？",
        ], [
            ("A:念のため、通知カードの番号もお願いしております。",
             "C:え、車の修理で？ 嫌ですよ。年金手帳の番号もいるの？"),
        ]),
}

ROUND18 = {
    "privacy: heard, seen or known by a person named by a title or plural (生徒さん, お母さんたち) or by kin "
    "(弟, 姉, 親戚), listened to (聴く), not wanted known (知られたくない); a matter just told kept from them": (
        "privacy_question", [
            "C:あの、私の声って、ほかの生徒さんにも聴かれるんですか。",
            ("C:練習を録音してもらってるんですけど。", "A:はい。", "C:それって、ほかの部員さんも聴けちゃうんですか。"),
            "C:私の成績、ほかのお母さんたちにも見られちゃいますか。",
            "C:うちの住所、弟に知られたくないんです。",
            "C:この前話した父の借金のこと、母には知られたくないんです。",
            "C:このこと、姉には言わないでほしいんです。",
            "C:その話、親戚には黙っててもらえますか。",
            "C:その話は、上の子には聞かせないでください。",
        ], [
            "C:この写真、兄に送ってもいいですか。",
            "C:姉にもこのサービスのこと教えていいですか。",
            "C:このこと、先生に伝えてもらえますか。",
            "C:この写真、息子に見せてもいいですか。",
            "C:その本、兄に送ってもらえますか。",
            "C:ほんなら、名前と番号、先に言うたらええんか。",
            "C:それと、名入れってできます？花火とか桜とか、うちの妹が見たがってて。",
            "C:カレンダーに祝日って入りますか？お盆とか正月とか、うちの父が気にするんで。",
        ]),
    "privacy in a learner's plain kana: published, sent, told, seen, deleted": ("privacy_question", [
        "C:わたしの なまえ、ホームページに でますか。",
        "C:この でんわばんごう、ほかの かいしゃに おくりますか。",
        "C:わたしの じゅうしょ、ほかの ひとに はなしますか。",
        "C:わたしの しゃしん、インターネットに のせますか。",
        "C:ぼくの えいぞう、ほかの おきゃくさん みれますか。",
        "C:わたしの しゃしん、けして ください。",
        "C:わたしの じょうほう、みせて もらえますか。",
    ], [
        "C:わたしの にもつ、いつ でますか。",
        "C:あたらしい メニュー、ホームページに のりますか。",
        "C:ホームページに新しいメニュー載りますか。",
    ]),
    "privacy: may I refuse the recording, may I see what is kept of me; going somewhere is the caller's way": (
        "privacy_question", [
            "C:この電話の録音って、断ることはできますか。",
            "C:そちらにある私の記録、見せてもらうことってできますか。",
        ], [
            "C:荷物の受け取り、断ることはできますか。",
            "C:私の見積もり、もう一度見せてもらえますか。",
            "C:保険証の番号を変えたいんですけど、役所に行かないといけないですか。",
            "C:診察券の番号って、病院に行けば分かりますか。",
        ]),
    "unneeded: the answer to an unneeded number's request, read in a form no recognizer typed": ("unneeded_pii", [
        ("A:念のため、パスポートの番号もお願いできますか。", "C:えっと、ちょっと待ってくださいね、八八二〇一五七三。"),
        ("A:年齢確認のため、免許証の番号を伺えますか。", "C:免許は、第三三〇一九八七六五四三二号っす。"),
    ], [
        ("A:運転免許証の番号をお願いします。", "C:今手元になくて、後で電話します。"),
        ("A:運転免許証の番号もお願いします。", "C:旅行は3月15日からです。"),
        ("A:念のため、パスポートの番号もお願いします。", "C:予約番号なら、A-2231です。"),
    ]),
    "security code: the agent's request split over two utterances": ("card_security_code", [
        ("A:カードのお支払いですね。では、カードの裏面の", "A:三桁の数字をお願いします。"),
    ], [
        ("A:カードの裏面の", "A:サインはございますか。"),
    ]),
    "requests: an unneeded number asked over two utterances, a reply between": ("agent_requests_unneeded", [
        ("A:では、運転免許証の", "C:はい。", "A:番号をお願いできますか。"),
    ], [
        ("A:では、運転免許証の", "A:有効期限が切れていないか、ご確認ください。"),
    ]),
    "sensitive: a farm's or an aquarium's animal's illness is no one's; the caller's own still is": (
        "sensitive_info", [
            ("A:ヤギの牧場、受付です。", "C:私、皮膚病があるんですけど、ふれあいできますか。"),
            ("A:市立動物園の窓口です。", "C:息子が喘息で吸入器を持ってるんですけど、医務室はありますか。"),
        ], [
            ("A:ヤギの牧場、受付です。", "C:前に行ったとき、茶色い子が皮膚病で休んでましたけど、元気ですか。"),
            ("A:水族館のお問い合わせ窓口です。", "C:イルカの子、病気だったって聞いたんですけど、もう治りました？"),
        ]),
    "identity: the firm's own repair of its premises is no record of the caller's": ("identity_not_verified", [
        ("C:支払いのことで。", "A:先月分の三千二百円がまだお引き落としできておりません。"),
    ], [
        ("C:トイレの鏡、割れてましたよね。", "A:先週交換しましたので、もう大丈夫でございます。"),
        ("C:駐車場の照明、暗かったんですけど。", "A:先月新しくいたしましたので、明るくなっております。"),
    ]),
    "privacy: a learner's worry that others see a child's face or photo (ほかの ひと みる、こわい), a 関西 wh-question "
    "(いつまで置いとくんや), being recorded (録ってるんですか)": ("privacy_question", [
        "C:むすめの かお、しらない ひと みる、ちょっと こわい です。",
        "C:こどもの しゃしん、ほかの ひと みる、しんぱい です。",
        "C:わしの書類、いつまで置いとくんや。",
        "C:この電話、録ってるんですか。",
    ], [
        "C:私の車、整備士さん見てくれますか。",
        "C:今日は誰が来るんや。",
        "C:ほな明日行くんや。",
        "C:この番組、録画できますか。",
        "C:写真、撮ってもらえますか。",
    ]),
    "privacy: mail or calls that start coming after an order; asked not to show a name or a photo; a bare name on "
    "the net; a diagnosis reaching a boss; people recorded and watched; a matter hoped kept (せんよね)": (
        "privacy_question", [
            "C:これ頼んだら、毎月チラシとか電話とか来るようになるんですか。",
            "C:宅配の箱に名前を書かないでもらえますか。",
            "C:写真はホームページに載せないでください。",
            "C:合格したら、名前ってネットとかに出ちゃうんですか。",
            "C:診断書って、病名とか上司に伝わったりしないかなって気になってて。",
            "C:店内にカメラありますよね？あれって録画されてて、あとで誰かが見たりするんですか？",
            "C:そのこと、大家さんには言うたりせんよね。",
        ], [
            "C:チラシに載ってた商品、まだありますか。",
            "C:荷物は玄関に置かないでください。",
            "C:注文した本の名前、ここに書かないでください。",
            "C:新商品の名前、ホームページに出ますか。",
            "C:録画した番組、あとで家族が見られますか。",
        ]),
    "offers: a learner's plain いう with ほうが いい, the document named in kana the sentence before": (
        "volunteered_info_offer", [
            "C:わたし、ほけんしょう もってます。ばんごう いう ほうが いい？",
        ], [
            "C:でんわばんごう いう ほうが いい ですか？",
        ]),
    "unneeded: a number read from the handbook in the pension number's shape, whatever the caller took it for": (
        "unneeded_pii", [
            ("A:お客様番号をお願いします。", "C:えっと、この手帳に書いてある番号でいいんかな、3351の208774です。"),
        ], [
            ("A:お電話番号をお願いします。", "C:手帳に書いてあるのは、03-1234-5678ですね。"),
            ("A:お客様番号をお願いします。", "C:手帳を見たんですけど、書いてなかったです。"),
        ]),
    "sensitive: a venue's facility for a class of people (車いすの方の席) is no one's": ("sensitive_info", [
        ("A:劇場の窓口です。", "C:父が車いすなんですけど、入れますか。"),
    ], [
        ("C:日曜の回、取れますか。", "A:はい。車いすの方の席も一階後方にございますので、通路は広めです。"),
        ("C:トイレはありますか。", "A:はい、車いすの方用のトイレが二階にございます。"),
    ]),
    "offers: a number announced and said in the same turn is given, not offered": ("volunteered_info_offer", [
        "C:必要なら免許証の番号も言えますよ。",
    ], [
        ("A:お名前とお電話番号をお願いします。",
         "C:山田です、電話は090-1111-2222。あと、免許の番号、言います、123456789012。これでわかりますね。"),
    ]),
}

# Round 19 (warn19): the fourteenth blind set's leftovers as families, in own sentences; trained on (ROUNDS).
ROUND19 = {
    "privacy: put on a public medium by any verb (SNSに出す, インスタに上げる, ホームページに使う), "
    "or a picture or a voice named before and pointed to (あれ, その写真)": ("privacy_question", [
        "C:教室の写真って、生徒の顔が写ってるのをインスタに上げたりします？",
        "C:さっき撮ってもらった写真ありますよね。あれってホームページに使ったりします？",
        "C:発表会の写真、撮ってましたよね。あれってYouTubeに出したりするんですか。",
        "C:うちの子の声、ラジオで流したりしないですよね？",
        ("A:当日は写真を撮らせていただきます。", "C:その写真って、チラシに使われたりします？"),
    ], [
        "C:新商品の写真、インスタに上げたりしますか？",
        "C:イベントの情報ってSNSに出しますか？",
        "C:チラシの写真の商品って、まだありますか。",
        "C:お店の写真ってホームページに載ってますか。",
        "C:セールのお知らせ、ホームページに出しますか。",
    ]),
    "privacy: asked not to with 東北's ねえで (出さねえでもらえっか, 流さねえでけろ) and its なし": (
        "privacy_question", [
            "C:うちの名前は出さねえでもらえっかなし。",
            "C:おらの声、ラジオさ流さねえでけろ。",
            "C:おれの写真、ホームページさ載せねえでくなんしょ。",
        ], [
            "C:忘れねえでけろ。",
            "C:荷物、雨に濡らさねえでもらえっかなし。",
        ]),
    "privacy: being found out foreseen (同僚に知られそうで, 近所の人にバレそう, バレちゃうかも)": ("privacy_question", [
        "C:休んでる理由、同僚に知られそうで。",
        "C:名前が載ったら、近所の人にバレそうなんです。",
        "C:病気のこと、職場の人にバレちゃうかも。",
    ], [
        "C:雨が降りそうで、心配です。",
        "C:この番組、家族で見られそうですか。",
    ]),
    "privacy: a party said in a learner's kana (てんちょう, どうりょう, ぎょうしゃ, たいしかん)": ("privacy_question", [
        "C:わたしの ばんごう、 てんちょう に みせますか？",
        "C:びょうき の こと、 どうりょう に しられたくない です。",
        "C:しけん の けっか、 てんちょう に しられたくない です。",
        "C:この ばんごう、 たいしかん に おくりますか。",
        "C:その ばんごう、ぎんこう とか、ほかの ところに おくりますか。",
        "C:わたしの ばんごう、 ぎょうしゃ に おくりますか。",
    ], [
        "C:にもつ、 てんちょう に わたしますか？",
        "C:てんちょう に でんわ して ください。",
    ]),
    "agent requests: stated as what the desk receives from everyone (いただいております, お預かりしております)": (
        "agent_requests_unneeded", [
            ("C:申し込みは何が要りますか。", "A:お名前と、万一に備えて健康保険証の番号をいただいております。"),
            ("C:参加には何が要りますか。", "A:皆さまから運転免許証の番号もお預かりしております。"),
        ], [
            ("C:申し込みは何が要りますか。", "A:いつもご利用いただいております。お名前だけで結構です。"),
            ("C:どうやって申し込むんですか。", "A:お電話でのお申し込みをいただいております。"),
        ]),
    "unneeded: a long number after a document and its name or address is the document's "
    "(免許証の名前と同じで、番号は…)": (
        "unneeded_pii", [
            ("A:ご登録のお電話番号をお願いします。",
             "C:090-1234-5678です。免許証の名前と同じで、番号は第三〇一二四五六七八九〇一号です。"),
        ], [
            ("A:ご登録のお電話番号をお願いします。",
             "C:090-1234-5678です。免許証の名前で予約して、予約番号は四五六七八九一二です。"),
        ]),
    "sensitive: a body named by its cause (難病支援の会), a benefit named for its procedure (障害年金の手続き), people "
    "described by what they had done (帝王切開をされた方には)": ("sensitive_info", [
        "C:母が障害年金をもらっているんですが、扶養に入れますか。",
        "C:私、帝王切開をしたので、まだ重いものが持てないんです。",
    ], [
        "A:全国難病支援の会、相談窓口でございます。",
        "C:障害年金の手続きについて聞きたいんですけど。",
        ("C:出産の相談をしたいんですが。", "A:以前に帝王切開をされた方には、総合病院での出産をおすすめしております。"),
    ]),
    "identity: what is done for a class of people (前回帝王切開の方は), a kind of place (お住まいの市区町村) is no "
    "record": ("identity_not_verified", [
        "A:佐藤様、ご住所は練馬区豊玉北でよろしいですか。",
    ], [
        ("C:出産の相談をしたいんですが。", "A:前回帝王切開の方は、提携病院での出産をおすすめしております。"),
        ("C:どこに申請すればいいですか。", "A:お住まいの市区町村の福祉課の窓口になります。"),
    ]),
    "privacy: news of the caller feared to reach someone "
    "(保育園に伝わったり, 前の職場に伝わったりせんの, 近所に広まったり): "
    "what spreads goes without saying; not a message wanted through, nor a sound": ("privacy_question", [
        "C:この手当をもらってること、保育園とかに伝わったりしないですよね。",
        "C:前の職場に伝わったりせんの？",
        "C:それ申請したら、実家の親にも伝わりますか。",
        "C:相談したこと、夫の会社の人に伝わることってあります？",
        "C:ここで話した内容、近所に広まったりしませんか。",
        "C:塾に通ってること、学校に伝わっちゃうんですか。",
    ], [
        "C:注文の内容、お店にちゃんと伝わってますか？",
        "C:この要望、担当の方に伝わりますか？",
        "C:振動って下の階に伝わりますか？",
        "C:音って隣の部屋に伝わりますか？",
        "C:その件、店長に伝わってますか？",
    ]),
    "privacy: a patient's papers and history read or passed on (紹介状を読む, 通院歴が回る), a video handed round, a "
    "real name shown in a review": ("privacy_question", [
        "C:病院からもらった紹介状、ほかの先生たちも読むんですか。",
        "C:あのー、うちの通院歴って、保険会社さんにも回っとるんかね。",
        "C:発表会のビデオ、ほかの家族にも配るんですか。",
        "C:口コミに書いたら、私の本名って表示されるんですか。",
    ], [
        "C:チラシ、ほかのお店にも配ってますか。",
        "C:この本、子どもでも読めますか。",
        "C:口コミって、どこに書けばいいですか。",
    ]),
    "privacy: a picture of an activity on a public medium (練習の写真がYouTubeに上がる), "
    "not wanting one's face found out (バイト先に顔バレしたくない)": ("privacy_question", [
        "C:練習の写真、YouTubeに上がったりします？",
        "C:教室の様子の写真って、ブログに載せることありますか。",
        "C:職場に顔バレしたくないんです、載せるのはやめてもらえますか。",
    ], [
        "C:新商品の写真、インスタに上げたりしますか？",
        "C:料理の写真ってホームページに載ってますか。",
        "C:作ったアクセサリーの写真、自分のブログに載せてもいいですか？",
        "C:レッスンで描いた絵の写真、自分のインスタに上げても大丈夫ですか？",
        "C:うちの猫、腎臓の薬を飲んでるんです。それって保険出ます？",
    ]),
    "sensitive: a colour vision deficiency (色覚異常, 色弱)": ("sensitive_info", [
        "C:息子が色覚異常なんですが、この仕事に応募できますか。",
        "C:私、色弱で、赤と緑が見分けにくいんです。",
    ], [
        "C:色の見本って、送ってもらえますか。",
    ]),
}

REVIEW15 = {
    "sensitive: の方 said as ほう is the caller's fact, not a class of people": ("sensitive_info", [
        "C:父は糖尿病の方が心配です。",
        "C:私、糖尿病の方は落ち着いてます。",
    ], [
        "C:持病のある方も入れますか？",
        "A:妊娠中の方はご利用いただけません。",
    ]),
    "unneeded: a price said before a correction is no number read out": ("unneeded_pii", [
        ("A:お名前をお願いします。", "C:記号が3301で、番号が58。あ、これ保険証だった。"),
    ], [
        "C:お会計は5000円でした。あ、これ保険証だった。",
    ]),
    "agent requests: an object of its own (も), or the account a payment failed from, is no request": (
        "agent_requests_unneeded", [
            "A:お口座のほうをお伺いしてもよろしいですか。",
            ("A:マイナンバーカードの件なんですけど。", "C:はい。", "A:では、お願いできますか。"),
        ], [
            ("A:マイナンバーカードの件なんですけど。", "C:あ、それは結構です、持ってないので。",
             "A:承知しました。では、次回のご予約もお願いできますか。"),
            "A:先月はお口座から引き落としができませんでしたので、ご確認をお願いいたします。",
            "A:御社の法人番号を教えていただけますか。",
        ]),
    "a firm's 法人番号 identifies no person: neither offered nor unneeded": ("volunteered_info_offer", [
        ("A:お名前をお願いします。", "C:会社の住所と、マイナンバーも言いましょうか。"),
    ], [
        "C:請求書に法人番号も入れてほしいんですけど、13桁の、言っていいですか？",
        "C:法人番号も要りますか？",
    ]),
    "unneeded: a firm's 法人番号 read out": ("unneeded_pii", [
        ("A:ご用件をどうぞ。", "C:マイナンバーは1234 5678 9018です。"),
    ], [
        ("A:はい、法人番号でしたらお伺いいたします。", "C:7010401098765です。"),
    ]),
}
ROUNDS = ROUND4 | ROUND5 | ROUND14 | ROUND15 | ROUND16 | ROUND17 | ROUND18 | ROUND19
# After the twelfth blind set's first and only run (spent): the code's families it found, in own sentences;
# run with the families, not trained on.
BLIND12_AFTER = {
    "security code: 後ろの三つ after a card read, casual っす, small print said ちっこい": ("card_security_code", [
        ("A:カード番号をお願いします。", "C:4980 1234 5678 9012。で、後ろのちっさい三つ、に、きゅう、よんっす。"),
        ("A:カード番号と期限をお願いします。",
         "C:はい。それと、ひっくり返したとこの白い帯の端に、ちっこい数字あるでしょ、あれが七、三、一。"),
        ("A:カードでのお支払いですね。", "C:5123 4567…あ、後ろの三つの数字もいるんですよね、五八二。"),
    ], [
        ("A:カード番号をお願いします。", "C:会員番号なら、後ろの三つがろく、いち、ななです。"),
        ("A:カード番号をお願いします。", "C:はい、カード番号は4980 1234 5678 9012っす。"),
    ]),
    "identity: a price by what it pays for or whom it is for is a tariff, not the caller's record": (
        "identity_not_verified", [
            ("C:会費のことで電話しました。", "A:ご主人様の未払い金は5000円でございます。"),
            ("C:請求のことで。", "A:今月のご請求額は3,280円となっております。"),
        ], [
            ("C:見学したいんですけど。", "A:入塾金は二万円で、振込か、カードでもお支払いいただけます。"),
            ("C:何人でも行けますか。", "A:お一人様三千円、お子様は千五百円です。"),
            ("C:体験したいんですが。", "A:体験料は千円で、振込でもお支払いいただけます。"),
        ]),
}
# review16 and user17's findings (issue #14, fix17), in own sentences; run with the families, not trained on.
REVIEW16 = {
    "sensitive: a fact named before the agent's self-introduction is someone's, not the desk's": ("sensitive_info", [
        "A:佐藤様、先日お電話いただいた乳がんの件の担当、中村でございます。",
        "A:鈴木さんの、うつ病の検査結果の担当、木村と申します。",
    ], [
        "A:市役所、障害福祉課の窓口、田中でございます。",
    ]),
    "sensitive: a germ or a virus positive in a person, not in a water or food sample": ("sensitive_info", [
        "C:検査でピロリ菌が陽性と出たので、胃カメラを予約したいんです。",
        "C:実は主人がHIV陽性なので、保険のことを聞きたくて。",
        "C:あの、HIV陽性なんですけど、加入できますか。",
    ], [
        "C:井戸水の水質検査で大腸菌が陽性と出たんですけど、浄水器ありますか。",
        "C:プールの水質検査で大腸菌が陽性だったらしいです。",
    ]),
    "security code: the code then the card's expiry, or after 下さい, is said": ("card_security_code", [
        ("A:カードでお支払いですね。", "C:カードの裏の数字は、4、8、2、11月までのカードです。"),
        ("A:カードでお支払いですね。", "C:すみません、待って下さい、カードの後ろの三つ、ご、ろく、に。"),
    ], [
        ("A:カードでお支払いですね。", "C:カードの裏のは、4、8、2、6、1、9です。"),
        ("A:カードでお支払いですね。", "C:会員番号の下3桁、後ろの三つは、ご、ろく、に。"),
    ]),
    "security code: the caller offers it and the agent's bare yes asks for it (user17 F78)": ("card_security_code", [
        ("C:カードで払います。", "C:あと、セキュリティコードもいります？", "A:はい、お願いします。"),
        ("C:裏の3桁も言いましょうか。", "A:ええ、お願いします。"),
    ], [
        ("C:セキュリティコードもいります？", "A:いえ、セキュリティコードは不要です。"),
        ("C:住所も言いましょうか。", "A:はい、お願いします。"),
        ("C:セキュリティコードもいります？", "A:はい、少々お待ちください。"),
    ]),
}


def _round4_cases(positive: bool) -> list:
    return [pytest.param(kind, case, id=f"{family}-{n}")
            for family, (kind, positives, negatives) in (ROUNDS | REVIEW15 | BLIND12_AFTER | REVIEW16).items()
            for n, case in enumerate(positives if positive else negatives)]


@pytest.mark.parametrize(("kind", "case"), _round4_cases(True))
def test_round4_positive_fires_on_its_last_turn(engine, kind: str, case) -> None:
    assert kind in kinds(converse(engine, _turns(case)))[-1]


@pytest.mark.parametrize(("kind", "case"), _round4_cases(False))
def test_round4_negative_stays_quiet(engine, kind: str, case) -> None:
    assert kind not in [k for turn in kinds(converse(engine, _turns(case))) for k in turn]


@pytest.mark.parametrize("garbled", ["お電話番号をおめがいたします。", "お電話番号をおめがいいかします。",
                                     "お電話番号をおめがいいたします。"])
def test_a_request_garbled_by_speech_recognition_is_still_a_request(engine, garbled: str) -> None:
    """Whisper often writes お願い as おめがい: a registered phone asked that way starts the check
    (batch and live read the same garbled text)."""
    turns = [("A", "ご本人確認のため、お名前をおめがいたします。"), ("C", "佐々木健一です。"),
             ("A", "ご登録の" + garbled), ("C", "080-3456-7812です。")]
    assert "identity_verified" in kinds(converse(engine, turns))[-1]
    unneeded = [("A", "念のため、パスポートの番号をおめがいいかします。")]
    assert kinds(converse(engine, unneeded))[0] == ["agent_requests_unneeded"]


def test_a_security_code_offered_with_its_value_is_that_warning_alone(engine) -> None:
    """裏に書いてある番号も言っときましょうか、NNN: card_security_code, not an offer as well."""
    turns = [("A", "新しいカードの番号と有効期限をお願いします。"),
             ("C", "はい、期限は12の30です。裏にある番号も言っておきましょうか、317です。")]
    last = kinds(converse(engine, turns))[-1]
    assert "card_security_code" in last and "volunteered_info_offer" not in last


def test_a_confirmation_of_something_else_before_the_identity_request_verifies_nothing(engine) -> None:
    """確認できました of a tracking number, said in the utterance that asks for the name and
    phone, is no identity check; the caller's answer to that request is."""
    turns = [("C", "不在票が入ってたんですけど。"),
             ("A", "お問い合わせ番号、確認できました。ご本人確認のため、お名前とお電話番号をお願いします。"),
             ("C", "小西です。電話は090-3312-7781です。")]
    per_turn = kinds(converse(engine, turns))
    assert "identity_verified" not in per_turn[1]
    assert "identity_verified" in per_turn[2]


# Round 7 (#14): families of the fifth blind set's misses and false alarms, each in sentences
# written for this file.  The rules alone are tested (``rules_only``): these are structure rules,
# not the trained model's.  Not training data for the model (``benchmarks/train_acts.py`` reads
# FAMILIES and ROUNDS only), so the model cannot have memorised them.
ROUND7 = {
    "agent: a request put as the procedure (控えさせていただいております)": ("agent_requests_unneeded", [
        "A:ご入会の際には、ご家族の健康保険証の記号と番号を控えさせていただいております。",
        "A:お振替をご希望の方には、年金証書の番号もお伺いしております。",
    ], [
        # what the policy needs, put the same way
        "A:ご予約の際は、お名前とお電話番号を控えさせていただいております。",
    ]),
    "agent: another card's number is no payment card (献血カード, ICカード)": ("agent_requests_unneeded", [
        "A:お支払いに使うクレジットカードの番号をお願いできますか。",
    ], [
        "A:図書館カードの番号をお願いできますか。",
        "A:お手元のポイントカードの番号を教えていただけますか。",
        "A:ICカードの裏に書いてある番号をお願いします。",
    ]),
    "agent: a procedure asked for names no value (お手続きをお願いいたします)": ("agent_requests_unneeded", [
        "A:お手続きの前に、マイナンバーをお願いいたします。",
    ], [
        "A:ご登録のクレジットカードの期限が過ぎておりますので、更新のお手続きをお願いいたします。",
        "A:マイナンバーカードの住所変更は、お住まいの市役所でお手続きをお願いします。",
    ]),
    "offer: volunteered with なんなら/ついでに whatever the verb, a condition in dialect": ("volunteered_info_offer", [
        ("A:ご用件を伺います。", "C:契約の確認です。なんなら保険証の番号で調べてもらってもええですよ。"),
        ("A:お名前をお願いします。", "C:森です。まだ要るんやったら、パスポートの番号も言うたるわ。"),
        ("A:お名前をお願いします。", "C:川口です。なんなら会社名も伝えときますよ。"),
        # permission to tell (言っといてもいい), and a need question about what the sentence before named
        ("A:配送日のご希望はありますか。", "C:土曜がいいです。カード番号、先に伝えといても大丈夫ですよ。"),
        ("A:学生証の番号をお願いします。", "C:S2207です。年金手帳も持ってますよ。要りますか？"),
    ], [
        ("A:ご用件を伺います。", "C:ついでに聞くけど、うちの住所って他の会社に回ったりしないよね？"),
        ("A:お電話番号をお願いします。", "C:番号、言ってもいいですか。080-1234-9876です。"),
        ("A:ご用件を伺います。", "C:なんなら明日もう一度かけ直しましょうか。"),
        ("A:落とし物の中身を教えてください。", "C:財布に免許証と保険証と、診察券も入ってました。"),
        ("A:ご用件を伺います。", "C:データ容量がもっと要るんやったら、プランを変えた方がいいですか。"),
    ]),
    "sensitive: a person's state of health, not 健康 in passing": ("sensitive_info", [
        "C:父の健康状態が最近思わしくなくて、配達の時間を変えたいんです。",
    ], [
        "C:中所の健康をお願いしたいんですけど。",
        "C:健康食品の定期便を止めたいんです。",
        "C:健康のために毎朝歩いてるんですよ。",
        "C:窓口には健康保険証を持っていけばいいですか。",
        "C:おかげさまで元気にしてます。",
        "C:体調管理アプリの使い方を聞きたいんです。",
    ]),
}


@pytest.fixture(scope="module")
def rules_only(engine):
    """The engine with the rules alone (no trained model)."""
    from redactor.policy import WarningEngine

    return type(engine)(engine.redactor, WarningEngine(engine.policies, model=None), engine.options)


def _round7_cases(positive: bool) -> list:
    return [pytest.param(kind, case, id=f"{family}-{n}")
            for family, (kind, positives, negatives) in ROUND7.items()
            for n, case in enumerate(positives if positive else negatives)]


@pytest.mark.parametrize(("kind", "case"), _round7_cases(True))
def test_round7_positive_fires_on_its_last_turn(rules_only, kind: str, case) -> None:
    assert kind in kinds(converse(rules_only, _turns(case)))[-1]


@pytest.mark.parametrize(("kind", "case"), _round7_cases(False))
def test_round7_negative_stays_quiet(rules_only, kind: str, case) -> None:
    assert kind not in [k for turn in kinds(converse(rules_only, _turns(case))) for k in turn]


def _health_in_passing() -> list:
    # Round 8's model scored 健康のために毎朝歩いてるんですよ above its threshold (the frame …んですよ), a
    # known-wrong case until round 11: the model's sensitive_info now needs a topic named (健康 alone is none).
    return ROUND7["sensitive: a person's state of health, not 健康 in passing"][2]


@pytest.mark.parametrize("case", _health_in_passing())
def test_health_in_passing_is_quiet_with_the_model_too(engine, case) -> None:
    """The lexicon and the trained model agree: 健康/元気/体調 in passing is no one's condition."""
    assert "sensitive_info" not in [k for turn in kinds(converse(engine, _turns(case))) for k in turn]


@pytest.mark.parametrize(("text", "fires"), [
    ("ご本人確認に、運転免許証か、マイナンバーカードの12桁の個人番号をお願いします。", True),
    ("パスポートか、マイナンバーの十二桁の番号を読み上げていただけますか。", True),
    ("ご本人確認に、運転免許証か、マイナンバーカードのどちらかをご用意ください。", False),
    # the bare word names the number (warn17, after probe17's first run: p17-025/6)
    ("収入の確認のため、マイナンバーか、健康保険証の番号も伺えますか。", True),
    ("在留カードか、マイナンバーの番号をお願いします。", True),
    ("本人確認のため、運転免許証か、マイナンバー・カードをご用意ください。", False),
    # its twelve digits in kana (review16 #10)
    ("パスポートか、マイナンバーカードの、12ケタの数字を読み上げていただけますか。", True),
])
def test_my_numbers_own_number_is_never_an_excused_alternative(rules_only, text: str, fires: bool) -> None:
    """After the twelfth blind set's run: in an identity-document call the My Number card may prove
    who one is, but its 12-digit number may be collected only for tax and social security (番号法)."""
    turns = [("A", text)]
    assert ("agent_requests_unneeded" in kinds(converse(rules_only, turns, policy="identity_document"))[0]) is fires


@pytest.mark.parametrize(("policy", "fires"), [("tax_social", False), ("general_support", True)])
def test_an_alternative_to_what_the_policy_needs_is_no_unneeded_request(rules_only, policy: str, fires: bool) -> None:
    """マイナンバーか、保険証の番号 in a tax call asks for what the call needs (the other is the
    caller's choice); a support call needs neither."""
    turns = [("A", "届出書には、マイナンバーか、健康保険証の記号と番号のご記入をお願いします。")]
    assert ("agent_requests_unneeded" in kinds(converse(rules_only, turns, policy=policy))[0]) is fires


@pytest.mark.parametrize(("policy", "fires"), [("identity_document", False), ("general_support", True)])
def test_offering_more_of_what_the_policy_needs_is_no_offer(rules_only, policy: str, fires: bool) -> None:
    """パスポートも持ってますけど、要りますか: an identity-document call needs a passport, so offering
    it besides the licence asked for is no offer; a support call does not need it."""
    turns = [("A", "運転免許証の番号をお願いできますか。"),
             ("C", "はい、持ってきてます。パスポートも持ってますけど、要りますか？")]
    last = kinds(converse(rules_only, turns, policy=policy))[-1]
    assert ("volunteered_info_offer" in last) is fires


# Review of round 7 (#14): the round's rules went too wide.  Each row passed at ddcea2d and
# failed after round 7; rules alone (``rules_only``).
@pytest.mark.parametrize(("text", "kind"), [
    # an alternative the policy needs excuses only a document of the same class, never a card,
    # a bank account or a security code
    ("マイナンバーか、セキュリティコードを教えていただけますか。", "card_security_code"),
    ("マイナンバーか、クレジットカードの番号を教えていただけますか。", "agent_requests_unneeded"),
    ("マイナンバーか、口座番号を教えていただけますか。", "agent_requests_unneeded"),
    ("保険証の番号か、クレジットカードの番号をお願いします。", "agent_requests_unneeded"),
])
def test_a_needed_alternative_excuses_only_an_identity_document(rules_only, text: str, kind: str) -> None:
    assert kind in kinds(converse(rules_only, [("A", text)], policy="tax_social"))[0]


def test_alternatives_do_not_join_across_sentences() -> None:
    """マイナンバーか、保険証 in one sentence and 保険証か口座番号 in the next are two groups."""
    from redactor.policy.acts import ActDetector

    groups = ActDetector().alternatives("マイナンバーか、保険証の番号ですね。保険証か、口座番号をお願いします。")
    assert len(groups) == 2
    assert not any({"JP_MY_NUMBER", "JP_BANK_ACCOUNT"} <= g for g in groups)


@pytest.mark.parametrize("text", [
    # payment cards named by their brand or holder, not another kind of card
    "A:楽天カードの番号を教えていただけますか。",
    "A:家族カードの番号を教えていただけますか。",
    "A:ETCカードの番号を読み上げていただけますか。",
    "A:デビットカードの番号をお願いします。",
    # a procedure named in the sentence, the value asked for all the same
    "A:お手続きをお願いしたいので、生年月日とカード番号を教えてください。",
    "A:カード番号を教えていただけますか 手続きをお願いします",
    "A:ご住所の変更手続きをお願いしますので、運転免許証の番号を教えてください",
])
def test_round7_review_requests_still_warn(rules_only, text: str) -> None:
    assert "agent_requests_unneeded" in kinds(converse(rules_only, _turns(text)))[-1]


@pytest.mark.parametrize("text", [
    "A:献血カードの番号をお願いできますか。",
    "A:診察券の番号を教えていただけますか。",
    "A:会員カードの番号を教えていただけますか。",
    "A:クレジットカードの更新手続きをお願いいたします。",
    "A:カードの解約手続きをお願いできますか。",
])
def test_round7_review_non_requests_stay_quiet(rules_only, text: str) -> None:
    assert "agent_requests_unneeded" not in kinds(converse(rules_only, _turns(text)))[-1]


def test_other_card_is_linear_on_long_text() -> None:
    """The other-card check looks a few characters back, not the whole text before each cue."""
    import time

    from redactor.pii.cues import CueIndex
    from redactor.policy.acts import REQUEST_CUES
    from redactor.policy.clauses import other_card

    index = CueIndex(REQUEST_CUES)

    def timed(n: int) -> float:
        text = "カード番号" * n
        cues = [c for c in index.find(text) if c.owner == "CREDIT_CARD"]
        start = time.perf_counter()
        for cue in cues:
            other_card(text, cue)
        return time.perf_counter() - start

    timed(200)  # warm the regex caches
    # Four times the text: linear work takes ~4x, a quadratic scan 16x; the wide gap keeps a
    # busy machine (CI runs other suites' subprocesses beside this) from failing a linear check.
    small, large = min(timed(2000) for _ in range(5)), min(timed(8000) for _ in range(5))
    assert large <= 8 * small


# --- round 8: a recogniser's guess is no disclosure --------------------------------------------


def _heard(engine, parts: list[str], unsure: set[str]) -> list[str]:
    """The kinds a live customer turn raises, its words from the recogniser with probabilities
    (0.2 for the words in ``unsure``, below ``uncertain_word_probability``; 0.95 otherwise)."""
    from redactor.asr.engine import Word

    low = engine.options.uncertain_word_probability
    words = [Word(p, i * 0.3, i * 0.3 + 0.3, low / 2 if p in unsure else 0.95) for i, p in enumerate(parts)]
    call = engine.conversation("heard", "general_support")
    turn = call.turn("".join(parts), "customer", segment_id="c1", start=3.0, words=words)
    return [w.kind for w in turn.warnings]


@pytest.mark.parametrize(("parts", "word"), [
    (["うつ病", "の", "手続き", "を", "したい", "んです"], "うつ病"),
    (["父", "が", "うつ病", "で"], "うつ病"),
    (["実は", "乳がん", "が", "見つかり", "まして"], "乳がん"),
])
def test_a_sensitive_word_the_recogniser_guessed_does_not_raise_alone(engine, parts: list[str], word: str) -> None:
    assert "sensitive_info" in _heard(engine, parts, set())  # heard clearly: the same words warn
    assert "sensitive_info" not in _heard(engine, parts, {word})


def test_a_guess_next_to_a_clearly_heard_mention_still_warns(engine) -> None:
    # 糖尿病 is guessed, 通院 is heard: the disclosure stands on the word heard.
    assert "sensitive_info" in _heard(engine, ["主人", "が", "糖尿病", "で", "通院", "して", "まして"], {"糖尿病"})


def test_typed_text_has_no_guesses(engine) -> None:
    assert kinds(converse(engine, [("A", "お電話ありがとうございます。担当の山本です。"),
                                   ("C", "うつ病の手続きをしたいんです")])) == [[], ["sensitive_info"]]


@pytest.mark.parametrize("text", ["うらのさんけたはにーきゅうさんです",
                                  "かーどはよんぜろろくぜろで、うらのさんけたがななにーご"])
def test_a_security_code_read_in_kana_warns(engine, text: str) -> None:
    got = kinds(converse(engine, [("A", "お支払いのカードについてお伺いします。"), ("C", text)], "billing"))
    assert "card_security_code" in got[1]


def test_the_back_of_a_garden_is_no_security_code(engine) -> None:
    got = kinds(converse(engine, [("A", "ご注文内容を確認します。"),
                                  ("C", "うらの庭でさんにんでよんひゃくにじゅう円のおかしを食べました")]))
    assert "card_security_code" not in got[1]


@pytest.mark.parametrize(("parts", "unsure"), [
    (["治療", "が", "長引い", "て", "しまい", "まして"], {"治療"}),
    (["治療", "が", "長引い", "て", "まして"], {"治療", "長引い"}),
])
def test_the_models_sensitive_info_needs_its_topic_heard(engine, rules_only, parts: list[str], unsure: set) -> None:
    # The rules read no mention here: the trained model raises it, and must not from a guess.  (The
    # model reads the words around a guess too: where they alone carry it, it still raises.)
    assert "sensitive_info" not in _heard(rules_only, parts, set())
    assert "sensitive_info" in _heard(engine, parts, set())
    assert "sensitive_info" not in _heard(engine, parts, unsure)


def test_many_guesses_in_a_long_turn_are_read_in_linear_time(engine) -> None:
    """Where the guesses lie is found once per character, not once per guess and character."""
    import time

    from redactor.asr.engine import Word

    parts = ["うつ病", "で", "、"] * 700
    words = [Word(p, i * 0.1, i * 0.1 + 0.1, 0.1 if p == "うつ病" else 0.9) for i, p in enumerate(parts)]
    call = engine.conversation("long", "general_support")
    began = time.perf_counter()
    turn = call.turn("".join(parts), "customer", segment_id="c1", start=0.0, words=words)
    assert time.perf_counter() - began < 10.0
    assert "sensitive_info" not in [w.kind for w in turn.warnings]


@pytest.mark.parametrize(("turns", "fires"), [
    # A security code named by where it is printed (the signature strip, the card turned over, small print).
    (["A:カードを裏返して、署名欄の右端に小さく印字された数字を三つお願いします。"], True),
    (["A:お手元のカードを裏返して、サインの横にある数字を読み上げていただけますか。"], True),
    (["C:カード番号は言いました。あと署名のところの横の数字が、さん、いち、きゅう。"], True),
    (["C:サイン欄の近くにある番号は、ろく、よん、に、です。"], True),
    # Hard negatives next to them: a signature with no number, a back door, a room, a price, a serial.
    (["A:カードの署名欄にご署名がないとご利用いただけませんので、サインをお願いします。"], False),
    (["C:裏口から入ってすぐの、205号室です。"], False),
    (["C:レシートのサインの横に、合計金額が840円って印字されてます。"], False),
    (["A:本体の裏のシリアル番号を教えていただけますか。", "C:えっと、KX-31ー0719、です。"], False),
    (["A:製品を裏返して、底面のシリアル番号をお読みください。", "C:AB-2048です。"], False),
])
def test_a_security_code_described_by_where_it_is_printed(engine, turns: list[str], fires: bool) -> None:
    got = kinds(converse(engine, _turns(tuple(turns))))
    assert ("card_security_code" in got[-1]) is fires, got
    assert not fires or all("card_security_code" not in turn for turn in got[:-1])


@pytest.mark.parametrize(("turns", "fires"), [
    # Lead, after the eleventh blind set's run (own sentences): a code asked as a コード with a kanji count,
    # a value read with も after it, and a longer number on a card's back that is no code.
    (["A:カードの裏面に記載されている四桁のコードもお教えください。"], True),
    (["C:クレジットカードの裏の数字、五・二・一も言ったほうがいいですか？"], True),
    (["A:会員カードの裏の番号はお手元にありますか。", "C:はい、裏の番号は、3391-0472です。"], False),
    (["C:ポイントカードの裏面の番号が5120-7736なんですけど。"], False),
])
def test_security_code_families_after_the_eleventh_set(engine, turns: list[str], fires: bool) -> None:
    got = kinds(converse(engine, _turns(tuple(turns))))
    assert ("card_security_code" in got[-1]) is fires, got
    assert not fires or all("card_security_code" not in turn for turn in got[:-1])


@pytest.mark.parametrize(("answer", "fires"), [
    ("番号は4980 1234 5678 9012、期限は10/27です。裏の番号は、電話ではやめておきます。", False),
    ("番号は4980 1234 5678 9012、期限は10/27、裏は123です。", True),
])
def test_a_card_number_typed_as_the_code_raises_no_code_warning(engine, answer: str, fires: bool) -> None:
    """A code has three or four digits: a card's number read where the agent asked for the number, the expiry and
    the code in turn is masked all the same, but no code was said (the fourteenth blind set's leftover, own
    sentences; not trained on: the agent's request is itself a code warning)."""
    turns = [("A", "カード番号、有効期限、カードの裏の三桁の番号の順にお願いします。"), ("C", answer)]
    assert ("card_security_code" in kinds(converse(engine, turns, policy="billing"))[-1]) is fires


def test_security_code_descriptions_are_linear_on_long_input() -> None:
    """Bounded gaps only: 50k characters of near-misses are read well under a second."""
    import time

    from redactor.pii.cues import describes_security_code, says_security_code

    for unit in ("署名欄の", "裏返しサイン欄の横", "裏にのの", "セキュリティ"):
        text = (unit * (50_000 // len(unit) + 1))[:50_000]
        began = time.perf_counter()
        describes_security_code(text), says_security_code(text)
        assert time.perf_counter() - began < 1.0


@pytest.mark.parametrize(("turn", "kind", "fires"), [
    # Xの方が is ほう (a condition growing worse); a class of people only before its rule, in its clause.
    ("C:父の認知症の方が進んでしまって、ショートステイを利用したいんです。", "sensitive_info", True),
    ("C:僕、糖尿病の方が悪くなってきて、医療保険に加入できますか。", "sensitive_info", True),
    ("A:認知症の方は、こちらのデイサービスをご利用いただけます。", "sensitive_info", False),
    ("A:持病のある方も、お申し込みいただけます。", "sensitive_info", False),
    # the digits on the card's back asked for without a count (user17 F58)
    ("A:カードの裏面の数字をお願いします。", "card_security_code", True),
    ("A:では、カードの裏にある番号を教えていただけますか。", "card_security_code", True),
    ("A:カードの裏面の会員番号をお願いします。", "card_security_code", False),
    ("A:製品の裏の番号を教えてください。", "card_security_code", False),
    ("A:裏面に12桁の番号がある、区役所のカード、その番号もお伺いできますか。", "card_security_code", False),
])
def test_review16_rules(rules_only, turn: str, kind: str, fires: bool) -> None:
    """review16 #7 and user17 F58, in the rules alone (the act model already reads some of them)."""
    assert (kind in kinds(converse(rules_only, _turns(turn)))[-1]) is fires


def test_the_card_gate_is_read_once_per_text() -> None:
    """review16 #9: places with no card named (うら、 × 8000) are read in linear time, not once per place."""
    import time

    from redactor.policy import security_code

    text = "うら、" * 8000
    began = time.perf_counter()
    security_code.said(text), security_code.named_then_said(text), security_code.described(text)
    assert time.perf_counter() - began < 0.5


@pytest.mark.parametrize(("turn", "fires"), [
    # What a product or service keeps of the customer's own things is no privacy question, in the rules too.
    ("この防犯カメラ、録画はどのくらい保存できるんですか？", False),
    ("チラシのデザインのデータって、そっちでずっと保存しといてもらえるんですよね？", False),
    ("ロゴのデータって、そちらで保管してもらえるんですか？", False),
    ("自分で撮った星の写真って、館内の掲示板で共有していいんですか？", False),
    # Next to them, still privacy questions: the caller's data, a camera that recorded them, the company's staff.
    ("登録した名前と住所って、そちらでずっと保管されるんですか？", True),
    ("お店の防犯カメラに映った私の映像って、どのくらい保存されるんですか？", True),
    ("通話の録音って、そちらでいつまで保存するんですか？", True),
])
def test_a_products_own_storage_is_no_privacy_question(engine, rules_only, turn: str, fires: bool) -> None:
    for judge in (rules_only, engine):
        got = kinds(converse(judge, [("A", "ほかにご不明な点はございますか。"), ("C", turn)]))
        assert ("privacy_question" in got[-1]) is fires, got


@pytest.mark.parametrize(("turn", "fires"), [
    # The customer's own content kept for a reorder or copied onto their medium (#14 round 10): the service.
    ("入稿した3Dモデルのデータって、そちらでいつまで保存してもらえます？また同じの頼むかもしれないので。", False),
    ("送った写真のデータ、焼き増し用にそっちで取っといてもらえるんですか？", False),
    ("アップロードしたイラストのファイル、そっちでいつ消えます？再注文したいんで。", False),
    ("直してもらったら、その音を録音してUSBにコピーしてもらえます？", False),
    # Next to them, still privacy questions: an ID photo, the caller's call recording, others, data sent out.
    ("アップロードした身分証の写真って、誰が見るんですか？", True),
    ("アップロードした免許証の画像、そっちでいつ削除されます？", True),
    ("私の通話の録音って、消してもらえますか？", True),
    ("私の通話の録音、USBにコピーしてもらえますか？", True),
    ("焼き増し用の写真データって、ほかのお客さんに見られたりしませんか？", True),
    ("解約したら、私のアカウントの履歴ってどうなるんですか？", True),
])
def test_the_callers_own_content_for_a_reorder_is_no_privacy_question(engine, rules_only, turn: str,
                                                                       fires: bool) -> None:
    for judge in (rules_only, engine):
        got = kinds(converse(judge, [("A", "ほかにご不明な点はございますか。"), ("C", turn)]))
        assert ("privacy_question" in got[-1]) is fires, got


@pytest.mark.parametrize(("turn", "question"), [
    # The caller's own telling to the company, asked: an offer, not a privacy question.
    ("免許証の番号、財布に入ってるけど、そちらにも言っとく？", False),
    ("年金の番号、ここに書いてあるけど、そっちにも言っとく？", False),
    ("通帳の番号、ここにメモしてあるんで、そちらに伝えましょうか？", False),
    # The company telling others, or what was told reaching others: privacy questions.
    ("その番号って、ほかの人にも伝えるんですか？", True),
    ("そちらに言った番号って、ほかの会社にも伝わるんですか？", True),
])
def test_an_offer_put_as_a_question_is_no_privacy_question(engine, turn: str, question: bool) -> None:
    got = kinds(converse(engine, [("A", "ほかにご不明な点はございますか。"), ("C", turn)]))
    assert ("privacy_question" in got[-1]) is question, got


@pytest.mark.parametrize(("turn", "question"), [
    # Published with what names a person, and seen by a group's head asked in dialect: privacy questions.
    ("あと、教室で描いた絵って、ホームページにうちの子の名前つきで載ったりします？", True),
    ("息子の名前って、新聞に出たりしませんよね？", True),
    ("登録した住所って、組合長にも見えちまうんだべか？", True),
    ("保険証の番号、店長にも見えるんやろか？", True),
    # Next to them: a product's name published, results posted, a price asked of a manager.
    ("新商品の名前って、いつ公開されるんですか？", False),
    ("大会の結果って、いつホームページに載りますか？", False),
    ("この値段って、店長に聞けばわかりますか？", False),
])
def test_publication_and_a_groups_head_in_the_rules(rules_only, turn: str, question: bool) -> None:
    got = kinds(converse(rules_only, [("A", "ほかにご不明な点はございますか。"), ("C", turn)]))
    assert ("privacy_question" in got[-1]) is question, got


@pytest.mark.parametrize(("turns", "fires"), [
    # Talk between a named code and its value, and a business number after the described place.
    (["A:お支払いのカードについてお伺いします。", "C:セキュリティコードの入力がエラーになって、742です。"], True),
    (["A:お支払いのカードについてお伺いします。", "C:セキュリティコードは料金の合計じゃなくて742です。"], True),
    (["A:サインの横の数字と、ご注文番号をお願いします。"], True),
    # Still a serial's: the place runs into it.
    (["A:製品を裏返して、底面のシリアル番号をお読みください。", "C:AB-2048です。"], False),
])
def test_a_security_code_with_business_words_around_it(engine, turns: list[str], fires: bool) -> None:
    got = kinds(converse(engine, _turns(tuple(turns)), "billing"))
    assert ("card_security_code" in got[-1]) is fires, got


@pytest.mark.parametrize(("turn", "fires"), [
    # The caller's work or recordings sent, shown or used beyond them: privacy questions (quiet after 28ef8f0).
    ("作品のデータって、そちらで他のお客さんに見せたりしませんか", True),
    ("ロゴのデザイン、そちらで勝手に他の会社に使われたりしませんか", True),
    ("アプリで撮った動画って、勝手に送信されたりしませんか", True),
    ("スマホのアプリって、録画を勝手にアップロードしたりしないですよね", True),
    # The traps the product gate was made for stay quiet.
    ("この防犯カメラ、録画はどのくらい保存できるんですか？", False),
    ("ロゴのデータって、そっちで保存しといてもらえるんですよね？ 次の注文でも使いたいので", False),
    ("自分で撮った星の写真って、館内の掲示板で共有していいんですか？", False),
])
def test_a_product_question_about_others_seeing_the_data(engine, rules_only, turn: str, fires: bool) -> None:
    # The full engine catches the questions (its model, no longer barred by the gate); neither raises on a trap.
    for judge in (engine,) if fires else (rules_only, engine):
        got = kinds(converse(judge, [("A", "ほかにご不明な点はございますか。"), ("C", turn)]))
        assert ("privacy_question" in got[-1]) is fires, (judge is engine, got)


def test_guessed_spans_past_the_text_are_clamped(engine) -> None:
    """An uncertain span reaching past the turn (a stale live offset) marks the text it covers, no more."""
    from redactor.pii.normalize import normalize
    from redactor.policy.engine import Observation, _doubtful

    text = "うつ病で休んでいます"
    parse = engine.redactor.redact(text).parse
    got = _doubtful(Observation(text=text, parse=parse, uncertain=[(-5, 2), (8, 400)]), normalize(text))
    assert got == [i < 2 or i >= 8 for i in range(len(text))]


@pytest.mark.parametrize(("turns", "fires"), [
    # The signature strip as サインの欄/署名の欄, a pause inside 裏の、3けた, a value read one kanji at a time.
    (["A:恐れ入りますが、署名の欄のすぐ横にある番号も教えていただけますか。"], True),
    (["A:次に、お持ちのカードの裏面の、四けたの数字をお伺いしてもよろしいですか。"], True),
    (["A:お支払いのカードについてお伺いします。", "C:カードの裏には、五、二、八って書いてありますけど。"], True),
    # Traps: a signature asked with no number, cars behind the house, a price on a shelf (a room after
    # 裏の、 is quiet in the cue rules, tests/test_spoken_ids.py; the PII slot still tags it, not this issue's).
    (["A:サインの欄にご署名をお願いします。"], False),
    (["C:うちの裏に三台停めてあるんですけど、駐車場の件で。"], False),
    (["C:店の裏の棚に、480円って書いてあるやつです。"], False),
])
def test_security_code_places_with_a_pause_or_a_read_value(engine, turns: list[str], fires: bool) -> None:
    got = kinds(converse(engine, _turns(tuple(turns)), "billing"))
    assert ("card_security_code" in got[-1]) is fires, got


def test_a_read_value_after_the_back_is_linear_on_long_input() -> None:
    """The lookahead after 裏に is bounded: 50k characters of near-misses are read well under a second."""
    import time

    from redactor.pii.cues import describes_security_code, says_security_code

    for unit in ("裏に、123", "裏には1", "サインの欄の", "裏の、"):
        text = (unit * (50_000 // len(unit) + 1))[:50_000]
        began = time.perf_counter()
        describes_security_code(text), says_security_code(text)
        assert time.perf_counter() - began < 1.0


@pytest.mark.parametrize(("turn", "fires"), [
    # Privacy questions in plain hiragana (GiNZA keeps kana lemmas: the rules read the normalised form too),
    # put as wondering or a worry, and without a question mark (#14 round 10).
    ("そのばんごう、ほかのひとに、おしえますか", True),
    ("ろくおんって、けしてもらえますか", True),
    ("わたしのでんわばんごう、ほかのかいしゃにわたしますか", True),
    ("もし解約したら、私のデータってそのまま残っちゃうのかなと思って", True),
    ("仮に退会したとしたら、登録した情報はどうなるのかなって", True),
    ("個人情報の扱いがちょっと気になってて", True),
    ("録音って、あとで消してもらえるもんなんですかね", True),
    ("登録した住所って、誰が見られるんだっけ", True),
    # Hard negatives beside them: opening hours and products in hiragana, wondering about a parcel or a fee,
    # a shop's hours with 〜っけ.
    ("なんじまで、あいてますか", False),
    ("そのしょうひん、ほかのいろもありますか", False),
    ("てつづきのしかた、おしえてもらえますか", False),
    ("ほかのみせでも、つかえますか", False),
    ("解約したら、ポイントってどうなるのかなって", False),
    ("荷物、明日には届くのかなと思って", False),
    ("違約金ってかかるのかしら", False),
    ("営業時間が気になってて", False),
    ("そちらのお店、何時までやってたっけ", False),
])
def test_privacy_questions_in_hiragana_and_as_wondering(engine, rules_only, turn: str, fires: bool) -> None:
    for judge in (rules_only, engine):
        got = kinds(converse(judge, [("A", "ほかにご不明な点はございますか。"), ("C", turn)]))
        assert ("privacy_question" in got[-1]) is fires, got


@pytest.mark.parametrize(("turns", "fires"), [
    # A named condition said in plain hiragana: the lexicon's words are read by their readings too.
    (["C:わたし、うつびょうで、かよってるんです"], True),
    (["C:ははが、にんちしょうで、かいごが必要なんです"], True),
    (["C:ちちは、とうにょうびょうで、にゅういんしてます"], True),
    # In the call's very first turn, about a parent or a child.
    (["C:もしもし、実は父が認知症で、代わりに電話してるんですが"], True),
    (["C:もしもし、息子が発達障害で、学校のことで相談したくて"], True),
    # Hard negatives: hiragana words that contain no condition, a child's school events.
    (["C:こどものうんどうかいが、らいしゅうあるんです"], False),
    (["C:しゅようなせつめいを、おねがいします"], False),
    (["C:もしもし、うちの子、来週から修学旅行なんです"], False),
])
def test_sensitive_mentions_in_hiragana_and_in_the_first_turn(engine, rules_only, turns: list[str],
                                                              fires: bool) -> None:
    for judge in (rules_only, engine):
        got = kinds(converse(judge, _turns(tuple(turns))))
        assert ("sensitive_info" in got[-1]) is fires, got


def test_readings_of_the_sensitive_lexicon_are_linear() -> None:
    import time

    detector = SensitiveDetector()
    for unit in ("にんちしょ", "うつびょ", "とうにょうびょ"):
        text = (unit * (50_000 // len(unit) + 1))[:50_000]
        began = time.perf_counter()
        detector.find(text)
        assert time.perf_counter() - began < 1.0


@pytest.mark.parametrize(("turns", "fires"), [
    # A hiragana reading is a word only on word boundaries (#14 round 11): inside 何丁目, 何秒, 交流会 and
    # 再検索 the readings of 難聴, 難病, 勾留 and 再検査 are no mention.
    (["C:ここはなんちょうめですか"], False),
    (["C:しやくしょまで、なんびょうくらいかかりますか"], False),
    (["C:らいしゅう、こうりゅうかいにさんかしたいです"], False),
    (["C:さいけんさくしてもみつかりません"], False),
    # The same readings as words of their own still are.
    (["C:ははは、なんちょうなので、ゆっくりはなしてください"], True),
    (["C:けんしんで、さいけんさになりました"], True),
    (["C:ちちが、のうこうそくで、たおれまして"], True),
    (["C:ははがにんちしょうなので、かわりにでんわしてます"], True),
])
def test_hiragana_readings_match_whole_words_only(engine, rules_only, turns: list[str], fires: bool) -> None:
    for judge in (rules_only, engine):
        got = kinds(converse(judge, _turns(tuple(turns))))
        assert ("sensitive_info" in got[-1]) is fires, got


@pytest.mark.parametrize(("text", "category"), [
    ("なんちょうめまでいけばいいですか", None),
    ("こうりゅうかいのおしらせ", None),
    ("さいけんさくのやりかた", None),
    ("ちちのとうにょうびょうがわるくて", "medical"),
    ("ちちは、なんちょうで、でんわがききとりにくいんです", "disability"),
])
def test_a_reading_inside_a_longer_kana_word_is_no_mention(text: str, category: str | None) -> None:
    assert SensitiveDetector().categories(text) == ([category] if category else [])


def test_the_readings_are_derived_once_per_process() -> None:
    from redactor.policy import sensitive

    SensitiveDetector()
    before = sensitive._readings.cache_info()
    SensitiveDetector()
    after = sensitive._readings.cache_info()
    assert after.misses == before.misses and after.hits > before.hits


@pytest.mark.parametrize(("turns", "fires"), [
    # …かと思います is a hedged statement, no question (#14 round 11): a caller saying what was recorded
    # or registered, and an agent's statement heard on a channel of unknown speaker.
    (["C:前回お電話したときの内容も、録音されているかと思います"], False),
    (["C:登録した住所は、そちらのシステムに残っているかと思います"], False),
    # Wondering stays a question: …かと思って (I was wondering), …のかなと思って, …のかって.
    (["A:ご不明な点はございますか。", "C:私のデータって、解約したらどうなってるかと思って"], True),
    (["A:ご不明な点はございますか。", "C:録音って、あとで消えるのかって"], True),
    (["A:ご不明な点はございますか。", "C:退会したら、登録した情報ってどうなるのかなと思って"], True),
])
def test_a_hedged_statement_is_no_privacy_question(engine, rules_only, turns: list[str], fires: bool) -> None:
    for judge in (rules_only, engine):
        got = kinds(converse(judge, _turns(tuple(turns))))
        assert ("privacy_question" in got[-1]) is fires, got


def test_an_agents_hedged_statement_on_an_unknown_channel_is_no_privacy_question(engine, rules_only) -> None:
    for judge in (rules_only, engine):
        call = judge.conversation("mono", "general_support")
        turn = call.turn("この通話は、品質向上のため録音されているかと思います", None, segment_id="1")
        assert "privacy_question" not in [w.kind for w in turn.warnings]


@pytest.mark.parametrize(("turn", "fires"), [
    # An everyday reason about family is no special-care information (#14 round 11: the trained model
    # raised sensitive_info on each, from …なので/…があるので; a topic must be named now).
    ("子どもの運動会が来週あるので、配達を再来週にしてもらえますか", False),
    ("息子の授業参観なので午後は出られません", False),
    ("母の誕生日なので、その日に届けてほしいんです", False),
    ("娘の結婚式が来月あるので、それまでに仕上げてもらえますか", False),
    ("来週は家族で旅行に行くので、配達を止めてもらえますか", False),
    ("父の還暦祝いなので、名入れをお願いしたいんです", False),
    # Reasons the model alone reads as special-care information still raise it.
    ("父が腰を痛めてしまって、重いものが運べないので玄関まででお願いします", True),
    ("母がひとりで歩けないので、家の中まで運んでもらえますか", True),
])
def test_an_everyday_reason_about_family_is_no_sensitive_info(engine, turn: str, fires: bool) -> None:
    got = kinds(converse(engine, [("A", "ご用件をお伺いします。"), ("C", turn)]))
    assert ("sensitive_info" in got[-1]) is fires, got


def test_the_topic_gate_and_brand_medicines_are_linear() -> None:
    """A long katakana run (a brand medicine is read from a run's start only) or a run of topic-like
    characters is read in linear time."""
    import time

    from redactor.policy.parse import Word
    from redactor.policy.sensitive import names_a_topic

    detector = SensitiveDetector()
    for unit in ("ア", "イーケプラって", "を飲", "がなんちょう", "かんり"):
        text = (unit * (50_000 // len(unit) + 1))[:50_000]
        parse = (Word(0, text, text, "NOUN", "", "ROOT", 0, "", "", 0),)
        began = time.perf_counter()
        detector.find(text), names_a_topic(parse)
        assert time.perf_counter() - began < 2.0, unit


@pytest.mark.parametrize(("turn", "fires"), [
    # A privacy question in hiragana naming a piece of data GiNZA cuts in two (じゅうしょ → じゅう|しょ):
    # the pieces spelling the data word's reading are that word (#14 round 11); みる alone is 見る.
    ("わたしのじゅうしょ、だれがみるんですか", True),
    ("わたしのばんごう、だれがみるんですか", True),
    # Beside them: how to write an address, a film or homework someone watches, an address change.
    ("じゅうしょのかきかた、おしえてください", False),
    ("このえいが、だれがみるんですか", False),
    ("こどものしゅくだい、だれがみるんですか", False),
    ("じゅうしょをかえたいんですけど、どうすればいいですか", False),
])
def test_a_data_word_cut_in_pieces_in_hiragana(engine, rules_only, turn: str, fires: bool) -> None:
    for judge in (rules_only, engine):
        got = kinds(converse(judge, [("A", "ほかにご不明な点はございますか。"), ("C", turn)]))
        assert ("privacy_question" in got[-1]) is fires, got


@pytest.mark.parametrize(("turn", "offer"), [
    # Having a document or number at hand, put with a need question or a condition: an offer
    # (own sentences after the ninth blind set's run, where two such offers were missed).
    ("年金番号の控えならありますけど、必要ですか。", True),
    ("会社から年金番号の控えをもらってるんで、もし必要ならそれもありますけど。", True),
    ("健康保険証なら手元にあるけど、それでもいいかね", True),
    # Next to them: having it without offering it, a business number, not having it.
    ("保険証は手元にありますけど、番号がかすれて読めないんです。", False),
    ("注文番号ならありますけど、必要ですか。", False),
    ("マイナンバーカードは持ってないんですけど、必要ですか。", False),
    ("免許証は持ってますけど、どこに書いてあるんですか。", False),
])
def test_having_an_identifier_at_hand_put_with_a_need_offers_it(rules_only, turn: str, offer: bool) -> None:
    got = kinds(converse(rules_only, [("A", "ほかにご不明な点はございますか。"), ("C", turn)]))
    assert ("volunteered_info_offer" in got[-1]) is offer, got


# --- round 12: the families the ninth blind set exposed, generalised (own sentences, many speakers) ---

_CARD_CALL = "A:お支払いのカードについてお伺いします。"


@pytest.mark.parametrize(("turns", "fires"), [
    # The code read digit by digit in kanji or kana with ・/、/spaces after the card's back or its
    # signature strip, with a dialect ending (じゃ, たい, ばい, や), or asked for by its place and count.
    ([_CARD_CALL, "C:裏のは三・八・一じゃ"], True),
    ([_CARD_CALL, "C:裏のとこの数字は 二 五 九 ばい"], True),
    ([_CARD_CALL, "C:後ろの小さい数字？ 六・〇・三 や"], True),
    ([_CARD_CALL, "C:署名欄の横のは、一二三四やね"], True),
    ([_CARD_CALL, "C:裏返したら数字が三つ並んどるけど、ご・ろく・に"], True),
    (["A:カードを裏返していただいて、右側に3つ並んだ数字を読んでいただけますか。"], True),
    (["A:カードの裏の、最後の3桁の数字を教えてください。"], True),
    (["A:カードの裏面、サインの横に3桁の数字がございます。そちらをお願いします。"], True),
    # Hard negatives: the back of a house or a product, a field's size, a room, a card number's last
    # digits, a receipt, a name on the card's front.
    ([_CARD_CALL, "C:裏の駐車場に三台とめとるけん"], False),
    ([_CARD_CALL, "C:家の裏の畑は、三・四反くらいじゃ"], False),
    ([_CARD_CALL, "C:部屋番号は三〇五号室や"], False),
    ([_CARD_CALL, "C:カード番号の後ろの4桁は、ご、ろく、なな、はち"], False),
    (["A:製品の裏に3つ並んだネジを外してください。"], False),
    (["A:製品を裏返して、3つ並んだ番号を読んでください。"], False),
    (["A:レシートの裏に書いてある数字を教えてください。"], False),
    (["A:カードの表面に印字されたお名前をお願いします。"], False),
])
def test_a_security_code_read_digit_by_digit_or_asked_by_its_place(engine, turns: list[str], fires: bool) -> None:
    got = kinds(converse(engine, _turns(tuple(turns)), "billing"))
    assert ("card_security_code" in got[-1]) is fires, got


def test_security_code_places_and_spoken_digits_are_linear() -> None:
    """Bounded gaps and windows: 50k characters of near-misses are read well under a second."""
    import time

    from redactor.policy import security_code

    for unit in ("裏の、三・", "後ろの小さい", "署名欄の横の一", "裏返して3つ", "ご・ろく・"):
        text = (unit * (50_000 // len(unit) + 1))[:50_000]
        began = time.perf_counter()
        security_code.said(text, card=True), security_code.described(text, card=True)
        assert time.perf_counter() - began < 1.0


@pytest.mark.parametrize(("turn", "fires"), [
    # Dialect and tag forms (…かね, …かいな, …やろか), wondering (不思議で), a complaint that asks how the
    # company came by the data (なんでうちの住所知ってるの), the caller's own name published.
    ("わしの名前、ホームページに載ったりするんかね", True),
    ("名簿って、ホームページに名前載ったりするんかね", True),
    ("この電話、録音しよるんかいな", True),
    ("勝手に私の電話番号が知られてるのが不思議で", True),
    ("なんでうちの住所知ってるの", True),
    ("なんでうちの番号わかったんやろ", True),
    ("どこから私の携帯の番号を手に入れたんですか", True),
    # Hard negatives: a procedure asked with どこで…か, the company not finding a number, a parcel
    # found, a shop's map published, a fee kept after cancelling, a line that does not connect.
    ("どこで住所変更できるか知っとる?", False),
    ("なんで私の番号わからんの?", False),
    ("なんで荷物の場所分かったの?", False),
    ("ホームページにお店の地図載っとるかね", False),
    ("もし解約したら、違約金って残るの？", False),
    ("どうしてうちの電話がつながらんのか不思議で", False),
    ("この番号で合っとるかいな", False),
    ("うちの名前とか、よそに出したりせんじゃろうね", True),
])
def test_privacy_questions_in_dialect_tags_and_complaints(engine, rules_only, turn: str, fires: bool) -> None:
    got = kinds(converse(rules_only, [("A", "ほかにご不明な点はございますか。"), ("C", turn)]))
    assert ("privacy_question" in got[-1]) is fires, got
    if fires:  # the engine (rules and model) raises what the rules raise
        assert "privacy_question" in kinds(converse(engine, [("A", "ほかにご不明な点はございますか。"),
                                                             ("C", turn)]))[-1]


@pytest.mark.parametrize(("turn", "offer"), [
    # Offers in plain hiragana with spaces (speech recognition's text), 関西/広島 volitionals, なんやったら.
    ("ねんきんてちょうの ばんごうなら いまここにあるけど それでもいいかね", True),
    ("ひつようなら めんきょしょうの ばんごうも いえますけど", True),
    ("マイナンバーも言うたろか", True),
    ("なんやったら、パスポートの番号も…", True),
    ("必要やったら保険証の番号も言うけど", True),
    ("もしあれやったら、マイナンバーも…", True),
    ("保険証の番号も、言っとこか?", True),
    # Hard negatives: a business number in kana, not having it, not able to say it, calling again.
    ("ちゅうもんばんごうなら いまここにあるけど", False),
    ("免許証はいま持っとらんのよ", False),
    ("番号は言えんけん、ごめんね", False),
    ("なんやったら、また電話します", False),
])
def test_offers_in_hiragana_and_dialect(rules_only, turn: str, offer: bool) -> None:
    got = kinds(converse(rules_only, [("A", "ほかにご不明な点はございますか。"), ("C", turn)]))
    assert ("volunteered_info_offer" in got[-1]) is offer, got


def test_the_kana_view_spells_the_rules_words() -> None:
    from redactor.policy.clauses import KANA_WORDS, text_views

    spaced = "ひつようなら めんきょしょうの ばんごうも いえますけど"
    assert text_views(spaced) == [spaced, "必要なら免許証の番号もいえますけど"]
    assert text_views("ちゅうもんばんごうなら") == ["ちゅうもんばんごうなら", "注文番号なら"]
    assert text_views("免許証の番号です") == ["免許証の番号です"]  # no long kana run: the text alone
    assert "必要" in KANA_WORDS


@pytest.mark.parametrize(("turns", "fires"), [
    # One question over two short turns: the caller names their data, then asks what becomes of it.
    (["C:先週送った保険証の写真なんですけど", "A:はい、お預かりしております。",
      "C:あれって、あとで消してもらえるんですか"], True),
    (["C:登録した住所のことなんやけど", "A:はい。", "C:ずっと残るん？"], True),
    # Hard negatives: a parcel named before, a photo's colour, a question two caller turns later.
    (["C:先週注文した靴なんですけど", "A:はい。", "C:あれって、いつ届くんですか"], False),
    (["C:送った写真の色なんですけど", "A:はい。", "C:もうちょっと明るくできますか"], False),
    (["C:登録した住所のことなんやけど", "A:はい。", "C:あ、その前に、今日の天気すごいですね", "A:そうですね。",
      "C:ずっと残るん？"], False),
])
def test_a_privacy_question_over_two_short_turns(rules_only, turns: list[str], fires: bool) -> None:
    got = kinds(converse(rules_only, _turns(tuple(turns))))
    assert ("privacy_question" in got[-1]) is fires, got


@pytest.mark.parametrize(("text", "found"), [
    # A lexicon word spelled several ways (障[害がい碍]者手帳) is read in hiragana too, as its first spelling.
    ("主人が しょうがいしゃてちょう もっとるけん", True),
    ("むすこが はったつしょうがいで、でんわが にがてなんよ", True),
    ("ははは しかくしょうがい があって", True),
    # Hard negatives: an outage, a word holding the reading's sound inside it.
    ("つうしんしょうがいで つながらんかったんよ", False),
    ("しょうがいぶつきょうそうに でるんよ", False),
])
def test_a_lexicon_word_of_several_spellings_is_read_in_hiragana(text: str, found: bool) -> None:
    assert bool(SensitiveDetector().find(text)) is found


@pytest.mark.parametrize(("turn", "fires"), [
    # A photo of an identity document sent through an app is the caller's data, not the app's feature.
    ("アプリから在留カードの写真を送ったんですけど、あれ、あとで消してくれます？", True),
    ("アプリでマイナンバーカードの画像アップしたけど、ずっと残るんですか", True),
    ("アプリでパスポートの写真、送りました。あの写真、あとで、消しますか？", True),
    # Hard negatives: the app's own album, taking the photo, a passport's renewal.
    ("アプリで撮った風景の写真って、アルバムに保存できますか", False),
    ("パスポートの写真って、アプリで撮っても大丈夫ですか", False),
    ("アプリでパスポートの更新の予約ってできますか", False),
])
def test_an_identity_documents_photo_sent_through_an_app(rules_only, turn: str, fires: bool) -> None:
    got = kinds(converse(rules_only, [("A", "ほかにご不明な点はございますか。"), ("C", turn)]))
    assert ("privacy_question" in got[-1]) is fires, got


# Round 13 (#14): families of the tenth blind set's misses and false alarms (spent, development
# data), in sentences written for this file, several registers.  (policy, kind, turns, fires): the
# rules alone, so the structure is what is tested.
ROUND13 = [
    # agent: an unneeded number asked by its description or as noting it down
    ("general_support", "agent_requests_unneeded",
     ["A:審査がございますので、税と社会保障の番号もお願いできますか。"], True),
    ("general_support", "agent_requests_unneeded", ["A:社会保障と税の番号、教えてもろてええですか。"], True),
    ("general_support", "agent_requests_unneeded",
     ["A:ご返金いたしますので、お振り込みする銀行と支店をお願いいたします。"], True),
    ("general_support", "agent_requests_unneeded", ["A:年金の手帳に載っている番号もお聞かせいただけますか。"], True),
    ("general_support", "agent_requests_unneeded", ["A:ご新規のお客様には、保険証の番号も伺っております。"], True),
    ("general_support", "agent_requests_unneeded", ["A:ご住所とパスポートの番号は伺っております。"], False),
    ("general_support", "agent_requests_unneeded", ["A:保険証の番号も、先ほど伺っております。"], False),
    ("general_support", "agent_requests_unneeded", ["A:念のため、保険証の番号をこちらで控えさせてください。"], True),
    ("general_support", "agent_requests_unneeded", ["A:パスポートの番号をこちらでメモさせてください。"], True),
    # hard negatives: what the policy needs noted down, a number said not to be needed
    ("general_support", "agent_requests_unneeded", ["A:お名前とお電話番号をこちらで控えさせてください。"], False),
    ("general_support", "agent_requests_unneeded", ["A:マイナンバーはお伺いしなくても大丈夫です。"], False),
    ("general_support", "agent_requests_unneeded",
     ["A:免許証の番号は言わんでも、いや、言わなくてもいいですよ。"], False),
    ("general_support", "agent_requests_unneeded",
     ["A:カード番号はお聞きしなくても結構です、製品の型番をお願いします。"], False),
    ("billing", "agent_requests_unneeded", ["A:お引き落としの銀行と支店をお願いします。"], False),
    # a card's number asked with its code is one act: the code's warning, not a card request as well
    ("general_support", "agent_requests_unneeded",
     ["A:カードでお支払いなら、カード番号と裏面の3桁をお願いします。"], False),
    ("general_support", "agent_requests_unneeded", ["A:カード番号をお願いできますか。"], True),
    # security code: a count of digits asked by itself, a count in kana, a hesitation in between
    ("billing", "card_security_code", ["A:カード番号と、署名欄のところにある3ケタをお願いします。"], True),
    ("billing", "card_security_code", ["A:カードのうらの、みっつの数字を教えてください。"], True),
    ("billing", "card_security_code",
     ["A:カードの裏、サイン欄の右に小さく印刷されとる…あ、失礼いたしました、"
      "印刷されております四桁の数字もお願いします。"], True),
    # hard negatives: digits of the card's own number, a product's back, a count of items
    ("billing", "card_security_code", ["A:カード番号の下4桁をお願いします。"], False),
    ("billing", "card_security_code", ["A:カードの裏の14桁、あ、これはポイントカードでした。"], False),
    ("billing", "card_security_code", ["A:製品の裏に貼ってある3桁のシールの番号をお願いします。"], False),
    ("billing", "card_security_code", ["A:カードの裏面のご署名をお願いします。お申し込みは3つまでです。"], False),
]


# Round 14: a described identifier the call's policy needs is no unneeded request.
ROUND14_POLICIES = [
    ("tax_social", "agent_requests_unneeded",
     ["A:顔写真のついた12桁の番号のカード、そちらの番号をお願いします。"], False),
    ("identity_document", "agent_requests_unneeded", ["A:海外旅行で使う赤い手帳の番号をお願いします。"], False),
    ("general_support", "agent_requests_unneeded", ["A:海外旅行で使う赤い手帳の番号をお願いします。"], True),
]


@pytest.mark.parametrize(("policy", "kind", "turns", "fires"), ROUND13 + ROUND14_POLICIES)
def test_round13_families(rules_only, policy: str, kind: str, turns: list[str], fires: bool) -> None:
    got = kinds(converse(rules_only, _turns(tuple(turns)), policy))
    assert (kind in got[-1]) is fires, got


@pytest.mark.parametrize(("turns", "fires"), [
    # A wild animal's illness in a pest or garden call is the animal's (as a pet's is) ...
    (["C:裏の畑にハクビシンが出よって、なんか病気なんか毛が抜けとるんです。"], False),
    (["C:たぬきが毎晩来るんですけど、皮膚病みたいで見てて可哀想で。"], False),
    (["C:庭にタヌキも来よるけど、そいつは皮膚病か知らんけど毛がぼろぼろなんよ。"], False),
    # ... unless a person is named with it; and 琉球 in a business's or craft's name is no origin.
    (["C:アライグマの件ですけど、私、糖尿病で足が悪くて立ち会えないんです。"], True),
    (["A:お電話ありがとうございます。琉球ガラス工房てぃーだ、受付の比嘉です。"], False),
    (["A:はい、琉球三線サークルうたの輪、事務局の金城です。"], False),
    (["C:母方が琉球の血をひいてて、名字が珍しいんです。"], True),
])
def test_round13_sensitive_animals_and_names(engine, turns: list[str], fires: bool) -> None:
    got = kinds(converse(engine, _turns(tuple(turns))))
    assert ("sensitive_info" in got[-1]) is fires, got
