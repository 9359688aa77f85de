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

func TestEndpointsForPlacesTheClients(t *testing.T) {
	urls := []string{"http://a", "http://b", "http://c"}
	tests := []struct {
		place  string
		leader int
		want   []string
	}{
		{place: "", leader: 1, want: urls},
		{place: placeLeader, leader: 1, want: []string{"http://b"}},
		{place: placeLeader, leader: 2, want: []string{"http://c"}},
		{place: placeFollower, leader: 0, want: []string{"http://b"}},
		{place: placeFollower, leader: 1, want: []string{"http://a"}},
		{place: placeFollower, leader: 2, want: []string{"http://a"}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, endpointsFor(urls, tt.leader, tt.place), "%q with the leader at %d", tt.place, tt.leader)
	}
}

func TestPlacedRowsHaveTargets(t *testing.T) {
	for _, r := range allRows {
		if r.place == "" {
			continue
		}
		found := false
		for _, tg := range targets {
			found = found || tg.row == r.name
		}
		assert.True(t, found, "row %s", r.name)
	}
}
