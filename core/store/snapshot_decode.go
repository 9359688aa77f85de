package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// decodeSnapshot decodes what Save wrote. It reads the object field by field and its arrays element
// by element, so the decoder buffers one element at a time, never a copy of the whole snapshot;
// unknown or repeated fields and anything after the object are refused.
func decodeSnapshot(data []byte) (snapshot, error) {
	var snap snapshot
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := expectDelim(dec, '{'); err != nil {
		return snap, err
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return snap, err
		}
		field, _ := tok.(string)
		if seen[field] {
			return snap, fmt.Errorf("field %q repeated", field)
		}
		seen[field] = true
		switch field {
		case "format":
			err = dec.Decode(&snap.Format)
		case "index":
			err = dec.Decode(&snap.Index)
		case "user":
			snap.User, err = decodeArray[snapshotNode](dec)
		case "internal":
			snap.Internal, err = decodeArray[snapshotNode](dec)
		case "history":
			snap.History, err = decodeArray[snapshotEvent](dec)
		default:
			return snap, fmt.Errorf("unknown field %q", field)
		}
		if err != nil {
			return snap, fmt.Errorf("field %q: %w", field, err)
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return snap, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return snap, errors.New("trailing data after the snapshot")
	}
	return snap, nil
}

// decodeArray decodes a JSON array (or null, as nil) element by element.
func decodeArray[T any](dec *json.Decoder) ([]T, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if tok == nil {
		return nil, nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fmt.Errorf("got %v, want an array", tok)
	}
	out := []T{}
	for dec.More() {
		var v T
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("element %d: %w", len(out), err)
		}
		out = append(out, v)
	}
	return out, expectDelim(dec, ']')
}

// expectDelim reads the next token and checks that it is d.
func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if got, ok := tok.(json.Delim); !ok || got != d {
		return fmt.Errorf("got %v, want %v", tok, d)
	}
	return nil
}
