DROP TABLE IF EXISTS post_viewers;
