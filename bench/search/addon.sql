\timing on
CREATE TABLE contribution_fts AS
  SELECT id, house, to_timestamp(left(sort_key, 8), 'YYYYMMDD')::timestamp AS day, search_vector
  FROM debates_contribution;
CREATE INDEX contribution_fts_rum_addon ON contribution_fts
  USING rum (search_vector rum_tsvector_addon_ops, day) WITH (attach = 'day', to = 'search_vector');
ANALYZE contribution_fts;
SELECT pg_size_pretty(pg_relation_size('contribution_fts_rum_addon')), pg_relation_size('contribution_fts_rum_addon');
