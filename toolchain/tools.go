//go:build tools

// Package tools pins the Pulumi CLI's main package into this module, so that
// `go build github.com/pulumi/pulumi/pkg/v3/cmd/pulumi` resolves it at the version above.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
