"""Admin building blocks shared by the apps' viewsets."""

from wagtail.admin.viewsets.model import ModelViewSet


class RecordViewSet(ModelViewSet):
    """Listing and inspect only: no add, edit, copy or delete views.

    For records that are written by services and never edited in a form (issued
    certificates, signing keys, the audit log).
    """

    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_per_page = 50
    disabled_views = frozenset({"add", "edit", "delete", "history", "usage"})
    # No form is ever shown; Wagtail still builds the class for its views' kwargs.
    form_fields: list[str] = []

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for view_name in self.disabled_views:
            view_kwargs[f"{view_name}_url_name"] = None
        return view_kwargs

    def get_urlpatterns(self):
        disabled = set(self.disabled_views) | {"history_results"}
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name not in disabled
        ]
