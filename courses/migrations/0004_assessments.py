"""Courses assessments: question banks, questions, assessments, attempts.

Instructors and academy administrators get the model permissions of banks, questions
and assessments (the admin's viewsets check them; courses.assessments.permissions
narrows instructors to their own); administrators also view attempts. Safe to run again.
"""

import django.db.models.deletion
import django.utils.timezone
import modelcluster.fields
from django.conf import settings
from django.db import migrations, models

AUTHORING_MODELS = ("questionbank", "question", "assessment")
AUTHORING_ACTIONS = ("add", "change", "delete", "view")


def grant_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")

    def permission(model, action):
        content_type, _ = ContentType.objects.get_or_create(
            app_label="courses", model=model
        )
        found, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_{model}",
            defaults={"name": f"Can {action} {model}"},
        )
        return found

    authoring = [
        permission(model, action)
        for model in AUTHORING_MODELS
        for action in AUTHORING_ACTIONS
    ]
    for name in ("instructor", "academy_admin"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*authoring)
        if name == "academy_admin":
            group.permissions.add(permission("attempt", "view"))


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_authoring"),
        ("competencies", "0002_hr_workspace"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Assessment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=255, verbose_name='title (Thai)')),
                ('title_en', models.CharField(blank=True, max_length=255, verbose_name='title (English)')),
                ('instructions', models.TextField(blank=True, verbose_name='instructions')),
                ('kind', models.CharField(choices=[('course', 'Course assessment'), ('placement', 'Placement assessment')], default='course', max_length=16, verbose_name='kind')),
                ('required_for_completion', models.BooleanField(default=True, help_text="Counts when the course's completion rule includes named assessments.", verbose_name='required to complete the course')),
                ('time_limit_minutes', models.PositiveSmallIntegerField(blank=True, help_text='Empty for no time limit.', null=True, verbose_name='time limit (minutes)')),
                ('attempts_allowed', models.PositiveSmallIntegerField(blank=True, help_text='Empty for no limit.', null=True, verbose_name='attempts allowed')),
                ('pass_mark_percent', models.DecimalField(decimal_places=2, default=60, max_digits=5, verbose_name='pass mark (%)')),
                ('shuffle_options', models.BooleanField(default=True, verbose_name='shuffle options')),
                ('feedback_policy', models.CharField(choices=[('after_submission', 'After each submission'), ('after_last_attempt', 'After the last attempt'), ('after_date', 'After a date'), ('never', 'Never (scores only)')], default='after_submission', max_length=24, verbose_name='feedback and correct answers shown')),
                ('feedback_from', models.DateTimeField(blank=True, help_text='For the policy “after a date”.', null=True, verbose_name='feedback shown from')),
                ('is_published', models.BooleanField(default=False, verbose_name='open to learners')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('after_lesson', models.ForeignKey(blank=True, help_text='Where it appears in the course; empty for the end of the course.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='courses.lessonpage', verbose_name='after lesson')),
                ('area', models.ForeignKey(blank=True, help_text='Placement assessments: the area whose level they measure.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='placement_assessments', to='competencies.competency', verbose_name='competency area')),
                ('course', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='assessments', to='courses.coursepage', verbose_name='course')),
                ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='assessments', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
            ],
            options={
                'verbose_name': 'assessment',
                'verbose_name_plural': 'assessments',
                'ordering': ['title'],
            },
        ),
        migrations.CreateModel(
            name='Attempt',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField(verbose_name='attempt number')),
                ('status', models.CharField(choices=[('in_progress', 'In progress'), ('submitted', 'Submitted')], default='in_progress', max_length=16, verbose_name='status')),
                ('seed', models.CharField(max_length=32)),
                ('questions', models.JSONField(default=list)),
                ('option_orders', models.JSONField(default=dict)),
                ('competency_ids', models.JSONField(default=dict)),
                ('responses', models.JSONField(blank=True, default=dict)),
                ('started_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='started at')),
                ('deadline', models.DateTimeField(blank=True, null=True, verbose_name='deadline')),
                ('saved_at', models.DateTimeField(blank=True, null=True, verbose_name='last saved at')),
                ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                ('auto_submitted', models.BooleanField(default=False, verbose_name='submitted at the time limit')),
                ('score', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, verbose_name='score')),
                ('max_score', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, verbose_name='maximum score')),
                ('percent', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='percent')),
                ('passed', models.BooleanField(blank=True, null=True, verbose_name='passed')),
                ('result', models.JSONField(blank=True, default=dict)),
                ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attempts', to='courses.assessment')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assessment_attempts', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'attempt',
                'verbose_name_plural': 'attempts',
                'ordering': ['-started_at'],
            },
        ),
        migrations.CreateModel(
            name='QuestionBank',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(help_text="The bank's code in question CSV files.", max_length=64, unique=True, verbose_name='code')),
                ('title', models.CharField(max_length=255, verbose_name='title')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('framework', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='question_banks', to='competencies.framework', verbose_name='competency framework')),
                ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='question_banks', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
            ],
            options={
                'verbose_name': 'question bank',
                'verbose_name_plural': 'question banks',
                'ordering': ['title'],
            },
        ),
        migrations.CreateModel(
            name='Question',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('external_id', models.CharField(help_text='Unique in the bank; CSV re-imports update the question by it.', max_length=64, verbose_name='identifier')),
                ('kind', models.CharField(choices=[('single', 'Single choice'), ('multiple', 'Multiple choice'), ('true_false', 'True or false'), ('matching', 'Matching'), ('ordering', 'Ordering'), ('numeric', 'Numeric'), ('short_text', 'Short text')], default='single', max_length=16, verbose_name='type')),
                ('prompt', models.TextField(verbose_name='question')),
                ('explanation', models.TextField(blank=True, help_text='Shown with the correct answers, when the feedback policy allows.', verbose_name='explanation')),
                ('points', models.DecimalField(decimal_places=2, default=1, max_digits=5, verbose_name='points')),
                ('numeric_answer', models.DecimalField(blank=True, decimal_places=8, max_digits=32, null=True, verbose_name='numeric answer')),
                ('numeric_tolerance', models.DecimalField(decimal_places=8, default=0, max_digits=32, verbose_name='tolerance (±)')),
                ('accepted_answers', models.TextField(blank=True, help_text='Short text: one accepted answer per line.', verbose_name='accepted answers')),
                ('case_sensitive', models.BooleanField(default=False, verbose_name='case-sensitive')),
                ('all_or_nothing', models.BooleanField(default=False, help_text='Multiple choice, matching, ordering: no partial credit.', verbose_name='all or nothing')),
                ('is_active', models.BooleanField(default=True, help_text='Questions not in use are never drawn into new attempts.', verbose_name='in use')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('competency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='questions', to='competencies.competency', verbose_name='competency tested')),
                ('level', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='competencies.proficiencylevel', verbose_name='level tested')),
                ('bank', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='questions', to='courses.questionbank', verbose_name='question bank')),
            ],
            options={
                'verbose_name': 'question',
                'verbose_name_plural': 'questions',
                'ordering': ['bank', 'external_id'],
            },
        ),
        migrations.CreateModel(
            name='AssessmentRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                ('count', models.PositiveSmallIntegerField(default=5, verbose_name='questions')),
                ('assessment', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='rules', to='courses.assessment')),
                ('competency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='competencies.competency', verbose_name='competency')),
                ('bank', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rules', to='courses.questionbank', verbose_name='question bank')),
            ],
            options={
                'verbose_name': 'questions to draw',
                'verbose_name_plural': 'questions to draw',
                'ordering': ['sort_order'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='QuestionOption',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                ('text', models.TextField(blank=True, verbose_name='text')),
                ('feedback', models.TextField(blank=True, verbose_name='feedback')),
                ('is_correct', models.BooleanField(default=False, verbose_name='correct')),
                ('match', models.CharField(blank=True, max_length=255, verbose_name='match (matching)')),
                ('question', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='options', to='courses.question')),
            ],
            options={
                'verbose_name': 'option',
                'verbose_name_plural': 'options',
                'ordering': ['sort_order'],
                'abstract': False,
            },
        ),
        migrations.AddConstraint(
            model_name='assessment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('area__isnull', True), ('course__isnull', False), ('kind', 'course')), models.Q(('area__isnull', False), ('course__isnull', True), ('kind', 'placement')), _connector='OR'), name='assessment_course_xor_area'),
        ),
        migrations.AddConstraint(
            model_name='assessment',
            constraint=models.CheckConstraint(condition=models.Q(('pass_mark_percent__gte', 0), ('pass_mark_percent__lte', 100)), name='assessment_pass_mark_percent'),
        ),
        migrations.AddConstraint(
            model_name='assessment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('feedback_policy', 'after_date'), _negated=True), ('feedback_from__isnull', False), _connector='OR'), name='assessment_feedback_date_set'),
        ),
        migrations.AddIndex(
            model_name='attempt',
            index=models.Index(fields=['assessment', 'status'], name='attempt_assessment_status'),
        ),
        migrations.AddIndex(
            model_name='attempt',
            index=models.Index(fields=['user', 'status'], name='attempt_user_status'),
        ),
        migrations.AddConstraint(
            model_name='attempt',
            constraint=models.UniqueConstraint(fields=('assessment', 'user', 'number'), name='attempt_number_unique'),
        ),
        migrations.AddConstraint(
            model_name='attempt',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'in_progress')), fields=('assessment', 'user'), name='attempt_one_in_progress'),
        ),
        migrations.AddConstraint(
            model_name='attempt',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'in_progress'), ('submitted_at__isnull', True)), models.Q(('passed__isnull', False), ('score__isnull', False), ('status', 'submitted'), ('submitted_at__isnull', False)), _connector='OR'), name='attempt_submitted_graded'),
        ),
        migrations.AddIndex(
            model_name='question',
            index=models.Index(fields=['bank', 'competency', 'is_active'], name='question_bank_competency'),
        ),
        migrations.AddConstraint(
            model_name='question',
            constraint=models.UniqueConstraint(fields=('bank', 'external_id'), name='question_external_id_unique'),
        ),
        migrations.AddConstraint(
            model_name='question',
            constraint=models.CheckConstraint(condition=models.Q(('points__gt', 0)), name='question_points_positive'),
        ),
        migrations.AddConstraint(
            model_name='question',
            constraint=models.CheckConstraint(condition=models.Q(('numeric_tolerance__gte', 0)), name='question_tolerance_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='assessmentrule',
            constraint=models.UniqueConstraint(fields=('assessment', 'bank', 'competency'), name='assessment_rule_unique'),
        ),
        migrations.AddConstraint(
            model_name='assessmentrule',
            constraint=models.CheckConstraint(condition=models.Q(('count__gte', 1)), name='assessment_rule_count_positive'),
        ),
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
    ]
