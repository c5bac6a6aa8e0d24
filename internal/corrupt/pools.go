package corrupt

// Value pools, most common first; picks are skewed towards the front so
// that some values are common, as real names and places are.

var givenNames = []string{
	"james", "john", "robert", "michael", "william", "david", "richard", "joseph", "thomas", "charles",
	"mary", "patricia", "jennifer", "linda", "elizabeth", "barbara", "susan", "jessica", "sarah", "karen",
	"daniel", "matthew", "anthony", "mark", "donald", "steven", "paul", "andrew", "joshua", "kenneth",
	"nancy", "lisa", "betty", "margaret", "sandra", "ashley", "kimberly", "emily", "donna", "michelle",
	"kevin", "brian", "george", "timothy", "ronald", "edward", "jason", "jeffrey", "ryan", "jacob",
	"dorothy", "carol", "amanda", "melissa", "deborah", "stephanie", "rebecca", "sharon", "laura", "cynthia",
	"gary", "nicholas", "eric", "jonathan", "stephen", "larry", "justin", "scott", "brandon", "benjamin",
	"kathleen", "amy", "angela", "shirley", "anna", "brenda", "pamela", "emma", "nicole", "helen",
	"samuel", "gregory", "alexander", "frank", "patrick", "raymond", "jack", "dennis", "jerry", "tyler",
	"samantha", "katherine", "christine", "debra", "rachel", "carolyn", "janet", "catherine", "maria", "heather",
}

var surnames = []string{
	"smith", "jones", "williams", "brown", "wilson", "taylor", "johnson", "white", "martin", "anderson",
	"thompson", "nguyen", "thomas", "walker", "harris", "lee", "ryan", "robinson", "kelly", "king",
	"davis", "wright", "evans", "roberts", "green", "hall", "wood", "jackson", "clarke", "patel",
	"khan", "lewis", "james", "phillips", "mason", "mitchell", "rose", "davies", "rodriguez", "cox",
	"alexander", "morgan", "moore", "mills", "henderson", "ward", "campbell", "stewart", "edwards", "turner",
	"hughes", "murphy", "cooper", "young", "scott", "baker", "hill", "adams", "parker", "collins",
	"bell", "morris", "cook", "bailey", "reid", "murray", "watson", "graham", "marshall", "ross",
	"hunt", "palmer", "fraser", "gray", "simpson", "dixon", "hamilton", "fisher", "knight", "payne",
	"harrison", "kennedy", "ferguson", "hudson", "webb", "burke", "russell", "grant", "hayes", "porter",
	"sullivan", "chapman", "lawson", "dunn", "fletcher", "mcdonald", "armstrong", "barker", "gordon", "shaw",
}

var hanSurnames = []string{
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
	"徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
	"郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
	"彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡",
	"欧阳", "司马", "诸葛", "上官",
}

var hanGiven = []string{
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
	"勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平",
	"刚", "桂", "英", "华", "玉", "萍", "红", "建", "文", "辉",
	"鹏", "飞", "宇", "浩", "晨", "欣", "怡", "婷", "俊", "博",
	"子", "梓", "嘉", "思", "雨", "佳", "晓", "志", "海", "国",
}

// hanConfusable maps Han characters to look- or sound-alike ones, the
// OCR and input-method errors of Chinese names.
var hanConfusable = map[rune][]rune{
	'王': {'汪', '玉'}, '李': {'季', '理'}, '张': {'章', '涨'}, '刘': {'柳', '留'}, '陈': {'程', '晨'},
	'杨': {'扬', '阳'}, '黄': {'王', '皇'}, '赵': {'照', '肖'}, '吴': {'武', '伍'}, '周': {'舟', '州'},
	'明': {'名', '铭'}, '伟': {'玮', '炜'}, '丽': {'莉', '利'}, '静': {'晶', '婧'}, '华': {'桦', '骅'},
	'晓': {'小', '筱'}, '文': {'雯', '闻'}, '海': {'每', '梅'}, '国': {'果', '囯'}, '玉': {'王', '钰'},
}

