package httpapi

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Password hashing: PBKDF2-HMAC-SHA256 with a random 16-byte salt, stored as
// "pbkdf2-sha256$<iterations>$<salt hex>$<key hex>".
const (
	passwordScheme     = "pbkdf2-sha256"
	passwordIterations = 20000
	passwordSaltBytes  = 16
	passwordKeyBytes   = 32
	// maxVerifiedPasswords bounds the cache of recently verified credentials.
	maxVerifiedPasswords = 1024
)

// hashPassword returns the stored form of password with a fresh random salt.
func hashPassword(password string) (string, error) {
	salt := make([]byte, passwordSaltBytes)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: password salt: %w", err)
	}
	key, err := pbkdf2.Key(sha256.New, password, salt, passwordIterations, passwordKeyBytes)
	if err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	return fmt.Sprintf("%s$%d$%s$%s", passwordScheme, passwordIterations, hex.EncodeToString(salt), hex.EncodeToString(key)), nil
}

// passwordMatches reports whether password hashes to stored; a malformed stored hash never matches.
func passwordMatches(stored, password string) bool {
	parts := strings.Split(stored, "$")
	if len(parts) != 4 || parts[0] != passwordScheme {
		return false
	}
	iter, err := strconv.Atoi(parts[1])
	if err != nil || iter <= 0 || iter > 10*passwordIterations {
		return false
	}
	salt, err1 := hex.DecodeString(parts[2])
	want, err2 := hex.DecodeString(parts[3])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, password, salt, iter, len(want))
	return err == nil && subtle.ConstantTimeCompare(got, want) == 1
}

// passwordChecker verifies passwords and remembers recent successes, so that a client sending
// basic auth with every request pays the key derivation once, not per request. An entry is keyed
// by the stored hash too, so a changed password invalidates it.
type passwordChecker struct {
	mu       sync.Mutex
	verified map[[sha256.Size]byte]struct{}
}

func newPasswordChecker() *passwordChecker {
	return &passwordChecker{verified: map[[sha256.Size]byte]struct{}{}}
}

// check reports whether password matches the stored hash.
func (c *passwordChecker) check(stored, password string) bool {
	key := sha256.Sum256([]byte(stored + "\x00" + password))
	c.mu.Lock()
	_, ok := c.verified[key]
	c.mu.Unlock()
	if ok {
		return true
	}
	if !passwordMatches(stored, password) {
		return false
	}
	c.mu.Lock()
	if len(c.verified) >= maxVerifiedPasswords {
		clear(c.verified)
	}
	c.verified[key] = struct{}{}
	c.mu.Unlock()
	return true
}
