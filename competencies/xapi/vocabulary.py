"""Verbs and activity types: established IRIs only, each with where it comes from.

ADL: the ADL vocabulary (xapi-authored-profiles adl/v1.0), the verbs of the xAPI 1.0.3
specification's own examples. Activity Streams 1.0 "assign", and the Open Badges xAPI
vocabulary's "earned" (1EdTech openbadges-specification, xapi/) with Activity Streams'
"badge" type, because the Academy's certificates are Open Badges credentials.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Verb:
    id: str
    en: str
    th: str

    def as_dict(self) -> dict:
        return {"id": self.id, "display": {"en": self.en, "th": self.th}}


ADL = "http://adlnet.gov/expapi/verbs/"

REGISTERED = Verb(ADL + "registered", "registered", "ลงทะเบียน")
EXPERIENCED = Verb(ADL + "experienced", "experienced", "เข้าเรียน")
COMPLETED = Verb(ADL + "completed", "completed", "เรียนจบ")
ATTEMPTED = Verb(ADL + "attempted", "attempted", "เริ่มทำ")
PASSED = Verb(ADL + "passed", "passed", "ผ่าน")
FAILED = Verb(ADL + "failed", "failed", "ไม่ผ่าน")
SCORED = Verb(ADL + "scored", "scored", "ได้คะแนน")
ANSWERED = Verb(ADL + "answered", "answered", "ตอบ")
VOIDED = Verb(ADL + "voided", "voided", "ยกเลิก")
# ADL (cmi5's): the authority determined that the actor met the object's criteria;
# here, that evidence shows a level of a competency.
SATISFIED = Verb("https://w3id.org/xapi/adl/verbs/satisfied", "satisfied", "แสดงผล")
ASSIGNED = Verb("http://activitystrea.ms/schema/1.0/assign", "assigned", "มอบหมาย")
EARNED = Verb(
    "http://specification.openbadges.org/xapi/verbs/earned.json", "earned", "ได้รับ"
)

ACTIVITY_COURSE = "http://adlnet.gov/expapi/activities/course"
ACTIVITY_LESSON = "http://adlnet.gov/expapi/activities/lesson"
ACTIVITY_ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
ACTIVITY_OBJECTIVE = "http://adlnet.gov/expapi/activities/objective"
#: A question, with its interaction type and components (xAPI 1.0.3, 2.4.4.1).
ACTIVITY_INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
ACTIVITY_BADGE = "http://activitystrea.ms/schema/1.0/badge"

XAPI_VERSION = "1.0.3"
