// Package identity turns the identifiers a channel record carries (phone,
// device fingerprint, email, member id, WeChat open/union id, resident ID
// number, and kinds the host registers) into one customer id per person.
//
// Identifier values are canonicalised with package customer/clean and then
// replaced by opaque tokens from an injected Tokenizer, so a Store never
// needs plaintext identifiers. Linking is a deterministic function of the
// set of records, the Rules and the operators' Constraints (union-find over
// the identifier graph, see Resolve): the same records in any order give
// the same customers, and a later record may split customers as well as
// merge them (a device that crosses its sharing limit stops linking).
// When a record joins several customers, the one holding most of the
// joined records keeps its id (ties: the one seen first) and the others are
// absorbed. Every merge and split is an Event with its reason; Unmerge undoes a
// merge exactly and records a cannot-link so later ingests respect it;
// Explain prints why records belong together with personal data masked.
// An absorbed id stays meaningful: FormerIDs lists the ids merged into a
// customer (so a host's activity recorded under them can follow it), and
// CurrentID follows an absorbed id to the customer holding its records.
//
// Imports. IngestBatch takes a whole batch (an import) and gives each
// record exactly what Ingest in a loop would, with far fewer store round
// trips: the batch is grouped and resolved in memory and the records
// Ingest's fast paths would take are written in chunks, one atomic change
// each (storetest.RunIngestBatch checks a Store against Ingest).
//
// Probable links. Records that share no identifier (a store customer with
// name, address and birth date only) can be joined by a Fellegi-Sunter
// model from package identity/match, kept apart from deterministic
// linking: set Options.Probable (the model, which Record.Fields feed it,
// a merge Threshold and a Review threshold) and call ScanProbable over the
// records to consider (the model's blocking rules choose the pairs) or
// LinkProbable for one pair. Ingest never links probabilistically. A pair
// at or above Threshold whose records are in different customers becomes
// a must-link constraint between the two records carrying the probability,
// the weight and each field's part of it; its event has kind
// probable_merge and its Reasons hold an Edge of Kind KindProbable with
// the score. Explain prints it ("by probable: linked (p=0.9990, 21.7 bits:
// date_of_birth exact +9.78, ...)", field names and levels only, never
// values), and Unmerge undoes it exactly and records a cannot-link, so
// later scans report the pair in KeptApart instead of merging it again.
// Pairs between Review and Threshold are returned as suggestions for an
// operator (Merge). A host that seals the records' profile fields passes a
// RecordOpener to ScanProbableOpened, which scores the opened values in
// memory and stores nothing of them. A record needs one linking identifier to be stored; a
// host with records that have none registers a kind for its source record
// id, which links nothing else:
//
//	rules, _ := identity.NewRules(append(identity.DefaultRules(), identity.Rule{Kind: "source_id", Priority: 1}))
//	model, _ := match.UnmarshalModel(saved)
//	r := identity.NewResolver(st, &identity.Options{Rules: rules,
//		Probable: &identity.ProbableOptions{Model: model, Threshold: 0.95, Review: 0.8}})
//	// ingest every record with Identifier{Kind: "source_id", Value: rec.ID}, then
//	rep, err := r.ScanProbable(ctx, recordIDs) // rep.Merges, rep.Suggestions
//
// Smallest use:
//
//	r := identity.NewResolver(memstore.New(), nil)
//	res, err := r.Ingest(ctx, identity.Record{
//		ID: "pos-1", Channel: "store_pos", At: time.Now(),
//		Identifiers: []identity.Identifier{{Kind: identity.KindPhone, Value: "138 1234 5678"}},
//	})
//	// res.CustomerID, res.Outcome (created, matched, merged, split)
package identity
