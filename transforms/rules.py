"""Every validation rule, declared once: its code, severity, message and fix in both languages.

A rule is raised in one of three places, and nowhere is its wording or severity repeated:
the reader (a cell it cannot parse, a file it refuses), a Great Expectations suite
(`expectations/suites/*.json`, whose `meta.code` names the rule), or a domain check in
`transforms/checks.py` (registered with `domain_check`, which names the codes it raises).
`tests/transforms/test_rules.py` holds the three to this table. Adding a rule is one entry
here, its check or expectation, and its test.

Messages are `str.format` templates; the fields are the Issue's `cell` and `value` and the
details the raising code passes. The fix says what the village or officer should do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    """One rule: `error` rejects the submission, `warning` loads it flagged.

    `params` holds the rule's thresholds, so a check reads them from here.
    """

    code: str
    severity: str
    message_vi: str
    message_en: str
    fix_vi: str = ""
    fix_en: str = ""
    params: Mapping[str, float] = field(default_factory=dict)

    def text_vi(self) -> str:
        return f"{self.message_vi} {self.fix_vi}".strip()

    def text_en(self) -> str:
        return f"{self.message_en} {self.fix_en}".strip()


def _rules(*rules: Rule) -> dict[str, Rule]:
    table: dict[str, Rule] = {}
    for rule in rules:
        if rule.code in table:
            raise ValueError(f"rule {rule.code} is declared twice")
        table[rule.code] = rule
    return table


_RESAVE_VI = "Hãy mở tệp bằng Excel, lưu lại dạng .xlsx rồi gửi lại."
_RESAVE_EN = "Open the file in Excel, save it as .xlsx and send it again."

RULES: dict[str, Rule] = _rules(
    # -- files -------------------------------------------------------------------------------
    Rule(
        "FILE-UNREADABLE",
        ERROR,
        "Không đọc được tệp '{value}': {detail_vi}.",
        "Cannot read file '{value}': {detail_en}.",
        _RESAVE_VI,
        _RESAVE_EN,
    ),
    Rule(
        "FILE-EMPTY",
        ERROR,
        "Tệp '{value}' rỗng (0 byte).",
        "File '{value}' is empty (0 bytes).",
        "Hãy lưu lại bảng tính rồi gửi lại.",
        "Save the workbook again and send it again.",
    ),
    Rule(
        "FILE-PASSWORD",
        ERROR,
        "Tệp '{value}' có đặt mật khẩu nên không đọc được.",
        "File '{value}' is password-protected.",
        "Hãy bỏ mật khẩu rồi gửi lại.",
        "Remove the password and send it again.",
    ),
    Rule(
        "FILE-TOO-LARGE",
        ERROR,
        "Tệp '{value}' quá lớn: {detail_vi}.",
        "File '{value}' is too large: {detail_en}.",
        "Hãy kiểm tra lại tệp: một danh sách thôn chỉ cần một bảng danh sách hộ.",
        "Check the file: a village list needs one household table only.",
    ),
    Rule(
        "FILE-TIMEOUT",
        ERROR,
        "Đọc tệp '{value}' quá {detail_vi} nên đã dừng.",
        "Reading '{value}' took longer than {detail_en} and was stopped.",
        _RESAVE_VI + " Nếu vẫn vậy, báo cán bộ dữ liệu.",
        _RESAVE_EN + " If it happens again, tell the data officer.",
    ),
    Rule(
        "FILE-NOT-SPREADSHEET",
        ERROR,
        "Tệp '{value}' không phải bảng tính mà là {detail_vi}.",
        "File '{value}' is not a spreadsheet but {detail_en}.",
        "Hãy gửi tệp Excel danh sách hộ.",
        "Send the household list as an Excel workbook.",
    ),
    Rule(
        "FILE-NOT-REGULAR",
        ERROR,
        "'{value}' trong thư mục nhận không phải là một tệp bình thường ({detail_vi}) nên không "
        "được mở.",
        "'{value}' in the inbox is not a regular file ({detail_en}) and was not opened.",
        "Hãy chép chính tệp Excel (không phải lối tắt hay liên kết) vào thư mục nhận.",
        "Copy the workbook itself (not a shortcut or link) into the inbox.",
    ),
    Rule(
        "ISSUES-TRUNCATED",
        WARNING,
        "Tệp còn {value} lỗi và cảnh báo khác không được liệt kê.",
        "The file has {value} more issues that are not listed.",
        "Hãy sửa các lỗi đã liệt kê (thường cùng một nguyên nhân), rồi gửi lại để kiểm tra tiếp.",
        "Fix the issues listed (usually one cause) and send the file again to check the rest.",
    ),
    Rule(
        "FILE-EXTRA-COLUMN",
        WARNING,
        "Cột '{value}' không thuộc mẫu; dữ liệu của cột được giữ lại nhưng không dùng để tính.",
        "Column '{value}' is not part of the template; its values are kept aside.",
        "Nếu cột này là một cột của mẫu, hãy sửa tiêu đề cho đúng mẫu.",
        "If it is a template column, correct its header to the template's.",
    ),
    Rule(
        "FILE-NO-TABLE",
        ERROR,
        "Không tìm thấy bảng danh sách hộ (cần các cột Mã hộ, Họ và tên chủ hộ, Số nhân khẩu…).",
        "No household table found (looked for Mã hộ, Họ và tên chủ hộ, Số nhân khẩu…).",
        "Hãy dùng mẫu danh sách hộ ('giamngheo template') hoặc ghi đúng tiêu đề các cột.",
        "Use the village template ('giamngheo template') or the template's column headers.",
    ),
    Rule(
        "FILE-MISSING-COLUMN",
        ERROR,
        "Bảng danh sách hộ thiếu cột '{value}'.",
        "The household table has no '{value}' column.",
        "Hãy thêm cột này theo mẫu.",
        "Add this column as in the template.",
    ),
    Rule(
        "VR-MISSING",
        ERROR,
        "Thiếu thông tin '{value}'.",
        "Missing metadata '{value}'.",
        "Hãy điền vào ô bên cạnh nhãn (sheet 'Thông tin chung'); danh sách chung của nhiều "
        "thôn ghi số hộ, số nhân khẩu từng thôn ở bảng tổng hợp các thôn.",
        "Fill in the cell beside its label (sheet 'Thông tin chung'); a list of several "
        "villages gives each village's totals in a summary table of the villages.",
    ),
    Rule(
        "VR-OLD-COMMUNE",
        WARNING,
        "Danh sách ghi xã '{value}', là {old} trước khi sắp xếp lại; năm của danh sách, thôn "
        "thuộc {now}.",
        "The list names commune '{value}', {old} before the reorganisation; in the list's year "
        "the village belongs to {now}.",
        "Lần sau ghi tên, mã xã mới.",
        "Next time, write the new commune's name and code.",
    ),
    Rule(
        "VR-UNKNOWN-COMMUNE",
        ERROR,
        "Xã '{value}' không có trong danh mục vào năm của danh sách.",
        "Commune '{value}' is not in the registry for the list's year.",
        "Hãy kiểm tra mã xã, tên xã và năm của danh sách.",
        "Check the commune's code and name, and the list's year.",
    ),
    Rule(
        "VR-VILLAGE-UNASSIGNED",
        WARNING,
        "Thôn '{value}' chưa thuộc xã nào: xã cũ của thôn đã sáp nhập (một phần) từ ngày "
        "{ended}. Số liệu của thôn được nạp nhưng chưa cộng vào xã nào.",
        "Village '{value}' belongs to no commune yet: its commune was merged (in part) on "
        "{ended}. Its figures are loaded but not summed into any commune.",
        "Cán bộ huyện/tỉnh nhập tệp gán thôn (code,new_parent) bằng 'giamngheo registry import'.",
        "Import an assignment file (code,new_parent) with 'giamngheo registry import'.",
    ),
    Rule(
        "VR-VILLAGE-AMBIGUOUS",
        ERROR,
        "Tên thôn '{value}' có thể là {candidates}.",
        "Village name '{value}' may be {candidates}.",
        "Hãy ghi đầy đủ tên thôn như trong danh mục (ví dụ 'Thôn 3' hay 'Tổ dân phố 3').",
        "Write the village's full name as in the registry (e.g. 'Thôn 3' or 'Tổ dân phố 3').",
    ),
    Rule(
        "VR-UNKNOWN-VILLAGE",
        ERROR,
        "Thôn '{value}' không có trong danh mục đơn vị hành chính.",
        "Village '{value}' is not in the admin registry.",
        "Hãy kiểm tra lại mã thôn hoặc tên thôn.",
        "Check the village code or name.",
    ),
    Rule(
        "VR-BAD-YEAR",
        ERROR,
        "Năm '{value}' không hợp lệ: chuẩn nghèo chỉ áp dụng cho các năm {first}–{last}.",
        "Year '{value}' is not covered by a poverty standard ({first}-{last}).",
        "Hãy ghi năm của danh sách (năm áp dụng, ví dụ 2027).",
        "Write the year the list applies to (e.g. 2027).",
    ),
    Rule(
        "VR-YEAR-CONFLICT",
        ERROR,
        "Ô {cell}: '{words}' {value} là danh sách năm {means}, nhưng ô {first_cell} ghi "
        "'{first_words}' {first_written}, là danh sách năm {first_means}.",
        "Cell {cell}: '{words}' {value} makes a list of {means}, but cell {first_cell} says "
        "'{first_words}' {first_written}, a list of {first_means}.",
        "Danh sách áp dụng cho năm sau năm rà soát (rà soát cuối năm 2026 là danh sách năm "
        "2027): sửa cho hai ô cùng một năm.",
        "A list applies to the year after its review (the review at the end of 2026 makes the "
        "2027 list): make both cells say the same year.",
    ),
    Rule(
        "VR-INDICATOR-SET",
        ERROR,
        "Danh sách năm {year} dùng bộ chỉ số giai đoạn {other_period} ({other_basis}); theo "
        "{basis} (giai đoạn {period}) cần các cột {needed}{dropped}.",
        "The {year} list uses the indicator set of {other_period} ({other_basis}); under "
        "{basis} ({period}) it needs the columns {needed}{dropped_en}.",
        "Hãy dùng mẫu danh sách của năm {year} ('giamngheo template') hoặc sửa các cột chỉ số "
        "thiếu hụt theo bộ chỉ số mới, rồi phân loại lại các hộ.",
        "Use the {year} template ('giamngheo template') or change the indicator columns to the "
        "new set, then class the households again.",
    ),
    Rule(
        "VR-BAD-AREA",
        ERROR,
        "Khu vực '{value}' không hợp lệ.",
        "Area '{value}' is neither rural nor urban.",
        "Hãy ghi 'Nông thôn' hoặc 'Thành thị'.",
        "Write 'Nông thôn' (rural) or 'Thành thị' (urban).",
    ),
    Rule(
        "VR-BAD-TOTAL",
        ERROR,
        "Tổng số hộ dân cư '{value}' không phải là số nguyên dương.",
        "Total households '{value}' is not a positive whole number.",
        "Hãy ghi tổng số hộ dân cư của thôn, ví dụ 135.",
        "Write the village's total households, e.g. 135.",
    ),
    Rule(
        "VR-TOTAL-RANGE",
        ERROR,
        "Ô {cell}: tổng số hộ dân cư '{value}' nằm ngoài khoảng hợp lý ({min} đến {max} hộ).",
        "Cell {cell}: total households '{value}' is outside {min}-{max}.",
        "Hãy kiểm tra lại số hộ của thôn.",
        "Check the village's number of households.",
        params={"min": 1, "max": 20_000},
    ),
    Rule(
        "VR-PERSONS-RANGE",
        ERROR,
        "Ô {cell}: tổng số nhân khẩu '{value}' nằm ngoài khoảng hợp lý ({min} đến {max} người).",
        "Cell {cell}: total persons '{value}' is outside {min}-{max}.",
        "Hãy kiểm tra lại số nhân khẩu của thôn.",
        "Check the village's number of persons.",
        params={"min": 1, "max": 100_000},
    ),
    Rule(
        "VR-PERSONS-BELOW-HOUSEHOLDS",
        WARNING,
        "Ô {cell}: tổng số nhân khẩu '{value}' ít hơn tổng số hộ dân cư.",
        "Cell {cell}: total persons '{value}' is below total households.",
        "Hãy kiểm tra lại hai số này.",
        "Check both figures.",
    ),
    Rule(
        "VR-OUTLIER-RATE",
        WARNING,
        "Tỷ lệ hộ nghèo {value}% thay đổi {delta} điểm so với danh sách năm {previous_year} "
        "({previous}%).",
        "Poor rate {value}% moved {delta} points from {previous_year} ({previous}%).",
        "Kiểm tra lại nếu không có lý do.",
        "Check it unless there is a reason.",
        params={"points": 10},
    ),
    Rule(
        "VR-OUTLIER-TOTAL",
        WARNING,
        "Ô {cell}: tổng số hộ dân cư {value} thay đổi {change}% so với năm {previous_year} "
        "({previous} hộ).",
        "Cell {cell}: total households {value} changed {change}% from {previous_year} "
        "({previous}).",
        "Kiểm tra lại số liệu.",
        "Check the figure.",
        params={"change_pct": 20},
    ),
    Rule(
        "VR-TOO-MANY",
        ERROR,
        "Danh sách có {value} hộ, nhiều hơn tổng số hộ dân cư của thôn ({total}).",
        "The list has {value} households, more than the village's total ({total}).",
        "Hãy sửa tổng số hộ dân cư hoặc bỏ các hộ ghi thừa.",
        "Correct the village's total households or remove the extra rows.",
    ),
    # -- commune plan tables ----------------------------------------------------------------
    Rule(
        "PLAN-UNKNOWN-COMMUNE",
        ERROR,
        "Không xác định được xã của kế hoạch ('{value}').",
        "Cannot tell which commune the plan is for ('{value}').",
        "Hãy ghi rõ 'UBND xã …' ở đầu biểu.",
        "Write 'UBND xã …' at the top of the table.",
    ),
    Rule(
        "PLAN-UNKNOWN-VILLAGE",
        ERROR,
        "Ô {cell}: đơn vị '{value}' không có trong danh mục thôn của xã.",
        "Cell {cell}: unit '{value}' is not a village of the commune in the registry.",
        "Hãy ghi tên thôn như trong danh mục.",
        "Write the village's name as in the registry.",
    ),
    Rule(
        "PLAN-NO-YEAR",
        ERROR,
        "Không xác định được năm của kế hoạch.",
        "Cannot tell the plan's year.",
        "Hãy ghi 'Hộ nghèo năm …' ở tiêu đề cột.",
        "Write 'Hộ nghèo năm …' in the column header.",
    ),
    Rule(
        "PLAN-COUNT-RANGE",
        WARNING,
        "Ô {cell}: số hộ '{value}' không hợp lệ (phải từ {min} đến {max}).",
        "Cell {cell}: household count '{value}' is outside {min}-{max}.",
        "Hãy sửa số hộ.",
        "Correct the count.",
        params={"min": 0, "max": 20_000},
    ),
    Rule(
        "PLAN-RATE-RANGE",
        WARNING,
        "Ô {cell}: tỷ lệ '{value}' vượt {max}% (số hộ nghèo lớn hơn tổng số hộ).",
        "Cell {cell}: rate '{value}' exceeds {max}%.",
        "Hãy tính lại: số hộ ÷ tổng số hộ × 100.",
        "Recompute it: households / total households x 100.",
        params={"min": 0, "max": 100},
    ),
    Rule(
        "PLAN-TARGET-ABOVE-POOR",
        WARNING,
        "Ô {cell}: chỉ tiêu giảm {value} hộ nhiều hơn số hộ nghèo của đơn vị.",
        "Cell {cell}: target {value} exceeds the unit's poor households.",
        "Hãy giảm chỉ tiêu.",
        "Lower the target.",
    ),
    Rule(
        "PLAN-RATE",
        WARNING,
        "Ô {cell}: tỷ lệ ghi {value} nhưng {households} ÷ {total} hộ × 100 = {expected}.",
        "Cell {cell}: rate {value} but {households} / {total} households x 100 = {expected}.",
        "Sửa thành {expected}.",
        "Correct it to {expected}.",
    ),
    Rule(
        "PLAN-TOTAL-COUNT",
        WARNING,
        "Ô {cell}: dòng Tổng cộng ghi {value} nhưng cộng các dòng được {expected}.",
        "Cell {cell}: the totals row says {value} but its rows add up to {expected}.",
        "Sửa thành {expected}.",
        "Correct it to {expected}.",
    ),
    Rule(
        "PLAN-TOTAL-RATE",
        WARNING,
        "Ô {cell}: tỷ lệ Tổng cộng ghi {value} nhưng phải tính từ tổng số: {households} ÷ {total} "
        "hộ × 100 = {expected} (không cộng tỷ lệ các dòng).",
        "Cell {cell}: the totals rate is {value}; from the totals it is {households} / {total} "
        "x 100 = {expected} (rates are never summed).",
        "Sửa thành {expected}.",
        "Correct it to {expected}.",
    ),
    Rule(
        "PLAN-POOR-MISMATCH",
        WARNING,
        "Ô {cell}: kế hoạch ghi {value} hộ nghèo nhưng danh sách hộ của thôn năm {year} có "
        "{expected} hộ.",
        "Cell {cell}: the plan says {value} poor households; the village list of {year} has "
        "{expected}.",
        "Hãy đối chiếu kế hoạch với danh sách hộ nghèo của thôn.",
        "Check the plan against the village's list.",
    ),
    Rule(
        "PLAN-GOAL-NOT-MET",
        WARNING,
        "Kế hoạch đặt mục tiêu giảm còn {goal} hộ nghèo, nhưng nếu đạt mọi chỉ tiêu thì còn "
        "{remaining} hộ nghèo trên {total} hộ = {value} %.",
        "The plan aims at {goal_en} poor, but meeting every target leaves {remaining} of "
        "{total} households = {value}%.",
        "Cần giảm thêm ít nhất {missing} hộ.",
        "At least {missing} more must leave poverty.",
    ),
    # -- household cells --------------------------------------------------------------------
    Rule(
        "HH-ID-MISSING",
        ERROR,
        "Ô {cell}: thiếu mã hộ.",
        "Cell {cell}: household code is missing.",
        "Mỗi hộ phải có mã hộ riêng; hãy ghi mã hộ.",
        "Every household needs its own code; fill it in.",
    ),
    Rule(
        "HH-DUP-ID",
        ERROR,
        "Ô {cell}: mã hộ '{value}' bị trùng trong danh sách của thôn.",
        "Cell {cell}: household code '{value}' appears more than once in the village list.",
        "Hãy sửa để mỗi hộ có một mã riêng, hoặc bỏ dòng ghi trùng.",
        "Give each household its own code, or remove the repeated row.",
    ),
    Rule(
        "HH-NAME-MISSING",
        ERROR,
        "Ô {cell}: thiếu họ và tên chủ hộ.",
        "Cell {cell}: household head name is missing.",
        "Hãy ghi họ và tên chủ hộ.",
        "Fill in the head's name.",
    ),
    Rule(
        "HH-MEMBERS",
        ERROR,
        "Ô {cell}: số nhân khẩu '{value}' không hợp lệ.",
        "Cell {cell}: members '{value}' is not valid.",
        "Ghi một số nguyên từ {min} đến {max}.",
        "Write a whole number from {min} to {max}.",
        params={"min": 1, "max": 30},
    ),
    Rule(
        "HH-INCOME-NAN",
        ERROR,
        "Ô {cell}: thu nhập '{value}' không phải là số.",
        "Cell {cell}: income '{value}' is not a number.",
        "Ghi số nghìn đồng/người/tháng, ví dụ 1.200.",
        "Write thousand VND per person per month, e.g. 1.200.",
    ),
    Rule(
        "HH-INCOME-RANGE",
        ERROR,
        "Ô {cell}: thu nhập '{value}' nằm ngoài khoảng hợp lý ({min} đến {max} nghìn đồng).",
        "Cell {cell}: income '{value}' is outside {min}-{max} thousand VND.",
        "Ghi thu nhập bình quân tính bằng nghìn đồng/người/tháng.",
        "Write the average income in thousand VND per person per month.",
        params={"min": 0, "max": 100_000},
    ),
    Rule(
        "HH-INCOME-UNIT",
        WARNING,
        "Ô {cell}: tiêu đề ghi thu nhập theo {stated}, nhưng các giá trị (trung vị {median}) "
        "giống đơn vị {likely}.",
        "Cell {cell}: the header states income in {stated} but the values (median {median}) "
        "look like {likely}.",
        "Kiểm tra lại đơn vị của cột thu nhập.",
        "Check the unit of the income column.",
    ),
    Rule(
        "HH-MARK",
        ERROR,
        "Ô {cell}: không hiểu dấu '{value}'.",
        "Cell {cell}: mark '{value}' is not recognised.",
        "Ghi 'x' nếu hộ thiếu hụt, để trống nếu không.",
        "Write 'x' when the household is deprived, leave it blank otherwise.",
    ),
    Rule(
        "HH-CLASS",
        ERROR,
        "Ô {cell}: phân loại '{value}' không hợp lệ.",
        "Cell {cell}: class '{value}' is not one of the allowed classes.",
        "Chọn Nghèo, Cận nghèo hoặc Mức sống trung bình.",
        "Choose Nghèo, Cận nghèo or Mức sống trung bình.",
    ),
    Rule(
        "HH-CLASS-MISMATCH",
        ERROR,
        "Ô {cell}: phân loại '{value}' không đúng chuẩn nghèo: thu nhập {income} nghìn đồng và "
        "{deprivations} chỉ số thiếu hụt là hộ '{expected}'.",
        "Cell {cell}: class '{value}' contradicts the standard: income {income} thousand VND "
        "and {deprivations} deprivations give '{expected}'.",
        "Hãy kiểm tra lại thu nhập, các chỉ số thiếu hụt và phân loại của hộ.",
        "Check the household's income, deprivation marks and class.",
    ),
    Rule(
        "HH-FORMULA-ERROR",
        ERROR,
        "Ô {cell}: công thức bị lỗi ({value}).",
        "Cell {cell}: formula error value {value}.",
        "Hãy nhập giá trị thay cho công thức.",
        "Type the value instead of the formula.",
    ),
    Rule(
        "FILE-TOTAL-ROW",
        WARNING,
        "Ô {cell}: dòng Tổng cộng của cả danh sách ghi {value} nhưng cộng các hộ của các thôn "
        "được {expected}.",
        "Cell {cell}: the list's totals row says {value} but the villages' households add up "
        "to {expected}.",
        "Sửa dòng Tổng cộng cho đúng; số liệu của từng thôn vẫn được nạp theo các dòng hộ.",
        "Correct the totals row; each village's figures are loaded from its household rows.",
    ),
    Rule(
        "HH-VILLAGE-MISSING",
        ERROR,
        "Ô {cell}: không rõ hộ ở dòng này thuộc thôn nào.",
        "Cell {cell}: the row's household belongs to no village.",
        "Ghi tên thôn vào cột Thôn, hoặc thêm một dòng ghi tên thôn (ví dụ 'Thôn 1') phía trên "
        "các hộ của thôn.",
        "Write the village in the Thôn column, or add a row naming the village (e.g. 'Thôn 1') "
        "above its households.",
    ),
    Rule(
        "HH-REVIEW-REPEATED",
        WARNING,
        "Hộ '{value}' có ở các dòng {rows} (nhiều lần rà soát); dùng lần rà soát mới nhất, dòng "
        "{kept} (ngày {date}).",
        "Household '{value}' appears on rows {rows} (several review rounds); the latest, row "
        "{kept} (dated {date}), is used.",
        "Kiểm tra lại nếu lần rà soát mới nhất không phải dòng này.",
        "Check, if the latest review is another row.",
    ),
    Rule(
        "HH-NATIONAL-ID",
        WARNING,
        "Ô {cell}: số CCCD/CMND '{value}' {problem_vi}.",
        "Cell {cell}: ID number '{value}' {problem_en}.",
        "Ghi số CCCD (12 chữ số) hoặc CMND (9 chữ số) dạng văn bản, giữ số 0 đầu.",
        "Write the CCCD (12 digits) or CMND (9 digits) as text, keeping its leading zero.",
    ),
    Rule(
        "HH-DATE",
        WARNING,
        "Ô {cell}: '{value}': {problem_vi}.",
        "Cell {cell}: '{value}': {problem_en}.",
        "Ghi ngày theo dạng ngày/tháng/năm, ví dụ 03/12/2015.",
        "Write the date as day/month/year, e.g. 03/12/2015.",
    ),
    Rule(
        "HH-TOTAL-ROW",
        ERROR,
        "Ô {cell}: dòng Tổng cộng ghi {value} nhưng cộng các hộ được {expected}.",
        "Cell {cell}: the totals row says {value} but the households add up to {expected}.",
        "Sửa dòng Tổng cộng hoặc các dòng hộ.",
        "Correct the totals row or the household rows.",
    ),
    Rule(
        "HH-ID-OTHER-VILLAGE",
        WARNING,
        "Ô {cell}: mã hộ '{value}' đã có trong danh sách năm {year} của {other}.",
        "Cell {cell}: household code '{value}' is also on the {year} list of {other}.",
        "Kiểm tra hộ có bị ghi ở hai nơi không.",
        "Check whether the household is listed twice.",
    ),
    Rule(
        "TEXT-CONTROL-CHARS",
        WARNING,
        "Ô {cell}: có ký tự điều khiển hoặc ký tự ẩn (đã bỏ đi): '{value}'.",
        "Cell {cell}: control or invisible characters were removed: '{value}'.",
        "Kiểm tra lại nội dung ô.",
        "Check the cell's text.",
    ),
)

SEVERITIES = (ERROR, WARNING)
