// Package cimkit is an embeddable customer-data library for e-commerce and
// fresh-grocery backends: one trustworthy 360-degree view of each customer
// out of records from many channels, value tiers, segments, tags and
// personal-data protection. It is pure Go and owns no storage: the host
// implements small Store interfaces (package memstore is the in-memory
// reference, package storetest the conformance suite every adapter runs).
//
// This root package holds documentation only. The work is done by:
//
//   - customer: the 360-degree customer (profile, contacts, addresses,
//     orders, payments, behaviour events, service tickets, NPS feedback);
//     customer.Service is the front door over the host's customer.Store.
//   - customer/clean: raw channel values to canonical values with flags.
//   - identity: identifiers to one customer id, with merge, unmerge, explain.
//   - rfm, segment, tagging: pure analysis over plain input types.
//   - privacy: field encryption, blind indexes, consent, access, audit.
//   - memstore, storetest: the in-memory adapter and the conformance suite.
//
// Data flows from a channel record through cleaning and identity
// resolution into the customer store; batch or incremental analysis reads
// purchases and features back through iterators and writes tags and
// segments; privacy decides who may read what, for which purpose.
//
// The smallest use:
//
//	svc := customer.New(memstore.New(), nil)
//	c, err := svc.Create(ctx, customer.Customer{Name: "张三"})
//	...
//	_, err = svc.AddOrder(ctx, customer.Order{CustomerID: c.ID, ...})
//	view, err := svc.View(ctx, c.ID, nil)
//
// Run the whole pipeline on synthetic data with
//
//	go run ./examples/quickstart
package cimkit
