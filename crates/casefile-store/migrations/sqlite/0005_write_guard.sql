-- PostgreSQL only (a guard function for single-statement units); SQLite's writer runs a
-- unit's statements one by one inside its group commit.
SELECT 1;
