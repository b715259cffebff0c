-- The site's counter counts visitors, not calls: site_visitors holds who
-- has visited today (the same salted hash of address and browser as
-- online_visitors), so a visitor counts once a day.
CREATE TABLE site_visitors (
    day     date NOT NULL,
    visitor bytea NOT NULL,
    PRIMARY KEY (day, visitor)
);

-- How many distinct visitors from one address (a salted hash of the
-- address alone, never the address) were counted today, for the site
-- (post_id 0) and for each post: a household or office shares an address,
-- but changing the browser's name must not buy another view without end.
-- No reference to posts: rows of past days are deleted with their salt.
CREATE TABLE address_visitors (
    day      date NOT NULL,
    post_id  bigint NOT NULL,
    address  bytea NOT NULL,
    visitors integer NOT NULL CHECK (visitors > 0),
    PRIMARY KEY (day, post_id, address)
);
