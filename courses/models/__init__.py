"""The courses app's models, re-exported from their modules."""

from .assessments import (
    Assessment,
    AssessmentRule,
    Attempt,
    Question,
    QuestionBank,
    QuestionOption,
)
from .assignments import (
    Assignee,
    AssignmentReminder,
    CourseAssignment,
    DevelopmentPlan,
    PlanCourse,
    PlanGap,
)
from .learning import CourseCompletion, Enrolment, LessonProgress
from .pages import (
    CatalogPage,
    CourseCompetency,
    CourseInstructor,
    CoursePage,
    CoursePrerequisite,
    LessonPage,
)
from .scorm import ScormLessonPage, ScormPackage, ScormRegistration
from .search import SearchEntry, SearchSynonym
from .targets import DevelopmentTarget

__all__ = [
    "Assessment",
    "AssessmentRule",
    "Attempt",
    "Question",
    "QuestionBank",
    "QuestionOption",
    "Assignee",
    "AssignmentReminder",
    "CourseAssignment",
    "DevelopmentTarget",
    "DevelopmentPlan",
    "PlanCourse",
    "PlanGap",
    "CatalogPage",
    "CourseCompetency",
    "CourseCompletion",
    "CourseInstructor",
    "CoursePage",
    "CoursePrerequisite",
    "Enrolment",
    "LessonPage",
    "LessonProgress",
    "ScormLessonPage",
    "ScormPackage",
    "ScormRegistration",
    "SearchEntry",
    "SearchSynonym",
]
