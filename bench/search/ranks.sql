-- top 5 by ts_rank (today) vs RUM <=> for two queries
\pset pager off
SET enable_seqscan = off;
\echo '== review: ts_rank top 5 (GIN path; RUM index ignored for this as it cannot change ts_rank)'
SELECT id, round(ts_rank(search_vector, q)::numeric, 4) ts_rank, round((search_vector <=> q)::numeric, 4) rum_dist, left(search_title, 50) title, length(search_text) len,
       (SELECT count(*) FROM unnest(search_vector) u WHERE u.lexeme='review') lex
FROM debates_contribution, websearch_to_tsquery('english','review') q
WHERE search_vector @@ q ORDER BY ts_rank(search_vector, q) DESC, sort_key DESC LIMIT 5;
\echo '== review: RUM <=> top 5'
SELECT id, round(ts_rank(search_vector, q)::numeric, 4) ts_rank, round((search_vector <=> q)::numeric, 4) rum_dist, left(search_title, 50) title, length(search_text) len
FROM debates_contribution, websearch_to_tsquery('english','review') q
WHERE search_vector @@ q ORDER BY search_vector <=> q LIMIT 5;
\echo '== safeguarding threshold: ts_rank top 5'
SELECT id, round(ts_rank(search_vector, q)::numeric, 4) ts_rank, round((search_vector <=> q)::numeric, 4) rum_dist, left(search_title, 50) title, left(search_speaker,25) speaker, length(search_text) len
FROM debates_contribution, websearch_to_tsquery('english','safeguarding threshold') q
WHERE search_vector @@ q ORDER BY ts_rank(search_vector, q) DESC, sort_key DESC LIMIT 5;
\echo '== safeguarding threshold: RUM <=> top 5'
SELECT id, round(ts_rank(search_vector, q)::numeric, 4) ts_rank, round((search_vector <=> q)::numeric, 4) rum_dist, left(search_title, 50) title, left(search_speaker,25) speaker, length(search_text) len
FROM debates_contribution, websearch_to_tsquery('english','safeguarding threshold') q
WHERE search_vector @@ q ORDER BY search_vector <=> q LIMIT 5;
\echo '== overlap of top 20 (ids in both) for the two queries'
WITH a AS (SELECT id FROM debates_contribution, websearch_to_tsquery('english','review') q WHERE search_vector @@ q ORDER BY ts_rank(search_vector, q) DESC LIMIT 20),
     b AS (SELECT id FROM debates_contribution, websearch_to_tsquery('english','review') q WHERE search_vector @@ q ORDER BY search_vector <=> q LIMIT 20)
SELECT 'review' q, count(*) FROM a JOIN b USING (id)
UNION ALL
SELECT 'safeguarding threshold', count(*) FROM
 (SELECT id FROM debates_contribution, websearch_to_tsquery('english','safeguarding threshold') q WHERE search_vector @@ q ORDER BY ts_rank(search_vector, q) DESC LIMIT 20) a
 JOIN (SELECT id FROM debates_contribution, websearch_to_tsquery('english','safeguarding threshold') q WHERE search_vector @@ q ORDER BY search_vector <=> q LIMIT 20) b USING (id);
