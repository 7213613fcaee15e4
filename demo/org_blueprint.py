"""The shape of the fictional ministry: departments, divisions and units, sized by staff.

Pure code with no database: `blueprint(staff)` says which nodes to build, with Thai and
English names, stable codes and each division's focus (which lines of work it employs).
The organisation grows with the staff count so that a 60-person test ministry and a
100,000-person benchmark ministry both look like a Thai ministry, only bigger or smaller.
"""

from dataclasses import dataclass

MINISTRY_CODE = "MDGD"
MINISTRY_NAME_TH = "กระทรวงพัฒนารัฐบาลดิจิทัล"
MINISTRY_NAME_EN = "Ministry of Digital Government Development"


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name_th: str
    name_en: str


@dataclass(frozen=True)
class DivisionSpec:
    key: str
    code: str
    name_th: str
    name_en: str
    focus: str
    director_title_th: str
    director_level_rank: int  # 1 อำนวยการต้น, 2 อำนวยการสูง
    size: float  # relative head count
    units: tuple[UnitSpec, ...]


@dataclass(frozen=True)
class DepartmentSpec:
    key: str
    code: str
    name_th: str
    name_en: str
    head_title_th: str
    deputy_title_th: str
    divisions: tuple[DivisionSpec, ...]


@dataclass(frozen=True)
class MinistrySpec:
    code: str
    name_th: str
    name_en: str
    departments: tuple[DepartmentSpec, ...]

    @property
    def divisions(self) -> list[DivisionSpec]:
        return [div for dept in self.departments for div in dept.divisions]

    @property
    def units(self) -> list[UnitSpec]:
        return [unit for div in self.divisions for unit in div.units]


# ------------------------------------------------------------------------------
# Templates
# ------------------------------------------------------------------------------

# (key, Thai, English, focus); the key becomes the last part of the division's code.
_LineDivision = tuple[str, str, str, str]

