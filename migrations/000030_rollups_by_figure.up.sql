-- A year's rollup rows by figure (issue 16): the reads that want a few
-- figures of a large scope (a province's breakdown by unit, its pledges'
-- SIGNED and ELIGIBLE rows) read them from the country's rows of those
-- figures, where reading each kept unit's rows of every figure and
-- dropping the rest read some 145,000 rows of a 1M-member province for
-- 42,000 (breakdown 117 to 67 ms). Counts are not indexed, so adding to a
-- row can stay a heap-only update.
CREATE INDEX unit_rollup_figures_by_figure ON unit_rollup_figures (year, figure, unit_id);
