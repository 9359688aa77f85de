package server

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/httpapi"
	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/wal"
)

// diskFault is what faultFS does to the WAL's files.
type diskFault int32

const (
	diskHealthy diskFault = iota
	diskFull              // every write fails with ENOSPC, as on a full disk
	syncFails             // every fsync fails with EIO
)

// faultFS is the real disk with a switchable fault.
type faultFS struct {
	wal.FS
	fault *atomic.Int32
}

func (f faultFS) OpenFile(name string, flag int, perm os.FileMode) (wal.File, error) {
	file, err := f.FS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return faultFile{File: file, name: name, fault: f.fault}, nil
}

type faultFile struct {
	wal.File
	name  string
	fault *atomic.Int32
}

func (f faultFile) Write(p []byte) (int, error) {
	if diskFault(f.fault.Load()) == diskFull {
		return 0, &os.PathError{Op: "write", Path: f.name, Err: syscall.ENOSPC}
	}
	return f.File.Write(p)
}

func (f faultFile) Sync() error {
	if diskFault(f.fault.Load()) == syncFails {
		return &os.PathError{Op: "fsync", Path: f.name, Err: syscall.EIO}
	}
	return f.File.Sync()
}

// lockedBuffer collects log output written from the member's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// putForm sends a v2 PUT and returns the status and the decoded error code (0 on success).
func putForm(t *testing.T, base, key, value string) (int, int) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, base+"/v2/keys"+key, strings.NewReader(url.Values{"value": {value}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	var body struct {
		ErrorCode int `json:"errorCode"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body.ErrorCode
}

// TestDiskFaultStopsAcknowledging: after a full disk or a failing fsync the member acknowledges
// nothing more (clients get errors, /health answers 503 STORAGE FAILED), never applies the write
// it could not make durable, and a restart on a healthy disk recovers every acknowledged write.
func TestDiskFaultStopsAcknowledging(t *testing.T) {
	for _, tt := range []struct {
		name  string
		fault diskFault
		errno syscall.Errno
	}{
		{"full disk", diskFull, syscall.ENOSPC},
		{"failing fsync", syncFails, syscall.EIO},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestCluster(t, 1)
			c.leader()
			c.stop(0)
			fault := new(atomic.Int32)
			cfg := c.config(0)
			cfg.FS = faultFS{FS: wal.OSFS(), fault: fault}
			logs := &lockedBuffer{}
			cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
			s, err := Start(cfg)
			require.NoError(t, err)
			c.servers[0] = s
			c.leader()
			api := httptest.NewServer(httpapi.New(httpapi.Config{Backend: s}))
			defer api.Close()

			code, _ := putForm(t, api.URL, "/before", "durable")
			require.Equal(t, http.StatusCreated, code)

			fault.Store(int32(tt.fault))
			code, _ = putForm(t, api.URL, "/during", "not-durable")
			assert.GreaterOrEqual(t, code, 500, "a write that could not be made durable is not acknowledged")
			require.ErrorIs(t, s.Status().Failed, tt.errno, "the status names the disk error")
			require.Eventually(t, func() bool {
				return strings.Contains(logs.String(), "storage failed: the member no longer acknowledges anything")
			}, 5*time.Second, 5*time.Millisecond, "the failure is logged")
			assert.Contains(t, logs.String(), tt.errno.Error(), "the log names the disk error")

			fault.Store(int32(diskHealthy)) // the disk recovers, the member stays failed
			code, _ = putForm(t, api.URL, "/after", "refused")
			assert.GreaterOrEqual(t, code, 500, "nothing is acknowledged after a storage failure")
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			rep, err := s.Do(ctx, node.Request{Kind: node.KindQuorumGet})
			require.NoError(t, err)
			assert.ErrorIs(t, rep.Err, node.ErrStorage, "quorum reads are refused too")

			resp, err := http.Get(api.URL + "/health")
			require.NoError(t, err)
			var health struct{ Health, Reason string }
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&health))
			_ = resp.Body.Close()
			assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
			assert.Equal(t, "false", health.Health)
			assert.Equal(t, "STORAGE FAILED", health.Reason)
			for _, key := range []string{"/during", "/after"} {
				_, err := s.Get(key, false, false, 0)
				assert.Error(t, err, "%s was applied without being durable", key)
			}

			c.stop(0)
			c.start(0) // a healthy disk: what was durable comes back
			c.leader()
			assert.Equal(t, "durable", value(t, c.servers[0], "/before"))
			_, err = c.servers[0].Get("/after", false, false, 0)
			assert.Error(t, err, "a write refused after the failure never reached the log")
		})
	}
}