var streetNames = []string{
	"main", "high", "church", "station", "victoria", "george", "king", "queen", "park", "bridge",
	"william", "elizabeth", "mill", "hill", "railway", "albert", "charles", "edward", "river", "school",
	"forest", "lake", "ocean", "beach", "garden", "wattle", "banksia", "acacia", "jacaranda", "hopetoun",
	"wentworth", "macquarie", "flinders", "darling", "murray", "hume", "lachlan", "bligh", "phillip", "hunter",
}

// streetTypes pairs each street type with its abbreviation.
var streetTypes = [][2]string{
	{"street", "st"}, {"road", "rd"}, {"avenue", "ave"}, {"place", "pl"}, {"crescent", "cres"},
	{"drive", "dr"}, {"court", "ct"}, {"parade", "pde"}, {"close", "cl"}, {"terrace", "tce"},
}

// places are suburb, postcode and state triples.
var places = [][3]string{
	{"richmond", "3121", "vic"}, {"parramatta", "2150", "nsw"}, {"fremantle", "6160", "wa"}, {"glenelg", "5045", "sa"},
	{"hobart", "7000", "tas"}, {"braddon", "2612", "act"}, {"darwin", "0800", "nt"}, {"toowong", "4066", "qld"},
	{"bondi", "2026", "nsw"}, {"carlton", "3053", "vic"}, {"subiaco", "6008", "wa"}, {"norwood", "5067", "sa"},
	{"launceston", "7250", "tas"}, {"belconnen", "2617", "act"}, {"palmerston", "0830", "nt"}, {"southport", "4215", "qld"},
	{"chatswood", "2067", "nsw"}, {"fitzroy", "3065", "vic"}, {"joondalup", "6027", "wa"}, {"unley", "5061", "sa"},
	{"newtown", "2042", "nsw"}, {"brunswick", "3056", "vic"}, {"scarborough", "6019", "wa"}, {"elizabeth", "5112", "sa"},
	{"kingston", "7050", "tas"}, {"woden", "2606", "act"}, {"casuarina", "0810", "nt"}, {"indooroopilly", "4068", "qld"},
	{"manly", "2095", "nsw"}, {"st kilda", "3182", "vic"}, {"cottesloe", "6011", "wa"}, {"prospect", "5082", "sa"},
	{"burnie", "7320", "tas"}, {"gungahlin", "2912", "act"}, {"nightcliff", "0810", "nt"}, {"chermside", "4032", "qld"},
	{"hurstville", "2220", "nsw"}, {"box hill", "3128", "vic"}, {"morley", "6062", "wa"}, {"mawson lakes", "5095", "sa"},
	{"cronulla", "2230", "nsw"}, {"geelong", "3220", "vic"}, {"bunbury", "6230", "wa"}, {"mount barker", "5251", "sa"},
	{"devonport", "7310", "tas"}, {"tuggeranong", "2900", "act"}, {"katherine", "0850", "nt"}, {"cairns", "4870", "qld"},
	{"penrith", "2750", "nsw"}, {"dandenong", "3175", "vic"}, {"armadale", "6112", "wa"}, {"salisbury", "5108", "sa"},
	{"wollongong", "2500", "nsw"}, {"ballarat", "3350", "vic"}, {"mandurah", "6210", "wa"}, {"gawler", "5118", "sa"},
	{"townsville", "4810", "qld"}, {"toowoomba", "4350", "qld"}, {"ipswich", "4305", "qld"}, {"bendigo", "3550", "vic"},
}

var states = []string{"nsw", "vic", "qld", "wa", "sa", "tas", "act", "nt"}

// ocrLatin are OCR-like confusions of Latin letters and digits.
var ocrLatin = [][2]string{
	{"m", "rn"}, {"rn", "m"}, {"o", "0"}, {"0", "o"}, {"l", "1"}, {"1", "l"}, {"i", "l"}, {"s", "5"},
	{"5", "s"}, {"b", "6"}, {"g", "9"}, {"cl", "d"}, {"d", "cl"}, {"e", "c"}, {"vv", "w"}, {"w", "vv"},
	{"8", "3"}, {"3", "8"}, {"7", "1"}, {"u", "v"}, {"h", "b"}, {"n", "h"},
}
