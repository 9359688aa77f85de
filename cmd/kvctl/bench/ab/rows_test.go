package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRowsKeepsTableOrder(t *testing.T) {
	rows, err := parseRows("get64, put1,put64")
	require.NoError(t, err)
	var names []string
	for _, r := range rows {
		names = append(names, r.name)
	}
	assert.Equal(t, []string{"put1", "put64", "get64"}, names)
}

func TestParseRowsRefusesUnknownOrNone(t *testing.T) {
	_, err := parseRows("put1,put2")
	assert.ErrorContains(t, err, `unknown row "put2"`)
	_, err = parseRows(" , ")
	assert.ErrorContains(t, err, "no rows")
}
