"""The course catalogue at /courses/, under the home page."""

from django.db import migrations


def create_catalogue(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    HomePage = apps.get_model("core", "HomePage")
    CatalogPage = apps.get_model("courses", "CatalogPage")
    home = HomePage.objects.filter(depth=2).first()
    if home is None or CatalogPage.objects.exists():
        return
    content_type, _ = ContentType.objects.get_or_create(
        app_label="courses", model="catalogpage"
    )
    CatalogPage.objects.create(
        title="หลักสูตร",
        draft_title="หลักสูตร",
        slug="courses",
        content_type=content_type,
        path=f"{home.path}0001",
        depth=home.depth + 1,
        numchild=0,
        url_path=f"{home.url_path}courses/",
        locale_id=home.locale_id,
        intro="หลักสูตรพัฒนาทักษะดิจิทัลตามมาตรฐานสำหรับข้าราชการและบุคลากรภาครัฐ",
        intro_en="Digital-skills courses mapped to the civil-service standards.",
    )
    home.numchild += 1
    home.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_initial"), ("core", "0002_home_page")]
    operations = [migrations.RunPython(create_catalogue, migrations.RunPython.noop)]
