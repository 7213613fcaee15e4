"""Courses assignments: course assignments, reminders, individual development plans."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("competencies", "0003_admin_permissions"),
        ("courses", "0004_assessments"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CourseAssignment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("due_on", models.DateField(verbose_name="due date")),
                ("note", models.TextField(blank=True, max_length=2000, verbose_name="note to learners")),
                ("by_list", models.BooleanField(default=False, verbose_name="chosen from a list")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="assigned at")),
                ("assigned_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="assigned by")),
                ("course", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="assignments", to="courses.coursepage", verbose_name="course")),
                ("group", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="competencies.personnelgroup", verbose_name="personnel group")),
                ("position_level", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="competencies.positionlevel", verbose_name="position level")),
                ("position_type", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="competencies.positiontype", verbose_name="position type")),
                ("unit", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="competencies.orgunit", verbose_name="organisation unit")),
            ],
            options={
                "verbose_name": "course assignment",
                "verbose_name_plural": "course assignments",
                "ordering": ["-created_at", "-pk"],
                "indexes": [models.Index(fields=["due_on"], name="assignment_due_on")],
            },
        ),
        migrations.CreateModel(
            name="Assignee",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("assignment", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="assignees", to="courses.courseassignment")),
                ("person", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="course_assignments", to="competencies.person")),
            ],
            options={
                "verbose_name": "assignee",
                "verbose_name_plural": "assignees",
                "indexes": [models.Index(fields=["person", "assignment"], name="assignee_person")],
                "constraints": [models.UniqueConstraint(fields=("assignment", "person"), name="assignee_unique")],
            },
        ),
        migrations.CreateModel(
            name="AssignmentReminder",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("event", models.CharField(choices=[("due_7", "Due within 7 days"), ("due_1", "Due tomorrow or today"), ("overdue", "Overdue")], max_length=16, verbose_name="event")),
                ("sent_at", models.DateTimeField(auto_now_add=True, verbose_name="sent at")),
                ("assignee", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="reminders", to="courses.assignee")),
            ],
            options={
                "verbose_name": "assignment reminder",
                "verbose_name_plural": "assignment reminders",
                "constraints": [models.UniqueConstraint(fields=("assignee", "event"), name="assignment_reminder_once")],
            },
        ),
        migrations.CreateModel(
            name="DevelopmentPlan",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("fiscal_year", models.PositiveSmallIntegerField(help_text="In the Common Era: 2027 is B.E. 2570.", verbose_name="fiscal year")),
                ("note", models.TextField(blank=True, max_length=4000, verbose_name="goals and notes")),
                ("person_agreed_at", models.DateTimeField(blank=True, null=True, verbose_name="agreed by the person at")),
                ("supervisor_agreed_at", models.DateTimeField(blank=True, null=True, verbose_name="agreed by the supervisor at")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("person", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="development_plans", to="competencies.person")),
                ("supervisor_agreed_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="competencies.person", verbose_name="agreed by (supervisor)")),
            ],
            options={
                "verbose_name": "development plan",
                "verbose_name_plural": "development plans",
                "ordering": ["person", "-fiscal_year"],
                "constraints": [
                    models.UniqueConstraint(fields=("person", "fiscal_year"), name="development_plan_one_per_year"),
                    models.CheckConstraint(condition=models.Q(("supervisor_agreed_at__isnull", True), ("supervisor_agreed_by__isnull", False), _connector="OR"), name="development_plan_supervisor_named"),
                ],
            },
        ),
        migrations.CreateModel(
            name="PlanCourse",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("course", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="courses.coursepage")),
                ("plan", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="courses", to="courses.developmentplan")),
            ],
            options={
                "verbose_name": "planned course",
                "verbose_name_plural": "planned courses",
                "constraints": [models.UniqueConstraint(fields=("plan", "course"), name="plan_course_unique")],
            },
        ),
        migrations.CreateModel(
            name="PlanGap",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("starting_rank", models.PositiveSmallIntegerField(default=0, verbose_name="level when chosen")),
                ("competency", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="competencies.competency")),
                ("plan", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="gaps", to="courses.developmentplan")),
                ("target_level", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="competencies.proficiencylevel")),
            ],
            options={
                "verbose_name": "planned gap",
                "verbose_name_plural": "planned gaps",
                "constraints": [models.UniqueConstraint(fields=("plan", "competency"), name="plan_gap_unique")],
            },
        ),
    ]
