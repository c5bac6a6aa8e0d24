-- Identity resolution: source records (tokens only, never identifier
-- values), the token index, customers' record lists, operator constraints
-- and the merge/split event log. Versions implement optimistic concurrency.

CREATE TABLE id_records (
    id           text COLLATE "C" PRIMARY KEY,
    customer_id  uuid NOT NULL,
    doc          jsonb NOT NULL
);

CREATE TABLE id_token_versions (
    kind     text COLLATE "C" NOT NULL,
    token    text COLLATE "C" NOT NULL,
    version  bigint NOT NULL,
    PRIMARY KEY (kind, token)
);

CREATE TABLE id_tokens (
    kind       text COLLATE "C" NOT NULL,
    token      text COLLATE "C" NOT NULL,
    record_id  text COLLATE "C" NOT NULL,
    PRIMARY KEY (kind, token, record_id)
);

CREATE TABLE id_customer_versions (
    customer_id  uuid PRIMARY KEY,
    version      bigint NOT NULL
);

CREATE TABLE id_customers (
    customer_id  uuid NOT NULL,
    record_id    text COLLATE "C" NOT NULL,
    PRIMARY KEY (customer_id, record_id)
);

CREATE TABLE id_constraints (
    id   text COLLATE "C" PRIMARY KEY,
    doc  jsonb NOT NULL
);

CREATE TABLE id_events (
    seq  bigserial PRIMARY KEY,
    id   uuid NOT NULL UNIQUE,
    doc  jsonb NOT NULL
);

CREATE TABLE id_event_customers (
    customer_id  uuid NOT NULL,
    seq          bigint NOT NULL,
    PRIMARY KEY (customer_id, seq)
);
