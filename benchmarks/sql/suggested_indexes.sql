-- Index suggestions for the competency selectors, tried by
-- `python manage.py run_benchmarks --try-indexes` in the benchmark database only:
-- created and dropped in turn, round after round, and timed both ways. Nothing here
-- is applied to the project's models. Every statement must read
-- `CREATE INDEX IF NOT EXISTS <name> ON ...` and end with a semicolon.
--
-- bench_evidence_attained: a partial covering index for org_matrix's "attained"
-- step, which reads every verified evidence row of the subtree's staff. PostgreSQL
-- does use it (an index-only scan in person order replaces the parallel scan and the
-- sort), but the matrix is not faster: measured at 100,000 staff, -9% to +7% against
-- no index, and at 10,000 staff -4% to +9%, within the noise of a shared machine. The
-- time goes into joining 1.1 million staff x requirement rows and aggregating them
-- (and into JIT compilation), not into reading the evidence. Not recommended; kept so
-- that the measurement can be repeated.
CREATE INDEX IF NOT EXISTS bench_evidence_attained
    ON competencies_evidence (person_id, competency_id)
    INCLUDE (level_id, observed_on, expires_on)
    WHERE source <> 'self';
