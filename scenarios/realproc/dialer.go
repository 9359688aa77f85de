package realproc

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// IdentifyByProcess names the dialer of a loopback connection by the process that holds its other
// end: Linux's /proc/net/tcp gives the socket's inode, and the process whose /proc/PID/fd links to
// it is the dialer. pids are the candidate processes (a member's PID → its name); it is called for
// each connection. It knows nothing of the servers' protocols, so it names kvd and etcd alike.
func IdentifyByProcess(pids func() map[int]string) Identify {
	return func(c net.Conn) string {
		inode, err := dialerInode(c)
		if err != nil {
			return ""
		}
		for pid, name := range pids() {
			if holdsSocket(pid, inode) {
				return name
			}
		}
		return ""
	}
}

// dialerInode is the inode of the dialer's socket of an accepted TCP connection: the entry of
// /proc/net/tcp (or tcp6) whose local port is the connection's remote one and the other way round.
func dialerInode(c net.Conn) (string, error) {
	local, ok := c.LocalAddr().(*net.TCPAddr)
	remote, ok2 := c.RemoteAddr().(*net.TCPAddr)
	if !ok || !ok2 {
		return "", fmt.Errorf("realproc: not a TCP connection")
	}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		inode, err := findSocket(table, remote.Port, local.Port)
		if err == nil && inode != "" {
			return inode, nil
		}
	}
	return "", fmt.Errorf("realproc: no socket from port %d to port %d", remote.Port, local.Port)
}

// findSocket scans one socket table for the socket from port localPort to port remotePort and
// returns its inode ("" when there is none).
func findSocket(table string, localPort, remotePort int) (string, error) {
	f, err := os.Open(table)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // the header
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 {
			continue
		}
		if hexPort(fields[1]) == localPort && hexPort(fields[2]) == remotePort {
			return fields[9], nil
		}
	}
	return "", sc.Err()
}

// hexPort is the port of a socket table address ("0100007F:1F90"), or -1.
func hexPort(addr string) int {
	_, port, ok := strings.Cut(addr, ":")
	if !ok {
		return -1
	}
	p, err := strconv.ParseUint(port, 16, 16)
	if err != nil {
		return -1
	}
	return int(p)
}

// holdsSocket says whether process pid has a file descriptor on socket inode.
func holdsSocket(pid int, inode string) bool {
	dir := filepath.Join("/proc", strconv.Itoa(pid), "fd")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	want := "socket:[" + inode + "]"
	for _, e := range entries {
		if target, err := os.Readlink(filepath.Join(dir, e.Name())); err == nil && target == want {
			return true
		}
	}
	return false
}
