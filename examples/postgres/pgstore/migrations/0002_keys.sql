-- Field encryption: wrapped tenant keys (KEK and blind-index key versions)
-- and wrapped per-customer data keys. Raw keys never reach the database.

CREATE TABLE tenant_keys (
    tenant    text     NOT NULL,
    kind      smallint NOT NULL,
    version   bigint   NOT NULL,
    state     smallint NOT NULL,
    key_name  text     NOT NULL,
    wrapped   bytea,
    created   timestamptz NOT NULL,
    updated   timestamptz NOT NULL,
    PRIMARY KEY (tenant, kind, version)
);

CREATE TABLE data_keys (
    tenant       text   NOT NULL,
    customer_id  text   COLLATE "C" NOT NULL,
    version      bigint NOT NULL,
    kek_version  bigint NOT NULL,
    wrapped      bytea,
    created      timestamptz NOT NULL,
    destroyed    timestamptz,
    PRIMARY KEY (tenant, customer_id, version)
);
