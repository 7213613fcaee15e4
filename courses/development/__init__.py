"""Development hours (Academy courses and approved external records), the learner's
record pages and the HR officer's approval pages."""
