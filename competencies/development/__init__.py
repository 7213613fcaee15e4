"""Development outside the Academy's courses: submitted by learners, decided by HR."""
