package identity_test

import (
	"testing"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
)

// TestPrepareKeepsIdentifiersAroundEmptyOnes: an identifier that cleans to
// nothing (empty, blank, "n/a") is skipped without dropping the record's
// other identifiers, before or after it. (Prepare used to lose the ones
// before it: {phone, device "n/a"} had no identifier.)
func TestPrepareKeepsIdentifiersAroundEmptyOnes(t *testing.T) {
	r := identity.NewResolver(memstore.New(), nil)
	phone := identity.Identifier{Kind: identity.KindPhone, Value: "13812345678"}
	for _, empty := range []identity.Identifier{
		{Kind: identity.KindPhone, Value: ""}, {Kind: identity.KindPhone, Value: "  "},
		{Kind: identity.KindEmail, Value: ""}, {Kind: identity.KindIDCard, Value: ""},
		{Kind: identity.KindName, Value: ""}, {Kind: identity.KindDevice, Value: "n/a"},
		{Kind: identity.KindDevice, Value: ""}, {Kind: identity.KindWeChatUnionID, Value: " "},
		{Kind: identity.KindMemberID, Value: "-"},
	} {
		for _, ids := range [][]identity.Identifier{{phone, empty}, {empty, phone}, {phone, empty, empty}} {
			sr, _, _, err := r.Prepare(ctx, identity.Record{ID: "r1", Identifiers: ids})
			if err != nil {
				t.Fatalf("%v: %v", ids, err)
			}
			if len(sr.Keys) != 1 || sr.Keys[0].Kind != identity.KindPhone {
				t.Fatalf("%v: keys %v, want the phone", ids, sr.Keys)
			}
		}
	}
}
