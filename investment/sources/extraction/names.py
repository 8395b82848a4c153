"""The names the extractor recognises: regions, parks, projects and companies with their aliases and ids.

Names are matched on jieba's segmentation with every name and alias in its user dictionary, so a name
is found only where it stands as a word (振东 in 振东集团's sentence, not inside another word). A name
the book does not know but that ends like one (…项目, …有限公司, …产业园) is proposed as a new entity.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import jieba
import jieba.posseg

from .candidates import Scope
from .text import NormalisedText, to_simplified

jieba.setLogLevel(logging.WARNING)

SCOPE_KINDS = ("project", "company", "park", "region")
_NAME_FREQ = 10**7  # far above any dictionary word, so a known name always wins its segment
_LOCK = threading.Lock()

# Words that end a name and say what it names; the suffix stays part of the proposed name unless dropped.
_SUFFIXES = [
    ("有限责任公司", "company", False),
    ("有限公司", "company", False),
    ("股份公司", "company", False),
    ("集团", "company", False),
    ("公司", "company", False),
    ("产业园", "park", False),
    ("工业园", "park", False),
    ("园区", "park", False),
    ("开发区", "park", False),
    ("项目", "project", True),
    ("工程", "project", False),
]
# Tokens that never sit inside a name: what a sentence does to a project, and function words.
_NOT_IN_NAME = set(
    "的 和 与 及 等 了 在 是 将 已 为 对 把 让 使 由 从 以 向 并 或 其 该 这 其中 包括 低于 高于 以上 共有 "
    "全省 全市 全区 全国 各 全力 加快 推进 推动 建设 "
    "实施 完成 启动 开工 投产 签约 引进 引入 落地 打造 新建 建成 开展 争取 围绕 聚焦 依托 支持 服务 助力 "
    "实现 持续 积极 重点 谋划 招引 储备 成功 全面 正式 已经 目前 今年 去年 明年 随着 作为 通过".split()
)
_PROPER_FLAGS = {"ns", "nz", "nt", "nr", "nrt", "nrfg", "eng"}
_KEEP_FLAGS = ("n", "v", "a", "j", "l", "b", "m", "eng", "i", "g", "k", "s", "f", "t", "z")


@dataclass(frozen=True)
class Mention:
    start: int  # in the normalised text
    end: int
    scope: Scope
    known: bool = True  # False: a proposed new entity, named as printed


@functools.cache
def _tokenizer() -> tuple[jieba.Tokenizer, jieba.posseg.POSTokenizer]:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer, jieba.posseg.POSTokenizer(tokenizer)


def _key(name: str) -> str:
    return re.sub(r"\s+", "", to_simplified(name))


class NameBook:
    """Names and aliases of regions, parks, projects and companies, each with its row's id."""

    def __init__(self, entries: Iterable[tuple[str, str, Iterable[str], int | None]] = ()):
        self._by_key: dict[str, Scope] = {}
        self._registered: set[str] = set()
        self._pattern: re.Pattern | None = None
        for kind, name, aliases, pk in entries:
            self.add(kind, name, aliases, pk)

    def add(self, kind: str, name: str, aliases: Iterable[str] = (), pk: int | None = None) -> None:
        """A name and its aliases. A name or alias already in the book keeps its first entity (one alias,
        one entity): callers add the more specific kinds first."""
        if kind not in SCOPE_KINDS:
            raise ValueError(f"scope kind {kind!r} is not one of {SCOPE_KINDS}")
        scope = Scope(kind, name, pk)
        for spelling in (name, *aliases):
            key = _key(spelling)
            if len(key) >= 2:
                self._by_key.setdefault(key, scope)
        self._pattern = None

    def __len__(self) -> int:
        return len({s for s in self._by_key.values()})

    def __contains__(self, name: str) -> bool:
        return _key(name) in self._by_key

    def get(self, name: str) -> Scope | None:
        return self._by_key.get(_key(name))

    def _segment(self, text: str) -> list[tuple[str, str, int]]:
        """(word, part of speech, start) over the normalised text, with every name as one word."""
        tokenizer, pos = _tokenizer()
        with _LOCK:  # jieba's dictionaries are shared: add this book's names once, cut under the lock
            for key in self._by_key.keys() - self._registered:
                tokenizer.add_word(key, _NAME_FREQ, "nz")
                self._registered.add(key)
            words = pos.lcut(text, HMM=True)
        out, at = [], 0
        for w in words:
            out.append((w.word, w.flag, at))
            at += len(w.word)
        return out

    def mentions(self, text: NormalisedText) -> list[Mention]:
        """Every known name in the text, and every proposed one (named as printed), in order."""
        tokens = self._segment(text.text)
        found: list[Mention] = []
        i = 0
        while i < len(tokens):
            hit = None
            for k in range(min(4, len(tokens) - i), 0, -1):  # a name jieba still split stays whole
                word = "".join(t[0] for t in tokens[i : i + k])
                if word in self._by_key:
                    hit = (k, word)
                    break
            if hit:
                k, word = hit
                start = tokens[i][2]
                found.append(Mention(start, start + len(word), self._by_key[word]))
                i += k
                continue
            if tokens[i][1] == "nz" and len(tokens[i][0]) > 2:
                # jieba's dictionary is shared: a longer name of another book may hold one of this book's
                found.extend(self._inside(tokens[i][0], tokens[i][2]))
            proposal = self._proposal(text, tokens, i, found)
            if proposal:
                found.append(proposal)
            i += 1
        return found

    def _inside(self, word: str, at: int) -> list[Mention]:
        if self._pattern is None:
            keys = sorted(self._by_key, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, keys))) if keys else re.compile(r"(?!)")
        return [Mention(at + m.start(), at + m.end(), self._by_key[m.group(0)]) for m in self._pattern.finditer(word)]

    def _proposal(self, text: NormalisedText, tokens, i: int, found: list[Mention]) -> Mention | None:
        """A new entity when tokens[i] is a name's suffix and the words before it read as a name."""
        word = tokens[i][0]
        suffix = next((s for s in _SUFFIXES if s[0] == word), None)
        if suffix is None:
            return None
        _, kind, drop = suffix
        last_known_end = found[-1].end if found else 0
        j = i
        while j > 0 and i - j < 6:
            w, flag, start = tokens[j - 1]
            if start < last_known_end or w in _NOT_IN_NAME or not flag.startswith(_KEEP_FLAGS):
                break
            if not re.fullmatch(r"[A-Za-z\u4e00-\u9fff·]+", w) or any(w == s[0] for s in _SUFFIXES):
                break  # punctuation, a number or another name's end
            j -= 1
        # A name has a proper noun in it (a place, a brand, a company: 润珠食品预制菜, 山西霍家工业); words
        # alone (领代办项目, 低于全省开发区) describe a kind of thing rather than name one.
        if not any(flag in _PROPER_FLAGS for _, flag, _ in tokens[j:i]):
            return None
        start = tokens[j][2]
        end = tokens[i][2] + (0 if drop else len(word))
        name_end = tokens[i][2] + len(word)
        if end - start < 3:
            return None
        # No id: the reviewer decides whether it is new or a spelling to add to a known one as an alias.
        return Mention(start, name_end, Scope(kind, text.original_slice(start, end), None), known=False)


def name_book_from_db() -> NameBook:
    """Every region, park, project and company in the database (synthetic rows too: they are real rows)."""
    from parks.models import Park, Region
    from projects.models import Company, Project

    book = NameBook()
    for pk, name, aliases in Project.objects.values_list("pk", "name", "aliases"):
        book.add("project", name, aliases or [], pk)
    for pk, name, aliases in Company.objects.values_list("pk", "name", "aliases"):
        book.add("company", name, aliases or [], pk)
    for pk, name, aliases in Park.objects.values_list("pk", "name", "aliases"):
        book.add("park", name, aliases or [], pk)
    for pk, name in Region.objects.values_list("pk", "name"):
        book.add("region", name, [], pk)
    return book


def name_book_from_curation(files) -> NameBook:
    """The names the curation files give (merged across files), without ids: for scoring the extractor on
    a database that has not imported them."""
    from ..curation import merge_entities

    merged = merge_entities(files)
    book = NameBook()
    for key, kind in (
        ("projects", "project"),
        ("companies", "company"),
        ("platform_companies", "company"),
        ("parks", "park"),
        ("regions", "region"),
    ):
        for name, record in merged[key].items():
            book.add(kind, name, record.get("aliases") or [])
    return book
