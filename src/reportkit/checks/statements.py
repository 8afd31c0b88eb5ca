"""R7's vocabulary: what a report's text can state about its tables, each tied to its cells.

One table, :data:`STATEMENTS` (where two readings overlap, the longer wins, then the earlier in
the table). Each :class:`Statement` has the words that state it (a regular expression), the cells
whose value (or sum) the stated number must equal, and the official label of those cells. A
:class:`Refinement` (:data:`REFINEMENTS`) narrows the statement just made in the same sentence to
a column or row — ``收到申请 749 件，其中自然人 741 件`` ties 741 to 表三 一 × 自然人. The README's
section "What R7 understands" is :func:`vocabulary_markdown`, and a test keeps the two equal.

How a sentence is read (``narrative``): the words of every statement and refinement are found
(the longest reading wins where two overlap); a number with its unit (``numbers``) belongs to the
nearest words before it in the same clause, when only ``filler`` stands between — never another
number, statement, stop word or clause mark (，；：（）…) — or, for a ``number_first``
statement, to the words just after it (``另有 103 件顺延到下年度``). Coordinated statements
(``不予公开、无法提供共 12 件``) state a sum no row names, and are not tied. A statement that is
``zero`` may be stated as none: ``未收到政府信息公开申请``, ``无上年结转申请``,
``未发生…行政复议纠错``. A percentage right after a count (``208 件（17.46%）``, ``，占 33.9%``)
is that count's share of ``share_of``. Anything else is not tied to a cell, and R7 does not
guess.

Cell paths are those of DESIGN.md (``requests.new.total``); a path may be a :mod:`fnmatch`
pattern (``requests.withheld_*.total`` is Σ（三）); paths a report's format does not have are
left out (``proactive.rules.issued`` in 2021, ``proactive.rules.new_made`` in the 2019 trial).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from ..model import labels as L
from .numbers import Kind

Filler = Literal["any", "connective", "noun"]

#: Words that may stand between a statement's words and its number in every case.
CONNECTIVE: Final = (
    r"(?:共计|总计|合计|累计|共|计|总数|数量|件数|数|达到|达|为|了|完毕|完成|答复|的|有|是)*"
)
#: The noun of a ``noun`` filler: the words are a verb of requests (受理, 办结 …) only when
#: 申请 follows them as the 政府信息公开 requests (政府信息公开申请, 依申请…, or 申请 with
#: nothing but connective words before it — 低保申请 is not), or when nothing but connective
#: words stand between and the sentence (or its heading) is about them (``REQUESTS_TOPIC``).
NOUN: Final = r"申请(?!人)"
#: A sentence (or its heading) about 政府信息公开 requests and the cases they bring: the topic
#: of bare verbs (共办理 718 件) and of table 四 — a 司法局's 办理行政复议案件 300 件 is not
#: a 政府信息公开 case.
REQUESTS_TOPIC: Final = r"信息公开|依申请|公开申请"
#: Words that make a number something else than the count stated (a change, an average, a
#: share): never allowed between the words and the number.
STOP: Final = (
    r"同比|环比|较|比上年|比去年|增加|增长|减少|下降|回落|上升|提高|降低|平均|人均|日均|占"
)
#: Right before the number, these make it each one's (各 2 件, 分别为 3 件、5 件): not tied,
#: unless the number is 0 (均为 0 件 says each is none, so their sum is 0 too).
EACH: Final = r"(?:各|分别|均|都)(?:为|是|有)?\s*$"
#: Requests words (新收, 办结) are not requests when these stand between them and the number.
_NOT_REQUESTS: Final = (
    r"补正|撤回|咨询|建议|提案|来信|来电|信访|投诉|举报|许可|处罚|强制|复议|诉讼|案件|人大|政协|"
    r"网民|留言|热线|问政|期限|时限|工作日"
)
#: How far a statement's words may stand from their number (a ``noun`` filler: from 申请).
GAP: Final = 12
NOUN_GAP: Final = 25
_DECISIONS_STOP: Final = r"申请|事项|清单|目录|证|机关|人员|系统|平台"
_FEE_COLUMN: Final = "信息处理费（元）"


@dataclass(frozen=True)
class Statement:
    """One thing the text can state, tied to a cell or a sum of cells.

    ``cells`` are summed (patterns a format lacks are left out); ``row`` and ``column`` are the
    official labels shown when there is more than one cell (one cell is named by its own label).
    ``unit``: what the number counts (``yuan`` for amounts, in 元 or 万元). ``numbers`` False: the
    statement can only be made as none (``zero``). ``examples`` show it in the README and are
    read back by the tests; ``{n}`` is the number.
    """

    name: str
    words: str
    cells: tuple[str, ...]
    row: str
    column: str
    examples: tuple[str, ...]
    unit: Kind = "count"
    filler: Filler = "any"
    topic: str | None = None
    stop: str = ""
    gap: int = GAP
    zero: bool = False
    numbers: bool = True
    number_first: bool = False
    share_of: tuple[str, ...] = ()
    share_label: str = ""


@dataclass(frozen=True)
class Refinement:
    """Words that narrow the statement just made to a column (or a row) of the same table.

    ``applies``: the statements' cells it narrows (patterns); ``part``: which part of each cell
    path is replaced (1: the row, 2: the column) by each of ``keys`` (more than one: their sum).
    """

    name: str
    words: str
    applies: tuple[str, ...]
    part: Literal[1, 2]
    keys: tuple[str, ...]
    label: str
    examples: tuple[str, ...]
    filler: Filler = "connective"
    zero: bool = False


def _row(key: str) -> str:
    return f"表三 {L.request_row(key).full_label}"


_T3 = "表三 "
_TOTAL = L.TOTAL
_ALL_REQUESTS = ("requests.total.total",)
_ALL_REQUESTS_LABEL = f"表三 {L.ROW_TOTAL.number}{L.ROW_TOTAL.label} × {L.TOTAL}"
_LITIGATION = (
    "review_litigation.litigation_direct.total",
    "review_litigation.litigation_after_review.total",
)
_LITIGATION_CORRECTED = tuple(p.replace(".total", ".corrected") for p in _LITIGATION)
_LITIGATION_LABEL = "表四 行政诉讼（未经复议直接起诉 + 复议后起诉）"
_ANSWERED = r"(?:答复|的)?"
_MAKE = r"(?:制发|印发|出台|制定|颁布|新制定)"
_PUBLISH = r"(?:公开|发布|公布|新增)"
_DOC_GAP = r"(?:(?!现行|有效|废止|清理|失效|制发|印发|出台|制定|公开|发布)[^，,。；;、\d\s]){0,8}?"
_RULES = r"规章"
_DOC_CELLS = ("proactive.rules.*", "proactive.normative_documents.*")
_NORMATIVE = r"(?:行政)?规范性文件"


def _requests(
    name: str, words: str, cells: tuple[str, ...], row: str, examples: tuple[str, ...], zero: bool
) -> Statement:
    """A count of requests stated with a verb (收到, 办结 …): 申请 must follow the verb, or the
    sentence must be about 申请."""
    return Statement(
        name,
        words,
        cells,
        row,
        _TOTAL,
        examples,
        filler="noun",
        topic=REQUESTS_TOPIC,
        stop=_NOT_REQUESTS,
        gap=NOUN_GAP,
        zero=zero,
    )


def _outcome(name: str, words: str, cells: tuple[str, ...], row: str, example: str) -> Statement:
    """An outcome of table 三 (予以公开 …): in a sentence about 申请, followed by its number."""
    return Statement(
        name,
        words,
        cells,
        row,
        _TOTAL,
        (f"申请中{example} {{n}} 件",),
        filler="connective",
        topic="申请",
        share_of=_ALL_REQUESTS,
        share_label=_ALL_REQUESTS_LABEL,
    )


def _docs(
    name: str, verb: str, key: str, cols: tuple[str, ...], column: str, zero: bool
) -> Statement:
    """A count of table 二 第二十条第（一）项 (规章, 行政规范性文件)."""
    noun = _RULES if key == "rules" else _NORMATIVE
    return Statement(
        name,
        f"{verb}(?:了)?(?:的)?{_DOC_GAP}{noun}",
        tuple(f"proactive.{key}.{c}" for c in cols),
        f"表二 {L.DOC_ROWS[key]}",
        column,
        (f"{name} {{n}} 件",),
        zero=zero,
    )


#: (name, verb, cells: 2021 and 2019-trial columns, official column, stated as none)
_DOC_STATEMENTS: Final = (
    ("制发", _MAKE, ("issued", "new_made"), "本年制发件数", True),
    ("主动公开", _PUBLISH, ("issued", "new_published"), "本年制发件数", False),
    ("废止", r"废止", ("repealed",), "本年废止件数", True),
    ("现行有效", r"现行有效", ("in_force",), "现行有效件数", False),
)


def _decisions(key: str, words: str, example: str) -> Statement:
    """A count of table 二 第二十条第（五）（六）项 (行政许可, 行政处罚, 行政强制)."""
    label = L.DECISION_ROWS[key]
    return Statement(
        label,
        words,
        (f"proactive.{key}", f"proactive.{key}.decisions"),
        f"表二 {label}",
        L.DECISIONS_COLUMN,
        (example,),
        stop=_DECISIONS_STOP,
        zero=True,
    )


_SUB_ROWS: Final = (
    (L.WITHHELD_ROWS[0], r"(?:属于|涉及)?国家秘密", "属于国家秘密"),
    (L.WITHHELD_ROWS[1], r"其他法律行政法规禁止公开", "其他法律行政法规禁止公开"),
    (L.WITHHELD_ROWS[2], r"危及[“\"]?三安全一稳定[”\"]?", "危及“三安全一稳定”"),
    (L.WITHHELD_ROWS[3], r"(?:保护|涉及|侵犯|损害)?第三方合法权益", "保护第三方合法权益"),
    (L.WITHHELD_ROWS[4], r"(?:属于)?(?:三类)?内部事务信息", "属于三类内部事务信息"),
    (L.WITHHELD_ROWS[5], r"(?:属于)?(?:四类)?过程性信息", "属于四类过程性信息"),
    (L.WITHHELD_ROWS[6], r"(?:属于)?行政执法案卷", "属于行政执法案卷"),
    (L.WITHHELD_ROWS[7], r"(?:属于)?行政查询事项", "属于行政查询事项"),
    (
        L.UNAVAILABLE_ROWS[0],
        r"(?:本机关)?不掌握(?:相关)?(?:政府)?信息|本机关不掌握",
        "本机关不掌握相关政府信息",
    ),
    (
        L.UNAVAILABLE_ROWS[1],
        r"没有现成信息(?:需要另行制作)?|需要?另行制作",
        "没有现成信息需要另行制作",
    ),
    (L.UNAVAILABLE_ROWS[2], r"(?:补正后)?申请内容仍?不明确", "补正后申请内容仍不明确"),
    (L.NOT_PROCESSED_ROWS[0], r"信访举报投诉类?(?:申请)?", "信访举报投诉类申请"),
    (L.NOT_PROCESSED_ROWS[1], r"重复申请", "重复申请"),
    (L.NOT_PROCESSED_ROWS[2], r"(?:要求提供)?公开出版物", "要求提供公开出版物"),
    (L.NOT_PROCESSED_ROWS[3], r"(?:无正当理由)?大量反复申请", "无正当理由大量反复申请"),
    (
        L.NOT_PROCESSED_ROWS[4],
        r"(?:要求行政机关)?确认或重新出具(?:已获取信息)?",
        "要求行政机关确认或重新出具已获取信息",
    ),
    (L.OTHER_ROWS[0], r"(?:申请人)?(?:无正当理由)?逾期不补正", "申请人无正当理由逾期不补正"),
    (L.OTHER_ROWS[1], r"(?:逾期)?未按收费通知(?:要求)?缴纳费用", "逾期未按收费通知要求缴纳费用"),
)

STATEMENTS: Final[tuple[Statement, ...]] = (
    # ------------------------------------------------------------ table 三: requests
    _requests(
        "新收申请",
        r"新收|收到|受理|接收|接到|收悉|共收",
        ("requests.new.total",),
        _row("new"),
        ("全年共收到政府信息公开申请 {n} 件", "本年度新收申请{n}件", "受理依申请公开{n}件"),
        zero=True,
    ),
    Statement(
        "上年结转",
        r"(?:上一?个?年度?|去年)结转(?:的)?|结转上一?年度?(?:的)?",
        ("requests.carried_over.total",),
        _row("carried_over"),
        _TOTAL,
        ("上年结转政府信息公开申请 {n} 件", "含上年度结转申请{n}件"),
        zero=True,
    ),
    _requests(
        "办结",
        r"办结|办理完毕|办理完成|完成办理|办理|答复|处理完毕",
        _ALL_REQUESTS,
        _row("total"),
        ("全年办结政府信息公开申请 {n} 件", "共办理 {n} 件", "答复{n}件"),
        zero=False,
    ),
    Statement(
        "结转下年度",
        r"(?:结转|转入?|顺延|延期)(?:至|到)?下一?个?年度?(?:继续)?(?:办理)?(?:答复)?",
        ("requests.carried_forward.total",),
        _row("carried_forward"),
        _TOTAL,
        ("结转下年度继续办理 {n} 件", "结转下一年{n}件", "另有 {n} 件顺延到下年度答复"),
        zero=True,
        number_first=True,
    ),
    _outcome(
        "予以公开及部分公开",
        r"(?:予以|同意)公开(?:及|和|与|、|或|并)部分公开"
        + _ANSWERED
        + r"|(?:予以|同意)公开[（(](?:含|包括)部分公开[）)]|全部或部分公开|公开(?:和|及|或)部分公开",
        ("requests.granted.total", "requests.partially_granted.total"),
        f"{_T3}{L.ROW_GRANTED.full_label} + {L.ROW_PARTIAL.number}部分公开",
        "予以公开及部分公开",
    ),
    _outcome(
        "予以公开",
        r"(?:予以|同意|全部)公开" + _ANSWERED,
        ("requests.granted.total",),
        _row("granted"),
        "予以公开",
    ),
    _outcome(
        "部分公开",
        r"部分公开" + _ANSWERED,
        ("requests.partially_granted.total",),
        _row("partially_granted"),
        "部分公开",
    ),
    _outcome(
        "不予公开",
        r"不予公开" + _ANSWERED,
        ("requests.withheld_*.total",),
        f"{_T3}{L.WITHHELD_GROUP}（1–8 项之和）",
        "不予公开",
    ),
    _outcome(
        "无法提供",
        r"无法提供" + _ANSWERED,
        ("requests.unavailable_*.total",),
        f"{_T3}{L.UNAVAILABLE_GROUP}（1–3 项之和）",
        "无法提供",
    ),
    _outcome(
        "不予处理",
        r"不予处理" + _ANSWERED,
        ("requests.not_processed_*.total",),
        f"{_T3}{L.NOT_PROCESSED_GROUP}（1–5 项之和）",
        "不予处理",
    ),
    _outcome(
        "其他处理",
        r"其他处理" + _ANSWERED,
        ("requests.other*.total",),
        f"{_T3}{L.OTHER_GROUP}（各项之和）",
        "其他处理",
    ),
    *(
        _outcome(row.full_label, words, (f"requests.{row.key}.total",), _row(row.key), said)
        for row, words, said in _SUB_ROWS
    ),
    Statement(
        "公开率",
        r"(?<!主动)(?<!文)(?:依申请(?:的)?)?公开率",
        ("requests.granted.total", "requests.partially_granted.total"),
        f"{_T3}（（一）予以公开 + （二）部分公开）÷ （七）总计",
        _TOTAL,
        ("依申请公开率为 {n}%",),
        unit="percent",
        filler="connective",
        topic="申请",
        share_of=_ALL_REQUESTS,
        share_label=_ALL_REQUESTS_LABEL,
    ),
    Statement(
        "予以公开率",
        r"予以公开率",
        ("requests.granted.total",),
        f"{_T3}（一）予以公开 ÷ （七）总计",
        _TOTAL,
        ("申请的予以公开率 {n}%",),
        unit="percent",
        filler="connective",
        share_of=_ALL_REQUESTS,
        share_label=_ALL_REQUESTS_LABEL,
    ),
    # ------------------------------------------------------------ table 四
    Statement(
        "行政复议和行政诉讼",
        r"行政复议(?:和|、|及|与|或|以及)行政诉讼(?:案件)?",
        ("review_litigation.review.total", *_LITIGATION),
        "表四 行政复议 + 行政诉讼",
        _TOTAL,
        ("因政府信息公开引起的行政复议和行政诉讼案件共 {n} 件",),
        topic=REQUESTS_TOPIC,
        zero=True,
    ),
    Statement(
        "行政复议",
        r"(?:政府信息公开)?行政复议(?:案件|案)?件?",
        ("review_litigation.review.total",),
        f"表四 {L.REVIEW}",
        _TOTAL,
        ("被申请行政复议 {n} 件", "有 {n} 件涉及政府信息公开的行政复议"),
        stop="机关|决定书|申请书",
        topic=REQUESTS_TOPIC,
        zero=True,
        number_first=True,
    ),
    Statement(
        "行政诉讼",
        r"(?:政府信息公开)?行政(?:诉讼|应诉)(?:案件|案)?件?|(?<!行政)诉讼(?:案件)?",
        _LITIGATION,
        _LITIGATION_LABEL,
        _TOTAL,
        ("被提起行政诉讼 {n} 件", "行政诉讼案件{n}件"),
        stop="机关|法院",
        topic=REQUESTS_TOPIC,
        zero=True,
        number_first=True,
    ),
    Statement(
        "未经复议直接起诉",
        r"未经(?:行政)?复议直接(?:提起)?(?:行政)?(?:起诉|诉讼)|直接(?:提起)?(?:行政)?(?:起诉|诉讼)",
        ("review_litigation.litigation_direct.total",),
        f"表四 {L.REVIEW_GROUPS['litigation_direct']}",
        _TOTAL,
        ("未经复议直接起诉 {n} 件",),
        topic=REQUESTS_TOPIC,
        zero=True,
    ),
    Statement(
        "复议后起诉",
        r"(?:经)?(?:行政)?复议后(?:提起)?(?:行政)?(?:起诉|诉讼)",
        ("review_litigation.litigation_after_review.total",),
        f"表四 {L.REVIEW_GROUPS['litigation_after_review']}",
        _TOTAL,
        ("复议后起诉 {n} 件",),
        topic=REQUESTS_TOPIC,
        zero=True,
    ),
    Statement(
        "败诉",
        r"败诉",
        _LITIGATION_CORRECTED,
        _LITIGATION_LABEL,
        L.REVIEW_COLUMNS["corrected"],
        ("行政诉讼败诉 {n} 件", "全年未发生行政诉讼败诉"),
        topic=REQUESTS_TOPIC,
        zero=True,
    ),
    Statement(
        "纠错率",
        r"(?:行政复议)?(?:被)?纠错率",
        ("review_litigation.review.corrected",),
        f"表四 {L.REVIEW}",
        "结果纠正 ÷ 总计",
        ("行政复议纠错率 {n}%",),
        unit="percent",
        filler="connective",
        topic=REQUESTS_TOPIC,
        share_of=("review_litigation.review.total",),
        share_label=f"表四 {L.REVIEW} × 总计",
    ),
    Statement(
        "败诉率",
        r"(?:行政诉讼)?败诉率",
        _LITIGATION_CORRECTED,
        _LITIGATION_LABEL,
        "结果纠正 ÷ 总计",
        ("行政诉讼败诉率 {n}%",),
        unit="percent",
        filler="connective",
        topic=REQUESTS_TOPIC,
        share_of=_LITIGATION,
        share_label=f"{_LITIGATION_LABEL} × 总计",
    ),
    # ------------------------------------------------------------ table 二
    *(
        _docs(f"{verb_name}{L.DOC_ROWS[key]}", verb, key, cols, column, zero)
        for verb_name, verb, cols, column, zero in _DOC_STATEMENTS
        for key in L.DOC_ROWS
    ),
    _decisions("licensing", r"(?<!受理)行政许可(?:决定|案件)?", "依法办理行政许可 {n} 件"),
    _decisions("penalty", r"行政处罚(?:决定|案件)?", "作出行政处罚决定 {n} 件"),
    _decisions("enforcement", r"行政强制(?:措施|执行|决定)?", "采取行政强制措施 {n} 件"),
    Statement(
        "行政事业性收费",
        r"行政事业性收费(?:金额|收入)?",
        ("proactive.fees_10k_yuan",),
        f"表二 {L.FEES_ROW}",
        L.FEES_COLUMN,
        ("收取行政事业性收费 {n} 万元", "行政事业性收费金额{n}元"),
        unit="yuan",
        stop="项目|目录|清单|标准",
    ),
    # ------------------------------------------------------------ section 六
    Statement(
        "信息处理费",
        r"(?:政府)?信息公开(?:信息)?处理费|信息处理费|处理费|(?:政府)?信息公开(?:收费|费用)",
        ("other_matters.processing_fee_yuan",),
        L.section_heading(6),
        _FEE_COLUMN,
        ("收取信息处理费 {n} 元", "本年度未收取信息处理费"),
        unit="yuan",
        zero=True,
    ),
    Statement(
        "收费（信息公开）",
        r"(?<!事业性)收费(?:情况|事项)?",
        ("other_matters.processing_fee_yuan",),
        L.section_heading(6),
        _FEE_COLUMN,
        ("政府信息公开未发生收费情况",),
        unit="yuan",
        topic=r"信息公开|信息处理|依申请",
        zero=True,
        numbers=False,
    ),
)

_LEGAL = L.LEGAL_PERSON_COLUMN_KEYS
_LEGAL_LABEL = f"{L.LEGAL_PERSON}（{' + '.join(L.REQUEST_COLUMNS[k] for k in _LEGAL)}）"


def _requests_column(words: str, keys: tuple[str, ...], label: str, said: str) -> Refinement:
    example = f"收到政府信息公开申请 {{h}} 件，其中{said}申请{{n}}件"
    return Refinement(said, words, ("requests.*",), 2, keys, label, (example,), filler="noun")


def _review_column(key: str, words: str) -> Refinement:
    label = L.REVIEW_COLUMNS[key]
    example = f"被申请行政复议 {{h}} 件，其中{label} {{n}} 件"
    corrected = key == "corrected"
    return Refinement(
        label, words, ("review_litigation.*",), 2, (key,), label, (example,), zero=corrected
    )


def _docs_part(name: str, words: str, part: Literal[1, 2], key: str, label: str) -> Refinement:
    other = "行政规范性文件" if name != "行政规范性文件" else "规章"
    example = f"主动公开{other} {{h}} 件，{name} {{n}} 件"
    return Refinement(name, words, _DOC_CELLS, part, (key,), label, (example,))


REFINEMENTS: Final[tuple[Refinement, ...]] = (
    _requests_column(r"自然人", ("natural_person",), L.NATURAL_PERSON, L.NATURAL_PERSON),
    _requests_column(r"法人或者?其他组织|法人和其他组织", _LEGAL, _LEGAL_LABEL, L.LEGAL_PERSON),
    *(
        _requests_column(L.REQUEST_COLUMNS[k], (k,), L.REQUEST_COLUMNS[k], L.REQUEST_COLUMNS[k])
        for k in ("commercial", "research", "social_welfare", "legal_services")
    ),
    _requests_column(r"其他组织", ("other",), L.REQUEST_COLUMNS["other"], "其他组织"),
    _review_column("upheld", r"结果维持|维持"),
    _review_column("corrected", r"结果纠正|被?纠正|被?纠错"),
    _review_column("other", r"其他结果"),
    _review_column("pending", r"尚未审结|未审结|正在审理|审理中"),
    _docs_part("废止", r"废止", 2, "repealed", "本年废止件数"),
    _docs_part("现行有效", r"现行有效", 2, "in_force", "现行有效件数"),
    _docs_part("规章", _RULES, 1, "rules", "规章"),
    _docs_part("行政规范性文件", _NORMATIVE, 1, "normative_documents", "行政规范性文件"),
)


def _also(zero: bool, numbers: bool = True, number_first: bool = False, share: bool = False) -> str:
    also = []
    if zero:
        also.append("stated as none" if numbers else "only stated as none")
    if number_first:
        also.append("number first")
    if share:
        also.append("share %")
    return ", ".join(also)


def vocabulary_markdown() -> str:
    """The README's table of what R7 understands (a test keeps the README equal to it).

    The numbered rows of 三（三）–（六） are one line: each is read by its label or short form.
    """
    lines = [
        "| statement | as written, e.g. | tied to | cells | also |",
        "| --- | --- | --- | --- | --- |",
    ]
    sub_rows = {f"requests.{row.key}.total" for row, _, _ in _SUB_ROWS}
    for s in STATEMENTS:
        if s.cells[0] in sub_rows:
            if s.cells[0] != f"requests.{_SUB_ROWS[0][0].key}.total":
                continue
            examples = " / ".join(f"申请中{said} N 件" for _, _, said in _SUB_ROWS[:3])
            lines.append(
                f"| each numbered row of （三）–（六） | {examples} / … | that row × 总计 "
                f"| `requests.withheld_1.total` … `requests.other_2.total` "
                f"| {_also(False, share=True)} |"
            )
            continue
        examples = " / ".join(e.replace("{n}", "N") for e in s.examples)
        cells = ", ".join(f"`{c}`" for c in s.cells)
        share = bool(s.share_of) and s.unit != "percent"
        also = _also(s.zero, s.numbers, s.number_first, share)
        lines.append(f"| {s.name} | {examples} | {s.row} × {s.column} | {cells} | {also} |")
    for r in REFINEMENTS:
        examples = " / ".join(e.replace("{h}", "M").replace("{n}", "N") for e in r.examples)
        what = "column" if r.part == 2 else "row"
        keys = " + ".join(r.keys)
        lines.append(
            f"| → {r.name} | {examples} | the statement's {what}: {r.label} | {keys} "
            f"| {_also(r.zero)} |"
        )
    return "\n".join(lines) + "\n"
