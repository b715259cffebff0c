DROP TABLE unit_ratings;
