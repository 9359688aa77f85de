package main

import (
	"fmt"
	"os"
	"runtime"
	"syscall"

	"github.com/raftlab/raftlab/cmd/internal/timerslack"
)

// settleTimerSlack gives the process the timer slack KVD_TIMER_SLACK asks for (timerslack.go). When
// the calling thread's slack differs, it sets it and executes kvd again, and so returns only when
// there is nothing to do or on an error; the process then goes on with the slack it has.
func settleTimerSlack(getenv func(string) (string, bool), args, environ []string) error {
	want, err := timerSlackWanted(getenv)
	if err != nil || want == 0 {
		return err
	}
	// prctl and execve act on the calling thread: both on the same one.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	have, err := timerslack.Thread()
	if err != nil {
		return err
	}
	if have == want {
		return nil
	}
	if _, again := getenv(timerSlackReexecEnv); again {
		return fmt.Errorf("timer slack is %v after setting it to %v; going on with it", have, want)
	}
	if err := timerslack.SetThread(want); err != nil {
		return err
	}
	// The executable's own path, not /proc/self/exe: the process's name (ps, top, pgrep) is the
	// base name of the file executed. /proc/self/exe only when that path is gone (a replaced binary).
	env := append(environ, timerSlackReexecEnv+"=1")
	exe, err := os.Executable()
	if err == nil {
		err = syscall.Exec(exe, args, env)
	}
	if exe != selfExe {
		exe, err = selfExe, syscall.Exec(selfExe, args, env)
	}
	// Still here: the slack stays set on this thread alone; put it back as it was.
	_ = timerslack.SetThread(have)
	return fmt.Errorf("execute %s to apply the timer slack: %w", exe, err)
}

// selfExe is the executable of the running process, whatever became of its path.
const selfExe = "/proc/self/exe"
