package demo

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cpsgate/cpsgate/review"
)

// The last act's configuration parameters: the CRL's lifetime (at most 10
// days, CPS 4.9.7), the longest certificate validity (90 days, 6.3.2) and
// the CRL updater's certificate lifetime, which must cover the longest
// certificate.
const demoParams = `parameters:
  - name: crl.lifetime
    description: How long each CRL is valid (nextUpdate - thisUpdate).
    owner: "@example-ca/dev"
    cps: ["4.9.7"]
    type: duration
    config:
      - {glob: "deploy/*/crl-updater.yaml", path: crlUpdater.lifetime, vars: vars.yaml}
    inclusive_validity: true
    cps_value: {bound: max, section: "4.9.7", pattern: 'valid for at most (\d+) days', unit: days}
  - name: ca.maxValidityPeriod
    description: The longest validity a certificate profile allows (notAfter - notBefore).
    owner: "@example-ca/dev"
    cps: ["6.3.2"]
    type: duration
    config:
      - {glob: "deploy/*/ca.yaml", path: ca.maxValidityPeriod}
    inclusive_validity: true
    cps_value: {bound: max, section: "6.3.2", pattern: 'valid for at most (\d+) days', unit: days}
  - name: crlUpdater.certificateLifetime
    description: How far back the CRL updater looks for unexpired certificates.
    owner: "@example-ca/dev"
    cps: ["4.9.7", "6.3.2"]
    type: duration
    config:
      - {glob: "deploy/*/crl-updater.yaml", path: crlUpdater.certificateLifetime, vars: vars.yaml}
    min: {parameter: ca.maxValidityPeriod}
`

// paramsAct is the demo's last act: on main the CA binds its CRL and
// certificate lifetimes to the CPS; a refactor templates the CRL updater's
// values and swaps {{ crl_lifetime }} in for the certificate lifetime, which
// the relation denies; the right reference, reviewed and approved, passes.
func (e *demo) paramsAct(g *demoGit, dir string) error {
	say := func(format string, args ...any) { fmt.Fprintf(e.stdout, format, args...) }
	write := func(name, text string) {
		if g.err == nil {
			g.err = os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644)
		}
	}
	g.run("checkout", "-q", "main")
	if g.err == nil {
		g.err = replaceInFile(filepath.Join(dir, "docs", "CPS.md"), "### 4.9.12 ",
			"### 4.9.7 CRL issuance frequency\n\nExample CA issues a CRL for every shard at least every 24 hours. CRLs are valid\nfor at most 10 days.\n\n### 4.9.12 ")
	}
	reg, err := os.ReadFile(filepath.Join(dir, "flags", "registry.yaml"))
	if err != nil {
		return err
	}
	write("flags/registry.yaml", string(reg)+demoParams)
	if g.err == nil {
		g.err = os.MkdirAll(filepath.Join(dir, "deploy", "prod"), 0o755)
	}
	write("deploy/prod/ca.yaml", "ca:\n  maxValidityPeriod: 7775999s\n")
	write("deploy/prod/crl-updater.yaml", "crlUpdater:\n  certificateLifetime: 2160h\n  lifetime: 216h\n")
	g.run("add", "-A", "docs", "flags", "deploy")
	g.commit("carol", "Bind the CRL and certificate lifetimes to CPS 4.9.7 and 6.3.2")
	g.run("checkout", "-q", "-b", "template-crl-updater")
	write("deploy/prod/vars.yaml", "cert_lifetime: 2160h\ncrl_lifetime: 216h\n")
	write("deploy/prod/crl-updater.yaml", "crlUpdater:\n  certificateLifetime: \"{{ crl_lifetime }}\"\n  lifetime: \"{{ crl_lifetime }}\"\n")
	g.run("add", "-A", "deploy")
	g.commit("bob", "Template the CRL updater's lifetimes")
	if g.err != nil {
		return g.err
	}
	say("\n6. Configuration values are bound to the CPS too. On main, flags/registry.yaml now lists\n" +
		"   crl.lifetime (at most the 10 days CPS 4.9.7 states), ca.maxValidityPeriod (the 90 days\n" +
		"   of 6.3.2, notAfter inclusive) and crlUpdater.certificateLifetime, which must cover\n" +
		"   the longest certificate. Bob's refactor templates deploy/prod/crl-updater.yaml from\n" +
		"   vars.yaml and references {{ crl_lifetime }} where {{ cert_lifetime }} belonged:\n\n")
	args := []string{"-C", dir, "check", "--base", "main", "--head", "template-crl-updater", "--author", "bob", "--approver", "alice"}
	if code := e.demoCheck(args); code != exitDeny {
		return fmt.Errorf("demo: the swapped reference should fail with exit %d, got %d", exitDeny, code)
	}
	write("deploy/prod/crl-updater.yaml", "crlUpdater:\n  certificateLifetime: \"{{ cert_lifetime }}\"\n  lifetime: \"{{ crl_lifetime }}\"\n")
	g.run("commit", "-q", "-am", "Reference the certificate lifetime")
	block, err := e.demoReviewBlock(args)
	if g.err != nil || err != nil {
		return cmpErr(g.err, err)
	}
	block = strings.ReplaceAll(block, review.TemplateReviewer, "alice")
	block = strings.ReplaceAll(block, "  date: "+review.TemplateDate+"\n", "")
	block = strings.ReplaceAll(block, review.TemplateParameterNotes, "Templated now; the values are unchanged and within 4.9.7 and 6.3.2.")
	write("pr-body.md", "Template the CRL updater.\n\n"+block)
	say("\n7. The relation denies it, and no review could pass it: the CRL updater would forget certificates\n"+
		"   after 9 days. Bob fixes the reference; the values are the same, but how they are written\n"+
		"   changed, so the parameters need a review. Alice reviews, Bob pastes the block:\n\n%s\n", indent(block))
	withBody := append(slices.Clone(args), "--pr-body", "pr-body.md")
	if code := e.demoCheck(withBody); code != exitPass {
		return fmt.Errorf("demo: the fixed and reviewed reference should pass with exit %d, got %d", exitPass, code)
	}
	return g.err
}

func cmpErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
