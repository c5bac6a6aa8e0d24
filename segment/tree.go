package segment

import (
	"cmp"
	"slices"
)

// Condition is one test of a rule: Column Op Value, where Op is "≤" or ">".
type Condition struct {
	Col    int     // 0-based column
	Column string  // column name
	Op     string  // "≤" or ">"
	Value  float64 // a value present in the data
}

// treeNode is a node of a binary classification tree (CART, Gini).
type treeNode struct {
	col       int
	threshold float64 // rows with value ≤ threshold go left
	left      *treeNode
	right     *treeNode
	pos, n    int // positives and rows reaching the node
}

// fitTree grows a depth-limited tree separating target rows from the rest.
func fitTree(x Matrix, rows []int, target []bool, depth, minLeaf int) *treeNode {
	node := &treeNode{col: -1, n: len(rows)}
	for _, r := range rows {
		if target[r] {
			node.pos++
		}
	}
	if depth == 0 || node.pos == 0 || node.pos == node.n || node.n < 2*minLeaf {
		return node
	}
	bestGain, bestCol, bestThr := 1e-12, -1, 0.0
	parent := gini(node.pos, node.n)
	sorted := slices.Clone(rows)
	for c := 0; c < x.Cols; c++ {
		slices.SortFunc(sorted, func(a, b int) int {
			return cmp.Or(cmp.Compare(x.Data[a*x.Cols+c], x.Data[b*x.Cols+c]), cmp.Compare(a, b))
		})
		leftPos := 0
		for i := 0; i < len(sorted)-1; i++ {
			if target[sorted[i]] {
				leftPos++
			}
			v, next := x.Data[sorted[i]*x.Cols+c], x.Data[sorted[i+1]*x.Cols+c]
			nl := i + 1
			if v == next || nl < minLeaf || node.n-nl < minLeaf {
				continue
			}
			nr := node.n - nl
			child := (float64(nl)*gini(leftPos, nl) + float64(nr)*gini(node.pos-leftPos, nr)) / float64(node.n)
			if gain := parent - child; gain > bestGain {
				bestGain, bestCol, bestThr = gain, c, v
			}
		}
	}
	if bestCol < 0 {
		return node
	}
	node.col, node.threshold = bestCol, bestThr
	var l, r []int
	for _, row := range rows {
		if x.Data[row*x.Cols+bestCol] <= bestThr {
			l = append(l, row)
		} else {
			r = append(r, row)
		}
	}
	node.left = fitTree(x, l, target, depth-1, minLeaf)
	node.right = fitTree(x, r, target, depth-1, minLeaf)
	return node
}

func gini(pos, n int) float64 {
	if n == 0 {
		return 0
	}
	p := float64(pos) / float64(n)
	return 2 * p * (1 - p)
}

// leafRules returns, for every leaf where target rows are the majority,
// the path conditions (simplified to the tightest bound per column and
// direction), with the leaf's counts.
func leafRules(t *treeNode, names []string) []rawRule {
	var out []rawRule
	var walk func(n *treeNode, path []Condition)
	walk = func(n *treeNode, path []Condition) {
		if n.left == nil {
			if 2*n.pos > n.n {
				out = append(out, rawRule{conds: simplify(path), pos: n.pos, n: n.n})
			}
			return
		}
		c := Condition{Col: n.col, Column: names[n.col], Value: n.threshold}
		c.Op = "≤"
		walk(n.left, append(slices.Clip(path), c))
		c.Op = ">"
		walk(n.right, append(slices.Clip(path), c))
	}
	walk(t, nil)
	return out
}

type rawRule struct {
	conds  []Condition
	pos, n int
}

// simplify keeps, per column, the tightest "≤" and the tightest ">", in
// column order, ">" before "≤".
func simplify(path []Condition) []Condition {
	type bounds struct {
		lo, hi       float64
		hasLo, hasHi bool
		name         string
	}
	m := map[int]*bounds{}
	var cols []int
	for _, c := range path {
		b, ok := m[c.Col]
		if !ok {
			b = &bounds{name: c.Column}
			m[c.Col] = b
			cols = append(cols, c.Col)
		}
		if c.Op == "≤" && (!b.hasHi || c.Value < b.hi) {
			b.hi, b.hasHi = c.Value, true
		}
		if c.Op == ">" && (!b.hasLo || c.Value > b.lo) {
			b.lo, b.hasLo = c.Value, true
		}
	}
	slices.Sort(cols)
	var out []Condition
	for _, col := range cols {
		b := m[col]
		if b.hasLo {
			out = append(out, Condition{Col: col, Column: b.name, Op: ">", Value: b.lo})
		}
		if b.hasHi {
			out = append(out, Condition{Col: col, Column: b.name, Op: "≤", Value: b.hi})
		}
	}
	return out
}