# Each department: key, Thai, English, its line divisions, and the pattern of its
# regional offices ({place_th}/{place_en} filled from REGIONS or PROVINCES).
_DEPARTMENTS: tuple[dict, ...] = (
    {
        "key": "OPS",
        "name_th": "สำนักงานปลัดกระทรวง",
        "name_en": "Office of the Permanent Secretary",
        "head": "รองปลัดกระทรวง",
        "deputy": "ผู้ช่วยปลัดกระทรวง",
        "lines": (
            ("STR", "กองยุทธศาสตร์และแผนงาน", "Strategy and Planning Division", "policy"),
            ("FOR", "กองการต่างประเทศ", "Foreign Affairs Division", "policy"),
            ("MOC", "ศูนย์ปฏิบัติการกระทรวง", "Ministry Operations Centre", "admin"),
            ("INS", "กองตรวจราชการ", "Inspection Division", "audit"),
        ),
        "regional": (
            "สำนักงานพัฒนารัฐบาลดิจิทัลจังหวัด{place_th}",
            "{place_en} Provincial Digital Government Office",
            "service",
            "province",
        ),
    },
    {
        "key": "DSD",
        "name_th": "กรมพัฒนาทักษะดิจิทัลบุคลากรภาครัฐ",
        "name_en": "Department of Public Sector Digital Skills Development",
        "lines": (
            ("CUR", "กองพัฒนาหลักสูตรดิจิทัล", "Digital Curriculum Division", "training"),
            (
                "TRN",
                "กองฝึกอบรมและพัฒนา",
                "Training and Development Division",
                "training",
            ),
            (
                "CAC",
                "กองประเมินและรับรองสมรรถนะ",
                "Competency Assessment and Certification Division",
                "policy",
            ),
            (
                "GDL",
                "สถาบันผู้นำดิจิทัลภาครัฐ",
                "Government Digital Leadership Institute",
                "training",
            ),
        ),
        "regional": (
            "ศูนย์พัฒนาทักษะดิจิทัล{place_th}",
            "Digital Skills Centre, {place_en}",
            "training",
            "region",
        ),
    },
    {
        "key": "DGS",
        "name_th": "กรมบริการดิจิทัลภาครัฐ",
        "name_en": "Department of Digital Government Services",
        "lines": (
            (
                "SVD",
                "กองพัฒนาบริการดิจิทัล",
                "Digital Service Development Division",
                "digital",
            ),
            ("PLT", "กองแพลตฟอร์มกลางภาครัฐ", "Government Platforms Division", "digital"),
            (
                "UXD",
                "กองออกแบบประสบการณ์ผู้รับบริการ",
                "Service Experience Design Division",
                "service",
            ),
            ("CSC", "ศูนย์บริการประชาชน", "Citizen Service Centre", "service"),
        ),
        "regional": (
            "สำนักงานบริการดิจิทัล{place_th}",
            "Digital Service Office, {place_en}",
            "service",
            "region",
        ),
    },
    {
        "key": "GDS",
        "name_th": "กรมข้อมูลและสถิติภาครัฐ",
        "name_en": "Department of Government Data and Statistics",
        "lines": (
            ("DGV", "กองธรรมาภิบาลข้อมูล", "Data Governance Division", "data"),
            ("ODS", "กองบริการข้อมูลเปิด", "Open Data Services Division", "data"),
            (
                "ESS",
                "กองสถิติเศรษฐกิจและสังคม",
                "Economic and Social Statistics Division",
                "data",
            ),
            ("BDA", "กองวิเคราะห์ข้อมูลขนาดใหญ่", "Big Data Analytics Division", "digital"),
        ),
        "regional": (
            "สำนักงานสถิติ{place_th}",
            "Statistics Office, {place_en}",
            "data",
            "region",
        ),
    },
    {
        "key": "CSA",
        "name_th": "กรมความมั่นคงปลอดภัยไซเบอร์ภาครัฐ",
        "name_en": "Department of Government Cyber Security",
        "lines": (
            (
                "CTM",
                "กองเฝ้าระวังภัยคุกคามไซเบอร์",
                "Cyber Threat Monitoring Division",
                "digital",
            ),
            (
                "CIR",
                "กองรับมือเหตุการณ์ไซเบอร์",
                "Cyber Incident Response Division",
                "digital",
            ),
            (
                "SST",
                "กองมาตรฐานความมั่นคงปลอดภัย",
                "Security Standards Division",
                "policy",
            ),
            ("DFR", "กองพิสูจน์หลักฐานดิจิทัล", "Digital Forensics Division", "digital"),
        ),
        "regional": (
            "ศูนย์ประสานความมั่นคงปลอดภัยไซเบอร์{place_th}",
            "Cyber Security Coordination Centre, {place_en}",
            "digital",
            "region",
        ),
    },
    {
        "key": "DIN",
        "name_th": "กรมโครงสร้างพื้นฐานดิจิทัลภาครัฐ",
        "name_en": "Department of Government Digital Infrastructure",
        "lines": (
            (
                "GDC",
                "กองศูนย์ข้อมูลภาครัฐ",
                "Government Data Centre Division",
                "infrastructure",
            ),
            (
                "GNW",
                "กองเครือข่ายสื่อสารภาครัฐ",
                "Government Network Division",
                "infrastructure",
            ),
            ("GCL", "กองคลาวด์ภาครัฐ", "Government Cloud Division", "digital"),
            ("SYE", "กองวิศวกรรมระบบ", "Systems Engineering Division", "infrastructure"),
        ),
        "regional": (
            "สำนักงานโครงข่ายดิจิทัล{place_th}",
            "Digital Network Office, {place_en}",
            "infrastructure",
            "region",
        ),
    },
    {
        "key": "DCR",
        "name_th": "กรมทะเบียนและบริการประชาชนดิจิทัล",
        "name_en": "Department of Digital Civil Registration",
        "lines": (
            (
                "REG",
                "กองทะเบียนราษฎร์ดิจิทัล",
                "Digital Civil Registration Division",
                "service",
            ),
            ("DID", "กองบัตรประจำตัวดิจิทัล", "Digital Identity Division", "digital"),
            ("CTS", "กองบริการประชาชน", "Citizen Services Division", "service"),
            (
                "RAP",
                "กองตรวจสอบและคุ้มครองข้อมูลทะเบียน",
                "Registry Audit and Protection Division",
                "legal",
            ),
        ),
        "regional": (
            "สำนักทะเบียนดิจิทัล{place_th}",
            "Digital Registration Office, {place_en}",
            "service",
            "region",
        ),
    },
    {
        "key": "PSI",
        "name_th": "กรมส่งเสริมนวัตกรรมภาครัฐ",
        "name_en": "Department of Public Sector Innovation",
        "lines": (
            (
                "PSV",
                "กองนวัตกรรมบริการภาครัฐ",
                "Public Service Innovation Division",
                "service",
            ),
            ("SBX", "กองทดสอบนวัตกรรม", "Innovation Sandbox Division", "digital"),
            (
                "INT",
                "กองความร่วมมือระหว่างประเทศ",
                "International Cooperation Division",
                "policy",
            ),
            (
                "CDE",
                "กองส่งเสริมเศรษฐกิจดิจิทัลชุมชน",
                "Community Digital Economy Division",
                "service",
            ),
        ),
        "regional": (
            "สำนักงานส่งเสริมนวัตกรรม{place_th}",
            "Innovation Office, {place_en}",
            "service",
            "region",
        ),
    },
)

