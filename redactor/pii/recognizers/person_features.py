"""What the trained PERSON scorer (``redactor.pii.person_model``) reads about one candidate.

Features that generalise, not the name itself: no surface string of the candidate becomes a
feature (a list of names seen in training would only memorise them).  A candidate is described
by

- the rules' verdict on it (which rule decided, the support/against tallies, GiNZA's Person
  label, a dictionary name shape, the sentence's say-so);
- SudachiPy's tags of its tokens and of the two tokens on each side, the lemmas of those
  context words (特に 氏, 監督, 生まれ, 就任 …), GiNZA's entity labels on it and around it;
- its place in the dependency tree: its relation to its head and the head's lemma when the
  head is outside the candidate (…は 就任した → ``h:就任``);
- what the dictionary lists for its tokens (姓/名, known at all, only a name);
- the script shape of the candidate (kanji / katakana / joined parts), its length, and
  whether it or its last part is repeated in the text;
- the context predicates the rules use (a title or honorific beside it, a compound after it,
  a work title, an organisation's or a place's predicate, a person's deed).

Digits never reach a feature (GiNZA sees every digit as 0).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from redactor.pii.lexicon import entry
from redactor.pii.recognizers import person_evidence as ev
from redactor.pii.recognizers.person_context import (
    JOINERS,
    defined_as_a_thing,
    doc_text,
    next_text,
    organisation_deed,
    organisation_predicate,
    person_deed,
    place_predicate,
    said_to_be_a_person,
    work_title,
)

_SCRIPTS = ((re.compile(r"[一-龥々〆ヵヶ]"), "K"), (re.compile(r"[ァ-ヴー]"), "k"), (re.compile(r"[ぁ-ゖ]"), "h"),
            (re.compile(r"[A-Za-z.]"), "L"))
# Lemmas of context words kept as features: content words and particles, not symbols or numbers.
_NO_LEMMA = re.compile(r"^[\s\d0-9０-９]*$")


def _script(ch: str) -> str:
    if ch in JOINERS:
        return "J"
    return next((name for pattern, name in _SCRIPTS if pattern.match(ch)), "O")


def shape(value: str) -> str:
    """The scripts of ``value`` with runs collapsed (山田 → K, ビル・ロマス → kJk)."""
    out = ""
    for ch in value:
        s = _script(ch)
        if not out.endswith(s):
            out += s
    return out[:6]


def _word(prefix: str, tok: Token) -> set[str]:
    """A context word: its tag, its lemma (not a number, not a name) and GiNZA's label on it."""
    found = {f"{prefix}t:{tok.tag_}", f"{prefix}e:{tok.ent_type_ or '-'}"}
    if "人名" in tok.tag_ or tok.ent_type_ == "Person":
        return found  # another name beside it: its tag says so, its text never becomes a feature
    if not _NO_LEMMA.match(tok.lemma_) and not tok.is_punct:
        found.add(f"{prefix}l:{tok.lemma_}")
    elif tok.is_punct:
        found.add(f"{prefix}l:{tok.text}")
    return found


def features(doc: Doc, v: ev.Verdict, verdicts: list[ev.Verdict]) -> set[str]:
    """The binary features of candidate ``v`` (token range ``v.start:v.end`` of ``doc``)."""
    tokens = doc[v.start:v.end]
    value = tokens.text
    found = {f"b:{v.branch}", f"b:{v.branch}:{int(v.accepted)}", f"ag:{min(v.against, 5)}",
             f"sup:{v.support}", f"net:{max(-3, min(3, v.support - v.against))}",
             f"sh:{shape(value)}", f"len:{min(len(value), 8)}", f"nt:{min(len(tokens), 4)}"}
    found |= {name for name, on in (("acc", v.accepted), ("g", v.ginza), ("lx", v.lexical), ("sd", v.said),
                                    ("wk", v.weak), ("x", v.extra)) if on}
    # the candidate's own tokens: tags, labels, what the dictionary lists
    for t in tokens:
        found |= {f"t:{t.tag_}", f"e:{t.ent_type_ or '-'}"}
        if t.text not in JOINERS:
            listed = entry(t.text)
            found |= {f"dk:{k}" for k in listed.kinds}
            found.add("donly" if listed.only_person else "dknown" if listed.known else "dunk")
    found |= {f"ft:{tokens[0].tag_}", f"lt:{tokens[-1].tag_}"}
    if any(t.ent_type_ in ev.AGAINST_LABELS for t in tokens):
        found.add("eag")
    # two words on each side
    for k in (1, 2):
        if v.start - k >= 0:
            found |= _word(f"p{k}", doc[v.start - k])
        else:
            found.add(f"p{k}:^")
        if v.end - 1 + k < len(doc):
            found |= _word(f"n{k}", doc[v.end - 1 + k])
        else:
            found.add(f"n{k}:$")
    if v.start > 0 and doc[v.start - 1].whitespace_:
        found.add("spb")
    if tokens[-1].whitespace_:
        found.add("spa")
    # the dependency tree: the candidate's relation to what is outside it
    for t in tokens:
        if not v.start <= t.head.i < v.end or t.head.i == t.i:
            found.add(f"d:{t.dep_}")
            if t.head.i != t.i:
                head = t.head
                found.add(f"h:{head.lemma_}" if "人名" not in head.tag_ and head.ent_type_ != "Person" else "h:<name>")
                found.add(f"hp:{t.head.pos_}")
            break
    # the same name, or its last part, elsewhere in the text
    text = doc_text(doc)
    if text.count(value) > 1:
        found.add("rep")
    last = tokens[-1].text
    if len(tokens) > 1 and len(last) >= 2 and text.count(last) > 1:
        found.add("replast")
    if sum(1 for w in verdicts if w.start < v.end and v.start < w.end) > 1:
        found.add("overlap")
    # the rules' context predicates, whichever rule decided
    nxt = next_text(doc, v.end)
    checks = (
        ("ta", ev._title_after(doc, v.end)), ("tb", ev._title_before(doc, v.start)),
        ("suf", nxt in ev.NAME_SUFFIXES), ("psuf", nxt in ev._PERSON_SUFFIXES),
        ("cb", ev._compound_before(doc, v.start)), ("wt", work_title(doc, v.start, v.end)),
        ("op", organisation_predicate(doc, v.end) or organisation_deed(doc, v.end)),
        ("pp", place_predicate(doc, v.end)), ("dt", defined_as_a_thing(doc, v.start, v.end)),
        ("sp", said_to_be_a_person(doc, v.start, v.end, ev.TITLES)), ("pd", person_deed(doc, v.end, ev.TITLES)),
        ("ob", ev._organisation_before(doc, v.start)), ("lone", ev._lone(doc, v.start, v.end)),
    )
    found |= {name for name, on in checks if on}
    found.add(f"ca:{ev._compound_after(doc, v.end)}")
    return found
