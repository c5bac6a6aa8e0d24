-- Privacy governance: the append-only audit log (entries are encoded,
-- hash-chained by the Merkle tree the library computes; no PII) and the
-- consent ledger.

CREATE TABLE audit_log (
    position  bigint PRIMARY KEY CHECK (position >= 0),
    entry     bytea  NOT NULL
);

CREATE TABLE consent_events (
    seq          bigserial PRIMARY KEY,
    id           uuid NOT NULL UNIQUE,
    customer_id  uuid NOT NULL,
    doc          jsonb NOT NULL
);
CREATE INDEX consent_events_customer ON consent_events (customer_id, seq);
