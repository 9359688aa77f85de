package deploy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// k8sJob is the part of a Kubernetes Job manifest the test reads.
type k8sJob struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    int    `yaml:"completions"`
		Parallelism    int    `yaml:"parallelism"`
		Template       struct {
			Spec struct {
				RestartPolicy string         `yaml:"restartPolicy"`
				Containers    []k8sContainer `yaml:"containers"`
				Volumes       []struct {
					Name                  string `yaml:"name"`
					PersistentVolumeClaim struct {
						ClaimName string `yaml:"claimName"`
					} `yaml:"persistentVolumeClaim"`
				} `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

// k8sContainer is the part of a container the test runs.
type k8sContainer struct {
	Image string `yaml:"image"`
	Env   []struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	} `yaml:"env"`
	Command      []string `yaml:"command"`
	Args         []string `yaml:"args"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

// TestKubernetesIndexedJobRunsTheShardsAndTheMerge renders the sweep's Kubernetes manifests, checks
// they make an Indexed Job of N shards and a merge Job sharing one volume, and runs each pod's
// command as the kubelet would (JOB_COMPLETION_INDEX set, $(VAR) expanded, the volume a directory):
// the shards and the merge give the whole sweep, its failing seeds' reports included.
func TestKubernetesIndexedJobRunsTheShardsAndTheMerge(t *testing.T) {
	const suite, seeds, shards, run = "bug-vote-without-log-check", "1..12", 3, "k8s-test"
	render := exec.Command("bash", filepath.Join("kubernetes", "sweep.sh"), suite, seeds, fmt.Sprint(shards), run)
	render.Env = append(os.Environ(), "RENDER=1", "IMAGE=labd:test")
	text, err := render.Output()
	require.NoError(t, err)
	jobs := decodeJobs(t, text)
	require.Len(t, jobs, 2)
	sweep, merge := jobs[0], jobs[1]

	assert.Equal(t, "labd-sweep-"+run, sweep.Metadata.Name)
	assert.Equal(t, "Indexed", sweep.Spec.CompletionMode)
	assert.Equal(t, shards, sweep.Spec.Completions)
	assert.Equal(t, shards, sweep.Spec.Parallelism)
	assert.Equal(t, "labd-merge-"+run, merge.Metadata.Name)
	for _, job := range jobs {
		assert.Equal(t, "Job", job.Kind)
		assert.Equal(t, "Never", job.Spec.Template.Spec.RestartPolicy, "a failed pod is a failed shard, not a retry in place")
		require.Len(t, job.Spec.Template.Spec.Volumes, 1)
		assert.Equal(t, "labd-sweep-results", job.Spec.Template.Spec.Volumes[0].PersistentVolumeClaim.ClaimName, "the shared volume")
		require.Len(t, job.Spec.Template.Spec.Containers, 1)
		assert.Equal(t, "labd:test", job.Spec.Template.Spec.Containers[0].Image)
	}

	labd, env := labdBinary(t)
	volume := t.TempDir()
	for i := range shards {
		out := runPod(t, sweep.Spec.Template.Spec.Containers[0], labd, env, volume, map[string]string{"JOB_COMPLETION_INDEX": fmt.Sprint(i)})
		assert.Contains(t, out, fmt.Sprintf("shard %d/%d written", i, shards))
	}
	out := runPod(t, merge.Spec.Template.Spec.Containers[0], labd, env, volume, nil)
	assert.Contains(t, out, fmt.Sprintf("sweep %s, seeds %s, merged from %d shards", suite, seeds, shards))

	merged := readResult(t, filepath.Join(volume, run, "merged"))
	require.Len(t, merged["results"], 12)
	failed := merged["failedSeeds"].([]any)
	require.NotEmpty(t, failed, "the known bug was found")
	for _, seed := range failed {
		assert.FileExists(t, filepath.Join(volume, run, "merged", fmt.Sprintf("seed-%v", seed), "run.json"))
	}
}

// decodeJobs reads every Job of a multi-document manifest.
func decodeJobs(t *testing.T, manifest []byte) []k8sJob {
	t.Helper()
	var jobs []k8sJob
	dec := yaml.NewDecoder(bytes.NewReader(manifest))
	for {
		var job k8sJob
		err := dec.Decode(&job)
		if errors.Is(err, io.EOF) {
			return jobs
		}
		require.NoError(t, err, "%s", manifest)
		jobs = append(jobs, job)
	}
}

// runPod runs a container as the kubelet would, with labd for the image's entrypoint and for labd
// on its PATH, the volume mounted at its mount path turned into the directory volume, and extra
// variables (JOB_COMPLETION_INDEX) added to its environment. It returns the output; the pod must
// succeed.
func runPod(t *testing.T, c k8sContainer, labd string, env []string, volume string, extra map[string]string) string {
	t.Helper()
	vars := map[string]string{}
	for _, e := range c.Env {
		vars[e.Name] = e.Value
	}
	for k, v := range extra {
		vars[k] = v
	}
	require.Len(t, c.VolumeMounts, 1)
	mount := c.VolumeMounts[0].MountPath
	argv := append(append([]string(nil), c.Command...), c.Args...)
	if len(c.Command) == 0 {
		argv = append([]string{labd}, argv...) // the image's entrypoint
	}
	for i, a := range argv {
		argv[i] = strings.ReplaceAll(kubeletExpand(a, vars), mount, volume)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Env = append(cmd.Env, "PATH="+filepath.Dir(labd)+string(os.PathListSeparator)+os.Getenv("PATH"))
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	text, err := cmd.CombinedOutput()
	require.NoError(t, err, "pod %q:\n%s", argv, lastLines(string(text), 30))
	return string(text)
}

// kubeletExpand expands a container's command or argument as Kubernetes does: $(NAME) becomes the
// value of the container's variable NAME, $$ becomes $, and any other reference stays as written.
func kubeletExpand(s string, vars map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
			continue
		case '(':
			if end := strings.IndexByte(s[i+2:], ')'); end >= 0 {
				if v, ok := vars[s[i+2:i+2+end]]; ok {
					b.WriteString(v)
					i += 2 + end
					continue
				}
			}
		}
		b.WriteByte('$')
	}
	return b.String()
}

func TestKubeletExpand(t *testing.T) {
	vars := map[string]string{"A": "1", "RUN": "r"}
	cases := map[string]string{
		"$(A)/$(RUN)":       "1/r",
		"$(NOPE) $A $@":     "$(NOPE) $A $@",
		"$$(A) $((i + 1))":  "$(A) $((i + 1))",
		"end$":              "end$",
		"/results/$(RUN)/x": "/results/r/x",
	}
	for in, want := range cases {
		assert.Equal(t, want, kubeletExpand(in, vars), in)
	}
}
