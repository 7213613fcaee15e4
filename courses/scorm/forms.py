"""The SCORM lesson's admin form (imported by the model, so it imports no models at
module level)."""

from wagtail.admin.forms import WagtailAdminPageForm


class ScormLessonPageForm(WagtailAdminPageForm):
    """The SCORM lesson's form: the package is chosen among the editor's own (an
    administrator's: all), plus the one the lesson already plays, so that a
    co-instructor can keep it but not pick another instructor's package."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("package")
        if field is None or self.for_user is None:
            return
        from ..models import ScormPackage
        from .selectors import packages_for_author

        own = packages_for_author(self.for_user)
        current = self.instance.package_id if self.instance else None
        if current is not None:
            own = own | ScormPackage.objects.filter(pk=current)
        field.queryset = own.distinct()
