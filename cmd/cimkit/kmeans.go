package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/cimkit/cimkit/segment"
)

const kmeansSynopsis = "-in features.csv -cols r,f,m (-k 5 -out labels.csv | -choose-k 2..10) [-init centers.csv] [-n-init 10] [-seed 1] [-scale zscore|minmax|none]"

func runKMeans(s stdio, args []string) error {
	fs := newFlagSet(s, "kmeans", kmeansSynopsis)
	in := fs.String("in", "", "input CSV with a header row (\"-\" for stdin)")
	colsFlag := fs.String("cols", "", "comma-separated feature column names")
	k := fs.Int("k", 0, "number of clusters")
	initPath := fs.String("init", "", "CSV of initial centres in original units (header names the columns)")
	nInit := fs.Int("n-init", 10, "number of k-means++ restarts; the lowest inertia is kept")
	seed := fs.Uint64("seed", 1, "random seed")
	scale := fs.String("scale", "zscore", "feature scaling: zscore, minmax or none")
	out := fs.String("out", "", "output CSV of row,label (row is the 0-based data row)")
	chooseK := fs.String("choose-k", "", "range lo..hi: print the choosing-k table instead of clustering")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *in == "" || *colsFlag == "" {
		return fmt.Errorf("%w: -in and -cols are required", errUsage)
	}
	cols := strings.Split(*colsFlag, ",")
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	switch *scale {
	case segment.ScaleZScore, segment.ScaleMinMax, segment.ScaleNone:
	default:
		return fmt.Errorf("%w: -scale must be zscore, minmax or none", errUsage)
	}
	if *nInit < 1 {
		return fmt.Errorf("%w: -n-init must be at least 1", errUsage)
	}
	var kLo, kHi int
	if *chooseK != "" {
		lo, hi, ok := strings.Cut(*chooseK, "..")
		var err1, err2 error
		kLo, err1 = strconv.Atoi(lo)
		kHi, err2 = strconv.Atoi(hi)
		if !ok || err1 != nil || err2 != nil || kLo < 2 || kHi < kLo {
			return fmt.Errorf("%w: -choose-k must look like 2..10", errUsage)
		}
	} else if *k < 1 || *out == "" {
		return fmt.Errorf("%w: give -k N and -out FILE, or -choose-k LO..HI", errUsage)
	}

	x, err := readFeatureFile(s, *in, cols)
	if err != nil {
		return err
	}
	sc, err := segment.FitScaler(x, segment.ScaleSpec{Method: *scale})
	if err != nil {
		return err
	}
	xs, err := sc.Transform(x)
	if err != nil {
		return err
	}
	km := segment.KMeans{NClusters: *k, NInit: *nInit, RandomState: *seed}

	if *chooseK != "" {
		res, err := segment.ChooseK(xs, nil, kLo, kHi, km, 0)
		if err != nil {
			return err
		}
		printChooseK(s.out, res, x.Rows)
		return nil
	}

	if *initPath != "" {
		f, err := os.Open(*initPath)
		if err != nil {
			return err
		}
		ic, err := readFeatures(f, cols)
		f.Close()
		if err != nil {
			return fmt.Errorf("-init: %w", err)
		}
		ics, err := sc.Transform(ic)
		if err != nil {
			return fmt.Errorf("-init: %w", err)
		}
		km.InitCenters = ics.ToRows()
	}
	m, err := km.Fit(xs, nil)
	if err != nil {
		return err
	}
	if err := writeLabels(*out, m.Labels); err != nil {
		return err
	}
	seg := &segment.Segmentation{Scaler: sc, Model: m}
	profiles, err := segment.Describe(x, m.Labels, segment.DescribeOptions{Columns: cols, Seed: *seed})
	if err != nil {
		return err
	}
	printModel(s.out, seg, profiles, cols, x.Rows, *scale)
	return nil
}

func readFeatureFile(s stdio, path string, cols []string) (segment.Matrix, error) {
	if path == "-" {
		return readFeatures(s.in, cols)
	}
	f, err := os.Open(path)
	if err != nil {
		return segment.Matrix{}, err
	}
	defer f.Close()
	return readFeatures(f, cols)
}

