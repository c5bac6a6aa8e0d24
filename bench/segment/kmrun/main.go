// Command kmrun runs segment.KMeans on a raw float64 matrix for the
// scikit-learn parity and speed script (bench/segment/parity.py).
//
// Input files are little-endian float64, row-major. It prints one JSON
// object: inertia, n_iter, the best fit time in seconds over -repeat runs,
// and writes labels as little-endian int32 to -labels.
package main

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/cimkit/cimkit/segment"
)

func readF64(path string, want int) ([]float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) != 8*want {
		return nil, fmt.Errorf("%s: %d bytes, want %d", path, len(b), 8*want)
	}
	out := make([]float64, want)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return out, nil
}

func main() {
	xPath := flag.String("x", "", "data file")
	n := flag.Int("n", 0, "rows")
	d := flag.Int("d", 0, "columns")
	k := flag.Int("k", 0, "clusters")
	initPath := flag.String("init", "", "initial centres file (k×d); empty: k-means++")
	nInit := flag.Int("n-init", 1, "n_init")
	seed := flag.Uint64("seed", 0, "random_state")
	tol := flag.Float64("tol", 1e-4, "tol")
	maxIter := flag.Int("max-iter", 300, "max_iter")
	alg := flag.String("algorithm", "elkan", "lloyd or elkan")
	repeat := flag.Int("repeat", 1, "timed repetitions (best is reported)")
	labelsPath := flag.String("labels", "", "labels output file")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the timed fits")
	flag.Parse()

	data, err := readF64(*xPath, *n**d)
	if err != nil {
		fail(err)
	}
	x, err := segment.NewMatrix(data, *n, *d)
	if err != nil {
		fail(err)
	}
	km := segment.KMeans{NClusters: *k, NInit: *nInit, RandomState: *seed, Tol: *tol, MaxIter: *maxIter, Algorithm: *alg}
	if *initPath != "" {
		c, err := readF64(*initPath, *k**d)
		if err != nil {
			fail(err)
		}
		cm, _ := segment.NewMatrix(c, *k, *d)
		km.InitCenters = cm.ToRows()
	}
	var m *segment.Model
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fail(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	best, bestCPU := math.Inf(1), math.Inf(1)
	for r := 0; r < *repeat; r++ {
		start, startCPU := time.Now(), cpuSeconds()
		m, err = km.Fit(x, nil)
		el, cpu := time.Since(start).Seconds(), cpuSeconds()-startCPU
		if err != nil {
			fail(err)
		}
		best, bestCPU = min(best, el), min(bestCPU, cpu)
	}
	if *labelsPath != "" {
		b := make([]byte, 4*len(m.Labels))
		for i, l := range m.Labels {
			binary.LittleEndian.PutUint32(b[4*i:], uint32(int32(l)))
		}
		if err := os.WriteFile(*labelsPath, b, 0o644); err != nil {
			fail(err)
		}
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{"inertia": m.Inertia, "n_iter": m.NIter, "seconds": best, "cpu_seconds": bestCPU})
}

// cpuSeconds is the process's user+system CPU time. The machine the
// benchmark runs on is shared, so CPU time is a steadier measure than wall
// time; with GOMAXPROCS=1 it covers the one thread plus the GC.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "kmrun:", err)
	os.Exit(1)
}
