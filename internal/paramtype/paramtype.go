// Package paramtype parses the values of configuration parameters as the
// program that reads them would, and normalizes them for comparison:
// durations to seconds, sizes to bytes. It is shared by the registry decoder
// (bounds written in the registry) and package params (values read from
// configuration files).
package paramtype

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Parameter types.
const (
	Duration = "duration" // Go syntax: 216h, 7776000s; normalized to seconds
	Integer  = "integer"
	Number   = "number"
	String   = "string"
	Bool     = "bool"
	Size     = "size" // 10MiB, 1GB, or a bare number of bytes; normalized to bytes
)

// Types lists the parameter types.
var Types = []string{Duration, Integer, Number, String, Bool, Size}

// Numeric reports whether values of type t are compared as numbers (and
// may have min and max bounds).
func Numeric(t string) bool {
	return t == Duration || t == Integer || t == Number || t == Size
}

// Value is a parsed value. Number holds the normalized value of a numeric
// type (seconds, bytes), String the value of a string, Bool of a bool.
type Value struct {
	Number float64
	String string
	Bool   bool
}

// Scalar is a scalar as a configuration file holds it.
type Scalar struct {
	Text   string // the scalar's text; for a string, its value
	Quoted bool   // a string (quoted in JSON; a string in YAML)
	IsBool bool   // a real boolean (true or false)
	IsNull bool
	YAML   bool // read from a YAML file: integers may be written 0x10, 1_000
}

// Describe names the scalar for messages: a string quoted, anything else as
// written.
func (s Scalar) Describe() string {
	if s.Quoted {
		return strconv.Quote(s.Text)
	}
	return s.Text
}

// FromConfig parses a scalar of a configuration file as a value of type t,
// the way encoding/json and yaml v3 decode it into the Go type a program
// would use (time.Duration from a string, int64, float64, string, bool). It
// refuses what cpsgate cannot read the way the program does, e.g. a bare
// number for a duration, which both decoders read as nanoseconds.
func FromConfig(t string, s Scalar) (Value, error) {
	if s.IsNull {
		return Value{}, fmt.Errorf("the value is null; a %s parameter needs a value", t)
	}
	switch t {
	case Duration:
		if !s.Quoted {
			return Value{}, fmt.Errorf("duration %s is not a string: a program decoding it into time.Duration reads a bare number as nanoseconds; write it in Go syntax, e.g. \"216h\"", s.Describe())
		}
		return Literal(t, s.Text)
	case Integer, Number:
		if s.Quoted || s.IsBool {
			return Value{}, fmt.Errorf("%s is not a number", s.Describe())
		}
		if t == Integer && s.YAML {
			n, err := strconv.ParseInt(s.Text, 0, 64)
			if err != nil {
				return Value{}, fmt.Errorf("%s is not an integer", s.Describe())
			}
			return Value{Number: float64(n)}, nil
		}
		return Literal(t, s.Text)
	case Size:
		if s.IsBool {
			return Value{}, fmt.Errorf("%s is not a size", s.Describe())
		}
		if !s.Quoted {
			n, err := strconv.ParseInt(s.Text, 10, 64)
			if err != nil || n < 0 {
				return Value{}, fmt.Errorf("size %s is not a whole number of bytes; write it as a string with a unit, e.g. \"10MiB\"", s.Describe())
			}
			return Value{Number: float64(n)}, nil
		}
		return Literal(t, s.Text)
	case String:
		if !s.Quoted {
			return Value{}, fmt.Errorf("%s is not a string", s.Describe())
		}
		return Value{String: s.Text}, nil
	case Bool:
		if !s.IsBool {
			return Value{}, fmt.Errorf("%s is not true or false", s.Describe())
		}
		return Value{Bool: s.Text == "true" || s.Text == "True" || s.Text == "TRUE"}, nil
	}
	return Value{}, fmt.Errorf("unknown parameter type %q", t)
}

