-- Customer 360: profiles, orders, payments, events, tickets, feedback.
-- Nested values (contacts, items, history) are jsonb; the columns that
-- lookups, ordering and version checks use are real columns with indexes.

CREATE TABLE customers (
    id          uuid PRIMARY KEY,
    version     bigint NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    doc         jsonb NOT NULL
);

CREATE TABLE orders (
    id          uuid PRIMARY KEY,
    customer_id uuid NOT NULL,
    placed_at   timestamptz NOT NULL,
    status      text NOT NULL,
    total       numeric NOT NULL,
    currency    char(3) NOT NULL,
    version     bigint NOT NULL,
    doc         jsonb NOT NULL
);
CREATE INDEX orders_customer_time ON orders (customer_id, placed_at, id);

CREATE TABLE payments (
    id          uuid PRIMARY KEY,
    customer_id uuid NOT NULL,
    order_id    uuid NOT NULL,
    at          timestamptz NOT NULL,
    doc         jsonb NOT NULL
);
CREATE INDEX payments_customer_time ON payments (customer_id, at, id);

CREATE TABLE events (
    id          uuid PRIMARY KEY,
    customer_id uuid NOT NULL,
    at          timestamptz NOT NULL,
    type        text NOT NULL,
    doc         jsonb NOT NULL
);
CREATE INDEX events_customer_time ON events (customer_id, at, id);

CREATE TABLE tickets (
    id          uuid PRIMARY KEY,
    customer_id uuid NOT NULL,
    opened_at   timestamptz NOT NULL,
    status      text NOT NULL,
    version     bigint NOT NULL,
    doc         jsonb NOT NULL
);
CREATE INDEX tickets_customer_time ON tickets (customer_id, opened_at, id);

CREATE TABLE feedback (
    id          uuid PRIMARY KEY,
    customer_id uuid NOT NULL,
    at          timestamptz NOT NULL,
    nps         smallint NOT NULL CHECK (nps BETWEEN 0 AND 10),
    doc         jsonb NOT NULL
);
CREATE INDEX feedback_customer_time ON feedback (customer_id, at, id);
