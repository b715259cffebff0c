-- The activities ranked by what they gave and drew, country-wide (issue
-- 16): a large scope's notable activities are the first few of this order
-- that lie in it, where ranking every activity of a province took a second.
CREATE INDEX activity_totals_rank ON activity_totals (value DESC, attendances DESC);