# Support divisions every department has; the Office of the Permanent Secretary calls
# its secretariat กองกลาง and has no separate planning division.
_SUPPORT: dict[str, tuple[str, str, str]] = {
    "ICT": (
        "ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร",
        "Information and Communication Technology Centre",
        "ict",
    ),
    "HR": ("กองบริหารทรัพยากรบุคคล", "Human Resources Division", "hr"),
    "SEC": ("สำนักงานเลขานุการกรม", "Office of the Secretary", "admin"),
    "FIN": ("กองคลัง", "Finance Division", "finance"),
    "PLN": ("กองแผนงาน", "Planning Division", "policy"),
    "LEG": ("กองกฎหมาย", "Legal Affairs Division", "legal"),
    "AUD": ("กลุ่มตรวจสอบภายใน", "Internal Audit Group", "audit"),
    "PSD": ("กลุ่มพัฒนาระบบบริหาร", "Public Sector Development Group", "policy"),
}
_OPS_SECRETARIAT = ("กองกลาง", "Central Administration Division", "admin")

# The order in which a department's divisions appear as the ministry grows: a small
# department has its first line division, its ICT centre and its HR division.
# "#n" is the department's n-th line division.
_DIVISION_ORDER = (
    "#0", "ICT", "HR", "#1", "SEC", "FIN", "#2", "PLN", "LEG", "#3", "AUD", "PSD",
)  # fmt: skip

REGIONS: tuple[tuple[str, str], ...] = (
    ("ภาคเหนือ", "Northern Region"),
    ("ภาคตะวันออกเฉียงเหนือ", "North-Eastern Region"),
    ("ภาคกลาง", "Central Region"),
    ("ภาคตะวันออก", "Eastern Region"),
    ("ภาคตะวันตก", "Western Region"),
    ("ภาคใต้", "Southern Region"),
    ("ภาคใต้ชายแดน", "Southern Border Region"),
    ("กรุงเทพมหานครและปริมณฑล", "Bangkok Metropolitan Region"),
)
PROVINCES: tuple[tuple[str, str], ...] = (
    ("เชียงใหม่", "Chiang Mai"),
    ("ขอนแก่น", "Khon Kaen"),
    ("นครราชสีมา", "Nakhon Ratchasima"),
    ("สงขลา", "Songkhla"),
    ("ชลบุรี", "Chon Buri"),
    ("ภูเก็ต", "Phuket"),
    ("อุดรธานี", "Udon Thani"),
    ("พิษณุโลก", "Phitsanulok"),
    ("สุราษฎร์ธานี", "Surat Thani"),
    ("อุบลราชธานี", "Ubon Ratchathani"),
    ("นครสวรรค์", "Nakhon Sawan"),
    ("ราชบุรี", "Ratchaburi"),
)

