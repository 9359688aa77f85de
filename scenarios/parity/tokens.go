package parity

import (
	"fmt"
	"strings"
)

// splitTokens splits a step line into words the way a shell would, simplified: words are
// separated by blanks; 'single quotes' keep their content as is; "double quotes" understand
// \" \\ \n \t and \xHH (a raw byte, for invalid UTF-8). A word may mix quoted and bare parts.
func splitTokens(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("unterminated ' at column %d", i+1)
			}
			cur.WriteString(line[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '"':
			n, err := readDoubleQuoted(line[i+1:], &cur)
			if err != nil {
				return nil, fmt.Errorf("column %d: %w", i+1, err)
			}
			i += n + 1
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// readDoubleQuoted reads up to the closing quote of a "..." word into b and returns how many
// bytes of s it used, the closing quote included.
func readDoubleQuoted(s string, b *strings.Builder) (int, error) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			return i + 1, nil
		case '\\':
			if i+1 >= len(s) {
				return 0, fmt.Errorf("dangling \\")
			}
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'x':
				if i+2 >= len(s) {
					return 0, fmt.Errorf("short \\x escape")
				}
				var v byte
				if _, err := fmt.Sscanf(s[i+1:i+3], "%02x", &v); err != nil {
					return 0, fmt.Errorf("bad \\x escape %q: %w", s[i+1:i+3], err)
				}
				b.WriteByte(v)
				i += 2
			default:
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(s[i])
		}
	}
	return 0, fmt.Errorf(`unterminated "`)
}
