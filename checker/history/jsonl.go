package history

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// ReadHistory reads a JSON-lines operation history. Every line is validated; the first bad line
// fails the whole read with an error naming it, so nothing is silently lost.
func ReadHistory(r io.Reader) ([]Op, error) {
	return readJSONLines(r, func(op Op) error { return op.Validate() })
}

// WriteHistory writes ops as JSON lines, one per line, in the given order.
func WriteHistory(w io.Writer, ops []Op) error {
	return writeJSONLines(w, ops)
}

// ReadWatchRecords reads watch records written by WriteWatchRecords.
func ReadWatchRecords(r io.Reader) ([]WatchRecord, error) {
	return readJSONLines(r, func(WatchRecord) error { return nil })
}

// WriteWatchRecords writes watch records as JSON lines.
func WriteWatchRecords(w io.Writer, records []WatchRecord) error {
	return writeJSONLines(w, records)
}

func readJSONLines[T any](r io.Reader, validate func(T) error) ([]T, error) {
	br := bufio.NewReader(r)
	var out []T
	for lineNo := 1; ; lineNo++ {
		line, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("history: read line %d: %w", lineNo, err)
		}
		if trimmed := bytes.TrimSpace(line); len(trimmed) > 0 {
			var rec T
			dec := json.NewDecoder(bytes.NewReader(trimmed))
			dec.DisallowUnknownFields()
			if derr := dec.Decode(&rec); derr != nil {
				return nil, fmt.Errorf("history: line %d: %w", lineNo, derr)
			}
			if dec.More() {
				return nil, fmt.Errorf("history: line %d: trailing data after the JSON object", lineNo)
			}
			if verr := validate(rec); verr != nil {
				return nil, fmt.Errorf("history: line %d: %w", lineNo, verr)
			}
			out = append(out, rec)
		}
		if errors.Is(err, io.EOF) {
			return out, nil
		}
	}
}

func writeJSONLines[T any](w io.Writer, recs []T) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for i := range recs {
		if err := enc.Encode(&recs[i]); err != nil {
			return fmt.Errorf("history: write record %d: %w", i, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("history: flush: %w", err)
	}
	return nil
}
