package suggest

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"AsyncFinalize", []string{"async", "finalize"}},
		{"ECDSAForAll", []string{"ecdsa"}},
		{"MultiPerspectiveValidation", []string{"multi", "perspective", "validation"}},
		{"check_caa_records", []string{"check", "caa", "records"}},
		{"ocsp-stapling", []string{"ocsp", "stapling"}},
		{"EnableOCSPMustStaple", []string{"ocsp", "staple"}},
		{"CRLShards2", []string{"crl", "shards"}},
		{"Checks CAA; then issues.", []string{"checks", "caa", "issues"}},
		{"", nil},
	}
	for _, tt := range tests {
		got := Words(tt.in)
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("Words(%q) (-got +want):\n%s", tt.in, diff)
		}
	}
}

func TestStem(t *testing.T) {
	tests := []struct {
		words []string
		want  string
	}{
		{[]string{"validation", "validate", "validated", "validates", "validating", "valid"}, "valid"},
		{[]string{"certificate", "certificates", "certification", "cert", "certs"}, "certific"},
		{[]string{"revoke", "revoked", "revocation", "revoking"}, "revoc"},
		{[]string{"issue", "issued", "issuing", "issuance", "issues"}, "issu"},
		{[]string{"key", "keys"}, "key"},
		{[]string{"policies", "policy"}, "policy"},
		{[]string{"logged", "logging", "logs", "log"}, "log"},
		{[]string{"compromise", "compromised", "compromises"}, "comprom"},
		{[]string{"archive", "archived", "archiving"}, "arch"},
		{[]string{"finalize", "finalized", "finalizing", "finalization"}, "final"},
	}
	for _, tt := range tests {
		for _, w := range tt.words {
			if got := Stem(w); got != tt.want {
				t.Errorf("Stem(%q) = %q, want %q", w, got, tt.want)
			}
		}
	}
}

// docs is a small CPS: a few sections of the RFC 3647 outline.
var docs = []Doc{
	{ID: "3.2.2", Title: "Authentication of organization and domain identity", Context: "Initial identity validation",
		Text: "The CA validates control of each domain name from several network perspectives, and checks CAA records before issuance."},
	{ID: "4.3.1", Title: "CA actions during certificate issuance", Context: "Certificate issuance",
		Text: "The CA issues the certificate when the order is finalized, after all authorizations are valid."},
	{ID: "4.9.1", Title: "Circumstances for revocation", Context: "Certificate revocation and suspension",
		Text: "The CA revokes a certificate within 24 hours when the subscriber requests it or the key is compromised."},
	{ID: "4.9.9", Title: "On-line revocation/status checking availability", Context: "Certificate revocation and suspension",
		Text: "OCSP responses are available and signed by a delegated responder."},
	{ID: "6.1.5", Title: "Key sizes", Context: "Key pair generation and installation",
		Text: "RSA keys are at least 2048 bits; ECDSA keys use P-256 or P-384."},
	{ID: "9.9", Title: "Indemnities", Text: "No stipulation."},
}

func TestRank(t *testing.T) {
	ix := NewIndex(docs)
	tests := []struct {
		name  string
		q     Query
		top   []string // IDs, best first
		terms []string // of the best match
	}{
		{"name only", Query{Name: "RevokeOnKeyCompromise"}, []string{"4.9.1", "6.1.5"}, []string{"revoke", "compromise", "key"}},
		{"title beats text", Query{Name: "OCSPResponderAvailability"}, []string{"4.9.9"}, []string{"availability", "ocsp", "responder"}},
		{"comment decides", Query{Name: "CheckCAA", Text: "Check CAA records for every domain before issuance."}, []string{"3.2.2", "4.9.9"}, []string{"caa", "domain", "check", "records", "issuance"}},
		{"acronym", Query{Name: "ECDSAKeySizes"}, []string{"6.1.5", "4.9.1"}, []string{"sizes", "key", "ecdsa"}},
		{"nothing in common", Query{Name: "DarkMode", Text: "Paints the UI black."}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ix.Rank(tt.q, 2)
			var ids []string
			for _, m := range got {
				ids = append(ids, m.ID)
				if m.Score <= 0 {
					t.Errorf("%s has score %v", m.ID, m.Score)
				}
			}
			if diff := cmp.Diff(ids, tt.top); diff != "" {
				t.Errorf("ranking (-got +want):\n%s", diff)
			}
			var terms []string
			if len(got) > 0 {
				terms = got[0].Terms
			}
			if diff := cmp.Diff(terms, tt.terms); diff != "" {
				t.Errorf("terms of the best match (-got +want):\n%s", diff)
			}
		})
	}
}

func TestRankDeterministic(t *testing.T) {
	// Equal scores keep the index's order.
	ix := NewIndex([]Doc{{ID: "1", Title: "Keys"}, {ID: "2", Title: "Keys"}, {ID: "3", Title: "Other"}})
	got := ix.Rank(Query{Name: "Key"}, 3)
	if len(got) != 2 || got[0].ID != "1" || got[1].ID != "2" || got[0].Score != got[1].Score {
		t.Errorf("Rank = %+v, want sections 1 then 2 with equal scores", got)
	}
}

func TestTerms(t *testing.T) {
	// Adjacent words of the name are also joined, as a text may write them.
	var got []string
	for _, qt := range terms(Query{Name: "CAAAccountURI", Text: "Checks the accounts."}) {
		got = append(got, fmt.Sprintf("%s:%g", qt.stem, qt.weight))
	}
	want := []string{"caa:2", "account:2", "uri:2", "caaaccount:2", "accounturi:2", "check:1"}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("terms (-got +want):\n%s", diff)
	}
}

func TestRankRules(t *testing.T) {
	tests := []struct {
		name string
		docs []Doc
		q    Query
		want string // the best section
	}{
		{
			name: "a bare title counts less than the same words in a commitment",
			docs: []Doc{
				{ID: "1", Title: "Revocation request grace period", Text: "No stipulation."},
				{ID: "2", Title: "Procedure for revocation request", Text: "Requests are signed; the grace period is one day."},
			},
			q:    Query{Name: "RevocationGracePeriod"},
			want: "2",
		},
		{
			name: "a long section is not buried by its length",
			docs: []Doc{
				{ID: "1", Title: "Logs", Text: "Every CAA check is logged with its account."},
				{ID: "2", Title: "Validation", Text: "Validation uses HTTP, DNS and TLS-ALPN methods from several perspectives, with a validating resolver and retries. " +
					"Before issuing, the CA checks CAA for every name and honours the account parameter of RFC 8657."},
			},
			q:    Query{Name: "CAAAccount", Text: "Honour the account parameter of CAA."},
			want: "2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Unrelated sections, so that the words of the query are rare.
			filler := []Doc{{ID: "9.1", Title: "Fees", Text: "No fees are charged for certificates."},
				{ID: "9.2", Title: "Financial responsibility", Text: "The CA maintains insurance coverage."},
				{ID: "9.3", Title: "Confidentiality", Text: "Business information is kept confidential."}}
			got := NewIndex(append(tt.docs, filler...)).Rank(tt.q, 1)
			if len(got) == 0 || got[0].ID != tt.want {
				t.Errorf("Rank = %+v, want section %s first", got, tt.want)
			}
		})
	}
}
