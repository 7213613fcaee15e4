"""Assessments: question banks, quizzes, attempts and the evidence they record."""
