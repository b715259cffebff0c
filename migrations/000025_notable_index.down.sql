DROP INDEX activity_totals_rank;
