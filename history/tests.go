package history

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/evidence"
	"github.com/cpsgate/cpsgate/report"
	"github.com/cpsgate/cpsgate/revision"
)

// headTests reads the tests of the go-test sources at the end of the
// period, linked against the registry there, for the report's traceability
// matrix.
func headTests(head revision.Snapshot, cfgPath string, in *report.Input) ([]evidence.Test, error) {
	src, err := head.ReadFile(cfgPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	cfg, err := config.Decode(cfgPath, src)
	if err != nil {
		return nil, err
	}
	final := in.Final()
	var tests []evidence.Test
	if final != nil {
		tests, err = evidence.AtRevision(head, cfg.Tests, final.Registry)
	} else {
		tests, err = evidence.AtRevision(head, cfg.Tests, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("tests at the end of the period (%s):\n%w", head.Name(), err)
	}
	return tests, nil
}