// sizePattern is a size: a number and an optional unit.
var sizePattern = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?) ?([A-Za-z]*)$`)

// sizeUnits are the multipliers of the size units.
var sizeUnits = map[string]float64{
	"": 1, "B": 1,
	"KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
	"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
}

// Literal parses text, written in the registry or substituted into a
// configuration value, as a value of type t.
func Literal(t, text string) (Value, error) {
	switch t {
	case Duration:
		d, err := time.ParseDuration(text)
		if err != nil {
			return Value{}, fmt.Errorf("%q is not a duration in Go syntax (e.g. 216h, 7776000s, 1h30m)", text)
		}
		return Value{Number: d.Seconds()}, nil
	case Integer:
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return Value{}, fmt.Errorf("%q is not an integer", text)
		}
		return Value{Number: float64(n)}, nil
	case Number:
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return Value{}, fmt.Errorf("%q is not a finite number", text)
		}
		return Value{Number: f}, nil
	case Size:
		m := sizePattern.FindStringSubmatch(strings.TrimSpace(text))
		if m == nil {
			return Value{}, fmt.Errorf("%q is not a size (a number and a unit: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)", text)
		}
		mult, ok := sizeUnits[m[2]]
		if !ok {
			return Value{}, fmt.Errorf("%q: unknown size unit %q (want B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)", text, m[2])
		}
		f, err := strconv.ParseFloat(m[1], 64)
		if err != nil || math.IsInf(f*mult, 0) {
			return Value{}, fmt.Errorf("%q is not a size cpsgate can represent", text)
		}
		return Value{Number: math.Round(f * mult)}, nil
	case String:
		return Value{String: text}, nil
	case Bool:
		switch text {
		case "true":
			return Value{Bool: true}, nil
		case "false":
			return Value{}, nil
		}
		return Value{}, fmt.Errorf("%q is not true or false", text)
	}
	return Value{}, fmt.Errorf("unknown parameter type %q", t)
}

// timeUnits are the units a CPS states a duration in, in seconds. Months
// and years are not fixed lengths: a CPS bound in them is refused.
var timeUnits = map[string]float64{
	"second": 1, "seconds": 1,
	"minute": 60, "minutes": 60,
	"hour": 3600, "hours": 3600,
	"day": 86400, "days": 86400,
	"week": 7 * 86400, "weeks": 7 * 86400,
}

// UnitFactor returns what a number stated in unit is multiplied by to give
// the normalized value of type t: seconds for a duration, bytes for a size,
// 1 for an integer or number without a unit.
func UnitFactor(t, unit string) (float64, error) {
	switch t {
	case Duration:
		if f, ok := timeUnits[strings.ToLower(unit)]; ok {
			return f, nil
		}
		return 0, fmt.Errorf("unit %q is not a unit of time (seconds, minutes, hours, days, weeks; months and years have no fixed length)", unit)
	case Size:
		if f, ok := sizeUnits[unit]; ok && unit != "" {
			return f, nil
		}
		if unit == "bytes" {
			return 1, nil
		}
		return 0, fmt.Errorf("unit %q is not a unit of size (bytes, B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)", unit)
	case Integer, Number:
		if unit == "" {
			return 1, nil
		}
		return 0, fmt.Errorf("a %s parameter takes no unit, got %q", t, unit)
	}
	return 0, fmt.Errorf("a %s parameter cannot be bound to a number in the CPS", t)
}

// Format writes a normalized value for messages: a duration in Go syntax
// and in days when whole, a size in bytes.
func Format(t string, v Value) string {
	switch t {
	case Duration:
		s := strconv.FormatFloat(v.Number, 'f', -1, 64) + "s"
		if v.Number != 0 && math.Mod(v.Number, 86400) == 0 {
			s += fmt.Sprintf(" (%s days)", strconv.FormatFloat(v.Number/86400, 'f', -1, 64))
		}
		return s
	case Size:
		return strconv.FormatFloat(v.Number, 'f', -1, 64) + " bytes"
	case Integer, Number:
		return strconv.FormatFloat(v.Number, 'f', -1, 64)
	case Bool:
		return strconv.FormatBool(v.Bool)
	}
	return strconv.Quote(v.String)
}
