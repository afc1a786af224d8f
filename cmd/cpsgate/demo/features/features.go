// Package features holds the feature flags of the example CA.
package features

// Config is the set of feature flags; each is off unless a deployment's
// configuration turns it on.
type Config struct {
	// AsyncFinalize returns from the finalize request before the certificate
	// is issued; the client polls the order until it is valid.
	AsyncFinalize bool

	// MultiPerspectiveValidation checks domain control from several network
	// perspectives and fails the authorization when a quorum disagrees.
	MultiPerspectiveValidation bool

	// ECDSAForAll issues from the ECDSA intermediate to every subscriber.
	ECDSAForAll bool
}
