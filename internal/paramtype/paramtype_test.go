package paramtype

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFromConfig(t *testing.T) {
	tests := []struct {
		name    string
		typ     string
		s       Scalar
		want    Value
		wantErr string
	}{
		{"duration hours", Duration, Scalar{Text: "2160h", Quoted: true}, Value{Number: 7776000}, ""},
		{"duration seconds", Duration, Scalar{Text: "7776000s", Quoted: true}, Value{Number: 7776000}, ""},
		{"duration mixed", Duration, Scalar{Text: "2159h59m59s", Quoted: true}, Value{Number: 7775999}, ""},
		{"duration bare number is nanoseconds", Duration, Scalar{Text: "7776000"}, Value{}, "duration 7776000 is not a string: a program decoding it into time.Duration reads a bare number as nanoseconds; write it in Go syntax, e.g. \"216h\""},
		{"duration days unit", Duration, Scalar{Text: "90d", Quoted: true}, Value{}, `"90d" is not a duration in Go syntax (e.g. 216h, 7776000s, 1h30m)`},
		{"integer", Integer, Scalar{Text: "42"}, Value{Number: 42}, ""},
		{"integer yaml hex", Integer, Scalar{Text: "0x10", YAML: true}, Value{Number: 16}, ""},
		{"integer json hex", Integer, Scalar{Text: "0x10"}, Value{}, `"0x10" is not an integer`},
		{"integer quoted", Integer, Scalar{Text: "42", Quoted: true}, Value{}, `"42" is not a number`},
		{"integer float", Integer, Scalar{Text: "4.5"}, Value{}, `"4.5" is not an integer`},
		{"number", Number, Scalar{Text: "0.5"}, Value{Number: 0.5}, ""},
		{"size mib", Size, Scalar{Text: "10MiB", Quoted: true}, Value{Number: 10 << 20}, ""},
		{"size mb", Size, Scalar{Text: "1.5 MB", Quoted: true}, Value{Number: 1500000}, ""},
		{"size bytes", Size, Scalar{Text: "1024"}, Value{Number: 1024}, ""},
		{"size unknown unit", Size, Scalar{Text: "10Mb", Quoted: true}, Value{}, `"10Mb": unknown size unit "Mb" (want B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)`},
		{"size huge", Size, Scalar{Text: strings.Repeat("9", 400) + "TiB", Quoted: true}, Value{}, "is not a size cpsgate can represent"},
		{"string", String, Scalar{Text: "sha256", Quoted: true}, Value{String: "sha256"}, ""},
		{"string unquoted number", String, Scalar{Text: "1.0"}, Value{}, "1.0 is not a string"},
		{"bool", Bool, Scalar{Text: "true", IsBool: true}, Value{Bool: true}, ""},
		{"bool string", Bool, Scalar{Text: "yes", Quoted: true}, Value{}, `"yes" is not true or false`},
		{"null", Duration, Scalar{Text: "null", IsNull: true}, Value{}, "the value is null; a duration parameter needs a value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromConfig(tt.typ, tt.s)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if tt.wantErr != "" && !cmpContains(gotErr, tt.wantErr) || tt.wantErr == "" && gotErr != "" {
				t.Fatalf("error = %q, want %q", gotErr, tt.wantErr)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("value mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func cmpContains(s, sub string) bool { return strings.Contains(s, sub) }

func TestUnitFactor(t *testing.T) {
	tests := []struct {
		typ, unit string
		want      float64
		wantErr   bool
	}{
		{Duration, "days", 86400, false},
		{Duration, "Day", 86400, false},
		{Duration, "hours", 3600, false},
		{Duration, "months", 0, true},
		{Size, "MiB", 1 << 20, false},
		{Size, "bytes", 1, false},
		{Size, "", 0, true},
		{Integer, "", 1, false},
		{Integer, "days", 0, true},
		{String, "", 0, true},
	}
	for _, tt := range tests {
		got, err := UnitFactor(tt.typ, tt.unit)
		if diff := cmp.Diff(got, tt.want); diff != "" || (err != nil) != tt.wantErr {
			t.Errorf("UnitFactor(%s, %q) = %v, %v; want %v (error %v)", tt.typ, tt.unit, got, err, tt.want, tt.wantErr)
		}
	}
}
