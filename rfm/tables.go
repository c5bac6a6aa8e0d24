package rfm

// defaultTableJSON is the common 11-segment table on a 5x5 grid of R and F
// (M does not enter): rows are R, columns F.
//
//	R\F  1         2          3          4        5
//	5    New       PotLoyal   PotLoyal   Champ    Champ
//	4    Promising PotLoyal   PotLoyal   Loyal    Loyal
//	3    AbtSleep  AbtSleep   NeedAttn   Loyal    Loyal
//	2    Hibern.   Hibern.    At Risk    At Risk  Can't Lose
//	1    Lost      Lost       At Risk    At Risk  Can't Lose
const defaultTableJSON = `{
  "name": "default", "kind": "score", "bins": 5,
  "rules": [
    {"segment": "Champions",          "r": [5, 5], "f": [4, 5], "m": [1, 5]},
    {"segment": "Loyal",              "r": [3, 4], "f": [4, 5], "m": [1, 5]},
    {"segment": "Potential Loyalist", "r": [4, 5], "f": [2, 3], "m": [1, 5]},
    {"segment": "New",                "r": [5, 5], "f": [1, 1], "m": [1, 5]},
    {"segment": "Promising",          "r": [4, 4], "f": [1, 1], "m": [1, 5]},
    {"segment": "Need Attention",     "r": [3, 3], "f": [3, 3], "m": [1, 5]},
    {"segment": "About to Sleep",     "r": [3, 3], "f": [1, 2], "m": [1, 5]},
    {"segment": "At Risk",            "r": [1, 2], "f": [3, 4], "m": [1, 5]},
    {"segment": "Can't Lose",         "r": [1, 2], "f": [5, 5], "m": [1, 5]},
    {"segment": "Hibernating",        "r": [2, 2], "f": [1, 2], "m": [1, 5]},
    {"segment": "Lost",               "r": [1, 1], "f": [1, 2], "m": [1, 5]}
  ]
}`

// cn8TableJSON is the 8-class table of Chinese e-commerce: each of R, F, M
// is high when its score is above the population mean score.
const cn8TableJSON = `{
  "name": "cn8", "kind": "mean",
  "rules": [
    {"segment": "重要价值客户", "r": "high", "f": "high", "m": "high"},
    {"segment": "重要发展客户", "r": "high", "f": "low",  "m": "high"},
    {"segment": "重要保持客户", "r": "low",  "f": "high", "m": "high"},
    {"segment": "重要挽留客户", "r": "low",  "f": "low",  "m": "high"},
    {"segment": "一般价值客户", "r": "high", "f": "high", "m": "low"},
    {"segment": "一般发展客户", "r": "high", "f": "low",  "m": "low"},
    {"segment": "一般保持客户", "r": "low",  "f": "high", "m": "low"},
    {"segment": "一般挽留客户", "r": "low",  "f": "low",  "m": "low"}
  ]
}`

// DefaultTable returns the common 11-segment table (Champions, Loyal,
// Potential Loyalist, New, Promising, Need Attention, About to Sleep, At Risk,
// Can't Lose, Hibernating, Lost) over 5 bins of R and F.
func DefaultTable() *Table { return mustTable(defaultTableJSON) }

// CN8Table returns the mean-based 8-class table (重要价值客户 ... 一般挽留客户).
// It works with any number of bins.
func CN8Table() *Table { return mustTable(cn8TableJSON) }

// DefaultTableJSON and CN8TableJSON return the built-in tables as JSON, a
// starting point for host tables.
func DefaultTableJSON() string { return defaultTableJSON }

// CN8TableJSON returns the cn8 table as JSON.
func CN8TableJSON() string { return cn8TableJSON }

func mustTable(s string) *Table {
	t, err := LoadTable([]byte(s))
	if err != nil {
		panic("rfm: built-in table invalid: " + err.Error()) // covered by tests
	}
	return t
}
