"""The learner's development plan at /dashboard/plan/ (the HR side of assignments and
plans is mounted with the HR workspace: hr.urls)."""

from django.urls import path

from . import views

app_name = "assignments"

urlpatterns = [
    path("dashboard/plan/", views.plan_mine, name="plan_mine"),
    path("dashboard/plan/agree/", views.plan_mine_agree, name="plan_mine_agree"),
]
