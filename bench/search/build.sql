\timing on
SHOW maintenance_work_mem;
DROP INDEX debates_contribution_search_vector;
CREATE INDEX debates_contribution_search_vector ON debates_contribution USING gin (search_vector);
CREATE EXTENSION IF NOT EXISTS rum;
CREATE INDEX debates_contribution_search_rum ON debates_contribution USING rum (search_vector rum_tsvector_ops);
SELECT pg_size_pretty(pg_relation_size('debates_contribution_search_vector')) gin, pg_relation_size('debates_contribution_search_vector') gin_b,
       pg_size_pretty(pg_relation_size('debates_contribution_search_rum')) rum, pg_relation_size('debates_contribution_search_rum') rum_b;
