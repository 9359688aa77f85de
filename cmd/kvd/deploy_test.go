package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/raftlab/raftlab/core/server"
)

// k8sObject is the part of a Kubernetes object the checks below read.
type k8sObject struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name      string            `json:"name"`
		Namespace string            `json:"namespace"`
		Labels    map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec json.RawMessage `json:"spec"`
}

type k8sSelector struct {
	MatchLabels map[string]string `json:"matchLabels"`
}

type statefulSetSpec struct {
	ServiceName string      `json:"serviceName"`
	Replicas    int         `json:"replicas"`
	Selector    k8sSelector `json:"selector"`
	Template    struct {
		Metadata struct {
			Labels map[string]string `json:"labels"`
		} `json:"metadata"`
		Spec struct {
			Containers []struct {
				Args  []string `json:"args"`
				Ports []struct {
					Name          string `json:"name"`
					ContainerPort int    `json:"containerPort"`
				} `json:"ports"`
				ReadinessProbe struct {
					HTTPGet struct {
						Path string `json:"path"`
					} `json:"httpGet"`
				} `json:"readinessProbe"`
			} `json:"containers"`
		} `json:"spec"`
	} `json:"template"`
}

type serviceSpec struct {
	ClusterIP                string            `json:"clusterIP"`
	PublishNotReadyAddresses bool              `json:"publishNotReadyAddresses"`
	Selector                 map[string]string `json:"selector"`
}

type pdbSpec struct {
	MaxUnavailable int         `json:"maxUnavailable"`
	Selector       k8sSelector `json:"selector"`
}

func readK8sObjects(t *testing.T, path string) map[string]k8sObject {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	objs := map[string]k8sObject{}
	for _, doc := range strings.Split(string(raw), "\n---\n") {
		var o k8sObject
		require.NoError(t, yaml.Unmarshal([]byte(doc), &o))
		objs[o.Kind+"/"+o.Metadata.Name] = o
	}
	return objs
}

func specOf[T any](t *testing.T, o k8sObject) T {
	t.Helper()
	var spec T
	require.NoError(t, json.Unmarshal(o.Spec, &spec), o.Kind)
	return spec
}

// TestKubernetesManifest checks the StatefulSet against its headless Service and its
// PodDisruptionBudget, and runs every pod's kvd arguments through kvd's own flag parsing and
// bootstrap check: each pod finds itself in --initial-cluster under its advertised peer URL.
func TestKubernetesManifest(t *testing.T) {
	objs := readK8sObjects(t, filepath.Join("deploy", "kubernetes.yaml"))
	require.Contains(t, objs, "StatefulSet/kvd")
	sts := specOf[statefulSetSpec](t, objs["StatefulSet/kvd"])
	headless, ok := objs["Service/"+sts.ServiceName]
	require.True(t, ok, "the StatefulSet's serviceName %q is a Service", sts.ServiceName)
	hs := specOf[serviceSpec](t, headless)
	assert.Equal(t, "None", hs.ClusterIP, "the governing Service is headless")
	assert.True(t, hs.PublishNotReadyAddresses, "peers resolve each other before they are ready")
	labels := sts.Template.Metadata.Labels
	assert.Equal(t, labels, sts.Selector.MatchLabels)
	assert.Equal(t, labels, hs.Selector)
	require.Contains(t, objs, "PodDisruptionBudget/kvd")
	pdb := specOf[pdbSpec](t, objs["PodDisruptionBudget/kvd"])
	assert.Equal(t, labels, pdb.Selector.MatchLabels)
	assert.Less(t, pdb.MaxUnavailable, sts.Replicas/2+1, "a disruption never takes a quorum")
	assert.Greater(t, pdb.MaxUnavailable, 0)

	require.Len(t, sts.Template.Spec.Containers, 1)
	c := sts.Template.Spec.Containers[0]
	assert.Equal(t, "/health", c.ReadinessProbe.HTTPGet.Path)
	namespace := headless.Metadata.Namespace
	for i := range sts.Replicas {
		pod := fmt.Sprintf("%s-%d", objs["StatefulSet/kvd"].Metadata.Name, i)
		args := make([]string, len(c.Args))
		for j, a := range c.Args {
			args[j] = strings.ReplaceAll(a, "$(POD_NAME)", pod)
		}
		o, err := parseOptions(args, noEnv, nil, io.Discard)
		require.NoError(t, err, pod)
		s, err := o.validate()
		require.NoError(t, err, pod)
		require.Len(t, s.initialCluster, sts.Replicas, "--initial-cluster lists every replica")
		_, err = server.StaticCluster(s.initialCluster, s.token, s.name, s.advertisePeers)
		require.NoError(t, err, pod)
		assert.Equal(t, []string{fmt.Sprintf("http://%s.%s.%s.svc:2380", pod, sts.ServiceName, namespace)}, s.advertisePeers)
	}
}

// TestSampleConfigFileAndImageDefaults: the sample config file and the image's default arguments
// are settings kvd accepts; the unit's command line names flags kvd has.
func TestSampleConfigFileAndImageDefaults(t *testing.T) {
	o, err := configFromFile(filepath.Join("deploy", "kvd.conf.yml"), io.Discard)
	require.NoError(t, err)
	assert.Empty(t, o.warnings)
	s, err := o.validate()
	require.NoError(t, err)
	assert.Len(t, s.initialCluster, 3)

	for _, file := range []string{"Dockerfile", "Dockerfile.prebuilt"} {
		raw, err := os.ReadFile(filepath.Join("deploy", file))
		require.NoError(t, err)
		m := regexp.MustCompile(`(?m)^CMD (\[.*\])$`).FindSubmatch(raw)
		require.NotNil(t, m, "%s has a CMD", file)
		var args []string
		require.NoError(t, json.Unmarshal(m[1], &args))
		o, err := parseOptions(args, noEnv, nil, io.Discard)
		require.NoError(t, err, file)
		_, err = o.validate()
		require.NoError(t, err, file)
	}

	raw, err := os.ReadFile(filepath.Join("deploy", "kvd.service"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^ExecStart=\S+ (.*)$`).FindSubmatch(raw)
	require.NotNil(t, m)
	var out bytes.Buffer
	fs := newFlagSet(&options{}, &out)
	require.NoError(t, fs.Parse(strings.Fields(string(m[1]))), out.String())
	assert.Equal(t, "/etc/kvd/kvd.conf.yml", fs.Lookup("config-file").Value.String())
}
