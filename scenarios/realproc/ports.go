package realproc

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
)

// Ports are drawn below Linux's ephemeral range (32768 and up by default), where port 0 listeners
// and outgoing connections get theirs: a port found free there could be handed to one of those
// before the member binds it.
const (
	freePortLow  = 20000
	freePortSpan = 12000
)

// FreeAddr finds a free 127.0.0.1 port below the ephemeral range and releases it for a member to
// bind. Another process may still take it first; Start retries with new ports when a member
// reports "address already in use".
func FreeAddr() (string, error) {
	for range 100 {
		port := freePortLow + rand.IntN(freePortSpan)
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue // taken: draw another
		}
		addr := ln.Addr().String()
		if err := ln.Close(); err != nil {
			return "", fmt.Errorf("realproc: free port: %w", err)
		}
		return addr, nil
	}
	return "", errors.New("realproc: free port: 100 ports in a row were taken")
}
