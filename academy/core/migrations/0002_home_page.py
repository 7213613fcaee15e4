"""Replace Wagtail's welcome page with the Academy's home page."""

from django.db import migrations


def create_home_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("core", "HomePage")

    Page.objects.filter(depth=2, slug="home").delete()
    home_content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="core")
    locale = Locale.objects.get_or_create(language_code="th")[0]
    home = HomePage.objects.create(
        title="สถาบันพัฒนาข้าราชการดิจิทัล",
        draft_title="สถาบันพัฒนาข้าราชการดิจิทัล",
        slug="home",
        content_type=home_content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        intro_th="เรียนรู้ทักษะดิจิทัลตามมาตรฐานของตำแหน่งและระดับของท่าน",
        intro_en="Learn the digital skills your position and level require.",
    )
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]
    operations = [migrations.RunPython(create_home_page, migrations.RunPython.noop)]
