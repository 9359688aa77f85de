//go:build tools

// Package tools pins the project's chosen dependencies in go.mod before every one of them is imported
// by code, so that parallel work on separate packages never has to edit go.mod.
package tools

import (
	_ "github.com/anishathalye/porcupine"
	_ "github.com/hashicorp/go-msgpack/v2/codec"
	_ "github.com/stretchr/testify/require"
	_ "go.etcd.io/etcd/client/v2"
	_ "gonum.org/v1/plot"
)
