"""Validation findings as records (DESIGN §5).

A finding is data, never an exception: a stable code, a severity, where it is (file, sheet,
Excel cell such as "F12"), the offending value, and a message in Vietnamese for the village
officer with English beside it for logs. The catalogue below is the one place messages live.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields, replace

import pandas as pd

from giamngheo.transforms.columns import METADATA_FIELDS, TEMPLATE_HEADERS

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Message:
    """A catalogue entry: default severity and message templates (str.format fields)."""

    severity: str
    vi: str
    en: str


CATALOGUE: dict[str, Message] = {
    # Files
    "FILE-UNREADABLE": Message(
        ERROR,
        "Không đọc được tệp '{value}': {detail_vi}. Hãy lưu lại bằng Excel (.xlsx) rồi gửi lại.",
        "Cannot read file '{value}': {detail_en}.",
    ),
    "FILE-EMPTY": Message(
        ERROR,
        "Tệp '{value}' rỗng (0 byte). Hãy lưu lại bảng tính rồi gửi lại.",
        "File '{value}' is empty (0 bytes).",
    ),
    "FILE-PASSWORD": Message(
        ERROR,
        "Tệp '{value}' có đặt mật khẩu nên không đọc được. Hãy bỏ mật khẩu rồi gửi lại.",
        "File '{value}' is password-protected.",
    ),
    "FILE-TOO-LARGE": Message(
        ERROR,
        "Tệp '{value}' quá lớn: {detail_vi}. Hãy kiểm tra lại tệp.",
        "File '{value}' is too large: {detail_en}.",
    ),
    "FILE-TIMEOUT": Message(
        ERROR,
        "Đọc tệp '{value}' quá {detail_vi} nên đã dừng. Hãy mở tệp bằng Excel, lưu lại (.xlsx) "
        "rồi gửi lại; nếu vẫn vậy, báo cán bộ dữ liệu.",
        "Reading '{value}' took longer than {detail_en} and was stopped.",
    ),
    "FILE-NOT-SPREADSHEET": Message(
        ERROR,
        "Tệp '{value}' không phải bảng tính mà là {detail_vi}. Hãy gửi tệp Excel danh sách hộ.",
        "File '{value}' is not a spreadsheet but {detail_en}.",
    ),
    "FILE-EXTRA-COLUMN": Message(
        WARNING,
        "Cột '{value}' không thuộc mẫu; dữ liệu của cột được giữ lại nhưng không dùng để tính.",
        "Column '{value}' is not part of the template; its values are kept aside.",
    ),
    "HH-INCOME-UNIT": Message(
        WARNING,
        "Ô {cell}: tiêu đề ghi thu nhập theo {stated}, nhưng các giá trị (trung vị {median}) giống "
        "đơn vị {likely}. Kiểm tra lại đơn vị của cột thu nhập.",
        "Cell {cell}: the header states income in {stated} but the values (median {median}) look "
        "like {likely}.",
    ),
    "FILE-NO-TABLE": Message(
        ERROR,
        "Không tìm thấy bảng danh sách hộ (cần các cột Mã hộ, Họ và tên chủ hộ, Số nhân khẩu…).",
        "No household table found (looked for Mã hộ, Họ và tên chủ hộ, Số nhân khẩu…).",
    ),
    "FILE-MISSING-COLUMN": Message(
        ERROR,
        "Bảng danh sách hộ thiếu cột '{value}'. Hãy thêm cột này theo mẫu.",
        "The household table has no '{value}' column.",
    ),
    # Village metadata
    "VR-MISSING": Message(
        ERROR,
        "Thiếu thông tin '{value}' (sheet 'Thông tin chung'). Hãy điền vào ô bên cạnh nhãn.",
        "Missing metadata '{value}'.",
    ),
    "VR-UNKNOWN-VILLAGE": Message(
        ERROR,
        "Mã thôn '{value}' không có trong danh mục đơn vị hành chính. Kiểm tra lại mã thôn.",
        "Village code '{value}' is not in the admin registry.",
    ),
    "VR-BAD-YEAR": Message(
        ERROR,
        "Năm '{value}' không hợp lệ: chuẩn nghèo chỉ áp dụng cho các năm {first}–{last}.",
        "Year '{value}' is not covered by a poverty standard ({first}-{last}).",
    ),
    "VR-BAD-AREA": Message(
        ERROR,
        "Khu vực '{value}' không hợp lệ: ghi 'Nông thôn' hoặc 'Thành thị'.",
        "Area '{value}' is neither rural nor urban.",
    ),
    "VR-BAD-TOTAL": Message(
        ERROR,
        "Tổng số hộ dân cư '{value}' phải là số nguyên dương.",
        "Total households '{value}' is not a positive whole number.",
    ),
    "VR-TOTAL-RANGE": Message(
        ERROR,
        "Ô {cell}: tổng số hộ dân cư '{value}' nằm ngoài khoảng hợp lý (1 đến 20.000 hộ).",
        "Cell {cell}: total households '{value}' is outside 1-20,000.",
    ),
    "VR-PERSONS-RANGE": Message(
        ERROR,
        "Ô {cell}: tổng số nhân khẩu '{value}' nằm ngoài khoảng hợp lý (1 đến 100.000 người).",
        "Cell {cell}: total persons '{value}' is outside 1-100,000.",
    ),
    "VR-PERSONS-BELOW-HOUSEHOLDS": Message(
        WARNING,
        "Ô {cell}: tổng số nhân khẩu '{value}' ít hơn tổng số hộ dân cư. Kiểm tra lại hai số này.",
        "Cell {cell}: total persons '{value}' is below total households.",
    ),
    "VR-OUTLIER-RATE": Message(
        WARNING,
        "Tỷ lệ hộ nghèo {value}% thay đổi {delta} điểm so với danh sách năm {previous_year} "
        "({previous}%). Kiểm tra lại nếu không có lý do.",
        "Poor rate {value}% moved {delta} points from {previous_year} ({previous}%).",
    ),
    "VR-OUTLIER-TOTAL": Message(
        WARNING,
        "Ô {cell}: tổng số hộ dân cư {value} thay đổi {change}% so với năm {previous_year} "
        "({previous} hộ). Kiểm tra lại số liệu.",
        "Cell {cell}: total households {value} changed {change}% from {previous_year} ({previous}).",
    ),
    "VR-TOO-MANY": Message(
        ERROR,
        "Danh sách có {value} hộ, nhiều hơn tổng số hộ dân cư của thôn ({total}).",
        "The list has {value} households, more than the village's total ({total}).",
    ),
    # Commune plan tables
    "PLAN-UNKNOWN-COMMUNE": Message(
        ERROR,
        "Không xác định được xã của kế hoạch ('{value}'). Ghi rõ 'UBND xã …' ở đầu biểu.",
        "Cannot tell which commune the plan is for ('{value}').",
    ),
    "PLAN-UNKNOWN-VILLAGE": Message(
        ERROR,
        "Ô {cell}: đơn vị '{value}' không có trong danh mục thôn của xã.",
        "Cell {cell}: unit '{value}' is not a village of the commune in the registry.",
    ),
    "PLAN-COUNT-RANGE": Message(
        WARNING,
        "Ô {cell}: số hộ '{value}' không hợp lệ (phải từ 0 đến 20.000).",
        "Cell {cell}: household count '{value}' is outside 0-20,000.",
    ),
    "PLAN-RATE-RANGE": Message(
        WARNING,
        "Ô {cell}: tỷ lệ '{value}' không thể vượt 100% (số hộ nghèo lớn hơn tổng số hộ).",
        "Cell {cell}: rate '{value}' exceeds 100%.",
    ),
    "PLAN-TARGET-ABOVE-POOR": Message(
        WARNING,
        "Ô {cell}: chỉ tiêu giảm {value} hộ nhiều hơn số hộ nghèo của đơn vị.",
        "Cell {cell}: target {value} exceeds the unit's poor households.",
    ),
    "PLAN-RATE": Message(
        WARNING,
        "Ô {cell}: tỷ lệ ghi {value} nhưng {households} ÷ {total} hộ × 100 = {expected}. Sửa thành {expected}.",
        "Cell {cell}: rate {value} but {households} / {total} households x 100 = {expected}.",
    ),
    "PLAN-TOTAL-COUNT": Message(
        WARNING,
        "Ô {cell}: dòng Tổng cộng ghi {value} nhưng cộng các dòng được {expected}.",
        "Cell {cell}: the totals row says {value} but its rows add up to {expected}.",
    ),
    "PLAN-TOTAL-RATE": Message(
        WARNING,
        "Ô {cell}: tỷ lệ Tổng cộng ghi {value} nhưng phải tính từ tổng số: {households} ÷ {total} hộ × 100 "
        "= {expected} (không cộng tỷ lệ các dòng).",
        "Cell {cell}: the totals rate is {value}; from the totals it is {households} / {total} x 100 "
        "= {expected} (rates are never summed).",
    ),
    "PLAN-POOR-MISMATCH": Message(
        WARNING,
        "Ô {cell}: kế hoạch ghi {value} hộ nghèo nhưng danh sách hộ của thôn năm {year} có {expected} hộ.",
        "Cell {cell}: the plan says {value} poor households; the village list of {year} has {expected}.",
    ),
    "PLAN-GOAL-NOT-MET": Message(
        WARNING,
        "Kế hoạch đặt mục tiêu dưới {goal}% hộ nghèo, nhưng nếu đạt mọi chỉ tiêu thì còn {remaining} "
        "hộ nghèo trên {total} hộ = {value}%. Cần giảm thêm ít nhất {missing} hộ.",
        "The plan aims below {goal}% poor, but meeting every target leaves {remaining} of {total} "
        "households = {value}%; at least {missing} more must leave poverty.",
    ),
    "PLAN-NO-YEAR": Message(
        ERROR,
        "Không xác định được năm của kế hoạch: ghi 'Hộ nghèo năm …' ở tiêu đề cột.",
        "Cannot tell the plan's year.",
    ),
    # Household cells
    "HH-ID-MISSING": Message(
        ERROR,
        "Ô {cell}: thiếu mã hộ. Mỗi hộ phải có mã hộ riêng.",
        "Cell {cell}: household code is missing.",
    ),
    "HH-DUP-ID": Message(
        ERROR,
        "Ô {cell}: mã hộ '{value}' bị trùng trong danh sách của thôn.",
        "Cell {cell}: household code '{value}' appears more than once in the village list.",
    ),
    "HH-NAME-MISSING": Message(
        ERROR,
        "Ô {cell}: thiếu họ và tên chủ hộ.",
        "Cell {cell}: household head name is missing.",
    ),
    "HH-MEMBERS": Message(
        ERROR,
        "Ô {cell}: số nhân khẩu '{value}' phải là số nguyên từ 1 đến 30.",
        "Cell {cell}: members '{value}' must be a whole number from 1 to 30.",
    ),
    "HH-INCOME-NAN": Message(
        ERROR,
        "Ô {cell}: thu nhập '{value}' không phải là số. Ghi số nghìn đồng/người/tháng, ví dụ 1.200.",
        "Cell {cell}: income '{value}' is not a number.",
    ),
    "HH-INCOME-RANGE": Message(
        ERROR,
        "Ô {cell}: thu nhập '{value}' nằm ngoài khoảng hợp lý (0 đến 100.000 nghìn đồng).",
        "Cell {cell}: income '{value}' is outside 0-100,000 thousand VND.",
    ),
    "HH-MARK": Message(
        ERROR,
        "Ô {cell}: không hiểu dấu '{value}'. Ghi 'x' nếu hộ thiếu hụt, để trống nếu không.",
        "Cell {cell}: mark '{value}' is not recognised (use 'x' or leave blank).",
    ),
    "HH-CLASS": Message(
        ERROR,
        "Ô {cell}: phân loại '{value}' không hợp lệ. Chọn Nghèo, Cận nghèo hoặc Mức sống trung bình.",
        "Cell {cell}: class '{value}' is not one of the allowed classes.",
    ),
    "HH-CLASS-MISMATCH": Message(
        ERROR,
        "Ô {cell}: phân loại '{value}' không đúng chuẩn nghèo: thu nhập {income} nghìn đồng và "
        "{deprivations} chỉ số thiếu hụt là hộ '{expected}'.",
        "Cell {cell}: class '{value}' contradicts the standard: income {income} thousand VND "
        "and {deprivations} deprivations give '{expected}'.",
    ),
    "TEXT-CONTROL-CHARS": Message(
        WARNING,
        "Ô {cell}: có ký tự điều khiển hoặc ký tự ẩn (đã bỏ đi): '{value}'. Kiểm tra lại nội dung ô.",
        "Cell {cell}: control or invisible characters were removed: '{value}'.",
    ),
    "HH-TOTAL-ROW": Message(
        ERROR,
        "Ô {cell}: dòng Tổng cộng ghi {value} nhưng cộng các hộ được {expected}. Sửa dòng Tổng cộng "
        "hoặc các dòng hộ.",
        "Cell {cell}: the totals row says {value} but the households add up to {expected}.",
    ),
    "HH-ID-OTHER-VILLAGE": Message(
        WARNING,
        "Ô {cell}: mã hộ '{value}' đã có trong danh sách năm {year} của {other}. Kiểm tra hộ có bị "
        "ghi ở hai nơi không.",
        "Cell {cell}: household code '{value}' is also on the {year} list of {other}.",
    ),
    "HH-FORMULA-ERROR": Message(
        ERROR,
        "Ô {cell}: công thức bị lỗi ({value}). Hãy nhập giá trị thay cho công thức.",
        "Cell {cell}: formula error value {value}.",
    ),
}


@dataclass(frozen=True)
class Issue:
    """One finding about one submission, located to the cell when there is one."""

    code: str
    severity: str
    submission_id: str
    file: str
    sheet: str | None
    cell: str | None
    column: str | None
    value: str | None
    message_vi: str
    message_en: str


ISSUE_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Issue))

# What a cell of a household row holds may be a person's name, even in the wrong column (a
# village that typed names under "Số nhân khẩu"). Outside the warehouse and the village's own
# feedback (run summaries, logs, Prefect artifacts, the analyst snapshot) such a value is shown
# as '…': always in the name and household-code columns, and in any other household cell
# when it holds a letter. These codes quote only fixed vocabulary and stay as they are.
PERSONAL_COLUMNS = (TEMPLATE_HEADERS["head_name"], TEMPLATE_HEADERS["household_code"])
PRIVATE_PREFIXES = ("HH-", "TEXT-")
VOCABULARY_CODES = frozenset({"HH-CLASS-MISMATCH", "HH-INCOME-UNIT", "HH-FORMULA-ERROR"})
HIDDEN = "…"


def is_private(issue: Issue) -> bool:
    """Whether the issue's value may identify a person (see PERSONAL_COLUMNS)."""
    if issue.value is None:
        return False
    if issue.column in PERSONAL_COLUMNS:
        return True
    return (
        issue.code.startswith(PRIVATE_PREFIXES)
        and issue.code not in VOCABULARY_CODES
        and any(ch.isalpha() for ch in issue.value)
    )


