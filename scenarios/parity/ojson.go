package parity

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// jvalue is a JSON value that keeps the order of object members: etcd writes its JSON from Go
// structs, so member order is deterministic and part of what is compared.
type jvalue struct {
	kind    jkind
	members []jmember // object
	items   []*jvalue // array
	scalar  string    // string value, or the literal text of a number, true, false
}

type jkind int

const (
	jNull jkind = iota
	jObject
	jArray
	jString
	jNumber
	jBool
)

type jmember struct {
	key string
	val *jvalue
}

// parseJSON parses one JSON document, keeping object member order and number literals.
func parseJSON(b []byte) (*jvalue, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := readValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data after the JSON value")
	}
	return v, nil
}

func readValue(dec *json.Decoder) (*jvalue, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			v := &jvalue{kind: jObject}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key %v is not a string", kt)
				}
				val, err := readValue(dec)
				if err != nil {
					return nil, err
				}
				v.members = append(v.members, jmember{key: key, val: val})
			}
			_, err := dec.Token() // }
			return v, err
		case '[':
			v := &jvalue{kind: jArray}
			for dec.More() {
				item, err := readValue(dec)
				if err != nil {
					return nil, err
				}
				v.items = append(v.items, item)
			}
			_, err := dec.Token() // ]
			return v, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case string:
		return &jvalue{kind: jString, scalar: t}, nil
	case json.Number:
		return &jvalue{kind: jNumber, scalar: t.String()}, nil
	case bool:
		return &jvalue{kind: jBool, scalar: fmt.Sprint(t)}, nil
	case nil:
		return &jvalue{kind: jNull}, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// get is the value of an object member, or nil.
func (v *jvalue) get(key string) *jvalue {
	if v == nil || v.kind != jObject {
		return nil
	}
	for _, m := range v.members {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

// str makes a string value.
func str(s string) *jvalue { return &jvalue{kind: jString, scalar: s} }

// remove drops an object member.
func (v *jvalue) remove(key string) {
	out := v.members[:0]
	for _, m := range v.members {
		if m.key != key {
			out = append(out, m)
		}
	}
	v.members = out
}

// sortMembers orders an object's members by key.
func (v *jvalue) sortMembers() {
	sort.SliceStable(v.members, func(i, j int) bool { return v.members[i].key < v.members[j].key })
}

// encode writes v as compact JSON, members in their kept order.
func (v *jvalue) encode(b *bytes.Buffer) {
	switch v.kind {
	case jNull:
		b.WriteString("null")
	case jString:
		writeString(b, v.scalar)
	case jNumber, jBool:
		b.WriteString(v.scalar)
	case jArray:
		b.WriteByte('[')
		for i, item := range v.items {
			if i > 0 {
				b.WriteByte(',')
			}
			item.encode(b)
		}
		b.WriteByte(']')
	case jObject:
		b.WriteByte('{')
		for i, m := range v.members {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, m.key)
			b.WriteByte(':')
			m.val.encode(b)
		}
		b.WriteByte('}')
	}
}

// String is the compact encoding.
func (v *jvalue) String() string {
	var b bytes.Buffer
	v.encode(&b)
	return b.String()
}

// writeString writes s as a JSON string, without Go's HTML escaping (the canonical form is read
// by people).
func writeString(b *bytes.Buffer, s string) {
	var tmp bytes.Buffer
	enc := json.NewEncoder(&tmp)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Write(bytes.TrimSuffix(tmp.Bytes(), []byte("\n")))
}
