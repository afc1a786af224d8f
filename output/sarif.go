package output

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/url"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/cpsgate/cpsgate/internal/inert"
	"github.com/cpsgate/cpsgate/result"
)

// SARIFSchema is the $schema of the SARIF documents cpsgate writes.
const SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"

// InformationURI is the tool's home page in SARIF output.
const InformationURI = "https://github.com/cpsgate/cpsgate"

// RuleDoc describes a rule for SARIF's tool.driver.rules.
type RuleDoc struct {
	ID          string
	Description string // what the rule checks
	Enforces    string // the source of the obligation
}

// SARIF writes a SARIF 2.1.0 log with one run, for GitHub code scanning and
// other SARIF viewers. Locations are relative to %SRCROOT% (the repository
// root); results are ordered by file, line, rule, flag and section, and carry
// a partial fingerprint that does not depend on the line, so that a finding
// moved by an unrelated edit stays the same alert. A result's message is
// plain text with control characters and square brackets escaped
// (inert.SARIFText), so that no repository text becomes an embedded link.
type SARIF struct {
	// ToolVersion is tool.driver.version; "" means the module version the
	// binary was built from, when known.
	ToolVersion string
	// Rules describes the rules; nil means the rules the result carries
	// (the built-in policies' METADATA, result.Result.Rules). A rule
	// without a description gets a generic one.
	Rules []RuleDoc
}

// ruleDocs are the rules a result carries, as SARIF describes them.
func ruleDocs(rules []result.Rule) []RuleDoc {
	docs := make([]RuleDoc, len(rules))
	for i, r := range rules {
		docs[i] = RuleDoc{ID: r.Name, Description: r.Description, Enforces: r.Enforces}
	}
	return docs
}

func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return ""
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds"`
	Results            []sarifResult               `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string              `json:"id"`
	ShortDescription     sarifText           `json:"shortDescription"`
	FullDescription      sarifText           `json:"fullDescription"`
	Help                 sarifText           `json:"help"`
	DefaultConfiguration sarifRuleConfig     `json:"defaultConfiguration"`
	Properties           map[string][]string `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]string `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           *sarifRegion     `json:"region,omitempty"`
}

type sarifArtifactLoc struct {
	URI         string     `json:"uri,omitempty"`
	URIBaseID   string     `json:"uriBaseId,omitempty"`
	Description *sarifText `json:"description,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

// fingerprintKey names cpsgate's partial fingerprint; bump the version if
// what it hashes changes.
const fingerprintKey = "cpsgateFinding/v1"

// Report implements Reporter.
func (s SARIF) Report(w io.Writer, res *result.Result) error {
	docs := s.Rules
	if docs == nil {
		docs = ruleDocs(res.Rules)
	}
	version := s.ToolVersion
	if version == "" {
		version = buildVersion()
	}

	findings := slices.Clone(res.Findings)
	slices.SortStableFunc(findings, result.Compare)

	var ids []string
	for _, f := range findings {
		if !slices.Contains(ids, f.Rule) {
			ids = append(ids, f.Rule)
		}
	}
	slices.Sort(ids)
	rules := make([]sarifRule, len(ids))
	for i, id := range ids {
		rules[i] = sarifRuleFor(id, docs, findings)
	}

	results := make([]sarifResult, 0, len(findings))
	seen := map[string]int{}
	for _, f := range findings {
		level := "warning"
		if f.Severity == result.Deny {
			level = "error"
		}
		r := sarifResult{
			RuleID:    f.Rule,
			RuleIndex: slices.Index(ids, f.Rule),
			Level:     level,
			Message:   sarifText{Text: inert.SARIFText(f.Message)},
		}
		if f.File != "" {
			r.Locations = []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifactLoc{URI: fileURI(f.File), URIBaseID: "%SRCROOT%"},
				Region:           &sarifRegion{StartLine: max(f.Line, 1)},
			}}}
		}
		fp := fingerprint(f)
		seen[fp]++
		r.PartialFingerprints = map[string]string{fingerprintKey: fp + ":" + strconv.Itoa(seen[fp])}
		if f.Flag != "" || f.Parameter != "" || f.Section != "" {
			r.Properties = map[string]string{}
			if f.Flag != "" {
				r.Properties["flag"] = f.Flag
			}
			if f.Parameter != "" {
				r.Properties["parameter"] = f.Parameter
			}
			if f.Section != "" {
				r.Properties["section"] = f.Section
			}
		}
		results = append(results, r)
	}

	log := sarifLog{
		Schema:  SARIFSchema,
		Version: "2.1.0",
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name: "cpsgate", InformationURI: InformationURI, Version: version, Rules: rules,
			}},
			OriginalURIBaseIDs: map[string]sarifArtifactLoc{
				"%SRCROOT%": {Description: &sarifText{Text: "The root of the repository checked."}},
			},
			Results: results,
		}},
	}
	return encodeJSON(w, log)
}

func sarifRuleFor(id string, docs []RuleDoc, findings []result.Finding) sarifRule {
	level := "warning"
	for _, f := range findings {
		if f.Rule == id && f.Severity == result.Deny {
			level = "error"
			break
		}
	}
	doc := RuleDoc{ID: id}
	if i := slices.IndexFunc(docs, func(d RuleDoc) bool { return d.ID == id }); i >= 0 {
		doc = docs[i]
	}
	full := strings.Join(strings.Fields(doc.Description), " ")
	if full == "" {
		full = "Finding of the policy rule " + id + "."
	}
	help := full
	if e := strings.Join(strings.Fields(doc.Enforces), " "); e != "" {
		help += "\n\nSource of the obligation: " + e
	}
	return sarifRule{
		ID:                   id,
		ShortDescription:     sarifText{Text: firstSentence(full)},
		FullDescription:      sarifText{Text: full},
		Help:                 sarifText{Text: help},
		DefaultConfiguration: sarifRuleConfig{Level: level},
		Properties:           map[string][]string{"tags": {"cps", "compliance"}},
	}
}

// firstSentence returns text up to and including its first ". ".
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

// fingerprint hashes what identifies a finding apart from its line and
// wording.
func fingerprint(f result.Finding) string {
	h := sha256.New()
	for _, part := range []string{f.Rule, f.Flag + f.Parameter, f.Section, f.File} {
		io.WriteString(h, strconv.Itoa(len(part))+":"+part+"\x00")
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// fileURI turns a repository-relative slash path into a relative URI
// reference.
func fileURI(file string) string {
	return (&url.URL{Path: strings.TrimPrefix(file, "./")}).String()
}
