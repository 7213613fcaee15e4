"""The deployment check on the packages' origin."""

from courses.scorm.checks import scorm_content_origin_check


def _ids(settings, **values):
    for name, value in values.items():
        setattr(settings, name, value)
    return [message.id for message in scorm_content_origin_check(None)]


def test_the_same_host_as_the_academy_is_an_error(settings):
    ids = _ids(
        settings,
        ACADEMY_PUBLIC_BASE_URL="https://academy.example.go.th",
        ACADEMY_SCORM_CONTENT_ORIGIN="https://academy.example.go.th:8443",
    )
    assert ids == ["courses.E101"]


def test_no_origin_on_a_public_host_is_noted(settings):
    ids = _ids(
        settings,
        ACADEMY_PUBLIC_BASE_URL="https://academy.example.go.th",
        ACADEMY_SCORM_CONTENT_ORIGIN="",
    )
    assert ids == ["courses.I101"]


def test_a_content_host_missing_from_allowed_hosts_is_a_warning(settings):
    ids = _ids(
        settings,
        ACADEMY_PUBLIC_BASE_URL="https://academy.example.go.th",
        ACADEMY_SCORM_CONTENT_ORIGIN="https://academy-content.example.go.th",
        ALLOWED_HOSTS=["academy.example.go.th"],
    )
    assert ids == ["courses.W102"]


def test_a_host_of_its_own_that_is_allowed_passes(settings):
    ids = _ids(
        settings,
        ACADEMY_PUBLIC_BASE_URL="https://academy.example.go.th",
        ACADEMY_SCORM_CONTENT_ORIGIN="https://academy-content.example.go.th",
        ALLOWED_HOSTS=["academy.example.go.th", "academy-content.example.go.th"],
    )
    assert ids == []


def test_a_development_machine_uses_localhost_beside_127_0_0_1(settings):
    ids = _ids(
        settings,
        ACADEMY_PUBLIC_BASE_URL="http://127.0.0.1:8000",
        ACADEMY_SCORM_CONTENT_ORIGIN="",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    )
    assert ids == []
