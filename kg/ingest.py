"""Stage 1: newspaper page files -> decoded text -> cleaned text -> ``Article`` records.

Pages are ``.txt`` files of city party dailies, mostly text extracted from PDF. Reading checks
the encoding (UTF-8, UTF-8 with BOM, GB18030/GBK, Big5) and refuses binary or garbled data
rather than guessing. A page written in traditional characters (a tenth of its Han characters
or more) is put into simplified ones with OpenCC, as the model and the division data are
simplified; its names and evidence then read in simplified characters. Cleaning undoes
extraction damage: sentences broken over lines, characters spaced out, stray spaces, bold
markers, full-width letters and digits, and what web pages leave in saved text: HTML
character references (&nbsp;, &ldquo;) and the pinyin some sites write after characters.
Splitting finds the articles of a page: headline (with kicker, subtitle or section label),
byline, body, and photo captions that end with a credit line ("■ 朱海波 陈丽丽"). Text saved
from a web page has its own marks: the line of date, source and author under the headline
(发布时间:2017-12-22 来源:… 作者:…) is a byline whose date dates the article, a headline may
stand right above it or above the body's dateline with no blank line between, and lines of
source and editor after the body close the article.

Two page layouts occur: headline first (the usual one) and headline last, where the
extraction puts each headline after its body. An article's text is the slice of the cleaned
page from its first to its last line, headline included wherever it stands.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from itertools import zip_longest
from pathlib import Path

import opencc
from charset_normalizer import from_bytes

from kg.records import Article

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_OPENING = "“‘（《〈「『【〔(\"'"
_CLOSING = "”’）》〉」』】〕)\"'"
_FULL_PUNCT = "，。、；：？！“”‘’（）《》〈〉「」『』【】〔〕"
_FINAL = "。！？；：!?;:…"
_SENTENCE_PUNCT = "，。；！？,;!?"

_HAN_RE = re.compile(f"[{_HAN}]")
_SPACES_RE = re.compile(r"[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH_RE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
_CHARACTER_REFERENCE_RE = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
)
"""An HTML character reference (&nbsp;, &ldquo;, &#12288;) left in text saved from a web page."""
_TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PLAUSIBLE_SYMBOLS = frozenset(f"·°×÷±§¥£€\tü{_TONE_VOWELS}")
"""Characters outside the plausible blocks that Chinese news and saved web pages write."""
_PINYIN_GLOSS_RE = re.compile(f"(?<=[{_HAN}])[(（][a-zü]*[{_TONE_VOWELS}][a-zü]*[)）]")
"""The pinyin some sites write after a character (鎮(zhèn), 產(chǎn)): not part of the text."""
_LINE_BREAK_RE = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_FULLWIDTH_ALNUM = {
    **{0xFF10 + i: ord("0") + i for i in range(10)},
    **{0xFF21 + i: ord("A") + i for i in range(26)},
    **{0xFF41 + i: ord("a") + i for i in range(26)},
}
_BLANK_RUN_RE = re.compile(r"\n{4,}")
_SPACED_NAME_RE = re.compile(f"(?<![^ ])([{_HAN}]) +([{_HAN}])(?![^ ])")
"""Two single characters that stand alone between spaces (a name spaced out: 周 涛)."""
_PUNCT_SPACE_RE = re.compile(f" +(?=[{_FULL_PUNCT}])|(?<=[{_FULL_PUNCT}]) +")
_UNITS = "年月日时点分秒号个位万亿千百元吨亩米家项名人次余多倍岁天周批台座条件场户辆届期度"
_UNIT_SPACE_RE = re.compile(f"(?<=\\d) (?=[{_UNITS}])")
_DATE_SPACE_RE = re.compile(r"(?<=[年月]) (?=\d{1,2} ?[月日号])")
_SHORT_TOKEN_RE = re.compile(
    f"[{_FULL_PUNCT},.:;]*(?:[{_HAN}]|[\\d.%—-]+)[{_FULL_PUNCT},.:;%]*|[{_FULL_PUNCT}]+"
)
_QUOTED_RE = re.compile("“[^“”]{1,24}”")
_LIST_RE = re.compile(
    r"(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、．](?!\d)|[-•●◆▪]\s)"
)
_LABEL_RE = re.compile(f'[{_HAN}]{{2,8}}[:：](?![“"‘])')
_NEWS_RE = re.compile(f"本报(?:讯|电|[{_HAN}]{{2,4}}电)(?:\\s*[（(][^（()）\\n]{{0,60}}[)）])?")
_BYLINE_PAREN_RE = re.compile("[（(][^（()）]{0,60}(?:记者|通讯员)[^（()）]{0,60}[)）]")
"""A credit in brackets, wherever the line writes it (本报讯(记者 A B), 东南网漳州10月16日讯(通讯员
A B 本网记者 C)): its spaces part names."""
_ROLE_RE = re.compile("特约记者|记者|通讯员|实习生|摄影")
_AUTHOR_RE = re.compile("^作者[:：]?")
"""The 作者 field of a web page's byline (作者:申梨 牟文): names follow."""
_ROLE_PREFIX_RE = re.compile(f"[{_HAN}]{{0,6}}")
_NEWS_PREFIX_RE = re.compile("^本报[^（(]*|[（()）]")
_END_DATE_RE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_NAME_RE = re.compile(f"[{_HAN}]{{2,4}}|[{_HAN}]{{1,6}}·[{_HAN}]{{1,6}}")
_FULL_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_NUMERIC_DATE_RE = re.compile(r"(?<![\d.])((?:19|20)\d{2})([-/.])(\d{1,2})\2(\d{1,2})(?![\d.])")
"""A date as web pages print it: 2017-12-22, 2017/12/22, 2017.12.22."""
_META_FIELD_RE = re.compile(
    "[【\\[(（]?(?:(?:发布|发稿|更新)(?:时间|日期)|稿件来源|文章来源|信息来源|来源|稿源|出处|作者|责任编辑|"
    "责编|编辑|审核|校对|初审|复审|终审|监制|浏览次数|点击数|字号)\\s*[:：]|[【\\[]?(?:时间|日期)\\s*[:：]\\s*(?:19|20)\\d{2}|"
    "第[A-Z]?[\\d一二三四五六七八九十〇]{1,3}版"
)
"""A field of the line that web pages print under a headline or at the end of an article
(发布时间:2017-12-22 来源:汉寿政府网站 作者:刘杰; 责任编辑:余凌; (来源:网站编辑); an e-paper's
第一版:要闻)."""
_SOURCE_NAME_RE = re.compile(f"[{_HAN}]{{2,12}}(?:报|网|客户端|发布)")
"""A paper, site or account that a web page names as its source (廊坊日报, 梅河口发布)."""
_META_SOURCE_RE = re.compile(
    f"{_SOURCE_NAME_RE.pattern}[ /|丨]+(?=(?:19|20)\\d{{2}}|第[A-Z]?\\d{{1,3}}版)"
)
"""The source a web page names before the date on that line (鄂尔多斯日报 / / 2019-04-04 16:54)."""
_META_AUTHOR_RE = re.compile(f"(?:[{_HAN}]{{2,4}} +)+(?=(?:19|20)\\d{{2}})")
"""The names a web page prints before the date on that line (刘杰 2023-3-2 09:06 廊坊日报)."""
_META_DATE_RE = re.compile(
    r"(?:19|20)\d{2}(?:([-/.])\d{1,2}\1\d{1,2}|\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?(?:\s*星期[一二三四五六日天])?"
    r"|\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}"
)
"""A line of a web page that opens with its date and time (2021-07-13 09:13 | 来源: 梅河口发布;
02-24 17:24 without the year); a date alone in 年月日 without a time is a notice's signature
or a page's dateline, not this."""
_DATELINE_RE = re.compile(
    r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*(?:日|(?=[至到—~-]\d{1,2}\s*日))"
)
_OPENING_DATELINE_RE = re.compile(
    r"\d{1,2}月\d{1,2}日(?:上午|下午|晚上|晚|早上|凌晨|中午)?[,，]"
    f"|[{_HAN}]{{1,8}}(?:网|社|台)[{_HAN}]{{0,6}}\\d{{1,2}}月\\d{{1,2}}日[{_HAN}]{{0,6}}(?:消息|电|讯)"
)
"""A body that opens with its date (7月18日上午,) or with an agency's or a site's dateline
(台湾网5月8日辽阳消息, 新华社北京5月8日电): the line above it, if no sentence, is its headline
even without a blank line between them, as text copied from a web page has it."""
_INVALID = {"Cc", "Cn", "Co", "Cs"}
_TEXT_KINDS = ("body", "caption", "credit", "news")
_DATELINE_WINDOW = 40
"""A dateline starts within this many characters of the start of the body."""
_HEADLINE_LINES = 3
"""The most lines a headline group stands in right above its body's opening line."""
_RELATED_RE = re.compile("新闻推荐|相关新闻|推荐阅读|相关阅读|延伸阅读|热点推荐|热门推荐")
"""A web page's label above the opening of other stories, each an article of its own."""
_FIELD_CHARS = 20
"""The longest field of a web page's line of fields parted by bars."""
_MARKUP_RE = re.compile(r"\ufeff?\s*<(?:!doctype\s+html|html|\?xml)[\s>]", re.IGNORECASE)
"""A saved web page or an XML file: its markup would be read as the article's words."""
MAX_ARTICLE_CHARS = 50_000
"""Longer articles are read in parts (:func:`_parts`); news articles are a tenth as long."""
_PART_ENDS = ("\n", "。！？", "；，,、 ")
"""Where a part of an overlong article may end, best first."""
TRADITIONAL_SHARE = 0.1
"""A page is put into simplified characters when at least this share of its Han characters
are traditional forms (news in simplified characters has at most 2%: 乾安县, 昇)."""
TRADITIONAL_KINDS = 3
"""... and at least this many different ones, so that a line naming 乾县 stays as written."""


class IngestError(Exception):
    """A page that cannot be read; str() is a one-line message naming the file and the problem."""


# --- reading ------------------------------------------------------------------------------


def read_bytes(path: Path) -> bytes:
    """The bytes of a page file; raises ``IngestError`` naming the file."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise IngestError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise IngestError(f"{path}: is a folder, not a page file") from None
    except OSError as exc:
        raise IngestError(f"{path}: cannot read ({exc.strerror or exc})") from None


def decode_page(data: bytes, path: Path) -> str:
    """The text of a page file's bytes, line endings as ``\\n``; raises ``IngestError``."""
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise IngestError(f"{path}: empty file")
    text = _LINE_BREAK_RE.sub("\n", _decode(data, path))
    if not text.strip():
        raise IngestError(f"{path}: empty file")
    if _MARKUP_RE.match(text):
        raise IngestError(f"{path}: an HTML page, not text (save the article as text)")
    return text


def read_page(path: Path) -> str:
    """Read and decode a page file, line endings as ``\\n``; raises ``IngestError``."""
    return decode_page(read_bytes(path), path)


def _decode(data: bytes, path: Path) -> str:
    """Decode strictly as UTF-8, then GB18030, then charset-normalizer's guess; check the text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates: list[str] = ["utf-16"]
    elif b"\x00" in data:
        raise IngestError(f"{path}: not a text page (binary data)")
    else:
        candidates = ["utf-8-sig", "gb18030"]
    problem = "undecodable: neither UTF-8 nor GB18030"
    for encoding in _candidate_encodings(data, candidates):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        reason = _garbage_reason(text, encoding)
        if reason is None:
            return text
        if problem.startswith("undecodable"):
            problem = reason
    raise IngestError(f"{path}: not a text page ({problem})")


def _candidate_encodings(data: bytes, first: list[str]) -> Iterator[str]:
    yield from first
    best = from_bytes(data).best()
    if best is not None and best.encoding not in {"utf_8", "gb18030", "utf_16"}:
        yield best.encoding


def _garbage_reason(text: str, encoding: str) -> str | None:
    """Why decoded text is not a text page, or None when it looks like real text."""
    chars = [c for c in text if c not in "\t\n\r\f\v" and unicodedata.category(c) != "Zs"]
    if not chars:
        return None
    if sum(1 for c in chars if ord(c) < 0x20 or c == "\x7f") > 0.01 * len(chars):
        return "binary data"
    garbled = f"garbled text when decoded as {encoding}"
    invalid = sum(1 for c in chars if c == "\ufffd" or unicodedata.category(c) in _INVALID)
    implausible = sum(1 for c in chars if not _plausible_char(c))
    if invalid > 0.01 * len(chars) or implausible > 0.05 * len(chars):
        return garbled
    hanzi = [c for c in chars if _HAN_RE.match(c) or ord(c) > 0xFFFF]
    if len(hanzi) < 5:
        return None
    rare = sum(1 for c in hanzi if not "\u4e00" <= c <= "\u9fff")
    uncommon = 0 if encoding.startswith("utf") else sum(not _common(c, encoding) for c in hanzi)
    if rare > max(1, 0.05 * len(hanzi)) or uncommon > max(1, 0.1 * len(hanzi)):
        return garbled
    return None


def _plausible_char(char: str) -> bool:
    """A character that Chinese news text is made of."""
    code = ord(char)
    return (
        0x20 <= code < 0x7F
        or 0x4E00 <= code <= 0x9FFF
        or 0x3000 <= code <= 0x303F
        or 0xFF01 <= code <= 0xFF5E
        or 0xFFE0 <= code <= 0xFFE6
        or 0x2000 <= code <= 0x206F
        or 0x2150 <= code <= 0x218F
        or 0x2460 <= code <= 0x24FF
        or 0x25A0 <= code <= 0x25FF
        or char in _PLAUSIBLE_SYMBOLS
    )


@cache
def _common(char: str, encoding: str) -> bool:
    """A hanzi of GB2312, or of Big5 for Big5 text: real text is mostly made of these; a wrong
    decoding yields rare characters."""
    try:
        char.encode("big5" if encoding.startswith(("big5", "cp950")) else "gb2312")
    except UnicodeEncodeError:
        return False
    return True


# --- cleaning -----------------------------------------------------------------------------


@dataclass
class _RawLine:
    text: str
    indented: bool


def clean_text(text: str) -> str:
    """Undo PDF-extraction damage: broken lines, spaced-out characters, stray spaces, markup."""
    raw = [_prepare_line(line) for line in _normalise_chars(text).split("\n")]
    lines = [_fix_spaces(line) for line in _join_lines(raw)]
    return _BLANK_RUN_RE.sub("\n\n\n", "\n".join(lines)).strip("\n")


@cache
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """The page in simplified characters if it is written in traditional ones, else as it is."""
    han = Counter(_HAN_RE.findall(text))
    if not han:
        return text
    kinds = sorted(han)
    converted = _to_simplified().convert("\n".join(kinds)).split("\n")
    traditional = [char for char, new in zip(kinds, converted, strict=True) if new != char]
    share = sum(han[char] for char in traditional) / han.total()
    if share < TRADITIONAL_SHARE or len(traditional) < TRADITIONAL_KINDS:
        return text
    return _to_simplified().convert(text)


def _normalise_chars(text: str) -> str:
    text = _CHARACTER_REFERENCE_RE.sub(lambda found: html.unescape(found.group()), text)
    text = _PINYIN_GLOSS_RE.sub("", text)
    text = _LINE_BREAK_RE.sub("\n", text).replace("**", "")
    text = _ZERO_WIDTH_RE.sub("", text.translate(_FULLWIDTH_ALNUM))
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc")
    return _SPACES_RE.sub(" ", text)


def _prepare_line(line: str) -> _RawLine:
    """Strip a line, remembering its indent (a paragraph start), and close up spacing: of
    a spaced-out line, of punctuation, and of two-character names in a byline, which papers
    space out to the width of three (本报记者 周 涛)."""
    stripped = line.strip(" ")
    indented = bool(stripped) and line.startswith(" ")
    text = _PUNCT_SPACE_RE.sub("", _join_spaced_out(stripped))
    closed = _SPACED_NAME_RE.sub(r"\1\2", text)
    return _RawLine(closed if closed != text and _is_byline_line(closed) else text, indented)


def _join_spaced_out(line: str) -> str:
    """Close up runs of single characters spaced out by the extraction ("本 报 记 者")."""
    tokens = line.split(" ")
    out: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if token and _SHORT_TOKEN_RE.fullmatch(token):
            run.append(token)
            continue
        han_tokens = sum(1 for t in run if _HAN_RE.search(t))
        out.extend(["".join(run)] if len(run) >= 3 and han_tokens >= 2 else run)
        run = []
        if token:
            out.append(token)
    return " ".join(out)


def _fix_spaces(line: str) -> str:
    line = _DATE_SPACE_RE.sub("", _UNIT_SPACE_RE.sub("", line))
    return _drop_stray_spaces(line) if _is_body_line(line) else line


def _drop_stray_spaces(line: str) -> str:
    """Drop spaces between CJK characters in running text, except in bylines and short quotes."""
    keep = set(range(len(line) - len(_inline_credit(line)), len(line)))
    for match in [*_BYLINE_PAREN_RE.finditer(line), *_QUOTED_RE.finditer(line)]:
        if match:
            keep.update(range(match.start(), match.end()))
    chars = list(line)
    for i in range(1, len(chars) - 1):
        if chars[i] == " " and i not in keep and _stray_space(chars[i - 1], chars[i + 1]):
            chars[i] = ""
    return "".join(chars)


def _stray_space(left: str, right: str) -> bool:
    left_ok = _is_han(left) or left in _FULL_PUNCT or left in ',;:"'
    right_ok = _is_han(right) or right in _FULL_PUNCT or right in '"('
    return left_ok and right_ok and (_is_han(left) or _is_han(right))


def _is_body_line(line: str) -> bool:
    """Running text: long enough and with sentence punctuation."""
    return len(line) >= 20 and any(c in _SENTENCE_PUNCT for c in line) and not _is_byline_line(line)


def _join_lines(raw: list[_RawLine]) -> list[str]:
    """Join the lines of broken sentences; blank lines stay as paragraph breaks."""
    out: list[str] = []
    gap = 0
    prev_body = False
    for block, blanks in _raw_blocks(raw):
        body = any(c in _SENTENCE_PUNCT for line in block for c in line.text)
        first = block[0]
        if gap == 1 and prev_body and body and _continues_across_blank(out[-2], first):
            out.pop()
            out[-1] += first.text
        else:
            out.append(first.text)
        head = _headline_rows([line.text for line in block])
        for i, line in enumerate(block[1:], 1):
            if line.indented:
                out.extend(["", line.text])
            elif i <= head:
                out.append(line.text)
            elif body and _continues(out[-1], line.text):
                out[-1] += _glue(out[-1], line.text) + line.text
            else:
                out.append(line.text)
        out.extend([""] * blanks)
        gap, prev_body = blanks, body
    return out


def _raw_blocks(raw: list[_RawLine]) -> Iterator[tuple[list[_RawLine], int]]:
    """Runs of non-blank lines, each with the number of blank lines after it."""
    block: list[_RawLine] = []
    blanks = 0
    for line in raw:
        if not line.text:
            blanks += 1
            continue
        if blanks and block:
            yield block, blanks
            block = []
        blanks = 0
        block.append(line)
    if block:
        yield block, blanks


def _glue(left: str, right: str) -> str:
    """Nothing between CJK characters; a space between two ASCII letters or digits."""
    ascii_words = all(c.isascii() and c.isalnum() for c in (left[-1], right[0]))
    return " " if ascii_words else ""


def _continues(left: str, right: str) -> bool:
    """Whether ``right`` continues the sentence that ``left`` (previous line) leaves open."""
    if _ends_sentence(left) or _is_byline_line(left) or _inline_credit(left):
        return False
    if _is_byline_line(right) or _news_prefix(right):
        return False
    if _starts_unit(right) or "\t" in left or "\t" in right:
        return False
    left_ok = _is_han(left[-1]) or left[-1].isalnum() or left[-1] in "，、,%·" + _OPENING + _CLOSING
    right_ok = _is_han(right[0]) or right[0].isalnum() or right[0] in _OPENING + _FULL_PUNCT
    return left_ok and right_ok


def _headline_rows(lines: list[str]) -> int:
    """How many of a block's first lines (up to ``_HEADLINE_LINES``) form a headline set right
    above the body's opening dateline or news item (7月18日上午,; 本报讯), else 0."""
    for rows in range(1, min(len(lines), _HEADLINE_LINES + 1)):
        if not _headline_line(lines[rows - 1]):
            return 0
        if _OPENING_DATELINE_RE.match(lines[rows]) or _news_prefix(lines[rows]):
            return rows
    return 0


def _headline_line(line: str) -> bool:
    """Whether a line can stand in a headline: short, no sentence, no news item's opening."""
    return (
        len(line) <= 50
        and not any(c in _SENTENCE_PUNCT + "。" for c in line)
        and not _news_prefix(line)
    )


def _continues_across_blank(left: str, right: _RawLine) -> bool:
    """Whether a sentence broken by a blank line goes on: "高标准建" / "设侯营棉服加工产业园"."""
    if right.indented or not _continues(left, right.text) or _LIST_RE.match(left):
        return False
    if not (_is_han(right.text[0]) or right.text[0] in _OPENING):
        return False
    last = left[-1]
    return (
        _is_han(last)
        or (last.isdigit() and _is_han(right.text[0]))
        or last in _OPENING
        or (last in "，、," and len(left) >= 12)
        or (last in _CLOSING and len(left) >= 20)
    )


def _starts_unit(line: str) -> bool:
    """A line that starts something of its own: list item, field label, subtitle, credit."""
    return bool(_LIST_RE.match(line) or _LABEL_RE.match(line)) or line[0] in "—■"


def _ends_sentence(line: str) -> bool:
    stripped = line.rstrip(_CLOSING)
    return bool(stripped) and stripped[-1] in _FINAL


def _is_han(char: str) -> bool:
    return bool(_HAN_RE.match(char))


# --- bylines ------------------------------------------------------------------------------


def _is_byline_line(line: str) -> bool:
    """A line of roles and names: "■ 本报记者 张洁 本报通讯员 闵庆才", "大众日报记者 孙亚飞";
    or a web page's line of date, source and author."""
    if _is_meta_line(line):
        return True
    marked = line.startswith("■")
    body = line.lstrip("■ ")
    if not body or len(body) > 60:
        return False
    roles = names = 0
    for token in body.split():
        role = _ROLE_RE.search(token)
        rest = token[role.end() :].lstrip(":：/") if role else token
        if role:
            if not _ROLE_PREFIX_RE.fullmatch(token[: role.start()]):
                return False
            roles += 1
        if rest and not _NAME_RE.fullmatch(rest):
            return False
        names += bool(rest)
    return names > 0 and (marked or roles > 0)


def _is_meta_line(line: str) -> bool:
    """A web page's line of date, source and author: fields, no sentence."""
    if len(line) > 100 or any(c in "。！？；" for c in line):
        return False
    if _META_FIELD_RE.match(line):
        return True
    if _barred_fields(line):
        return True
    line = _META_AUTHOR_RE.sub("", _META_SOURCE_RE.sub("", line, count=1), count=1)
    date = _META_DATE_RE.match(line)
    if date is None:
        return False
    rest = line[date.end() :].lstrip(" |丨/")
    if not rest:
        return ":" in date.group() or date.group(1) is not None
    fields = _META_FIELD_RE.match(rest) or _SOURCE_NAME_RE.fullmatch(rest)
    return bool(fields) or _is_byline_line(rest)


def _barred_fields(line: str) -> bool:
    """Short fields parted by bars, one of them the date (admin | 招商动态 |2012-03-27)."""
    fields = [field.strip() for field in re.split("[|丨]", line)]
    return (
        len(fields) > 1
        and all(0 < len(field) <= _FIELD_CHARS for field in fields)
        and any(_META_DATE_RE.fullmatch(field) for field in fields)
    )


def _inline_credit(text: str) -> str:
    """The credit at the end of a caption line ("…家居体验。 ■ 本报记者 赵宗锋"), or ""."""
    mark = text.rfind("■")
    if mark <= 0 or not _is_byline_line(text[mark:]):
        return ""
    return text[mark:]


def _news_prefix(text: str) -> str:
    """The "本报讯(记者 林晨 黄振)" that opens a news item, or ""."""
    match = _NEWS_RE.match(text)
    return match.group() if match else ""


def _reporters(byline: str) -> tuple[str, ...]:
    """Names in a byline: the tokens that follow roles, or that stand alone after "■"."""
    byline = _META_SOURCE_RE.sub("", byline, count=1)
    inner = _NEWS_RE.sub(lambda m: _NEWS_PREFIX_RE.sub(" ", m.group()), byline)
    names: list[str] = []
    for written in inner.replace("■", " ").split():
        token = _AUTHOR_RE.sub("", written)
        role = _ROLE_RE.search(token)
        rest = token[role.end() :].lstrip(":：/") if role else token
        if _NAME_RE.fullmatch(rest) and not _SOURCE_NAME_RE.fullmatch(rest) and rest not in names:
            names.append(rest)
    return tuple(names)


# --- splitting ----------------------------------------------------------------------------


@dataclass
class _Line:
    start: int
    end: int
    text: str
    gap: int
    """Blank lines before this line; 0 inside a block."""
    kind: str = "body"
    """head, sub (subtitle), byline, credit or body."""


@dataclass
class _Item:
    kind: str
    """group (headline), byline, credit, news (body line opening with 本报讯), caption (body line
    ending with a credit), body, or masthead (an e-paper's line above its first article)."""
    lines: list[_Line]

    @property
    def has_subtitle(self) -> bool:
        return any(line.kind == "sub" for line in self.lines)


@dataclass
class _Draft:
    items: list[_Item] = field(default_factory=list)
    title: str = ""

    @property
    def lines(self) -> list[_Line]:
        return [line for item in self.items for line in item.lines]

    def has(self, *kinds: str) -> bool:
        return any(item.kind in kinds for item in self.items)


def split_articles(text: str, source: str) -> list[Article]:
    """Split a cleaned page into articles; every non-blank character belongs to one of them."""
    lines = _page_lines(text)
    if not lines:
        return []
    _mark_headings(lines)
    items = _resolve_bylines(_items(lines))
    if _title_last(items):
        drafts = _assemble_title_last(items)
    else:
        drafts = _merge_subheads(_assemble_title_first(_validate_groups(items)))
    reference = _reference_date(text)
    drafts = _masthead_forward([draft for draft in drafts if draft.items])
    articles = [_article(text, source, 0, draft, reference) for draft in drafts]
    parts = [part for article in articles for part in _parts(article)]
    return [replace(part, index=index) for index, part in enumerate(parts)]


def _masthead_forward(drafts: list[_Draft]) -> list[_Draft]:
    """An e-paper's line of paper, date and page standing alone above the first article
    opens that article, not an article of its own."""
    if len(drafts) > 1 and all(_masthead(item) for item in drafts[0].items):
        drafts[1].items[:0] = [replace(item, kind="masthead") for item in drafts[0].items]
        return drafts[1:]
    return drafts


def _merge_subheads(drafts: list[_Draft]) -> list[_Draft]:
    """On a web page (a line of date and source under its headline), a later headline with no
    byline of its own is a subheading of the article above it (十年砥砺造就一座新城), but not
    one under the site's label of other stories (新闻推荐)."""
    web = any(
        item.kind == "byline" and _is_meta_line(item.lines[0].text)
        for draft in drafts
        for item in draft.items
    )
    merged: list[_Draft] = []
    for draft in drafts:
        if (
            web
            and merged
            and merged[-1].items
            and draft.title
            and not draft.has("byline", "news")
            and not _RELATED_RE.fullmatch(draft.items[0].lines[0].text)
        ):
            merged[-1].items.extend(draft.items)
        else:
            merged.append(draft)
    return merged


def _parts(article: Article) -> Iterator[Article]:
    """The article, or, when it is longer than ``MAX_ARTICLE_CHARS`` (a file that nothing
    splits into articles: a dump, a corpus), its parts up to that length, each cut in its
    second half after the last line break, else sentence end, else clause mark, else at the
    length: the tagger's memory grows with the length of what it reads at once."""
    text, start = article.text, 0
    while len(text) - start > MAX_ARTICLE_CHARS:
        end = start + _cut(text[start : start + MAX_ARTICLE_CHARS])
        yield _part(article, start, end)
        start = end
    yield _part(article, start, len(text)) if start else article


def _cut(window: str) -> int:
    """Where a part of an overlong article ends in ``window``, its first characters."""
    half = len(window) // 2
    for marks in _PART_ENDS:
        at = max(window.rfind(mark, half) for mark in marks)
        if at >= 0:
            return at + 1
    return len(window)


def _part(article: Article, start: int, end: int) -> Article:
    """The part of an article at start:end of its text; only the first keeps its byline."""
    text = article.text[start:end]
    lead = len(text) - len(text.lstrip())
    text = text.strip()
    first = start == 0
    return replace(
        article,
        text=text,
        start=article.start + start + lead,
        end=article.start + start + lead + len(text),
        byline=article.byline if first else "",
        reporters=article.reporters if first else (),
    )


def _page_lines(text: str) -> list[_Line]:
    """The non-blank lines of a page with their offsets; the first counts as after a break."""
    lines: list[_Line] = []
    offset = 0
    gap = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = offset + raw.index(stripped[0])
            lines.append(_Line(start, start + len(stripped), stripped, gap if lines else 2))
            gap = 0
        else:
            gap += 1
        offset += len(raw) + 1
    return lines


def _blocks(lines: list[_Line]) -> Iterator[list[_Line]]:
    block: list[_Line] = []
    for line in lines:
        if line.gap and block:
            yield block
            block = []
        block.append(line)
    if block:
        yield block


def _mark_headings(lines: list[_Line]) -> None:
    """Mark byline lines, and headline blocks (headline lines with optional subtitle lines);
    a block right above a web page's line of date and source (after a blank line) stands
    above the body as a block right above it does."""
    for line in lines:
        if _is_byline_line(line.text):
            line.kind = "byline"
    blocks = list(_blocks(lines))
    for block, following in zip_longest(blocks, blocks[1:], fillvalue=[]):
        for run, below in _between_bylines(block):
            if below is None and following and _opens_item(following[0].text):
                below = following[0]
            above_body = below is not None and _opens_body(below.text)
            kinds = [_heading_kind(line, above_body) for line in run]
            if all(kinds) and (kinds[0] == "head" or all(k == "sub" for k in kinds)):
                for line, kind in zip(run, kinds, strict=True):
                    line.kind = kind


def _between_bylines(block: list[_Line]) -> Iterator[tuple[list[_Line], _Line | None]]:
    """The runs of a block's lines that byline lines separate (a web page's headline stands
    right above its line of date and source), the first lines apart (up to
    ``_HEADLINE_LINES``, none a sentence) when the next opens the body with its date or as a
    news item (本报讯); each with the line below it in the block, or None."""
    run: list[_Line] = []
    head = _headline_rows([line.text for line in block])
    for i, line in enumerate(block):
        cut = line.kind == "byline" or (i == head == len(run) > 0)
        if cut and run:
            yield run, line
            run = []
        if line.kind != "byline":
            run.append(line)
    if run:
        yield run, None


def _opens_body(line: str) -> bool:
    """A web page's line of date and source, a news item's opening (本报讯) or a body's
    opening dateline (7月18日上午,)."""
    return _opens_item(line) or bool(_OPENING_DATELINE_RE.match(line))


def _opens_item(line: str) -> bool:
    """A web page's line of date and source or a news item's opening (本报讯): what a headline
    stands above even across a blank line."""
    return _is_meta_line(line) or bool(_news_prefix(line))


def _heading_kind(line: _Line, above_body: bool) -> str | None:
    """Whether the line can be part of a headline: "head", "sub" (subtitle) or None. Right
    above the opening of a body, a colon does not make a field label (尤溪:12个重点项目集中开工)
    and a comma no sentence (打造优势产业集群,苏州市人大代表…开展调研)."""
    text = line.text
    if line.kind != "body" or len(text) > 50 or "\t" in text or _HAN_RE.search(text) is None:
        return None
    if text.startswith("—"):
        return None if _ends_sentence(text) or any(c in "。；！？" for c in text) else "sub"
    if _LIST_RE.match(text) or (_LABEL_RE.match(text) and not above_body) or text.startswith("■"):
        return None
    if _END_DATE_RE.search(text):
        return "sub" if above_body and _FULL_DATE_RE.fullmatch(text) else None
    if _QUOTED_RE.fullmatch(text):
        return "head"
    if len(text) <= 8 and text[-1] in "，,":
        return "head"
    if _ends_sentence(text) or (not above_body and any(c in _SENTENCE_PUNCT for c in text)):
        return None
    return "head"


def _items(lines: list[_Line]) -> list[_Item]:
    """Group lines: headline groups, byline runs (within a block), single body lines."""
    items: list[_Item] = []
    for line in lines:
        prev = items[-1] if items else None
        if _RELATED_RE.fullmatch(line.text):
            line.kind = "head"
            items.append(_Item("group", [line]))
        elif line.kind in {"head", "sub"}:
            if prev and prev.kind == "group":
                prev.lines.append(line)
            elif line.kind == "head":
                items.append(_Item("group", [line]))
            else:
                line.kind = "body"
                items.append(_Item("body", [line]))
        elif line.kind == "byline":
            if prev and prev.kind == "byline" and not line.gap:
                prev.lines.append(line)
            else:
                items.append(_Item("byline", [line]))
        elif _news_prefix(line.text):
            items.append(_Item("news", [line]))
        elif _inline_credit(line.text):
            items.append(_Item("caption", [line]))
        else:
            items.append(_Item("body", [line]))
    return items


def _resolve_bylines(items: list[_Item]) -> list[_Item]:
    """A byline run, and the byline lines that follow it across blank lines (a web page's
    date, then its source, then the reporters), opens the body that follows it (a web
    page's line of date and source between its headline and a subheading too); after text,
    or before no text, it is a photo credit that closes a caption; a web page's line after
    such a credit is one more (来源:…, 责任编辑:…)."""
    for i, item in enumerate(items):
        if item.kind != "byline":
            continue
        prev = items[i - 1].kind if i else None
        after = next((later.kind for later in items[i + 1 :] if later.kind != "byline"), None)
        meta = _is_meta_line(item.lines[0].text)
        opens_body = after in {"body", "news", "caption"} or (
            meta and prev == "group" and after == "group"
        )
        after_credit = prev == "credit" and meta
        if not opens_body or prev == "body" or after_credit:
            item.kind = "credit"
    return items


def _title_last(items: list[_Item]) -> bool:
    """Whether the page puts headlines after their bodies (two of three signs); an
    e-paper's line of paper, date and page above all (赣南日报 2023年12月15日 第02版:要闻) is
    no sign."""
    first = next((item for item in items if not _masthead(item)), items[0])
    first_not_headline = first.kind != "group"
    ends_with_headline = items[-1].kind == "group"
    byline_without_headline = any(
        item.kind in {"byline", "news"} and items[i - 1].kind != "group"
        for i, item in enumerate(items)
        if i
    )
    return first_not_headline + ends_with_headline + byline_without_headline >= 2


def _masthead(item: _Item) -> bool:
    return item.kind in {"byline", "credit"} and _is_meta_line(item.lines[0].text)


def _validate_groups(items: list[_Item]) -> list[_Item]:
    """Headline-first pages: a headline must be followed by a byline or by running text."""
    out: list[_Item] = []
    for i, item in enumerate(items):
        if item.kind == "group" and not _followed_by_text(items, i):
            for line in item.lines:
                line.kind = "body"
            out.extend(_Item("body", [line]) for line in item.lines)
        else:
            out.append(item)
    return out


def _followed_by_text(items: list[_Item], index: int) -> bool:
    following = items[index + 1 : index + 3]
    for item in following:
        if item.kind in {"byline", "news"}:
            return True
        if item.kind not in {"body", "caption"}:
            return False
        text = item.lines[0].text
        if len(text) >= 20 and any(c in _SENTENCE_PUNCT + "、" for c in text):
            return True
    return False


def _assemble_title_first(items: list[_Item]) -> list[_Draft]:
    """An article opens at a headline, or at a byline or text that no headline precedes; a
    photo credit closes it."""
    drafts = [_Draft()]
    closed = False
    for item in items:
        if item.kind == "group":
            drafts.append(_Draft([item], _title(item)))
        elif closed and item.kind == "credit":
            drafts[-1].items.append(item)
        elif closed or (item.kind in {"byline", "news"} and drafts[-1].has(*_TEXT_KINDS)):
            drafts.append(_Draft([item]))
        else:
            drafts[-1].items.append(item)
        closed = item.kind in {"credit", "caption"}
        if closed:
            drafts.extend(_split_caption(drafts.pop()))
    return drafts


def _split_caption(draft: _Draft) -> list[_Draft]:
    """Split a photo caption off the draft it ends, at the last region break (2 blank lines)."""
    items = draft.items
    cut = next(
        (
            i
            for i in range(len(items) - 1, 0, -1)
            if items[i].lines[0].gap >= 2 and items[i].kind in {"body", "caption"}
        ),
        None,
    )
    if cut is None:
        return [draft]
    return [_Draft(items[:cut], draft.title), _Draft(items[cut:])]


def _assemble_title_last(items: list[_Item]) -> list[_Draft]:
    """An article opens at a byline or after the previous one; its headline or a photo credit
    closes it."""
    drafts = [_Draft()]
    for i, item in enumerate(items):
        current = drafts[-1]
        if item.kind in {"byline", "news"} and current.items:
            drafts.append(_Draft())
        drafts[-1].items.append(item)
        if item.kind == "group" and not _is_subhead(items, i):
            drafts[-1].title = _title(item)
            drafts.append(_Draft())
        elif item.kind in {"credit", "caption"}:
            drafts.append(_Draft())
    return drafts


def _is_subhead(items: list[_Item], index: int) -> bool:
    """Headline-last pages: a headline without subtitle is a subhead when a later headline of
    the same stretch (up to the next byline or credit) has one."""
    if items[index].has_subtitle:
        return False
    for item in items[index + 1 :]:
        if item.kind in {"byline", "news", "credit", "caption"}:
            return False
        if item.kind == "group" and item.has_subtitle:
            return True
    return False


def _title(group: _Item) -> str:
    """The main line of a headline group: not a kicker, section label or date subtitle, and
    of several the last without a comma (a subtitle below the headline reads as a sentence:
    提振信心,鼓足干劲,…)."""
    runs: list[str] = []
    for line in group.lines:
        if line.kind == "sub":
            runs.append("")
        elif runs and runs[-1] and not line.gap:
            runs[-1] += line.text
        else:
            runs.append(line.text)
    runs = [run for run in runs if run]
    main = [run for run in runs if not _minor_heading(run)]
    phrases = [run for run in main if not any(c in _SENTENCE_PUNCT for c in run)]
    return (phrases or main)[-1] if main else max(runs, key=len)


def _minor_heading(run: str) -> bool:
    """A kicker ("铸魂 强基 赋能"), a section label ("时政动态") or a date line."""
    tokens = run.split()
    kicker = len(tokens) >= 2 and all(len(t) <= 6 for t in tokens)
    label = len(_HAN_RE.findall(run)) <= 5
    return kicker or label or bool(_FULL_DATE_RE.search(run))


# --- article records ----------------------------------------------------------------------


def _article(text: str, source: str, index: int, draft: _Draft, reference: date | None) -> Article:
    lines = draft.lines
    start, end = lines[0].start, lines[-1].end
    byline, body_start = _byline(draft, start)
    return Article(
        source=source,
        index=index,
        title=draft.title,
        text=text[start:end],
        start=start,
        end=end,
        byline=byline,
        reporters=_reporters(byline),
        date=_dateline(text[body_start:end], reference) or _first_date(byline),
    )


def _byline(draft: _Draft, start: int) -> tuple[str, int]:
    """The byline text and where the body after it starts."""
    body_start = start
    for item in draft.items:
        if item.kind == "masthead":
            continue
        if item.kind == "group":
            body_start = item.lines[-1].end
        elif item.kind == "byline":
            return " ".join(line.text for line in item.lines), item.lines[-1].end
        elif item.kind == "news":
            line = item.lines[0]
            prefix = _news_prefix(line.text)
            return prefix, line.start + len(prefix)
        else:
            break
    for item in draft.items:
        if item.kind == "credit":
            return " ".join(line.text for line in item.lines), body_start
        if item.kind == "caption":
            return _inline_credit(item.lines[0].text), body_start
    return "", body_start


def _dateline(body: str, reference: date | None) -> str | None:
    """ISO date of a dateline ("11月8日,") at the start of the body, when the year is known."""
    stripped = body.lstrip()
    match = _DATELINE_RE.search(stripped[: _DATELINE_WINDOW + 12])
    if match is None or match.start() > _DATELINE_WINDOW:
        return None
    year, month, day = match.groups()
    if year:
        return _iso(int(year), int(month), int(day))
    article_reference = _reference_date(body) or reference
    if article_reference is None:
        return None
    candidates = [
        d
        for d in (_date(article_reference.year + k, int(month), int(day)) for k in (-1, 0, 1))
        if d is not None
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda d: abs(d - article_reference)).isoformat()


def _reference_date(text: str) -> date | None:
    """The first full date ("2024年11月8日", "2024-11-08") of the most common year in the text."""
    dates = _full_dates(text)
    if not dates:
        return None
    year = Counter(d.year for d in dates).most_common(1)[0][0]
    return next(d for d in dates if d.year == year)


def _full_dates(text: str) -> list[date]:
    """The full dates of the text in order: 2024年11月8日, and 2024-11-08 as web pages print."""
    found = [(m.start(), m.group(1, 2, 3)) for m in _FULL_DATE_RE.finditer(text)]
    found += [(m.start(), m.group(1, 3, 4)) for m in _NUMERIC_DATE_RE.finditer(text)]
    dates = (_date(int(y), int(m), int(d)) for _, (y, m, d) in sorted(found))
    return [d for d in dates if d is not None]


def _first_date(text: str) -> str | None:
    """The first full date of a byline (a web page's 发布时间:2017-12-22) in ISO form."""
    dates = _full_dates(text)
    return dates[0].isoformat() if dates else None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _iso(year: int, month: int, day: int) -> str | None:
    found = _date(year, month, day)
    return found.isoformat() if found else None


# --- loading ------------------------------------------------------------------------------


def load_pages(paths: Iterable[Path]) -> tuple[list[Article], list[str]]:
    """Read, clean and split pages; folders give their ``*.txt`` files (sorted, recursive).

    Returns the articles and one message per path skipped; bad input never raises.
    """
    articles: list[Article] = []
    problems: list[str] = []
    for page in page_files(paths, problems):
        try:
            articles.extend(page_articles(read_bytes(page), page))
        except IngestError as exc:
            problems.append(str(exc))
    return articles, problems


def page_articles(data: bytes, path: Path) -> list[Article]:
    """The articles of a page file's bytes; raises ``IngestError`` when there are none."""
    found = split_articles(clean_text(simplified(decode_page(data, path))), path.name)
    if not found:
        raise IngestError(f"{path}: no text left after cleaning")
    return found


def page_files(paths: Iterable[Path], problems: list[str]) -> list[Path]:
    """The page files under ``paths`` in order, each once (folders: ``*.txt``, sorted,
    recursive); a path that gives none adds a message to ``problems``."""
    files: list[Path] = []
    seen: set[Path] = set()
    for page in _expand(paths, problems):
        key = page.resolve()
        if key not in seen:
            seen.add(key)
            files.append(page)
    return files


def _expand(paths: Iterable[Path], problems: list[str]) -> Iterator[Path]:
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(path.rglob("*.txt"))
            files = [p for p in found if p.is_file()]
            problems.extend(
                f"{p}: not a readable file (a broken link or a special file)"
                for p in found
                if not p.is_file() and not p.is_dir()
            )
            if not files:
                problems.append(f"{path}: folder has no .txt files")
            yield from files
        elif path.exists():
            yield path
        else:
            problems.append(f"{path}: no such file or folder")