// errBadCSV marks malformed feature files.
var errBadCSV = errors.New("bad feature CSV")

// readFeatures reads the named columns of a CSV with a header row into a
// matrix. Errors name the data row (1-based, header excluded) and column,
// never the cell's content.
func readFeatures(r io.Reader, cols []string) (segment.Matrix, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return segment.Matrix{}, fmt.Errorf("%w: header: %v", errBadCSV, csvErr(err))
	}
	pos := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := pos[h]; !dup {
			pos[h] = i
		}
	}
	idx := make([]int, len(cols))
	for j, c := range cols {
		p, ok := pos[c]
		if !ok {
			return segment.Matrix{}, fmt.Errorf("%w: column %q not in header", errBadCSV, c)
		}
		idx[j] = p
	}
	var data []float64
	rows := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return segment.Matrix{}, fmt.Errorf("%w: row %d: %v", errBadCSV, rows+1, csvErr(err))
		}
		rows++
		for j, p := range idx {
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[p]), 64)
			if err != nil {
				return segment.Matrix{}, fmt.Errorf("%w: row %d column %q: not a number", errBadCSV, rows, cols[j])
			}
			data = append(data, v)
		}
	}
	if rows == 0 {
		return segment.Matrix{}, fmt.Errorf("%w: no data rows", errBadCSV)
	}
	m, err := segment.NewMatrix(data, rows, len(cols))
	if err != nil {
		var ie *segment.InputError
		if errors.As(err, &ie) && ie.Row >= 0 && ie.Col >= 0 {
			return segment.Matrix{}, fmt.Errorf("row %d column %q: %w", ie.Row+1, cols[ie.Col], err)
		}
		return segment.Matrix{}, err
	}
	return m, nil
}

// csvErr drops the CSV parser's detail, which can quote cell contents.
func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("line %d: %v", pe.Line, pe.Err)
	}
	return err
}

func writeLabels(path string, labels []int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"row", "label"})
	for i, l := range labels {
		w.Write([]string{strconv.Itoa(i), strconv.Itoa(l)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

func printModel(w io.Writer, seg *segment.Segmentation, profiles []segment.Profile, cols []string, rows int, scale string) {
	m := seg.Model
	fmt.Fprintf(w, "k-means: %d clusters over %d rows, features %s, scale %s\n\n", m.NClusters(), rows, strings.Join(cols, ","), scale)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "cluster\tsize\t%s\tname\trule\n", strings.Join(cols, "\t"))
	for j, c := range seg.Centers() {
		p := profiles[j]
		vals := make([]string, len(c))
		for f, v := range c {
			vals[f] = num(v)
		}
		rule := ""
		if len(p.Rules) > 0 {
			rule = fmt.Sprintf("%s (precision %.2f, recall %.2f)", p.Rules[0].Text, p.Rules[0].Precision, p.Rules[0].Recall)
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\n", j, p.Size, strings.Join(vals, "\t"), p.Name, rule)
	}
	tw.Flush()
	fmt.Fprintf(w, "\ncentres are in original units; inertia is in %s-scaled units\n", scale)
	fmt.Fprintf(w, "inertia %s\niterations %d\n", num(m.Inertia), m.NIter)
}

func printChooseK(w io.Writer, res *segment.KChoice, rows int) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "k\tinertia\tsilhouette\tcalinski_harabasz\tdavies_bouldin\t")
	for _, s := range res.Scores {
		fmt.Fprintf(tw, "%d\t%s\t%.4f\t%s\t%.4f\t\n", s.K, num(s.Inertia), s.Silhouette, num(s.CalinskiHarabasz), s.DaviesBouldin)
	}
	tw.Flush()
	exact := "exact"
	if res.SilhouetteSample < rows {
		exact = fmt.Sprintf("sampled on %d of %d rows", res.SilhouetteSample, rows)
	}
	fmt.Fprintf(w, "\nelbow (knee) k=%d; best silhouette k=%d (%s); best calinski_harabasz k=%d; best davies_bouldin k=%d\n",
		res.Knee, res.BestSilhouette, exact, res.BestCH, res.BestDB)
}
