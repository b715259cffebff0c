-- Who has read a post today, so that a visitor's repeated visits count one
-- view per post per day. A viewer is the same salted hash of address and
-- browser as online_visitors (never the address itself); rows of past days
-- are deleted with their day's salt.
CREATE TABLE post_viewers (
    day     date NOT NULL,
    post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    visitor bytea NOT NULL,
    PRIMARY KEY (day, post_id, visitor)
);
CREATE INDEX post_viewers_post ON post_viewers (post_id);
