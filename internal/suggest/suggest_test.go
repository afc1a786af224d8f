package suggest

import (
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
		{"comment decides", Query{Name: "CheckCAA", Text: "Check CAA records for every domain before issuance."}, []string{"3.2.2", "4.9.9"}, []string{"domain", "caa", "check", "records", "issuance"}},
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
