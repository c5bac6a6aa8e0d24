package synth

// PairScores scores predicted clusters of record ids against the truth
// (record id → person id) by counting record pairs through the contingency
// table rather than enumerating them: precision is the share of predicted
// same-cluster pairs that are the same person, recall the share of
// same-person pairs predicted together. Either is 1 when its denominator is
// zero.
func PairScores(pred [][]string, truth map[string]string) (precision, recall float64, tp, predPairs, truePairs int) {
	pairs := func(n int) int { return n * (n - 1) / 2 }
	perPerson := map[string]int{}
	for _, p := range truth {
		perPerson[p]++
	}
	for _, n := range perPerson {
		truePairs += pairs(n)
	}
	for _, c := range pred {
		predPairs += pairs(len(c))
		cell := map[string]int{}
		for _, id := range c {
			cell[truth[id]]++
		}
		for _, n := range cell {
			tp += pairs(n)
		}
	}
	precision, recall = 1, 1
	if predPairs > 0 {
		precision = float64(tp) / float64(predPairs)
	}
	if truePairs > 0 {
		recall = float64(tp) / float64(truePairs)
	}
	return precision, recall, tp, predPairs, truePairs
}
