-- Tags: each customer's current assignments and the full history of
-- assignments and removals.

CREATE TABLE tags_current (
    customer_id  text COLLATE "C" NOT NULL,
    tag          text COLLATE "C" NOT NULL,
    doc          jsonb NOT NULL,
    PRIMARY KEY (customer_id, tag)
);
CREATE INDEX tags_current_by_tag ON tags_current (tag, customer_id);

CREATE TABLE tags_history (
    seq          bigserial PRIMARY KEY,
    customer_id  text COLLATE "C" NOT NULL,
    tag          text COLLATE "C" NOT NULL,
    doc          jsonb NOT NULL
);
CREATE INDEX tags_history_customer_tag ON tags_history (customer_id, tag, seq);