# Units (กลุ่มงาน, ฝ่าย) inside a division, by the division's focus.
UNIT_NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "ict": (
        ("กลุ่มงานพัฒนาระบบสารสนเทศ", "Information Systems Development Group"),
        ("กลุ่มงานโครงสร้างพื้นฐานและเครือข่าย", "Infrastructure and Network Group"),
        ("กลุ่มงานความมั่นคงปลอดภัยสารสนเทศ", "Information Security Group"),
        ("กลุ่มงานบริการผู้ใช้", "User Support Group"),
    ),
    "digital": (
        ("กลุ่มงานออกแบบและสถาปัตยกรรมระบบ", "Systems Design and Architecture Group"),
        ("กลุ่มงานพัฒนาซอฟต์แวร์", "Software Development Group"),
        ("กลุ่มงานบริหารโครงการ", "Project Management Group"),
        ("กลุ่มงานปฏิบัติการระบบ", "Systems Operations Group"),
    ),
    "data": (
        ("กลุ่มงานมาตรฐานข้อมูล", "Data Standards Group"),
        ("กลุ่มงานวิเคราะห์ข้อมูล", "Data Analysis Group"),
        ("กลุ่มงานบริการข้อมูล", "Data Services Group"),
        ("กลุ่มงานสำรวจและจัดเก็บข้อมูล", "Surveys and Data Collection Group"),
    ),
    "infrastructure": (
        ("กลุ่มงานศูนย์ข้อมูล", "Data Centre Group"),
        ("กลุ่มงานเครือข่าย", "Network Group"),
        ("กลุ่มงานระบบไฟฟ้าและอาคาร", "Power and Facilities Group"),
        ("กลุ่มงานปฏิบัติการและเฝ้าระวัง", "Operations and Monitoring Group"),
    ),
    "service": (
        ("ฝ่ายบริการประชาชน", "Citizen Services Section"),
        ("ฝ่ายทะเบียนและเอกสาร", "Registration and Records Section"),
        ("ฝ่ายรับเรื่องและประสานงาน", "Enquiries and Coordination Section"),
        ("ฝ่ายบริหารทั่วไป", "General Administration Section"),
    ),
    "training": (
        ("กลุ่มงานออกแบบหลักสูตร", "Course Design Group"),
        ("กลุ่มงานจัดการฝึกอบรม", "Training Delivery Group"),
        ("กลุ่มงานสื่อการเรียนรู้ดิจิทัล", "Digital Learning Media Group"),
        ("กลุ่มงานประเมินผลการเรียนรู้", "Learning Evaluation Group"),
    ),
    "hr": (
        ("กลุ่มงานสรรหาและบรรจุแต่งตั้ง", "Recruitment and Appointment Group"),
        ("กลุ่มงานพัฒนาบุคลากร", "Staff Development Group"),
        ("กลุ่มงานทะเบียนประวัติ", "Personnel Records Group"),
        ("กลุ่มงานวินัยและนิติการ", "Discipline Group"),
    ),
    "finance": (
        ("ฝ่ายการเงิน", "Finance Section"),
        ("ฝ่ายบัญชี", "Accounting Section"),
        ("ฝ่ายงบประมาณ", "Budget Section"),
        ("ฝ่ายพัสดุ", "Procurement Section"),
    ),
    "admin": (
        ("ฝ่ายบริหารทั่วไป", "General Administration Section"),
        ("ฝ่ายสารบรรณ", "Correspondence Section"),
        ("ฝ่ายประชาสัมพันธ์", "Public Relations Section"),
        ("ฝ่ายอาคารสถานที่", "Buildings and Facilities Section"),
    ),
    "policy": (
        ("กลุ่มงานยุทธศาสตร์", "Strategy Group"),
        ("กลุ่มงานแผนงานและงบประมาณ", "Plans and Budget Group"),
        ("กลุ่มงานติดตามและประเมินผล", "Monitoring and Evaluation Group"),
        ("กลุ่มงานวิเทศสัมพันธ์", "International Relations Group"),
    ),
    "legal": (
        ("กลุ่มงานนิติกรรมและสัญญา", "Contracts Group"),
        ("กลุ่มงานกฎหมาย", "Legislation Group"),
        ("กลุ่มงานคดี", "Litigation Group"),
        ("กลุ่มงานเรื่องร้องเรียน", "Complaints Group"),
    ),
    "audit": (
        ("กลุ่มงานตรวจสอบการเงินและบัญชี", "Financial Audit Group"),
        ("กลุ่มงานตรวจสอบการดำเนินงาน", "Performance Audit Group"),
        ("กลุ่มงานตรวจสอบระบบสารสนเทศ", "IT Audit Group"),
        ("กลุ่มงานให้คำปรึกษา", "Advisory Group"),
    ),
}

