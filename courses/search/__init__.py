"""Course search: the index of Thai-aware words per page, its upkeep, and the query."""