def shareable(issue: Issue) -> Issue:
    """The issue as it may leave the warehouse: a private value becomes '…' (the messages
    quote a value as '{value}', so exactly that quotation is replaced)."""
    if not is_private(issue):
        return issue
    quoted = f"'{issue.value}'"
    return replace(
        issue,
        value=None,
        message_vi=issue.message_vi.replace(quoted, f"'{HIDDEN}'"),
        message_en=issue.message_en.replace(quoted, f"'{HIDDEN}'"),
    )


def make_issue(
    code: str,
    *,
    submission_id: str,
    file: str,
    sheet: str | None = None,
    cell: str | None = None,
    column: str | None = None,
    value: object = None,
    severity: str | None = None,
    **details: object,
) -> Issue:
    """Build an Issue from the catalogue, filling its message templates."""
    entry = CATALOGUE[code]
    shown = "" if value is None else str(value)
    context = {"cell": cell or "", "value": shown, **details}
    return Issue(
        code=code,
        severity=severity or entry.severity,
        submission_id=submission_id,
        file=file,
        sheet=sheet,
        cell=cell,
        column=column,
        value=None if value is None else shown,
        message_vi=entry.vi.format_map(_Defaults(context)),
        message_en=entry.en.format_map(_Defaults(context)),
    )


class _Defaults(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def issues_frame(issues: Iterable[Issue]) -> pd.DataFrame:
    """Flatten issues to a frame with one row per issue (columns `ISSUE_COLUMNS`)."""
    rows = [asdict(i) for i in issues]
    return pd.DataFrame(rows, columns=list(ISSUE_COLUMNS)).astype("string")


def has_errors(issues: Iterable[Issue]) -> bool:
    """True when any issue would reject its submission."""
    return any(i.severity == ERROR for i in issues)


@dataclass(frozen=True)
class Source:
    """Where a submission's fields sit, so a finding about a field can name its cell."""

    submission_id: str
    file: str
    sheet: str | None = None
    columns: dict[str, str] | None = None  # household field -> column letter
    metadata_cells: dict[str, tuple[str, str]] | None = None  # metadata field -> (sheet, cell)


@dataclass(frozen=True)
class Finding:
    """A rule's verdict on one field of one submission, before it is located and worded.

    `row` is the Excel row of a household field, None for a metadata field or the whole file.
    """

    code: str
    submission_id: str
    field: str | None = None
    row: int | None = None
    value: object = None
    severity: str | None = None
    details: tuple[tuple[str, object], ...] = ()


def locate(finding: Finding, source: Source) -> Issue:
    """Turn a finding into an Issue at the right sheet and cell of its submission's file."""
    sheet = cell = column = None
    if finding.row is not None and finding.field:
        sheet = source.sheet
        letter = (source.columns or {}).get(finding.field)
        cell = f"{letter}{finding.row}" if letter else None
        column = TEMPLATE_HEADERS.get(finding.field, finding.field)
    elif finding.field:
        sheet, cell = (source.metadata_cells or {}).get(finding.field, (None, None))
        column = METADATA_FIELDS.get(finding.field, finding.field)
    return make_issue(
        finding.code,
        submission_id=finding.submission_id,
        file=source.file,
        sheet=sheet,
        cell=cell,
        column=column,
        value=finding.value,
        severity=finding.severity,
        **dict(finding.details),
    )