# Relative head count of a division, by focus: front-line offices are the largest.
FOCUS_SIZE: dict[str, float] = {
    "service": 1.6,
    "infrastructure": 1.2,
    "digital": 1.1,
    "data": 1.0,
    "training": 1.0,
    "ict": 0.9,
    "admin": 0.9,
    "finance": 0.8,
    "hr": 0.7,
    "policy": 0.7,
    "legal": 0.5,
    "audit": 0.35,
}
_REGIONAL_SIZE = 1.4
# Groups (กลุ่ม) reporting to the department head stay small.
_MAX_UNITS = {"AUD": 2, "PSD": 2, "LEG": 3}


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def blueprint(staff: int) -> MinistrySpec:
    """The ministry for `staff` people: about 650 nodes at 100,000, a dozen at 60."""
    root = staff**0.25
    department_count = _clamp(root / 1.6, 2, len(_DEPARTMENTS))
    divisions_per_department = _clamp(root * 0.9, 2, 16)
    units_per_division = _clamp(root / 4, 1, 4)
    departments = []
    for template in _DEPARTMENTS[:department_count]:
        department_code = f"{MINISTRY_CODE}-{template['key']}"
        divisions = []
        for key, name_th, name_en, focus in _division_templates(
            template, divisions_per_department
        ):
            code = f"{department_code}-{key}"
            unit_count = min(units_per_division, _MAX_UNITS.get(key, 4))
            units = tuple(
                UnitSpec(code=f"{code}-{number:02d}", name_th=unit_th, name_en=unit_en)
                for number, (unit_th, unit_en) in enumerate(
                    UNIT_NAMES[focus][:unit_count], start=1
                )
            )
            regional = key.startswith("R")
            divisions.append(
                DivisionSpec(
                    key=key,
                    code=code,
                    name_th=name_th,
                    name_en=name_en,
                    focus=focus,
                    director_title_th=_director_title(key, name_th),
                    director_level_rank=1 if name_th.startswith(("ศูนย์", "กลุ่ม")) else 2,
                    size=FOCUS_SIZE[focus] * (_REGIONAL_SIZE if regional else 1.0),
                    units=units,
                )
            )
        departments.append(
            DepartmentSpec(
                key=template["key"],
                code=department_code,
                name_th=template["name_th"],
                name_en=template["name_en"],
                head_title_th=template.get("head", "อธิบดี" + template["name_th"]),
                deputy_title_th=template.get("deputy", "รองอธิบดี" + template["name_th"]),
                divisions=tuple(divisions),
            )
        )
    return MinistrySpec(
        code=MINISTRY_CODE,
        name_th=MINISTRY_NAME_TH,
        name_en=MINISTRY_NAME_EN,
        departments=tuple(departments),
    )


def _division_templates(template: dict, count: int) -> list[_LineDivision]:
    """The first `count` divisions of a department, then regional offices."""
    is_ops = template["key"] == "OPS"
    chosen: list[_LineDivision] = []
    for slot in _DIVISION_ORDER:
        if len(chosen) == count:
            return chosen
        if slot.startswith("#"):
            line = template["lines"][int(slot[1:])]
            chosen.append(line)
        elif is_ops and slot == "PLN":
            continue
        elif is_ops and slot == "SEC":
            chosen.append((slot, *_OPS_SECRETARIAT))
        else:
            chosen.append((slot, *_SUPPORT[slot]))
    name_th, name_en, focus, places_kind = template["regional"]
    places = PROVINCES if places_kind == "province" else REGIONS
    for number, (place_th, place_en) in enumerate(places, start=1):
        if len(chosen) == count:
            break
        chosen.append(
            (
                f"R{number:02d}",
                name_th.format(place_th=place_th),
                name_en.format(place_en=place_en),
                focus,
            )
        )
    return chosen


def _director_title(key: str, name_th: str) -> str:
    if key == "SEC" and name_th == _SUPPORT["SEC"][0]:
        return "เลขานุการกรม"
    return "ผู้อำนวยการ" + name_th
