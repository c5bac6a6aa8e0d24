-- Erasure: tombstones (hashes only, never plaintext or tokens) so that
-- re-ingesting an erased person's records does not resurrect them.

CREATE TABLE id_tombstones (
    hash         text COLLATE "C" PRIMARY KEY,
    doc          jsonb NOT NULL,
    customer_id  uuid NOT NULL
);
CREATE INDEX id_tombstones_customer ON id_tombstones (customer_id, hash);
